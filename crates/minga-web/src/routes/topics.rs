//! The latest list, topic pages and `/t/{id}.json`, and the new-topic form.

use super::{PageQuery, badge, id_segment, topic_rows, topic_url};
use crate::AppState;
use crate::auth::{SignedIn, Staff, Viewer};
use crate::error::{AppError, AppResult};
use crate::format::Format;
use crate::input::Query;
use crate::params::Params;
use crate::json;
use crate::ops::{self, TopicInput};
use crate::pages::{self, Avatar, CategoryOption, Chrome, CsrfToken, FormErrors, NewTopicPage, PageLink, PostView, TopicListPage, TopicPage};
use crate::views::{self, POSTS_PER_PAGE, TOPICS_PER_PAGE};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minga_core::time::iso;
use minga_core::{PostId, TopicId, perm};
use minga_store::TopicFilter;

pub async fn latest(
    State(state): State<AppState>,
    viewer: Viewer,
    format: Format,
    csrf: CsrfToken,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let page = q.number()?;
    let list = views::topic_list(&state, &viewer, TopicFilter::All, page).await?;
    let reading = crate::reading::of(&state, &viewer, &list.topics).await?;
    match format {
        Format::Json => {
            Ok(Json(topic_list_json(&state, &viewer, &list, "/latest", &reading)).into_response())
        }
        Format::Html => Ok(pages::render(&TopicListPage {
            chrome: Chrome {
                live_list: if page == 0 { "latest" } else { "" },
                ..Chrome::new(&state, &viewer, csrf)
            },
            heading: crate::i18n::t(viewer.locale, "heading-latest"),
            description: String::new(),
            category: None,
            rows: topic_rows(&list, &state, &viewer, &reading),
            prev_url: (page > 0).then(|| format!("/latest?page={}", page - 1)),
            next_url: list.more.then(|| format!("/latest?page={}", page + 1)),
            new_topic_url: "/new-topic".into(),
            dismiss: None,
        })),
    }
}

/// `GET /top?period=…`: Discourse's periods, `all` when none is given.
#[derive(serde::Deserialize)]
pub struct TopQuery {
    pub period: Option<TopPeriod>,
    pub page: Option<i64>,
}

#[derive(serde::Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TopPeriod {
    #[default]
    All,
    Yearly,
    Quarterly,
    Monthly,
    Weekly,
    Daily,
}

impl TopPeriod {
    pub fn name(self) -> &'static str {
        match self {
            TopPeriod::All => "all",
            TopPeriod::Yearly => "yearly",
            TopPeriod::Quarterly => "quarterly",
            TopPeriod::Monthly => "monthly",
            TopPeriod::Weekly => "weekly",
            TopPeriod::Daily => "daily",
        }
    }

    /// The start of the period, counted back from `now`.
    pub fn since(self, now: i64) -> i64 {
        const DAY: i64 = 24 * 60 * 60 * 1000;
        match self {
            TopPeriod::All => i64::MIN,
            TopPeriod::Yearly => now - 365 * DAY,
            TopPeriod::Quarterly => now - 91 * DAY,
            TopPeriod::Monthly => now - 30 * DAY,
            TopPeriod::Weekly => now - 7 * DAY,
            TopPeriod::Daily => now - DAY,
        }
    }
}

/// The top list: topics started in the period, the most replied to first,
/// then the most viewed, among those the reader may see.
pub async fn top(State(state): State<AppState>, viewer: Viewer, format: Format, csrf: CsrfToken, Params(q): Params<TopQuery>) -> AppResult<Response> {
    let period = q.period.unwrap_or_default();
    let page = q.page.unwrap_or(0);
    if page < 0 {
        return Err(AppError::BadRequest(minga_core::text!("error-page-number")));
    }
    // Whole minutes, so that lists kept in memory are shared for a while.
    let minute = minga_core::time::now_ms() / 60_000 * 60_000;
    let since = if period == TopPeriod::All { i64::MIN } else { period.since(minute) };
    let list = views::topic_list(&state, &viewer, TopicFilter::Top { since }, page).await?;
    let reading = crate::reading::of(&state, &viewer, &list.topics).await?;
    let base = format!("/top?period={}", period.name());
    match format {
        Format::Json => {
            let mut body = topic_list_json(&state, &viewer, &list, &base, &reading);
            body.topic_list.for_period = Some(period.name().to_string());
            // Discourse's top list reads each topic with the reader's data,
            // so "unpinned" is a boolean there (false: nobody unpins here).
            body.topic_list.topics.iter_mut().for_each(|t| t.unpinned = Some(false));
            Ok(Json(body).into_response())
        }
        Format::Html => Ok(pages::render(&TopicListPage {
            chrome: Chrome::new(&state, &viewer, csrf),
            heading: crate::i18n::t(viewer.locale, "heading-top"),
            description: String::new(),
            category: None,
            rows: topic_rows(&list, &state, &viewer, &reading),
            prev_url: (page > 0).then(|| format!("{base}&page={}", page - 1)),
            next_url: list.more.then(|| format!("{base}&page={}", page + 1)),
            new_topic_url: "/new-topic".into(),
            dismiss: None,
        })),
    }
}

/// Discourse's `topic_list` envelope, shared by `/latest`, `/top` and `/c/…`.
pub fn topic_list_json(
    state: &AppState,
    viewer: &Viewer,
    list: &views::TopicList,
    base: &str,
    reading: &std::collections::HashMap<TopicId, crate::reading::Reading>,
) -> json::TopicListResponse {
    let mut topics: Vec<json::TopicListItem> = list
        .topics
        .iter()
        .map(|t| json::topic_list_item(t, &list.users, state))
        .collect();
    crate::reading::into_json(&mut topics, reading);
    let mut users: Vec<&minga_store::User> = list.users.values().collect();
    users.sort_by_key(|u| u.id);
    let more = if base.contains('?') { format!("{base}&page={}", list.page + 1) } else { format!("{base}?page={}", list.page + 1) };
    json::TopicListResponse {
        users: users.into_iter().map(json::BasicUser::of).collect(),
        primary_groups: Vec::new(),
        topic_list: json::TopicList {
            can_create_topic: perm::can_create_topic(viewer.actor().as_ref()),
            draft: None,
            draft_key: "new_topic".into(),
            draft_sequence: 0,
            per_page: TOPICS_PER_PAGE,
            more_topics_url: list.more.then_some(more),
            for_period: None,
            topics,
        },
    }
}

/// Which topic and which post a `/t/…` path names.
fn parse_topic_path(segments: &[String]) -> AppResult<(TopicId, Option<i64>)> {
    let numeric = |s: &str| crate::format::strip_json(s).parse::<i64>().ok();
    match segments {
        [id] => Ok((TopicId(id_segment(id)?), None)),
        // `/t/{id}/{post_number}` when the first segment is a number,
        // otherwise `/t/{slug}/{id}`.
        [a, b] => match (numeric(a), numeric(b)) {
            (Some(id), Some(n)) if !a.ends_with(".json") => Ok((TopicId(id), Some(n))),
            (_, Some(id)) => Ok((TopicId(id), None)),
            _ => Err(AppError::NotFound),
        },
        [_, id, n] => Ok((TopicId(id_segment(id)?), Some(id_segment(n)?))),
        _ => Err(AppError::NotFound),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct TopicQuery {
    pub page: Option<String>,
    pub reply_to: Option<String>,
    /// Set after flagging a post: which one, to confirm it on the page.
    pub flagged: Option<String>,
    pub hidden: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    format: Format,
    csrf: CsrfToken,
    Path(segments): Path<Vec<(String, String)>>,
    Query(q): Query<TopicQuery>,
) -> AppResult<Response> {
    let segments: Vec<String> = segments.into_iter().map(|(_, v)| v).collect();
    let (id, post_number) = parse_topic_path(&segments)?;
    if format == Format::Json {
        let (view, stream) = views::topic_json_view(&state, &viewer, id).await?;
        state.views.record(id);
        if let (Some(u), Some(last)) = (&viewer.user, view.posts.last()) {
            state.views.record_read(u.id, id, last.post_number);
        }
        let catalog = state.catalog().await?;
        let mut body = topic_json(&state, &viewer, &view, &stream, &catalog);
        if let Some(f) = following(&state, &viewer, id).await? {
            body.details.notification_level = f.effective().id();
        }
        let mut response = Json(body).into_response();
        response.extensions_mut().insert(crate::cache::ViewedTopic(id));
        return Ok(response);
    }
    // A post's own address lands on it: its page, scrolled to it.
    if let Some(n) = post_number {
        let (topic, _, _) = crate::access::visible_topic(&state, &viewer, id).await?;
        return Ok(pages::redirect(&super::post_location(&topic.slug, topic.id, n)));
    }
    // A signed-in reader comes back to where they stopped reading.
    let following = following(&state, &viewer, id).await?;
    let mut scroll_to = None;
    let page = match q.page.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() => p
            .parse::<i64>()
            .map_err(|_| AppError::BadRequest(minga_core::text!("error-page-number")))?,
        _ => match following {
            // Where they stopped, if something is left to read there.
            Some(f)
                if f.last_read_post_number > 0
                    && f.last_read_post_number < f.highest_post_number =>
            {
                scroll_to = Some(f.last_read_post_number + 1);
                views::page_of_post(f.last_read_post_number + 1)
            }
            _ => 1,
        },
    };
    let view = views::topic_page(&state, &viewer, id, page).await?;
    let scroll_to = scroll_to.filter(|n| view.posts.iter().any(|p| p.post_number == *n));
    state.views.record(id);
    if let (Some(u), Some(last)) = (&viewer.user, view.posts.last()) {
        state.views.record_read(u.id, id, last.post_number);
    }
    let reply_to = q.reply_to.as_deref().and_then(|r| r.parse::<i64>().ok());
    let catalog = state.catalog().await?;
    let mut page = topic_page(
        &catalog,
        &state,
        &viewer,
        csrf,
        &view,
        String::new(),
        reply_to,
        FormErrors::default(),
    );
    if let Some(f) = following {
        page.level = Some(f.effective().id());
        page.levels = super::notifications::levels(viewer.locale, false);
        page.scroll_to = scroll_to;
    }
    if let Some(n) = q.flagged.as_deref().and_then(|f| f.parse::<i64>().ok()) {
        let key = if q.hidden.is_some() { "flag-thanks-hidden" } else { "flag-thanks" };
        page.notice = Some(crate::i18n::t1(viewer.locale, key, "number", n.to_string()));
    }
    let content: usize = view.posts.iter().map(|p| p.cooked.len() + 1024).sum();
    let mut response = pages::render_sized(&page, content);
    response.extensions_mut().insert(crate::cache::ViewedTopic(id));
    Ok(response)
}

/// A signed-in reader's level for a topic and how far they read it.
async fn following(state: &AppState, viewer: &Viewer, id: TopicId) -> AppResult<Option<minga_store::TopicUser>> {
    let Some(u) = &viewer.user else { return Ok(None) };
    let caches = &state.caches;
    Ok(Some(caches.get_or_load(&caches.following, (u.id, id), async { Ok(state.store.topic_user(u.id, id).await?) }).await?))
}

pub fn topic_page(
    catalog: &crate::access::Catalog,
    state: &AppState,
    viewer: &Viewer,
    csrf: CsrfToken,
    view: &views::TopicView,
    reply_raw: String,
    reply_to: Option<i64>,
    errors: FormErrors,
) -> TopicPage {
    let t = &view.topic;
    let url = topic_url(&t.slug, t.id);
    let actor = viewer.actor();
    let post_url = |n: i64| {
        if views::page_of_post(n) == view.page { format!("#post_{n}") } else { format!("{url}/{n}#post_{n}") }
    };
    let posts = view
        .posts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let author = view.users.get(&p.user_id);
            let username = author.map(|u| u.username.clone()).unwrap_or_default();
            PostView {
                id: p.id.0,
                number: p.post_number,
                name: author.map(|u| u.name.clone()).unwrap_or_default(),
                primary_group: catalog.public_group_name(author.and_then(|u| u.primary_group_id)).unwrap_or_default().to_string(),
                avatar: Avatar::of(&username),
                username,
                created: pages::moment(p.created_at, viewer),
                cooked: view.shown_cooked(viewer, i),
                deleted: p.deleted_at.is_some(),
                reply_to: p.reply_to_post_number,
                reply_to_url: p.reply_to_post_number.map(post_url).unwrap_or_default(),
                edited: p.version > 1,
                can_edit: perm::can_edit_post_now(actor.as_ref(), p.user_id, p.locked, t.archived),
                can_flag: actor.as_ref().is_some_and(|a| a.id != p.user_id) && !p.hidden,
                url: format!("{url}/{}", p.post_number),
            }
        })
        .collect();
    let pages = page_window(view.page, view.pages)
        .into_iter()
        .map(|n| PageLink { number: n, url: if n == 1 { url.clone() } else { format!("{url}?page={n}") }, current: n == view.page })
        .collect();
    let mut chrome = Chrome::new(state, viewer, csrf);
    chrome.live_topic = Some(t.id.0);
    TopicPage {
        chrome,
        topic_id: t.id.0,
        title: t.title.clone(),
        category: badge(&view.category, viewer.locale),
        posts,
        pages,
        views: view.views(state),
        replies: (t.posts_count - 1).max(0),
        can_reply: perm::can_reply_to_topic(actor.as_ref(), catalog.grants(t.category_id), &t.state()),
        reply_raw,
        reply_to,
        errors,
        notice: None,
        status: status_lines(t, viewer.locale),
        login_url: format!("/login?next={}", pages::urlencode(&url)),
        url,
        level: None,
        levels: Vec::new(),
        scroll_to: None,
    }
}

/// What a topic page says of the topic's state.
fn status_lines(t: &minga_store::Topic, locale: crate::i18n::Locale) -> Vec<String> {
    use crate::i18n::{t as say, t1};
    let mut lines = Vec::new();
    if t.archived {
        lines.push(say(locale, "topic-status-archived"));
    } else if t.closed {
        lines.push(say(locale, "topic-status-closed"));
    }
    if !t.visible {
        lines.push(say(locale, "topic-status-unlisted"));
    }
    if t.pinned(minga_core::time::now_ms()) {
        lines.push(match (t.pinned_globally, t.pinned_until) {
            (true, None) => say(locale, "topic-status-pinned-everywhere"),
            (false, None) => say(locale, "topic-status-pinned-category"),
            (true, Some(u)) => t1(locale, "topic-status-pinned-everywhere-until", "date", crate::i18n::date(locale, u)),
            (false, Some(u)) => t1(locale, "topic-status-pinned-category-until", "date", crate::i18n::date(locale, u)),
        });
    }
    lines
}

/// The page numbers to link: the first, the last, and two either side of
/// the current one, so a topic of thousands of pages stays a short list.
pub fn page_window(current: i64, last: i64) -> Vec<i64> {
    let mut pages: Vec<i64> = vec![1];
    pages.extend((current - 2).max(2)..=(current + 2).min(last - 1));
    if last > 1 {
        pages.push(last);
    }
    pages
}

fn topic_json(state: &AppState, viewer: &Viewer, view: &views::TopicView, stream: &[PostId], catalog: &crate::access::Catalog) -> json::TopicView {
    let t = &view.topic;
    let posts = view.posts.iter().map(|p| json::post_in_topic(p, view.users.get(&p.user_id), t, viewer, catalog)).collect();
    let user = |id| view.users.get(&id).map(json::BasicUser::of);
    let mut participants = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for p in view.posts.iter() {
        if seen.insert(p.user_id)
            && let Some(u) = view.users.get(&p.user_id)
        {
            participants.push(json::Participant {
                id: u.id,
                username: u.username.clone(),
                name: u.name.clone(),
                avatar_template: json::avatar_template(&u.username),
                post_count: view.posts.iter().filter(|q| q.user_id == u.id).count() as i64,
                primary_group_name: catalog.public_group_name(u.primary_group_id).map(str::to_string),
                // minga's groups have no flair yet: Discourse's values for none.
                flair_name: None,
                flair_url: None,
                flair_color: None,
                flair_bg_color: None,
                flair_group_id: None,
                admin: u.admin,
                moderator: u.moderator,
                trust_level: u.trust_level,
            });
        }
    }
    let actor = viewer.actor();
    let actor = actor.as_ref();
    let now = minga_core::time::now_ms();
    let pinned = t.pinned(now);
    let staff = perm::can_moderate_topics(actor);
    json::TopicView {
        post_stream: json::PostStream { posts, stream: stream.to_vec() },
        timeline_lookup: Vec::new(),
        suggested_topics: Vec::new(),
        tags: Vec::new(),
        tags_descriptions: Default::default(),
        id: t.id,
        title: t.title.clone(),
        fancy_title: json::fancy(&t.title),
        posts_count: t.posts_count,
        created_at: iso(t.created_at),
        views: view.views(state),
        reply_count: (t.posts_count - 1).max(0),
        like_count: 0,
        last_posted_at: iso(t.last_posted_at),
        visible: t.visible,
        closed: t.closed,
        archived: t.archived,
        has_summary: false,
        archetype: "regular".into(),
        slug: t.slug.clone(),
        category_id: t.category_id,
        word_count: None,
        deleted_at: None,
        user_id: t.user_id,
        featured_link: None,
        pinned_globally: pinned && t.pinned_globally,
        pinned_at: t.pinned_at.filter(|_| pinned).map(iso),
        pinned_until: t.pinned_until.filter(|_| pinned).map(iso),
        image_url: None,
        slow_mode_seconds: 0,
        draft: None,
        draft_key: format!("topic_{}", t.id),
        draft_sequence: 0,
        unpinned: None,
        pinned,
        current_post_number: 1,
        highest_post_number: t.highest_post_number,
        deleted_by: None,
        has_deleted: t.posts_count < t.highest_post_number,
        actions_summary: Vec::new(),
        chunk_size: POSTS_PER_PAGE,
        bookmarked: false,
        bookmarks: Vec::new(),
        topic_timer: None,
        message_bus_last_id: 0,
        participant_count: participants.len() as i64,
        show_read_indicator: false,
        thumbnails: None,
        slow_mode_enabled_until: None,
        details: json::TopicDetails {
            can_edit: perm::can_edit_topic(actor, &t.state()),
            notification_level: 1,
            can_create_post: perm::can_reply_to_topic(actor, catalog.grants(t.category_id), &t.state()),
            can_reply_as_new_topic: perm::can_create_topic_in(actor, catalog.grants(t.category_id)),
            can_delete: perm::can_delete_topic(actor, &t.state()),
            can_move_posts: false,
            can_remove_allowed_users: false,
            can_convert_topic: false,
            can_review_topic: false,
            can_close_topic: staff,
            can_archive_topic: staff,
            can_split_merge_topic: false,
            can_edit_staff_notes: false,
            can_toggle_topic_visibility: staff,
            can_pin_unpin_topic: staff,
            can_moderate_category: staff,
            can_remove_self_id: 0,
            participants,
            created_by: user(t.user_id),
            last_poster: user(t.last_post_user_id),
        },
    }
}

/// `GET /t/{id}/posts.json?post_ids[]=…`
#[derive(serde::Deserialize)]
pub struct SomePostIds {
    #[serde(default)]
    pub post_ids: Vec<i64>,
}

pub async fn posts(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Params(q): Params<SomePostIds>,
) -> AppResult<Response> {
    let id = TopicId(id_segment(&id)?);
    let ids: Vec<PostId> = q.post_ids.into_iter().map(PostId).collect();
    let (topic, _, _) = crate::access::visible_topic(&state, &viewer, id).await?;
    let mut posts = state.store.posts_in_topic(id, &ids).await?;
    views::prepare(&state, &viewer, &mut posts).await?;
    let users = views::by_id(state.store.users_by_ids(&posts.iter().map(|p| p.user_id).collect::<Vec<_>>()).await?, |u| u.id);
    let catalog = state.catalog().await?;
    let posts = posts.iter().map(|p| json::post_in_topic(p, users.get(&p.user_id), &topic, &viewer, &catalog)).collect();
    Ok(Json(json::TopicPosts { post_stream: json::SomePosts { posts }, id: topic.id }).into_response())
}

/// `DELETE /t/{id}.json`: deletes the topic, as deleting its first post does.
pub async fn destroy(State(state): State<AppState>, SignedIn(viewer): SignedIn, Path(id): Path<String>) -> AppResult<Response> {
    ops::delete_topic(&state, &viewer, TopicId(id_segment(&id)?)).await?;
    Ok(Json(json::OK).into_response())
}

/// `PUT /t/{slug}/{id}.json` with `topic[title]` and `topic[category_id]`
/// (or the same at the top level, as Discourse also reads them).
#[derive(serde::Deserialize)]
pub struct UpdateTopic {
    pub topic: Option<TopicFields>,
    pub title: Option<String>,
    pub category_id: Option<i64>,
}

#[derive(serde::Deserialize)]
pub struct TopicFields {
    pub title: Option<String>,
    pub category_id: Option<i64>,
}

pub async fn update(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path((_, id)): Path<(String, String)>,
    Params(req): Params<UpdateTopic>,
) -> AppResult<Response> {
    let (nested_title, nested_category) = req.topic.map(|t| (t.title, t.category_id)).unwrap_or_default();
    let title = nested_title.or(req.title);
    let category = nested_category.or(req.category_id);
    let topic = ops::update_topic(&state, &viewer, TopicId(id_segment(&id)?), title, category).await?;
    Ok(Json(json::BasicTopicResponse { basic_topic: json::BasicTopic::of(&topic) }).into_response())
}

/// `PUT /t/{id}/status.json`: `status` is closed, archived, visible,
/// pinned or pinned_globally; `enabled` turns it on or off; `until` ends a pin.
#[derive(serde::Deserialize)]
pub struct UpdateTopicStatus {
    pub status: TopicStatusName,
    pub enabled: bool,
    pub until: Option<String>,
}

#[derive(serde::Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum TopicStatusName {
    Closed,
    Archived,
    Visible,
    Pinned,
    PinnedGlobally,
}

pub async fn status(
    State(state): State<AppState>,
    Staff(viewer): Staff,
    Path(id): Path<String>,
    Params(req): Params<UpdateTopicStatus>,
) -> AppResult<Response> {
    use minga_store::TopicStatus as S;
    let until = match req.until.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => Some(super::admin::future_time(u, "until")?),
        None => None,
    };
    let pin = req.enabled.then_some(until);
    let change = match req.status {
        TopicStatusName::Closed => S::Closed(req.enabled),
        TopicStatusName::Archived => S::Archived(req.enabled),
        TopicStatusName::Visible => S::Visible(req.enabled),
        TopicStatusName::Pinned => S::Pinned(pin),
        TopicStatusName::PinnedGlobally => S::PinnedGlobally(pin),
    };
    ops::set_topic_status(&state, &viewer, TopicId(id_segment(&id)?), change).await?;
    Ok(Json(json::StatusChanged { success: "OK", topic_status_update: None }).into_response())
}

/// `PUT /t/{id}/change-timestamp.json` with `timestamp` in seconds.
#[derive(serde::Deserialize)]
pub struct ChangeTimestamp {
    pub timestamp: f64,
}

pub async fn change_timestamp(
    State(state): State<AppState>,
    Staff(viewer): Staff,
    Path(id): Path<String>,
    Params(req): Params<ChangeTimestamp>,
) -> AppResult<Response> {
    if !req.timestamp.is_finite() {
        return Err(AppError::invalid("timestamp", minga_core::text!("error-timestamp")));
    }
    ops::change_topic_timestamp(&state, &viewer, TopicId(id_segment(&id)?), req.timestamp as i64).await?;
    Ok(Json(json::OK).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct NewTopicQuery {
    pub category: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    Query(q): Query<NewTopicQuery>,
) -> AppResult<Response> {
    viewer.require()?;
    let selected = q.category.and_then(|c| c.parse().ok());
    let page = new_topic_page(&state, &viewer, csrf, String::new(), String::new(), selected, FormErrors::default()).await?;
    Ok(pages::render(&page))
}

async fn new_topic_page(
    state: &AppState,
    viewer: &Viewer,
    csrf: CsrfToken,
    title: String,
    raw: String,
    selected: Option<i64>,
    errors: FormErrors,
) -> AppResult<NewTopicPage> {
    let catalog = state.catalog().await?;
    let actor = viewer.actor();
    let categories = catalog
        .categories
        .iter()
        .filter(|c| catalog.can_start_topic(actor.as_ref(), c.id))
        .map(|c| CategoryOption { selected: Some(c.id.0) == selected, id: c.id.0, name: c.name.clone() })
        .collect();
    Ok(NewTopicPage { chrome: Chrome::new(state, viewer, csrf), title, raw, categories, errors })
}

/// The new-topic form. Blank fields are left to the checks, which answer
/// beside the field.
#[derive(serde::Deserialize)]
pub struct NewTopicForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub raw: String,
    pub category: Option<i64>,
}

pub async fn create_form(State(state): State<AppState>, SignedIn(viewer): SignedIn, csrf: CsrfToken, Params(form): Params<NewTopicForm>) -> AppResult<Response> {
    let NewTopicForm { title, raw, category } = form;
    match ops::create_topic(&state, &viewer, TopicInput { title: title.clone(), raw: raw.clone(), category }).await {
        Ok((topic, _)) => Ok(Redirect::to(&topic_url(&topic.slug, topic.id)).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let page = new_topic_page(&state, &viewer, csrf, title, raw, category, FormErrors::of(&invalid, viewer.locale)).await?;
            Ok(pages::render_invalid(&page))
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::page_window;

    #[test]
    fn page_links_stay_few() {
        assert_eq!(page_window(1, 1), vec![1]);
        assert_eq!(page_window(1, 3), vec![1, 2, 3]);
        assert_eq!(page_window(50, 5000), vec![1, 48, 49, 50, 51, 52, 5000]);
        assert_eq!(page_window(5000, 5000), vec![1, 4998, 4999, 5000]);
    }
}
