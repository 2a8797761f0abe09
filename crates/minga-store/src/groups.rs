//! Groups (co-ops) and their members. The automatic groups (everyone,
//! admins, moderators, staff, trust levels) have rows for their names,
//! but their members are derived from users' flags, never stored.

use crate::rows::{self, USER_COLUMNS, placeholders};
use crate::{Result, Store, StoreError, User, classify};
use minga_core::UserId;
use minga_core::perm::groups as auto;
use minga_core::time::now_ms;
use sqlx::{AssertSqlSafe, Row};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub id: i64,
    pub name: String,
    pub full_name: String,
    pub bio_raw: String,
    pub website: String,
    pub location: String,
    pub automatic: bool,
    /// Who may see the group: 0 everyone, 1 logged-in, 2 members, 3 staff, 4 owners.
    pub visibility_level: i64,
    /// Who may see its members, on the same scale.
    pub members_visibility_level: i64,
    /// 0 open, 1 request to join, 2 invite only, 3 closed.
    pub join_mode: i64,
    pub created_at: i64,
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
}

/// A member of a group.
#[derive(Clone, Debug)]
pub struct Member {
    pub user: User,
    pub owner: bool,
}

const GROUP_COLUMNS: &str = "id, name, full_name, bio_raw, website, location, automatic, visibility_level, \
     members_visibility_level, join_mode, created_at";

fn group(r: &sqlx::any::AnyRow) -> sqlx::Result<Group> {
    Ok(Group {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        full_name: r.try_get("full_name")?,
        bio_raw: r.try_get("bio_raw")?,
        website: r.try_get("website")?,
        location: r.try_get("location")?,
        automatic: r.try_get::<i64, _>("automatic")? != 0,
        visibility_level: r.try_get("visibility_level")?,
        members_visibility_level: r.try_get("members_visibility_level")?,
        join_mode: r.try_get("join_mode")?,
        created_at: r.try_get("created_at")?,
    })
}

/// The SQL condition selecting the members of an automatic group.
fn automatic_members(id: i64) -> Option<String> {
    Some(match id {
        auto::EVERYONE => "1 = 1".into(),
        auto::ADMINS => "admin <> 0".into(),
        auto::MODERATORS => "moderator <> 0".into(),
        auto::STAFF => "(admin <> 0 OR moderator <> 0)".into(),
        10..=14 => format!("trust_level >= {}", id - auto::TRUST_LEVEL_0),
        _ => return None,
    })
}

impl Store {
    pub async fn create_group(&self, form: &GroupForm) -> Result<Group> {
        let mut w = self.begin_write().await?;
        let sql = format!(
            "INSERT INTO groups (name, name_lower, full_name, bio_raw, website, location, visibility_level, \
             members_visibility_level, join_mode, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             RETURNING {GROUP_COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(&form.name)
            .bind(form.name.to_lowercase())
            .bind(&form.full_name)
            .bind(&form.bio_raw)
            .bind(&form.website)
            .bind(&form.location)
            .bind(form.visibility_level)
            .bind(form.members_visibility_level)
            .bind(form.join_mode)
            .bind(now_ms())
            .fetch_one(&mut *w.tx)
            .await
            .map_err(|e| classify(e, &[("name", "name")]))?;
        let g = group(&row)?;
        w.commit().await?;
        Ok(g)
    }

    /// Updates a group's settings; automatic groups keep their names.
    pub async fn update_group(&self, id: i64, form: &GroupForm) -> Result<Group> {
        let mut w = self.begin_write().await?;
        let sql = format!(
            "UPDATE groups SET name = CASE WHEN automatic <> 0 THEN name ELSE $1 END, \
             name_lower = CASE WHEN automatic <> 0 THEN name_lower ELSE $2 END, full_name = $3, bio_raw = $4, \
             website = $5, location = $6, visibility_level = $7, members_visibility_level = $8, join_mode = $9 \
             WHERE id = $10 RETURNING {GROUP_COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(&form.name)
            .bind(form.name.to_lowercase())
            .bind(&form.full_name)
            .bind(&form.bio_raw)
            .bind(&form.website)
            .bind(&form.location)
            .bind(form.visibility_level)
            .bind(form.members_visibility_level)
            .bind(form.join_mode)
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await
            .map_err(|e| classify(e, &[("name", "name")]))?
            .ok_or(StoreError::NotFound)?;
        let g = group(&row)?;
        w.commit().await?;
        Ok(g)
    }

    pub async fn groups(&self) -> Result<Vec<Group>> {
        let sql = format!("SELECT {GROUP_COLUMNS} FROM groups ORDER BY automatic DESC, id");
        let found = sqlx::query(AssertSqlSafe(sql)).fetch_all(self.pool()).await?;
        Ok(found.iter().map(group).collect::<sqlx::Result<_>>()?)
    }

    pub async fn group_by_name(&self, name: &str) -> Result<Option<Group>> {
        let sql = format!("SELECT {GROUP_COLUMNS} FROM groups WHERE name_lower = $1");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(name.to_lowercase()).fetch_optional(self.pool()).await?;
        Ok(row.as_ref().map(group).transpose()?)
    }

    pub async fn group(&self, id: i64) -> Result<Option<Group>> {
        let sql = format!("SELECT {GROUP_COLUMNS} FROM groups WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(self.pool()).await?;
        Ok(row.as_ref().map(group).transpose()?)
    }

    /// A group's members, owners first, and how many there are.
    pub async fn group_members(&self, g: &Group, offset: i64, limit: i64) -> Result<(Vec<Member>, i64)> {
        if let Some(condition) = automatic_members(g.id).filter(|_| g.automatic) {
            let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE {condition} ORDER BY username_lower LIMIT $1 OFFSET $2");
            let found = sqlx::query(AssertSqlSafe(sql)).bind(limit).bind(offset).fetch_all(self.pool()).await?;
            let count: i64 = sqlx::query(AssertSqlSafe(format!("SELECT COUNT(*) AS n FROM users WHERE {condition}")))
                .fetch_one(self.pool())
                .await?
                .try_get("n")?;
            let members = found.iter().map(|r| Ok(Member { user: rows::user(r)?, owner: false })).collect::<sqlx::Result<_>>()?;
            return Ok((members, count));
        }
        let columns = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {columns}, gu.owner AS group_owner FROM group_users gu JOIN users u ON u.id = gu.user_id \
             WHERE gu.group_id = $1 ORDER BY gu.owner DESC, u.username_lower LIMIT $2 OFFSET $3"
        );
        let found = sqlx::query(AssertSqlSafe(sql)).bind(g.id).bind(limit).bind(offset).fetch_all(self.pool()).await?;
        let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM group_users WHERE group_id = $1")
            .bind(g.id)
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
        let members = found
            .iter()
            .map(|r| Ok(Member { user: rows::user(r)?, owner: r.try_get::<i64, _>("group_owner")? != 0 }))
            .collect::<sqlx::Result<_>>()?;
        Ok((members, count))
    }

    /// Adds people to a custom group (or makes them owners); returns how
    /// many were newly added.
    pub async fn add_group_members(&self, group_id: i64, users: &[UserId], owner: bool) -> Result<u64> {
        if auto::is_automatic(group_id) {
            return Err(StoreError::Missing("group"));
        }
        let mut w = self.begin_write().await?;
        let mut added = 0;
        for u in users {
            added += sqlx::query(
                "INSERT INTO group_users (group_id, user_id, owner, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (group_id, user_id) DO UPDATE SET owner = CASE WHEN $3 <> 0 THEN 1 ELSE group_users.owner END",
            )
            .bind(group_id)
            .bind(u.0)
            .bind(i64::from(owner))
            .bind(now_ms())
            .execute(&mut *w.tx)
            .await
            .map_err(|e| classify(e, &[]))?
            .rows_affected();
            sqlx::query("DELETE FROM group_requests WHERE group_id = $1 AND user_id = $2")
                .bind(group_id)
                .bind(u.0)
                .execute(&mut *w.tx)
                .await?;
        }
        w.commit().await?;
        Ok(added)
    }

    pub async fn remove_group_member(&self, group_id: i64, user: UserId) -> Result<bool> {
        let mut w = self.begin_write().await?;
        let n = sqlx::query("DELETE FROM group_users WHERE group_id = $1 AND user_id = $2")
            .bind(group_id)
            .bind(user.0)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        sqlx::query("UPDATE users SET primary_group_id = NULL WHERE id = $1 AND primary_group_id = $2")
            .bind(user.0)
            .bind(group_id)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        Ok(n > 0)
    }

    /// The custom groups a person belongs to, and which of them they own.
    pub async fn memberships(&self, user: UserId) -> Result<Vec<(i64, bool)>> {
        let found = sqlx::query("SELECT group_id, owner FROM group_users WHERE user_id = $1 ORDER BY group_id")
            .bind(user.0)
            .fetch_all(self.pool())
            .await?;
        found.iter().map(|r| Ok((r.try_get("group_id")?, r.try_get::<i64, _>("owner")? != 0))).collect()
    }

    pub async fn set_primary_group(&self, user: UserId, group_id: Option<i64>) -> Result<()> {
        let mut w = self.begin_write().await?;
        if let Some(g) = group_id {
            let member = sqlx::query("SELECT 1 FROM group_users WHERE group_id = $1 AND user_id = $2")
                .bind(g)
                .bind(user.0)
                .fetch_optional(&mut *w.tx)
                .await?;
            if member.is_none() {
                return Err(StoreError::Missing("group"));
            }
        }
        sqlx::query("UPDATE users SET primary_group_id = $1 WHERE id = $2").bind(group_id).bind(user.0).execute(&mut *w.tx).await?;
        w.commit().await
    }

    pub async fn request_membership(&self, group_id: i64, user: UserId, reason: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO group_requests (group_id, user_id, reason, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (group_id, user_id) DO NOTHING",
        )
        .bind(group_id)
        .bind(user.0)
        .bind(reason)
        .bind(now_ms())
        .execute(&mut *w.tx)
        .await?;
        w.commit().await
    }

    /// People waiting to join a group.
    pub async fn membership_requests(&self, group_id: i64) -> Result<Vec<User>> {
        let columns = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {columns} FROM group_requests r JOIN users u ON u.id = r.user_id WHERE r.group_id = $1 ORDER BY r.created_at"
        );
        let found = sqlx::query(AssertSqlSafe(sql)).bind(group_id).fetch_all(self.pool()).await?;
        Ok(found.iter().map(rows::user).collect::<sqlx::Result<_>>()?)
    }

    pub async fn deny_membership_request(&self, group_id: i64, user: UserId) -> Result<bool> {
        let mut w = self.begin_write().await?;
        let n = sqlx::query("DELETE FROM group_requests WHERE group_id = $1 AND user_id = $2")
            .bind(group_id)
            .bind(user.0)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        w.commit().await?;
        Ok(n > 0)
    }

    /// Users by lower-cased usernames (for adding members by name).
    pub async fn users_by_usernames(&self, names: &[String]) -> Result<Vec<User>> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let names = &names[..names.len().min(100)];
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username_lower IN ({})", placeholders(1, names.len()));
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for n in names {
            q = q.bind(n.to_lowercase());
        }
        let found = q.fetch_all(self.pool()).await?;
        Ok(found.iter().map(rows::user).collect::<sqlx::Result<_>>()?)
    }
}
