//! `/site.json`: what a client needs to know of the forum before it shows
//! anything, as Discourse's `SiteSerializer`.

use super::CategoryJson;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize, Debug)]
pub struct SiteJson {
    pub default_archetype: &'static str,
    pub notification_types: BTreeMap<&'static str, i64>,
    pub post_types: BTreeMap<&'static str, i64>,
    pub trust_levels: BTreeMap<&'static str, i64>,
    pub groups: Vec<SiteGroup>,
    pub filters: Vec<&'static str>,
    pub homepage_choices: Vec<HomepageChoice>,
    pub periods: Vec<&'static str>,
    pub top_menu_items: Vec<&'static str>,
    pub anonymous_top_menu_items: Vec<&'static str>,
    pub uncategorized_category_id: Option<i64>,
    pub user_field_max_length: i64,
    pub post_action_types: Vec<PostActionType>,
    /// Flags that apply to a whole topic: minga flags posts.
    pub topic_flag_types: Vec<PostActionType>,
    pub can_create_tag: bool,
    pub can_tag_topics: bool,
    pub can_tag_pms: bool,
    pub tags_filter_regexp: &'static str,
    pub top_tags: Vec<serde_json::Value>,
    pub can_associate_groups: bool,
    pub email_configured: bool,
    pub topic_featured_link_allowed_category_ids: Vec<i64>,
    pub user_themes: Vec<UserTheme>,
    pub user_color_schemes: Vec<serde_json::Value>,
    pub default_light_color_scheme: Option<serde_json::Value>,
    pub default_dark_color_scheme: Option<serde_json::Value>,
    pub censored_regexp: Vec<serde_json::Value>,
    pub custom_emoji_translation: BTreeMap<String, String>,
    pub watched_words_replace: Option<String>,
    pub watched_words_link: Option<String>,
    pub categories: Vec<SiteCategory>,
    pub archetypes: Vec<Archetype>,
    pub user_fields: Vec<serde_json::Value>,
    pub auth_providers: Vec<serde_json::Value>,
    pub full_name_required_for_signup: bool,
    pub full_name_visible_in_signup: bool,
}

#[derive(Serialize, Debug)]
pub struct SiteGroup {
    pub id: i64,
    pub name: String,
    pub full_name: String,
    pub display_name: String,
    pub flair_url: Option<String>,
    pub flair_bg_color: Option<String>,
    pub flair_color: Option<String>,
    pub automatic: bool,
}

#[derive(Serialize, Debug)]
pub struct HomepageChoice {
    pub name: &'static str,
    pub value: &'static str,
}

/// A flag, as `PostActionTypeSerializer`.
#[derive(Serialize, Debug)]
pub struct PostActionType {
    pub id: i64,
    pub name_key: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub short_description: &'static str,
    pub is_flag: bool,
    pub require_message: bool,
    pub enabled: bool,
    pub applies_to: Vec<&'static str>,
    pub is_used: bool,
    pub position: i64,
    pub auto_action_type: bool,
    pub system: bool,
}

#[derive(Serialize, Debug)]
pub struct UserTheme {
    pub theme_id: i64,
    pub name: &'static str,
    pub default: bool,
    pub color_scheme_id: Option<i64>,
}

#[derive(Serialize, Debug)]
pub struct Archetype {
    pub id: &'static str,
    pub name: &'static str,
    pub options: Vec<serde_json::Value>,
}

/// A category as the site lists it: tags are not offered in any.
#[derive(Serialize, Debug)]
pub struct SiteCategory {
    #[serde(flatten)]
    pub category: CategoryJson,
    pub allow_global_tags: bool,
}

/// Discourse's notification types, by the numbers its clients know.
pub const NOTIFICATION_TYPES: &[(&str, i64)] = &[
    ("mentioned", 1),
    ("replied", 2),
    ("quoted", 3),
    ("edited", 4),
    ("liked", 5),
    ("private_message", 6),
    ("invited_to_private_message", 7),
    ("invitee_accepted", 8),
    ("posted", 9),
    ("moved_post", 10),
    ("linked", 11),
    ("granted_badge", 12),
    ("invited_to_topic", 13),
    ("custom", 14),
    ("group_mentioned", 15),
    ("group_message_summary", 16),
    ("watching_first_post", 17),
    ("topic_reminder", 18),
    ("liked_consolidated", 19),
    ("post_approved", 20),
    ("code_review_commit_approved", 21),
    ("membership_request_accepted", 22),
    ("membership_request_consolidated", 23),
    ("bookmark_reminder", 24),
    ("reaction", 25),
    ("votes_released", 26),
    ("event_reminder", 27),
    ("event_invitation", 28),
    ("chat_mention", 29),
    ("chat_message", 30),
    ("chat_invitation", 31),
    ("chat_group_mention", 32),
    ("chat_quoted", 33),
    ("watching_category_or_tag", 36),
    ("new_features", 37),
    ("admin_problems", 38),
    ("linked_consolidated", 39),
    ("chat_watched_thread", 40),
];

pub fn post_action_types() -> Vec<PostActionType> {
    minga_core::flags::KINDS
        .iter()
        .enumerate()
        .map(|(i, k)| PostActionType {
            id: k.id,
            name_key: k.key,
            name: k.name,
            description: k.description,
            short_description: k.description,
            is_flag: true,
            require_message: k.require_message,
            enabled: true,
            applies_to: vec!["Post"],
            is_used: false,
            position: i as i64,
            auto_action_type: false,
            system: true,
        })
        .collect()
}
