//! The forum the walk runs against, and how each operation's request is
//! filled from it: path parameters name real things, and bodies hold the
//! fields the spec requires plus what the operation needs to mean something.

use super::support::{Auth, TestApp};
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

/// A small co-op forum: people, a group, a public and a private category,
/// topics with replies, an invite and a flag. Operations that destroy or
/// change someone get a person or a thing of their own, so that the walk
/// does not depend on the spec's order.
pub struct Forum {
    pub app: TestApp,
    pub admin: Auth,
    pub group: i64,
    pub scratch_group: i64,
    pub category: i64,
    pub category_slug: String,
    pub topic: i64,
    pub first_post: i64,
    pub reply: i64,
    pub doomed_topic: i64,
    pub doomed_post: i64,
    /// User ids by username.
    pub users: Vec<(String, minga_core::ids::UserId)>,
}

/// People with a part to play, each in one operation of their own.
const CAST: &[&str] = &["member", "rowdy", "quiet", "leaving", "forgotten", "dormant", "renamer", "mover", "newbie"];

impl Forum {
    pub async fn fill() -> Forum {
        let app = TestApp::new(minga_store::Backend::Sqlite).await;
        let (admin, category) = app.admin_and_category().await;
        let boss = app.state.store.user_by_username("admin").await.unwrap().unwrap();
        let mut users = vec![("admin".to_string(), boss.id)];
        for name in CAST {
            let u = app.user(name, false).await;
            app.state.store.set_role(u.id, "trust_level", 1, boss.id).await.unwrap();
            users.push((name.to_string(), u.id));
        }
        let member = app.key_for(&app.state.store.user_by_username("member").await.unwrap().unwrap()).await;
        let ok = |r: super::support::Response| {
            assert_eq!(r.status, StatusCode::OK, "filling the forum: {}", r.text());
            r.json()
        };
        let group = ok(app.post_json("/admin/groups.json", &admin, json!({"group": {"name": "facttic", "full_name": "FACTTIC", "usernames": "member", "owner_usernames": "member"}})).await)["basic_group"]["id"].as_i64().unwrap();
        let scratch_group = ok(app.post_json("/admin/groups.json", &admin, json!({"group": {"name": "scratch"}})).await)["basic_group"]["id"].as_i64().unwrap();
        let private = ok(app.post_json("/categories.json", &admin, json!({"name": "Members only", "permissions": {"facttic": 1}})).await)["category"].clone();
        let category_slug = app.get_json(&format!("/c/{category}/show.json"), &admin).await["category"]["slug"].as_str().unwrap().to_string();
        let (topic, first_post) = app.topic(&member, category, "Shared hosting for the network", "Who hosts what? Let us pool our servers.").await;
        let reply = app.post_json("/posts.json", &admin, json!({"topic_id": topic, "raw": "We run two machines in Leeds.", "reply_to_post_number": 1})).await;
        let reply = ok(reply)["id"].as_i64().unwrap();
        app.reply(&member, topic, "Great, I will write up the list.").await;
        app.topic(&member, private["id"].as_i64().unwrap(), "Budget for the gathering", "Members only: the numbers.").await;
        let (doomed_topic, _) = app.topic(&admin, category, "A topic that will be removed", "Posted by mistake.").await;
        let doomed_post = app.reply(&member, topic, "A reply that will be deleted.").await["id"].as_i64().unwrap();
        ok(app.post_json("/invites.json", &admin, json!({"email": "friend@example.org", "group_names": "facttic"})).await);
        ok(app.post_json("/post_actions.json", &member, json!({"id": reply, "post_action_type_id": 3})).await);
        // The link a reset mail would carry, for `changePassword`.
        let reset = minga_store::NewToken {
            token_hash: minga_web::auth::hash_secret("a-reset-token"),
            purpose: minga_store::TokenPurpose::Reset,
            email: "member@example.org".into(),
            expires_at: minga_core::time::now_ms() + 3_600_000,
        };
        let mail = minga_store::NewMail { kind: "reset".into(), to: "member@example.org".into(), raw: "Subject: reset\r\n\r\nx\r\n".into(), message_id: "<reset@spec>".into(), ..Default::default() };
        let member_id = app.state.store.user_by_username("member").await.unwrap().unwrap().id;
        app.state.store.send_token(member_id, &reset, &mail).await.unwrap();
        Forum {
            app,
            admin,
            group,
            scratch_group,
            category,
            category_slug,
            topic,
            first_post,
            reply,
            doomed_topic,
            doomed_post,
            users,
        }
    }

    fn user_id(&self, name: &str) -> String {
        self.users.iter().find(|(n, _)| n == name).map(|(_, id)| id.to_string()).expect("a person of the cast")
    }

    /// The value of a path parameter for an operation.
    pub fn path_param(&self, op: &str, path: &str, name: &str) -> String {
        let under = |prefix: &str| path.starts_with(prefix);
        match (op, name) {
            ("deleteGroup", "id") => self.scratch_group.to_string(),
            ("deletePost", "id") => self.doomed_post.to_string(),
            ("removeTopic", "id") => self.doomed_topic.to_string(),
            ("deleteUser", "id") => self.user_id("leaving"),
            ("anonymizeUser", "id") => self.user_id("forgotten"),
            ("suspendUser", "id") => self.user_id("rowdy"),
            ("silenceUser", "id") => self.user_id("quiet"),
            ("activateUser" | "deactivateUser", "id") => self.user_id("dormant"),
            ("updateUsername", "username") => "renamer".into(),
            ("updateEmail", "username") => "mover".into(),
            (_, "id") if under("/categories") || under("/c/") => self.category.to_string(),
            (_, "id") if under("/groups") || under("/admin/groups") => self.group.to_string(),
            (_, "id") if under("/posts") => self.first_post.to_string(),
            (_, "id") if under("/t/") => self.topic.to_string(),
            (_, "id") if under("/admin/users") => self.user_id("member"),
            (_, "id") => "1".into(), // badges and tag groups: minga has none to name
            (_, "slug") => self.category_slug.clone(),
            (_, "name") if under("/groups") => "facttic".into(),
            (_, "name") => "cooperatives".into(),
            (_, "username") => "member".into(),
            (_, "flag") => "active".into(),
            (_, "filename") => "minga-2024-05-01.tar.gz".into(),
            (_, "external_id") => "ext-1".into(),
            (_, "provider") => "github".into(),
            (_, "token") => "a-reset-token".into(),
            (op, name) => panic!("{op}: no value for the path parameter {name}"),
        }
    }

    /// The value of a query parameter the spec requires.
    pub fn query_param(&self, name: &str, schema: &Value) -> String {
        if let Some(first) = schema["enum"].get(0) {
            return first.as_str().map(String::from).unwrap_or_else(|| first.to_string());
        }
        match name {
            "username" => "member".into(),
            "offset" => "0".into(),
            "filter" => "4,5".into(), // topics and replies
            "token" => "a-download-token".into(),
            other => panic!("no value for the query parameter {other}"),
        }
    }

    /// What an operation's body holds beyond the spec's required fields:
    /// the values that make the request mean something here.
    pub fn body_extras(&self, op: &str) -> Value {
        match op {
            "createCategory" => json!({"name": "Inter-coop projects", "color": "49d9e9", "text_color": "f0fcfd"}),
            "updateCategory" => json!({"name": "General", "color": "0088CC"}),
            "createGroup" => json!({"group": {"name": "cotech", "full_name": "CoTech"}}),
            "updateGroup" => json!({"group": {"name": "facttic", "full_name": "FACTTIC federation"}}),
            "addGroupMembers" | "removeGroupMembers" => json!({"usernames": "newbie"}),
            "createInvite" => json!({"email": "another.friend@example.org", "group_names": "facttic", "max_redemptions_allowed": 1}),
            "createMultipleInvites" => json!({"email": ["one@example.org", "two@example.org"]}),
            "createTopicPostPM" => json!({"title": "A gathering in Buenos Aires", "raw": "Who is coming to the gathering this year?", "category": self.category}),
            "updatePost" => json!({"post": {"raw": "Who hosts what? Let us pool our servers and share the costs.", "edit_reason": "costs"}}),
            "performPostAction" => json!({"id": self.first_post, "post_action_type_id": 3}),
            "lockPost" => json!({"locked": "true"}),
            "getSpecificPostsFromTopic" => json!({"post_ids[]": self.reply}),
            "updateTopic" => json!({"topic": {"title": "Shared hosting across the network", "category_id": self.category}}),
            "inviteToTopic" => json!({"user": "newbie"}),
            "inviteGroupToTopic" => json!({"group": "facttic"}),
            "setNotificationLevel" => json!({"notification_level": "3"}),
            "createTopicTimer" => json!({"time": "2099-01-01 12:00", "status_type": "close"}),
            "createUser" => json!({"name": "Ana", "email": "ana@example.org", "password": "a long enough passphrase", "username": "ana", "active": true, "approved": true}),
            "updateUser" => json!({"name": "A Member"}),
            "updateEmail" => json!({"email": "moved@example.org"}),
            "updateUsername" => json!({"new_username": "renamed"}),
            "suspendUser" => json!({"suspend_until": "2121-02-22", "reason": "Repeated personal attacks"}),
            "silenceUser" => json!({"silenced_till": "2099-06-01T08:00:00.000Z", "reason": "Posting adverts"}),
            "sendPasswordResetEmail" => json!({"login": "member"}),
            "changePassword" => json!({"username": "member", "password": "another long passphrase"}),
            "createBadge" | "updateBadge" => json!({"name": "Cooperator", "badge_type_id": 3}),
            "createTagGroup" | "updateTagGroup" => json!({"name": "Sectors"}),
            _ => json!({}),
        }
    }
}

/// A value for a schema: its example if it has one, else the first of its
/// enum, else a plain value of its type; objects hold their required
/// properties only.
pub fn sample(schema: &Value) -> Value {
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(first) = schema["enum"].get(0) {
        return first.clone();
    }
    let ty = match &schema["type"] {
        Value::Array(ts) => ts.iter().find(|t| *t != "null").cloned().unwrap_or(Value::Null),
        t => t.clone(),
    };
    match ty.as_str() {
        Some("integer" | "number") => json!(1),
        Some("boolean") => json!(true),
        Some("array") => json!([]),
        Some("string") => json!("text"),
        _ if schema.get("properties").is_some() || ty == "object" => {
            let mut out = Map::new();
            for name in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                out.insert(name.to_string(), sample(&schema["properties"][name]));
            }
            Value::Object(out)
        }
        _ => Value::Null,
    }
}

/// `extra`'s fields over `base`'s, objects merged key by key.
pub fn merge(base: &mut Value, extra: &Value) {
    match (base, extra) {
        (Value::Object(b), Value::Object(e)) => {
            for (k, v) in e {
                merge(b.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (b, e) => *b = e.clone(),
    }
}
