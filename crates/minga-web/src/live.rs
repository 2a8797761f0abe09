//! Live pages: one endpoint, `GET /live`, streams server-sent events to
//! open pages from the change feed, filtered to what the reader may see.
//!
//! Events carry no content, only what to fetch again: `topic` (the open
//! topic changed: a reply, an edit, a deletion), `notifications` (the
//! reader's unread count, which is theirs alone), `topics` (a topic was
//! started in a category the reader sees, for "new topics" on lists) and
//! `reload` (changes were missed). Each event's id is its change number,
//! so a stream that dropped resumes after the last one it had
//! (`Last-Event-ID`); changes made on another node arrive through the
//! feed like this node's own.

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use minga_core::TopicId;
use minga_core::perm::Actor;
use minga_store::Change;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use tokio::sync::broadcast::error::RecvError;

/// A comment sent this often keeps proxies from closing an idle stream,
/// and finds streams whose reader has gone.
const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(25);

/// Changes read back from the table when a stream resumes, at most.
const REPLAY: i64 = 1000;

/// The open streams on this node.
#[derive(Default)]
pub struct Hub {
    open: AtomicUsize,
}

impl Hub {
    pub fn open(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }
}

#[derive(serde::Deserialize, Default)]
pub struct LiveQuery {
    /// The topic the page shows.
    pub topic: Option<String>,
    /// `latest`: the page lists topics and wants to hear of new ones.
    pub list: Option<String>,
}

/// What one stream listens for.
struct Listening {
    me: Option<minga_core::UserId>,
    actor: Option<Actor>,
    topic: Option<TopicId>,
    list: bool,
    unread: i64,
}

pub async fn stream(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(q): Query<LiveQuery>,
) -> AppResult<Response> {
    let topic = match q.topic.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Some(TopicId(t.parse::<i64>().map_err(|_| AppError::NotFound)?)),
        None => None,
    };
    if let Some(t) = topic {
        crate::access::visible_topic(&state, &viewer, t).await?;
    }
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let listening = Listening {
        me: viewer.user.as_ref().map(|u| u.id),
        actor: viewer.actor(),
        topic,
        list: q.list.as_deref() == Some("latest"),
        unread: viewer
            .user
            .as_ref()
            .map(|u| u.unread_notifications)
            .unwrap_or(0),
    };
    // Subscribe before reading anything back, so nothing falls between.
    let feed = state.store.subscribe();
    state.live.open.fetch_add(1, Ordering::Relaxed);
    let stream = Stream { state: state.clone(), l: listening, feed, resume, replayed: 0, opened: false };
    let mut response = Body::new(EventBody { next: Box::pin(next(stream)), state }).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // nginx and other proxies: pass each event on as it comes.
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}

/// One stream between events: what it listens for and where it is in the
/// feed. An idle stream is this and a wait on the feed, nothing more.
struct Stream {
    state: AppState,
    l: Listening,
    feed: tokio::sync::broadcast::Receiver<std::sync::Arc<(u64, Vec<Change>)>>,
    /// `Last-Event-ID`, until what was missed is read back.
    resume: Option<u64>,
    /// Changes up to this number were read back from the table.
    replayed: u64,
    opened: bool,
}

/// Waits for the stream's next bytes; `None` ends the stream.
async fn next(mut s: Stream) -> Option<(Bytes, Stream)> {
    // The first bytes open the stream for the browser at once, and say how
    // long to wait before reconnecting.
    if !s.opened {
        s.opened = true;
        return Some((Bytes::from_static(b"retry: 2000\n\n"), s));
    }
    // What was missed is read back from the table, which holds every
    // committed change up to some number; anything committed later has a
    // higher number and arrives live. `replayed` keeps the two apart.
    if let Some(from) = s.resume.take() {
        let out = Box::pin(replay(&s.state, &mut s.l, from, &mut s.replayed)).await;
        if !out.is_empty() {
            return Some((Bytes::from(out), s));
        }
    }
    loop {
        let out = match tokio::time::timeout(KEEP_ALIVE, s.feed.recv()).await {
            Err(_) => return Some((Bytes::from_static(b": keep-alive\n\n"), s)),
            Ok(Ok(item)) => {
                let (seq, changes) = &*item;
                if *seq <= s.replayed {
                    continue;
                }
                // Boxed: what answering needs is held only while it runs.
                Box::pin(events(&s.state, &mut s.l, *seq, changes)).await
            }
            Ok(Err(RecvError::Lagged(_))) => {
                let seq = s.state.store.heard_up_to();
                Box::pin(events(&s.state, &mut s.l, seq, &[Change::Everything])).await
            }
            Ok(Err(RecvError::Closed)) => return None,
        };
        if !out.is_empty() {
            return Some((Bytes::from(out), s));
        }
    }
}

/// What a resuming stream missed since `from`, as events.
async fn replay(state: &AppState, l: &mut Listening, from: u64, replayed: &mut u64) -> String {
    let mut out = String::new();
    match state.store.changes_since(from, REPLAY).await {
        Ok(Some(missed)) => {
            for (seq, changes) in missed {
                out.push_str(&events(state, l, seq, &changes).await);
                *replayed = seq;
            }
        }
        Ok(None) | Err(_) => {
            out.push_str(&events(state, l, state.store.heard_up_to(), &[Change::Everything]).await);
        }
    }
    out
}

/// What `changes` mean to this reader, as events (none: nothing for them).
async fn events(state: &AppState, l: &mut Listening, seq: u64, changes: &[Change]) -> String {
    // Changes arrive sorted (see `Store::subscribe`).
    let everything = changes.binary_search(&Change::Everything).is_ok();
    let mut out = String::new();
    if everything {
        out.push_str(&format!("id: {seq}\nevent: reload\ndata: {{}}\n\n"));
    }
    if let Some(t) = l.topic
        && (everything || changes.binary_search(&Change::Topic(t)).is_ok())
    {
        out.push_str(&format!(
            "id: {seq}\nevent: topic\ndata: {{\"topic_id\":{}}}\n\n",
            t.0
        ));
    }
    if let Some(me) = l.me
        && (everything || changes.binary_search(&Change::User(me)).is_ok())
        && let Ok(Some(u)) = state.store.user_by_id(me).await
        && u.unread_notifications != l.unread
    {
        l.unread = u.unread_notifications;
        out.push_str(&format!(
            "id: {seq}\nevent: notifications\ndata: {{\"unread\":{}}}\n\n",
            l.unread
        ));
    }
    if l.list {
        let started: Vec<_> = changes
            .iter()
            .filter_map(|c| {
                if let Change::NewTopic(t, c) = c {
                    Some((*t, *c))
                } else {
                    None
                }
            })
            .collect();
        if !started.is_empty()
            && let Ok(catalog) = state.catalog().await
        {
            for (t, c) in started {
                if catalog.can_see(l.actor.as_ref(), c) {
                    out.push_str(&format!(
                        "id: {seq}\nevent: topics\ndata: {{\"topic_id\":{}}}\n\n",
                        t.0
                    ));
                }
            }
        }
    }
    out
}

/// The stream's body: each event as `next` finds it.
struct EventBody {
    next: Pin<Box<dyn Future<Output = Option<(Bytes, Stream)>> + Send>>,
    state: AppState,
}

impl HttpBody for EventBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        match self.next.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Ready(Some((bytes, stream))) => {
                self.next = Box::pin(next(stream));
                Poll::Ready(Some(Ok(http_body::Frame::data(bytes))))
            }
        }
    }
}

impl Drop for EventBody {
    /// The reader went away (or the stream ended).
    fn drop(&mut self) {
        self.state.live.open.fetch_sub(1, Ordering::Relaxed);
    }
}
