//! People as Discourse shows them: the basic shape every list carries,
//! the one a person sees of themselves, a profile (`UserSerializer`), a
//! person's e-mail addresses, their activity stream and the directory.
//! Fields minga has no such thing for carry Discourse's neutral values.

use super::avatar_template;
use minga_core::{UserId, perm};
use minga_core::time::iso;
use super::group::BasicGroup;
use minga_store::{PersonStats, User};
use serde::Serialize;
use serde_json::{Map, Value};

/// `BasicUserSerializer`.
#[derive(Serialize, Debug, Clone)]
pub struct BasicUser {
    pub id: UserId,
    pub username: String,
    pub name: String,
    pub avatar_template: String,
}

impl BasicUser {
    pub fn of(u: &User) -> BasicUser {
        BasicUser { id: u.id, username: u.username.clone(), name: u.name.clone(), avatar_template: avatar_template(&u.username) }
    }
}

/// The basic shape as a JSON value, for shapes that extend it.
pub fn basic_user(u: &User) -> Value {
    serde_json::to_value(BasicUser::of(u)).unwrap_or(Value::Null)
}

/// `CurrentUserSerializer`, the fields minga has.
#[derive(Serialize, Debug)]
pub struct CurrentUser {
    #[serde(flatten)]
    pub basic: BasicUser,
    pub admin: bool,
    pub moderator: bool,
    pub staff: bool,
    pub trust_level: i64,
    pub can_create_topic: bool,
    pub timezone: String,
    pub unread_notifications: i64,
    pub unread_high_priority_notifications: i64,
    pub all_unread_notifications_count: i64,
}

impl CurrentUser {
    pub fn of(u: &User) -> CurrentUser {
        CurrentUser {
            basic: BasicUser::of(u),
            admin: u.admin,
            moderator: u.moderator,
            staff: u.admin || u.moderator,
            trust_level: u.trust_level,
            can_create_topic: perm::can_create_topic(Some(&u.actor_with(Vec::new()))),
            timezone: u.timezone.clone(),
            unread_notifications: u.unread_notifications,
            unread_high_priority_notifications: 0,
            all_unread_notifications_count: u.unread_notifications,
        }
    }
}

/// A membership, as `GroupUserSerializer` sends it.
#[derive(Serialize, Debug)]
pub struct GroupUser {
    pub group_id: i64,
    pub user_id: i64,
    pub notification_level: i64,
    pub owner: bool,
}

/// A session, as `UserAuthTokenSerializer` sends it to its owner.
#[derive(Serialize, Debug)]
pub struct UserAuthToken {
    pub id: i64,
    pub client_ip: String,
    /// minga does not look addresses up in a location database.
    pub location: String,
    pub browser: String,
    pub device: String,
    pub os: String,
    pub icon: String,
    pub created_at: String,
    pub seen_at: String,
    pub is_active: bool,
}

impl UserAuthToken {
    pub fn of(s: &minga_store::Session) -> UserAuthToken {
        let (browser, os) = match crate::auth::device(&s.user_agent) {
            (Some(b), s) => (b.to_string(), s.unwrap_or_default().to_string()),
            (None, Some(s)) => (s.to_string(), String::new()),
            (None, None) => (crate::auth::describe_device(crate::i18n::Locale::En, &s.user_agent), String::new()),
        };
        let icon = match browser.as_str() {
            "Firefox" => "fab-firefox",
            "Chrome" | "Chromium" => "fab-chrome",
            "Safari" => "fab-safari",
            "Edge" => "fab-edge",
            "Opera" => "fab-opera",
            _ => "globe",
        };
        UserAuthToken {
            id: s.id,
            client_ip: s.ip.clone(),
            location: String::new(),
            device: os.clone(),
            browser,
            os,
            icon: icon.into(),
            created_at: iso(s.created_at),
            seen_at: iso(s.last_seen_at.unwrap_or(s.created_at)),
            is_active: s.current,
        }
    }
}

/// `UserOptionSerializer`: Discourse's defaults, with the person's time zone.
#[derive(Serialize, Debug)]
pub struct UserOption {
    pub user_id: i64,
    pub mailing_list_mode: bool,
    pub mailing_list_mode_frequency: i64,
    pub email_digests: bool,
    pub email_level: i64,
    pub email_messages_level: i64,
    pub external_links_in_new_tab: bool,
    pub bookmark_auto_delete_preference: i64,
    pub color_scheme_id: Option<String>,
    pub dark_scheme_id: Option<String>,
    pub dynamic_favicon: bool,
    pub enable_quoting: bool,
    pub enable_smart_lists: bool,
    pub enable_markdown_monospace_font: bool,
    pub digest_after_minutes: i64,
    pub automatically_unpin_topics: bool,
    pub auto_track_topics_after_msecs: i64,
    pub notification_level_when_replying: i64,
    pub new_topic_duration_minutes: i64,
    pub email_previous_replies: i64,
    pub email_in_reply_to: bool,
    pub like_notification_frequency: i64,
    pub notify_on_linked_posts: bool,
    pub push_notification_level: String,
    pub enable_upcoming_change_available_notifications: bool,
    pub include_tl0_in_digests: bool,
    pub theme_ids: Vec<i64>,
    pub theme_key_seq: i64,
    pub allow_private_messages: bool,
    pub enable_allowed_pm_users: bool,
    pub homepage_id: Option<String>,
    pub hide_profile_and_presence: bool,
    pub hide_profile: bool,
    pub hide_presence: bool,
    pub text_size: String,
    pub text_size_seq: i64,
    pub title_count_mode: String,
    pub timezone: Option<String>,
    pub skip_new_user_tips: bool,
    pub default_calendar: String,
    pub oldest_search_log_date: Option<String>,
    pub sidebar_link_to_filtered_list: bool,
    pub sidebar_show_count_of_new_items: bool,
    pub watched_precedence_over_muted: bool,
    pub seen_popups: Option<Vec<i64>>,
    pub topics_unread_when_closed: bool,
    pub composition_mode: i64,
    pub interface_color_mode: i64,
    pub automatically_translate: bool,
    pub understood_languages: Vec<String>,
    pub show_original_content: bool,
    pub send_shortcut: String,
}

impl UserOption {
    pub fn of(u: &User) -> UserOption {
        UserOption {
            user_id: u.id.0,
            mailing_list_mode: false,
            mailing_list_mode_frequency: 1,
            email_digests: true,
            email_level: 1,
            email_messages_level: 0,
            external_links_in_new_tab: false,
            bookmark_auto_delete_preference: 3,
            color_scheme_id: None,
            dark_scheme_id: None,
            dynamic_favicon: false,
            enable_quoting: true,
            enable_smart_lists: true,
            enable_markdown_monospace_font: true,
            digest_after_minutes: 10080,
            automatically_unpin_topics: true,
            auto_track_topics_after_msecs: 240000,
            notification_level_when_replying: u.notification_level_when_replying,
            new_topic_duration_minutes: 2880,
            email_previous_replies: 2,
            email_in_reply_to: false,
            like_notification_frequency: 1,
            notify_on_linked_posts: true,
            push_notification_level: "always".into(),
            enable_upcoming_change_available_notifications: false,
            include_tl0_in_digests: false,
            theme_ids: Vec::new(),
            theme_key_seq: 0,
            // minga has no private messages yet.
            allow_private_messages: false,
            enable_allowed_pm_users: false,
            homepage_id: None,
            hide_profile_and_presence: false,
            hide_profile: false,
            hide_presence: false,
            text_size: "normal".into(),
            text_size_seq: 0,
            title_count_mode: "notifications".into(),
            timezone: Some(u.timezone.clone()).filter(|z| !z.is_empty()),
            skip_new_user_tips: false,
            default_calendar: "none_selected".into(),
            oldest_search_log_date: None,
            sidebar_link_to_filtered_list: false,
            sidebar_show_count_of_new_items: false,
            watched_precedence_over_muted: false,
            seen_popups: None,
            topics_unread_when_closed: true,
            composition_mode: 0,
            interface_color_mode: 1,
            automatically_translate: false,
            understood_languages: Vec::new(),
            show_original_content: false,
            send_shortcut: "enter".into(),
        }
    }
}

/// `UserNotificationScheduleSerializer`: off, 8:00 to 17:00 each day.
#[derive(Serialize, Debug)]
pub struct NotificationSchedule {
    pub enabled: bool,
    pub day_0_start_time: i64,
    pub day_0_end_time: i64,
    pub day_1_start_time: i64,
    pub day_1_end_time: i64,
    pub day_2_start_time: i64,
    pub day_2_end_time: i64,
    pub day_3_start_time: i64,
    pub day_3_end_time: i64,
    pub day_4_start_time: i64,
    pub day_4_end_time: i64,
    pub day_5_start_time: i64,
    pub day_5_end_time: i64,
    pub day_6_start_time: i64,
    pub day_6_end_time: i64,
}

impl Default for NotificationSchedule {
    fn default() -> Self {
        let (s, e) = (480, 1020);
        NotificationSchedule {
            enabled: false,
            day_0_start_time: s,
            day_0_end_time: e,
            day_1_start_time: s,
            day_1_end_time: e,
            day_2_start_time: s,
            day_2_end_time: e,
            day_3_start_time: s,
            day_3_end_time: e,
            day_4_start_time: s,
            day_4_end_time: e,
            day_5_start_time: s,
            day_5_end_time: e,
            day_6_start_time: s,
            day_6_end_time: e,
        }
    }
}

/// A topic a person features on their profile (none yet in minga).
#[derive(Serialize, Debug)]
pub struct FeaturedTopic {
    pub id: i64,
    pub title: String,
    pub fancy_title: String,
    pub slug: String,
    pub posts_count: i64,
}

/// What the reader may do with a profile, decided by `perm`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProfileRights {
    pub can_edit: bool,
    pub can_be_deleted: bool,
}

/// `UserSerializer`: a profile, `GET /u/{username}.json`.
#[derive(Serialize, Debug)]
pub struct UserDetailed {
    #[serde(flatten)]
    pub basic: BasicUser,
    pub last_posted_at: Option<String>,
    pub last_seen_at: Option<String>,
    pub created_at: String,
    pub ignored: bool,
    pub muted: bool,
    pub can_ignore_user: bool,
    pub can_ignore_users: bool,
    pub can_mute_user: bool,
    pub can_mute_users: bool,
    pub can_send_private_messages: bool,
    pub can_send_private_message_to_user: bool,
    pub trust_level: i64,
    pub moderator: bool,
    pub admin: bool,
    pub title: Option<String>,
    pub badge_count: i64,
    pub custom_fields: Map<String, Value>,
    pub time_read: i64,
    pub recent_time_read: i64,
    pub primary_group_id: Option<i64>,
    pub primary_group_name: Option<String>,
    pub flair_group_id: Option<i64>,
    pub flair_name: Option<String>,
    pub flair_url: Option<String>,
    pub flair_bg_color: Option<String>,
    pub flair_color: Option<String>,
    pub featured_topic: Option<FeaturedTopic>,
    pub staged: bool,
    pub can_edit: bool,
    pub can_edit_username: bool,
    pub can_edit_email: bool,
    pub can_edit_name: bool,
    pub uploaded_avatar_id: Option<i64>,
    pub has_title_badges: bool,
    pub pending_count: i64,
    pub pending_posts_count: i64,
    pub profile_view_count: i64,
    pub second_factor_enabled: bool,
    pub second_factor_backup_enabled: bool,
    pub can_upload_profile_header: bool,
    pub can_upload_user_card_background: bool,
    pub post_count: i64,
    pub topic_count: i64,
    pub can_be_deleted: bool,
    pub can_delete_all_posts: bool,
    pub locale: Option<String>,
    pub muted_category_ids: Vec<i64>,
    pub regular_category_ids: Vec<i64>,
    pub watched_tags: Vec<String>,
    pub watching_first_post_tags: Vec<String>,
    pub tracked_tags: Vec<String>,
    pub muted_tags: Vec<String>,
    pub tracked_category_ids: Vec<i64>,
    pub watched_category_ids: Vec<i64>,
    pub watched_first_post_category_ids: Vec<i64>,
    pub system_avatar_upload_id: Option<String>,
    pub system_avatar_template: String,
    pub muted_usernames: Vec<String>,
    pub ignored_usernames: Vec<String>,
    pub allowed_pm_usernames: Vec<String>,
    pub mailing_list_posts_per_day: i64,
    pub can_change_bio: bool,
    pub can_change_location: bool,
    pub can_change_website: bool,
    pub can_change_tracking_preferences: bool,
    pub user_api_keys: Option<String>,
    pub user_auth_tokens: Vec<UserAuthToken>,
    pub user_notification_schedule: NotificationSchedule,
    pub use_logo_small_as_avatar: bool,
    pub featured_user_badge_ids: Vec<i64>,
    pub invited_by: Option<String>,
    pub groups: Vec<BasicGroup>,
    pub group_users: Vec<GroupUser>,
    pub user_option: UserOption,
    // minga's own: the profile's text and the person's time zone.
    pub bio_raw: String,
    pub bio_cooked: String,
    pub location: String,
    pub website: String,
    pub timezone: String,
}

/// Reading time counts as recent when they read within this many days
/// (Discourse's 60); minga keeps totals only, not a history.
const RECENT_DAYS: i64 = 60;

impl UserDetailed {
    #[allow(clippy::too_many_arguments)]
    pub fn of(
        u: &User,
        stats: &PersonStats,
        rights: ProfileRights,
        primary_group_name: Option<String>,
        groups: Vec<BasicGroup>,
        group_users: Vec<GroupUser>,
        sessions: Vec<UserAuthToken>,
        now: i64,
    ) -> UserDetailed {
        let today = now / 86_400_000;
        let recent = stats.last_visit_day.is_some_and(|d| today - d <= RECENT_DAYS);
        let can = rights.can_edit;
        UserDetailed {
            basic: BasicUser::of(u),
            last_posted_at: stats.last_posted_at.map(iso),
            last_seen_at: u.last_seen_at.map(iso),
            created_at: iso(u.created_at),
            ignored: false,
            muted: false,
            can_ignore_user: false,
            can_ignore_users: false,
            can_mute_user: false,
            can_mute_users: false,
            can_send_private_messages: false,
            can_send_private_message_to_user: false,
            trust_level: u.trust_level,
            moderator: u.moderator,
            admin: u.admin,
            title: None,
            badge_count: 0,
            custom_fields: Map::new(),
            time_read: stats.time_read_secs,
            recent_time_read: if recent { stats.time_read_secs } else { 0 },
            primary_group_id: u.primary_group_id,
            primary_group_name,
            flair_group_id: None,
            flair_name: None,
            flair_url: None,
            flair_bg_color: None,
            flair_color: None,
            featured_topic: None,
            staged: false,
            can_edit: can,
            can_edit_username: can,
            can_edit_email: can,
            can_edit_name: can,
            uploaded_avatar_id: None,
            has_title_badges: false,
            pending_count: 0,
            pending_posts_count: 0,
            profile_view_count: 0,
            second_factor_enabled: false,
            second_factor_backup_enabled: false,
            can_upload_profile_header: false,
            can_upload_user_card_background: false,
            post_count: stats.post_count,
            topic_count: stats.topic_count,
            can_be_deleted: rights.can_be_deleted,
            can_delete_all_posts: false,
            locale: None,
            muted_category_ids: Vec::new(),
            regular_category_ids: Vec::new(),
            watched_tags: Vec::new(),
            watching_first_post_tags: Vec::new(),
            tracked_tags: Vec::new(),
            muted_tags: Vec::new(),
            tracked_category_ids: Vec::new(),
            watched_category_ids: Vec::new(),
            watched_first_post_category_ids: Vec::new(),
            system_avatar_upload_id: None,
            system_avatar_template: avatar_template(&u.username),
            muted_usernames: Vec::new(),
            ignored_usernames: Vec::new(),
            allowed_pm_usernames: Vec::new(),
            mailing_list_posts_per_day: 0,
            can_change_bio: can,
            can_change_location: can,
            can_change_website: can,
            can_change_tracking_preferences: can,
            user_api_keys: None,
            user_auth_tokens: sessions,
            user_notification_schedule: NotificationSchedule::default(),
            use_logo_small_as_avatar: false,
            featured_user_badge_ids: Vec::new(),
            invited_by: None,
            groups,
            group_users,
            user_option: UserOption::of(u),
            bio_raw: u.bio_raw.clone(),
            bio_cooked: super::cooked_text(&u.bio_raw),
            location: u.location.clone(),
            website: u.website.clone(),
            timezone: u.timezone.clone(),
        }
    }
}

/// `GET /u/{username}.json`.
#[derive(Serialize, Debug)]
pub struct UserProfile {
    pub user_badges: Vec<Value>,
    pub user: UserDetailed,
}

/// `PUT /u/{username}.json`.
#[derive(Serialize, Debug)]
pub struct UserUpdated {
    pub success: &'static str,
    pub user: BasicUser,
}

/// `POST /users.json`.
#[derive(Serialize, Debug)]
pub struct UserCreated {
    pub success: bool,
    pub active: bool,
    pub approved: bool,
    pub message: String,
    pub user_id: i64,
}

/// `GET /u/{username}/emails.json`.
#[derive(Serialize, Debug)]
pub struct UserEmails {
    pub email: String,
    pub secondary_emails: Vec<String>,
    pub unconfirmed_emails: Vec<String>,
    pub associated_accounts: Vec<Value>,
}

/// One entry of `GET /user_actions.json` (`UserActionSerializer`).
#[derive(Serialize, Debug)]
pub struct UserActionJson {
    pub excerpt: String,
    pub action_type: i64,
    pub created_at: String,
    pub avatar_template: String,
    pub acting_avatar_template: String,
    pub slug: String,
    pub topic_id: i64,
    pub target_user_id: i64,
    pub target_name: Option<String>,
    pub target_username: String,
    pub post_number: i64,
    pub post_id: Option<i64>,
    pub username: String,
    pub name: Option<String>,
    pub user_id: i64,
    pub acting_username: String,
    pub acting_name: Option<String>,
    pub acting_user_id: i64,
    pub title: String,
    pub deleted: bool,
    pub hidden: Option<bool>,
    pub post_type: Option<i64>,
    pub action_code: Option<String>,
    pub category_id: i64,
    pub closed: bool,
    pub archived: bool,
}

impl UserActionJson {
    /// `a` by `actor`, on a topic started by `topic_author`.
    pub fn of(a: &minga_store::UserAction, actor: &User, topic_author: &User) -> UserActionJson {
        UserActionJson {
            excerpt: super::excerpt_html(&minga_core::cook::excerpt(&a.cooked, 300)),
            action_type: a.action_type,
            created_at: iso(a.created_at),
            avatar_template: avatar_template(&topic_author.username),
            acting_avatar_template: avatar_template(&actor.username),
            slug: a.slug.clone(),
            topic_id: a.topic_id,
            target_user_id: topic_author.id.0,
            target_name: Some(topic_author.name.clone()),
            target_username: topic_author.username.clone(),
            post_number: a.post_number,
            post_id: Some(a.post_id),
            username: topic_author.username.clone(),
            name: Some(topic_author.name.clone()),
            user_id: topic_author.id.0,
            acting_username: actor.username.clone(),
            acting_name: Some(actor.name.clone()),
            acting_user_id: actor.id.0,
            title: a.title.clone(),
            deleted: false,
            hidden: Some(false),
            post_type: Some(1),
            action_code: None,
            category_id: a.category_id,
            closed: false,
            archived: false,
        }
    }
}

#[derive(Serialize, Debug)]
pub struct UserActions {
    pub user_actions: Vec<UserActionJson>,
}

/// The person in a directory row.
#[derive(Serialize, Debug)]
pub struct DirectoryUser {
    #[serde(flatten)]
    pub basic: BasicUser,
    pub title: Option<String>,
}

/// `DirectoryItemSerializer`.
#[derive(Serialize, Debug)]
pub struct DirectoryItem {
    pub id: i64,
    pub likes_received: i64,
    pub likes_given: i64,
    pub topics_entered: i64,
    pub topic_count: i64,
    pub post_count: i64,
    pub posts_read: i64,
    pub days_visited: i64,
    pub user: DirectoryUser,
}

impl DirectoryItem {
    pub fn of(u: &User, s: &PersonStats) -> DirectoryItem {
        DirectoryItem {
            id: u.id.0,
            likes_received: 0,
            likes_given: 0,
            topics_entered: s.topics_entered,
            topic_count: s.topic_count,
            post_count: s.post_count,
            posts_read: s.posts_read,
            days_visited: s.days_visited,
            user: DirectoryUser { basic: BasicUser::of(u), title: None },
        }
    }
}

#[derive(Serialize, Debug)]
pub struct DirectoryMeta {
    pub last_updated_at: Option<String>,
    pub total_rows_directory_items: i64,
    pub load_more_directory_items: String,
}

/// `GET /directory_items.json`.
#[derive(Serialize, Debug)]
pub struct Directory {
    pub directory_items: Vec<DirectoryItem>,
    pub meta: DirectoryMeta,
}

/// `{"success": "OK"}`.
#[derive(Serialize, Debug)]
pub struct Success {
    pub success: &'static str,
}

pub const OK: Success = Success { success: "OK" };

/// `POST /session.json` when it works: the person, as they see themselves.
#[derive(Serialize, Debug)]
pub struct LoggedIn {
    pub user: CurrentUser,
}

/// `POST /session.json` when it does not (status 200, as Discourse).
#[derive(Serialize, Debug)]
pub struct LogInFailed {
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}

/// `GET /session/current.json`.
#[derive(Serialize, Debug)]
pub struct Current {
    pub current_user: CurrentUser,
}

/// `GET /session/csrf.json`.
#[derive(Serialize, Debug)]
pub struct Csrf {
    pub csrf: String,
}

/// `GET /session/hp.json`.
#[derive(Serialize, Debug)]
pub struct Honeypot {
    pub value: String,
    pub challenge: String,
}

/// `PUT /u/{username}/preferences/username.json`.
#[derive(Serialize, Debug)]
pub struct UsernameChanged {
    pub id: i64,
    pub username: String,
}
