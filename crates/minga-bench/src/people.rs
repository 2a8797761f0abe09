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
use sqlx::Connection;
use sqlx::sqlite::SqliteConnection;

const DAY_MS: i64 = 86_400_000;

struct Person {
    name: String,
    bio: String,
    place: &'static str,
    coop: u64,
    created_at: i64,
}

pub async fn insert(conn: &mut SqliteConnection, plan: &Plan) -> Result<()> {
    // Co-ops of about eight people; their ids follow the automatic groups'.
    let coops = (plan.users / 8).max(4);
    let (first_group,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) + 1 FROM groups").fetch_one(&mut *conn).await?;
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
    let coop_rows: Vec<u64> = (0..coops).collect();
    let categories: Vec<(usize, &(&str, &str, &str))> = text::CATEGORIES.iter().enumerate().collect();

    let mut tx = conn.begin().await?;
    insert_many(
        &mut tx,
        "groups",
        &["id", "name", "name_lower", "full_name", "bio_raw", "website", "location", "created_at"],
        &coop_rows,
        |q, &c| {
            let name = text::coop_name(c);
            let mut r = Rng::derive(plan.seed, &[T_USER, c, 7]);
            q.bind(first_group + c as i64)
                .bind(name.clone())
                .bind(name.clone())
                .bind(text::coop(c))
                .bind(text::coop_bio(&mut r))
                .bind(format!("https://{name}.example.org"))
                .bind(text::place(&mut r))
                .bind(END_MS - 900 * DAY_MS)
        },
    )
    .await?;
    insert_many(
        &mut tx,
        "users",
        &[
            "id", "username", "username_lower", "name", "email", "email_lower", "password_hash", "admin", "moderator", "trust_level",
            "bio_raw", "location", "created_at", "last_seen_at", "primary_group_id",
        ],
        &people,
        |q, (i, p)| {
            let name = &usernames[*i as usize];
            // Nobody logs in with a password: sessions and keys are made directly.
            q.bind(*i as i64 + 1)
                .bind(name.as_str())
                .bind(name.as_str())
                .bind(p.name.as_str())
                .bind(format!("{name}@example.org"))
                .bind(format!("{name}@example.org"))
                .bind("!")
                .bind(i64::from(*i == 0))
                // User 3 moderates: the benchmark's writer (see `Meta::writer`).
                .bind(i64::from(*i == 2))
                .bind(if *i == 0 { 4_i64 } else { 1 + (*i % 3) as i64 })
                .bind(p.bio.as_str())
                .bind(p.place)
                .bind(p.created_at)
                .bind(END_MS)
                .bind(first_group + p.coop as i64)
        },
    )
    .await?;
    // Each co-op's first member (by id) owns its group.
    let mut owner = vec![u64::MAX; coops as usize];
    for (i, p) in &people {
        owner[p.coop as usize] = owner[p.coop as usize].min(*i);
    }
    insert_many(&mut tx, "group_users", &["group_id", "user_id", "owner", "created_at"], &people, |q, (i, p)| {
        q.bind(first_group + p.coop as i64).bind(*i as i64 + 1).bind(i64::from(owner[p.coop as usize] == *i)).bind(p.created_at)
    })
    .await?;
    insert_many(&mut tx, "categories", &["id", "name", "slug", "color", "description", "position", "created_at"], &categories, |q, (i, c)| {
        q.bind(*i as i64 + 1).bind(c.0).bind(slugify(c.0)).bind(c.2).bind(c.1).bind(*i as i64).bind(END_MS - 800 * DAY_MS)
    })
    .await?;
    insert_many(&mut tx, "category_groups", &["category_id", "group_id", "permission_type"], &categories, |q, (i, _)| {
        q.bind(*i as i64 + 1).bind(groups::EVERYONE).bind(Permission::Full as i64)
    })
    .await?;
    tx.commit().await?;
    Ok(())
}
