//! Browser sessions and API keys. Only hashes of the secrets are stored, so
//! a copy of the database does not let anyone log in.

use sqlx::AssertSqlSafe;
use crate::rows::{self, USER_COLUMNS};
use crate::{Result, Store, User};
use minga_core::UserId;
use minga_core::time::now_ms;

fn prefixed(columns: &str, table: &str) -> String {
    columns.split(", ").map(|c| format!("{table}.{c}")).collect::<Vec<_>>().join(", ")
}

impl Store {
    pub async fn create_session(&self, user: UserId, token_hash: &str, expires_at: i64) -> Result<()> {
        let mut w = self.begin_write().await?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user.0)
            .bind(now_ms())
            .bind(expires_at)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await
    }

    /// The user behind an unexpired session.
    pub async fn session_user(&self, token_hash: &str) -> Result<Option<User>> {
        let sql = format!(
            "SELECT {} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
            prefixed(USER_COLUMNS, "u")
        );
        let row = sqlx::query(AssertSqlSafe(sql)).bind(token_hash).bind(now_ms()).fetch_optional(self.pool()).await?;
        Ok(row.as_ref().map(rows::user).transpose()?)
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut *w.tx).await?;
        w.commit().await
    }

    pub async fn create_api_key(&self, user: UserId, key_hash: &str, description: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        sqlx::query("INSERT INTO api_keys (key_hash, user_id, description, created_at) VALUES ($1, $2, $3, $4)")
            .bind(key_hash)
            .bind(user.0)
            .bind(description)
            .bind(now_ms())
            .execute(&mut *w.tx)
            .await?;
        w.commit().await
    }

    /// The owner of an unrevoked API key.
    pub async fn api_key_user(&self, key_hash: &str) -> Result<Option<User>> {
        let sql = format!(
            "SELECT {} FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = $1 AND k.revoked_at IS NULL",
            prefixed(USER_COLUMNS, "u")
        );
        let row = sqlx::query(AssertSqlSafe(sql)).bind(key_hash).fetch_optional(self.pool()).await?;
        Ok(row.as_ref().map(rows::user).transpose()?)
    }
}
