//! Security headers, set on every response by one layer outside all the
//! others, so that no handler, error page or cached page can go without
//! them.

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The Content-Security-Policy of every page. Scripts may come only from
/// this site (`/assets/…`), never inline: no `<script>` in a template and
/// no `on…=` attribute will run. Styles may be inline because templates
/// colour category badges with `style=`. Images may come from any https
/// site, for onebox cards and avatars.
pub fn content_security_policy() -> &'static str {
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; \
     object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
}

/// Pages and JSON that belong to one person or to staff, never to be kept
/// by a browser or a proxy: admin and review pages, sessions, log-in,
/// sign-up, set-up, invites and a person's own preferences.
pub fn never_stored(path: &str) -> bool {
    const PREFIXES: &[&str] = &["/admin", "/review", "/session", "/login", "/logout", "/signup", "/setup", "/invites", "/user-api-key"];
    const EXACT: &[&str] = &["/users", "/users.json"];
    PREFIXES.iter().any(|p| path == *p || path.starts_with(&format!("{p}/")) || path.starts_with(&format!("{p}.")))
        || EXACT.contains(&path)
        || preferences_path(path)
}

/// `/u/{username}/preferences…`
fn preferences_path(path: &str) -> bool {
    let mut parts = path.trim_start_matches('/').split('/');
    matches!((parts.next(), parts.next(), parts.next()), (Some("u"), Some(_), Some(p)) if p.starts_with("preferences"))
}

/// The headers every response carries, whatever answered it (the server's
/// own "busy" answer writes them too).
pub fn fixed() -> [(HeaderName, &'static str); 4] {
    [
        (header::CONTENT_SECURITY_POLICY, content_security_policy()),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
    ]
}

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let private = never_stored(req.uri().path());
    // What a signed-in person sees is theirs: a proxy must not keep it,
    // nor a browser after they log out.
    let personal = req.headers().contains_key("api-key")
        || req.headers().contains_key(crate::auth::USER_API_KEY)
        || crate::auth::cookie(req.headers(), crate::auth::SESSION_COOKIE).is_some_and(|t| !t.is_empty());
    let mut response = next.run(req).await;
    set(response.headers_mut(), private, personal, state.settings.secure_cookies());
    response
}

fn set(headers: &mut HeaderMap, private: bool, personal: bool, https: bool) {
    for (name, value) in fixed() {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    let public = headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("public"));
    if private {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    } else if personal && !public {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
}

#[cfg(test)]
mod tests {
    use super::never_stored;

    #[test]
    fn private_paths_are_never_stored() {
        for p in ["/admin/users", "/admin/site_settings.json", "/review", "/review.json", "/session/csrf.json", "/login", "/signup", "/setup/abc", "/invites/abc", "/invites.json", "/users.json", "/u/neto/preferences", "/u/neto/preferences/password"] {
            assert!(never_stored(p), "{p}");
        }
        for p in ["/", "/latest", "/t/x/1", "/u/neto", "/u/neto.json", "/users/neto", "/loginx", "/g/telar", "/assets/minga.css"] {
            assert!(!never_stored(p), "{p}");
        }
    }
}
