//! Topics, posts and categories through Discourse's JSON API, on both
//! backends: each answer's shape pinned by a snapshot (ids, times and
//! tokens redacted), and the rules behind each action.

mod support;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use support::{Auth, Send, TestApp};

/// Values that differ from run to run, replaced so the snapshots hold.
fn redact(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                let varies = k == "id"
                    || k.ends_with("_id")
                    || k.ends_with("_at")
                    || k.ends_with("_until")
                    || matches!(k.as_str(), "stream" | "post_url" | "draft_key" | "more_topics_url" | "topic_url" | "subcategory_ids");
                if varies && !v.is_null() {
                    *v = match v {
                        Value::Array(items) => Value::Array(items.iter().map(|_| json!("[redacted]")).collect()),
                        _ => json!("[redacted]"),
                    };
                } else {
                    redact(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

fn snap(mut v: Value) -> Value {
    redact(&mut v);
    v
}

/// A forum with an admin, a member with a topic and a reply, and a
/// category only a group may see.
struct Forum {
    app: TestApp,
    admin: Auth,
    member: Auth,
    other: Auth,
    category: i64,
    private: i64,
    topic: i64,
    first_post: i64,
    reply: i64,
}

async fn forum(backend: minga_store::Backend) -> Forum {
    let app = TestApp::new(backend).await;
    let (admin, category) = app.admin_and_category().await;
    let member = app.user("member", false).await;
    let member = app.key_for(&member).await;
    let other = app.user("other", false).await;
    let other = app.key_for(&other).await;
    let r = app.post_json("/admin/groups.json", &admin, json!({"group": {"name": "facttic"}})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app.post_json("/categories.json", &admin, json!({"name": "Members only", "permissions": {"facttic": 1}})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let private = r.json()["category"]["id"].as_i64().unwrap();
    let (topic, first_post) = app.topic(&member, category, "Shared hosting for the network", "Who hosts what? Let us pool our servers.").await;
    let r = app.post_json("/posts.json", &admin, json!({"topic_id": topic, "raw": "We run two machines in Leeds.", "reply_to_post_number": 1})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let reply = r.json()["id"].as_i64().unwrap();
    app.topic(&admin, private, "Budget for the gathering", "Members only: the numbers.").await;
    Forum { app, admin, member, other, category, private, topic, first_post, reply }
}

impl Forum {
    async fn reply_to(&self, auth: &Auth) -> support::Response {
        self.app.post_json("/posts.json", auth, json!({"topic_id": self.topic, "raw": "One more thought on hosting."})).await
    }
    async fn put(&self, path: &str, auth: &Auth, body: Value) -> support::Response {
        self.app.call(Method::PUT, path, auth, Send::Json(body)).await
    }
    async fn delete(&self, path: &str, auth: &Auth) -> support::Response {
        self.app.call(Method::DELETE, path, auth, Send::Nothing).await
    }
    async fn ok(&self, r: support::Response) -> Value {
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        r.json()
    }
    async fn topic_json(&self, auth: &Auth) -> Value {
        self.app.get_json(&format!("/t/{}.json", self.topic), auth).await
    }
    async fn latest_ids(&self, path: &str, auth: &Auth) -> Vec<i64> {
        let v = self.app.get_json(path, auth).await;
        v["topic_list"]["topics"].as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect()
    }
}

async fn topic_view_and_posts(backend: minga_store::Backend) {
    let f = forum(backend).await;
    let v = f.topic_json(&f.member).await;
    assert_eq!(v["post_stream"]["posts"][0]["reviewable_id"], 0, "topic views send 0, as Discourse");
    assert!(v["details"]["participants"][0].get("flair_name").is_some());
    insta::assert_json_snapshot!("topic_view", snap(v));
    let v = f.app.get_json(&format!("/t/{}/posts.json?post_ids[]={}", f.topic, f.reply), &f.member).await;
    insta::assert_json_snapshot!("topic_posts", snap(v));
    let v = f.app.get_json(&format!("/posts/{}.json", f.reply), &f.member).await;
    assert_eq!(v["hidden"], false);
    assert_eq!(v["reviewable_id"], Value::Null);
    insta::assert_json_snapshot!("post", snap(v));
    let v = f.app.get_json("/latest.json", &f.member).await;
    insta::assert_json_snapshot!("latest", snap(v));
}

async fn creating_and_editing_answer_a_draft_sequence(backend: minga_store::Backend) {
    let f = forum(backend).await;
    let v = f.ok(f.app.post_json("/posts.json", &f.member, json!({"title": "A gathering in Buenos Aires", "raw": "Who is coming this year?", "category": f.category})).await).await;
    assert_eq!(v["draft_sequence"], 0);
    insta::assert_json_snapshot!("created_topic", snap(v));
    let v = f.ok(f.put(&format!("/posts/{}.json", f.first_post), &f.member, json!({"post": {"raw": "Who hosts what? Let us pool our servers and costs."}})).await).await;
    assert_eq!(v["post"]["draft_sequence"], 0);
    assert_eq!(v["post"]["version"], 2);
    insta::assert_json_snapshot!("updated_post", snap(v));
}

async fn flagged_posts_say_they_are_hidden(backend: minga_store::Backend) {
    let f = forum(backend).await;
    let third = f.app.user("third", false).await;
    let third = f.app.key_for(&third).await;
    for flagger in [&f.member, &f.other, &third] {
        let r = f.app.post_json("/post_actions.json", flagger, json!({"id": f.reply, "post_action_type_id": 4})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let v = f.app.get_json(&format!("/posts/{}.json", f.reply), &f.admin).await;
    assert_eq!(v["hidden"], true);
}

async fn removing_a_topic(backend: minga_store::Backend) {
    let f = forum(backend).await;
    // Once someone has replied, only staff remove the topic.
    f.delete(&format!("/t/{}.json", f.topic), &f.member).await.assert_error(403, "invalid_access");
    f.delete(&format!("/t/{}.json", f.topic), &f.other).await.assert_error(403, "invalid_access");
    let visitor = f.app.visitor().await;
    f.delete(&format!("/t/{}.json", f.topic), &visitor).await.assert_error(403, "not_logged_in");
    let v = f.ok(f.delete(&format!("/t/{}.json", f.topic), &f.admin).await).await;
    insta::assert_json_snapshot!("removed_topic", v);
    f.app.get(&format!("/t/{}.json", f.topic), &f.member).await.assert_error(404, "not_found");
    f.delete(&format!("/t/{}.json", f.topic), &f.admin).await.assert_error(404, "not_found");
    // Its author removes a topic nobody has answered.
    let (alone, _) = f.app.topic(&f.member, f.category, "A topic posted by mistake", "Please ignore this one.").await;
    f.ok(f.delete(&format!("/t/{alone}.json"), &f.member).await).await;
    let ids = f.latest_ids("/latest.json", &f.member).await;
    assert!(!ids.contains(&alone) && !ids.contains(&f.topic));
    let cat = f.app.get_json(&format!("/c/{}/show.json", f.category), &f.admin).await;
    assert_eq!(cat["category"]["topic_count"], 0, "counts follow");
}

async fn updating_a_topic(backend: minga_store::Backend) {
    let f = forum(backend).await;
    let path = format!("/t/-/{}.json", f.topic);
    let v = f.ok(f.put(&path, &f.member, json!({"topic": {"title": "Shared hosting across the network"}})).await).await;
    insta::assert_json_snapshot!("updated_topic", snap(v.clone()));
    assert_eq!(v["basic_topic"]["slug"], "shared-hosting-across-the-network");
    f.put(&path, &f.other, json!({"topic": {"title": "Someone else's topic now"}})).await.assert_error(403, "invalid_access");
    // A category the author may not see does not exist for them.
    f.put(&path, &f.member, json!({"topic": {"category_id": f.private}})).await.assert_error(422, "invalid_parameters");
    f.put(&path, &f.member, json!({"topic": {"title": "x"}})).await.assert_error(422, "invalid_parameters");
    f.put(&path, &f.member, json!({"topic": {"category_id": "many"}})).await.assert_error(400, "invalid_parameters");
    // Staff move it; counts follow.
    f.ok(f.put(&path, &f.admin, json!({"topic": {"category_id": f.private}})).await).await;
    f.app.get(&format!("/t/{}.json", f.topic), &f.member).await.assert_error(404, "not_found");
    let cat = f.app.get_json(&format!("/c/{}/show.json", f.private), &f.admin).await;
    assert_eq!(cat["category"]["topic_count"], 2);
    assert_eq!(cat["category"]["post_count"], 3);
    let v = f.app.get_json(&format!("/t/{}.json", f.topic), &f.admin).await;
    assert_eq!(v["title"], "Shared hosting across the network");
}

async fn topic_status(backend: minga_store::Backend) {
    let f = forum(backend).await;
    let status = format!("/t/{}/status.json", f.topic);
    f.put(&status, &f.member, json!({"status": "closed", "enabled": "true"})).await.assert_error(403, "invalid_access");
    f.put(&status, &f.admin, json!({"status": "shut", "enabled": "true"})).await.assert_error(400, "invalid_parameters");
    let v = f.ok(f.put(&status, &f.admin, json!({"status": "closed", "enabled": "true"})).await).await;
    insta::assert_json_snapshot!("status_changed", v);
    assert_eq!(f.topic_json(&f.member).await["closed"], true);
    f.reply_to(&f.member).await.assert_error(403, "invalid_access");
    assert_eq!(f.reply_to(&f.admin).await.status, StatusCode::OK, "staff still reply");
    let browser = f.app.session("member").await;
    let page = f.app.get(&format!("/t/x/{}", f.topic), &browser).await.text();
    assert!(page.contains("This topic is closed"));
    f.ok(f.put(&status, &f.admin, json!({"status": "closed", "enabled": "false"})).await).await;
    assert_eq!(f.reply_to(&f.member).await.status, StatusCode::OK);

    // Archived: no replies, no edits, from anyone.
    f.ok(f.put(&status, &f.admin, json!({"status": "archived", "enabled": true})).await).await;
    assert_eq!(f.topic_json(&f.member).await["archived"], true);
    f.reply_to(&f.admin).await.assert_error(403, "invalid_access");
    f.put(&format!("/posts/{}.json", f.first_post), &f.member, json!({"raw": "Edited after the end."})).await.assert_error(403, "invalid_access");
    f.ok(f.put(&status, &f.admin, json!({"status": "archived", "enabled": false})).await).await;

    // Unlisted: out of lists, still reachable by link.
    f.ok(f.put(&status, &f.admin, json!({"status": "visible", "enabled": "false"})).await).await;
    assert!(!f.latest_ids("/latest.json", &f.member).await.contains(&f.topic));
    assert!(!f.latest_ids(&format!("/c/{}.json", f.category), &f.member).await.contains(&f.topic));
    assert_eq!(f.topic_json(&f.member).await["visible"], false);
    f.ok(f.put(&status, &f.admin, json!({"status": "visible", "enabled": "true"})).await).await;

    // Pinned: first in its category; globally pinned: first in /latest too.
    let (newer, _) = f.app.topic(&f.member, f.category, "A newer topic about meetings", "When do we meet next?").await;
    assert_eq!(f.latest_ids(&format!("/c/{}.json", f.category), &f.member).await[0], newer);
    f.ok(f.put(&status, &f.admin, json!({"status": "pinned", "enabled": "true", "until": "2099-12-31"})).await).await;
    assert_eq!(f.latest_ids(&format!("/c/{}.json", f.category), &f.member).await[0], f.topic);
    assert_eq!(f.latest_ids("/latest.json", &f.member).await[0], newer, "a category pin stays in its category");
    let v = f.topic_json(&f.member).await;
    assert_eq!(v["pinned"], true);
    assert_eq!(v["pinned_until"], "2099-12-31T00:00:00.000Z");
    f.ok(f.put(&status, &f.admin, json!({"status": "pinned_globally", "enabled": "true"})).await).await;
    assert_eq!(f.latest_ids("/latest.json", &f.member).await[0], f.topic);
    assert_eq!(f.topic_json(&f.member).await["pinned_globally"], true);
    f.put(&status, &f.admin, json!({"status": "pinned", "enabled": "true", "until": "2001-01-01"})).await.assert_error(422, "invalid_parameters");
    f.ok(f.put(&status, &f.admin, json!({"status": "pinned_globally", "enabled": "false"})).await).await;
    assert_eq!(f.latest_ids("/latest.json", &f.member).await[0], newer);
    assert_eq!(f.topic_json(&f.member).await["pinned"], false);
}

async fn changing_a_topics_date(backend: minga_store::Backend) {
    let f = forum(backend).await;
    let path = format!("/t/{}/change-timestamp.json", f.topic);
    f.put(&path, &f.member, json!({"timestamp": "1594291380"})).await.assert_error(403, "invalid_access");
    let before = f.topic_json(&f.admin).await;
    let v = f.ok(f.put(&path, &f.admin, json!({"timestamp": "1594291380"})).await).await;
    insta::assert_json_snapshot!("timestamp_changed", v);
    let after = f.topic_json(&f.admin).await;
    assert_eq!(after["created_at"], "2020-07-09T10:43:00.000Z");
    assert_eq!(after["post_stream"]["posts"][0]["created_at"], "2020-07-09T10:43:00.000Z");
    // The reply moved by the same amount.
    let ms = |v: &Value| v.as_str().unwrap().parse::<jiff::Timestamp>().unwrap().as_millisecond();
    let gap_before = ms(&before["post_stream"]["posts"][1]["created_at"]) - ms(&before["created_at"]);
    let gap_after = ms(&after["post_stream"]["posts"][1]["created_at"]) - ms(&after["created_at"]);
    assert_eq!(gap_before, gap_after);
    f.put(&path, &f.admin, json!({"timestamp": "soon"})).await.assert_error(400, "invalid_parameters");
}

async fn locking_a_post(backend: minga_store::Backend) {
    let f = forum(backend).await;
    let path = format!("/posts/{}/locked.json", f.first_post);
    f.put(&path, &f.member, json!({"locked": "true"})).await.assert_error(403, "invalid_access");
    let v = f.ok(f.put(&path, &f.admin, json!({"locked": "true"})).await).await;
    insta::assert_json_snapshot!("locked", v);
    assert_eq!(f.app.get_json(&format!("/posts/{}.json", f.first_post), &f.member).await["locked"], true);
    let edit = json!({"raw": "Who hosts what? Changed after the lock."});
    f.put(&format!("/posts/{}.json", f.first_post), &f.member, edit.clone()).await.assert_error(403, "invalid_access");
    f.ok(f.put(&format!("/posts/{}.json", f.first_post), &f.admin, edit.clone()).await).await;
    f.ok(f.put(&path, &f.admin, json!({"locked": false})).await).await;
    f.ok(f.put(&format!("/posts/{}.json", f.first_post), &f.member, edit).await).await;
}

async fn latest_posts(backend: minga_store::Backend) {
    let f = forum(backend).await;
    let v = f.app.get_json("/posts.json", &f.member).await;
    let posts = v["latest_posts"].as_array().unwrap();
    // Newest first; the members-only topic's post is not among them.
    let ids: Vec<i64> = posts.iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![f.reply, f.first_post]);
    insta::assert_json_snapshot!("latest_posts", snap(v));
    let v = f.app.get_json("/posts.json", &f.admin).await;
    assert_eq!(v["latest_posts"].as_array().unwrap().len(), 3);
    let v = f.app.get_json(&format!("/posts.json?before={}", f.reply), &f.member).await;
    let ids: Vec<i64> = v["latest_posts"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![f.first_post]);
    f.app.get("/posts.json?before=soon", &f.member).await.assert_error(400, "invalid_parameters");
}

async fn a_posts_replies(backend: minga_store::Backend) {
    let f = forum(backend).await;
    f.app.post_json("/posts.json", &f.member, json!({"topic_id": f.topic, "raw": "Not an answer to the first post."})).await;
    let v = f.app.get_json(&format!("/posts/{}/replies.json", f.first_post), &f.member).await;
    let ids: Vec<i64> = v.as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![f.reply]);
    insta::assert_json_snapshot!("replies", snap(v));
    let v = f.app.get_json(&format!("/posts/{}/replies.json", f.reply), &f.member).await;
    assert_eq!(v, json!([]));
    // A private topic's posts are not found.
    let all = f.app.get_json("/posts.json", &f.admin).await;
    let private = all["latest_posts"].as_array().unwrap().iter().find(|p| p["topic_title"] == "Budget for the gathering").unwrap()["id"].as_i64().unwrap();
    f.app.get(&format!("/posts/{private}/replies.json"), &f.member).await.assert_error(404, "not_found");
}

async fn the_top_list(backend: minga_store::Backend) {
    let f = forum(backend).await;
    let (quiet, _) = f.app.topic(&f.member, f.category, "A quiet topic about nothing", "Nobody will answer this.").await;
    let (old, _) = f.app.topic(&f.member, f.category, "An old topic from years ago", "Posted long ago.").await;
    f.app.reply(&f.other, old, "An answer.").await;
    f.app.reply(&f.other, old, "Another answer.").await;
    f.ok(f.put(&format!("/t/{old}/change-timestamp.json"), &f.admin, json!({"timestamp": "1594291380"})).await).await;
    // Most replied first; the members-only topic is not among them.
    assert_eq!(f.latest_ids("/top.json", &f.member).await, vec![old, f.topic, quiet]);
    assert_eq!(f.latest_ids("/top.json?period=all", &f.member).await, vec![old, f.topic, quiet]);
    let v = f.app.get_json("/top.json?period=daily", &f.member).await;
    assert_eq!(v["topic_list"]["for_period"], "daily");
    insta::assert_json_snapshot!("top", snap(v.clone()));
    let ids: Vec<i64> = v["topic_list"]["topics"].as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![f.topic, quiet], "a topic started years ago is not in today's top");
    assert_eq!(f.latest_ids("/top.json?period=weekly", &f.admin).await.len(), 3, "staff see the members-only topic");
    f.app.get("/top.json?period=hourly", &f.member).await.assert_error(400, "invalid_parameters");
    let browser = f.app.session("member").await;
    let page = f.app.get("/top?period=monthly", &browser).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Shared hosting for the network"));
}

async fn categories_count_topics_per_period(backend: minga_store::Backend) {
    let f = forum(backend).await;
    let (old, _) = f.app.topic(&f.member, f.category, "An old topic from years ago", "Posted long ago.").await;
    f.ok(f.put(&format!("/t/{old}/change-timestamp.json"), &f.admin, json!({"timestamp": "1594291380"})).await).await;
    let (unlisted, _) = f.app.topic(&f.member, f.category, "An unlisted topic for later", "Not in lists.").await;
    f.ok(f.put(&format!("/t/{unlisted}/status.json"), &f.admin, json!({"status": "visible", "enabled": "false"})).await).await;
    let counts = |v: &Value, id: i64| {
        let c = v["category_list"]["categories"].as_array().unwrap().iter().find(|c| c["id"] == id).cloned();
        c.map(|c| ["topics_day", "topics_week", "topics_month", "topics_year", "topics_all_time"].map(|k| c[k].as_i64().unwrap()))
    };
    let v = f.app.get_json("/categories.json", &f.member).await;
    assert_eq!(counts(&v, f.category), Some([1, 1, 1, 1, 2]), "unlisted topics are not counted; old ones only in all time");
    assert_eq!(counts(&v, f.private), None, "a category the reader may not see is not listed");
    insta::assert_json_snapshot!("categories", snap(v));
    let v = f.app.get_json("/categories.json", &f.admin).await;
    assert_eq!(counts(&v, f.private), Some([1, 1, 1, 1, 1]));
}

/// Subcategories: one level under a top-level category, listed with
/// their parent, their topics in the parent's list, hidden with it.
async fn subcategories(backend: minga_store::Backend) {
    let f = forum(backend).await;
    let r = f.app.post_json("/categories.json", &f.admin, json!({"name": "Hosting", "parent_category_id": f.category})).await;
    let child = f.ok(r).await["category"].clone();
    let child_id = child["id"].as_i64().unwrap();
    assert_eq!(child["parent_category_id"], f.category);
    let parent = f.app.get_json(&format!("/c/{}/show.json", f.category), &f.member).await["category"].clone();
    assert_eq!((parent["has_children"].as_bool(), parent["subcategory_ids"].clone()), (Some(true), json!([child_id])));
    assert!(parent.get("parent_category_id").is_none(), "sent only for subcategories, as Discourse does");
    // /categories.json lists the top level; subcategories on request.
    let list = f.app.get_json("/categories.json", &f.member).await;
    let ids: Vec<i64> = list["category_list"]["categories"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [f.category], "no subcategory, no empty Uncategorized, no private category");
    let list = f.app.get_json("/categories.json?include_subcategories=true", &f.member).await;
    assert_eq!(list["category_list"]["categories"][0]["subcategory_list"][0]["id"], child_id);
    // A topic in the subcategory shows in its list and in its parent's.
    let (in_child, _) = f.app.topic(&f.member, child_id, "Who runs which servers where", "A list of machines.").await;
    let slug = |c: &Value| c["slug"].as_str().unwrap().to_string();
    let nested = format!("/c/{}/{}/{child_id}.json", slug(&parent), slug(&child));
    assert_eq!(f.latest_ids(&nested, &f.member).await, [in_child]);
    assert!(f.latest_ids(&format!("/c/{}.json", f.category), &f.member).await.contains(&in_child));
    // Categories nest one level; the rules answer beside the field.
    let grandchild = f.app.post_json("/categories.json", &f.admin, json!({"name": "Leeds", "parent_category_id": child_id})).await;
    assert_eq!(grandchild.assert_error(422, "invalid_parameters")["field_errors"][0]["field"], "parent_category_id");
    let own = f.put(&format!("/categories/{}.json", f.category), &f.admin, json!({"parent_category_id": f.category})).await;
    own.assert_error(422, "invalid_parameters");
    let has_children = f.put(&format!("/categories/{}.json", f.category), &f.admin, json!({"parent_category_id": f.private})).await;
    has_children.assert_error(422, "invalid_parameters");
    let missing = f.app.post_json("/categories.json", &f.admin, json!({"name": "Nowhere", "parent_category_id": 999_999})).await;
    missing.assert_error(422, "invalid_parameters");
    assert!(f.app.state.store.category_by_slug("nowhere").await.unwrap().is_none());
    // Under a private parent, a subcategory open to everyone is private too.
    let r = f.app.post_json("/categories.json", &f.admin, json!({"name": "Treasury", "parent_category_id": f.private, "permissions": {"everyone": 1}})).await;
    let hidden = f.ok(r).await["category"]["id"].as_i64().unwrap();
    assert_eq!(f.app.get(&format!("/c/{hidden}/show.json"), &f.member).await.status, StatusCode::NOT_FOUND);
    let site = f.app.get_json("/site.json", &f.member).await;
    assert!(!site["categories"].as_array().unwrap().iter().any(|c| c["id"] == hidden));
    let r = f.app.post_json("/posts.json", &f.member, json!({"title": "A topic where I cannot see", "raw": "Hello there.", "category": hidden})).await;
    r.assert_error(422, "invalid_parameters");
    // Moving it back to the top: blank clears the parent.
    let moved = f.ok(f.put(&format!("/categories/{child_id}.json"), &f.admin, json!({"parent_category_id": ""})).await).await;
    assert!(moved["category"].get("parent_category_id").is_none());
}

/// Uncategorized exists, as on Discourse; nobody starts topics there, and
/// only staff move one there.
async fn uncategorized(backend: minga_store::Backend) {
    let f = forum(backend).await;
    let site = f.app.get_json("/site.json", &f.member).await;
    let id = site["uncategorized_category_id"].as_i64().expect("an id");
    insta::assert_json_snapshot!("site", snap(site.clone()));
    let r = f.app.post_json("/posts.json", &f.admin, json!({"title": "A topic with no real home", "raw": "Where does this go?", "category": id})).await;
    assert_eq!(r.assert_error(422, "invalid_parameters")["field_errors"][0]["field"], "category");
    let own = format!("/t/-/{}.json", f.topic);
    f.put(&own, &f.member, json!({"category_id": id})).await.assert_error(403, "invalid_access");
    f.ok(f.put(&own, &f.admin, json!({"category_id": id})).await).await;
    // Holding a topic, it is listed among the categories.
    let list = f.app.get_json("/categories.json", &Auth::Anon).await;
    assert!(list["category_list"]["categories"].as_array().unwrap().iter().any(|c| c["id"] == id));
}

both_backends!(
    subcategories,
    uncategorized,
    categories_count_topics_per_period,
    the_top_list,
    topic_view_and_posts,
    creating_and_editing_answer_a_draft_sequence,
    flagged_posts_say_they_are_hidden,
    removing_a_topic,
    updating_a_topic,
    topic_status,
    changing_a_topics_date,
    locking_a_post,
    latest_posts,
    a_posts_replies,
);
