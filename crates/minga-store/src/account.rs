//! A person's own account: their e-mail address and password, and when
//! the account began.

use crate::{Result, Store, StoreError, classify};
use minga_core::UserId;

impl Store {
    /// Changes the e-mail address; `Conflict("email")` when another
    /// account already uses it.
    pub async fn set_email(&self, user: UserId, email: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        let n = sqlx::query("UPDATE users SET email = $1, email_lower = $2 WHERE id = $3")
            .bind(email)
            .bind(email.to_lowercase())
            .bind(user.0)
            .execute(&mut *w.tx)
            .await
            .map_err(|e| classify(e, &[("email", "email")]))?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        w.commit().await
    }

    /// Sets a new password hash and ends every session of the account but
    /// `keep` (the one that made the change), so a stolen session stops.
    pub async fn set_password_hash(&self, user: UserId, hash: &str, keep: Option<&str>) -> Result<()> {
        let mut w = self.begin_write().await?;
        let n = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(hash).bind(user.0).execute(&mut *w.tx).await?.rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user.0)
            .bind(keep.unwrap_or_default())
            .execute(&mut *w.tx)
            .await?;
        w.commit().await
    }

    /// Sets when an account began, for accounts that existed before they
    /// were stored here (sample people, imports).
    pub async fn set_joined(&self, user: UserId, at: i64) -> Result<()> {
        let mut w = self.begin_write().await?;
        let n = sqlx::query("UPDATE users SET created_at = $1 WHERE id = $2").bind(at).bind(user.0).execute(&mut *w.tx).await?.rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        w.commit().await
    }
}
