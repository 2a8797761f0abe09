//! Loading what a page or a JSON response shows, once for both formats,
//! and only what the reader may see.
//!
//! A topic page's posts, their authors and their cards are the same for
//! every reader who may see the same categories, so they are made once
//! and kept (`TopicData`, in `cache::Caches::topics`), for members and
//! visitors alike; what differs per reader (hidden posts shown to their
//! authors and staff, buttons, names in the header) is added around them.

use crate::AppState;
use crate::access::visible_topic;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use minga_core::{CategoryId, TopicId, UserId};
use minga_store::{Category, Post, Topic, TopicFilter, User};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

pub const TOPICS_PER_PAGE: i64 = 30;
pub const POSTS_PER_PAGE: i64 = 20;

/// What readers other than staff and the author see of a hidden post.
pub const HIDDEN_POST: &str = "<p><em>This post was flagged by the community and is temporarily hidden.</em></p>";

pub struct TopicList {
    pub topics: Vec<Topic>,
    pub users: HashMap<UserId, User>,
    pub categories: HashMap<CategoryId, Category>,
    pub page: i64,
    pub more: bool,
}

fn user_weight(u: &User) -> usize {
    256 + u.username.len() + u.name.len() + u.email.len() + u.bio_raw.len() + u.location.len() + u.website.len() + u.timezone.len()
}

impl crate::cache::Weigh for TopicList {
    fn weight(&self) -> usize {
        let topics: usize = self.topics.iter().map(|t| 256 + t.title.len() + t.slug.len() + t.excerpt.len()).sum();
        let users: usize = self.users.values().map(user_weight).sum();
        let categories: usize = self.categories.values().map(|c| 256 + c.name.len() + c.description.len()).sum();
        topics + users + categories
    }
}

impl crate::cache::Weigh for TopicView {
    fn weight(&self) -> usize {
        let posts: usize = self.posts.iter().map(|p| 256 + p.raw.len() + p.cooked.len()).sum();
        let users: usize = self.users.values().map(user_weight).sum();
        1024 + self.topic.title.len() + self.topic.excerpt.len() + posts + users
    }
}

/// A number naming which categories a reader may see: readers with the
/// same one see the same lists and cards.
fn scope_key(scope: &Option<Vec<CategoryId>>) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    scope.hash(&mut h);
    h.finish()
}

pub async fn topic_list(state: &AppState, viewer: &Viewer, filter: TopicFilter, page: i64) -> AppResult<Arc<TopicList>> {
    let page = page.clamp(0, 1_000_000);
    let catalog = state.catalog().await?;
    let scope = catalog.scope(viewer.actor().as_ref());
    let key = (format!("{filter:?} {page}"), scope_key(&scope));
    let caches = &state.caches;
    let load = async {
        let mut topics = state
            .store
            .topics(
                filter,
                scope.as_deref(),
                page * TOPICS_PER_PAGE,
                TOPICS_PER_PAGE + 1,
            )
            .await?;
        let more = topics.len() as i64 > TOPICS_PER_PAGE;
        topics.truncate(TOPICS_PER_PAGE as usize);
        let ids: Vec<UserId> = topics
            .iter()
            .flat_map(|t| [t.user_id, t.last_post_user_id])
            .collect();
        let users = by_id(state.store.users_by_ids(&ids).await?, |u| u.id);
        let categories = catalog
            .categories
            .iter()
            .map(|c| (c.id, c.clone()))
            .collect();
        Ok(Arc::new(TopicList {
            topics,
            users,
            categories,
            page,
            more,
        }))
    };
    // One person's own lists change as they read: never kept.
    if filter.personal() {
        return load.await;
    }
    caches.get_or_load(&caches.lists, key, load).await
}

/// A page of a topic. Kept in `Caches::topics` as every reader with the
/// same view of the forum sees it (cards made for that view, hidden posts
/// not yet veiled), then copied and veiled for each reader.
#[derive(Clone)]
pub struct TopicView {
    pub topic: Topic,
    pub category: Category,
    /// Shared with every reader who gets the same page: veil hidden posts
    /// when showing them (`shown_cooked`).
    pub posts: Arc<Vec<Post>>,
    pub users: Arc<HashMap<UserId, User>>,
    /// 1-based page of `POSTS_PER_PAGE` posts, and how many pages there are.
    pub page: i64,
    pub pages: i64,
}

impl TopicView {
    pub fn views(&self, state: &AppState) -> i64 {
        self.topic.views + state.views.pending(self.topic.id)
    }
}

/// A topic with one page of posts. Pages are ranges of post numbers, so
/// the last page of a long topic costs what the first does.
pub async fn topic_page(state: &AppState, viewer: &Viewer, id: TopicId, page: i64) -> AppResult<TopicView> {
    let catalog = state.catalog().await?;
    let actor = viewer.actor();
    let scope = catalog.scope(actor.as_ref());
    let page = page.max(1);
    let caches = &state.caches;
    let data = caches
        .get_or_load(&caches.topics, (id, page, scope_key(&scope)), async {
            // One trip for the topic, its page of posts and their authors.
            let from = (page - 1) * POSTS_PER_PAGE + 1;
            let (topic, posts, users) = state.store.topic_page(id, from, from + POSTS_PER_PAGE - 1).await?.ok_or(AppError::NotFound)?;
            if !catalog.can_see(actor.as_ref(), topic.category_id) {
                return Err(AppError::NotFound);
            }
            let category = catalog.category(topic.category_id).cloned().ok_or(AppError::NotFound)?;
            let pages = pages_for(topic.highest_post_number);
            if page > pages {
                // Past the last page: show the last one, as Discourse does.
                let (topic, last, users) = state.store.topic_page(id, (pages - 1) * POSTS_PER_PAGE + 1, pages * POSTS_PER_PAGE).await?.ok_or(AppError::NotFound)?;
                return Ok(Arc::new(shared_view(state, viewer, topic, category, last, users, pages, pages).await?));
            }
            Ok(Arc::new(shared_view(state, viewer, topic, category, posts, users, page, pages).await?))
        })
        .await?;
    // Kept data is shared by everyone with this view of the forum; whether
    // this reader may see the topic is still asked every time.
    if !catalog.can_see(actor.as_ref(), data.topic.category_id) {
        return Err(AppError::NotFound);
    }
    // The posts and people are shared, not copied; hidden posts are
    // veiled as they are shown.
    Ok(TopicView::clone(&data))
}

/// A page as every reader with the same view shares it: cards made, and
/// no raw text (pages show the cooked text only; raw would double what
/// is kept).
#[allow(clippy::too_many_arguments)]
async fn shared_view(
    state: &AppState,
    viewer: &Viewer,
    topic: Topic,
    category: Category,
    mut posts: Vec<Post>,
    users: Vec<User>,
    page: i64,
    pages: i64,
) -> AppResult<TopicView> {
    expand_cards(state, viewer, &mut posts).await?;
    for p in &mut posts {
        p.raw = String::new();
    }
    let users = by_id(users, |u| u.id);
    Ok(TopicView { topic, category, posts: Arc::new(posts), users: Arc::new(users), page, pages })
}

/// The first posts of a topic for `/t/{id}.json`, with its whole stream.
pub async fn topic_json_view(state: &AppState, viewer: &Viewer, id: TopicId) -> AppResult<(TopicView, Vec<minga_core::PostId>)> {
    let (topic, category, _) = visible_topic(state, viewer, id).await?;
    let mut posts = state.store.first_posts(id, POSTS_PER_PAGE).await?;
    prepare(state, viewer, &mut posts).await?;
    let stream = state.store.post_stream(id).await?;
    let mut ids: Vec<UserId> = posts.iter().map(|p| p.user_id).collect();
    ids.extend([topic.user_id, topic.last_post_user_id]);
    let users = by_id(state.store.users_by_ids(&ids).await?, |u| u.id);
    let pages = pages_for(topic.highest_post_number);
    Ok((TopicView { topic, category, posts: Arc::new(posts), users: Arc::new(users), page: 1, pages }, stream))
}

/// Makes posts ready to show to this reader: hidden posts are veiled
/// (except for staff and their authors) and onebox cards are filled in.
pub async fn prepare(state: &AppState, viewer: &Viewer, posts: &mut [Post]) -> AppResult<()> {
    veil(viewer, posts);
    expand_cards(state, viewer, posts).await
}

/// Hidden posts are shown only to staff and their authors.
pub fn veiled(viewer: &Viewer, p: &Post) -> bool {
    p.hidden && !viewer.is_staff() && viewer.user.as_ref().map(|u| u.id) != Some(p.user_id)
}

fn veil(viewer: &Viewer, posts: &mut [Post]) {
    for p in posts.iter_mut() {
        if veiled(viewer, p) {
            p.cooked = HIDDEN_POST.to_string();
            p.raw = String::new();
        }
    }
}

/// A post's HTML as a page writes it: taken from the page's shared posts
/// (no copy), or the notice that stands for a hidden one.
#[derive(Clone)]
pub enum Shown {
    Post(Arc<Vec<Post>>, usize),
    Hidden,
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shown::Post(posts, i) => f.write_str(posts.get(*i).map(|p| p.cooked.as_str()).unwrap_or_default()),
            Shown::Hidden => f.write_str(HIDDEN_POST),
        }
    }
}

impl TopicView {
    /// The `i`th post's HTML for this reader.
    pub fn shown_cooked(&self, viewer: &Viewer, i: usize) -> Shown {
        match self.posts.get(i) {
            Some(p) if veiled(viewer, p) => Shown::Hidden,
            _ => Shown::Post(self.posts.clone(), i),
        }
    }
}

/// Turns onebox markers into cards, as far as this reader may see.
async fn expand_cards(state: &AppState, viewer: &Viewer, posts: &mut [Post]) -> AppResult<()> {
    if !posts.iter().any(|p| p.cooked.contains("<aside class=\"onebox\"")) {
        return Ok(());
    }
    let cards = crate::onebox::Cards::load(state, viewer, posts.iter().map(|p| p.cooked.as_str())).await?;
    for p in posts.iter_mut() {
        if p.cooked.contains("<aside class=\"onebox\"") {
            p.cooked = cards.expand(&p.cooked);
        }
    }
    Ok(())
}

pub fn pages_for(highest_post_number: i64) -> i64 {
    ((highest_post_number.max(1) - 1) / POSTS_PER_PAGE) + 1
}

pub fn page_of_post(post_number: i64) -> i64 {
    ((post_number.max(1) - 1) / POSTS_PER_PAGE) + 1
}

pub fn by_id<K: std::hash::Hash + Eq, V>(items: Vec<V>, key: impl Fn(&V) -> K) -> HashMap<K, V> {
    items.into_iter().map(|v| (key(&v), v)).collect()
}
