//! Persistence for minga: one schema on SQLite (embedded default) and
//! PostgreSQL. Queries are written once with `$n` placeholders and run
//! through sqlx's `Any` driver; the few real differences between the two
//! backends (connection pragmas, migrations' DDL, the SQLite writer lock)
//! live in this file.

mod access;
mod account;
mod categories;
mod groups;
mod invites;
mod moderation;
mod keys;
mod migrate;
mod models;
mod oneboxes;
mod posts;
mod reading;
mod rows;
mod topics;
mod users;

pub use access::Grants;
pub use groups::{Group, GroupForm, Member};
pub use invites::{Invite, NewInvite, Redeemed};
pub use moderation::{Flag, HIDE_AFTER_FLAGGERS, Reviewable, StaffAction, UserFilter, review_status};
pub use models::*;
pub use topics::TopicFilter;
pub use posts::NewReply;
pub use reading::{Read, ReadingStats};
pub use topics::NewTopic;
pub use users::NewUser;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::sync::{Arc, Once};
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique value is taken; the field names which one.
    #[error("{0} is already taken")]
    Conflict(&'static str),
    /// A referenced row (category, post to reply to…) does not exist.
    #[error("{0} does not exist")]
    Missing(&'static str),
    /// The action is refused for the named reason (e.g. an expired invite).
    #[error("refused: {0}")]
    Refused(&'static str),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot open the database: {0}")]
    Open(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer at a time; queueing writers here is cheaper
    /// and fairer than letting them spin on SQLITE_BUSY.
    write_lock: Option<Arc<Mutex<()>>>,
}

/// A write transaction, holding the SQLite writer lock while it lives.
pub(crate) struct WriteTx<'a> {
    pub tx: Transaction<'static, Any>,
    _guard: Option<MutexGuard<'a, ()>>,
}

impl WriteTx<'_> {
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// Opens (creating if needed) the database at `url` and brings its
    /// schema up to date. `sqlite://path` or `postgres://…`.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(install_default_drivers);

        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::Open(format!(
                "unsupported database URL (expected sqlite:// or postgres://): {url}"
            )));
        };
        // SQLite runs each connection on a thread of its own, and writes
        // queue on one lock: a few connections serve a small machine best.
        let connections = match backend {
            Backend::Sqlite => max_connections.clamp(1, 4),
            Backend::Postgres => max_connections.max(1),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(connections)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            // A 16 MB page cache per connection keeps a large
                            // forum's indexes in memory (the default is 2 MB).
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA cache_size = -16384;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await
            .map_err(|e| StoreError::Open(e.to_string()))?;
        let write_lock = (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(())));
        let store = Store { pool, backend, write_lock };
        migrate::run(&store).await?;
        Ok(store)
    }

    /// The URL of the SQLite database inside a data folder.
    pub fn sqlite_url(data_dir: &std::path::Path) -> String {
        format!("sqlite://{}?mode=rwc", data_dir.join("minga.db").display())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub(crate) async fn begin_write(&self) -> Result<WriteTx<'_>> {
        let guard = match &self.write_lock {
            Some(lock) => Some(lock.lock().await),
            None => None,
        };
        let tx = self.pool.begin().await?;
        Ok(WriteTx { tx, _guard: guard })
    }

    /// A cheap round trip, for health checks.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Maps a unique or foreign-key violation to a domain error naming the field.
pub(crate) fn classify(e: sqlx::Error, unique: &[(&str, &'static str)]) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        let text = format!("{} {}", db.message(), db.constraint().unwrap_or_default());
        if db.is_unique_violation() {
            for (needle, field) in unique {
                if text.contains(needle) {
                    return StoreError::Conflict(field);
                }
            }
            return StoreError::Conflict("value");
        }
        if db.is_foreign_key_violation() {
            return StoreError::Missing("reference");
        }
    }
    StoreError::Database(e)
}
