//! Topics in lists.

use super::{excerpt_html, fancy};
use crate::AppState;
use minga_core::UserId;
use minga_core::time::iso;
use minga_store::{Topic, User};
use serde_json::{Value, json};
use std::collections::HashMap;

pub fn topic_list_item(t: &Topic, users: &HashMap<UserId, User>, state: &AppState) -> Value {
    let username = |id: &UserId| users.get(id).map(|u| u.username.clone()).unwrap_or_default();
    let mut posters = vec![json!({
        "extras": if t.user_id == t.last_post_user_id { "latest single" } else { "" },
        "description": "Original Poster",
        "user_id": t.user_id,
        "primary_group_id": null,
    })];
    if t.last_post_user_id != t.user_id {
        posters.push(json!({
            "extras": "latest",
            "description": "Most Recent Poster",
            "user_id": t.last_post_user_id,
            "primary_group_id": null,
        }));
    }
    json!({
        "id": t.id,
        "title": t.title,
        "fancy_title": fancy(&t.title),
        "slug": t.slug,
        "posts_count": t.posts_count,
        "reply_count": (t.posts_count - 1).max(0),
        "highest_post_number": t.highest_post_number,
        "image_url": null,
        "created_at": iso(t.created_at),
        "last_posted_at": iso(t.last_posted_at),
        "bumped": true,
        "bumped_at": iso(t.bumped_at),
        "archetype": "regular",
        "unseen": false,
        "pinned": false,
        "unpinned": null,
        "excerpt": excerpt_html(&t.excerpt),
        "visible": true,
        "closed": false,
        "archived": false,
        "bookmarked": false,
        "liked": false,
        "views": t.views + state.views.pending(t.id),
        "like_count": 0,
        "has_summary": false,
        "last_poster_username": username(&t.last_post_user_id),
        "category_id": t.category_id,
        "op_like_count": 0,
        "pinned_globally": false,
        "featured_link": null,
        "posters": posters,
    })
}
