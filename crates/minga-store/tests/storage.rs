//! The storage suite: every test runs on SQLite and on a throwaway
//! PostgreSQL cluster, and must behave the same on both.

use minga_core::time::now_ms;
use minga_core::{CategoryId, PostId, TopicId};
use minga_store::*;
use minga_core::UserId;

mod support;
use support::store;

both_backends!(
    deleting_a_group_takes_its_memberships,
    users_are_unique_ignoring_case,
    login_finds_username_or_email,
    sessions_expire_and_end,
    a_fresh_forum_knows_it_is_fresh,
    people_see_and_end_their_sessions,
    api_keys_name_their_owner,
    categories_have_unique_slugs,
    subcategories_sit_under_a_parent_and_list_with_it,
    a_topic_starts_with_post_one,
    a_topic_in_a_missing_category_stores_nothing,
    replies_number_in_order,
    a_reply_to_a_missing_post_stores_nothing,
    no_reply_to_a_deleted_topic,
    fifty_parallel_replies_get_two_to_fifty_one,
    edits_keep_revisions,
    rebaking_walks_every_post_and_keeps_versions,
    deleting_posts_updates_counts,
    lists_order_by_activity_and_filter,
    views_add_up,
    migrations_run_once,
    mention_names_resolve_to_their_spelling,
    topics_load_by_ids,
    onebox_cards_are_cached_and_replaced,
    groups_have_members_and_owners,
    automatic_groups_derive_their_members,
    category_grants_are_stored_and_filter_lists,
    site_settings_are_kept,
    invites_create_approved_accounts_once,
    invites_carry_a_note_and_a_topic,
    invites_refuse_expired_used_and_foreign_use,
    approval_queue_approves_and_rejects,
    three_flaggers_hide_a_post,
    flags_at_the_same_moment_count_each_other,
    suspensions_end_sessions_and_are_logged,
    admin_user_lists_filter_and_search,
    deactivating_ends_sessions_and_is_logged,
    logging_someone_out_ends_every_session,
    anonymizing_keeps_posts_and_ends_access,
    only_people_who_never_posted_are_deleted,
    renaming_keeps_names_unique,
    stats_activity_and_directory_count_what_is_visible,
);

fn new_user(name: &str) -> NewUser {
    NewUser {
        username: name.into(),
        email: format!("{name}@example.org"),
        name: String::new(),
        password_hash: "hash".into(),
        admin: false,
        approved: true,
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
            grants: None,
            parent: None,
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
            alerts: Default::default(),
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
        alerts: Default::default(),
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
    assert_eq!(s.totals(None).await.unwrap().users, 1);
}

async fn login_finds_username_or_email(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "polly").await;
    let (found, hash) = s.user_for_login(" POLLY ").await.unwrap().unwrap();
    assert_eq!((found.id, hash.as_str()), (u.id, "hash"));
    assert_eq!(s.user_for_login("Polly@Example.org").await.unwrap().unwrap().0.id, u.id);
    assert!(s.user_for_login("nobody").await.unwrap().is_none());
}

async fn a_fresh_forum_knows_it_is_fresh(b: Backend) {
    let (s, _d) = store(b).await;
    assert!(s.is_fresh().await.unwrap());
    user(&s, "chris").await;
    assert!(!s.is_fresh().await.unwrap(), "someone has joined");
}

async fn sessions_expire_and_end(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "chris").await;
    s.create_session(u.id, "live", now_ms() + 60_000, "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", "203.0.113.7").await.unwrap();
    s.create_session(u.id, "old", now_ms() - 1, "", "").await.unwrap();
    assert_eq!(s.session_user("live").await.unwrap().unwrap().0.id, u.id);
    assert!(s.session_user("old").await.unwrap().is_none());
    s.delete_session("live").await.unwrap();
    assert!(s.session_user("live").await.unwrap().is_none());
}

async fn people_see_and_end_their_sessions(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "chris").await;
    let other = user(&s, "sol").await;
    for (hash, agent) in [("laptop", "Firefox on Linux"), ("phone", "Safari on iPhone"), ("tablet", "Chrome on Android")] {
        s.create_session(u.id, hash, now_ms() + 60_000, agent, "198.51.100.4").await.unwrap();
    }
    s.create_session(other.id, "theirs", now_ms() + 60_000, "", "").await.unwrap();
    s.touch_sessions(&[("phone".into(), now_ms() + 5_000)]).await.unwrap();
    let list = s.sessions(u.id, "laptop").await.unwrap();
    assert_eq!(list.iter().map(|x| x.user_agent.as_str()).collect::<Vec<_>>(), ["Safari on iPhone", "Chrome on Android", "Firefox on Linux"]);
    assert_eq!(list.iter().filter(|x| x.current).map(|x| x.user_agent.as_str()).collect::<Vec<_>>(), ["Firefox on Linux"]);
    // One's own sessions only.
    let theirs = s.sessions(other.id, "").await.unwrap()[0].id;
    assert!(!s.end_session(u.id, theirs).await.unwrap());
    assert!(s.session_user("theirs").await.unwrap().is_some());
    let tablet = list.iter().find(|x| x.user_agent.starts_with("Chrome")).unwrap().id;
    assert!(s.end_session(u.id, tablet).await.unwrap());
    assert!(s.session_user("tablet").await.unwrap().is_none());
    assert_eq!(s.end_other_sessions(u.id, "laptop").await.unwrap(), 1);
    assert!(s.session_user("phone").await.unwrap().is_none());
    assert!(s.session_user("laptop").await.unwrap().is_some());
    assert!(s.session_user("theirs").await.unwrap().is_some());
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
        grants: None,
        parent: None,
    };
    let updated = s.update_category(c.id, &edit).await.unwrap();
    assert_eq!((updated.name.as_str(), updated.position), ("Gatherings", c.position));
    edit.slug = "general".into();
    assert!(matches!(s.update_category(c.id, &edit).await, Err(StoreError::Conflict("slug"))));
    assert!(matches!(s.update_category(CategoryId(999), &edit).await, Err(StoreError::Conflict(_) | StoreError::NotFound)));
    let all = s.categories().await.unwrap();
    assert_eq!(all.iter().map(|c| c.slug.as_str()).filter(|s| *s != "uncategorized").collect::<Vec<_>>(), ["general", "gatherings"]);
    assert_eq!(s.category_by_slug("gatherings").await.unwrap().unwrap().id, c.id);
}

async fn subcategories_sit_under_a_parent_and_list_with_it(b: Backend) {
    let (s, _d) = store(b).await;
    // The schema brings Discourse's Uncategorized, open to everyone, and
    // records its id.
    let uncategorized = s.category_by_slug("uncategorized").await.unwrap().expect("made with the schema");
    assert_eq!(s.site_settings().await.unwrap().get("uncategorized_category_id"), Some(&uncategorized.id.0.to_string()));
    assert_eq!(s.category_grants().await.unwrap().get(&uncategorized.id).map(Vec::len), Some(1));
    let u = user(&s, "elnura").await;
    let parent = category(&s, "regions").await;
    let child = s
        .create_category(&CategoryForm { name: "Andes".into(), slug: "andes".into(), parent: Some(parent.id), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(child.parent_category_id, Some(parent.id.0));
    let other = category(&s, "other").await;
    let (in_parent, _) = topic(&s, parent.id, u.id, "A topic in the parent itself").await;
    let (in_child, _) = topic(&s, child.id, u.id, "A topic in the subcategory").await;
    let (elsewhere, _) = topic(&s, other.id, u.id, "A topic somewhere else").await;
    let ids = |list: Vec<Topic>| list.into_iter().map(|t| t.id).collect::<Vec<_>>();
    // The parent's list holds its subcategories' topics; the child's, its own.
    let listed = ids(s.topics(TopicFilter::Category(parent.id), None, 0, 10).await.unwrap());
    assert!(listed.contains(&in_parent.id) && listed.contains(&in_child.id) && !listed.contains(&elsewhere.id));
    assert_eq!(ids(s.topics(TopicFilter::Category(child.id), None, 0, 10).await.unwrap()), [in_child.id]);
    // Within what the reader may see: a hidden subcategory stays hidden.
    assert_eq!(ids(s.topics(TopicFilter::Category(parent.id), Some(&[parent.id]), 0, 10).await.unwrap()), [in_parent.id]);
    // Moving it to the top clears the parent; a missing parent stores nothing.
    let form = CategoryForm { name: "Andes".into(), slug: "andes".into(), parent: None, ..Default::default() };
    assert_eq!(s.update_category(child.id, &form).await.unwrap().parent_category_id, None);
    let orphan = CategoryForm { name: "Lost".into(), slug: "lost".into(), parent: Some(CategoryId(4242)), ..Default::default() };
    assert!(s.create_category(&orphan).await.is_err());
    assert!(s.category_by_slug("lost").await.unwrap().is_none());
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
            alerts: Default::default(),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Missing(Thing::Category)), "{err:?}");
    let totals = s.totals(None).await.unwrap();
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
    assert!(matches!(err, StoreError::Missing(Thing::ReplyTo)), "{err:?}");
    let t = s.topic(t.id).await.unwrap().unwrap();
    assert_eq!((t.highest_post_number, t.posts_count), (1, 1), "the counter was rolled back");
    assert_eq!(s.create_reply(&reply(t.id, u.id, "ok", Some(1))).await.unwrap().post_number, 2);
}

async fn no_reply_to_a_deleted_topic(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "neto").await;
    let c = category(&s, "general").await;
    let (t, first) = topic(&s, c.id, u.id, "A topic that will vanish soon").await;
    assert!(matches!(s.create_reply(&reply(TopicId(999), u.id, "x", None)).await, Err(StoreError::Missing(Thing::Topic))));
    s.delete_post(first.id).await.unwrap();
    assert!(s.topic(t.id).await.unwrap().is_none());
    assert!(matches!(s.create_reply(&reply(t.id, u.id, "x", None)).await, Err(StoreError::Missing(Thing::Topic))));
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

async fn rebaking_walks_every_post_and_keeps_versions(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "polly").await;
    let c = category(&s, "general").await;
    let (t, first) = topic(&s, c.id, u.id, "A gathering in London in November").await;
    let mut ids = vec![first.id];
    for i in 0..4 {
        ids.push(s.create_reply(&reply(t.id, u.id, &format!("reply {i}"), None)).await.unwrap().id);
    }
    s.delete_post(ids[2]).await.unwrap();
    // Batches of two walk all five, the deleted one too, in id order.
    let mut walked = Vec::new();
    let mut after = PostId(0);
    loop {
        let batch = s.posts_after(after, 2).await.unwrap();
        let Some(last) = batch.last() else { break };
        assert!(batch.len() <= 2);
        after = last.id;
        walked.extend(batch.iter().map(|p| p.id));
    }
    assert_eq!(walked, ids);
    s.set_cooked(first.id, "<p>first <strong>post</strong></p>", "first post, again").await.unwrap();
    s.set_cooked(ids[1], "<p>reply <em>0</em></p>", "ignored for replies").await.unwrap();
    let again = s.posts_by_number(t.id, 1, 2).await.unwrap();
    assert_eq!(again[0].cooked, "<p>first <strong>post</strong></p>");
    assert_eq!(again[1].cooked, "<p>reply <em>0</em></p>");
    assert_eq!((again[0].version, again[0].raw.as_str(), again[0].updated_at), (first.version, "first post", first.updated_at), "no new version or edit time");
    assert!(s.revisions(first.id).await.unwrap().is_empty());
    assert_eq!(s.topic(t.id).await.unwrap().unwrap().excerpt, "first post, again");
    assert!(matches!(s.set_cooked(PostId(999), "x", "x").await, Err(StoreError::NotFound)));
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
    assert_eq!(ids(s.topics(topics_filter::all(), None, 0, 10).await.unwrap())[0], a.id);
    assert_eq!(ids(s.topics(topics_filter::all(), None, 0, 10).await.unwrap()).len(), 3);
    assert_eq!(ids(s.topics(topics_filter::all(), None, 1, 1).await.unwrap()).len(), 1);
    let in_c1 = ids(s.topics(topics_filter::category(c1.id), None, 0, 10).await.unwrap());
    assert_eq!(in_c1, [a.id, ct.id]);
    let by_v = ids(s.topics(topics_filter::user(v.id), None, 0, 10).await.unwrap());
    assert_eq!(by_v, [ct.id, bt.id]);
    let posts = s.posts_by_user(v.id, None, 10).await.unwrap();
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
            let dir = support::Dir::new();
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

async fn mention_names_resolve_to_their_spelling(b: Backend) {
    let (s, _d) = store(b).await;
    user(&s, "Neto").await;
    user(&s, "sol.verniers").await;
    let mut found = s.usernames_matching(&["neto".into(), "SOL.VERNIERS".into(), "nobody".into()]).await.unwrap();
    found.sort();
    assert_eq!(found, ["Neto", "sol.verniers"]);
    assert!(s.usernames_matching(&[]).await.unwrap().is_empty());
}

async fn topics_load_by_ids(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "neto").await;
    let c = category(&s, "general").await;
    let (a, _) = topic(&s, c.id, u.id, "The first linked topic").await;
    let (gone, first) = topic(&s, c.id, u.id, "A topic deleted later").await;
    s.delete_post(first.id).await.unwrap();
    let found = s.topics_by_ids(&[a.id, gone.id, TopicId(999)]).await.unwrap();
    assert_eq!(found.iter().map(|t| t.id).collect::<Vec<_>>(), [a.id]);
    let r = s.create_reply(&reply(a.id, u.id, "second", None)).await.unwrap();
    let mut posts = s.posts_by_numbers(&[(a.id, 2), (a.id, 9), (gone.id, 1)]).await.unwrap();
    posts.sort_by_key(|p| p.id);
    assert_eq!(posts.iter().map(|p| p.id).collect::<Vec<_>>(), [r.id]);
}

async fn onebox_cards_are_cached_and_replaced(b: Backend) {
    let (s, _d) = store(b).await;
    let mut card = OneboxCard {
        url: "https://example.org/a".into(),
        ok: true,
        site_name: "Example".into(),
        title: "A page".into(),
        description: "About it".into(),
        image: String::new(),
        fetched_at: 1,
    };
    s.save_onebox_card(&card).await.unwrap();
    card.title = "A renamed page".into();
    card.fetched_at = 2;
    s.save_onebox_card(&card).await.unwrap();
    let found = s.onebox_cards(&["https://example.org/a".into(), "https://example.org/b".into()]).await.unwrap();
    assert_eq!(found, vec![card]);
}

async fn deleting_a_group_takes_its_memberships(b: Backend) {
    let (s, _d) = store(b).await;
    let neto = user(&s, "neto").await;
    let form = GroupForm { name: "telar".into(), flair_icon: "fa-users".into(), grant_trust_level: Some(1), public_exit: true, default_notification_level: 3, ..Default::default() };
    let g = s.create_group(&form).await.unwrap();
    assert_eq!((g.flair_icon.as_str(), g.grant_trust_level, g.public_exit), ("fa-users", Some(1), true));
    s.add_group_members(g.id, &[neto.id], true).await.unwrap();
    s.set_primary_group(neto.id, Some(g.id)).await.unwrap();
    s.request_membership(g.id, user(&s, "sol").await.id, "").await.unwrap();
    let sizes = s.group_sizes().await.unwrap();
    assert!(sizes.contains(&(g.id, 1)) && sizes.contains(&(0, 2)), "{sizes:?}");
    let (owners, (_, total)) = (s.group_owners(&g).await.unwrap(), s.group_members(&g, 0, 10).await.unwrap());
    assert_eq!((owners.len(), total), (1, 1));
    assert_eq!(s.delete_group(g.id).await.unwrap().name, "telar");
    assert!(s.group(g.id).await.unwrap().is_none());
    assert!(s.memberships(neto.id).await.unwrap().is_empty());
    assert_eq!(s.user_by_id(neto.id).await.unwrap().unwrap().primary_group_id, None);
    assert!(matches!(s.delete_group(g.id).await, Err(StoreError::Missing(Thing::Group))));
    assert!(matches!(s.delete_group(1).await, Err(StoreError::Missing(Thing::Group))), "automatic groups stay");
}

async fn groups_have_members_and_owners(b: Backend) {
    let (s, _d) = store(b).await;
    let neto = user(&s, "neto").await;
    let sol = user(&s, "sol").await;
    let form = GroupForm { name: "Facttic".into(), full_name: "Federación Facttic".into(), join_mode: 1, ..Default::default() };
    let g = s.create_group(&form).await.unwrap();
    assert!(g.id > 14, "custom groups never take an automatic id: {}", g.id);
    assert!(matches!(s.create_group(&GroupForm { name: "FACTTIC".into(), ..Default::default() }).await, Err(StoreError::Conflict("name"))));
    assert_eq!(s.add_group_members(g.id, &[neto.id, sol.id], false).await.unwrap(), 2);
    s.add_group_members(g.id, &[neto.id], true).await.unwrap();
    let (members, count) = s.group_members(&g, 0, 10).await.unwrap();
    assert_eq!(count, 2);
    assert_eq!((members[0].user.username.as_str(), members[0].owner), ("neto", true));
    assert_eq!(s.memberships(neto.id).await.unwrap(), vec![(g.id, true)]);
    s.set_primary_group(neto.id, Some(g.id)).await.unwrap();
    assert_eq!(s.user_by_id(neto.id).await.unwrap().unwrap().primary_group_id, Some(g.id));
    assert!(matches!(s.set_primary_group(sol.id, Some(9999)).await, Err(StoreError::Missing(Thing::Group))));
    assert!(s.remove_group_member(g.id, neto.id).await.unwrap());
    assert_eq!(s.user_by_id(neto.id).await.unwrap().unwrap().primary_group_id, None, "the primary group goes with the membership");
    s.request_membership(g.id, neto.id, "we work together").await.unwrap();
    assert_eq!(s.membership_requests(g.id).await.unwrap().len(), 1);
    s.add_group_members(g.id, &[neto.id], false).await.unwrap();
    assert!(s.membership_requests(g.id).await.unwrap().is_empty(), "joining settles the request");
    let c = category(&s, "general").await;
    let (t, _) = topic(&s, c.id, neto.id, "A member of the group writes").await;
    let outsider = user(&s, "outsider").await;
    topic(&s, c.id, outsider.id, "Someone outside the group writes").await;
    let by_group = s.posts_by_group(g.id, None, 10).await.unwrap();
    assert_eq!(by_group.iter().map(|p| p.post.topic_id).collect::<Vec<_>>(), [t.id], "only members' posts");
    let _ = sol;
    assert!(s.posts_by_group(g.id, Some(&[]), 10).await.unwrap().is_empty());
    assert!(s.add_group_members(0, &[neto.id], false).await.is_err(), "automatic groups are derived");
    let updated = s.update_group(g.id, &GroupForm { name: "facttic".into(), full_name: "Facttic".into(), visibility_level: 2, ..Default::default() }).await.unwrap();
    assert_eq!((updated.name.as_str(), updated.visibility_level), ("facttic", 2));
    assert_eq!(s.group_by_name("FACTTIC").await.unwrap().unwrap().id, g.id);
}

async fn automatic_groups_derive_their_members(b: Backend) {
    let (s, _d) = store(b).await;
    let boss = s.create_user(&NewUser { admin: true, ..new_user("boss") }).await.unwrap();
    user(&s, "newbie").await;
    let everyone = s.group(0).await.unwrap().unwrap();
    assert_eq!(s.group_members(&everyone, 0, 10).await.unwrap().1, 2);
    let admins = s.group_by_name("admins").await.unwrap().unwrap();
    let (members, n) = s.group_members(&admins, 0, 10).await.unwrap();
    assert_eq!((n, members[0].user.id), (1, boss.id));
    let tl4 = s.group_by_name("trust_level_4").await.unwrap().unwrap();
    assert_eq!(s.group_members(&tl4, 0, 10).await.unwrap().1, 1);
    let tl0 = s.group(10).await.unwrap().unwrap();
    assert_eq!(s.group_members(&tl0, 0, 10).await.unwrap().1, 2);
}

async fn category_grants_are_stored_and_filter_lists(b: Backend) {
    use minga_core::perm::Permission;
    let (s, _d) = store(b).await;
    let u = user(&s, "neto").await;
    let open = category(&s, "open").await;
    let private = s
        .create_category(&CategoryForm { name: "ICA IT".into(), slug: "ica-it".into(), color: "000000".into(), text_color: "FFFFFF".into(), grants: Some(vec![(3, Permission::Full)]), ..Default::default() })
        .await
        .unwrap();
    let grants = s.category_grants().await.unwrap();
    assert_eq!(grants[&open.id], vec![(0, Permission::Full)]);
    assert_eq!(grants[&private.id], vec![(3, Permission::Full)]);
    let (public_topic, _) = topic(&s, open.id, u.id, "A topic anyone may read").await;
    let (secret, _) = topic(&s, private.id, u.id, "Members only: the budget").await;
    let seen = s.topics(TopicFilter::All, Some(&[open.id]), 0, 10).await.unwrap();
    assert_eq!(seen.iter().map(|t| t.id).collect::<Vec<_>>(), [public_topic.id]);
    assert!(s.topics(TopicFilter::All, Some(&[]), 0, 10).await.unwrap().is_empty());
    assert_eq!(s.topics(TopicFilter::All, None, 0, 10).await.unwrap().len(), 2);
    let posts = s.posts_by_user(u.id, Some(&[open.id]), 10).await.unwrap();
    assert_eq!(posts.len(), 1);
    assert_eq!(s.totals(Some(&[open.id])).await.unwrap().topics, 1);
    assert_eq!(s.totals(Some(&[])).await.unwrap().posts, 0);
    s.set_category_grants(private.id, &[(0, Permission::Readonly), (3, Permission::Full)]).await.unwrap();
    assert_eq!(s.category_grants().await.unwrap()[&private.id].len(), 2);
    assert!(s.set_category_grants(private.id, &[(9999, Permission::Full)]).await.is_err());
    assert_eq!(s.category_grants().await.unwrap()[&private.id].len(), 2, "a failed change changes nothing");
    let _ = secret;
}

async fn site_settings_are_kept(b: Backend) {
    let (s, _d) = store(b).await;
    s.set_site_setting("login_required", "true").await.unwrap();
    s.set_site_setting("login_required", "false").await.unwrap();
    s.set_site_setting("must_approve_users", "true").await.unwrap();
    let all = s.site_settings().await.unwrap();
    assert_eq!(all.get("login_required").map(String::as_str), Some("false"));
    assert_eq!(all.len(), 3, "these two, and Uncategorized's id from the schema");
}

fn invite_for(by: UserId, key: &str, email: &str, uses: i64, expires_in: i64, groups: Vec<i64>) -> NewInvite {
    NewInvite { key_hash: key.into(), invited_by: by, email: email.into(), max_redemptions: uses, group_ids: groups, expires_at: now_ms() + expires_in, description: String::new(), custom_message: String::new(), topic_id: None }
}

async fn invites_carry_a_note_and_a_topic(b: Backend) {
    let (s, _d) = store(b).await;
    let host = user(&s, "host").await;
    let c = category(&s, "general").await;
    let (t, _) = topic(&s, c.id, host.id, "Welcome to the network").await;
    let new = NewInvite { description: "For the welcome topic".into(), custom_message: "Come and meet us".into(), topic_id: Some(t.id), ..invite_for(host.id, "k1", "", 5, 60_000, vec![]) };
    let made = s.create_invite(&new).await.unwrap();
    assert_eq!((made.custom_message.as_str(), made.topic_id), ("Come and meet us", Some(t.id)));
    let found = s.invite_by_key("k1").await.unwrap().unwrap();
    assert_eq!(found, made);
    // An invite to a topic that does not exist is not stored.
    let bad = NewInvite { topic_id: Some(TopicId(4242)), ..invite_for(host.id, "k2", "", 1, 60_000, vec![]) };
    assert!(matches!(s.create_invite(&bad).await, Err(StoreError::Missing(_))));
    assert!(s.invite_by_key("k2").await.unwrap().is_none());
}

async fn invites_create_approved_accounts_once(b: Backend) {
    let (s, _d) = store(b).await;
    let host = user(&s, "host").await;
    let g = s.create_group(&GroupForm { name: "camba".into(), ..Default::default() }).await.unwrap();
    s.create_invite(&invite_for(host.id, "k1", "", 2, 60_000, vec![g.id, 0])).await.unwrap();
    let first = s.redeem_invite("k1", &NewUser { approved: false, ..new_user("guest1") }).await.unwrap();
    assert!(first.user.approved, "an invite approves the account");
    assert_eq!(s.memberships(first.user.id).await.unwrap(), vec![(g.id, false)]);
    s.redeem_invite("k1", &new_user("guest2")).await.unwrap();
    assert!(matches!(s.redeem_invite("k1", &new_user("guest3")).await, Err(StoreError::Refused(Refusal::UsedInvite))));
    assert!(s.user_by_username("guest3").await.unwrap().is_none());
    assert_eq!(s.invite_by_key("k1").await.unwrap().unwrap().redemption_count, 2);
    // A clash on the username rolls the use back.
    s.create_invite(&invite_for(host.id, "k2", "", 1, 60_000, vec![])).await.unwrap();
    assert!(matches!(s.redeem_invite("k2", &new_user("guest1")).await, Err(StoreError::Conflict(_))));
    assert_eq!(s.invite_by_key("k2").await.unwrap().unwrap().redemption_count, 0);
}

async fn invites_refuse_expired_used_and_foreign_use(b: Backend) {
    let (s, _d) = store(b).await;
    let host = user(&s, "host").await;
    s.create_invite(&invite_for(host.id, "old", "", 1, -1, vec![])).await.unwrap();
    assert!(matches!(s.redeem_invite("old", &new_user("late")).await, Err(StoreError::Refused(Refusal::ExpiredInvite))));
    assert!(matches!(s.redeem_invite("nope", &new_user("late")).await, Err(StoreError::Refused(Refusal::UnknownInvite))));
    s.create_invite(&invite_for(host.id, "bound", "elnura@example.org", 1, 60_000, vec![])).await.unwrap();
    assert!(matches!(s.redeem_invite("bound", &new_user("someone")).await, Err(StoreError::Refused(Refusal::InviteForAnotherEmail))));
    assert_eq!(s.invite_by_key("bound").await.unwrap().unwrap().redemption_count, 0);
    let ok = s.redeem_invite("bound", &NewUser { email: "Elnura@example.org".into(), ..new_user("elnura") }).await.unwrap();
    assert_eq!(ok.user.username, "elnura");
}

async fn approval_queue_approves_and_rejects(b: Backend) {
    use minga_store::review_status::*;
    let (s, _d) = store(b).await;
    let staff = s.create_user(&NewUser { admin: true, ..new_user("staff") }).await.unwrap();
    let waiting = s.create_user(&NewUser { approved: false, ..new_user("waiting") }).await.unwrap();
    let spammer = s.create_user(&NewUser { approved: false, ..new_user("spammer") }).await.unwrap();
    assert!(!waiting.approved);
    assert_eq!(s.reviewables(Some(PENDING), 10).await.unwrap().len(), 2, "held accounts are queued as they are created");
    assert_eq!(s.reviewables(Some(PENDING), 10).await.unwrap().iter().filter(|r| r.target_id == staff.id.0).count(), 0);
    let item = s.queue_for_review("ReviewableUser", waiting.id.0, "", None).await.unwrap();
    let again = s.queue_for_review("ReviewableUser", waiting.id.0, "", None).await.unwrap();
    assert_eq!(item.id, again.id, "one pending item per account");
    s.queue_for_review("ReviewableUser", spammer.id.0, "", None).await.unwrap();
    assert_eq!(s.reviewables(Some(PENDING), 10).await.unwrap().len(), 2);
    s.approve_user(waiting.id, staff.id).await.unwrap();
    assert!(s.user_by_id(waiting.id).await.unwrap().unwrap().approved);
    assert_eq!(s.reviewable(item.id).await.unwrap().unwrap().status, APPROVED);
    s.reject_user(spammer.id, staff.id, "spam").await.unwrap();
    assert!(s.user_by_id(spammer.id).await.unwrap().is_none());
    assert!(matches!(s.reject_user(waiting.id, staff.id, "no").await, Err(StoreError::NotFound)), "approved accounts are not rejected");
    assert!(s.reviewables(Some(PENDING), 10).await.unwrap().is_empty());
    let log = s.staff_actions(10).await.unwrap();
    assert_eq!(log.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(), ["reject_user", "approve_user"]);
    assert!(log[0].details.contains("spammer"));
}

async fn three_flaggers_hide_a_post(b: Backend) {
    let (s, _d) = store(b).await;
    let author = user(&s, "author").await;
    let staff = s.create_user(&NewUser { admin: true, ..new_user("staff") }).await.unwrap();
    let c = category(&s, "general").await;
    let (_, post) = topic(&s, c.id, author.id, "A post people will flag").await;
    let mut hidden = false;
    let mut item = None;
    for (i, name) in ["f1", "f2", "f3"].into_iter().enumerate() {
        let f = user(&s, name).await;
        let (r, h) = s.flag_post(&Flag { post_id: post.id, user_id: f.id, action_type: 8, message: String::new() }).await.unwrap();
        assert!(!hidden || h);
        assert_eq!(h, i == 2, "hidden at the third flagger, not before");
        hidden = h;
        assert!(item.is_none_or(|i: Reviewable| i.id == r.id), "one review item per post");
        item = Some(r);
    }
    assert!(hidden);
    assert!(s.post(post.id).await.unwrap().unwrap().hidden);
    let f1 = s.user_by_username("f1").await.unwrap().unwrap();
    assert!(matches!(s.flag_post(&Flag { post_id: post.id, user_id: f1.id, action_type: 8, message: String::new() }).await, Err(StoreError::Conflict(_))));
    s.resolve_flags(&item.unwrap(), false, staff.id).await.unwrap();
    assert!(!s.post(post.id).await.unwrap().unwrap().hidden, "staff disagreed: shown again");
    // Flags staff decided on do not count towards hiding it again.
    let f4 = user(&s, "f4").await;
    let (again, h) = s.flag_post(&Flag { post_id: post.id, user_id: f4.id, action_type: 8, message: String::new() }).await.unwrap();
    assert!(!h, "one new flagger does not hide a cleared post");
    assert_eq!(again.status, minga_store::review_status::PENDING);
    assert!(!s.post(post.id).await.unwrap().unwrap().hidden);
}

async fn flags_at_the_same_moment_count_each_other(b: Backend) {
    use minga_store::review_status::PENDING;
    let (s, _d) = store(b).await;
    let author = user(&s, "author").await;
    let c = category(&s, "general").await;
    let (_, post) = topic(&s, c.id, author.id, "A post five people flag at once").await;
    let mut tasks = Vec::new();
    for i in 0..5 {
        let f = user(&s, &format!("flagger{i}")).await;
        let s = s.clone();
        tasks.push(tokio::spawn(async move { s.flag_post(&Flag { post_id: post.id, user_id: f.id, action_type: 8, message: String::new() }).await.unwrap() }));
    }
    let mut hidden = 0;
    for t in tasks {
        hidden += usize::from(t.await.unwrap().1);
    }
    assert_eq!(hidden, 3, "the third, fourth and fifth flaggers each see the post hidden");
    assert!(s.post(post.id).await.unwrap().unwrap().hidden);
    let pending = s.reviewables(Some(PENDING), 10).await.unwrap();
    assert_eq!(pending.iter().filter(|r| r.target_id == post.id.0).count(), 1, "one review item");
    assert!(matches!(s.flag_post(&Flag { post_id: PostId(999_999), user_id: author.id, action_type: 8, message: String::new() }).await, Err(StoreError::NotFound)));
}

async fn suspensions_end_sessions_and_are_logged(b: Backend) {
    let (s, _d) = store(b).await;
    let staff = s.create_user(&NewUser { admin: true, ..new_user("staff") }).await.unwrap();
    let u = user(&s, "troll").await;
    s.create_session(u.id, "tok", now_ms() + 60_000, "", "").await.unwrap();
    s.set_suspended(u.id, Some(now_ms() + 86_400_000), "spam", staff.id).await.unwrap();
    assert!(s.session_user("tok").await.unwrap().is_none());
    let found = s.user_by_id(u.id).await.unwrap().unwrap();
    assert!(found.suspended_at(now_ms()) && found.suspend_reason == "spam");
    s.set_suspended(u.id, None, "", staff.id).await.unwrap();
    assert!(!s.user_by_id(u.id).await.unwrap().unwrap().suspended_at(now_ms()));
    s.set_silenced(u.id, Some(now_ms() + 1000), "calm down", staff.id).await.unwrap();
    assert!(s.user_by_id(u.id).await.unwrap().unwrap().silenced_at(now_ms()));
    s.set_role(u.id, "trust_level", 3, staff.id).await.unwrap();
    s.set_role(u.id, "moderator", 1, staff.id).await.unwrap();
    let found = s.user_by_id(u.id).await.unwrap().unwrap();
    assert_eq!((found.trust_level, found.moderator), (3, true));
    assert!(matches!(s.set_role(u.id, "password_hash", 1, staff.id).await, Err(StoreError::Missing(Thing::Role))));
    let actions: Vec<String> = s.staff_actions(10).await.unwrap().into_iter().map(|a| a.action).collect();
    assert_eq!(actions, ["change_moderator", "change_trust_level", "silence_user", "unsuspend_user", "suspend_user"]);
}

async fn admin_user_lists_filter_and_search(b: Backend) {
    let (s, _d) = store(b).await;
    let staff = s.create_user(&NewUser { admin: true, ..new_user("boss") }).await.unwrap();
    user(&s, "neto").await;
    s.create_user(&NewUser { approved: false, ..new_user("waiting") }).await.unwrap();
    let list = |kind: &str, search: Option<&str>| {
        let f = UserFilter { kind: kind.into(), search: search.map(String::from), offset: 0, limit: 50 };
        let s = s.clone();
        async move { s.list_users(&f).await.unwrap().into_iter().map(|u| u.username).collect::<Vec<_>>() }
    };
    assert_eq!(list("active", None).await.len(), 2);
    assert_eq!(list("pending", None).await, ["waiting"]);
    assert_eq!(list("staff", None).await, ["boss"]);
    assert_eq!(list("active", Some("NET")).await, ["neto"]);
    user(&s, "sol_v").await;
    user(&s, "solxv").await;
    assert_eq!(list("active", Some("l_v")).await, ["sol_v"], "`_` is searched for as typed");
    assert!(list("active", Some("%")).await.is_empty(), "wildcards are not special");
    assert!(list("active", Some("\\")).await.is_empty());
    let _ = staff;
}

async fn deactivating_ends_sessions_and_is_logged(b: Backend) {
    let (s, _d) = store(b).await;
    let staff = s.create_user(&NewUser { admin: true, ..new_user("staff") }).await.unwrap();
    let u = user(&s, "dormant").await;
    assert!(u.active, "accounts are active when made");
    s.create_session(u.id, "tok", now_ms() + 60_000, "", "").await.unwrap();
    assert!(s.set_active(u.id, false, staff.id).await.unwrap());
    assert!(!s.set_active(u.id, false, staff.id).await.unwrap(), "already inactive");
    assert!(s.session_user("tok").await.unwrap().is_none());
    assert!(!s.user_by_id(u.id).await.unwrap().unwrap().active);
    assert!(s.set_active(u.id, true, staff.id).await.unwrap());
    assert!(s.user_by_id(u.id).await.unwrap().unwrap().active);
    assert!(matches!(s.set_active(UserId(999), true, staff.id).await, Err(StoreError::NotFound)));
    let actions: Vec<String> = s.staff_actions(10).await.unwrap().into_iter().map(|a| a.action).collect();
    assert_eq!(actions, ["activate_user", "deactivate_user"]);
}

async fn logging_someone_out_ends_every_session(b: Backend) {
    let (s, _d) = store(b).await;
    let staff = s.create_user(&NewUser { admin: true, ..new_user("staff") }).await.unwrap();
    let u = user(&s, "roamer").await;
    s.create_session(u.id, "phone", now_ms() + 60_000, "", "").await.unwrap();
    s.create_session(u.id, "laptop", now_ms() + 60_000, "", "").await.unwrap();
    s.create_session(staff.id, "mine", now_ms() + 60_000, "", "").await.unwrap();
    assert_eq!(s.log_out_everywhere(u.id, staff.id).await.unwrap(), 2);
    assert!(s.session_user("phone").await.unwrap().is_none() && s.session_user("laptop").await.unwrap().is_none());
    assert!(s.session_user("mine").await.unwrap().is_some(), "others keep theirs");
    assert!(matches!(s.log_out_everywhere(UserId(999), staff.id).await, Err(StoreError::NotFound)));
    let last = s.last_staff_action_on(u.id, "log_out_user").await.unwrap().unwrap();
    assert_eq!((last.acting_user_id, last.details.as_str()), (Some(staff.id), "2"));
}

async fn anonymizing_keeps_posts_and_ends_access(b: Backend) {
    let (s, _d) = store(b).await;
    let staff = s.create_user(&NewUser { admin: true, ..new_user("staff") }).await.unwrap();
    let u = user(&s, "forgotten").await;
    s.update_profile(u.id, &Profile { name: "Ana".into(), bio_raw: "hi".into(), location: "Leeds".into(), website: "https://a.example".into(), timezone: "Europe/London".into(), locale: "es".into(), theme: "dark".into() }).await.unwrap();
    let back = s.user_by_id(u.id).await.unwrap().unwrap();
    assert_eq!((back.locale.as_str(), back.theme.as_str()), ("es", "dark"));
    let c = category(&s, "general").await;
    let (t, _) = topic(&s, c.id, u.id, "A topic that stays").await;
    s.create_session(u.id, "tok", now_ms() + 60_000, "", "").await.unwrap();
    s.create_api_key(u.id, "key", "bot").await.unwrap();
    let name = s.anonymize_user(u.id, staff.id).await.unwrap();
    let now = s.user_by_id(u.id).await.unwrap().unwrap();
    assert_eq!(now.username, name);
    assert!(now.name.is_empty() && now.bio_raw.is_empty() && now.location.is_empty() && now.website.is_empty() && now.timezone.is_empty());
    assert!(!now.email.contains("forgotten"));
    assert!(s.user_for_login("forgotten@example.org").await.unwrap().is_none());
    assert!(s.session_user("tok").await.unwrap().is_none());
    assert!(s.api_key_user("key").await.unwrap().is_none());
    assert_eq!(s.topics_by_ids(&[t.id]).await.unwrap().len(), 1, "posts stay");
    let entry = s.last_staff_action_on(u.id, "anonymize_user").await.unwrap().unwrap();
    assert!(!entry.details.contains("forgotten"), "the log keeps nothing of who they were");
}

async fn only_people_who_never_posted_are_deleted(b: Backend) {
    let (s, _d) = store(b).await;
    let staff = s.create_user(&NewUser { admin: true, ..new_user("staff") }).await.unwrap();
    let poster = user(&s, "poster").await;
    let c = category(&s, "general").await;
    let (_, first) = topic(&s, c.id, poster.id, "Something to keep").await;
    s.delete_post(first.id).await.unwrap();
    assert_eq!(s.delete_user(poster.id, staff.id).await.unwrap(), Deletion::HasPosts, "deleted posts count too");
    assert!(s.user_by_id(poster.id).await.unwrap().is_some());
    let leaving = s.create_user(&NewUser { approved: false, ..new_user("leaving") }).await.unwrap();
    s.create_session(leaving.id, "tok", now_ms() + 60_000, "", "").await.unwrap();
    assert_eq!(s.delete_user(leaving.id, staff.id).await.unwrap(), Deletion::Deleted);
    assert!(s.user_by_id(leaving.id).await.unwrap().is_none());
    assert!(s.session_user("tok").await.unwrap().is_none());
    assert!(s.reviewables(Some(review_status::PENDING), 10).await.unwrap().is_empty(), "their queue item is closed");
    assert!(matches!(s.delete_user(leaving.id, staff.id).await, Err(StoreError::NotFound)));
    let log = s.staff_actions(10).await.unwrap();
    assert!(log.iter().any(|a| a.action == "delete_user" && a.details == "leaving"));
}

async fn renaming_keeps_names_unique(b: Backend) {
    let (s, _d) = store(b).await;
    let staff = s.create_user(&NewUser { admin: true, ..new_user("staff") }).await.unwrap();
    let u = user(&s, "renamer").await;
    user(&s, "taken").await;
    assert!(matches!(s.rename_user(u.id, "TAKEN", staff.id).await, Err(StoreError::Conflict("username"))));
    s.rename_user(u.id, "Renamed", u.id).await.unwrap();
    assert_eq!(s.user_by_username("renamed").await.unwrap().unwrap().id, u.id);
    assert!(s.user_by_username("renamer").await.unwrap().is_none());
    assert!(s.user_for_login("renamed").await.unwrap().is_some());
    let entry = s.last_staff_action_on(u.id, "change_username").await.unwrap().unwrap();
    assert_eq!(entry.details, "renamer → Renamed");
}

async fn stats_activity_and_directory_count_what_is_visible(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&s, "writer").await;
    let other = user(&s, "reader").await;
    let open = category(&s, "open").await;
    let closed = category(&s, "closed").await;
    let (t, _) = topic(&s, open.id, u.id, "An open topic to read").await;
    topic(&s, closed.id, u.id, "A closed topic for some").await;
    let (theirs, _) = topic(&s, open.id, other.id, "Someone else's topic").await;
    s.create_reply(&reply(theirs.id, u.id, "a reply", None)).await.unwrap();
    s.record_reads(&[Read { user: other.id, topic: t.id, up_to: 1, day: now_ms() / 86_400_000, at: now_ms() }]).await.unwrap();
    let stats = s.person_stats(&[u.id, other.id], None, 0).await.unwrap();
    let of = |id: UserId, stats: &[PersonStats]| *stats.iter().find(|x| x.user_id == id).unwrap();
    assert_eq!((of(u.id, &stats).topic_count, of(u.id, &stats).post_count), (2, 3));
    assert_eq!((of(other.id, &stats).topics_entered, of(other.id, &stats).posts_read), (1, 1));
    assert!(of(u.id, &stats).last_posted_at.is_some());
    let visible = [open.id];
    let stats = s.person_stats(&[u.id], Some(&visible), 0).await.unwrap();
    assert_eq!((stats[0].topic_count, stats[0].post_count), (1, 2), "only visible categories count");
    let later = s.person_stats(&[u.id], None, now_ms() + 60_000).await.unwrap();
    assert_eq!(later[0].post_count, 0, "nothing since then");

    let all = s.user_actions(u.id, &[4, 5], None, 0, 30).await.unwrap();
    assert_eq!(all.iter().map(|a| a.action_type).collect::<Vec<_>>(), [5, 4, 4], "newest first");
    assert_eq!(s.user_actions(u.id, &[4, 5], Some(&visible), 0, 30).await.unwrap().len(), 2);
    assert_eq!(s.user_actions(u.id, &[5], None, 0, 30).await.unwrap()[0].topic_user_id, other.id.0);
    assert_eq!(s.user_actions(u.id, &[4, 5], None, 2, 30).await.unwrap().len(), 1);
    assert!(s.user_actions(u.id, &[1], None, 0, 30).await.unwrap().is_empty());

    let (rows, total) = s.directory("post_count", false, Some(&visible), 0, 0, 10).await.unwrap();
    assert_eq!(total, 2);
    assert_eq!(rows.iter().map(|(u, st)| (u.username.as_str(), st.post_count)).collect::<Vec<_>>(), [("writer", 2), ("reader", 1)]);
    let (rows, _) = s.directory("post_count", true, None, 0, 1, 10).await.unwrap();
    assert_eq!(rows.iter().map(|(u, _)| u.username.as_str()).collect::<Vec<_>>(), ["writer"], "ascending, second page of one");
    let staff = s.create_user(&NewUser { admin: true, ..new_user("staff") }).await.unwrap();
    s.set_active(other.id, false, staff.id).await.unwrap();
    let (rows, total) = s.directory("posts_read", false, None, 0, 0, 10).await.unwrap();
    assert!(total == 2 && rows.iter().all(|(u, _)| u.username != "reader"), "inactive people are not listed");
}
