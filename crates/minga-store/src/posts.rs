//! Posts: replies, edits with kept revisions, soft deletion, and reading a
//! topic's stream.

use crate::db::{Db, Param, placeholders};
use crate::limits::{self, PostingRules};
use crate::{Change, Post, PostInTopic, Result, Revision, Store, StoreError, Thing};
use minga_core::{CategoryId, PostId, TopicId, UserId};

#[derive(Clone, Debug)]
pub struct NewReply {
    pub topic_id: TopicId,
    pub user_id: UserId,
    pub raw: String,
    pub cooked: String,
    pub reply_to_post_number: Option<i64>,
    pub created_at: i64,
    /// Who the post names, for its notifications.
    pub alerts: crate::Alerts,
}

impl Store {
    /// Adds a reply. The post number comes from incrementing the topic's
    /// counter inside the same transaction: the row lock (PostgreSQL) or
    /// the single writer (SQLite) makes concurrent replies take 2, 3, 4…
    /// with no gap and no duplicate.
    pub async fn create_reply(&self, new: &NewReply) -> Result<Post> {
        self.create_reply_within(new, None).await
    }

    /// Adds a reply if the posting limits allow the author another now.
    pub async fn create_reply_within(&self, new: &NewReply, rules: Option<PostingRules>) -> Result<Post> {
        let new = new.clone();
        self.write(move |tx| {
            if let Some(rules) = rules {
                limits::check(tx, new.user_id, limits::Action::Post, &rules, new.created_at)?;
            }
            if tx.backend() == crate::Backend::Postgres {
                return reply_in_one_statement(tx, &new);
            }
            let (number, category): (i64, i64) = tx
                .opt(
                    "UPDATE topics SET highest_post_number = highest_post_number + 1, posts_count = posts_count + 1, \
                     bumped_at = $2, last_posted_at = $2, last_post_user_id = $3 \
                     WHERE id = $1 AND deleted_at IS NULL RETURNING highest_post_number, category_id",
                    &[&new.topic_id.0, &new.created_at, &new.user_id.0],
                )?
                .ok_or(StoreError::Missing(Thing::Topic))?;
            if let Some(to) = new.reply_to_post_number {
                let exists: Option<i64> = tx.opt(
                    "SELECT 1 FROM posts WHERE topic_id = $1 AND post_number = $2 AND deleted_at IS NULL",
                    &[&new.topic_id.0, &to],
                )?;
                if exists.is_none() {
                    return Err(StoreError::Missing(Thing::ReplyTo));
                }
            }
            let sql = format!(
                "INSERT INTO posts (topic_id, post_number, user_id, raw, cooked, reply_to_post_number, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {}",
                Post::COLUMNS
            );
            let post: Post = tx.one(
                &sql,
                &[&new.topic_id.0, &number, &new.user_id.0, &new.raw, &new.cooked, &new.reply_to_post_number, &new.created_at],
            )?;
            tx.exec("UPDATE categories SET post_count = post_count + 1 WHERE id = $1", &[&category])?;
            // Replying sets the topic to the level the person chose for that
            // (tracking unless they changed it), unless they chose one before.
            tx.exec(
                "INSERT INTO topic_users (user_id, topic_id, last_read_post_number, first_visited_at, notification_level) \
                 SELECT $1, $2, $3, $4, notification_level_when_replying FROM users WHERE id = $1 ON CONFLICT (user_id, topic_id) DO UPDATE SET \
                 notification_level = COALESCE(topic_users.notification_level, excluded.notification_level), \
                 last_read_post_number = CASE WHEN topic_users.last_read_post_number < $3 THEN $3 ELSE topic_users.last_read_post_number END",
                &[&new.user_id.0, &new.topic_id.0, &number, &new.created_at],
            )?;
            crate::notifications::enqueue(tx, post.id, "new", new.user_id, &new.alerts, new.created_at)?;
            tx.changed(Change::Topic(new.topic_id));
            tx.changed(Change::Lists);
            Ok(post)
        })
        .await
    }

    /// A post that is not deleted and whose topic is not deleted.
    pub async fn post(&self, id: PostId) -> Result<Option<Post>> {
        let post: Option<Post> = self
            .read(&[], move |db| {
                db.opt(
                    &format!(
                        "SELECT {} FROM posts p WHERE id = $1 AND deleted_at IS NULL \
                         AND EXISTS (SELECT 1 FROM topics t WHERE t.id = p.topic_id AND t.deleted_at IS NULL)",
                        Post::COLUMNS
                    ),
                    &[&id.0],
                )
            })
            .await?;
        crate::reads::record(&[post.as_ref().map(|p| Change::Topic(p.topic_id)).unwrap_or(Change::Everything)]);
        Ok(post)
    }

    /// Posts numbered `from..=to` in a topic, deleted ones included so that
    /// a page can show where they were.
    pub async fn posts_by_number(&self, topic: TopicId, from: i64, to: i64) -> Result<Vec<Post>> {
        self.read(&[Change::Topic(topic)], move |db| posts_by_number(db, topic, from, to)).await
    }

    /// What a page of a topic shows, in one trip: the topic (if it is not
    /// deleted), its posts numbered `from..=to` (deleted ones included;
    /// their raw text left out, pages show the cooked HTML), and their
    /// authors.
    pub async fn topic_page(&self, topic: TopicId, from: i64, to: i64) -> Result<Option<(crate::Topic, Vec<Post>, Vec<crate::User>)>> {
        self.read(&[Change::Topic(topic), Change::People], move |db| {
            let Some(t) = crate::topics::topic(db, topic)? else { return Ok(None) };
            let columns = Post::COLUMNS.replacen("raw", "''", 1);
            let posts: Vec<Post> = db.all(
                &format!("SELECT {columns} FROM posts WHERE topic_id = $1 AND post_number >= $2 AND post_number <= $3 ORDER BY post_number"),
                &[&topic.0, &from, &to],
            )?;
            let mut authors: Vec<i64> = posts.iter().map(|p| p.user_id.0).collect();
            authors.sort_unstable();
            authors.dedup();
            let users = crate::users::users_by_ids(db, &authors)?;
            Ok(Some((t, posts, users)))
        })
        .await
    }

    /// The first `limit` live posts of a topic.
    pub async fn first_posts(&self, topic: TopicId, limit: i64) -> Result<Vec<Post>> {
        self.read(&[Change::Topic(topic)], move |db| {
            db.all(
                &format!("SELECT {} FROM posts WHERE topic_id = $1 AND deleted_at IS NULL ORDER BY post_number LIMIT $2", Post::COLUMNS),
                &[&topic.0, &limit],
            )
        })
        .await
    }

    /// Ids of every live post of a topic, in order: Discourse's `stream`.
    pub async fn post_stream(&self, topic: TopicId) -> Result<Vec<PostId>> {
        self.read(&[Change::Topic(topic)], move |db| {
            db.all("SELECT id FROM posts WHERE topic_id = $1 AND deleted_at IS NULL ORDER BY post_number", &[&topic.0])
        })
        .await
    }

    /// Live posts named by (topic, post number) pairs, in no order.
    pub async fn posts_by_numbers(&self, wanted: &[(TopicId, i64)]) -> Result<Vec<Post>> {
        let wanted: Vec<(i64, i64)> = wanted.iter().take(100).map(|(t, n)| (t.0, *n)).collect();
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let read: Vec<Change> = wanted.iter().map(|(t, _)| Change::Topic(TopicId(*t))).collect();
        self.read(&read, move |db| {
            let conditions: Vec<String> =
                (0..wanted.len()).map(|i| format!("(topic_id = ${} AND post_number = ${})", 2 * i + 1, 2 * i + 2)).collect();
            let sql = format!("SELECT {} FROM posts WHERE deleted_at IS NULL AND ({})", Post::COLUMNS, conditions.join(" OR "));
            let params: Vec<&dyn Param> = wanted.iter().flat_map(|(t, n)| [t as &dyn Param, n as &dyn Param]).collect();
            db.all(&sql, &params)
        })
        .await
    }

    /// Live posts of one topic among `ids`, in topic order.
    pub async fn posts_in_topic(&self, topic: TopicId, ids: &[PostId]) -> Result<Vec<Post>> {
        let ids: Vec<i64> = ids.iter().take(1000).map(|p| p.0).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.read(&[Change::Topic(topic)], move |db| {
            let sql = format!(
                "SELECT {} FROM posts WHERE topic_id = $1 AND deleted_at IS NULL AND id IN ({}) ORDER BY post_number",
                Post::COLUMNS,
                placeholders(2, ids.len())
            );
            let mut params: Vec<&dyn Param> = vec![&topic.0];
            params.extend(ids.iter().map(|i| i as &dyn Param));
            db.all(&sql, &params)
        })
        .await
    }

    /// Replaces a post's text, keeping the previous text as a revision.
    pub async fn edit_post(
        &self,
        id: PostId,
        editor: UserId,
        raw: &str,
        cooked: &str,
        excerpt: Option<&str>,
    ) -> Result<Post> {
        self.edit_post_alerting(id, editor, raw, cooked, excerpt, &crate::Alerts::default())
            .await
    }

    /// Edits a post and queues its notifications: the author hears of
    /// someone else's edit, and people newly mentioned or quoted hear of
    /// the post.
    pub async fn edit_post_alerting(
        &self,
        id: PostId,
        editor: UserId,
        raw: &str,
        cooked: &str,
        excerpt: Option<&str>,
        alerts: &crate::Alerts,
    ) -> Result<Post> {
        let (raw, cooked, excerpt, alerts) = (
            raw.to_string(),
            cooked.to_string(),
            excerpt.map(str::to_string),
            alerts.clone(),
        );
        self.write(move |tx| {
            let now = minga_core::time::now_ms();
            let kept = tx.exec(
                "INSERT INTO post_revisions (post_id, version, raw, user_id, created_at) \
                 SELECT id, version, raw, user_id, updated_at FROM posts WHERE id = $1 AND deleted_at IS NULL",
                &[&id.0],
            )?;
            if kept == 0 {
                return Err(StoreError::NotFound);
            }
            let post: Post = tx.one(
                &format!(
                    "UPDATE posts SET raw = $1, cooked = $2, version = version + 1, updated_at = $3 WHERE id = $4 RETURNING {}",
                    Post::COLUMNS
                ),
                &[&raw, &cooked, &now, &id.0],
            )?;
            if let (1, Some(excerpt)) = (post.post_number, &excerpt) {
                tx.exec("UPDATE topics SET excerpt = $1 WHERE id = $2", &[excerpt, &post.topic_id.0])?;
            }
            crate::notifications::enqueue(tx, post.id, "edit", editor, &alerts, now)?;
            tx.changed(Change::Topic(post.topic_id));
            tx.changed(Change::Lists);
            Ok(post)
        })
        .await
    }

    /// Up to `limit` posts with ids above `after`, in id order, deleted ones
    /// included: the walk `rebake` takes over every post.
    pub async fn posts_after(&self, after: PostId, limit: i64) -> Result<Vec<Post>> {
        self.read(&[Change::Everything], move |db| {
            db.all(&format!("SELECT {} FROM posts WHERE id > $1 ORDER BY id LIMIT $2", Post::COLUMNS), &[&after.0, &limit])
        })
        .await
    }

    /// Stores a post cooked again from the same text (and, for a first
    /// post, its topic's excerpt). No revision and no new edit time: the
    /// author's words have not changed, only how they are shown.
    pub async fn set_cooked(&self, id: PostId, cooked: &str, excerpt: &str) -> Result<()> {
        let (cooked, excerpt) = (cooked.to_string(), excerpt.to_string());
        self.write(move |tx| {
            let (topic_id, post_number): (i64, i64) = tx
                .opt("UPDATE posts SET cooked = $1 WHERE id = $2 RETURNING topic_id, post_number", &[&cooked, &id.0])?
                .ok_or(StoreError::NotFound)?;
            if post_number == 1 {
                tx.exec("UPDATE topics SET excerpt = $1 WHERE id = $2", &[&excerpt, &topic_id])?;
            }
            tx.changed(Change::Topic(TopicId(topic_id)));
            tx.changed(Change::Lists);
            Ok(())
        })
        .await
    }

    /// Earlier versions of a post, oldest first.
    pub async fn revisions(&self, id: PostId) -> Result<Vec<Revision>> {
        self.read(&[Change::Everything], move |db| {
            db.all(
                &format!("SELECT {} FROM post_revisions WHERE post_id = $1 ORDER BY version", Revision::COLUMNS),
                &[&id.0],
            )
        })
        .await
    }

    /// Soft-deletes a post; deleting the first post deletes its topic, as
    /// on Discourse. Counters follow.
    pub async fn delete_post(&self, id: PostId) -> Result<Post> {
        self.write(move |tx| {
            let now = minga_core::time::now_ms();
            let post: Post = tx
                .opt(
                    &format!("UPDATE posts SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL RETURNING {}", Post::COLUMNS),
                    &[&now, &id.0],
                )?
                .ok_or(StoreError::NotFound)?;
            if post.post_number == 1 {
                let (category, posts): (i64, i64) = tx
                    .opt(
                        "UPDATE topics SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL RETURNING category_id, posts_count",
                        &[&now, &post.topic_id.0],
                    )?
                    .ok_or(StoreError::NotFound)?;
                tx.exec(
                    "UPDATE categories SET topic_count = topic_count - 1, post_count = post_count - $1 WHERE id = $2",
                    &[&posts, &category],
                )?;
            } else {
                let category: i64 = tx
                    .opt(
                        "UPDATE topics SET posts_count = posts_count - 1 WHERE id = $1 AND deleted_at IS NULL RETURNING category_id",
                        &[&post.topic_id.0],
                    )?
                    .ok_or(StoreError::NotFound)?;
                tx.exec("UPDATE categories SET post_count = post_count - 1 WHERE id = $1", &[&category])?;
            }
            tx.changed(Change::Topic(post.topic_id));
            tx.changed(Change::Lists);
            Ok(post)
        })
        .await
    }

    /// Locks a post against its author's edits, or unlocks it.
    pub async fn lock_post(&self, id: PostId, locked: bool) -> Result<Post> {
        self.write(move |tx| {
            let sql = if locked {
                format!("UPDATE posts SET locked = TRUE WHERE id = $1 AND deleted_at IS NULL RETURNING {}", Post::COLUMNS)
            } else {
                format!("UPDATE posts SET locked = FALSE WHERE id = $1 AND deleted_at IS NULL RETURNING {}", Post::COLUMNS)
            };
            let post: Post = tx.opt(&sql, &[&id.0])?.ok_or(StoreError::NotFound)?;
            tx.changed(Change::Topic(post.topic_id));
            Ok(post)
        })
        .await
    }

    /// The latest live, unhidden posts across topics, newest first, with
    /// ids below `before` (`None`: from the newest), in the categories given
    /// (`None`: all). Unlisted topics are included, as their posts are
    /// reachable by link.
    pub async fn latest_posts(&self, before: Option<PostId>, visible: Option<&[CategoryId]>, limit: i64) -> Result<Vec<PostInTopic>> {
        let before = before.map(|p| p.0).unwrap_or(i64::MAX);
        self.recent_posts("", "p.id < $1 AND ", before, visible, limit, "p.id DESC").await
    }

    /// The live posts that reply to post `number` of a topic, in order.
    pub async fn replies_to(&self, topic: TopicId, number: i64) -> Result<Vec<Post>> {
        self.read(&[Change::Topic(topic)], move |db| {
            db.all(
                &format!(
                    "SELECT {} FROM posts WHERE topic_id = $1 AND reply_to_post_number = $2 AND deleted_at IS NULL ORDER BY post_number LIMIT 100",
                    Post::COLUMNS
                ),
                &[&topic.0, &number],
            )
        })
        .await
    }

    /// The latest live, unhidden posts by members of a group, in the
    /// categories given (`None`: all).
    pub async fn posts_by_group(&self, group_id: i64, visible: Option<&[CategoryId]>, limit: i64) -> Result<Vec<PostInTopic>> {
        self.recent_posts("JOIN group_users gu ON gu.user_id = p.user_id AND gu.group_id = $1", "", group_id, visible, limit, BY_TIME).await
    }

    /// A person's latest live, unhidden posts in the categories the reader
    /// may see (`None`: all), with their topics' titles.
    pub async fn posts_by_user(&self, user: UserId, visible: Option<&[CategoryId]>, limit: i64) -> Result<Vec<PostInTopic>> {
        self.recent_posts("", "p.user_id = $1 AND ", user.0, visible, limit, BY_TIME).await
    }

    /// Recent posts with their topics' titles; `join` and `condition` use
    /// `$1` for `key`.
    async fn recent_posts(
        &self,
        join: &'static str,
        condition: &'static str,
        key: i64,
        visible: Option<&[CategoryId]>,
        limit: i64,
        order: &'static str,
    ) -> Result<Vec<PostInTopic>> {
        let visible: Option<Vec<i64>> = visible.map(|v| v.iter().map(|c| c.0).collect());
        if visible.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Vec::new());
        }
        self.read(&[Change::Lists], move |db| {
            let scope = match &visible {
                None => String::new(),
                Some(ids) => format!(" AND t.category_id IN ({})", placeholders(3, ids.len())),
            };
            let sql = format!(
                "SELECT {}, t.title, t.slug FROM posts p JOIN topics t ON t.id = p.topic_id {join} \
                 WHERE {condition}p.deleted_at IS NULL AND NOT p.hidden AND t.deleted_at IS NULL{scope} \
                 ORDER BY {order} LIMIT $2",
                Post::columns("p")
            );
            let mut params: Vec<&dyn Param> = vec![&key, &limit];
            params.extend(visible.iter().flatten().map(|c| c as &dyn Param));
            let width = Post::COLUMNS.split(", ").count();
            let mut out = Vec::new();
            db.each(&sql, &params, &mut |r| {
                out.push(PostInTopic {
                    post: <Post as crate::db::FromRow>::from_row(r)?,
                    topic_title: r.get(width)?,
                    topic_slug: r.get(width + 1)?,
                });
                Ok(())
            })?;
            Ok(out)
        })
        .await
    }
}

/// Activity lists show the newest first by when they were written.
const BY_TIME: &str = "p.created_at DESC, p.id DESC";

pub(crate) fn posts_by_number(db: &mut dyn Db, topic: TopicId, from: i64, to: i64) -> Result<Vec<Post>> {
    db.all(
        &format!(
            "SELECT {} FROM posts WHERE topic_id = $1 AND post_number >= $2 AND post_number <= $3 ORDER BY post_number",
            Post::COLUMNS
        ),
        &[&topic.0, &from, &to],
    )
}

/// A reply on PostgreSQL. The topic's row stays locked from the statement
/// that numbers the post until the commit, and every other reply to the
/// topic waits for it; so numbering the post, storing it, counting it in
/// its category, setting the author's level and place, and queueing its
/// notifications are one statement, one round trip.
fn reply_in_one_statement(tx: &mut crate::db::Tx<'_>, new: &NewReply) -> Result<Post> {
    if let Some(to) = new.reply_to_post_number {
        let exists: Option<i64> =
            tx.opt("SELECT 1 FROM posts WHERE topic_id = $1 AND post_number = $2 AND deleted_at IS NULL", &[&new.topic_id.0, &to])?;
        if exists.is_none() {
            return Err(StoreError::Missing(Thing::ReplyTo));
        }
    }
    // The last part queues the post's job as `notifications::enqueue`
    // does, inside the same statement.
    let a = &new.alerts;
    let sql = format!(
        "WITH t AS (UPDATE topics SET highest_post_number = highest_post_number + 1, posts_count = posts_count + 1, \
             bumped_at = $4, last_posted_at = $4, last_post_user_id = $2 \
             WHERE id = $1 AND deleted_at IS NULL RETURNING highest_post_number, category_id), \
         p AS (INSERT INTO posts (topic_id, post_number, user_id, raw, cooked, reply_to_post_number, created_at, updated_at) \
             SELECT $1, t.highest_post_number, $2, $5, $6, $3, $4, $4 FROM t RETURNING *), \
         c AS (UPDATE categories SET post_count = post_count + 1 WHERE id = (SELECT category_id FROM t)), \
         u AS (INSERT INTO topic_users (user_id, topic_id, last_read_post_number, first_visited_at, notification_level) \
             SELECT $2, $1, t.highest_post_number, $4, users.notification_level_when_replying FROM t, users WHERE users.id = $2 \
             ON CONFLICT (user_id, topic_id) DO UPDATE SET \
             notification_level = COALESCE(topic_users.notification_level, excluded.notification_level), \
             last_read_post_number = GREATEST(topic_users.last_read_post_number, excluded.last_read_post_number)), \
         j AS (INSERT INTO notification_jobs (post_id, kind, actor_id, mentions, group_mentions, quoted, links, created_at) \
             SELECT p.id, 'new', $2, $7, $8, $9, $10, $4 FROM p) \
         SELECT {} FROM p",
        Post::COLUMNS
    );
    let post: Option<Post> = tx.opt(
        &sql,
        &[
            &new.topic_id.0,
            &new.user_id.0,
            &new.reply_to_post_number,
            &new.created_at,
            &new.raw,
            &new.cooked,
            &a.mentions.join(" "),
            &a.group_mentions.join(" "),
            &a.quoted.join(" "),
            &crate::notifications::encode_links(&a.links),
        ],
    )?;
    let post = post.ok_or(StoreError::Missing(Thing::Topic))?;
    tx.changed(Change::Topic(new.topic_id));
    tx.changed(Change::Lists);
    Ok(post)
}
