//! Staff tools: people (approve, suspend, silence, roles, trust levels),
//! site settings, and the staff action log. Moderators may do all of it
//! but change who is admin or moderator.

use super::id_segment;
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::format::Format;
use crate::input::{Input, Query};
use crate::json;
use crate::pages::{self, AdminLogsPage, AdminSettingsPage, AdminUserPage, AdminUsersPage, Chrome, CsrfToken, FormErrors, LogRow, SettingRow, UserRow};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minga_core::UserId;
use minga_core::time::{iso, now_ms, short_date};
use minga_store::{User, UserFilter};
use serde_json::{Value, json};

fn state_of(u: &User) -> String {
    let now = now_ms();
    if !u.approved {
        "waiting for approval".into()
    } else if u.suspended_at(now) {
        "suspended".into()
    } else if u.silenced_at(now) {
        "silenced".into()
    } else {
        "active".into()
    }
}

fn admin_user_json(u: &User) -> Value {
    let mut v = json::basic_user(u);
    let now = now_ms();
    let extra = json!({
        "email": u.email,
        "active": true,
        "admin": u.admin,
        "moderator": u.moderator,
        "staff": u.admin || u.moderator,
        "trust_level": u.trust_level,
        "approved": u.approved,
        "suspended": u.suspended_at(now),
        "suspended_till": u.suspended_till.filter(|t| *t > now).map(iso),
        "suspend_reason": if u.suspended_at(now) { Value::from(u.suspend_reason.clone()) } else { Value::Null },
        "silenced": u.silenced_at(now),
        "silenced_till": u.silenced_till.filter(|t| *t > now).map(iso),
        "created_at": iso(u.created_at),
        "last_seen_at": u.last_seen_at.map(iso),
        "primary_group_id": u.primary_group_id,
    });
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    v
}

fn row(u: &User) -> UserRow {
    UserRow { id: u.id.0, username: u.username.clone(), email: u.email.clone(), state: state_of(u), trust_level: u.trust_level, joined: short_date(u.created_at) }
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    pub filter: Option<String>,
    pub flag: Option<String>,
    pub page: Option<String>,
}

/// `GET /admin/users/list/{flag}.json?filter=…`
pub async fn list(State(state): State<AppState>, viewer: Viewer, Path(flag): Path<String>, Query(q): Query<ListQuery>) -> AppResult<Response> {
    viewer.require_staff()?;
    let flag = crate::format::strip_json(&flag).to_string();
    let page = q.page.as_deref().and_then(|p| p.parse::<i64>().ok()).unwrap_or(1).clamp(1, 100_000);
    let users = state.store.list_users(&UserFilter { kind: flag, search: q.filter, offset: (page - 1) * 100, limit: 100 }).await?;
    Ok(Json(Value::Array(users.iter().map(admin_user_json).collect())).into_response())
}

pub async fn users_page(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken, Query(q): Query<ListQuery>) -> AppResult<Response> {
    viewer.require_staff()?;
    let flag = q.flag.unwrap_or_else(|| "active".into());
    let search = q.filter.unwrap_or_default();
    let users = state.store.list_users(&UserFilter { kind: flag.clone(), search: Some(search.clone()), offset: 0, limit: 200 }).await?;
    Ok(pages::render(&AdminUsersPage { chrome: Chrome::new(&state, &viewer, csrf), flag, search, users: users.iter().map(row).collect() }))
}

async fn target(state: &AppState, id: &str) -> AppResult<User> {
    state.store.user_by_id(UserId(id_segment(id)?)).await?.ok_or(AppError::NotFound)
}

/// `GET /admin/users/{id}.json` and the page for one person.
pub async fn show(State(state): State<AppState>, viewer: Viewer, format: Format, csrf: CsrfToken, Path(id): Path<String>) -> AppResult<Response> {
    viewer.require_staff()?;
    let u = target(&state, &id).await?;
    if format == Format::Json {
        return Ok(Json(admin_user_json(&u)).into_response());
    }
    Ok(pages::render(&user_page(&state, &viewer, csrf, &u, None)))
}

fn user_page(state: &AppState, viewer: &Viewer, csrf: CsrfToken, u: &User, notice: Option<String>) -> AdminUserPage {
    let now = now_ms();
    AdminUserPage {
        chrome: Chrome::new(state, viewer, csrf),
        user: row(u),
        admin: u.admin,
        moderator: u.moderator,
        approved: u.approved,
        suspended: u.suspended_till.filter(|t| *t > now).map(short_date),
        silenced: u.silenced_till.filter(|t| *t > now).map(short_date),
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
    let ms = ms.ok_or_else(|| AppError::invalid(field, "Give a date such as 2026-12-31."))?;
    if ms <= now_ms() {
        return Err(AppError::invalid(field, "The date must be in the future."));
    }
    Ok(ms)
}

/// One staff action on a person: `approve`, `suspend`, `unsuspend`,
/// `silence`, `unsilence`, `grant_admin`, `revoke_admin`,
/// `grant_moderation`, `revoke_moderation`, `trust_level`.
pub async fn act(State(state): State<AppState>, viewer: Viewer, format: Format, csrf: CsrfToken, Path((id, action)): Path<(String, String)>, input: Input) -> AppResult<Response> {
    let me = viewer.require_staff()?.clone();
    let u = target(&state, &id).await?;
    let action = crate::format::strip_json(&action).to_string();
    let is_admin_action = matches!(action.as_str(), "grant_admin" | "revoke_admin" | "grant_moderation" | "revoke_moderation");
    if is_admin_action && !me.admin {
        return Err(AppError::Forbidden("Only admins change who is staff.".into()));
    }
    // Nobody acts on an admin but another admin, and nobody on themselves.
    if (u.admin && !me.admin) || (u.id == me.id && action != "trust_level") {
        return Err(AppError::Forbidden("You cannot do that to this account.".into()));
    }
    let message = match action.as_str() {
        "approve" => {
            state.store.approve_user(u.id, me.id).await?;
            "Approved."
        }
        "suspend" => {
            let till = future_time(&input.text("suspend_until")?, "suspend_until")?;
            let reason = input.text("reason")?;
            if reason.trim().is_empty() {
                return Err(AppError::invalid("reason", "Give a reason for the suspension."));
            }
            state.store.set_suspended(u.id, Some(till), reason.trim(), me.id).await?;
            "Suspended."
        }
        "unsuspend" => {
            state.store.set_suspended(u.id, None, "", me.id).await?;
            "Unsuspended."
        }
        "silence" => {
            let till = future_time(&input.text("silenced_till")?, "silenced_till")?;
            state.store.set_silenced(u.id, Some(till), input.text("reason")?.trim(), me.id).await?;
            "Silenced."
        }
        "unsilence" => {
            state.store.set_silenced(u.id, None, "", me.id).await?;
            "Unsilenced."
        }
        "grant_admin" | "revoke_admin" => {
            state.store.set_role(u.id, "admin", i64::from(action == "grant_admin"), me.id).await?;
            "Saved."
        }
        "grant_moderation" | "revoke_moderation" => {
            state.store.set_role(u.id, "moderator", i64::from(action == "grant_moderation"), me.id).await?;
            "Saved."
        }
        "trust_level" => {
            let level = input.int("level")?.ok_or_else(|| AppError::invalid("level", "Which trust level?"))?;
            if !(0..=4).contains(&level) {
                return Err(AppError::invalid("level", "Trust levels run from 0 to 4."));
            }
            state.store.set_role(u.id, "trust_level", level, me.id).await?;
            "Trust level saved."
        }
        _ => return Err(AppError::NotFound),
    };
    let u = target(&state, &id).await?;
    match format {
        Format::Json => Ok(Json(json!({ "success": "OK", "user": admin_user_json(&u) })).into_response()),
        Format::Html => Ok(pages::render(&user_page(&state, &viewer, csrf, &u, Some(message.into())))),
    }
}

pub async fn settings(State(state): State<AppState>, viewer: Viewer, format: Format, csrf: CsrfToken, Query(q): Query<SavedQuery>) -> AppResult<Response> {
    viewer.require_admin()?;
    let site = state.site().await?;
    if format == Format::Json {
        let list: Vec<Value> = crate::site::SETTINGS.iter().map(|s| json!({"setting": s.name, "value": site.value(s.name), "description": s.help, "label": s.label})).collect();
        return Ok(Json(json!({ "site_settings": list })).into_response());
    }
    Ok(pages::render(&settings_page(&state, &viewer, csrf, &site, None, FormErrors::default(), q.saved.is_some())))
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
        let row = SettingRow { name: s.name.to_string(), label: s.label.to_string(), value, description: s.help.to_string(), boolean: s.boolean };
        match groups.iter_mut().find(|(g, _)| g == s.group) {
            Some((_, rows)) => rows.push(row),
            None => groups.push((s.group.to_string(), vec![row])),
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
pub async fn save_settings(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken, input: Input) -> AppResult<Response> {
    let me = viewer.require_admin()?.clone();
    let site = state.site().await?;
    let mut next = (*site).clone();
    let mut errors = Vec::new();
    let mut changed = Vec::new();
    for s in crate::site::SETTINGS {
        let value = if s.boolean { checked(&input, s.name).to_string() } else { input.text(s.name)? };
        match next.apply(s.name, &value) {
            Ok(stored) if stored != site.value(s.name) => changed.push((s.name, stored)),
            Ok(_) => {}
            Err(message) => errors.push((s.name.to_string(), message)),
        }
    }
    if !errors.is_empty() {
        return Ok(pages::render_invalid(&settings_page(&state, &viewer, csrf, &site, Some(&input), FormErrors(errors), false)));
    }
    for (name, value) in changed {
        let now = state.change_site_setting(name, &value).await?;
        state.store.log_staff_action("change_site_setting", me.id, None, &format!("{name} = {}", now.value(name))).await?;
    }
    Ok(Redirect::to("/admin/site_settings?saved=1").into_response())
}

/// `PUT /admin/site_settings/{name}` with a form field named like the setting.
pub async fn change_setting(State(state): State<AppState>, viewer: Viewer, format: Format, csrf: CsrfToken, Path(name): Path<String>, input: Input) -> AppResult<Response> {
    let me = viewer.require_admin()?.clone();
    let name = crate::format::strip_json(&name).to_string();
    if crate::site::setting(&name).is_none() {
        return Err(AppError::NotFound);
    }
    let value = match input.get(&name) {
        Some(Value::Bool(b)) => b.to_string(),
        Some(_) => input.text(&name)?,
        None => return Err(AppError::invalid("value", format!("Send the new value as the field {name}."))),
    };
    match state.change_site_setting(&name, &value).await {
        Ok(site) => {
            state.store.log_staff_action("change_site_setting", me.id, None, &format!("{name} = {}", site.value(&name))).await?;
            match format {
                Format::Json => Ok(Json(json!({ "success": "OK" })).into_response()),
                Format::Html => Ok(Redirect::to("/admin/site_settings?saved=1").into_response()),
            }
        }
        Err(AppError::Invalid(invalid)) if format == Format::Html => {
            let site = state.site().await?;
            Ok(pages::render_invalid(&settings_page(&state, &viewer, csrf, &site, None, FormErrors::from(&invalid), false)))
        }
        Err(e) => Err(e),
    }
}

pub async fn logs(State(state): State<AppState>, viewer: Viewer, format: Format, csrf: CsrfToken) -> AppResult<Response> {
    viewer.require_staff()?;
    let actions = state.store.staff_actions(200).await?;
    let ids: Vec<UserId> = actions.iter().flat_map(|a| a.acting_user_id.into_iter().chain(a.target_user_id)).collect();
    let users = state.store.users_by_ids(&ids).await?;
    let name = |id: Option<UserId>| id.and_then(|i| users.iter().find(|u| u.id == i)).map(|u| u.username.clone()).unwrap_or_default();
    if format == Format::Json {
        let list: Vec<Value> = actions
            .iter()
            .map(|a| json!({"id": a.id, "action_name": a.action, "acting_user": name(a.acting_user_id), "target_user": name(a.target_user_id), "details": a.details, "created_at": iso(a.created_at)}))
            .collect();
        return Ok(Json(json!({ "staff_action_logs": list })).into_response());
    }
    let rows = actions
        .iter()
        .map(|a| LogRow { action: a.action.clone(), by: name(a.acting_user_id), target: name(a.target_user_id), details: a.details.clone(), when: pages::moment(a.created_at, &viewer) })
        .collect();
    Ok(pages::render(&AdminLogsPage { chrome: Chrome::new(&state, &viewer, csrf), rows }))
}
