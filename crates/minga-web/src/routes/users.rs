//! Profiles, sign-up (page and `POST /users.json`), the first-admin setup
//! page, and letter avatars.

use super::{id_segment, topic_url};
use crate::AppState;
use crate::auth::{self, SignedIn, Viewer};
use crate::error::{AppError, AppResult};
use crate::format::Format;
use crate::input::Input;
use crate::json;
use crate::ops::{self, SignUp};
use crate::pages::{self, Avatar, Chrome, CsrfToken, FormErrors, SignupPage, TopicLink, UserPage};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use crate::params::Params;
use minga_core::perm::people::{self, StaffAction, Target};
use minga_core::time::{iso, now_ms};
use minga_core::{CategoryId, UserId};
use minga_store::{TopicFilter, User};

/// `GET /u/{username}` and `/u/{username}.json`.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    format: Format,
    csrf: CsrfToken,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> AppResult<Response> {
    let name = crate::format::strip_json(&name);
    let user = state.store.user_by_username(name).await?.ok_or(AppError::NotFound)?;
    // Activity shows only what this reader may see.
    let catalog = state.catalog().await?;
    let reader = viewer.actor();
    let scope = catalog.scope(reader.as_ref());
    if format == Format::Json {
        return Ok(Json(profile(&state, &viewer, &headers, &user, scope.as_deref()).await?).into_response());
    }
    let topics = state.store.topics(TopicFilter::CreatedBy(user.id), scope.as_deref(), 0, 30).await?;
    let posts = state.store.posts_by_user(user.id, scope.as_deref(), 30).await?;
    let role = if user.admin { "Admin" } else if user.moderator { "Moderator" } else { "" };
    // Their co-ops, those that everyone may see.
    let memberships = state.store.memberships(user.id).await?;
    let groups = catalog
        .groups
        .iter()
        .filter(|g| people::can_see_membership(None, &g.rules(), false) && memberships.iter().any(|(id, _)| *id == g.id))
        .map(|g| (g.name.clone(), if g.full_name.is_empty() { g.name.clone() } else { g.full_name.clone() }))
        .collect();
    Ok(pages::render(&UserPage {
        chrome: Chrome::new(&state, &viewer, csrf),
        avatar: Avatar::of(&user.username),
        username: user.username.clone(),
        name: user.name.clone(),
        role: role.into(),
        groups,
        bio: json::cooked_text(&user.bio_raw),
        location: user.location.clone(),
        website: if user.website.starts_with("https://") || user.website.starts_with("http://") { user.website.clone() } else { String::new() },
        joined_iso: iso(user.created_at),
        joined: crate::i18n::date(viewer.locale, user.created_at),
        topics: topics
            .iter()
            .map(|t| TopicLink { url: topic_url(&t.slug, t.id), title: t.title.clone(), when: pages::moment(t.created_at, &viewer) })
            .collect(),
        posts: super::post_links(&posts, &viewer),
    }))
}

/// A profile as this reader may see it: counts from the categories they
/// may see, the groups they may see, and sessions only for the person.
async fn profile(state: &AppState, viewer: &Viewer, headers: &HeaderMap, user: &User, scope: Option<&[CategoryId]>) -> AppResult<json::UserProfile> {
    let catalog = state.catalog().await?;
    let reader = viewer.actor();
    let stats = state.store.person_stats(&[user.id], scope, 0).await?.pop().unwrap_or_default();
    let memberships = state.store.memberships(user.id).await?;
    let mut groups = Vec::new();
    let mut group_users = Vec::new();
    for g in &catalog.groups {
        let Some((_, owner)) = memberships.iter().find(|(id, _)| *id == g.id) else { continue };
        if !people::can_see_membership(reader.as_ref(), &g.rules(), viewer.owned.contains(&g.id)) {
            continue;
        }
        let count = state.store.group_members(g, 0, 1).await?.1;
        groups.push(json::group::BasicGroup { primary_group: user.primary_group_id == Some(g.id), ..json::group::basic_group(g, &viewer, count) });
        group_users.push(json::GroupUser { group_id: g.id, user_id: user.id.0, notification_level: 3, owner: *owner });
    }
    let sessions = if people::can_see_sessions(reader.as_ref(), user.id) {
        let current = auth::cookie(headers, auth::SESSION_COOKIE).map(|t| auth::hash_secret(&t)).unwrap_or_default();
        state.store.sessions(user.id, &current).await?.iter().map(json::UserAuthToken::of).collect()
    } else {
        Vec::new()
    };
    let rights = json::ProfileRights {
        can_edit: people::can_edit_profile(reader.as_ref(), user.id),
        can_be_deleted: people::can_act_on(reader.as_ref(), &Target { id: user.id, admin: user.admin, moderator: user.moderator }, StaffAction::Delete)
            && stats.post_count == 0
            && stats.topic_count == 0,
    };
    let primary_group_name = catalog.public_group_name(user.primary_group_id).map(str::to_string);
    let detailed = json::UserDetailed::of(user, &stats, rights, primary_group_name, groups, group_users, sessions, now_ms());
    Ok(json::UserProfile { user_badges: Vec::new(), user: detailed })
}

/// A sign-up's fields, from the API or the page.
#[derive(serde::Deserialize, Default, Debug)]
pub struct CreateUser {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub password: String,
    /// The honeypot's value and reversed challenge (`/session/hp.json`).
    #[serde(default)]
    pub password_confirmation: String,
    #[serde(default)]
    pub challenge: String,
    /// Whether staff approve the account they create (Discourse: admins
    /// creating accounts through the API).
    pub approved: Option<bool>,
    /// Whether staff creating the account make it active at once, without
    /// a mail to confirm its address (Discourse's).
    pub active: Option<bool>,
    /// The page's honeypot field, hidden from people; bots fill it.
    #[serde(default)]
    pub website_url: String,
}

impl CreateUser {
    pub(crate) fn sign_up(&self) -> SignUp {
        SignUp { username: self.username.clone(), email: self.email.clone(), name: self.name.clone(), password: self.password.clone() }
    }
}

/// `POST /users.json`. Browsers and scripts without an API key must pass
/// Discourse's honeypot (`/session/hp.json`); API-key requests skip it.
pub async fn create(State(state): State<AppState>, viewer: Viewer, Params(body): Params<CreateUser>) -> AppResult<Response> {
    if !viewer.via_api_key && !state.honeypot().await?.passes(&body.password_confirmation, &body.challenge) {
        return Err(AppError::Forbidden(minga_core::text!("error-signup-check")));
    }
    let approve = viewer.is_admin() && body.approved == Some(true);
    let user = ops::sign_up_via_api(&state, body.sign_up(), viewer.is_staff(), approve, body.active == Some(true), viewer.locale).await?;
    let message = if !user.active {
        crate::i18n::say(viewer.locale, &minga_core::text!("signup-done-confirm", email = user.email.as_str()))
    } else {
        crate::i18n::t(viewer.locale, if user.approved { "signup-done-active" } else { "signup-done-waiting" })
    };
    Ok(Json(json::UserCreated { success: true, active: user.active, approved: user.approved, message, user_id: user.id.0 }).into_response())
}

fn signup_page(state: &AppState, viewer: &Viewer, csrf: CsrfToken, heading: &str, action: String, input: Option<&Input>, errors: FormErrors) -> SignupPage {
    let get = |k: &str| input.and_then(|i| i.str(k)).unwrap_or_default().to_string();
    SignupPage {
        chrome: Chrome::new(state, viewer, csrf),
        heading: heading.into(),
        action: action.clone(),
        username: get("username"),
        email: get("email"),
        name: get("name"),
        errors,
        offer_login: !action.starts_with("/setup/"),
    }
}

pub async fn signup_form(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken) -> AppResult<Response> {
    if viewer.user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    Ok(pages::render(&signup_page(&state, &viewer, csrf, &crate::i18n::t(viewer.locale, "signup-heading"), "/signup".into(), None, FormErrors::default())))
}

/// Creates the account and logs the new member in.
/// How an account is being made.
enum Via {
    SignUp,
    Invite(String),
    /// The first admin, with the set-up link's token.
    Setup(String),
}

#[allow(clippy::too_many_arguments)]
async fn submit(state: AppState, viewer: Viewer, csrf: CsrfToken, device: auth::Device, input: Input, via: Via, heading: &str, action: String) -> AppResult<Response> {
    let admin = matches!(via, Via::Setup(_));
    let form: CreateUser = crate::params::read(input.0.clone())?;
    if !form.website_url.is_empty() {
        let errors = FormErrors::one("", crate::i18n::t(viewer.locale, "error-signup-retry"));
        return Ok(pages::render_invalid(&signup_page(&state, &viewer, csrf, heading, action, Some(&input), errors)));
    }
    let created = match &via {
        Via::Invite(key) => ops::redeem_invite(&state, key, form.sign_up()).await.map(|(u, topic)| (u, topic.map(|t| format!("/t/{}", t.0)))),
        Via::Setup(token) => ops::create_first_admin(&state, token, form.sign_up()).await.map(|u| (u, Some("/admin/categories?welcome=1".to_string()))),
        Via::SignUp => ops::sign_up_by_visitor(&state, form.sign_up(), viewer.locale).await.map(|u| (u, None)),
    };
    match created {
        Ok((user, _)) if !user.active => {
            let mut messages = vec![crate::i18n::say(viewer.locale, &minga_core::text!("signup-done-confirm", email = user.email.as_str()))];
            if !user.approved {
                messages.push(crate::i18n::t(viewer.locale, "signup-waiting"));
            }
            let page = crate::pages::ErrorPage { chrome: Chrome::new(&state, &viewer, csrf), title: crate::i18n::t(viewer.locale, "signup-thanks"), messages };
            Ok(pages::render(&page))
        }
        Ok((user, _)) if !user.approved => {
            let page = crate::pages::ErrorPage {
                chrome: Chrome::new(&state, &viewer, csrf),
                title: crate::i18n::t(viewer.locale, "signup-thanks"),
                messages: vec![crate::i18n::t(viewer.locale, "signup-waiting")],
            };
            Ok(pages::render(&page))
        }
        Ok((user, landing)) => {
            if admin {
                *state.setup_token.lock().expect("setup token lock") = None;
            }
            let cookies = auth::start_session(&state, &user, &device).await?;
            super::session::with_cookies(Redirect::to(landing.as_deref().unwrap_or("/")).into_response(), &cookies)
        }
        Err(AppError::Invalid(invalid)) => {
            Ok(pages::render_invalid(&signup_page(&state, &viewer, csrf, heading, action, Some(&input), FormErrors::of(&invalid, viewer.locale))))
        }
        Err(e) => Err(e),
    }
}

pub async fn signup_submit(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken, device: auth::Device, input: Input) -> AppResult<Response> {
    let heading = crate::i18n::t(viewer.locale, "signup-heading");
    submit(state, viewer, csrf, device, input, Via::SignUp, &heading, "/signup".into()).await
}

/// The first-admin page exists only while there is no admin and only for
/// whoever holds a link `minga serve` printed.
async fn check_setup(state: &AppState, token: &str) -> AppResult<()> {
    if state.store.setup_token_valid(&auth::hash_secret(token)).await? { Ok(()) } else { Err(AppError::NotFound) }
}

pub async fn setup_form(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken, Path(token): Path<String>) -> AppResult<Response> {
    check_setup(&state, &token).await?;
    Ok(pages::render(&signup_page(&state, &viewer, csrf, &crate::i18n::t(viewer.locale, "setup-heading"), format!("/setup/{token}"), None, FormErrors::default())))
}

/// Creates the first admin. The link is claimed in the same transaction
/// that makes the account, so only one request can ever use it.
pub async fn setup_submit(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    device: auth::Device,
    Path(token): Path<String>,
    input: Input,
) -> AppResult<Response> {
    check_setup(&state, &token).await?;
    let action = format!("/setup/{token}");
    let heading = crate::i18n::t(viewer.locale, "setup-heading");
    submit(state, viewer, csrf, device, input, Via::Setup(token), &heading, action).await
}

/// `/letter_avatar/{username}/{size}/1.svg`: a coloured initial, the
/// target of `avatar_template` in the API.
pub async fn letter_avatar(Path((name, size, _)): Path<(String, String, String)>) -> AppResult<Response> {
    let size = id_segment(&size).unwrap_or(48).clamp(8, 512);
    let letter: String = name.chars().next().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase().to_string()).unwrap_or_default();
    let svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 100 100"><circle cx="50" cy="50" r="50" fill="#{}"/><text x="50" y="50" dy=".35em" text-anchor="middle" font-family="sans-serif" font-size="52" fill="#fff">{letter}</text></svg>"##,
        super::avatar_color(&name)
    );
    Ok(([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")], svg).into_response())
}

/// `/invites/{key}`: the sign-up form of an invite link.
pub async fn invite_form(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken, Path(key): Path<String>) -> AppResult<Response> {
    let invite = state.store.invite_by_key(&crate::auth::hash_secret(&key)).await?.ok_or(AppError::NotFound)?;
    let now = minga_core::time::now_ms();
    if invite.expires_at <= now || invite.redemption_count >= invite.max_redemptions {
        return Err(AppError::Forbidden(minga_core::text!("error-invite-spent")));
    }
    let mut page = signup_page(&state, &viewer, csrf, &crate::i18n::t(viewer.locale, "invite-heading"), format!("/invites/{key}"), None, FormErrors::default());
    page.email = invite.email;
    Ok(pages::render(&page))
}

pub async fn invite_submit(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    device: auth::Device,
    Path(key): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let action = format!("/invites/{key}");
    let heading = crate::i18n::t(viewer.locale, "invite-heading");
    submit(state, viewer, csrf, device, input, Via::Invite(key), &heading, action).await
}

/// `PUT /u/{username}.json`: the profile fields (see `ops::ProfileChange`)
/// and `primary_group_id` (a group they belong to, or null to show none).
#[derive(serde::Deserialize, Default, Debug)]
pub struct UpdateUser {
    #[serde(flatten)]
    pub profile: ops::ProfileChange,
    #[serde(default, deserialize_with = "sent_id")]
    pub primary_group_id: Option<Option<i64>>,
    /// Discourse's user option: the level a topic takes when they reply.
    pub notification_level_when_replying: Option<serde_json::Value>,
    /// Discourse's user option: when notifications come by mail.
    pub email_level: Option<serde_json::Value>,
    /// Discourse's user option: how often a summary comes, in minutes.
    pub digest_after_minutes: Option<serde_json::Value>,
    /// Discourse's user option: every post by mail.
    pub mailing_list_mode: Option<bool>,
}

/// An id that was sent: null or blank clears it.
fn sent_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    use serde::Deserialize;
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => Ok(Some(None)),
        serde_json::Value::String(s) if s.trim().is_empty() => Ok(Some(None)),
        serde_json::Value::String(s) => s.trim().parse().map(|n| Some(Some(n))).map_err(|_| serde::de::Error::custom("expected a group id")),
        serde_json::Value::Number(n) => n.as_i64().map(|n| Some(Some(n))).ok_or_else(|| serde::de::Error::custom("expected a group id")),
        _ => Err(serde::de::Error::custom("expected a group id")),
    }
}

/// People change their own profile (staff anyone's).
pub async fn update(State(state): State<AppState>, me: SignedIn, Path(name): Path<String>, Params(body): Params<UpdateUser>) -> AppResult<Response> {
    let user = state.store.user_by_username(crate::format::strip_json(&name)).await?.ok_or(AppError::NotFound)?;
    if !people::can_edit_profile(me.actor().as_ref(), user.id) {
        return Err(AppError::forbidden());
    }
    let profile = ops::profile_from(&body.profile, &user)?;
    let reply_level = body.notification_level_when_replying.as_ref().map(super::notifications::reply_level).transpose()?;
    let email_level = body.email_level.as_ref().map(super::notifications::email_level).transpose()?;
    let digest = body.digest_after_minutes.as_ref().map(super::notifications::digest_minutes).transpose()?;
    state.store.update_profile_and_group(user.id, &profile, body.primary_group_id).await.map_err(|e| match e {
        minga_store::StoreError::Missing(_) => AppError::invalid("primary_group_id", minga_core::text!("error-primary-group")),
        other => other.into(),
    })?;
    if let Some(level) = reply_level {
        state.store.set_reply_level(user.id, level).await?;
    }
    if let Some(level) = email_level {
        state.store.set_email_level(user.id, level as i64).await?;
    }
    if let Some(minutes) = digest {
        state.store.set_digest_minutes(user.id, minutes).await?;
    }
    if let Some(on) = body.mailing_list_mode {
        state.store.set_mailing_list_mode(user.id, on).await?;
    }
    let user = state.store.user_by_id(user.id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(json::UserUpdated { success: "OK", user: json::BasicUser::of(&user) }).into_response())
}

/// `GET /u/{username}/emails.json`: for the person and staff.
pub async fn emails(State(state): State<AppState>, me: SignedIn, Path(name): Path<String>) -> AppResult<Response> {
    let user = state.store.user_by_username(&name).await?.ok_or(AppError::NotFound)?;
    if !people::can_see_emails(me.actor().as_ref(), user.id) {
        return Err(AppError::forbidden());
    }
    Ok(Json(json::UserEmails { email: user.email, secondary_emails: Vec::new(), unconfirmed_emails: Vec::new(), associated_accounts: Vec::new() })
        .into_response())
}

#[derive(serde::Deserialize, Default, Debug)]
pub struct UpdateUsername {
    #[serde(default)]
    pub new_username: String,
}

/// `PUT /u/{username}/preferences/username.json`: a new username, checked
/// as at sign-up and unique. Mentions in posts already written stay as
/// they were typed (Discourse rewrites them; minga does not edit
/// people's posts behind their back).
pub async fn update_username(State(state): State<AppState>, me: SignedIn, Path(name): Path<String>, Params(body): Params<UpdateUsername>) -> AppResult<Response> {
    let user = state.store.user_by_username(crate::format::strip_json(&name)).await?.ok_or(AppError::NotFound)?;
    if !people::can_edit_profile(me.actor().as_ref(), user.id) {
        return Err(AppError::forbidden());
    }
    let new = body.new_username.trim().to_string();
    minga_core::validate::username(&new).map_err(|e| AppError::invalid("new_username", e.text))?;
    state.store.rename_user(user.id, &new, me.user().id).await.map_err(|e| match e {
        minga_store::StoreError::Conflict(_) => AppError::invalid("new_username", minga_core::text!("error-taken", field = "username")),
        other => other.into(),
    })?;
    Ok(Json(json::UsernameChanged { id: user.id.0, username: new }).into_response())
}

/// `GET /user_actions.json?username=…&filter=4,5&offset=…`.
#[derive(serde::Deserialize, Default, Debug)]
pub struct ListUserActions {
    #[serde(default)]
    pub username: String,
    pub filter: Option<String>,
    pub offset: Option<i64>,
}

/// A page of someone's activity: topics started (4) and replies (5), in
/// the categories the reader may see.
pub async fn actions(State(state): State<AppState>, viewer: Viewer, Params(q): Params<ListUserActions>) -> AppResult<Response> {
    let user = state.store.user_by_username(q.username.trim()).await?.ok_or(AppError::NotFound)?;
    let types: Vec<i64> = match q.filter.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        None => vec![4, 5],
        Some(f) => f
            .split(',')
            .map(|t| t.trim().parse::<i64>().map_err(|_| AppError::BadRequest(minga_core::text!("error-filter"))))
            .collect::<AppResult<_>>()?,
    };
    let scope = state.catalog().await?.scope(viewer.actor().as_ref());
    let found = state.store.user_actions(user.id, &types, scope.as_deref(), q.offset.unwrap_or(0), ACTIONS_PER_PAGE).await?;
    let authors = state.store.users_by_ids(&found.iter().map(|a| UserId(a.topic_user_id)).collect::<Vec<_>>()).await?;
    let user_actions = found
        .iter()
        .map(|a| json::UserActionJson::of(a, &user, authors.iter().find(|u| u.id.0 == a.topic_user_id).unwrap_or(&user)))
        .collect();
    Ok(Json(json::UserActions { user_actions }).into_response())
}

const ACTIONS_PER_PAGE: i64 = 30;

/// `GET /directory_items.json?period=…&order=…&asc=true&page=…`.
#[derive(serde::Deserialize, Default, Debug)]
pub struct ListDirectory {
    pub period: Option<String>,
    pub order: Option<String>,
    pub asc: Option<bool>,
    pub page: Option<i64>,
}

const DIRECTORY_PAGE: i64 = 50;

/// The people of the forum with what they did in the period; posts and
/// topics count only in the categories the reader may see. Reading
/// figures (topics entered, posts read, days visited) are all-time:
/// minga keeps totals, not their history. Likes are 0: minga has none.
pub async fn directory(State(state): State<AppState>, viewer: Viewer, Params(q): Params<ListDirectory>) -> AppResult<Response> {
    let period = q.period.unwrap_or_else(|| "all".into());
    let days = match period.as_str() {
        "daily" => 1,
        "weekly" => 7,
        "monthly" => 30,
        "quarterly" => 90,
        "yearly" => 365,
        "all" => 0,
        _ => return Err(AppError::invalid("period", minga_core::text!("error-period"))),
    };
    let order = q.order.unwrap_or_else(|| "post_count".into());
    let now = now_ms();
    let since = if days == 0 { 0 } else { now - days * 86_400_000 };
    let page = q.page.unwrap_or(0).clamp(0, 10_000);
    let ascending = q.asc == Some(true);
    let scope = state.catalog().await?.scope(viewer.actor().as_ref());
    let (rows, total) = state.store.directory(&order, ascending, scope.as_deref(), since, page * DIRECTORY_PAGE, DIRECTORY_PAGE).await?;
    let more = format!("/directory_items.json?order={order}&page={}&period={period}{}", page + 1, if ascending { "&asc=true" } else { "" });
    Ok(Json(json::Directory {
        directory_items: rows.iter().map(|(u, s)| json::DirectoryItem::of(u, s)).collect(),
        meta: json::DirectoryMeta { last_updated_at: Some(iso(now)), total_rows_directory_items: total, load_more_directory_items: more },
    })
    .into_response())
}
