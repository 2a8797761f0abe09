//! The review queue: accounts waiting for approval and flagged posts;
//! flags themselves (`POST /post_actions.json`); invites.

use super::{id_segment, topic_url};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::format::Format;
use crate::input::Input;
use crate::json;
use crate::ops;
use crate::pages::{self, Chrome, CsrfToken, ReviewPage, ReviewRow};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minga_core::time::iso;
use minga_core::{PostId, UserId};
use minga_store::{Flag, Reviewable, review_status};
use serde_json::{Value, json};


pub async fn index(State(state): State<AppState>, viewer: Viewer, format: Format, csrf: CsrfToken) -> AppResult<Response> {
    viewer.require_staff()?;
    let items = state.store.reviewables(Some(review_status::PENDING), 200).await?;
    let user_ids: Vec<UserId> = items.iter().filter(|r| r.kind == "ReviewableUser").map(|r| UserId(r.target_id)).chain(items.iter().filter_map(|r| r.created_by)).collect();
    let users = state.store.users_by_ids(&user_ids).await?;
    let catalog = state.catalog().await?;
    let mut rows = Vec::new();
    let mut list = Vec::new();
    for r in &items {
        let mut hidden = None;
        let (title, detail, url) = match r.kind.as_str() {
            "ReviewableUser" => {
                let u = users.iter().find(|u| u.id.0 == r.target_id);
                let title = match u {
                    Some(u) => crate::i18n::t1(viewer.locale, "review-wants-to-join", "user", u.username.clone()),
                    None => crate::i18n::t(viewer.locale, "review-removed-account"),
                };
                (title, u.map(|u| u.email.clone()).unwrap_or_default(), String::new())
            }
            _ => match flagged(&state, &viewer, &catalog, r).await {
                Ok(Some((p, topic))) => {
                    hidden = Some(p.hidden);
                    let url = topic.as_ref().map(|t| format!("{}/{}", topic_url(&t.slug, t.id), p.post_number)).unwrap_or_default();
                    let title = match topic {
                        Some(t) => crate::i18n::t2(viewer.locale, "review-flagged-post-in", ("number", p.post_number.to_string()), ("title", t.title.clone())),
                        None => crate::i18n::t1(viewer.locale, "review-flagged-post", "number", p.post_number.to_string()),
                    };
                    (title, minga_core::cook::excerpt(&p.cooked, 200), url)
                }
                Ok(None) => (crate::i18n::t(viewer.locale, "review-deleted-post"), String::new(), String::new()),
                // Staff who may not see the category do not see its flags.
                Err(AppError::NotFound) => continue,
                Err(e) => return Err(e),
            },
        };
        list.push(reviewable_json(r, &users, hidden, viewer.locale));
        let kind = if r.kind == "ReviewableUser" { crate::i18n::t(viewer.locale, "review-kind-account") } else { crate::i18n::t(viewer.locale, "review-kind-flag") };
        rows.push(ReviewRow {
            id: r.id,
            kind,
            title,
            detail,
            reason: r.reason.clone(),
            url,
            when: pages::moment(r.created_at, &viewer),
            user_item: r.kind == "ReviewableUser",
            hidden: hidden.unwrap_or(false),
        });
    }
    match format {
        Format::Json => Ok(Json(json!({
            "reviewables": list,
            "users": users.iter().map(json::basic_user).collect::<Vec<_>>(),
            "meta": { "total_rows_reviewables": list.len(), "types": {"user": "ReviewableUser", "flagged_post": "ReviewableFlaggedPost"} },
        }))
        .into_response()),
        Format::Html => Ok(pages::render(&ReviewPage { chrome: Chrome::new(&state, &viewer, csrf), items: rows })),
    }
}

/// A flagged post and its topic (`None` once deleted); `NotFound` when it
/// sits in a category the viewer may not see, as for anyone else.
async fn flagged(state: &AppState, viewer: &Viewer, catalog: &crate::access::Catalog, item: &Reviewable) -> AppResult<Option<(minga_store::Post, Option<minga_store::Topic>)>> {
    let Some(post) = state.store.post(PostId(item.target_id)).await? else { return Ok(None) };
    let topic = state.store.topic(post.topic_id).await?;
    if topic.as_ref().is_some_and(|t| !catalog.can_see(viewer.actor().as_ref(), t.category_id)) {
        return Err(AppError::NotFound);
    }
    Ok(Some((post, topic)))
}

/// A review item as Discourse sends it; `hidden` is whether a flagged
/// post is hidden now, which decides what agreeing means.
fn reviewable_json(r: &Reviewable, users: &[minga_store::User], hidden: Option<bool>, locale: crate::i18n::Locale) -> Value {
    // The id Discourse's clients send back, and the label's message.
    let ids: [(&str, &str); 2] = match (r.kind.as_str(), hidden) {
        ("ReviewableUser", _) => [("approve_user", "review-action-approve"), ("reject_user_delete", "review-action-reject")],
        (_, Some(true)) => [("agree_and_keep", "review-action-agree-keep"), ("disagree", "review-action-disagree-show")],
        _ => [("agree_and_hide", "review-action-agree-hide"), ("disagree", "review-action-disagree-keep")],
    };
    let actions: Vec<Value> = ids.iter().map(|(id, key)| json!({"id": id, "label": crate::i18n::t(locale, key)})).collect();
    let mut v = json!({
        "id": r.id,
        "type": r.kind,
        "status": r.status,
        "target_id": r.target_id,
        "target_type": if r.kind == "ReviewableUser" { "User" } else { "Post" },
        "created_at": iso(r.created_at),
        "created_by_id": r.created_by,
        "reason": r.reason,
        "bundled_actions": [{"id": "actions", "actions": actions}],
    });
    if r.kind == "ReviewableUser"
        && let Some(u) = users.iter().find(|u| u.id.0 == r.target_id)
    {
        v["payload"] = json!({"username": u.username, "email": u.email, "name": u.name});
    }
    v
}

/// `PUT /review/{id}/perform/{action}`
pub async fn perform(State(state): State<AppState>, viewer: Viewer, format: Format, Path((id, action)): Path<(String, String)>, input: Input) -> AppResult<Response> {
    let me = viewer.require_staff()?.clone();
    let item = state.store.reviewable(id_segment(&id)?).await?.ok_or(AppError::NotFound)?;
    if item.kind == "ReviewableFlaggedPost" {
        let catalog = state.catalog().await?;
        flagged(&state, &viewer, &catalog, &item).await?;
    }
    if item.status != review_status::PENDING {
        return Err(AppError::invalid("status", minga_core::text!("error-reviewed")));
    }
    match (item.kind.as_str(), crate::format::strip_json(&action)) {
        ("ReviewableUser", "approve_user") => state.store.approve_user(UserId(item.target_id), me.id).await?,
        ("ReviewableUser", "reject_user_delete" | "delete_user") => {
            let reason = input.text("reason")?;
            state.store.reject_user(UserId(item.target_id), me.id, reason.trim()).await?;
        }
        ("ReviewableFlaggedPost", "agree_and_keep" | "agree_and_hide") => state.store.resolve_flags(&item, true, me.id).await?,
        ("ReviewableFlaggedPost", "disagree") => state.store.resolve_flags(&item, false, me.id).await?,
        _ => return Err(AppError::invalid("action", minga_core::text!("error-review-action"))),
    }
    match format {
        Format::Json => Ok(Json(json!({ "reviewable_perform_result": { "success": true, "transition_to": action, "remove_reviewable_ids": [item.id] } })).into_response()),
        Format::Html => Ok(Redirect::to("/review").into_response()),
    }
}

/// `POST /post_actions.json` with `id` (the post) and `post_action_type_id`.
pub async fn flag(State(state): State<AppState>, viewer: Viewer, format: Format, input: Input) -> AppResult<Response> {
    let me = viewer.require()?.clone();
    let post_id = PostId(input.int("id")?.ok_or_else(|| AppError::invalid("id", minga_core::text!("error-which-post")))?);
    let kind = input.int("post_action_type_id")?.unwrap_or(7);
    let Some(flag_kind) = minga_core::flags::kind(kind) else {
        return Err(AppError::invalid("post_action_type_id", minga_core::text!("error-flag-type")));
    };
    let (post, topic) = ops::visible_post(&state, &viewer, post_id).await?;
    if post.user_id == me.id {
        return Err(AppError::Forbidden(minga_core::text!("error-flag-own")));
    }
    let message = input.text("message")?;
    if flag_kind.require_message && message.trim().is_empty() {
        return Err(AppError::invalid("message", minga_core::text!("error-flag-message")));
    }
    if message.chars().count() > 1000 {
        return Err(AppError::invalid("message", minga_core::text!("error-too-long", max = 1000)));
    }
    let (item, hidden) = state
        .store
        .flag_post(&Flag { post_id, user_id: me.id, action_type: kind, message: message.trim().to_string() })
        .await
        .map_err(|e| match e {
            minga_store::StoreError::Conflict(_) => AppError::Forbidden(minga_core::text!("error-flag-twice")),
            other => other.into(),
        })?;
    match format {
        // Discourse answers with the post as it now is.
        Format::Json => {
            let post = state.store.post(post_id).await?.ok_or(AppError::NotFound)?;
            let shown = super::posts::post_json(&state, &viewer, &post).await?;
            let acted = json::ActionSummary { id: kind, count: None, acted: true, can_undo: false };
            Ok(Json(json::PostJson { reviewable_id: Some(item.id), actions_summary: vec![acted], ..shown }).into_response())
        }
        Format::Html => {
            let page = crate::views::page_of_post(post.post_number);
            let n = post.post_number;
            let hidden = if hidden { "&hidden=1" } else { "" };
            Ok(pages::redirect(&format!("{}?page={page}&flagged={n}{hidden}#post_{n}", topic_url(&topic.slug, topic.id))))
        }
    }
}

