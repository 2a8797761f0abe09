//! Staff's view of people: the admin list (`AdminUserListSerializer`),
//! one person in full (`AdminDetailedUserSerializer`), and the answers to
//! suspending and silencing.

use super::group::BasicGroup;
use super::user::BasicUser;
use minga_core::time::iso;
use minga_store::{PersonStats, User};
use serde::Serialize;
use serde_json::{Map, Value};

/// Seconds from `then` (ms) to `now` (ms), as Discourse's `*_age` fields.
fn age(now: i64, then: i64) -> f64 {
    (now - then) as f64 / 1000.0
}

/// A person in a staff list.
#[derive(Serialize, Debug)]
pub struct AdminUserListItem {
    #[serde(flatten)]
    pub basic: BasicUser,
    pub email: String,
    pub secondary_emails: Vec<String>,
    pub active: bool,
    pub admin: bool,
    pub moderator: bool,
    pub last_seen_at: Option<String>,
    pub last_emailed_at: Option<String>,
    pub created_at: String,
    pub last_seen_age: Option<f64>,
    pub last_emailed_age: Option<f64>,
    pub created_at_age: Option<f64>,
    pub trust_level: i64,
    pub manual_locked_trust_level: Option<String>,
    pub title: Option<String>,
    pub time_read: i64,
    pub staged: bool,
    pub days_visited: i64,
    pub posts_read_count: i64,
    pub topics_entered: i64,
    pub post_count: i64,
    // minga's own, beside Discourse's: where the account stands.
    pub staff: bool,
    pub approved: bool,
    pub suspended: bool,
    pub suspended_till: Option<String>,
    pub suspend_reason: Option<String>,
    pub silenced: bool,
    pub silenced_till: Option<String>,
    pub primary_group_id: Option<i64>,
}

impl AdminUserListItem {
    pub fn of(u: &User, s: &PersonStats, now: i64) -> AdminUserListItem {
        let suspended = u.suspended_at(now);
        AdminUserListItem {
            basic: BasicUser::of(u),
            email: u.email.clone(),
            secondary_emails: Vec::new(),
            active: u.active,
            admin: u.admin,
            moderator: u.moderator,
            last_seen_at: u.last_seen_at.map(iso),
            last_emailed_at: None,
            created_at: iso(u.created_at),
            last_seen_age: u.last_seen_at.map(|t| age(now, t)),
            last_emailed_age: None,
            created_at_age: Some(age(now, u.created_at)),
            trust_level: u.trust_level,
            manual_locked_trust_level: None,
            title: None,
            time_read: s.time_read_secs,
            staged: false,
            days_visited: s.days_visited,
            posts_read_count: s.posts_read,
            topics_entered: s.topics_entered,
            post_count: s.post_count,
            staff: u.admin || u.moderator,
            approved: u.approved,
            suspended,
            suspended_till: u.suspended_till.filter(|t| *t > now).map(iso),
            suspend_reason: suspended.then(|| u.suspend_reason.clone()),
            silenced: u.silenced_at(now),
            silenced_till: u.silenced_till.filter(|t| *t > now).map(iso),
            primary_group_id: u.primary_group_id,
        }
    }
}

/// What staff may do to this person, decided by `perm::people`.
#[derive(Clone, Copy, Debug, Default)]
pub struct AdminRights {
    pub activate: bool,
    pub deactivate: bool,
    pub change_role: bool,
    pub delete: bool,
    pub anonymize: bool,
    pub view_logs: bool,
    pub include_ip: bool,
}

/// Who did something to a person, from the staff log.
#[derive(Debug, Default)]
pub struct Standing {
    pub approved_by: Option<BasicUser>,
    pub suspended_by: Option<BasicUser>,
    pub silenced_by: Option<BasicUser>,
    pub silence_reason: Option<String>,
    /// The address of their latest session, for admins.
    pub ip_address: String,
}

/// One person in full, for staff.
#[derive(Serialize, Debug)]
pub struct AdminDetailedUser {
    #[serde(flatten)]
    pub listed: AdminUserListItem,
    pub associated_accounts: Vec<Value>,
    pub can_send_activation_email: bool,
    pub can_activate: bool,
    pub can_deactivate: bool,
    pub can_change_trust_level: bool,
    pub ip_address: String,
    pub registration_ip_address: Option<String>,
    pub can_grant_admin: bool,
    pub can_revoke_admin: bool,
    pub can_grant_moderation: bool,
    pub can_revoke_moderation: bool,
    pub can_impersonate: bool,
    pub like_count: i64,
    pub like_given_count: i64,
    pub topic_count: i64,
    pub flags_given_count: i64,
    pub flags_received_count: i64,
    pub private_topics_count: i64,
    pub can_delete_all_posts: bool,
    pub can_be_deleted: bool,
    pub can_be_anonymized: bool,
    pub can_be_merged: bool,
    pub full_suspend_reason: Option<String>,
    pub full_silence_reason: Option<String>,
    pub silence_reason: Option<String>,
    pub post_edits_count: Option<i64>,
    pub badge_count: i64,
    pub warnings_received_count: i64,
    pub bounce_score: Option<i64>,
    pub reset_bounce_score_after: Option<String>,
    pub can_view_action_logs: bool,
    pub can_disable_second_factor: bool,
    pub can_delete_sso_record: bool,
    pub api_key_count: i64,
    pub single_sign_on_record: Option<String>,
    pub approved_by: Option<BasicUser>,
    pub suspended_by: Option<BasicUser>,
    pub silenced_by: Option<BasicUser>,
    pub groups: Vec<BasicGroup>,
    pub external_ids: Map<String, Value>,
    pub include_ip: bool,
}

impl AdminDetailedUser {
    pub fn of(u: &User, s: &PersonStats, rights: AdminRights, standing: Standing, groups: Vec<BasicGroup>, now: i64) -> AdminDetailedUser {
        let listed = AdminUserListItem::of(u, s, now);
        let full_suspend_reason = listed.suspend_reason.clone();
        let silenced = listed.silenced;
        AdminDetailedUser {
            listed,
            associated_accounts: Vec::new(),
            can_send_activation_email: false,
            can_activate: rights.activate && !u.active,
            can_deactivate: rights.deactivate && u.active,
            can_change_trust_level: true,
            ip_address: if rights.include_ip { standing.ip_address } else { String::new() },
            registration_ip_address: None,
            can_grant_admin: rights.change_role && !u.admin,
            can_revoke_admin: rights.change_role && u.admin,
            can_grant_moderation: rights.change_role && !u.moderator,
            can_revoke_moderation: rights.change_role && u.moderator,
            can_impersonate: false,
            like_count: 0,
            like_given_count: 0,
            topic_count: s.topic_count,
            flags_given_count: s.flags_given,
            flags_received_count: s.flags_received,
            private_topics_count: 0,
            can_delete_all_posts: false,
            can_be_deleted: rights.delete && s.post_count == 0 && s.topic_count == 0,
            can_be_anonymized: rights.anonymize,
            can_be_merged: false,
            full_suspend_reason,
            full_silence_reason: if silenced { standing.silence_reason.clone() } else { None },
            silence_reason: if silenced { standing.silence_reason } else { None },
            post_edits_count: None,
            badge_count: 0,
            warnings_received_count: 0,
            bounce_score: Some(0),
            reset_bounce_score_after: None,
            can_view_action_logs: rights.view_logs,
            can_disable_second_factor: false,
            can_delete_sso_record: false,
            api_key_count: s.api_keys,
            single_sign_on_record: None,
            approved_by: standing.approved_by,
            suspended_by: if u.suspended_at(now) { standing.suspended_by } else { None },
            silenced_by: if silenced { standing.silenced_by } else { None },
            groups,
            external_ids: Map::new(),
            include_ip: rights.include_ip,
        }
    }
}

/// The answer to a staff action on a person: `{"success": "OK", "user": …}`.
#[derive(Serialize, Debug)]
pub struct AdminActed {
    pub success: &'static str,
    pub user: AdminUserListItem,
}

/// `PUT /admin/users/{id}/suspend.json`.
#[derive(Serialize, Debug)]
pub struct Suspended {
    pub suspension: Suspension,
}

#[derive(Serialize, Debug)]
pub struct Suspension {
    pub suspend_reason: String,
    pub full_suspend_reason: String,
    pub suspended_till: String,
    pub suspended_at: String,
    pub suspended_by: BasicUser,
}

/// `PUT /admin/users/{id}/silence.json`.
#[derive(Serialize, Debug)]
pub struct Silenced {
    pub silence: Silence,
}

#[derive(Serialize, Debug)]
pub struct Silence {
    pub silenced: bool,
    pub silence_reason: String,
    pub full_silence_reason: String,
    pub silenced_till: String,
    pub silenced_at: String,
    pub silenced_by: BasicUser,
}

/// `PUT /admin/users/{id}/anonymize.json`.
#[derive(Serialize, Debug)]
pub struct Anonymized {
    pub success: &'static str,
    pub username: String,
}

/// `DELETE /admin/users/{id}.json`.
#[derive(Serialize, Debug)]
pub struct Deleted {
    pub deleted: bool,
}

/// A site setting in `GET /admin/site_settings.json`.
#[derive(Serialize, Debug)]
pub struct SiteSetting {
    pub setting: &'static str,
    pub value: String,
    pub description: String,
    pub label: String,
}

#[derive(Serialize, Debug)]
pub struct SiteSettings {
    pub site_settings: Vec<SiteSetting>,
}

/// An entry of `GET /admin/logs/staff_action_logs.json`.
#[derive(Serialize, Debug)]
pub struct StaffActionLog {
    pub id: i64,
    pub action_name: String,
    pub acting_user: String,
    pub target_user: String,
    pub details: String,
    pub created_at: String,
}

#[derive(Serialize, Debug)]
pub struct StaffActionLogs {
    pub staff_action_logs: Vec<StaffActionLog>,
}
