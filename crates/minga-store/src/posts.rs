//! Posts: replies, edits with kept revisions, soft deletion, and reading a
//! topic's stream.

use sqlx::AssertSqlSafe;
use crate::rows::{self, POST_COLUMNS, placeholders};
use crate::{Post, PostInTopic, Result, Revision, Store, StoreError};
use minga_core::{CategoryId, PostId, TopicId, UserId};
use sqlx::Row;

#[derive(Clone, Debug)]
pub struct NewReply {
    pub topic_id: TopicId,
    pub user_id: UserId,
    pub raw: String,
    pub cooked: String,
    pub reply_to_post_number: Option<i64>,
    pub created_at: i64,
}

impl Store {
    /// Adds a reply. The post number comes from incrementing the topic's
    /// counter inside the same transaction: the row lock (PostgreSQL) or
    /// the writer lock (SQLite) makes concurrent replies take 2, 3, 4… with
    /// no gap and no duplicate.
    pub async fn create_reply(&self, new: &NewReply) -> Result<Post> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "UPDATE topics SET highest_post_number = highest_post_number + 1, posts_count = posts_count + 1, \
             bumped_at = $2, last_posted_at = $2, last_post_user_id = $3 \
             WHERE id = $1 AND deleted_at IS NULL RETURNING highest_post_number, category_id",
        )
        .bind(new.topic_id.0)
        .bind(new.created_at)
        .bind(new.user_id.0)
        .fetch_optional(&mut *w.tx)
        .await?
        .ok_or(StoreError::Missing("topic"))?;
        let number: i64 = row.try_get("highest_post_number")?;
        let category: i64 = row.try_get("category_id")?;
        if let Some(to) = new.reply_to_post_number {
            let exists = sqlx::query(
                "SELECT 1 FROM posts WHERE topic_id = $1 AND post_number = $2 AND deleted_at IS NULL",
            )
            .bind(new.topic_id.0)
            .bind(to)
            .fetch_optional(&mut *w.tx)
            .await?;
            if exists.is_none() {
                return Err(StoreError::Missing("reply_to_post_number"));
            }
        }
        let sql = format!(
            "INSERT INTO posts (topic_id, post_number, user_id, raw, cooked, reply_to_post_number, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {POST_COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(new.topic_id.0)
            .bind(number)
            .bind(new.user_id.0)
            .bind(&new.raw)
            .bind(&new.cooked)
            .bind(new.reply_to_post_number)
            .bind(new.created_at)
            .fetch_one(&mut *w.tx)
            .await?;
        let post = rows::post(&row)?;
        sqlx::query("UPDATE categories SET post_count = post_count + 1 WHERE id = $1")
            .bind(category)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        Ok(post)
    }

    /// A post that is not deleted and whose topic is not deleted.
    pub async fn post(&self, id: PostId) -> Result<Option<Post>> {
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM posts p WHERE id = $1 AND deleted_at IS NULL \
             AND EXISTS (SELECT 1 FROM topics t WHERE t.id = p.topic_id AND t.deleted_at IS NULL)"
        );
        let row = sqlx::query(AssertSqlSafe(sql)).bind(id.0).fetch_optional(self.pool()).await?;
        Ok(row.as_ref().map(rows::post).transpose()?)
    }

    /// Posts numbered `from..=to` in a topic, deleted ones included so that
    /// a page can show where they were.
    pub async fn posts_by_number(&self, topic: TopicId, from: i64, to: i64) -> Result<Vec<Post>> {
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE topic_id = $1 AND post_number >= $2 AND post_number <= $3 \
             ORDER BY post_number"
        );
        let found = sqlx::query(AssertSqlSafe(sql)).bind(topic.0).bind(from).bind(to).fetch_all(self.pool()).await?;
        Ok(found.iter().map(rows::post).collect::<sqlx::Result<_>>()?)
    }

    /// The first `limit` live posts of a topic.
    pub async fn first_posts(&self, topic: TopicId, limit: i64) -> Result<Vec<Post>> {
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE topic_id = $1 AND deleted_at IS NULL ORDER BY post_number LIMIT $2"
        );
        let found = sqlx::query(AssertSqlSafe(sql)).bind(topic.0).bind(limit).fetch_all(self.pool()).await?;
        Ok(found.iter().map(rows::post).collect::<sqlx::Result<_>>()?)
    }

    /// Ids of every live post of a topic, in order: Discourse's `stream`.
    pub async fn post_stream(&self, topic: TopicId) -> Result<Vec<PostId>> {
        let found = sqlx::query("SELECT id FROM posts WHERE topic_id = $1 AND deleted_at IS NULL ORDER BY post_number")
            .bind(topic.0)
            .fetch_all(self.pool())
            .await?;
        found.iter().map(|r| Ok(PostId(r.try_get("id")?))).collect()
    }

    /// Live posts named by (topic, post number) pairs, in no order.
    pub async fn posts_by_numbers(&self, wanted: &[(TopicId, i64)]) -> Result<Vec<Post>> {
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let wanted = &wanted[..wanted.len().min(100)];
        let conditions: Vec<String> =
            (0..wanted.len()).map(|i| format!("(topic_id = ${} AND post_number = ${})", 2 * i + 1, 2 * i + 2)).collect();
        let sql = format!("SELECT {POST_COLUMNS} FROM posts WHERE deleted_at IS NULL AND ({})", conditions.join(" OR "));
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (topic, number) in wanted {
            q = q.bind(topic.0).bind(*number);
        }
        let found = q.fetch_all(self.pool()).await?;
        Ok(found.iter().map(rows::post).collect::<sqlx::Result<_>>()?)
    }

    /// Live posts of one topic among `ids`, in topic order.
    pub async fn posts_in_topic(&self, topic: TopicId, ids: &[PostId]) -> Result<Vec<Post>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = &ids[..ids.len().min(1000)];
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE topic_id = $1 AND deleted_at IS NULL AND id IN ({}) ORDER BY post_number",
            placeholders(2, ids.len())
        );
        let mut q = sqlx::query(AssertSqlSafe(sql)).bind(topic.0);
        for id in ids {
            q = q.bind(id.0);
        }
        let found = q.fetch_all(self.pool()).await?;
        Ok(found.iter().map(rows::post).collect::<sqlx::Result<_>>()?)
    }

    /// Replaces a post's text, keeping the previous text as a revision.
    pub async fn edit_post(&self, id: PostId, editor: UserId, raw: &str, cooked: &str, excerpt: Option<&str>) -> Result<Post> {
        let mut w = self.begin_write().await?;
        let now = minga_core::time::now_ms();
        let kept = sqlx::query(
            "INSERT INTO post_revisions (post_id, version, raw, user_id, created_at) \
             SELECT id, version, raw, user_id, updated_at FROM posts WHERE id = $1 AND deleted_at IS NULL",
        )
        .bind(id.0)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        if kept == 0 {
            return Err(StoreError::NotFound);
        }
        let sql = format!(
            "UPDATE posts SET raw = $1, cooked = $2, version = version + 1, updated_at = $3 WHERE id = $4 \
             RETURNING {POST_COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql)).bind(raw).bind(cooked).bind(now).bind(id.0).fetch_one(&mut *w.tx).await?;
        let post = rows::post(&row)?;
        if let (1, Some(excerpt)) = (post.post_number, excerpt) {
            sqlx::query("UPDATE topics SET excerpt = $1 WHERE id = $2")
                .bind(excerpt)
                .bind(post.topic_id.0)
                .execute(&mut *w.tx)
                .await?;
        }
        let _ = editor;
        w.commit().await?;
        Ok(post)
    }

    /// Up to `limit` posts with ids above `after`, in id order, deleted ones
    /// included: the walk `rebake` takes over every post.
    pub async fn posts_after(&self, after: PostId, limit: i64) -> Result<Vec<Post>> {
        let sql = format!("SELECT {POST_COLUMNS} FROM posts WHERE id > $1 ORDER BY id LIMIT $2");
        let found = sqlx::query(AssertSqlSafe(sql)).bind(after.0).bind(limit).fetch_all(self.pool()).await?;
        Ok(found.iter().map(rows::post).collect::<sqlx::Result<_>>()?)
    }

    /// Stores a post cooked again from the same text (and, for a first
    /// post, its topic's excerpt). No revision and no new edit time: the
    /// author's words have not changed, only how they are shown.
    pub async fn set_cooked(&self, id: PostId, cooked: &str, excerpt: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query("UPDATE posts SET cooked = $1 WHERE id = $2 RETURNING topic_id, post_number")
            .bind(cooked)
            .bind(id.0)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let (topic_id, post_number): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        if post_number == 1 {
            sqlx::query("UPDATE topics SET excerpt = $1 WHERE id = $2").bind(excerpt).bind(topic_id).execute(&mut *w.tx).await?;
        }
        w.commit().await?;
        Ok(())
    }

    /// Earlier versions of a post, oldest first.
    pub async fn revisions(&self, id: PostId) -> Result<Vec<Revision>> {
        let found = sqlx::query(
            "SELECT version, raw, user_id, created_at FROM post_revisions WHERE post_id = $1 ORDER BY version",
        )
        .bind(id.0)
        .fetch_all(self.pool())
        .await?;
        found
            .iter()
            .map(|r| {
                Ok(Revision {
                    version: r.try_get("version")?,
                    raw: r.try_get("raw")?,
                    user_id: UserId(r.try_get("user_id")?),
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Soft-deletes a post; deleting the first post deletes its topic, as
    /// on Discourse. Counters follow.
    pub async fn delete_post(&self, id: PostId) -> Result<Post> {
        let mut w = self.begin_write().await?;
        let now = minga_core::time::now_ms();
        let sql = format!("UPDATE posts SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL RETURNING {POST_COLUMNS}");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(now).bind(id.0).fetch_optional(&mut *w.tx).await?.ok_or(StoreError::NotFound)?;
        let post = rows::post(&row)?;
        if post.post_number == 1 {
            let row = sqlx::query(
                "UPDATE topics SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL RETURNING category_id, posts_count",
            )
            .bind(now)
            .bind(post.topic_id.0)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
            let category: i64 = row.try_get("category_id")?;
            let posts: i64 = row.try_get("posts_count")?;
            sqlx::query("UPDATE categories SET topic_count = topic_count - 1, post_count = post_count - $1 WHERE id = $2")
                .bind(posts)
                .bind(category)
                .execute(&mut *w.tx)
                .await?;
        } else {
            let row = sqlx::query(
                "UPDATE topics SET posts_count = posts_count - 1 WHERE id = $1 AND deleted_at IS NULL RETURNING category_id",
            )
            .bind(post.topic_id.0)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
            let category: i64 = row.try_get("category_id")?;
            sqlx::query("UPDATE categories SET post_count = post_count - 1 WHERE id = $1")
                .bind(category)
                .execute(&mut *w.tx)
                .await?;
        }
        w.commit().await?;
        Ok(post)
    }

    /// The latest live, unhidden posts by members of a group, in the
    /// categories given (`None`: all).
    pub async fn posts_by_group(&self, group_id: i64, visible: Option<&[CategoryId]>, limit: i64) -> Result<Vec<PostInTopic>> {
        self.recent_posts("JOIN group_users gu ON gu.user_id = p.user_id AND gu.group_id = $1", "1 = 1", group_id, visible, limit).await
    }

    /// A person's latest live, unhidden posts in the categories the reader
    /// may see (`None`: all), with their topics' titles.
    pub async fn posts_by_user(&self, user: UserId, visible: Option<&[CategoryId]>, limit: i64) -> Result<Vec<PostInTopic>> {
        self.recent_posts("", "p.user_id = $1", user.0, visible, limit).await
    }

    /// Recent posts with their topics' titles; `join` and `condition` use
    /// `$1` for `key`.
    async fn recent_posts(&self, join: &str, condition: &str, key: i64, visible: Option<&[CategoryId]>, limit: i64) -> Result<Vec<PostInTopic>> {
        let columns = POST_COLUMNS.split(", ").map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", ");
        let scope = match visible {
            None => String::new(),
            Some([]) => return Ok(Vec::new()),
            Some(ids) => format!(" AND t.category_id IN ({})", placeholders(3, ids.len())),
        };
        let sql = format!(
            "SELECT {columns}, t.title AS topic_title, t.slug AS topic_slug FROM posts p JOIN topics t ON t.id = p.topic_id {join} \
             WHERE {condition} AND $1 = $1 AND p.deleted_at IS NULL AND p.hidden = 0 AND t.deleted_at IS NULL{scope} \
             ORDER BY p.created_at DESC, p.id DESC LIMIT $2"
        );
        let mut q = sqlx::query(AssertSqlSafe(sql)).bind(key).bind(limit);
        for c in visible.unwrap_or_default() {
            q = q.bind(c.0);
        }
        let found = q.fetch_all(self.pool()).await?;
        found
            .iter()
            .map(|r| Ok(PostInTopic { post: rows::post(r)?, topic_title: r.try_get("topic_title")?, topic_slug: r.try_get("topic_slug")? }))
            .collect()
    }
}
