//! minga's web application: HTML pages and the Discourse-compatible JSON
//! API over one router. `app` builds it from an `AppState`, for `minga
//! serve` and for tests alike.
#![recursion_limit = "256"]

pub mod access;
pub mod alerts;
pub mod auth;
pub mod cache;
pub mod csrf;
pub mod error;
pub mod format;
pub mod i18n;
pub mod input;
pub mod limits;
pub mod live;
pub mod loaded;
pub mod site;
mod json;
pub mod mail;
pub mod onebox;
pub mod params;
pub mod ops;
mod pages;
pub mod reading;
mod routes;
mod views;

pub use error::AppError;
pub use routes::{app, headers, registry};

use minga_core::Limits;
use minga_core::TopicId;
use minga_store::{Change, Store};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Site settings the web layer needs; built by the binary from its config.
#[derive(Clone, Debug)]
pub struct Settings {
    pub title: String,
    pub description: String,
    /// The public address, e.g. `https://forum.example.coop`; cookies are
    /// marked Secure when it is https.
    pub base_url: String,
    pub limits: Limits,
    /// Argon2 cost; the defaults are OWASP's, tests lower them.
    pub password_memory_kib: u32,
    pub password_iterations: u32,
    /// How external pages are fetched for oneboxes.
    pub fetch: onebox::fetch::FetchPolicy,
    /// Discourse's posting rate limits; tests that post in bulk turn them off.
    pub rate_limits: bool,
    /// Proxies whose `X-Forwarded-For` / `Forwarded` headers are believed
    /// (see `auth::ClientIp`).
    pub trusted_proxies: Vec<auth::Cidr>,
    /// The mail relay and sender (see `mail`).
    pub mail: mail::MailSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            title: "minga".into(),
            description: String::new(),
            base_url: "http://127.0.0.1:8080".into(),
            limits: Limits::default(),
            password_memory_kib: 19 * 1024,
            password_iterations: 2,
            fetch: onebox::fetch::FetchPolicy::default(),
            rate_limits: true,
            trusted_proxies: Vec::new(),
            mail: mail::MailSettings::default(),
        }
    }
}

impl Settings {
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// What every request shares. One `Arc`, so that handing the state to each
/// layer and handler of a request costs one counter, not one per part.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub store: Store,
    pub settings: Arc<Settings>,
    pub views: Arc<Views>,
    /// The set-up link this node printed, while the forum has no admin.
    pub setup_token: Arc<Mutex<Option<String>>>,
    /// The sign-up honeypot's values, shared by every node.
    pub honeypot: Arc<loaded::Loaded<auth::Honeypot>>,
    /// External pages being fetched for oneboxes right now.
    pub fetching: Arc<Mutex<std::collections::HashSet<String>>>,
    /// Categories and their grants (see `access`).
    pub catalog: Arc<loaded::Loaded<access::Catalog>>,
    /// Site settings from the database (see `site`).
    pub site: Arc<loaded::Loaded<site::SiteSettings>>,
    /// Pages, people and topics kept in memory (see `cache`).
    pub caches: Arc<cache::Caches>,
    /// Password hashing, a few at a time.
    pub hasher: Arc<auth::Hasher>,
    /// Writes notifications of new posts (see `alerts`).
    pub alerts: Arc<alerts::Worker>,
    /// Open pages' event streams (see `live`).
    pub live: Arc<live::Hub>,
    /// Sends the outbox (see `mail`).
    pub mailer: Arc<mail::Worker>,
}

impl AppState {
    pub fn new(store: Store, settings: Settings) -> AppState {
        let state = Shared {
            store,
            settings: Arc::new(settings),
            views: Arc::new(Views::default()),
            setup_token: Arc::new(Mutex::new(None)),
            honeypot: Arc::default(),
            fetching: Arc::new(Mutex::new(std::collections::HashSet::new())),
            catalog: Arc::default(),
            site: Arc::default(),
            caches: Arc::default(),
            hasher: Arc::default(),
            alerts: Arc::default(),
            live: Arc::default(),
            mailer: Arc::default(),
        };
        // Everything kept in memory hears of every change, this node's as
        // it commits and other nodes' as the feed brings them.
        let (caches, catalog, site) = (state.caches.clone(), state.catalog.clone(), state.site.clone());
        state.store.listen(move |changes| {
            caches.invalidate(changes);
            if changes.iter().any(|c| matches!(c, Change::Catalog | Change::Everything)) {
                catalog.forget();
            }
            if changes.iter().any(|c| matches!(c, Change::Settings | Change::Everything)) {
                site.forget();
            }
        });
        AppState(Arc::new(state))
    }

    /// Makes (or returns) a set-up link for the first admin, if the forum
    /// has no admin yet.
    pub async fn first_admin_token(&self) -> Result<Option<String>, minga_store::StoreError> {
        if !self.store.admins().await?.is_empty() {
            return Ok(None);
        }
        let existing = self.setup_token.lock().expect("setup token lock").clone();
        if let Some(token) = existing {
            return Ok(Some(token));
        }
        let token = auth::random_token(24);
        self.store.add_setup_token(&auth::hash_secret(&token)).await?;
        *self.setup_token.lock().expect("setup token lock") = Some(token.clone());
        Ok(Some(token))
    }

    /// Writes buffered topic views and reads to the database, and raises
    /// the trust levels that reading has earned.
    pub async fn flush_views(&self) -> Result<(), minga_store::StoreError> {
        let pending = self.views.take();
        // Cached visitors' pages keep the view counts they were made with
        // until the next write: counts are approximate anyway, and dropping
        // every page every few seconds would make all visitors wait at once.
        self.store.add_topic_views(&pending).await?;
        let seen = self.views.take_seen();
        self.store.touch_sessions(&seen).await?;
        let reads = self.views.take_reads();
        for user in self.store.record_reads(&reads).await? {
            let Some(u) = self.store.user_by_id(user).await? else { continue };
            if u.trust_level >= 2 {
                continue;
            }
            let s = self.store.reading_stats(user).await?;
            let participation = minga_core::perm::Participation {
                topics_entered: s.topics_entered,
                posts_read: s.posts_read,
                minutes_read: s.time_read_secs / 60,
                days_visited: s.days_visited,
                topics_replied_to: s.topics_replied_to,
            };
            let earned = minga_core::perm::earned_trust_level(u.trust_level, &participation);
            if earned > u.trust_level {
                self.store.promote(user, earned).await?;
            }
        }
        Ok(())
    }
}

/// Topic views are counted in memory and written in batches, so that
/// reading a topic never waits for a database write.
#[derive(Default)]
pub struct Views {
    pending: Mutex<HashMap<TopicId, i64>>,
    reads: Mutex<Vec<minga_store::Read>>,
    /// When each session (by token hash) was last used.
    seen: Mutex<HashMap<String, i64>>,
}

impl Views {
    /// A session was used now; its owner's list of sessions says so.
    pub fn record_seen(&self, token_hash: String, at: i64) {
        let mut seen = self.seen.lock().expect("seen lock");
        if seen.len() < 100_000 || seen.contains_key(&token_hash) {
            seen.insert(token_hash, at);
        }
    }

    fn take_seen(&self) -> Vec<(String, i64)> {
        self.seen.lock().expect("seen lock").drain().collect()
    }

    /// A logged-in person saw posts up to `up_to` in a topic.
    pub fn record_read(&self, user: minga_core::UserId, topic: TopicId, up_to: i64) {
        let at = minga_core::time::now_ms();
        let mut reads = self.reads.lock().expect("reads lock");
        if reads.len() < 100_000 {
            reads.push(minga_store::Read { user, topic, up_to, day: at / 86_400_000, at });
        }
    }

    /// The reads since the last flush, one per person, topic and day (the
    /// furthest they read): a person reading one topic many times makes
    /// one write, not many.
    fn take_reads(&self) -> Vec<minga_store::Read> {
        let reads = std::mem::take(&mut *self.reads.lock().expect("reads lock"));
        let mut furthest: HashMap<(minga_core::UserId, TopicId, i64), minga_store::Read> = HashMap::new();
        for r in reads {
            furthest.entry((r.user, r.topic, r.day)).and_modify(|kept| {
                if r.up_to > kept.up_to {
                    *kept = r;
                }
            }).or_insert(r);
        }
        let mut reads: Vec<minga_store::Read> = furthest.into_values().collect();
        reads.sort_by_key(|r| r.at);
        reads
    }

    pub fn record(&self, topic: TopicId) {
        *self.pending.lock().expect("views lock").entry(topic).or_default() += 1;
    }

    pub fn pending(&self, topic: TopicId) -> i64 {
        self.pending.lock().expect("views lock").get(&topic).copied().unwrap_or(0)
    }

    fn take(&self) -> Vec<(TopicId, i64)> {
        self.pending.lock().expect("views lock").drain().collect()
    }
}
