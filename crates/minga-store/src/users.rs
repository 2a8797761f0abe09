//! Accounts.

use sqlx::AssertSqlSafe;
use crate::rows::{self, USER_COLUMNS, placeholders};
use crate::{Profile, Result, Store, StoreError, Totals, User, classify};
use minga_core::UserId;
use minga_core::time::now_ms;

/// A validated sign-up; the password is already hashed.
#[derive(Clone, Debug, Default)]
pub struct NewUser {
    pub username: String,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub admin: bool,
}

const UNIQUE_FIELDS: &[(&str, &str)] = &[("username", "username"), ("email", "email")];

impl Store {
    pub async fn create_user(&self, new: &NewUser) -> Result<User> {
        let mut w = self.begin_write().await?;
        let sql = format!(
            "INSERT INTO users (username, username_lower, name, email, email_lower, password_hash, admin, trust_level, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {USER_COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(&new.username)
            .bind(new.username.to_lowercase())
            .bind(&new.name)
            .bind(&new.email)
            .bind(new.email.to_lowercase())
            .bind(&new.password_hash)
            .bind(i64::from(new.admin))
            .bind(if new.admin { 4_i64 } else { 0 })
            .bind(now_ms())
            .fetch_one(&mut *w.tx)
            .await
            .map_err(|e| classify(e, UNIQUE_FIELDS))?;
        let user = rows::user(&row)?;
        w.commit().await?;
        Ok(user)
    }

    pub async fn user_by_id(&self, id: UserId) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(id.0).fetch_optional(self.pool()).await?;
        Ok(row.as_ref().map(rows::user).transpose()?)
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username_lower = $1");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(username.to_lowercase()).fetch_optional(self.pool()).await?;
        Ok(row.as_ref().map(rows::user).transpose()?)
    }

    /// The user whose username or e-mail is `login`, with their password hash.
    pub async fn user_for_login(&self, login: &str) -> Result<Option<(User, String)>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE username_lower = $1 OR email_lower = $1"
        );
        let row = sqlx::query(AssertSqlSafe(sql)).bind(login.trim().to_lowercase()).fetch_optional(self.pool()).await?;
        match row {
            Some(r) => {
                use sqlx::Row;
                Ok(Some((rows::user(&r)?, r.try_get("password_hash")?)))
            }
            None => Ok(None),
        }
    }

    pub async fn users_by_ids(&self, ids: &[UserId]) -> Result<Vec<User>> {
        let mut ids: Vec<i64> = ids.iter().map(|i| i.0).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id IN ({})", placeholders(1, ids.len()));
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for id in &ids {
            q = q.bind(*id);
        }
        let found = q.fetch_all(self.pool()).await?;
        Ok(found.iter().map(rows::user).collect::<sqlx::Result<_>>()?)
    }

    pub async fn set_admin(&self, id: UserId, admin: bool) -> Result<()> {
        let mut w = self.begin_write().await?;
        let n = sqlx::query("UPDATE users SET admin = $1 WHERE id = $2")
            .bind(i64::from(admin))
            .bind(id.0)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        w.commit().await
    }

    /// Sets the profile fields people see on a user's page.
    pub async fn update_profile(&self, id: UserId, profile: &Profile) -> Result<()> {
        let mut w = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE users SET name = $1, bio_raw = $2, location = $3, website = $4, timezone = $5 WHERE id = $6",
        )
        .bind(&profile.name)
        .bind(&profile.bio_raw)
        .bind(&profile.location)
        .bind(&profile.website)
        .bind(&profile.timezone)
        .bind(id.0)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        w.commit().await
    }

    pub async fn admins(&self) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE admin <> 0 ORDER BY id");
        let found = sqlx::query(AssertSqlSafe(sql)).fetch_all(self.pool()).await?;
        Ok(found.iter().map(rows::user).collect::<sqlx::Result<_>>()?)
    }

    pub async fn totals(&self) -> Result<Totals> {
        use sqlx::Row;
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM users) AS users, \
                    (SELECT COUNT(*) FROM topics WHERE deleted_at IS NULL) AS topics, \
                    (SELECT COUNT(*) FROM posts WHERE deleted_at IS NULL) AS posts",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(Totals { users: row.try_get("users")?, topics: row.try_get("topics")?, posts: row.try_get("posts")? })
    }
}
