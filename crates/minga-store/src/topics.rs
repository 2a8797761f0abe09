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
    /// Who the post names, for its notifications.
    pub alerts: crate::Alerts,
}

/// Which topics a list shows.
#[derive(Clone, Copy, Debug)]
pub enum TopicFilter {
    All,
    /// A category with its subcategories.
    Category(CategoryId),
    CreatedBy(UserId),
    /// Topics started since this time, the most replied to first, then
    /// the most viewed: the top list for a period.
    Top {
        since: i64,
    },
    /// Topics a person has not opened, started in the last two days and
    /// since they last dismissed new ones, outside what they muted.
    New(UserId),
    /// Topics a person tracks or watches with posts they have not read.
    Unread(UserId),
}

impl TopicFilter {
    /// Whether the list is one person's own.
    pub fn personal(&self) -> bool {
        matches!(self, TopicFilter::New(_) | TopicFilter::Unread(_))
    }
}

/// How long a topic stays new (Discourse's default: two days).
pub const NEW_FOR_MS: i64 = 2 * 24 * 3_600_000;

const NEW: &str = "created_at > (SELECT CASE WHEN u.new_since > $3 - 172800000 THEN u.new_since ELSE $3 - 172800000 END FROM users u WHERE u.id = $4) \
     AND NOT EXISTS (SELECT 1 FROM topic_users tu WHERE tu.topic_id = topics.id AND tu.user_id = $4 AND (tu.last_read_post_number > 0 OR tu.notification_level = 0)) \
     AND NOT EXISTS (SELECT 1 FROM category_users cu WHERE cu.user_id = $4 AND cu.category_id = topics.category_id AND cu.notification_level = 0)";

const UNREAD: &str = "id IN (SELECT tu.topic_id FROM topic_users tu WHERE tu.user_id = $4 AND tu.last_read_post_number > 0 \
     AND tu.last_read_post_number < topics.highest_post_number \
     AND COALESCE(tu.notification_level, (SELECT cu.notification_level FROM category_users cu WHERE cu.user_id = $4 AND cu.category_id = topics.category_id), 1) IN (2, 3))";

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
            // Starting a topic watches it.
            tx.exec(
                "INSERT INTO topic_users (user_id, topic_id, last_read_post_number, first_visited_at, notification_level) \
                 VALUES ($1, $2, 1, $3, 3) ON CONFLICT (user_id, topic_id) DO NOTHING",
                &[&new.user_id.0, &topic.id.0, &new.created_at],
            )?;
            crate::notifications::enqueue(tx, post.id, "new", new.user_id, &new.alerts, new.created_at)?;
            tx.changed(Change::NewTopic(topic.id, topic.category_id));
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
        let now = minga_core::time::now_ms();
        self.read(&[Change::Lists], move |db| {
            // Pinned topics come first in their category, globally pinned
            // ones in `/latest` too; a pin with an end lapses by itself.
            let pinned = "pinned_at IS NOT NULL AND (pinned_until IS NULL OR pinned_until > $3)";
            let (condition, order, value) = match filter {
                TopicFilter::All => (None, format!("CASE WHEN pinned_globally AND {pinned} THEN 0 ELSE 1 END, bumped_at DESC, id DESC"), 0),
                TopicFilter::Category(c) => (Some("(category_id = $4 OR category_id IN (SELECT id FROM categories WHERE parent_category_id = $4))"), format!("CASE WHEN {pinned} THEN 0 ELSE 1 END, bumped_at DESC, id DESC"), c.0),
                TopicFilter::CreatedBy(u) => (Some("user_id = $4"), "created_at DESC, id DESC".to_string(), u.0),
                TopicFilter::Top { since } => (Some("created_at >= $4"), "posts_count DESC, views DESC, id DESC".to_string(), since),
                TopicFilter::New(u) => (Some(NEW), "created_at DESC, id DESC".to_string(), u.0),
                TopicFilter::Unread(u) => (Some(UNREAD), "bumped_at DESC, id DESC".to_string(), u.0),
            };
            let offset = offset.max(0);
            let mut params: Vec<&dyn Param> = vec![&limit, &offset, &now];
            // Unlisted topics are left out of lists; a link still reaches them.
            let mut sql = format!("SELECT {} FROM topics WHERE deleted_at IS NULL AND visible", Topic::COLUMNS);
            if !order.contains("$3") && !condition.is_some_and(|c| c.contains("$3")) {
                // Every placeholder must be used on PostgreSQL.
                sql += " AND $3 = $3";
            }
            if let Some(condition) = condition {
                params.push(&value);
                sql += &format!(" AND {condition}");
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

/// A change to a topic's status, as Discourse names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TopicStatus {
    Closed(bool),
    Archived(bool),
    Visible(bool),
    /// Pinned in its category (`Some(until)`), or unpinned (`None`).
    Pinned(Option<Option<i64>>),
    /// Pinned first everywhere, or unpinned.
    PinnedGlobally(Option<Option<i64>>),
}

impl Store {
    /// Renames a topic and moves it to another category, counts following.
    pub async fn update_topic(&self, id: TopicId, title: &str, slug: &str, category: CategoryId) -> Result<Topic> {
        let (title, slug) = (title.to_string(), slug.to_string());
        self.write(move |tx| {
            let old: Topic = topic(&mut *tx.db, id)?.ok_or(StoreError::Missing(crate::Thing::Topic))?;
            let sql = format!("UPDATE topics SET title = $1, slug = $2, category_id = $3 WHERE id = $4 RETURNING {}", Topic::COLUMNS);
            let updated: Topic = tx.one(&sql, &[&title, &slug, &category.0, &id.0]).map_err(|e| match crate::db::conflict(&[])(e) {
                StoreError::Missing(_) => StoreError::Missing(crate::Thing::Category),
                other => other,
            })?;
            if old.category_id != category {
                tx.exec(
                    "UPDATE categories SET topic_count = topic_count - 1, post_count = post_count - $1 WHERE id = $2",
                    &[&old.posts_count, &old.category_id.0],
                )?;
                tx.exec(
                    "UPDATE categories SET topic_count = topic_count + 1, post_count = post_count + $1 WHERE id = $2",
                    &[&old.posts_count, &category.0],
                )?;
            }
            tx.changed(Change::Topic(id));
            tx.changed(Change::Lists);
            Ok(updated)
        })
        .await
    }

    /// Closes, archives, unlists or pins a topic (or undoes it).
    pub async fn set_topic_status(&self, id: TopicId, status: TopicStatus, now: i64) -> Result<Topic> {
        self.write(move |tx| {
            let (set, params): (&str, Vec<Option<i64>>) = match status {
                TopicStatus::Closed(on) => (if on { "closed = TRUE" } else { "closed = FALSE" }, vec![]),
                TopicStatus::Archived(on) => (if on { "archived = TRUE" } else { "archived = FALSE" }, vec![]),
                TopicStatus::Visible(on) => (if on { "visible = TRUE" } else { "visible = FALSE" }, vec![]),
                TopicStatus::Pinned(Some(until)) => ("pinned_at = $2, pinned_until = $3, pinned_globally = FALSE", vec![Some(now), until]),
                TopicStatus::PinnedGlobally(Some(until)) => ("pinned_at = $2, pinned_until = $3, pinned_globally = TRUE", vec![Some(now), until]),
                TopicStatus::Pinned(None) | TopicStatus::PinnedGlobally(None) => ("pinned_at = NULL, pinned_until = NULL, pinned_globally = FALSE", vec![]),
            };
            let sql = format!("UPDATE topics SET {set} WHERE id = $1 AND deleted_at IS NULL RETURNING {}", Topic::COLUMNS);
            let mut p: Vec<&dyn Param> = vec![&id.0];
            p.extend(params.iter().map(|v| v as &dyn Param));
            let updated: Topic = tx.opt(&sql, &p)?.ok_or(StoreError::Missing(crate::Thing::Topic))?;
            tx.changed(Change::Topic(id));
            tx.changed(Change::Lists);
            Ok(updated)
        })
        .await
    }

    /// Moves a topic's creation to `created_at`, and every time of its
    /// posts by the same amount, as Discourse's change-timestamp does.
    pub async fn change_topic_timestamp(&self, id: TopicId, created_at: i64) -> Result<Topic> {
        self.write(move |tx| {
            let old: Topic = topic(&mut *tx.db, id)?.ok_or(StoreError::Missing(crate::Thing::Topic))?;
            let delta = created_at - old.created_at;
            tx.exec("UPDATE posts SET created_at = created_at + $1, updated_at = updated_at + $1 WHERE topic_id = $2", &[&delta, &id.0])?;
            let sql = format!(
                "UPDATE topics SET created_at = created_at + $1, bumped_at = bumped_at + $1, last_posted_at = last_posted_at + $1 \
                 WHERE id = $2 RETURNING {}",
                Topic::COLUMNS
            );
            let updated: Topic = tx.one(&sql, &[&delta, &id.0])?;
            tx.changed(Change::Topic(id));
            tx.changed(Change::Lists);
            Ok(updated)
        })
        .await
    }
}

pub(crate) fn topic(db: &mut dyn crate::db::Db, id: TopicId) -> Result<Option<Topic>> {
    db.opt(&format!("SELECT {} FROM topics WHERE id = $1 AND deleted_at IS NULL", Topic::COLUMNS), &[&id.0])
}
