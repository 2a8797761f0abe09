//! What signing in needs to hold across nodes: the one-time links that
//! create the first admin, and failed log-ins counted per key (an
//! account, an address, or the pair).

use crate::db::Param;
use crate::{NewUser, Result, Store, StoreError, User};
use minga_core::time::now_ms;

impl Store {
    /// Adds a set-up link (by its hash). Every node that starts on a forum
    /// without an admin prints one; any of them works, once.
    pub async fn add_setup_token(&self, hash: &str) -> Result<()> {
        let name = format!("setup:{hash}");
        self.write(move |tx| {
            tx.exec("INSERT INTO secrets (name, value, created_at) VALUES ($1, '', $2) ON CONFLICT (name) DO NOTHING", &[&name, &now_ms()])?;
            Ok(())
        })
        .await
    }

    /// Whether a set-up link can still be used.
    pub async fn setup_token_valid(&self, hash: &str) -> Result<bool> {
        let name = format!("setup:{hash}");
        self.read(&[crate::Change::Everything], move |db| {
            let found: Option<i64> = db.opt("SELECT 1 FROM secrets WHERE name = $1 AND NOT EXISTS (SELECT 1 FROM users WHERE admin)", &[&name])?;
            Ok(found.is_some())
        })
        .await
    }

    /// Creates the first admin with a set-up link. The link is claimed in
    /// the same transaction that makes the account, so of many requests at
    /// once exactly one succeeds; every other link is spent with it.
    pub async fn create_first_admin(&self, hash: &str, new: &NewUser) -> Result<User> {
        let name = format!("setup:{hash}");
        let new = NewUser { admin: true, approved: true, ..new.clone() };
        self.write(move |tx| {
            if tx.exec("DELETE FROM secrets WHERE name = $1", &[&name])? != 1 {
                return Err(StoreError::Refused(crate::Refusal::SetupSpent));
            }
            tx.exec("DELETE FROM secrets WHERE name LIKE 'setup:%'", &[])?;
            let admin: Option<i64> = tx.opt("SELECT id FROM users WHERE admin LIMIT 1", &[])?;
            if admin.is_some() {
                return Err(StoreError::Refused(crate::Refusal::SetupSpent));
            }
            crate::users::insert_user(tx, &new)
        })
        .await
    }

    /// Failed log-ins for each (key, since): how many since then, and the
    /// oldest of them.
    pub async fn login_failures(&self, asked: &[(String, i64)]) -> Result<Vec<(i64, Option<i64>)>> {
        let asked = asked.to_vec();
        self.read(&[crate::Change::Everything], move |db| {
            asked
                .iter()
                .map(|(k, since)| db.one::<(i64, Option<i64>)>("SELECT COUNT(*), MIN(at) FROM login_failures WHERE key = $1 AND at > $2", &[k, since]))
                .collect()
        })
        .await
    }

    pub async fn record_login_failure(&self, keys: &[String]) -> Result<()> {
        let keys = keys.to_vec();
        self.write(move |tx| {
            let now = now_ms();
            for k in &keys {
                tx.exec("INSERT INTO login_failures (key, at) VALUES ($1, $2)", &[k as &dyn Param, &now])?;
            }
            Ok(())
        })
        .await
    }

    pub async fn clear_login_failures(&self, keys: &[String]) -> Result<()> {
        let keys = keys.to_vec();
        self.write(move |tx| {
            for k in &keys {
                tx.exec("DELETE FROM login_failures WHERE key = $1", &[k])?;
            }
            Ok(())
        })
        .await
    }

    /// Forgets failed log-ins and feed entries older than `keep_ms`.
    pub async fn prune(&self, keep_ms: i64) -> Result<()> {
        let before = now_ms() - keep_ms;
        self.write(move |tx| {
            tx.exec("DELETE FROM login_failures WHERE at < $1", &[&before])?;
            tx.exec("DELETE FROM changes WHERE at < $1", &[&before])?;
            Ok(())
        })
        .await
    }
}
