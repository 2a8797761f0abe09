//! Co-ops and private spaces: groups, category permissions, site access
//! settings, the approval queue, invites and moderation — and a probe of
//! every route the router has, proving that a private category leaks to
//! nobody who may not see it.

mod support;

use axum::http::{Method, StatusCode};
use minga_store::Backend;
use serde_json::{Value, json};
use support::{Auth, Send, TestApp};

both_backends!(
    a_private_category_leaks_through_no_route,
    permissions_decide_who_starts_replies_and_reads,
    login_required_sites_show_only_the_way_in,
    approval_queue_holds_new_accounts,
    invites_let_people_in_past_closed_doors,
    groups_have_members_owners_and_join_modes,
    staff_suspend_and_silence_and_others_cannot,
    nobody_raises_their_own_permissions,
    flags_hide_posts_after_three_people,
    rate_limits_and_new_user_limits,
    every_response_carries_the_security_headers,
    every_write_needs_the_csrf_token,
);

const CANARY: &str = "qx7canary";

/// A forum with one private category for the `ica` group, plus the cast.
struct World {
    app: TestApp,
    admin: Auth,
    moderator: Auth,
    member: Auth,
    outsider: Auth,
    topic: i64,
    topic_slug: String,
    post: i64,
    category: i64,
    category_slug: String,
    /// A subcategory of the private one, whose own grants say everyone.
    subcategory: i64,
    subcategory_slug: String,
    group: i64,
}

async fn world(b: Backend) -> World {
    let app = TestApp::new(b).await;
    let (admin, public) = app.admin_and_category().await;
    let moderator_user = app.user("mod", false).await;
    let member_user = app.user("member", false).await;
    let outsider_user = app.user("outsider", false).await;
    let admin_user = app.state.store.user_by_username("admin").await.unwrap().unwrap();
    app.state.store.set_role(moderator_user.id, "moderator", 1, admin_user.id).await.unwrap();
    for u in [&member_user, &outsider_user] {
        app.state.store.set_role(u.id, "trust_level", 1, admin_user.id).await.unwrap();
    }
    let r = app.post_json("/admin/groups.json", &admin, json!({"group": {"name": "ica", "full_name": "ICA IT Network", "visibility_level": 0, "usernames": "member"}})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let group = r.json()["basic_group"]["id"].as_i64().unwrap();
    let r = app
        .post_json("/categories.json", &admin, json!({"name": format!("{CANARY} space"), "description": format!("members only {CANARY}"), "permissions": {"ica": 1}}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let c = r.json()["category"].clone();
    assert_eq!(c["read_restricted"], true);
    let category = c["id"].as_i64().unwrap();
    let category_slug = c["slug"].as_str().unwrap().to_string();
    let member = app.key_for(&member_user).await;
    let (topic, first) = app.topic(&member, category, &format!("Budget {CANARY} for the network"), &format!("The private plan {CANARY}.")).await;
    let reply = app.reply(&member, topic, &format!("A private reply {CANARY}")).await;
    let topic_slug = app.get_json(&format!("/t/{topic}.json"), &member).await["slug"].as_str().unwrap().to_string();
    // A public post that links to the private topic on its own line (the
    // author typed no title into the link, so only a card could leak it).
    let base = app.state.settings.base_url.clone();
    app.topic(&admin, public, "A public topic that links elsewhere", &format!("See\n\n{base}/t/{topic}\n\n{base}/t/x/{topic}/2")).await;
    let _ = first;
    // A subcategory open to everyone by its own grants is still behind its
    // parent: only those who see the parent see it.
    let r = app
        .post_json("/categories.json", &admin, json!({"name": format!("{CANARY} working group"), "parent_category_id": category, "permissions": {"everyone": 1}}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let sub = r.json()["category"].clone();
    assert_eq!(sub["read_restricted"], true, "restricted by its parent");
    app.topic(&member, sub["id"].as_i64().unwrap(), &format!("Rota {CANARY} for the working group"), &format!("Who does what {CANARY}.")).await;
    World {
        subcategory: sub["id"].as_i64().unwrap(),
        subcategory_slug: sub["slug"].as_str().unwrap().to_string(),
        moderator: app.key_for(&moderator_user).await,
        outsider: app.key_for(&outsider_user).await,
        member,
        admin,
        topic,
        topic_slug,
        post: reply["id"].as_i64().unwrap(),
        category,
        category_slug,
        group,
        app,
    }
}

/// Concrete URLs for a route pattern: every parameter (`{name}`) takes
/// each value that names something private (or its owner), with and
/// without `.json` on the last.
fn fill(pattern: &str, values: &[String]) -> Vec<String> {
    let params: Vec<&str> = pattern.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(name, _)| name)).collect();
    let mut urls = vec![pattern.to_string()];
    for (i, name) in params.iter().enumerate() {
        let token = format!("{{{name}}}");
        let last = i + 1 == params.len();
        urls = urls
            .into_iter()
            .flat_map(|u| {
                let token = token.clone();
                values.iter().flat_map(move |v| {
                    let mut out = vec![u.replacen(&token, v, 1)];
                    if last {
                        out.push(u.replacen(&token, &format!("{v}.json"), 1));
                    }
                    out
                })
            })
            .collect();
    }
    urls
}

async fn a_private_category_leaks_through_no_route(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let values: Vec<String> = vec![
        w.topic.to_string(),
        w.topic_slug.clone(),
        w.post.to_string(),
        "2".into(),
        w.category.to_string(),
        w.category_slug.clone(),
        "member".into(),
        "ica".into(),
        w.subcategory.to_string(),
        w.subcategory_slug.clone(),
    ];
    let paths: Vec<&str> = minga_web::registry().into_iter().map(|(p, _)| p).collect();
    assert!(paths.len() > 60, "the registry is the router: {}", paths.len());
    let cast = [("visitor", Auth::Anon, false), ("outsider", w.outsider.clone(), false), ("moderator", w.moderator.clone(), false), ("member", w.member.clone(), true), ("admin", w.admin.clone(), true)];
    let mut probes = 0;
    for (who, auth, may_see) in &cast {
        let mut seen_by_them = 0;
        for pattern in &paths {
            for url in fill(pattern, &values) {
                for json_accept in [false, true] {
                    if json_accept && url.ends_with(".json") {
                        continue;
                    }
                    let mut req = axum::http::Request::builder().uri(&url);
                    if json_accept {
                        req = req.header("accept", "application/json");
                    }
                    if let Auth::Key { key, username } = auth {
                        req = req.header("Api-Key", key).header("Api-Username", username);
                    }
                    let response = {
                        use tower::ServiceExt;
                        app.router.clone().oneshot(req.body(axum::body::Body::empty()).unwrap()).await.unwrap()
                    };
                    let status = response.status();
                    let body = body_text(response).await.to_lowercase();
                    probes += 1;
                    assert!(status.as_u16() < 500, "{who} GET {url}: {status}\n{body}");
                    if body.contains(CANARY) {
                        assert!(*may_see, "{who} saw private content at GET {url} ({status}):\n{body}");
                        seen_by_them += 1;
                    }
                }
            }
        }
        if *may_see {
            assert!(seen_by_them >= 10, "{who} should see the private topic in several places, saw {seen_by_them}");
        }
    }
    eprintln!("{probes} probes over {} routes", paths.len());
    assert!(probes > 3000);
    // The canonical places, spelled out.
    for path in [format!("/t/{}.json", w.topic), format!("/t/{}/{}", w.topic_slug, w.topic), format!("/posts/{}.json", w.post), format!("/c/{}/{}.json", w.category_slug, w.category),
        format!("/c/{}/{}/{}.json", w.category_slug, w.subcategory_slug, w.subcategory),
        format!("/c/{}/show.json", w.subcategory),
    ] {
        assert_eq!(app.get(&path, &w.outsider).await.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(app.get(&path, &w.member).await.status, StatusCode::OK, "{path}");
    }
    // Cards of the private topic in a public post stay bare links for outsiders.
    let latest = app.get_json("/latest.json", &Auth::Anon).await;
    assert_eq!(latest["topic_list"]["topics"].as_array().unwrap().len(), 1);
    let public_topic = latest["topic_list"]["topics"][0]["id"].as_i64().unwrap();
    let cooked = app.get_json(&format!("/t/{public_topic}.json"), &Auth::Anon).await["post_stream"]["posts"][0]["cooked"].as_str().unwrap().to_string();
    assert!(cooked.contains("onebox-link") && !cooked.contains("onebox-topic"), "{cooked}");
    let as_member = app.get_json(&format!("/t/{public_topic}.json"), &w.member).await["post_stream"]["posts"][0]["cooked"].as_str().unwrap().to_string();
    assert!(as_member.contains("onebox-topic") && as_member.to_lowercase().contains(CANARY));
    let _ = w.group;
}

async fn permissions_decide_who_starts_replies_and_reads(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, _) = app.admin_and_category().await;
    for name in ["writer", "replier", "reader", "stranger"] {
        let u = app.user(name, false).await;
        let boss = app.state.store.user_by_username("admin").await.unwrap().unwrap();
        app.state.store.set_role(u.id, "trust_level", 1, boss.id).await.unwrap();
    }
    for (g, who) in [("writers", "writer"), ("repliers", "replier"), ("readers", "reader")] {
        let r = app.post_json("/admin/groups.json", &admin, json!({"name": g, "usernames": who})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let r = app.post_json("/categories.json", &admin, json!({"name": "Working group", "permissions": {"writers": 1, "repliers": 2, "readers": 3}})).await;
    let category = r.json()["category"]["id"].as_i64().unwrap();
    let key = |n: &str| {
        let app = &app;
        let n = n.to_string();
        async move { app.key_for(&app.state.store.user_by_username(&n).await.unwrap().unwrap()).await }
    };
    let (writer, replier, reader, stranger) = (key("writer").await, key("replier").await, key("reader").await, key("stranger").await);
    let (topic, _) = app.topic(&writer, category, "Minutes of the working group", "notes").await;
    let r = app.post_json("/posts.json", &replier, json!({"title": "A topic from a replier", "raw": "x", "category": category})).await;
    r.assert_error(403, "invalid_access");
    app.reply(&replier, topic, "a reply from a replier").await;
    app.post_json("/posts.json", &reader, json!({"topic_id": topic, "raw": "a reply from a reader"})).await.assert_error(403, "invalid_access");
    assert_eq!(app.get(&format!("/t/{topic}.json"), &reader).await.status, StatusCode::OK);
    // The topic offers each person only what the category lets them do.
    for (name, who, reply, new_topic) in [("writer", &writer, true, true), ("replier", &replier, true, false), ("reader", &reader, false, false)] {
        let t = app.get_json(&format!("/t/{topic}.json"), who).await;
        assert_eq!(t["details"]["can_create_post"].as_bool(), Some(reply), "{name}");
        assert_eq!(t["details"]["can_reply_as_new_topic"].as_bool(), Some(new_topic), "{name}");
        let page = app.get(&format!("/t/{topic}"), &app.session(name).await).await.text();
        assert_eq!(page.contains(&format!("action=\"/t/{topic}/reply\"")), reply, "{name}");
    }
    app.post_json("/posts.json", &stranger, json!({"topic_id": topic, "raw": "hello?"})).await.assert_error(404, "not_found");
    let r = app.post_json("/posts.json", &stranger, json!({"title": "A topic in a place I cannot see", "raw": "x", "category": category})).await;
    let e = r.assert_error(422, "invalid_parameters");
    assert_eq!(e["field_errors"][0]["field"], "category", "an unseen category is an unknown one");
    let cats = app.get_json("/categories.json", &stranger).await;
    assert_eq!(cats["category_list"]["categories"].as_array().unwrap().len(), 1);
    let site = app.get_json("/site.json", &reader).await;
    assert_eq!(site["categories"].as_array().unwrap().len(), 3, "the two here and Uncategorized");
    // Admins change permissions; the change applies at once.
    let r = app.call(Method::PUT, &format!("/categories/{category}.json"), &admin, Send::Json(json!({"permissions": {"everyone": 3, "writers": 1}}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(app.get(&format!("/t/{topic}.json"), &Auth::Anon).await.status, StatusCode::OK);
    app.post_json("/posts.json", &replier, json!({"topic_id": topic, "raw": "now read only"})).await.assert_error(403, "invalid_access");
    let r = app.call(Method::PUT, &format!("/categories/{category}.json"), &admin, Send::Json(json!({"permissions": {"nogroup": 1}}))).await;
    r.assert_error(422, "invalid_parameters");
    let r = app.call(Method::PUT, &format!("/categories/{category}.json"), &admin, Send::Json(json!({"permissions": {"everyone": 9}}))).await;
    r.assert_error(422, "invalid_parameters");
}

async fn login_required_sites_show_only_the_way_in(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    app.topic(&admin, category, "Visible only after logging in", "hello").await;
    let member = app.user("member", false).await;
    let member = app.key_for(&member).await;
    let r = app.call(Method::PUT, "/admin/site_settings/login_required", &admin, Send::Form("login_required=true")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    app.get("/latest.json", &Auth::Anon).await.assert_error(403, "not_logged_in");
    let page = app.get("/latest", &Auth::Anon).await;
    assert_eq!((page.status, page.location().as_str()), (StatusCode::SEE_OTHER, "/login?next=/latest"));
    assert_eq!(app.get("/login", &Auth::Anon).await.status, StatusCode::OK);
    assert_eq!(app.get_json("/site/basic-info.json", &Auth::Anon).await["login_required"], true);
    assert_eq!(app.get("/u/admin.json", &Auth::Anon).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/latest.json", &member).await.status, StatusCode::OK);
    // Only admins change settings, and values are checked.
    app.call(Method::PUT, "/admin/site_settings/login_required", &member, Send::Form("login_required=false")).await.assert_error(403, "invalid_access");
    app.call(Method::PUT, "/admin/site_settings/login_required", &admin, Send::Form("login_required=maybe")).await.assert_error(422, "invalid_parameters");
    app.call(Method::PUT, "/admin/site_settings/no_such_setting", &admin, Send::Form("no_such_setting=1")).await.assert_error(404, "not_found");
    let settings = app.get_json("/admin/site_settings.json", &admin).await;
    assert!(settings["site_settings"].as_array().unwrap().iter().any(|s| s["setting"] == "login_required" && s["value"] == "true"));
    // Closed registrations refuse sign-ups.
    app.call(Method::PUT, "/admin/site_settings/allow_new_registrations", &admin, Send::Json(json!({"allow_new_registrations": false}))).await;
    let visitor = app.visitor().await;
    let hp = app.get_json("/session/hp.json", &Auth::Anon).await;
    let reversed: String = hp["challenge"].as_str().unwrap().chars().rev().collect();
    let r = app.post_json("/users.json", &visitor, json!({"username": "latecomer", "email": "l@example.org", "password": "a long password", "password_confirmation": hp["value"], "challenge": reversed})).await;
    r.assert_error(403, "invalid_access");
    assert!(app.state.store.user_by_username("latecomer").await.unwrap().is_none());
}

async fn approval_queue_holds_new_accounts(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, _) = app.admin_and_category().await;
    for (name, value) in [("must_approve_users", "true"), ("auto_approve_email_domains", "facttic.example")] {
        let r = app.call(Method::PUT, &format!("/admin/site_settings/{name}"), &admin, Send::Form(&format!("{name}={value}"))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let visitor = app.visitor().await;
    let hp = app.get_json("/session/hp.json", &Auth::Anon).await;
    let reversed: String = hp["challenge"].as_str().unwrap().chars().rev().collect();
    let sign_up = |name: &str, email: &str| json!({"username": name, "email": email, "password": "correct horse battery", "password_confirmation": hp["value"], "challenge": reversed});
    let r = app.post_json("/users.json", &visitor, sign_up("waiting", "waiting@elsewhere.example")).await;
    assert_eq!(r.json()["approved"], false);
    let r = app.post_json("/users.json", &visitor, sign_up("neto", "neto@facttic.example")).await;
    assert_eq!(r.json()["approved"], true, "listed domains skip the queue");
    // Discourse answers a refused log-in with 200 and the reason.
    let r = app.post_json("/session", &visitor, json!({"login": "waiting", "password": "correct horse battery"})).await;
    assert_eq!(r.status, StatusCode::OK);
    let e = r.json();
    assert!(e["error"].as_str().unwrap().contains("waiting for approval") && e["reason"] == "not_approved", "{e}");
    assert!(r.cookie("_t").is_none());
    app.session("neto").await;
    // Staff see the queue; others do not.
    let neto = app.key_for(&app.state.store.user_by_username("neto").await.unwrap().unwrap()).await;
    app.get("/review.json", &neto).await.assert_error(403, "invalid_access");
    let queue = app.get_json("/review.json", &admin).await;
    let items = queue["reviewables"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["payload"]["username"], "waiting");
    let id = items[0]["id"].as_i64().unwrap();
    app.call(Method::PUT, &format!("/review/{id}/perform/approve_user"), &neto, Send::Nothing).await.assert_error(403, "invalid_access");
    let r = app.call(Method::PUT, &format!("/review/{id}/perform/approve_user"), &admin, Send::Nothing).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    app.session("waiting").await;
    app.call(Method::PUT, &format!("/review/{id}/perform/approve_user"), &admin, Send::Nothing).await.assert_error(422, "invalid_parameters");
    // Rejecting deletes the account; the admin endpoint approves directly.
    let r = app.post_json("/users.json", &visitor, sign_up("spammy", "spam@elsewhere.example")).await;
    let spammy = r.json()["user_id"].as_i64().unwrap();
    let r = app.post_json("/users.json", &visitor, sign_up("direct", "direct@elsewhere.example")).await;
    let direct = r.json()["user_id"].as_i64().unwrap();
    let queue = app.get_json("/review.json", &admin).await;
    let spam_item = queue["reviewables"].as_array().unwrap().iter().find(|i| i["target_id"] == spammy).unwrap()["id"].as_i64().unwrap();
    let r = app.call(Method::PUT, &format!("/review/{spam_item}/perform/reject_user_delete"), &admin, Send::Json(json!({"reason": "spam"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(app.state.store.user_by_username("spammy").await.unwrap().is_none());
    let r = app.call(Method::PUT, &format!("/admin/users/{direct}/approve.json"), &admin, Send::Nothing).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["user"]["approved"], true);
    let log = app.get_json("/admin/logs/staff_action_logs.json", &admin).await;
    let actions: Vec<&str> = log["staff_action_logs"].as_array().unwrap().iter().map(|a| a["action_name"].as_str().unwrap()).collect();
    assert!(actions.contains(&"approve_user") && actions.contains(&"reject_user") && actions.contains(&"change_site_setting"), "{actions:?}");
}

async fn invites_let_people_in_past_closed_doors(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, _) = app.admin_and_category().await;
    for setting in ["invite_only", "must_approve_users"] {
        app.call(Method::PUT, &format!("/admin/site_settings/{setting}"), &admin, Send::Form(&format!("{setting}=true"))).await;
    }
    let group = app.post_json("/admin/groups.json", &admin, json!({"name": "camba"})).await.json()["basic_group"]["id"].as_i64().unwrap();
    let newbie = app.user("newbie", false).await;
    let newbie = app.key_for(&newbie).await;
    app.post_json("/invites.json", &newbie, json!({})).await.assert_error(403, "invalid_access");
    let r = app.post_json("/invites.json", &admin, json!({"max_redemptions_allowed": 2, "group_ids": [group]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let key = r.json()["invite_key"].as_str().unwrap().to_string();
    assert!(r.json()["link"].as_str().unwrap().ends_with(&format!("/invites/{key}")));
    let redeem = |name: &str, email: &str| json!({"username": name, "email": email, "password": "correct horse battery"});
    let visitor = app.visitor().await;
    let r = app.call(Method::PUT, &format!("/invites/show/{key}.json"), &visitor, Send::Json(redeem("first", "first@example.org"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    app.session("first").await;
    let members = app.get_json("/groups/camba/members.json", &admin).await;
    assert_eq!(members["members"][0]["username"], "first");
    app.call(Method::PUT, &format!("/invites/show/{key}.json"), &visitor, Send::Json(redeem("second", "second@example.org"))).await;
    let r = app.call(Method::PUT, &format!("/invites/show/{key}.json"), &visitor, Send::Json(redeem("third", "third@example.org"))).await;
    let e = r.assert_error(403, "invalid_access");
    assert!(e["errors"][0].as_str().unwrap().contains("already been used"));
    // Bound to one address, and expiring.
    let r = app.post_json("/invites.json", &admin, json!({"email": "elnura@example.org"})).await;
    let bound = r.json()["invite_key"].as_str().unwrap().to_string();
    let r = app.call(Method::PUT, &format!("/invites/show/{bound}.json"), &visitor, Send::Json(redeem("thief", "thief@example.org"))).await;
    r.assert_error(422, "invalid_parameters");
    app.post_json("/invites.json", &admin, json!({"expires_at": "2001-01-01"})).await.assert_error(422, "invalid_parameters");
    app.post_json("/invites.json", &admin, json!({"email": "a@example.org", "max_redemptions_allowed": 5})).await.assert_error(422, "invalid_parameters");
    let r = app.call(Method::PUT, "/invites/show/not-a-real-key.json", &visitor, Send::Json(redeem("nobody", "n@example.org"))).await;
    r.assert_error(404, "not_found");
    // An invite page without the site's sign-up door.
    let page = app.get(&format!("/invites/{bound}"), &Auth::Anon).await;
    assert!(page.text().contains("elnura@example.org"));
    let boss = app.state.store.user_by_username("admin").await.unwrap().unwrap();
    app.state.store.set_role(app.state.store.user_by_username("newbie").await.unwrap().unwrap().id, "trust_level", 2, boss.id).await.unwrap();
    let r = app.post_json("/invites.json", &newbie, json!({"group_ids": [group]})).await;
    r.assert_error(403, "invalid_access");
    assert_eq!(app.post_json("/invites.json", &newbie, json!({})).await.status, StatusCode::OK, "trust level 2 invites");
}

async fn groups_have_members_owners_and_join_modes(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, _) = app.admin_and_category().await;
    let owner = app.user("owner", false).await;
    let owner = app.key_for(&owner).await;
    let joiner = app.user("joiner", false).await;
    let joiner_id = joiner.id.0;
    let joiner = app.key_for(&joiner).await;
    let outsider = app.user("outsider", false).await;
    let outsider = app.key_for(&outsider).await;
    app.post_json("/admin/groups.json", &owner, json!({"name": "mine"})).await.assert_error(403, "invalid_access");
    assert!(app.state.store.group_by_name("mine").await.unwrap().is_none());
    let r = app.post_json("/admin/groups.json", &admin, json!({"group": {"name": "facttic", "full_name": "Federación Facttic", "public_admission": "false", "allow_membership_requests": "true", "owner_usernames": "owner"}})).await;
    let facttic = r.json()["basic_group"]["id"].as_i64().unwrap();
    app.post_json("/admin/groups.json", &admin, json!({"name": "open-coop", "join_mode": 0})).await;
    app.post_json("/admin/groups.json", &admin, json!({"name": "secret", "visibility_level": 2})).await;
    app.post_json("/admin/groups.json", &admin, json!({"name": "bad name!"})).await.assert_error(422, "invalid_parameters");
    // An unknown owner or member stops the group being made at all.
    let e = app.post_json("/admin/groups.json", &admin, json!({"name": "typo", "owner_usernames": "ownr"})).await.assert_error(422, "invalid_parameters");
    assert_eq!(e["field_errors"][0]["field"], "owner_usernames", "{e}");
    assert!(app.state.store.group_by_name("typo").await.unwrap().is_none());
    let list = app.get_json("/groups.json", &outsider).await;
    let names: Vec<&str> = list["groups"].as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["facttic", "open-coop"], "members-only groups are hidden from others");
    app.get("/groups/secret.json", &outsider).await.assert_error(404, "not_found");
    assert_eq!(app.get("/groups/secret.json", &admin).await.status, StatusCode::OK);
    // Owners add, others may not.
    let r = app.call(Method::PUT, &format!("/groups/{facttic}/members.json"), &outsider, Send::Json(json!({"usernames": "outsider"}))).await;
    r.assert_error(403, "invalid_access");
    let r = app.call(Method::PUT, &format!("/groups/{facttic}/members.json"), &owner, Send::Json(json!({"usernames": "outsider"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    app.call(Method::PUT, &format!("/groups/{facttic}/members.json"), &owner, Send::Json(json!({"usernames": "ghost"}))).await.assert_error(422, "invalid_parameters");
    // Someone named twice is added once; naming thousands is refused, not a server error.
    let outsider_id = app.state.store.user_by_username("outsider").await.unwrap().unwrap().id.0;
    let r = app.call(Method::PUT, &format!("/groups/{facttic}/members.json"), &owner, Send::Json(json!({"usernames": "outsider,Outsider", "user_ids": [outsider_id, outsider_id]}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["usernames"], json!(["outsider"]));
    let many: Vec<i64> = (1..=100_000).collect();
    let e = app.call(Method::DELETE, &format!("/groups/{facttic}/members.json"), &outsider, Send::Json(json!({"user_ids": many}))).await.assert_error(422, "invalid_parameters");
    assert!(e["errors"][0].as_str().unwrap().contains("at most 100"), "{e}");
    let members = app.get_json("/groups/facttic/members.json", &outsider).await;
    assert_eq!(members["owners"][0]["username"], "owner");
    assert_eq!(members["meta"]["total"], 2);
    // Request to join; the owner accepts.
    app.call(Method::PUT, "/groups/facttic/join.json", &joiner, Send::Nothing).await.assert_error(403, "invalid_access");
    let r = app.post_json("/groups/facttic/request_membership.json", &joiner, json!({"reason": "we work with them"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app.call(Method::PUT, &format!("/groups/{facttic}/handle_membership_request.json"), &joiner, Send::Json(json!({"user_id": joiner_id, "accept": true}))).await;
    r.assert_error(403, "invalid_access");
    let r = app.call(Method::PUT, &format!("/groups/{facttic}/handle_membership_request.json"), &owner, Send::Json(json!({"user_id": joiner_id, "accept": true}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(app.get_json("/groups/facttic.json", &joiner).await["group"]["is_group_user"], true);
    // Open groups take anyone; anyone may leave.
    assert_eq!(app.call(Method::PUT, "/groups/open-coop/join.json", &joiner, Send::Nothing).await.status, StatusCode::OK);
    let r = app.call(Method::DELETE, "/groups/open-coop/members.json", &joiner, Send::Json(json!({"username": "joiner"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app.call(Method::DELETE, &format!("/groups/{facttic}/members.json"), &joiner, Send::Json(json!({"username": "outsider"}))).await;
    r.assert_error(403, "invalid_access");
    // A person shows one of their co-ops beside their name.
    let r = app.call(Method::PUT, "/u/joiner.json", &joiner, Send::Json(json!({"primary_group_id": facttic}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let open_coop = app.get_json("/groups/open-coop.json", &admin).await["group"]["id"].as_i64().unwrap();
    app.call(Method::PUT, "/u/joiner.json", &joiner, Send::Json(json!({"primary_group_id": open_coop}))).await.assert_error(422, "invalid_parameters");
    app.call(Method::PUT, "/u/joiner.json", &outsider, Send::Json(json!({"name": "Hacked"}))).await.assert_error(403, "invalid_access");
    app.call(Method::PUT, "/u/joiner.json", &joiner, Send::Json(json!({"timezone": "Mars/Base"}))).await.assert_error(422, "invalid_parameters");
    assert_eq!(app.get_json("/u/joiner.json", &Auth::Anon).await["user"]["primary_group_name"], "facttic");
    // A group of a person shows on their page; group mentions link.
    let page = app.get("/g/facttic", &Auth::Anon).await.text();
    assert!(page.contains("Federación Facttic") && page.contains("/u/joiner"));
    let (_, category) = (0, app.get_json("/categories.json", &admin).await["category_list"]["categories"][0]["id"].as_i64().unwrap());
    let (topic, _) = app.topic(&admin, category, "Greetings to all co-ops today", "Hola @facttic and @open-coop!").await;
    let cooked = app.get_json(&format!("/t/{topic}.json"), &Auth::Anon).await["post_stream"]["posts"][0]["cooked"].as_str().unwrap().to_string();
    assert!(cooked.contains(r#"href="/g/facttic""#), "{cooked}");
    let reply = app.reply(&joiner, topic, "Saludos from Facttic").await;
    assert_eq!(reply["primary_group_name"], "facttic");
    let page = app.get(&format!("/t/x/{topic}"), &Auth::Anon).await.text();
    assert!(page.contains(r#"<a class="primary-group" href="/g/facttic">facttic</a>"#), "{page}");
}

async fn staff_suspend_and_silence_and_others_cannot(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let troll = app.user("troll", false).await;
    let troll_id = troll.id.0;
    let troll_key = app.key_for(&troll).await;
    let bystander = app.user("bystander", false).await;
    let bystander = app.key_for(&bystander).await;
    let session = app.session("troll").await;
    let r = app.call(Method::PUT, &format!("/admin/users/{troll_id}/suspend.json"), &bystander, Send::Json(json!({"suspend_until": "2099-01-01", "reason": "x"}))).await;
    r.assert_error(403, "invalid_access");
    assert_eq!(app.get("/session/current.json", &session).await.status, StatusCode::OK, "nothing changed");
    let r = app.call(Method::PUT, &format!("/admin/users/{troll_id}/suspend.json"), &admin, Send::Json(json!({"suspend_until": "2001-01-01", "reason": "x"}))).await;
    r.assert_error(422, "invalid_parameters");
    let r = app.call(Method::PUT, &format!("/admin/users/{troll_id}/suspend.json"), &admin, Send::Json(json!({"suspend_until": "2099-01-01", "reason": "spam"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["suspension"]["suspend_reason"], "spam");
    app.get("/session/current.json", &session).await.assert_error(404, "not_found");
    app.get("/latest.json", &troll_key).await.assert_error(403, "invalid_access");
    let visitor = app.visitor().await;
    let r = app.post_json("/session", &visitor, json!({"login": "troll", "password": "correct horse battery"})).await;
    let e = r.json();
    assert!(r.cookie("_t").is_none() && e["reason"] == "suspended", "{e}");
    assert!(e["error"].as_str().unwrap().contains("suspended until") && e["error"].as_str().unwrap().contains("spam"), "{e}");
    app.call(Method::PUT, &format!("/admin/users/{troll_id}/unsuspend.json"), &admin, Send::Nothing).await;
    app.session("troll").await;
    // Silenced people read but do not post.
    let r = app.call(Method::PUT, &format!("/admin/users/{troll_id}/silence.json"), &admin, Send::Json(json!({"silenced_till": "2099-01-01", "reason": "calm"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app.post_json("/posts.json", &troll_key, json!({"title": "I will not be silenced at all", "raw": "x", "category": category})).await;
    r.assert_error(403, "invalid_access");
    assert_eq!(app.get("/latest.json", &troll_key).await.status, StatusCode::OK);
    app.call(Method::PUT, &format!("/admin/users/{troll_id}/unsilence.json"), &admin, Send::Nothing).await;
    assert_eq!(app.post_json("/posts.json", &troll_key, json!({"title": "I can speak again, thank you", "raw": "x", "category": category})).await.status, StatusCode::OK);
    // Lists for staff only.
    let list = app.get_json("/admin/users/list/active.json?filter=tro", &admin).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    app.get("/admin/users/list/active.json", &bystander).await.assert_error(403, "invalid_access");
    assert_eq!(app.get_json(&format!("/admin/users/{troll_id}.json"), &admin).await["username"], "troll");
    app.get(&format!("/admin/users/{troll_id}.json"), &bystander).await.assert_error(403, "invalid_access");
}

async fn nobody_raises_their_own_permissions(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, _) = app.admin_and_category().await;
    let me = app.user("climber", false).await;
    let my_id = me.id.0;
    let key = app.key_for(&me).await;
    for action in ["grant_admin", "grant_moderation", "approve", "trust_level"] {
        let r = app.call(Method::PUT, &format!("/admin/users/{my_id}/{action}.json"), &key, Send::Json(json!({"level": 4}))).await;
        r.assert_error(403, "invalid_access");
    }
    app.call(Method::PUT, "/admin/site_settings/login_required", &key, Send::Form("login_required=true")).await.assert_error(403, "invalid_access");
    app.post_json("/categories.json", &key, json!({"name": "Mine", "permissions": {"everyone": 1}})).await.assert_error(403, "invalid_access");
    // Sign-up fields that name roles are ignored.
    let visitor = app.visitor().await;
    let hp = app.get_json("/session/hp.json", &Auth::Anon).await;
    let reversed: String = hp["challenge"].as_str().unwrap().chars().rev().collect();
    let r = app.post_json("/users.json", &visitor, json!({"username": "sneaky", "email": "s@example.org", "password": "a long password", "admin": true, "moderator": true, "trust_level": 4, "approved": true, "password_confirmation": hp["value"], "challenge": reversed})).await;
    assert_eq!(r.status, StatusCode::OK);
    let sneaky = app.state.store.user_by_username("sneaky").await.unwrap().unwrap();
    assert!(!sneaky.admin && !sneaky.moderator && sneaky.trust_level == 0);
    // A moderator cannot make admins, nor act on an admin.
    let moderator = app.user("moddy", false).await;
    let boss = app.state.store.user_by_username("admin").await.unwrap().unwrap();
    app.state.store.set_role(moderator.id, "moderator", 1, boss.id).await.unwrap();
    let moddy = app.key_for(&moderator).await;
    app.call(Method::PUT, &format!("/admin/users/{my_id}/grant_admin.json"), &moddy, Send::Nothing).await.assert_error(403, "invalid_access");
    let r = app.call(Method::PUT, &format!("/admin/users/{}/suspend.json", boss.id.0), &moddy, Send::Json(json!({"suspend_until": "2099-01-01", "reason": "coup"}))).await;
    r.assert_error(403, "invalid_access");
    assert!(!app.state.store.user_by_id(boss.id).await.unwrap().unwrap().suspended_at(minga_core::time::now_ms()));
    let r = app.call(Method::PUT, &format!("/admin/users/{my_id}/trust_level.json"), &moddy, Send::Json(json!({"level": 3}))).await;
    assert_eq!(r.status, StatusCode::OK, "moderators set trust levels: {}", r.text());
    let r = app.call(Method::PUT, &format!("/admin/users/{my_id}/grant_moderation.json"), &admin, Send::Nothing).await;
    assert_eq!(r.json()["user"]["moderator"], true);
}

async fn flags_hide_posts_after_three_people(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let author = app.user("author", false).await;
    let author = app.key_for(&author).await;
    let (topic, post) = app.topic(&author, category, "A post that people dislike", "buy cheap things here").await;
    app.post_json("/post_actions.json", &author, json!({"id": post, "post_action_type_id": 8})).await.assert_error(403, "invalid_access");
    app.post_json("/post_actions.json", &admin, json!({"id": post, "post_action_type_id": 2})).await.assert_error(422, "invalid_parameters");
    let mut flaggers = Vec::new();
    for name in ["flagger1", "flagger2", "flagger3"] {
        let u = app.user(name, false).await;
        flaggers.push(app.key_for(&u).await);
    }
    for (i, f) in flaggers.iter().enumerate() {
        let r = app.post_json("/post_actions.json", f, json!({"id": post, "post_action_type_id": 8, "message": "spam"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["hidden"], i == 2);
    }
    app.post_json("/post_actions.json", &flaggers[0], json!({"id": post, "post_action_type_id": 8})).await.assert_error(403, "invalid_access");
    let seen = app.get_json(&format!("/t/{topic}.json"), &flaggers[0]).await["post_stream"]["posts"][0]["cooked"].as_str().unwrap().to_string();
    assert!(seen.contains("temporarily hidden") && !seen.contains("cheap"), "{seen}");
    assert_eq!(app.get_json(&format!("/posts/{post}.json"), &Auth::Anon).await["raw"], "", "the raw text is hidden too");
    let theirs = app.get_json(&format!("/t/{topic}.json"), &author).await["post_stream"]["posts"][0]["cooked"].as_str().unwrap().to_string();
    assert!(theirs.contains("cheap"), "authors see their own post");
    let queue = app.get_json("/review.json", &admin).await;
    let item = queue["reviewables"][0]["id"].as_i64().unwrap();
    assert_eq!(queue["reviewables"][0]["type"], "ReviewableFlaggedPost");
    let r = app.call(Method::PUT, &format!("/review/{item}/perform/disagree"), &admin, Send::Nothing).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let seen = app.get_json(&format!("/t/{topic}.json"), &flaggers[0]).await["post_stream"]["posts"][0]["cooked"].as_str().unwrap().to_string();
    assert!(seen.contains("cheap"), "shown again after staff disagreed");

    // A flag in a category a moderator may not see stays out of their queue.
    let boss = app.state.store.user_by_username("admin").await.unwrap().unwrap();
    let moderator = app.user("moderator", false).await;
    app.state.store.set_role(moderator.id, "moderator", 1, boss.id).await.unwrap();
    let moderator = app.key_for(&moderator).await;
    for name in ["insider", "insider2"] {
        app.user(name, false).await;
    }
    let r = app.post_json("/admin/groups.json", &admin, json!({"name": "inner", "usernames": "insider,insider2"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app.post_json("/categories.json", &admin, json!({"name": "Inner circle", "permissions": {"inner": 1}})).await;
    let private = r.json()["category"]["id"].as_i64().unwrap();
    let insider = app.key_for(&app.state.store.user_by_username("insider").await.unwrap().unwrap()).await;
    let insider2 = app.key_for(&app.state.store.user_by_username("insider2").await.unwrap().unwrap()).await;
    let (_, secret_post) = app.topic(&insider, private, "Wages we have not published", "secret figures").await;
    let r = app.post_json("/post_actions.json", &insider2, json!({"id": secret_post, "post_action_type_id": 7, "message": "check this"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let for_admin = app.get_json("/review.json", &admin).await;
    let item = for_admin["reviewables"].as_array().unwrap().iter().find(|r| r["target_id"] == secret_post).expect("the admin sees it")["id"].as_i64().unwrap();
    let for_moderator = app.get("/review.json", &moderator).await.text();
    assert!(!for_moderator.contains("Wages") && !for_moderator.contains("secret") && !for_moderator.contains(&format!("\"target_id\":{secret_post}")), "{for_moderator}");
    app.call(Method::PUT, &format!("/review/{item}/perform/disagree"), &moderator, Send::Nothing).await.assert_error(404, "not_found");
    let r = app.call(Method::PUT, &format!("/review/{item}/perform/disagree"), &admin, Send::Nothing).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
}

async fn rate_limits_and_new_user_limits(b: Backend) {
    let mut settings = support::fast_settings();
    settings.rate_limits = true;
    let app = TestApp::with_settings(b, settings).await;
    let (admin, category) = app.admin_and_category().await;
    let newbie = app.user("newbie", false).await;
    let newbie = app.key_for(&newbie).await;
    let (topic, _) = app.topic(&newbie, category, "My very first topic here", "hello").await;
    let r = app.post_json("/posts.json", &newbie, json!({"title": "My second topic right away", "raw": "x", "category": category})).await;
    let e = r.assert_error(429, "rate_limit");
    assert!(e["extras"]["wait_seconds"].as_u64().unwrap() > 60, "new users wait two minutes between topics: {e}");
    app.reply(&newbie, topic, "a first reply").await;
    let r = app.post_json("/posts.json", &newbie, json!({"topic_id": topic, "raw": "and another"})).await;
    let e = r.assert_error(429, "rate_limit");
    assert!((1..=30).contains(&e["extras"]["wait_seconds"].as_u64().unwrap()));
    // Staff are not limited.
    for i in 0..3 {
        app.reply(&admin, topic, &format!("staff reply {i}")).await;
    }
    // New users may not post many links or mentions.
    let other = app.user("other", false).await;
    let other = app.key_for(&other).await;
    let r = app.post_json("/posts.json", &other, json!({"topic_id": topic, "raw": "https://a.example/1 https://a.example/2 https://a.example/3"})).await;
    let e = r.assert_error(422, "invalid_parameters");
    assert!(e["errors"][0].as_str().unwrap().contains("links"), "{e}");
    assert_eq!(app.get_json(&format!("/t/{topic}.json"), &Auth::Anon).await["posts_count"], 5);
}

/// The headers every response must carry, whatever answered it.
fn assert_security_headers(what: &str, headers: &axum::http::HeaderMap, https: bool) {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let csp = get("content-security-policy");
    for part in ["default-src 'self'", "script-src 'self';", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'", "img-src 'self' data: https:"] {
        assert!(csp.contains(part), "{what}: CSP {csp:?} lacks {part}");
    }
    let scripts = csp.split(';').find(|d| d.trim().starts_with("script-src")).unwrap_or_default();
    assert!(!scripts.contains("unsafe-inline") && !scripts.contains("unsafe-eval"), "{what}: {csp}");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("referrer-policy"), "strict-origin-when-cross-origin", "{what}");
    assert_eq!(headers.contains_key("strict-transport-security"), https, "{what}");
}

/// Paths that hold one person's or staff's business: never stored.
fn private_path(path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    ["/admin", "/review", "/session", "/login", "/logout", "/signup", "/setup", "/invites"].iter().any(|p| path == *p || path.starts_with(&format!("{p}/")) || path.starts_with(&format!("{p}.")))
        || path == "/users"
        || path == "/users.json"
        || (path.starts_with("/u/") && path.split('/').nth(3).is_some_and(|s| s.starts_with("preferences")))
}

async fn every_response_carries_the_security_headers(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let values: Vec<String> = vec![w.topic.to_string(), w.post.to_string(), w.category_slug.clone(), "member".into(), "ica".into(), "%FF".into()];
    let admin_session = app.session("admin").await;
    let mut checked = 0;
    let mut statuses = std::collections::BTreeSet::new();
    for (pattern, _) in minga_web::registry() {
        for url in fill(pattern, &values) {
            for (who, auth) in [("visitor", &Auth::Anon), ("admin", &admin_session), ("outsider", &w.outsider)] {
                for accept in ["text/html", "application/json"] {
                    let mut req = axum::http::Request::builder().uri(&url).header("accept", accept);
                    match auth {
                        Auth::Key { key, username } => req = req.header("Api-Key", key).header("Api-Username", username),
                        Auth::Session { token, csrf } => req = req.header("cookie", format!("_t={token}; _csrf={csrf}")),
                        _ => {}
                    }
                    let r = {
                        use tower::ServiceExt;
                        app.router.clone().oneshot(req.body(axum::body::Body::empty()).unwrap()).await.unwrap()
                    };
                    let what = format!("{who} GET {url} ({accept}): {}", r.status());
                    statuses.insert(r.status().as_u16());
                    assert_security_headers(&what, r.headers(), false);
                    if private_path(&url) {
                        assert_eq!(r.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"), "{what}");
                    }
                    checked += 1;
                }
            }
            // Refused writes are answered with the headers too.
            let r = app.call(Method::POST, &url, &Auth::Anon, Send::Form("x=1")).await;
            statuses.insert(r.status.as_u16());
            assert_security_headers(&format!("POST {url}: {}", r.status), &r.headers, false);
            checked += 1;
        }
    }
    assert!(checked > 1000, "{checked}");
    for s in [200, 303, 400, 403, 404, 405] {
        assert!(statuses.contains(&s), "the walk met a {s}: {statuses:?}");
    }
    // A page kept by the visitor cache carries them as well: the second
    // answer below is the kept one.
    let public = app.get_json("/latest.json", &Auth::Anon).await["topic_list"]["topics"][0]["id"].as_i64().unwrap();
    let public_page = format!("/t/x/{public}");
    let first = app.get(&public_page, &Auth::Anon).await;
    let key = minga_web::cache::page_key(minga_web::format::Format::Html, minga_web::i18n::Locale::En, "", &public_page.parse().unwrap());
    assert!(app.state.caches.pages.get(&app.state.caches, &key).is_some(), "kept by the visitor cache");
    let second = app.get(&public_page, &Auth::Anon).await;
    assert_eq!(first.body, second.body, "served from the cache");
    assert_security_headers("a cached page", &second.headers, false);

    // On https, browsers are told to stay on https.
    let settings = minga_web::Settings { base_url: "https://forum.example.coop".into(), ..support::fast_settings() };
    let secure = TestApp::with_settings(b, settings).await;
    for path in ["/", "/nowhere", "/login", "/latest.json"] {
        let r = secure.get(path, &Auth::Anon).await;
        assert_security_headers(path, &r.headers, true);
    }
}

#[allow(dead_code)]
fn unused(_: Value) {}

mod earned_trust {
    use super::*;

    mod sqlite {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn reading_earns_trust_level_one() {
            super::reading_earns_trust_level_one(minga_store::Backend::Sqlite).await
        }
    }
    mod postgres {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn reading_earns_trust_level_one() {
            super::reading_earns_trust_level_one(minga_store::Backend::Postgres).await
        }
    }

    async fn reading_earns_trust_level_one(b: Backend) {
        let app = TestApp::new(b).await;
        let (admin, category) = app.admin_and_category().await;
        let mut topics = Vec::new();
        for i in 0..5 {
            let (t, _) = app.topic(&admin, category, &format!("Topic number {i} to read through"), "first").await;
            for j in 0..6 {
                app.reply(&admin, t, &format!("reply {j}")).await;
            }
            topics.push(t);
        }
        let reader = app.user("reader", false).await;
        let key = app.key_for(&reader).await;
        for t in &topics[..4] {
            app.get(&format!("/t/{t}.json"), &key).await;
        }
        app.state.flush_views().await.unwrap();
        assert_eq!(app.state.store.user_by_id(reader.id).await.unwrap().unwrap().trust_level, 0, "four topics are not enough");
        // Reading the same topic again adds nothing.
        app.get(&format!("/t/{}.json", topics[0]), &key).await;
        app.state.flush_views().await.unwrap();
        let stats = app.state.store.reading_stats(reader.id).await.unwrap();
        assert_eq!((stats.topics_entered, stats.posts_read, stats.days_visited), (4, 28, 1));
        app.get(&format!("/t/{}.json", topics[4]), &key).await;
        app.state.flush_views().await.unwrap();
        assert_eq!(app.state.store.user_by_id(reader.id).await.unwrap().unwrap().trust_level, 1);
        let log = app.get_json("/admin/logs/staff_action_logs.json", &admin).await;
        assert_eq!(log["staff_action_logs"][0]["action_name"], "earn_trust_level");
    }
}

/// Every route, with every method that could change something, refuses a
/// cookie session that does not send the CSRF token, before any handler
/// runs: so a route added later cannot forget the check.
async fn every_write_needs_the_csrf_token(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let Auth::Session { token, csrf } = app.session("admin").await else { unreachable!() };
    let values: Vec<String> = vec![w.topic.to_string(), w.post.to_string(), "member".into(), "ica".into()];
    let before = app.state.store.totals(None).await.unwrap();
    let mut refused = 0;
    for (pattern, _) in minga_web::registry() {
        for url in fill(pattern, &values) {
            for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
                for (content_type, body) in [
                    ("application/json", json!({"raw": "forged", "title": "A forged topic from elsewhere", "topic_id": w.topic}).to_string()),
                    ("application/x-www-form-urlencoded", "raw=forged&authenticity_token=wrong".to_string()),
                    ("application/x-www-form-urlencoded", "raw=forged".to_string()),
                ] {
                    let req = axum::http::Request::builder()
                        .method(method.clone())
                        .uri(&url)
                        .header("cookie", format!("_t={token}; _csrf={csrf}"))
                        .header("content-type", content_type)
                        .body(axum::body::Body::from(body))
                        .unwrap();
                    let r = {
                        use tower::ServiceExt;
                        app.router.clone().oneshot(req).await.unwrap()
                    };
                    if method == Method::POST && url.starts_with("/email/unsubscribe/") {
                        // One-click unsubscribe comes from mail clients with no
                        // cookie: the key in the address is the proof, and a
                        // wrong one finds nothing.
                        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{method} {url}");
                        continue;
                    }
                    assert_eq!(r.status(), StatusCode::FORBIDDEN, "{method} {url} ({content_type}) without the token");
                    refused += 1;
                }
            }
        }
    }
    assert!(refused > 500, "{refused}");
    let after = app.state.store.totals(None).await.unwrap();
    assert_eq!((before.users, before.topics, before.posts), (after.users, after.topics, after.posts), "nothing was written");
}

/// A response's body; an event stream (`/live`), which never ends, is
/// read for what it sends at once.
async fn body_text(response: axum::response::Response) -> String {
    use http_body_util::BodyExt;
    let streaming = response
        .headers()
        .get("content-type")
        .is_some_and(|v| v == "text/event-stream");
    let mut body = response.into_body();
    if !streaming {
        return String::from_utf8_lossy(&body.collect().await.unwrap().to_bytes()).into_owned();
    }
    let mut text = String::new();
    while let Ok(Some(Ok(frame))) =
        tokio::time::timeout(std::time::Duration::from_millis(20), body.frame()).await
    {
        if let Ok(bytes) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    text
}
