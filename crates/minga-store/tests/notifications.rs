//! Notifications in storage, on SQLite and on PostgreSQL: each type
//! reaches the people it should, once; the author, the muted and those who
//! may not read the post hear nothing; levels follow topics and
//! categories; counts and reading agree; the queue loses nothing and does
//! nothing twice.

use minga_core::notify::{Kind, Level};
use minga_core::time::now_ms;
use minga_core::{CategoryId, TopicId, UserId};
use minga_store::*;
use std::sync::Arc;

mod support;
use support::store;

both_backends!(
    each_reason_reaches_its_person_once,
    levels_decide_who_hears_of_watched_topics,
    edits_tell_the_author_and_the_newly_mentioned,
    counts_follow_reading_and_marking,
    the_queue_is_written_with_the_post_and_emptied_once,
    an_accepted_invite_tells_the_inviter,
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
    store
        .create_category(&CategoryForm {
            name: slug.to_uppercase(),
            slug: slug.into(),
            color: "0088CC".into(),
            text_color: "FFFFFF".into(),
            ..Default::default()
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
            alerts: Alerts::default(),
        })
        .await
        .expect("create topic")
}

async fn reply(
    store: &Store,
    topic: TopicId,
    author: UserId,
    to: Option<i64>,
    alerts: Alerts,
) -> Post {
    let new = NewReply {
        topic_id: topic,
        user_id: author,
        raw: "a reply".into(),
        cooked: "<p>a reply</p>".into(),
        reply_to_post_number: to,
        created_at: now_ms(),
        alerts,
    };
    store.create_reply(&new).await.expect("reply")
}

/// Everyone may read everything, except the people named.
fn all_but(hidden: &[UserId]) -> Arc<CanSee> {
    let hidden = hidden.to_vec();
    Arc::new(move |actor: &minga_core::perm::Actor, _| !hidden.contains(&actor.id))
}

async fn deliver(store: &Store, hidden: &[UserId]) -> usize {
    store
        .deliver_notifications(64, all_but(hidden))
        .await
        .expect("deliver")
}

/// (type, post number) of each of a person's notifications, newest first.
async fn heard(store: &Store, who: &User) -> Vec<(i64, Option<i64>)> {
    store
        .notifications(who.id, 0, 50)
        .await
        .unwrap()
        .0
        .iter()
        .map(|n| (n.notification_type, n.post_number))
        .collect()
}

/// (type, post number, posts it stands for) of each, newest first.
async fn folded(store: &Store, who: &User) -> Vec<(i64, Option<i64>, i64)> {
    store
        .notifications(who.id, 0, 50)
        .await
        .unwrap()
        .0
        .iter()
        .map(|n| (n.notification_type, n.post_number, n.replies))
        .collect()
}

async fn unread(store: &Store, who: &User) -> i64 {
    store
        .user_by_id(who.id)
        .await
        .unwrap()
        .unwrap()
        .unread_notifications
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

async fn each_reason_reaches_its_person_once(b: Backend) {
    let (s, _d) = store(b).await;
    let [ana, ben, cai, dan, eva, fay, gus, hal] = [
        user(&s, "ana").await,
        user(&s, "ben").await,
        user(&s, "cai").await,
        user(&s, "dan").await,
        user(&s, "eva").await,
        user(&s, "fay").await,
        user(&s, "gus").await,
        user(&s, "hal").await,
    ];
    let coop = s
        .create_group(&GroupForm {
            name: "Coop".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    s.add_group_members(coop.id, &[fay.id, cai.id], false)
        .await
        .unwrap();
    let c = category(&s, "general").await;
    let (t, _) = topic(&s, c.id, ana.id, "Where shall we meet").await;
    let (elsewhere, _) = topic(&s, c.id, eva.id, "Eva's earlier notes").await;
    deliver(&s, &[]).await;
    s.set_topic_level(hal.id, t.id, Level::Muted).await.unwrap();

    // Ben replies to Ana's first post, mentions Cai, Gus and Hal and
    // himself, quotes Dan, links to Eva's topic and mentions the co-op.
    let alerts = Alerts {
        mentions: names(&["cai", "gus", "hal", "ben"]),
        group_mentions: names(&["coop"]),
        quoted: names(&["dan", "cai"]),
        links: vec![(elsewhere.id.0, None), (t.id.0, Some(1))],
    };
    let post = reply(&s, t.id, ben.id, Some(1), alerts).await;
    assert_eq!(
        s.queued_notification_jobs().await.unwrap(),
        1,
        "queued with the post"
    );
    assert_eq!(deliver(&s, &[gus.id]).await, 1);
    let n = Some(post.post_number);
    assert_eq!(
        heard(&s, &ana).await,
        [(Kind::Replied.id(), n)],
        "replied beats watching"
    );
    assert_eq!(
        heard(&s, &cai).await,
        [(Kind::Mentioned.id(), n)],
        "a mention beats a quote and the group"
    );
    assert_eq!(heard(&s, &dan).await, [(Kind::Quoted.id(), n)]);
    assert_eq!(heard(&s, &eva).await, [(Kind::Linked.id(), n)]);
    assert_eq!(heard(&s, &fay).await, [(Kind::GroupMentioned.id(), n)]);
    let group_note = s.notifications(fay.id, 0, 5).await.unwrap().0;
    assert_eq!(group_note[0].data, "Coop");
    assert_eq!(group_note[0].actor_username.as_deref(), Some("ben"));
    assert_eq!(
        group_note[0].topic_title.as_deref(),
        Some("Where shall we meet")
    );
    assert!(heard(&s, &gus).await.is_empty(), "may not read the post");
    assert!(heard(&s, &hal).await.is_empty(), "muted the topic");
    assert!(heard(&s, &ben).await.is_empty(), "never the author");
    for (who, count) in [(&ana, 1), (&cai, 1), (&gus, 0), (&ben, 0)] {
        assert_eq!(unread(&s, who).await, count, "{}", who.username);
    }
}

async fn levels_decide_who_hears_of_watched_topics(b: Backend) {
    let (s, _d) = store(b).await;
    let [ana, ben, ivy, jon, lou, mia, ned] = [
        user(&s, "ana").await,
        user(&s, "ben").await,
        user(&s, "ivy").await,
        user(&s, "jon").await,
        user(&s, "lou").await,
        user(&s, "mia").await,
        user(&s, "ned").await,
    ];
    let c = category(&s, "events").await;
    s.set_category_level(lou.id, c.id, Level::WatchingFirstPost)
        .await
        .unwrap();
    s.set_category_level(mia.id, c.id, Level::Watching)
        .await
        .unwrap();
    s.set_category_level(ned.id, c.id, Level::Watching)
        .await
        .unwrap();
    assert_eq!(
        s.category_levels(mia.id).await.unwrap(),
        [(c.id, Level::Watching)]
    );
    assert!(matches!(
        s.set_category_level(mia.id, CategoryId(999_999), Level::Watching)
            .await,
        Err(StoreError::Missing(_))
    ));

    let (t, _) = topic(&s, c.id, ana.id, "Gathering in Lisbon").await;
    deliver(&s, &[]).await;
    assert_eq!(
        heard(&s, &lou).await,
        [(Kind::WatchingFirstPost.id(), Some(1))]
    );
    assert_eq!(heard(&s, &mia).await, [(Kind::Posted.id(), Some(1))]);

    // Starting a topic watches it; replying tracks it.
    assert_eq!(
        s.topic_user(ana.id, t.id).await.unwrap().level,
        Some(Level::Watching)
    );
    reply(&s, t.id, ben.id, None, Alerts::default()).await;
    deliver(&s, &[]).await;
    assert_eq!(
        s.topic_user(ben.id, t.id).await.unwrap().level,
        Some(Level::Tracking)
    );
    s.set_topic_level(ivy.id, t.id, Level::Watching)
        .await
        .unwrap();
    s.set_topic_level(jon.id, t.id, Level::Tracking)
        .await
        .unwrap();
    // Ned watches the category but muted this topic: the topic wins.
    s.set_topic_level(ned.id, t.id, Level::Muted).await.unwrap();
    assert!(matches!(
        s.set_topic_level(ned.id, TopicId(999_999), Level::Muted)
            .await,
        Err(StoreError::Missing(_))
    ));
    deliver(&s, &[]).await;
    let third = reply(&s, t.id, ben.id, None, Alerts::default()).await;
    deliver(&s, &[]).await;
    // Watched posts fold into one notification per topic: it opens at the
    // first post not yet read and counts every one since.
    let posted = |first: i64, count: i64| (Kind::Posted.id(), Some(first), count);
    assert_eq!(folded(&s, &ana).await, [posted(2, 2)], "the starter watches");
    assert_eq!(folded(&s, &ivy).await, [posted(3, 1)], "watching since the second reply");
    assert_eq!(folded(&s, &mia).await, [posted(1, 3)], "watching the category");
    assert!(
        heard(&s, &jon).await.is_empty(),
        "tracking is not told of each post"
    );
    assert_eq!(heard(&s, &lou).await.len(), 1, "watching first posts only");
    assert_eq!(
        folded(&s, &ned).await,
        [posted(1, 2)],
        "before muting it, the first post and the first reply; not the second"
    );
    assert!(
        heard(&s, &ben).await.is_empty(),
        "not of their own posts"
    );
    // Reading starts the count again.
    s.record_reads(&[Read { user: ana.id, topic: t.id, up_to: third.post_number, day: 1, at: now_ms() }]).await.unwrap();
    assert_eq!(unread(&s, &ana).await, 0);
    let fourth = reply(&s, t.id, ben.id, None, Alerts::default()).await;
    deliver(&s, &[]).await;
    assert_eq!(folded(&s, &ana).await, [posted(fourth.post_number, 1)], "one line per topic, the read one gone");
    assert_eq!(unread(&s, &ana).await, 1);
    let tu = s.topic_user(ned.id, t.id).await.unwrap();
    assert_eq!(
        (tu.level, tu.category_level, tu.effective()),
        (Some(Level::Muted), Some(Level::Watching), Level::Muted)
    );
}

async fn edits_tell_the_author_and_the_newly_mentioned(b: Backend) {
    let (s, _d) = store(b).await;
    let [ana, ben, cai, kim] = [
        user(&s, "ana").await,
        user(&s, "ben").await,
        user(&s, "cai").await,
        user(&s, "kim").await,
    ];
    let c = category(&s, "general").await;
    let (t, _) = topic(&s, c.id, ana.id, "Minutes of the meeting").await;
    let post = reply(
        &s,
        t.id,
        ben.id,
        None,
        Alerts {
            mentions: names(&["cai"]),
            ..Default::default()
        },
    )
    .await;
    deliver(&s, &[]).await;
    assert_eq!(heard(&s, &cai).await.len(), 1);
    // Ana (staff, say) edits Ben's post and adds Kim; Cai was told already.
    let alerts = Alerts {
        mentions: names(&["cai", "kim"]),
        ..Default::default()
    };
    s.edit_post_alerting(post.id, ana.id, "edited", "<p>edited</p>", None, &alerts)
        .await
        .unwrap();
    deliver(&s, &[]).await;
    assert_eq!(
        heard(&s, &ben).await,
        [(Kind::Edited.id(), Some(post.post_number))]
    );
    assert_eq!(
        heard(&s, &kim).await,
        [(Kind::Mentioned.id(), Some(post.post_number))]
    );
    assert_eq!(heard(&s, &cai).await.len(), 1, "once per post");
    // A second edit is the same notification, unread again.
    s.mark_notifications_read(ben.id, None).await.unwrap();
    assert_eq!(unread(&s, &ben).await, 0);
    s.edit_post_alerting(
        post.id,
        ana.id,
        "edited again",
        "<p>edited again</p>",
        None,
        &Alerts::default(),
    )
    .await
    .unwrap();
    deliver(&s, &[]).await;
    assert_eq!(heard(&s, &ben).await.len(), 1);
    assert_eq!(unread(&s, &ben).await, 1);
    // Editing one's own post tells nobody.
    s.edit_post_alerting(
        post.id,
        ben.id,
        "mine",
        "<p>mine</p>",
        None,
        &Alerts::default(),
    )
    .await
    .unwrap();
    deliver(&s, &[]).await;
    assert_eq!(unread(&s, &ben).await, 1);
}

async fn counts_follow_reading_and_marking(b: Backend) {
    let (s, _d) = store(b).await;
    let [ana, ben] = [user(&s, "ana").await, user(&s, "ben").await];
    let c = category(&s, "general").await;
    let (t, _) = topic(&s, c.id, ana.id, "Counting what is unread").await;
    for _ in 0..3 {
        reply(&s, t.id, ben.id, Some(1), Alerts::default()).await;
    }
    // Replies to her fold into one notification, opening at the first.
    deliver(&s, &[]).await;
    assert_eq!(folded(&s, &ana).await, [(Kind::Replied.id(), Some(2), 3)]);
    assert_eq!(unread(&s, &ana).await, 1);
    // A mention elsewhere is a notification of its own.
    let (other, _) = topic(&s, c.id, ben.id, "Somewhere else").await;
    let mention = Alerts { mentions: names(&["ana"]), ..Default::default() };
    reply(&s, other.id, ben.id, None, mention).await;
    deliver(&s, &[]).await;
    assert_eq!(unread(&s, &ana).await, 2);
    let (list, total) = s.notifications(ana.id, 0, 1).await.unwrap();
    assert_eq!((list.len(), total), (1, 2));
    let (all, _) = s.notifications(ana.id, 0, 2).await.unwrap();
    assert!(all[0].id > all[1].id, "newest first");
    assert_eq!(all[0].notification_type, Kind::Mentioned.id());
    s.mark_notifications_read(ana.id, Some(all[0].id))
        .await
        .unwrap();
    assert_eq!(unread(&s, &ana).await, 1);
    assert!(
        s.notification(ana.id, all[0].id)
            .await
            .unwrap()
            .unwrap()
            .read
    );
    assert!(
        s.notification(ben.id, all[0].id).await.unwrap().is_none(),
        "only one's own"
    );
    // Someone else's id changes nothing.
    s.mark_notifications_read(ben.id, Some(all[1].id))
        .await
        .unwrap();
    assert_eq!(unread(&s, &ana).await, 1);
    // Reading the post the replies open at marks them read.
    s.record_reads(&[Read {
        user: ana.id,
        topic: t.id,
        up_to: 2,
        day: 1,
        at: now_ms(),
    }])
    .await
    .unwrap();
    assert_eq!(unread(&s, &ana).await, 0);
    assert_eq!(
        s.topic_user(ana.id, t.id)
            .await
            .unwrap()
            .last_read_post_number,
        2
    );
    reply(&s, t.id, ben.id, Some(1), Alerts::default()).await;
    deliver(&s, &[]).await;
    assert_eq!(unread(&s, &ana).await, 1);
    s.mark_notifications_read(ana.id, None).await.unwrap();
    assert_eq!(unread(&s, &ana).await, 0);
    let newest = s.notifications(ana.id, 0, 1).await.unwrap().0[0].id;
    assert_eq!(s.seen_notification_id(ana.id).await.unwrap(), newest);

    // Old read notifications are forgotten; unread ones stay, however old.
    reply(&s, t.id, ben.id, Some(1), Alerts::default()).await;
    deliver(&s, &[]).await;
    let before = s.notifications(ana.id, 0, 50).await.unwrap().1;
    assert!(before >= 2, "{before}");
    assert_eq!(s.prune_notifications(now_ms() - 3_600_000).await.unwrap(), 0, "none is an hour old");
    let gone = s.prune_notifications(now_ms() + 1).await.unwrap();
    assert_eq!(gone as i64, before - 1, "all but the unread one");
    assert_eq!(folded(&s, &ana).await, [(Kind::Replied.id(), Some(6), 1)]);
    assert_eq!(unread(&s, &ana).await, 1);
}

async fn the_queue_is_written_with_the_post_and_emptied_once(b: Backend) {
    let (s, _d) = store(b).await;
    let [ana, ben] = [user(&s, "ana").await, user(&s, "ben").await];
    let c = category(&s, "general").await;
    let (t, _) = topic(&s, c.id, ana.id, "A queue that keeps its promises").await;
    deliver(&s, &[]).await;
    // A reply refused (to a missing post) leaves nothing queued.
    let refused = NewReply {
        topic_id: t.id,
        user_id: ben.id,
        raw: "x".into(),
        cooked: "<p>x</p>".into(),
        reply_to_post_number: Some(99),
        created_at: now_ms(),
        alerts: Alerts::default(),
    };
    assert!(s.create_reply(&refused).await.is_err());
    assert_eq!(s.queued_notification_jobs().await.unwrap(), 0);
    for _ in 0..100 {
        reply(&s, t.id, ben.id, None, Alerts::default()).await;
    }
    assert_eq!(s.queued_notification_jobs().await.unwrap(), 100);
    // Two workers at once (two nodes): each job is done by one of them.
    let (a, b2) = tokio::join!(deliver(&s, &[]), deliver(&s, &[]));
    let rest = deliver(&s, &[]).await + deliver(&s, &[]).await;
    assert_eq!(a + b2 + rest, 100);
    assert_eq!(s.queued_notification_jobs().await.unwrap(), 0);
    // The starter watches: a hundred posts, each counted once, in one
    // notification however the two workers split them.
    assert_eq!(folded(&s, &ana).await, [(Kind::Posted.id(), Some(2), 100)], "each post once");
    assert_eq!(unread(&s, &ana).await, 1);
    assert_eq!(deliver(&s, &[]).await, 0);
    assert_eq!(folded(&s, &ana).await, [(Kind::Posted.id(), Some(2), 100)], "nothing twice");
    assert_eq!(unread(&s, &ana).await, 1);
}

async fn an_accepted_invite_tells_the_inviter(b: Backend) {
    let (s, _d) = store(b).await;
    let ana = user(&s, "ana").await;
    let invite = NewInvite {
        key_hash: "k".into(),
        invited_by: ana.id,
        email: String::new(),
        max_redemptions: 1,
        group_ids: Vec::new(),
        expires_at: now_ms() + 60_000,
        description: String::new(),
        custom_message: String::new(),
        topic_id: None,
    };
    s.create_invite(&invite).await.unwrap();
    let new = NewUser {
        username: "zoe".into(),
        email: "zoe@example.org".into(),
        name: String::new(),
        password_hash: "h".into(),
        admin: false,
        approved: true,
    };
    let zoe = s.redeem_invite("k", &new).await.unwrap().user;
    let list = s.notifications(ana.id, 0, 10).await.unwrap().0;
    assert_eq!(list.len(), 1);
    assert_eq!(
        (
            list[0].notification_type,
            list[0].actor_username.as_deref(),
            list[0].topic_id
        ),
        (Kind::InviteeAccepted.id(), Some("zoe"), None)
    );
    assert_eq!(unread(&s, &ana).await, 1);
    assert!(heard(&s, &zoe).await.is_empty());
}
