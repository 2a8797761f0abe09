//! One error type for the web layer, mapped once to a status and to
//! Discourse's error body: `{"errors": [...], "error_type": "..."}`.
//! Pages get the same errors rendered as HTML by `pages::html_errors`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use crate::i18n::{self, Locale};
use minga_core::{Invalid, Text, text};
use minga_store::StoreError;
use serde_json::json;

#[derive(Debug)]
pub enum AppError {
    NotFound,
    NotLoggedIn,
    Forbidden(Text),
    Invalid(Invalid),
    BadRequest(Text),
    RateLimited(u64),
    Busy,
    Internal(String),
    /// Any other refusal, with its status (405, 413…).
    Refused(StatusCode, Text),
}

/// What the answer needs, carried on the response so that the layer that
/// knows the reader's language (`pages::html_errors`) can say it again, as
/// a page or as JSON.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    pub status: StatusCode,
    pub error_type: &'static str,
    /// Each message, with the field it belongs to when it has one.
    pub texts: Vec<(Option<&'static str>, Text)>,
    pub wait_seconds: Option<u64>,
    /// What went wrong on our side, for the log (never sent).
    pub detail: Option<String>,
}

impl ErrorInfo {
    pub fn messages(&self, locale: Locale) -> Vec<String> {
        self.texts.iter().map(|(_, t)| i18n::say(locale, t)).collect()
    }

    /// Discourse's error body, in the reader's language.
    pub fn body(&self, locale: Locale) -> serde_json::Value {
        let mut body = json!({ "errors": self.messages(locale), "error_type": self.error_type });
        if let Some(wait) = self.wait_seconds {
            body["extras"] = json!({ "wait_seconds": wait, "time_left": i18n::say(locale, &text!("time-seconds", count = wait)) });
        }
        if matches!(self.texts.first(), Some((Some(_), _))) {
            // Which fields failed, so clients can place the messages.
            body["field_errors"] = self.texts.iter().map(|(f, t)| json!({ "field": f.unwrap_or(""), "message": i18n::say(locale, t) })).collect();
        }
        body
    }
}

impl AppError {
    pub fn forbidden() -> Self {
        AppError::Forbidden(text!("error-not-permitted"))
    }

    pub fn invalid(field: &'static str, text: Text) -> Self {
        AppError::Invalid(Invalid::one(field, text))
    }

    fn status_and_type(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            AppError::NotLoggedIn => (StatusCode::FORBIDDEN, "not_logged_in"),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "invalid_access"),
            AppError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_parameters"),
            AppError::BadRequest(_) => (StatusCode::BAD_REQUEST, "invalid_parameters"),
            AppError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "rate_limit"),
            AppError::Busy => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "server_error"),
            AppError::Refused(status, _) => (*status, "invalid_parameters"),
        }
    }

    /// The messages, each with its field when it has one.
    pub fn texts(&self) -> Vec<(Option<&'static str>, Text)> {
        let one = |t: Text| vec![(None, t)];
        match self {
            AppError::NotFound => one(text!("error-not-found")),
            AppError::NotLoggedIn => one(text!("error-not-logged-in")),
            AppError::Forbidden(t) | AppError::BadRequest(t) | AppError::Refused(_, t) => one(t.clone()),
            AppError::Invalid(invalid) => invalid.0.iter().map(|e| (Some(e.field), e.text.clone())).collect(),
            AppError::RateLimited(wait) => one(text!("error-rate-limited", count = *wait)),
            AppError::Busy => one(text!("error-busy")),
            AppError::Internal(_) => one(text!("error-internal")),
        }
    }

    pub fn messages(&self, locale: Locale) -> Vec<String> {
        self.texts().iter().map(|(_, t)| i18n::say(locale, t)).collect()
    }
}

/// In English, for logs and tests; people get `messages` in their language.
impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.messages(Locale::En).join(" "))
    }
}

impl std::error::Error for AppError {}

impl From<Invalid> for AppError {
    fn from(e: Invalid) -> Self {
        AppError::Invalid(e)
    }
}

impl From<minga_core::FieldError> for AppError {
    fn from(e: minga_core::FieldError) -> Self {
        AppError::Invalid(Invalid(vec![e]))
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(field) => AppError::invalid(field, text!("error-taken", field = field)),
            StoreError::Missing(minga_store::Thing::Topic) => AppError::NotFound,
            StoreError::Missing(thing) => AppError::invalid(thing.field(), text!("error-missing", field = thing.field())),
            StoreError::RateLimited(wait) => AppError::RateLimited(wait),
            StoreError::Busy => AppError::Busy,
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, error_type) = self.status_and_type();
        let info = ErrorInfo {
            status,
            error_type,
            texts: self.texts(),
            wait_seconds: match self {
                AppError::RateLimited(wait) => Some(wait),
                _ => None,
            },
            detail: match &self {
                AppError::Internal(detail) => Some(detail.clone()),
                _ => None,
            },
        };
        // English until the language layer says it again for the reader.
        let mut response = (status, Json(info.body(Locale::En))).into_response();
        match self {
            AppError::RateLimited(wait) => {
                response.headers_mut().insert("Retry-After", wait.into());
            }
            AppError::Busy => {
                response.headers_mut().insert("Retry-After", 1.into());
            }
            _ => {}
        }
        response.extensions_mut().insert(info);
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Logs each failure on our side once, from the answer that carries it
/// (handlers and extractors only return errors; this layer writes them
/// to the log).
pub async fn log_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    let response = next.run(req).await;
    if let Some(info) = response.extensions().get::<ErrorInfo>()
        && let Some(detail) = &info.detail
    {
        tracing::error!(%method, %path, status = info.status.as_u16(), %detail, "request failed");
    }
    response
}
