//! Posting limits, judged inside the write that posts: the person's row is
//! locked first on PostgreSQL (SQLite has one writer anyway), so two posts
//! at once from one person, on two nodes, take turns and count each other.
//! Staff have no limits, and their posts do not take turns.

use crate::db::Tx;
use crate::{Backend, Result, StoreError};
use minga_core::UserId;
use minga_core::posting::{self, DAY_MS, History, Poster};

pub(crate) use minga_core::posting::Action;

/// Whether posting limits apply (tests that post in bulk turn them off).
#[derive(Clone, Copy, Debug, Default)]
pub struct PostingRules;

/// Refuses with `RateLimited` when `user` may not `act` at `now`.
pub(crate) fn check(tx: &mut Tx<'_>, user: UserId, act: Action, _rules: &PostingRules, now: i64) -> Result<()> {
    let (admin, moderator, trust_level, created_at): (bool, bool, i64, i64) = tx
        .opt("SELECT admin, moderator, trust_level, created_at FROM users WHERE id = $1", &[&user.0])?
        .ok_or(StoreError::Missing(crate::Thing::User))?;
    let who = Poster { staff: admin || moderator, trust_level, created_at };
    // Staff have no limits, so their posts need not take turns.
    if who.staff {
        return Ok(());
    }
    if tx.backend() == Backend::Postgres {
        tx.opt::<i64>("SELECT id FROM users WHERE id = $1 FOR UPDATE", &[&user.0])?;
    }
    let since = now - DAY_MS;
    let sql = match act {
        Action::Topic => {
            "SELECT (SELECT MAX(created_at) FROM topics WHERE user_id = $1), COUNT(*), MIN(created_at) \
             FROM topics WHERE user_id = $1 AND created_at > $2"
        }
        Action::Post => {
            "SELECT (SELECT MAX(created_at) FROM posts WHERE user_id = $1 AND post_number > 1), COUNT(*), MIN(created_at) \
             FROM posts WHERE user_id = $1 AND post_number > 1 AND created_at > $2"
        }
    };
    let (last_at, in_last_day, oldest_in_last_day): (Option<i64>, i64, Option<i64>) = tx.one(sql, &[&user.0, &since])?;
    let history = History { last_at, in_last_day, oldest_in_last_day };
    posting::check(&who, act, &history, now).map_err(StoreError::RateLimited)
}
