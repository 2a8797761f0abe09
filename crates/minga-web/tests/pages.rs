//! The HTML pages, driven in-process: forms with CSRF tokens, errors
//! beside their fields, escaping, pagination, and who may see what.

mod support;

use axum::http::{Method, StatusCode};
use minga_store::Backend;
use serde_json::json;
use support::{Auth, Send, TestApp};

both_backends!(
    sign_up_form_logs_in_and_shows_errors_beside_fields,
    log_in_form_reports_failures_and_follows_next,
    new_topic_reply_edit_and_delete_through_forms,
    topic_pages_paginate_by_twenty,
    pages_escape_what_people_type,
    admin_pages_are_for_admins,
    first_admin_setup_needs_the_token,
    missing_things_are_friendly_pages,
    log_in_next_never_leaves_the_forum,
    malformed_requests_get_the_error_shape_or_a_page,
    post_times_are_relative_with_the_exact_time_on_hover,
    flagging_lands_on_the_post_and_says_so,
    the_review_queue_speaks_plainly,
    counts_use_the_singular_for_one,
    people_change_their_own_preferences,
    settings_have_names_help_and_one_save,
    category_form_offers_a_colour_picker_and_group_rows,
    a_group_made_on_its_page_is_owned_by_its_maker,
    profiles_name_their_public_coops,
    pages_speak_the_readers_language,
);

/// The CSRF token a page's forms carry.
fn form_token(html: &str) -> String {
    let marker = "name=\"authenticity_token\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// A browser-like visitor: the CSRF cookie from a first page view, plus
/// the session cookie once logged in.
struct Browser {
    csrf: String,
    session: Option<String>,
}

impl Browser {
    async fn open(app: &TestApp) -> Browser {
        let r = app.get("/login", &Auth::Anon).await;
        let csrf = r.cookie("_csrf").expect("csrf cookie");
        assert_eq!(form_token(&r.text()), csrf);
        Browser { csrf, session: None }
    }

    fn auth(&self) -> Auth {
        match &self.session {
            Some(token) => Auth::Session { token: token.clone(), csrf: self.csrf.clone() },
            None => Auth::Visitor { csrf: self.csrf.clone() },
        }
    }

    /// Submits a form the way a browser does: urlencoded, token in the body.
    async fn submit(&mut self, app: &TestApp, path: &str, fields: &[(&str, &str)]) -> support::Response {
        let mut body = format!("authenticity_token={}", self.csrf);
        for (k, v) in fields {
            body.push_str(&format!("&{k}={}", urlencode(v)));
        }
        let cookie = match &self.session {
            Some(t) => format!("_csrf={}; _t={t}", self.csrf),
            None => format!("_csrf={}", self.csrf),
        };
        let req = axum::http::Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(body))
            .unwrap();
        use tower::ServiceExt;
        let response = app.router.clone().oneshot(req).await.unwrap();
        let (parts, body) = response.into_parts();
        use http_body_util::BodyExt;
        let r = support::Response { status: parts.status, headers: parts.headers, body: body.collect().await.unwrap().to_bytes() };
        if let Some(t) = r.cookie("_t") {
            self.session = if t.is_empty() { None } else { Some(t) };
        }
        r
    }

    async fn get(&self, app: &TestApp, path: &str) -> support::Response {
        app.get(path, &self.auth()).await
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn sign_up_form_logs_in_and_shows_errors_beside_fields(b: Backend) {
    let app = TestApp::new(b).await;
    let mut browser = Browser::open(&app).await;
    let r = browser.submit(&app, "/signup", &[("email", "not-an-email"), ("username", "x"), ("password", "short")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(html.contains(r#"id="email-error">Email is not a valid address."#), "{html}");
    assert!(html.contains(r#"id="username-error">Username must be at least 3 characters."#));
    assert!(html.contains(r#"id="password-error">Password must be at least 10 characters."#));
    assert!(html.contains(r#"value="not-an-email""#), "what was typed is kept");
    assert!(browser.session.is_none());

    let r = browser.submit(&app, "/signup", &[("email", "neto@example.org"), ("username", "neto"), ("password", "a long password"), ("name", "Neto")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(browser.session.is_some());
    let home = browser.get(&app, "/").await.text();
    assert!(home.contains(r#"<a href="/u/neto">neto</a>"#), "logged in: {home}");

    let mut other = Browser::open(&app).await;
    let r = other.submit(&app, "/signup", &[("email", "n2@example.org"), ("username", "NETO"), ("password", "a long password")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("That username is already taken."));
    let r = other.submit(&app, "/signup", &[("email", "bot@example.org"), ("username", "botty"), ("password", "a long password"), ("website_url", "http://spam")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "the honeypot field refuses bots");
    assert!(app.state.store.user_by_username("botty").await.unwrap().is_none());

    // A form without the token is refused and stores nothing.
    let r = app.call(Method::POST, "/signup", &Auth::Anon, Send::Form("email=c%40example.org&username=csrfless&password=a+long+password")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("BAD CSRF"));
    assert!(app.state.store.user_by_username("csrfless").await.unwrap().is_none());
}

async fn log_in_form_reports_failures_and_follows_next(b: Backend) {
    let app = TestApp::new(b).await;
    app.user("polly", false).await;
    let mut browser = Browser::open(&app).await;
    let r = browser.submit(&app, "/login", &[("login", "polly"), ("password", "wrong password"), ("next", "/categories")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text().contains("Incorrect username, email or password"));
    assert!(r.text().contains(r#"value="polly""#));
    let r = browser.submit(&app, "/login", &[("login", "polly"), ("password", "correct horse battery"), ("next", "//evil.example/")]).await;
    assert_eq!(r.location(), "/", "never redirects to another site");
    browser.submit(&app, "/logout", &[]).await;
    assert!(browser.session.is_none());
    let r = browser.submit(&app, "/login", &[("login", "polly"), ("password", "correct horse battery"), ("next", "/categories")]).await;
    assert_eq!((r.status, r.location().as_str()), (StatusCode::SEE_OTHER, "/categories"));
    // Pages that need an account send visitors to log in.
    let r = app.get("/new-topic", &Auth::Anon).await;
    assert_eq!(r.location(), "/login?next=/new-topic");
}

async fn new_topic_reply_edit_and_delete_through_forms(b: Backend) {
    let app = TestApp::new(b).await;
    let (_, category) = app.admin_and_category().await;
    app.user("solverniers", false).await;
    let mut browser = Browser::open(&app).await;
    browser.submit(&app, "/login", &[("login", "solverniers"), ("password", "correct horse battery")]).await;
    let cat = category.to_string();

    let form = browser.get(&app, &format!("/new-topic?category={category}")).await.text();
    assert!(form.contains(&format!(r#"<option value="{category}" selected>General</option>"#)), "{form}");
    let r = browser.submit(&app, "/new-topic", &[("title", "short"), ("raw", ""), ("category", &cat)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(html.contains(r#"id="title-error">Title must be at least 15 characters."#), "{html}");
    assert!(html.contains(r#"id="raw-error">Body can’t be empty."#), "{html}");
    let r = browser.submit(&app, "/new-topic", &[("title", "International video call during the gathering"), ("raw", "How about **7pm** on the 29th?"), ("category", &cat)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let url = r.location();
    assert!(url.starts_with("/t/international-video-call-during-the-gathering/"), "{url}");
    let id: i64 = url.rsplit('/').next().unwrap().parse().unwrap();

    let r = browser.submit(&app, &format!("/t/{id}/reply"), &[("raw", "   ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains(r#"id="reply-raw-error""#));
    let r = browser.submit(&app, &format!("/t/{id}/reply"), &[("raw", "So that is 4pm for you"), ("reply_to_post_number", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("{url}#post_2"));
    let page = browser.get(&app, &url).await.text();
    assert!(page.contains("<strong>7pm</strong>"));
    assert!(page.contains("So that is 4pm for you"));
    assert!(page.contains("replying to #1"));

    let post2 = app.get_json(&format!("/t/{id}.json"), &Auth::Anon).await["post_stream"]["posts"][1]["id"].as_i64().unwrap();
    let edit = browser.get(&app, &format!("/posts/{post2}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(edit.text().contains("So that is 4pm for you</textarea>"));
    let r = browser.submit(&app, &format!("/posts/{post2}/edit"), &[("raw", "So that is 4pm for you, I believe")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(browser.get(&app, &url).await.text().contains("4pm for you, I believe"));

    // Someone else cannot edit or delete it.
    app.user("intruder", false).await;
    let mut intruder = Browser::open(&app).await;
    intruder.submit(&app, "/login", &[("login", "intruder"), ("password", "correct horse battery")]).await;
    assert_eq!(intruder.get(&app, &format!("/posts/{post2}/edit")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(intruder.submit(&app, &format!("/posts/{post2}/delete"), &[]).await.status, StatusCode::FORBIDDEN);

    let r = browser.submit(&app, &format!("/posts/{post2}/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(browser.get(&app, &url).await.text().contains("(post #2 deleted)"));
}

async fn topic_pages_paginate_by_twenty(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let (topic, _) = app.topic(&admin, category, "A long conversation among co-ops", "post one").await;
    for i in 2..=45 {
        app.reply(&admin, topic, &format!("post number {i}")).await;
    }
    let first = app.get(&format!("/t/a-long-conversation-among-co-ops/{topic}"), &Auth::Anon).await.text();
    assert!(first.contains(r#"id="post_1""#) && first.contains(r#"id="post_20""#) && !first.contains(r#"id="post_21""#));
    assert!(first.contains(&format!(r#"<a href="/t/a-long-conversation-among-co-ops/{topic}?page=3">3</a>"#)));
    let last = app.get(&format!("/t/a-long-conversation-among-co-ops/{topic}?page=3"), &Auth::Anon).await.text();
    assert!(last.contains(r#"id="post_41""#) && last.contains(r#"id="post_45""#) && !last.contains(r#"id="post_40""#));
    // A post's address lands on the post: its page, scrolled to it.
    let by_number = app.get(&format!("/t/a-long-conversation-among-co-ops/{topic}/25"), &Auth::Anon).await;
    assert_eq!((by_number.status, by_number.location()), (StatusCode::SEE_OTHER, format!("/t/a-long-conversation-among-co-ops/{topic}?page=2#post_25")));
    let landed = app.get(by_number.location().split('#').next().unwrap(), &Auth::Anon).await.text();
    assert!(landed.contains(r#"id="post_25""#) && landed.contains(r#"id="post_21""#));
    let short_form = app.get(&format!("/t/{topic}/30"), &Auth::Anon).await;
    assert_eq!(short_form.location(), format!("/t/a-long-conversation-among-co-ops/{topic}?page=2#post_30"));
    assert_eq!(app.get(&format!("/t/x/{topic}/3"), &Auth::Anon).await.location(), format!("/t/a-long-conversation-among-co-ops/{topic}#post_3"));
    assert_eq!(app.get("/t/x/999999/3", &Auth::Anon).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/t/{topic}?page=x"), &Auth::Anon).await.status, StatusCode::BAD_REQUEST);
    let beyond = app.get(&format!("/t/{topic}?page=99"), &Auth::Anon).await.text();
    assert!(beyond.contains(r#"id="post_45""#), "a page past the end shows the last page");
}

async fn pages_escape_what_people_type(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let title = "<script>alert('title')</script> & friends";
    let (topic, _) = app.topic(&admin, category, title, "<img src=x onerror=alert(1)> **bold** <script>alert(2)</script>").await;
    for path in ["/".to_string(), "/latest".into(), format!("/t/{topic}"), "/u/admin".into()] {
        let html = app.get(&path, &Auth::Anon).await.text();
        assert!(!html.contains("<script>alert"), "{path}: {html}");
        assert!(!html.contains("onerror"), "{path}");
    }
    let page = app.get(&format!("/t/{topic}"), &Auth::Anon).await.text();
    assert!(page.contains("&#60;script&#62;alert(&#39;title&#39;)&#60;/script&#62; &#38; friends"), "{page}");
    assert!(page.contains("<strong>bold</strong>"));
    let json = app.get_json(&format!("/t/{topic}.json"), &Auth::Anon).await;
    assert_eq!(json["fancy_title"], "&lt;script&gt;alert('title')&lt;/script&gt; &amp; friends");
}

async fn admin_pages_are_for_admins(b: Backend) {
    let app = TestApp::new(b).await;
    app.user("boss", true).await;
    app.user("member", false).await;
    let mut member = Browser::open(&app).await;
    member.submit(&app, "/login", &[("login", "member"), ("password", "correct horse battery")]).await;
    assert_eq!(member.get(&app, "/admin/categories").await.status, StatusCode::FORBIDDEN);
    let r = member.submit(&app, "/admin/categories", &[("name", "Sneaky")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(app.state.store.category_by_slug("sneaky").await.unwrap().is_none());

    let mut boss = Browser::open(&app).await;
    boss.submit(&app, "/login", &[("login", "boss"), ("password", "correct horse battery")]).await;
    let r = boss.submit(&app, "/admin/categories", &[("name", "Events"), ("color", "zzz")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Colour must be six hex digits"));
    let r = boss.submit(&app, "/admin/categories", &[("name", "Events & Gatherings"), ("color", "#aa3300"), ("description", "Meet")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let c = &app.state.store.category_by_slug("events-gatherings").await.unwrap().unwrap();
    assert_eq!((c.slug.as_str(), c.color.as_str()), ("events-gatherings", "AA3300"));
    let r = boss.submit(&app, &format!("/admin/categories/{}", c.id), &[("name", "Events"), ("slug", "events"), ("color", "AA3300"), ("text_color", "FFFFFF"), ("description", "Meet up")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.get("/categories", &Auth::Anon).await.text();
    assert!(page.contains(&format!(r#"href="/c/events/{}">Events</a>"#, c.id)));
    let events = c.id;
    let c = app.get(&format!("/c/events/{}", c.id), &Auth::Anon).await;
    assert_eq!(c.status, StatusCode::OK);
    // The form places a category under another; the list shows it there.
    let form = boss.get(&app, "/admin/categories").await.text();
    assert!(form.contains(&format!(r#"<option value="{events}">Events</option>"#)), "{form}");
    let r = boss.submit(&app, "/admin/categories", &[("name", "Assemblies"), ("parent_category_id", &events.to_string())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let assemblies = app.state.store.category_by_slug("assemblies").await.unwrap().unwrap();
    assert_eq!(assemblies.parent_category_id, Some(events.0));
    let page = app.get("/categories", &Auth::Anon).await.text();
    assert!(page.contains(r#"aria-label="Subcategories of Events""#) && page.contains(&format!(r#"href="/c/assemblies/{}""#, assemblies.id)), "{page}");
    // Too deep is said beside the field.
    let r = boss.submit(&app, "/admin/categories", &[("name", "Deeper"), ("parent_category_id", &assemblies.id.to_string())]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("categories nest one level deep"));
}

async fn first_admin_setup_needs_the_token(b: Backend) {
    let app = TestApp::new(b).await;
    let token = app.state.first_admin_token().await.unwrap().expect("no admin yet");
    assert_eq!(app.get("/setup/wrong-token", &Auth::Anon).await.status, StatusCode::NOT_FOUND);
    let mut browser = Browser::open(&app).await;
    let r = browser.get(&app, &format!("/setup/{token}")).await;
    assert!(r.text().contains("Create the first admin account"));
    assert!(!r.text().contains("Have an account?"), "nobody has an account yet");
    assert!(browser.get(&app, "/signup").await.text().contains("Have an account?"));
    let r = browser.submit(&app, &format!("/setup/{token}"), &[("email", "chris@example.org"), ("username", "chris"), ("password", "a long password")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let welcome = browser.get(&app, &r.location()).await.text();
    assert!(welcome.contains("Your admin account is ready. Start with a category"), "{welcome}");
    // With no category yet, the new-topic page says what to do instead
    // of offering an empty choice.
    let empty = browser.get(&app, "/new-topic").await.text();
    assert!(empty.contains("There is no category you can start a topic in yet.") && empty.contains(r#"<a href="/admin/categories">Create the first category.</a>"#), "{empty}");
    assert!(!empty.contains(r#"<select id="category""#));
    assert!(app.state.store.user_by_username("chris").await.unwrap().unwrap().admin);
    // Once there is an admin the page is gone, token or not.
    assert_eq!(app.get(&format!("/setup/{token}"), &Auth::Anon).await.status, StatusCode::NOT_FOUND);
    assert!(app.state.first_admin_token().await.unwrap().is_none());
}

async fn missing_things_are_friendly_pages(b: Backend) {
    let app = TestApp::new(b).await;
    for path in ["/t/999", "/t/some-slug/999", "/c/nothing/999", "/u/nobody", "/nowhere", "/posts/1/edit"] {
        let r = app.get(path, &Auth::Anon).await;
        if path == "/posts/1/edit" {
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}: log in first");
            continue;
        }
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.text().contains("Page not found"), "{path}");
    }
    let r = app.post_json("/posts.json", &Auth::Anon, json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

async fn log_in_next_never_leaves_the_forum(b: Backend) {
    let app = TestApp::new(b).await;
    app.user("polly", false).await;
    let hostile = [
        "/%09/evil.example",
        "/%0a/evil.example",
        "//evil.example",
        "/%5C/evil.example",
        "/%5C%5Cevil.example",
        "%5C%5Cevil.example",
        "https://evil.example",
        "/%2F/evil.example",
        "/.//evil.example",
        "/%0a",
        "/%0d%0aSet-Cookie:%20x=1",
        "/%7f",
        "/%00",
    ];
    // Visitors get the form, carrying only a safe `next`.
    for next in hostile {
        let r = app.get(&format!("/login?next={next}"), &Auth::Anon).await;
        assert_eq!(r.status, StatusCode::OK, "{next}: {}", r.text());
        assert!(r.text().contains(r#"name="next" value="/">"#), "{next}");
    }
    let mut browser = Browser::open(&app).await;
    let r = browser.submit(&app, "/login", &[("login", "polly"), ("password", "correct horse battery"), ("next", "/\t/evil.example")]).await;
    assert_eq!((r.status, r.location().as_str()), (StatusCode::SEE_OTHER, "/"));
    // Someone logged in is sent on at once: home, never elsewhere, never a 500.
    for next in hostile {
        let r = browser.get(&app, &format!("/login?next={next}")).await;
        assert_eq!((r.status, r.location().as_str()), (StatusCode::SEE_OTHER, "/"), "{next}");
    }
    for next in ["/\r\n/x", "/\u{7f}", "/\0", "/\\/evil.example", "/\u{3000}/evil.example"] {
        browser.submit(&app, "/logout", &[]).await;
        let r = browser.submit(&app, "/login", &[("login", "polly"), ("password", "correct horse battery"), ("next", next)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}");
        let to = r.location();
        assert!(to == "/" || to == "/%E3%80%80/evil.example", "{next:?} went to {to}");
    }
    let r = browser.get(&app, "/login?next=/t/some-topic/12%3Fpage%3D2%23post_25").await;
    assert_eq!(r.location(), "/t/some-topic/12?page=2#post_25", "a path on the forum is kept");
}

async fn malformed_requests_get_the_error_shape_or_a_page(b: Backend) {
    let app = TestApp::new(b).await;
    let ask = |method: Method, path: &'static str, accept: &'static str| {
        // With a CSRF token, so that a wrong method reaches the router.
        let req = axum::http::Request::builder()
            .method(method)
            .uri(path)
            .header("accept", accept)
            .header("cookie", "_csrf=a-token-of-sixteen-or-more")
            .header("x-csrf-token", "a-token-of-sixteen-or-more")
            .body(axum::body::Body::empty())
            .unwrap();
        let router = app.router.clone();
        async move {
            use http_body_util::BodyExt;
            use tower::ServiceExt;
            let r = router.oneshot(req).await.unwrap();
            let (parts, body) = r.into_parts();
            support::Response { status: parts.status, headers: parts.headers, body: body.collect().await.unwrap().to_bytes() }
        }
    };
    for path in ["/t/%FF%FE", "/u/%C3%28", "/t/x/%FF/2", "/g/%80"] {
        let r = ask(Method::GET, path, "application/json").await;
        let e = r.assert_error(400, "invalid_parameters");
        assert!(e["errors"][0].as_str().unwrap().contains("UTF-8"), "{path}: {e}");
        let page = ask(Method::GET, path, "text/html").await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(page.headers["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        assert!(page.text().contains("not UTF-8 text"), "{path}: {}", page.text());
    }
    let r = ask(Method::DELETE, "/latest", "application/json").await;
    r.assert_error(405, "invalid_parameters");
    assert!(r.headers.contains_key("allow"));
    let page = ask(Method::DELETE, "/latest", "text/html").await;
    assert_eq!(page.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(page.text().contains("<h1>That did not work</h1>"), "{}", page.text());
}

async fn post_times_are_relative_with_the_exact_time_on_hover(b: Backend) {
    let app = TestApp::new(b).await;
    let (_, category) = app.admin_and_category().await;
    let author = app.state.store.user_by_username("admin").await.unwrap().unwrap();
    let now = minga_core::time::now_ms();
    let long_ago = now - 40 * 86_400_000;
    let (topic, _) = app
        .state
        .store
        .create_topic(&minga_store::NewTopic {
            title: "A gathering we planned long ago".into(),
            slug: "a-gathering".into(),
            category_id: minga_core::CategoryId(category),
            user_id: author.id,
            raw: "x".into(),
            cooked: "<p>x</p>".into(),
            excerpt: "x".into(),
            created_at: long_ago,
            alerts: Default::default(),
        })
        .await
        .unwrap();
    let reply = |ago: i64| minga_store::NewReply {
        topic_id: topic.id,
        user_id: author.id,
        raw: "y".into(),
        cooked: "<p>y</p>".into(),
        reply_to_post_number: None,
        created_at: now - ago,
        alerts: Default::default(),
    };
    app.state
        .store
        .create_reply(&reply(2 * 86_400_000))
        .await
        .unwrap();
    app.state
        .store
        .create_reply(&reply(3 * 3_600_000 + 60_000))
        .await
        .unwrap();
    let page = app
        .get(&format!("/t/a-gathering/{}", topic.id), &Auth::Anon)
        .await
        .text();
    let old = minga_web::i18n::shown(minga_web::i18n::Locale::En, long_ago, now, "");
    assert!(page.contains(&format!(r#"<time datetime="{}" title="{}">{}</time>"#, old.iso, old.title, old.text)), "{page}");
    assert!(old.text.contains(':') && old.title.ends_with("UTC"), "the date with its time: {old:?}");
    assert!(page.contains(">2 d</time>") && page.contains(">3 h</time>"), "{page}");
    let list = app.get("/latest", &Auth::Anon).await.text();
    assert!(list.contains(">3 h</time>"), "{list}");
    // Someone who chose a time zone reads times in it.
    app.user("lucia", false).await;
    let lucia = app.session("lucia").await;
    let r = app.call(Method::PUT, "/u/lucia.json", &lucia, Send::Json(json!({"timezone": "America/Argentina/Buenos_Aires"}))).await;
    assert_eq!(r.status, StatusCode::OK);
    let page = app.get(&format!("/t/a-gathering/{}", topic.id), &lucia).await.text();
    let theirs = minga_web::i18n::shown(minga_web::i18n::Locale::En, long_ago, now, "America/Argentina/Buenos_Aires");
    assert!(page.contains(&format!(r#"title="{}">{}</time>"#, theirs.title, theirs.text)), "{page}");
}

async fn flagging_lands_on_the_post_and_says_so(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let (topic, _) = app.topic(&admin, category, "A long thread with a bad reply", "first").await;
    for i in 2..=24 {
        app.reply(&admin, topic, &format!("reply {i}")).await;
    }
    let stream = app.get_json(&format!("/t/{topic}.json"), &Auth::Anon).await["post_stream"]["stream"].clone();
    let post23 = stream[22].as_i64().unwrap().to_string();
    app.user("carol", false).await;
    let mut carol = Browser::open(&app).await;
    carol.submit(&app, "/login", &[("login", "carol"), ("password", "correct horse battery")]).await;
    let page2 = carol.get(&app, &format!("/t/x/{topic}?page=2")).await.text();
    assert!(page2.contains(&format!(r#"<input type="hidden" name="id" value="{post23}">"#)), "a flag form on the post");
    let r = carol.submit(&app, "/post_actions", &[("id", &post23), ("post_action_type_id", "4")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let to = r.location();
    assert!(to.starts_with(&format!("/t/a-long-thread-with-a-bad-reply/{topic}?page=2&flagged=23")) && to.ends_with("#post_23"), "{to}");
    let landed = carol.get(&app, &to).await.text();
    assert!(landed.contains(r#"<p class="notice" role="status">Thank you: you flagged post #23, and staff will review it.</p>"#), "{landed}");
    assert!(landed.contains(r#"id="post_23""#));
}

async fn the_review_queue_speaks_plainly(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let (_, post) = app.topic(&admin, category, "A post someone will flag soon", "Cheap watches, see my site").await;
    let mut flaggers = Vec::new();
    for name in ["flagger1", "flagger2", "flagger3"] {
        let u = app.user(name, false).await;
        flaggers.push(app.key_for(&u).await);
    }
    let r = app.post_json("/post_actions.json", &flaggers[0], json!({"id": post, "post_action_type_id": 8, "message": "looks like spam"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let mut boss = Browser::open(&app).await;
    boss.submit(&app, "/login", &[("login", "admin"), ("password", "correct horse battery")]).await;
    let queue = boss.get(&app, "/review").await.text();
    assert!(!queue.contains("Reviewable"), "no internal names: {queue}");
    assert!(queue.contains("A post flagged for staff") && queue.contains("looks like spam") && queue.contains("The post is still visible"), "{queue}");
    assert!(queue.contains(">Hide the post</button>") && queue.contains(">Keep it visible</button>") && !queue.contains("hidden</button>"), "{queue}");
    let json = app.get_json("/review.json", &admin).await;
    assert_eq!(json["reviewables"][0]["bundled_actions"][0]["actions"][0]["id"], "agree_and_hide");
    for f in &flaggers[1..] {
        app.post_json("/post_actions.json", f, json!({"id": post, "post_action_type_id": 8})).await;
    }
    let queue = boss.get(&app, "/review").await.text();
    assert!(queue.contains("The post is hidden from readers") && queue.contains(">Keep it hidden</button>") && queue.contains(">Show it again</button>"), "{queue}");
    assert!(!queue.contains(">Hide the post</button>"));
    // Agreeing from the page hides (keeps hidden) the post.
    let action = queue.split("action=\"").find(|a| a.contains("/perform/agree_and_keep")).unwrap().split('"').next().unwrap().to_string();
    let r = boss.submit(&app, &action, &[]).await;
    assert_eq!((r.status, r.location().as_str()), (StatusCode::SEE_OTHER, "/review"));
    let seen = app.get_json(&format!("/posts/{post}.json"), &Auth::Anon).await;
    assert_eq!(seen["raw"], "", "still hidden");
    // A new account waiting says so in words.
    app.call(Method::PUT, "/admin/site_settings/must_approve_users", &admin, Send::Form("must_approve_users=true")).await;
    let mut newcomer = Browser::open(&app).await;
    newcomer.submit(&app, "/signup", &[("email", "late@example.org"), ("username", "latecomer"), ("password", "a long password")]).await;
    let queue = boss.get(&app, "/review").await.text();
    assert!(queue.contains("A new account waiting for approval") && queue.contains("latecomer wants to join"), "{queue}");
}

async fn counts_use_the_singular_for_one(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let (topic, _) = app.topic(&admin, category, "One reply and one view only", "first").await;
    app.reply(&admin, topic, "the only reply").await;
    app.post_json("/admin/groups.json", &admin, json!({"name": "solo", "usernames": "admin"})).await;
    let page = app.get(&format!("/t/x/{topic}"), &Auth::Anon).await.text();
    assert!(page.contains("1 reply ·") && page.contains("1 view<"), "{page}");
    let cats = app.get("/categories", &Auth::Anon).await.text();
    assert!(cats.contains("1 topic · 2 posts"), "{cats}");
    assert!(app.get("/g/solo", &Auth::Anon).await.text().contains("· 1 member<"));
    for _ in 0..2 {
        app.reply(&admin, topic, "another").await;
    }
    let page = app.get(&format!("/t/x/{topic}"), &Auth::Anon).await.text();
    assert!(page.contains("3 replies ·"), "{page}");
}

async fn people_change_their_own_preferences(b: Backend) {
    let app = TestApp::new(b).await;
    app.user("polly", false).await;
    app.user("other", false).await;
    let elsewhere = app.session("polly").await;
    let mut polly = Browser::open(&app).await;
    polly.submit(&app, "/login", &[("login", "polly"), ("password", "correct horse battery")]).await;
    let home = polly.get(&app, "/").await.text();
    assert!(home.contains(r#"<a href="/u/polly/preferences">Preferences</a>"#), "the header links to them: {home}");
    let page = polly.get(&app, "/u/polly/preferences").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains(r#"<option value="America/Argentina/Buenos_Aires">"#));
    assert_eq!(polly.get(&app, "/u/other/preferences").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/u/polly/preferences", &Auth::Anon).await.location(), "/login?next=/u/polly/preferences");
    let r = polly.submit(&app, "/u/other/preferences", &[("name", "Hijacked")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Profile and time zone, checked.
    let r = polly.submit(&app, "/u/polly/preferences", &[("name", "Polly"), ("timezone", "Mars/Olympus_Mons"), ("website", "ftp://x")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(html.contains(r#"id="timezone-error">That is not a time zone"#) && html.contains(r#"id="website-error">A website starts"#), "{html}");
    assert!(html.contains(r#"value="Mars/Olympus_Mons""#), "what was typed is kept");
    let r = polly.submit(&app, "/u/polly/preferences", &[("name", "Polly Hale"), ("timezone", "America/Argentina/Buenos_Aires"), ("bio_raw", "Hosting at **Telar**"), ("location", "Córdoba"), ("website", "https://polly.example.org")]).await;
    assert_eq!((r.status, r.location().as_str()), (StatusCode::SEE_OTHER, "/u/polly/preferences?saved=profile"));
    assert!(polly.get(&app, &r.location()).await.text().contains("Your profile is saved."));
    let u = app.state.store.user_by_username("polly").await.unwrap().unwrap();
    assert_eq!((u.name.as_str(), u.timezone.as_str(), u.location.as_str()), ("Polly Hale", "America/Argentina/Buenos_Aires", "Córdoba"));
    assert!(app.get("/u/polly", &Auth::Anon).await.text().contains("Hosting at <strong>Telar</strong>"));

    // E-mail: the current password first, and an address nobody else uses.
    let r = polly.submit(&app, "/u/polly/preferences/email", &[("email", "polly@telar.example"), ("current_password", "wrong password")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains(r#"id="email-password-error">That is not your current password."#), "{}", r.text());
    let r = polly.submit(&app, "/u/polly/preferences/email", &[("email", "other@example.org"), ("current_password", "correct horse battery")]).await;
    assert!(r.text().contains(r#"id="email-error">Another account uses that e-mail address."#), "{}", r.text());
    let r = polly.submit(&app, "/u/polly/preferences/email", &[("email", "polly@telar.example"), ("current_password", "correct horse battery")]).await;
    assert_eq!(r.location(), "/u/polly/preferences?saved=email");
    assert_eq!(app.state.store.user_by_username("polly").await.unwrap().unwrap().email, "polly@telar.example");

    // Password: the current one, a good new one typed twice.
    let r = polly.submit(&app, "/u/polly/preferences/password", &[("current_password", "correct horse battery"), ("new_password", "short"), ("new_password_again", "short")]).await;
    assert!(r.text().contains(r#"id="new-password-error">Password must be at least 10 characters."#), "{}", r.text());
    let r = polly.submit(&app, "/u/polly/preferences/password", &[("current_password", "correct horse battery"), ("new_password", "a brand new passphrase"), ("new_password_again", "a brand new passphrase!")]).await;
    assert!(r.text().contains(r#"id="again-error">The two new passwords differ."#));
    let r = polly.submit(&app, "/u/polly/preferences/password", &[("current_password", "not it at all"), ("new_password", "a brand new passphrase"), ("new_password_again", "a brand new passphrase")]).await;
    assert!(r.text().contains(r#"id="current-password-error">That is not your current password."#));
    assert_eq!(app.get("/session/current.json", &elsewhere).await.status, StatusCode::OK, "nothing changed yet");
    let r = polly.submit(&app, "/u/polly/preferences/password", &[("current_password", "correct horse battery"), ("new_password", "a brand new passphrase"), ("new_password_again", "a brand new passphrase")]).await;
    assert_eq!(r.location(), "/u/polly/preferences?saved=password");
    assert_eq!(polly.get(&app, "/session/current.json").await.status, StatusCode::OK, "this session stays");
    assert_eq!(app.get("/session/current.json", &elsewhere).await.status, StatusCode::NOT_FOUND, "other sessions end");
    let mut again = Browser::open(&app).await;
    let r = again.submit(&app, "/login", &[("login", "polly@telar.example"), ("password", "a brand new passphrase")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
}

async fn settings_have_names_help_and_one_save(b: Backend) {
    let app = TestApp::new(b).await;
    app.user("boss", true).await;
    let mut boss = Browser::open(&app).await;
    boss.submit(&app, "/login", &[("login", "boss"), ("password", "correct horse battery")]).await;
    let page = boss.get(&app, "/admin/site_settings").await.text();
    assert!(!page.contains("<code>must_approve_users</code>"), "no raw keys as labels");
    for words in ["Only members can read", "Approve new accounts", "E-mail domains that skip approval", "<legend>Who can join</legend>", "staff approve every new account"] {
        assert!(page.to_lowercase().contains(&words.to_lowercase()), "{words}: {page}");
    }
    assert_eq!(page.matches("type=\"submit\"").count() - 1, 1, "one Save (and the header's log out): {page}");
    // A bad value stores nothing and is shown beside its field.
    let r = boss.submit(&app, "/admin/site_settings", &[("login_required", "true"), ("auto_approve_email_domains", "not a domain")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("not is not a domain.") || r.text().contains("is not a domain"), "{}", r.text());
    assert!(!app.state.site().await.unwrap().login_required, "nothing stored");
    // Ticked boxes are on, unticked ones off, all in one go.
    let r = boss.submit(&app, "/admin/site_settings", &[("login_required", "true"), ("must_approve_users", "true"), ("auto_approve_email_domains", "facttic.example camba.example")]).await;
    assert_eq!((r.status, r.location().as_str()), (StatusCode::SEE_OTHER, "/admin/site_settings?saved=1"));
    let site = app.state.site().await.unwrap();
    assert!(site.login_required && site.must_approve_users && !site.allow_new_registrations && !site.invite_only);
    assert_eq!(site.auto_approve_email_domains, "facttic.example|camba.example");
    let page = boss.get(&app, "/admin/site_settings?saved=1").await.text();
    assert!(page.contains(r#"id="login_required" name="login_required" value="true" aria-describedby="login_required-help" checked"#), "{page}");
    // The people list has a labelled filter.
    let people = boss.get(&app, "/admin/users?flag=pending").await.text();
    assert!(people.contains(r#"class="filters""#) && people.contains(r#"<option value="pending" selected>Waiting for approval</option>"#), "{people}");
}

async fn category_form_offers_a_colour_picker_and_group_rows(b: Backend) {
    let app = TestApp::new(b).await;
    let boss_user = app.user("boss", true).await;
    let key = app.key_for(&boss_user).await;
    app.user("lucia", false).await;
    let r = app.post_json("/admin/groups.json", &key, json!({"name": "telar", "full_name": "Cooperativa Telar", "usernames": "lucia"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let mut boss = Browser::open(&app).await;
    boss.submit(&app, "/login", &[("login", "boss"), ("password", "correct horse battery")]).await;
    let page = boss.get(&app, "/admin/categories").await.text();
    assert!(page.contains(r##"<input type="color" id="color_picker" name="color_picker" value="#0088cc""##), "{page}");
    assert!(page.contains(r#"<input id="color" name="color" value="0088CC""#), "the hex stays typeable");
    assert!(page.matches(r#"name="perm_group[]""#).count() >= 4, "a row and room for more");
    assert!(page.contains(r#"<option value="everyone" selected>Everyone</option>"#) && page.contains(r#"<option value="telar">Cooperativa Telar (telar)</option>"#), "{page}");
    assert!(page.contains(r#"<option value="trust_level_1">Trust level 1 and up</option>"#));
    // The picker's colour counts when the hex was left as it was; rows
    // of group and permission make the category private to Telar.
    let r = boss
        .submit(&app, "/admin/categories", &[
            ("name", "Telar only"), ("color", "0088CC"), ("color_was", "0088CC"), ("color_picker", "#aa3300"),
            ("text_color", "FFFFFF"), ("text_color_was", "FFFFFF"), ("text_color_picker", "#ffffff"),
            ("perm_group[]", "telar"), ("perm_level[]", "full"), ("perm_group[]", ""), ("perm_level[]", "full"),
        ])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let c = app.state.store.category_by_slug("telar-only").await.unwrap().unwrap();
    assert_eq!(c.color, "AA3300");
    assert_eq!(app.get(&format!("/c/telar-only/{}", c.id), &Auth::Anon).await.status, StatusCode::NOT_FOUND, "private to telar");
    assert_eq!(app.get(&format!("/c/telar-only/{}", c.id), &app.session("lucia").await).await.status, StatusCode::OK);
    let edit = boss.get(&app, &format!("/admin/categories/{}", c.id)).await.text();
    assert!(edit.contains(r#"<option value="telar" selected>"#) && !edit.contains(r#"<option value="everyone" selected>"#), "{edit}");
    // A typed colour wins over the picker; a row per group and level.
    let r = boss
        .submit(&app, &format!("/admin/categories/{}", c.id), &[
            ("name", "Telar only"), ("slug", "telar-only"), ("color", "#123456"), ("color_was", "AA3300"), ("color_picker", "#aa3300"),
            ("text_color", "FFFFFF"), ("perm_group[]", "telar"), ("perm_level[]", "full"), ("perm_group[]", "everyone"), ("perm_level[]", "readonly"),
        ])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let c = app.state.store.category(c.id).await.unwrap().unwrap();
    assert_eq!(c.color, "123456");
    assert_eq!(app.get(&format!("/c/telar-only/{}", c.id), &Auth::Anon).await.status, StatusCode::OK, "everyone reads now");
    // No group at all is refused, beside the rows.
    let r = boss.submit(&app, &format!("/admin/categories/{}", c.id), &[("name", "Telar only"), ("perm_group[]", ""), ("perm_level[]", "full")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("A category needs at least one group"), "{}", r.text());
}

async fn a_group_made_on_its_page_is_owned_by_its_maker(b: Backend) {
    let app = TestApp::new(b).await;
    app.user("boss", true).await;
    app.user("lucia", false).await;
    let mut boss = Browser::open(&app).await;
    boss.submit(&app, "/login", &[("login", "boss"), ("password", "correct horse battery")]).await;
    assert!(boss.get(&app, "/g").await.text().contains(r#"name="owner_usernames" value="boss""#), "the field says who will own it");
    let r = boss.submit(&app, "/admin/groups", &[("name", "telar"), ("full_name", "Cooperativa Telar"), ("owner_usernames", "")]).await;
    assert_eq!((r.status, r.location().as_str()), (StatusCode::SEE_OTHER, "/g/telar"));
    let members = app.get_json("/groups/telar/members.json", &app.session("boss").await).await;
    assert_eq!(members["owners"][0]["username"], "boss", "{members}");
    let r = boss.submit(&app, "/admin/groups", &[("name", "yerba"), ("owner_usernames", "lucia")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let members = app.get_json("/groups/yerba/members.json", &app.session("boss").await).await;
    let owners: Vec<&str> = members["owners"].as_array().unwrap().iter().map(|o| o["username"].as_str().unwrap()).collect();
    assert_eq!(owners, ["lucia"], "named owners own it");
    let page = boss.get(&app, "/g/telar").await.text();
    assert!(page.contains(r#"<a href="/u/boss">boss</a> <span class="muted">owner</span>"#), "{page}");
}

async fn profiles_name_their_public_coops(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, _) = app.admin_and_category().await;
    app.user("gonzalo", false).await;
    for (name, full, level) in [("yerba", "Yerba Cooperativa", 0), ("telar", "Cooperativa Telar", 0), ("hiddenqx", "Hidden", 2)] {
        let r = app.post_json("/admin/groups.json", &admin, json!({"name": name, "full_name": full, "visibility_level": level, "usernames": "gonzalo"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let page = app.get("/u/gonzalo", &Auth::Anon).await.text();
    assert!(page.contains(r#"Member of <a href="/g/yerba">Yerba Cooperativa</a> and <a href="/g/telar">Cooperativa Telar</a>"#) || page.contains(r#"Member of <a href="/g/telar">Cooperativa Telar</a> and <a href="/g/yerba">Yerba Cooperativa</a>"#), "{page}");
    assert!(!page.contains("hiddenqx"), "a group only its members see stays unnamed");
    let r = app.call(Method::PUT, "/groups/telar.json", &admin, Send::Json(json!({"join_mode": 1}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let group = app.get("/g/telar", &Auth::Anon).await.text();
    assert!(group.contains(r#"<a href="/login?next=/g/telar">Log in</a> to ask to join this group."#), "{group}");
}

/// The language: the person's setting, else the visitor's choice, else the
/// browser's, else the site's default; never a page cached in the other.
async fn pages_speak_the_readers_language(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let (topic, _) = app.topic(&admin, category, "Una asamblea para todas las coops", "¿Quién se suma?").await;
    let spanish = [("accept-language", "es-AR,es;q=0.9,en;q=0.5")];
    let es = app.get_with("/latest", &Auth::Anon, &spanish).await.text();
    assert!(es.contains(r#"<html lang="es">"#) && es.contains("Registrarse") && es.contains("Recientes") && !es.contains("Sign up"), "{es}");
    // The same address for an English reader is not the page kept for the Spanish one.
    let en = app.get("/latest", &Auth::Anon).await.text();
    assert!(en.contains(r#"<html lang="en">"#) && en.contains("Sign up") && !en.contains("Registrarse"), "{en}");
    let es_again = app.get_with("/latest", &Auth::Anon, &spanish).await.text();
    assert!(es_again.contains("Registrarse"));
    // Plurals follow each language.
    let page = app.get(&format!("/t/{topic}"), &Auth::Anon).await.text();
    assert!(page.contains("0 replies · "), "{page}");
    app.reply(&admin, topic, "Yo me sumo, cuenten conmigo.").await;
    assert!(app.get(&format!("/t/{topic}"), &Auth::Anon).await.text().contains("1 reply · "));
    assert!(app.get_with(&format!("/t/{topic}"), &Auth::Anon, &spanish).await.text().contains("1 respuesta · "));
    // A visitor's choice beats the browser's, and takes them back.
    let base = app.state.settings.base_url.clone();
    let r = app.get_with("/locale/es", &Auth::Anon, &[("referer", &format!("{base}/categories?x=1"))]).await;
    assert_eq!((r.status, r.location().as_str()), (StatusCode::SEE_OTHER, "/categories?x=1"));
    assert_eq!(r.cookie("locale").as_deref(), Some("es"));
    let chosen = app.get_with("/categories", &Auth::Anon, &[("cookie", "locale=es"), ("accept-language", "en")]).await.text();
    assert!(chosen.contains(r#"<html lang="es">"#) && chosen.contains("Categorías"));
    let r = app.get_with("/locale/es", &Auth::Anon, &[("referer", "https://elsewhere.example/phish")]).await;
    assert_eq!(r.location(), "/", "never back to another site");
    assert_eq!(app.get("/locale/fr", &Auth::Anon).await.status, StatusCode::NOT_FOUND);
    // JSON says the language too.
    let info = app.get_with("/site/basic-info.json", &Auth::Anon, &spanish).await.json();
    assert_eq!(info["locale"], "es");
    // The site's default, for browsers that ask for neither.
    let r = app.call(axum::http::Method::PUT, "/admin/site_settings/default_locale", &admin, support::Send::Json(serde_json::json!({"default_locale": "es"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let german = app.get_with("/login", &Auth::Anon, &[("accept-language", "de-DE")]).await.text();
    assert!(german.contains(r#"<html lang="es">"#) && german.contains("Iniciar sesión"), "{german}");
    let english = app.get_with("/login", &Auth::Anon, &[("accept-language", "en-GB")]).await.text();
    assert!(english.contains("Username or email"));
    let r = app.call(axum::http::Method::PUT, "/admin/site_settings/default_locale", &admin, support::Send::Json(serde_json::json!({"default_locale": "fr"}))).await;
    r.assert_error(422, "invalid_parameters");
    // A person's own setting beats everything, and is checked.
    app.user("lucia", false).await;
    let lucia = app.session("lucia").await;
    let r = app.call(axum::http::Method::PUT, "/u/lucia.json", &lucia, support::Send::Json(serde_json::json!({"locale": "es"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let mine = app.get_with("/latest", &lucia, &[("accept-language", "en")]).await.text();
    assert!(mine.contains(r#"<html lang="es">"#) && mine.contains("Nuevo tema") && mine.contains("Cerrar sesión"), "{mine}");
    let r = app.call(axum::http::Method::PUT, "/u/lucia.json", &lucia, support::Send::Json(serde_json::json!({"locale": "fr"}))).await;
    assert_eq!(r.assert_error(422, "invalid_parameters")["field_errors"][0]["field"], "locale");
}
