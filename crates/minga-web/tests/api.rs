//! The JSON API, driven in-process through the router, on both backends.

mod support;

use axum::http::{Method, StatusCode};
use minga_store::Backend;
use serde_json::json;
use support::{Auth, Send, TestApp};

both_backends!(
    a_write_drops_only_the_pages_it_changed,
    members_see_every_change_at_once,
    sign_up_needs_the_honeypot_and_unique_names,
    sign_up_refuses_bad_fields_together,
    log_in_sets_a_session_and_throttles_failures,
    csrf_is_required_for_cookie_requests,
    api_keys_must_match_their_user,
    categories_are_for_admins,
    topics_and_replies_read_back,
    bodies_may_be_form_or_multipart,
    edits_keep_history_and_belong_to_authors,
    deleted_posts_and_topics_disappear,
    latest_pages_and_content_negotiation,
    bad_topic_input_is_refused_whole,
    bad_reply_input_is_refused_whole,
    malformed_bodies_get_clear_errors,
    site_endpoints_answer,
    fifty_parallel_api_replies,
    views_are_counted,
    visitors_never_get_stale_or_personal_pages,
    rebake_cooks_stored_posts_again,
    html_fields_are_cooked_and_never_executable,
);

/// Whether HTML holds something a browser would run: a script element,
/// an `on…` handler or a `javascript:` URL inside a tag.
fn executable(html: &str) -> bool {
    // minga's own script, from its own origin, is the one allowed (at
    // whatever version the page asks for).
    let mut html = html.to_string();
    while let Some(at) = html.find(r#"<script src="/assets/live.js?v="#) {
        let end = html[at..].find("</script>").map_or(html.len(), |e| at + e + "</script>".len());
        html.replace_range(at..end, "");
    }
    let lower = html.to_lowercase();
    lower.split('<').skip(1).any(|tag| {
        let tag = tag.split('>').next().unwrap_or_default();
        tag.starts_with("script") || tag.contains("javascript:") || tag.split_whitespace().skip(1).any(|a| a.starts_with("on") && a.contains('='))
    })
}

async fn html_fields_are_cooked_and_never_executable(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, _) = app.admin_and_category().await;
    let payload = "**Co-ops** & <a href=\"javascript:alert(3)\">friends</a> <img src=x onerror=alert(2)>\n\n<script>alert(1)</script><img src=x onerror=alert(2)>";
    assert!(executable(payload) && !executable("<p>a &lt;script&gt; b</p>"), "the check itself works");
    let r = app.post_json("/categories.json", &admin, json!({"name": "Hostile", "description": payload})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let category = r.json()["category"].clone();
    let id = category["id"].as_i64().unwrap();
    let r = app.post_json("/admin/groups.json", &admin, json!({"name": "hostile", "bio_raw": payload})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app.call(Method::PUT, "/u/admin.json", &admin, Send::Json(json!({"bio_raw": payload}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    app.topic(&admin, id, "A topic that quotes a script tag", "Never write `<script>alert(4)</script>` or &lt;img src=x onerror=alert(5)&gt; here.").await;

    let mut fields = Vec::new();
    let mut take = |what: &str, v: &serde_json::Value| {
        let text = v.as_str().unwrap_or_else(|| panic!("{what} is a string: {v}")).to_string();
        fields.push((what.to_string(), text));
    };
    for c in [&category, &app.get_json(&format!("/c/{id}/show.json"), &Auth::Anon).await["category"]] {
        take("description", &c["description"]);
        take("description_excerpt", &c["description_excerpt"]);
        assert_eq!(c["description_text"], payload, "the raw text is kept beside it");
    }
    let cats = app.get_json("/categories.json", &Auth::Anon).await;
    let c = cats["category_list"]["categories"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap().clone();
    take("categories.json description", &c["description"]);
    let site = app.get_json("/site.json", &Auth::Anon).await;
    let c = site["categories"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap().clone();
    take("site.json description", &c["description"]);
    for g in [app.get_json("/groups/hostile.json", &Auth::Anon).await["group"].clone(), app.get_json("/groups.json", &Auth::Anon).await["groups"][0].clone()] {
        take("group bio_cooked", &g["bio_cooked"]);
        take("group bio_excerpt", &g["bio_excerpt"]);
        assert_eq!(g["bio_raw"], payload);
    }
    let u = app.get_json("/u/admin.json", &Auth::Anon).await["user"].clone();
    take("user bio_cooked", &u["bio_cooked"]);
    assert_eq!(u["bio_raw"], payload);
    let latest = app.get_json("/latest.json", &Auth::Anon).await;
    take("topic excerpt", &latest["topic_list"]["topics"][0]["excerpt"]);
    for (what, html) in &fields {
        assert!(!executable(html), "{what} could run: {html}");
    }
    let cooked = &fields[0].1;
    assert!(cooked.contains("<strong>Co-ops</strong>") && cooked.contains("&amp;"), "description is cooked HTML: {cooked}");
    let excerpt = &fields.last().unwrap().1;
    assert!(excerpt.contains("&lt;script&gt;"), "excerpts are escaped HTML: {excerpt}");
    // The pages show the same cooked HTML.
    for path in ["/categories".to_string(), format!("/c/hostile/{id}"), "/u/admin".into(), "/g/hostile".into(), "/latest".into()] {
        let html = app.get(&path, &Auth::Anon).await.text();
        assert!(!executable(&html), "{path} could run something: {html}");
    }
    assert!(app.get("/categories", &Auth::Anon).await.text().contains("<strong>Co-ops</strong>"));
}

/// `minga admin rebake`: someone mentioned before they joined becomes a
/// link, HTML from an older cooker is replaced, and nothing else moves.
async fn rebake_cooks_stored_posts_again(b: Backend) {
    let app = TestApp::new(b).await;
    let (key, category) = app.admin_and_category().await;
    let (topic, first) = app.topic(&key, category, "Welcoming the people who join late", "Welcome @latecomer, we kept you a seat :smile:").await;
    let reply = app.reply(&key, topic, "Thanks @admin").await;
    let reply_id = minga_core::PostId(reply["id"].as_i64().unwrap());
    app.user("latecomer", false).await;
    app.state.store.set_cooked(reply_id, "<p>cooked by an older version</p>", "").await.unwrap();
    let path = format!("/t/{topic}.json");
    let before = app.get_json(&path, &Auth::Anon).await;
    assert!(!before["post_stream"]["posts"][0]["cooked"].as_str().unwrap().contains("/u/latecomer"));

    let done = minga_web::ops::rebake(&app.state).await.unwrap();
    assert_eq!((done.seen, done.changed), (2, 2));
    // Visitors see it at once: the page cache starts afresh.
    let after = app.get_json(&path, &Auth::Anon).await;
    let posts = &after["post_stream"]["posts"];
    assert!(posts[0]["cooked"].as_str().unwrap().contains(r#"<a class="mention" href="/u/latecomer">@latecomer</a>"#), "{}", posts[0]["cooked"]);
    assert!(posts[1]["cooked"].as_str().unwrap().contains(r#"<a class="mention" href="/u/admin">@admin</a>"#), "{}", posts[1]["cooked"]);
    assert_eq!(posts[0]["id"].as_i64(), Some(first));
    assert_eq!(posts[0]["version"].as_i64(), Some(1), "no new version");
    assert_eq!(minga_web::ops::rebake(&app.state).await.unwrap(), minga_web::ops::Rebaked { seen: 2, changed: 0 });
    // An excerpt an older version made from the same HTML is made again.
    let cooked = posts[0]["cooked"].as_str().unwrap().to_string();
    app.state.store.set_cooked(minga_core::PostId(first), &cooked, "Welcome @latecomer , we kept you a seat").await.unwrap();
    assert_eq!(minga_web::ops::rebake(&app.state).await.unwrap(), minga_web::ops::Rebaked { seen: 2, changed: 1 });
    let latest = app.get_json("/latest.json", &Auth::Anon).await;
    assert!(latest["topic_list"]["topics"][0]["excerpt"].as_str().unwrap().starts_with("Welcome @latecomer, we kept you a seat"), "{latest}");
}

async fn sign_up_needs_the_honeypot_and_unique_names(b: Backend) {
    let app = TestApp::new(b).await;
    let visitor = app.visitor().await;
    let hp = app.get_json("/session/hp.json", &Auth::Anon).await;
    let reversed: String = hp["challenge"].as_str().unwrap().chars().rev().collect();
    let form = |name: &str, email: &str| {
        json!({"username": name, "email": email, "password": "a long password", "name": "Neto",
               "password_confirmation": hp["value"], "challenge": reversed})
    };
    let r = app.post_json("/users.json", &visitor, form("Neto", "neto@example.org")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let body = r.json();
    assert_eq!((body["success"].as_bool(), body["active"].as_bool()), (Some(true), Some(true)));
    assert!(body["user_id"].as_i64().is_some());

    let r = app.post_json("/users.json", &visitor, form("NETO", "other@example.org")).await;
    let e = r.assert_error(422, "invalid_parameters");
    assert!(e["errors"][0].as_str().unwrap().contains("username"), "{e}");
    let r = app.post_json("/users.json", &visitor, form("someone", "NETO@example.org")).await;
    let e = r.assert_error(422, "invalid_parameters");
    assert_eq!(e["field_errors"][0]["field"], "email");

    // A bot that skips the honeypot is refused; an API key skips it.
    let r = app.post_json("/users.json", &visitor, json!({"username": "bot", "email": "bot@example.org", "password": "a long password"})).await;
    r.assert_error(403, "invalid_access");
    assert!(app.state.store.user_by_username("bot").await.unwrap().is_none());
    let (admin_key, _) = app.admin_and_category().await;
    let r = app.post_json("/users.json", &admin_key, json!({"username": "scripted", "email": "s@example.org", "password": "a long password"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    let profile = app.get_json("/u/neto.json", &Auth::Anon).await;
    assert_eq!(profile["user"]["username"], "Neto");
    assert_eq!(profile["user"]["name"], "Neto");
    assert!(profile["user"]["avatar_template"].as_str().unwrap().contains("{size}"));
    assert_eq!(app.get_json("/users/Neto.json", &Auth::Anon).await["user"]["id"], body["user_id"]);
    app.get("/u/nobody.json", &Auth::Anon).await.assert_error(404, "not_found");
}

async fn sign_up_refuses_bad_fields_together(b: Backend) {
    let app = TestApp::new(b).await;
    let (key, _) = app.admin_and_category().await;
    let r = app.post_json("/users.json", &key, json!({"username": "a b", "email": "nope", "password": "short"})).await;
    let e = r.assert_error(422, "invalid_parameters");
    let fields: Vec<&str> = e["field_errors"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["username", "email", "password"]);
    for bad in ["ab", "x".repeat(21).as_str(), "robot.json", "ünïcode"] {
        let r = app.post_json("/users.json", &key, json!({"username": bad, "email": "ok@example.org", "password": "a long password"})).await;
        r.assert_error(422, "invalid_parameters");
    }
    assert_eq!(app.state.store.totals(None).await.unwrap().users, 1, "only the admin exists");
}

async fn log_in_sets_a_session_and_throttles_failures(b: Backend) {
    let app = TestApp::new(b).await;
    app.user("polly", false).await;
    let session = app.session("POLLY").await;
    let me = app.get_json("/session/current.json", &session).await;
    assert_eq!(me["current_user"]["username"], "polly");
    app.get("/session/current.json", &Auth::Anon).await.assert_error(404, "not_found");
    let by_email = app.session("polly@example.org").await;
    assert_eq!(app.get_json("/session/current.json", &by_email).await["current_user"]["username"], "polly");

    let r = app.call(Method::DELETE, "/session/polly", &session, Send::Nothing).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    app.get("/session/current.json", &session).await.assert_error(404, "not_found");

    let visitor = app.visitor().await;
    for _ in 0..5 {
        let r = app.post_json("/session", &visitor, json!({"login": "polly", "password": "wrong password"})).await;
        assert_eq!(r.json()["error"], "Incorrect username, email or password", "as Discourse: 200 with the error");
    }
    let r = app.post_json("/session", &visitor, json!({"login": "polly", "password": "correct horse battery"})).await;
    let e = r.assert_error(429, "rate_limit");
    let wait = e["extras"]["wait_seconds"].as_u64().unwrap();
    assert!((1..=300).contains(&wait), "{e}");
    assert!(r.headers.contains_key("retry-after"));
    assert!(r.cookie("_t").is_none());
}

async fn csrf_is_required_for_cookie_requests(b: Backend) {
    let app = TestApp::new(b).await;
    let (_, category) = app.admin_and_category().await;
    app.user("chris", false).await;
    let Auth::Session { token, csrf } = app.session("chris").await else { unreachable!() };
    let body = json!({"title": "A forged topic from elsewhere", "raw": "x", "category": category}).to_string();
    let send = |cookie: String, header: Option<&str>| {
        let mut req = axum::http::Request::builder()
            .method(Method::POST)
            .uri("/posts.json")
            .header("cookie", cookie)
            .header("content-type", "application/json");
        if let Some(h) = header {
            req = req.header("x-csrf-token", h);
        }
        let req = req.body(axum::body::Body::from(body.clone())).unwrap();
        let router = app.router.clone();
        async move {
            use tower::ServiceExt;
            router.oneshot(req).await.unwrap().status()
        }
    };
    // A wrong token, no token, or a token with no cookie to match: refused.
    assert_eq!(send(format!("_t={token}; _csrf={csrf}"), Some("not-the-token-at-all")).await, StatusCode::FORBIDDEN);
    assert_eq!(send(format!("_t={token}; _csrf={csrf}"), None).await, StatusCode::FORBIDDEN);
    assert_eq!(send(format!("_t={token}"), Some(&csrf)).await, StatusCode::FORBIDDEN);
    assert_eq!(app.state.store.totals(None).await.unwrap().topics, 0);
    assert_eq!(send(format!("_t={token}; _csrf={csrf}"), Some(&csrf)).await, StatusCode::OK);
}

async fn api_keys_must_match_their_user(b: Backend) {
    let app = TestApp::new(b).await;
    let u = app.user("kayleigh", false).await;
    let Auth::Key { key, .. } = app.key_for(&u).await else { unreachable!() };
    let me = app.get_json("/session/current.json", &Auth::Key { key: key.clone(), username: "KAYLEIGH".into() }).await;
    assert_eq!(me["current_user"]["username"], "kayleigh");
    app.user("elnura", false).await;
    let r = app.get("/session/current.json", &Auth::Key { key: key.clone(), username: "elnura".into() }).await;
    r.assert_error(403, "invalid_access");
    let r = app.get("/latest.json", &Auth::Key { key: "made-up".into(), username: "kayleigh".into() }).await;
    r.assert_error(403, "invalid_access");
}

async fn categories_are_for_admins(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, general) = app.admin_and_category().await;
    let member = app.user("neto", false).await;
    let member = app.key_for(&member).await;
    let r = app.post_json("/categories.json", &member, json!({"name": "Mine"})).await;
    r.assert_error(403, "invalid_access");
    let r = app.post_json("/categories.json", &Auth::Anon, json!({"name": "Mine"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = app.post_json("/categories.json", &admin, json!({"name": "Gatherings & Events", "color": "#ff8800", "text_color": "000000", "description": "Meet up"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let created = r.json()["category"].clone();
    assert_eq!((created["slug"].as_str(), created["color"].as_str()), (Some("gatherings-events"), Some("FF8800")));
    let id = created["id"].as_i64().unwrap();

    let r = app.post_json("/categories.json", &admin, json!({"name": "Again", "slug": "gatherings-events"})).await;
    let e = r.assert_error(422, "invalid_parameters");
    assert_eq!(e["field_errors"][0]["field"], "slug");
    let r = app.post_json("/categories.json", &admin, json!({"name": "", "color": "blue"})).await;
    let e = r.assert_error(422, "invalid_parameters");
    assert_eq!(e["field_errors"].as_array().unwrap().len(), 2);

    let r = app.call(Method::PUT, &format!("/categories/{id}.json"), &admin, Send::Json(json!({"name": "Gatherings"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    assert_eq!((v["success"].as_str(), v["category"]["name"].as_str(), v["category"]["slug"].as_str()), (Some("OK"), Some("Gatherings"), Some("gatherings-events")));
    let r = app.call(Method::PUT, &format!("/categories/{id}.json"), &member, Send::Json(json!({"name": "Hijacked"}))).await;
    r.assert_error(403, "invalid_access");
    let r = app.call(Method::PUT, "/categories/999.json", &admin, Send::Json(json!({"name": "x"}))).await;
    r.assert_error(404, "not_found");

    let list = app.get_json("/categories.json", &Auth::Anon).await;
    let names: Vec<&str> = list["category_list"]["categories"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["General", "Gatherings"]);
    assert_eq!(list["category_list"]["can_create_category"], false);
    assert_eq!(app.get_json("/categories.json", &admin).await["category_list"]["can_create_category"], true);
    let show = app.get_json(&format!("/c/{id}/show.json"), &Auth::Anon).await;
    assert_eq!(show["category"]["name"], "Gatherings");
    let topics = app.get_json(&format!("/c/general/{general}.json"), &Auth::Anon).await;
    assert!(topics["topic_list"]["topics"].as_array().unwrap().is_empty());
    app.get("/c/nope/999.json", &Auth::Anon).await.assert_error(404, "not_found");
}

async fn topics_and_replies_read_back(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let neto = app.user("neto", false).await;
    let neto = app.key_for(&neto).await;
    let raw = "Hi everyone! As Neto we are part of **Facttic** and Cambá…\n\n- New owner-workers\n- Distribution and salary";
    let (topic, first) = app.topic(&admin, category, "Making contact with other tech co-ops outside of the UK?", raw).await;
    let reply = app.reply(&neto, topic, "We are here now!! :smile:").await;
    assert_eq!((reply["post_number"].as_i64(), reply["topic_id"].as_i64()), (Some(2), Some(topic)));
    let r3 = app.post_json("/posts.json", &admin, json!({"topic_id": topic, "raw": "Welcome!", "reply_to_post_number": 2})).await;
    assert_eq!(r3.json()["reply_to_post_number"], 2);

    let t = app.get_json(&format!("/t/{topic}.json"), &Auth::Anon).await;
    assert_eq!(t["title"], "Making contact with other tech co-ops outside of the UK?");
    assert_eq!(t["slug"], "making-contact-with-other-tech-co-ops-outside-of-the-uk");
    assert_eq!((t["posts_count"].as_i64(), t["highest_post_number"].as_i64()), (Some(3), Some(3)));
    let posts = t["post_stream"]["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 3);
    assert_eq!(posts[0]["id"], first);
    assert!(posts[0]["cooked"].as_str().unwrap().contains("<strong>Facttic</strong>"));
    assert!(posts[0]["cooked"].as_str().unwrap().contains("<li>New owner-workers</li>"));
    assert_eq!(posts[1]["username"], "neto");
    assert_eq!(t["post_stream"]["stream"].as_array().unwrap().len(), 3);
    assert_eq!(t["details"]["created_by"]["username"], "admin");
    assert_eq!(t["details"]["last_poster"]["username"], "admin");
    let slugged = app.get_json(&format!("/t/{}/{topic}.json", t["slug"].as_str().unwrap()), &Auth::Anon).await;
    assert_eq!(slugged["id"], topic);

    let one = app.get_json(&format!("/posts/{first}.json"), &Auth::Anon).await;
    assert_eq!(one["raw"], raw, "the raw text is kept exactly");
    let ids = t["post_stream"]["stream"].as_array().unwrap();
    let some = app.get_json(&format!("/t/{topic}/posts.json?post_ids[]={}&post_ids[]={}", ids[2], ids[0]), &Auth::Anon).await;
    let numbers: Vec<i64> = some["post_stream"]["posts"].as_array().unwrap().iter().map(|p| p["post_number"].as_i64().unwrap()).collect();
    assert_eq!(numbers, [1, 3]);
    app.get("/t/999.json", &Auth::Anon).await.assert_error(404, "not_found");
    app.get("/posts/999.json", &Auth::Anon).await.assert_error(404, "not_found");
    app.get("/t/not-a-number.json", &Auth::Anon).await.assert_error(404, "not_found");

    // More than one page: the first 20 posts, but every id in the stream.
    for i in 0..22 {
        app.reply(&neto, topic, &format!("reply number {i}")).await;
    }
    let t = app.get_json(&format!("/t/{topic}.json"), &Auth::Anon).await;
    assert_eq!(t["post_stream"]["posts"].as_array().unwrap().len(), 20);
    assert_eq!(t["post_stream"]["stream"].as_array().unwrap().len(), 25);
    let u = app.get_json("/u/neto.json", &Auth::Anon).await;
    assert_eq!(u["user"]["post_count"], 23);
}

async fn bodies_may_be_form_or_multipart(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let form = format!("title=Shared+hosting+between+co-ops&raw=Caf%C3%A9+%26+servers&category={category}");
    let r = app.call(Method::POST, "/posts.json", &admin, Send::Form(&form)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let post = r.json();
    assert_eq!(post["raw"], "Café & servers");
    let topic = post["topic_id"].as_i64().unwrap();
    let id = topic.to_string();
    let r = app.call(Method::POST, "/posts.json", &admin, Send::Multipart(vec![("topic_id", &id), ("raw", "multipart ¡hola!")])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["post_number"], 2);
    assert_eq!(r.headers["content-type"], "application/json; charset=utf-8");
    let pid = post["id"].as_i64().unwrap();
    let r = app.call(Method::PUT, &format!("/posts/{pid}.json"), &admin, Send::Form("post%5Braw%5D=edited+by+form")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["post"]["raw"], "edited by form");
}

async fn edits_keep_history_and_belong_to_authors(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let polly = app.user("polly", false).await;
    let polly = app.key_for(&polly).await;
    let chris = app.user("chris", false).await;
    let chris = app.key_for(&chris).await;
    let (topic, _) = app.topic(&polly, category, "Gathering in London this November", "First version").await;
    let reply = app.reply(&polly, topic, "7pm on the 29th").await;
    let id = reply["id"].as_i64().unwrap();
    let path = format!("/posts/{id}.json");

    let r = app.call(Method::PUT, &path, &polly, Send::Json(json!({"post": {"raw": "7pm on the 29th, so that is 4pm for you", "edit_reason": "time zone"}}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let post = r.json()["post"].clone();
    assert_eq!((post["version"].as_i64(), post["raw"].as_str()), (Some(2), Some("7pm on the 29th, so that is 4pm for you")));
    let revisions = app.state.store.revisions(minga_core::PostId(id)).await.unwrap();
    assert_eq!(revisions.len(), 1);
    assert_eq!(revisions[0].raw, "7pm on the 29th");

    let r = app.call(Method::PUT, &path, &chris, Send::Json(json!({"post": {"raw": "vandalised"}}))).await;
    r.assert_error(403, "invalid_access");
    let r = app.call(Method::DELETE, &path, &chris, Send::Nothing).await;
    r.assert_error(403, "invalid_access");
    let r = app.call(Method::PUT, &path, &Auth::Anon, Send::Json(json!({"post": {"raw": "anon"}}))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.call(Method::PUT, &path, &polly, Send::Json(json!({"post": {"raw": "  "}}))).await;
    r.assert_error(422, "invalid_parameters");
    // Staff may edit anyone's post.
    let r = app.call(Method::PUT, &path, &admin, Send::Json(json!({"raw": "fixed by staff"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(app.get_json(&path, &Auth::Anon).await["raw"], "fixed by staff");
}

async fn deleted_posts_and_topics_disappear(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let (topic, first) = app.topic(&admin, category, "A topic that will be deleted", "soon gone").await;
    let reply = app.reply(&admin, topic, "a reply").await["id"].as_i64().unwrap();
    let r = app.call(Method::DELETE, &format!("/posts/{reply}.json"), &admin, Send::Nothing).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    app.get(&format!("/posts/{reply}.json"), &Auth::Anon).await.assert_error(404, "not_found");
    let t = app.get_json(&format!("/t/{topic}.json"), &Auth::Anon).await;
    assert_eq!(t["post_stream"]["stream"].as_array().unwrap().len(), 1);
    assert_eq!(t["has_deleted"], true);
    let r = app.call(Method::DELETE, &format!("/posts/{reply}.json"), &admin, Send::Nothing).await;
    r.assert_error(404, "not_found");

    let r = app.call(Method::DELETE, &format!("/posts/{first}.json"), &admin, Send::Nothing).await;
    assert_eq!(r.status, StatusCode::OK);
    app.get(&format!("/t/{topic}.json"), &Auth::Anon).await.assert_error(404, "not_found");
    let latest = app.get_json("/latest.json", &Auth::Anon).await;
    assert!(latest["topic_list"]["topics"].as_array().unwrap().is_empty());
    let r = app.post_json("/posts.json", &admin, json!({"topic_id": topic, "raw": "to a deleted topic"})).await;
    r.assert_error(404, "not_found");
}

async fn latest_pages_and_content_negotiation(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    for i in 0..31 {
        app.topic(&admin, category, &format!("Topic number {i:02} about co-ops"), "body").await;
    }
    let first = app.get_json("/latest.json", &Auth::Anon).await;
    let topics = first["topic_list"]["topics"].as_array().unwrap();
    assert_eq!(topics.len(), 30);
    assert_eq!(topics[0]["title"], "Topic number 30 about co-ops");
    assert_eq!(first["topic_list"]["more_topics_url"], "/latest?page=1");
    assert_eq!(first["users"][0]["username"], "admin");
    let second = app.get_json("/latest.json?page=1", &Auth::Anon).await;
    assert_eq!(second["topic_list"]["topics"].as_array().unwrap().len(), 1);
    assert!(second["topic_list"].get("more_topics_url").is_none());
    app.get("/latest.json?page=-1", &Auth::Anon).await.assert_error(400, "invalid_parameters");
    app.get("/latest.json?page=abc", &Auth::Anon).await.assert_error(400, "invalid_parameters");

    let req = |path: &str| {
        axum::http::Request::builder().uri(path).header("accept", "application/json").body(axum::body::Body::empty()).unwrap()
    };
    use tower::ServiceExt;
    let r = app.router.clone().oneshot(req("/latest")).await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/json; charset=utf-8");
    let id = topics[0]["id"].as_i64().unwrap();
    let slug = topics[0]["slug"].as_str().unwrap();
    let r = app.router.clone().oneshot(req(&format!("/t/{slug}/{id}"))).await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/json; charset=utf-8");
    let r = app.router.clone().oneshot(req("/no/such/page")).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.headers()["content-type"], "application/json; charset=utf-8");
    let html = app.get("/latest", &Auth::Anon).await;
    assert!(html.headers["content-type"].to_str().unwrap().starts_with("text/html"));
}

async fn bad_topic_input_is_refused_whole(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let cases = [
        (json!({"title": "", "raw": "body", "category": category}), "title"),
        (json!({"title": "too short", "raw": "body", "category": category}), "title"),
        (json!({"title": "x".repeat(256), "raw": "body", "category": category}), "title"),
        (json!({"title": "A perfectly fine title", "raw": "", "category": category}), "raw"),
        (json!({"title": "A perfectly fine title", "raw": "x".repeat(32_001), "category": category}), "raw"),
        (json!({"title": "A perfectly fine title", "raw": "body", "category": 4242}), "category"),
        (json!({"title": "A perfectly fine title", "raw": "body"}), "category"),
    ];
    for (body, field) in cases {
        let r = app.post_json("/posts.json", &admin, body.clone()).await;
        let e = r.assert_error(422, "invalid_parameters");
        assert_eq!(e["field_errors"][0]["field"], field, "{body}");
    }
    let r = app.post_json("/posts.json", &admin, json!({"title": "A perfectly fine title", "raw": "body", "category": "general"})).await;
    r.assert_error(400, "invalid_parameters");
    let r = app.post_json("/posts.json", &admin, json!({"title": 42, "raw": "body", "category": category})).await;
    r.assert_error(400, "invalid_parameters");
    assert_eq!(app.state.store.totals(None).await.unwrap().topics, 0, "nothing was stored");
    let ok = app.post_json("/posts.json", &admin, json!({"title": "A perfectly fine title", "raw": "x".repeat(32_000), "category": category})).await;
    assert_eq!(ok.status, StatusCode::OK, "exactly the limit is allowed");
}

async fn bad_reply_input_is_refused_whole(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let (topic, _) = app.topic(&admin, category, "A topic for bad replies", "body").await;
    app.post_json("/posts.json", &admin, json!({"topic_id": 999, "raw": "hello"})).await.assert_error(404, "not_found");
    app.post_json("/posts.json", &admin, json!({"topic_id": topic, "raw": " \n "})).await.assert_error(422, "invalid_parameters");
    let r = app.post_json("/posts.json", &admin, json!({"topic_id": topic, "raw": "hi", "reply_to_post_number": 7})).await;
    let e = r.assert_error(422, "invalid_parameters");
    assert_eq!(e["field_errors"][0]["field"], "reply_to_post_number");
    let visitor = app.visitor().await;
    app.post_json("/posts.json", &visitor, json!({"topic_id": topic, "raw": "anon"})).await.assert_error(403, "not_logged_in");
    app.post_json("/posts.json", &Auth::Anon, json!({"topic_id": topic, "raw": "anon"})).await.assert_error(403, "invalid_access");
    let t = app.get_json(&format!("/t/{topic}.json"), &Auth::Anon).await;
    assert_eq!(t["highest_post_number"], 1, "no number was used up");
}

async fn malformed_bodies_get_clear_errors(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, _) = app.admin_and_category().await;
    let sends = vec![
        Send::Raw("application/json", b"{\"title\": ".to_vec()),
        Send::Raw("application/json", b"[1, 2]".to_vec()),
        Send::Raw("application/json", b"{\"raw\": \"\xff\xfe\"}".to_vec()),
        Send::Raw("application/x-www-form-urlencoded", b"raw=%FF%FE&title=x".to_vec()),
        Send::Raw("multipart/form-data; boundary=zz", b"--zz\r\nContent-Disposition: form-data; name=\"raw\"\r\n\r\n\xff\xfe\r\n--zz--\r\n".to_vec()),
        Send::Raw("multipart/form-data; boundary=zz", b"garbage".to_vec()),
    ];
    for send in sends {
        let r = app.call(Method::POST, "/posts.json", &admin, send).await;
        r.assert_error(400, "invalid_parameters");
    }
    let huge = vec![b'a'; 2 * 1024 * 1024];
    let r = app.call(Method::POST, "/posts.json", &admin, Send::Raw("application/x-www-form-urlencoded", huge)).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert_eq!(app.state.store.totals(None).await.unwrap().posts, 0);
}

async fn site_endpoints_answer(b: Backend) {
    let app = TestApp::new(b).await;
    let (_, _) = app.admin_and_category().await;
    let site = app.get_json("/site.json", &Auth::Anon).await;
    let names: Vec<&str> = site["categories"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Uncategorized", "General"]);
    assert_eq!(site["uncategorized_category_id"], site["categories"][0]["id"]);
    let flags: Vec<i64> = site["post_action_types"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect();
    assert_eq!(flags, [3, 4, 8, 7], "the flags the server takes");
    assert_eq!(site["post_types"]["regular"], 1);
    let basic = app.get_json("/site/basic-info.json", &Auth::Anon).await;
    assert_eq!(basic["title"], "minga");
    let about = app.get_json("/about.json", &Auth::Anon).await;
    assert_eq!(about["about"]["stats"]["users_count"], 1);
    assert_eq!(about["about"]["admins"][0]["username"], "admin");
    let r = app.get("/letter_avatar/admin/48/1.svg", &Auth::Anon).await;
    assert_eq!(r.headers["content-type"], "image/svg+xml");
    assert!(r.text().contains(">A</text>"));
    assert_eq!(app.get("/srv/status", &Auth::Anon).await.text(), "ok");
}

async fn fifty_parallel_api_replies(b: Backend) {
    let app = std::sync::Arc::new(TestApp::new(b).await);
    let (admin, category) = app.admin_and_category().await;
    let (topic, _) = app.topic(&admin, category, "Everyone say hello at once", "go").await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let (app, admin) = (app.clone(), admin.clone());
        tasks.push(tokio::spawn(async move {
            let r = app.post_json("/posts.json", &admin, json!({"topic_id": topic, "raw": format!("hello {i}")})).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            r.json()["post_number"].as_i64().unwrap()
        }));
    }
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap());
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (2..=51).collect::<Vec<_>>());
    let t = app.get_json(&format!("/t/{topic}.json"), &Auth::Anon).await;
    assert_eq!(t["highest_post_number"], 51);
    assert_eq!(t["post_stream"]["stream"].as_array().unwrap().len(), 51);
}

async fn views_are_counted(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let (topic, _) = app.topic(&admin, category, "A topic worth reading twice", "body").await;
    app.get(&format!("/t/{topic}.json"), &Auth::Anon).await;
    app.get(&format!("/t/topic/{topic}"), &Auth::Anon).await;
    app.get(&format!("/t/{topic}.json"), &admin).await;
    app.state.flush_views().await.unwrap();
    assert_eq!(app.state.store.topic(minga_core::TopicId(topic)).await.unwrap().unwrap().views, 3);
    assert_eq!(app.get_json(&format!("/t/{topic}.json"), &admin).await["views"], 4, "saved views plus this one");
}

async fn visitors_never_get_stale_or_personal_pages(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let (topic, _) = app.topic(&admin, category, "The first topic to be cached", "one").await;
    let first = app.get("/latest.json", &Auth::Anon).await;
    let again = app.get("/latest.json", &Auth::Anon).await;
    assert_eq!(first.body, again.body);
    // A refused request changes nothing, so the cache is kept.
    let kept = app.state.caches.start();
    let visitor = app.visitor().await;
    assert!(app.post_json("/session", &visitor, json!({"login": "admin", "password": "wrong"})).await.json()["error"].is_string());
    assert_eq!(app.state.caches.start(), kept);
    // A cached response keeps its headers.
    let css = app.get("/assets/minga.css", &Auth::Anon).await;
    let css_again = app.get("/assets/minga.css", &Auth::Anon).await;
    assert_eq!(css_again.headers.get("cache-control"), css.headers.get("cache-control"));
    assert!(css.headers.get("cache-control").is_some());
    app.topic(&admin, category, "A second topic posted after caching", "two").await;
    let latest = app.get_json("/latest.json", &Auth::Anon).await;
    assert_eq!(latest["topic_list"]["topics"].as_array().unwrap().len(), 2, "a write starts afresh");
    // A cached page still counts its views.
    for _ in 0..3 {
        app.get(&format!("/t/x/{topic}"), &Auth::Anon).await;
    }
    app.state.flush_views().await.unwrap();
    assert_eq!(app.state.store.topic(minga_core::TopicId(topic)).await.unwrap().unwrap().views, 3);
    // Logged-in pages are never stored, nor served to visitors.
    let member = app.session("admin").await;
    let mine = app.get("/latest", &member).await.text();
    assert!(mine.contains("Log out"));
    let visitor = app.get("/latest", &Auth::Anon).await;
    assert!(!visitor.text().contains("Log out") && !visitor.text().contains("authenticity_token"));
    // Visitors each get their own CSRF cookie, even from a cached page.
    let a = app.get("/latest", &Auth::Anon).await.cookie("_csrf").unwrap();
    let b2 = app.get("/latest", &Auth::Anon).await.cookie("_csrf").unwrap();
    assert_ne!(a, b2);
    // A visitor's colours: chosen in the footer, kept in a cookie, and a
    // page kept for one choice is never served to another.
    let plain = app.get("/latest", &Auth::Anon).await.text();
    assert!(!plain.contains("data-theme") && plain.contains(r#"href="/theme/dark""#), "{plain}");
    let r = app.get_with("/theme/dark", &Auth::Anon, &[("referer", "http://localhost/latest")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.cookie("theme").as_deref(), Some("dark"));
    for _ in 0..2 {
        let dark = app.get_with("/latest", &Auth::Anon, &[("cookie", "theme=dark")]).await.text();
        assert!(dark.contains(r#"data-theme="dark""#), "{dark}");
        assert!(dark.contains(r#"href="/theme/dark" rel="nofollow" aria-current="true""#), "{dark}");
    }
    assert!(!app.get("/latest", &Auth::Anon).await.text().contains("data-theme"), "the device's, still");
    assert_eq!(app.get("/theme/purple", &Auth::Anon).await.status, StatusCode::NOT_FOUND);
    assert!(!mine.contains(r#"href="/theme/"#), "signed-in people choose in their preferences");
}

/// Whether a visitor's page is kept in memory right now.
fn kept(app: &TestApp, path: &str) -> bool {
    let key = minga_web::cache::page_key(minga_web::format::Format::Html, minga_web::i18n::Locale::En, "", &path.parse().unwrap());
    app.state.caches.pages.get(&app.state.caches, &key).is_some()
}

async fn a_write_drops_only_the_pages_it_changed(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let (first, _) = app.topic(&admin, category, "Shared hosting across co-ops", "one").await;
    let (second, _) = app.topic(&admin, category, "A call during the gathering", "two").await;
    let (a, b2) = (format!("/t/shared/{first}"), format!("/t/call/{second}"));
    for path in [&a, &b2] {
        app.get(path, &Auth::Anon).await;
        assert!(kept(&app, path), "{path} is kept");
    }
    app.reply(&admin, first, "A reply to the first topic only.").await;
    assert!(!kept(&app, &a), "the topic replied to starts afresh");
    assert!(kept(&app, &b2), "another topic's page is kept");
    let page = app.get(&a, &Auth::Anon).await.text();
    assert!(page.contains("A reply to the first topic only."), "visitors see the reply at once");
    // A change to how people appear reaches every page showing them.
    app.get(&b2, &Auth::Anon).await;
    let r = app.call(Method::PUT, "/u/admin.json", &admin, Send::Json(json!({"name": "Chris of Outlandish"}))).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(!kept(&app, &b2), "pages naming people start afresh after a profile change");
    assert!(app.get(&b2, &Auth::Anon).await.text().contains("Chris of Outlandish"));
}

async fn members_see_every_change_at_once(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    app.user("sol", false).await;
    let member = app.session("sol").await;
    let (topic, _) = app.topic(&admin, category, "Agenda for the international call", "* Introductions").await;
    let path = format!("/t/agenda/{topic}");
    // The same page, shared with visitors and kept for members too.
    assert!(app.get(&path, &Auth::Anon).await.text().contains("Introductions"));
    assert!(app.get(&path, &member).await.text().contains("Introductions"));
    let post = app.get_json(&format!("/t/{topic}.json"), &admin).await["post_stream"]["posts"][0]["id"].as_i64().unwrap();
    let r = app.call(Method::PUT, &format!("/posts/{post}.json"), &admin, Send::Json(json!({"post": {"raw": "* Introductions\n* Shared hosting"}}))).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(app.get(&path, &member).await.text().contains("Shared hosting"), "the edit, at once");
    app.reply(&admin, topic, "I will schedule the call for 7pm on the 29th.").await;
    assert!(app.get(&path, &member).await.text().contains("7pm on the 29th"), "the reply, at once");
    // A member's own identity is kept too, and dropped when it changes.
    let r = app.call(Method::PUT, "/u/sol.json", &member, Send::Json(json!({"name": "Sol V."}))).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(app.get_json("/session/current.json", &member).await.to_string().contains("Sol V."));
}
