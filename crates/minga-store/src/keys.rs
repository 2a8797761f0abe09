//! Browser sessions and API keys. Only hashes of the secrets are stored, so
//! a copy of the database does not let anyone log in.

use crate::{Change, Result, Store, User};
use minga_core::UserId;
use minga_core::time::now_ms;

impl Store {
    pub async fn create_session(&self, user: UserId, token_hash: &str, expires_at: i64) -> Result<()> {
        let token_hash = token_hash.to_string();
        self.write(move |tx| {
            tx.exec(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                &[&token_hash, &user.0, &now_ms(), &expires_at],
            )?;
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
        self.read(&[Change::Everything], move |db| {
            db.opt(
                &format!(
                    "SELECT {} FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = $1 AND k.revoked_at IS NULL",
                    User::columns("u")
                ),
                &[&key_hash],
            )
        })
        .await
    }
}
