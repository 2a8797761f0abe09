//! Site-wide JSON (`/site.json`, `/site/basic-info.json`, `/about.json`),
//! the stylesheet, a health check, and the not-found answer.

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::format::Format;
use crate::json;
use crate::pages::{self, AboutPage, Avatar, Chrome, CsrfToken};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use crate::i18n::{LOCALE_COOKIE, Locale};
use minga_core::perm;
use serde_json::json;

/// `static/minga.css`, then the dark colours of `static/dark.css` for a
/// device that prefers dark (unless the person chose light) and for a
/// person who chose dark.
static STYLESHEET: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let dark = include_str!("../../static/dark.css");
    format!(
        "{}\n@media (prefers-color-scheme: dark) {{\n:root:not([data-theme=light]) {{\n{dark}}}\n}}\n:root[data-theme=dark] {{\n{dark}}}\n",
        include_str!("../../static/minga.css")
    )
});

/// The script that keeps open pages up to date (see `live`).
pub async fn live_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/live.js"),
    )
        .into_response()
}

pub async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLESHEET.as_str()).into_response()
}

pub async fn site(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    use json::site::{Archetype, HomepageChoice, NOTIFICATION_TYPES, SiteCategory, SiteGroup, SiteJson, UserTheme};
    let (categories, catalog) = crate::access::fresh_visible(&state, &viewer).await?;
    let actor = viewer.actor();
    // Groups listed here are those the reader may see (an owners-only
    // group shows to admins).
    let groups = catalog
        .groups
        .iter()
        .filter(|g| perm::can_see_group(&g.rules(), actor.as_ref(), false))
        .map(|g| SiteGroup {
            id: g.id,
            name: g.name.clone(),
            full_name: g.full_name.clone(),
            display_name: if g.full_name.is_empty() { g.name.clone() } else { g.full_name.clone() },
            flair_url: None,
            flair_bg_color: None,
            flair_color: None,
            automatic: g.automatic,
        })
        .collect();
    let menu = vec!["latest", "categories", "top"];
    let site = SiteJson {
        default_archetype: "regular",
        notification_types: NOTIFICATION_TYPES.iter().copied().collect(),
        post_types: [("regular", 1), ("moderator_action", 2), ("small_action", 3), ("whisper", 4)].into_iter().collect(),
        trust_levels: [("newuser", 0), ("basic", 1), ("member", 2), ("regular", 3), ("leader", 4)].into_iter().collect(),
        groups,
        filters: menu.clone(),
        homepage_choices: vec![
            HomepageChoice { name: "Latest", value: "latest" },
            HomepageChoice { name: "Categories", value: "categories" },
            HomepageChoice { name: "Top", value: "top" },
        ],
        periods: vec!["all", "yearly", "quarterly", "monthly", "weekly", "daily"],
        top_menu_items: menu.clone(),
        anonymous_top_menu_items: menu,
        uncategorized_category_id: catalog.uncategorized.map(|c| c.0),
        user_field_max_length: 2048,
        post_action_types: json::site::post_action_types(),
        topic_flag_types: Vec::new(),
        can_create_tag: false,
        can_tag_topics: false,
        can_tag_pms: false,
        tags_filter_regexp: "[/\\?#\\[\\]@!\\$&'\\(\\)\\*\\+,;=\\.%\\\\`^\\s|\\{\\}\"<>]+",
        top_tags: Vec::new(),
        can_associate_groups: perm::can_manage_categories(actor.as_ref()),
        email_configured: false,
        topic_featured_link_allowed_category_ids: Vec::new(),
        user_themes: vec![UserTheme { theme_id: 1, name: "minga", default: true, color_scheme_id: None }],
        user_color_schemes: Vec::new(),
        default_light_color_scheme: None,
        default_dark_color_scheme: None,
        censored_regexp: Vec::new(),
        custom_emoji_translation: Default::default(),
        watched_words_replace: None,
        watched_words_link: None,
        categories: categories
            .iter()
            .map(|c| SiteCategory {
                category: json::CategoryJson { topic_url: Some(super::category_url(c)), ..json::category(c, &viewer, &catalog) },
                allow_global_tags: false,
            })
            .collect(),
        archetypes: vec![Archetype { id: "regular", name: "Regular Topic", options: Vec::new() }],
        user_fields: Vec::new(),
        auth_providers: Vec::new(),
        full_name_required_for_signup: false,
        full_name_visible_in_signup: true,
    };
    Ok(Json(site).into_response())
}

pub async fn basic_info(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    let s = &state.settings;
    let site = state.site().await?;
    Ok(Json(json!({
        "logo_url": "",
        "logo_small_url": "",
        "apple_touch_icon_url": "",
        "favicon_url": "",
        "title": s.title,
        "description": description(&state, viewer.locale),
        "header_primary_color": "222222",
        "header_background_color": "ffffff",
        "login_required": site.login_required,
        "locale": viewer.locale.tag(),
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
            description: description(&state, viewer.locale),
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
            "description": description(&state, viewer.locale),
            "locale": viewer.locale.tag(),
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

/// `GET /locale/{tag}`: a visitor's choice of language, kept for a year in
/// a cookie; back to the page they were on. (A person's own setting, in
/// their preferences, comes first.)
pub async fn choose_locale(State(state): State<AppState>, Path(tag): Path<String>, headers: HeaderMap) -> AppResult<Response> {
    let locale = Locale::from_tag(&tag).filter(|l| l.tag() == tag).ok_or(AppError::NotFound)?;
    let cookie = crate::auth::set_cookie(LOCALE_COOKIE, locale.tag(), 365 * 24 * 60 * 60, state.settings.secure_cookies());
    super::session::with_cookies(pages::redirect(&back(&state, &headers)), &[cookie])
}

/// `GET /theme/{light|dark|device}`: a visitor's colours, kept in a
/// cookie (signed-in people choose in their preferences).
pub async fn choose_theme(State(state): State<AppState>, Path(choice): Path<String>, headers: HeaderMap) -> AppResult<Response> {
    let cookie = match choice.as_str() {
        "light" | "dark" => crate::auth::set_cookie(crate::auth::THEME_COOKIE, &choice, 365 * 24 * 60 * 60, state.settings.secure_cookies()),
        "device" => crate::auth::set_cookie(crate::auth::THEME_COOKIE, "", 0, state.settings.secure_cookies()),
        _ => return Err(AppError::NotFound),
    };
    super::session::with_cookies(pages::redirect(&back(&state, &headers)), &[cookie])
}

/// Back to the page a switch was used on, if it was one of ours.
fn back(state: &AppState, headers: &HeaderMap) -> String {
    let base = &state.settings.base_url;
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .filter(|r| url::Url::parse(base).is_ok_and(|b| b.origin() == r.origin()))
        .map(|r| match r.query() {
            Some(q) => format!("{}?{q}", r.path()),
            None => r.path().to_string(),
        });
    pages::safe_next(back.as_deref(), base)
}

/// A cheap liveness and database check for load balancers.
pub async fn status(State(state): State<AppState>) -> AppResult<&'static str> {
    state.store.ping().await?;
    Ok("ok")
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// The forum's description, or, when its operator gave none, the words
/// for one in the reader's language.
fn description(state: &AppState, locale: crate::i18n::Locale) -> String {
    match state.settings.description.trim() {
        "" => crate::i18n::t(locale, "site-description"),
        d => d.to_string(),
    }
}
