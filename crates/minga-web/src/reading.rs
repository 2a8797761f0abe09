//! What a signed-in reader has read: counts beside topics in lists, the
//! `/new` and `/unread` lists, dismissing them, and the timings Discourse's
//! clients send as people read.

use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppResult;
use minga_core::TopicId;
use minga_core::notify::{self, Level};
use minga_store::Topic;
use std::collections::HashMap;

/// One topic as a reader has read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    pub last_read: i64,
    pub level: Level,
    /// Posts after the last one read, counted for tracked and watched topics.
    pub unread: i64,
    /// Not opened yet, and started recently.
    pub new: bool,
}

/// The reader's state for each topic in a list (empty for visitors).
pub async fn of(
    state: &AppState,
    viewer: &Viewer,
    topics: &[Topic],
) -> AppResult<HashMap<TopicId, Reading>> {
    let Some(user) = &viewer.user else {
        return Ok(HashMap::new());
    };
    let ids: Vec<TopicId> = topics.iter().map(|t| t.id).collect();
    let (rows, categories) = state.store.topic_users_for(user.id, &ids).await?;
    let now = minga_core::time::now_ms();
    Ok(topics
        .iter()
        .map(|t| {
            let row = rows.iter().find(|(id, _, _)| *id == t.id);
            let last_read = row.map(|r| r.1).unwrap_or(0);
            let category = categories
                .iter()
                .find(|(c, _)| *c == t.category_id)
                .map(|(_, l)| *l);
            let level = notify::effective_level(row.and_then(|r| r.2), category);
            let tracked = matches!(level, Level::Tracking | Level::Watching);
            let unread = if tracked && last_read > 0 {
                (t.highest_post_number - last_read).max(0)
            } else {
                0
            };
            let new = last_read == 0
                && level != Level::Muted
                && t.created_at > now - minga_store::NEW_FOR_MS
                && t.created_at > user.new_since;
            (
                t.id,
                Reading {
                    last_read,
                    level,
                    unread,
                    new,
                },
            )
        })
        .collect())
}

/// Puts the reader's state into topic list JSON.
pub fn into_json(items: &mut [crate::json::TopicListItem], reading: &HashMap<TopicId, Reading>) {
    for item in items {
        if let Some(r) = reading.get(&item.id) {
            item.last_read_post_number = Some(r.last_read).filter(|n| *n > 0);
            item.unread_posts = Some(r.unread);
            item.new_posts = Some(r.unread);
            item.unseen = r.new;
            item.notification_level = Some(r.level.id());
        }
    }
}

/// Puts the reader's state into a page's topic rows (same order as `topics`).
pub fn into_rows(
    rows: &mut [crate::pages::TopicRow],
    topics: &[Topic],
    reading: &HashMap<TopicId, Reading>,
) {
    for (row, t) in rows.iter_mut().zip(topics) {
        if let Some(r) = reading.get(&t.id) {
            row.unread = r.unread;
            row.new = r.new;
        }
    }
}
