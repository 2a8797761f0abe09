//! What a piece of work read, so that whatever it made from the reads
//! (a cached page, a cached view) can be dropped when any of it changes.
//!
//! Every read the store makes names what it read (`Change` values) into
//! the recording of the task it runs for, if that task is recording. A
//! cache runs the work that fills an entry inside `recording`, keeps the
//! names with the entry, and names them again into any outer recording
//! whenever the entry is used.

use crate::Change;
use std::cell::RefCell;

tokio::task_local! {
    static READS: RefCell<Vec<Change>>;
    static URGENT: ();
}

/// Runs `work` with its reads ahead of other reads in the queue: for
/// requests that write, so that a burst of readers does not keep a writer
/// (and the lock it will take) waiting.
pub async fn urgent<F: Future>(work: F) -> F::Output {
    URGENT.scope((), work).await
}

pub(crate) fn is_urgent() -> bool {
    URGENT.try_with(|_| ()).is_ok()
}

/// Names what the current task has read.
pub fn record(read: &[Change]) {
    let _ = READS.try_with(|r| {
        let mut r = r.borrow_mut();
        for c in read {
            if !r.contains(c) {
                r.push(*c);
            }
        }
    });
}

/// Runs `work`, returning its output and everything it read. What it read
/// is also named into the recording around this one, if any.
pub async fn recording<F: Future>(work: F) -> (F::Output, Vec<Change>) {
    let (out, read) = READS
        .scope(RefCell::new(Vec::new()), async move {
            let out = work.await;
            (out, READS.with(|r| r.take()))
        })
        .await;
    record(&read);
    (out, read)
}
