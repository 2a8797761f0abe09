//! The router: every path minga answers, HTML and JSON side by side.
//! Paths follow Discourse's; a segment such as `12.json` carries the format.

mod account;
pub(crate) mod admin;
mod categories;
mod email;
mod groups;
mod invites;
pub mod headers;
mod notifications;
mod posts;
mod reading;
mod review;
mod session;
mod site;
mod topics;
mod user_api_keys;
mod users;

use crate::AppState;
use crate::input::MAX_BODY;
use crate::pages::{self, Avatar, CategoryBadge, TopicRow};
use crate::views::TopicList;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::routing::{MethodRouter, delete, get, post, put};
use minga_store::Category;
use sha2::{Digest, Sha256};

/// Every path minga answers, with its handlers. The router is built from
/// this list, and tests walk it so that a route added later is probed too.
pub fn registry() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        // Lists and topics.
        ("/", get(topics::latest)),
        ("/latest", get(topics::latest)),
        ("/latest.json", get(topics::latest)),
        ("/top", get(topics::top)),
        ("/top.json", get(topics::top)),
        ("/new", get(reading::new_topics)),
        ("/new.json", get(reading::new_topics)),
        ("/unread", get(reading::unread_topics)),
        ("/unread.json", get(reading::unread_topics)),
        ("/topics/reset-new", put(reading::reset_new).post(reading::reset_new)),
        ("/topics/reset-new.json", put(reading::reset_new)),
        ("/topics/bulk", put(reading::bulk).post(reading::bulk)),
        ("/topics/bulk.json", put(reading::bulk)),
        ("/topics/timings", post(reading::timings)),
        ("/topics/timings.json", post(reading::timings)),
        ("/t/{topic}", get(topics::show).delete(topics::destroy)),
        ("/t/{slug}/{topic}", get(topics::show).put(topics::update)),
        ("/t/{slug}/{topic}/{post_number}", get(topics::show)),
        ("/t/{topic}/posts.json", get(topics::posts)),
        ("/t/{topic}/status", put(topics::status)),
        ("/t/{topic}/status.json", put(topics::status)),
        ("/t/{topic}/change-timestamp", put(topics::change_timestamp)),
        ("/t/{topic}/change-timestamp.json", put(topics::change_timestamp)),
        ("/t/{topic}/reply", post(posts::reply_form)),
        ("/new-topic", get(topics::new_form).post(topics::create_form)),
        // Posts.
        ("/posts", post(posts::create)),
        ("/posts.json", get(posts::latest).post(posts::create)),
        ("/posts/{post}", get(posts::show).put(posts::update).delete(posts::destroy)),
        ("/posts/{post}/edit", get(posts::edit_form).post(posts::edit_submit)),
        ("/posts/{post}/delete", post(posts::delete_form)),
        ("/posts/{post}/replies", get(posts::replies)),
        ("/posts/{post}/replies.json", get(posts::replies)),
        ("/posts/{post}/locked", put(posts::lock)),
        ("/posts/{post}/locked.json", put(posts::lock)),
        ("/post_actions", post(review::flag)),
        ("/post_actions.json", post(review::flag)),
        // Categories.
        ("/categories", get(categories::index).post(categories::create)),
        ("/categories.json", get(categories::index).post(categories::create)),
        ("/categories/{category}", put(categories::update)),
        ("/locale/{tag}", get(site::choose_locale)),
        ("/theme/{choice}", get(site::choose_theme)),
        ("/c/{category}", get(categories::show)),
        ("/c/{category}/show.json", get(categories::show_json)),
        ("/c/{slug}/{category}", get(categories::show)),
        ("/c/{parent}/{slug}/{category}", get(categories::show)),
        ("/admin/categories", get(categories::admin).post(categories::admin_create)),
        ("/admin/categories/{category}", get(categories::admin_edit).post(categories::admin_update)),
        // People.
        ("/u/{username}", get(users::show).put(users::update)),
        ("/u/{username}/preferences", get(account::show).post(account::save_profile)),
        ("/u/{username}/preferences/email", post(account::save_email).put(account::update_email)),
        ("/u/{username}/preferences/email.json", put(account::update_email)),
        ("/u/{username}/preferences/password", post(account::save_password)),
        ("/u/{username}/preferences/revoke-auth-token", post(account::revoke)),
        ("/u/{username}/preferences/revoke-auth-token.json", post(account::revoke)),
        ("/u/{username}/preferences/username", put(users::update_username)),
        ("/u/{username}/preferences/username.json", put(users::update_username)),
        ("/u/{username}/emails.json", get(users::emails)),
        ("/user_actions.json", get(users::actions)),
        ("/directory_items.json", get(users::directory)),
        ("/users/{username}", get(users::show)),
        ("/users", post(users::create)),
        ("/users.json", post(users::create)),
        ("/signup", get(users::signup_form).post(users::signup_submit)),
        ("/setup/{token}", get(users::setup_form).post(users::setup_submit)),
        ("/letter_avatar/{username}/{size}/{version}", get(users::letter_avatar)),
        ("/invites", post(invites::create).delete(invites::destroy)),
        ("/invites.json", post(invites::create).delete(invites::destroy)),
        ("/invites/create-multiple", post(invites::create_multiple)),
        ("/invites/create-multiple.json", post(invites::create_multiple)),
        ("/invites/{key}", get(users::invite_form).post(users::invite_submit)),
        ("/invites/show/{key}", put(invites::redeem)),
        // Groups.
        ("/g", get(groups::index)),
        ("/groups", get(groups::index)),
        ("/groups.json", get(groups::index)),
        ("/g/{group}", get(groups::show)),
        ("/groups/{group}", get(groups::show).put(groups::update)),
        ("/groups/{group}/members", put(groups::add_members).post(groups::add_members).delete(groups::remove_members)),
        ("/groups/{group}/members.json", get(groups::members).put(groups::add_members).delete(groups::remove_members)),
        ("/groups/{group}/join", put(groups::join).post(groups::join)),
        ("/groups/{group}/join.json", put(groups::join)),
        ("/groups/{group}/leave", post(groups::leave)),
        ("/groups/{group}/request_membership", post(groups::request)),
        ("/groups/{group}/request_membership.json", post(groups::request)),
        ("/groups/{group}/handle_membership_request", put(groups::handle_request).post(groups::handle_request)),
        ("/groups/{group}/handle_membership_request.json", put(groups::handle_request)),
        ("/admin/groups", post(groups::create)),
        ("/admin/groups.json", post(groups::create)),
        ("/admin/groups/{id}", delete(groups::delete)),
        ("/groups/by-id/{id}", get(groups::show_by_id)),
        // Staff.
        ("/review", get(review::index)),
        ("/review.json", get(review::index)),
        ("/review/{reviewable}/perform/{action}", put(review::perform).post(review::perform)),
        ("/admin/users", get(admin::users_page)),
        ("/admin/users.json", get(admin::list_active)),
        ("/admin/users/list/{flag}", get(admin::list)),
        ("/admin/users/{user}", get(admin::show).delete(admin::destroy)),
        ("/admin/users/{user}/{action}", put(admin::act).post(admin::act)),
        ("/admin/site_settings", get(admin::settings).post(admin::save_settings)),
        ("/admin/site_settings.json", get(admin::settings)),
        ("/admin/site_settings/{setting}", put(admin::change_setting).post(admin::change_setting)),
        ("/admin/logs/staff_action_logs", get(admin::logs)),
        ("/admin/logs/staff_action_logs.json", get(admin::logs)),
        // Sessions.
        ("/session", post(session::create)),
        ("/session.json", post(session::create)),
        ("/session/csrf", get(session::csrf)),
        ("/session/csrf.json", get(session::csrf)),
        ("/session/hp.json", get(session::honeypot)),
        ("/session/current.json", get(session::current)),
        ("/session/{username}", delete(session::destroy)),
        ("/login", get(session::login_form).post(session::login_submit)),
        // Links sent by mail.
        ("/password-reset", get(email::forgot_form)),
        ("/session/forgot_password", post(email::forgot)),
        ("/session/forgot_password.json", post(email::forgot)),
        ("/u/password-reset/{token}", get(email::reset_form).put(email::reset).post(email::reset)),
        ("/users/password-reset/{token}", get(email::reset_form).put(email::reset).post(email::reset)),
        ("/u/action/send_activation_email", get(email::resend_form).post(email::resend)),
        ("/u/action/send_activation_email.json", post(email::resend)),
        ("/u/activate-account/{token}", get(email::activate_form).put(email::activate).post(email::activate)),
        ("/u/confirm-new-email/{token}", get(email::confirm_email_form).put(email::confirm_email).post(email::confirm_email)),
        ("/email/unsubscribe/{key}", get(email::unsubscribe_form).post(email::unsubscribe)),
        ("/admin/email", get(email::admin_page)),
        ("/admin/email.json", get(email::admin_page)),
        ("/admin/email/test", post(email::send_test)),
        ("/admin/email/test.json", post(email::send_test)),
        ("/admin/email/retry", post(email::retry)),
        ("/admin/email/retry.json", post(email::retry)),
        ("/logout", post(session::logout)),
        // Keys applications hold to act for a person.
        ("/user-api-key/new", get(user_api_keys::new)),
        ("/user-api-key", post(user_api_keys::create)),
        ("/user-api-key.json", post(user_api_keys::create)),
        ("/user-api-key/revoke", post(user_api_keys::revoke)),
        ("/user-api-key/revoke.json", post(user_api_keys::revoke)),
        ("/user-api-key/undo-revoke", post(user_api_keys::undo_revoke)),
        ("/user-api-key/undo-revoke.json", post(user_api_keys::undo_revoke)),
        ("/u/{username}/preferences/apps", get(user_api_keys::apps)),
        // The site.
        ("/site.json", get(site::site)),
        ("/site/basic-info.json", get(site::basic_info)),
        ("/about.json", get(site::about)),
        ("/about", get(site::about)),
        ("/srv/status", get(site::status)),
        ("/assets/minga.css", get(site::stylesheet)),
        ("/assets/live.js", get(site::live_script)),
        // Open pages' live updates.
        ("/live", get(crate::live::stream)),
        // Notifications.
        ("/notifications", get(notifications::index)),
        ("/notifications.json", get(notifications::index)),
        ("/notifications/mark-read", put(notifications::mark_read).post(notifications::mark_read)),
        ("/notifications/mark-read.json", put(notifications::mark_read)),
        ("/n/{id}", get(notifications::open)),
        ("/u/{username}/notifications", get(notifications::page).post(notifications::save)),
        ("/t/{topic}/invite", post(notifications::invite_to_topic)),
        ("/t/{topic}/invite.json", post(notifications::invite_to_topic)),
        ("/t/{topic}/notifications", post(notifications::topic_level)),
        ("/t/{topic}/notifications.json", post(notifications::topic_level)),
        ("/category/{category}/notifications", post(notifications::category_level)),
        ("/category/{category}/notifications.json", post(notifications::category_level)),
    ]
}

/// The longest a request may take, body included.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

pub fn app(state: AppState) -> Router {
    let mut router = Router::new();
    for (path, handlers) in registry() {
        router = router.route(path, handlers);
    }
    router
        .fallback(site::not_found)
        // A request may take this long; past it, the answer is "busy"
        // (503, in the error shape, by `plain_errors`).
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(axum::http::StatusCode::SERVICE_UNAVAILABLE, REQUEST_TIMEOUT))
        .layer(middleware::from_fn(crate::csrf::guard))
        .layer(middleware::from_fn_with_state(state.clone(), crate::auth::user_api_key_guard))
        .layer(middleware::from_fn_with_state(state.clone(), login_required))
        .layer(middleware::from_fn(pages::plain_errors))
        .layer(middleware::from_fn(crate::error::log_errors))
        .layer(middleware::from_fn_with_state(state.clone(), pages::html_errors))
        .layer(middleware::from_fn(json_charset))
        .layer(middleware::from_fn_with_state(state.clone(), crate::cache::visitor_cache))
        .layer(middleware::from_fn_with_state(state.clone(), pages::csrf_cookie))
        .layer(middleware::from_fn_with_state(state.clone(), crate::cache::catch_up))
        .layer(middleware::from_fn(writes_first))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        // A body may take this long to arrive: a slow client cannot hold
        // a connection forever.
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(REQUEST_TIMEOUT))
        .layer(middleware::from_fn_with_state(state.clone(), headers::security_headers))
        .with_state(state)
}

/// Paths a visitor may reach on a login-required site: logging in,
/// signing up, invites, and what those pages need.
fn open_on_private_sites(path: &str) -> bool {
    const EXACT: &[&str] = &[
        "/login", "/logout", "/signup", "/session", "/session.json", "/session/csrf", "/session/csrf.json",
        "/session/hp.json", "/session/current.json", "/users", "/users.json", "/site/basic-info.json", "/srv/status",
        "/assets/minga.css", "/assets/live.js", "/user-api-key/new",
    ];
    const MAIL: &[&str] = &["/password-reset", "/session/forgot_password", "/session/forgot_password.json", "/u/action/send_activation_email", "/u/action/send_activation_email.json"];
    const MAIL_LINKS: &[&str] = &["/u/password-reset/", "/u/activate-account/", "/u/confirm-new-email/", "/email/unsubscribe/"];
    EXACT.contains(&path) || MAIL.contains(&path) || MAIL_LINKS.iter().any(|p| path.starts_with(p)) || path.starts_with("/invites/") || path.starts_with("/setup/")
}

/// Under `login_required`, visitors see only the way in.
async fn login_required(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let site = match state.site().await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    if !site.login_required || open_on_private_sites(req.uri().path()) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let viewer = match <crate::auth::Viewer as axum::extract::FromRequestParts<AppState>>::from_request_parts(&mut parts, &state).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    if viewer.user.is_none() {
        return crate::AppError::NotLoggedIn.into_response();
    }
    next.run(axum::extract::Request::from_parts(parts, body)).await
}

/// A request that may write has its reads served ahead of waiting reads,
/// so that many readers cannot keep a writer waiting.
async fn writes_first(req: axum::extract::Request, next: middleware::Next) -> axum::response::Response {
    use axum::http::Method;
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        next.run(req).await
    } else {
        minga_store::reads::urgent(next.run(req)).await
    }
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

pub fn badge(c: &Category, locale: crate::i18n::Locale) -> CategoryBadge {
    CategoryBadge { name: category_name(c, locale), url: category_url(c), color: c.color.clone() }
}

/// A category's name; Uncategorized, while it keeps the name the forum
/// gave it (the English catalogue's, as the migration wrote it), is named
/// in the reader's language, as Discourse does.
pub fn category_name(c: &Category, locale: crate::i18n::Locale) -> String {
    as_given(c, &c.name, "category-uncategorized", locale)
}

/// A category's description, Uncategorized's in the reader's language
/// while it keeps the one it was given.
pub fn category_description(c: &Category, locale: crate::i18n::Locale) -> String {
    as_given(c, &c.description, "category-uncategorized-description", locale)
}

fn as_given(c: &Category, value: &str, key: &str, locale: crate::i18n::Locale) -> String {
    if c.slug == "uncategorized" && value == crate::i18n::t(crate::i18n::Locale::En, key) {
        crate::i18n::t(locale, key)
    } else {
        value.to_string()
    }
}

pub fn topic_url(slug: &str, id: impl std::fmt::Display) -> String {
    format!("/t/{slug}/{id}")
}

/// Where a post is shown: its page of the topic, scrolled to it.
pub fn post_location(slug: &str, topic: impl std::fmt::Display, post_number: i64) -> String {
    let url = topic_url(slug, topic);
    match crate::views::page_of_post(post_number) {
        1 => format!("{url}#post_{post_number}"),
        page => format!("{url}?page={page}#post_{post_number}"),
    }
}

pub fn topic_rows(
    list: &TopicList,
    state: &AppState,
    viewer: &crate::auth::Viewer,
    reading: &std::collections::HashMap<minga_core::TopicId, crate::reading::Reading>,
) -> Vec<TopicRow> {
    let mut rows: Vec<TopicRow> = list.topics
        .iter()
        .map(|t| {
            let author = list.users.get(&t.user_id).map(|u| u.username.clone()).unwrap_or_default();
            TopicRow {
                url: topic_url(&t.slug, t.id),
                title: t.title.clone(),
                excerpt: minga_core::cook::shorten(&t.excerpt, 160),
                category: list.categories.get(&t.category_id).map(|c| badge(c, viewer.locale)),
                avatar: Avatar::of(&author),
                author,
                replies: (t.posts_count - 1).max(0),
                views: t.views + state.views.pending(t.id),
                activity: pages::moment(t.bumped_at, viewer),
                unread: 0,
                new: false,
            }
        })
        .collect();
    crate::reading::into_rows(&mut rows, &list.topics, reading);
    rows
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
                .ok_or_else(|| crate::AppError::BadRequest(minga_core::text!("error-page-number"))),
        }
    }
}

/// Parses a numeric path segment (`12` or `12.json`); anything else is 404.
pub fn id_segment(segment: &str) -> Result<i64, crate::AppError> {
    crate::format::strip_json(segment).parse::<i64>().map_err(|_| crate::AppError::NotFound)
}

/// Links to recent posts, for people's and groups' pages.
pub fn post_links(posts: &[minga_store::PostInTopic], viewer: &crate::auth::Viewer) -> Vec<crate::pages::PostLink> {
    posts
        .iter()
        .map(|p| crate::pages::PostLink {
            url: format!("{}/{}", topic_url(&p.topic_slug, p.post.topic_id), p.post.post_number),
            topic_title: p.topic_title.clone(),
            excerpt: minga_core::cook::excerpt(&p.post.cooked, 200),
            when: pages::moment(p.post.created_at, viewer),
        })
        .collect()
}
