//! The router: every path minga answers, HTML and JSON side by side.
//! Paths follow Discourse's; a segment such as `12.json` carries the format.

mod categories;
mod posts;
mod session;
mod site;
mod topics;
mod users;

use crate::AppState;
use crate::input::MAX_BODY;
use crate::pages::{self, Avatar, CategoryBadge, TopicRow};
use crate::views::TopicList;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::routing::{get, post};
use minga_core::time::{age, iso, now_ms};
use minga_store::Category;
use sha2::{Digest, Sha256};

pub fn app(state: AppState) -> Router {
    Router::new()
        // Lists and topics.
        .route("/", get(topics::latest))
        .route("/latest", get(topics::latest))
        .route("/latest.json", get(topics::latest))
        .route("/t/{p1}", get(topics::show))
        .route("/t/{p1}/{p2}", get(topics::show))
        .route("/t/{p1}/{p2}/{p3}", get(topics::show))
        .route("/t/{p1}/posts.json", get(topics::posts))
        .route("/t/{p1}/reply", post(posts::reply_form))
        .route("/new-topic", get(topics::new_form).post(topics::create_form))
        // Posts.
        .route("/posts", post(posts::create))
        .route("/posts.json", post(posts::create))
        .route("/posts/{p1}", get(posts::show).put(posts::update).delete(posts::destroy))
        .route("/posts/{p1}/edit", get(posts::edit_form).post(posts::edit_submit))
        .route("/posts/{p1}/delete", post(posts::delete_form))
        // Categories.
        .route("/categories", get(categories::index).post(categories::create))
        .route("/categories.json", get(categories::index).post(categories::create))
        .route("/categories/{p1}", axum::routing::put(categories::update))
        .route("/c/{p1}", get(categories::show))
        .route("/c/{p1}/show.json", get(categories::show_json))
        .route("/c/{p1}/{p2}", get(categories::show))
        .route("/admin/categories", get(categories::admin).post(categories::admin_create))
        .route("/admin/categories/{p1}", get(categories::admin_edit).post(categories::admin_update))
        // People.
        .route("/u/{p1}", get(users::show))
        .route("/users/{p1}", get(users::show))
        .route("/users", post(users::create))
        .route("/users.json", post(users::create))
        .route("/signup", get(users::signup_form).post(users::signup_submit))
        .route("/setup/{p1}", get(users::setup_form).post(users::setup_submit))
        .route("/letter_avatar/{p1}/{p2}/{p3}", get(users::letter_avatar))
        // Sessions.
        .route("/session", post(session::create))
        .route("/session.json", post(session::create))
        .route("/session/csrf", get(session::csrf))
        .route("/session/csrf.json", get(session::csrf))
        .route("/session/hp.json", get(session::honeypot))
        .route("/session/current.json", get(session::current))
        .route("/session/{p1}", axum::routing::delete(session::destroy))
        .route("/login", get(session::login_form).post(session::login_submit))
        .route("/logout", post(session::logout))
        // The site.
        .route("/site.json", get(site::site))
        .route("/site/basic-info.json", get(site::basic_info))
        .route("/about.json", get(site::about))
        .route("/about", get(site::about))
        .route("/srv/status", get(site::status))
        .route("/assets/minga.css", get(site::stylesheet))
        .fallback(site::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), pages::html_errors))
        .layer(middleware::from_fn(json_charset))
        .layer(middleware::from_fn_with_state(state.clone(), pages::csrf_cookie))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

/// Discourse's clients expect `application/json; charset=utf-8`.
async fn json_charset(req: axum::extract::Request, next: middleware::Next) -> axum::response::Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    if headers.get(header::CONTENT_TYPE).is_some_and(|v| v == "application/json") {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    }
    response
}

/// A colour for letter avatars, stable per name.
pub fn avatar_color(username: &str) -> String {
    const PALETTE: [&str; 12] =
        ["B5462E", "2E7D6B", "3B5BA5", "8A4F9E", "C27C0E", "4F7A28", "A23B72", "1F6F8B", "7D5A44", "5C6BC0", "00897B", "D2553F"];
    let digest = Sha256::digest(username.to_lowercase().as_bytes());
    PALETTE[digest[0] as usize % PALETTE.len()].to_string()
}

pub fn category_url(c: &Category) -> String {
    format!("/c/{}/{}", c.slug, c.id)
}

pub fn badge(c: &Category) -> CategoryBadge {
    CategoryBadge { name: c.name.clone(), url: category_url(c), color: c.color.clone() }
}

pub fn topic_url(slug: &str, id: impl std::fmt::Display) -> String {
    format!("/t/{slug}/{id}")
}

pub fn topic_rows(list: &TopicList, state: &AppState) -> Vec<TopicRow> {
    let now = now_ms();
    list.topics
        .iter()
        .map(|t| {
            let author = list.users.get(&t.user_id).map(|u| u.username.clone()).unwrap_or_default();
            TopicRow {
                url: topic_url(&t.slug, t.id),
                title: t.title.clone(),
                excerpt: minga_core::cook::excerpt(&t.excerpt, 160),
                category: list.categories.get(&t.category_id).map(badge),
                avatar: Avatar::of(&author),
                author,
                replies: (t.posts_count - 1).max(0),
                views: t.views + state.views.pending(t.id),
                activity_iso: iso(t.bumped_at),
                activity_age: age(t.bumped_at, now),
            }
        })
        .collect()
}

/// `?page=N` on lists, 0-based as on Discourse.
#[derive(serde::Deserialize, Default)]
pub struct PageQuery {
    pub page: Option<String>,
}

impl PageQuery {
    pub fn number(&self) -> Result<i64, crate::AppError> {
        match self.page.as_deref().map(str::trim) {
            None | Some("") => Ok(0),
            Some(p) => p
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| crate::AppError::BadRequest("page must be a whole number, 0 or more.".into())),
        }
    }
}

/// Parses a numeric path segment (`12` or `12.json`); anything else is 404.
pub fn id_segment(segment: &str) -> Result<i64, crate::AppError> {
    crate::format::strip_json(segment).parse::<i64>().map_err(|_| crate::AppError::NotFound)
}
