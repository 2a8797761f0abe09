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
                "UPDATE users SET name = $1, bio_raw = $2, location = $3, website = $4, timezone = $5, locale = $7, theme = $8 WHERE id = $6",
                &[&p.name, &p.bio_raw, &p.location, &p.website, &p.timezone, &id.0, &p.locale, &p.theme],
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

    /// Whether nothing has been made here yet: no people, categories
    /// (but the schema's Uncategorized), co-ops or topics (deleted ones
    /// count).
    pub async fn is_fresh(&self) -> Result<bool> {
        self.read(&[Change::Everything], |db| {
            let made: i64 = db.one(
                "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM topics) \
                 + (SELECT COUNT(*) FROM categories WHERE id NOT IN \
                    (SELECT CAST(value AS BIGINT) FROM site_settings WHERE name = 'uncategorized_category_id')) \
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

/// What a person has done and read, for staff's and the directory's
/// views. Reading totals come from `user_stats`; posts and topics count
/// live ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PersonStats {
    pub user_id: UserId,
    pub topics_entered: i64,
    pub posts_read: i64,
    pub time_read_secs: i64,
    pub days_visited: i64,
    /// Days since the epoch of their last read, if any.
    pub last_visit_day: Option<i64>,
    pub topic_count: i64,
    pub post_count: i64,
    pub last_posted_at: Option<i64>,
    pub flags_given: i64,
    pub flags_received: i64,
    /// Unrevoked API keys.
    pub api_keys: i64,
}

crate::db::row_struct!(PersonStats {
    user_id, topics_entered, posts_read, time_read_secs, days_visited, last_visit_day, topic_count, post_count, last_posted_at,
    flags_given, flags_received, api_keys,
});

/// The SQL condition restricting `t` (topics) to visible categories.
fn scope_sql(scope: Option<&[i64]>, first: usize) -> String {
    match scope {
        None => String::new(),
        Some([]) => " AND 1 = 0".into(),
        Some(ids) => format!(" AND t.category_id IN ({})", placeholders(first, ids.len())),
    }
}

/// A post or topic in someone's activity stream (Discourse's user
/// actions 4, a new topic, and 5, a reply).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserAction {
    pub action_type: i64,
    pub post_id: i64,
    pub post_number: i64,
    pub topic_id: i64,
    pub title: String,
    pub slug: String,
    pub category_id: i64,
    pub topic_user_id: i64,
    pub created_at: i64,
    pub cooked: String,
}

crate::db::row_struct!(UserAction { action_type, post_id, post_number, topic_id, title, slug, category_id, topic_user_id, created_at, cooked });

impl Store {
    /// Each person's stats, counting posts and topics in the categories
    /// `scope` allows (`None`: all) and made since `since` (ms; 0: ever).
    /// Reading totals are all-time: minga keeps no history of them.
    pub async fn person_stats(&self, ids: &[UserId], scope: Option<&[minga_core::CategoryId]>, since: i64) -> Result<Vec<PersonStats>> {
        let mut ids: Vec<i64> = ids.iter().map(|i| i.0).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let scope: Option<Vec<i64>> = scope.map(|s| s.iter().map(|c| c.0).collect());
        self.read(&[Change::People, Change::Lists, Change::Everything], move |db| {
            let topics_scope = scope_sql(scope.as_deref(), 2);
            let sql = format!(
                "SELECT u.id, COALESCE(s.topics_entered, 0), COALESCE(s.posts_read, 0), COALESCE(s.time_read_secs, 0), \
                 COALESCE(s.days_visited, 0), s.last_visit_day, \
                 (SELECT COUNT(*) FROM topics t WHERE t.user_id = u.id AND t.deleted_at IS NULL AND t.created_at >= $1{topics_scope}), \
                 (SELECT COUNT(*) FROM posts p JOIN topics t ON t.id = p.topic_id WHERE p.user_id = u.id AND p.deleted_at IS NULL \
                  AND t.deleted_at IS NULL AND p.created_at >= $1{topics_scope}), \
                 (SELECT MAX(p.created_at) FROM posts p JOIN topics t ON t.id = p.topic_id WHERE p.user_id = u.id AND p.deleted_at IS NULL \
                  AND t.deleted_at IS NULL{topics_scope}), \
                 (SELECT COUNT(*) FROM post_actions a WHERE a.user_id = u.id AND a.action_type IN (3, 4, 7, 8)), \
                 (SELECT COUNT(*) FROM post_actions a JOIN posts p ON p.id = a.post_id WHERE p.user_id = u.id AND a.action_type IN (3, 4, 7, 8)), \
                 (SELECT COUNT(*) FROM api_keys k WHERE k.user_id = u.id AND k.revoked_at IS NULL) \
                 FROM users u LEFT JOIN user_stats s ON s.user_id = u.id WHERE u.id IN ({})",
                placeholders(2 + scope.as_ref().map_or(0, Vec::len), ids.len())
            );
            let mut params: Vec<&dyn crate::db::Param> = vec![&since];
            params.extend(scope.iter().flatten().map(|c| c as &dyn crate::db::Param));
            params.extend(ids.iter().map(|i| i as &dyn crate::db::Param));
            db.all(&sql, &params)
        })
        .await
    }

    /// Someone's new topics (4) and replies (5), newest first, in the
    /// categories `scope` allows.
    pub async fn user_actions(&self, user: UserId, types: &[i64], scope: Option<&[minga_core::CategoryId]>, offset: i64, limit: i64) -> Result<Vec<UserAction>> {
        let (topics, replies) = (types.contains(&4), types.contains(&5));
        if !topics && !replies {
            return Ok(Vec::new());
        }
        let scope: Option<Vec<i64>> = scope.map(|s| s.iter().map(|c| c.0).collect());
        let (offset, limit) = (offset.max(0), limit.clamp(1, 100));
        self.read(&[Change::Lists, Change::People], move |db| {
            let kinds = match (topics, replies) {
                (true, true) => "",
                (true, false) => " AND p.post_number = 1",
                _ => " AND p.post_number > 1",
            };
            let sql = format!(
                "SELECT CASE WHEN p.post_number = 1 THEN 4 ELSE 5 END, p.id, p.post_number, t.id, t.title, t.slug, t.category_id, \
                 t.user_id, p.created_at, p.cooked FROM posts p JOIN topics t ON t.id = p.topic_id \
                 WHERE p.user_id = $1 AND p.deleted_at IS NULL AND t.deleted_at IS NULL AND NOT p.hidden{kinds}{} \
                 ORDER BY p.created_at DESC, p.id DESC LIMIT $2 OFFSET $3",
                scope_sql(scope.as_deref(), 4)
            );
            let mut params: Vec<&dyn crate::db::Param> = vec![&user.0, &limit, &offset];
            params.extend(scope.iter().flatten().map(|c| c as &dyn crate::db::Param));
            db.all(&sql, &params)
        })
        .await
    }

    /// People for the directory, with their stats for the period: those
    /// approved and active, ordered by `order` (a `PersonStats` column),
    /// then by username.
    pub async fn directory(&self, order: &str, ascending: bool, scope: Option<&[minga_core::CategoryId]>, since: i64, offset: i64, limit: i64) -> Result<(Vec<(User, PersonStats)>, i64)> {
        let column = match order {
            "topic_count" | "post_count" | "topics_entered" | "posts_read" | "days_visited" => order.to_string(),
            _ => "post_count".to_string(),
        };
        let everyone: Vec<UserId> = self
            .read(&[Change::People], |db| db.all::<i64>("SELECT id FROM users WHERE approved AND active", &[]))
            .await?
            .into_iter()
            .map(UserId)
            .collect();
        let total = everyone.len() as i64;
        let mut stats = self.person_stats(&everyone, scope, since).await?;
        let key = |s: &PersonStats| match column.as_str() {
            "topic_count" => s.topic_count,
            "topics_entered" => s.topics_entered,
            "posts_read" => s.posts_read,
            "days_visited" => s.days_visited,
            _ => s.post_count,
        };
        let users = self.users_by_ids(&everyone).await?;
        let name = |id: UserId| users.iter().find(|u| u.id == id).map(|u| u.username.to_lowercase()).unwrap_or_default();
        stats.sort_by(|a, b| {
            let by = if ascending { key(a).cmp(&key(b)) } else { key(b).cmp(&key(a)) };
            by.then_with(|| name(a.user_id).cmp(&name(b.user_id)))
        });
        let page = stats
            .into_iter()
            .skip(offset.max(0) as usize)
            .take(limit.clamp(1, 100) as usize)
            .filter_map(|s| users.iter().find(|u| u.id == s.user_id).map(|u| (u.clone(), s)))
            .collect();
        Ok((page, total))
    }

    /// Renames someone. Mentions in old posts stay as they were typed.
    pub async fn rename_user(&self, id: UserId, username: &str, by: UserId) -> Result<()> {
        let username = username.to_string();
        self.write(move |tx| {
            let old: String = tx.opt("SELECT username FROM users WHERE id = $1", &[&id.0])?.ok_or(StoreError::NotFound)?;
            tx.exec("UPDATE users SET username = $1, username_lower = $2 WHERE id = $3", &[&username, &username.to_lowercase(), &id.0])
                .map_err(conflict(UNIQUE_FIELDS))?;
            crate::moderation::log(tx, "change_username", Some(by), Some(id), &format!("{old} → {username}"))?;
            // Names appear on every topic page and list.
            tx.changed(Change::User(id));
            tx.changed(Change::People);
            Ok(())
        })
        .await
    }
}
