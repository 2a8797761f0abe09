//! User API keys end to end, as Discourse's mobile app uses them: an RSA
//! key pair made here, the authorisation page, the payload decrypted and
//! its key used within its scopes, revocation that takes effect at once,
//! request limits, and bad requests refused with clear errors. On both
//! backends.

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use base64::Engine;
use http_body_util::BodyExt;
use minga_store::Backend;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::{Pkcs1v15Encrypt, RsaPrivateKey};
use serde_json::{Value, json};
use support::{Auth, Response, Send, TestApp};
use tower::ServiceExt;

both_backends!(
    an_application_is_authorised_and_acts_within_its_scopes,
    revoking_stops_a_key_at_once,
    bad_requests_are_refused_clearly,
    keys_are_limited_in_requests,
    a_suspended_person_s_keys_fail,
);

/// An application's key pair, as Discourse's app makes one.
fn key_pair() -> (RsaPrivateKey, String) {
    let private = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("key pair");
    let pem = private.to_public_key().to_public_key_pem(LineEnding::LF).expect("PEM");
    (private, pem)
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn query(fields: &[(&str, &str)]) -> String {
    fields.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect::<Vec<_>>().join("&")
}

fn ask<'a>(pem: &'a str, client_id: &'a str, scopes: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("application_name", "Co-op Reader"),
        ("client_id", client_id),
        ("scopes", scopes),
        ("public_key", pem),
        ("nonce", "n0nce-abc"),
        ("auth_redirect", "discourse://auth_redirect"),
    ]
}

/// A request made with a user API key (and no cookie, no CSRF token).
async fn with_key(app: &TestApp, method: Method, path: &str, key: &str, body: Option<Value>) -> Response {
    let mut req = Request::builder().method(method).uri(path).header("User-Api-Key", key);
    let body = match body {
        Some(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let response = app.router.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let (parts, body) = response.into_parts();
    Response { status: parts.status, headers: parts.headers, body: body.collect().await.unwrap().to_bytes() }
}

/// Decrypts the payload the application is sent back with.
fn open_payload(private: &RsaPrivateKey, location: &str) -> Value {
    let (_, encoded) = location.split_once("?payload=").unwrap_or_else(|| panic!("no payload in {location}"));
    let text: String = url::form_urlencoded::parse(format!("p={encoded}").as_bytes()).next().unwrap().1.into_owned();
    let sealed = base64::engine::general_purpose::STANDARD.decode(text.trim()).expect("base64");
    let plain = private.decrypt(Pkcs1v15Encrypt, &sealed).expect("decrypts with the application's private key");
    serde_json::from_slice(&plain).expect("JSON payload")
}

/// The whole flow for a signed-in person: page, authorise, decrypt; the key.
async fn authorise(app: &TestApp, session: &Auth, private: &RsaPrivateKey, pem: &str, client_id: &str, scopes: &str) -> String {
    let fields = ask(pem, client_id, scopes);
    let page = app.get(&format!("/user-api-key/new?{}", query(&fields)), session).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let r = app.call(Method::POST, "/user-api-key", session, Send::Form(&query(&fields))).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text());
    assert!(r.location().starts_with("discourse://auth_redirect?payload="), "{}", r.location());
    let payload = open_payload(private, &r.location());
    assert_eq!(payload["nonce"], "n0nce-abc");
    assert_eq!(payload["api"], 4);
    assert_eq!(payload["push"], false);
    let key = payload["key"].as_str().unwrap().to_string();
    assert!(key.len() == 32 && key.chars().all(|c| c.is_ascii_hexdigit()), "{key}");
    key
}

async fn an_application_is_authorised_and_acts_within_its_scopes(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    app.topic(&admin, category, "Gathering agenda for the spring", "Shared hosting and infrastructure.").await;
    app.user("ana", false).await;
    let (private, pem) = key_pair();

    // Discourse's clients probe the protocol version first.
    let head = app.call(Method::HEAD, "/user-api-key/new", &Auth::Anon, Send::Nothing).await;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(head.headers.get("auth-api-version").unwrap(), "4");

    // A visitor is sent to log in, and back to the same request.
    let fields = ask(&pem, "reader-1", "read,session_info");
    let path = format!("/user-api-key/new?{}", query(&fields));
    let r = app.get(&path, &Auth::Anon).await;
    assert!(r.status.is_redirection(), "{}", r.status);
    let next = r.location().strip_prefix("/login?next=").map(|n| url::form_urlencoded::parse(format!("n={n}").as_bytes()).next().unwrap().1.into_owned());
    assert_eq!(next.as_deref(), Some(path.as_str()), "{}", r.location());
    let visitor = app.visitor().await;
    let form = query(&[("login", "ana"), ("password", "correct horse battery"), ("next", &path)]);
    let r = app.call(Method::POST, "/login", &visitor, Send::Form(&form)).await;
    assert_eq!(r.location(), path, "logged in, back to the request");

    // The page names the application and what it asks for.
    let session = app.session("ana").await;
    let page = app.get(&path, &session).await;
    let html = page.text();
    assert!(html.contains("Co-op Reader") && html.contains("Authorise") && html.contains("Cancel"), "{html}");
    assert!(html.contains("Read everything you can read") && html.contains("See your username"), "{html}");
    assert!(!html.contains("Post, edit and act as you"), "only what was asked");
    assert_eq!(page.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");

    let reader = authorise(&app, &session, &private, &pem, "reader-1", "read,session_info").await;
    let me = with_key(&app, Method::GET, "/session/current.json", &reader, None).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    assert_eq!(me.json()["current_user"]["username"], "ana");
    let latest = with_key(&app, Method::GET, "/latest.json", &reader, None).await;
    assert_eq!(latest.status, StatusCode::OK);
    // A key answers JSON without being asked, like an API key.
    let latest = with_key(&app, Method::GET, "/latest", &reader, None).await;
    assert!(latest.json()["topic_list"]["topics"].is_array());
    assert_eq!(latest.headers.get(header::CACHE_CONTROL).unwrap(), "private, no-store");

    // Reading does not allow writing, with or without a CSRF token.
    let post = json!({"title": "Posted from the reader app", "raw": "Hello from the application, as Ana.", "category": category});
    with_key(&app, Method::POST, "/posts.json", &reader, Some(post.clone())).await.assert_error(403, "invalid_access");
    // The client id, when sent, must be the key's.
    let req = Request::builder().uri("/latest.json").header("User-Api-Key", &reader).header("User-Api-Client-Id", "someone-else").body(Body::empty()).unwrap();
    assert_eq!(app.router.clone().oneshot(req).await.unwrap().status(), StatusCode::FORBIDDEN);

    // session_info alone: who am I, and nothing else.
    let info = authorise(&app, &session, &private, &pem, "watch-1", "session_info").await;
    assert_eq!(with_key(&app, Method::GET, "/session/current.json", &info, None).await.status, StatusCode::OK);
    with_key(&app, Method::GET, &format!("/c/{category}/show.json"), &info, None).await.assert_error(403, "invalid_access");

    // write: posts as the person, no CSRF token needed.
    let writer = authorise(&app, &session, &private, &pem, "writer-1", "read,write").await;
    let r = with_key(&app, Method::POST, "/posts.json", &writer, Some(post)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["username"], "ana");

    // Authorising the same application again replaces its key.
    let again = authorise(&app, &session, &private, &pem, "reader-1", "read").await;
    with_key(&app, Method::GET, "/latest.json", &reader, None).await.assert_error(403, "invalid_access");
    assert_eq!(with_key(&app, Method::GET, "/latest.json", &again, None).await.status, StatusCode::OK);

    // Without an address to return to, the payload is shown (JSON: as Discourse answers).
    let mut fields = ask(&pem, "desktop-1", "read");
    fields.retain(|(k, _)| *k != "auth_redirect");
    let r = app.post_json("/user-api-key.json", &session, json!(fields.iter().cloned().collect::<std::collections::BTreeMap<_, _>>())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let created = r.json();
    let payload = open_payload(&private, &format!("x?payload={}", enc(created["payload"].as_str().unwrap())));
    assert_eq!(with_key(&app, Method::GET, "/latest.json", payload["key"].as_str().unwrap(), None).await.status, StatusCode::OK);
    insta::assert_json_snapshot!("created_user_api_key", created, { ".payload" => "[payload]" });
    let page = app.call(Method::POST, "/user-api-key", &session, Send::Form(&query(&fields))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Copy this text and give it to Co-op Reader"), "{}", page.text());

    // The person sees what they authorised.
    let apps = app.get("/u/ana/preferences/apps", &session).await;
    assert_eq!(apps.status, StatusCode::OK);
    assert_eq!(apps.text().matches("Revoke</button>").count(), 4, "reader, watch, writer, desktop: {}", apps.text());
    assert!(app.get("/u/ana/preferences", &session).await.text().contains("/u/ana/preferences/apps"));
}

async fn revoking_stops_a_key_at_once(b: Backend) {
    let app = TestApp::new(b).await;
    app.user("admin", true).await;
    app.user("ana", false).await;
    app.user("ben", false).await;
    let (private, pem) = key_pair();
    let ana = app.session("ana").await;
    let ben = app.session("ben").await;

    // The key revokes itself (any scope may), and fails at once.
    let key = authorise(&app, &ana, &private, &pem, "app-1", "session_info").await;
    assert_eq!(with_key(&app, Method::GET, "/session/current.json", &key, None).await.status, StatusCode::OK, "kept in memory now");
    let r = with_key(&app, Method::POST, "/user-api-key/revoke", &key, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    insta::assert_json_snapshot!("revoked", r.json());
    with_key(&app, Method::GET, "/session/current.json", &key, None).await.assert_error(403, "invalid_access");

    // The person restores it by id, and revokes it from their preferences.
    let id = app.state.store.user_api_keys(app.state.store.user_by_username("ana").await.unwrap().unwrap().id).await.unwrap();
    assert!(id.is_empty(), "a revoked key is not listed");
    let key_id: i64 = {
        let apps = app.get("/u/ana/preferences/apps", &ana).await.text();
        assert!(!apps.contains("Revoke</button>"));
        // The id is not shown once revoked; the owner knows it from the list before.
        let key = authorise(&app, &ana, &private, &pem, "app-2", "read").await;
        let html = app.get("/u/ana/preferences/apps", &ana).await.text();
        let id = html.split("name=\"id\" value=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        let r = app.call(Method::POST, "/user-api-key/revoke", &ana, Send::Form(&format!("id={id}"))).await;
        assert!(r.status.is_redirection(), "{}", r.text());
        assert_eq!(r.location(), "/u/ana/preferences/apps?done=revoked");
        with_key(&app, Method::GET, "/latest.json", &key, None).await.assert_error(403, "invalid_access");
        let r = app.post_json("/user-api-key/undo-revoke", &ana, json!({"id": id})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        insta::assert_json_snapshot!("undo_revoke", r.json());
        assert_eq!(with_key(&app, Method::GET, "/latest.json", &key, None).await.status, StatusCode::OK, "restored");
        id
    };

    // Someone else's key does not exist for them; an admin may revoke it.
    app.post_json("/user-api-key/revoke", &ben, json!({"id": key_id})).await.assert_error(404, "not_found");
    app.post_json("/user-api-key/undo-revoke", &ben, json!({"id": key_id})).await.assert_error(404, "not_found");
    app.post_json("/user-api-key/revoke", &ben, json!({})).await.assert_error(422, "invalid_parameters");
    app.post_json("/user-api-key/revoke", &Auth::Anon, json!({"id": key_id})).await.assert_error(403, "invalid_access");
    let admin = app.session("admin").await;
    assert_eq!(app.post_json("/user-api-key/revoke", &admin, json!({"id": key_id})).await.status, StatusCode::OK);
    app.post_json("/user-api-key/revoke", &admin, json!({"id": 999_999})).await.assert_error(404, "not_found");
    // Someone else's list is not theirs to see.
    assert_eq!(app.get("/u/ana/preferences/apps", &ben).await.status, StatusCode::FORBIDDEN);
}

async fn bad_requests_are_refused_clearly(b: Backend) {
    let app = TestApp::new(b).await;
    app.user("ana", false).await;
    let session = app.session("ana").await;
    let (_, pem) = key_pair();
    let without = |field: &str| {
        let mut f = ask(&pem, "c1", "read");
        f.retain(|(k, _)| *k != field);
        format!("/user-api-key/new?{}", query(&f))
    };
    let json_get = |path: String| {
        let app = &app;
        let session = session.clone();
        async move {
            let Auth::Session { token, csrf } = &session else { unreachable!() };
            let req = Request::builder().uri(&path).header(header::COOKIE, format!("_t={token}; _csrf={csrf}")).header(header::ACCEPT, "application/json").body(Body::empty()).unwrap();
            let r = app.router.clone().oneshot(req).await.unwrap();
            let (parts, body) = r.into_parts();
            Response { status: parts.status, headers: parts.headers, body: body.collect().await.unwrap().to_bytes() }
        }
    };
    for field in ["application_name", "client_id", "scopes", "public_key", "nonce"] {
        let e = json_get(without(field)).await.assert_error(400, "invalid_parameters");
        assert!(e["errors"][0].as_str().unwrap().contains(field), "{field}: {e}");
    }
    // A browser gets the same as a page.
    assert_eq!(app.get(&without("nonce"), &session).await.status, StatusCode::BAD_REQUEST);
    let with = |k: &'static str, v: &str| {
        let mut f: Vec<(&str, String)> = ask(&pem, "c1", "read").into_iter().map(|(a, b)| (a, b.to_string())).collect();
        f.retain(|(name, _)| *name != k);
        f.push((k, v.to_string()));
        format!("/user-api-key/new?{}", f.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect::<Vec<_>>().join("&"))
    };
    let cases = [
        (with("scopes", "read,teleport"), "scopes", "no scope named teleport"),
        (with("scopes", "read,one_time_password"), "scopes", "does not offer the scope one_time_password"),
        (with("public_key", "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----"), "public_key", "RSA public key"),
        (with("auth_redirect", "https://evil.example/steal"), "auth_redirect", "not an address this forum sends keys to"),
        (with("padding", "oaep"), "padding", "PKCS#1 v1.5"),
        (with("nonce", &"n".repeat(65)), "nonce", "at most 64"),
    ];
    for (path, field, words) in &cases {
        let r = json_get(path.clone()).await;
        let e = r.assert_error(422, "invalid_parameters");
        assert_eq!(e["field_errors"][0]["field"], *field, "{e}");
        assert!(e["errors"][0].as_str().unwrap().contains(words), "{field}: {e}");
        if words.contains("teleport") {
            insta::assert_json_snapshot!("refused_scope", e);
        }
    }
    // Nothing was made by any of them, even when posted.
    let form = query(&ask(&pem, "c1", "read,teleport"));
    app.call(Method::POST, "/user-api-key", &session, Send::Form(&form)).await;
    let ana = app.state.store.user_by_username("ana").await.unwrap().unwrap();
    assert!(app.state.store.user_api_keys(ana.id).await.unwrap().is_empty());
    // Posting without the CSRF token is refused like any form.
    let Auth::Session { token, .. } = &session else { unreachable!() };
    let req = Request::builder()
        .method(Method::POST)
        .uri("/user-api-key")
        .header(header::COOKIE, format!("_t={token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(query(&ask(&pem, "c1", "read"))))
        .unwrap();
    assert_eq!(app.router.clone().oneshot(req).await.unwrap().status(), StatusCode::FORBIDDEN);
    // An admin may allow other applications' addresses.
    app.state.change_site_setting("allowed_user_api_auth_redirects", "discourse://auth_redirect|https://reader.example/*").await.unwrap();
    assert_eq!(app.get(&with("auth_redirect", "https://reader.example/done"), &session).await.status, StatusCode::OK);
    // An unknown key is refused, not treated as a visitor.
    with_key(&app, Method::GET, "/latest.json", "0123456789abcdef0123456789abcdef", None).await.assert_error(403, "invalid_access");
}

async fn keys_are_limited_in_requests(b: Backend) {
    let app = TestApp::new(b).await;
    app.user("ana", false).await;
    let session = app.session("ana").await;
    let (private, pem) = key_pair();
    let key = authorise(&app, &session, &private, &pem, "busy-app", "read").await;
    // Requests are counted per whole minute: start early enough in one.
    let into = minga_core::time::now_ms() % 60_000;
    if into > 50_000 {
        tokio::time::sleep(std::time::Duration::from_millis((60_000 - into + 50) as u64)).await;
    }
    app.state.change_site_setting("max_user_api_reqs_per_minute", "3").await.unwrap();
    for _ in 0..3 {
        assert_eq!(with_key(&app, Method::GET, "/latest.json", &key, None).await.status, StatusCode::OK);
    }
    let r = with_key(&app, Method::GET, "/latest.json", &key, None).await;
    let e = r.assert_error(429, "rate_limit");
    let wait = e["extras"]["wait_seconds"].as_u64().unwrap();
    assert!((1..=60).contains(&wait), "{e}");
    assert!(r.headers.get("retry-after").is_some());
    // Another application of the same person has its own share.
    let other = authorise(&app, &session, &private, &pem, "quiet-app", "read").await;
    assert_eq!(with_key(&app, Method::GET, "/latest.json", &other, None).await.status, StatusCode::OK);
    // The day's share too.
    app.state.change_site_setting("max_user_api_reqs_per_minute", "100").await.unwrap();
    app.state.change_site_setting("max_user_api_reqs_per_day", "2").await.unwrap();
    assert_eq!(with_key(&app, Method::GET, "/latest.json", &other, None).await.status, StatusCode::OK);
    with_key(&app, Method::GET, "/latest.json", &other, None).await.assert_error(429, "rate_limit");
}

async fn a_suspended_person_s_keys_fail(b: Backend) {
    let app = TestApp::new(b).await;
    let admin = app.user("admin", true).await;
    let admin = app.key_for(&admin).await;
    let ana = app.user("ana", false).await;
    let session = app.session("ana").await;
    let (private, pem) = key_pair();
    let key = authorise(&app, &session, &private, &pem, "app", "read,write").await;
    assert_eq!(with_key(&app, Method::GET, "/session/current.json", &key, None).await.status, StatusCode::OK);
    let r = app.call(Method::PUT, &format!("/admin/users/{}/suspend.json", ana.id.0), &admin, Send::Json(json!({"suspend_until": "2099-01-01", "reason": "spam"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    with_key(&app, Method::GET, "/session/current.json", &key, None).await.assert_error(403, "invalid_access");
    app.call(Method::PUT, &format!("/admin/users/{}/unsuspend.json", ana.id.0), &admin, Send::Nothing).await;
    assert_eq!(with_key(&app, Method::GET, "/session/current.json", &key, None).await.status, StatusCode::OK);
}
