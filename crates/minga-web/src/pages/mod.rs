//! HTML pages: the chrome every page shares, the templates (checked at
//! compile time, escaped by default), and two layers: one that gives every
//! visitor a CSRF cookie, one that renders API errors as pages.

mod templates;

pub use templates::*;

use crate::AppState;
use crate::auth::{self, CSRF_COOKIE, Viewer};
use crate::error::ErrorInfo;
use crate::format::Format;
use crate::i18n::{self, Locale};
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
    // A response any cache may keep (the stylesheet, avatars) must not
    // hand one visitor's token to the next.
    let public = response.headers().get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("public"));
    // Logging in sets a fresh token of its own.
    let replaced = response.headers().get_all(header::SET_COOKIE).iter().any(|v| v.as_bytes().starts_with(format!("{CSRF_COOKIE}=").as_bytes()));
    if fresh && !public && !replaced {
        let cookie = auth::set_cookie(CSRF_COOKIE, &token, 365 * 86_400, state.settings.secure_cookies());
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Turns error responses into pages for browsers; API clients keep JSON.
pub async fn html_errors(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let format = Format::of(req.uri(), req.headers());
    let is_get = req.method() == axum::http::Method::GET;
    let path = req.uri().path().to_string();
    let csrf = req.extensions().get::<CsrfToken>().cloned().unwrap_or(CsrfToken(String::new()));
    // Only what choosing the page's language needs is kept, and the choice
    // is made only when there is an error page to write.
    let mut language = axum::http::HeaderMap::new();
    for name in [header::COOKIE, header::ACCEPT_LANGUAGE] {
        if let Some(v) = req.headers().get(&name) {
            language.insert(name, v.clone());
        }
    }
    let chosen = auth::ChosenLocale::default();
    req.extensions_mut().insert(chosen.clone());
    let response = next.run(req).await;
    let Some(info) = response.extensions().get::<ErrorInfo>().cloned() else {
        return response;
    };
    if format != Format::Json && info.status == StatusCode::FORBIDDEN && info.error_type == "not_logged_in" && is_get {
        return Redirect::to(&format!("/login?next={}", urlencode(&path))).into_response();
    }
    // The person's language if the request got as far as knowing them,
    // else as for a visitor: the choice, the browser, the site.
    let locale = match chosen.0.get() {
        Some(locale) => *locale,
        None => match state.site().await {
            Ok(site) => auth::choose_locale(&language, None, &site),
            Err(_) => Locale::default(),
        },
    };
    if format == Format::Json {
        if locale == Locale::En {
            return response;
        }
        // The body was written in English; say it again in the reader's.
        let (mut parts, _) = response.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        let body = serde_json::to_vec(&info.body(locale)).unwrap_or_default();
        return Response::from_parts(parts, axum::body::Body::from(body));
    }
    let title = i18n::t(
        locale,
        match info.status {
            StatusCode::NOT_FOUND => "error-title-not-found",
            StatusCode::FORBIDDEN => "error-title-not-allowed",
            StatusCode::TOO_MANY_REQUESTS => "error-title-slow-down",
            s if s.is_server_error() => "error-title-went-wrong",
            _ => "error-title-did-not-work",
        },
    );
    let chrome = Chrome { locale, ..Chrome::plain(&state, csrf) };
    let page = ErrorPage { chrome, title, messages: info.messages(locale) };
    let mut html = render(&page).into_response();
    *html.status_mut() = info.status;
    for name in [header::RETRY_AFTER, header::SET_COOKIE] {
        for value in response.headers().get_all(&name) {
            html.headers_mut().append(name.clone(), value.clone());
        }
    }
    html
}

/// Errors made outside handlers come as plain text or nothing at all:
/// axum's own rejections (a path that is not UTF-8, a method a route does
/// not take, a body over the limit) and anything else that skipped
/// `AppError`. This gives them the documented JSON shape, and so the same
/// pages as every other error. Pages a handler rendered are left alone.
pub async fn plain_errors(req: Request, next: Next) -> Response {
    let path_is_text = percent_decoded_is_utf8(req.uri().path());
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || response.extensions().get::<ErrorInfo>().is_some() {
        return response;
    }
    let content_type = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type.starts_with("text/html") || content_type.starts_with("application/json") {
        return response;
    }
    let error = match status {
        StatusCode::NOT_FOUND => crate::AppError::NotFound,
        StatusCode::BAD_REQUEST if !path_is_text => crate::AppError::BadRequest(minga_core::text!("error-path-not-utf8")),
        StatusCode::METHOD_NOT_ALLOWED => crate::AppError::Refused(status, minga_core::text!("error-method")),
        StatusCode::PAYLOAD_TOO_LARGE => crate::AppError::Refused(status, minga_core::text!("error-too-large")),
        // The request's time ran out: the forum is too busy to answer it.
        StatusCode::SERVICE_UNAVAILABLE => crate::AppError::Busy,
        s if s.is_server_error() => {
            let detail = match axum::body::to_bytes(response.into_body(), 4096).await {
                Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                Err(_) => String::new(),
            };
            return crate::AppError::Internal(format!("{s}: {detail}")).into_response();
        }
        s => crate::AppError::Refused(s, minga_core::text!("error-not-understood")),
    };
    let mut answer = error.into_response();
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = response.headers().get(&name) {
            answer.headers_mut().insert(name, v.clone());
        }
    }
    answer
}

/// Whether a path, its `%XX` escapes decoded, is UTF-8 text.
fn percent_decoded_is_utf8(path: &str) -> bool {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    std::str::from_utf8(&out).is_ok()
}

pub fn render<T: Template>(t: &T) -> Response {
    render_sized(t, 0)
}

/// Renders into a buffer made room for `content` more bytes than the
/// template's own text, so a long page is written without regrowing.
pub fn render_sized<T: Template>(t: &T, content: usize) -> Response {
    let mut body = String::with_capacity(T::SIZE_HINT + content + 4096);
    match t.render_into(&mut body) {
        Ok(()) => Html(body).into_response(),
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

/// Where to go after logging in: only a path on this forum, never another
/// site. `next` is read as a browser would read it against `base_url` (the
/// WHATWG parser drops tabs and newlines and treats `\\` as `/`, as
/// browsers do), and kept only if it stays on the same origin; the answer
/// is its normalised path, query and fragment, always safe for a
/// `Location` header. Anything else, control characters included, is `/`.
pub fn safe_next(next: Option<&str>, base_url: &str) -> String {
    const HOME: &str = "/";
    // A very long address would make the header that carries it, and the
    // session cookie beside it, too large for browsers.
    const LONGEST: usize = 2048;
    let Some(next) = next else { return HOME.into() };
    if !next.starts_with('/') || next.len() > LONGEST || next.chars().any(char::is_control) {
        return HOME.into();
    }
    let Ok(base) = url::Url::parse(base_url) else { return HOME.into() };
    let Ok(target) = base.join(next) else { return HOME.into() };
    if target.origin() != base.origin() || target.username() != "" || target.password().is_some() {
        return HOME.into();
    }
    let mut path = target.path().to_string();
    if let Some(q) = target.query() {
        path.push('?');
        path.push_str(q);
    }
    if let Some(f) = target.fragment() {
        path.push('#');
        path.push_str(f);
    }
    // `/.//evil.example` normalises to `//evil.example`, which a browser
    // would read as another host: the path must still lead here when read
    // again, as the browser will read the `Location` header.
    match base.join(&path) {
        Ok(again) if again == target && path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\") => path,
        _ => HOME.into(),
    }
}

/// A redirect that cannot fail: a target that is not a valid header value
/// (it never should be, but it must never become a 500) goes home.
pub fn redirect(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(_) => Redirect::to(to).into_response(),
        Err(_) => Redirect::to("/").into_response(),
    }
}

/// An instant as a page shows it to this reader: relative when recent,
/// exact on hover, in their own time zone if they chose one.
pub fn moment(ms: i64, viewer: &Viewer) -> Moment {
    let zone = viewer.user.as_ref().map(|u| u.timezone.as_str()).unwrap_or("");
    i18n::shown(viewer.locale, ms, minga_core::time::now_ms(), zone)
}

/// What the header and footer of every page need.
#[derive(Clone, Debug)]
pub struct Chrome {
    pub site_title: String,
    pub username: Option<String>,
    pub is_admin: bool,
    pub is_staff: bool,
    pub csrf: String,
    /// The language the page is written in.
    pub locale: Locale,
    /// The colours the person chose, `light` or `dark`; empty follows the
    /// device. Visitors' pages (the ones kept in the cache) follow it too.
    pub theme: &'static str,
    /// The person's unread notifications, on the bell.
    pub unread: i64,
    /// The topic the page shows, for live updates.
    pub live_topic: Option<i64>,
    /// The list the page shows (`latest`), to hear of new topics.
    pub live_list: &'static str,
}

impl Chrome {
    pub fn new(state: &AppState, viewer: &Viewer, csrf: CsrfToken) -> Chrome {
        Chrome {
            site_title: state.settings.title.clone(),
            username: viewer.user.as_ref().map(|u| u.username.clone()),
            is_admin: viewer.is_admin(),
            is_staff: viewer.is_staff(),
            csrf: csrf.0,
            locale: viewer.locale,
            theme: viewer.theme,
            unread: viewer
                .user
                .as_ref()
                .map(|u| u.unread_notifications)
                .unwrap_or(0),
            live_topic: None,
            live_list: "",
        }
    }

    pub fn plain(state: &AppState, csrf: CsrfToken) -> Chrome {
        Chrome {
            site_title: state.settings.title.clone(),
            username: None,
            is_admin: false,
            is_staff: false,
            csrf: csrf.0,
            locale: Locale::default(),
            theme: "",
            unread: 0,
            live_topic: None,
            live_list: "",
        }
    }

    /// Where the live list's "new topics" banner leads.
    /// The colours a visitor may choose: (choice, its name, chosen now).
    pub fn theme_choices(&self) -> Vec<(&'static str, String, bool)> {
        [("light", "pref-theme-light"), ("dark", "pref-theme-dark"), ("device", "pref-theme-device")]
            .into_iter()
            .map(|(choice, key)| (choice, self.t(key), self.theme == choice || (self.theme.is_empty() && choice == "device")))
            .collect()
    }

    pub fn live_list_url(&self) -> String {
        format!("/{}", self.live_list)
    }

    /// A message in the page's language.
    pub fn t(&self, key: &str) -> String {
        i18n::t(self.locale, key)
    }

    /// A message with one argument. An argument named `count` is a number
    /// and chooses the plural; any other is text, as given.
    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        let value = value.to_string();
        match value.parse::<i64>() {
            Ok(n) if name == "count" => i18n::t1(self.locale, key, name, n),
            _ => i18n::t1(self.locale, key, name, value),
        }
    }

    /// A whole number as the page's language writes it ("12,345").
    pub fn num(&self, n: &i64) -> String {
        i18n::number(self.locale, *n)
    }

    pub fn lang(&self) -> &'static str {
        self.locale.tag()
    }

    /// The other languages, for the switch: (tag, name).
    pub fn other_locales(&self) -> Vec<(&'static str, &'static str)> {
        Locale::ALL.into_iter().filter(|l| *l != self.locale).map(|l| (l.tag(), l.name())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    const BASE: &str = "https://forum.example.coop";

    #[test]
    fn next_stays_on_the_forum() {
        for (next, expected) in [
            ("/categories", "/categories"),
            ("/t/some-topic/12?page=2#post_25", "/t/some-topic/12?page=2#post_25"),
            ("/c/caf\u{e9}", "/c/caf%C3%A9"),
            ("/a/../b", "/b"),
            ("/%5C/evil", "/%5C/evil"),
            ("/%2F/evil", "/%2F/evil"),
            ("/\u{3000}/evil", "/%E3%80%80/evil"),
        ] {
            assert_eq!(safe_next(Some(next), BASE), expected, "{next:?}");
        }
        let long = format!("/{}", "a".repeat(3000));
        assert_eq!(safe_next(Some(&long), BASE), "/", "too long for a header");
    }

    #[test]
    fn next_never_leaves_the_forum() {
        for next in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\\/evil.example",
            "https://evil.example",
            "http:evil.example",
            "//forum.example.coop@evil.example",
            "/.//evil.example",
            "/./\\evil.example",
            "javascript:alert(1)",
            " /x",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(next), BASE), "/", "{next:?}");
        }
        assert_eq!(safe_next(None, BASE), "/");
    }

    #[test]
    fn control_characters_give_home() {
        for next in ["/\n", "/\r\nSet-Cookie: x=1", "/\u{7f}", "/\0", "/x\u{85}"] {
            assert_eq!(safe_next(Some(next), BASE), "/", "{next:?}");
        }
    }
}
