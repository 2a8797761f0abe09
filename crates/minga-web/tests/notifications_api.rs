//! Notifications through Discourse's API and minga's pages, on both
//! backends: who hears of what, the bell and the list, marking read,
//! levels for topics and categories, and permissions that apply when a
//! notification is written and again when it is read.

mod support;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use support::{Auth, Send, TestApp};

both_backends!(
    inviting_someone_to_a_topic_tells_them,
    mentions_reach_the_bell_and_the_list,
    levels_and_permissions_decide_who_hears,
    reading_a_topic_marks_its_notifications_read,
    replying_sets_the_level_each_person_chose
);

async fn replying_sets_the_level_each_person_chose(b: minga_store::Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    app.user("ben", false).await;
    let ben = app.session("ben").await;
    let (first, _) = app.topic(&admin, category, "Sharing a bookkeeper", "Anyone interested?").await;
    let (second, _) = app.topic(&admin, category, "Sharing a lawyer", "Same question.").await;
    let level = |v: &Value| v["details"]["notification_level"].as_i64();
    let me = app.get_json("/u/ben.json", &ben).await;
    assert_eq!(me["user"]["user_option"]["notification_level_when_replying"], 2, "tracking by default");

    // Through the API, as Discourse's clients set it.
    let r = app.call(Method::PUT, "/u/ben.json", &ben, Send::Json(json!({"notification_level_when_replying": 3}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let me = app.get_json("/u/ben.json", &ben).await;
    assert_eq!(me["user"]["user_option"]["notification_level_when_replying"], 3);
    let r = app.post_json("/posts.json", &ben, json!({"topic_id": first, "raw": "Yes, we would share one."})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(level(&app.get_json(&format!("/t/{first}.json"), &ben).await), Some(3), "watching after replying");

    // A level that cannot be chosen changes nothing, and says why.
    for bad in [json!("muted"), json!(4), json!("often")] {
        app.call(Method::PUT, "/u/ben.json", &ben, Send::Json(json!({"name": "Ben B", "notification_level_when_replying": bad})))
            .await
            .assert_error(422, "invalid_parameters");
    }
    let me = app.get_json("/u/ben.json", &ben).await;
    assert_eq!(me["user"]["user_option"]["notification_level_when_replying"], 3);
    assert_ne!(me["user"]["name"], "Ben B", "nothing stored half-way");

    // Through the notifications page's form.
    let page = app.get("/u/ben/notifications", &ben).await.text();
    assert!(page.contains(r#"name="notification_level_when_replying""#), "{page}");
    let r = app.call(Method::POST, "/u/ben/notifications", &ben, Send::Form("notification_level_when_replying=1")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    app.post_json("/posts.json", &ben, json!({"topic_id": second, "raw": "We would too."})).await;
    assert_eq!(level(&app.get_json(&format!("/t/{second}.json"), &ben).await), Some(1), "normal after replying");
    assert_eq!(level(&app.get_json(&format!("/t/{first}.json"), &ben).await), Some(3), "a level chosen before stays");
    let r = app.call(Method::POST, "/u/ben/notifications", &ben, Send::Form("notification_level_when_replying=0")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Choose what a topic you reply to is set to"), "{}", r.text());
}

async fn deliver(app: &TestApp) {
    app.settle().await;
}

async fn unread(app: &TestApp, who: &Auth) -> i64 {
    app.get_json("/session/current.json", who).await["current_user"]["unread_notifications"]
        .as_i64()
        .unwrap()
}

fn list(v: &Value) -> Vec<(i64, i64)> {
    v["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["notification_type"].as_i64().unwrap(),
                n["post_number"].as_i64().unwrap_or(0),
            )
        })
        .collect()
}

async fn mentions_reach_the_bell_and_the_list(b: minga_store::Backend) {
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
            "Pooling our servers in Leeds",
            "What do you think, @ben? Shall we share racks?",
        )
        .await;
    deliver(&app).await;
    assert_eq!(unread(&app, &ben).await, 1);

    let v = app.get_json("/notifications.json", &ben).await;
    assert_eq!(list(&v), [(1, 1)]);
    let n = &v["notifications"][0];
    assert_eq!(n["topic_id"], topic);
    assert_eq!(n["slug"], "pooling-our-servers-in-leeds");
    assert_eq!(n["fancy_title"], "Pooling our servers in Leeds");
    assert_eq!(n["read"], false);
    assert_eq!(n["data"]["display_username"], "ana");
    assert_eq!(n["data"]["topic_title"], "Pooling our servers in Leeds");
    assert_eq!(v["total_rows_notifications"], 1);

    // The bell in the header, and the page it opens.
    let page = app.get("/latest", &ben).await.text();
    assert!(
        page.contains(r#"<span class="bell-count">1</span>"#),
        "{page}"
    );
    assert!(page.contains("/assets/live.js"));
    let page = app.get("/u/ben/notifications", &ben).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text()
            .contains("ana mentioned you in “Pooling our servers in Leeds”"),
        "{}",
        page.text()
    );
    assert_eq!(
        app.get("/u/ana/notifications", &ben).await.status,
        StatusCode::NOT_FOUND,
        "only one's own"
    );
    app.get("/notifications.json", &Auth::Anon)
        .await
        .assert_error(403, "not_logged_in");

    // Opening it goes to the post and marks it read.
    let id = n["id"].as_i64().unwrap();
    let r = app.get(&format!("/n/{id}"), &ben).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location(),
        format!("/t/pooling-our-servers-in-leeds/{topic}#post_1")
    );
    assert_eq!(unread(&app, &ben).await, 0);
    assert_eq!(
        app.get(&format!("/n/{id}"), &admin).await.status,
        StatusCode::NOT_FOUND,
        "not the admin's"
    );

    // Replies to Ben's post; then marking all read, as Discourse's clients do.
    let r = app
        .post_json(
            "/posts.json",
            &ben,
            json!({"topic_id": topic, "raw": "Yes, count us in for two racks."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    for _ in 0..2 {
        app.post_json("/posts.json", &ana, json!({"topic_id": topic, "raw": "Great, I will book them today.", "reply_to_post_number": 2})).await;
    }
    deliver(&app).await;
    // Both replies fold into one notification, opening at the first.
    assert_eq!(unread(&app, &ben).await, 1);
    let recent = app
        .get_json("/notifications.json?recent=true&limit=1", &ben)
        .await;
    assert_eq!(list(&recent), [(2, 3)]);
    assert_eq!(recent["notifications"][0]["data"]["count"], 2);
    assert_eq!(recent["notifications"][0]["data"]["display_username"], "2 replies");
    let page = app.get("/u/ben/notifications", &ben).await.text();
    assert!(page.contains("2 new posts in “Pooling our servers in Leeds”"), "{page}");
    let r = app
        .call(
            Method::PUT,
            "/notifications/mark-read.json",
            &ben,
            Send::Json(json!({})),
        )
        .await;
    assert_eq!(
        (r.status, r.json()),
        (StatusCode::OK, json!({"success": "OK"}))
    );
    assert_eq!(unread(&app, &ben).await, 0);
    assert!(
        app.get_json("/notifications.json", &ben).await["seen_notification_id"]
            .as_i64()
            .unwrap()
            > id
    );
}

async fn levels_and_permissions_decide_who_hears(b: minga_store::Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let ben_user = app.user("ben", false).await;
    let ben = app.key_for(&ben_user).await;
    let ana = app.user("ana", false).await;
    let ana = app.key_for(&ana).await;
    let r = app
        .post_json(
            "/admin/groups.json",
            &admin,
            json!({"group": {"name": "facttic"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let group = r.json()["basic_group"]["id"].as_i64().unwrap();
    let r = app
        .post_json(
            "/categories.json",
            &admin,
            json!({"name": "Members only", "permissions": {"facttic": 1}}),
        )
        .await;
    let private = r.json()["category"]["id"].as_i64().unwrap();

    // A mention in a category Ben may not see tells him nothing.
    app.topic(
        &admin,
        private,
        "Budget for the gathering",
        "The numbers, @ben, are not for everyone.",
    )
    .await;
    deliver(&app).await;
    assert!(list(&app.get_json("/notifications.json", &ben).await).is_empty());

    // Once in the group he hears; once out, the notification is gone.
    let r = app
        .call(
            Method::PUT,
            &format!("/groups/{group}/members.json"),
            &admin,
            Send::Json(json!({"usernames": "ben"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    app.topic(
        &admin,
        private,
        "Second budget round for the gathering",
        "Now you may read it, @ben.",
    )
    .await;
    deliver(&app).await;
    assert_eq!(
        list(&app.get_json("/notifications.json", &ben).await),
        [(1, 1)]
    );
    let r = app
        .call(
            Method::DELETE,
            &format!("/groups/{group}/members.json"),
            &admin,
            Send::Json(json!({"usernames": "ben"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(list(&app.get_json("/notifications.json", &ben).await).is_empty());
    assert_eq!(
        unread(&app, &ben).await,
        0,
        "what he may no longer read does not count"
    );

    // Watching a topic: every reply. Levels by id or by name.
    let (topic, _) = app
        .topic(
            &ana,
            category,
            "Shared calendar for the network",
            "Let us keep one calendar.",
        )
        .await;
    let r = app
        .post_json(
            &format!("/t/{topic}/notifications.json"),
            &ben,
            json!({"notification_level": "3"}),
        )
        .await;
    assert_eq!(
        (r.status, r.json()),
        (StatusCode::OK, json!({"success": "OK"}))
    );
    app.reply(&ana, topic, "First entry: the gathering in May.")
        .await;
    deliver(&app).await;
    assert_eq!(
        list(&app.get_json("/notifications.json", &ben).await),
        [(9, 2)]
    );
    app.post_json(
        &format!("/t/{topic}/notifications.json"),
        &ben,
        json!({"notification_level": "muted"}),
    )
    .await;
    app.reply(&ana, topic, "Second entry, and a mention of @ben.")
        .await;
    deliver(&app).await;
    assert_eq!(
        list(&app.get_json("/notifications.json", &ben).await).len(),
        1,
        "muted: not even a mention"
    );
    // Bad levels and hidden topics.
    let r = app
        .post_json(
            &format!("/t/{topic}/notifications.json"),
            &ben,
            json!({"notification_level": "7"}),
        )
        .await;
    r.assert_error(422, "invalid_parameters");
    let r = app
        .post_json(&format!("/t/{topic}/notifications.json"), &ben, json!({}))
        .await;
    r.assert_error(422, "invalid_parameters");
    let hidden = app.get_json("/latest.json", &admin).await["topic_list"]["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "Budget for the gathering")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    app.post_json(
        &format!("/t/{hidden}/notifications.json"),
        &ben,
        json!({"notification_level": "3"}),
    )
    .await
    .assert_error(404, "not_found");
    app.post_json(
        &format!("/category/{private}/notifications.json"),
        &ben,
        json!({"notification_level": "3"}),
    )
    .await
    .assert_error(404, "not_found");

    // Watching a category's first posts: each new topic, not its replies.
    let r = app
        .post_json(
            &format!("/category/{category}/notifications.json"),
            &ben,
            json!({"notification_level": 4}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let (second, _) = app
        .topic(
            &ana,
            category,
            "Co-op accounting tools we use",
            "Which tools do your co-ops use?",
        )
        .await;
    app.reply(&ana, second, "We use a spreadsheet, honestly.")
        .await;
    deliver(&app).await;
    assert_eq!(
        list(&app.get_json("/notifications.json", &ben).await)[0],
        (17, 1)
    );
    assert_eq!(
        list(&app.get_json("/notifications.json", &ben).await).len(),
        2
    );
    // The preferences list the level chosen.
    let page = app
        .get("/u/ben/notifications", &app.session("ben").await)
        .await
        .text();
    assert!(
        page.contains(r#"<option value="4" selected>Watching first post</option>"#),
        "{page}"
    );
}

async fn reading_a_topic_marks_its_notifications_read(b: minga_store::Backend) {
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
            "Reading marks what was read",
            "A first post for @ben to read.",
        )
        .await;
    deliver(&app).await;
    assert_eq!(unread(&app, &ben).await, 1);
    // The topic page offers the levels, with Ben's (normal) chosen.
    let page = app
        .get(&format!("/t/reading-marks-what-was-read/{topic}"), &ben)
        .await
        .text();
    assert!(
        page.contains(r#"<option value="1" selected>Normal</option>"#),
        "{page}"
    );
    assert!(page.contains(&format!(r#"data-live-topic="{topic}""#)));
    app.state.flush_views().await.unwrap();
    assert_eq!(unread(&app, &ben).await, 0);
    // Back later, the page opens where Ben stopped reading.
    for n in 0..3 {
        app.reply(&ana, topic, &format!("Reply number {n} to read later on."))
            .await;
    }
    let page = app
        .get(&format!("/t/reading-marks-what-was-read/{topic}"), &ben)
        .await
        .text();
    assert!(page.contains(r#"data-scroll-to="post_2""#), "{page}");
}

async fn inviting_someone_to_a_topic_tells_them(b: minga_store::Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let ben = app.user("ben", false).await;
    let ben = app.key_for(&ben).await;
    let (topic, _) = app
        .topic(
            &admin,
            category,
            "Who runs the next assembly",
            "We need a chair for May.",
        )
        .await;
    let r = app
        .post_json(
            &format!("/t/{topic}/invite.json"),
            &admin,
            json!({"user": "ben"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["user"]["username"], "ben");
    let v = app.get_json("/notifications.json", &ben).await;
    assert_eq!(list(&v), [(13, 1)]);
    assert_eq!(v["notifications"][0]["data"]["display_username"], "admin");
    // Twice is once; by e-mail address too.
    app.post_json(
        &format!("/t/{topic}/invite.json"),
        &admin,
        json!({"email": "ben@example.org"}),
    )
    .await;
    assert_eq!(
        list(&app.get_json("/notifications.json", &ben).await).len(),
        1
    );
    // Who may not, and whom not.
    app.post_json(
        &format!("/t/{topic}/invite.json"),
        &ben,
        json!({"user": "admin"}),
    )
    .await
    .assert_error(403, "invalid_access");
    app.post_json(
        &format!("/t/{topic}/invite.json"),
        &admin,
        json!({"user": "nobody"}),
    )
    .await
    .assert_error(422, "invalid_parameters");
    app.post_json(&format!("/t/{topic}/invite.json"), &admin, json!({}))
        .await
        .assert_error(422, "invalid_parameters");
    app.post_json(
        &format!("/t/{topic}/invite.json"),
        &admin,
        json!({"user": "admin"}),
    )
    .await
    .assert_error(422, "invalid_parameters");
    app.post_json(
        "/admin/groups.json",
        &admin,
        json!({"group": {"name": "facttic"}}),
    )
    .await;
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
    let r = app
        .post_json(
            &format!("/t/{secret}/invite.json"),
            &admin,
            json!({"user": "ben"}),
        )
        .await;
    let v = r.assert_error(422, "invalid_parameters");
    assert!(
        v["errors"][0]
            .as_str()
            .unwrap()
            .contains("ben may not read this topic"),
        "{v}"
    );
    app.post_json(
        &format!("/t/{secret}/invite.json"),
        &ben,
        json!({"user": "admin"}),
    )
    .await
    .assert_error(404, "not_found");
}
