//! Notifications, as Discourse's `NotificationSerializer` sends them.

use crate::i18n::{self, Locale};
use minga_core::Text;
use minga_core::notify::Kind;
use minga_core::time::iso;
use minga_store::Notification;
use serde::Serialize;

#[derive(Serialize, Debug)]
pub struct NotificationData {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_post_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_post_type: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    /// How many posts a folded notification (replies, watched posts)
    /// stands for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct NotificationJson {
    pub id: i64,
    pub user_id: i64,
    pub external_id: Option<String>,
    pub notification_type: i64,
    pub read: bool,
    pub high_priority: bool,
    pub created_at: String,
    pub post_number: Option<i64>,
    pub topic_id: Option<i64>,
    pub fancy_title: Option<String>,
    pub slug: Option<String>,
    pub data: NotificationData,
}

impl NotificationJson {
    /// A folded notification's `display_username` says how many posts it
    /// stands for ("3 replies"), in the reader's language, as Discourse's.
    pub fn of(n: &Notification, locale: Locale) -> NotificationJson {
        let folds = Kind::from_id(n.notification_type).is_some_and(Kind::folds);
        let display = match Kind::from_id(n.notification_type) {
            Some(k) if k.folds() && n.replies > 1 => Some(i18n::say(locale, &Text::key("notification-replies").with("count", n.replies))),
            _ => n.actor_username.clone(),
        };
        NotificationJson {
            id: n.id,
            user_id: n.user_id.0,
            external_id: None,
            notification_type: n.notification_type,
            read: n.read,
            high_priority: false,
            created_at: iso(n.created_at),
            post_number: n.post_number,
            topic_id: n.topic_id.map(|t| t.0),
            fancy_title: n.topic_title.as_deref().map(super::fancy),
            slug: n.topic_slug.clone(),
            data: NotificationData {
                topic_title: n.topic_title.clone(),
                original_post_id: n.post_id,
                original_post_type: n.post_id.map(|_| 1),
                original_username: n.actor_username.clone(),
                display_username: display,
                group_name: (!n.data.is_empty()).then(|| n.data.clone()),
                count: folds.then_some(n.replies),
                username: n.actor_username.clone(),
            },
        }
    }
}

#[derive(Serialize, Debug)]
pub struct Notifications {
    pub notifications: Vec<NotificationJson>,
    pub total_rows_notifications: i64,
    pub seen_notification_id: i64,
    pub load_more_notifications: String,
}
