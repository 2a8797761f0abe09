//! Cross-site request forgery is stopped here, in one layer over every
//! route: a request that may change something (any method but GET, HEAD
//! and OPTIONS) must carry a token equal to the visitor's CSRF cookie, as
//! the `X-CSRF-Token` header or the `authenticity_token` field of a form,
//! unless it is made with an API key or a user API key (headers no browser
//! sends by itself; user API keys are checked by `auth::user_api_key_guard`).
//! No handler can forget it.

use crate::auth::CSRF_COOKIE;
use crate::error::AppError;
use crate::input::{MAX_BODY, Parsed, content_type, parse_bytes, parse_multipart};
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

fn refused() -> Response {
    AppError::Forbidden(minga_core::text!("error-bad-csrf")).into_response()
}

pub async fn guard(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) || req.headers().contains_key("api-key") || req.headers().contains_key(crate::auth::USER_API_KEY) {
        return next.run(req).await;
    }
    // One-click unsubscribe (RFC 8058) comes from mail clients without a
    // cookie; the secret key in the address is the proof, and all it can
    // do is stop notification mail.
    if *req.method() == Method::POST && req.uri().path().starts_with("/email/unsubscribe/") {
        return next.run(req).await;
    }
    let Some(expected) = crate::auth::cookie(req.headers(), CSRF_COOKIE).filter(|c| !c.is_empty()) else {
        return refused();
    };
    if let Some(sent) = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        return if crate::auth::same(&expected, sent) { next.run(req).await } else { refused() };
    }
    // A form sends the token as a field: read the body once, check it, and
    // hand the parsed body on to the handler.
    let kind = content_type(req.headers());
    let (parts, body) = req.into_parts();
    let parsed = if kind.starts_with("multipart/form-data") {
        let req = Request::from_parts(parts.clone(), body);
        match Multipart::from_request(req, &()).await {
            Ok(multipart) => parse_multipart(multipart).await,
            Err(e) => Err(AppError::BadRequest(minga_core::text!("error-malformed-multipart", detail = e.to_string()))),
        }
    } else {
        match axum::body::to_bytes(body, MAX_BODY).await {
            Ok(bytes) => parse_bytes(&kind, &bytes),
            Err(_) => Err(AppError::BadRequest(minga_core::text!("error-body-unreadable"))),
        }
    };
    let map = match parsed {
        Ok(map) => map,
        Err(e) => return e.into_response(),
    };
    match map.get("authenticity_token").and_then(|v| v.as_str()) {
        Some(sent) if crate::auth::same(&expected, sent) => {
            let mut req = Request::from_parts(parts, Body::empty());
            req.extensions_mut().insert(Parsed(map));
            next.run(req).await
        }
        _ => refused(),
    }
}
