//! The small tables: people, their co-ops (groups, with memberships and a
//! primary group each, shown beside their posts) and the categories, open
//! to everyone as a new category is.

use crate::generate::insert_many;
use crate::plan::{END_MS, Plan, T_USER};
use crate::rng::Rng;
use crate::text;
use anyhow::Result;
use minga_core::perm::{Permission, groups};
use minga_core::slug::slugify;
use rusqlite::Connection;

const DAY_MS: i64 = 86_400_000;

struct Person {
    name: String,
    bio: String,
    place: &'static str,
    coop: u64,
    created_at: i64,
}

pub fn insert(conn: &mut Connection, plan: &Plan, first_category: i64) -> Result<()> {
    // Co-ops of about eight people; their ids follow the automatic groups'.
    let coops = (plan.users / 8).max(4);
    let first_group: i64 = conn.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM groups", [], |r| r.get(0))?;
    let people: Vec<(u64, Person)> = (0..plan.users)
        .map(|i| {
            let mut r = Rng::derive(plan.seed, &[T_USER, i]);
            let coop = r.below(coops);
            let person = Person {
                name: text::full_name(i, &mut r),
                bio: text::bio(&mut r, &text::coop(coop)),
                place: text::place(&mut r),
                coop,
                created_at: END_MS - 800 * DAY_MS + r.below(700 * DAY_MS as u64) as i64,
            };
            (i, person)
        })
        .collect();
    let usernames: Vec<String> = (0..plan.users).map(text::username).collect();

    struct Coop {
        id: i64,
        name: String,
        full_name: String,
        bio: String,
        website: String,
        place: &'static str,
        created_at: i64,
    }
    let coop_rows: Vec<Coop> = (0..coops)
        .map(|c| {
            let name = text::coop_name(c);
            let mut r = Rng::derive(plan.seed, &[T_USER, c, 7]);
            Coop {
                id: first_group + c as i64,
                full_name: text::coop(c),
                bio: text::coop_bio(&mut r),
                website: format!("https://{name}.example.org"),
                place: text::place(&mut r),
                name,
                created_at: END_MS - 900 * DAY_MS,
            }
        })
        .collect();
    // Each co-op's first member (by id) owns its group.
    let mut owner = vec![u64::MAX; coops as usize];
    for (i, p) in &people {
        owner[p.coop as usize] = owner[p.coop as usize].min(*i);
    }
    struct UserRow {
        id: i64,
        email: String,
        admin: i64,
        moderator: i64,
        trust_level: i64,
        group: i64,
        owner: i64,
    }
    let user_rows: Vec<UserRow> = people
        .iter()
        .map(|(i, p)| UserRow {
            id: *i as i64 + 1,
            email: format!("{}@example.org", usernames[*i as usize]),
            admin: i64::from(*i == 0),
            // User 3 moderates: the benchmark's writer (see `Meta::writer`).
            moderator: i64::from(*i == 2),
            trust_level: if *i == 0 { 4 } else { 1 + (*i % 3) as i64 },
            group: first_group + p.coop as i64,
            owner: i64::from(owner[p.coop as usize] == *i),
        })
        .collect();
    struct CategoryRow {
        id: i64,
        name: &'static str,
        slug: String,
        color: &'static str,
        description: &'static str,
        position: i64,
    }
    let categories: Vec<CategoryRow> = text::CATEGORIES
        .iter()
        .enumerate()
        .map(|(i, c)| CategoryRow { id: i as i64 + first_category, name: c.0, slug: slugify(c.0), color: c.2, description: c.1, position: i as i64 })
        .collect();
    let (end, never, everyone, full, category_at) = (END_MS, "!", groups::EVERYONE, Permission::Full as i64, END_MS - 800 * DAY_MS);

    let tx = conn.transaction()?;
    insert_many(
        &tx,
        "groups",
        &["id", "name", "name_lower", "full_name", "bio_raw", "website", "location", "created_at"],
        &coop_rows,
        |c, v| v.bind(&c.id).bind(&c.name).bind(&c.name).bind(&c.full_name).bind(&c.bio).bind(&c.website).bind(&c.place).bind(&c.created_at),
    )?;
    let joined: Vec<((u64, Person), &UserRow)> = people.into_iter().zip(user_rows.iter()).collect();
    insert_many(
        &tx,
        "users",
        &[
            "id", "username", "username_lower", "name", "email", "email_lower", "password_hash", "admin", "moderator", "trust_level",
            "bio_raw", "location", "created_at", "last_seen_at", "primary_group_id",
        ],
        &joined,
        |((i, p), u), v| {
            let name = &usernames[*i as usize];
            // Nobody logs in with a password: sessions and keys are made directly.
            v.bind(&u.id)
                .bind(name)
                .bind(name)
                .bind(&p.name)
                .bind(&u.email)
                .bind(&u.email)
                .bind(&never)
                .bind(&u.admin)
                .bind(&u.moderator)
                .bind(&u.trust_level)
                .bind(&p.bio)
                .bind(&p.place)
                .bind(&p.created_at)
                .bind(&end)
                .bind(&u.group)
        },
    )?;
    insert_many(&tx, "group_users", &["group_id", "user_id", "owner", "created_at"], &joined, |((_, p), u), v| {
        v.bind(&u.group).bind(&u.id).bind(&u.owner).bind(&p.created_at)
    })?;
    insert_many(&tx, "categories", &["id", "name", "slug", "color", "description", "position", "created_at"], &categories, |c, v| {
        v.bind(&c.id).bind(&c.name).bind(&c.slug).bind(&c.color).bind(&c.description).bind(&c.position).bind(&category_at)
    })?;
    insert_many(&tx, "category_groups", &["category_id", "group_id", "permission_type"], &categories, |c, v| {
        v.bind(&c.id).bind(&everyone).bind(&full)
    })?;
    tx.commit()?;
    Ok(())
}
