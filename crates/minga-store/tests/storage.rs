//! The storage suite: every test runs on SQLite and on a throwaway
//! PostgreSQL cluster, and must behave the same on both.

use minga_core::time::now_ms;
use minga_core::{CategoryId, PostId, TopicId, UserId};
use minga_store::*;

/// A fresh store on the named backend. The SQLite folder lives as long as
/// the returned guard.
async fn store(backend: Backend) -> (Store, Option<tempfile_dir::Dir>) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile_dir::Dir::new();
            let store = Store::connect(&Store::sqlite_url(dir.path()), 8).await.expect("open sqlite");
            (store, Some(dir))
        }
        Backend::Postgres => {
            let url = minga_testing::pg::cluster().create_database();
            (Store::connect(&url, 8).await.expect("open postgres"), None)
        }
    }
}

/// A temporary folder without another dependency.
mod tempfile_dir {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicU32, Ordering};

    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new() -> Dir {
            static N: AtomicU32 = AtomicU32::new(0);
            let path = std::env::temp_dir()
                .join(format!("minga-store-test-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
            std::fs::create_dir_all(&path).expect("temp dir");
            Dir(path)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Declares each test once and runs it on both backends.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {$(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() { super::$name(minga_store::Backend::Sqlite).await }
        )*}
        mod postgres {$(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() { super::$name(minga_store::Backend::Postgres).await }
        )*}
    };
}

both_backends!(
    users_are_unique_ignoring_case,
    login_finds_username_or_email,
    sessions_expire_and_end,
    api_keys_name_their_owner,
    categories_have_unique_slugs,
    a_topic_starts_with_post_one,
    a_topic_in_a_missing_category_stores_nothing,
    replies_number_in_order,
    a_reply_to_a_missing_post_stores_nothing,
    no_reply_to_a_deleted_topic,
    fifty_parallel_replies_get_two_to_fifty_one,
    edits_keep_revisions,
    deleting_posts_updates_counts,
    lists_order_by_activity_and_filter,
    views_add_up,
    migrations_run_once,
);

fn new_user(name: &str) -> NewUser {
    NewUser {
        username: name.into(),
        email: format!("{name}@example.org"),
        name: String::new(),
        password_hash: "hash".into(),
        admin: false,
    }
}

async fn user(store: &Store, name: &str) -> User {
    store.create_user(&new_user(name)).await.expect("create user")
}

async fn category(store: &Store, slug: &str) -> Category {
    store
        .create_category(&CategoryForm {
            name: slug.to_uppercase(),
            slug: slug.into(),
            color: "0088CC".into(),
            text_color: "FFFFFF".into(),
            description: format!("About {slug}"),
            position: None,
        })
        .await
        .expect("create category")
}

async fn topic(store: &Store, category: CategoryId, author: UserId, title: &str) -> (Topic, Post) {
    store
        .create_topic(&NewTopic {
            title: title.into(),
            slug: minga_core::slug::slugify(title),
            category_id: category,
            user_id: author,
            raw: "first post".into(),
            cooked: "<p>first post</p>".into(),
            excerpt: "first post".into(),
            created_at: now_ms(),
        })
        .await
        .expect("create topic")
}

fn reply(topic: TopicId, author: UserId, text: &str, to: Option<i64>) -> NewReply {
    NewReply {
        topic_id: topic,
        user_id: author,
        raw: text.into(),
        cooked: format!("<p>{text}</p>"),
        reply_to_post_number: to,
        created_at: now_ms(),
    }
}

async fn users_are_unique_ignoring_case(b: Backend) {
    let (s, _d) = store(b).await;
    let neto = user(&s, "Neto").await;
    assert_eq!(neto.username, "Neto");
    let mut same_name = new_user("neto");
    same_name.email = "another@example.org".into();
    assert!(matches!(s.create_user(&same_name).await, Err(StoreError::Conflict("username"))));
    let mut other = new_user("someone");
    other.email = "NETO@example.org".into();
    assert!(matches!(s.create_user(&other).await, Err(StoreError::Conflict("email"))));
    assert_eq!(s.user_by_username("NETO").await.unwrap().unwrap().id, neto.id);
    assert_eq!(s.totals().await.unwrap().users, 1);
}

async fn login_finds_username_or_email(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "polly").await;
    let (found, hash) = s.user_for_login(" POLLY ").await.unwrap().unwrap();
    assert_eq!((found.id, hash.as_str()), (u.id, "hash"));
    assert_eq!(s.user_for_login("Polly@Example.org").await.unwrap().unwrap().0.id, u.id);
    assert!(s.user_for_login("nobody").await.unwrap().is_none());
}

async fn sessions_expire_and_end(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "chris").await;
    s.create_session(u.id, "live", now_ms() + 60_000).await.unwrap();
    s.create_session(u.id, "old", now_ms() - 1).await.unwrap();
    assert_eq!(s.session_user("live").await.unwrap().unwrap().id, u.id);
    assert!(s.session_user("old").await.unwrap().is_none());
    s.delete_session("live").await.unwrap();
    assert!(s.session_user("live").await.unwrap().is_none());
}

async fn api_keys_name_their_owner(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "bot_owner").await;
    s.create_api_key(u.id, "keyhash", "ci").await.unwrap();
    assert_eq!(s.api_key_user("keyhash").await.unwrap().unwrap().username, "bot_owner");
    assert!(s.api_key_user("other").await.unwrap().is_none());
}

async fn categories_have_unique_slugs(b: Backend) {
    let (s, _d) = store(b).await;
    let a = category(&s, "general").await;
    let c = category(&s, "events").await;
    assert!(c.position > a.position);
    let dup = CategoryForm { name: "x".into(), slug: "general".into(), ..Default::default() };
    assert!(matches!(s.create_category(&dup).await, Err(StoreError::Conflict("slug"))));
    let mut edit = CategoryForm {
        name: "Gatherings".into(),
        slug: "gatherings".into(),
        color: "FF0000".into(),
        text_color: "000000".into(),
        description: "Meet".into(),
        position: None,
    };
    let updated = s.update_category(c.id, &edit).await.unwrap();
    assert_eq!((updated.name.as_str(), updated.position), ("Gatherings", c.position));
    edit.slug = "general".into();
    assert!(matches!(s.update_category(c.id, &edit).await, Err(StoreError::Conflict("slug"))));
    assert!(matches!(s.update_category(CategoryId(999), &edit).await, Err(StoreError::Conflict(_) | StoreError::NotFound)));
    let all = s.categories().await.unwrap();
    assert_eq!(all.iter().map(|c| c.slug.as_str()).collect::<Vec<_>>(), ["general", "gatherings"]);
    assert_eq!(s.category_by_slug("gatherings").await.unwrap().unwrap().id, c.id);
}

async fn a_topic_starts_with_post_one(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "elnura").await;
    let c = category(&s, "general").await;
    let (t, p) = topic(&s, c.id, u.id, "Making contact with other tech co-ops").await;
    assert_eq!((p.post_number, t.highest_post_number, t.posts_count), (1, 1, 1));
    assert_eq!(t.slug, "making-contact-with-other-tech-co-ops");
    let c = s.category(c.id).await.unwrap().unwrap();
    assert_eq!((c.topic_count, c.post_count), (1, 1));
    assert_eq!(s.post(p.id).await.unwrap().unwrap().raw, "first post");
}

async fn a_topic_in_a_missing_category_stores_nothing(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "elnura").await;
    let err = s
        .create_topic(&NewTopic {
            title: "A topic in nowhere at all".into(),
            slug: "nowhere".into(),
            category_id: CategoryId(4242),
            user_id: u.id,
            raw: "x".into(),
            cooked: "x".into(),
            excerpt: "x".into(),
            created_at: now_ms(),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Missing("category")), "{err:?}");
    let totals = s.totals().await.unwrap();
    assert_eq!((totals.topics, totals.posts), (0, 0));
}

async fn replies_number_in_order(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "neto").await;
    let v = user(&s, "kayleigh").await;
    let c = category(&s, "general").await;
    let (t, _) = topic(&s, c.id, u.id, "We are here now, hello all").await;
    let r2 = s.create_reply(&reply(t.id, v.id, "hola", None)).await.unwrap();
    let r3 = s.create_reply(&reply(t.id, u.id, "hi back", Some(2))).await.unwrap();
    assert_eq!((r2.post_number, r3.post_number, r3.reply_to_post_number), (2, 3, Some(2)));
    let t = s.topic(t.id).await.unwrap().unwrap();
    assert_eq!((t.highest_post_number, t.posts_count, t.last_post_user_id), (3, 3, u.id));
    let page = s.posts_by_number(t.id, 2, 3).await.unwrap();
    assert_eq!(page.iter().map(|p| p.post_number).collect::<Vec<_>>(), [2, 3]);
    let stream = s.post_stream(t.id).await.unwrap();
    assert_eq!(stream.len(), 3);
    let some = s.posts_in_topic(t.id, &[r3.id, stream[0]]).await.unwrap();
    assert_eq!(some.iter().map(|p| p.post_number).collect::<Vec<_>>(), [1, 3]);
    assert_eq!(s.category(c.id).await.unwrap().unwrap().post_count, 3);
}

async fn a_reply_to_a_missing_post_stores_nothing(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "neto").await;
    let c = category(&s, "general").await;
    let (t, _) = topic(&s, c.id, u.id, "We are here now, hello all").await;
    let err = s.create_reply(&reply(t.id, u.id, "to nowhere", Some(7))).await.unwrap_err();
    assert!(matches!(err, StoreError::Missing("reply_to_post_number")), "{err:?}");
    let t = s.topic(t.id).await.unwrap().unwrap();
    assert_eq!((t.highest_post_number, t.posts_count), (1, 1), "the counter was rolled back");
    assert_eq!(s.create_reply(&reply(t.id, u.id, "ok", Some(1))).await.unwrap().post_number, 2);
}

async fn no_reply_to_a_deleted_topic(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "neto").await;
    let c = category(&s, "general").await;
    let (t, first) = topic(&s, c.id, u.id, "A topic that will vanish soon").await;
    assert!(matches!(s.create_reply(&reply(TopicId(999), u.id, "x", None)).await, Err(StoreError::Missing("topic"))));
    s.delete_post(first.id).await.unwrap();
    assert!(s.topic(t.id).await.unwrap().is_none());
    assert!(matches!(s.create_reply(&reply(t.id, u.id, "x", None)).await, Err(StoreError::Missing("topic"))));
    let c = s.category(c.id).await.unwrap().unwrap();
    assert_eq!((c.topic_count, c.post_count), (0, 0));
}

async fn fifty_parallel_replies_get_two_to_fifty_one(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "solverniers").await;
    let c = category(&s, "general").await;
    let (t, _) = topic(&s, c.id, u.id, "Busy thread with many replies").await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.create_reply(&reply(t.id, u.id, &format!("reply {i}"), None)).await.map(|p| p.post_number)
        }));
    }
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.push(task.await.unwrap().expect("reply"));
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (2..=51).collect::<Vec<_>>());
    let all = s.posts_by_number(t.id, 1, 100).await.unwrap();
    assert_eq!(all.iter().map(|p| p.post_number).collect::<Vec<_>>(), (1..=51).collect::<Vec<_>>());
    let t = s.topic(t.id).await.unwrap().unwrap();
    assert_eq!((t.highest_post_number, t.posts_count), (51, 51));
}

async fn edits_keep_revisions(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "polly").await;
    let c = category(&s, "general").await;
    let (t, first) = topic(&s, c.id, u.id, "A gathering in London in November").await;
    let edited = s.edit_post(first.id, u.id, "second text", "<p>second text</p>", Some("second text")).await.unwrap();
    assert_eq!((edited.version, edited.raw.as_str()), (2, "second text"));
    s.edit_post(first.id, u.id, "third text", "<p>third text</p>", Some("third text")).await.unwrap();
    let revs = s.revisions(first.id).await.unwrap();
    assert_eq!(revs.iter().map(|r| (r.version, r.raw.as_str())).collect::<Vec<_>>(), [(1, "first post"), (2, "second text")]);
    assert_eq!(s.topic(t.id).await.unwrap().unwrap().excerpt, "third text");
    assert!(matches!(s.edit_post(PostId(999), u.id, "x", "x", None).await, Err(StoreError::NotFound)));
}

async fn deleting_posts_updates_counts(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "polly").await;
    let c = category(&s, "general").await;
    let (t, _) = topic(&s, c.id, u.id, "A gathering in London in November").await;
    let r = s.create_reply(&reply(t.id, u.id, "oops", None)).await.unwrap();
    s.delete_post(r.id).await.unwrap();
    assert!(s.post(r.id).await.unwrap().is_none());
    assert!(matches!(s.delete_post(r.id).await, Err(StoreError::NotFound)));
    assert!(matches!(s.edit_post(r.id, u.id, "x", "x", None).await, Err(StoreError::NotFound)));
    let t = s.topic(t.id).await.unwrap().unwrap();
    assert_eq!(t.posts_count, 1);
    assert_eq!(s.post_stream(t.id).await.unwrap().len(), 1);
    let page = s.posts_by_number(t.id, 1, 20).await.unwrap();
    assert!(page[1].deleted_at.is_some(), "a deleted post keeps its place");
    assert_eq!(s.category(c.id).await.unwrap().unwrap().post_count, 1);
    assert_eq!(s.create_reply(&reply(t.id, u.id, "again", None)).await.unwrap().post_number, 3, "numbers are never reused");
}

async fn lists_order_by_activity_and_filter(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "neto").await;
    let v = user(&s, "chris").await;
    let c1 = category(&s, "general").await;
    let c2 = category(&s, "events").await;
    let (a, _) = topic(&s, c1.id, u.id, "First topic of them all").await;
    let (bt, _) = topic(&s, c2.id, v.id, "Second topic of them all").await;
    let (ct, _) = topic(&s, c1.id, v.id, "Third topic of them all").await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    s.create_reply(&reply(a.id, v.id, "bump", None)).await.unwrap();
    let ids = |ts: Vec<Topic>| ts.into_iter().map(|t| t.id).collect::<Vec<_>>();
    assert_eq!(ids(s.topics(topics_filter::all(), 0, 10).await.unwrap())[0], a.id);
    assert_eq!(ids(s.topics(topics_filter::all(), 0, 10).await.unwrap()).len(), 3);
    assert_eq!(ids(s.topics(topics_filter::all(), 1, 1).await.unwrap()).len(), 1);
    let in_c1 = ids(s.topics(topics_filter::category(c1.id), 0, 10).await.unwrap());
    assert_eq!(in_c1, [a.id, ct.id]);
    let by_v = ids(s.topics(topics_filter::user(v.id), 0, 10).await.unwrap());
    assert_eq!(by_v, [ct.id, bt.id]);
    let posts = s.posts_by_user(v.id, 10).await.unwrap();
    assert_eq!(posts.len(), 3);
    assert_eq!(posts[0].topic_title, "First topic of them all");
}

mod topics_filter {
    use minga_core::{CategoryId, UserId};
    use minga_store::TopicFilter;
    pub fn all() -> TopicFilter {
        TopicFilter::All
    }
    pub fn category(c: CategoryId) -> TopicFilter {
        TopicFilter::Category(c)
    }
    pub fn user(u: UserId) -> TopicFilter {
        TopicFilter::CreatedBy(u)
    }
}

async fn views_add_up(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "neto").await;
    let c = category(&s, "general").await;
    let (t, _) = topic(&s, c.id, u.id, "A topic people look at").await;
    s.add_topic_views(&[(t.id, 3)]).await.unwrap();
    s.add_topic_views(&[(t.id, 2)]).await.unwrap();
    assert_eq!(s.topic(t.id).await.unwrap().unwrap().views, 5);
}

async fn migrations_run_once(b: Backend) {
    match b {
        Backend::Sqlite => {
            let dir = tempfile_dir::Dir::new();
            let url = Store::sqlite_url(dir.path());
            let s = Store::connect(&url, 2).await.unwrap();
            user(&s, "keeper").await;
            s.close().await;
            let again = Store::connect(&url, 2).await.expect("reopen");
            assert!(again.user_by_username("keeper").await.unwrap().is_some());
        }
        Backend::Postgres => {
            let url = minga_testing::pg::cluster().create_database();
            let s = Store::connect(&url, 2).await.unwrap();
            user(&s, "keeper").await;
            let again = Store::connect(&url, 2).await.expect("reopen");
            assert!(again.user_by_username("keeper").await.unwrap().is_some());
        }
    }
}
