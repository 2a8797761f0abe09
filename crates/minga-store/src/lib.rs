//! Persistence for minga: one schema on SQLite (the embedded default) and
//! PostgreSQL, behind one `Store`.
//!
//! Each operation is a synchronous function over a connection (`db`),
//! run on a thread that owns one (`pool`): SQLite has reader threads and
//! one writer that commits queued writes together; PostgreSQL has a pool
//! of connection threads. SQL is written once with `$n` placeholders and
//! typed parameters; rows arrive as structs. Every write names what it
//! changed, and the change feed (`feed`) carries that to every node.

mod access;
mod account;
mod categories;
mod db;
mod feed;
mod groups;
mod invites;
mod keys;
mod limits;
mod mail;
mod migrate;
mod models;
mod moderation;
mod notifications;
mod oneboxes;
mod pool;
mod posts;
pub mod reads;
mod reading;
mod signin;
mod topics;
mod users;
mod user_api_keys;

pub use access::Grants;
pub use db::Violation;
pub use db::sqlite::Durability;
pub use feed::Change;
pub use groups::{Group, GroupForm, Member};
pub use invites::{Invite, NewInvite, Redeemed};
pub use keys::Session;
pub use limits::PostingRules;
pub use mail::{EmailToken, Incoming, Mail, MailState, NewMail, NewToken, Outcome, OutboxSummary, TokenPurpose};
pub use models::*;
pub use moderation::{Deletion, Flag, HIDE_AFTER_FLAGGERS, Reviewable, StaffAction, UserFilter, review_status};
pub use notifications::{Alerts, CanSee, Notification, TopicUser};
pub use posts::NewReply;
pub use reading::{Read, ReadingStats};
pub use topics::{NEW_FOR_MS, NewTopic, TopicFilter, TopicStatus};
pub use users::{NewUser, PersonStats, UserAction};
pub use user_api_keys::{NewUserApiKey, RequestLimits, UserApiKey};

use crossbeam_channel::Sender;
use feed::Feed;
use pool::{Job, WriteJob};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique value is taken; the field names which one.
    #[error("{0} is already taken")]
    Conflict(&'static str),
    /// A referenced row (category, post to reply to…) does not exist.
    #[error("{0:?} does not exist")]
    Missing(Thing),
    /// The action is refused, for this reason.
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// A posting limit: try again after this many seconds.
    #[error("rate limited for {0} s")]
    RateLimited(u64),
    /// Too much work is already queued; try again shortly.
    #[error("the database is busy")]
    Busy,
    #[error("the store is closed")]
    Closed,
    #[error("database error: {0}")]
    Database(String),
    #[error("cannot open the database: {0}")]
    Open(String),
    #[error("constraint: {0:?}")]
    Violation(Violation),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What a write referred to that is not there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Thing {
    Topic,
    Category,
    /// The post a reply answers.
    ReplyTo,
    Group,
    User,
    Role,
    /// A row some other one refers to.
    Reference,
}

impl Thing {
    /// The request field that named it, for form errors.
    pub fn field(self) -> &'static str {
        match self {
            Thing::Topic => "topic_id",
            Thing::Category => "category",
            Thing::ReplyTo => "reply_to_post_number",
            Thing::Group => "group",
            Thing::User => "user",
            Thing::Role => "role",
            Thing::Reference => "reference",
        }
    }
}

/// Why a write was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    UnknownInvite,
    ExpiredInvite,
    UsedInvite,
    /// The invite was sent to another address.
    InviteForAnotherEmail,
    /// The set-up link is spent, or an admin exists.
    SetupSpent,
    /// A link sent by mail that was never made, or was used already.
    UnknownToken,
    /// A link sent by mail that ran out.
    ExpiredToken,
}

/// How the store opens its database.
#[derive(Clone, Debug)]
pub struct StoreOptions {
    /// Connections: PostgreSQL's pool size; SQLite uses up to four
    /// readers (and one writer) whatever this says.
    pub max_connections: u32,
    pub durability: Durability,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions { max_connections: 16, durability: Durability::default() }
    }
}

#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    backend: Backend,
    reads: RwLock<Option<Sender<Job>>>,
    /// Reads served before the others (see `reads::urgent`).
    urgent: RwLock<Option<Sender<Job>>>,
    /// SQLite's writer thread; PostgreSQL writes go to the pool.
    writes: RwLock<Option<Sender<WriteJob>>>,
    feed: Arc<Feed>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    Some(PathBuf::from(path))
}

fn spawn(name: String, f: impl FnOnce() + Send + 'static) -> Result<JoinHandle<()>> {
    std::thread::Builder::new().name(name).spawn(f).map_err(|e| StoreError::Open(e.to_string()))
}

impl Store {
    /// Opens (creating if needed) the database at `url` and brings its
    /// schema up to date. `sqlite://path` or `postgres://…`.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store> {
        Store::open(url, &StoreOptions { max_connections, ..StoreOptions::default() }).await
    }

    pub async fn open(url: &str, options: &StoreOptions) -> Result<Store> {
        let url = url.to_string();
        let options = options.clone();
        tokio::task::spawn_blocking(move || Store::open_blocking(&url, &options))
            .await
            .map_err(|e| StoreError::Open(e.to_string()))?
    }

    fn open_blocking(url: &str, options: &StoreOptions) -> Result<Store> {
        let node = format!("{:016x}", rand_u64());
        let mut threads = Vec::new();
        let (backend, (reads, urgent), writes, feed) = if let Some(path) = sqlite_path(url) {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| StoreError::Open(format!("{}: {e}", parent.display())))?;
            }
            let feed = Arc::new(Feed::new(Backend::Sqlite, node));
            let mut writer = db::sqlite::open(&path, true, options.durability)?;
            migrate::run(&mut writer)?;
            feed.applied.store(current_version(&mut writer)?, Ordering::SeqCst);
            let (reads, read_jobs) = crossbeam_channel::bounded::<Job>(pool::QUEUE);
            let (urgent, urgent_jobs) = crossbeam_channel::bounded::<Job>(pool::QUEUE);
            let (writes, write_jobs) = crossbeam_channel::bounded::<WriteJob>(pool::QUEUE);
            for i in 0..options.max_connections.clamp(1, 4) {
                let conn = db::sqlite::open(&path, false, options.durability)?;
                let queues = pool::Queues { urgent: urgent_jobs.clone(), normal: read_jobs.clone() };
                threads.push(spawn(format!("minga-sqlite-r{i}"), move || db::sqlite::reader(conn, queues))?);
            }
            let f = feed.clone();
            threads.push(spawn("minga-sqlite-w".into(), move || db::sqlite::writer(writer, write_jobs, f))?);
            (Backend::Sqlite, (reads, urgent), Some(writes), feed)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let feed = Arc::new(Feed::new(Backend::Postgres, node));
            let mut first = db::postgres::open(url)?;
            migrate::run(&mut first)?;
            feed.applied.store(current_version(&mut first)?, Ordering::SeqCst);
            let (reads, jobs) = crossbeam_channel::bounded::<Job>(pool::QUEUE);
            let (urgent, urgent_jobs) = crossbeam_channel::bounded::<Job>(pool::QUEUE);
            let mut conns = vec![first];
            for _ in 1..options.max_connections.max(1) {
                conns.push(db::postgres::later(url));
            }
            for (i, conn) in conns.into_iter().enumerate() {
                let queues = pool::Queues { urgent: urgent_jobs.clone(), normal: jobs.clone() };
                threads.push(spawn(format!("minga-pg-{i}"), move || db::postgres::worker(conn, queues))?);
            }
            (Backend::Postgres, (reads, urgent), None, feed)
        } else {
            let scheme = url.split("://").next().unwrap_or_default();
            return Err(StoreError::Open(format!("unsupported database URL scheme {scheme:?} (expected sqlite:// or postgres://)")));
        };
        Ok(Store {
            inner: Arc::new(Inner {
                backend,
                reads: RwLock::new(Some(reads)),
                urgent: RwLock::new(Some(urgent)),
                writes: RwLock::new(writes),
                feed,
                threads: Mutex::new(threads),
            }),
        })
    }

    /// The URL of the SQLite database inside a data folder.
    pub fn sqlite_url(data_dir: &Path) -> String {
        format!("sqlite://{}", data_dir.join("minga.db").display())
    }

    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    /// Runs a read on a connection thread. `read` names what it reads,
    /// for the caches that keep what is made from it.
    pub(crate) async fn read<T: Send + 'static>(
        &self,
        read: &[Change],
        f: impl FnOnce(&mut dyn db::Db) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        reads::record(read);
        let jobs = self.queue_for_reads()?;
        pool::read(&jobs, f).await
    }

    /// Runs a write in a transaction of its own (on SQLite, a savepoint in
    /// a transaction it may share with other writes queued at the time).
    pub(crate) async fn write<T: Send + 'static>(&self, f: impl FnOnce(&mut db::Tx<'_>) -> Result<T> + Send + 'static) -> Result<T> {
        let sqlite = self.inner.writes.read().expect("store lock").clone();
        match sqlite {
            Some(writes) => pool::write(&writes, f).await,
            None => {
                let feed = self.inner.feed.clone();
                // A write on PostgreSQL holds row locks while it runs: it goes
                // ahead of waiting reads.
                let jobs = self.inner.urgent.read().expect("store lock").clone().ok_or(StoreError::Closed)?;
                let (job, answer) = pool::write_job(f);
                pool::read(&jobs, move |db| {
                    pool::run_write_batch(db, "BEGIN", vec![job], &feed);
                    Ok(())
                })
                .await?;
                answer.await.unwrap_or(Err(StoreError::Database("the write stopped before it answered".into())))
            }
        }
    }

    fn queue_for_reads(&self) -> Result<Sender<Job>> {
        let queue = if reads::is_urgent() { &self.inner.urgent } else { &self.inner.reads };
        queue.read().expect("store lock").clone().ok_or(StoreError::Closed)
    }

    /// This process's name in the change feed.
    pub fn node(&self) -> &str {
        &self.inner.feed.node
    }

    /// Calls `f` with every change, this node's as it commits (before the
    /// writer hears back) and other nodes' as `catch_up` finds them.
    pub fn listen(&self, f: impl Fn(&[Change]) + Send + Sync + 'static) {
        self.inner.feed.listen(Arc::new(f));
    }

    /// Every change with its number, for listeners that may lag (live
    /// pages); each batch sorted, so `binary_search` finds one.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Arc<(u64, Vec<Change>)>> {
        self.inner.feed.subscribe()
    }

    /// The change number this node has heard of.
    pub fn heard_up_to(&self) -> u64 {
        let feed = &self.inner.feed;
        feed.latest
            .load(Ordering::SeqCst)
            .max(feed.applied.load(Ordering::SeqCst))
    }

    /// The changes numbered after `after`, as the table keeps them (up to
    /// `limit`); `None` if some of them were pruned already.
    pub async fn changes_since(
        &self,
        after: u64,
        limit: i64,
    ) -> Result<Option<Vec<(u64, Vec<Change>)>>> {
        let after = after as i64;
        self.read(&[], move |db| {
            let rows: Vec<(i64, String)> = db.all(
                "SELECT seq, tags FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&after, &limit],
            )?;
            let current: i64 = db.one("SELECT v FROM change_version", &[])?;
            if current > after && rows.first().is_none_or(|(seq, _)| *seq != after + 1) {
                return Ok(None);
            }
            Ok(Some(
                rows.into_iter()
                    .map(|(seq, tags)| (seq as u64, feed::sorted(feed::decode(&tags))))
                    .collect(),
            ))
        })
        .await
    }

    /// Hears of every change other nodes (or other processes on the same
    /// SQLite file) have committed: one query when nothing is new. After
    /// it returns, every write acknowledged before it was called has
    /// reached this node's listeners.
    pub async fn catch_up(&self) -> Result<()> {
        let feed = self.inner.feed.clone();
        let from = feed.applied.load(Ordering::SeqCst) as i64;
        let rows: Vec<(i64, Option<i64>, Option<String>, Option<String>)> = self
            .read(&[], move |db| {
                db.all(
                    "SELECT (SELECT v FROM change_version), c.seq, c.node, c.tags FROM (SELECT 1) AS one LEFT JOIN changes c ON c.seq > $1 ORDER BY c.seq",
                    &[&from],
                )
            })
            .await?;
        let Some(version) = rows.first().map(|r| r.0 as u64) else { return Ok(()) };
        if version <= feed.applied.load(Ordering::SeqCst) {
            return Ok(());
        }
        let _one_at_a_time = feed.catching_up.lock().await;
        let found: Vec<(i64, String, String)> =
            rows.into_iter().filter_map(|(_, seq, node, tags)| Some((seq?, node?, tags?))).collect();
        if feed.applied.load(Ordering::SeqCst) as i64 == from {
            feed.apply(version, &found);
        } else {
            // Someone caught up meanwhile; apply only what is still new.
            let now = feed.applied.load(Ordering::SeqCst) as i64;
            let rest: Vec<_> = found.into_iter().filter(|(seq, _, _)| *seq > now).collect();
            feed.apply(version, &rest);
        }
        Ok(())
    }

    /// A cheap round trip, for health checks.
    pub async fn ping(&self) -> Result<()> {
        self.read(&[], |db| db.one::<i64>("SELECT 1", &[]).map(|_| ())).await
    }

    /// Finishes queued work and closes every connection.
    pub async fn close(&self) {
        self.inner.reads.write().expect("store lock").take();
        self.inner.urgent.write().expect("store lock").take();
        self.inner.writes.write().expect("store lock").take();
        let threads = std::mem::take(&mut *self.inner.threads.lock().expect("store lock"));
        let _ = tokio::task::spawn_blocking(move || {
            for t in threads {
                let _ = t.join();
            }
        })
        .await;
    }
}

fn current_version(db: &mut dyn db::Db) -> Result<u64> {
    Ok(db.one::<i64>("SELECT v FROM change_version", &[])? as u64)
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    h.write_u32(std::process::id());
    h.finish()
}
