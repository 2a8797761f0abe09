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
    /// False puts the account in the approval queue.
    pub approved: bool,
}

const UNIQUE_FIELDS: &[(&str, &str)] = &[("username", "username"), ("email", "email")];

impl Store {
    /// Creates an account; one that waits for approval goes into the
    /// review queue in the same transaction.
    pub async fn create_user(&self, new: &NewUser) -> Result<User> {
        let mut w = self.begin_write().await?;
        let user = insert_user(&mut w.tx, new).await?;
        if !user.approved {
            crate::moderation::queue(&mut w.tx, "ReviewableUser", user.id.0, "", None).await?;
        }
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

    /// The usernames, as their owners spell them, among lower-cased `names`.
    pub async fn usernames_matching(&self, names: &[String]) -> Result<Vec<String>> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let names = &names[..names.len().min(100)];
        let sql = format!("SELECT username FROM users WHERE username_lower IN ({})", placeholders(1, names.len()));
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for n in names {
            q = q.bind(n.to_lowercase());
        }
        let found = q.fetch_all(self.pool()).await?;
        use sqlx::Row;
        Ok(found.iter().map(|r| r.try_get("username")).collect::<sqlx::Result<_>>()?)
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

    /// Counts of people, and of live topics and posts in the categories
    /// given (`None`: all).
    pub async fn totals(&self, visible: Option<&[minga_core::CategoryId]>) -> Result<Totals> {
        use sqlx::Row;
        let scope = match visible {
            None => String::new(),
            Some([]) => " AND 1 = 0".to_string(),
            Some(ids) => format!(" AND t.category_id IN ({})", placeholders(1, ids.len())),
        };
        let sql = format!(
            "SELECT (SELECT COUNT(*) FROM users) AS users, \
                    (SELECT COUNT(*) FROM topics t WHERE t.deleted_at IS NULL{scope}) AS topics, \
                    (SELECT COUNT(*) FROM posts p JOIN topics t ON t.id = p.topic_id \
                     WHERE p.deleted_at IS NULL AND t.deleted_at IS NULL{scope}) AS posts"
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for c in visible.unwrap_or_default() {
            q = q.bind(c.0);
        }
        let row = q.fetch_one(self.pool()).await?;
        Ok(Totals { users: row.try_get("users")?, topics: row.try_get("topics")?, posts: row.try_get("posts")? })
    }
}

pub(crate) async fn insert_user(tx: &mut sqlx::Transaction<'static, sqlx::Any>, new: &NewUser) -> Result<User> {
    let sql = format!(
        "INSERT INTO users (username, username_lower, name, email, email_lower, password_hash, admin, trust_level, approved, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {USER_COLUMNS}"
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
        .bind(i64::from(new.approved || new.admin))
        .bind(now_ms())
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| classify(e, UNIQUE_FIELDS))?;
    Ok(rows::user(&row)?)
}
