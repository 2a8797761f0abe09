//! Groups as Discourse's `BasicGroupSerializer` and `GroupShowSerializer`
//! send them, and their members (`GroupUserSerializer`).

use super::{avatar_template, cooked_text, excerpt_html};
use crate::auth::Viewer;
use minga_core::perm::{self, JoinMode};
use minga_core::time::iso;
use minga_store::{Group, Member};
use serde::Serialize;

/// `BasicGroupSerializer`: a group in lists, in a person's profile, and
/// as the base of a group's own page.
#[derive(Serialize, Debug, Clone)]
pub struct BasicGroup {
    pub id: i64,
    pub automatic: bool,
    pub name: String,
    pub display_name: String,
    pub user_count: i64,
    pub mentionable_level: i64,
    pub messageable_level: i64,
    pub visibility_level: i64,
    pub primary_group: bool,
    pub title: Option<String>,
    pub grant_trust_level: Option<i64>,
    pub incoming_email: Option<String>,
    pub has_messages: bool,
    pub flair_url: Option<String>,
    pub flair_bg_color: Option<String>,
    pub flair_color: Option<String>,
    pub bio_raw: String,
    pub bio_cooked: String,
    pub bio_excerpt: String,
    pub public_admission: bool,
    pub public_exit: bool,
    pub allow_membership_requests: bool,
    pub full_name: String,
    pub default_notification_level: i64,
    pub membership_request_template: Option<String>,
    pub is_group_user: bool,
    pub is_group_owner: bool,
    pub members_visibility_level: i64,
    pub can_see_members: bool,
    pub can_admin_group: bool,
    pub can_edit_group: bool,
    pub publish_read_state: bool,
    /// minga's own: how people join (0 open, 1 request, 2 invite only, 3 closed).
    pub join_mode: i64,
    pub website: String,
    pub location: String,
}

/// What one group page shows beyond the basic shape.
#[derive(Serialize, Debug)]
pub struct GroupShow {
    #[serde(flatten)]
    pub basic: BasicGroup,
    pub is_group_owner_display: bool,
    pub mentionable: bool,
    pub messageable: bool,
    pub automatic_membership_email_domains: Option<String>,
    pub smtp_server: Option<String>,
    pub smtp_port: Option<String>,
    pub smtp_ssl_mode: Option<i64>,
    pub email_username: Option<String>,
    pub email_password: Option<String>,
    pub message_count: i64,
    pub allow_unknown_sender_topic_replies: bool,
    pub watching_category_ids: Vec<i64>,
    pub tracking_category_ids: Vec<i64>,
    pub watching_first_post_category_ids: Vec<i64>,
    pub regular_category_ids: Vec<i64>,
    pub muted_category_ids: Vec<i64>,
}

fn some(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// Discourse's alias levels: who may mention or message a group.
fn alias_allowed(level: i64, g: &Group, viewer: &Viewer) -> bool {
    let member = viewer.groups.contains(&g.id);
    let owner = viewer.owned.contains(&g.id);
    match level {
        99 => viewer.user.is_some(),
        4 => owner || viewer.is_staff(),
        3 => member || viewer.is_staff(),
        2 => viewer.is_staff(),
        1 => viewer.is_admin(),
        _ => false,
    }
}

pub fn basic_group(g: &Group, viewer: &Viewer, user_count: i64) -> BasicGroup {
    let actor = viewer.actor();
    let rules = g.rules();
    let owner = viewer.owned.contains(&g.id);
    let manage = perm::can_manage_group(&rules, actor.as_ref(), owner);
    let bio_cooked = cooked_text(&g.bio_raw);
    BasicGroup {
        id: g.id,
        automatic: g.automatic,
        name: g.name.clone(),
        display_name: if g.full_name.is_empty() { g.name.clone() } else { g.full_name.clone() },
        user_count,
        mentionable_level: g.mentionable_level,
        messageable_level: g.messageable_level,
        visibility_level: g.visibility_level,
        primary_group: false,
        title: None,
        grant_trust_level: g.grant_trust_level,
        incoming_email: None,
        has_messages: false,
        // An icon is named, not uploaded: Discourse sends its name here.
        flair_url: some(&g.flair_icon),
        flair_bg_color: some(&g.flair_bg_color),
        flair_color: some(&g.flair_color),
        bio_raw: g.bio_raw.clone(),
        bio_excerpt: excerpt_html(&minga_core::cook::excerpt(&bio_cooked, 200)),
        bio_cooked,
        public_admission: rules.join_mode == JoinMode::Open,
        public_exit: g.public_exit,
        allow_membership_requests: rules.join_mode == JoinMode::Request,
        full_name: g.full_name.clone(),
        default_notification_level: g.default_notification_level,
        membership_request_template: some(&g.membership_request_template),
        is_group_user: viewer.groups.contains(&g.id),
        is_group_owner: owner,
        members_visibility_level: g.members_visibility_level,
        can_see_members: perm::can_see_group_members(&rules, actor.as_ref(), owner),
        can_admin_group: manage,
        can_edit_group: manage,
        publish_read_state: false,
        join_mode: g.join_mode,
        website: g.website.clone(),
        location: g.location.clone(),
    }
}

pub fn group_show(g: &Group, viewer: &Viewer, user_count: i64) -> GroupShow {
    let basic = basic_group(g, viewer, user_count);
    let manage = basic.can_admin_group;
    GroupShow {
        is_group_owner_display: basic.is_group_owner,
        mentionable: alias_allowed(g.mentionable_level, g, viewer),
        messageable: alias_allowed(g.messageable_level, g, viewer),
        // Who joins by their address is for those who manage the group.
        automatic_membership_email_domains: if manage { some(&g.automatic_membership_email_domains) } else { None },
        smtp_server: None,
        smtp_port: None,
        smtp_ssl_mode: None,
        email_username: None,
        email_password: None,
        message_count: 0,
        allow_unknown_sender_topic_replies: false,
        watching_category_ids: Vec::new(),
        tracking_category_ids: Vec::new(),
        watching_first_post_category_ids: Vec::new(),
        regular_category_ids: Vec::new(),
        muted_category_ids: Vec::new(),
        basic,
    }
}

#[derive(Serialize)]
pub struct GroupUser {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub avatar_template: String,
    pub title: Option<String>,
    pub last_posted_at: Option<String>,
    pub last_seen_at: Option<String>,
    pub added_at: String,
    pub timezone: String,
    pub owner: bool,
    pub primary_group_id: Option<i64>,
}

pub fn group_user(m: &Member) -> GroupUser {
    GroupUser {
        id: m.user.id.0,
        username: m.user.username.clone(),
        name: m.user.name.clone(),
        avatar_template: avatar_template(&m.user.username),
        title: None,
        last_posted_at: m.last_posted_at.map(iso),
        last_seen_at: m.user.last_seen_at.map(iso),
        added_at: iso(m.added_at),
        timezone: m.user.timezone.clone(),
        owner: m.owner,
        primary_group_id: m.user.primary_group_id,
    }
}

#[derive(Serialize)]
pub struct GroupMembers {
    pub members: Vec<GroupUser>,
    pub owners: Vec<GroupUser>,
    pub meta: Meta,
}

#[derive(Serialize)]
pub struct Meta {
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Serialize)]
pub struct GroupList {
    pub groups: Vec<BasicGroup>,
    pub extras: ListExtras,
    pub total_rows_groups: usize,
    pub load_more_groups: String,
}

#[derive(Serialize)]
pub struct ListExtras {
    pub type_filters: Vec<&'static str>,
}

#[derive(Serialize)]
pub struct GroupAnswer {
    pub group: GroupShow,
    pub extras: ShowExtras,
}

#[derive(Serialize)]
pub struct ShowExtras {
    pub visible_group_names: Vec<String>,
}

#[derive(Serialize)]
pub struct Created {
    pub basic_group: BasicGroup,
}

#[derive(Serialize)]
pub struct Updated {
    pub success: &'static str,
    pub group: BasicGroup,
}

#[derive(Serialize)]
pub struct MembersAdded {
    pub success: &'static str,
    pub usernames: Vec<String>,
    pub emails: Vec<String>,
}

#[derive(Serialize)]
pub struct MembersRemoved {
    pub success: &'static str,
    pub usernames: Vec<String>,
    pub skipped_usernames: Vec<String>,
}

#[derive(Serialize)]
pub struct Success {
    pub success: &'static str,
}
