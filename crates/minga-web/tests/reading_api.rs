//! Read tracking through Discourse's API and minga's pages, on both
//! backends: `POST /topics/timings` as the clients send it, `/new` and
//! `/unread`, counts beside topics in lists, and dismissing them.

mod support;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use support::{Auth, Send, TestApp};

both_backends!(timings_unread_and_new_follow_what_was_read);

fn titles(v: &Value) -> Vec<String> {
    v["topic_list"]["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_string())
        .collect()
}

fn item<'a>(v: &'a Value, title: &str) -> &'a Value {
    v["topic_list"]["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == title)
        .expect(title)
}

async fn timings_unread_and_new_follow_what_was_read(b: minga_store::Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let ana = app.user("ana", false).await;
    let ana = app.key_for(&ana).await;
    app.user("ben", false).await;
    let ben = app.session("ben").await;
    let (topic, _) = app
        .topic(
            &ana,
            category,
            "Hosting rota for the summer",
            "Who hosts in July, @ben?",
        )
        .await;
    let (other, _) = app
        .topic(
            &ana,
            category,
            "Accounting tools we share",
            "Spreadsheets or something else?",
        )
        .await;
    app.settle().await;

    // Both topics are new to Ben; nothing is unread yet.
    let new = app.get_json("/new.json", &ben).await;
    assert_eq!(
        titles(&new),
        ["Accounting tools we share", "Hosting rota for the summer"]
    );
    assert_eq!(item(&new, "Hosting rota for the summer")["unseen"], true);
    assert!(titles(&app.get_json("/unread.json", &ben).await).is_empty());
    app.get("/new.json", &Auth::Anon)
        .await
        .assert_error(403, "not_logged_in");

    // Ben replies (so he tracks it), then three more posts arrive.
    app.reply(
        &app.key_for(
            &app.state
                .store
                .user_by_username("ben")
                .await
                .unwrap()
                .unwrap(),
        )
        .await,
        topic,
        "I can host in July.",
    )
    .await;
    for n in 0..3 {
        app.reply(&ana, topic, &format!("Noted, and a detail number {n}."))
            .await;
    }
    let latest = app.get_json("/latest.json", &ben).await;
    let t = item(&latest, "Hosting rota for the summer");
    assert_eq!(
        (
            t["last_read_post_number"].as_i64(),
            t["unread_posts"].as_i64(),
            t["notification_level"].as_i64()
        ),
        (Some(2), Some(3), Some(2))
    );
    assert!(
        latest["topic_list"]["topics"][0]
            .get("unread_posts")
            .is_some()
    );
    assert!(
        app.get_json("/latest.json", &admin).await["topic_list"]["topics"][0]["unread_posts"]
            .is_number()
    );
    assert!(
        app.get_json("/latest.json", &Auth::Anon).await["topic_list"]["topics"][0]
            .get("unread_posts")
            .is_none(),
        "visitors read nothing"
    );
    assert_eq!(
        titles(&app.get_json("/unread.json", &ben).await),
        ["Hosting rota for the summer"]
    );
    assert_eq!(
        titles(&app.get_json("/new.json", &ben).await),
        ["Accounting tools we share"],
        "opened topics are not new"
    );
    let page = app.get("/latest", &ben).await.text();
    assert!(page.contains("3 unread posts"), "{page}");

    // The timings Discourse's clients send, form-encoded, up to post 4.
    let form = format!("topic_id={topic}&topic_time=9000&timings%5B3%5D=3000&timings%5B4%5D=2500");
    let r = app
        .call(Method::POST, "/topics/timings", &ben, Send::Form(&form))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let latest = app.get_json("/latest.json", &ben).await;
    assert_eq!(
        item(&latest, "Hosting rota for the summer")["unread_posts"],
        1
    );
    // ... and as JSON, past the end (kept to the last post).
    let r = app
        .post_json(
            "/topics/timings",
            &ben,
            json!({"topic_id": topic, "timings": {"99": 100}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(titles(&app.get_json("/unread.json", &ben).await).is_empty());
    assert_eq!(
        app.get_json("/session/current.json", &ben).await["current_user"]["unread_notifications"],
        0,
        "the mention was read with its post"
    );
    app.post_json("/topics/timings", &ben, json!({"timings": {"1": 100}}))
        .await
        .assert_error(422, "invalid_parameters");
    app.post_json("/topics/timings", &ben, json!({"topic_id": topic}))
        .await
        .assert_error(422, "invalid_parameters");
    app.post_json(
        "/topics/timings",
        &ben,
        json!({"topic_id": 999999, "timings": {"1": 1}}),
    )
    .await
    .assert_error(404, "not_found");

    // Dismissing: new ones, then unread ones.
    let r = app
        .call(
            Method::PUT,
            "/topics/reset-new.json",
            &ben,
            Send::Json(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(titles(&app.get_json("/new.json", &ben).await).is_empty());
    assert_eq!(
        item(
            &app.get_json("/latest.json", &ben).await,
            "Accounting tools we share"
        )["unseen"],
        false
    );
    app.reply(&ana, topic, "One more thing about July.").await;
    assert_eq!(titles(&app.get_json("/unread.json", &ben).await).len(), 1);
    let page = app.get("/unread", &ben).await.text();
    assert!(page.contains(r#"action="/topics/bulk""#), "{page}");
    let r = app
        .call(
            Method::PUT,
            "/topics/bulk.json",
            &ben,
            Send::Json(json!({"filter": "unread", "operation": {"type": "dismiss_posts"}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(titles(&app.get_json("/unread.json", &ben).await).is_empty());
    let r = app
        .call(
            Method::PUT,
            "/topics/bulk.json",
            &ben,
            Send::Json(json!({"operation": {"type": "close"}})),
        )
        .await;
    r.assert_error(422, "invalid_parameters");
    let _ = other;
}
