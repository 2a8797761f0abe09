//! Notifications, as Discourse's `NotificationSerializer` sends them.

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
    pub fn of(n: &Notification) -> NotificationJson {
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
                display_username: n.actor_username.clone(),
                group_name: (!n.data.is_empty()).then(|| n.data.clone()),
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
