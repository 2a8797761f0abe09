//! Row → model conversion, with the column lists the queries select.

use crate::models::*;
use minga_core::{CategoryId, PostId, TopicId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

pub(crate) const USER_COLUMNS: &str = "id, username, name, email, admin, moderator, trust_level, \
     bio_raw, location, website, timezone, created_at, last_seen_at, primary_group_id, approved, \
     suspended_till, suspend_reason, silenced_till";

pub(crate) fn user(r: &AnyRow) -> sqlx::Result<User> {
    Ok(User {
        id: UserId(r.try_get("id")?),
        username: r.try_get("username")?,
        name: r.try_get("name")?,
        email: r.try_get("email")?,
        admin: r.try_get::<i64, _>("admin")? != 0,
        moderator: r.try_get::<i64, _>("moderator")? != 0,
        trust_level: r.try_get("trust_level")?,
        bio_raw: r.try_get("bio_raw")?,
        location: r.try_get("location")?,
        website: r.try_get("website")?,
        timezone: r.try_get("timezone")?,
        created_at: r.try_get("created_at")?,
        last_seen_at: r.try_get("last_seen_at")?,
        primary_group_id: r.try_get("primary_group_id")?,
        approved: r.try_get::<i64, _>("approved")? != 0,
        suspended_till: r.try_get("suspended_till")?,
        suspend_reason: r.try_get("suspend_reason")?,
        silenced_till: r.try_get("silenced_till")?,
    })
}

pub(crate) const CATEGORY_COLUMNS: &str =
    "id, name, slug, color, text_color, description, position, topic_count, post_count, created_at";

pub(crate) fn category(r: &AnyRow) -> sqlx::Result<Category> {
    Ok(Category {
        id: CategoryId(r.try_get("id")?),
        name: r.try_get("name")?,
        slug: r.try_get("slug")?,
        color: r.try_get("color")?,
        text_color: r.try_get("text_color")?,
        description: r.try_get("description")?,
        position: r.try_get("position")?,
        topic_count: r.try_get("topic_count")?,
        post_count: r.try_get("post_count")?,
        created_at: r.try_get("created_at")?,
    })
}

pub(crate) const TOPIC_COLUMNS: &str = "id, title, slug, category_id, user_id, excerpt, created_at, \
     bumped_at, last_posted_at, last_post_user_id, highest_post_number, posts_count, views, deleted_at";

pub(crate) fn topic(r: &AnyRow) -> sqlx::Result<Topic> {
    Ok(Topic {
        id: TopicId(r.try_get("id")?),
        title: r.try_get("title")?,
        slug: r.try_get("slug")?,
        category_id: CategoryId(r.try_get("category_id")?),
        user_id: UserId(r.try_get("user_id")?),
        excerpt: r.try_get("excerpt")?,
        created_at: r.try_get("created_at")?,
        bumped_at: r.try_get("bumped_at")?,
        last_posted_at: r.try_get("last_posted_at")?,
        last_post_user_id: UserId(r.try_get("last_post_user_id")?),
        highest_post_number: r.try_get("highest_post_number")?,
        posts_count: r.try_get("posts_count")?,
        views: r.try_get("views")?,
        deleted_at: r.try_get("deleted_at")?,
    })
}

pub(crate) const POST_COLUMNS: &str = "id, topic_id, post_number, user_id, raw, cooked, \
     reply_to_post_number, created_at, updated_at, version, deleted_at, hidden";

pub(crate) fn post(r: &AnyRow) -> sqlx::Result<Post> {
    Ok(Post {
        id: PostId(r.try_get("id")?),
        topic_id: TopicId(r.try_get("topic_id")?),
        post_number: r.try_get("post_number")?,
        user_id: UserId(r.try_get("user_id")?),
        raw: r.try_get("raw")?,
        cooked: r.try_get("cooked")?,
        reply_to_post_number: r.try_get("reply_to_post_number")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        version: r.try_get("version")?,
        deleted_at: r.try_get("deleted_at")?,
        hidden: r.try_get::<i64, _>("hidden")? != 0,
    })
}

/// `$start, $start+1, …` placeholders for an `IN (…)` list.
pub(crate) fn placeholders(start: usize, n: usize) -> String {
    (start..start + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}
