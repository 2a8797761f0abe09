//! JSON or HTML: a path ending in `.json` or a request that asks for
//! `application/json` (and not HTML) gets JSON, as on Discourse. A request
//! that states no preference gets JSON when it sent JSON or an API key.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri, header};
use std::convert::Infallible;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Html,
    Json,
}

impl Format {
    pub fn of(uri: &Uri, headers: &HeaderMap) -> Format {
        if uri.path().ends_with(".json") {
            return Format::Json;
        }
        let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
        if accept.contains("text/html") {
            return Format::Html;
        }
        if accept.contains("application/json") {
            return Format::Json;
        }
        let sent_json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if sent_json || headers.contains_key("api-key") || headers.contains_key(crate::auth::USER_API_KEY) { Format::Json } else { Format::Html }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Format {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Format::of(&parts.uri, &parts.headers))
    }
}

/// Strips a `.json` suffix from a path segment: `"12.json"` → `"12"`.
pub fn strip_json(segment: &str) -> &str {
    segment.strip_suffix(".json").unwrap_or(segment)
}
