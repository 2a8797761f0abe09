//! HTML pages: the chrome every page shares, the templates (checked at
//! compile time, escaped by default), and two layers: one that gives every
//! visitor a CSRF cookie, one that renders API errors as pages.

mod templates;

pub use templates::*;

use crate::AppState;
use crate::auth::{self, CSRF_COOKIE, Viewer};
use crate::error::ErrorInfo;
use crate::format::Format;
use askama::Template;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::convert::Infallible;

/// The CSRF token of this request: the visitor's cookie, or a new one.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<CsrfToken>().cloned().unwrap_or(CsrfToken(String::new())))
    }
}

pub async fn csrf_cookie(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let existing = auth::cookie(req.headers(), CSRF_COOKIE).filter(|t| t.len() >= 16);
    let fresh = existing.is_none();
    let token = existing.unwrap_or_else(|| auth::random_token(24));
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(req).await;
    if fresh {
        let cookie = auth::set_cookie(CSRF_COOKIE, &token, 365 * 86_400, state.settings.secure_cookies());
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Turns error responses into pages for browsers; API clients keep JSON.
pub async fn html_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let format = Format::of(req.uri(), req.headers());
    let is_get = req.method() == axum::http::Method::GET;
    let path = req.uri().path().to_string();
    let csrf = req.extensions().get::<CsrfToken>().cloned().unwrap_or(CsrfToken(String::new()));
    let response = next.run(req).await;
    let Some(info) = response.extensions().get::<ErrorInfo>().cloned() else {
        return response;
    };
    if format == Format::Json {
        return response;
    }
    if info.status == StatusCode::FORBIDDEN && info.error_type == "not_logged_in" && is_get {
        return Redirect::to(&format!("/login?next={}", urlencode(&path))).into_response();
    }
    let title = match info.status {
        StatusCode::NOT_FOUND => "Page not found",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::TOO_MANY_REQUESTS => "Slow down",
        s if s.is_server_error() => "Something went wrong",
        _ => "That did not work",
    };
    let chrome = Chrome::plain(&state, csrf);
    let page = ErrorPage { chrome, title, messages: info.messages };
    let mut html = render(&page).into_response();
    *html.status_mut() = info.status;
    for name in [header::RETRY_AFTER, header::SET_COOKIE] {
        for value in response.headers().get_all(&name) {
            html.headers_mut().append(name.clone(), value.clone());
        }
    }
    html
}

pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(body) => Html(body).into_response(),
        Err(e) => crate::AppError::Internal(format!("template: {e}")).into_response(),
    }
}

/// Renders a form page again with its errors, as 422.
pub fn render_invalid<T: Template>(t: &T) -> Response {
    let mut r = render(t);
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Only local paths are followed after log-in, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

/// What the header and footer of every page need.
#[derive(Clone, Debug)]
pub struct Chrome {
    pub site_title: String,
    pub username: Option<String>,
    pub is_admin: bool,
    pub is_staff: bool,
    pub csrf: String,
}

impl Chrome {
    pub fn new(state: &AppState, viewer: &Viewer, csrf: CsrfToken) -> Chrome {
        Chrome {
            site_title: state.settings.title.clone(),
            username: viewer.user.as_ref().map(|u| u.username.clone()),
            is_admin: viewer.is_admin(),
            is_staff: viewer.is_staff(),
            csrf: csrf.0,
        }
    }

    pub fn plain(state: &AppState, csrf: CsrfToken) -> Chrome {
        Chrome { site_title: state.settings.title.clone(), username: None, is_admin: false, is_staff: false, csrf: csrf.0 }
    }
}
