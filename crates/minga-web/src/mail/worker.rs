//! Sending the outbox: one worker per node takes what is due, a batch at
//! a time, hands it to the relay over a few kept connections, and records
//! each message's outcome. It is woken when mail is queued on its node
//! and looks every few seconds for mail queued elsewhere or due later.
//!
//! A message is claimed before it is sent and marked sent after the relay
//! accepted it. A node that stops in between leaves the claim; the message
//! is taken again when the claim's lease runs out (on SQLite, which one
//! process serves, when that process starts again). The relay's refusal
//! of a message is final; a relay that cannot be reached, or asks to try
//! later, is tried again with growing waits.

use crate::AppState;
use crate::error::{AppError, AppResult};
use lettre::Transport;
use lettre::address::Envelope;
use minga_store::{Backend, Mail, Outcome};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// Messages claimed at once.
const BATCH: i64 = 200;

/// Connections to the relay used at once. Each message costs its round
/// trips (and, with relays that delay their acknowledgements, a wait for
/// the small write that ends it), so several connections keep the relay
/// busy.
const SENDERS: usize = 8;

/// How long a claim holds. A batch stops sending well before it runs out
/// (`SEND_WITHIN`), and each command to the relay times out sooner still.
const LEASE: Duration = Duration::from_secs(300);
const SEND_WITHIN: Duration = Duration::from_secs(60);
const COMMAND_TIMEOUT: Duration = Duration::from_secs(20);

/// How often the outbox is looked at without being woken.
const SWEEP: Duration = Duration::from_secs(5);

/// Waits before each new attempt; after the last, the message has failed.
const BACKOFF_SECS: &[i64] = &[30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600];

/// Sent messages are kept this long, for the admin page.
const KEEP_SENT: Duration = Duration::from_secs(30 * 24 * 3600);
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// How often summaries that came due are looked for.
const DIGESTS_EVERY: Duration = Duration::from_secs(900);

pub struct Worker {
    wake: Notify,
    started: OnceLock<()>,
    relay: OnceLock<Option<Arc<lettre::SmtpTransport>>>,
    /// When this node began: claims older than this were left by a
    /// process that stopped.
    born: i64,
}

impl Default for Worker {
    fn default() -> Self {
        Worker { wake: Notify::new(), started: OnceLock::new(), relay: OnceLock::new(), born: minga_core::time::now_ms() }
    }
}

/// When a message that failed for the `attempts`th time is tried again,
/// or `None` when it has had its last try.
pub fn retry_at(attempts: i64, now: i64) -> Option<i64> {
    let i = usize::try_from(attempts.max(1) - 1).unwrap_or(usize::MAX);
    BACKOFF_SECS.get(i).map(|s| now + s * 1000)
}

impl AppState {
    /// Says that mail was queued: the worker sends what is due.
    pub fn send_mail_soon(&self) {
        self.mailer.started.get_or_init(|| {
            let state = self.clone();
            tokio::spawn(async move { state.send_mail_forever().await });
        });
        self.mailer.wake.notify_one();
    }

    /// Whether a relay is configured.
    pub fn has_relay(&self) -> bool {
        !self.settings.mail.smtp_url.is_empty()
    }

    fn relay(&self) -> AppResult<Option<Arc<lettre::SmtpTransport>>> {
        if let Some(r) = self.mailer.relay.get() {
            return Ok(r.clone());
        }
        let relay = match self.settings.mail.smtp_url.as_str() {
            "" => None,
            url => {
                let url = super::relay_url(url).map_err(AppError::Internal)?;
                let transport = lettre::SmtpTransport::from_url(&url)
                    .map_err(|e| AppError::Internal(format!("smtp_url: {e}")))?
                    .timeout(Some(COMMAND_TIMEOUT))
                    .hello_name(lettre::transport::smtp::extension::ClientId::Domain(super::host(&self.settings)))
                    .build();
                Some(Arc::new(transport))
            }
        };
        Ok(self.mailer.relay.get_or_init(|| relay).clone())
    }

    async fn send_mail_forever(self) {
        if self.store.backend() == Backend::Sqlite {
            // One process serves a SQLite forum: a claim made before this
            // one began is one its predecessor never finished.
            if let Err(e) = self.store.release_mail_claims(self.mailer.born).await {
                tracing::warn!(error = %e, "could not take back unfinished mail");
            }
        }
        let mut pruned = Instant::now() - PRUNE_EVERY;
        let mut digested = Instant::now() - DIGESTS_EVERY;
        loop {
            if digested.elapsed() >= DIGESTS_EVERY {
                digested = Instant::now();
                if let Err(e) = self.queue_digests(minga_core::time::now_ms()).await {
                    tracing::warn!(error = ?e, "could not make summaries");
                }
            }
            if pruned.elapsed() >= PRUNE_EVERY {
                pruned = Instant::now();
                let before = minga_core::time::now_ms() - KEEP_SENT.as_millis() as i64;
                if let Err(e) = self.store.prune_outbox(before).await {
                    tracing::warn!(error = %e, "could not forget old mail");
                }
            }
            if let Err(e) = self.send_due_mail().await {
                tracing::warn!(error = %e, "could not send mail");
            }
            let _ = tokio::time::timeout(SWEEP, self.mailer.wake.notified()).await;
        }
    }

    /// Sends everything that is due now; returns how many were sent.
    /// With no relay configured, nothing is taken: mail waits.
    pub async fn send_due_mail(&self) -> AppResult<usize> {
        let Some(relay) = self.relay()? else { return Ok(0) };
        let from: lettre::Address = super::from_address(&self.settings)
            .parse()
            .map_err(|e| AppError::Internal(format!("mail_from: {e}")))?;
        let mut sent = 0;
        loop {
            let batch = self.store.claim_mail(BATCH, LEASE.as_millis() as i64).await?;
            if batch.is_empty() {
                return Ok(sent);
            }
            let mut ready = Vec::with_capacity(batch.len());
            let mut outcomes = Vec::new();
            for mail in batch {
                match self.written(&mail).await {
                    Ok(Some(raw)) => ready.push((mail, raw)),
                    Ok(None) => outcomes.push((mail.id, Outcome::Skipped("no longer needed".into()))),
                    Err(e) => outcomes.push((mail.id, Outcome::Failed(e))),
                }
            }
            let per = ready.len().div_ceil(SENDERS).max(1);
            let mut senders = Vec::new();
            let mut ready = ready.into_iter().peekable();
            while ready.peek().is_some() {
                let chunk: Vec<(Mail, String)> = ready.by_ref().take(per).collect();
                let (relay, from) = (relay.clone(), from.clone());
                senders.push(tokio::task::spawn_blocking(move || send_batch(&relay, &from, chunk)));
            }
            let mut results = Vec::new();
            for s in senders {
                results.extend(s.await.map_err(|e| AppError::Internal(format!("mail sender: {e}")))?);
            }
            sent += results.iter().filter(|(_, o)| matches!(o, Outcome::Sent)).count();
            let stalled = results.iter().any(|(_, o)| matches!(o, Outcome::Retry { .. }));
            outcomes.extend(results);
            self.store.finish_mail(outcomes).await?;
            if stalled {
                // The relay is away or slow: the next sweep tries again.
                return Ok(sent);
            }
        }
    }

    /// The message to send: as queued, or written now for what its reader
    /// may see (`None`: nothing to send any more).
    async fn written(&self, mail: &Mail) -> Result<Option<String>, String> {
        match &mail.raw {
            Some(raw) => Ok(Some(raw.clone())),
            None => self.write_notification_mail(mail).await.map_err(|e| e.to_string()),
        }
    }
}

/// Hands messages to the relay one after another over a kept connection.
/// Once the relay cannot be reached, the rest wait for the next attempt.
fn send_batch(relay: &lettre::SmtpTransport, from: &lettre::Address, ready: Vec<(Mail, String)>) -> Vec<(i64, Outcome)> {
    let started = Instant::now();
    let mut out = Vec::with_capacity(ready.len());
    let mut unreachable: Option<String> = None;
    for (mail, raw) in ready {
        let now = minga_core::time::now_ms();
        let later = |error: String| match retry_at(mail.attempts, now) {
            Some(at) => Outcome::Retry { at, error },
            None => Outcome::Failed(error),
        };
        if let Some(error) = &unreachable {
            out.push((mail.id, later(error.clone())));
            continue;
        }
        if started.elapsed() > SEND_WITHIN {
            out.push((mail.id, Outcome::Retry { at: now, error: String::new() }));
            continue;
        }
        let to: lettre::Address = match mail.to.parse() {
            Ok(a) => a,
            Err(e) => {
                out.push((mail.id, Outcome::Failed(format!("{}: {e}", mail.to))));
                continue;
            }
        };
        let envelope = match Envelope::new(Some(from.clone()), vec![to]) {
            Ok(e) => e,
            Err(e) => {
                out.push((mail.id, Outcome::Failed(e.to_string())));
                continue;
            }
        };
        let outcome = match relay.send_raw(&envelope, raw.as_bytes()) {
            Ok(_) => Outcome::Sent,
            Err(e) if e.is_permanent() => Outcome::Failed(e.to_string()),
            Err(e) if e.is_transient() => later(e.to_string()),
            Err(e) => {
                // Not an answer from the relay: it could not be reached.
                unreachable = Some(e.to_string());
                later(e.to_string())
            }
        };
        out.push((mail.id, outcome));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_then_give_up() {
        assert_eq!(retry_at(1, 0), Some(30_000));
        assert_eq!(retry_at(2, 0), Some(120_000));
        assert!(retry_at(BACKOFF_SECS.len() as i64, 0).is_some());
        assert_eq!(retry_at(BACKOFF_SECS.len() as i64 + 1, 0), None);
    }
}
