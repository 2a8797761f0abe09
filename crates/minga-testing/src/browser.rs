//! Headless Chromium driven through chromedriver's W3C WebDriver HTTP API.
//!
//! A deliberately small client: only the commands our tests need, each one a
//! plain JSON request over reqwest. Every [`Browser`] gets its own chromedriver
//! and profile, so browsers never share cookies or state.

use std::fs::File;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::Method;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::process;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long element operations wait for their element to appear.
const ELEMENT_TIMEOUT: Duration = Duration::from_secs(5);
const DRIVER_TIMEOUT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(100);
/// The W3C key under which element references travel.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A running headless Chromium.
pub struct Browser {
    http: reqwest::Client,
    /// `http://127.0.0.1:PORT/session/ID`, the prefix of every command.
    session: String,
    /// Declared last so it is dropped (killing the processes) after nothing
    /// else can still talk to them.
    _driver: Driver,
}

/// The chromedriver process and its scratch dir. Killing happens in `Drop`, so
/// a panic anywhere after spawning, even during [`Browser::start`], leaves
/// no processes behind.
struct Driver {
    child: Child,
    /// Holds the Chromium profile and the chromedriver log.
    dir: TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // chromedriver leads its own process group, which includes the
        // Chromium processes it started: one signal stops them all.
        process::kill_group(self.child.id());
        let _ = self.child.wait();
    }
}

impl Driver {
    fn log_tail(&self) -> String {
        process::log_tail(&self.dir.path().join("chromedriver.log"), 4000)
    }
}

/// An error answer from chromedriver (or a failure to reach it).
#[derive(Debug)]
struct WdError {
    /// The W3C error code, e.g. "no such element".
    code: String,
    message: String,
}

impl WdError {
    /// Errors that usually go away if we look up the element again a bit later.
    fn is_transient(&self) -> bool {
        matches!(
            self.code.as_str(),
            "no such element"
                | "stale element reference"
                | "element not interactable"
                | "element click intercepted"
        )
    }
}

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // chromedriver messages carry a long native stack trace after the first line.
        let first_line = self.message.lines().next().unwrap_or_default();
        write!(f, "{}: {first_line}", self.code)
    }
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium session.
    ///
    /// Panics with a clear message if Chromium or chromedriver is not installed.
    pub async fn start() -> Browser {
        for path in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(path).exists(),
                "{path} is missing: browser tests need the Debian packages \
                 `chromium` and `chromium-driver` (apt-get install chromium chromium-driver)"
            );
        }
        let dir = tempfile::Builder::new()
            .prefix("minga-browser-")
            .tempdir()
            .expect("creating a temp dir for the browser profile");
        let log_path = dir.path().join("chromedriver.log");
        let log = File::create(&log_path).expect("creating chromedriver.log");
        let log_too = log.try_clone().expect("duplicating the chromedriver log handle");

        let port = process::free_port();
        let mut cmd = Command::new(CHROMEDRIVER);
        cmd.arg(format!("--port={port}"));
        // Own process group so Drop can kill chromedriver and Chromium together.
        cmd.process_group(0);
        cmd.stdin(Stdio::null()).stdout(log).stderr(log_too);
        let child = process::spawn_tied_to_process(cmd, None)
            .unwrap_or_else(|e| panic!("starting {CHROMEDRIVER}: {e}"));
        let mut driver = Driver { child, dir };

        crate::install_tls_provider();
        let http = reqwest::Client::builder()
            // Talking to localhost only; a proxy from the environment would break it.
            .no_proxy()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("building the WebDriver HTTP client");
        let base = format!("http://127.0.0.1:{port}");
        wait_for_driver(&http, &base, &mut driver).await;

        let profile = driver.dir.path().join("profile");
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "timeouts": { "implicit": 0, "pageLoad": 30_000, "script": 30_000 },
                    "goog:chromeOptions": {
                        "binary": CHROMIUM,
                        "args": [
                            "--headless",
                            // Tests run as root in CI, where the sandbox cannot start.
                            "--no-sandbox",
                            "--disable-gpu",
                            // The rest keeps Chromium from phoning home or
                            // doing background work that slows tests down.
                            "--no-first-run",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--disable-quic",
                            "--window-size=1280,900",
                            // Pages scroll smoothly unless motion is reduced;
                            // a click during a smooth scroll misses.
                            "--force-prefers-reduced-motion",
                            format!("--user-data-dir={}", profile.display()),
                        ],
                    },
                },
            },
        });
        let answer = request(&http, Method::POST, &format!("{base}/session"), Some(capabilities))
            .await
            .unwrap_or_else(|e| {
                panic!("creating a Chromium session failed: {e}\nchromedriver log:\n{}", driver.log_tail())
            });
        let id = answer["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("chromedriver answered a new session without an id: {answer}"));
        Browser { http, session: format!("{base}/session/{id}"), _driver: driver }
    }

    /// Navigates to `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        if let Err(e) = self.post("url", json!({ "url": url })).await {
            panic!("browser: loading {url} failed: {e}");
        }
    }

    /// Clears the input matched by `css` and types `value` into it.
    pub async fn fill(&self, css: &str, value: &str) {
        self.with_element(css, "fill", async |id| {
            self.post(&format!("element/{id}/clear"), json!({})).await?;
            self.post(&format!("element/{id}/value"), json!({ "text": value })).await
        })
        .await;
    }

    /// Clicks the element matched by `css`.
    pub async fn click(&self, css: &str) {
        self.with_element(css, "click", async |id| {
            self.post(&format!("element/{id}/click"), json!({})).await
        })
        .await;
    }

    /// Submits the form containing the element matched by `css` (or that form
    /// itself), as if the user pressed its submit button: validation and
    /// submit handlers run.
    pub async fn submit_form(&self, css_of_any_element_in_form: &str) {
        const SCRIPT: &str = "const el = arguments[0];\n\
            const form = el.form || el.closest('form');\n\
            if (!form) { throw new Error('element is not inside a form'); }\n\
            form.requestSubmit();";
        self.with_element(css_of_any_element_in_form, "submit the form of", async |id| {
            let args = json!([{ ELEMENT_KEY: id }]);
            self.post("execute/sync", json!({ "script": SCRIPT, "args": args })).await
        })
        .await;
    }

    /// The rendered (visible) text of the first element matched by `css`.
    pub async fn text(&self, css: &str) -> String {
        let text = self
            .with_element(css, "read the text of", async |id| self.get(&format!("element/{id}/text")).await)
            .await;
        text.as_str().unwrap_or_default().to_owned()
    }

    /// Whether `css` matches something right now. Does not wait: use
    /// [`Browser::wait_for`] when the element is expected to show up.
    pub async fn exists(&self, css: &str) -> bool {
        match self.find(css).await {
            Ok(_) => true,
            Err(e) if e.code == "no such element" => false,
            Err(e) => panic!("browser: looking for `{css}` on {} failed: {e}", self.url_for_errors().await),
        }
    }

    /// Waits (up to ~5 s) until `css` matches an element.
    pub async fn wait_for(&self, css: &str) {
        self.with_element(css, "find", async |_| Ok(())).await;
    }

    /// The current page's HTML as the browser sees it now (after scripts ran).
    pub async fn source(&self) -> String {
        match self.get("source").await {
            Ok(source) => source.as_str().unwrap_or_default().to_owned(),
            Err(e) => panic!("browser: reading the page source failed: {e}"),
        }
    }

    /// The URL of the current page.
    pub async fn current_url(&self) -> String {
        match self.get("url").await {
            Ok(url) => url.as_str().unwrap_or_default().to_owned(),
            Err(e) => panic!("browser: reading the current URL failed: {e}"),
        }
    }

    /// Runs `script` (a function body: `return …` gives the answer) in the
    /// page and returns what it returned, as JSON.
    pub async fn eval(&self, script: &str) -> Value {
        match self.post("execute/sync", json!({ "script": script, "args": [] })).await {
            Ok(value) => value,
            Err(e) => panic!("browser: running a script on {} failed: {e}", self.url_for_errors().await),
        }
    }

    /// Runs `script` asynchronously: it calls `done(value)` (the last
    /// argument) when it has an answer, e.g. when a promise settles.
    pub async fn eval_async(&self, script: &str) -> Value {
        let script = format!("const done = arguments[arguments.length - 1];\n{script}");
        match self.post("execute/async", json!({ "script": script, "args": [] })).await {
            Ok(value) => value,
            Err(e) => panic!("browser: running an async script on {} failed: {e}", self.url_for_errors().await),
        }
    }

    /// Presses keys on the keyboard, one after another, as a person would:
    /// text, or WebDriver's key codes (`Browser::TAB`, `Browser::ENTER`).
    pub async fn keys(&self, keys: &str) {
        let mut actions = Vec::new();
        for k in keys.chars() {
            actions.push(json!({ "type": "keyDown", "value": k.to_string() }));
            actions.push(json!({ "type": "keyUp", "value": k.to_string() }));
        }
        let body = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] });
        if let Err(e) = self.post("actions", body).await {
            panic!("browser: pressing keys on {} failed: {e}", self.url_for_errors().await);
        }
    }

    pub const TAB: &'static str = "\u{E004}";
    pub const ENTER: &'static str = "\u{E007}";
    pub const ARROW_DOWN: &'static str = "\u{E015}";

    /// Presses Tab until the focused element matches `css` (at most 80
    /// times); panics naming what took the focus instead. Checks that
    /// each element focused on the way shows it (an outline or a box shadow).
    pub async fn tab_to(&self, css: &str) {
        let css_json = serde_json::to_string(css).expect("a string");
        for _ in 0..80 {
            self.keys(Self::TAB).await;
            let state = self
                .eval(&format!(
                    "const a = document.activeElement; const s = a ? getComputedStyle(a) : null;\n\
                     return {{ matches: !!a && a.matches({css_json}), what: a ? a.outerHTML.slice(0, 120) : '', \
                     shown: !!s && ((s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none') }};"
                ))
                .await;
            assert!(state["shown"] == true, "browser: the focus on {} is not visible", state["what"]);
            if state["matches"] == true {
                return;
            }
        }
        panic!("browser: Tab never reached {css} on {}", self.url_for_errors().await);
    }

    /// Makes pages see `prefers-color-scheme: dark` (or light), through
    /// Chromium's DevTools protocol.
    pub async fn prefer_dark(&self, dark: bool) {
        self.emulate_media(&[("prefers-color-scheme", if dark { "dark" } else { "light" })]).await;
    }

    /// Makes pages see these media features, e.g.
    /// `("prefers-reduced-motion", "reduce")`; each call replaces the last.
    pub async fn emulate_media(&self, features: &[(&str, &str)]) {
        let features: Vec<_> = features.iter().map(|(name, value)| json!({ "name": name, "value": value })).collect();
        let command = json!({ "cmd": "Emulation.setEmulatedMedia", "params": { "features": features } });
        if let Err(e) = self.post("goog/cdp/execute", command).await {
            panic!("browser: emulating {features:?} failed: {e}");
        }
    }

    /// Resizes the window, e.g. to a phone's 390 × 844.
    pub async fn set_window_size(&self, width: u32, height: u32) {
        if let Err(e) = self.post("window/rect", json!({ "width": width, "height": height })).await {
            panic!("browser: resizing the window failed: {e}");
        }
    }

    /// A PNG screenshot of the viewport; handy to save when a test fails.
    pub async fn screenshot_png(&self) -> Vec<u8> {
        let encoded = match self.get("screenshot").await {
            Ok(encoded) => encoded,
            Err(e) => panic!("browser: taking a screenshot failed: {e}"),
        };
        base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().unwrap_or_default())
            .expect("chromedriver returned a screenshot that is not valid base64")
    }

    /// Closes the browser politely, then stops chromedriver. Dropping a
    /// `Browser` also stops everything, just less gracefully.
    pub async fn quit(self) {
        // Ending the session lets Chromium shut down cleanly; if that fails,
        // Drop kills it anyway, so the error does not matter.
        let _ = request(&self.http, Method::DELETE, &self.session, None).await;
    }

    /// Looks `css` up (retrying until [`ELEMENT_TIMEOUT`]) and runs `op` on the
    /// element; `op` is retried as well if the element went stale or was not
    /// yet interactable. Panics naming the selector and page if it never works.
    async fn with_element<T>(
        &self,
        css: &str,
        action: &str,
        mut op: impl AsyncFnMut(String) -> Result<T, WdError>,
    ) -> T {
        let deadline = Instant::now() + ELEMENT_TIMEOUT;
        loop {
            let error = match self.find(css).await {
                Ok(id) => match op(id).await {
                    Ok(value) => return value,
                    Err(e) => e,
                },
                Err(e) => e,
            };
            if !error.is_transient() || Instant::now() >= deadline {
                let url = self.url_for_errors().await;
                panic!("browser: could not {action} `{css}` on {url}: {error}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The id of the first element matching `css`.
    async fn find(&self, css: &str) -> Result<String, WdError> {
        let found = self.post("element", json!({ "using": "css selector", "value": css })).await?;
        found[ELEMENT_KEY].as_str().map(str::to_owned).ok_or_else(|| WdError {
            code: "bad answer".into(),
            message: format!("element lookup returned no element reference: {found}"),
        })
    }

    /// The current URL for panic messages, which must not panic themselves.
    async fn url_for_errors(&self) -> String {
        match self.get("url").await {
            Ok(url) => url.as_str().unwrap_or("(unknown URL)").to_owned(),
            Err(e) => format!("(unknown URL: {e})"),
        }
    }

    async fn get(&self, command: &str) -> Result<Value, WdError> {
        request(&self.http, Method::GET, &format!("{}/{command}", self.session), None).await
    }

    async fn post(&self, command: &str, body: Value) -> Result<Value, WdError> {
        request(&self.http, Method::POST, &format!("{}/{command}", self.session), Some(body)).await
    }
}

/// Polls chromedriver's `/status` until it reports ready.
async fn wait_for_driver(http: &reqwest::Client, base: &str, driver: &mut Driver) {
    let deadline = Instant::now() + DRIVER_TIMEOUT;
    loop {
        if let Ok(Some(status)) = driver.child.try_wait() {
            panic!("chromedriver exited during start-up ({status}); log:\n{}", driver.log_tail());
        }
        let status = request(http, Method::GET, &format!("{base}/status"), None).await;
        if status.is_ok_and(|value| value["ready"] == json!(true)) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "chromedriver was not ready within {}s; log:\n{}",
            DRIVER_TIMEOUT.as_secs(),
            driver.log_tail()
        );
        tokio::time::sleep(POLL).await;
    }
}

/// Sends one WebDriver command and unwraps the W3C `{"value": ...}` envelope.
async fn request(http: &reqwest::Client, method: Method, url: &str, body: Option<Value>) -> Result<Value, WdError> {
    let transport = |e: reqwest::Error| WdError { code: "transport".into(), message: e.to_string() };
    let mut builder = http.request(method, url);
    if let Some(body) = body {
        builder = builder.json(&body);
    }
    let response = builder.send().await.map_err(transport)?;
    let mut envelope: Value = response.json().await.map_err(transport)?;
    let value = envelope["value"].take();
    // Errors come back as {"value": {"error": code, "message": ...}}.
    match value["error"].as_str() {
        Some(code) => Err(WdError {
            code: code.to_owned(),
            message: value["message"].as_str().unwrap_or_default().to_owned(),
        }),
        None => Ok(value),
    }
}
