//! Groups as organisations: lists, pages, members, joining and leaving,
//! membership requests, and creating groups (admins).

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::format::Format;
use crate::input::Input;
use crate::json;
use crate::pages::{self, Avatar, Chrome, CsrfToken, GroupPage, GroupRow, GroupsPage};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minga_core::UserId;
use minga_store::{Group, GroupForm, Member};
use serde_json::{Value, json};

/// Visibility levels, as on Discourse.
const EVERYONE: i64 = 0;
const LOGGED_IN: i64 = 1;
const MEMBERS: i64 = 2;
const STAFF: i64 = 3;

/// Join modes.
const OPEN: i64 = 0;
const REQUEST: i64 = 1;

fn allowed(level: i64, g: &Group, viewer: &Viewer) -> bool {
    let member = viewer.groups.contains(&g.id);
    let owner = viewer.owned.contains(&g.id);
    match level {
        EVERYONE => true,
        LOGGED_IN => viewer.user.is_some(),
        MEMBERS => member || viewer.is_staff(),
        STAFF => viewer.is_staff(),
        _ => owner || viewer.is_admin(),
    }
}

fn can_see(g: &Group, viewer: &Viewer) -> bool {
    if g.automatic {
        return viewer.is_staff() || g.id == 0;
    }
    allowed(g.visibility_level, g, viewer)
}

fn can_see_members(g: &Group, viewer: &Viewer) -> bool {
    can_see(g, viewer) && (g.automatic || allowed(g.members_visibility_level, g, viewer))
}

fn can_manage(g: &Group, viewer: &Viewer) -> bool {
    !g.automatic && (viewer.is_staff() || viewer.owned.contains(&g.id))
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

fn group_json(g: &Group, viewer: &Viewer, user_count: Option<i64>) -> Value {
    json!({
        "id": g.id,
        "automatic": g.automatic,
        "name": g.name,
        "display_name": if g.full_name.is_empty() { g.name.clone() } else { g.full_name.clone() },
        "full_name": g.full_name,
        "user_count": user_count,
        "bio_raw": g.bio_raw,
        "bio_cooked": json::cooked_text(&g.bio_raw),
        "bio_excerpt": json::excerpt_html(&minga_core::cook::excerpt(&json::cooked_text(&g.bio_raw), 200)),
        "website": g.website,
        "location": g.location,
        "visibility_level": g.visibility_level,
        "members_visibility_level": g.members_visibility_level,
        "public_admission": g.join_mode == OPEN,
        "allow_membership_requests": g.join_mode == REQUEST,
        "join_mode": g.join_mode,
        "is_group_user": viewer.groups.contains(&g.id),
        "is_group_owner": viewer.owned.contains(&g.id),
        "can_see_members": can_see_members(g, viewer),
        "mentionable_level": 0,
        "primary_group": false,
        "title": null,
        "flair_url": null,
    })
}

pub async fn index(State(state): State<AppState>, viewer: Viewer, format: Format, csrf: CsrfToken) -> AppResult<Response> {
    let groups: Vec<Group> = state.store.groups().await?.into_iter().filter(|g| !g.automatic || viewer.is_staff()).filter(|g| can_see(g, &viewer)).collect();
    match format {
        Format::Json => {
            let list: Vec<Value> = groups.iter().map(|g| group_json(g, &viewer, None)).collect();
            Ok(Json(json!({ "groups": list, "total_rows_groups": groups.len(), "load_more_groups": "" })).into_response())
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
        return Ok(Json(json!({ "group": group_json(&g, &viewer, see_members.then_some(count)), "extras": {"visible_group_names": [g.name]} })).into_response());
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
        can_join: me.is_some() && !g.automatic && g.join_mode == OPEN && !viewer.groups.contains(&g.id),
        can_request: me.is_some() && !g.automatic && g.join_mode == REQUEST && !viewer.groups.contains(&g.id),
        join_after_login: match (me, g.automatic, g.join_mode) {
            (None, false, OPEN) => Some("join"),
            (None, false, REQUEST) => Some("ask to join"),
            _ => None,
        },
        can_manage: can_manage(&g, &viewer),
        requests: requests.iter().map(|u| (u.id.0, u.username.clone())).collect(),
    }))
}

fn member_json(m: &Member) -> Value {
    let mut v = json::basic_user(&m.user);
    v["owner"] = json!(m.owner);
    v["title"] = Value::Null;
    v["primary_group_id"] = json!(m.user.primary_group_id);
    v
}

pub async fn members(State(state): State<AppState>, viewer: Viewer, Path(key): Path<String>, uri: axum::http::Uri) -> AppResult<Response> {
    let g = find(&state, &viewer, &key).await?;
    if !can_see_members(&g, &viewer) {
        return Err(AppError::Forbidden("You may not see this group's members.".into()));
    }
    let q = Input::default().with_query(uri.query())?;
    let limit = q.int("limit")?.unwrap_or(50).clamp(1, 1000);
    let offset = q.int("offset")?.unwrap_or(0).max(0);
    let (members, total) = state.store.group_members(&g, offset, limit).await?;
    Ok(Json(json!({
        "members": members.iter().filter(|m| !m.owner).map(member_json).collect::<Vec<_>>(),
        "owners": members.iter().filter(|m| m.owner).map(member_json).collect::<Vec<_>>(),
        "meta": { "total": total, "limit": limit, "offset": offset },
    }))
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
        return Err(AppError::invalid(field, format!("Name at most {MAX_PEOPLE} people at a time.")));
    }
    let users = state.store.users_by_usernames(names).await?;
    if users.len() < names.len() {
        return Err(AppError::invalid(field, "Some of those people do not exist."));
    }
    Ok(users)
}

/// The people a request names by `usernames`/`username` and
/// `user_ids`/`user_id`, each once.
async fn people(state: &AppState, input: &Input) -> AppResult<Vec<minga_store::User>> {
    let mut names = split_names(&input.text("usernames")?);
    if let Some(one) = input.str("username") {
        names.extend(split_names(one));
        names.sort();
        names.dedup();
    }
    let mut ids = input.ints("user_ids")?;
    if let Some(id) = input.int("user_id")? {
        ids.push(id);
    }
    ids.sort_unstable();
    ids.dedup();
    if names.len() + ids.len() > MAX_PEOPLE {
        return Err(AppError::invalid("usernames", format!("Name at most {MAX_PEOPLE} people at a time.")));
    }
    let mut users = named(state, &names, "usernames").await?;
    if !ids.is_empty() {
        let found = state.store.users_by_ids(&ids.iter().copied().map(UserId).collect::<Vec<_>>()).await?;
        if found.len() < ids.len() {
            return Err(AppError::invalid("user_ids", "Some of those people do not exist."));
        }
        users.extend(found);
    }
    users.sort_by_key(|u| u.id.0);
    users.dedup_by_key(|u| u.id.0);
    if users.is_empty() {
        return Err(AppError::invalid("usernames", "Name at least one person."));
    }
    Ok(users)
}

/// `PUT /groups/{id}/members.json`: owners and staff add people.
pub async fn add_members(State(state): State<AppState>, viewer: Viewer, format: Format, Path(key): Path<String>, input: Input) -> AppResult<Response> {
    viewer.require()?;
    let g = find(&state, &viewer, &key).await?;
    if !can_manage(&g, &viewer) {
        return Err(AppError::Forbidden("Only the group's owners and staff add members.".into()));
    }
    let users = people(&state, &input).await?;
    state.store.add_group_members(g.id, &users.iter().map(|u| u.id).collect::<Vec<_>>(), false).await?;
    log(&state, &viewer, "add_group_member", &g, &users).await?;
    if format == Format::Html {
        return answer(format, &g);
    }
    Ok(Json(json!({ "success": "OK", "usernames": users.iter().map(|u| u.username.clone()).collect::<Vec<_>>() })).into_response())
}

/// `DELETE /groups/{id}/members.json`: owners and staff remove anyone;
/// anyone may leave.
pub async fn remove_members(State(state): State<AppState>, viewer: Viewer, format: Format, Path(key): Path<String>, input: Input) -> AppResult<Response> {
    let me = viewer.require()?;
    let g = find(&state, &viewer, &key).await?;
    let users = people(&state, &input).await?;
    let only_self = users.iter().all(|u| u.id == me.id);
    if !(can_manage(&g, &viewer) || (only_self && !g.automatic)) {
        return Err(AppError::Forbidden("Only the group's owners and staff remove members.".into()));
    }
    for u in &users {
        state.store.remove_group_member(g.id, u.id).await?;
    }
    log(&state, &viewer, "remove_group_member", &g, &users).await?;
    if format == Format::Html {
        return answer(format, &g);
    }
    Ok(Json(json!({ "success": "OK", "usernames": users.iter().map(|u| u.username.clone()).collect::<Vec<_>>() })).into_response())
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
    if g.automatic || g.join_mode != OPEN {
        return Err(AppError::Forbidden("This group is not open to join.".into()));
    }
    state.store.add_group_members(g.id, &[me.id], false).await?;
    answer(format, &g)
}

/// `POST /groups/{name}/request_membership.json`
pub async fn request(State(state): State<AppState>, viewer: Viewer, format: Format, Path(key): Path<String>, input: Input) -> AppResult<Response> {
    let me = viewer.require()?;
    let g = find(&state, &viewer, &key).await?;
    if g.automatic || g.join_mode != REQUEST {
        return Err(AppError::Forbidden("This group does not take membership requests.".into()));
    }
    let reason = input.text("reason")?;
    if reason.chars().count() > 500 {
        return Err(AppError::invalid("reason", "Keep the reason under 500 characters."));
    }
    state.store.request_membership(g.id, me.id, &reason).await?;
    answer(format, &g)
}

/// `PUT /groups/{id}/handle_membership_request.json` with `user_id` and `accept`.
pub async fn handle_request(State(state): State<AppState>, viewer: Viewer, format: Format, Path(key): Path<String>, input: Input) -> AppResult<Response> {
    viewer.require()?;
    let g = find(&state, &viewer, &key).await?;
    if !can_manage(&g, &viewer) {
        return Err(AppError::Forbidden("Only the group's owners and staff handle requests.".into()));
    }
    let user = UserId(input.int("user_id")?.ok_or_else(|| AppError::invalid("user_id", "Which request?"))?);
    let accept = matches!(input.str("accept"), Some("true" | "1")) || input.get("accept") == Some(&json!(true));
    let waiting = state.store.membership_requests(g.id).await?;
    if !waiting.iter().any(|u| u.id == user) {
        return Err(AppError::NotFound);
    }
    if accept {
        state.store.add_group_members(g.id, &[user], false).await?;
    } else {
        state.store.deny_membership_request(g.id, user).await?;
    }
    answer(format, &g)
}

fn answer(format: Format, g: &Group) -> AppResult<Response> {
    match format {
        Format::Json => Ok(Json(json!({ "success": "OK" })).into_response()),
        Format::Html => Ok(Redirect::to(&format!("/g/{}", g.name)).into_response()),
    }
}

fn level(input: &Input, key: &str, current: i64) -> AppResult<i64> {
    let v = input.int(key)?.unwrap_or(current);
    if !(0..=4).contains(&v) {
        return Err(AppError::invalid("visibility_level", "Visibility levels run from 0 (everyone) to 4 (owners)."));
    }
    Ok(v)
}

fn group_form(input: &Input, current: Option<&Group>) -> AppResult<GroupForm> {
    // Discourse nests the fields under `group[…]`; both forms are read.
    let get = |k: &str| -> AppResult<Option<String>> {
        if let Some(v) = input.str(&format!("group.{k}")) {
            return Ok(Some(v.to_string()));
        }
        Ok(input.get(k).map(|_| input.text(k)).transpose()?)
    };
    let nested: Input = match input.get("group") {
        Some(Value::Object(m)) => Input(m.clone()),
        _ => Input(input.0.clone()),
    };
    let name = get("name")?.or_else(|| current.map(|g| g.name.clone())).unwrap_or_default().trim().to_string();
    if let Err(e) = minga_core::validate::username(&name) {
        return Err(AppError::invalid("name", e.message.replace("Username", "Group name")));
    }
    let join_mode = match (nested.str("public_admission"), nested.str("allow_membership_requests")) {
        (Some("true"), _) => OPEN,
        (_, Some("true")) => REQUEST,
        _ => nested.int("join_mode")?.unwrap_or(current.map(|g| g.join_mode).unwrap_or(3)),
    };
    if !(0..=3).contains(&join_mode) {
        return Err(AppError::invalid("join_mode", "Join mode is 0 open, 1 request, 2 invite only or 3 closed."));
    }
    let text = |k: &str, cur: Option<&str>, max: usize| -> AppResult<String> {
        let v = get(k)?.unwrap_or_else(|| cur.unwrap_or_default().to_string());
        if v.chars().count() > max {
            return Err(AppError::invalid("group", format!("{k} must be at most {max} characters.")));
        }
        Ok(v.trim().to_string())
    };
    Ok(GroupForm {
        full_name: text("full_name", current.map(|g| g.full_name.as_str()), 100)?,
        bio_raw: text("bio_raw", current.map(|g| g.bio_raw.as_str()), 3000)?,
        website: text("website", current.map(|g| g.website.as_str()), 300)?,
        location: text("location", current.map(|g| g.location.as_str()), 100)?,
        visibility_level: level(&nested, "visibility_level", current.map(|g| g.visibility_level).unwrap_or(0))?,
        members_visibility_level: level(&nested, "members_visibility_level", current.map(|g| g.members_visibility_level).unwrap_or(0))?,
        join_mode,
        name,
    })
}

/// `POST /admin/groups.json`
pub async fn create(State(state): State<AppState>, viewer: Viewer, format: Format, input: Input) -> AppResult<Response> {
    let admin = viewer.require_admin()?;
    let form = group_form(&input, None)?;
    if state.store.user_by_username(&form.name).await?.is_some() {
        return Err(AppError::invalid("name", "That name is taken by a person."));
    }
    // Everyone named must exist before anything is stored.
    let mut owner_names = split_names(input.str("group.owner_usernames").or(input.str("owner_usernames")).unwrap_or_default());
    // A group made from the page is owned by its maker unless others are
    // named (the API keeps Discourse's way: owners only as named).
    if format == Format::Html && owner_names.is_empty() {
        owner_names.push(admin.username.to_lowercase());
    }
    let owners = named(&state, &owner_names, "owner_usernames").await?;
    let members = named(&state, &split_names(input.str("group.usernames").or(input.str("usernames")).unwrap_or_default()), "usernames").await?;
    let g = state.store.create_group(&form).await?;
    for (users, owner) in [(members, false), (owners, true)] {
        state.store.add_group_members(g.id, &users.iter().map(|u| u.id).collect::<Vec<_>>(), owner).await?;
    }
    state.store.log_staff_action("create_group", admin.id, None, &g.name).await?;
    state.forget_catalog();
    match format {
        Format::Json => Ok(Json(json!({ "basic_group": group_json(&g, &viewer, None) })).into_response()),
        Format::Html => Ok(Redirect::to(&format!("/g/{}", g.name)).into_response()),
    }
}

/// `PUT /groups/{id}.json`: owners and staff change a group's settings.
pub async fn update(State(state): State<AppState>, viewer: Viewer, format: Format, Path(key): Path<String>, input: Input) -> AppResult<Response> {
    viewer.require()?;
    let g = find(&state, &viewer, &key).await?;
    if !can_manage(&g, &viewer) {
        return Err(AppError::Forbidden("Only the group's owners and staff change it.".into()));
    }
    let form = group_form(&input, Some(&g))?;
    let saved = state.store.update_group(g.id, &form).await?;
    state.forget_catalog();
    match format {
        Format::Json => Ok(Json(json!({ "success": "OK", "group": group_json(&saved, &viewer, None) })).into_response()),
        Format::Html => Ok(Redirect::to(&format!("/g/{}", saved.name)).into_response()),
    }
}

/// Leaving a group from its page.
pub async fn leave(State(state): State<AppState>, viewer: Viewer, Path(key): Path<String>) -> AppResult<Response> {
    let me = viewer.require()?;
    let g = find(&state, &viewer, &key).await?;
    state.store.remove_group_member(g.id, me.id).await?;
    Ok(Redirect::to(&format!("/g/{}", g.name)).into_response())
}
