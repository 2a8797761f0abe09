//! `POST /posts.json` (new topic or reply), `GET`/`PUT`/`DELETE
//! /posts/{id}.json`, and the reply, edit and delete forms.

use super::{id_segment, topic_url};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::input::Input;
use crate::json;
use crate::ops::{self, TopicInput};
use crate::pages::{self, Chrome, CsrfToken, EditPostPage, FormErrors};
use crate::views;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minga_core::{PostId, TopicId, perm};
use minga_store::Post;
use serde_json::json;

/// Creates a topic (`title` + `raw` + `category`) or a reply (`topic_id` +
/// `raw` + optional `reply_to_post_number`), answering with the post.
pub async fn create(State(state): State<AppState>, viewer: Viewer, input: Input) -> AppResult<Response> {
    viewer.require()?;
    let raw = input.text("raw")?;
    let (post, topic) = match input.int("topic_id")? {
        Some(topic_id) => {
            let reply_to = input.int("reply_to_post_number")?;
            ops::create_reply(&state, &viewer, TopicId(topic_id), raw, reply_to).await?
        }
        None => {
            let title = input.text("title")?;
            let category = input.int("category")?;
            let (topic, post) = ops::create_topic(&state, &viewer, TopicInput { title, raw, category }).await?;
            (post, topic)
        }
    };
    // The author is the viewer and the topic is at hand: no second lookup.
    let mut shown = [post];
    views::prepare(&state, &viewer, &mut shown).await?;
    let [post] = shown;
    let mut body = json::post(&post, viewer.user.as_ref(), &topic, &viewer, &*state.catalog().await?);
    body["raw"] = json!(post.raw);
    Ok(Json(body).into_response())
}

async fn post_json(state: &AppState, viewer: &Viewer, post: &Post, with_raw: bool) -> AppResult<Response> {
    let mut shown = [post.clone()];
    views::prepare(state, viewer, &mut shown).await?;
    let post = &shown[0];
    let topic = state.store.topic(post.topic_id).await?.ok_or(AppError::NotFound)?;
    let author = state.store.user_by_id(post.user_id).await?;
    let body = if with_raw {
        json::post_with_raw(post, author.as_ref(), &topic, viewer, &*state.catalog().await?)
    } else {
        let mut v = json::post(post, author.as_ref(), &topic, viewer, &*state.catalog().await?);
        v["raw"] = json!(post.raw);
        v
    };
    Ok(Json(body).into_response())
}

pub async fn show(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> AppResult<Response> {
    let (post, _) = ops::visible_post(&state, &viewer, PostId(id_segment(&id)?)).await?;
    post_json(&state, &viewer, &post, true).await
}

/// `PUT /posts/{id}.json` with `post[raw]` (or `raw`).
pub async fn update(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, input: Input) -> AppResult<Response> {
    viewer.require()?;
    let id = PostId(id_segment(&id)?);
    let raw = match input.str("post.raw") {
        Some(raw) => raw.to_string(),
        None => input.text("raw")?,
    };
    let mut post = [ops::edit_post(&state, &viewer, id, raw, None).await?];
    views::prepare(&state, &viewer, &mut post).await?;
    let [post] = post;
    let topic = state.store.topic(post.topic_id).await?.ok_or(AppError::NotFound)?;
    let author = state.store.user_by_id(post.user_id).await?;
    let catalog = state.catalog().await?;
    Ok(Json(json!({ "post": json::post_with_raw(&post, author.as_ref(), &topic, &viewer, &catalog) })).into_response())
}

pub async fn destroy(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> AppResult<Response> {
    ops::delete_post(&state, &viewer, PostId(id_segment(&id)?)).await?;
    Ok(Json(json!({ "success": "OK" })).into_response())
}

/// The reply form under a topic. Errors show the topic again with the
/// text kept and the message beside the field.
pub async fn reply_form(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    viewer.require()?;
    let topic_id = TopicId(id_segment(&id)?);
    let raw = input.text("raw")?;
    let reply_to = input.int("reply_to_post_number").ok().flatten();
    match ops::create_reply(&state, &viewer, topic_id, raw.clone(), reply_to).await {
        Ok((post, topic)) => {
            Ok(pages::redirect(&super::post_location(&topic.slug, topic.id, post.post_number)))
        }
        Err(AppError::Invalid(invalid)) => {
            let topic = state.store.topic(topic_id).await?.ok_or(AppError::NotFound)?;
            let view = views::topic_page(&state, &viewer, topic_id, views::pages_for(topic.highest_post_number)).await?;
            let catalog = state.catalog().await?;
            let page = super::topics::topic_page(&catalog, &state, &viewer, csrf, &view, raw, reply_to, FormErrors::from(&invalid));
            Ok(pages::render_invalid(&page))
        }
        Err(e) => Err(e),
    }
}

async fn editable(state: &AppState, viewer: &Viewer, id: &str) -> AppResult<(Post, minga_store::Topic)> {
    viewer.require()?;
    let (post, topic) = ops::visible_post(state, viewer, PostId(id_segment(id)?)).await?;
    if !perm::can_edit_post(viewer.actor().as_ref(), post.user_id) {
        return Err(AppError::Forbidden("You are not allowed to edit this post.".into()));
    }
    Ok((post, topic))
}

fn edit_page(state: &AppState, viewer: &Viewer, csrf: CsrfToken, post: &Post, topic: &minga_store::Topic, title: Option<String>, raw: String, errors: FormErrors) -> EditPostPage {
    EditPostPage {
        chrome: Chrome::new(state, viewer, csrf),
        post_id: post.id.0,
        post_number: post.post_number,
        topic_title: topic.title.clone(),
        back_url: format!("{}/{}", topic_url(&topic.slug, topic.id), post.post_number),
        title,
        raw,
        errors,
    }
}

pub async fn edit_form(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken, Path(id): Path<String>) -> AppResult<Response> {
    let (post, topic) = editable(&state, &viewer, &id).await?;
    let title = (post.post_number == 1).then(|| topic.title.clone());
    Ok(pages::render(&edit_page(&state, &viewer, csrf, &post, &topic, title, post.raw.clone(), FormErrors::default())))
}

pub async fn edit_submit(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let (post, topic) = editable(&state, &viewer, &id).await?;
    let raw = input.text("raw")?;
    let title = if post.post_number == 1 { Some(input.text("title")?) } else { None };
    match ops::edit_post(&state, &viewer, post.id, raw.clone(), title.clone()).await {
        Ok(saved) => {
            let topic = state.store.topic(saved.topic_id).await?.ok_or(AppError::NotFound)?;
            Ok(pages::redirect(&super::post_location(&topic.slug, topic.id, saved.post_number)))
        }
        Err(AppError::Invalid(invalid)) => Ok(pages::render_invalid(&edit_page(&state, &viewer, csrf, &post, &topic, title, raw, FormErrors::from(&invalid)))),
        Err(e) => Err(e),
    }
}

pub async fn delete_form(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> AppResult<Response> {
    let post = ops::delete_post(&state, &viewer, PostId(id_segment(&id)?)).await?;
    if post.post_number == 1 {
        return Ok(Redirect::to("/latest").into_response());
    }
    let topic = state.store.topic(post.topic_id).await?.ok_or(AppError::NotFound)?;
    Ok(pages::redirect(&super::post_location(&topic.slug, topic.id, post.post_number)))
}
