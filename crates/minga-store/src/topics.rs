//! Topics: creating one with its first post, and the lists that show them.

use sqlx::AssertSqlSafe;
use crate::rows::{self, POST_COLUMNS, TOPIC_COLUMNS};
use crate::{Post, Result, Store, StoreError, Topic, classify};
use minga_core::{CategoryId, TopicId, UserId};

/// A validated new topic; `cooked` and `excerpt` come from the cooker.
#[derive(Clone, Debug)]
pub struct NewTopic {
    pub title: String,
    pub slug: String,
    pub category_id: CategoryId,
    pub user_id: UserId,
    pub raw: String,
    pub cooked: String,
    pub excerpt: String,
    pub created_at: i64,
}

/// Which topics a list shows.
#[derive(Clone, Copy, Debug)]
pub enum TopicFilter {
    All,
    Category(CategoryId),
    CreatedBy(UserId),
}

impl Store {
    /// Creates the topic and its first post in one transaction.
    pub async fn create_topic(&self, new: &NewTopic) -> Result<(Topic, Post)> {
        let mut w = self.begin_write().await?;
        let sql = format!(
            "INSERT INTO topics (title, slug, category_id, user_id, excerpt, created_at, bumped_at, last_posted_at, \
             last_post_user_id, highest_post_number, posts_count) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $6, $4, 1, 1) RETURNING {TOPIC_COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(&new.title)
            .bind(&new.slug)
            .bind(new.category_id.0)
            .bind(new.user_id.0)
            .bind(&new.excerpt)
            .bind(new.created_at)
            .fetch_one(&mut *w.tx)
            .await
            .map_err(|e| match classify(e, &[]) {
                StoreError::Missing(_) => StoreError::Missing("category"),
                other => other,
            })?;
        let topic = rows::topic(&row)?;
        let sql = format!(
            "INSERT INTO posts (topic_id, post_number, user_id, raw, cooked, created_at, updated_at) \
             VALUES ($1, 1, $2, $3, $4, $5, $5) RETURNING {POST_COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(topic.id.0)
            .bind(new.user_id.0)
            .bind(&new.raw)
            .bind(&new.cooked)
            .bind(new.created_at)
            .fetch_one(&mut *w.tx)
            .await?;
        let post = rows::post(&row)?;
        sqlx::query("UPDATE categories SET topic_count = topic_count + 1, post_count = post_count + 1 WHERE id = $1")
            .bind(new.category_id.0)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        Ok((topic, post))
    }

    /// A topic that has not been deleted.
    pub async fn topic(&self, id: TopicId) -> Result<Option<Topic>> {
        let sql = format!("SELECT {TOPIC_COLUMNS} FROM topics WHERE id = $1 AND deleted_at IS NULL");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(id.0).fetch_optional(self.pool()).await?;
        Ok(row.as_ref().map(rows::topic).transpose()?)
    }

    /// Live topics among `ids`, in no particular order.
    pub async fn topics_by_ids(&self, ids: &[TopicId]) -> Result<Vec<Topic>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = &ids[..ids.len().min(200)];
        let sql = format!(
            "SELECT {TOPIC_COLUMNS} FROM topics WHERE deleted_at IS NULL AND id IN ({})",
            crate::rows::placeholders(1, ids.len())
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for id in ids {
            q = q.bind(id.0);
        }
        let found = q.fetch_all(self.pool()).await?;
        Ok(found.iter().map(rows::topic).collect::<sqlx::Result<_>>()?)
    }

    /// Live topics, most recently active first, in the categories the
    /// reader may see (`visible`; `None` means all). Returns up to `limit` rows.
    pub async fn topics(&self, filter: TopicFilter, visible: Option<&[CategoryId]>, offset: i64, limit: i64) -> Result<Vec<Topic>> {
        let (condition, order, value) = match filter {
            TopicFilter::All => ("1 = $3", "bumped_at DESC, id DESC", 1),
            TopicFilter::Category(c) => ("category_id = $3", "bumped_at DESC, id DESC", c.0),
            TopicFilter::CreatedBy(u) => ("user_id = $3", "created_at DESC, id DESC", u.0),
        };
        let scope = match visible {
            None => String::new(),
            Some([]) => return Ok(Vec::new()),
            Some(ids) => format!(" AND category_id IN ({})", crate::rows::placeholders(4, ids.len())),
        };
        let sql = format!(
            "SELECT {TOPIC_COLUMNS} FROM topics WHERE deleted_at IS NULL AND {condition}{scope} ORDER BY {order} LIMIT $1 OFFSET $2"
        );
        let mut q = sqlx::query(AssertSqlSafe(sql)).bind(limit).bind(offset.max(0)).bind(value);
        for c in visible.unwrap_or_default() {
            q = q.bind(c.0);
        }
        let found = q.fetch_all(self.pool()).await?;
        Ok(found.iter().map(rows::topic).collect::<sqlx::Result<_>>()?)
    }

    /// Adds buffered page views.
    pub async fn add_topic_views(&self, views: &[(TopicId, i64)]) -> Result<()> {
        if views.is_empty() {
            return Ok(());
        }
        let mut w = self.begin_write().await?;
        for (topic, n) in views {
            sqlx::query("UPDATE topics SET views = views + $1 WHERE id = $2")
                .bind(*n)
                .bind(topic.0)
                .execute(&mut *w.tx)
                .await?;
        }
        w.commit().await
    }

    pub async fn rename_topic(&self, id: TopicId, title: &str, slug: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        let n = sqlx::query("UPDATE topics SET title = $1, slug = $2 WHERE id = $3 AND deleted_at IS NULL")
            .bind(title)
            .bind(slug)
            .bind(id.0)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        w.commit().await
    }
}
