//! Profiles, sign-up (page and `POST /users.json`), the first-admin setup
//! page, and letter avatars.

use super::{id_segment, topic_url};
use crate::AppState;
use crate::auth::{self, Viewer};
use crate::error::{AppError, AppResult};
use crate::format::Format;
use crate::input::Input;
use crate::json;
use crate::ops::{self, SignUp};
use crate::pages::{self, Avatar, Chrome, CsrfToken, FormErrors, SignupPage, TopicLink, UserPage};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use minga_core::time::{iso, short_date};
use minga_store::TopicFilter;
use serde_json::json;

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    format: Format,
    csrf: CsrfToken,
    Path(name): Path<String>,
) -> AppResult<Response> {
    let name = crate::format::strip_json(&name);
    let user = state.store.user_by_username(name).await?.ok_or(AppError::NotFound)?;
    // Activity shows only what this reader may see.
    let scope = state.catalog().await?.scope(viewer.actor().as_ref());
    let topics = state.store.topics(TopicFilter::CreatedBy(user.id), scope.as_deref(), 0, 30).await?;
    let posts = state.store.posts_by_user(user.id, scope.as_deref(), 30).await?;
    if format == Format::Json {
        let mut body = json::basic_user(&user);
        let extra = json!({
            "created_at": iso(user.created_at),
            "last_seen_at": user.last_seen_at.map(iso),
            "admin": user.admin,
            "moderator": user.moderator,
            "trust_level": user.trust_level,
            "bio_raw": user.bio_raw,
            "bio_cooked": json::cooked_text(&user.bio_raw),
            "location": user.location,
            "website": user.website,
            "timezone": user.timezone,
            "topic_count": topics.len(),
            "post_count": posts.len(),
            "can_edit": viewer.user.as_ref().is_some_and(|v| v.id == user.id || v.admin),
            "primary_group_name": state.catalog().await?.public_group_name(user.primary_group_id),
            "groups": [],
        });
        if let (Some(obj), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            obj.extend(extra.clone());
        }
        return Ok(Json(json!({ "user_badges": [], "user": body })).into_response());
    }
    let role = if user.admin { "Admin" } else if user.moderator { "Moderator" } else { "" };
    // Their co-ops, those that everyone may see.
    let catalog = state.catalog().await?;
    let memberships = state.store.memberships(user.id).await?;
    let groups = catalog
        .groups
        .iter()
        .filter(|g| !g.automatic && g.visibility_level == 0 && memberships.iter().any(|(id, _)| *id == g.id))
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
        joined: short_date(user.created_at),
        topics: topics
            .iter()
            .map(|t| TopicLink { url: topic_url(&t.slug, t.id), title: t.title.clone(), when: pages::moment(t.created_at, &viewer) })
            .collect(),
        posts: super::post_links(&posts, &viewer),
    }))
}

fn sign_up_input(input: &Input) -> AppResult<SignUp> {
    Ok(SignUp {
        username: input.text("username")?,
        email: input.text("email")?,
        name: input.text("name")?,
        password: input.text("password")?,
    })
}

/// `POST /users.json`. Browsers and scripts without an API key must pass
/// Discourse's honeypot (`/session/hp.json`); API-key requests skip it.
pub async fn create(State(state): State<AppState>, viewer: Viewer, input: Input) -> AppResult<Response> {
    if !viewer.via_api_key {
        let confirmation = input.text("password_confirmation")?;
        let challenge = input.text("challenge")?;
        if !state.honeypot().await?.passes(&confirmation, &challenge) {
            return Err(AppError::Forbidden("We could not create your account: the sign-up check failed. Please reload and try again.".into()));
        }
    }
    let user = ops::sign_up_as(&state, sign_up_input(&input)?, false, viewer.is_staff()).await?;
    let message = if user.approved { "Your account is active and ready to use." } else { "Your account is waiting for approval by staff." };
    Ok(Json(json!({
        "success": true,
        "active": true,
        "approved": user.approved,
        "message": message,
        "user_id": user.id,
    }))
    .into_response())
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
    Ok(pages::render(&signup_page(&state, &viewer, csrf, "Create your account", "/signup".into(), None, FormErrors::default())))
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
    // The page's honeypot field is hidden from people; bots fill it.
    if !input.text("website_url")?.is_empty() {
        let errors = FormErrors::one("", "We could not create your account. Please try again.");
        return Ok(pages::render_invalid(&signup_page(&state, &viewer, csrf, heading, action, Some(&input), errors)));
    }
    let created = match &via {
        Via::Invite(key) => ops::redeem_invite(&state, key, sign_up_input(&input)?).await,
        Via::Setup(token) => ops::create_first_admin(&state, token, sign_up_input(&input)?).await,
        Via::SignUp => ops::sign_up(&state, sign_up_input(&input)?, false).await,
    };
    match created {
        Ok(user) if !user.approved => {
            let page = crate::pages::ErrorPage {
                chrome: Chrome::new(&state, &viewer, csrf),
                title: "Thanks for signing up",
                messages: vec!["Your account is waiting for approval by staff. You can log in once it is approved.".into()],
            };
            Ok(pages::render(&page))
        }
        Ok(user) => {
            if admin {
                *state.setup_token.lock().expect("setup token lock") = None;
            }
            let cookies = auth::start_session(&state, &user, &device).await?;
            super::session::with_cookies(Redirect::to(if admin { "/admin/categories?welcome=1" } else { "/" }).into_response(), &cookies)
        }
        Err(AppError::Invalid(invalid)) => {
            Ok(pages::render_invalid(&signup_page(&state, &viewer, csrf, heading, action, Some(&input), FormErrors::from(&invalid))))
        }
        Err(e) => Err(e),
    }
}

pub async fn signup_submit(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken, device: auth::Device, input: Input) -> AppResult<Response> {
    submit(state, viewer, csrf, device, input, Via::SignUp, "Create your account", "/signup".into()).await
}

/// The first-admin page exists only while there is no admin and only for
/// whoever holds a link `minga serve` printed.
async fn check_setup(state: &AppState, token: &str) -> AppResult<()> {
    if state.store.setup_token_valid(&auth::hash_secret(token)).await? { Ok(()) } else { Err(AppError::NotFound) }
}

pub async fn setup_form(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken, Path(token): Path<String>) -> AppResult<Response> {
    check_setup(&state, &token).await?;
    Ok(pages::render(&signup_page(&state, &viewer, csrf, "Create the first admin account", format!("/setup/{token}"), None, FormErrors::default())))
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
    submit(state, viewer, csrf, device, input, Via::Setup(token), "Create the first admin account", action).await
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
        return Err(AppError::Forbidden("This invite has expired or has already been used.".into()));
    }
    let mut page = signup_page(&state, &viewer, csrf, "You are invited", format!("/invites/{key}"), None, FormErrors::default());
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
    submit(state, viewer, csrf, device, input, Via::Invite(key), "You are invited", action).await
}

/// `PUT /u/{username}.json`: people change their own profile (staff
/// anyone's): `name`, `bio_raw`, `location`, `website`, `timezone`, and
/// `primary_group_id` (a group they belong to, or null).
pub async fn update(State(state): State<AppState>, viewer: Viewer, Path(name): Path<String>, input: Input) -> AppResult<Response> {
    let me = viewer.require()?;
    let user = state.store.user_by_username(crate::format::strip_json(&name)).await?.ok_or(AppError::NotFound)?;
    if user.id != me.id && !viewer.is_staff() {
        return Err(AppError::forbidden());
    }
    let profile = ops::profile_from(&input, &user)?;
    let group = if input.get("primary_group_id").is_some() { Some(input.int("primary_group_id")?) } else { None };
    state.store.update_profile_and_group(user.id, &profile, group).await.map_err(|e| match e {
        minga_store::StoreError::Missing(_) => AppError::invalid("primary_group_id", "You can only show a group you belong to."),
        other => other.into(),
    })?;
    Ok(Json(json!({ "success": "OK", "user": json::basic_user(&state.store.user_by_id(user.id).await?.ok_or(AppError::NotFound)?) })).into_response())
}
