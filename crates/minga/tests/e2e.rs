//! The real binary on a real port: the command line, first-admin set-up,
//! the demo, the API over HTTP on both backends, and a person in headless
//! Chromium signing up, starting a topic and reading a reply.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_minga");

/// Where a test's forum keeps its data: a SQLite folder or a PostgreSQL URL.
enum Db {
    Sqlite(tempfile::TempDir),
    Postgres(String, tempfile::TempDir),
}

impl Db {
    fn sqlite() -> Db {
        Db::Sqlite(tempfile::tempdir().unwrap())
    }
    fn postgres() -> Db {
        Db::Postgres(minga_testing::pg::cluster().create_database(), tempfile::tempdir().unwrap())
    }
    fn args(&self) -> Vec<String> {
        match self {
            Db::Sqlite(dir) => vec!["--data".into(), dir.path().display().to_string()],
            Db::Postgres(url, dir) => vec!["--database-url".into(), url.clone(), "--data".into(), dir.path().display().to_string()],
        }
    }
}

/// The binary, run as an operator would run it from a shell: not under
/// cargo (so the commands it prints name the binary itself).
fn bin() -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("CARGO");
    c
}

fn minga(args: &[&str], db: &Db) -> std::process::Output {
    let output = bin().args(args).args(db.args()).env("MINGA_LOG", "warn").output().expect("run minga");
    assert!(output.status.success(), "minga {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    output
}

/// A running `minga serve`, stopped on drop. `lines` is what it printed.
struct Server {
    child: Child,
    url: String,
    lines: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn serve(db: &Db) -> Server {
    let mut command = bin();
    command.arg("serve").args(db.args());
    serve_with(command)
}

/// Runs a `serve` command (on a free port) until it says it is ready.
fn serve_with(mut command: Command) -> Server {
    let bind = format!("127.0.0.1:{}", free_port());
    let mut child = command
        .args(["--bind", &bind])
        .env("MINGA_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start minga serve");
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            panic!("minga serve exited early: {lines:?}");
        }
        let done = line.starts_with("Press Ctrl-C");
        lines.push(line.trim_end().to_string());
        if done {
            break;
        }
    }
    Server { child, url: format!("http://{bind}"), lines }
}

fn client() -> reqwest::Client {
    minga_testing::install_tls_provider();
    reqwest::Client::builder().cookie_store(true).timeout(Duration::from_secs(20)).build().unwrap()
}

async fn api(c: &reqwest::Client, method: reqwest::Method, url: &str, key: &str, user: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = c.request(method, url).header("Api-Key", key).header("Api-Username", user);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    assert_eq!(r.headers()["content-type"], "application/json; charset=utf-8");
    (status, r.json().await.expect("json"))
}

async fn cli_keys_and_http_api(db: Db) {
    minga(&["admin", "create-user", "--username", "chris", "--email", "chris@example.org", "--password", "a long password", "--admin"], &db);
    let out = minga(&["admin", "create-api-key", "--username", "chris"], &db);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "only the key is printed: {stdout:?}");
    let key = stdout.trim().to_string();
    assert!(key.len() >= 40);

    let bad = bin().args(["admin", "create-api-key", "--username", "nobody"]).args(db.args()).output().unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no user named nobody"));

    let server = serve(&db);
    assert!(server.lines[0].starts_with(&format!("minga is running at {}", server.url)), "{:?}", server.lines);
    assert!(server.lines.iter().any(|l| l.contains("/login")), "an admin exists: {:?}", server.lines);
    let c = client();
    let u = &server.url;
    let (s, cat) = api(&c, reqwest::Method::POST, &format!("{u}/categories.json"), &key, "chris", Some(json!({"name": "Gatherings"}))).await;
    assert_eq!(s, 200, "{cat}");
    let cat = cat["category"]["id"].as_i64().unwrap();
    let (s, post) = api(&c, reqwest::Method::POST, &format!("{u}/posts.json"), &key, "chris", Some(json!({"title": "CoTech gathering video call", "raw": "7pm on the 29th?", "category": cat}))).await;
    assert_eq!(s, 200, "{post}");
    let topic = post["topic_id"].as_i64().unwrap();

    // Fifty replies at once over real connections.
    let mut tasks = Vec::new();
    for i in 0..50 {
        let (c, key, url) = (c.clone(), key.clone(), format!("{u}/posts.json"));
        tasks.push(tokio::spawn(async move {
            let (s, v) = api(&c, reqwest::Method::POST, &url, &key, "chris", Some(json!({"topic_id": topic, "raw": format!("hello {i}")}))).await;
            assert_eq!(s, 200, "{v}");
            v["post_number"].as_i64().unwrap()
        }));
    }
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap());
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (2..=51).collect::<Vec<_>>());

    let (s, t) = api(&c, reqwest::Method::GET, &format!("{u}/t/{topic}.json"), &key, "chris", None).await;
    assert_eq!(s, 200);
    assert_eq!(t["post_stream"]["stream"].as_array().unwrap().len(), 51);
    assert_eq!(t["post_stream"]["posts"].as_array().unwrap().len(), 20);
    let (s, e) = api(&c, reqwest::Method::POST, &format!("{u}/posts.json"), &key, "chris", Some(json!({"topic_id": topic, "raw": ""}))).await;
    assert_eq!((s, e["error_type"].as_str()), (422, Some("invalid_parameters")));
    let latest: Value = c.get(format!("{u}/latest")).header("Accept", "application/json").send().await.unwrap().json().await.unwrap();
    assert_eq!(latest["topic_list"]["topics"][0]["id"], topic);

    // The operator makes accounts even where sign-ups are closed.
    let (s, v) = api(&c, reqwest::Method::PUT, &format!("{u}/admin/site_settings/invite_only"), &key, "chris", Some(json!({"invite_only": true}))).await;
    assert_eq!(s, 200, "{v}");
    minga(&["admin", "create-user", "--username", "polly", "--email", "polly@example.org", "--password", "a long password"], &db);
    let (s, polly) = api(&c, reqwest::Method::GET, &format!("{u}/u/polly.json"), &key, "chris", None).await;
    assert_eq!(s, 200, "{polly}");

    // Cooking every post again finds nothing to change.
    let out = minga(&["admin", "rebake"], &db);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("Cooked 51 posts again; 0 changed."), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cli_keys_and_http_api_on_sqlite() {
    cli_keys_and_http_api(Db::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cli_keys_and_http_api_on_postgres() {
    cli_keys_and_http_api(Db::postgres()).await;
}

#[tokio::test]
async fn a_fresh_forum_explains_how_to_become_admin() {
    let db = Db::sqlite();
    let server = serve(&db);
    let setup = server.lines.iter().find_map(|l| l.split_whitespace().find(|w| w.contains("/setup/"))).expect("a setup link");
    // The command it offers works when pasted into a shell, on this forum's data.
    let offered = server.lines.iter().find_map(|l| l.split_once("(or run: ")).map(|(_, c)| c.trim_end_matches(')').to_string()).expect("a command");
    assert!(offered.starts_with(&format!("{BIN} admin create-user")) && offered.contains(&db.args().join(" ")), "{offered}");
    let c = client();
    let page = c.get(setup).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Create the first admin account"));
    let wrong = c.get(format!("{}/setup/guess", server.url)).send().await.unwrap();
    assert_eq!(wrong.status(), 404);
    let typed = offered.replace("NAME", "pasted").replace("EMAIL", "pasted@example.org").replace("PASSWORD", "'a long password'");
    let out = Command::new("sh").args(["-c", &typed]).env_remove("CARGO").env("MINGA_LOG", "warn").output().unwrap();
    assert!(out.status.success(), "{typed}: {}", String::from_utf8_lossy(&out.stderr));
    drop(server);
    assert!(serve(&db).lines.iter().any(|l| l.contains("/login")), "the pasted command made an admin");
}

/// Under `cargo run` there is no `minga` on the PATH: commands say cargo.
#[test]
fn printed_commands_follow_how_minga_was_started() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo data");
    let out = Command::new(BIN).arg("demo").arg("--data").arg(&data).env("CARGO", "cargo").env("MINGA_LOG", "warn").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    let profile = if BIN.contains("/release/") { "cargo run --release --" } else { "cargo run --" };
    assert!(said.contains(&format!("`{profile} serve --data '{}'`", data.display())), "{said}");
}

/// Failures are one clear line and exit 1, with no backtrace even when
/// `RUST_BACKTRACE` asks for one; logs carry no colour codes off a terminal.
#[test]
fn command_line_errors_are_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let first = bin().args(["demo", "--data", &data]).env("MINGA_LOG", "info").output().unwrap();
    assert!(first.status.success());
    let logs = String::from_utf8_lossy(&first.stderr);
    assert!(logs.contains("applied migration"), "{logs}");
    assert!(!logs.contains('\u{1b}'), "no colour codes in a pipe: {logs:?}");
    let again = bin().args(["demo", "--data", &data]).env("MINGA_LOG", "warn").env("RUST_BACKTRACE", "1").output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    let err = String::from_utf8_lossy(&again.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.starts_with("minga: ") && err.contains("already holds a forum") && err.contains(&format!("{BIN} demo --data demo-data")), "{err}");
    assert!(!err.to_lowercase().contains("backtrace"), "{err}");
    let bad = bin().args(["admin", "create-api-key", "--username", "nobody", "--data", &data]).env("RUST_BACKTRACE", "1").output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&bad.stderr).trim_end(), "minga: no user named nobody");
}

#[tokio::test]
async fn config_file_and_environment_are_layered() {
    let db = Db::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("minga.toml");
    std::fs::write(&file, "title = \"Co-op Forum\"\ndescription = \"From the file\"\n").unwrap();
    let bind = format!("127.0.0.1:{}", free_port());
    let mut child = bin()
        .args(["serve", "--bind", &bind, "--config", file.to_str().unwrap()])
        .args(db.args())
        .env("MINGA_DESCRIPTION", "From the environment")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let c = client();
    let mut info = None;
    for _ in 0..100 {
        if let Ok(r) = c.get(format!("http://{bind}/site/basic-info.json")).send().await {
            info = Some(r.json::<Value>().await.unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    let info = info.expect("server answered");
    assert_eq!(info["title"], "Co-op Forum");
    assert_eq!(info["description"], "From the environment");

    std::fs::write(&file, "titel = \"typo\"\n").unwrap();
    let out = bin().args(["serve", "--config", file.to_str().unwrap()]).args(db.args()).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("titel"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A logged-in client, through `POST /session` as Discourse's client does.
async fn logged_in(url: &str, login: &str, password: &str) -> reqwest::Client {
    let c = client();
    let csrf: Value = c.get(format!("{url}/session/csrf.json")).send().await.unwrap().json().await.unwrap();
    let r = c.post(format!("{url}/session")).header("X-CSRF-Token", csrf["csrf"].as_str().unwrap()).json(&json!({"login": login, "password": password})).send().await.unwrap();
    assert_eq!(r.status(), 200, "log in as {login}");
    c
}

async fn get_json(c: &reqwest::Client, url: &str) -> Value {
    let r = c.get(url).header("Accept", "application/json").send().await.unwrap();
    assert_eq!(r.status(), 200, "GET {url}");
    r.json().await.unwrap()
}

fn ms(iso: &Value) -> i64 {
    iso.as_str().unwrap().parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

/// What `minga demo` printed: the shared password and how to serve it.
struct DemoOutput {
    password: String,
    serve: String,
}

fn run_demo(db: &Db) -> DemoOutput {
    let out = minga(&["demo"], db);
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    let password = said.split("share the password: ").nth(1).expect("a password").lines().next().unwrap().trim().to_string();
    let serve = said.split("Serve it with `").nth(1).expect("how to serve it").split('`').next().unwrap().to_string();
    assert!(said.contains("visible only to members of telar"), "{said}");
    DemoOutput { password, serve }
}

#[tokio::test]
async fn demo_fills_a_fresh_forum_once() {
    let db = Db::sqlite();
    let demo = run_demo(&db);
    assert_eq!(demo.serve, format!("{BIN} serve {}", db.args().join(" ")), "it says how to serve this folder");
    let again = bin().arg("demo").args(db.args()).output().unwrap();
    assert!(!again.status.success(), "a second demo would duplicate everything");
    // Served with the very command it printed.
    let words: Vec<&str> = demo.serve.split_whitespace().collect();
    let mut command = Command::new(words[0]);
    command.args(&words[1..]).env_remove("CARGO");
    let server = serve_with(command);
    let u = server.url.clone();
    let c = client();
    let latest = get_json(&c, &format!("{u}/latest.json")).await;
    let topics = latest["topic_list"]["topics"].as_array().unwrap().clone();
    assert!(topics.len() >= 5, "{latest}");
    assert!(topics.iter().all(|t| t["views"].as_i64().unwrap() > 10), "topics have been read: {latest}");
    let busiest = topics.iter().map(|t| t["posts_count"].as_i64().unwrap()).max().unwrap();
    assert!(busiest >= 10, "a lively thread");
    let now = jiff::Timestamp::now().as_millisecond();

    // The call thread's dates agree with its posts: it plans a gathering
    // on a Thursday before today, the call happens, then the thanks.
    let call = topics.iter().find(|t| t["title"].as_str().unwrap().contains("video call")).expect("the call thread");
    let thread = get_json(&c, &format!("{u}/t/{}.json", call["id"])).await;
    let posts = thread["post_stream"]["posts"].as_array().unwrap();
    let fixed = posts.iter().find_map(|p| p["cooked"].as_str().unwrap().split("data-date=\"").nth(1)).expect("the call's date, for every reader");
    let day: jiff::civil::Date = fixed[..10].parse().unwrap();
    assert_eq!(day.weekday(), jiff::civil::Weekday::Thursday);
    let month = day.strftime("%B").to_string();
    let title = thread["title"].as_str().unwrap();
    assert!(title.contains(&format!("{}–", day.day())) || title.contains(&format!("{} {month} –", day.day())), "{title} names {day}");
    assert!(posts[0]["cooked"].as_str().unwrap().contains(&format!("Thursday {} {month}", day.day())), "{}", posts[0]["cooked"]);
    let call_at = day.to_datetime(jiff::civil::Time::constant(19, 0, 0, 0)).to_zoned_datetime(jiff::tz::TimeZone::get("Europe/London").unwrap()).unwrap().timestamp().as_millisecond();
    let times: Vec<i64> = posts.iter().map(|p| ms(&p["created_at"])).collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]) && *times.last().unwrap() < now, "posts in order, in the past");
    assert!(times[0] < call_at - 7 * 86_400_000 && *times.last().unwrap() > call_at, "planned well before, thanked after");
    // People joined before they posted, and have earned some trust.
    let mut levels = Vec::new();
    for p in posts {
        let user = get_json(&c, &format!("{u}/u/{}.json", p["username"].as_str().unwrap())).await["user"].clone();
        assert!(ms(&user["created_at"]) < ms(&p["created_at"]) - 30 * 86_400_000, "{} joined long before posting", user["username"]);
        levels.push(user["trust_level"].as_i64().unwrap());
    }
    assert!(levels.iter().all(|l| *l >= 1) && levels.iter().any(|l| *l >= 2), "{levels:?}");

    // The co-ops are groups with members, one person in two of them.
    let groups = get_json(&c, &format!("{u}/groups.json")).await;
    let names: Vec<&str> = groups["groups"].as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap()).collect();
    for g in ["hedgerow", "telar", "yerba", "riverbend"] {
        assert!(names.contains(&g), "{names:?}");
    }
    let members = |g: &'static str| {
        let (c, u) = (c.clone(), u.clone());
        async move {
            let m = get_json(&c, &format!("{u}/groups/{g}/members.json")).await;
            // Owners are members too, and are listed once more on their own.
            let mut all: Vec<String> = m["members"].as_array().unwrap().iter().chain(m["owners"].as_array().unwrap()).map(|x| x["username"].as_str().unwrap().to_string()).collect();
            all.sort();
            all.dedup();
            all
        }
    };
    assert_eq!(members("telar").await, ["gonzalo.r", "lucia_m", "pilar_v"]);
    assert!(members("yerba").await.contains(&"gonzalo.r".to_string()));
    let profile = c.get(format!("{u}/u/gonzalo.r")).send().await.unwrap().text().await.unwrap();
    assert!(profile.contains("Member of") && profile.contains(r#"href="/g/yerba""#) && profile.contains(r#"href="/g/telar""#), "{profile}");

    // One category is for Telar's members only.
    let slugs = |v: Value| v["category_list"]["categories"].as_array().unwrap().iter().map(|c| c["slug"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert!(!slugs(get_json(&c, &format!("{u}/categories.json")).await).contains(&"telar".to_string()));
    let lucia = logged_in(&u, "lucia_m", &demo.password).await;
    assert!(slugs(get_json(&lucia, &format!("{u}/categories.json")).await).contains(&"telar".to_string()));
    let theirs = get_json(&lucia, &format!("{u}/latest.json")).await["topic_list"]["topics"].as_array().unwrap().len();
    assert_eq!(theirs, topics.len() + 1, "members see one topic more");
    let marcus = logged_in(&u, "marcus_b", &demo.password).await;
    assert!(!slugs(get_json(&marcus, &format!("{u}/categories.json")).await).contains(&"telar".to_string()));
}

/// A fresh forum on SQLite, served: its admin (`admin`) with an API key,
/// the members named (password "a long password"), and one category.
/// Returns the database (kept for the server's life), the server, the key
/// and the category's id.
async fn forum_with_a_category(members: &[&str]) -> (Db, Server, String, i64) {
    forum_with(members, &[]).await
}

/// As `forum_with_a_category`, the server started with settings from the
/// environment (a mail relay).
async fn forum_with(members: &[&str], env: &[(&str, &str)]) -> (Db, Server, String, i64) {
    let db = Db::sqlite();
    minga(&["admin", "create-user", "--username", "admin", "--email", "admin@example.org", "--password", "a long password", "--admin"], &db);
    for name in members {
        minga(&["admin", "create-user", "--username", name, "--email", &format!("{name}@example.org"), "--password", "a long password"], &db);
    }
    let key = String::from_utf8(minga(&["admin", "create-api-key", "--username", "admin"], &db).stdout).unwrap().trim().to_string();
    let mut command = bin();
    command.arg("serve").args(db.args()).envs(env.iter().copied());
    let server = serve_with(command);
    let (s, made) = api(&client(), reqwest::Method::POST, &format!("{}/categories.json", server.url), &key, "admin", Some(json!({"name": "Inter-cooperation"}))).await;
    assert_eq!(s, 200, "{made}");
    (db, server, key, made["category"]["id"].as_i64().unwrap())
}

/// Sign up (confirming the address with the link in the mail that
/// arrives) → new topic → a second person replies → the first reads it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_up_posts_and_reads_a_reply_in_chromium() {
    let relay = minga_testing::smtp::Receiver::start();
    let smtp = format!("{}?tls=none", relay.url());
    let (_db, server, _, _) = forum_with(&[], &[("MINGA_SMTP_URL", smtp.as_str())]).await;
    let u = server.url.clone();

    let browser = minga_testing::browser::Browser::start().await;
    let mails = std::sync::atomic::AtomicUsize::new(0);
    let sign_up = |name: &'static str| {
        let (b, u, relay, mails) = (&browser, u.clone(), &relay, &mails);
        async move {
            b.goto(&format!("{u}/signup")).await;
            b.fill("#email", &format!("{name}@example.org")).await;
            b.fill("#username", name).await;
            b.fill("#password", "a long password").await;
            b.click("form.stack button[type=submit]").await;
            b.wait_for("section.panel p").await;
            assert!(b.text("section.panel").await.contains(&format!("{name}@example.org")), "the page says where the mail went");
            // The mail arrives; its link leads to a button that activates
            // the account and logs its owner in.
            let n = mails.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            let got = relay.wait_for(n, std::time::Duration::from_secs(15));
            assert_eq!(got[n - 1].rcpt_tos, [format!("{name}@example.org")]);
            let mail = mail_parser::MessageParser::default().parse(&got[n - 1].raw).unwrap();
            let text = mail.body_text(0).unwrap().to_string();
            let start = text.find("/u/activate-account/").expect("a link in the mail");
            let path = text[start..].split_whitespace().next().unwrap().to_string();
            b.goto(&format!("{u}{path}")).await;
            b.click("form.stack button[type=submit]").await;
            b.wait_for(&format!("a[href='/u/{name}']")).await;
        }
    };
    sign_up("neto").await;
    b_new_topic(&browser, &u).await;
    let topic_url = browser.current_url().await;
    assert!(topic_url.contains("/t/international-call-during-the-gathering/"), "{topic_url}");
    log_out(&browser).await;

    sign_up("solverniers").await;
    browser.goto(&topic_url).await;
    browser.fill("#reply-raw", "7pm on the 29th works, so that is 4pm for us.").await;
    browser.click("#reply button[type=submit]").await;
    browser.wait_for("#post_2").await;
    browser.goto(&format!("{u}/latest")).await;
    log_out(&browser).await;

    // Neto logs back in and reads the reply.
    browser.goto(&format!("{u}/login")).await;
    browser.fill("#login", "neto").await;
    browser.fill("#password", "a long password").await;
    browser.click("form.stack button[type=submit]").await;
    browser.wait_for("a[href='/u/neto']").await;
    browser.goto(&topic_url).await;
    assert!(browser.text("#post_1 .cooked").await.contains("Shall we say hi on a video call?"));
    assert!(browser.text("#post_2 .author").await.contains("solverniers"));
    assert!(browser.text("#post_2 .cooked").await.contains("so that is 4pm for us"));
    let png = browser.screenshot_png().await;
    assert!(png.starts_with(b"\x89PNG"));
    browser.quit().await;

    let id = topic_url.trim_end_matches('/').rsplit('/').next().unwrap();
    let t: Value = client().get(format!("{u}/t/{id}.json")).send().await.unwrap().json().await.unwrap();
    let posts = t["post_stream"]["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[1]["username"], "solverniers");
}

/// Logs out from the header's menu.
async fn log_out(browser: &minga_testing::browser::Browser) {
    browser.click("details.menu > summary").await;
    browser.click("form[action='/logout'] button").await;
    browser.wait_for("a[href='/login']").await;
}

async fn b_new_topic(browser: &minga_testing::browser::Browser, u: &str) {
    browser.goto(&format!("{u}/new-topic")).await;
    browser.fill("#title", "International call during the gathering").await;
    browser.fill("#raw", "Shall we say hi on a video call?\n\n- introductions\n- shared projects").await;
    browser.click("form.stack button[type=submit]").await;
    browser.wait_for("#post_1").await;
}

/// The first hour of a new admin, in a real browser: the set-up link, a
/// first category, then the demo forum as a member and as the admin,
/// on a desktop and on a phone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_hour_in_chromium() {
    use minga_testing::browser::Browser;
    // Set-up: the link `serve` prints makes the first admin.
    let fresh = Db::sqlite();
    let server = serve(&fresh);
    let setup = server.lines.iter().find_map(|l| l.split_whitespace().find(|w| w.contains("/setup/"))).expect("a setup link").to_string();
    let browser = Browser::start().await;
    browser.goto(&setup).await;
    assert!(!browser.source().await.contains("Have an account?"), "no account exists yet");
    browser.fill("#email", "chris@example.org").await;
    browser.fill("#username", "chris").await;
    browser.fill("#password", "a long password").await;
    browser.click("form.stack button[type=submit]").await;
    browser.wait_for("#name").await;
    assert!(browser.current_url().await.ends_with("/admin/categories?welcome=1"));
    assert!(browser.text(".notice").await.starts_with("Your admin account is ready."));
    browser.fill("#name", "Inter-cooperation").await;
    browser.fill("#description", "Working **together** across co-ops.").await;
    browser.click("form.stack button[type=submit]").await;
    // Saved: the page now edits the category.
    browser.wait_for("form[action^='/admin/categories/']").await;
    assert_eq!(browser.text(".notice").await, "Saved.");
    browser.goto(&format!("{}/categories", server.url)).await;
    assert!(browser.source().await.contains("<strong>together</strong>"), "descriptions are cooked");
    browser.quit().await;
    drop(server);

    // The demo, as Lucía (a member of Telar, which she owns).
    let db = Db::sqlite();
    let demo = run_demo(&db);
    let server = serve(&db);
    let u = server.url.clone();
    let browser = Browser::start().await;
    browser.goto(&format!("{u}/login")).await;
    browser.fill("#login", "lucia_m").await;
    browser.fill("#password", &demo.password).await;
    browser.click("form.stack button[type=submit]").await;
    browser.wait_for("a[href='/u/lucia_m/preferences']").await;
    browser.goto(&format!("{u}/latest")).await;
    assert!(browser.source().await.contains("Horas para el hosting compartido"), "Telar's members see its private topic");
    let hover = browser.eval("return document.querySelector('td.num time').title").await;
    assert!(hover.as_str().unwrap().contains("(America/Argentina/Buenos_Aires)"), "times in her zone: {hover}");
    browser.click("a.topic-title[href*='video-call']").await;
    browser.wait_for("#post_13").await;
    // A post's own link lands on the post.
    browser.click("#post_9 a.post-date").await;
    browser.wait_for("#post_9").await;
    assert!(browser.current_url().await.ends_with("#post_9"), "{}", browser.current_url().await);
    assert_eq!(browser.eval("return document.querySelector(':target') && document.querySelector(':target').id").await, "post_9");
    // Flagging lands on the post and says so.
    browser.click("#post_5 details.flag > summary").await;
    browser.click("#post_5 details.flag button[type=submit]").await;
    browser.wait_for(".notice").await;
    assert!(browser.text(".notice").await.contains("you flagged post #5"));
    assert_eq!(browser.eval("return document.querySelector(':target').id").await, "post_5");
    // Preferences from the header's menu: another time zone.
    browser.click("details.menu > summary").await;
    let doubled = browser.eval("return getComputedStyle(document.querySelector('details.menu a.phone-only')).display").await;
    assert_eq!(doubled, "none", "on a desktop the menu does not repeat the header's links");
    browser.click("details.menu a[href='/u/lucia_m/preferences']").await;
    browser.fill("#timezone", "Asia/Tokyo").await;
    browser.click("form[action='/u/lucia_m/preferences'] button[type=submit]").await;
    browser.wait_for(".notice").await;
    assert_eq!(browser.text(".notice").await, "Your profile is saved.");
    browser.goto(&format!("{u}/latest")).await;
    assert!(browser.eval("return document.querySelector('td.num time').title").await.as_str().unwrap().contains("(Asia/Tokyo)"));
    // An owner adds a member from the group's page, and stays on pages.
    browser.goto(&format!("{u}/g/telar")).await;
    browser.fill("#usernames", "june.park").await;
    browser.click("form[action$='/members'] button[type=submit]").await;
    browser.wait_for("a[href='/u/june.park']").await;
    assert!(browser.current_url().await.ends_with("/g/telar"));
    browser.click(".site-footer a[href='/about']").await;
    browser.wait_for("main h1").await;
    assert!(browser.text("main h1").await.starts_with("About"));

    // On a phone the header is one row, the rest in its menu.
    browser.set_window_size(390, 844).await;
    browser.goto(&format!("{u}/latest")).await;
    let height = browser.eval("return document.querySelector('.site-header').getBoundingClientRect().height").await.as_f64().unwrap();
    assert!(height < 72.0, "one row: {height}px");
    assert_eq!(browser.eval("return getComputedStyle(document.querySelector('.main-nav')).display").await, "none");
    let overflow = "return document.documentElement.scrollWidth > document.documentElement.clientWidth";
    assert_eq!(browser.eval(overflow).await, false, "nothing wider than the phone");
    browser.click("a.topic-title[href*='video-call']").await;
    browser.wait_for("#post_13").await;
    assert_eq!(browser.eval(overflow).await, false, "a thread with a local date fits a phone too");
    browser.click("details.menu > summary").await;
    browser.click("details.menu a.phone-only[href='/categories']").await;
    browser.wait_for(".category-list").await;
    browser.set_window_size(1280, 900).await;
    log_out(&browser).await;

    // The admin reads the review queue in plain words and acts on it.
    browser.goto(&format!("{u}/login")).await;
    browser.fill("#login", "tamsin").await;
    browser.fill("#password", &demo.password).await;
    browser.click("form.stack button[type=submit]").await;
    browser.wait_for("a[href='/u/tamsin/preferences']").await;
    browser.goto(&format!("{u}/review")).await;
    let queue = browser.source().await;
    assert!(queue.contains("A post flagged for staff") && !queue.contains("Reviewable"), "{queue}");
    browser.click("form[action$='/perform/agree_and_hide'] button").await;
    browser.wait_for(".empty").await;
    assert_eq!(browser.text(".empty").await, "Nothing waits for review.");
    browser.goto(&format!("{u}/admin/site_settings")).await;
    browser.click("#login_required").await;
    browser.click("form.settings button[type=submit]").await;
    browser.wait_for(".notice").await;
    assert!(browser.eval("return document.querySelector('#login_required').checked").await == true);
    browser.quit().await;
    let anon = client().get(format!("{u}/latest")).send().await.unwrap();
    assert!(anon.url().path().starts_with("/login"), "the site now asks visitors to log in");
}

/// Where the test command put axe-core (`scripts/test` installs it from
/// the npm registry).
fn axe_source() -> String {
    let path = std::env::var("MINGA_AXE").unwrap_or_else(|_| "/var/tmp/minga-npm/node_modules/axe-core/axe.min.js".into());
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("axe-core is not at {path} ({e}): run ./scripts/test, which installs it"))
}

/// One axe finding: the rule, how bad, and where.
#[derive(Debug)]
struct Violation {
    rule: String,
    impact: String,
    page: String,
    targets: Vec<String>,
}

/// Runs axe-core (WCAG 2.0–2.2 A and AA rules) on the page shown.
async fn axe(browser: &minga_testing::browser::Browser, source: &str, page: &str) -> Vec<Violation> {
    let loaded = browser.eval(&format!("{source}\nreturn typeof axe;")).await;
    assert_eq!(loaded, "object", "axe-core loads into {page}");
    let run = "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })\
               .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, targets: v.nodes.map(n => n.target.join(' ')) }))))\
               .catch(e => done({ error: String(e) }));";
    let found = browser.eval_async(run).await;
    assert!(found.get("error").is_none(), "axe on {page}: {found}");
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|v| Violation {
            rule: v["id"].as_str().unwrap_or_default().into(),
            impact: v["impact"].as_str().unwrap_or_default().into(),
            page: page.into(),
            targets: v["targets"].as_array().into_iter().flatten().filter_map(|t| t.as_str().map(String::from)).collect(),
        })
        .collect()
}

/// Every main page of the demo forum, for a visitor and for its admin, in
/// English and Spanish, light and dark, on a desktop and at 360 px: no
/// axe-core violation, and no sideways scrolling on the phone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_pass_axe_in_both_languages_themes_and_widths() {
    use minga_testing::browser::Browser;
    let source = axe_source();
    let db = Db::sqlite();
    let demo = run_demo(&db);
    let server = serve(&db);
    let u = server.url.clone();
    let c = client();
    let latest = get_json(&c, &format!("{u}/latest.json")).await;
    let topics = latest["topic_list"]["topics"].as_array().unwrap().clone();
    let busiest = topics.iter().max_by_key(|t| t["posts_count"].as_i64().unwrap()).unwrap();
    let thread = format!("/t/{}/{}", busiest["slug"].as_str().unwrap(), busiest["id"]);
    let categories = get_json(&c, &format!("{u}/categories.json")).await;
    let first = &categories["category_list"]["categories"][0];
    let category = format!("/c/{}/{}", first["slug"].as_str().unwrap(), first["id"]);
    let visitor_pages = ["/latest".to_string(), "/categories".into(), category, thread, "/login".into(), "/signup".into(), "/password-reset".into(), "/u/lucia".into(), "/g".into(), "/g/hedgerow".into()];
    let admin_pages = ["/new-topic", "/u/tamsin/preferences", "/u/tamsin/notifications", "/admin/users", "/admin/categories", "/admin/site_settings", "/admin/email", "/admin/logs/staff_action_logs", "/review"];

    let browser = Browser::start().await;
    let mut violations = Vec::new();
    let mut overflows = Vec::new();
    let mut runs = 0;
    for signed_in in [false, true] {
        if signed_in {
            browser.goto(&format!("{u}/login")).await;
            browser.fill("#login", "tamsin").await;
            browser.fill("#password", &demo.password).await;
            browser.click("form.stack button[type=submit]").await;
            browser.wait_for("a[href='/u/tamsin']").await;
        }
        let pages: Vec<String> = if signed_in { admin_pages.iter().map(|p| p.to_string()).collect() } else { visitor_pages.to_vec() };
        for locale in ["en", "es"] {
            // The admin reads in the language of the switch too: no setting of her own.
            browser.goto(&format!("{u}/locale/{locale}")).await;
            for dark in [false, true] {
                browser.prefer_dark(dark).await;
                for (width, height) in [(1280, 900), (360, 780)] {
                    browser.set_window_size(width, height).await;
                    for page in &pages {
                        browser.goto(&format!("{u}{page}")).await;
                        let lang = browser.eval("return document.documentElement.lang;").await;
                        assert_eq!(lang, locale, "{page}");
                        let label = format!("{page} [{locale}, {}, {width}px]", if dark { "dark" } else { "light" });
                        if runs == 0 {
                            // The check can fail: an image without a text alternative is found.
                            browser.eval("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/nowhere.png\">'); return null;").await;
                            let planted = axe(&browser, &source, &label).await;
                            assert!(planted.iter().any(|v| v.rule == "image-alt"), "axe finds a planted fault: {planted:?}");
                            browser.goto(&format!("{u}{page}")).await;
                        }
                        violations.extend(axe(&browser, &source, &label).await);
                        runs += 1;
                        if width == 360 {
                            let wide = browser.eval("return document.documentElement.scrollWidth;").await.as_i64().unwrap();
                            let view = browser.eval("return document.documentElement.clientWidth;").await.as_i64().unwrap();
                            if wide > view {
                                overflows.push(format!("{label}: {wide} px wide in {view} px"));
                            }
                        }
                    }
                }
            }
        }
    }
    browser.quit().await;
    let mut by_rule: std::collections::BTreeMap<&str, Vec<&Violation>> = Default::default();
    for v in &violations {
        by_rule.entry(v.rule.as_str()).or_default().push(v);
    }
    eprintln!("axe-core: {runs} page runs, {} violations", violations.len());
    for (rule, found) in &by_rule {
        eprintln!("  {rule} ({}): {} pages, e.g. {} at {:?}", found[0].impact, found.len(), found[0].page, found[0].targets.iter().take(3).collect::<Vec<_>>());
    }
    eprintln!("sideways scrolling at 360 px: {}", overflows.len());
    for o in &overflows {
        eprintln!("  {o}");
    }
    assert!(violations.is_empty(), "{} axe-core violations over {runs} page runs (listed above)", violations.len());
    assert!(overflows.is_empty(), "pages scroll sideways on a phone: {overflows:#?}");
}

/// Sign-up, a new topic and a reply with the keyboard alone: Tab to each
/// control (the focus always visible), type, press Enter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_post_and_reply_with_the_keyboard_alone() {
    use minga_testing::browser::Browser;
    let (_db, server, key, _) = forum_with_a_category(&[]).await;
    let u = server.url.clone();
    // This walk is about the keyboard: accounts are active at once.
    let (s, r) = api(&client(), reqwest::Method::PUT, &format!("{u}/admin/site_settings/must_confirm_email"), &key, "admin", Some(json!({"must_confirm_email": "false"}))).await;
    assert_eq!(s, 200, "{r}");
    let b = Browser::start().await;
    b.goto(&format!("{u}/latest")).await;
    // The skip link comes first.
    b.tab_to("a.skip-link").await;
    b.tab_to("a[href='/signup']").await;
    b.keys(Browser::ENTER).await;
    b.wait_for("#email").await;
    b.tab_to("#email").await;
    b.keys("keys@example.org").await;
    b.tab_to("#username").await;
    b.keys("keyboard").await;
    b.tab_to("#password").await;
    b.keys("a long password").await;
    b.keys(Browser::ENTER).await;
    b.wait_for("a[href='/u/keyboard']").await;
    b.tab_to("a[href='/new-topic']").await;
    b.keys(Browser::ENTER).await;
    b.wait_for("#title").await;
    b.tab_to("#title").await;
    b.keys("Typed without a mouse, start to end").await;
    b.tab_to("#raw").await;
    b.keys("Every control is reached with Tab.").await;
    b.tab_to("form.stack button[type=submit]").await;
    b.keys(Browser::ENTER).await;
    b.wait_for("#post_1").await;
    b.tab_to("#reply-raw").await;
    b.keys("And a reply, the same way.").await;
    b.tab_to("#reply button[type=submit]").await;
    b.keys(Browser::ENTER).await;
    b.wait_for("#post_2").await;
    assert!(b.text("#post_2").await.contains("And a reply, the same way."));
    b.quit().await;
}

/// What the stylesheet does for the person, in Chromium: motion only for
/// those who have not asked for less, the colours a person chose over
/// their device's, touch targets of 44 px on a phone, and the flag menu
/// by keyboard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn motion_colours_touch_targets_and_the_flag_menu_in_chromium() {
    use minga_testing::browser::Browser;
    let (_db, server, key, category) = forum_with_a_category(&["reader"]).await;
    let u = server.url.clone();
    let body = json!({"title": "Agenda for the call on the 29th", "raw": "Who can join at 19:00 London time?", "category": category});
    let (s, post) = api(&client(), reqwest::Method::POST, &format!("{u}/posts.json"), &key, "admin", Some(body)).await;
    assert_eq!(s, 200, "{post}");
    let topic = format!("/t/{}/{}", post["topic_slug"].as_str().unwrap(), post["topic_id"]);

    let b = Browser::start().await;
    b.goto(&format!("{u}/latest")).await;
    // Smooth scrolling only for those who have not asked for less motion.
    let scrolling = "return getComputedStyle(document.documentElement).scrollBehavior;";
    b.emulate_media(&[("prefers-reduced-motion", "no-preference")]).await;
    assert_eq!(b.eval(scrolling).await, "smooth");
    b.emulate_media(&[("prefers-reduced-motion", "reduce")]).await;
    assert_eq!(b.eval(scrolling).await, "auto");

    // The reader's chosen colours win over the device's.
    b.goto(&format!("{u}/login")).await;
    b.fill("#login", "reader").await;
    b.fill("#password", "a long password").await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for("a[href='/u/reader']").await;
    let background = "return getComputedStyle(document.body).backgroundColor;";
    for (device_dark, chosen, expected) in [(false, "", "rgb(251, 250, 247)"), (true, "", "rgb(23, 25, 27)"), (false, "dark", "rgb(23, 25, 27)"), (true, "light", "rgb(251, 250, 247)")] {
        b.goto(&format!("{u}/u/reader/preferences")).await;
        b.eval(&format!("document.getElementById('theme').value = '{chosen}'; document.getElementById('theme').form.requestSubmit(); return null;")).await;
        b.wait_for(".notice").await;
        b.prefer_dark(device_dark).await;
        b.goto(&format!("{u}/latest")).await;
        assert_eq!(b.eval(background).await, expected, "device dark: {device_dark}, chosen: {chosen:?}");
    }
    b.prefer_dark(false).await;

    // On a phone every control is at least 44 px each way: a member's
    // pages, then a visitor's and an admin's in a second browser.
    b.set_window_size(360, 780).await;
    let mut small = small_targets(&b, &u, &["/latest", "/categories", topic.as_str(), "/new-topic", "/u/reader/preferences", "/u/reader", "/u/reader/notifications"]).await;
    let staff = Browser::start().await;
    staff.set_window_size(360, 780).await;
    small.extend(small_targets(&staff, &u, &["/latest", topic.as_str(), "/login", "/password-reset"]).await);
    staff.goto(&format!("{u}/login")).await;
    staff.fill("#login", "admin").await;
    staff.fill("#password", "a long password").await;
    staff.click("form.stack button[type=submit]").await;
    staff.wait_for("a[href='/u/admin']").await;
    small.extend(small_targets(&staff, &u, &["/admin/users", "/admin/site_settings", "/admin/categories", "/admin/email", "/review", "/admin/logs/staff_action_logs"]).await);
    staff.quit().await;
    small.dedup();
    assert!(small.is_empty(), "touch targets under 44 px:\n{}", small.join("\n"));

    // The flag menu opens, is filled and is sent with the keyboard alone.
    b.set_window_size(1280, 900).await;
    b.goto(&format!("{u}{topic}")).await;
    b.tab_to("details.flag summary").await;
    b.keys(Browser::ENTER).await;
    b.tab_to("details.flag select").await;
    b.keys(Browser::ARROW_DOWN).await;
    b.tab_to("details.flag input[name=message]").await;
    b.keys("The time should say which zone").await;
    b.tab_to("details.flag button[type=submit]").await;
    b.keys(Browser::ENTER).await;
    b.wait_for(".notice").await;
    assert!(b.text(".notice").await.contains("#1"), "the flag was taken");
    b.quit().await;
}

/// The controls under 44 px each way on `pages` (checkboxes measured by
/// their label; links inside running text are exempt, as WCAG allows),
/// with menus closed and open.
async fn small_targets(b: &minga_testing::browser::Browser, u: &str, pages: &[&str]) -> Vec<String> {
    let measure = r#"
        const small = [];
        const seen = el => el.offsetParent !== null && !el.closest('.hp, .visually-hidden, [hidden]');
        const controls = 'button, .button, summary, select, textarea, input:not([type=hidden]), header a, nav a, .pagination a';
        for (const el of document.querySelectorAll(controls)) {
            if (!seen(el)) continue;
            const target = (el.type === 'checkbox' || el.type === 'radio') ? (el.closest('label') || el) : el;
            const r = target.getBoundingClientRect();
            if (r.height < 44 || r.width < 44) small.push(`${el.outerHTML.slice(0, 80)} ${Math.round(r.width)}×${Math.round(r.height)}`);
        }
        return small;"#;
    let mut small = Vec::new();
    for page in pages {
        b.goto(&format!("{u}{page}")).await;
        for (state, open) in [("", "return null;"), (" (menus open)", "document.querySelectorAll('details').forEach(d => d.open = true); return null;")] {
            b.eval(open).await;
            for found in b.eval(measure).await.as_array().unwrap() {
                small.push(format!("{page}{state}: {}", found.as_str().unwrap()));
            }
        }
    }
    small
}

/// Two people in two browsers: Ben has the topic open; Ana replies
/// mentioning him. Without a reload, the reply appears on Ben's page and
/// his bell counts one; he opens the notification and the count is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_reaches_an_open_page_and_the_bell_in_chromium() {
    use minga_testing::browser::Browser;
    let (_db, server, key, category) = forum_with_a_category(&["ana", "ben"]).await;
    let u = server.url.clone();
    let (s, made) = api(
        &client(),
        reqwest::Method::POST,
        &format!("{u}/posts.json"),
        &key,
        "admin",
        Some(json!({"title": "Rotas for the shared office", "raw": "Who opens on Mondays?", "category": category})),
    )
    .await;
    assert_eq!(s, 200, "{made}");
    let topic = format!("{u}/t/rotas-for-the-shared-office/{}", made["topic_id"]);

    async fn log_in(b: &Browser, u: &str, name: &str) {
        b.goto(&format!("{u}/login")).await;
        b.fill("#login", name).await;
        b.fill("#password", "a long password").await;
        b.click("form.stack button[type=submit]").await;
        b.wait_for(&format!("a[href='/u/{name}']")).await;
    }
    let ben = Browser::start().await;
    log_in(&ben, &u, "ben").await;
    ben.goto(&topic).await;
    ben.wait_for("body[data-live-state=open]").await;
    ben.eval("window.stayed = true; return null;").await;
    assert_eq!(
        ben.eval("return document.querySelector('.bell-count').hidden;")
            .await,
        true
    );

    let ana = Browser::start().await;
    log_in(&ana, &u, "ana").await;
    ana.goto(&topic).await;
    ana.fill(
        "#reply-raw",
        "I can open on Mondays, @ben, if you take Fridays.",
    )
    .await;
    ana.click("#reply button[type=submit]").await;
    ana.wait_for("#post_2").await;

    // Ben's page, untouched: the reply and the count arrive by themselves.
    ben.wait_for("#post_2").await;
    assert!(ben.text("#post_2").await.contains("if you take Fridays"));
    for _ in 0..100 {
        if ben.text(".bell-count").await == "1" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(ben.text(".bell-count").await, "1");
    assert_eq!(
        ben.eval("return window.stayed === true;").await,
        true,
        "the page was not reloaded"
    );

    // The bell opens the list in a panel on the same page; the
    // notification leads to the post.
    ben.click("a.bell").await;
    ben.wait_for("#bell-panel ul.notifications a").await;
    assert!(
        ben.text("#bell-panel ul.notifications")
            .await
            .contains("ana mentioned you in “Rotas for the shared office”")
    );
    assert_eq!(ben.eval("return document.querySelector('a.bell').getAttribute('aria-expanded');").await, "true");
    assert_eq!(ben.eval("return window.stayed === true;").await, true, "the bell opened a panel, not a page");
    ben.eval("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'})); return null;").await;
    assert_eq!(ben.eval("return document.getElementById('bell-panel') === null && document.activeElement.classList.contains('bell');").await, true, "Escape closes it, back on the bell");
    ben.click("a.bell").await;
    ben.wait_for("#bell-panel ul.notifications a").await;
    ben.click("#bell-panel ul.notifications a").await;
    ben.wait_for("#post_2").await;
    assert!(
        ben.current_url().await.contains("#post_2"),
        "{}",
        ben.current_url().await
    );
    assert_eq!(
        ben.eval("return document.querySelector('.bell-count').hidden;")
            .await,
        true
    );

    // An edit, then a deletion, change the post in place.
    ben.wait_for("body[data-live-state=open]").await;
    ben.eval("window.stayed = true; return null;").await;
    let (_, t) = api(&client(), reqwest::Method::GET, &format!("{u}/t/{}.json", made["topic_id"]), &key, "admin", None).await;
    let second = t["post_stream"]["posts"][1]["id"].as_i64().unwrap();
    let (s, r) = api(&client(), reqwest::Method::PUT, &format!("{u}/posts/{second}.json"), &key, "admin", Some(json!({"post": {"raw": "Mondays and Wednesdays, @ben."}}))).await;
    assert_eq!(s, 200, "{r}");
    for _ in 0..100 {
        if ben.text("#post_2").await.contains("Wednesdays") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(ben.text("#post_2").await.contains("Mondays and Wednesdays"), "{}", ben.text("#post_2").await);
    let (s, r) = api(&client(), reqwest::Method::DELETE, &format!("{u}/posts/{second}.json"), &key, "admin", None).await;
    assert_eq!(s, 200, "{r}");
    ben.wait_for("#post_2.deleted").await;
    assert_eq!(ben.eval("return window.stayed === true;").await, true, "edited and deleted without a reload");

    // A list hears of new topics and offers them.
    ben.goto(&format!("{u}/latest")).await;
    ben.wait_for("body[data-live-state=open]").await;
    assert_eq!(ben.eval("return document.querySelector('.live-banner').hidden;").await, true);
    let (s, r) = api(&client(), reqwest::Method::POST, &format!("{u}/posts.json"), &key, "admin", Some(json!({"title": "Keys for the new office door", "raw": "Who keeps the spare set?", "category": category}))).await;
    assert_eq!(s, 200, "{r}");
    ben.wait_for(".live-banner:not([hidden])").await;
    assert!(ben.text(".live-banner").await.contains('1'), "{}", ben.text(".live-banner").await);
    ana.quit().await;
    ben.quit().await;
}
