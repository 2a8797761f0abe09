//! Accounts.

use crate::db::{Tx, conflict, placeholders};
use crate::{Change, Profile, Result, Store, StoreError, Totals, User};
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
        let new = new.clone();
        self.write(move |tx| {
            let user = insert_user(tx, &new)?;
            if !user.approved {
                crate::moderation::queue(tx, "ReviewableUser", user.id.0, "", None)?;
            }
            Ok(user)
        })
        .await
    }

    pub async fn user_by_id(&self, id: UserId) -> Result<Option<User>> {
        self.read(&[Change::People], move |db| {
            db.opt(&format!("SELECT {} FROM users WHERE id = $1", User::COLUMNS), &[&id.0])
        })
        .await
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        let lower = username.to_lowercase();
        self.read(&[Change::People], move |db| {
            db.opt(&format!("SELECT {} FROM users WHERE username_lower = $1", User::COLUMNS), &[&lower])
        })
        .await
    }

    /// The user whose username or e-mail is `login`, with their password hash.
    pub async fn user_for_login(&self, login: &str) -> Result<Option<(User, String)>> {
        let login = login.trim().to_lowercase();
        self.read(&[Change::Everything], move |db| {
            let sql = format!("SELECT {}, password_hash FROM users WHERE username_lower = $1 OR email_lower = $1", User::COLUMNS);
            let mut found = None;
            db.each(&sql, &[&login], &mut |r| {
                let user = <User as crate::db::FromRow>::from_row(r)?;
                let hash: String = r.get(User::COLUMNS.split(", ").count())?;
                found = Some((user, hash));
                Ok(())
            })?;
            Ok(found)
        })
        .await
    }

    /// The usernames, as their owners spell them, among lower-cased `names`.
    pub async fn usernames_matching(&self, names: &[String]) -> Result<Vec<String>> {
        let names: Vec<String> = names.iter().take(100).map(|n| n.to_lowercase()).collect();
        if names.is_empty() {
            return Ok(Vec::new());
        }
        self.read(&[Change::People], move |db| {
            let sql = format!("SELECT username FROM users WHERE username_lower IN ({})", placeholders(1, names.len()));
            let params: Vec<&dyn crate::db::Param> = names.iter().map(|n| n as &dyn crate::db::Param).collect();
            db.all(&sql, &params)
        })
        .await
    }

    pub async fn users_by_ids(&self, ids: &[UserId]) -> Result<Vec<User>> {
        let mut ids: Vec<i64> = ids.iter().map(|i| i.0).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.read(&[Change::People], move |db| users_by_ids(db, &ids)).await
    }

    /// Sets the profile fields people see on a user's page.
    pub async fn update_profile(&self, id: UserId, profile: &Profile) -> Result<()> {
        self.update_profile_and_group(id, profile, None).await
    }

    /// Sets the profile and, when `group` is given, the primary group (a
    /// group they belong to, or none), in one transaction: both or neither.
    pub async fn update_profile_and_group(&self, id: UserId, profile: &Profile, group: Option<Option<i64>>) -> Result<()> {
        let p = profile.clone();
        self.write(move |tx| {
            if let Some(group) = group {
                if let Some(g) = group {
                    let member: Option<i64> = tx.opt("SELECT 1 FROM group_users WHERE group_id = $1 AND user_id = $2", &[&g, &id.0])?;
                    if member.is_none() {
                        return Err(StoreError::Missing(crate::Thing::Group));
                    }
                }
                tx.exec("UPDATE users SET primary_group_id = $1 WHERE id = $2", &[&group, &id.0])?;
            }
            let n = tx.exec(
                "UPDATE users SET name = $1, bio_raw = $2, location = $3, website = $4, timezone = $5 WHERE id = $6",
                &[&p.name, &p.bio_raw, &p.location, &p.website, &p.timezone, &id.0],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            tx.changed(Change::User(id));
            tx.changed(Change::People);
            Ok(())
        })
        .await
    }

    /// Whether nothing has been made here yet: no people, categories,
    /// co-ops or topics (deleted ones count).
    pub async fn is_fresh(&self) -> Result<bool> {
        self.read(&[Change::Everything], |db| {
            let made: i64 = db.one(
                "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM categories) + (SELECT COUNT(*) FROM topics) \
                 + (SELECT COUNT(*) FROM groups WHERE NOT automatic)",
                &[],
            )?;
            Ok(made == 0)
        })
        .await
    }

    pub async fn admins(&self) -> Result<Vec<User>> {
        self.read(&[Change::People], |db| db.all(&format!("SELECT {} FROM users WHERE admin ORDER BY id", User::COLUMNS), &[])).await
    }

    /// Counts of people, and of live topics and posts in the categories
    /// given (`None`: all).
    pub async fn totals(&self, visible: Option<&[minga_core::CategoryId]>) -> Result<Totals> {
        let ids: Option<Vec<i64>> = visible.map(|v| v.iter().map(|c| c.0).collect());
        self.read(&[Change::People, Change::Lists], move |db| {
            let scope = match &ids {
                None => String::new(),
                Some(ids) if ids.is_empty() => " AND 1 = 0".to_string(),
                Some(ids) => format!(" AND t.category_id IN ({})", placeholders(1, ids.len())),
            };
            let sql = format!(
                "SELECT (SELECT COUNT(*) FROM users), \
                        (SELECT COUNT(*) FROM topics t WHERE t.deleted_at IS NULL{scope}), \
                        (SELECT COUNT(*) FROM posts p JOIN topics t ON t.id = p.topic_id \
                         WHERE p.deleted_at IS NULL AND t.deleted_at IS NULL{scope})"
            );
            let params: Vec<&dyn crate::db::Param> = ids.iter().flatten().map(|c| c as &dyn crate::db::Param).collect();
            let (users, topics, posts) = db.one::<(i64, i64, i64)>(&sql, &params)?;
            Ok(Totals { users, topics, posts })
        })
        .await
    }
}

pub(crate) fn users_by_ids(db: &mut dyn crate::db::Db, ids: &[i64]) -> Result<Vec<User>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT {} FROM users WHERE id IN ({})", User::COLUMNS, placeholders(1, ids.len()));
    let params: Vec<&dyn crate::db::Param> = ids.iter().map(|i| i as &dyn crate::db::Param).collect();
    db.all(&sql, &params)
}

pub(crate) fn insert_user(tx: &mut Tx<'_>, new: &NewUser) -> Result<User> {
    let sql = format!(
        "INSERT INTO users (username, username_lower, name, email, email_lower, password_hash, admin, trust_level, approved, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {}",
        User::COLUMNS
    );
    let user: User = tx
        .one(
            &sql,
            &[
                &new.username,
                &new.username.to_lowercase(),
                &new.name,
                &new.email,
                &new.email.to_lowercase(),
                &new.password_hash,
                &new.admin,
                &(if new.admin { 4_i64 } else { 0 }),
                &(new.approved || new.admin),
                &now_ms(),
            ],
        )
        .map_err(conflict(UNIQUE_FIELDS))?;
    tx.changed(Change::User(user.id));
    tx.changed(Change::People);
    Ok(user)
}
