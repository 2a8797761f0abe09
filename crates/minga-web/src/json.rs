//! Discourse's JSON shapes for minga's models. Fields minga does not have
//! yet are sent with Discourse's neutral values, so clients that read them
//! keep working.

use crate::AppState;
use crate::access::Catalog;
use crate::auth::Viewer;
use minga_core::perm;
use minga_core::time::iso;
use minga_store::{Category, Post, Topic, User};
use serde_json::{Value, json};
use std::collections::HashMap;
use minga_core::UserId;

pub fn avatar_template(username: &str) -> String {
    format!("/letter_avatar/{}/{{size}}/1.svg", username.to_lowercase())
}

pub fn basic_user(u: &User) -> Value {
    json!({
        "id": u.id,
        "username": u.username,
        "name": u.name,
        "avatar_template": avatar_template(&u.username),
    })
}

pub fn current_user(u: &User) -> Value {
    json!({
        "id": u.id,
        "username": u.username,
        "name": u.name,
        "avatar_template": avatar_template(&u.username),
        "admin": u.admin,
        "moderator": u.moderator,
        "staff": u.admin || u.moderator,
        "trust_level": u.trust_level,
        "can_create_topic": perm::can_create_topic(Some(&u.actor_with(Vec::new()))),
        "timezone": u.timezone,
    })
}

/// A description or bio as Discourse sends it: cooked, safe HTML (the
/// text is Markdown, cooked like a post).
pub fn cooked_text(raw: &str) -> String {
    minga_core::cook::cook_plain(raw).html
}

/// An excerpt as Discourse sends it: plain text, HTML-escaped, since
/// Discourse's clients insert excerpts as HTML.
pub fn excerpt_html(plain: &str) -> String {
    fancy(plain)
}

pub fn category(c: &Category, viewer: &Viewer, catalog: &Catalog) -> Value {
    let description = cooked_text(&c.description);
    let excerpt = excerpt_html(&minga_core::cook::excerpt(&description, 200));
    let actor = viewer.actor();
    let permission = catalog.permission(actor.as_ref(), c.id).map(|p| p as i64);
    // Which groups may do what is for those who manage the category.
    let group_permissions: Vec<Value> = if perm::can_manage_categories(actor.as_ref()) {
        catalog
            .grants(c.id)
            .iter()
            .map(|(g, p)| {
                let name = catalog.groups.iter().find(|x| x.id == *g).map(|x| x.name.clone()).unwrap_or_default();
                json!({"permission_type": *p as i64, "group_name": name, "group_id": g})
            })
            .collect()
    } else {
        Vec::new()
    };
    json!({
        "id": c.id,
        "name": c.name,
        "color": c.color,
        "text_color": c.text_color,
        "style_type": "square",
        "emoji": null,
        "icon": null,
        "slug": c.slug,
        "topic_count": c.topic_count,
        "post_count": c.post_count,
        "position": c.position,
        "description": description,
        "description_text": c.description,
        "description_excerpt": excerpt,
        "topic_url": null,
        "read_restricted": catalog.read_restricted(c.id),
        "permission": if viewer.user.is_some() { json!(permission) } else { Value::Null },
        "notification_level": 1,
        "can_edit": perm::can_manage_categories(viewer.actor().as_ref()),
        "topic_template": null,
        "topic_title_placeholder": null,
        "has_children": false,
        "subcategory_count": null,
        "sort_order": null,
        "sort_ascending": null,
        "show_subcategory_list": false,
        "num_featured_topics": 3,
        "default_view": null,
        "subcategory_list_style": "rows_with_featured_topics",
        "default_top_period": "all",
        "default_list_filter": "all",
        "minimum_required_tags": 0,
        "navigate_to_first_post_after_read": false,
        "subcategory_ids": [],
        "uploaded_logo": null,
        "uploaded_logo_dark": null,
        "uploaded_background": null,
        "uploaded_background_dark": null,
        "group_permissions": group_permissions,
        "custom_fields": {},
        "required_tag_groups": [],
        "read_only_banner": null,
        "available_groups": [],
        "auto_close_hours": null,
        "auto_close_based_on_last_post": false,
        "allow_unlimited_owner_edits_on_first_post": false,
        "default_slow_mode_seconds": null,
        "email_in": null,
        "email_in_allow_strangers": false,
        "mailinglist_mirror": false,
        "all_topics_wiki": false,
        "can_delete": false,
        "allow_badges": true,
        "topic_featured_link_allowed": true,
        "search_priority": 0,
        "topic_posting_review_group_ids": [],
        "reply_posting_review_group_ids": [],
        "form_template_ids": [],
    })
}

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

/// Discourse's `fancy_title`: the title with HTML escaped.
pub fn fancy(title: &str) -> String {
    title.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

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
