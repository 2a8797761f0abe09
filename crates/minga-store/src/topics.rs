//! Topics: creating one with its first post, and the lists that show them.

use crate::db::{Param, placeholders};
use crate::limits::{self, PostingRules};
use crate::{Change, Post, Result, Store, StoreError, Topic};
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
        self.create_topic_within(new, None).await
    }

    /// Creates a topic if the posting limits allow the author another one
    /// now; the limits are checked in the same transaction, so they hold
    /// whichever node the requests reach.
    pub async fn create_topic_within(&self, new: &NewTopic, rules: Option<PostingRules>) -> Result<(Topic, Post)> {
        let new = new.clone();
        self.write(move |tx| {
            if let Some(rules) = rules {
                limits::check(tx, new.user_id, limits::Action::Topic, &rules, new.created_at)?;
            }
            let sql = format!(
                "INSERT INTO topics (title, slug, category_id, user_id, excerpt, created_at, bumped_at, last_posted_at, \
                 last_post_user_id, highest_post_number, posts_count) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6, $6, $4, 1, 1) RETURNING {}",
                Topic::COLUMNS
            );
            let topic: Topic = tx
                .one(&sql, &[&new.title, &new.slug, &new.category_id.0, &new.user_id.0, &new.excerpt, &new.created_at])
                .map_err(|e| match crate::db::conflict(&[])(e) {
                    StoreError::Missing(_) => StoreError::Missing(crate::Thing::Category),
                    other => other,
                })?;
            let sql = format!(
                "INSERT INTO posts (topic_id, post_number, user_id, raw, cooked, created_at, updated_at) \
                 VALUES ($1, 1, $2, $3, $4, $5, $5) RETURNING {}",
                Post::COLUMNS
            );
            let post: Post = tx.one(&sql, &[&topic.id.0, &new.user_id.0, &new.raw, &new.cooked, &new.created_at])?;
            tx.exec(
                "UPDATE categories SET topic_count = topic_count + 1, post_count = post_count + 1 WHERE id = $1",
                &[&new.category_id.0],
            )?;
            tx.changed(Change::Topic(topic.id));
            tx.changed(Change::Lists);
            Ok((topic, post))
        })
        .await
    }

    /// A topic that has not been deleted.
    pub async fn topic(&self, id: TopicId) -> Result<Option<Topic>> {
        self.read(&[Change::Topic(id)], move |db| topic(db, id)).await
    }

    /// Live topics among `ids`, in no particular order.
    pub async fn topics_by_ids(&self, ids: &[TopicId]) -> Result<Vec<Topic>> {
        let ids: Vec<TopicId> = ids.iter().take(200).copied().collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let read: Vec<Change> = ids.iter().map(|t| Change::Topic(*t)).collect();
        self.read(&read, move |db| {
            let sql = format!("SELECT {} FROM topics WHERE deleted_at IS NULL AND id IN ({})", Topic::COLUMNS, placeholders(1, ids.len()));
            let raw: Vec<i64> = ids.iter().map(|t| t.0).collect();
            let params: Vec<&dyn Param> = raw.iter().map(|i| i as &dyn Param).collect();
            db.all(&sql, &params)
        })
        .await
    }

    /// Live topics, most recently active first, in the categories the
    /// reader may see (`visible`; `None` means all). Returns up to `limit` rows.
    pub async fn topics(&self, filter: TopicFilter, visible: Option<&[CategoryId]>, offset: i64, limit: i64) -> Result<Vec<Topic>> {
        let visible: Option<Vec<i64>> = visible.map(|v| v.iter().map(|c| c.0).collect());
        if visible.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Vec::new());
        }
        self.read(&[Change::Lists], move |db| {
            let (column, order, value) = match filter {
                TopicFilter::All => (None, "bumped_at DESC, id DESC", 0),
                TopicFilter::Category(c) => (Some("category_id"), "bumped_at DESC, id DESC", c.0),
                TopicFilter::CreatedBy(u) => (Some("user_id"), "created_at DESC, id DESC", u.0),
            };
            let offset = offset.max(0);
            let mut params: Vec<&dyn Param> = vec![&limit, &offset];
            let mut sql = format!("SELECT {} FROM topics WHERE deleted_at IS NULL", Topic::COLUMNS);
            if let Some(column) = column {
                params.push(&value);
                sql += &format!(" AND {column} = ${}", params.len());
            }
            if let Some(ids) = &visible {
                sql += &format!(" AND category_id IN ({})", placeholders(params.len() + 1, ids.len()));
                params.extend(ids.iter().map(|c| c as &dyn Param));
            }
            sql += &format!(" ORDER BY {order} LIMIT $1 OFFSET $2");
            db.all(&sql, &params)
        })
        .await
    }

    /// Adds buffered page views. Counts are approximate, so this is not a
    /// change that caches hear of.
    pub async fn add_topic_views(&self, views: &[(TopicId, i64)]) -> Result<()> {
        if views.is_empty() {
            return Ok(());
        }
        let views = views.to_vec();
        self.write(move |tx| {
            for (topic, n) in &views {
                tx.exec("UPDATE topics SET views = views + $1 WHERE id = $2", &[n, &topic.0])?;
            }
            Ok(())
        })
        .await
    }

    pub async fn rename_topic(&self, id: TopicId, title: &str, slug: &str) -> Result<()> {
        let (title, slug) = (title.to_string(), slug.to_string());
        self.write(move |tx| {
            let n = tx.exec("UPDATE topics SET title = $1, slug = $2 WHERE id = $3 AND deleted_at IS NULL", &[&title, &slug, &id.0])?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            tx.changed(Change::Topic(id));
            tx.changed(Change::Lists);
            Ok(())
        })
        .await
    }
}

pub(crate) fn topic(db: &mut dyn crate::db::Db, id: TopicId) -> Result<Option<Topic>> {
    db.opt(&format!("SELECT {} FROM topics WHERE id = $1 AND deleted_at IS NULL", Topic::COLUMNS), &[&id.0])
}
