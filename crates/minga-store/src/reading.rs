//! Reading: which topics a person has entered, how far they read, and the
//! totals that trust levels are earned from.

use crate::{Result, Store};
use minga_core::{TopicId, UserId};
use sqlx::Row;

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
        let mut w = self.begin_write().await?;
        let mut changed = Vec::new();
        for r in reads {
            sqlx::query("INSERT INTO user_stats (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING")
                .bind(r.user.0)
                .execute(&mut *w.tx)
                .await?;
            let previous: Option<i64> = sqlx::query("SELECT last_read_post_number FROM topic_users WHERE user_id = $1 AND topic_id = $2")
                .bind(r.user.0)
                .bind(r.topic.0)
                .fetch_optional(&mut *w.tx)
                .await?
                .map(|row| row.try_get("last_read_post_number"))
                .transpose()?;
            let entered = i64::from(previous.is_none());
            let newly_read = (r.up_to - previous.unwrap_or(0)).max(0);
            let topic_exists = sqlx::query(
                "INSERT INTO topic_users (user_id, topic_id, last_read_post_number, first_visited_at) \
                 SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM topics WHERE id = $2) \
                 ON CONFLICT (user_id, topic_id) DO UPDATE SET last_read_post_number = \
                 CASE WHEN topic_users.last_read_post_number < $3 THEN $3 ELSE topic_users.last_read_post_number END",
            )
            .bind(r.user.0)
            .bind(r.topic.0)
            .bind(r.up_to)
            .bind(r.at)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
            if topic_exists == 0 {
                continue;
            }
            sqlx::query(
                "UPDATE user_stats SET topics_entered = topics_entered + $2, posts_read = posts_read + $3, \
                 time_read_secs = time_read_secs + $4, \
                 days_visited = days_visited + CASE WHEN last_visit_day < $5 THEN 1 ELSE 0 END, \
                 last_visit_day = CASE WHEN last_visit_day < $5 THEN $5 ELSE last_visit_day END WHERE user_id = $1",
            )
            .bind(r.user.0)
            .bind(entered)
            .bind(newly_read)
            .bind(newly_read * SECONDS_PER_POST)
            .bind(r.day)
            .execute(&mut *w.tx)
            .await?;
            if !changed.contains(&r.user) {
                changed.push(r.user);
            }
        }
        w.commit().await?;
        Ok(changed)
    }

    pub async fn reading_stats(&self, user: UserId) -> Result<ReadingStats> {
        let row = sqlx::query(
            "SELECT topics_entered, posts_read, time_read_secs, days_visited, \
             (SELECT COUNT(DISTINCT p.topic_id) FROM posts p JOIN topics t ON t.id = p.topic_id \
              WHERE p.user_id = $1 AND p.post_number > 1 AND t.user_id <> $1 AND p.deleted_at IS NULL) AS replied \
             FROM user_stats WHERE user_id = $1",
        )
        .bind(user.0)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(ReadingStats::default()) };
        Ok(ReadingStats {
            topics_entered: r.try_get("topics_entered")?,
            posts_read: r.try_get("posts_read")?,
            time_read_secs: r.try_get("time_read_secs")?,
            days_visited: r.try_get("days_visited")?,
            topics_replied_to: r.try_get("replied")?,
        })
    }
}
