//! A person's own account: their e-mail address and password, and when
//! the account began.

use crate::db::conflict;
use crate::{Change, Result, Store, StoreError};
use minga_core::UserId;

impl Store {
    /// Changes the e-mail address; `Conflict("email")` when another
    /// account already uses it.
    pub async fn set_email(&self, user: UserId, email: &str) -> Result<()> {
        let email = email.to_string();
        self.write(move |tx| {
            let n = tx
                .exec("UPDATE users SET email = $1, email_lower = $2 WHERE id = $3", &[&email, &email.to_lowercase(), &user.0])
                .map_err(conflict(&[("email", "email")]))?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            tx.changed(Change::User(user));
            Ok(())
        })
        .await
    }

    /// Sets a new password hash and ends every session of the account but
    /// `keep` (the one that made the change), so a stolen session stops.
    pub async fn set_password_hash(&self, user: UserId, hash: &str, keep: Option<&str>) -> Result<()> {
        let (hash, keep) = (hash.to_string(), keep.unwrap_or_default().to_string());
        self.write(move |tx| {
            if tx.exec("UPDATE users SET password_hash = $1 WHERE id = $2", &[&hash, &user.0])? == 0 {
                return Err(StoreError::NotFound);
            }
            tx.exec("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", &[&user.0, &keep])?;
            tx.changed(Change::User(user));
            Ok(())
        })
        .await
    }

    /// Sets when an account began, for accounts that existed before they
    /// were stored here (sample people, imports).
    pub async fn set_joined(&self, user: UserId, at: i64) -> Result<()> {
        self.write(move |tx| {
            if tx.exec("UPDATE users SET created_at = $1 WHERE id = $2", &[&at, &user.0])? == 0 {
                return Err(StoreError::NotFound);
            }
            tx.changed(Change::User(user));
            tx.changed(Change::People);
            Ok(())
        })
        .await
    }
}
