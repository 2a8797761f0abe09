//! Posts, as Discourse's `PostSerializer` sends them.

use super::avatar_template;
use crate::access::Catalog;
use crate::auth::Viewer;
use minga_core::perm;
use minga_core::time::iso;
use minga_core::{PostId, TopicId, UserId};
use minga_store::{Post, Topic, User};
use serde::Serialize;

/// A post. `raw` is sent where Discourse sends it (a single post, a
/// created or edited one); `draft_sequence` where Discourse's answers to
/// creating and editing carry it.
#[derive(Serialize, Debug, Clone)]
pub struct PostJson {
    pub id: PostId,
    pub name: String,
    pub username: String,
    pub avatar_template: String,
    pub created_at: String,
    pub cooked: String,
    pub post_number: i64,
    pub post_type: i64,
    pub posts_count: i64,
    pub updated_at: String,
    pub reply_count: i64,
    pub reply_to_post_number: Option<i64>,
    pub quote_count: i64,
    pub incoming_link_count: i64,
    pub reads: i64,
    pub readers_count: i64,
    pub score: i64,
    pub yours: bool,
    pub topic_id: TopicId,
    pub topic_slug: String,
    pub topic_title: String,
    pub display_username: String,
    pub primary_group_name: Option<String>,
    pub flair_name: Option<String>,
    pub flair_url: Option<String>,
    pub flair_bg_color: Option<String>,
    pub flair_color: Option<String>,
    pub flair_group_id: Option<i64>,
    pub version: i64,
    pub can_edit: bool,
    pub can_delete: bool,
    pub can_recover: bool,
    pub can_see_hidden_post: bool,
    pub can_wiki: bool,
    pub link_counts: Vec<LinkCount>,
    pub read: bool,
    pub user_title: Option<String>,
    pub bookmarked: bool,
    pub actions_summary: Vec<ActionSummary>,
    pub moderator: bool,
    pub admin: bool,
    pub staff: bool,
    pub user_id: UserId,
    pub hidden: bool,
    pub trust_level: i64,
    pub deleted_at: Option<String>,
    pub user_deleted: bool,
    pub edit_reason: Option<String>,
    pub can_view_edit_history: bool,
    pub wiki: bool,
    /// Discourse sends 0 in topic views and null elsewhere when nothing
    /// is under review.
    pub reviewable_id: Option<i64>,
    pub reviewable_score_count: i64,
    pub reviewable_score_pending_count: i64,
    pub post_url: String,
    pub mentioned_users: Vec<String>,
    pub badges_granted: Vec<String>,
    pub locked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft_sequence: Option<i64>,
}

/// Links counted in a post (minga counts none yet).
#[derive(Serialize, Debug, Clone)]
pub struct LinkCount {
    pub url: String,
    pub internal: bool,
    pub reflection: bool,
    pub clicks: i64,
}

/// Likes and flags on a post, as the reader may know of them: lists send
/// none yet; the answer to a flag tells its flagger they acted.
#[derive(Serialize, Debug, Clone)]
pub struct ActionSummary {
    pub id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    pub acted: bool,
    pub can_undo: bool,
}

pub fn post(p: &Post, author: Option<&User>, topic: &Topic, viewer: &Viewer, catalog: &Catalog) -> PostJson {
    let actor = viewer.actor();
    let (username, name, admin, moderator, trust) = match author {
        Some(u) => (u.username.as_str(), u.name.as_str(), u.admin, u.moderator, u.trust_level),
        None => ("", "", false, false, 0),
    };
    PostJson {
        id: p.id,
        name: name.to_string(),
        username: username.to_string(),
        avatar_template: avatar_template(username),
        created_at: iso(p.created_at),
        cooked: p.cooked.clone(),
        post_number: p.post_number,
        post_type: 1,
        posts_count: topic.posts_count,
        updated_at: iso(p.updated_at),
        reply_count: 0,
        reply_to_post_number: p.reply_to_post_number,
        quote_count: 0,
        incoming_link_count: 0,
        reads: 0,
        readers_count: 0,
        score: 0,
        yours: actor.as_ref().is_some_and(|a| a.id == p.user_id),
        topic_id: p.topic_id,
        topic_slug: topic.slug.clone(),
        topic_title: topic.title.clone(),
        display_username: name.to_string(),
        primary_group_name: catalog.public_group_name(author.and_then(|u| u.primary_group_id)).map(str::to_string),
        flair_name: None,
        flair_url: None,
        flair_bg_color: None,
        flair_color: None,
        flair_group_id: None,
        version: p.version,
        can_edit: perm::can_edit_post_now(actor.as_ref(), p.user_id, p.locked, topic.archived),
        can_delete: perm::can_delete_post(actor.as_ref(), p.user_id),
        can_recover: false,
        can_see_hidden_post: viewer.is_staff(),
        can_wiki: false,
        link_counts: Vec::new(),
        read: true,
        user_title: None,
        bookmarked: false,
        actions_summary: Vec::new(),
        moderator,
        admin,
        staff: admin || moderator,
        user_id: p.user_id,
        hidden: p.hidden,
        trust_level: trust,
        deleted_at: p.deleted_at.map(iso),
        user_deleted: false,
        edit_reason: None,
        can_view_edit_history: true,
        wiki: false,
        reviewable_id: None,
        reviewable_score_count: 0,
        reviewable_score_pending_count: 0,
        post_url: format!("/t/{}/{}/{}", topic.slug, topic.id, p.post_number),
        mentioned_users: Vec::new(),
        badges_granted: Vec::new(),
        locked: p.locked,
        raw: None,
        draft_sequence: None,
    }
}

/// A post in a topic view (`/t/{id}.json`, `/t/{id}/posts.json`), where
/// Discourse sends `reviewable_id` 0 when nothing is under review.
pub fn post_in_topic(p: &Post, author: Option<&User>, topic: &Topic, viewer: &Viewer, catalog: &Catalog) -> PostJson {
    PostJson { reviewable_id: Some(0), ..post(p, author, topic, viewer, catalog) }
}

/// A post as returned by `GET /posts/{id}.json`, which adds its raw text.
pub fn post_with_raw(p: &Post, author: Option<&User>, topic: &Topic, viewer: &Viewer, catalog: &Catalog) -> PostJson {
    PostJson { raw: Some(p.raw.clone()), ..post(p, author, topic, viewer, catalog) }
}

/// `PUT /posts/{id}.json` answers the post under `post`.
#[derive(Serialize, Debug)]
pub struct PostEnvelope {
    pub post: PostJson,
}

/// `PUT /posts/{id}/locked.json`.
#[derive(Serialize, Debug)]
pub struct Locked {
    pub locked: bool,
}

/// `GET /posts.json`: the latest posts across topics.
#[derive(Serialize, Debug)]
pub struct LatestPosts {
    pub latest_posts: Vec<LatestPost>,
}

/// A post in the latest posts, with where it is and an excerpt.
#[derive(Serialize, Debug)]
pub struct LatestPost {
    #[serde(flatten)]
    pub post: PostJson,
    pub category_id: minga_core::CategoryId,
    pub topic_html_title: String,
    pub excerpt: String,
    pub truncated: bool,
}

impl LatestPost {
    pub fn of(post: PostJson, topic: &Topic) -> LatestPost {
        let excerpt = minga_core::cook::excerpt(&post.cooked, 300);
        LatestPost {
            category_id: topic.category_id,
            topic_html_title: super::fancy(&topic.title),
            truncated: excerpt.ends_with('…'),
            excerpt: super::excerpt_html(&excerpt),
            post,
        }
    }
}

/// A reply in `GET /posts/{id}/replies.json`, naming whom it answers.
#[derive(Serialize, Debug)]
pub struct ReplyPost {
    #[serde(flatten)]
    pub post: PostJson,
    pub reply_to_user: Option<ReplyToUser>,
}

#[derive(Serialize, Debug)]
pub struct ReplyToUser {
    pub username: String,
    pub name: String,
    pub avatar_template: String,
}

impl ReplyToUser {
    pub fn of(u: &User) -> ReplyToUser {
        ReplyToUser { username: u.username.clone(), name: u.name.clone(), avatar_template: avatar_template(&u.username) }
    }
}
