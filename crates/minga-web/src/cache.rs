//! What this node keeps in memory, and how each piece learns it is out of
//! date.
//!
//! Every entry is kept with the names of what it was made from (`Change`
//! values, recorded by the store as it reads, see `minga_store::reads`)
//! and the number of the last change this node had heard of when the
//! entry was started. The change feed tells `Caches::invalidate` what each
//! write changed, on this node as the write commits and from other nodes
//! before any request that could have seen their writes. An entry whose
//! sources changed after it was started is never served again. So a reply
//! drops its topic's pages and the lists, not the rest of the forum, and a
//! page begun before a write cannot be kept with stale content.
//!
//! The caches: visitors' whole responses (`visitor_cache`), signed-in
//! people (`viewers`), and what a topic page shows (`topics`), shared by
//! every reader who sees the same categories.

use crate::AppState;
use crate::format::Format;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use minga_core::TopicId;
use minga_store::Change;
use minga_store::reads::{record, recording};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// When each source last changed, as this node has heard.
#[derive(Default)]
struct Heard {
    /// Anything made before this is out of date (a change to everything,
    /// or the table below grew too long and was started afresh).
    floor: u64,
    /// The last change of any kind.
    any: u64,
    at: HashMap<Change, u64>,
}

const MOST_REMEMBERED: usize = 100_000;

pub struct Caches {
    seq: AtomicU64,
    heard: RwLock<Heard>,
    pub pages: Tagged<String, Page>,
    pub viewers: Tagged<String, Arc<Option<crate::auth::Known>>>,
    pub topics: Tagged<(TopicId, i64, u64), Arc<crate::views::TopicView>>,
    pub lists: Tagged<(String, u64), Arc<crate::views::TopicList>>,
    /// How far each person has read each topic, and their level for it.
    pub following: Tagged<(minga_core::UserId, TopicId), minga_store::TopicUser>,
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            seq: AtomicU64::new(1),
            heard: RwLock::default(),
            // Budgets in bytes (roughly): what a small machine can spare.
            // Visitors' pages show times relative to now ("3 min"), so
            // they are kept a minute at most even when nothing changes.
            pages: Tagged::new(32 * 1024 * 1024).with_max_age(std::time::Duration::from_secs(60)),
            viewers: Tagged::new(8 * 1024 * 1024),
            topics: Tagged::new(64 * 1024 * 1024),
            lists: Tagged::new(8 * 1024 * 1024),
            following: Tagged::new(4 * 1024 * 1024),
        }
    }
}

impl Caches {
    /// The number to start an entry with: take it before reading anything.
    pub fn start(&self) -> u64 {
        self.seq.load(Ordering::SeqCst)
    }

    /// Hears of changes (from the change feed).
    pub fn invalidate(&self, changes: &[Change]) {
        let mut heard = self.heard.write().expect("cache lock");
        let n = self.seq.fetch_add(1, Ordering::SeqCst) + 1;
        heard.any = n;
        if heard.at.len() > MOST_REMEMBERED {
            heard.at.clear();
            heard.floor = n;
        }
        for c in changes {
            if *c == Change::Everything {
                heard.floor = n;
            } else {
                heard.at.insert(*c, n);
            }
        }
    }

    /// Whether something made from `sources`, started at `started`, is
    /// out of date.
    pub fn stale(&self, sources: &[Change], started: u64) -> bool {
        let heard = self.heard.read().expect("cache lock");
        if heard.floor > started {
            return true;
        }
        sources.iter().any(|s| match s {
            Change::Everything => heard.any > started,
            s => heard.at.get(s).is_some_and(|n| *n > started),
        })
    }

    /// The kept value for `key`, or one made by `load` (and kept, unless
    /// its sources changed while it was being made).
    pub async fn get_or_load<K, V, F>(&self, cache: &Tagged<K, V>, key: K, load: F) -> crate::error::AppResult<V>
    where
        K: Hash + Eq + Clone,
        V: Clone + Weigh,
        F: Future<Output = crate::error::AppResult<V>>,
    {
        if let Some(v) = cache.get(self, &key) {
            return Ok(v);
        }
        let started = self.start();
        let (value, sources) = recording(load).await;
        let value = value?;
        if !self.stale(&sources, started) {
            cache.put(key, value.clone(), sources, started);
        }
        Ok(value)
    }
}

/// How much an entry costs to keep, against its cache's budget (about
/// its size in bytes).
pub trait Weigh {
    fn weight(&self) -> usize;
}

impl<T: Weigh + ?Sized> Weigh for Arc<T> {
    fn weight(&self) -> usize {
        T::weight(self)
    }
}

impl<T: Weigh> Weigh for Option<T> {
    fn weight(&self) -> usize {
        self.as_ref().map_or(64, T::weight)
    }
}

/// A map whose entries are dropped when their sources change; past its
/// budget, the oldest entries go first.
pub struct Tagged<K, V> {
    budget: usize,
    max_age: Option<std::time::Duration>,
    entries: Mutex<Kept<K, V>>,
}

struct Kept<K, V> {
    map: HashMap<K, Entry<V>>,
    /// Keys in the order they were put; a key may be here for an entry
    /// since replaced or dropped (its `Entry::put` number tells).
    order: std::collections::VecDeque<(K, u64)>,
    weight: usize,
    puts: u64,
}

struct Entry<V> {
    value: V,
    sources: Vec<Change>,
    started: u64,
    weight: usize,
    put: u64,
    made: std::time::Instant,
}

impl<K: Hash + Eq + Clone, V: Clone + Weigh> Tagged<K, V> {
    fn new(budget: usize) -> Self {
        Tagged {
            budget,
            max_age: None,
            entries: Mutex::new(Kept { map: HashMap::new(), order: std::collections::VecDeque::new(), weight: 0, puts: 0 }),
        }
    }

    /// Entries are also dropped once this old.
    fn with_max_age(self, max_age: std::time::Duration) -> Self {
        Tagged { max_age: Some(max_age), ..self }
    }

    /// The value if it is still right; its sources are recorded for
    /// whatever is being made from it.
    pub fn get(&self, caches: &Caches, key: &K) -> Option<V> {
        let mut kept = self.entries.lock().expect("cache lock");
        let e = kept.map.get(key)?;
        let too_old = self.max_age.is_some_and(|age| e.made.elapsed() > age);
        if too_old || caches.stale(&e.sources, e.started) {
            if let Some(old) = kept.map.remove(key) {
                kept.weight = kept.weight.saturating_sub(old.weight);
            }
            return None;
        }
        record(&e.sources);
        Some(e.value.clone())
    }

    pub fn put(&self, key: K, value: V, sources: Vec<Change>, started: u64) {
        let weight = value.weight();
        if weight > self.budget {
            return;
        }
        let mut kept = self.entries.lock().expect("cache lock");
        kept.puts += 1;
        let put = kept.puts;
        // The oldest go first until the new one fits.
        while kept.weight + weight > self.budget {
            let Some((old_key, old_put)) = kept.order.pop_front() else { break };
            if kept.map.get(&old_key).is_some_and(|e| e.put == old_put)
                && let Some(old) = kept.map.remove(&old_key)
            {
                kept.weight = kept.weight.saturating_sub(old.weight);
            }
        }
        kept.weight += weight;
        kept.order.push_back((key.clone(), put));
        let made = std::time::Instant::now();
        if let Some(old) = kept.map.insert(key, Entry { value, sources, started, weight, put, made }) {
            kept.weight = kept.weight.saturating_sub(old.weight);
        }
        // Keys of entries long gone would otherwise pile up in the order.
        if kept.order.len() > 2 * kept.map.len() + 64 {
            let live: std::collections::VecDeque<(K, u64)> =
                kept.order.iter().filter(|(k, p)| kept.map.get(k).is_some_and(|e| e.put == *p)).cloned().collect();
            kept.order = live;
        }
    }

    pub fn remove(&self, key: &K) {
        let mut kept = self.entries.lock().expect("cache lock");
        if let Some(old) = kept.map.remove(key) {
            kept.weight = kept.weight.saturating_sub(old.weight);
        }
    }
}

/// A visitor's response, kept whole (`Cache-Control` too).
#[derive(Clone)]
pub struct Page {
    headers: HeaderMap,
    body: Bytes,
    topic: Option<TopicId>,
}

impl Weigh for minga_store::TopicUser {
    fn weight(&self) -> usize {
        std::mem::size_of::<Self>() + 64
    }
}

impl Weigh for Page {
    fn weight(&self) -> usize {
        self.body.len() + 512
    }
}

/// Set on a topic's response so that cached copies still count views.
#[derive(Clone, Copy, Debug)]
pub struct ViewedTopic(pub TopicId);

/// The key a visitor's response is kept under: the same address in
/// another language is another page.
pub fn page_key(format: Format, locale: crate::i18n::Locale, theme: &str, uri: &axum::http::Uri) -> String {
    format!("{format:?} {} {theme} {uri}", locale.tag())
}

fn cacheable_path(path: &str) -> bool {
    const PRIVATE_PREFIXES: &[&str] = &[
        "/admin",
        "/review",
        "/session",
        "/login",
        "/logout",
        "/signup",
        "/setup",
        "/invites",
        "/new-topic",
        "/posts/",
        "/srv/",
        "/live",
        "/notifications",
        "/n/",
    ];
    !PRIVATE_PREFIXES.iter().any(|p| path.starts_with(p))
}

/// Serves visitors' pages from memory. Only anonymous GETs of public
/// pages are kept, never a page that carries a form token or sets a cookie.
pub async fn visitor_cache(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let anonymous = !headers.contains_key("api-key")
        && !headers.contains_key(crate::auth::USER_API_KEY)
        && crate::auth::cookie(headers, crate::auth::SESSION_COOKIE).is_none_or(|t| t.is_empty());
    if !anonymous || req.method() != Method::GET || !cacheable_path(req.uri().path()) {
        return next.run(req).await;
    }
    let Ok(site) = state.site().await else { return next.run(req).await };
    let locale = crate::auth::choose_locale(headers, None, &site);
    let theme = crate::auth::choose_theme(headers, None);
    let key = page_key(Format::of(req.uri(), headers), locale, theme, req.uri());
    if let Some(page) = state.caches.pages.get(&state.caches, &key) {
        if let Some(t) = page.topic {
            state.views.record(t);
        }
        return (page.headers, page.body).into_response();
    }
    let started = state.caches.start();
    let (response, sources) = recording(next.run(req)).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        return response;
    }
    let topic = response.extensions().get::<ViewedTopic>().map(|v| v.0);
    let (parts, body) = response.into_parts();
    let Ok(collected) = body.collect().await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let bytes = collected.to_bytes();
    // A page with a form token belongs to one visitor only.
    let has_token = bytes.windows(18).any(|w| w == b"authenticity_token");
    if !has_token && parts.headers.contains_key(header::CONTENT_TYPE) && !state.caches.stale(&sources, started) {
        let page = Page { headers: parts.headers.clone(), body: bytes.clone(), topic };
        state.caches.pages.put(key, page, sources, started);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Hears what other nodes (or other processes on the same database) have
/// written before answering, so that nothing kept here is served after a
/// write anywhere was acknowledged. On SQLite only this process serves,
/// and it hears its own writes as they commit, so this is a no-op there.
pub async fn catch_up(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if state.store.backend() == minga_store::Backend::Postgres
        && let Err(e) = state.store.catch_up().await
    {
        return crate::error::AppError::from(e).into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use minga_core::UserId;

    #[derive(Clone, Debug, PartialEq)]
    struct V(u32);
    impl Weigh for V {
        fn weight(&self) -> usize {
            1
        }
    }

    #[test]
    fn entries_go_stale_only_when_their_sources_change() {
        let caches = Caches::default();
        let cache: Tagged<u32, V> = Tagged::new(10);
        let t1 = Change::Topic(TopicId(1));
        cache.put(1, V(1), vec![t1, Change::Catalog], caches.start());
        cache.put(2, V(2), vec![Change::Topic(TopicId(2))], caches.start());
        caches.invalidate(&[Change::Topic(TopicId(2)), Change::User(UserId(5))]);
        assert_eq!(cache.get(&caches, &1), Some(V(1)));
        assert_eq!(cache.get(&caches, &2), None);
        caches.invalidate(&[Change::Catalog]);
        assert_eq!(cache.get(&caches, &1), None);
    }

    #[test]
    fn an_entry_begun_before_a_change_is_stale() {
        let caches = Caches::default();
        let started = caches.start();
        caches.invalidate(&[Change::Lists]);
        assert!(caches.stale(&[Change::Lists], started));
        assert!(!caches.stale(&[Change::Catalog], started));
        assert!(caches.stale(&[Change::Everything], started), "made from anything: any change counts");
        let later = caches.start();
        assert!(!caches.stale(&[Change::Lists], later));
        caches.invalidate(&[Change::Everything]);
        assert!(caches.stale(&[Change::Catalog], later), "a change to everything");
    }

    #[test]
    fn entries_may_have_an_age_limit() {
        let caches = Caches::default();
        let cache: Tagged<u32, V> = Tagged::new(10).with_max_age(std::time::Duration::from_millis(30));
        cache.put(1, V(1), vec![], caches.start());
        assert_eq!(cache.get(&caches, &1), Some(V(1)));
        std::thread::sleep(std::time::Duration::from_millis(40));
        assert_eq!(cache.get(&caches, &1), None, "too old");
    }

    #[test]
    fn past_its_budget_the_oldest_go_first() {
        let caches = Caches::default();
        let cache: Tagged<u32, V> = Tagged::new(3);
        for i in 0..5 {
            cache.put(i, V(i), vec![], caches.start());
        }
        assert_eq!(cache.get(&caches, &0), None);
        assert_eq!(cache.get(&caches, &1), None);
        for i in 2..5 {
            assert_eq!(cache.get(&caches, &i), Some(V(i)));
        }
        // Putting a key again refreshes it; the one after it goes next.
        cache.put(2, V(20), vec![], caches.start());
        cache.put(5, V(5), vec![], caches.start());
        assert_eq!(cache.get(&caches, &3), None);
        assert_eq!(cache.get(&caches, &2), Some(V(20)));
        for _ in 0..1000 {
            cache.put(9, V(9), vec![], caches.start());
        }
        assert!(cache.entries.lock().unwrap().order.len() < 100, "the order does not grow without end");
    }
}
