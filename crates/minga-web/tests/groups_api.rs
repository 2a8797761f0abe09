//! Groups through the JSON API, pinned by snapshots, on both backends:
//! creating, reading, listing, members, settings, deleting.

mod support;

use axum::http::Method;
use minga_store::Backend;
use serde_json::{Value, json};
use support::{Auth, Send, TestApp};

both_backends!(group_shapes_read_back, members_and_owners, settings_are_checked_and_kept, admins_delete_custom_groups);

/// Ids, times and keys change from run to run.
macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::assert_json_snapshot!($name, $value, {
            ".**.id" => "[id]",
            ".**.primary_group_id" => "[id]",
            ".**.created_at" => "[time]",
            ".**.added_at" => "[time]",
            ".**.last_seen_at" => "[time]",
            ".**.last_posted_at" => "[time]",
        })
    };
}

async fn forum(b: Backend) -> (TestApp, Auth, Auth) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let ana = app.user("ana", false).await;
    app.user("beto", false).await;
    let ana = app.key_for(&ana).await;
    app.topic(&ana, category, "Shared hosting for the network", "Who hosts what? Let us pool our servers.").await;
    let r = app
        .post_json(
            "/admin/groups.json",
            &admin,
            json!({"group": {
                "name": "facttic", "full_name": "FACTTIC", "bio_raw": "Tech co-ops of **Argentina**.",
                "usernames": "beto", "owner_usernames": "ana", "public_admission": "true", "public_exit": true,
                "flair_icon": "fa-users", "flair_bg_color": "#49d9e9", "flair_color": "fff", "mentionable_level": 99,
                "messageable_level": "3", "automatic_membership_email_domains": "facttic.org.ar|@Camba.coop",
                "membership_request_template": "Which co-op are you from?", "grant_trust_level": 1,
                "default_notification_level": 2, "authenticity_token": "ignored",
            }}),
        )
        .await;
    snapshot!("create_group", r.json());
    (app, admin, ana)
}

async fn group_shapes_read_back(b: Backend) {
    let (app, admin, ana) = forum(b).await;
    let shown = app.get_json("/groups/facttic.json", &ana).await;
    snapshot!("get_group_as_owner", &shown);
    let id = shown["group"]["id"].as_i64().unwrap();
    assert_eq!(shown["group"]["user_count"], 2);
    let by_id = app.get_json(&format!("/groups/by-id/{id}.json"), &ana).await;
    assert_eq!(by_id, shown, "by id answers as by name");
    let visitor = app.get_json("/groups/facttic.json", &Auth::Anon).await;
    assert_eq!(visitor["group"]["automatic_membership_email_domains"], Value::Null, "domains are for those who manage it");
    assert_eq!(visitor["group"]["can_admin_group"], false);
    snapshot!("list_groups_as_visitor", app.get_json("/groups.json", &Auth::Anon).await);
    let staff_list = app.get_json("/groups.json", &admin).await;
    let everyone = staff_list["groups"].as_array().unwrap().iter().find(|g| g["name"] == "admins").unwrap();
    assert_eq!(everyone["user_count"], 1, "automatic groups are counted");
    app.call(Method::GET, "/groups/by-id/99999.json", &admin, Send::Nothing).await.assert_error(404, "not_found");
}

async fn members_and_owners(b: Backend) {
    let (app, _admin, ana) = forum(b).await;
    snapshot!("members", app.get_json("/groups/facttic/members.json", &ana).await);
    app.user("carla", false).await;
    let r = app.call(Method::PUT, "/groups/facttic/members.json", &ana, Send::Json(json!({"usernames": "carla,Carla"}))).await;
    snapshot!("add_members", r.json());
    let r = app.call(Method::DELETE, "/groups/facttic/members.json", &ana, Send::Json(json!({"usernames": "carla"}))).await;
    assert_eq!(r.json(), json!({"success": "OK", "usernames": ["carla"], "skipped_usernames": []}));
    let r = app.call(Method::DELETE, "/groups/facttic/members.json", &ana, Send::Json(json!({"usernames": "carla"}))).await;
    assert_eq!(r.json(), json!({"success": "OK", "usernames": [], "skipped_usernames": ["carla"]}), "not a member: skipped");
    let page = app.get_json("/groups/facttic/members.json?limit=1&offset=1", &ana).await;
    assert_eq!(page["meta"], json!({"total": 2, "limit": 1, "offset": 1}));
    assert_eq!(page["members"][0]["username"], "beto");
    app.call(Method::GET, "/groups/facttic/members.json?limit=lots", &ana, Send::Nothing).await.assert_error(400, "invalid_parameters");
}

async fn settings_are_checked_and_kept(b: Backend) {
    let (app, admin, ana) = forum(b).await;
    for (field, value) in [("visibility_level", json!(7)), ("flair_color", json!("blue")), ("mentionable_level", json!(5)), ("grant_trust_level", json!(9)), ("automatic_membership_email_domains", json!("not a domain"))] {
        let r = app.call(Method::PUT, "/groups/facttic.json", &ana, Send::Json(json!({"group": {field: value}}))).await;
        assert_eq!(r.status.as_u16(), 422, "{field}: {}", r.text());
        assert!(r.text().contains(field), "{field}: {}", r.text());
    }
    let r = app.call(Method::PUT, "/groups/facttic.json", &ana, Send::Json(json!({"group": {"full_name": "FACTTIC federation", "flair_icon": "fa-handshake"}}))).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    let g = &app.get_json("/groups/facttic.json", &admin).await["group"];
    assert_eq!(g["full_name"], "FACTTIC federation");
    assert_eq!(g["flair_url"], "fa-handshake");
    assert_eq!(g["flair_bg_color"], "49d9e9", "what was not sent is kept");
    assert_eq!(g["automatic_membership_email_domains"], "facttic.org.ar|camba.coop");
    let r = app.call(Method::PUT, "/groups/facttic.json", &admin, Send::Form("group%5Bvisibility_level%5D=high")).await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text());
}

async fn admins_delete_custom_groups(b: Backend) {
    let (app, admin, ana) = forum(b).await;
    let id = app.get_json("/groups/facttic.json", &admin).await["group"]["id"].as_i64().unwrap();
    let category = app.post_json("/categories.json", &admin, json!({"name": "Members only", "permissions": {"facttic": 1}})).await.json()["category"]["id"].as_i64().unwrap();
    let path = format!("/admin/groups/{id}.json");
    app.call(Method::DELETE, &path, &ana, Send::Nothing).await.assert_error(403, "invalid_access");
    app.call(Method::DELETE, "/admin/groups/1.json", &admin, Send::Nothing).await.assert_error(403, "invalid_access");
    let r = app.call(Method::DELETE, &path, &admin, Send::Nothing).await;
    assert_eq!(r.json(), json!({"success": "OK"}));
    app.call(Method::GET, "/groups/facttic.json", &admin, Send::Nothing).await.assert_error(404, "not_found");
    let c = app.get_json(&format!("/c/{category}/show.json"), &admin).await;
    assert!(!c.to_string().contains("facttic"), "its grants went with it: {c}");
    app.call(Method::DELETE, &path, &admin, Send::Nothing).await.assert_error(404, "not_found");
    let log = app.get_json("/admin/logs/staff_action_logs.json", &admin).await;
    assert!(log.to_string().contains("delete_group"), "{log}");
}
