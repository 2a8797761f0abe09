//! Writing notifications: a post's transaction queues a job, and one
//! worker per node writes the queued jobs' notifications as soon as it is
//! woken (after each post on this node) or every few seconds (for jobs
//! left by other nodes, or by a node that stopped before doing them).

use crate::AppState;
use minga_core::CategoryId;
use minga_core::perm::Actor;
use minga_store::CanSee;
use std::sync::{Arc, OnceLock};
use tokio::sync::Notify;

/// How many queued posts one transaction takes at most.
const BATCH: i64 = 256;

/// A transaction stops taking posts once it has written this many
/// notifications. A new post in a topic a thousand people watch is a
/// thousand rows; later posts to the same topic in the same transaction
/// fold into those rows and cost nothing more, so a burst of replies to a
/// watched topic is written a whole batch at a time. On SQLite the one
/// writer commits the replies queued meanwhile in its next transaction:
/// the smaller this is, the sooner replies are acknowledged while
/// notifications follow. `minga-bench live` measures both sides.
const ROWS: i64 = 2000;

/// How long the worker lets posts gather once woken. Every batch that
/// touches a topic rewrites each watcher's one notification for it; a
/// burst of replies gathered into one batch rewrites them once.
const GATHER: std::time::Duration = std::time::Duration::from_millis(200);

/// Read notifications older than this are forgotten (unread ones stay).
const KEEP_READ: std::time::Duration = std::time::Duration::from_secs(180 * 24 * 3600);

/// How often old notifications are looked for.
const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// How often queued jobs are looked for without being woken.
const SWEEP: std::time::Duration = std::time::Duration::from_secs(3);

#[derive(Default)]
pub struct Worker {
    wake: Notify,
    started: OnceLock<()>,
}

impl AppState {
    /// Says that posts were written: their notifications are written next.
    pub fn alert(&self) {
        let worker = &self.alerts;
        worker.started.get_or_init(|| {
            let state = self.clone();
            tokio::spawn(async move { state.deliver_forever().await });
        });
        worker.wake.notify_one();
    }

    async fn deliver_forever(self) {
        let mut pruned = std::time::Instant::now() - PRUNE_EVERY;
        loop {
            if pruned.elapsed() >= PRUNE_EVERY {
                pruned = std::time::Instant::now();
                let before = minga_core::time::now_ms() - KEEP_READ.as_millis() as i64;
                if let Err(e) = self.store.prune_notifications(before).await {
                    tracing::warn!(error = %e, "could not forget old notifications");
                }
            }
            if let Err(e) = self.deliver_notifications().await {
                tracing::warn!(error = %e, "could not write notifications");
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                continue;
            }
            if tokio::time::timeout(SWEEP, self.alerts.wake.notified()).await.is_ok() {
                // Woken by a post: the posts written meanwhile go in the
                // same batch, and replies to a topic fold together.
                tokio::time::sleep(GATHER).await;
            }
        }
    }

    /// Writes every queued post's notifications; returns how many posts
    /// were done.
    pub async fn deliver_notifications(&self) -> crate::error::AppResult<usize> {
        let mut done = 0;
        loop {
            let catalog = self.catalog().await?;
            let can_see: Arc<CanSee> = Arc::new(move |actor: &Actor, category: CategoryId| {
                catalog.can_see(Some(actor), category)
            });
            let n = self
                .store
                .deliver_notifications_within(BATCH, ROWS, can_see)
                .await?;
            done += n;
            if n == 0 {
                if done > 0 {
                    // Their mail, if any is due already.
                    self.send_mail_soon();
                }
                return Ok(done);
            }
            // Writes waiting for the same connection go first.
            tokio::task::yield_now().await;
        }
    }
}
