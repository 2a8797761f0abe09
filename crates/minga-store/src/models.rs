//! What the store reads and writes. Times are milliseconds since the epoch.

use crate::db::row_struct;
use minga_core::perm::Actor;
use minga_core::{CategoryId, PostId, TopicId, UserId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub name: String,
    pub email: String,
    pub admin: bool,
    pub moderator: bool,
    pub trust_level: i64,
    pub bio_raw: String,
    pub location: String,
    pub website: String,
    pub timezone: String,
    pub created_at: i64,
    pub last_seen_at: Option<i64>,
    pub primary_group_id: Option<i64>,
    /// False while waiting in the approval queue.
    pub approved: bool,
    pub suspended_till: Option<i64>,
    pub suspend_reason: String,
    pub silenced_till: Option<i64>,
    /// False once staff deactivate the account: it cannot log in.
    pub active: bool,
    /// The interface language they chose (`en`, `es`); empty: their browser's.
    pub locale: String,
    /// The colours they chose (`light`, `dark`); empty: their device's.
    pub theme: String,
    /// Notifications they have not read.
    pub unread_notifications: i64,
    /// Topics started before this are not new to them ("dismiss new").
    pub new_since: i64,
    /// The level a topic takes when they reply to it (1 normal, 2
    /// tracking, 3 watching), unless they chose one for it before.
    pub notification_level_when_replying: i64,
    /// When notifications come by mail (`EmailLevel`, Discourse's ids:
    /// 0 always, 1 only when away, 2 never).
    pub email_level: i64,
    /// How often a summary comes by mail, in minutes (0: never).
    pub digest_after_minutes: i64,
    pub last_digest_at: Option<i64>,
    /// Every post they may see comes by mail.
    pub mailing_list_mode: bool,
}

row_struct!(User {
    id,
    username,
    name,
    email,
    admin,
    moderator,
    trust_level,
    bio_raw,
    location,
    website,
    timezone,
    created_at,
    last_seen_at,
    primary_group_id,
    approved,
    suspended_till,
    suspend_reason,
    silenced_till,
    active,
    locale,
    theme,
    unread_notifications,
    new_since,
    notification_level_when_replying,
    email_level,
    digest_after_minutes,
    last_digest_at,
    mailing_list_mode,
});

impl User {
    /// The person as permissions see them, given their explicit groups.
    pub fn actor_with(&self, groups: Vec<i64>) -> Actor {
        Actor {
            id: self.id,
            admin: self.admin,
            moderator: self.moderator,
            trust_level: self.trust_level,
            silenced: self.silenced_at(minga_core::time::now_ms()),
            groups,
        }
    }

    pub fn suspended_at(&self, now: i64) -> bool {
        self.suspended_till.is_some_and(|t| t > now)
    }

    pub fn silenced_at(&self, now: i64) -> bool {
        self.silenced_till.is_some_and(|t| t > now)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    pub id: CategoryId,
    pub name: String,
    pub slug: String,
    pub color: String,
    pub text_color: String,
    pub description: String,
    pub position: i64,
    pub topic_count: i64,
    pub post_count: i64,
    pub created_at: i64,
    /// The top-level category this one sits under.
    pub parent_category_id: Option<i64>,
}

row_struct!(Category { id, name, slug, color, text_color, description, position, topic_count, post_count, created_at, parent_category_id });

/// Live, listed topics a category gained in each of Discourse's periods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TopicCounts {
    pub category_id: CategoryId,
    pub day: i64,
    pub week: i64,
    pub month: i64,
    pub year: i64,
    pub all_time: i64,
}

row_struct!(TopicCounts { category_id, day, week, month, year, all_time });

/// The editable fields of a category.
#[derive(Clone, Debug, Default)]
pub struct CategoryForm {
    pub name: String,
    pub slug: String,
    pub color: String,
    pub text_color: String,
    pub description: String,
    pub position: Option<i64>,
    /// Which groups may do what; `None` keeps the current grants (or, for
    /// a new category, opens it to everyone).
    pub grants: Option<Vec<(i64, minga_core::perm::Permission)>>,
    /// The top-level category this one sits under, if any.
    pub parent: Option<CategoryId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topic {
    pub id: TopicId,
    pub title: String,
    pub slug: String,
    pub category_id: CategoryId,
    pub user_id: UserId,
    pub excerpt: String,
    pub created_at: i64,
    pub bumped_at: i64,
    pub last_posted_at: i64,
    pub last_post_user_id: UserId,
    pub highest_post_number: i64,
    pub posts_count: i64,
    pub views: i64,
    pub deleted_at: Option<i64>,
    /// Takes no replies, except from staff.
    pub closed: bool,
    /// Takes no replies and no edits.
    pub archived: bool,
    /// False when unlisted: left out of lists, still reachable by link.
    pub visible: bool,
    /// When pinned (first in its category's list), if it is.
    pub pinned_at: Option<i64>,
    /// Pinned first in `/latest` too.
    pub pinned_globally: bool,
    pub pinned_until: Option<i64>,
}

row_struct!(Topic {
    id, title, slug, category_id, user_id, excerpt, created_at, bumped_at, last_posted_at,
    last_post_user_id, highest_post_number, posts_count, views, deleted_at,
    closed, archived, visible, pinned_at, pinned_globally, pinned_until,
});

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Post {
    pub id: PostId,
    pub topic_id: TopicId,
    pub post_number: i64,
    pub user_id: UserId,
    pub raw: String,
    pub cooked: String,
    pub reply_to_post_number: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    pub deleted_at: Option<i64>,
    /// Hidden after flags from several people, until staff decide.
    pub hidden: bool,
    /// Staff locked it against its author's edits.
    pub locked: bool,
}

row_struct!(Post {
    id, topic_id, post_number, user_id, raw, cooked, reply_to_post_number, created_at, updated_at,
    version, deleted_at, hidden, locked,
});

/// A post with the title and slug of its topic, for activity lists.
#[derive(Clone, Debug)]
pub struct PostInTopic {
    pub post: Post,
    pub topic_title: String,
    pub topic_slug: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    pub version: i64,
    pub raw: String,
    pub user_id: UserId,
    pub created_at: i64,
}

/// Site-wide totals for `/about.json`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Totals {
    pub users: i64,
    pub topics: i64,
    pub posts: i64,
}

/// The profile fields a person edits about themselves.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    pub name: String,
    pub bio_raw: String,
    pub location: String,
    pub website: String,
    pub timezone: String,
    pub locale: String,
    /// Empty (as the device prefers), `light` or `dark`.
    pub theme: String,
}

/// What a fetched page says about itself, for external oneboxes. A failed
/// fetch is remembered too (`ok` false) so it is not retried at once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OneboxCard {
    pub url: String,
    pub ok: bool,
    pub site_name: String,
    pub title: String,
    pub description: String,
    pub image: String,
    pub fetched_at: i64,
}

row_struct!(Revision { version, raw, user_id, created_at });
row_struct!(OneboxCard { url, ok, site_name, title, description, image, fetched_at });

impl Topic {
    /// What permissions ask of a topic's state.
    pub fn state(&self) -> minga_core::perm::TopicState {
        minga_core::perm::TopicState { author: self.user_id, closed: self.closed, archived: self.archived, posts_count: self.posts_count }
    }

    /// Pinned now (a pin with an end lapses by itself).
    pub fn pinned(&self, now: i64) -> bool {
        self.pinned_at.is_some() && self.pinned_until.is_none_or(|u| u > now)
    }
}
