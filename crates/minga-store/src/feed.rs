//! The change feed: every write says what it changed, and everything that
//! keeps a copy of stored data (caches, later live updates and
//! notifications) listens here, on every node.
//!
//! A write transaction that changed something takes the next number from
//! the one-row `change_version` table and records its changes under it in
//! `changes`, in the same transaction. Taking the number locks that row
//! until the commit, so numbers are committed in order and a reader that
//! has seen number N has seen every change up to N. This node's own
//! writes reach its listeners as they commit, before the writer hears
//! back; other nodes' writes are read from the table by `catch_up`,
//! which a node runs before answering a request that any node may have
//! written before (see `Store::catch_up`).

use crate::db::Db;
use crate::{Backend, Result};
use minga_core::{CategoryId, TopicId, UserId};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// What a write changed, as caches see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Change {
    /// A topic's row, or any of its posts.
    Topic(TopicId),
    /// What topic lists show: their order, counts and excerpts, category
    /// counts, people's and groups' activity.
    Lists,
    /// One person's account, sessions or memberships.
    User(UserId),
    /// How people appear on pages: names, usernames, primary groups,
    /// trust levels.
    People,
    /// Categories, their permissions, and groups.
    Catalog,
    /// Site settings.
    Settings,
    /// Fetched pages behind external oneboxes.
    Oneboxes,
    /// A topic was started in a category (for live lists; caches hear
    /// of it as `Topic` and `Lists`).
    NewTopic(TopicId, CategoryId),
    /// Anything at all (a page whose sources are not all known).
    Everything,
}

impl Change {
    fn encode(self) -> String {
        match self {
            Change::Topic(t) => format!("t{}", t.0),
            Change::Lists => "l".into(),
            Change::User(u) => format!("u{}", u.0),
            Change::People => "p".into(),
            Change::Catalog => "c".into(),
            Change::Settings => "s".into(),
            Change::Oneboxes => "o".into(),
            Change::NewTopic(t, c) => format!("n{}:{}", t.0, c.0),
            Change::Everything => "*".into(),
        }
    }

    fn decode(s: &str) -> Change {
        let id = || s[1..].parse::<i64>().ok();
        match s.as_bytes().first() {
            Some(b't') => id().map(|n| Change::Topic(TopicId(n))),
            Some(b'u') => id().map(|n| Change::User(UserId(n))),
            Some(b'l') => Some(Change::Lists),
            Some(b'p') => Some(Change::People),
            Some(b'c') => Some(Change::Catalog),
            Some(b's') => Some(Change::Settings),
            Some(b'o') => Some(Change::Oneboxes),
            Some(b'n') => s[1..].split_once(':').and_then(|(t, c)| {
                Some(Change::NewTopic(
                    TopicId(t.parse().ok()?),
                    CategoryId(c.parse().ok()?),
                ))
            }),
            _ => None,
        }
        // A change this version cannot read is treated as a change to anything.
        .unwrap_or(Change::Everything)
    }
}

/// Live listeners receive changes sorted, to look one up by bisection.
pub(crate) fn sorted(mut changes: Vec<Change>) -> Vec<Change> {
    changes.sort_unstable();
    changes
}

pub(crate) fn encode(changes: &[Change]) -> String {
    changes.iter().map(|c| c.encode()).collect::<Vec<_>>().join(" ")
}

pub(crate) fn decode(tags: &str) -> Vec<Change> {
    tags.split_whitespace().map(Change::decode).collect()
}

type Listener = Arc<dyn Fn(&[Change]) + Send + Sync>;

pub(crate) struct Feed {
    pub node: String,
    backend: Backend,
    /// The highest change number this node has caught up with.
    pub applied: AtomicU64,
    /// The highest change number heard of, this node's own included.
    pub latest: AtomicU64,
    listeners: RwLock<Vec<Listener>>,
    live: tokio::sync::broadcast::Sender<Arc<(u64, Vec<Change>)>>,
    pub catching_up: tokio::sync::Mutex<()>,
}

impl Feed {
    pub fn new(backend: Backend, node: String) -> Feed {
        Feed {
            node,
            backend,
            applied: AtomicU64::new(0),
            latest: AtomicU64::new(0),
            listeners: RwLock::new(Vec::new()),
            live: tokio::sync::broadcast::channel(1024).0,
            catching_up: tokio::sync::Mutex::new(()),
        }
    }

    pub fn listen(&self, f: Listener) {
        self.listeners.write().expect("feed lock").push(f);
    }

    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Arc<(u64, Vec<Change>)>> {
        self.live.subscribe()
    }

    /// Records a transaction's changes; returns their number.
    pub fn record(&self, db: &mut dyn Db, changes: &[Change]) -> Result<u64> {
        let now = minga_core::time::now_ms();
        let tags = encode(changes);
        let seq: i64 = match self.backend {
            // One round trip: the counter's row stays locked until the
            // commit, so the shorter the rest of the transaction, the better.
            Backend::Postgres => db.one(
                "WITH v AS (UPDATE change_version SET v = v + 1 RETURNING v) \
                 INSERT INTO changes (seq, node, tags, at) SELECT v, $1, $2, $3 FROM v RETURNING seq",
                &[&self.node, &tags, &now],
            )?,
            Backend::Sqlite => {
                let seq: i64 = db.one("UPDATE change_version SET v = v + 1 RETURNING v", &[])?;
                db.exec("INSERT INTO changes (seq, node, tags, at) VALUES ($1, $2, $3, $4)", &[&seq, &self.node, &tags, &now])?;
                seq
            }
        };
        Ok(seq as u64)
    }

    /// This node committed `changes`: tell its listeners now.
    pub fn local(&self, seq: u64, changes: &[Change]) {
        self.latest.fetch_max(seq, Ordering::SeqCst);
        self.tell(changes);
        let _ = self.live.send(Arc::new((seq, sorted(changes.to_vec()))));
    }

    pub fn tell(&self, changes: &[Change]) {
        let listeners = self.listeners.read().expect("feed lock").clone();
        for l in &listeners {
            l(changes);
        }
    }

    /// Applies what other nodes changed after `applied`, as read from the
    /// table: `rows` are (version, number, node, tags), the version on
    /// every row, the rest absent when nothing is new.
    pub fn apply(&self, version: u64, rows: &[(i64, String, String)]) {
        let from = self.applied.load(Ordering::SeqCst);
        if version <= from {
            return;
        }
        let mut changes: Vec<Change> = Vec::new();
        // The rows right after `from` are gone (pruned, or this node was
        // away for long): nothing cached can be trusted.
        if rows.first().is_none_or(|(seq, _, _)| *seq as u64 != from + 1) && from > 0 {
            changes.push(Change::Everything);
        }
        for (_, node, tags) in rows {
            if *node != self.node {
                for c in decode(tags) {
                    if !changes.contains(&c) {
                        changes.push(c);
                    }
                }
            }
        }
        if !changes.is_empty() {
            self.tell(&changes);
        }
        // Live pages hear each change under its own number, to resume from.
        if changes.first() == Some(&Change::Everything) {
            let _ = self
                .live
                .send(Arc::new((from + 1, vec![Change::Everything])));
        }
        for (seq, node, tags) in rows {
            if *node != self.node {
                let _ = self
                    .live
                    .send(Arc::new((*seq as u64, sorted(decode(tags)))));
            }
        }
        self.applied.fetch_max(version, Ordering::SeqCst);
        self.latest.fetch_max(version, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_round_trip_as_text() {
        let all = vec![
            Change::Topic(TopicId(12)),
            Change::Lists,
            Change::User(UserId(5)),
            Change::People,
            Change::Catalog,
            Change::Settings,
            Change::Oneboxes,
            Change::NewTopic(TopicId(3), CategoryId(4)),
            Change::Everything,
        ];
        assert_eq!(decode(&encode(&all)), all);
        assert_eq!(decode("x9 t"), vec![Change::Everything, Change::Everything]);
    }
}
