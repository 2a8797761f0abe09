//! Topics: in lists (`TopicListItem`), on their own (`TopicView`), and
//! the small answers of the topic actions.

use super::post::PostJson;
use super::{BasicUser, excerpt_html, fancy};
use crate::AppState;
use minga_core::time::iso;
use minga_core::{CategoryId, PostId, TopicId, UserId};
use minga_store::{Topic, User};
use serde::Serialize;
use std::collections::HashMap;

/// One of the people shown beside a topic in a list.
#[derive(Serialize, Debug, Clone)]
pub struct Poster {
    pub extras: String,
    pub description: String,
    pub user_id: UserId,
    pub primary_group_id: Option<i64>,
}

/// A topic in a list, as Discourse's `TopicListItemSerializer`.
#[derive(Serialize, Debug, Clone)]
pub struct TopicListItem {
    pub id: TopicId,
    pub title: String,
    pub fancy_title: String,
    pub slug: String,
    pub posts_count: i64,
    pub reply_count: i64,
    pub highest_post_number: i64,
    pub image_url: Option<String>,
    pub created_at: String,
    pub last_posted_at: String,
    pub bumped: bool,
    pub bumped_at: String,
    pub archetype: String,
    pub unseen: bool,
    pub pinned: bool,
    pub unpinned: Option<bool>,
    pub excerpt: String,
    pub visible: bool,
    pub closed: bool,
    pub archived: bool,
    pub bookmarked: Option<bool>,
    pub liked: Option<bool>,
    pub views: i64,
    pub like_count: i64,
    pub has_summary: bool,
    pub last_poster_username: String,
    pub category_id: CategoryId,
    pub op_like_count: i64,
    pub pinned_globally: bool,
    pub featured_link: Option<String>,
    pub posters: Vec<Poster>,
    /// What the signed-in reader has read of it (absent for visitors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_read_post_number: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread_posts: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_posts: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notification_level: Option<i64>,
}

pub fn topic_list_item(t: &Topic, users: &HashMap<UserId, User>, state: &AppState) -> TopicListItem {
    let username = |id: &UserId| users.get(id).map(|u| u.username.clone()).unwrap_or_default();
    let single = t.user_id == t.last_post_user_id;
    let mut posters = vec![Poster {
        extras: if single { "latest single" } else { "" }.into(),
        description: "Original Poster".into(),
        user_id: t.user_id,
        primary_group_id: None,
    }];
    if !single {
        posters.push(Poster { extras: "latest".into(), description: "Most Recent Poster".into(), user_id: t.last_post_user_id, primary_group_id: None });
    }
    let pinned = t.pinned(minga_core::time::now_ms());
    TopicListItem {
        id: t.id,
        title: t.title.clone(),
        fancy_title: fancy(&t.title),
        slug: t.slug.clone(),
        posts_count: t.posts_count,
        reply_count: (t.posts_count - 1).max(0),
        highest_post_number: t.highest_post_number,
        image_url: None,
        created_at: iso(t.created_at),
        last_posted_at: iso(t.last_posted_at),
        bumped: true,
        bumped_at: iso(t.bumped_at),
        archetype: "regular".into(),
        unseen: false,
        pinned,
        unpinned: None,
        excerpt: excerpt_html(&t.excerpt),
        visible: t.visible,
        closed: t.closed,
        archived: t.archived,
        bookmarked: Some(false),
        liked: Some(false),
        views: t.views + state.views.pending(t.id),
        like_count: 0,
        has_summary: false,
        last_poster_username: username(&t.last_post_user_id),
        category_id: t.category_id,
        op_like_count: 0,
        pinned_globally: pinned && t.pinned_globally,
        featured_link: None,
        posters,
        last_read_post_number: None,
        unread_posts: None,
        new_posts: None,
        notification_level: None,
    }
}

/// Discourse's `topic_list` envelope for `/latest`, `/top` and `/c/…`.
#[derive(Serialize, Debug)]
pub struct TopicListResponse {
    pub users: Vec<BasicUser>,
    pub primary_groups: Vec<String>,
    pub topic_list: TopicList,
}

#[derive(Serialize, Debug)]
pub struct TopicList {
    pub can_create_topic: bool,
    pub draft: Option<String>,
    pub draft_key: String,
    pub draft_sequence: i64,
    pub per_page: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub more_topics_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub for_period: Option<String>,
    pub topics: Vec<TopicListItem>,
}

/// Someone who posted in a topic, as its view lists them.
#[derive(Serialize, Debug)]
pub struct Participant {
    pub id: UserId,
    pub username: String,
    pub name: String,
    pub avatar_template: String,
    pub post_count: i64,
    pub primary_group_name: Option<String>,
    pub flair_name: Option<String>,
    pub flair_url: Option<String>,
    pub flair_color: Option<String>,
    pub flair_bg_color: Option<String>,
    pub flair_group_id: Option<i64>,
    pub admin: bool,
    pub moderator: bool,
    pub trust_level: i64,
}

#[derive(Serialize, Debug)]
pub struct PostStream {
    pub posts: Vec<PostJson>,
    pub stream: Vec<PostId>,
}

/// `/t/{id}/posts.json`.
#[derive(Serialize, Debug)]
pub struct TopicPosts {
    pub post_stream: SomePosts,
    pub id: TopicId,
}

#[derive(Serialize, Debug)]
pub struct SomePosts {
    pub posts: Vec<PostJson>,
}

/// What the reader may do with a topic, and who is in it.
#[derive(Serialize, Debug)]
pub struct TopicDetails {
    pub can_edit: bool,
    pub notification_level: i64,
    pub can_create_post: bool,
    pub can_reply_as_new_topic: bool,
    pub can_delete: bool,
    pub can_move_posts: bool,
    pub can_remove_allowed_users: bool,
    pub can_convert_topic: bool,
    pub can_review_topic: bool,
    pub can_close_topic: bool,
    pub can_archive_topic: bool,
    pub can_split_merge_topic: bool,
    pub can_edit_staff_notes: bool,
    pub can_toggle_topic_visibility: bool,
    pub can_pin_unpin_topic: bool,
    pub can_moderate_category: bool,
    pub can_remove_self_id: i64,
    pub participants: Vec<Participant>,
    pub created_by: Option<BasicUser>,
    pub last_poster: Option<BasicUser>,
}

/// `/t/{id}.json`, as Discourse's `TopicViewSerializer`.
#[derive(Serialize, Debug)]
pub struct TopicView {
    pub post_stream: PostStream,
    pub timeline_lookup: Vec<(i64, i64)>,
    pub suggested_topics: Vec<TopicListItem>,
    pub tags: Vec<String>,
    pub tags_descriptions: HashMap<String, String>,
    pub id: TopicId,
    pub title: String,
    pub fancy_title: String,
    pub posts_count: i64,
    pub created_at: String,
    pub views: i64,
    pub reply_count: i64,
    pub like_count: i64,
    pub last_posted_at: String,
    pub visible: bool,
    pub closed: bool,
    pub archived: bool,
    pub has_summary: bool,
    pub archetype: String,
    pub slug: String,
    pub category_id: CategoryId,
    pub word_count: Option<i64>,
    pub deleted_at: Option<String>,
    pub user_id: UserId,
    pub featured_link: Option<String>,
    pub pinned_globally: bool,
    pub pinned_at: Option<String>,
    pub pinned_until: Option<String>,
    pub image_url: Option<String>,
    pub slow_mode_seconds: i64,
    pub draft: Option<String>,
    pub draft_key: String,
    pub draft_sequence: i64,
    pub unpinned: Option<bool>,
    pub pinned: bool,
    pub current_post_number: i64,
    pub highest_post_number: i64,
    pub deleted_by: Option<BasicUser>,
    pub has_deleted: bool,
    pub actions_summary: Vec<super::post::ActionSummary>,
    pub chunk_size: i64,
    pub bookmarked: bool,
    pub bookmarks: Vec<i64>,
    pub topic_timer: Option<String>,
    pub message_bus_last_id: i64,
    pub participant_count: i64,
    pub show_read_indicator: bool,
    pub thumbnails: Option<String>,
    pub slow_mode_enabled_until: Option<String>,
    pub details: TopicDetails,
}

/// `PUT /t/-/{id}.json` answers the topic as it now stands.
#[derive(Serialize, Debug)]
pub struct BasicTopicResponse {
    pub basic_topic: BasicTopic,
}

#[derive(Serialize, Debug)]
pub struct BasicTopic {
    pub id: TopicId,
    pub title: String,
    pub fancy_title: String,
    pub slug: String,
    pub posts_count: i64,
}

impl BasicTopic {
    pub fn of(t: &Topic) -> BasicTopic {
        BasicTopic { id: t.id, title: t.title.clone(), fancy_title: fancy(&t.title), slug: t.slug.clone(), posts_count: t.posts_count }
    }
}

/// `PUT /t/{id}/status.json`.
#[derive(Serialize, Debug)]
pub struct StatusChanged {
    pub success: &'static str,
    pub topic_status_update: Option<String>,
}
