//! Staff tools: people (approve, suspend, silence, roles, trust levels),
//! site settings, and the staff action log. Moderators may do all of it
//! but change who is admin or moderator.

use super::id_segment;
use crate::AppState;
use crate::auth::{Admin, Staff, Viewer};
use crate::error::{AppError, AppResult};
use crate::format::Format;
use crate::input::{Input, Query};
use crate::json;
use crate::params::Params;
use minga_core::perm::people::{self, StaffAction, Target};
use crate::pages::{self, AdminLogsPage, AdminSettingsPage, AdminUserPage, AdminUsersPage, Chrome, CsrfToken, FormErrors, LogRow, SettingRow, UserRow};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minga_core::UserId;
use minga_core::time::{iso, now_ms};
use minga_store::{Deletion, PersonStats, User, UserFilter};
use serde_json::Value;

fn state_of(u: &User, locale: crate::i18n::Locale) -> String {
    let now = now_ms();
    let key = if !u.approved {
        "admin-state-pending"
    } else if !u.active {
        "admin-state-deactivated"
    } else if u.suspended_at(now) {
        "admin-state-suspended"
    } else if u.silenced_at(now) {
        "admin-state-silenced"
    } else {
        "admin-state-active"
    };
    crate::i18n::t(locale, key)
}

fn row(u: &User, locale: crate::i18n::Locale) -> UserRow {
    let joined = crate::i18n::date(locale, u.created_at);
    UserRow { id: u.id.0, username: u.username.clone(), email: u.email.clone(), state: state_of(u, locale), trust_level: u.trust_level, joined }
}

fn target_of(u: &User) -> Target {
    Target { id: u.id, admin: u.admin, moderator: u.moderator }
}

/// Whether the viewer may do `action` to `u`; 403 if not.
fn may(viewer: &Viewer, u: &User, action: StaffAction) -> AppResult<()> {
    if people::can_act_on(viewer.actor().as_ref(), &target_of(u), action) {
        Ok(())
    } else if action == StaffAction::ChangeRole && !viewer.is_admin() {
        Err(AppError::Forbidden(minga_core::text!("error-admins-staff")))
    } else {
        Err(AppError::Forbidden(minga_core::text!("error-not-to-this-account")))
    }
}

/// Stats for each person, in the order given.
async fn stats_for(state: &AppState, users: &[User]) -> AppResult<Vec<PersonStats>> {
    let ids: Vec<UserId> = users.iter().map(|u| u.id).collect();
    let stats = state.store.person_stats(&ids, None, 0).await?;
    Ok(users.iter().map(|u| stats.iter().find(|s| s.user_id == u.id).copied().unwrap_or_default()).collect())
}

async fn list_items(state: &AppState, users: &[User]) -> AppResult<Vec<json::AdminUserListItem>> {
    let now = now_ms();
    let stats = stats_for(state, users).await?;
    Ok(users.iter().zip(&stats).map(|(u, s)| json::AdminUserListItem::of(u, s, now)).collect())
}

/// `?filter=…&page=…` (and the page's `flag`).
#[derive(serde::Deserialize, Default)]
pub struct ListUsers {
    pub filter: Option<String>,
    pub flag: Option<String>,
    pub page: Option<i64>,
}

async fn listed(state: &AppState, flag: &str, q: &ListUsers, limit: i64) -> AppResult<Vec<User>> {
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    Ok(state.store.list_users(&UserFilter { kind: flag.to_string(), search: q.filter.clone(), offset: (page - 1) * limit, limit }).await?)
}

/// `GET /admin/users/list/{flag}.json?filter=…`
pub async fn list(State(state): State<AppState>, _staff: Staff, Path(flag): Path<String>, Params(q): Params<ListUsers>) -> AppResult<Response> {
    let users = listed(&state, crate::format::strip_json(&flag), &q, 100).await?;
    Ok(Json(list_items(&state, &users).await?).into_response())
}

/// `GET /admin/users.json`: as `list/active`.
pub async fn list_active(State(state): State<AppState>, _staff: Staff, Params(q): Params<ListUsers>) -> AppResult<Response> {
    let users = listed(&state, "active", &q, 100).await?;
    Ok(Json(list_items(&state, &users).await?).into_response())
}

pub async fn users_page(State(state): State<AppState>, staff: Staff, csrf: CsrfToken, Params(q): Params<ListUsers>) -> AppResult<Response> {
    let flag = q.flag.clone().unwrap_or_else(|| "active".into());
    let search = q.filter.clone().unwrap_or_default();
    let users = listed(&state, &flag, &ListUsers { page: None, ..q }, 200).await?;
    Ok(pages::render(&AdminUsersPage { chrome: Chrome::new(&state, &staff, csrf), flag, search, users: users.iter().map(|u| row(u, staff.locale)).collect() }))
}

async fn target(state: &AppState, id: &str) -> AppResult<User> {
    state.store.user_by_id(UserId(id_segment(id)?)).await?.ok_or(AppError::NotFound)
}

/// The person behind a staff-log entry, if they still exist.
async fn actor_of(state: &AppState, u: &User, action: &str) -> AppResult<Option<(json::BasicUser, minga_store::StaffAction)>> {
    let Some(entry) = state.store.last_staff_action_on(u.id, action).await? else { return Ok(None) };
    let by = match entry.acting_user_id {
        Some(id) => state.store.user_by_id(id).await?.map(|u| json::BasicUser::of(&u)),
        None => None,
    };
    Ok(by.map(|b| (b, entry)))
}

/// `GET /admin/users/{id}.json` and the page for one person.
pub async fn show(State(state): State<AppState>, staff: Staff, format: Format, csrf: CsrfToken, Path(id): Path<String>) -> AppResult<Response> {
    let u = target(&state, &id).await?;
    if format == Format::Html {
        return Ok(pages::render(&user_page(&state, &staff, csrf, &u, None)));
    }
    let actor = staff.actor();
    let can = |action| people::can_act_on(actor.as_ref(), &target_of(&u), action);
    let rights = json::AdminRights {
        activate: can(StaffAction::Activate),
        deactivate: can(StaffAction::Deactivate),
        change_role: can(StaffAction::ChangeRole),
        delete: can(StaffAction::Delete),
        anonymize: can(StaffAction::Anonymize),
        view_logs: true,
        include_ip: staff.is_admin(),
    };
    let silence = actor_of(&state, &u, "silence_user").await?;
    let standing = json::Standing {
        approved_by: actor_of(&state, &u, "approve_user").await?.map(|(b, _)| b),
        suspended_by: actor_of(&state, &u, "suspend_user").await?.map(|(b, _)| b),
        silence_reason: silence.as_ref().map(|(_, e)| e.details.clone()),
        silenced_by: silence.map(|(b, _)| b),
        ip_address: state.store.sessions(u.id, "").await?.first().map(|s| s.ip.clone()).unwrap_or_default(),
    };
    let catalog = state.catalog().await?;
    let memberships = state.store.memberships(u.id).await?;
    let mut groups = Vec::new();
    for g in catalog.groups.iter().filter(|g| !g.automatic && memberships.iter().any(|(id, _)| *id == g.id)) {
        let count = state.store.group_members(g, 0, 1).await?.1;
        groups.push(json::group::BasicGroup { primary_group: u.primary_group_id == Some(g.id), ..json::group::basic_group(g, &staff, count) });
    }
    let stats = stats_for(&state, std::slice::from_ref(&u)).await?.pop().unwrap_or_default();
    Ok(Json(json::AdminDetailedUser::of(&u, &stats, rights, standing, groups, now_ms())).into_response())
}

fn user_page(state: &AppState, viewer: &Viewer, csrf: CsrfToken, u: &User, notice: Option<String>) -> AdminUserPage {
    let now = now_ms();
    AdminUserPage {
        chrome: Chrome::new(state, viewer, csrf),
        user: row(u, viewer.locale),
        admin: u.admin,
        moderator: u.moderator,
        approved: u.approved,
        suspended: u.suspended_till.filter(|t| *t > now).map(|t| crate::i18n::date(viewer.locale, t)),
        silenced: u.silenced_till.filter(|t| *t > now).map(|t| crate::i18n::date(viewer.locale, t)),
        viewer_is_admin: viewer.is_admin(),
        notice,
    }
}

/// Parses a date (`2026-12-31`, midnight UTC) or a date-time into
/// milliseconds; it must lie in the future. Errors name `field`.
pub(super) fn future_time(text: &str, field: &'static str) -> AppResult<i64> {
    let text = text.trim();
    let ms = if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        Some(ts.as_millisecond())
    } else if let Ok(date) = text.parse::<jiff::civil::Date>() {
        date.to_datetime(jiff::civil::Time::midnight()).to_zoned_datetime(jiff::tz::TimeZone::UTC).ok().map(|z| z.timestamp().as_millisecond())
    } else {
        None
    };
    let ms = ms.ok_or_else(|| AppError::invalid(field, minga_core::text!("error-date-format")))?;
    if ms <= now_ms() {
        return Err(AppError::invalid(field, minga_core::text!("error-date-future")));
    }
    Ok(ms)
}

/// What a staff action on a person may carry: `suspend_until` and
/// `reason` (suspend), `silenced_till` and `reason` (silence), `level`
/// (trust level). Discourse's `message` and `post_action` are accepted
/// and ignored: minga sends no mail and deletes no posts on suspension.
#[derive(serde::Deserialize, Default, Debug)]
pub struct PersonAction {
    pub suspend_until: Option<String>,
    pub silenced_till: Option<String>,
    pub reason: Option<String>,
    pub level: Option<i64>,
}

/// What a staff action answers, in JSON.
enum Acted {
    User,
    Suspended(i64),
    Silenced(i64),
    Ok,
    Anonymized(String),
}

/// One staff action on a person: `approve`, `suspend`, `unsuspend`,
/// `silence`, `unsilence`, `grant_admin`, `revoke_admin`,
/// `grant_moderation`, `revoke_moderation`, `trust_level`, `activate`,
/// `deactivate`, `log_out`, `anonymize`.
pub async fn act(
    State(state): State<AppState>,
    staff: Staff,
    format: Format,
    csrf: CsrfToken,
    Path((id, action)): Path<(String, String)>,
    Params(body): Params<PersonAction>,
) -> AppResult<Response> {
    let me = staff.user().clone();
    let u = target(&state, &id).await?;
    let action = crate::format::strip_json(&action).to_string();
    let kind = match action.as_str() {
        "approve" => StaffAction::Approve,
        "suspend" | "unsuspend" => StaffAction::Suspend,
        "silence" | "unsilence" => StaffAction::Silence,
        "grant_admin" | "revoke_admin" | "grant_moderation" | "revoke_moderation" => StaffAction::ChangeRole,
        "trust_level" => StaffAction::TrustLevel,
        "activate" => StaffAction::Activate,
        "deactivate" => StaffAction::Deactivate,
        "log_out" => StaffAction::LogOut,
        "anonymize" => StaffAction::Anonymize,
        _ => return Err(AppError::NotFound),
    };
    may(&staff, &u, kind)?;
    let reason = body.reason.as_deref().unwrap_or_default().trim().to_string();
    let (message, acted) = match action.as_str() {
        "approve" => {
            state.store.approve_user(u.id, me.id).await?;
            ("admin-done-approved", Acted::User)
        }
        "suspend" => {
            let till = future_time(body.suspend_until.as_deref().unwrap_or_default(), "suspend_until")?;
            if reason.is_empty() {
                return Err(AppError::invalid("reason", minga_core::text!("error-suspend-reason")));
            }
            state.store.set_suspended(u.id, Some(till), &reason, me.id).await?;
            ("admin-done-suspended", Acted::Suspended(till))
        }
        "unsuspend" => {
            state.store.set_suspended(u.id, None, "", me.id).await?;
            ("admin-done-unsuspended", Acted::User)
        }
        "silence" => {
            let till = future_time(body.silenced_till.as_deref().unwrap_or_default(), "silenced_till")?;
            state.store.set_silenced(u.id, Some(till), &reason, me.id).await?;
            ("admin-done-silenced", Acted::Silenced(till))
        }
        "unsilence" => {
            state.store.set_silenced(u.id, None, "", me.id).await?;
            ("admin-done-unsilenced", Acted::User)
        }
        "grant_admin" | "revoke_admin" => {
            state.store.set_role(u.id, "admin", i64::from(action == "grant_admin"), me.id).await?;
            ("admin-done-saved", Acted::User)
        }
        "grant_moderation" | "revoke_moderation" => {
            state.store.set_role(u.id, "moderator", i64::from(action == "grant_moderation"), me.id).await?;
            ("admin-done-saved", Acted::User)
        }
        "trust_level" => {
            let level = body.level.ok_or_else(|| AppError::invalid("level", minga_core::text!("error-trust-level")))?;
            if !(0..=4).contains(&level) {
                return Err(AppError::invalid("level", minga_core::text!("error-trust-level")));
            }
            state.store.set_role(u.id, "trust_level", level, me.id).await?;
            ("admin-done-trust-level", Acted::User)
        }
        "activate" | "deactivate" => {
            state.store.set_active(u.id, action == "activate", me.id).await?;
            (if action == "activate" { "admin-done-activated" } else { "admin-done-deactivated" }, Acted::Ok)
        }
        "log_out" => {
            state.store.log_out_everywhere(u.id, me.id).await?;
            ("admin-done-logged-out", Acted::Ok)
        }
        _ => {
            let username = state.store.anonymize_user(u.id, me.id).await?;
            ("admin-done-anonymized", Acted::Anonymized(username))
        }
    };
    let u = target(&state, &id).await?;
    if format == Format::Html {
        return Ok(pages::render(&user_page(&state, &staff, csrf, &u, Some(crate::i18n::t(staff.0.locale, message)))));
    }
    let now = now_ms();
    let by = json::BasicUser::of(&me);
    Ok(match acted {
        Acted::Suspended(till) => Json(json::Suspended {
            suspension: json::Suspension {
                suspend_reason: reason.clone(),
                full_suspend_reason: reason,
                suspended_till: iso(till),
                suspended_at: iso(now),
                suspended_by: by,
            },
        })
        .into_response(),
        Acted::Silenced(till) => Json(json::Silenced {
            silence: json::Silence {
                silenced: true,
                silence_reason: reason.clone(),
                full_silence_reason: reason,
                silenced_till: iso(till),
                silenced_at: iso(now),
                silenced_by: by,
            },
        })
        .into_response(),
        Acted::Ok => Json(json::OK).into_response(),
        Acted::Anonymized(username) => Json(json::Anonymized { success: "OK", username }).into_response(),
        Acted::User => {
            let user = list_items(&state, std::slice::from_ref(&u)).await?.pop().ok_or(AppError::NotFound)?;
            Json(json::AdminActed { success: "OK", user }).into_response()
        }
    })
}

/// `DELETE /admin/users/{id}.json`: deletes someone who has never posted.
/// Discourse deletes posts too when asked (`delete_posts`); minga keeps
/// conversations whole and refuses instead: anonymize such a person.
#[derive(serde::Deserialize, Default, Debug)]
#[allow(dead_code)] // Discourse's fields, accepted: minga blocks no addresses yet.
pub struct DeleteUser {
    pub delete_posts: Option<bool>,
    pub block_email: Option<bool>,
    pub block_urls: Option<bool>,
    pub block_ip: Option<bool>,
}

pub async fn destroy(State(state): State<AppState>, staff: Staff, Path(id): Path<String>, Params(_body): Params<DeleteUser>) -> AppResult<Response> {
    let u = target(&state, &crate::format::strip_json(&id).to_string()).await?;
    may(&staff, &u, StaffAction::Delete)?;
    match state.store.delete_user(u.id, staff.user().id).await? {
        Deletion::Deleted => Ok(Json(json::Deleted { deleted: true }).into_response()),
        Deletion::HasPosts => Err(AppError::Forbidden(minga_core::text!("error-delete-has-posts"))),
    }
}

pub async fn settings(State(state): State<AppState>, admin: Admin, format: Format, csrf: CsrfToken, Query(q): Query<SavedQuery>) -> AppResult<Response> {
    let site = state.site().await?;
    if format == Format::Json {
        let site_settings = crate::site::SETTINGS
            .iter()
            .map(|s| json::SiteSetting { setting: s.name, value: site.value(s.name), description: s.help(admin.locale), label: s.label(admin.locale) })
            .collect();
        return Ok(Json(json::SiteSettings { site_settings }).into_response());
    }
    Ok(pages::render(&settings_page(&state, &admin, csrf, &site, None, FormErrors::default(), q.saved.is_some())))
}

#[derive(serde::Deserialize, Default)]
pub struct SavedQuery {
    pub saved: Option<String>,
}

fn settings_page(state: &AppState, viewer: &Viewer, csrf: CsrfToken, site: &crate::site::SiteSettings, typed: Option<&Input>, errors: FormErrors, saved: bool) -> AdminSettingsPage {
    let mut groups: Vec<(String, Vec<SettingRow>)> = Vec::new();
    for s in crate::site::SETTINGS {
        let value = match typed {
            Some(input) if s.boolean => checked(input, s.name).to_string(),
            Some(input) => input.str(s.name).unwrap_or_default().to_string(),
            None => site.value(s.name),
        };
        let row = SettingRow { name: s.name.to_string(), label: s.label(viewer.locale), value, description: s.help(viewer.locale), boolean: s.boolean };
        let group = s.group_label(viewer.locale);
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, rows)) => rows.push(row),
            None => groups.push((group, vec![row])),
        }
    }
    AdminSettingsPage { chrome: Chrome::new(state, viewer, csrf), groups, errors, saved }
}

/// Whether a checkbox was ticked.
fn checked(input: &Input, name: &str) -> bool {
    matches!(input.str(name), Some("true" | "on" | "1"))
}

/// `POST /admin/site_settings`: the settings page, every setting at once.
/// All are checked before any is stored; only changed ones are stored
/// and logged.
pub async fn save_settings(State(state): State<AppState>, admin: Admin, csrf: CsrfToken, input: Input) -> AppResult<Response> {
    let me = admin.user().clone();
    let viewer = &admin.0;
    let site = state.site().await?;
    let mut next = (*site).clone();
    let mut errors = Vec::new();
    let mut changed = Vec::new();
    for s in crate::site::SETTINGS {
        let value = if s.boolean { checked(&input, s.name).to_string() } else { input.text(s.name)? };
        match next.apply(s.name, &value) {
            Ok(stored) if stored != site.value(s.name) => changed.push((s.name, stored)),
            Ok(_) => {}
            Err(text) => errors.push((s.name.to_string(), crate::i18n::say(viewer.locale, &text))),
        }
    }
    if !errors.is_empty() {
        return Ok(pages::render_invalid(&settings_page(&state, viewer, csrf, &site, Some(&input), FormErrors(errors), false)));
    }
    for (name, value) in changed {
        let now = state.change_site_setting(name, &value).await?;
        state.store.log_staff_action("change_site_setting", me.id, None, &format!("{name} = {}", now.value(name))).await?;
    }
    Ok(Redirect::to("/admin/site_settings?saved=1").into_response())
}

/// `PUT /admin/site_settings/{name}` with a field named like the setting:
/// its name varies, so the request is read as a map of names to values.
pub async fn change_setting(
    State(state): State<AppState>,
    admin: Admin,
    format: Format,
    csrf: CsrfToken,
    Path(name): Path<String>,
    Params(fields): Params<std::collections::BTreeMap<String, Value>>,
) -> AppResult<Response> {
    let me = admin.user().clone();
    let viewer = &admin.0;
    let name = crate::format::strip_json(&name).to_string();
    if crate::site::setting(&name).is_none() {
        return Err(AppError::NotFound);
    }
    let value = match fields.get(&name) {
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Null) => String::new(),
        Some(_) => return Err(AppError::BadRequest(minga_core::text!("error-field-text", field = name.as_str()))),
        None => return Err(AppError::invalid("value", minga_core::text!("error-setting-value-missing", name = name.as_str()))),
    };
    match state.change_site_setting(&name, &value).await {
        Ok(site) => {
            state.store.log_staff_action("change_site_setting", me.id, None, &format!("{name} = {}", site.value(&name))).await?;
            match format {
                Format::Json => Ok(Json(json::OK).into_response()),
                Format::Html => Ok(Redirect::to("/admin/site_settings?saved=1").into_response()),
            }
        }
        Err(AppError::Invalid(invalid)) if format == Format::Html => {
            let site = state.site().await?;
            Ok(pages::render_invalid(&settings_page(&state, viewer, csrf, &site, None, FormErrors::of(&invalid, viewer.locale), false)))
        }
        Err(e) => Err(e),
    }
}

/// The staff log's actions, each with its words in the catalogues
/// (`staff-action-{name}`); an action not listed shows by its name.
pub const STAFF_ACTIONS: [&str; 23] = [
    "approve_user",
    "reject_user",
    "agree_flag",
    "disagree_flag",
    "suspend_user",
    "unsuspend_user",
    "silence_user",
    "unsilence_user",
    "change_admin",
    "change_moderator",
    "change_trust_level",
    "earn_trust_level",
    "activate_user",
    "deactivate_user",
    "log_out_user",
    "anonymize_user",
    "delete_user",
    "change_username",
    "change_site_setting",
    "create_group",
    "delete_group",
    "add_group_member",
    "remove_group_member",
];

fn staff_action_name(locale: crate::i18n::Locale, action: &str) -> String {
    if STAFF_ACTIONS.contains(&action) {
        crate::i18n::t(locale, &format!("staff-action-{action}"))
    } else {
        action.to_string()
    }
}

pub async fn logs(State(state): State<AppState>, staff: Staff, format: Format, csrf: CsrfToken) -> AppResult<Response> {
    let viewer = &staff.0;
    let actions = state.store.staff_actions(200).await?;
    let ids: Vec<UserId> = actions.iter().flat_map(|a| a.acting_user_id.into_iter().chain(a.target_user_id)).collect();
    let users = state.store.users_by_ids(&ids).await?;
    let name = |id: Option<UserId>| id.and_then(|i| users.iter().find(|u| u.id == i)).map(|u| u.username.clone()).unwrap_or_default();
    if format == Format::Json {
        let staff_action_logs = actions
            .iter()
            .map(|a| json::StaffActionLog {
                id: a.id,
                action_name: a.action.clone(),
                acting_user: name(a.acting_user_id),
                target_user: name(a.target_user_id),
                details: a.details.clone(),
                created_at: iso(a.created_at),
            })
            .collect();
        return Ok(Json(json::StaffActionLogs { staff_action_logs }).into_response());
    }
    let rows = actions
        .iter()
        .map(|a| LogRow { action: staff_action_name(viewer.locale, &a.action), by: name(a.acting_user_id), target: name(a.target_user_id), details: a.details.clone(), when: pages::moment(a.created_at, viewer) })
        .collect();
    Ok(pages::render(&AdminLogsPage { chrome: Chrome::new(&state, viewer, csrf), rows }))
}
