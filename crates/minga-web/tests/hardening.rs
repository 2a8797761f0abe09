//! What an outside security review found, each with the test that shows it
//! fixed: the set-up link claimed once, and log-in throttling that neither
//! locks owners out nor, behind a proxy, everyone.

mod support;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use minga_store::Backend;
use minga_web::Settings;
use serde_json::json;
use std::net::SocketAddr;
use support::{Auth, TestApp};
use tower::ServiceExt;

both_backends!(
    one_set_up_link_makes_one_admin,
    failed_log_ins_do_not_lock_out_the_owner,
    proxies_are_believed_only_when_trusted,
    people_see_where_they_are_logged_in_and_end_it,
    signed_in_pages_are_never_kept_by_shared_caches,
    guessing_at_a_log_in_does_not_stop_a_password_change,
    time_zones_are_kept_by_their_proper_names,
);

async fn one_set_up_link_makes_one_admin(b: Backend) {
    let app = TestApp::new(b).await;
    let token = app.state.first_admin_token().await.unwrap().expect("no admin yet");
    let visitor = app.visitor().await;
    let Auth::Visitor { csrf } = &visitor else { unreachable!() };
    let mut tries = Vec::new();
    for i in 0..8 {
        let (router, csrf, token) = (app.router.clone(), csrf.clone(), token.clone());
        tries.push(tokio::spawn(async move {
            let form = format!(
                "authenticity_token={csrf}&username=admin{i}&email=admin{i}%40example.coop&password=a+long+enough+password&name=&website_url="
            );
            let req = Request::post(format!("/setup/{token}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, format!("_csrf={csrf}"))
                .body(Body::from(form))
                .unwrap();
            router.oneshot(req).await.unwrap().status()
        }));
    }
    let mut statuses = Vec::new();
    for t in tries {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| s.is_redirection()).count(), 1, "exactly one request made an admin: {statuses:?}");
    assert_eq!(app.state.store.admins().await.unwrap().len(), 1);
    assert_eq!(app.get(&format!("/setup/{token}"), &Auth::Anon).await.status, StatusCode::NOT_FOUND, "the link is spent");
    // A link printed by a node that started later is spent too.
    assert!(app.state.store.setup_token_valid(&minga_web::auth::hash_secret(&token)).await.is_ok_and(|v| !v));
}

/// A log-in as sent from `peer`, with extra headers.
/// How a log-in ended. A wrong password answers 200 with `error`, as
/// Discourse's does, so the status alone does not tell.
#[derive(Debug, PartialEq)]
enum LogIn {
    In,
    Refused,
    Waits,
    Other(StatusCode),
}

async fn log_in(app: &TestApp, peer: &str, headers: &[(&str, &str)], login: &str, password: &str) -> LogIn {
    let visitor = app.visitor().await;
    let Auth::Visitor { csrf } = &visitor else { unreachable!() };
    let mut req = Request::post("/session.json")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, format!("_csrf={csrf}"))
        .header("X-CSRF-Token", csrf.as_str());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut req = req.body(Body::from(json!({"login": login, "password": password}).to_string())).unwrap();
    req.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
    let response = app.router.clone().oneshot(req).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    match status {
        StatusCode::OK if body.get("user").is_some() => LogIn::In,
        StatusCode::OK if body.get("error").is_some() => LogIn::Refused,
        StatusCode::TOO_MANY_REQUESTS => LogIn::Waits,
        other => LogIn::Other(other),
    }
}

async fn failed_log_ins_do_not_lock_out_the_owner(b: Backend) {
    let app = TestApp::new(b).await;
    app.user("polly", false).await;
    let (attacker, owner) = ("203.0.113.7:40000", "198.51.100.20:50000");
    for _ in 0..5 {
        assert_eq!(log_in(&app, attacker, &[], "polly", "guess").await, LogIn::Refused);
    }
    assert_eq!(log_in(&app, attacker, &[], "polly", "correct horse battery").await, LogIn::Waits, "the guesser waits");
    assert_eq!(log_in(&app, owner, &[], "polly", "correct horse battery").await, LogIn::In, "the owner, elsewhere, gets in");
    // Guessing from many places still meets the account's slower limit.
    for i in 0..50 {
        let from = format!("192.0.2.{}:4000", i + 1);
        log_in(&app, &from, &[], "polly", "guess").await;
    }
    assert_eq!(log_in(&app, owner, &[], "polly", "correct horse battery").await, LogIn::Waits);
}

async fn proxies_are_believed_only_when_trusted(b: Backend) {
    let proxy = "127.0.0.1:45000";
    // No proxy configured: everyone behind it is one address, and a
    // client's own X-Forwarded-For changes nothing.
    let app = TestApp::new(b).await;
    app.user("polly", false).await;
    app.user("sol", false).await;
    // Twenty failures from one address (for as many names) stop that address.
    for i in 0..20 {
        let forwarded = format!("198.51.100.{}", i + 1);
        log_in(&app, proxy, &[("x-forwarded-for", &forwarded)], &format!("someone{i}"), "guess").await;
    }
    assert_eq!(
        log_in(&app, proxy, &[("x-forwarded-for", "192.0.2.99")], "sol", "correct horse battery").await,
        LogIn::Waits,
        "an untrusted header is not believed"
    );

    // With the proxy trusted, each client behind it counts alone.
    let settings = Settings { trusted_proxies: vec!["127.0.0.1".parse().unwrap()], ..support::fast_settings() };
    let app = TestApp::with_settings(b, settings).await;
    app.user("polly", false).await;
    app.user("sol", false).await;
    for i in 0..20 {
        log_in(&app, proxy, &[("x-forwarded-for", "203.0.113.7")], &format!("someone{i}"), "guess").await;
    }
    assert_eq!(log_in(&app, proxy, &[("x-forwarded-for", "203.0.113.7")], "sol", "correct horse battery").await, LogIn::Waits);
    assert_eq!(log_in(&app, proxy, &[("x-forwarded-for", "192.0.2.99")], "sol", "correct horse battery").await, LogIn::In);
    assert_eq!(
        log_in(&app, proxy, &[("forwarded", "for=192.0.2.100;proto=https")], "sol", "correct horse battery").await,
        LogIn::In
    );
}

/// Logs in from a device; returns the session cookie and CSRF token.
async fn log_in_from(app: &TestApp, user_agent: &str, login: &str) -> (String, String) {
    let visitor = app.visitor().await;
    let Auth::Visitor { csrf } = &visitor else { unreachable!() };
    let req = Request::post("/session.json")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, format!("_csrf={csrf}"))
        .header("X-CSRF-Token", csrf.as_str())
        .header(header::USER_AGENT, user_agent)
        .body(Body::from(json!({"login": login, "password": "correct horse battery"}).to_string()))
        .unwrap();
    let response = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("_t="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_string();
    (cookie, csrf.clone())
}

async fn people_see_where_they_are_logged_in_and_end_it(b: Backend) {
    let app = TestApp::new(b).await;
    app.user("polly", false).await;
    let laptop = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
    let phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Version/18.0 Mobile/15E148 Safari/604.1";
    let tablet = "Mozilla/5.0 (Linux; Android 15) AppleWebKit/537.36 Chrome/131.0 Safari/537.36";
    let (l_token, l_csrf) = log_in_from(&app, laptop, "polly").await;
    let (p_token, p_csrf) = log_in_from(&app, phone, "polly").await;
    let (t_token, t_csrf) = log_in_from(&app, tablet, "polly").await;
    let on_laptop = Auth::Session { token: l_token.clone(), csrf: l_csrf };
    let on_phone = Auth::Session { token: p_token, csrf: p_csrf };
    let on_tablet = Auth::Session { token: t_token, csrf: t_csrf };

    let page = app.get("/u/polly/preferences", &on_laptop).await.text();
    for device in ["Firefox on Linux", "Safari on iPhone", "Chrome on Android"] {
        assert!(page.contains(device), "{device} is listed");
    }
    assert_eq!(page.matches("this device").count(), 1);
    // Someone else's preferences, and their sessions, are not theirs to see.
    app.user("sol", false).await;
    let sol = app.session("sol").await;
    assert_eq!(app.get("/u/polly/preferences", &sol).await.status, StatusCode::FORBIDDEN);

    // Ending the phone's session logs the phone out, and only it.
    let phone_id = app.state.store.sessions(app.state.store.user_by_username("polly").await.unwrap().unwrap().id, "").await.unwrap()
        .into_iter()
        .find(|s| s.user_agent.contains("iPhone"))
        .unwrap()
        .id;
    let r = app.call(axum::http::Method::POST, "/u/sol/preferences/revoke-auth-token.json", &sol, support::Send::Json(json!({"token_id": phone_id}))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "not someone else's session");
    assert_eq!(app.get_json("/session/current.json", &on_phone).await["current_user"]["username"], "polly");
    let r = app.call(axum::http::Method::POST, "/u/polly/preferences/revoke-auth-token.json", &on_laptop, support::Send::Json(json!({"token_id": phone_id}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    app.get("/session/current.json", &on_phone).await.assert_error(404, "not_found");
    assert_eq!(app.get_json("/session/current.json", &on_tablet).await["current_user"]["username"], "polly");

    // "Log out everywhere else" keeps only this one.
    let r = app.call(axum::http::Method::POST, "/u/polly/preferences/revoke-auth-token", &on_laptop, support::Send::Form("")).await;
    assert!(r.status.is_redirection(), "{}", r.text());
    app.get("/session/current.json", &on_tablet).await.assert_error(404, "not_found");
    assert_eq!(app.get_json("/session/current.json", &on_laptop).await["current_user"]["username"], "polly");
    // Logging out ends only this session (there is no other left to see).
    let r = app.call(axum::http::Method::DELETE, "/session/polly", &on_laptop, support::Send::Nothing).await;
    assert_eq!(r.status, StatusCode::OK);
    app.get("/session/current.json", &on_laptop).await.assert_error(404, "not_found");
    assert_eq!(app.get_json("/session/current.json", &sol).await["current_user"]["username"], "sol");
}

async fn signed_in_pages_are_never_kept_by_shared_caches(b: Backend) {
    let app = TestApp::new(b).await;
    app.user("polly", false).await;
    let (token, csrf) = log_in_from(&app, "a browser", "polly").await;
    let polly = Auth::Session { token, csrf };
    for path in ["/latest", "/latest.json", "/u/polly", "/categories"] {
        let r = app.get(path, &polly).await;
        assert_eq!(r.headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("private, no-store"), "{path}");
    }
    // What is the same for everyone stays cacheable, and hands out no token.
    let css = app.get("/assets/minga.css", &Auth::Anon).await;
    assert!(css.headers["cache-control"].to_str().unwrap().starts_with("public"));
    assert!(css.cookie("_csrf").is_none(), "a public response sets no CSRF cookie");
    assert!(app.get("/latest", &Auth::Anon).await.cookie("_csrf").is_some(), "a page does");
}

async fn guessing_at_a_log_in_does_not_stop_a_password_change(b: Backend) {
    let app = TestApp::new(b).await;
    app.user("polly", false).await;
    let (token, csrf) = log_in_from(&app, "a browser", "polly").await;
    let polly = Auth::Session { token, csrf };
    // Someone guesses at polly's log-in from many places, past the
    // account's limit.
    for i in 0..50 {
        log_in(&app, &format!("192.0.2.{}:4000", i + 1), &[], "polly", "guess").await;
    }
    let change = |current: &'static str| {
        let form = format!("current_password={current}&new_password=a+new+long+password&new_password_again=a+new+long+password");
        app.call(axum::http::Method::POST, "/u/polly/preferences/password", &polly, support::Send::Form(Box::leak(form.into_boxed_str())))
    };
    assert_eq!(change("wrong+password").await.status, StatusCode::UNPROCESSABLE_ENTITY, "a wrong current password is refused");
    let r = change("correct+horse+battery").await;
    assert!(r.status.is_redirection(), "the owner changes her password: {} {}", r.status, r.text());
    // Her own wrong tries are limited, apart from log-ins.
    for _ in 0..5 {
        change("wrong+password").await;
    }
    assert_eq!(change("a+new+long+password").await.status, StatusCode::TOO_MANY_REQUESTS);
}

async fn time_zones_are_kept_by_their_proper_names(b: Backend) {
    let app = TestApp::new(b).await;
    let polly = app.user("polly", false).await;
    let key = app.key_for(&polly).await;
    let r = app.call(axum::http::Method::PUT, "/u/polly.json", &key, support::Send::Json(json!({"timezone": "america/argentina/buenos_aires"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(app.state.store.user_by_id(polly.id).await.unwrap().unwrap().timezone, "America/Argentina/Buenos_Aires");
    for wrong in ["Etc/GMT+5", "Mars/Olympus", "Europe"] {
        let r = app.call(axum::http::Method::PUT, "/u/polly.json", &key, support::Send::Json(json!({"timezone": wrong}))).await;
        r.assert_error(422, "invalid_parameters");
    }
    assert_eq!(app.state.store.user_by_id(polly.id).await.unwrap().unwrap().timezone, "America/Argentina/Buenos_Aires", "nothing half-stored");
}
