//! Groups as organisations: lists, pages, members, joining and leaving,
//! membership requests, and creating groups (admins).

use crate::AppState;
use crate::auth::{Admin, Viewer};
use crate::error::{AppError, AppResult};
use crate::format::Format;
use crate::input::Input;
use crate::json::group::{self as shape, GroupAnswer, GroupList, GroupMembers, ListExtras, Meta, ShowExtras};
use crate::pages::{self, Avatar, Chrome, CsrfToken, GroupPage, GroupRow, GroupsPage};
use crate::params::{self, Params};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minga_core::UserId;
use minga_core::perm::{self, GroupVisibility, JoinMode};
use minga_store::{Group, GroupForm};
use serde::Deserialize;

fn can_see(g: &Group, viewer: &Viewer) -> bool {
    perm::can_see_group(&g.rules(), viewer.actor().as_ref(), viewer.owned.contains(&g.id))
}

fn can_see_members(g: &Group, viewer: &Viewer) -> bool {
    perm::can_see_group_members(&g.rules(), viewer.actor().as_ref(), viewer.owned.contains(&g.id))
}

fn can_manage(g: &Group, viewer: &Viewer) -> bool {
    perm::can_manage_group(&g.rules(), viewer.actor().as_ref(), viewer.owned.contains(&g.id))
}

/// A group the viewer may see, by name or id; otherwise not found.
async fn find(state: &AppState, viewer: &Viewer, key: &str) -> AppResult<Group> {
    let key = crate::format::strip_json(key);
    let g = match key.parse::<i64>() {
        Ok(id) => state.store.group(id).await?,
        Err(_) => state.store.group_by_name(key).await?,
    };
    g.filter(|g| can_see(g, viewer)).ok_or(AppError::NotFound)
}

/// Member counts by group id.
async fn sizes(state: &AppState) -> AppResult<std::collections::HashMap<i64, i64>> {
    Ok(state.store.group_sizes().await?.into_iter().collect())
}

pub async fn index(State(state): State<AppState>, viewer: Viewer, format: Format, csrf: CsrfToken) -> AppResult<Response> {
    let groups: Vec<Group> = state.store.groups().await?.into_iter().filter(|g| !g.automatic || viewer.is_staff()).filter(|g| can_see(g, &viewer)).collect();
    match format {
        Format::Json => {
            let sizes = sizes(&state).await?;
            let list: Vec<_> = groups.iter().map(|g| shape::basic_group(g, &viewer, sizes.get(&g.id).copied().unwrap_or(0))).collect();
            let mut type_filters = vec!["public", "close"];
            if viewer.user.is_some() {
                type_filters.extend(["my", "owner"]);
            }
            if viewer.is_staff() {
                type_filters.push("automatic");
            }
            let extras = ListExtras { type_filters };
            Ok(Json(GroupList { total_rows_groups: list.len(), groups: list, extras, load_more_groups: String::new() }).into_response())
        }
        Format::Html => Ok(pages::render(&GroupsPage {
            chrome: Chrome::new(&state, &viewer, csrf),
            groups: groups
                .iter()
                .filter(|g| !g.automatic)
                .map(|g| GroupRow { name: g.name.clone(), full_name: g.full_name.clone(), location: g.location.clone() })
                .collect(),
            can_create: viewer.is_admin(),
            creator: viewer.user.as_ref().map(|u| u.username.clone()).unwrap_or_default(),
        })),
    }
}

pub async fn show(State(state): State<AppState>, viewer: Viewer, format: Format, csrf: CsrfToken, Path(key): Path<String>) -> AppResult<Response> {
    let g = find(&state, &viewer, &key).await?;
    let see_members = can_see_members(&g, &viewer);
    let (members, count) = if see_members { state.store.group_members(&g, 0, 50).await? } else { (Vec::new(), 0) };
    if format == Format::Json {
        return Ok(answer_group(&state, &g, &viewer).await?.into_response());
    }
    let scope = state.catalog().await?.scope(viewer.actor().as_ref());
    let posts = if see_members && !g.automatic { state.store.posts_by_group(g.id, scope.as_deref(), 20).await? } else { Vec::new() };
    let requests = if can_manage(&g, &viewer) { state.store.membership_requests(g.id).await? } else { Vec::new() };
    let me = viewer.user.as_ref();
    Ok(pages::render(&GroupPage {
        chrome: Chrome::new(&state, &viewer, csrf),
        id: g.id,
        name: g.name.clone(),
        full_name: g.full_name.clone(),
        bio: minga_core::cook::cook_plain(&g.bio_raw).html,
        website: if g.website.starts_with("https://") || g.website.starts_with("http://") { g.website.clone() } else { String::new() },
        location: g.location.clone(),
        member_count: count,
        see_members,
        owners: members.iter().filter(|m| m.owner).map(|m| (m.user.username.clone(), Avatar::of(&m.user.username))).collect(),
        members: members.iter().filter(|m| !m.owner).map(|m| (m.user.username.clone(), Avatar::of(&m.user.username))).collect(),
        posts: super::post_links(&posts, &viewer),
        is_member: viewer.groups.contains(&g.id),
        can_join: perm::can_join_group(&g.rules(), viewer.actor().as_ref()) && !viewer.groups.contains(&g.id),
        can_request: perm::can_request_membership(&g.rules(), viewer.actor().as_ref()) && !viewer.groups.contains(&g.id),
        join_after_login: match (me, g.automatic, g.rules().join_mode) {
            (None, false, JoinMode::Open) => Some("join"),
            (None, false, JoinMode::Request) => Some("ask to join"),
            _ => None,
        },
        can_manage: can_manage(&g, &viewer),
        requests: requests.iter().map(|u| (u.id.0, u.username.clone())).collect(),
    }))
}

/// `GET /groups/{name}.json` and `/groups/by-id/{id}.json`.
async fn answer_group(state: &AppState, g: &Group, viewer: &Viewer) -> AppResult<Json<GroupAnswer>> {
    let count = if can_see_members(g, viewer) { sizes(state).await?.get(&g.id).copied().unwrap_or(0) } else { 0 };
    Ok(Json(GroupAnswer { group: shape::group_show(g, viewer, count), extras: ShowExtras { visible_group_names: vec![g.name.clone()] } }))
}

/// `GET /groups/by-id/{id}.json`
pub async fn show_by_id(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> AppResult<Response> {
    let id: i64 = crate::format::strip_json(&id).parse().map_err(|_| AppError::NotFound)?;
    let g = state.store.group(id).await?.filter(|g| can_see(g, &viewer)).ok_or(AppError::NotFound)?;
    Ok(answer_group(&state, &g, &viewer).await?.into_response())
}

#[derive(Deserialize)]
pub struct MemberPage {
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn members(State(state): State<AppState>, viewer: Viewer, Path(key): Path<String>, Params(page): Params<MemberPage>) -> AppResult<Response> {
    let g = find(&state, &viewer, &key).await?;
    if !can_see_members(&g, &viewer) {
        return Err(AppError::Forbidden(minga_core::text!("error-group-members-hidden")));
    }
    let limit = page.limit.unwrap_or(50).clamp(1, 1000);
    let offset = page.offset.unwrap_or(0).max(0);
    let (members, total) = state.store.group_members(&g, offset, limit).await?;
    // As on Discourse, owners are listed among the members too.
    let owners = state.store.group_owners(&g).await?;
    Ok(Json(GroupMembers {
        members: members.iter().map(shape::group_user).collect(),
        owners: owners.iter().map(shape::group_user).collect(),
        meta: Meta { total, limit, offset },
    })
    .into_response())
}

/// Usernames from `usernames` (comma-separated) or ids from `user_ids`.
/// Most people one request may name.
const MAX_PEOPLE: usize = 100;

/// Lower-cased names from a comma-separated list, each once.
fn split_names(list: &str) -> Vec<String> {
    let mut names: Vec<String> = list.split(',').map(|n| n.trim().to_lowercase()).filter(|n| !n.is_empty()).collect();
    names.sort();
    names.dedup();
    names
}

/// The accounts `names` name, or an error for `field` if any is unknown.
async fn named(state: &AppState, names: &[String], field: &'static str) -> AppResult<Vec<minga_store::User>> {
    if names.len() > MAX_PEOPLE {
        return Err(AppError::invalid(field, minga_core::text!("error-people-max", count = MAX_PEOPLE)));
    }
    let users = state.store.users_by_usernames(names).await?;
    if users.len() < names.len() {
        return Err(AppError::invalid(field, minga_core::text!("error-people-missing")));
    }
    Ok(users)
}

/// Who a membership request names: `usernames`/`username` (comma-separated)
/// and `user_ids`/`user_id`; `emails` are for invites, which minga sends
/// through `/invites.json`.
#[derive(Deserialize)]
pub struct NamePeople {
    usernames: Option<String>,
    username: Option<String>,
    #[serde(default)]
    user_ids: Vec<i64>,
    user_id: Option<i64>,
}

/// The people a request names, each once.
async fn people(state: &AppState, who: &NamePeople) -> AppResult<Vec<minga_store::User>> {
    let mut names = split_names(who.usernames.as_deref().unwrap_or_default());
    names.extend(split_names(who.username.as_deref().unwrap_or_default()));
    names.sort();
    names.dedup();
    let mut ids = who.user_ids.clone();
    ids.extend(who.user_id);
    ids.sort_unstable();
    ids.dedup();
    if names.len() + ids.len() > MAX_PEOPLE {
        return Err(AppError::invalid("usernames", minga_core::text!("error-people-max", count = MAX_PEOPLE)));
    }
    let mut users = named(state, &names, "usernames").await?;
    if !ids.is_empty() {
        let found = state.store.users_by_ids(&ids.iter().copied().map(UserId).collect::<Vec<_>>()).await?;
        if found.len() < ids.len() {
            return Err(AppError::invalid("user_ids", minga_core::text!("error-people-missing")));
        }
        users.extend(found);
    }
    users.sort_by_key(|u| u.id.0);
    users.dedup_by_key(|u| u.id.0);
    if users.is_empty() {
        return Err(AppError::invalid("usernames", minga_core::text!("error-name-someone")));
    }
    Ok(users)
}

/// `PUT /groups/{id}/members.json`: owners and staff add people.
pub async fn add_members(State(state): State<AppState>, viewer: Viewer, format: Format, Path(key): Path<String>, Params(who): Params<NamePeople>) -> AppResult<Response> {
    viewer.require()?;
    let g = find(&state, &viewer, &key).await?;
    if !can_manage(&g, &viewer) {
        return Err(AppError::Forbidden(minga_core::text!("error-group-owners-add")));
    }
    let users = people(&state, &who).await?;
    state.store.add_group_members(g.id, &users.iter().map(|u| u.id).collect::<Vec<_>>(), false).await?;
    log(&state, &viewer, "add_group_member", &g, &users).await?;
    if format == Format::Html {
        return answer(format, &g);
    }
    let usernames = users.iter().map(|u| u.username.clone()).collect();
    Ok(Json(shape::MembersAdded { success: "OK", usernames, emails: Vec::new() }).into_response())
}

/// `DELETE /groups/{id}/members.json`: owners and staff remove anyone;
/// members leave a group that lets them.
pub async fn remove_members(State(state): State<AppState>, viewer: Viewer, format: Format, Path(key): Path<String>, Params(who): Params<NamePeople>) -> AppResult<Response> {
    let me = viewer.require()?;
    let g = find(&state, &viewer, &key).await?;
    let users = people(&state, &who).await?;
    let only_self = users.iter().all(|u| u.id == me.id);
    if !(can_manage(&g, &viewer) || (only_self && perm::can_leave_group(&g.rules()))) {
        return Err(AppError::Forbidden(minga_core::text!("error-group-owners-remove")));
    }
    let (mut removed, mut skipped) = (Vec::new(), Vec::new());
    for u in &users {
        if state.store.remove_group_member(g.id, u.id).await? {
            removed.push(u.clone());
        } else {
            skipped.push(u.username.clone());
        }
    }
    log(&state, &viewer, "remove_group_member", &g, &removed).await?;
    if format == Format::Html {
        return answer(format, &g);
    }
    let usernames = removed.iter().map(|u| u.username.clone()).collect();
    Ok(Json(shape::MembersRemoved { success: "OK", usernames, skipped_usernames: skipped }).into_response())
}

async fn log(state: &AppState, viewer: &Viewer, action: &str, g: &Group, users: &[minga_store::User]) -> AppResult<()> {
    if let Some(me) = &viewer.user
        && (me.admin || me.moderator)
    {
        for u in users {
            state.store.log_staff_action(action, me.id, Some(u.id), &g.name).await?;
        }
    }
    Ok(())
}

/// `PUT /groups/{id}/join.json`: join an open group.
pub async fn join(State(state): State<AppState>, viewer: Viewer, format: Format, Path(key): Path<String>) -> AppResult<Response> {
    let me = viewer.require()?;
    let g = find(&state, &viewer, &key).await?;
    if !perm::can_join_group(&g.rules(), viewer.actor().as_ref()) {
        return Err(AppError::Forbidden(minga_core::text!("error-group-not-open")));
    }
    state.store.add_group_members(g.id, &[me.id], false).await?;
    answer(format, &g)
}

#[derive(Deserialize)]
pub struct RequestMembership {
    reason: Option<String>,
}

/// `POST /groups/{name}/request_membership.json`
pub async fn request(State(state): State<AppState>, viewer: Viewer, format: Format, Path(key): Path<String>, Params(ask): Params<RequestMembership>) -> AppResult<Response> {
    let me = viewer.require()?;
    let g = find(&state, &viewer, &key).await?;
    if !perm::can_request_membership(&g.rules(), viewer.actor().as_ref()) {
        return Err(AppError::Forbidden(minga_core::text!("error-group-no-requests")));
    }
    let reason = ask.reason.unwrap_or_default();
    if reason.chars().count() > 500 {
        return Err(AppError::invalid("reason", minga_core::text!("error-too-long", max = 500)));
    }
    state.store.request_membership(g.id, me.id, &reason).await?;
    answer(format, &g)
}

#[derive(Deserialize)]
pub struct HandleRequest {
    user_id: Option<i64>,
    #[serde(default)]
    accept: bool,
}

/// `PUT /groups/{id}/handle_membership_request.json` with `user_id` and `accept`.
pub async fn handle_request(State(state): State<AppState>, viewer: Viewer, format: Format, Path(key): Path<String>, Params(handle): Params<HandleRequest>) -> AppResult<Response> {
    viewer.require()?;
    let g = find(&state, &viewer, &key).await?;
    if !can_manage(&g, &viewer) {
        return Err(AppError::Forbidden(minga_core::text!("error-group-owners-requests")));
    }
    let user = UserId(handle.user_id.ok_or_else(|| AppError::invalid("user_id", minga_core::text!("error-which-request")))?);
    let waiting = state.store.membership_requests(g.id).await?;
    if !waiting.iter().any(|u| u.id == user) {
        return Err(AppError::NotFound);
    }
    if handle.accept {
        state.store.add_group_members(g.id, &[user], false).await?;
    } else {
        state.store.deny_membership_request(g.id, user).await?;
    }
    answer(format, &g)
}

fn answer(format: Format, g: &Group) -> AppResult<Response> {
    match format {
        Format::Json => Ok(Json(shape::Success { success: "OK" }).into_response()),
        Format::Html => Ok(Redirect::to(&format!("/g/{}", g.name)).into_response()),
    }
}

/// A group's settings as Discourse sends them, under `group[…]` or at the
/// top level (minga's forms); what is absent keeps its current value.
#[derive(Deserialize, Default)]
pub struct GroupFields {
    name: Option<String>,
    full_name: Option<String>,
    bio_raw: Option<String>,
    website: Option<String>,
    location: Option<String>,
    visibility_level: Option<i64>,
    members_visibility_level: Option<i64>,
    join_mode: Option<i64>,
    public_admission: Option<bool>,
    allow_membership_requests: Option<bool>,
    public_exit: Option<bool>,
    flair_icon: Option<String>,
    flair_bg_color: Option<String>,
    flair_color: Option<String>,
    grant_trust_level: Option<i64>,
    membership_request_template: Option<String>,
    messageable_level: Option<i64>,
    mentionable_level: Option<i64>,
    automatic_membership_email_domains: Option<String>,
    default_notification_level: Option<i64>,
    usernames: Option<String>,
    owner_usernames: Option<String>,
}

/// Reads `group[…]` when sent, else the top level.
fn group_fields(mut input: Input) -> AppResult<GroupFields> {
    match input.0.remove("group") {
        Some(serde_json::Value::Object(nested)) => params::read(nested),
        _ => params::read(input.0),
    }
}

fn level(v: Option<i64>, field: &'static str, current: i64) -> AppResult<i64> {
    let v = v.unwrap_or(current);
    GroupVisibility::from_i64(v).ok_or_else(|| AppError::invalid(field, minga_core::text!("error-group-visibility")))?;
    Ok(v)
}

/// Discourse's alias levels: 0 nobody, 1 admins, 2 staff, 3 members, 4 owners, 99 everyone.
fn alias_level(v: Option<i64>, field: &'static str, current: i64) -> AppResult<i64> {
    let v = v.unwrap_or(current);
    if !matches!(v, 0..=4 | 99) {
        return Err(AppError::invalid(field, minga_core::text!("error-group-levels")));
    }
    Ok(v)
}

/// `#` and three or six hex digits, or nothing.
fn colour(v: Option<String>, field: &'static str, current: &str) -> AppResult<String> {
    let v = v.map(|c| c.trim().trim_start_matches('#').to_string()).unwrap_or_else(|| current.to_string());
    if !(v.is_empty() || ((v.len() == 3 || v.len() == 6) && v.chars().all(|c| c.is_ascii_hexdigit()))) {
        return Err(AppError::invalid(field, minga_core::text!("error-group-colour")));
    }
    Ok(v)
}

fn group_form(f: &GroupFields, current: Option<&Group>) -> AppResult<GroupForm> {
    let name = f.name.clone().or_else(|| current.map(|g| g.name.clone())).unwrap_or_default().trim().to_string();
    if minga_core::validate::username(&name).is_err() {
        return Err(AppError::invalid("name", minga_core::text!("error-group-name")));
    }
    let join_mode = match (f.public_admission, f.allow_membership_requests) {
        (Some(true), _) => JoinMode::Open as i64,
        (_, Some(true)) => JoinMode::Request as i64,
        _ => f.join_mode.unwrap_or(current.map(|g| g.join_mode).unwrap_or(JoinMode::Closed as i64)),
    };
    if JoinMode::from_i64(join_mode).is_none() {
        return Err(AppError::invalid("join_mode", minga_core::text!("error-join-mode")));
    }
    let text = |v: &Option<String>, k: &'static str, cur: Option<&str>, max: usize| -> AppResult<String> {
        let v = v.clone().unwrap_or_else(|| cur.unwrap_or_default().to_string());
        if v.chars().count() > max {
            return Err(AppError::invalid(k, minga_core::text!("error-too-long", max = max)));
        }
        Ok(v.trim().to_string())
    };
    let grant_trust_level = match f.grant_trust_level {
        Some(0) => None,
        Some(n @ 1..=4) => Some(n),
        Some(_) => return Err(AppError::invalid("grant_trust_level", minga_core::text!("error-trust-level"))),
        None => current.and_then(|g| g.grant_trust_level),
    };
    let domains = text(&f.automatic_membership_email_domains, "automatic_membership_email_domains", current.map(|g| g.automatic_membership_email_domains.as_str()), 1000)?;
    let domains: Vec<String> = domains.split('|').map(|d| d.trim().trim_start_matches('@').to_lowercase()).filter(|d| !d.is_empty()).collect();
    if domains.iter().any(|d| !d.contains('.') || !d.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')) {
        return Err(AppError::invalid("automatic_membership_email_domains", minga_core::text!("error-email-domains")));
    }
    let notification = f.default_notification_level.unwrap_or(current.map(|g| g.default_notification_level).unwrap_or(3));
    if !(0..=4).contains(&notification) {
        return Err(AppError::invalid("default_notification_level", minga_core::text!("error-notification-level")));
    }
    Ok(GroupForm {
        full_name: text(&f.full_name, "full_name", current.map(|g| g.full_name.as_str()), 100)?,
        bio_raw: text(&f.bio_raw, "bio_raw", current.map(|g| g.bio_raw.as_str()), 3000)?,
        website: text(&f.website, "website", current.map(|g| g.website.as_str()), 300)?,
        location: text(&f.location, "location", current.map(|g| g.location.as_str()), 100)?,
        visibility_level: level(f.visibility_level, "visibility_level", current.map(|g| g.visibility_level).unwrap_or(0))?,
        members_visibility_level: level(f.members_visibility_level, "members_visibility_level", current.map(|g| g.members_visibility_level).unwrap_or(0))?,
        join_mode,
        flair_icon: text(&f.flair_icon, "flair_icon", current.map(|g| g.flair_icon.as_str()), 100)?,
        flair_bg_color: colour(f.flair_bg_color.clone(), "flair_bg_color", current.map(|g| g.flair_bg_color.as_str()).unwrap_or_default())?,
        flair_color: colour(f.flair_color.clone(), "flair_color", current.map(|g| g.flair_color.as_str()).unwrap_or_default())?,
        grant_trust_level,
        public_exit: f.public_exit.unwrap_or(current.is_some_and(|g| g.public_exit)),
        membership_request_template: text(&f.membership_request_template, "membership_request_template", current.map(|g| g.membership_request_template.as_str()), 5000)?,
        messageable_level: alias_level(f.messageable_level, "messageable_level", current.map(|g| g.messageable_level).unwrap_or(0))?,
        mentionable_level: alias_level(f.mentionable_level, "mentionable_level", current.map(|g| g.mentionable_level).unwrap_or(0))?,
        automatic_membership_email_domains: domains.join("|"),
        default_notification_level: notification,
        name,
    })
}

/// `POST /admin/groups.json`
pub async fn create(State(state): State<AppState>, Admin(viewer): Admin, format: Format, input: Input) -> AppResult<Response> {
    let admin = viewer.require()?.clone();
    let fields = group_fields(input)?;
    let form = group_form(&fields, None)?;
    if state.store.user_by_username(&form.name).await?.is_some() {
        return Err(AppError::invalid("name", minga_core::text!("error-group-name-person")));
    }
    // Everyone named must exist before anything is stored.
    let mut owner_names = split_names(fields.owner_usernames.as_deref().unwrap_or_default());
    // A group made from the page is owned by its maker unless others are
    // named (the API keeps Discourse's way: owners only as named).
    if format == Format::Html && owner_names.is_empty() {
        owner_names.push(admin.username.to_lowercase());
    }
    let owners = named(&state, &owner_names, "owner_usernames").await?;
    let members = named(&state, &split_names(fields.usernames.as_deref().unwrap_or_default()), "usernames").await?;
    let g = state.store.create_group(&form).await?;
    for (users, owner) in [(members, false), (owners, true)] {
        state.store.add_group_members(g.id, &users.iter().map(|u| u.id).collect::<Vec<_>>(), owner).await?;
    }
    state.store.log_staff_action("create_group", admin.id, None, &g.name).await?;
    state.forget_catalog();
    match format {
        Format::Json => {
            let count = sizes(&state).await?.get(&g.id).copied().unwrap_or(0);
            Ok(Json(shape::Created { basic_group: shape::basic_group(&g, &viewer, count) }).into_response())
        }
        Format::Html => Ok(Redirect::to(&format!("/g/{}", g.name)).into_response()),
    }
}

/// `PUT /groups/{id}.json`: owners and staff change a group's settings.
pub async fn update(State(state): State<AppState>, viewer: Viewer, format: Format, Path(key): Path<String>, input: Input) -> AppResult<Response> {
    viewer.require()?;
    let g = find(&state, &viewer, &key).await?;
    if !can_manage(&g, &viewer) {
        return Err(AppError::Forbidden(minga_core::text!("error-group-owners-change")));
    }
    let form = group_form(&group_fields(input)?, Some(&g))?;
    let saved = state.store.update_group(g.id, &form).await?;
    state.forget_catalog();
    match format {
        Format::Json => {
            let count = sizes(&state).await?.get(&g.id).copied().unwrap_or(0);
            Ok(Json(shape::Updated { success: "OK", group: shape::basic_group(&saved, &viewer, count) }).into_response())
        }
        Format::Html => Ok(Redirect::to(&format!("/g/{}", saved.name)).into_response()),
    }
}

/// `DELETE /admin/groups/{id}.json`: admins delete a custom group.
pub async fn delete(State(state): State<AppState>, Admin(viewer): Admin, Path(id): Path<String>) -> AppResult<Response> {
    let admin = viewer.require()?.clone();
    let id: i64 = crate::format::strip_json(&id).parse().map_err(|_| AppError::NotFound)?;
    let g = state.store.group(id).await?.ok_or(AppError::NotFound)?;
    if !perm::can_delete_group(&g.rules(), viewer.actor().as_ref()) {
        return Err(AppError::Forbidden(minga_core::text!("error-group-automatic")));
    }
    let g = state.store.delete_group(g.id).await?;
    state.store.log_staff_action("delete_group", admin.id, None, &g.name).await?;
    state.forget_catalog();
    Ok(Json(shape::Success { success: "OK" }).into_response())
}

/// Leaving a group from its page.
pub async fn leave(State(state): State<AppState>, viewer: Viewer, Path(key): Path<String>) -> AppResult<Response> {
    let me = viewer.require()?;
    let g = find(&state, &viewer, &key).await?;
    if !perm::can_leave_group(&g.rules()) {
        return Err(AppError::Forbidden(minga_core::text!("error-group-leave")));
    }
    state.store.remove_group_member(g.id, me.id).await?;
    Ok(Redirect::to(&format!("/g/{}", g.name)).into_response())
}
