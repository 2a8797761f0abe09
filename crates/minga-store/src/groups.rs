//! Groups (co-ops) and their members. The automatic groups (everyone,
//! admins, moderators, staff, trust levels) have rows for their names,
//! but their members are derived from users' flags, never stored.

use crate::db::{Param, conflict, placeholders, row_struct};
use crate::{Change, Result, Store, StoreError, User};
use minga_core::UserId;
use minga_core::perm::groups as auto;
use minga_core::time::now_ms;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub id: i64,
    pub name: String,
    pub full_name: String,
    pub bio_raw: String,
    pub website: String,
    pub location: String,
    pub automatic: bool,
    /// Who may see the group (`perm::GroupVisibility`).
    pub visibility_level: i64,
    /// Who may see its members, on the same scale.
    pub members_visibility_level: i64,
    /// How people join (`perm::JoinMode`).
    pub join_mode: i64,
    pub created_at: i64,
    /// A Font Awesome icon name shown beside members' avatars.
    pub flair_icon: String,
    pub flair_bg_color: String,
    pub flair_color: String,
    /// The trust level members are granted on joining.
    pub grant_trust_level: Option<i64>,
    /// Members may leave on their own.
    pub public_exit: bool,
    pub membership_request_template: String,
    /// Who may message and mention the group (Discourse's alias levels).
    pub messageable_level: i64,
    pub mentionable_level: i64,
    /// Sign-ups with an address at one of these domains (`|`-separated) join.
    pub automatic_membership_email_domains: String,
    /// Kept for the notifications issue: members' level in the group's messages.
    pub default_notification_level: i64,
}

row_struct!(Group {
    id, name, full_name, bio_raw, website, location, automatic, visibility_level, members_visibility_level, join_mode, created_at,
    flair_icon, flair_bg_color, flair_color, grant_trust_level, public_exit, membership_request_template, messageable_level,
    mentionable_level, automatic_membership_email_domains, default_notification_level,
});

impl Group {
    /// The group as permission rules see it.
    pub fn rules(&self) -> minga_core::perm::GroupRules {
        use minga_core::perm::{GroupRules, GroupVisibility, JoinMode};
        GroupRules {
            id: self.id,
            automatic: self.automatic,
            // Unknown levels (never stored: forms check them) are read as the strictest.
            visibility: GroupVisibility::from_i64(self.visibility_level).unwrap_or(GroupVisibility::Owners),
            members_visibility: GroupVisibility::from_i64(self.members_visibility_level).unwrap_or(GroupVisibility::Owners),
            join_mode: JoinMode::from_i64(self.join_mode).unwrap_or(JoinMode::Closed),
            public_exit: self.public_exit,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct GroupForm {
    pub name: String,
    pub full_name: String,
    pub bio_raw: String,
    pub website: String,
    pub location: String,
    pub visibility_level: i64,
    pub members_visibility_level: i64,
    pub join_mode: i64,
    pub flair_icon: String,
    pub flair_bg_color: String,
    pub flair_color: String,
    pub grant_trust_level: Option<i64>,
    pub public_exit: bool,
    pub membership_request_template: String,
    pub messageable_level: i64,
    pub mentionable_level: i64,
    pub automatic_membership_email_domains: String,
    pub default_notification_level: i64,
}

/// A member of a group.
#[derive(Clone, Debug)]
pub struct Member {
    pub user: User,
    pub owner: bool,
    /// When they joined (for automatic groups: when their account was made).
    pub added_at: i64,
    pub last_posted_at: Option<i64>,
}

/// The SQL condition selecting the members of an automatic group.
fn automatic_members(id: i64) -> Option<String> {
    Some(match id {
        auto::EVERYONE => "1 = 1".into(),
        auto::ADMINS => "admin".into(),
        auto::MODERATORS => "moderator".into(),
        auto::STAFF => "(admin OR moderator)".into(),
        10..=14 => format!("trust_level >= {}", id - auto::TRUST_LEVEL_0),
        _ => return None,
    })
}

const UNIQUE_NAME: &[(&str, &str)] = &[("name", "name")];

/// A form's values as `$1`…`$19`: name, its lower case, full name, bio,
/// website, location, the three levels, then the settings from
/// `flair_icon` to `default_notification_level` in `SETTINGS`' order.
fn form_params<'a>(f: &'a GroupForm, lower: &'a String) -> Vec<&'a dyn Param> {
    vec![
        &f.name, lower, &f.full_name, &f.bio_raw, &f.website, &f.location, &f.visibility_level, &f.members_visibility_level, &f.join_mode,
        &f.flair_icon, &f.flair_bg_color, &f.flair_color, &f.grant_trust_level, &f.public_exit, &f.membership_request_template,
        &f.messageable_level, &f.mentionable_level, &f.automatic_membership_email_domains, &f.default_notification_level,
    ]
}

const SETTINGS: &str = "flair_icon, flair_bg_color, flair_color, grant_trust_level, public_exit, membership_request_template, \
    messageable_level, mentionable_level, automatic_membership_email_domains, default_notification_level";

impl Store {
    pub async fn create_group(&self, form: &GroupForm) -> Result<Group> {
        let f = form.clone();
        self.write(move |tx| {
            let sql = format!(
                "INSERT INTO groups (name, name_lower, full_name, bio_raw, website, location, visibility_level, \
                 members_visibility_level, join_mode, {SETTINGS}, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
                 $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING {}",
                Group::COLUMNS
            );
            let (lower, now) = (f.name.to_lowercase(), now_ms());
            let mut params = form_params(&f, &lower);
            params.push(&now);
            let g: Group = tx.one(&sql, &params).map_err(conflict(UNIQUE_NAME))?;
            tx.changed(Change::Catalog);
            Ok(g)
        })
        .await
    }

    /// Updates a group's settings; automatic groups keep their names.
    pub async fn update_group(&self, id: i64, form: &GroupForm) -> Result<Group> {
        let f = form.clone();
        self.write(move |tx| {
            let sql = format!(
                "UPDATE groups SET name = CASE WHEN automatic THEN name ELSE $1 END, \
                 name_lower = CASE WHEN automatic THEN name_lower ELSE $2 END, full_name = $3, bio_raw = $4, \
                 website = $5, location = $6, visibility_level = $7, members_visibility_level = $8, join_mode = $9, \
                 flair_icon = $10, flair_bg_color = $11, flair_color = $12, grant_trust_level = $13, public_exit = $14, \
                 membership_request_template = $15, messageable_level = $16, mentionable_level = $17, \
                 automatic_membership_email_domains = $18, default_notification_level = $19 \
                 WHERE id = $20 RETURNING {}",
                Group::COLUMNS
            );
            let lower = f.name.to_lowercase();
            let mut params = form_params(&f, &lower);
            params.push(&id);
            let g: Group = tx.opt(&sql, &params).map_err(conflict(UNIQUE_NAME))?.ok_or(StoreError::NotFound)?;
            tx.changed(Change::Catalog);
            tx.changed(Change::People);
            Ok(g)
        })
        .await
    }

    pub async fn groups(&self) -> Result<Vec<Group>> {
        self.read(&[Change::Catalog], |db| {
            db.all(&format!("SELECT {} FROM groups ORDER BY automatic DESC, id", Group::COLUMNS), &[])
        })
        .await
    }

    pub async fn group_by_name(&self, name: &str) -> Result<Option<Group>> {
        let lower = name.to_lowercase();
        self.read(&[Change::Catalog], move |db| {
            db.opt(&format!("SELECT {} FROM groups WHERE name_lower = $1", Group::COLUMNS), &[&lower])
        })
        .await
    }

    pub async fn group(&self, id: i64) -> Result<Option<Group>> {
        self.read(&[Change::Catalog], move |db| db.opt(&format!("SELECT {} FROM groups WHERE id = $1", Group::COLUMNS), &[&id])).await
    }

    /// A group's members, owners first, and how many there are.
    pub async fn group_members(&self, g: &Group, offset: i64, limit: i64) -> Result<(Vec<Member>, i64)> {
        self.group_roster(g, offset, limit, false).await
    }

    /// A custom group's owners (all of them: there are few).
    pub async fn group_owners(&self, g: &Group) -> Result<Vec<Member>> {
        if g.automatic {
            return Ok(Vec::new());
        }
        Ok(self.group_roster(g, 0, 1000, true).await?.0)
    }

    async fn group_roster(&self, g: &Group, offset: i64, limit: i64, owners_only: bool) -> Result<(Vec<Member>, i64)> {
        let (id, automatic) = (g.id, g.automatic);
        self.read(&[Change::Catalog, Change::People, Change::Lists], move |db| {
            let last_posted = "(SELECT MAX(p.created_at) FROM posts p WHERE p.user_id = u.id AND p.deleted_at IS NULL)";
            let width = User::COLUMNS.split(", ").count();
            let mut members = Vec::new();
            if let Some(condition) = automatic_members(id).filter(|_| automatic) {
                let sql = format!(
                    "SELECT {}, u.created_at, {last_posted} FROM users u WHERE {condition} ORDER BY u.username_lower LIMIT $1 OFFSET $2",
                    User::columns("u")
                );
                db.each(&sql, &[&limit, &offset], &mut |r| {
                    let user = <User as crate::db::FromRow>::from_row(r)?;
                    members.push(Member { user, owner: false, added_at: r.get(width)?, last_posted_at: r.get(width + 1)? });
                    Ok(())
                })?;
                let count: i64 = db.one(&format!("SELECT COUNT(*) FROM users u WHERE {condition}"), &[])?;
                return Ok((members, count));
            }
            let owners = if owners_only { "AND gu.owner" } else { "" };
            let sql = format!(
                "SELECT {}, gu.owner, gu.created_at, {last_posted} FROM group_users gu JOIN users u ON u.id = gu.user_id \
                 WHERE gu.group_id = $1 {owners} ORDER BY gu.owner DESC, u.username_lower LIMIT $2 OFFSET $3",
                User::columns("u")
            );
            db.each(&sql, &[&id, &limit, &offset], &mut |r| {
                members.push(Member {
                    user: <User as crate::db::FromRow>::from_row(r)?,
                    owner: r.get(width)?,
                    added_at: r.get(width + 1)?,
                    last_posted_at: r.get(width + 2)?,
                });
                Ok(())
            })?;
            let count: i64 = db.one(&format!("SELECT COUNT(*) FROM group_users gu WHERE gu.group_id = $1 {owners}"), &[&id])?;
            Ok((members, count))
        })
        .await
    }

    /// How many members each group has, automatic groups included.
    pub async fn group_sizes(&self) -> Result<Vec<(i64, i64)>> {
        self.read(&[Change::Catalog, Change::People], |db| {
            let mut sizes: Vec<(i64, i64)> = db.all("SELECT group_id, COUNT(*) FROM group_users GROUP BY group_id", &[])?;
            for id in [auto::EVERYONE, auto::ADMINS, auto::MODERATORS, auto::STAFF].into_iter().chain(10..=14) {
                if let Some(condition) = automatic_members(id) {
                    let n: i64 = db.one(&format!("SELECT COUNT(*) FROM users WHERE {condition}"), &[])?;
                    sizes.push((id, n));
                }
            }
            Ok(sizes)
        })
        .await
    }

    /// Deletes a custom group: its memberships, requests and category
    /// grants go with it, and members who wore it as their primary group
    /// no longer do. Automatic groups are never deleted.
    pub async fn delete_group(&self, id: i64) -> Result<Group> {
        if auto::is_automatic(id) {
            return Err(StoreError::Missing(crate::Thing::Group));
        }
        self.write(move |tx| {
            let members: Vec<i64> = tx.db.all("SELECT user_id FROM group_users WHERE group_id = $1", &[&id])?;
            tx.exec("UPDATE users SET primary_group_id = NULL WHERE primary_group_id = $1", &[&id])?;
            tx.exec("DELETE FROM group_users WHERE group_id = $1", &[&id])?;
            tx.exec("DELETE FROM group_requests WHERE group_id = $1", &[&id])?;
            tx.exec("DELETE FROM category_groups WHERE group_id = $1", &[&id])?;
            let g: Group = tx
                .opt(&format!("DELETE FROM groups WHERE id = $1 AND NOT automatic RETURNING {}", Group::COLUMNS), &[&id])?
                .ok_or(StoreError::Missing(crate::Thing::Group))?;
            for u in members {
                tx.changed(Change::User(UserId(u)));
            }
            // Category grants changed: what readers may see, so every list and topic.
            tx.changed(Change::Catalog);
            tx.changed(Change::People);
            tx.changed(Change::Lists);
            Ok(g)
        })
        .await
    }

    /// Adds people to a custom group (or makes them owners); returns how
    /// many were newly added.
    pub async fn add_group_members(&self, group_id: i64, users: &[UserId], owner: bool) -> Result<u64> {
        if auto::is_automatic(group_id) {
            return Err(StoreError::Missing(crate::Thing::Group));
        }
        let users = users.to_vec();
        self.write(move |tx| {
            let mut added = 0;
            for u in &users {
                let new: Option<bool> = tx
                    .opt(
                        "INSERT INTO group_users (group_id, user_id, owner, created_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (group_id, user_id) DO UPDATE SET owner = group_users.owner OR $3 \
                         RETURNING created_at = $4",
                        &[&group_id, &u.0, &owner, &now_ms()],
                    )
                    .map_err(conflict(&[]))?;
                added += u64::from(new.unwrap_or(false));
                tx.exec("DELETE FROM group_requests WHERE group_id = $1 AND user_id = $2", &[&group_id, &u.0])?;
                tx.changed(Change::User(*u));
            }
            tx.changed(Change::Catalog);
            tx.changed(Change::People);
            Ok(added)
        })
        .await
    }

    pub async fn remove_group_member(&self, group_id: i64, user: UserId) -> Result<bool> {
        self.write(move |tx| {
            let n = tx.exec("DELETE FROM group_users WHERE group_id = $1 AND user_id = $2", &[&group_id, &user.0])?;
            tx.exec("UPDATE users SET primary_group_id = NULL WHERE id = $1 AND primary_group_id = $2", &[&user.0, &group_id])?;
            tx.changed(Change::User(user));
            tx.changed(Change::Catalog);
            tx.changed(Change::People);
            Ok(n > 0)
        })
        .await
    }

    /// The custom groups a person belongs to, and which of them they own.
    pub async fn memberships(&self, user: UserId) -> Result<Vec<(i64, bool)>> {
        self.read(&[Change::User(user)], move |db| memberships(db, user)).await
    }

    pub async fn set_primary_group(&self, user: UserId, group_id: Option<i64>) -> Result<()> {
        self.write(move |tx| {
            if let Some(g) = group_id {
                let member: Option<i64> = tx.opt("SELECT 1 FROM group_users WHERE group_id = $1 AND user_id = $2", &[&g, &user.0])?;
                if member.is_none() {
                    return Err(StoreError::Missing(crate::Thing::Group));
                }
            }
            tx.exec("UPDATE users SET primary_group_id = $1 WHERE id = $2", &[&group_id, &user.0])?;
            tx.changed(Change::User(user));
            tx.changed(Change::People);
            Ok(())
        })
        .await
    }

    pub async fn request_membership(&self, group_id: i64, user: UserId, reason: &str) -> Result<()> {
        let reason = reason.to_string();
        self.write(move |tx| {
            tx.exec(
                "INSERT INTO group_requests (group_id, user_id, reason, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (group_id, user_id) DO NOTHING",
                &[&group_id, &user.0, &reason, &now_ms()],
            )?;
            tx.changed(Change::Catalog);
            Ok(())
        })
        .await
    }

    /// People waiting to join a group.
    pub async fn membership_requests(&self, group_id: i64) -> Result<Vec<User>> {
        self.read(&[Change::Catalog, Change::People], move |db| {
            db.all(
                &format!(
                    "SELECT {} FROM group_requests r JOIN users u ON u.id = r.user_id WHERE r.group_id = $1 ORDER BY r.created_at",
                    User::columns("u")
                ),
                &[&group_id],
            )
        })
        .await
    }

    pub async fn deny_membership_request(&self, group_id: i64, user: UserId) -> Result<bool> {
        self.write(move |tx| {
            let n = tx.exec("DELETE FROM group_requests WHERE group_id = $1 AND user_id = $2", &[&group_id, &user.0])?;
            tx.changed(Change::Catalog);
            Ok(n > 0)
        })
        .await
    }

    /// Users by lower-cased usernames (for adding members by name).
    pub async fn users_by_usernames(&self, names: &[String]) -> Result<Vec<User>> {
        let names: Vec<String> = names.iter().take(100).map(|n| n.to_lowercase()).collect();
        if names.is_empty() {
            return Ok(Vec::new());
        }
        self.read(&[Change::People], move |db| {
            let sql = format!("SELECT {} FROM users WHERE username_lower IN ({})", User::COLUMNS, placeholders(1, names.len()));
            let params: Vec<&dyn Param> = names.iter().map(|n| n as &dyn Param).collect();
            db.all(&sql, &params)
        })
        .await
    }
}

pub(crate) fn memberships(db: &mut dyn crate::db::Db, user: UserId) -> Result<Vec<(i64, bool)>> {
    db.all("SELECT group_id, owner FROM group_users WHERE user_id = $1 ORDER BY group_id", &[&user.0])
}
