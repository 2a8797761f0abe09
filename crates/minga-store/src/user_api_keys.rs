//! User API keys: what an application (Discourse's mobile app, a reader,
//! a bot) holds to act for a person, within the scopes the person
//! authorised. One key per application per person; only a hash of the key
//! is stored. Requests made with a key are counted here, per minute and
//! per day, so the limits hold whichever node a request reaches.

use crate::db::row_struct;
use crate::{Change, Result, Store, StoreError, User};
use minga_core::UserId;
use minga_core::time::now_ms;

/// A key as its owner's list of applications shows it (never the key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserApiKey {
    pub id: i64,
    pub user_id: i64,
    pub client_id: String,
    pub application_name: String,
    /// Comma-separated scope names, as authorised.
    pub scopes: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

row_struct!(UserApiKey { id, user_id, client_id, application_name, scopes, created_at, last_used_at, revoked_at });

/// A key about to be made.
#[derive(Clone, Debug)]
pub struct NewUserApiKey {
    pub user: UserId,
    pub client_id: String,
    pub application_name: String,
    pub key_hash: String,
    pub scopes: String,
    pub push_url: Option<String>,
}

/// Requests a key may make: per minute and per day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestLimits {
    pub per_minute: i64,
    pub per_day: i64,
}

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

impl Store {
    /// Makes a key, replacing the one the person gave the same application
    /// before (which stops working at once). Returns its id.
    pub async fn create_user_api_key(&self, new: &NewUserApiKey) -> Result<i64> {
        let new = new.clone();
        self.write(move |tx| {
            tx.exec("DELETE FROM user_api_keys WHERE user_id = $1 AND client_id = $2", &[&new.user.0, &new.client_id])?;
            let id: i64 = tx.one(
                "INSERT INTO user_api_keys (user_id, client_id, application_name, key_hash, scopes, push_url, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[&new.user.0, &new.client_id, &new.application_name, &new.key_hash, &new.scopes, &new.push_url, &now_ms()],
            )?;
            // The replaced key's owner may be kept in memory by its hash.
            tx.changed(Change::User(new.user));
            Ok(id)
        })
        .await
    }

    /// The person behind an unrevoked key, and the key.
    pub async fn user_api_key_owner(&self, key_hash: &str) -> Result<Option<(User, UserApiKey)>> {
        let key_hash = key_hash.to_string();
        let found: Option<(User, UserApiKey)> = self
            .read(&[], move |db| {
                let key: Option<UserApiKey> = db.opt(
                    &format!("SELECT {} FROM user_api_keys WHERE key_hash = $1 AND revoked_at IS NULL", UserApiKey::COLUMNS),
                    &[&key_hash],
                )?;
                let Some(key) = key else { return Ok(None) };
                let user: Option<User> = db.opt(&format!("SELECT {} FROM users WHERE id = $1", User::COLUMNS), &[&key.user_id])?;
                Ok(user.map(|u| (u, key)))
            })
            .await?;
        // Revoking or replacing a key announces its owner; a key not found
        // may be made later, so that answer depends on everything.
        crate::reads::record(&[found.as_ref().map(|(u, _)| Change::User(u.id)).unwrap_or(Change::Everything)]);
        Ok(found)
    }

    /// A person's unrevoked keys, the latest first.
    pub async fn user_api_keys(&self, user: UserId) -> Result<Vec<UserApiKey>> {
        self.read(&[Change::User(user)], move |db| {
            db.all(
                &format!("SELECT {} FROM user_api_keys WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC", UserApiKey::COLUMNS),
                &[&user.0],
            )
        })
        .await
    }

    /// One key by id, revoked or not.
    pub async fn user_api_key(&self, id: i64) -> Result<Option<UserApiKey>> {
        let found: Option<UserApiKey> = self
            .read(&[], move |db| db.opt(&format!("SELECT {} FROM user_api_keys WHERE id = $1", UserApiKey::COLUMNS), &[&id]))
            .await?;
        crate::reads::record(&[found.as_ref().map(|k| Change::User(UserId(k.user_id))).unwrap_or(Change::Everything)]);
        Ok(found)
    }

    /// Revokes a key (or, with `revoked` false, undoes that). Every node
    /// forgets its owner at once. `Missing(Thing::Reference)` if there is
    /// no such key.
    pub async fn set_user_api_key_revoked(&self, id: i64, revoked: bool) -> Result<()> {
        self.write(move |tx| {
            let at = revoked.then(now_ms);
            let owner: Option<i64> = tx.opt("UPDATE user_api_keys SET revoked_at = $2 WHERE id = $1 RETURNING user_id", &[&id, &at])?;
            let owner = owner.ok_or(StoreError::NotFound)?;
            tx.changed(Change::User(UserId(owner)));
            Ok(())
        })
        .await
    }

    /// Counts one request made with a key and notes when it was used;
    /// `RateLimited` with the seconds to wait when the key has made its
    /// share for this minute or this day (the refused request is not
    /// counted). Windows are whole minutes and whole days (UTC).
    pub async fn count_user_api_request(&self, key_id: i64, limits: RequestLimits) -> Result<()> {
        self.write(move |tx| {
            let now = now_ms();
            let (minute, day) = (now / MINUTE_MS, now / DAY_MS);
            let mut wait = 0;
            for (period, bucket, size, limit) in [("minute", minute, MINUTE_MS, limits.per_minute), ("day", day, DAY_MS, limits.per_day)] {
                let count: i64 = tx.one(
                    "INSERT INTO user_api_key_requests (key_id, period, bucket, count) VALUES ($1, $2, $3, 1) \
                     ON CONFLICT (key_id, period, bucket) DO UPDATE SET count = user_api_key_requests.count + 1 RETURNING count",
                    &[&key_id, &period, &bucket],
                )?;
                if count > limit {
                    let until = (bucket + 1) * size;
                    wait = wait.max(((until - now) / 1000).max(1));
                }
            }
            if wait > 0 {
                // Rolls back this write: the refused request is not counted.
                return Err(StoreError::RateLimited(wait as u64));
            }
            tx.exec(
                "DELETE FROM user_api_key_requests WHERE key_id = $1 AND ((period = 'minute' AND bucket < $2) OR (period = 'day' AND bucket < $3))",
                &[&key_id, &minute, &day],
            )?;
            // Only the owner's list of applications shows this, a page
            // that is never kept: caches need not hear of it.
            tx.exec("UPDATE user_api_keys SET last_used_at = $2 WHERE id = $1", &[&key_id, &now])?;
            Ok(())
        })
        .await
    }
}
