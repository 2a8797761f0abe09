//! The review queue (accounts waiting for approval, flagged posts), flags,
//! suspensions and silences, roles, and the staff action log.

use crate::db::{Tx, conflict, row_struct};
use crate::{Change, Result, Store, StoreError, User};
use minga_core::time::now_ms;
use minga_core::{PostId, TopicId, UserId};

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

row_struct!(Reviewable { id, kind, target_id, status, reason, created_by, reviewed_by, created_at, reviewed_at });

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

row_struct!(StaffAction { id, action, acting_user_id, target_user_id, details, created_at });

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
        let (kind, reason) = (kind.to_string(), reason.to_string());
        self.write(move |tx| queue(tx, &kind, target, &reason, by)).await
    }

    pub async fn reviewables(&self, status: Option<i64>, limit: i64) -> Result<Vec<Reviewable>> {
        self.read(&[Change::Everything], move |db| match status {
            Some(s) => db.all(
                &format!("SELECT {} FROM reviewables WHERE status = $1 ORDER BY created_at DESC, id DESC LIMIT $2", Reviewable::COLUMNS),
                &[&s, &limit],
            ),
            None => db.all(
                &format!("SELECT {} FROM reviewables ORDER BY created_at DESC, id DESC LIMIT $1", Reviewable::COLUMNS),
                &[&limit],
            ),
        })
        .await
    }

    pub async fn reviewable(&self, id: i64) -> Result<Option<Reviewable>> {
        self.read(&[Change::Everything], move |db| {
            db.opt(&format!("SELECT {} FROM reviewables WHERE id = $1", Reviewable::COLUMNS), &[&id])
        })
        .await
    }

    /// Approves an account waiting in the queue (and closes its item).
    pub async fn approve_user(&self, user: UserId, by: UserId) -> Result<()> {
        self.write(move |tx| {
            if tx.exec("UPDATE users SET approved = TRUE WHERE id = $1", &[&user.0])? == 0 {
                return Err(StoreError::NotFound);
            }
            close(tx, "ReviewableUser", user.0, APPROVED, by)?;
            log(tx, "approve_user", Some(by), Some(user), "")?;
            tx.changed(Change::User(user));
            tx.changed(Change::People);
            Ok(())
        })
        .await
    }

    /// Rejects and deletes an account that was never approved.
    pub async fn reject_user(&self, user: UserId, by: UserId, reason: &str) -> Result<()> {
        let reason = reason.to_string();
        self.write(move |tx| {
            close(tx, "ReviewableUser", user.0, REJECTED, by)?;
            let username: String =
                tx.opt("SELECT username FROM users WHERE id = $1 AND NOT approved", &[&user.0])?.ok_or(StoreError::NotFound)?;
            // The log keeps who it was; the account itself is gone.
            log(tx, "reject_user", Some(by), None, &format!("{username}: {reason}"))?;
            tx.exec("DELETE FROM users WHERE id = $1 AND NOT approved", &[&user.0])?;
            tx.changed(Change::User(user));
            tx.changed(Change::People);
            Ok(())
        })
        .await
    }

    /// Records a flag; returns the review item and whether the post is
    /// now hidden. The same person flagging the same way twice is refused.
    pub async fn flag_post(&self, flag: &Flag) -> Result<(Reviewable, bool)> {
        let flag = flag.clone();
        self.write(move |tx| {
            // Touching the post's row makes flags on one post take turns on
            // PostgreSQL too (SQLite has one writer anyway), so each counts
            // the others and one review item is opened, not several.
            let (topic, was_hidden): (i64, bool) = tx
                .opt("UPDATE posts SET hidden = hidden WHERE id = $1 RETURNING topic_id, hidden", &[&flag.post_id.0])?
                .ok_or(StoreError::NotFound)?;
            tx.exec(
                "INSERT INTO post_actions (post_id, user_id, action_type, message, created_at) VALUES ($1, $2, $3, $4, $5)",
                &[&flag.post_id.0, &flag.user_id.0, &flag.action_type, &flag.message, &now_ms()],
            )
            .map_err(conflict(&[("post_actions", "flag"), ("post_id", "flag")]))?;
            let item = queue(tx, "ReviewableFlaggedPost", flag.post_id.0, &flag.message, Some(flag.user_id))?;
            // Flags that staff already decided on do not count again.
            let flaggers: i64 = tx.one(
                "SELECT COUNT(DISTINCT user_id) FROM post_actions WHERE post_id = $1 AND action_type IN (3, 4, 7, 8) \
                 AND created_at > COALESCE((SELECT MAX(reviewed_at) FROM reviewables \
                 WHERE kind = 'ReviewableFlaggedPost' AND target_id = $1 AND status <> 0), 0)",
                &[&flag.post_id.0],
            )?;
            let hidden = flaggers >= HIDE_AFTER_FLAGGERS;
            if hidden {
                tx.exec("UPDATE posts SET hidden = TRUE WHERE id = $1", &[&flag.post_id.0])?;
                if !was_hidden {
                    tx.changed(Change::Topic(TopicId(topic)));
                    tx.changed(Change::Lists);
                }
            }
            Ok((item, hidden))
        })
        .await
    }

    /// Staff decide on a flagged post: agreeing keeps it hidden, disagreeing
    /// shows it again.
    pub async fn resolve_flags(&self, item: &Reviewable, agree: bool, by: UserId) -> Result<()> {
        let target = item.target_id;
        self.write(move |tx| {
            let status = if agree { APPROVED } else { REJECTED };
            close(tx, "ReviewableFlaggedPost", target, status, by)?;
            let topic: Option<i64> = tx.opt("UPDATE posts SET hidden = $1 WHERE id = $2 RETURNING topic_id", &[&agree, &target])?;
            log(tx, if agree { "agree_flag" } else { "disagree_flag" }, Some(by), None, &format!("#{target}"))?;
            if let Some(t) = topic {
                tx.changed(Change::Topic(TopicId(t)));
                tx.changed(Change::Lists);
            }
            Ok(())
        })
        .await
    }

    /// Suspends (`till` in the future) or unsuspends (`None`); a suspension
    /// ends every session at once.
    pub async fn set_suspended(&self, user: UserId, till: Option<i64>, reason: &str, by: UserId) -> Result<()> {
        let reason = reason.to_string();
        self.write(move |tx| {
            if tx.exec("UPDATE users SET suspended_till = $1, suspend_reason = $2 WHERE id = $3", &[&till, &reason, &user.0])? == 0 {
                return Err(StoreError::NotFound);
            }
            if till.is_some() {
                tx.exec("DELETE FROM sessions WHERE user_id = $1", &[&user.0])?;
            }
            let action = if till.is_some() { "suspend_user" } else { "unsuspend_user" };
            log(tx, action, Some(by), Some(user), &reason)?;
            tx.changed(Change::User(user));
            tx.changed(Change::People);
            Ok(())
        })
        .await
    }

    pub async fn set_silenced(&self, user: UserId, till: Option<i64>, reason: &str, by: UserId) -> Result<()> {
        let reason = reason.to_string();
        self.write(move |tx| {
            if tx.exec("UPDATE users SET silenced_till = $1 WHERE id = $2", &[&till, &user.0])? == 0 {
                return Err(StoreError::NotFound);
            }
            let action = if till.is_some() { "silence_user" } else { "unsilence_user" };
            log(tx, action, Some(by), Some(user), &reason)?;
            tx.changed(Change::User(user));
            Ok(())
        })
        .await
    }

    /// Sets one of `admin`, `moderator` or `trust_level` and logs it.
    pub async fn set_role(&self, user: UserId, role: &str, value: i64, by: UserId) -> Result<()> {
        let column = match role {
            "admin" => "admin",
            "moderator" => "moderator",
            "trust_level" => "trust_level",
            _ => return Err(StoreError::Missing(crate::Thing::Role)),
        };
        self.write(move |tx| {
            let n = if column == "trust_level" {
                tx.exec("UPDATE users SET trust_level = $1 WHERE id = $2", &[&value, &user.0])?
            } else {
                tx.exec(&format!("UPDATE users SET {column} = $1 WHERE id = $2"), &[&(value != 0), &user.0])?
            };
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            log(tx, &format!("change_{column}"), Some(by), Some(user), &value.to_string())?;
            tx.changed(Change::User(user));
            tx.changed(Change::People);
            Ok(())
        })
        .await
    }

    /// Raises a trust level that was earned (never lowers one).
    pub async fn promote(&self, user: UserId, level: i64) -> Result<bool> {
        self.write(move |tx| {
            let n = tx.exec("UPDATE users SET trust_level = $1 WHERE id = $2 AND trust_level < $1", &[&level, &user.0])?;
            if n > 0 {
                log(tx, "earn_trust_level", None, Some(user), &level.to_string())?;
                tx.changed(Change::User(user));
                tx.changed(Change::People);
            }
            Ok(n > 0)
        })
        .await
    }

    pub async fn staff_actions(&self, limit: i64) -> Result<Vec<StaffAction>> {
        self.read(&[Change::Everything], move |db| {
            db.all(&format!("SELECT {} FROM staff_actions ORDER BY id DESC LIMIT $1", StaffAction::COLUMNS), &[&limit])
        })
        .await
    }

    /// Logs a staff action that has no store call of its own.
    pub async fn log_staff_action(&self, action: &str, by: UserId, target: Option<UserId>, details: &str) -> Result<()> {
        let (action, details) = (action.to_string(), details.to_string());
        self.write(move |tx| log(tx, &action, Some(by), target, &details)).await
    }

    pub async fn list_users(&self, filter: &UserFilter) -> Result<Vec<User>> {
        let filter = filter.clone();
        self.read(&[Change::People], move |db| {
            let condition = match filter.kind.as_str() {
                "staff" => "(admin OR moderator)",
                "admins" => "admin",
                "moderators" => "moderator",
                "suspended" => "suspended_till > $4",
                "silenced" => "silenced_till > $4",
                "pending" => "NOT approved",
                "new" => "trust_level = 0",
                _ => "approved",
            };
            let search = filter.search.as_deref().map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty());
            // `%` and `_` are searched for as typed (usernames have `_`).
            let pattern =
                search.map(|s| format!("%{}%", s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))).unwrap_or_default();
            let (limit, offset, now) = (filter.limit.clamp(1, 500), filter.offset.max(0), now_ms());
            let mut params: Vec<&dyn crate::db::Param> = vec![&limit, &offset, &pattern];
            if condition.contains("$4") {
                params.push(&now);
            }
            let sql = format!(
                "SELECT {} FROM users WHERE {condition} AND ($3 = '' OR username_lower LIKE $3 ESCAPE '\\' OR email_lower LIKE $3 ESCAPE '\\') \
                 ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2",
                User::COLUMNS
            );
            db.all(&sql, &params)
        })
        .await
    }
}

/// What became of a person staff deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deletion {
    Deleted,
    /// They have posts (live or deleted): minga keeps them; anonymize instead.
    HasPosts,
}

impl Store {
    /// Activates or deactivates an account; deactivating ends its
    /// sessions. Returns false when it already was so.
    pub async fn set_active(&self, user: UserId, active: bool, by: UserId) -> Result<bool> {
        self.write(move |tx| {
            let was: bool = tx.opt("SELECT active FROM users WHERE id = $1", &[&user.0])?.ok_or(StoreError::NotFound)?;
            if was == active {
                return Ok(false);
            }
            tx.exec("UPDATE users SET active = $1 WHERE id = $2", &[&active, &user.0])?;
            if !active {
                tx.exec("DELETE FROM sessions WHERE user_id = $1", &[&user.0])?;
            }
            log(tx, if active { "activate_user" } else { "deactivate_user" }, Some(by), Some(user), "")?;
            tx.changed(Change::User(user));
            tx.changed(Change::People);
            Ok(true)
        })
        .await
    }

    /// Ends every session a person has; returns how many.
    pub async fn log_out_everywhere(&self, user: UserId, by: UserId) -> Result<u64> {
        self.write(move |tx| {
            let exists: Option<i64> = tx.opt("SELECT 1 FROM users WHERE id = $1", &[&user.0])?;
            exists.ok_or(StoreError::NotFound)?;
            let n = tx.exec("DELETE FROM sessions WHERE user_id = $1", &[&user.0])?;
            log(tx, "log_out_user", Some(by), Some(user), &n.to_string())?;
            tx.changed(Change::User(user));
            Ok(n)
        })
        .await
    }

    /// Replaces a person's name, username, e-mail and profile with
    /// anonymous values and ends their sessions and API keys; their posts
    /// stay, under the new name. Returns the new username.
    pub async fn anonymize_user(&self, user: UserId, by: UserId) -> Result<String> {
        self.write(move |tx| {
            let exists: Option<i64> = tx.opt("SELECT 1 FROM users WHERE id = $1", &[&user.0])?;
            exists.ok_or(StoreError::NotFound)?;
            let username = format!("anon{}", user.0);
            let email = format!("{username}@anonymized.invalid");
            tx.exec(
                "UPDATE users SET username = $1, username_lower = $1, name = '', email = $2, email_lower = $2, bio_raw = '', \
                 location = '', website = '', timezone = '', primary_group_id = NULL, password_hash = '' WHERE id = $3",
                &[&username, &email, &user.0],
            )
            .map_err(conflict(&[("username", "username"), ("email", "email")]))?;
            tx.exec("DELETE FROM sessions WHERE user_id = $1", &[&user.0])?;
            tx.exec("UPDATE api_keys SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL", &[&now_ms(), &user.0])?;
            // The log names them by id only, so it keeps nothing of who they were.
            log(tx, "anonymize_user", Some(by), Some(user), &format!("#{}", user.0))?;
            tx.changed(Change::User(user));
            tx.changed(Change::People);
            Ok(username)
        })
        .await
    }

    /// Deletes a person who has never posted (their sessions, keys,
    /// memberships and reading go with them). People with posts are kept:
    /// deleting posts would leave holes in others' conversations.
    pub async fn delete_user(&self, user: UserId, by: UserId) -> Result<Deletion> {
        self.write(move |tx| {
            let username: String = tx.opt("SELECT username FROM users WHERE id = $1", &[&user.0])?.ok_or(StoreError::NotFound)?;
            let posts: i64 = tx.one(
                "SELECT (SELECT COUNT(*) FROM posts WHERE user_id = $1) + (SELECT COUNT(*) FROM topics WHERE user_id = $1 OR last_post_user_id = $1) \
                 + (SELECT COUNT(*) FROM post_revisions WHERE user_id = $1)",
                &[&user.0],
            )?;
            if posts > 0 {
                return Ok(Deletion::HasPosts);
            }
            close(tx, "ReviewableUser", user.0, REJECTED, by)?;
            log(tx, "delete_user", Some(by), None, &username)?;
            tx.exec("DELETE FROM users WHERE id = $1", &[&user.0])?;
            tx.changed(Change::User(user));
            tx.changed(Change::People);
            // Their memberships go with them: groups' member lists change.
            tx.changed(Change::Catalog);
            Ok(Deletion::Deleted)
        })
        .await
    }

    /// Who last did `action` (`suspend_user`, `silence_user`,
    /// `approve_user`) to a person, and when.
    pub async fn last_staff_action_on(&self, user: UserId, action: &str) -> Result<Option<StaffAction>> {
        let action = action.to_string();
        self.read(&[Change::User(user), Change::People], move |db| {
            db.opt(
                &format!("SELECT {} FROM staff_actions WHERE target_user_id = $1 AND action = $2 ORDER BY id DESC LIMIT 1", StaffAction::COLUMNS),
                &[&user.0, &action],
            )
        })
        .await
    }
}

pub(crate) fn queue(tx: &mut Tx<'_>, kind: &str, target: i64, reason: &str, by: Option<UserId>) -> Result<Reviewable> {
    let pending: Option<Reviewable> = tx.opt(
        &format!("SELECT {} FROM reviewables WHERE kind = $1 AND target_id = $2 AND status = 0", Reviewable::COLUMNS),
        &[&kind, &target],
    )?;
    if let Some(r) = pending {
        return Ok(r);
    }
    tx.one(
        &format!(
            "INSERT INTO reviewables (kind, target_id, status, reason, created_by, created_at) VALUES ($1, $2, 0, $3, $4, $5) RETURNING {}",
            Reviewable::COLUMNS
        ),
        &[&kind, &target, &reason, &by.map(|u| u.0), &now_ms()],
    )
}

fn close(tx: &mut Tx<'_>, kind: &str, target: i64, status: i64, by: UserId) -> Result<()> {
    tx.exec(
        "UPDATE reviewables SET status = $1, reviewed_by = $2, reviewed_at = $3 WHERE kind = $4 AND target_id = $5 AND status = 0",
        &[&status, &by.0, &now_ms(), &kind, &target],
    )?;
    Ok(())
}

pub(crate) fn log(tx: &mut Tx<'_>, action: &str, by: Option<UserId>, target: Option<UserId>, details: &str) -> Result<()> {
    tx.exec(
        "INSERT INTO staff_actions (action, acting_user_id, target_user_id, details, created_at) VALUES ($1, $2, $3, $4, $5)",
        &[&action, &by.map(|u| u.0), &target.map(|u| u.0), &details, &now_ms()],
    )?;
    Ok(())
}
