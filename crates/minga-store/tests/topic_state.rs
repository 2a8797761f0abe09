//! A topic's status, its dates, whole-topic moves and locks, the latest
//! posts and a post's replies, on SQLite and on PostgreSQL alike.

use minga_core::time::now_ms;
use minga_core::{CategoryId, PostId, TopicId, UserId};
use minga_store::*;

mod support;
use support::store;

both_backends!(
    status_changes_are_stored_and_lists_follow,
    pins_come_first_and_lapse,
    moving_a_topic_moves_its_counts,
    a_new_date_moves_every_post,
    locks_and_replies,
    latest_posts_page_by_id,
    topics_counted_per_period,
);

async fn user(store: &Store, name: &str) -> User {
    let new = NewUser {
        username: name.into(),
        email: format!("{name}@example.org"),
        name: String::new(),
        password_hash: "hash".into(),
        admin: false,
        approved: true,
    };
    store.create_user(&new).await.expect("create user")
}

async fn category(store: &Store, slug: &str) -> Category {
    let form = CategoryForm {
        name: slug.to_uppercase(),
        slug: slug.into(),
        color: "0088CC".into(),
        text_color: "FFFFFF".into(),
        description: String::new(),
        position: None,
        grants: None,
        parent: None,
    };
    store.create_category(&form).await.expect("create category")
}

async fn topic_at(store: &Store, category: CategoryId, author: UserId, title: &str, at: i64) -> (Topic, Post) {
    let new = NewTopic {
        title: title.into(),
        slug: minga_core::slug::slugify(title),
        category_id: category,
        user_id: author,
        raw: "first post".into(),
        cooked: "<p>first post</p>".into(),
        excerpt: "first post".into(),
        created_at: at,
        alerts: Default::default(),
    };
    store.create_topic(&new).await.expect("create topic")
}

async fn reply(store: &Store, topic: TopicId, author: UserId, to: Option<i64>, at: i64) -> Post {
    let new = NewReply {
        topic_id: topic,
        user_id: author,
        raw: "a reply".into(),
        cooked: "<p>a reply</p>".into(),
        reply_to_post_number: to,
        created_at: at,
        alerts: Default::default(),
    };
    store.create_reply(&new).await.expect("reply")
}

async fn ids(store: &Store, filter: TopicFilter) -> Vec<TopicId> {
    store.topics(filter, None, 0, 30).await.unwrap().into_iter().map(|t| t.id).collect()
}

async fn status_changes_are_stored_and_lists_follow(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "ana").await;
    let c = category(&s, "general").await;
    let (t, _) = topic_at(&s, c.id, u.id, "Shared hosting", now_ms()).await;
    assert!(!t.closed && !t.archived && t.visible && t.pinned_at.is_none());
    let now = now_ms();
    assert!(s.set_topic_status(t.id, TopicStatus::Closed(true), now).await.unwrap().closed);
    assert!(s.set_topic_status(t.id, TopicStatus::Archived(true), now).await.unwrap().archived);
    let hidden = s.set_topic_status(t.id, TopicStatus::Visible(false), now).await.unwrap();
    assert!(hidden.closed && hidden.archived && !hidden.visible);
    assert!(ids(&s, TopicFilter::All).await.is_empty(), "unlisted topics are left out of lists");
    assert!(ids(&s, TopicFilter::Category(c.id)).await.is_empty());
    assert!(s.topic(t.id).await.unwrap().is_some(), "still reachable by link");
    s.set_topic_status(t.id, TopicStatus::Visible(true), now).await.unwrap();
    assert_eq!(ids(&s, TopicFilter::All).await, vec![t.id]);
    let back = s.set_topic_status(t.id, TopicStatus::Closed(false), now).await.unwrap();
    assert!(!back.closed && back.archived);
    assert!(matches!(s.set_topic_status(TopicId(999), TopicStatus::Closed(true), now).await, Err(StoreError::Missing(Thing::Topic))));
}

async fn pins_come_first_and_lapse(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "ana").await;
    let c = category(&s, "general").await;
    let other = category(&s, "other").await;
    let now = now_ms();
    let old = topic_at(&s, c.id, u.id, "An old topic", now - 10_000).await.0.id;
    let new = topic_at(&s, other.id, u.id, "A new topic", now).await.0.id;
    let newest = topic_at(&s, c.id, u.id, "The newest topic", now + 1).await.0.id;
    assert_eq!(ids(&s, TopicFilter::Category(c.id)).await, vec![newest, old]);
    let pinned = s.set_topic_status(old, TopicStatus::Pinned(Some(None)), now).await.unwrap();
    assert!(pinned.pinned(now) && !pinned.pinned_globally);
    assert_eq!(ids(&s, TopicFilter::Category(c.id)).await, vec![old, newest]);
    assert_eq!(ids(&s, TopicFilter::All).await, vec![newest, new, old], "a category pin stays in its category");
    s.set_topic_status(old, TopicStatus::PinnedGlobally(Some(None)), now).await.unwrap();
    assert_eq!(ids(&s, TopicFilter::All).await, vec![old, newest, new]);
    // A pin whose end has passed counts for nothing.
    let lapsed = s.set_topic_status(old, TopicStatus::PinnedGlobally(Some(Some(now - 1))), now).await.unwrap();
    assert!(!lapsed.pinned(now));
    assert_eq!(ids(&s, TopicFilter::All).await, vec![newest, new, old]);
    let unpinned = s.set_topic_status(old, TopicStatus::Pinned(None), now).await.unwrap();
    assert!(unpinned.pinned_at.is_none() && unpinned.pinned_until.is_none() && !unpinned.pinned_globally);
}

async fn moving_a_topic_moves_its_counts(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "ana").await;
    let from = category(&s, "general").await;
    let to = category(&s, "projects").await;
    let (t, _) = topic_at(&s, from.id, u.id, "Shared hosting", now_ms()).await;
    reply(&s, t.id, u.id, None, now_ms()).await;
    let moved = s.update_topic(t.id, "Hosting together", "hosting-together", to.id).await.unwrap();
    assert_eq!((moved.title.as_str(), moved.slug.as_str(), moved.category_id), ("Hosting together", "hosting-together", to.id));
    let (from, to) = (s.category(from.id).await.unwrap().unwrap(), s.category(to.id).await.unwrap().unwrap());
    assert_eq!((from.topic_count, from.post_count, to.topic_count, to.post_count), (0, 0, 1, 2));
    assert!(matches!(s.update_topic(t.id, "x", "x", CategoryId(999)).await, Err(StoreError::Missing(Thing::Category))));
    assert_eq!(s.topic(t.id).await.unwrap().unwrap().title, "Hosting together", "nothing stored half-way");
}

async fn a_new_date_moves_every_post(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "ana").await;
    let c = category(&s, "general").await;
    let start = 1_700_000_000_000;
    let (t, first) = topic_at(&s, c.id, u.id, "Shared hosting", start).await;
    let second = reply(&s, t.id, u.id, Some(1), start + 60_000).await;
    let moved = s.change_topic_timestamp(t.id, 1_594_291_380_000).await.unwrap();
    assert_eq!(moved.created_at, 1_594_291_380_000);
    assert_eq!(moved.last_posted_at, 1_594_291_380_000 + 60_000);
    let posts = s.posts_by_number(t.id, 1, 2).await.unwrap();
    assert_eq!(posts[0].id, first.id);
    assert_eq!(posts[0].created_at, 1_594_291_380_000);
    assert_eq!(posts[1].id, second.id);
    assert_eq!(posts[1].created_at - posts[0].created_at, 60_000);
}

async fn locks_and_replies(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "ana").await;
    let c = category(&s, "general").await;
    let (t, first) = topic_at(&s, c.id, u.id, "Shared hosting", now_ms()).await;
    assert!(!first.locked);
    assert!(s.lock_post(first.id, true).await.unwrap().locked);
    assert!(s.post(first.id).await.unwrap().unwrap().locked);
    assert!(!s.lock_post(first.id, false).await.unwrap().locked);
    assert!(matches!(s.lock_post(PostId(999), true).await, Err(StoreError::NotFound)));
    let answer = reply(&s, t.id, u.id, Some(1), now_ms()).await;
    let aside = reply(&s, t.id, u.id, None, now_ms()).await;
    let to_answer = reply(&s, t.id, u.id, Some(answer.post_number), now_ms()).await;
    let ids = |posts: Vec<Post>| posts.into_iter().map(|p| p.id).collect::<Vec<_>>();
    assert_eq!(ids(s.replies_to(t.id, 1).await.unwrap()), vec![answer.id]);
    assert_eq!(ids(s.replies_to(t.id, answer.post_number).await.unwrap()), vec![to_answer.id]);
    assert!(s.replies_to(t.id, aside.post_number).await.unwrap().is_empty());
    s.delete_post(answer.id).await.unwrap();
    assert!(s.replies_to(t.id, 1).await.unwrap().is_empty(), "deleted replies are left out");
}

async fn latest_posts_page_by_id(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "ana").await;
    let open = category(&s, "general").await;
    let private = category(&s, "members").await;
    let (t, first) = topic_at(&s, open.id, u.id, "Shared hosting", now_ms()).await;
    let (_, secret) = topic_at(&s, private.id, u.id, "Budget", now_ms()).await;
    let second = reply(&s, t.id, u.id, None, now_ms()).await;
    let ids = |posts: Vec<PostInTopic>| posts.into_iter().map(|p| p.post.id).collect::<Vec<_>>();
    assert_eq!(ids(s.latest_posts(None, None, 10).await.unwrap()), vec![second.id, secret.id, first.id]);
    assert_eq!(ids(s.latest_posts(None, Some(&[open.id]), 10).await.unwrap()), vec![second.id, first.id]);
    assert_eq!(ids(s.latest_posts(Some(second.id), Some(&[open.id]), 10).await.unwrap()), vec![first.id]);
    assert_eq!(ids(s.latest_posts(None, None, 1).await.unwrap()), vec![second.id]);
    assert!(s.latest_posts(None, Some(&[]), 10).await.unwrap().is_empty());
}

async fn topics_counted_per_period(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "ana").await;
    let c = category(&s, "general").await;
    let empty = category(&s, "empty").await;
    let now = now_ms();
    const DAY: i64 = 24 * 60 * 60 * 1000;
    for age in [0, 2 * DAY, 10 * DAY, 100 * DAY, 1000 * DAY] {
        topic_at(&s, c.id, u.id, "A topic", now - age).await;
    }
    let (gone, _) = topic_at(&s, c.id, u.id, "A deleted topic", now).await;
    let first = s.first_posts(gone.id, 1).await.unwrap().remove(0);
    s.delete_post(first.id).await.unwrap();
    let (unlisted, _) = topic_at(&s, c.id, u.id, "An unlisted topic", now).await;
    s.set_topic_status(unlisted.id, TopicStatus::Visible(false), now).await.unwrap();
    let counts = s.topic_counts(now).await.unwrap();
    let general = counts.iter().find(|n| n.category_id == c.id).unwrap();
    assert_eq!((general.day, general.week, general.month, general.year, general.all_time), (1, 2, 3, 4, 5));
    assert!(!counts.iter().any(|n| n.category_id == empty.id));
}
