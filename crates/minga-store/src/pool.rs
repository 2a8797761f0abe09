//! The bridge between async callers and the threads that own the
//! connections: a caller queues a closure and awaits its answer. Queues
//! are bounded, so an overloaded store says `Busy` at once instead of
//! piling up work.

use crate::db::{Db, Tx};
use crate::feed::Feed;
use crate::{Change, Result, StoreError};
use crossbeam_channel::{Receiver, Sender, TrySendError};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use tokio::sync::oneshot;

/// Jobs waiting for a connection, at most.
pub(crate) const QUEUE: usize = 8192;

/// A read: runs on some connection and sends its own answer.
pub(crate) type Job = Box<dyn FnOnce(&mut dyn Db) + Send>;

/// A write: runs inside a transaction and says whether it succeeded;
/// its answer is delivered once the transaction's fate is known.
pub(crate) type WriteJob = Box<dyn FnOnce(&mut Tx<'_>) -> Outcome + Send>;

pub(crate) struct Outcome {
    ok: bool,
    deliver: Box<dyn FnOnce(Result<()>) + Send>,
}

fn queue<J>(jobs: &Sender<J>, job: J) -> Result<()> {
    jobs.try_send(job).map_err(|e| match e {
        TrySendError::Full(_) => StoreError::Busy,
        TrySendError::Disconnected(_) => StoreError::Closed,
    })
}

pub(crate) async fn read<T: Send + 'static>(
    jobs: &Sender<Job>,
    f: impl FnOnce(&mut dyn Db) -> Result<T> + Send + 'static,
) -> Result<T> {
    let (tx, rx) = oneshot::channel();
    queue(
        jobs,
        Box::new(move |db: &mut dyn Db| {
            let _ = tx.send(f(db));
        }),
    )?;
    rx.await.unwrap_or(Err(StoreError::Database("the read stopped before it answered".into())))
}

pub(crate) async fn write<T: Send + 'static>(
    jobs: &Sender<WriteJob>,
    f: impl FnOnce(&mut Tx<'_>) -> Result<T> + Send + 'static,
) -> Result<T> {
    let (job, answer) = write_job(f);
    queue(jobs, job)?;
    answer.await.unwrap_or(Err(StoreError::Database("the write stopped before it answered".into())))
}

/// A write as a job, and where its answer will arrive.
pub(crate) fn write_job<T: Send + 'static>(
    f: impl FnOnce(&mut Tx<'_>) -> Result<T> + Send + 'static,
) -> (WriteJob, oneshot::Receiver<Result<T>>) {
    let (tx, rx) = oneshot::channel();
    let job: WriteJob = Box::new(move |t: &mut Tx<'_>| {
        let result = f(t);
        Outcome {
            ok: result.is_ok(),
            deliver: Box::new(move |committed: Result<()>| {
                let _ = tx.send(committed.and(result));
            }),
        }
    });
    (job, rx)
}

/// A connection thread's two queues: urgent jobs are taken first.
pub(crate) struct Queues {
    pub urgent: Receiver<Job>,
    pub normal: Receiver<Job>,
}

impl Queues {
    /// The next job, urgent ones first; `None` once both queues closed.
    pub fn next(&self) -> Option<Job> {
        if let Ok(job) = self.urgent.try_recv() {
            return Some(job);
        }
        crossbeam_channel::select! {
            recv(self.urgent) -> job => job.ok().or_else(|| self.normal.recv().ok()),
            recv(self.normal) -> job => job.ok().or_else(|| self.urgent.recv().ok()),
        }
    }
}

/// Runs one read, surviving a panic in it (the caller hears of an error).
pub(crate) fn run_read(db: &mut dyn Db, job: Job) {
    if catch_unwind(AssertUnwindSafe(|| job(db))).is_err() {
        tracing::error!("a read panicked");
    }
}

/// Runs writes in one transaction, each in a savepoint of its own; records
/// what they changed in the change feed's table in the same transaction;
/// commits; tells this node's listeners; then answers every caller.
pub(crate) fn run_write_batch(db: &mut dyn Db, begin: &str, batch: Vec<WriteJob>, feed: &Arc<Feed>) {
    let mut deliveries: Vec<Box<dyn FnOnce(Result<()>) + Send>> = Vec::with_capacity(batch.len());
    if let Err(e) = db.batch(begin) {
        tracing::error!(error = %e, "could not begin a write");
        // Dropping the jobs unanswered tells each caller it failed.
        return;
    }
    let mut changes: Vec<Change> = Vec::new();
    let single = batch.len() == 1;
    for job in batch {
        // A lone write needs no savepoint: the transaction is its own.
        if !single && db.batch("SAVEPOINT job").is_err() {
            continue;
        }
        let mut mine = Vec::new();
        let outcome = catch_unwind(AssertUnwindSafe(|| job(&mut Tx { db: &mut *db, changes: &mut mine })));
        let ok = matches!(&outcome, Ok(o) if o.ok);
        if single {
            if !ok {
                let _ = db.batch("ROLLBACK");
                if let Ok(o) = outcome {
                    (o.deliver)(Ok(()));
                }
                return;
            }
        } else if ok {
            let _ = db.batch("RELEASE job");
        } else {
            let _ = db.batch("ROLLBACK TO job; RELEASE job");
        }
        if ok {
            for c in mine {
                if !changes.contains(&c) {
                    changes.push(c);
                }
            }
        }
        match outcome {
            Ok(o) => deliveries.push(o.deliver),
            Err(_) => tracing::error!("a write panicked"),
        }
    }
    let recorded = if changes.is_empty() { Ok(None) } else { feed.record(db, &changes).map(Some) };
    let committed = recorded.and_then(|seq| db.batch("COMMIT").map(|()| seq));
    let result = match committed {
        Ok(seq) => {
            if let Some(seq) = seq {
                feed.local(seq, &changes);
            }
            Ok(())
        }
        Err(e) => {
            tracing::error!(error = %e, "a commit failed");
            let _ = db.batch("ROLLBACK");
            Err(e)
        }
    };
    for deliver in deliveries {
        deliver(result.clone());
    }
}
