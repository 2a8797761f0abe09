//! One error type for the web layer, mapped once to a status and to
//! Discourse's error body: `{"errors": [...], "error_type": "..."}`.
//! Pages get the same errors rendered as HTML by `pages::html_errors`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use minga_core::Invalid;
use minga_store::StoreError;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("The requested URL or resource could not be found.")]
    NotFound,
    #[error("You need to be logged in to do that.")]
    NotLoggedIn,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Invalid(Invalid),
    #[error("{0}")]
    BadRequest(String),
    #[error("You’ve performed this action too many times. Please wait {0} seconds before trying again.")]
    RateLimited(u64),
    #[error("The forum is very busy right now. Please try again in a moment.")]
    Busy,
    #[error("Something went wrong on our side.")]
    Internal(String),
    /// Any other refusal, with its status (405, 413…).
    #[error("{1}")]
    Refused(StatusCode, String),
}

/// What the HTML error page needs, carried on the JSON response.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    pub status: StatusCode,
    pub error_type: &'static str,
    pub messages: Vec<String>,
    /// What went wrong on our side, for the log (never sent).
    pub detail: Option<String>,
}

impl AppError {
    pub fn forbidden() -> Self {
        AppError::Forbidden("You are not permitted to view the requested resource.".into())
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        AppError::Invalid(Invalid::one(field, message))
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

    pub fn messages(&self) -> Vec<String> {
        match self {
            AppError::Invalid(invalid) => invalid.0.iter().map(|e| e.message.clone()).collect(),
            AppError::Internal(_) => vec![self.to_string()],
            other => vec![other.to_string()],
        }
    }
}

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
            StoreError::Conflict(field) => AppError::invalid(field, format!("That {} is already taken.", human(field))),
            StoreError::Missing(minga_store::Thing::Topic) => AppError::NotFound,
            StoreError::Missing(thing) => AppError::invalid(thing.field(), format!("The {} does not exist.", human(thing.field()))),
            StoreError::RateLimited(wait) => AppError::RateLimited(wait),
            StoreError::Busy => AppError::Busy,
            other => AppError::Internal(other.to_string()),
        }
    }
}

fn human(field: &str) -> &str {
    match field {
        "reply_to_post_number" => "post you are replying to",
        other => other,
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, error_type) = self.status_and_type();
        let detail = match &self {
            AppError::Internal(detail) => Some(detail.clone()),
            _ => None,
        };
        let messages = self.messages();
        let mut body = json!({ "errors": messages, "error_type": error_type });
        if let AppError::RateLimited(wait) = self {
            body["extras"] = json!({ "wait_seconds": wait, "time_left": format!("{wait} seconds") });
        }
        if let AppError::Invalid(invalid) = &self {
            // Which fields failed, so clients can place the messages.
            body["field_errors"] = json!(invalid.0);
        }
        let mut response = (status, Json(body)).into_response();
        match self {
            AppError::RateLimited(wait) => {
                response.headers_mut().insert("Retry-After", wait.into());
            }
            AppError::Busy => {
                response.headers_mut().insert("Retry-After", 1.into());
            }
            _ => {}
        }
        response.extensions_mut().insert(ErrorInfo { status, error_type, messages, detail });
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
