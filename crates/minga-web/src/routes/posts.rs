//! `POST /posts.json` (new topic or reply), `GET`/`PUT`/`DELETE
//! /posts/{id}.json`, and the reply, edit and delete forms.

use super::{id_segment, topic_url};
use crate::AppState;
use crate::auth::{SignedIn, Staff, Viewer};
use crate::error::{AppError, AppResult};
use crate::params::Params;
use crate::json;
use crate::ops::{self, TopicInput};
use crate::pages::{self, Chrome, CsrfToken, EditPostPage, FormErrors};
use crate::views;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minga_core::{PostId, TopicId, perm};
use minga_store::Post;

/// `POST /posts.json`: a new topic (`title`, `raw`, `category`) or a
/// reply (`topic_id`, `raw`, optional `reply_to_post_number`).
#[derive(serde::Deserialize)]
pub struct CreatePost {
    #[serde(default)]
    pub raw: String,
    pub topic_id: Option<i64>,
    pub reply_to_post_number: Option<i64>,
    #[serde(default)]
    pub title: String,
    pub category: Option<i64>,
}

/// Creates a topic or a reply, answering with the post.
pub async fn create(State(state): State<AppState>, SignedIn(viewer): SignedIn, Params(req): Params<CreatePost>) -> AppResult<Response> {
    let (post, topic) = match req.topic_id {
        Some(topic_id) => ops::create_reply(&state, &viewer, TopicId(topic_id), req.raw, req.reply_to_post_number).await?,
        None => {
            let (topic, post) = ops::create_topic(&state, &viewer, TopicInput { title: req.title, raw: req.raw, category: req.category }).await?;
            (post, topic)
        }
    };
    // The author is the viewer and the topic is at hand: no second lookup.
    let mut shown = [post];
    views::prepare(&state, &viewer, &mut shown).await?;
    let [post] = shown;
    let catalog = state.catalog().await?;
    // Drafts come later: Discourse's sequence for "no draft".
    let body = json::PostJson { draft_sequence: Some(0), ..json::post_with_raw(&post, viewer.user.as_ref(), &topic, &viewer, &catalog) };
    Ok(Json(body).into_response())
}

/// A post shown to this reader, with its raw text.
pub(crate) async fn post_json(state: &AppState, viewer: &Viewer, post: &Post) -> AppResult<json::PostJson> {
    let mut shown = [post.clone()];
    views::prepare(state, viewer, &mut shown).await?;
    let post = &shown[0];
    let topic = state.store.topic(post.topic_id).await?.ok_or(AppError::NotFound)?;
    let author = state.store.user_by_id(post.user_id).await?;
    Ok(json::post_with_raw(post, author.as_ref(), &topic, viewer, &*state.catalog().await?))
}

pub async fn show(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> AppResult<Response> {
    let (post, _) = ops::visible_post(&state, &viewer, PostId(id_segment(&id)?)).await?;
    Ok(Json(post_json(&state, &viewer, &post).await?).into_response())
}

/// `PUT /posts/{id}.json` with `post[raw]` (or `raw`).
#[derive(serde::Deserialize)]
pub struct UpdatePost {
    pub post: Option<PostFields>,
    pub raw: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct PostFields {
    pub raw: Option<String>,
}

pub async fn update(State(state): State<AppState>, SignedIn(viewer): SignedIn, Path(id): Path<String>, Params(req): Params<UpdatePost>) -> AppResult<Response> {
    let id = PostId(id_segment(&id)?);
    let raw = req.post.and_then(|p| p.raw).or(req.raw).unwrap_or_default();
    let post = ops::edit_post(&state, &viewer, id, raw, None).await?;
    let body = json::PostJson { draft_sequence: Some(0), ..post_json(&state, &viewer, &post).await? };
    Ok(Json(json::PostEnvelope { post: body }).into_response())
}

pub async fn destroy(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> AppResult<Response> {
    ops::delete_post(&state, &viewer, PostId(id_segment(&id)?)).await?;
    Ok(Json(json::OK).into_response())
}

/// `PUT /posts/{id}/locked.json` with `locked`.
#[derive(serde::Deserialize)]
pub struct LockPost {
    pub locked: bool,
}

pub async fn lock(State(state): State<AppState>, Staff(viewer): Staff, Path(id): Path<String>, Params(req): Params<LockPost>) -> AppResult<Response> {
    let post = ops::lock_post(&state, &viewer, PostId(id_segment(&id)?), req.locked).await?;
    Ok(Json(json::Locked { locked: post.locked }).into_response())
}

/// `GET /posts.json?before=ID`: the latest posts the reader may see.
#[derive(serde::Deserialize)]
pub struct LatestPostsQuery {
    pub before: Option<i64>,
}

pub const LATEST_POSTS: i64 = 50;

pub async fn latest(State(state): State<AppState>, viewer: Viewer, Params(q): Params<LatestPostsQuery>) -> AppResult<Response> {
    let catalog = state.catalog().await?;
    let scope = catalog.scope(viewer.actor().as_ref());
    let found = state.store.latest_posts(q.before.map(PostId), scope.as_deref(), LATEST_POSTS).await?;
    let mut posts: Vec<Post> = found.iter().map(|p| p.post.clone()).collect();
    views::prepare(&state, &viewer, &mut posts).await?;
    let topic_ids: Vec<TopicId> = found.iter().map(|p| p.post.topic_id).collect();
    let topics = views::by_id(state.store.topics_by_ids(&topic_ids).await?, |t| t.id);
    let users = views::by_id(state.store.users_by_ids(&posts.iter().map(|p| p.user_id).collect::<Vec<_>>()).await?, |u| u.id);
    let latest_posts = posts
        .iter()
        .filter_map(|p| topics.get(&p.topic_id).map(|t| json::LatestPost::of(json::post_with_raw(p, users.get(&p.user_id), t, &viewer, &catalog), t)))
        .collect();
    Ok(Json(json::LatestPosts { latest_posts }).into_response())
}

/// `GET /posts/{id}/replies.json`: the posts that answer this one.
pub async fn replies(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> AppResult<Response> {
    let (post, topic) = ops::visible_post(&state, &viewer, PostId(id_segment(&id)?)).await?;
    let mut posts = state.store.replies_to(topic.id, post.post_number).await?;
    views::prepare(&state, &viewer, &mut posts).await?;
    let mut people: Vec<_> = posts.iter().map(|p| p.user_id).collect();
    people.push(post.user_id);
    let users = views::by_id(state.store.users_by_ids(&people).await?, |u| u.id);
    let catalog = state.catalog().await?;
    let replies: Vec<json::ReplyPost> = posts
        .iter()
        .map(|p| json::ReplyPost {
            post: json::post(p, users.get(&p.user_id), &topic, &viewer, &catalog),
            reply_to_user: users.get(&post.user_id).map(json::ReplyToUser::of),
        })
        .collect();
    Ok(Json(replies).into_response())
}

#[derive(serde::Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    pub raw: String,
    pub reply_to_post_number: Option<i64>,
}

/// The reply form under a topic. Errors show the topic again with the
/// text kept and the message beside the field.
pub async fn reply_form(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    Path(id): Path<String>,
    Params(form): Params<ReplyForm>,
) -> AppResult<Response> {
    viewer.require()?;
    let topic_id = TopicId(id_segment(&id)?);
    let ReplyForm { raw, reply_to_post_number: reply_to } = form;
    match ops::create_reply(&state, &viewer, topic_id, raw.clone(), reply_to).await {
        Ok((post, topic)) => {
            Ok(pages::redirect(&super::post_location(&topic.slug, topic.id, post.post_number)))
        }
        Err(AppError::Invalid(invalid)) => {
            let topic = state.store.topic(topic_id).await?.ok_or(AppError::NotFound)?;
            let view = views::topic_page(&state, &viewer, topic_id, views::pages_for(topic.highest_post_number)).await?;
            let catalog = state.catalog().await?;
            let page = super::topics::topic_page(&catalog, &state, &viewer, csrf, &view, raw, reply_to, FormErrors::of(&invalid, viewer.locale));
            Ok(pages::render_invalid(&page))
        }
        Err(e) => Err(e),
    }
}

async fn editable(state: &AppState, viewer: &Viewer, id: &str) -> AppResult<(Post, minga_store::Topic)> {
    viewer.require()?;
    let (post, topic) = ops::visible_post(state, viewer, PostId(id_segment(id)?)).await?;
    if !perm::can_edit_post_now(viewer.actor().as_ref(), post.user_id, post.locked, topic.archived) {
        return Err(AppError::Forbidden(minga_core::text!("error-may-not-edit-post")));
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

#[derive(serde::Deserialize)]
pub struct EditForm {
    #[serde(default)]
    pub raw: String,
    #[serde(default)]
    pub title: String,
}

pub async fn edit_submit(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    Path(id): Path<String>,
    Params(form): Params<EditForm>,
) -> AppResult<Response> {
    let (post, topic) = editable(&state, &viewer, &id).await?;
    let raw = form.raw;
    let title = if post.post_number == 1 { Some(form.title) } else { None };
    match ops::edit_post(&state, &viewer, post.id, raw.clone(), title.clone()).await {
        Ok(saved) => {
            let topic = state.store.topic(saved.topic_id).await?.ok_or(AppError::NotFound)?;
            Ok(pages::redirect(&super::post_location(&topic.slug, topic.id, saved.post_number)))
        }
        Err(AppError::Invalid(invalid)) => Ok(pages::render_invalid(&edit_page(&state, &viewer, csrf, &post, &topic, title, raw, FormErrors::of(&invalid, viewer.locale)))),
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
