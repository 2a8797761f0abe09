//! Logging in and out, for pages and for the API, and the tokens a client
//! fetches first (`/session/csrf.json`, `/session/hp.json`).

use crate::AppState;
use crate::auth::{self, SignedIn, Viewer};
use crate::error::{AppError, AppResult};
use crate::input::Query;
use crate::params::Params;
use crate::json;
use crate::ops;
use crate::pages::{self, Chrome, CsrfToken, LoginPage, safe_next};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};

fn with_cookie(response: Response, cookie: &str) -> AppResult<Response> {
    with_cookies(response, &[cookie.to_string()])
}

pub fn with_cookies(mut response: Response, cookies: &[String]) -> AppResult<Response> {
    for cookie in cookies {
        let value = HeaderValue::from_str(cookie).map_err(|e| AppError::Internal(e.to_string()))?;
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// `login` and `password`, as Discourse's client sends them (with fields
/// minga does not use, such as `second_factor_token`, ignored).
#[derive(serde::Deserialize, Debug)]
pub struct LogIn {
    #[serde(default)]
    pub login: String,
    #[serde(default)]
    pub password: String,
    pub next: Option<String>,
}

/// `POST /session`: a wrong password, or an account that may not log in,
/// answers 200 with `{"error": …}` (and a `reason`), as Discourse does;
/// too many tries answer 429.
pub async fn create(State(state): State<AppState>, viewer: Viewer, device: auth::Device, Params(body): Params<LogIn>) -> AppResult<Response> {
    if body.login.trim().is_empty() || body.password.is_empty() {
        return Err(AppError::invalid("login", minga_core::text!("error-login-missing")));
    }
    match ops::log_in(&state, &body.login, &body.password, &device.ip).await? {
        Ok(user) => {
            let cookies = auth::start_session(&state, &user, &device).await?;
            with_cookies(Json(json::LoggedIn { user: json::CurrentUser::of(&user) }).into_response(), &cookies)
        }
        Err(refused) => Ok(Json(json::LogInFailed { error: crate::i18n::say(viewer.locale, &refused.text()), reason: refused.reason() }).into_response()),
    }
}

pub async fn current(viewer: Viewer) -> AppResult<Response> {
    let user = viewer.user.as_ref().ok_or(AppError::NotFound)?;
    Ok(Json(json::Current { current_user: json::CurrentUser::of(user) }).into_response())
}

pub async fn csrf(csrf: CsrfToken) -> Response {
    Json(json::Csrf { csrf: csrf.0 }).into_response()
}

pub async fn honeypot(State(state): State<AppState>) -> AppResult<Response> {
    let hp = state.honeypot().await?;
    Ok(Json(json::Honeypot { value: hp.value.clone(), challenge: hp.challenge.clone() }).into_response())
}

/// `DELETE /session/{username}`: log out.
pub async fn destroy(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> AppResult<Response> {
    let user = signed_in.user();
    if !user.username.eq_ignore_ascii_case(crate::format::strip_json(&name)) {
        return Err(AppError::forbidden());
    }
    let cookie = auth::end_session(&state, &headers).await?;
    with_cookie(Json(json::OK).into_response(), &cookie)
}

#[derive(serde::Deserialize, Default)]
pub struct NextQuery {
    pub next: Option<String>,
}

pub async fn login_form(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken, Query(q): Query<NextQuery>) -> AppResult<Response> {
    let next = safe_next(q.next.as_deref(), &state.settings.base_url);
    if viewer.user.is_some() {
        return Ok(pages::redirect(&next));
    }
    Ok(pages::render(&LoginPage { chrome: Chrome::new(&state, &viewer, csrf), login: String::new(), next, error: None }))
}

pub async fn login_submit(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    device: auth::Device,
    Params(body): Params<LogIn>,
) -> AppResult<Response> {
    let LogIn { login, password, next } = body;
    let next = safe_next(next.as_deref(), &state.settings.base_url);
    let failed = |message: String, status| {
        let page = LoginPage { chrome: Chrome::new(&state, &viewer, csrf.clone()), login: login.clone(), next: next.clone(), error: Some(message) };
        let mut r = pages::render(&page);
        *r.status_mut() = status;
        r
    };
    match ops::log_in(&state, &login, &password, &device.ip).await {
        Ok(Ok(user)) => {
            let cookies = auth::start_session(&state, &user, &device).await?;
            with_cookies(pages::redirect(&next), &cookies)
        }
        Ok(Err(refused)) => Ok(failed(crate::i18n::say(viewer.locale, &refused.text()), axum::http::StatusCode::UNAUTHORIZED)),
        Err(e @ AppError::RateLimited(_)) => Ok(failed(e.messages(viewer.locale).join(" "), axum::http::StatusCode::TOO_MANY_REQUESTS)),
        Err(e) => Err(e),
    }
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    let cookie = auth::end_session(&state, &headers).await?;
    with_cookie(Redirect::to("/").into_response(), &cookie)
}
