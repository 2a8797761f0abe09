//! A reader's own lists and what they have read: `/new` and `/unread`,
//! dismissing them, and `POST /topics/timings` as Discourse's clients send
//! it while people read.

use super::topics::topic_list_json;
use super::{PageQuery, topic_rows};
use crate::AppState;
use crate::auth::SignedIn;
use crate::error::{AppError, AppResult};
use crate::format::Format;
use crate::json;
use crate::pages::{self, Chrome, CsrfToken, TopicListPage};
use crate::params::Params;
use crate::views;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use minga_core::TopicId;
use minga_store::TopicFilter;
use std::collections::HashMap;

async fn own_list(
    state: AppState,
    viewer: crate::auth::Viewer,
    format: Format,
    csrf: CsrfToken,
    page: i64,
    which: &'static str,
) -> AppResult<Response> {
    let user = viewer.require()?;
    let filter = if which == "new" {
        TopicFilter::New(user.id)
    } else {
        TopicFilter::Unread(user.id)
    };
    let list = views::topic_list(&state, &viewer, filter, page).await?;
    let reading = crate::reading::of(&state, &viewer, &list.topics).await?;
    match format {
        Format::Json => Ok(Json(topic_list_json(
            &state,
            &viewer,
            &list,
            &format!("/{which}"),
            &reading,
        ))
        .into_response()),
        Format::Html => {
            let rows = topic_rows(&list, &state, &viewer, &reading);
            let dismiss = if rows.is_empty() {
                None
            } else {
                Some(if which == "new" {
                    "/topics/reset-new"
                } else {
                    "/topics/bulk"
                })
            };
            Ok(pages::render(&TopicListPage {
                chrome: Chrome::new(&state, &viewer, csrf),
                heading: crate::i18n::t(viewer.locale, &format!("heading-{which}")),
                description: String::new(),
                category: None,
                rows,
                prev_url: (page > 0).then(|| format!("/{which}?page={}", page - 1)),
                next_url: list.more.then(|| format!("/{which}?page={}", page + 1)),
                new_topic_url: "/new-topic".into(),
                dismiss,
            }))
        }
    }
}

/// `GET /new`: topics the person has not opened, started lately.
pub async fn new_topics(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    format: Format,
    csrf: CsrfToken,
    Params(q): Params<PageQuery>,
) -> AppResult<Response> {
    let page = q.number()?;
    own_list(state, viewer, format, csrf, page, "new").await
}

/// `GET /unread`: topics they track with posts they have not read.
pub async fn unread_topics(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    format: Format,
    csrf: CsrfToken,
    Params(q): Params<PageQuery>,
) -> AppResult<Response> {
    let page = q.number()?;
    own_list(state, viewer, format, csrf, page, "unread").await
}

/// `PUT /topics/reset-new.json`: nothing started until now is new to them.
pub async fn reset_new(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    format: Format,
) -> AppResult<Response> {
    let user = viewer.require()?;
    state.store.reset_new(user.id).await?;
    match format {
        Format::Json => Ok(Json(json::OK).into_response()),
        Format::Html => Ok(pages::redirect("/new")),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Bulk {
    pub filter: Option<String>,
    pub topic_ids: Option<Vec<i64>>,
    pub operation: Option<Operation>,
}

#[derive(serde::Deserialize, Default)]
pub struct Operation {
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// `PUT /topics/bulk.json` with `operation[type]=dismiss_posts` and either
/// `filter=unread` or `topic_ids[]`: marks those topics read.
pub async fn bulk(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    format: Format,
    Params(req): Params<Bulk>,
) -> AppResult<Response> {
    let user = viewer.require()?;
    let kind = req
        .operation
        .as_ref()
        .and_then(|o| o.kind.as_deref())
        .unwrap_or("dismiss_posts");
    if kind != "dismiss_posts" {
        return Err(AppError::invalid(
            "operation",
            minga_core::text!("error-bulk-operation"),
        ));
    }
    let topics = match (req.topic_ids, req.filter.as_deref()) {
        (Some(ids), _) => Some(ids.into_iter().map(TopicId).collect()),
        (None, Some("unread") | None) => None,
        (None, Some(_)) => {
            return Err(AppError::invalid(
                "filter",
                minga_core::text!("error-bulk-filter"),
            ));
        }
    };
    state.store.dismiss_unread(user.id, topics).await?;
    match format {
        Format::Json => Ok(Json(serde_json::json!({"topic_ids": []})).into_response()),
        Format::Html => Ok(pages::redirect("/unread")),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Timings {
    pub topic_id: Option<i64>,
    pub topic_time: Option<i64>,
    /// Post number → milliseconds spent on it.
    pub timings: Option<HashMap<String, i64>>,
}

/// `POST /topics/timings`: the posts a person has had on screen. The
/// highest one read is remembered, and notifications of the posts up to
/// it are marked read.
pub async fn timings(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Params(req): Params<Timings>,
) -> AppResult<Response> {
    let user = viewer.require()?;
    let topic =
        TopicId(req.topic_id.ok_or_else(|| {
            AppError::invalid("topic_id", minga_core::text!("error-timings-topic"))
        })?);
    let (topic, _, _) = crate::access::visible_topic(&state, &viewer, topic).await?;
    let numbers: Vec<i64> = req
        .timings
        .unwrap_or_default()
        .keys()
        .filter_map(|k| k.trim().parse::<i64>().ok())
        .filter(|n| *n >= 1)
        .collect();
    let Some(up_to) = numbers
        .into_iter()
        .max()
        .map(|n| n.min(topic.highest_post_number))
    else {
        return Err(AppError::invalid(
            "timings",
            minga_core::text!("error-timings-posts"),
        ));
    };
    let _ = req.topic_time;
    let at = minga_core::time::now_ms();
    state
        .store
        .record_reads(&[minga_store::Read {
            user: user.id,
            topic: topic.id,
            up_to,
            day: at / 86_400_000,
            at,
        }])
        .await?;
    Ok(Json(serde_json::json!({})).into_response())
}
