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
