//! Pages for visitors, kept in memory until anything changes. Every
//! state-changing request that is not refused (4xx), every batch of
//! counted views and every fetched onebox starts a new generation, so a
//! cached page is never older than the last write, and refused requests
//! (a bot's failed log-ins) do not empty the cache. Only anonymous GETs
//! of public pages are kept, never a page that carries a CSRF token or
//! sets a cookie.

use crate::AppState;
use crate::format::Format;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use minga_core::TopicId;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Memory the cache may hold; past it, it starts afresh.
const MAX_BYTES: usize = 32 * 1024 * 1024;

#[derive(Default)]
pub struct PageCache {
    generation: AtomicU64,
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    map: HashMap<String, Entry>,
    bytes: usize,
}

struct Entry {
    generation: u64,
    /// The response's headers, kept whole (`Cache-Control` too).
    headers: HeaderMap,
    body: Bytes,
    topic: Option<TopicId>,
}

/// Set on a topic's response so that cached copies still count views.
#[derive(Clone, Copy, Debug)]
pub struct ViewedTopic(pub TopicId);

impl PageCache {
    /// Forgets every page: something changed.
    pub fn bump(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// How many times the cache has started afresh.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    fn get(&self, key: &str) -> Option<(HeaderMap, Bytes, Option<TopicId>)> {
        let generation = self.generation.load(Ordering::SeqCst);
        let entries = self.entries.lock().expect("cache lock");
        let e = entries.map.get(key).filter(|e| e.generation == generation)?;
        Some((e.headers.clone(), e.body.clone(), e.topic))
    }

    fn put(&self, key: String, generation: u64, headers: HeaderMap, body: Bytes, topic: Option<TopicId>) {
        let mut entries = self.entries.lock().expect("cache lock");
        if entries.bytes + body.len() > MAX_BYTES {
            entries.map.clear();
            entries.bytes = 0;
        }
        entries.bytes += body.len() + key.len();
        if let Some(old) = entries.map.insert(key, Entry { generation, headers, body, topic }) {
            entries.bytes = entries.bytes.saturating_sub(old.body.len());
        }
    }
}

fn cacheable_path(path: &str) -> bool {
    const PRIVATE_PREFIXES: &[&str] =
        &["/admin", "/review", "/session", "/login", "/logout", "/signup", "/setup", "/invites", "/new-topic", "/posts/", "/srv/"];
    !PRIVATE_PREFIXES.iter().any(|p| path.starts_with(p))
}

pub async fn visitor_cache(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    if method != Method::GET && method != Method::HEAD {
        let response = next.run(req).await;
        // Refused requests changed nothing.
        if !response.status().is_client_error() {
            state.cache.bump();
        }
        return response;
    }
    let headers = req.headers();
    let anonymous = !headers.contains_key("api-key") && crate::auth::cookie(headers, crate::auth::SESSION_COOKIE).is_none_or(|t| t.is_empty());
    if !anonymous || method != Method::GET || !cacheable_path(req.uri().path()) {
        return next.run(req).await;
    }
    let format = Format::of(req.uri(), headers);
    let key = format!("{:?} {}", format, req.uri());
    if let Some((headers, body, topic)) = state.cache.get(&key) {
        if let Some(t) = topic {
            state.views.record(t);
        }
        return (headers, body).into_response();
    }
    let generation = state.cache.generation.load(Ordering::SeqCst);
    let response = next.run(req).await;
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
    if !has_token && parts.headers.contains_key(header::CONTENT_TYPE) {
        state.cache.put(key, generation, parts.headers.clone(), bytes.clone(), topic);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}
