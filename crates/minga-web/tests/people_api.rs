//! People, sessions and staff tools through the JSON API, on both
//! backends: profiles as each reader may see them, e-mail addresses,
//! renaming, activity, the directory, logging in as Discourse answers it,
//! and the staff's tools. JSON shapes are pinned by snapshots
//! (`tests/snapshots/`), with ids, times and addresses redacted.

mod support;

use axum::http::{Method, StatusCode};
use minga_store::Backend;
use serde_json::{Value, json};
use support::{Auth, Send, TestApp};

both_backends!(
    profiles_show_what_the_reader_may_see,
    emails_are_for_the_person_and_staff,
    log_in_failures_answer_as_discourse,
    api_accounts_wait_unless_approved,
    renaming_checks_the_name_and_keeps_posts,
    activity_and_directory_follow_what_readers_see,
    staff_list_and_see_people,
    suspending_and_silencing_answer_as_discourse,
    staff_end_sessions_and_deactivate,
    anonymizing_keeps_posts_under_a_new_name,
    only_people_without_posts_are_deleted,
    sessions_settings_and_logs_keep_their_shapes,
    invites_answer_their_details_and_land_on_a_topic,
    staff_invite_many_addresses_at_once,
);

/// Replaces what differs from run to run (ids, times, ages, addresses)
/// with a placeholder, keeping nulls, so snapshots pin the shape.
fn redact(v: &Value) -> Value {
    fn volatile(key: &str) -> bool {
        key == "id"
            || key.ends_with("_id")
            || key.ends_with("_at")
            || key.ends_with("_age")
            || key.ends_with("_till")
            || matches!(key, "client_ip" | "ip_address" | "load_more_directory_items")
    }
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if volatile(k) && !v.is_null() && !v.is_object() && !v.is_array() { json!("[redacted]") } else { redact(v) };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact).collect()),
        other => other.clone(),
    }
}

/// A forum with an admin, a member of a public co-op and of a hidden one,
/// a category only the co-op sees, and a topic in each category.
struct Place {
    app: TestApp,
    admin: Auth,
    member: Auth,
    outsider: Auth,
    category: i64,
    private_topic: i64,
}

async fn place(b: Backend) -> Place {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let member = app.user("member", false).await;
    let member = app.key_for(&member).await;
    let outsider = app.user("outsider", false).await;
    let outsider = app.key_for(&outsider).await;
    let ok = |r: support::Response| {
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        r.json()
    };
    ok(app.post_json("/admin/groups.json", &admin, json!({"group": {"name": "facttic", "full_name": "FACTTIC", "usernames": "member"}})).await);
    ok(app.post_json("/admin/groups.json", &admin, json!({"group": {"name": "quiet_coop", "visibility_level": 2, "usernames": "member"}})).await);
    let private = ok(app.post_json("/categories.json", &admin, json!({"name": "Members only", "permissions": {"facttic": 1}})).await)["category"]["id"]
        .as_i64()
        .unwrap();
    let (topic, _) = app.topic(&member, category, "Shared hosting for the network", "Who hosts what? Let us pool our servers.").await;
    app.reply(&admin, topic, "We run two machines in Leeds.").await;
    app.reply(&member, topic, "Great, I will write up the list.").await;
    let (private_topic, _) = app.topic(&member, private, "Budget for the gathering", "Members only: the numbers.").await;
    Place { app, admin, member, outsider, category, private_topic }
}

async fn profiles_show_what_the_reader_may_see(b: Backend) {
    let p = place(b).await;
    let app = &p.app;
    let own = app.session("member").await;
    let mine = app.get_json("/u/member.json", &own).await;
    insta::assert_json_snapshot!("profile_as_themselves", redact(&mine));
    let user = &mine["user"];
    assert_eq!(user["topic_count"], 2, "they see their private topic");
    assert_eq!(user["post_count"], 3);
    assert_eq!(user["can_edit"], true);
    let sessions = user["user_auth_tokens"].as_array().unwrap();
    assert_eq!(sessions.len(), 1, "their own session: {sessions:?}");
    assert_eq!(sessions[0]["is_active"], true);
    let names = |u: &Value| u["groups"].as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(names(user), ["facttic", "quiet_coop"], "members see their hidden co-op");
    assert_eq!(user["group_users"].as_array().unwrap().len(), 2);

    // Visitors see the public co-op, public counts and no sessions.
    let seen = app.get_json("/u/member.json", &Auth::Anon).await;
    let user = &seen["user"];
    assert_eq!(names(user), ["facttic"]);
    assert_eq!(user["topic_count"], 1, "the private topic does not count");
    assert_eq!(user["post_count"], 2);
    assert_eq!(user["user_auth_tokens"], json!([]));
    assert_eq!(user["can_edit"], false);
    insta::assert_json_snapshot!("profile_as_a_visitor", redact(&seen));
    // Another member does not see the hidden co-op nor the sessions.
    let theirs = app.get_json("/u/member.json", &p.outsider).await;
    assert_eq!(names(&theirs["user"]), ["facttic"]);
    assert_eq!(theirs["user"]["user_auth_tokens"], json!([]));
    // Staff see every co-op, but not someone's sessions.
    let staff = app.get_json("/u/member.json", &p.admin).await;
    assert_eq!(names(&staff["user"]), ["facttic", "quiet_coop"]);
    assert_eq!(staff["user"]["user_auth_tokens"], json!([]));
    assert_eq!(staff["user"]["can_edit"], true);
    assert_eq!(app.get("/u/nobody.json", &Auth::Anon).await.status, StatusCode::NOT_FOUND);

    // Updating answers the basic shape.
    let r = app.call(Method::PUT, "/u/member.json", &p.member, Send::Json(json!({"name": "A Member", "location": "Leeds"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    insta::assert_json_snapshot!("profile_updated", redact(&r.json()));
    let r = app.call(Method::PUT, "/u/member.json", &p.member, Send::Json(json!({"location": ""}))).await;
    assert_eq!(r.status, StatusCode::OK);
    let now = app.get_json("/u/member.json", &Auth::Anon).await;
    assert_eq!((now["user"]["name"].as_str(), now["user"]["location"].as_str()), (Some("A Member"), Some("")), "blank clears, absent keeps");
    app.call(Method::PUT, "/u/member.json", &p.outsider, Send::Json(json!({"name": "Hacked"}))).await.assert_error(403, "invalid_access");
    app.call(Method::PUT, "/u/member.json", &p.member, Send::Json(json!({"primary_group_id": "many"}))).await.assert_error(400, "invalid_parameters");
}

async fn emails_are_for_the_person_and_staff(b: Backend) {
    let p = place(b).await;
    let app = &p.app;
    let mine = app.get_json("/u/member/emails.json", &p.member).await;
    insta::assert_json_snapshot!("emails", redact(&mine));
    assert_eq!(app.get_json("/u/member/emails.json", &p.admin).await["email"], "member@example.org");
    app.get("/u/member/emails.json", &p.outsider).await.assert_error(403, "invalid_access");
    assert_ne!(app.get("/u/member/emails.json", &Auth::Anon).await.status, StatusCode::OK);
}

async fn log_in_failures_answer_as_discourse(b: Backend) {
    let p = place(b).await;
    let app = &p.app;
    let visitor = app.visitor().await;
    let r = app.post_json("/session.json", &visitor, json!({"login": "member", "password": "not the password"})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.cookie("_t").is_none());
    insta::assert_json_snapshot!("log_in_refused", r.json());
    let r = app
        .post_json(
            "/session.json",
            &visitor,
            json!({"login": "nobody", "password": "not the password"}),
        )
        .await;
    assert_eq!(
        r.json()["error"],
        "Incorrect username, email or password",
        "the same for people who do not exist"
    );
    // The counts in the answer are the notifications already written.
    app.settle().await;
    let r = app
        .post_json(
            "/session.json",
            &visitor,
            json!({"login": "member", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.cookie("_t").is_some());
    insta::assert_json_snapshot!("logged_in", redact(&r.json()));
    // The page keeps its form error.
    let r = app.call(Method::POST, "/login", &visitor, Send::Form("login=member&password=wrong+one")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text().contains("Incorrect username, email or password"));
}

async fn api_accounts_wait_unless_approved(b: Backend) {
    let p = place(b).await;
    let app = &p.app;
    let r = app.call(Method::PUT, "/admin/site_settings/must_approve_users", &p.admin, Send::Json(json!({"must_approve_users": true}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let account = |name: &str| json!({"username": name, "email": format!("{name}@elsewhere.example"), "password": "a long enough passphrase", "name": name});
    let r = app.post_json("/users.json", &p.admin, account("waiting")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    insta::assert_json_snapshot!("created_waiting", redact(&r.json()));
    assert_eq!(r.json()["approved"], false, "an admin's API account waits unless they approve it");
    // The review queue, as Discourse's clients read it.
    let queue = app.get_json("/review.json", &p.admin).await;
    insta::assert_json_snapshot!("review_queue", redact(&queue));
    let mut approved = account("welcome");
    approved["approved"] = json!(true);
    approved["active"] = json!(true);
    let r = app.post_json("/users.json", &p.admin, approved).await;
    assert_eq!(r.json()["approved"], true);
    assert!(app.state.store.user_by_username("welcome").await.unwrap().unwrap().approved);
    // Only admins approve that way.
    let moderator = app.user("moddy", false).await;
    let boss = app.state.store.user_by_username("admin").await.unwrap().unwrap();
    app.state.store.set_role(moderator.id, "moderator", 1, boss.id).await.unwrap();
    let moddy = app.key_for(&moderator).await;
    let mut asked = account("hopeful");
    asked["approved"] = json!("true");
    assert_eq!(app.post_json("/users.json", &moddy, asked).await.json()["approved"], false);
}

async fn rename(app: &TestApp, auth: &Auth, to: &str) -> support::Response {
    app.call(Method::PUT, "/u/member/preferences/username.json", auth, Send::Json(json!({"new_username": to}))).await
}

async fn renaming_checks_the_name_and_keeps_posts(b: Backend) {
    let p = place(b).await;
    let app = &p.app;
    let (topic, _) = app.topic(&p.admin, p.category, "Thanks to our members", "Thank you @member for the list.").await;
    rename(app, &p.member, "x").await.assert_error(422, "invalid_parameters");
    rename(app, &p.member, "outsider").await.assert_error(422, "invalid_parameters");
    rename(app, &p.outsider, "taken_over").await.assert_error(403, "invalid_access");
    let r = rename(app, &p.member, "renamed").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    insta::assert_json_snapshot!("renamed", redact(&r.json()));
    assert_eq!(app.get("/u/member.json", &Auth::Anon).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get_json("/u/renamed.json", &Auth::Anon).await["user"]["topic_count"], 1);
    let page = app.get_json(&format!("/t/{topic}.json"), &Auth::Anon).await;
    let cooked = page["post_stream"]["posts"][0]["cooked"].as_str().unwrap().to_string();
    assert!(cooked.contains("@member"), "mentions stay as typed: {cooked}");
    // The key still works: it belongs to the person, not the name.
    let Auth::Key { key, .. } = &p.member else { unreachable!() };
    let renamed = Auth::Key { key: key.clone(), username: "renamed".into() };
    assert_eq!(app.get("/session/current.json", &renamed).await.json()["current_user"]["username"], "renamed");
    let log = app.get_json("/admin/logs/staff_action_logs.json", &p.admin).await;
    assert!(log["staff_action_logs"].as_array().unwrap().iter().any(|l| l["action_name"] == "change_username"));
}

async fn activity_and_directory_follow_what_readers_see(b: Backend) {
    let p = place(b).await;
    let app = &p.app;
    let all = app.get_json("/user_actions.json?username=member&filter=4,5&offset=0", &p.member).await;
    insta::assert_json_snapshot!("user_actions", redact(&all));
    let titles = |v: &Value| v["user_actions"].as_array().unwrap().iter().map(|a| (a["action_type"].as_i64().unwrap(), a["title"].as_str().unwrap().to_string())).collect::<Vec<_>>();
    assert_eq!(titles(&all).len(), 3);
    assert!(titles(&all).iter().any(|(_, t)| t == "Budget for the gathering"));
    let public = app.get_json("/user_actions.json?username=member&filter=4,5&offset=0", &Auth::Anon).await;
    assert!(!titles(&public).iter().any(|(_, t)| t == "Budget for the gathering"), "private topics are not shown to visitors");
    let started = app.get_json("/user_actions.json?username=member&filter=4", &p.member).await;
    assert!(titles(&started).iter().all(|(k, _)| *k == 4) && titles(&started).len() == 2);
    let replies = app.get_json("/user_actions.json?username=member&filter=5", &p.member).await;
    assert_eq!(titles(&replies), [(5, "Shared hosting for the network".to_string())]);
    let later = app.get_json("/user_actions.json?username=member&filter=4,5&offset=2", &p.member).await;
    assert_eq!(titles(&later).len(), 1, "offset pages through");
    app.get("/user_actions.json?username=member&filter=topics", &p.member).await.assert_error(400, "invalid_parameters");
    assert_eq!(app.get("/user_actions.json?username=nobody&filter=4", &p.member).await.status, StatusCode::NOT_FOUND);

    let directory = app.get_json("/directory_items.json?period=all&order=post_count", &Auth::Anon).await;
    insta::assert_json_snapshot!("directory", redact(&directory));
    let counts = |v: &Value, name: &str| {
        let item = v["directory_items"].as_array().unwrap().iter().find(|i| i["user"]["username"] == name).cloned().unwrap();
        (item["topic_count"].as_i64().unwrap(), item["post_count"].as_i64().unwrap())
    };
    assert_eq!(counts(&directory, "member"), (1, 2), "visitors count public posts only");
    assert_eq!(directory["directory_items"][0]["user"]["username"], "member", "most posts first");
    let as_member = app.get_json("/directory_items.json?period=weekly&order=topic_count", &p.member).await;
    assert_eq!(counts(&as_member, "member"), (2, 3));
    let ascending = app.get_json("/directory_items.json?period=all&order=post_count&asc=true", &Auth::Anon).await;
    assert_eq!(ascending["directory_items"][0]["post_count"], 0);
    app.get("/directory_items.json?period=decade&order=post_count", &Auth::Anon).await.assert_error(422, "invalid_parameters");
    // Login-required sites show it to members only.
    app.call(Method::PUT, "/admin/site_settings/login_required", &p.admin, Send::Json(json!({"login_required": true}))).await;
    assert_eq!(app.get("/directory_items.json?period=all&order=post_count", &Auth::Anon).await.status, StatusCode::FORBIDDEN);
    let _ = p.private_topic;
}

async fn staff_list_and_see_people(b: Backend) {
    let p = place(b).await;
    let app = &p.app;
    let listed = app.get_json("/admin/users.json", &p.admin).await;
    let flagged = app.get_json("/admin/users/list/active.json", &p.admin).await;
    assert_eq!(redact(&listed), redact(&flagged), "/admin/users.json is the active list");
    let member = listed.as_array().unwrap().iter().find(|u| u["username"] == "member").cloned().unwrap();
    insta::assert_json_snapshot!("admin_list_item", redact(&member));
    assert_eq!((member["post_count"].as_i64(), member["active"].as_bool()), (Some(3), Some(true)));
    let id = member["id"].as_i64().unwrap();
    let shown = app.get_json(&format!("/admin/users/{id}.json"), &p.admin).await;
    insta::assert_json_snapshot!("admin_user", redact(&shown));
    assert_eq!(shown["topic_count"], 2);
    assert_eq!(shown["groups"].as_array().unwrap().len(), 2);
    assert_eq!(shown["can_be_deleted"], false, "they have posts");
    assert_eq!(shown["can_grant_admin"], true);
    app.get("/admin/users.json", &p.member).await.assert_error(403, "invalid_access");
    app.get(&format!("/admin/users/{id}.json"), &p.outsider).await.assert_error(403, "invalid_access");
}

async fn suspending_and_silencing_answer_as_discourse(b: Backend) {
    let p = place(b).await;
    let app = &p.app;
    let id = app.state.store.user_by_username("outsider").await.unwrap().unwrap().id.0;
    let r = app.call(Method::PUT, &format!("/admin/users/{id}/suspend.json"), &p.admin, Send::Json(json!({"suspend_until": "2121-02-22", "reason": "Repeated personal attacks", "message": "mail is not sent"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    insta::assert_json_snapshot!("suspended", redact(&r.json()));
    assert_eq!(r.json()["suspension"]["suspended_by"]["username"], "admin");
    app.get("/latest.json", &p.outsider).await.assert_error(403, "invalid_access");
    let shown = app.get_json(&format!("/admin/users/{id}.json"), &p.admin).await;
    assert_eq!(shown["suspended_by"]["username"], "admin");
    assert_eq!(shown["full_suspend_reason"], "Repeated personal attacks");
    app.call(Method::PUT, &format!("/admin/users/{id}/unsuspend.json"), &p.admin, Send::Nothing).await;
    let r = app.call(Method::PUT, &format!("/admin/users/{id}/silence.json"), &p.admin, Send::Json(json!({"silenced_till": "2099-06-01T08:00:00.000Z", "reason": "Posting adverts"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    insta::assert_json_snapshot!("silenced", redact(&r.json()));
    assert_eq!(app.get_json(&format!("/admin/users/{id}.json"), &p.admin).await["silence_reason"], "Posting adverts");
    let r = app.call(Method::PUT, &format!("/admin/users/{id}/suspend.json"), &p.admin, Send::Json(json!({"suspend_until": "soon", "reason": "x"}))).await;
    r.assert_error(422, "invalid_parameters");
}

async fn staff_end_sessions_and_deactivate(b: Backend) {
    let p = place(b).await;
    let app = &p.app;
    let id = app.state.store.user_by_username("outsider").await.unwrap().unwrap().id.0;
    let first = app.session("outsider").await;
    let second = app.session("outsider").await;
    let r = app.call(Method::POST, &format!("/admin/users/{id}/log_out.json"), &p.admin, Send::Nothing).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    insta::assert_json_snapshot!("logged_out", r.json());
    for s in [&first, &second] {
        app.get("/session/current.json", s).await.assert_error(404, "not_found");
    }
    // Deactivated people cannot log in, and their sessions end.
    let session = app.session("outsider").await;
    let r = app.call(Method::PUT, &format!("/admin/users/{id}/deactivate.json"), &p.admin, Send::Nothing).await;
    assert_eq!(r.json(), json!({"success": "OK"}));
    app.get("/session/current.json", &session).await.assert_error(404, "not_found");
    app.get("/latest.json", &p.outsider).await.assert_error(403, "invalid_access");
    let visitor = app.visitor().await;
    let r = app.post_json("/session.json", &visitor, json!({"login": "outsider", "password": "correct horse battery"})).await;
    assert_eq!(r.json()["reason"], "not_activated");
    assert_eq!(app.get_json(&format!("/admin/users/{id}.json"), &p.admin).await["can_activate"], true);
    let r = app.call(Method::PUT, &format!("/admin/users/{id}/activate.json"), &p.admin, Send::Nothing).await;
    assert_eq!(r.status, StatusCode::OK);
    app.session("outsider").await;
    // Members cannot; moderators cannot act on admins.
    app.call(Method::POST, &format!("/admin/users/{id}/log_out.json"), &p.member, Send::Nothing).await.assert_error(403, "invalid_access");
    let boss = app.state.store.user_by_username("admin").await.unwrap().unwrap();
    let moderator = app.user("moddy", false).await;
    app.state.store.set_role(moderator.id, "moderator", 1, boss.id).await.unwrap();
    let moddy = app.key_for(&moderator).await;
    let r = app.call(Method::PUT, &format!("/admin/users/{}/deactivate.json", boss.id.0), &moddy, Send::Nothing).await;
    r.assert_error(403, "invalid_access");
    assert_eq!(app.call(Method::PUT, &format!("/admin/users/{id}/deactivate.json"), &moddy, Send::Nothing).await.status, StatusCode::OK);
}

async fn anonymizing_keeps_posts_under_a_new_name(b: Backend) {
    let p = place(b).await;
    let app = &p.app;
    let member = app.state.store.user_by_username("member").await.unwrap().unwrap();
    let session = app.session("member").await;
    let r = app.call(Method::PUT, &format!("/admin/users/{}/anonymize.json", member.id.0), &p.admin, Send::Nothing).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    insta::assert_json_snapshot!("anonymized", redact(&r.json()));
    let username = r.json()["username"].as_str().unwrap().to_string();
    let now = app.state.store.user_by_id(member.id).await.unwrap().unwrap();
    assert_eq!((now.username.as_str(), now.name.as_str(), now.bio_raw.as_str(), now.location.as_str()), (username.as_str(), "", "", ""));
    assert!(!now.email.contains("member"));
    app.get("/session/current.json", &session).await.assert_error(404, "not_found");
    app.get("/latest.json", &p.member).await.assert_error(403, "invalid_access");
    let visitor = app.visitor().await;
    let r = app.post_json("/session.json", &visitor, json!({"login": "member", "password": "correct horse battery"})).await;
    assert!(r.json()["error"].is_string());
    assert_eq!(app.get_json(&format!("/u/{username}.json"), &Auth::Anon).await["user"]["post_count"], 2, "posts stay");
    let log = app.get_json("/admin/logs/staff_action_logs.json", &p.admin).await;
    assert!(log["staff_action_logs"].as_array().unwrap().iter().any(|l| l["action_name"] == "anonymize_user"));
    // Staff are not anonymized.
    let boss = app.state.store.user_by_username("admin").await.unwrap().unwrap();
    let other_admin = app.user("second", true).await;
    let second = app.key_for(&other_admin).await;
    app.call(Method::PUT, &format!("/admin/users/{}/anonymize.json", boss.id.0), &second, Send::Nothing).await.assert_error(403, "invalid_access");
}

async fn only_people_without_posts_are_deleted(b: Backend) {
    let p = place(b).await;
    let app = &p.app;
    let member = app.state.store.user_by_username("member").await.unwrap().unwrap();
    let outsider = app.state.store.user_by_username("outsider").await.unwrap().unwrap();
    let r = app.call(Method::DELETE, &format!("/admin/users/{}.json", member.id.0), &p.admin, Send::Json(json!({"delete_posts": true}))).await;
    r.assert_error(403, "invalid_access");
    assert!(app.state.store.user_by_id(member.id).await.unwrap().is_some());
    app.call(Method::DELETE, &format!("/admin/users/{}.json", outsider.id.0), &p.member, Send::Nothing).await.assert_error(403, "invalid_access");
    let r = app.call(Method::DELETE, &format!("/admin/users/{}.json", outsider.id.0), &p.admin, Send::Nothing).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    insta::assert_json_snapshot!("deleted", r.json());
    assert!(app.state.store.user_by_id(outsider.id).await.unwrap().is_none());
    app.get("/latest.json", &p.outsider).await.assert_error(403, "invalid_access");
    let boss = app.state.store.user_by_username("admin").await.unwrap().unwrap();
    let other_admin = app.user("second", true).await;
    let second = app.key_for(&other_admin).await;
    app.call(Method::DELETE, &format!("/admin/users/{}.json", boss.id.0), &second, Send::Nothing).await.assert_error(403, "invalid_access");
    let log = app.get_json("/admin/logs/staff_action_logs.json", &p.admin).await;
    assert!(log["staff_action_logs"].as_array().unwrap().iter().any(|l| l["action_name"] == "delete_user" && l["details"] == "outsider"));
}

async fn sessions_settings_and_logs_keep_their_shapes(b: Backend) {
    let p = place(b).await;
    let app = &p.app;
    let session = app.session("member").await;
    app.settle().await;
    let current = app.get_json("/session/current.json", &session).await;
    insta::assert_json_snapshot!("current_user", redact(&current));
    let hp = app.get_json("/session/hp.json", &Auth::Anon).await;
    assert!(hp["value"].is_string() && hp["challenge"].is_string());
    assert!(app.get_json("/session/csrf.json", &Auth::Anon).await["csrf"].is_string());
    let other = app.session("member").await;
    let r = app.call(Method::POST, "/u/member/preferences/revoke-auth-token.json", &session, Send::Json(json!({}))).await;
    assert_eq!(r.json(), json!({"success": "OK"}));
    app.get("/session/current.json", &other).await.assert_error(404, "not_found");
    app.call(Method::POST, "/u/member/preferences/revoke-auth-token.json", &session, Send::Json(json!({"token_id": "many"}))).await.assert_error(400, "invalid_parameters");
    let r = app.call(Method::DELETE, "/session/member.json", &session, Send::Nothing).await;
    assert_eq!(r.json(), json!({"success": "OK"}));
    app.get("/session/current.json", &session).await.assert_error(404, "not_found");

    let r = app.call(Method::PUT, "/admin/site_settings/auto_approve_email_domains", &p.admin, Send::Form("auto_approve_email_domains=facttic.example")).await;
    assert_eq!(r.json(), json!({"success": "OK"}), "form fields are read too");
    let settings = app.get_json("/admin/site_settings.json", &p.admin).await;
    let title = settings["site_settings"].as_array().unwrap().iter().find(|s| s["setting"] == "auto_approve_email_domains").cloned().unwrap();
    insta::assert_json_snapshot!("site_setting", title);
    app.get("/admin/site_settings.json", &p.member).await.assert_error(403, "invalid_access");
    let id = app.state.store.user_by_username("outsider").await.unwrap().unwrap().id.0;
    app.call(Method::PUT, &format!("/admin/users/{id}/trust_level.json"), &p.admin, Send::Json(json!({"level": 2}))).await;
    let logs = app.get_json("/admin/logs/staff_action_logs.json", &p.admin).await;
    // The newest two, ours: other areas log their own actions too.
    let newest = json!({"staff_action_logs": logs["staff_action_logs"].as_array().unwrap()[..2]});
    insta::assert_json_snapshot!("staff_action_logs", redact(&newest));
    app.get("/admin/logs/staff_action_logs.json", &p.member).await.assert_error(403, "invalid_access");
}

/// An invite with groups, a note and a topic to land on, as Discourse
/// shapes it; the newcomer lands on the topic.
async fn invites_answer_their_details_and_land_on_a_topic(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let r = app.post_json("/admin/groups.json", &admin, json!({"group": {"name": "camba", "full_name": "Cambá"}})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let group = r.json()["basic_group"]["id"].as_i64().unwrap();
    let (topic, _) = app.topic(&admin, category, "Welcome to the network, newcomers", "Say hello here.").await;
    // Discourse documents group ids as "42,43"; a list works too.
    let r = app
        .post_json("/invites.json", &admin, json!({"max_redemptions_allowed": "3", "group_ids": group.to_string(), "topic_id": topic, "custom_message": "Come and meet us", "description": "Welcome topic"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let invite = r.json();
    let mut shown = redact(&invite);
    shown["invite_key"] = json!("[key]");
    shown["link"] = json!("[link]");
    insta::assert_json_snapshot!("invite", shown);
    assert_eq!(invite["groups"][0]["name"], "camba");
    assert_eq!(invite["topics"][0]["id"], topic);
    assert_eq!(invite["custom_message"], "Come and meet us");
    let key = invite["invite_key"].as_str().unwrap();
    let visitor = app.visitor().await;
    let body = json!({"username": "newcomer", "email": "newcomer@example.org", "password": "correct horse battery", "name": ""});
    let r = app.call(Method::PUT, &format!("/invites/show/{key}.json"), &visitor, Send::Json(body)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["redirect_to"], format!("/t/{topic}"));
    // Its maker (or an admin) deletes an invite, and its link stops working.
    let r = app.post_json("/invites.json", &admin, json!({"max_redemptions_allowed": "5"})).await;
    let (gone, gone_key) = (r.json()["id"].as_i64().unwrap(), r.json()["invite_key"].as_str().unwrap().to_string());
    let stranger = app.user("stranger", false).await;
    let stranger = app.key_for(&stranger).await;
    for (who, body) in [(&stranger, json!({"id": gone})), (&admin, json!({"id": 999_999})), (&admin, json!({}))] {
        app.call(Method::DELETE, "/invites.json", who, Send::Json(body)).await.assert_error(400, "invalid_parameters");
    }
    let r = app.call(Method::DELETE, &format!("/invites.json?id={gone}"), &admin, Send::Nothing).await;
    assert_eq!((r.status, r.json()), (StatusCode::OK, json!({"success": "OK"})));
    let body = json!({"username": "latecomer", "email": "latecomer@example.org", "password": "correct horse battery", "name": ""});
    let r = app.call(Method::PUT, &format!("/invites/show/{gone_key}.json"), &visitor, Send::Json(body)).await;
    assert!(r.status.is_client_error(), "{}", r.text());
    assert!(app.state.store.user_by_username("latecomer").await.unwrap().is_none());
    app.call(Method::DELETE, "/invites.json", &admin, Send::Json(json!({"id": gone}))).await.assert_error(400, "invalid_parameters");
    // Bad terms are refused whole, and nothing is stored.
    let bad = [
        (json!({"topic_id": 999_999}), "topic_id"),
        (json!({"group_ids": "1,x"}), "group_ids"),
        (json!({"custom_message": "x".repeat(1001)}), "custom_message"),
        (json!({"email": "someone@example.org", "max_redemptions_allowed": 4}), "max_redemptions_allowed"),
        (json!({"email": "admin@example.org"}), "email"),
    ];
    for (body, field) in bad {
        let r = app.post_json("/invites.json", &admin, body.clone()).await;
        assert!(r.status.is_client_error(), "{body}: {}", r.text());
        assert!(r.text().contains(field), "{body}: {}", r.text());
    }
    // A topic in a private category needs a group that can read it.
    let r = app.post_json("/categories.json", &admin, json!({"name": "Camba only", "permissions": {"camba": 1}})).await;
    let private = r.json()["category"]["id"].as_i64().unwrap();
    let (secret, _) = app.topic(&admin, private, "Our own plans for the coming year", "Members only.").await;
    let r = app.post_json("/invites.json", &admin, json!({"topic_id": secret})).await;
    assert_eq!(r.assert_error(422, "invalid_parameters")["field_errors"][0]["field"], "topic_id");
    let r = app.post_json("/invites.json", &admin, json!({"topic_id": secret, "group_names": "camba"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // A member who may not see the topic cannot invite to it either.
    let member = app.user("member", false).await;
    let boss = app.state.store.user_by_username("admin").await.unwrap().unwrap();
    app.state.store.set_role(member.id, "trust_level", 2, boss.id).await.unwrap();
    let member = app.key_for(&member).await;
    let r = app.post_json("/invites.json", &member, json!({"topic_id": secret})).await;
    assert_eq!(r.assert_error(422, "invalid_parameters")["field_errors"][0]["field"], "topic_id");
}

/// `create-multiple`: staff only; each address made or reported.
async fn staff_invite_many_addresses_at_once(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, _) = app.admin_and_category().await;
    let member = app.user("member", false).await;
    let boss = app.state.store.user_by_username("admin").await.unwrap().unwrap();
    app.state.store.set_role(member.id, "trust_level", 2, boss.id).await.unwrap();
    let member = app.key_for(&member).await;
    let emails = json!({"email": ["ana@coop.example", "not an address", "Ana@coop.example", "admin@example.org", "beto@coop.example"]});
    app.post_json("/invites/create-multiple.json", &member, emails.clone()).await.assert_error(403, "invalid_access");
    let r = app.post_json("/invites/create-multiple.json", &admin, emails).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    assert_eq!((v["num_successfully_created_invitations"].as_i64(), v["num_failed_invitations"].as_i64()), (Some(2), Some(2)));
    let made: Vec<&str> = v["successful_invitations"].as_array().unwrap().iter().map(|i| i["email"].as_str().unwrap()).collect();
    assert_eq!(made, ["ana@coop.example", "beto@coop.example"]);
    let failed: Vec<&str> = v["failed_invitations"].as_array().unwrap().iter().map(|i| i["email"].as_str().unwrap()).collect();
    assert_eq!(failed, ["not an address", "admin@example.org"]);
    // Each link is bound to its address.
    let key = v["successful_invitations"][0]["invite_key"].as_str().unwrap();
    let visitor = app.visitor().await;
    let body = json!({"username": "thief", "email": "thief@example.org", "password": "correct horse battery"});
    let r = app.call(Method::PUT, &format!("/invites/show/{key}.json"), &visitor, Send::Json(body)).await;
    r.assert_error(422, "invalid_parameters");
    // Shared terms that are wrong refuse the whole batch.
    let r = app.post_json("/invites/create-multiple.json", &admin, json!({"email": ["c@coop.example"], "group_names": "nobody"})).await;
    r.assert_error(422, "invalid_parameters");
    app.post_json("/invites/create-multiple.json", &admin, json!({"email": []})).await.assert_error(422, "invalid_parameters");
    // The sign-up form's route keeps its own path.
    assert_eq!(app.get(&format!("/invites/{key}"), &Auth::Anon).await.status, StatusCode::OK);
}
