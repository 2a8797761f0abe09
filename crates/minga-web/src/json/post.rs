//! Posts.

use super::avatar_template;
use crate::access::Catalog;
use crate::auth::Viewer;
use minga_core::perm;
use minga_core::time::iso;
use minga_store::{Post, Topic, User};
use serde_json::{Value, json};

pub fn post(p: &Post, author: Option<&User>, topic: &Topic, viewer: &Viewer, catalog: &Catalog) -> Value {
    let actor = viewer.actor();
    let (username, name, admin, moderator, trust) = match author {
        Some(u) => (u.username.as_str(), u.name.as_str(), u.admin, u.moderator, u.trust_level),
        None => ("", "", false, false, 0),
    };
    json!({
        "id": p.id,
        "name": name,
        "username": username,
        "avatar_template": avatar_template(username),
        "created_at": iso(p.created_at),
        "cooked": p.cooked,
        "post_number": p.post_number,
        "post_type": 1,
        "posts_count": topic.posts_count,
        "updated_at": iso(p.updated_at),
        "reply_count": 0,
        "reply_to_post_number": p.reply_to_post_number,
        "quote_count": 0,
        "incoming_link_count": 0,
        "reads": 0,
        "readers_count": 0,
        "score": 0,
        "yours": actor.as_ref().is_some_and(|a| a.id == p.user_id),
        "topic_id": p.topic_id,
        "topic_slug": topic.slug,
        "topic_title": topic.title,
        "display_username": name,
        "primary_group_name": catalog.public_group_name(author.and_then(|u| u.primary_group_id)),
        "flair_name": null,
        "flair_url": null,
        "flair_bg_color": null,
        "flair_color": null,
        "version": p.version,
        "can_edit": perm::can_edit_post(actor.as_ref(), p.user_id),
        "can_delete": perm::can_delete_post(actor.as_ref(), p.user_id),
        "can_recover": false,
        "can_wiki": false,
        "link_counts": [],
        "read": true,
        "user_title": null,
        "bookmarked": false,
        "actions_summary": [],
        "moderator": moderator,
        "admin": admin,
        "staff": admin || moderator,
        "user_id": p.user_id,
        "hidden": false,
        "trust_level": trust,
        "deleted_at": p.deleted_at.map(iso),
        "user_deleted": false,
        "edit_reason": null,
        "can_view_edit_history": true,
        "wiki": false,
        "reviewable_id": null,
        "reviewable_score_count": 0,
        "reviewable_score_pending_count": 0,
        "post_url": format!("/t/{}/{}/{}", topic.slug, topic.id, p.post_number),
        "mentioned_users": [],
    })
}

/// A post as returned by `GET /posts/{id}.json`, which adds its raw text.
pub fn post_with_raw(p: &Post, author: Option<&User>, topic: &Topic, viewer: &Viewer, catalog: &Catalog) -> Value {
    let mut v = post(p, author, topic, viewer, catalog);
    v["raw"] = json!(p.raw);
    v
}
