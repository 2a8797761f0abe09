//! Reading: which topics a person has entered, how far they read, and the
//! totals that trust levels are earned from.

use crate::{Change, Result, Store};
use minga_core::{TopicId, UserId};

/// One page of a topic seen by a logged-in person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Read {
    pub user: UserId,
    pub topic: TopicId,
    /// The highest post number on the page they saw.
    pub up_to: i64,
    /// Days since the epoch, for counting days visited.
    pub day: i64,
    pub at: i64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadingStats {
    pub topics_entered: i64,
    pub posts_read: i64,
    pub time_read_secs: i64,
    pub days_visited: i64,
    /// Distinct topics replied to (not counting topics they started).
    pub topics_replied_to: i64,
}

/// Reading time is not measured (pages work without scripts), so each
/// post newly read counts this many seconds, a typical reading time.
pub const SECONDS_PER_POST: i64 = 20;

impl Store {
    /// Records reads in one transaction; returns the people whose totals
    /// changed.
    pub async fn record_reads(&self, reads: &[Read]) -> Result<Vec<UserId>> {
        if reads.is_empty() {
            return Ok(Vec::new());
        }
        let reads = reads.to_vec();
        self.write(move |tx| {
            let mut changed = Vec::new();
            for r in &reads {
                tx.exec("INSERT INTO user_stats (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING", &[&r.user.0])?;
                let previous: Option<i64> = tx.opt(
                    "SELECT last_read_post_number FROM topic_users WHERE user_id = $1 AND topic_id = $2",
                    &[&r.user.0, &r.topic.0],
                )?;
                // A row made by starting, replying to or following a topic
                // before reading it does not count as having entered it.
                let entered = i64::from(previous.is_none_or(|p| p == 0));
                let newly_read = (r.up_to - previous.unwrap_or(0)).max(0);
                let topic_exists = tx.exec(
                    "INSERT INTO topic_users (user_id, topic_id, last_read_post_number, first_visited_at) \
                     SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM topics WHERE id = $2) \
                     ON CONFLICT (user_id, topic_id) DO UPDATE SET last_read_post_number = \
                     CASE WHEN topic_users.last_read_post_number < $3 THEN $3 ELSE topic_users.last_read_post_number END",
                    &[&r.user.0, &r.topic.0, &r.up_to, &r.at],
                )?;
                if topic_exists == 0 {
                    continue;
                }
                crate::notifications::read_up_to(tx, r.user, r.topic, r.up_to)?;
                // How far they read is kept in memory with their level.
                tx.changed(Change::User(r.user));
                tx.exec(
                    "UPDATE user_stats SET topics_entered = topics_entered + $2, posts_read = posts_read + $3, \
                     time_read_secs = time_read_secs + $4, \
                     days_visited = days_visited + CASE WHEN last_visit_day < $5 THEN 1 ELSE 0 END, \
                     last_visit_day = CASE WHEN last_visit_day < $5 THEN $5 ELSE last_visit_day END WHERE user_id = $1",
                    &[&r.user.0, &entered, &newly_read, &(newly_read * SECONDS_PER_POST), &r.day],
                )?;
                if !changed.contains(&r.user) {
                    changed.push(r.user);
                }
            }
            Ok(changed)
        })
        .await
    }

    pub async fn reading_stats(&self, user: UserId) -> Result<ReadingStats> {
        let row: Option<(i64, i64, i64, i64, i64)> = self
            .read(&[Change::Everything], move |db| {
                db.opt(
                    "SELECT topics_entered, posts_read, time_read_secs, days_visited, \
                     (SELECT COUNT(DISTINCT p.topic_id) FROM posts p JOIN topics t ON t.id = p.topic_id \
                      WHERE p.user_id = $1 AND p.post_number > 1 AND t.user_id <> $1 AND p.deleted_at IS NULL) \
                     FROM user_stats WHERE user_id = $1",
                    &[&user.0],
                )
            })
            .await?;
        let Some((topics_entered, posts_read, time_read_secs, days_visited, topics_replied_to)) = row else {
            return Ok(ReadingStats::default());
        };
        Ok(ReadingStats { topics_entered, posts_read, time_read_secs, days_visited, topics_replied_to })
    }
}
