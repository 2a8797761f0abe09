//! Browser sessions and API keys. Only hashes of the secrets are stored, so
//! a copy of the database does not let anyone log in.

use crate::db::row_struct;
use crate::{Change, Result, Store, User};
use minga_core::UserId;
use minga_core::time::now_ms;

/// A signed-in session, as its owner sees it in their list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: i64,
    pub user_agent: String,
    pub ip: String,
    pub created_at: i64,
    pub last_seen_at: Option<i64>,
    pub expires_at: i64,
    /// The session this list was asked for from.
    pub current: bool,
}

row_struct!(Session { id, user_agent, ip, created_at, last_seen_at, expires_at, current });

impl Store {
    /// Starts a session from a device (its User-Agent, shortened) and address.
    pub async fn create_session(&self, user: UserId, token_hash: &str, expires_at: i64, user_agent: &str, ip: &str) -> Result<()> {
        let token_hash = token_hash.to_string();
        let user_agent: String = user_agent.chars().take(300).collect();
        let ip: String = ip.chars().take(64).collect();
        self.write(move |tx| {
            let now = now_ms();
            tx.exec(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, user_agent, ip, last_seen_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $3)",
                &[&token_hash, &user.0, &now, &expires_at, &user_agent, &ip],
            )?;
            Ok(())
        })
        .await
    }

    /// A person's unexpired sessions, the latest used first; `current`
    /// marks the one with this token hash.
    pub async fn sessions(&self, user: UserId, current_hash: &str) -> Result<Vec<Session>> {
        let current_hash = current_hash.to_string();
        self.read(&[Change::Everything], move |db| {
            db.all(
                "SELECT id, user_agent, ip, created_at, last_seen_at, expires_at, token_hash = $2 FROM sessions \
                 WHERE user_id = $1 AND expires_at > $3 ORDER BY COALESCE(last_seen_at, created_at) DESC, id DESC",
                &[&user.0, &current_hash, &now_ms()],
            )
        })
        .await
    }

    /// Ends one of a person's sessions; false if they have none by that id.
    pub async fn end_session(&self, user: UserId, id: i64) -> Result<bool> {
        self.write(move |tx| {
            let n = tx.exec("DELETE FROM sessions WHERE id = $1 AND user_id = $2", &[&id, &user.0])?;
            tx.changed(Change::User(user));
            Ok(n > 0)
        })
        .await
    }

    /// Ends every session of a person but the one with this token hash.
    pub async fn end_other_sessions(&self, user: UserId, keep_hash: &str) -> Result<u64> {
        let keep_hash = keep_hash.to_string();
        self.write(move |tx| {
            let n = tx.exec("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", &[&user.0, &keep_hash])?;
            tx.changed(Change::User(user));
            Ok(n)
        })
        .await
    }

    /// Notes when sessions were last used. Only their owners' session
    /// lists show it, so caches need not hear of it.
    pub async fn touch_sessions(&self, seen: &[(String, i64)]) -> Result<()> {
        if seen.is_empty() {
            return Ok(());
        }
        let seen = seen.to_vec();
        self.write(move |tx| {
            for (hash, at) in &seen {
                tx.exec("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2", &[at, hash])?;
            }
            Ok(())
        })
        .await
    }

    /// The user behind an unexpired session, and when it expires.
    pub async fn session_user(&self, token_hash: &str) -> Result<Option<(User, i64)>> {
        let token_hash = token_hash.to_string();
        let found: Option<(User, i64)> = self
            .read(&[], move |db| {
                let sql = format!(
                    "SELECT {}, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
                    User::columns("u")
                );
                let width = User::COLUMNS.split(", ").count();
                let mut found = None;
                db.each(&sql, &[&token_hash, &now_ms()], &mut |r| {
                    found = Some((<User as crate::db::FromRow>::from_row(r)?, r.get(width)?));
                    Ok(())
                })?;
                Ok(found)
            })
            .await?;
        crate::reads::record(&[found.as_ref().map(|(u, _)| Change::User(u.id)).unwrap_or(Change::Everything)]);
        Ok(found)
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        let token_hash = token_hash.to_string();
        self.write(move |tx| {
            let user: Option<i64> = tx.opt("DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id", &[&token_hash])?;
            if let Some(u) = user {
                tx.changed(Change::User(UserId(u)));
            }
            Ok(())
        })
        .await
    }

    pub async fn create_api_key(&self, user: UserId, key_hash: &str, description: &str) -> Result<()> {
        let (key_hash, description) = (key_hash.to_string(), description.to_string());
        self.write(move |tx| {
            tx.exec(
                "INSERT INTO api_keys (key_hash, user_id, description, created_at) VALUES ($1, $2, $3, $4)",
                &[&key_hash, &user.0, &description, &now_ms()],
            )?;
            Ok(())
        })
        .await
    }

    /// The owner of an unrevoked API key.
    pub async fn api_key_user(&self, key_hash: &str) -> Result<Option<User>> {
        let key_hash = key_hash.to_string();
        let owner: Option<User> = self
            .read(&[], move |db| {
                db.opt(
                    &format!(
                        "SELECT {} FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = $1 AND k.revoked_at IS NULL",
                        User::columns("u")
                    ),
                    &[&key_hash],
                )
            })
            .await?;
        crate::reads::record(&[owner.as_ref().map(|u| Change::User(u.id)).unwrap_or(Change::Everything)]);
        Ok(owner)
    }
}
