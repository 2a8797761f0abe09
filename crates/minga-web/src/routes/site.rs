//! Site-wide JSON (`/site.json`, `/site/basic-info.json`, `/about.json`),
//! the stylesheet, a health check, and the not-found answer.

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::format::Format;
use crate::json;
use crate::pages::{self, AboutPage, Avatar, Chrome, CsrfToken};
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use minga_core::perm;
use serde_json::json;

const STYLESHEET: &str = include_str!("../../static/minga.css");

pub async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLESHEET).into_response()
}

pub async fn site(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    let (categories, catalog) = crate::access::fresh_visible(&state, &viewer).await?;
    let actor = viewer.actor();
    // Groups listed here are those everyone may see.
    let listed: Vec<_> = catalog.groups.iter().filter(|g| g.visibility_level == 0 || viewer.is_staff()).map(|g| json!({"id": g.id, "name": g.name, "automatic": g.automatic})).collect();
    Ok(Json(json!({
        "default_archetype": "regular",
        "notification_types": { "mentioned": 1, "replied": 2, "quoted": 3, "edited": 4, "liked": 5, "private_message": 6, "posted": 9 },
        "post_types": { "regular": 1, "moderator_action": 2, "small_action": 3, "whisper": 4 },
        "trust_levels": { "newuser": 0, "basic": 1, "member": 2, "regular": 3, "leader": 4 },
        "groups": listed,
        "filters": ["latest", "categories"],
        "periods": ["all", "yearly", "quarterly", "monthly", "weekly", "daily"],
        "top_menu_items": ["latest", "categories"],
        "anonymous_top_menu_items": ["latest", "categories"],
        "can_create_tag": false,
        "can_tag_topics": false,
        "can_associate_groups": perm::can_manage_categories(actor.as_ref()),
        "uncategorized_category_id": null,
        "user_fields": [],
        "auth_providers": [],
        "archetypes": [{ "id": "regular", "name": "Regular Topic", "options": [] }],
        "categories": categories.iter().map(|c| json::category(c, &viewer, &catalog)).collect::<Vec<_>>(),
    }))
    .into_response())
}

pub async fn basic_info(State(state): State<AppState>) -> AppResult<Response> {
    let s = &state.settings;
    let site = state.site().await?;
    Ok(Json(json!({
        "logo_url": "",
        "logo_small_url": "",
        "apple_touch_icon_url": "",
        "favicon_url": "",
        "title": s.title,
        "description": s.description,
        "header_primary_color": "222222",
        "header_background_color": "ffffff",
        "login_required": site.login_required,
        "locale": "en",
        "include_in_discourse_discover": false,
        "mobile_logo_url": "",
    }))
    .into_response())
}

pub async fn about(State(state): State<AppState>, viewer: Viewer, format: Format, csrf: CsrfToken) -> AppResult<Response> {
    // Counts cover what everyone may see, so they say nothing of private spaces.
    let scope = state.catalog().await?.scope(None);
    let totals = state.store.totals(scope.as_deref()).await?;
    let admins = state.store.admins().await?;
    let s = &state.settings;
    if format == Format::Html {
        return Ok(pages::render(&AboutPage {
            chrome: Chrome::new(&state, &viewer, csrf),
            description: s.description.clone(),
            admins: admins.iter().map(|u| (u.username.clone(), Avatar::of(&u.username))).collect(),
            topics: totals.topics,
            posts: totals.posts,
            people: totals.users,
            version: env!("CARGO_PKG_VERSION"),
        }));
    }
    Ok(Json(json!({
        "about": {
            "title": s.title,
            "description": s.description,
            "locale": "en",
            "version": env!("CARGO_PKG_VERSION"),
            "https": s.secure_cookies(),
            "can_see_about_stats": true,
            "admins": admins.iter().map(json::basic_user).collect::<Vec<_>>(),
            "moderators": [],
            "category_moderators": [],
            "stats": {
                "topics_count": totals.topics,
                "posts_count": totals.posts,
                "users_count": totals.users,
            },
        }
    }))
    .into_response())
}

/// A cheap liveness and database check for load balancers.
pub async fn status(State(state): State<AppState>) -> AppResult<&'static str> {
    state.store.ping().await?;
    Ok("ok")
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}
