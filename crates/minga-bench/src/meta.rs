//! What a generated data folder holds (`bench.json` beside `minga.db`),
//! and putting the folder back as generated after a run wrote to it.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use rusqlite::Connection;
use std::path::Path;

/// Bump when generated data changes shape, so cached folders are rebuilt.
pub const GENERATOR_VERSION: u32 = 5;
pub const META_FILE: &str = "bench.json";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TopicRef {
    pub id: i64,
    pub slug: String,
    pub posts: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LongTopic {
    pub replies: u64,
    pub id: i64,
    pub slug: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CategoryCount {
    pub id: i64,
    pub topics: i64,
    pub posts: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Meta {
    pub version: u32,
    pub seed: u64,
    pub posts: u64,
    pub users: u64,
    pub topics: u64,
    pub max_post_id: i64,
    pub max_topic_id: i64,
    /// An ordinary member (id, username): the logged-in reader.
    pub member: (i64, String),
    /// A moderator, whose API key makes the benchmark's replies: staff are
    /// exempt from per-person posting limits, as an integration's key is.
    pub writer: (i64, String),
    /// Topics with at least a full first page, for the topic-page routes.
    pub sample_topics: Vec<TopicRef>,
    /// Topics that benchmark replies go to (not sampled, not long).
    pub write_topics: Vec<i64>,
    pub long_topics: Vec<LongTopic>,
    pub categories: Vec<CategoryCount>,
    pub generate_ms: u64,
}

impl Meta {
    /// The metadata of a complete data folder; `None` when generation
    /// never finished there or was for another generator version.
    pub fn load(dir: &Path) -> Option<Meta> {
        let text = std::fs::read_to_string(dir.join(META_FILE)).ok()?;
        let meta: Meta = serde_json::from_str(&text).ok()?;
        (meta.version == GENERATOR_VERSION && dir.join("minga.db").exists()).then_some(meta)
    }

    pub fn save(&self, dir: &Path) -> Result<()> {
        std::fs::write(dir.join(META_FILE), serde_json::to_vec_pretty(self)?).context("writing bench.json")
    }
}

/// Every generated topic, in id order, with its highest post number as
/// `posts` (what its page count follows), for the routes that read them all.
pub fn topics(dir: &Path, meta: &Meta) -> Result<Vec<TopicRef>> {
    let conn = open(dir)?;
    let mut stmt = conn.prepare(
        "SELECT id, slug, highest_post_number FROM topics WHERE id <= ? AND deleted_at IS NULL ORDER BY id",
    )?;
    let rows = stmt.query_map([meta.max_topic_id], |r| Ok(TopicRef { id: r.get(0)?, slug: r.get(1)?, posts: r.get(2)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn open(dir: &Path) -> Result<Connection> {
    let conn = Connection::open(dir.join("minga.db")).with_context(|| format!("opening {}", dir.join("minga.db").display()))?;
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    Ok(conn)
}

/// Undoes what a run wrote: its replies, sessions and keys. Topic and
/// category counters return to their generated values, so every run reads
/// the same forum. (Topic view counts do drift; they only change a number
/// on the page.)
pub fn reset(dir: &Path, meta: &Meta) -> Result<()> {
    let conn = open(dir)?;
    let removed = conn.execute("DELETE FROM posts WHERE id > ?", [meta.max_post_id])?;
    conn.execute_batch(
        "DELETE FROM post_revisions; DELETE FROM sessions; DELETE FROM api_keys; DELETE FROM login_failures; \
         DELETE FROM changes; DELETE FROM secrets;",
    )?;
    conn.execute("DELETE FROM topics WHERE id > ?", [meta.max_topic_id])?;
    conn.execute("DELETE FROM users WHERE id > ?", [meta.users as i64])?;
    if removed > 0 {
        let ids: Vec<String> = meta.write_topics.iter().chain(meta.sample_topics.iter().map(|t| &t.id)).map(i64::to_string).collect();
        let sql = format!(
            "UPDATE topics SET \
               highest_post_number = (SELECT MAX(post_number) FROM posts p WHERE p.topic_id = topics.id), \
               posts_count = (SELECT COUNT(*) FROM posts p WHERE p.topic_id = topics.id AND p.deleted_at IS NULL), \
               bumped_at = (SELECT MAX(created_at) FROM posts p WHERE p.topic_id = topics.id), \
               last_posted_at = (SELECT MAX(created_at) FROM posts p WHERE p.topic_id = topics.id), \
               last_post_user_id = (SELECT user_id FROM posts p WHERE p.topic_id = topics.id ORDER BY post_number DESC LIMIT 1) \
             WHERE id IN ({})",
            ids.join(",")
        );
        conn.execute_batch(&sql)?;
    }
    for c in &meta.categories {
        conn.execute("UPDATE categories SET topic_count = ?, post_count = ? WHERE id = ?", (c.topics, c.posts, c.id))?;
    }
    // Leave no write-ahead log for the next start-up to replay.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}
