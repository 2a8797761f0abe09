//! Live pages' event stream (`GET /live`), on both backends: an open
//! topic hears of replies and edits, the bell of its owner's count, lists
//! of topics started where the reader may look (and nowhere else), and a
//! stream that dropped resumes from the last event it had.

mod support;

use serde_json::json;
use std::time::Duration;
use support::{Auth, TestApp};

both_backends!(
    an_open_topic_and_the_bell_hear_at_once,
    lists_hear_only_of_what_the_reader_may_see,
    a_dropped_stream_resumes_where_it_stopped
);

const WAIT: Duration = Duration::from_secs(5);
const QUIET: Duration = Duration::from_millis(400);

async fn an_open_topic_and_the_bell_hear_at_once(b: minga_store::Backend) {
    let app = TestApp::new(b).await;
    let (_admin, category) = app.admin_and_category().await;
    let ana = app.user("ana", false).await;
    let ana = app.key_for(&ana).await;
    app.user("ben", false).await;
    let ben = app.session("ben").await;
    let (topic, _) = app
        .topic(
            &ana,
            category,
            "Rotas for the shared office",
            "Who opens on Mondays?",
        )
        .await;
    let mut events = app.events(&format!("/live?topic={topic}"), &ben, &[]).await;

    let post = app.reply(&ana, topic, "I can open on Mondays, @ben.").await;
    let mut seen = Vec::new();
    while seen.len() < 2 {
        let (id, name, data) = events.next(WAIT).await.expect("an event");
        assert!(id.parse::<u64>().is_ok(), "numbered: {id}");
        seen.push((name, data));
    }
    seen.sort();
    assert_eq!(seen[0], ("notifications".into(), r#"{"unread":1}"#.into()));
    assert_eq!(
        seen[1],
        ("topic".into(), format!(r#"{{"topic_id":{topic}}}"#))
    );

    // An edit is heard too; a change elsewhere is not.
    let r = app
        .call(
            axum::http::Method::PUT,
            &format!("/posts/{}.json", post["id"]),
            &ana,
            support::Send::Json(json!({"post": {"raw": "I can open on Mondays and Tuesdays."}})),
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::OK, "{}", r.text());
    assert_eq!(
        events.next(WAIT).await.map(|e| e.1).as_deref(),
        Some("topic")
    );
    app.topic(
        &ana,
        category,
        "Something else entirely",
        "Not the open topic at all.",
    )
    .await;
    assert_eq!(events.names_within(QUIET).await, Vec::<String>::new());
}

async fn lists_hear_only_of_what_the_reader_may_see(b: minga_store::Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let r = app
        .post_json(
            "/admin/groups.json",
            &admin,
            json!({"group": {"name": "facttic"}}),
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::OK);
    let r = app
        .post_json(
            "/categories.json",
            &admin,
            json!({"name": "Members only", "permissions": {"facttic": 1}}),
        )
        .await;
    let private = r.json()["category"]["id"].as_i64().unwrap();
    let (secret, _) = app
        .topic(
            &admin,
            private,
            "Budget for the gathering",
            "Members only: the numbers.",
        )
        .await;
    // A topic the visitor may not see cannot be listened to.
    assert_eq!(
        app.get(&format!("/live?topic={secret}"), &Auth::Anon)
            .await
            .status,
        axum::http::StatusCode::NOT_FOUND
    );

    let mut visitor = app.events("/live?list=latest", &Auth::Anon, &[]).await;
    let mut staff = app.events("/live?list=latest", &admin, &[]).await;
    app.topic(
        &admin,
        private,
        "Second budget round",
        "Still members only.",
    )
    .await;
    assert_eq!(
        visitor.names_within(QUIET).await,
        Vec::<String>::new(),
        "nothing of a hidden topic, not even that it exists"
    );
    assert_eq!(
        staff.next(WAIT).await.map(|e| e.1).as_deref(),
        Some("topics")
    );
    let (open, _) = app
        .topic(
            &admin,
            category,
            "Open call for speakers",
            "Anyone may read this.",
        )
        .await;
    let (_, name, data) = visitor.next(WAIT).await.expect("a new topic");
    assert_eq!(
        (name.as_str(), data),
        ("topics", format!(r#"{{"topic_id":{open}}}"#))
    );
}

async fn a_dropped_stream_resumes_where_it_stopped(b: minga_store::Backend) {
    let app = TestApp::new(b).await;
    let (_admin, category) = app.admin_and_category().await;
    let ana = app.user("ana", false).await;
    let ana = app.key_for(&ana).await;
    let (topic, _) = app
        .topic(
            &ana,
            category,
            "Minutes of the assembly",
            "The minutes, as agreed.",
        )
        .await;
    let mut events = app
        .events(&format!("/live?topic={topic}"), &Auth::Anon, &[])
        .await;
    app.reply(&ana, topic, "A first correction to the minutes.")
        .await;
    let (last, name, _) = events.next(WAIT).await.expect("an event");
    assert_eq!(name, "topic");
    drop(events);

    // While the reader is away, two more replies.
    app.reply(&ana, topic, "A second correction to the minutes.")
        .await;
    app.reply(&ana, topic, "A third correction to the minutes.")
        .await;
    let mut resumed = app
        .events(
            &format!("/live?topic={topic}"),
            &Auth::Anon,
            &[("last-event-id", &last)],
        )
        .await;
    let (id, name, _) = resumed.next(WAIT).await.expect("what was missed");
    assert_eq!(name, "topic");
    assert!(id.parse::<u64>().unwrap() > last.parse::<u64>().unwrap());
    // A fresh stream without the header hears only what comes next.
    let mut fresh = app
        .events(&format!("/live?topic={topic}"), &Auth::Anon, &[])
        .await;
    assert_eq!(fresh.names_within(QUIET).await, Vec::<String>::new());
}
