//! A test forum: the real router over a real store (SQLite in a temporary
//! folder, or a fresh database on the throwaway PostgreSQL cluster), with
//! helpers to make people, keys and sessions and to send requests.
#![allow(dead_code)]

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use minga_store::{Backend, Store, User};
use minga_web::{AppState, Settings};
use serde_json::Value;
use tower::ServiceExt;

/// Declares each test once and runs it on both backends.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {$(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(minga_store::Backend::Sqlite).await }
        )*}
        mod postgres {$(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(minga_store::Backend::Postgres).await }
        )*}
    };
}

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    /// The last event stream opened (see `events`).
    pub stream: std::sync::Mutex<Option<Body>>,
    _dir: Option<tempfile::TempDir>,
}

#[derive(Clone, Debug)]
pub enum Auth {
    Anon,
    /// An anonymous visitor who has fetched a CSRF token.
    Visitor { csrf: String },
    Key { key: String, username: String },
    Session { token: String, csrf: String },
}

pub enum Send<'a> {
    Nothing,
    Json(Value),
    Form(&'a str),
    Raw(&'a str, Vec<u8>),
    Multipart(Vec<(&'a str, &'a str)>),
}

pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next()?.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
    pub fn location(&self) -> String {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
    }
    /// Asserts the status and Discourse's error shape.
    pub fn assert_error(&self, status: u16, error_type: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.text());
        let body = self.json();
        assert_eq!(body["error_type"], error_type, "{body}");
        assert!(body["errors"].as_array().is_some_and(|e| !e.is_empty()), "{body}");
        body
    }
}

pub fn fast_settings() -> Settings {
    // Cheap password hashing keeps the suite fast; production uses the defaults.
    // Tests post in bulk, so posting limits are off unless a test turns them on.
    Settings { password_memory_kib: 64, password_iterations: 1, rate_limits: false, ..Settings::default() }
}

pub async fn store(backend: Backend) -> (Store, Option<tempfile::TempDir>) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let store = Store::connect(&Store::sqlite_url(dir.path()), 8).await.expect("open sqlite");
            (store, Some(dir))
        }
        Backend::Postgres => {
            let url = minga_testing::pg::cluster().create_database();
            (Store::connect(&url, 8).await.expect("open postgres"), None)
        }
    }
}

impl TestApp {
    pub async fn new(backend: Backend) -> TestApp {
        Self::with_settings(backend, fast_settings()).await
    }

    /// A forum whose sign-ups are active at once: the suites that are not
    /// about mail sign people up without a mail to follow.
    pub async fn with_settings(backend: Backend, settings: Settings) -> TestApp {
        let app = Self::as_installed(backend, settings).await;
        app.state.store.set_site_setting("must_confirm_email", "false").await.expect("setting");
        app
    }

    /// A forum with the settings a new one has.
    pub async fn as_installed(backend: Backend, settings: Settings) -> TestApp {
        let (store, dir) = store(backend).await;
        let state = AppState::new(store, settings);
        TestApp {
            router: minga_web::app(state.clone()),
            stream: std::sync::Mutex::new(None),
            state,
            _dir: dir,
        }
    }

    pub async fn call(&self, method: Method, path: &str, auth: &Auth, send: Send<'_>) -> Response {
        self.call_with(method, path, auth, send, &[]).await
    }

    /// A GET with headers of its own (`Accept-Language`, a cookie).
    pub async fn get_with(&self, path: &str, auth: &Auth, headers: &[(&str, &str)]) -> Response {
        self.call_with(Method::GET, path, auth, Send::Nothing, headers).await
    }

    pub async fn call_with(&self, method: Method, path: &str, auth: &Auth, send: Send<'_>, extra: &[(&str, &str)]) -> Response {
        let mut req = Request::builder().method(method).uri(path);
        for (name, value) in extra {
            req = req.header(*name, *value);
        }
        match auth {
            Auth::Anon => {}
            Auth::Visitor { csrf } => {
                req = req.header("X-CSRF-Token", csrf).header(header::COOKIE, format!("_csrf={csrf}"));
            }
            Auth::Key { key, username } => {
                req = req.header("Api-Key", key).header("Api-Username", username);
            }
            Auth::Session { token, csrf } => {
                req = req.header(header::COOKIE, format!("_t={token}; _csrf={csrf}")).header("X-CSRF-Token", csrf);
            }
        }
        let body = match send {
            Send::Nothing => Body::empty(),
            Send::Json(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            Send::Form(f) => {
                req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(f.to_string())
            }
            Send::Raw(content_type, bytes) => {
                req = req.header(header::CONTENT_TYPE, content_type);
                Body::from(bytes)
            }
            Send::Multipart(fields) => {
                let boundary = "minga-test-boundary";
                let mut body = String::new();
                for (k, v) in fields {
                    body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"));
                }
                body.push_str(&format!("--{boundary}--\r\n"));
                req = req.header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"));
                Body::from(body)
            }
        };
        let response = self
            .router
            .clone()
            .oneshot(req.body(body).expect("request"))
            .await
            .expect("infallible");
        if response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v == "text/event-stream")
        {
            // A stream never ends: the test reads it with `Events`.
            *self.stream.lock().unwrap() = Some(response.into_body());
            return Response {
                status: StatusCode::OK,
                headers: HeaderMap::new(),
                body: Bytes::new(),
            };
        }
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("body").to_bytes();
        Response { status: parts.status, headers: parts.headers, body }
    }

    pub async fn get(&self, path: &str, auth: &Auth) -> Response {
        self.call(Method::GET, path, auth, Send::Nothing).await
    }

    pub async fn get_json(&self, path: &str, auth: &Auth) -> Value {
        let r = self.get(path, auth).await;
        assert_eq!(r.status, StatusCode::OK, "GET {path}: {}", r.text());
        r.json()
    }

    pub async fn post_json(&self, path: &str, auth: &Auth, body: Value) -> Response {
        self.call(Method::POST, path, auth, Send::Json(body)).await
    }

    pub async fn user(&self, name: &str, admin: bool) -> User {
        let input = minga_web::ops::SignUp {
            username: name.into(),
            email: format!("{name}@example.org"),
            name: String::new(),
            password: "correct horse battery".into(),
        };
        // Made as staff would: site sign-up rules do not apply.
        minga_web::ops::sign_up_as(&self.state, input, admin, true).await.expect("sign up")
    }

    pub async fn key_for(&self, user: &User) -> Auth {
        let key = minga_web::auth::random_token(32);
        self.state.store.create_api_key(user.id, &minga_web::auth::hash_secret(&key), "test").await.unwrap();
        Auth::Key { key, username: user.username.clone() }
    }

    /// A visitor's CSRF token, as Discourse clients fetch it first.
    pub async fn visitor(&self) -> Auth {
        let r = self.get("/session/csrf.json", &Auth::Anon).await;
        let csrf = r.json()["csrf"].as_str().expect("csrf").to_string();
        assert_eq!(r.cookie("_csrf").as_deref(), Some(csrf.as_str()));
        Auth::Visitor { csrf }
    }

    /// Logs in through `POST /session`, as a browser client would.
    pub async fn session(&self, login: &str) -> Auth {
        let visitor = self.visitor().await;
        let Auth::Visitor { csrf } = &visitor else { unreachable!() };
        let r = self.call(Method::POST, "/session", &visitor, Send::Json(serde_json::json!({"login": login, "password": "correct horse battery"}))).await;
        assert_eq!(r.status, StatusCode::OK, "log in: {}", r.text());
        Auth::Session { token: r.cookie("_t").expect("session cookie"), csrf: csrf.clone() }
    }

    /// An admin with an API key, and a category to post in.
    pub async fn admin_and_category(&self) -> (Auth, i64) {
        let admin = self.user("admin", true).await;
        let key = self.key_for(&admin).await;
        let r = self.post_json("/categories.json", &key, serde_json::json!({"name": "General", "color": "0088CC"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        (key, r.json()["category"]["id"].as_i64().unwrap())
    }

    /// Creates a topic through the API and returns (topic id, first post id).
    pub async fn topic(&self, auth: &Auth, category: i64, title: &str, raw: &str) -> (i64, i64) {
        let r = self.post_json("/posts.json", auth, serde_json::json!({"title": title, "raw": raw, "category": category})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let v = r.json();
        (v["topic_id"].as_i64().unwrap(), v["id"].as_i64().unwrap())
    }

    pub async fn reply(&self, auth: &Auth, topic: i64, raw: &str) -> Value {
        let r = self.post_json("/posts.json", auth, serde_json::json!({"topic_id": topic, "raw": raw})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        r.json()
    }
}

/// An open event stream (`GET /live`), read event by event.
pub struct Events {
    body: Body,
    buffered: String,
}

impl TestApp {
    /// Writes every queued notification, and waits for the node's own
    /// worker if it holds some (on PostgreSQL a job being written is
    /// skipped), so that counts are what they will be.
    pub async fn settle(&self) {
        for _ in 0..500 {
            self.state.deliver_notifications().await.expect("deliver");
            if self.state.store.queued_notification_jobs().await.unwrap() == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("notifications still queued");
    }

    /// Opens `/live…` as `auth`, with headers of its own (`Last-Event-ID`).
    pub async fn events(&self, path: &str, auth: &Auth, extra: &[(&str, &str)]) -> Events {
        let r = self
            .call_with(Method::GET, path, auth, Send::Nothing, extra)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let body = self.stream.lock().unwrap().take().expect("an event stream");
        Events {
            body,
            buffered: String::new(),
        }
    }
}

impl Events {
    /// The next event as (id, name, data), or None after `wait` with none.
    pub async fn next(&mut self, wait: std::time::Duration) -> Option<(String, String, String)> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buffered.find("\n\n") {
                let block: String = self.buffered.drain(..end + 2).collect();
                let (mut id, mut name, mut data) = (String::new(), String::new(), String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id: ") {
                        id = v.into();
                    } else if let Some(v) = line.strip_prefix("event: ") {
                        name = v.into();
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data = v.into();
                    }
                }
                if !name.is_empty() {
                    return Some((id, name, data));
                }
            }
            let frame = tokio::time::timeout_at(deadline, self.body.frame())
                .await
                .ok()??
                .ok()?;
            if let Ok(bytes) = frame.into_data() {
                self.buffered.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }

    /// The names of the events that arrive within `wait`.
    pub async fn names_within(&mut self, wait: std::time::Duration) -> Vec<String> {
        let mut names = Vec::new();
        let deadline = tokio::time::Instant::now() + wait;
        while let Some((_, name, _)) = self
            .next(deadline.saturating_duration_since(tokio::time::Instant::now()))
            .await
        {
            names.push(name);
        }
        names
    }
}
