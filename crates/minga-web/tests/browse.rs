//! A browser's walk: every link and every form the main pages offer, to
//! admins, members and visitors, followed as a browser follows them
//! (`Accept: text/html`), must land on a page — never on raw JSON.

mod support;

use axum::http::{Method, StatusCode};
use minga_store::Backend;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use support::{Auth, TestApp};

both_backends!(every_link_and_form_lands_on_a_page);

/// What one person's browser holds: their cookies.
#[derive(Clone)]
struct Cookies {
    csrf: String,
    session: Option<String>,
}

struct Answer {
    status: StatusCode,
    content_type: String,
    location: String,
    body: String,
}

async fn send(app: &TestApp, cookies: &Cookies, method: Method, path: &str, form: Option<String>) -> Answer {
    let cookie = match &cookies.session {
        Some(t) => format!("_csrf={}; _t={t}", cookies.csrf),
        None => format!("_csrf={}", cookies.csrf),
    };
    let mut req = axum::http::Request::builder().method(method).uri(path).header("accept", "text/html").header("cookie", cookie);
    let body = match form {
        Some(f) => {
            req = req.header("content-type", "application/x-www-form-urlencoded");
            axum::body::Body::from(f)
        }
        None => axum::body::Body::empty(),
    };
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let r = app.router.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let header = |n: &str| r.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let (status, content_type, location) = (r.status(), header("content-type"), header("location"));
    let body = String::from_utf8_lossy(&r.into_body().collect().await.unwrap().to_bytes()).into_owned();
    Answer { status, content_type, location, body }
}

/// Follows redirects as a browser does (GET, fragment dropped).
async fn land(app: &TestApp, cookies: &Cookies, mut answer: Answer, from: &str) -> (String, Answer) {
    let mut at = from.to_string();
    for _ in 0..5 {
        if !answer.status.is_redirection() {
            break;
        }
        at = answer.location.split('#').next().unwrap().to_string();
        assert!(at.starts_with('/'), "{from} redirected off the site: {at}");
        answer = send(app, cookies, Method::GET, &at, None).await;
    }
    (at, answer)
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        match tail.find(';').filter(|e| *e < 10) {
            Some(end) => {
                let entity = &tail[1..end];
                let c = match entity {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    e => e.strip_prefix('#').and_then(|n| n.parse::<u32>().ok()).and_then(char::from_u32),
                };
                match c {
                    Some(c) => {
                        out.push(c);
                        rest = &tail[end + 1..];
                    }
                    None => {
                        out.push('&');
                        rest = &tail[1..];
                    }
                }
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    Some(unescape(&tag[start..start + tag[start..].find('"')?]))
}

/// The `href`s of a page's links, on this site.
fn links(html: &str) -> Vec<String> {
    html.split("<a ")
        .skip(1)
        .filter_map(|rest| attr(&format!(" {}", rest.split('>').next()?), "href"))
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .map(|h| h.split('#').next().unwrap().to_string())
        .filter(|h| !h.is_empty())
        .collect()
}

#[derive(Clone, Debug)]
struct Form {
    method: String,
    action: String,
    fields: Vec<(String, String)>,
}

/// The forms of a page, with the values a browser would send untouched,
/// and plausible text in the fields people type into.
fn forms(html: &str, typed: &BTreeMap<&str, &str>) -> Vec<Form> {
    let mut out = Vec::new();
    for chunk in html.split("<form ").skip(1) {
        let Some(end) = chunk.find("</form>") else { continue };
        let form = &chunk[..end];
        let head = format!(" {}", form.split('>').next().unwrap());
        let method = attr(&head, "method").unwrap_or_else(|| "get".into()).to_lowercase();
        let action = attr(&head, "action").unwrap_or_default();
        let mut fields = Vec::new();
        for input in form.split("<input").skip(1) {
            let tag = format!(" {}", input.split('>').next().unwrap());
            let Some(name) = attr(&tag, "name") else { continue };
            let kind = attr(&tag, "type").unwrap_or_else(|| "text".into());
            let value = attr(&tag, "value").unwrap_or_default();
            match kind.as_str() {
                "checkbox" | "radio" if !tag.contains(" checked") => {}
                "checkbox" | "radio" => fields.push((name, if value.is_empty() { "on".into() } else { value })),
                "hidden" => fields.push((name, value)),
                _ => {
                    let v = if value.is_empty() { typed.get(name.as_str()).map(|s| s.to_string()).unwrap_or_default() } else { value };
                    fields.push((name, v));
                }
            }
        }
        for select in form.split("<select").skip(1) {
            let tag = format!(" {}", select.split('>').next().unwrap());
            let Some(name) = attr(&tag, "name") else { continue };
            let options = select.split("</select>").next().unwrap();
            let chosen = options.split("<option").skip(1).find(|o| o.split('>').next().unwrap().contains(" selected")).or_else(|| options.split("<option").nth(1));
            let value = chosen.and_then(|o| attr(&format!(" {}", o.split('>').next().unwrap()), "value")).unwrap_or_default();
            fields.push((name, value));
        }
        for area in form.split("<textarea").skip(1) {
            let tag = format!(" {}", area.split('>').next().unwrap());
            let Some(name) = attr(&tag, "name") else { continue };
            let text = unescape(area.split_once('>').map(|(_, t)| t).unwrap_or_default().split("</textarea>").next().unwrap());
            let v = if text.is_empty() { typed.get(name.as_str()).map(|s| s.to_string()).unwrap_or_default() } else { text };
            fields.push((name, v));
        }
        out.push(Form { method, action, fields });
    }
    out
}

fn encode(fields: &[(String, String)], csrf: &str) -> String {
    let enc = |s: &str| s.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect::<String>();
    fields
        .iter()
        .map(|(k, v)| if k == "authenticity_token" { (k.clone(), csrf.to_string()) } else { (k.clone(), v.clone()) })
        .map(|(k, v)| format!("{}={}", enc(&k), enc(&v)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn log_in(app: &TestApp, name: Option<&str>) -> Cookies {
    let visitor = app.visitor().await;
    let Auth::Visitor { csrf } = visitor else { unreachable!() };
    match name {
        None => Cookies { csrf, session: None },
        Some(n) => match app.session(n).await {
            Auth::Session { token, csrf } => Cookies { csrf, session: Some(token) },
            _ => unreachable!(),
        },
    }
}

async fn every_link_and_form_lands_on_a_page(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    for name in ["owner", "member", "asker", "newcomer", "flagger"] {
        app.user(name, false).await;
    }
    let r = app.post_json("/admin/groups.json", &admin, json!({"name": "telar", "full_name": "Cooperativa Telar", "join_mode": 1, "owner_usernames": "owner", "usernames": "member"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    app.post_json("/admin/groups.json", &admin, json!({"name": "open-coop", "join_mode": 0})).await;
    let asker = app.key_for(&app.state.store.user_by_username("asker").await.unwrap().unwrap()).await;
    app.post_json("/groups/telar/request_membership.json", &asker, json!({"reason": "we work together"})).await;
    let r = app.post_json("/categories.json", &admin, json!({"name": "Telar only", "permissions": {"telar": 1}})).await;
    let private = r.json()["category"]["id"].as_i64().unwrap();
    let member = app.key_for(&app.state.store.user_by_username("member").await.unwrap().unwrap()).await;
    let (topic, _) = app.topic(&member, category, "Planning the video call together", "Shall we meet on **Thursday**?").await;
    for i in 0..22 {
        app.reply(&admin, topic, &format!("Reply number {i}, with a link to /t/x/{topic}/2")).await;
    }
    app.topic(&member, private, "Our own budget for next year", "Numbers only for us").await;
    let flagger = app.key_for(&app.state.store.user_by_username("flagger").await.unwrap().unwrap()).await;
    let first = app.get_json(&format!("/t/{topic}.json"), &Auth::Anon).await["post_stream"]["posts"][1]["id"].as_i64().unwrap();
    app.post_json("/post_actions.json", &flagger, json!({"id": first, "post_action_type_id": 7, "message": "check"})).await;
    app.call(Method::PUT, "/admin/site_settings/must_approve_users", &admin, support::Send::Form("must_approve_users=true")).await;
    let visitor = app.visitor().await;
    let hp = app.get_json("/session/hp.json", &Auth::Anon).await;
    let reversed: String = hp["challenge"].as_str().unwrap().chars().rev().collect();
    app.post_json("/users.json", &visitor, json!({"username": "waiting", "email": "w@example.org", "password": "a long password", "password_confirmation": hp["value"], "challenge": reversed})).await;

    let typed: BTreeMap<&str, &str> = [
        ("usernames", "newcomer"),
        ("owner_usernames", "owner"),
        ("reason", "testing the forms"),
        ("name", "crawled"),
        ("title", "A topic started by the walk through"),
        ("raw", "Hello from a walk through every form"),
        ("login", "member"),
        ("password", "correct horse battery"),
        ("email", "walker@example.org"),
        ("username", "walker"),
        ("suspend_until", "2099-01-01"),
        ("silenced_till", "2099-01-01"),
        ("message", "please look"),
    ]
    .into();

    // First every page, as each person; then every form they were offered
    // (forms change things: a deleted topic would break later walks).
    let mut pages_seen = 0;
    let mut offered: Vec<(Option<&str>, String, Form)> = Vec::new();
    for who in [None, Some("member"), Some("owner"), Some("admin")] {
        let cookies = log_in(&app, who).await;
        let mut queue: VecDeque<String> = ["/", "/latest", "/categories", "/g", "/g/telar", &format!("/t/x/{topic}")].into_iter().map(String::from).collect();
        if who == Some("admin") {
            queue.extend(["/admin/users", "/admin/categories", "/admin/site_settings", "/review", "/admin/logs/staff_action_logs"].map(String::from));
        }
        let mut seen = BTreeSet::new();
        while let Some(path) = queue.pop_front() {
            // Each page once; a topic's other pages and per-post links are alike.
            let key = path.split('?').next().unwrap().to_string() + if path.contains("page=") { "?page" } else { "" };
            if !seen.insert(key) || seen.len() > 120 {
                continue;
            }
            let first = send(&app, &cookies, Method::GET, &path, None).await;
            let (at, page) = land(&app, &cookies, first, &path).await;
            assert!(page.status.is_success(), "{who:?}: the link {path} led to {at}: {}\n{}", page.status, page.body);
            assert!(page.content_type.starts_with("text/html"), "{who:?}: the link {path} answered {} at {at}:\n{}", page.content_type, page.body);
            pages_seen += 1;
            for link in links(&page.body) {
                queue.push_back(link);
            }
            for f in forms(&page.body, &typed) {
                if !offered.iter().any(|(w, _, g)| *w == who && g.action == f.action && g.method == f.method) {
                    offered.push((who, at.clone(), f));
                }
            }
        }
    }
    // Each form from a fresh session (a form may log out); staff last,
    // since their forms suspend and silence people, and for each person
    // the forms that undo things (leave, delete) after the others.
    let undoes = |f: &Form| ["/leave", "/delete", "/logout"].iter().any(|w| f.action.ends_with(w));
    let order = |w: &Option<&str>| [None, Some("member"), Some("owner"), Some("admin")].iter().position(|x| x == w);
    offered.sort_by_key(|(w, _, f)| (order(w), undoes(f)));
    let mut forms_sent = 0;
    for (who, page, form) in offered {
        let fresh = log_in(&app, who).await;
        let body = encode(&form.fields, &fresh.csrf);
        let target = if form.action.is_empty() { page.clone() } else { form.action.clone() };
        let first = if form.method == "post" {
            send(&app, &fresh, Method::POST, &target, Some(body)).await
        } else {
            send(&app, &fresh, Method::GET, &format!("{target}?{body}"), None).await
        };
        let (at, answer) = land(&app, &fresh, first, &target).await;
        assert!(
            answer.content_type.starts_with("text/html"),
            "{who:?}: the form {} {target} on {page} answered {} {} at {at}:\n{}",
            form.method,
            answer.status,
            answer.content_type,
            answer.body
        );
        assert!(answer.status.as_u16() < 500, "{who:?}: {target}: {}", answer.body);
        forms_sent += 1;
    }
    assert!(pages_seen > 60 && forms_sent > 25, "pages {pages_seen}, forms {forms_sent}");
}
