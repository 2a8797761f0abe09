//! The review queue (accounts waiting for approval, flagged posts), flags,
//! suspensions and silences, roles, and the staff action log.

use crate::rows::{self, USER_COLUMNS};
use crate::{Result, Store, StoreError, User, classify};
use minga_core::time::now_ms;
use minga_core::{PostId, UserId};
use sqlx::{AssertSqlSafe, Row};

/// A review item's status.
pub mod review_status {
    pub const PENDING: i64 = 0;
    pub const APPROVED: i64 = 1;
    pub const REJECTED: i64 = 2;
}
use review_status::{APPROVED, REJECTED};

/// An item in the review queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reviewable {
    pub id: i64,
    /// `ReviewableUser` or `ReviewableFlaggedPost`, as on Discourse.
    pub kind: String,
    pub target_id: i64,
    pub status: i64,
    pub reason: String,
    pub created_by: Option<UserId>,
    pub reviewed_by: Option<UserId>,
    pub created_at: i64,
    pub reviewed_at: Option<i64>,
}

const REVIEWABLE_COLUMNS: &str = "id, kind, target_id, status, reason, created_by, reviewed_by, created_at, reviewed_at";

fn reviewable(r: &sqlx::any::AnyRow) -> sqlx::Result<Reviewable> {
    Ok(Reviewable {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        target_id: r.try_get("target_id")?,
        status: r.try_get("status")?,
        reason: r.try_get("reason")?,
        created_by: r.try_get::<Option<i64>, _>("created_by")?.map(UserId),
        reviewed_by: r.try_get::<Option<i64>, _>("reviewed_by")?.map(UserId),
        created_at: r.try_get("created_at")?,
        reviewed_at: r.try_get("reviewed_at")?,
    })
}

/// A flag on a post: Discourse's post action types 3 off-topic,
/// 4 inappropriate, 7 something else (notify moderators), 8 spam.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    pub post_id: PostId,
    pub user_id: UserId,
    pub action_type: i64,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffAction {
    pub id: i64,
    pub action: String,
    pub acting_user_id: Option<UserId>,
    pub target_user_id: Option<UserId>,
    pub details: String,
    pub created_at: i64,
}

/// Which people an admin list shows.
#[derive(Clone, Debug, Default)]
pub struct UserFilter {
    /// `active`, `new`, `staff`, `admins`, `moderators`, `suspended`,
    /// `silenced` or `pending`.
    pub kind: String,
    pub search: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

/// Flags from this many different people hide a post until staff decide.
pub const HIDE_AFTER_FLAGGERS: i64 = 3;

impl Store {
    /// Queues an item for review; an item already pending is returned as is.
    pub async fn queue_for_review(&self, kind: &str, target: i64, reason: &str, by: Option<UserId>) -> Result<Reviewable> {
        let mut w = self.begin_write().await?;
        let r = queue(&mut w.tx, kind, target, reason, by).await?;
        w.commit().await?;
        Ok(r)
    }

    pub async fn reviewables(&self, status: Option<i64>, limit: i64) -> Result<Vec<Reviewable>> {
        let sql = format!(
            "SELECT {REVIEWABLE_COLUMNS} FROM reviewables WHERE ($1 < 0 OR status = $1) ORDER BY created_at DESC, id DESC LIMIT $2"
        );
        let found = sqlx::query(AssertSqlSafe(sql)).bind(status.unwrap_or(-1)).bind(limit).fetch_all(self.pool()).await?;
        Ok(found.iter().map(reviewable).collect::<sqlx::Result<_>>()?)
    }

    pub async fn reviewable(&self, id: i64) -> Result<Option<Reviewable>> {
        let sql = format!("SELECT {REVIEWABLE_COLUMNS} FROM reviewables WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(self.pool()).await?;
        Ok(row.as_ref().map(reviewable).transpose()?)
    }

    /// Approves an account waiting in the queue (and closes its item).
    pub async fn approve_user(&self, user: UserId, by: UserId) -> Result<()> {
        let mut w = self.begin_write().await?;
        let n = sqlx::query("UPDATE users SET approved = 1 WHERE id = $1").bind(user.0).execute(&mut *w.tx).await?.rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        close(&mut w.tx, "ReviewableUser", user.0, APPROVED, by).await?;
        log(&mut w.tx, "approve_user", Some(by), Some(user), "").await?;
        w.commit().await
    }

    /// Rejects and deletes an account that was never approved.
    pub async fn reject_user(&self, user: UserId, by: UserId, reason: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        close(&mut w.tx, "ReviewableUser", user.0, REJECTED, by).await?;
        let username: Option<String> = sqlx::query("SELECT username FROM users WHERE id = $1 AND approved = 0")
            .bind(user.0)
            .fetch_optional(&mut *w.tx)
            .await?
            .map(|r| r.try_get("username"))
            .transpose()?;
        let Some(username) = username else { return Err(StoreError::NotFound) };
        // The log keeps who it was; the account itself is gone.
        log(&mut w.tx, "reject_user", Some(by), None, &format!("{username}: {reason}")).await?;
        sqlx::query("DELETE FROM users WHERE id = $1 AND approved = 0").bind(user.0).execute(&mut *w.tx).await?;
        w.commit().await
    }

    /// Records a flag; returns the review item and whether the post is
    /// now hidden. The same person flagging the same way twice is refused.
    pub async fn flag_post(&self, flag: &Flag) -> Result<(Reviewable, bool)> {
        let mut w = self.begin_write().await?;
        // Touching the post's row makes flags on one post take turns on
        // PostgreSQL too (SQLite has one writer anyway), so each counts
        // the others and one review item is opened, not several.
        let n = sqlx::query("UPDATE posts SET hidden = hidden WHERE id = $1").bind(flag.post_id.0).execute(&mut *w.tx).await?.rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("INSERT INTO post_actions (post_id, user_id, action_type, message, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(flag.post_id.0)
            .bind(flag.user_id.0)
            .bind(flag.action_type)
            .bind(&flag.message)
            .bind(now_ms())
            .execute(&mut *w.tx)
            .await
            .map_err(|e| classify(e, &[("post_actions", "flag"), ("post_id", "flag")]))?;
        let item = queue(&mut w.tx, "ReviewableFlaggedPost", flag.post_id.0, &flag.message, Some(flag.user_id)).await?;
        // Flags that staff already decided on do not count again.
        let flaggers: i64 = sqlx::query(
            "SELECT COUNT(DISTINCT user_id) AS n FROM post_actions WHERE post_id = $1 AND action_type IN (3, 4, 7, 8) \
             AND created_at > COALESCE((SELECT MAX(reviewed_at) FROM reviewables \
             WHERE kind = 'ReviewableFlaggedPost' AND target_id = $1 AND status <> 0), 0)",
        )
        .bind(flag.post_id.0)
        .fetch_one(&mut *w.tx)
        .await?
        .try_get("n")?;
        let hidden = flaggers >= HIDE_AFTER_FLAGGERS;
        if hidden {
            sqlx::query("UPDATE posts SET hidden = 1 WHERE id = $1").bind(flag.post_id.0).execute(&mut *w.tx).await?;
        }
        w.commit().await?;
        Ok((item, hidden))
    }

    /// Staff decide on a flagged post: agreeing keeps it hidden, disagreeing
    /// shows it again.
    pub async fn resolve_flags(&self, item: &Reviewable, agree: bool, by: UserId) -> Result<()> {
        let mut w = self.begin_write().await?;
        let status = if agree { APPROVED } else { REJECTED };
        close(&mut w.tx, "ReviewableFlaggedPost", item.target_id, status, by).await?;
        sqlx::query("UPDATE posts SET hidden = $1 WHERE id = $2").bind(i64::from(agree)).bind(item.target_id).execute(&mut *w.tx).await?;
        log(&mut w.tx, if agree { "agree_flag" } else { "disagree_flag" }, Some(by), None, &format!("post {}", item.target_id)).await?;
        w.commit().await
    }

    /// Suspends (`till` in the future) or unsuspends (`None`); a suspension
    /// ends every session at once.
    pub async fn set_suspended(&self, user: UserId, till: Option<i64>, reason: &str, by: UserId) -> Result<()> {
        let mut w = self.begin_write().await?;
        let n = sqlx::query("UPDATE users SET suspended_till = $1, suspend_reason = $2 WHERE id = $3")
            .bind(till)
            .bind(reason)
            .bind(user.0)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        if till.is_some() {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.0).execute(&mut *w.tx).await?;
        }
        let action = if till.is_some() { "suspend_user" } else { "unsuspend_user" };
        log(&mut w.tx, action, Some(by), Some(user), reason).await?;
        w.commit().await
    }

    pub async fn set_silenced(&self, user: UserId, till: Option<i64>, reason: &str, by: UserId) -> Result<()> {
        let mut w = self.begin_write().await?;
        let n = sqlx::query("UPDATE users SET silenced_till = $1 WHERE id = $2").bind(till).bind(user.0).execute(&mut *w.tx).await?.rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        let action = if till.is_some() { "silence_user" } else { "unsilence_user" };
        log(&mut w.tx, action, Some(by), Some(user), reason).await?;
        w.commit().await
    }

    /// Sets one of `admin`, `moderator` or `trust_level` and logs it.
    pub async fn set_role(&self, user: UserId, role: &str, value: i64, by: UserId) -> Result<()> {
        let column = match role {
            "admin" => "admin",
            "moderator" => "moderator",
            "trust_level" => "trust_level",
            _ => return Err(StoreError::Missing("role")),
        };
        let mut w = self.begin_write().await?;
        let sql = format!("UPDATE users SET {column} = $1 WHERE id = $2");
        let n = sqlx::query(AssertSqlSafe(sql)).bind(value).bind(user.0).execute(&mut *w.tx).await?.rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        log(&mut w.tx, &format!("change_{column}"), Some(by), Some(user), &value.to_string()).await?;
        w.commit().await
    }

    /// Raises a trust level that was earned (never lowers one).
    pub async fn promote(&self, user: UserId, level: i64) -> Result<bool> {
        let mut w = self.begin_write().await?;
        let n = sqlx::query("UPDATE users SET trust_level = $1 WHERE id = $2 AND trust_level < $1")
            .bind(level)
            .bind(user.0)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        if n > 0 {
            log(&mut w.tx, "earn_trust_level", None, Some(user), &level.to_string()).await?;
        }
        w.commit().await?;
        Ok(n > 0)
    }

    pub async fn staff_actions(&self, limit: i64) -> Result<Vec<StaffAction>> {
        let found = sqlx::query(
            "SELECT id, action, acting_user_id, target_user_id, details, created_at FROM staff_actions ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        found
            .iter()
            .map(|r| {
                Ok(StaffAction {
                    id: r.try_get("id")?,
                    action: r.try_get("action")?,
                    acting_user_id: r.try_get::<Option<i64>, _>("acting_user_id")?.map(UserId),
                    target_user_id: r.try_get::<Option<i64>, _>("target_user_id")?.map(UserId),
                    details: r.try_get("details")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Logs a staff action that has no store call of its own.
    pub async fn log_staff_action(&self, action: &str, by: UserId, target: Option<UserId>, details: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        log(&mut w.tx, action, Some(by), target, details).await?;
        w.commit().await
    }

    pub async fn list_users(&self, filter: &UserFilter) -> Result<Vec<User>> {
        let now = now_ms();
        let condition = match filter.kind.as_str() {
            "staff" => "(admin <> 0 OR moderator <> 0)",
            "admins" => "admin <> 0",
            "moderators" => "moderator <> 0",
            "suspended" => "suspended_till > $4",
            "silenced" => "silenced_till > $4",
            "pending" => "approved = 0",
            "new" => "trust_level = 0",
            _ => "approved <> 0",
        };
        let uses_now = condition.contains("$4");
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE {condition} AND ($3 = '' OR username_lower LIKE $3 ESCAPE '\\' OR email_lower LIKE $3 ESCAPE '\\') \
             {} ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2",
            if uses_now { "" } else { "AND $4 = $4" }
        );
        let search = filter.search.as_deref().map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty());
        // `%` and `_` are searched for as typed (usernames have `_`).
        let pattern = search.map(|s| format!("%{}%", s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))).unwrap_or_default();
        let found = sqlx::query(AssertSqlSafe(sql))
            .bind(filter.limit.clamp(1, 500))
            .bind(filter.offset.max(0))
            .bind(pattern)
            .bind(now)
            .fetch_all(self.pool())
            .await?;
        Ok(found.iter().map(rows::user).collect::<sqlx::Result<_>>()?)
    }
}

pub(crate) async fn queue(tx: &mut sqlx::Transaction<'static, sqlx::Any>, kind: &str, target: i64, reason: &str, by: Option<UserId>) -> Result<Reviewable> {
    let sql = format!("SELECT {REVIEWABLE_COLUMNS} FROM reviewables WHERE kind = $1 AND target_id = $2 AND status = 0");
    if let Some(row) = sqlx::query(AssertSqlSafe(sql)).bind(kind).bind(target).fetch_optional(&mut **tx).await? {
        return Ok(reviewable(&row)?);
    }
    let sql = format!(
        "INSERT INTO reviewables (kind, target_id, status, reason, created_by, created_at) VALUES ($1, $2, 0, $3, $4, $5) \
         RETURNING {REVIEWABLE_COLUMNS}"
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(kind)
        .bind(target)
        .bind(reason)
        .bind(by.map(|u| u.0))
        .bind(now_ms())
        .fetch_one(&mut **tx)
        .await?;
    Ok(reviewable(&row)?)
}

async fn close(tx: &mut sqlx::Transaction<'static, sqlx::Any>, kind: &str, target: i64, status: i64, by: UserId) -> Result<()> {
    sqlx::query("UPDATE reviewables SET status = $1, reviewed_by = $2, reviewed_at = $3 WHERE kind = $4 AND target_id = $5 AND status = 0")
        .bind(status)
        .bind(by.0)
        .bind(now_ms())
        .bind(kind)
        .bind(target)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn log(tx: &mut sqlx::Transaction<'static, sqlx::Any>, action: &str, by: Option<UserId>, target: Option<UserId>, details: &str) -> Result<()> {
    sqlx::query("INSERT INTO staff_actions (action, acting_user_id, target_user_id, details, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(action)
        .bind(by.map(|u| u.0))
        .bind(target.map(|u| u.0))
        .bind(details)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
