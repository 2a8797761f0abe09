//! A person's own preferences (`/u/{username}/preferences`): profile and
//! time zone, e-mail address and password. Only for the person themselves;
//! e-mail and password changes ask for the current password.

use crate::AppState;
use crate::auth::{self, ClientIp, SESSION_COOKIE, SignedIn, Viewer};
use crate::error::{AppError, AppResult};
use crate::input::{Input, Query};
use crate::ops;
use crate::params::Params;
use crate::pages::{self, Chrome, CsrfToken, FormErrors, PreferencesPage, SessionView};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use minga_store::User;

/// The person, if the preferences are theirs.
fn own<'a>(viewer: &'a SignedIn, name: &str) -> AppResult<&'a User> {
    let me = viewer.user();
    if !me.username.eq_ignore_ascii_case(name) {
        return Err(AppError::Forbidden(minga_core::text!("error-others-preferences")));
    }
    Ok(me)
}

/// IANA time zone names people may choose from.
fn zones() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db().available().map(|n| n.as_str().to_string()).filter(|n| n.contains('/') && !n.starts_with("Etc/") && !n.starts_with("posix/") && !n.starts_with("right/")).collect();
    names.sort();
    names.dedup();
    names.insert(0, "UTC".into());
    names
}

/// The person's sessions, as their preferences page lists them.
async fn sessions(state: &AppState, viewer: &Viewer, headers: &HeaderMap) -> AppResult<Vec<SessionView>> {
    let Some(me) = viewer.user.as_ref() else { return Ok(Vec::new()) };
    let current = auth::cookie(headers, SESSION_COOKIE).map(|t| auth::hash_secret(&t)).unwrap_or_default();
    Ok(state
        .store
        .sessions(me.id, &current)
        .await?
        .into_iter()
        .map(|s| SessionView {
            id: s.id,
            device: auth::describe_device(viewer.locale, &s.user_agent),
            ip: s.ip,
            last_seen: pages::moment(s.last_seen_at.unwrap_or(s.created_at), viewer),
            current: s.current,
        })
        .collect())
}

#[allow(clippy::too_many_arguments)]
fn page(
    state: &AppState,
    viewer: &Viewer,
    csrf: CsrfToken,
    user: &User,
    input: Option<&Input>,
    errors: FormErrors,
    saved: Option<&str>,
    sessions: Vec<SessionView>,
) -> PreferencesPage {
    let typed = |k: &str, current: &str| input.and_then(|i| i.str(k)).unwrap_or(current).to_string();
    let notice = match saved {
        Some("profile") => Some(crate::i18n::t(viewer.locale, "prefs-saved-profile")),
        Some("email") => Some(crate::i18n::t(viewer.locale, "prefs-saved-email")),
        Some("email-sent") => Some(crate::i18n::t(viewer.locale, "prefs-email-sent")),
        Some("password") => Some(crate::i18n::t(viewer.locale, "prefs-saved-password")),
        Some("sessions") => Some(crate::i18n::t(viewer.locale, "prefs-saved-sessions")),
        _ => None,
    };
    PreferencesPage {
        chrome: Chrome::new(state, viewer, csrf),
        username: user.username.clone(),
        name: typed("name", &user.name),
        bio_raw: typed("bio_raw", &user.bio_raw),
        location: typed("location", &user.location),
        website: typed("website", &user.website),
        timezone: typed("timezone", &user.timezone),
        locale: typed("locale", &user.locale),
        theme: typed("theme", &user.theme),
        email: typed("email", &user.email),
        zones: zones(),
        sessions,
        errors,
        notice,
    }
}

#[derive(serde::Deserialize, Default)]
pub struct SavedQuery {
    pub saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
    csrf: CsrfToken,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(q): Query<SavedQuery>,
) -> AppResult<Response> {
    let me = own(&signed_in, &name)?;
    let viewer = &signed_in.0;
    let sessions = sessions(&state, viewer, &headers).await?;
    Ok(pages::render(&page(&state, viewer, csrf, me, None, FormErrors::default(), q.saved.as_deref(), sessions)))
}

/// Answers a saved form with a redirect, a refused one with the page again.
#[allow(clippy::too_many_arguments)]
async fn answer(
    state: &AppState,
    viewer: &Viewer,
    csrf: CsrfToken,
    headers: &HeaderMap,
    me: &User,
    input: &Input,
    result: AppResult<()>,
    what: &str,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(pages::redirect(&format!("/u/{}/preferences?saved={what}", me.username))),
        Err(AppError::Invalid(invalid)) => {
            let sessions = sessions(state, viewer, headers).await?;
            Ok(pages::render_invalid(&page(state, viewer, csrf, me, Some(input), FormErrors::of(&invalid, viewer.locale), None, sessions)))
        }
        Err(e) => Err(e),
    }
}

#[derive(serde::Deserialize, Debug, Default)]
pub struct RevokeAuthToken {
    pub token_id: Option<i64>,
}

#[derive(serde::Deserialize, Debug, Default)]
pub struct ChangeEmail {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub email: String,
}

#[derive(serde::Deserialize, Debug, Default)]
pub struct ChangePassword {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub new_password: String,
    #[serde(default)]
    pub new_password_again: String,
}

/// `POST /u/{username}/preferences/revoke-auth-token`, as on Discourse:
/// with `token_id`, logs out that session; without, every session but
/// this one.
pub async fn revoke(
    State(state): State<AppState>,
    viewer: SignedIn,
    format: crate::format::Format,
    headers: HeaderMap,
    Path(name): Path<String>,
    Params(body): Params<RevokeAuthToken>,
) -> AppResult<Response> {
    let me = own(&viewer, crate::format::strip_json(&name))?;
    match body.token_id {
        Some(id) => {
            if !state.store.end_session(me.id, id).await? {
                return Err(AppError::NotFound);
            }
        }
        None => {
            let current = auth::cookie(&headers, SESSION_COOKIE).map(|t| auth::hash_secret(&t)).unwrap_or_default();
            state.store.end_other_sessions(me.id, &current).await?;
        }
    }
    Ok(match format {
        crate::format::Format::Json => axum::Json(crate::json::OK).into_response(),
        crate::format::Format::Html => pages::redirect(&format!("/u/{}/preferences?saved=sessions", me.username)),
    })
}

pub async fn save_profile(State(state): State<AppState>, signed_in: SignedIn, csrf: CsrfToken, headers: HeaderMap, Path(name): Path<String>, input: Input) -> AppResult<Response> {
    let me = own(&signed_in, &name)?;
    let viewer = &signed_in.0;
    let result = async {
        let change: ops::ProfileChange = crate::params::read(input.0.clone())?;
        let profile = ops::profile_from(&change, me)?;
        Ok(state.store.update_profile(me.id, &profile).await?)
    }
    .await;
    answer(&state, viewer, csrf, &headers, me, &input, result, "profile").await
}

pub async fn save_email(
    State(state): State<AppState>,
    signed_in: SignedIn,
    csrf: CsrfToken,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(name): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let me = own(&signed_in, &name)?;
    let viewer = &signed_in.0;
    let body: ChangeEmail = crate::params::read(input.0.clone())?;
    // The password field of this form has its own name on the page.
    let result = ops::change_email(&state, me, &body.current_password, &body.email, &ip, viewer.locale).await;
    let what = if matches!(result, Ok(ops::EmailChange::Sent)) { "email-sent" } else { "email" };
    let result = result.map(|_| ()).map_err(|e| match e {
        AppError::Invalid(mut invalid) => {
            for f in &mut invalid.0 {
                if f.field == "current_password" {
                    f.field = "email_current_password";
                }
            }
            AppError::Invalid(invalid)
        }
        other => other,
    });
    answer(&state, viewer, csrf, &headers, me, &input, result, what).await
}

pub async fn save_password(
    State(state): State<AppState>,
    signed_in: SignedIn,
    csrf: CsrfToken,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(name): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let me = own(&signed_in, &name)?;
    let viewer = &signed_in.0;
    let body: ChangePassword = crate::params::read(input.0.clone())?;
    let new = body.new_password;
    let result = if new != body.new_password_again {
        Err(AppError::invalid("new_password_again", minga_core::text!("error-passwords-differ")))
    } else {
        let keep = auth::cookie(&headers, SESSION_COOKIE).map(|t| auth::hash_secret(&t));
        ops::change_password(&state, me, &body.current_password, &new, keep.as_deref(), &ip).await
    };
    answer(&state, viewer, csrf, &headers, me, &input, result, "password").await
}

#[derive(serde::Deserialize, Debug, Default)]
pub struct UpdateEmail {
    #[serde(default)]
    pub email: String,
    /// Needed from a person changing their own address in a browser; an
    /// API key (or an admin) acts without it.
    #[serde(default)]
    pub current_password: String,
}

/// `PUT /u/{username}/preferences/email.json`: the person (with their
/// password, from a browser) or an admin changes an address. When the
/// site confirms addresses by mail, the new one gets a link and the
/// account changes once it is followed.
pub async fn update_email(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ClientIp(ip): ClientIp,
    Path(name): Path<String>,
    Params(body): Params<UpdateEmail>,
) -> AppResult<Response> {
    let viewer = &signed_in.0;
    let name = crate::format::strip_json(&name);
    let target = state.store.user_by_username(name).await?.ok_or(AppError::NotFound)?;
    let me = viewer.require()?;
    let admin = viewer.is_admin();
    if target.id != me.id && !admin {
        return Err(AppError::Forbidden(minga_core::text!("error-others-preferences")));
    }
    let trusted = admin || viewer.via_api_key || viewer.user_api_key.is_some();
    let outcome = ops::change_email_as(&state, &target, (!trusted).then_some(body.current_password.as_str()), &body.email, &ip, viewer.locale).await?;
    Ok(axum::Json(serde_json::json!({ "success": "OK", "confirmation_sent": outcome == ops::EmailChange::Sent })).into_response())
}
