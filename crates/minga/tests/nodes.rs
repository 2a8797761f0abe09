//! The real binary under the conditions a serving path must survive: two
//! nodes on one PostgreSQL agreeing on everything, a crash in the middle
//! of many writes, and a burst of log-ins.

use reqwest::Method;
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_minga");

/// A forum's database: a SQLite folder, or a PostgreSQL database (with a
/// folder for anything else).
enum Db {
    Sqlite(tempfile::TempDir),
    Postgres(String, tempfile::TempDir),
}

impl Db {
    fn new(postgres: bool) -> Db {
        if postgres {
            Db::Postgres(minga_testing::pg::cluster().create_database(), tempfile::tempdir().unwrap())
        } else {
            Db::Sqlite(tempfile::tempdir().unwrap())
        }
    }

    fn args(&self) -> Vec<String> {
        match self {
            Db::Sqlite(dir) => vec!["--data".into(), dir.path().display().to_string()],
            Db::Postgres(url, dir) => vec!["--database-url".into(), url.clone(), "--data".into(), dir.path().display().to_string()],
        }
    }

    fn cli(&self, args: &[&str]) -> String {
        let out = Command::new(BIN).args(args).args(self.args()).env("MINGA_LOG", "warn").output().expect("run minga");
        assert!(out.status.success(), "minga {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// An account and an API key for it.
    fn account(&self, name: &str, admin: bool) -> Key {
        let email = format!("{name}@example.coop");
        let mut args = vec!["admin", "create-user", "--username", name, "--email", &email, "--password", "a long enough password"];
        if admin {
            args.push("--admin");
        }
        self.cli(&args);
        let key = self.cli(&["admin", "create-api-key", "--username", name]).trim().to_string();
        Key { user: name.into(), key }
    }
}

#[derive(Clone)]
struct Key {
    user: String,
    key: String,
}

/// A running `minga serve`, killed on drop.
struct Node {
    child: Child,
    url: String,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Node {
    async fn start(db: &Db) -> Node {
        Node::start_with(db, &[]).await
    }

    /// A node with settings from the environment (`MINGA_SMTP_URL`…).
    async fn start_with(db: &Db, env: &[(&str, &str)]) -> Node {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let bind = format!("127.0.0.1:{port}");
        let child = Command::new(BIN)
            .args(["serve", "--bind", &bind])
            .args(db.args())
            .envs(env.iter().copied())
            .env("MINGA_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start minga serve");
        let node = Node { child, url: format!("http://{bind}") };
        let c = client();
        let started = Instant::now();
        while c.get(format!("{}/srv/status", node.url)).send().await.map(|r| r.status().is_success()).ok() != Some(true) {
            assert!(started.elapsed() < Duration::from_secs(30), "minga serve did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        node
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the process at once (SIGKILL), as a crash or power cut would.
    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client() -> reqwest::Client {
    minga_testing::install_tls_provider();
    reqwest::Client::builder().cookie_store(true).timeout(Duration::from_secs(30)).build().unwrap()
}

/// A visitor's POST, as a browser's script sends it: with the CSRF token
/// from `/session/csrf.json` (and its cookie).
async fn visitor_post(c: &reqwest::Client, base: &str, path: &str, body: Value) -> (u16, Value) {
    let token: Value = c.get(format!("{base}/session/csrf.json")).send().await.unwrap().json().await.unwrap();
    let token = token["csrf"].as_str().expect("a CSRF token").to_string();
    let r = c
        .post(format!("{base}{path}"))
        .header("Accept", "application/json")
        .header("X-CSRF-Token", token)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A call with an API key (`None`: as a visitor), answering status and JSON.
async fn call(c: &reqwest::Client, node: &Node, method: Method, path: &str, key: Option<&Key>, body: Option<Value>) -> (u16, Value) {
    let mut req = c.request(method, format!("{}{path}", node.url)).header("Accept", "application/json");
    if let Some(k) = key {
        req = req.header("Api-Key", &k.key).header("Api-Username", &k.user);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn get(c: &reqwest::Client, node: &Node, path: &str, key: Option<&Key>) -> (u16, Value) {
    call(c, node, Method::GET, path, key, None).await
}

fn titles(latest: &Value) -> Vec<String> {
    latest["topic_list"]["topics"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_on_one_postgres_agree_at_once() {
    let db = Db::new(true);
    let admin = db.account("chris", true);
    let outsider = db.account("visiting", false);
    let (a, b) = (Node::start(&db).await, Node::start(&db).await);
    let c = client();

    let (s, r) = call(&c, &a, Method::POST, "/admin/groups.json", Some(&admin), Some(json!({"name": "facttic", "usernames": "chris"}))).await;
    assert_eq!(s, 200, "{r}");
    let (s, r) = call(&c, &a, Method::POST, "/categories.json", Some(&admin), Some(json!({"name": "Co-op business"}))).await;
    assert_eq!(s, 200, "{r}");
    let category = r["category"]["id"].as_i64().unwrap();
    let (s, r) = call(
        &c,
        &a,
        Method::POST,
        "/posts.json",
        Some(&admin),
        Some(json!({"title": "Pricing our shared hosting", "raw": "What do we charge each other?", "category": category})),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let topic = r["topic_id"].as_i64().unwrap();

    // B learns the topic and keeps its pages for visitors and members.
    for _ in 0..2 {
        assert_eq!(get(&c, &b, &format!("/t/{topic}.json"), None).await.0, 200);
        assert_eq!(get(&c, &b, &format!("/t/pricing/{topic}"), Some(&outsider)).await.0, 200);
        assert!(titles(&get(&c, &b, "/latest.json", None).await.1).contains(&"Pricing our shared hosting".to_string()));
    }

    // A reply through A is on B's pages at once.
    let (s, r) = call(&c, &a, Method::POST, "/posts.json", Some(&admin), Some(json!({"topic_id": topic, "raw": "Let us ask Cambá first."}))).await;
    assert_eq!(s, 200, "{r}");
    let (_, t) = get(&c, &b, &format!("/t/{topic}.json"), None).await;
    assert_eq!(t["posts_count"], 2, "B shows the reply");
    let page = c.get(format!("{}/t/pricing/{topic}", b.url)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Let us ask Cambá first."), "B's page shows the reply");
    let (_, latest) = get(&c, &b, "/latest.json", None).await;
    assert_eq!(latest["topic_list"]["topics"][0]["posts_count"], 2, "B's /latest counts it");

    // A makes the category private: at once hidden on B, from visitors and outsiders.
    let (s, r) =
        call(&c, &a, Method::PUT, &format!("/categories/{category}.json"), Some(&admin), Some(json!({"permissions": {"facttic": 1}}))).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(get(&c, &b, &format!("/t/{topic}.json"), None).await.0, 404);
    assert_eq!(get(&c, &b, &format!("/t/pricing/{topic}"), Some(&outsider)).await.0, 404);
    assert!(!titles(&get(&c, &b, "/latest.json", None).await.1).contains(&"Pricing our shared hosting".to_string()));
    assert!(!titles(&get(&c, &b, "/latest.json", Some(&outsider)).await.1).contains(&"Pricing our shared hosting".to_string()));
    assert_eq!(get(&c, &b, &format!("/t/{topic}.json"), Some(&admin)).await.0, 200, "members still see it");

    // A sign-up begun on A finishes on B: the honeypot is the forum's, not a node's.
    let (s, hp) = get(&c, &a, "/session/hp.json", None).await;
    assert_eq!(s, 200);
    let challenge: String = hp["challenge"].as_str().unwrap().chars().rev().collect();
    let (s, r) = visitor_post(
        &c,
        &b.url,
        "/users.json",
        json!({"username": "neto", "email": "neto@facttic.example", "password": "another long password",
               "password_confirmation": hp["value"], "challenge": challenge}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["success"], true);

    // Failed log-ins count on every node: five through A, the sixth through B waits.
    for _ in 0..5 {
        let (s, r) = visitor_post(&c, &a.url, "/session.json", json!({"login": "neto", "password": "wrong"})).await;
        assert!(s == 200 && r["error"].is_string(), "refused as Discourse refuses: {s} {r}");
    }
    let (s, r) = visitor_post(&c, &b.url, "/session.json", json!({"login": "neto", "password": "another long password"})).await;
    assert_eq!(s, 429, "{r}");

    // login_required switched on through A applies on B at once.
    assert_eq!(get(&c, &b, "/latest.json", None).await.0, 200);
    let (s, r) = call(&c, &a, Method::PUT, "/admin/site_settings/login_required", Some(&admin), Some(json!({"login_required": "true"}))).await;
    assert_eq!(s, 200, "{r}");
    let (s, r) = get(&c, &b, "/latest.json", None).await;
    assert_eq!(s, 403, "{r}");
    assert_eq!(r["error_type"], "not_logged_in");
}

/// 32 writers reply as fast as they can; the server is killed mid-load and
/// started again. Every reply it acknowledged is there, numbered without
/// gaps, and the person watching the topic hears of each exactly once.
async fn acknowledged_replies_survive_a_crash(postgres: bool) {
    let db = Db::new(postgres);
    let admin = db.account("chris", true);
    let watcher = db.account("dana", false);
    let node = Node::start(&db).await;
    let c = client();
    let (_, r) = call(&c, &node, Method::POST, "/categories.json", Some(&admin), Some(json!({"name": "Gatherings"}))).await;
    let category = r["category"]["id"].as_i64().unwrap();
    let (s, r) = call(
        &c,
        &node,
        Method::POST,
        "/posts.json",
        Some(&admin),
        Some(json!({"title": "The gathering call, minute by minute", "raw": "Notes as we go.", "category": category})),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let topic = r["topic_id"].as_i64().unwrap();
    let (s, r) = call(
        &c,
        &node,
        Method::POST,
        &format!("/t/{topic}/notifications.json"),
        Some(&watcher),
        Some(json!({"notification_level": 3})),
    )
    .await;
    assert_eq!(s, 200, "{r}");

    let acknowledged: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    let mut writers = Vec::new();
    for w in 0..32 {
        let (c, url, admin, acknowledged) = (c.clone(), node.url.clone(), admin.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            for n in 0.. {
                let raw = format!("Writer {w}, note {n}.");
                let sent = c
                    .post(format!("{url}/posts.json"))
                    .header("Api-Key", &admin.key)
                    .header("Api-Username", &admin.user)
                    .json(&json!({"topic_id": topic, "raw": raw}))
                    .send()
                    .await;
                let Ok(r) = sent else { break };
                if r.status() != 200 {
                    break;
                }
                let Ok(body) = r.json::<Value>().await else { break };
                acknowledged.lock().unwrap().push((body["post_number"].as_i64().unwrap(), raw));
            }
        }));
    }
    // Let the load run, then crash in the middle of it.
    let started = Instant::now();
    while acknowledged.lock().unwrap().len() < 300 && started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    node.kill();
    for w in writers {
        let _ = w.await;
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 300, "the load ran: {} replies", acknowledged.len());

    let node = Node::start(&db).await;
    let (s, t) = get(&c, &node, &format!("/t/{topic}.json"), Some(&admin)).await;
    assert_eq!(s, 200);
    let highest = t["highest_post_number"].as_i64().unwrap();
    let stream: Vec<i64> = t["post_stream"]["stream"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    assert_eq!(stream.len() as i64, highest, "no gaps: {} posts, highest number {highest}", stream.len());
    let mut kept = std::collections::HashMap::new();
    for chunk in stream.chunks(200) {
        let ids: String = chunk.iter().map(|id| format!("post_ids[]={id}")).collect::<Vec<_>>().join("&");
        let (s, r) = get(&c, &node, &format!("/t/{topic}/posts.json?{ids}"), Some(&admin)).await;
        assert_eq!(s, 200, "{r}");
        for p in r["post_stream"]["posts"].as_array().unwrap() {
            kept.insert(p["post_number"].as_i64().unwrap(), p["cooked"].as_str().unwrap_or_default().to_string());
        }
    }
    let numbers: std::collections::BTreeSet<i64> = kept.keys().copied().collect();
    assert_eq!(numbers, (1..=highest).collect(), "post numbers run 1..={highest} without gaps");
    for (number, raw) in &acknowledged {
        let cooked = kept.get(number).map(String::as_str).unwrap_or_default();
        assert!(cooked.contains(raw.as_str()), "acknowledged reply {number} survived the crash: {cooked:?} for {raw:?}");
    }
    // The notifications queued with the replies are written after the
    // restart: the watcher's one notification for the topic counts each
    // reply once, none twice.
    let replies = highest - 1;
    let started = Instant::now();
    loop {
        let (s, n) = get(&c, &node, "/notifications.json", Some(&watcher)).await;
        assert_eq!(s, 200, "{n}");
        let total = n["total_rows_notifications"].as_i64().unwrap();
        let counted = n["notifications"][0]["data"]["count"].as_i64().unwrap_or(0);
        assert!(total <= 1, "one notification for the topic: {n}");
        assert!(counted <= replies, "no reply told twice: {counted} for {replies} replies");
        if counted == replies {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{counted} of {replies} replies counted");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (_, me) = get(&c, &node, "/session/current.json", Some(&watcher)).await;
    assert_eq!(me["current_user"]["unread_notifications"].as_i64(), Some(1));
}

/// A page open on node B hears of a reply written through node A, within
/// the second the goal allows, and its owner's bell with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stream_on_one_node_hears_a_reply_made_on_another() {
    let db = Db::new(true);
    let admin = db.account("chris", true);
    let reader = db.account("dana", false);
    let (a, b) = (Node::start(&db).await, Node::start(&db).await);
    let c = client();
    let (_, r) = call(
        &c,
        &a,
        Method::POST,
        "/categories.json",
        Some(&admin),
        Some(json!({"name": "Gatherings"})),
    )
    .await;
    let category = r["category"]["id"].as_i64().unwrap();
    let (s, r) = call(&c, &a, Method::POST, "/posts.json", Some(&admin), Some(json!({"title": "Where the gathering meets this year", "raw": "Lisbon or Leeds?", "category": category}))).await;
    assert_eq!(s, 200, "{r}");
    let topic = r["topic_id"].as_i64().unwrap();

    let mut stream = c
        .get(format!("{}/live?topic={topic}", b.url))
        .header("Api-Key", &reader.key)
        .header("Api-Username", &reader.user)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let first = stream.chunk().await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&first).starts_with("retry:"));

    let sent = Instant::now();
    let (s, r) = call(
        &c,
        &a,
        Method::POST,
        "/posts.json",
        Some(&admin),
        Some(json!({"topic_id": topic, "raw": "Leeds, and @dana hosts."})),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let acknowledged = Instant::now();
    let mut heard = String::new();
    let mut topic_at = None;
    while !(heard.contains("event: topic") && heard.contains("event: notifications")) {
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .unwrap();
        heard.push_str(&String::from_utf8_lossy(&chunk));
        if topic_at.is_none() && heard.contains("event: topic") {
            topic_at = Some(Instant::now());
        }
    }
    let delay = topic_at.unwrap().saturating_duration_since(acknowledged);
    assert!(
        delay < Duration::from_secs(1),
        "the reply reached node B's stream {delay:?} after node A acknowledged it"
    );
    assert!(heard.contains(r#"data: {"unread":1}"#), "{heard}");
    eprintln!(
        "reply on A → event on B: {:?} after the acknowledgement ({:?} after sending)",
        delay,
        topic_at.unwrap() - sent
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_replies_survive_a_crash_on_sqlite() {
    acknowledged_replies_survive_a_crash(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_replies_survive_a_crash_on_postgres() {
    acknowledged_replies_survive_a_crash(true).await;
}

/// Fifty people log in at the same moment: password checks wait their turn
/// instead of each taking memory at once.
/// Mail queued on a SQLite forum, the server killed while the relay has
/// not yet accepted a message, and started again: every message arrives,
/// each exactly once. (On PostgreSQL a stopped node's claims are taken
/// again when their lease runs out; the storage suite checks that.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_outbox_survives_a_kill_while_sending() {
    use minga_testing::smtp::{Options, Receiver};
    // Each message is accepted 700 ms after it arrives.
    let relay = Receiver::start_with(Options { delay_ms: 700, ..Default::default() });
    let url = format!("{}?tls=none", relay.url());
    let env = [("MINGA_SMTP_URL", url.as_str()), ("MINGA_MAIL_FROM", "forum@example.coop")];
    let db = Db::new(false);
    let admin = db.account("chris", true);
    let node = Node::start_with(&db, &env).await;
    let c = client();
    const N: usize = 20;
    for i in 0..N {
        let (s, r) = call(&c, &node, Method::POST, "/admin/email/test.json", Some(&admin), Some(json!({"email_address": format!("p{i}@example.coop")}))).await;
        assert_eq!(s, 200, "{r}");
    }
    // One is accepted, and the next is on its way (waiting for the
    // relay's answer) when the server dies.
    relay.wait_for(1, Duration::from_secs(10));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = relay.messages().len();
    assert!((1..N).contains(&before), "killed while sending: {before} of {N} were accepted");
    node.kill();
    let node = Node::start_with(&db, &env).await;
    let got = relay.wait_for(N, Duration::from_secs(30));
    // Anything sent twice would arrive within another message's time.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got = if relay.messages().len() > got.len() { relay.messages() } else { got };
    let mut to: Vec<String> = got.iter().flat_map(|m| m.rcpt_tos.clone()).collect();
    to.sort();
    let mut expected: Vec<String> = (0..N).map(|i| format!("p{i}@example.coop")).collect();
    expected.sort();
    assert_eq!(to, expected, "each message exactly once");
    let mut ids: Vec<String> = got.iter().map(|m| mail_parser::MessageParser::default().parse(&m.raw).unwrap().message_id().unwrap().to_string()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), N);
    let (s, view) = get(&c, &node, "/admin/email.json", Some(&admin)).await;
    assert_eq!((s, view["sent"].as_i64(), view["waiting"].as_i64(), view["sending"].as_i64()), (200, Some(N as i64), Some(0), Some(0)), "{view}");
}

/// One SMTP conversation with a listener, as a relay forwarding mail has
/// it; answers the reply to each command after the greeting.
async fn smtp_send(port: u16, from: &str, to: &str, message: &str) -> Vec<String> {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("connect to the listener");
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    async fn reply(read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            read.read_line(&mut line).await.unwrap();
            all.push_str(&line);
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                return all.trim_end().to_string();
            }
        }
    }
    assert!(reply(&mut read).await.starts_with("220"));
    let mut replies = Vec::new();
    let data = format!("{}\r\n.\r\n", message.replace("\r\n.", "\r\n.."));
    for command in ["EHLO relay.example.org\r\n".to_string(), format!("MAIL FROM:<{from}>\r\n"), format!("RCPT TO:<{to}>\r\n"), "DATA\r\n".into()] {
        write.write_all(command.as_bytes()).await.unwrap();
        let r = reply(&mut read).await;
        let failed = !r.starts_with('2') && !r.starts_with('3');
        replies.push(r);
        if failed {
            return replies;
        }
    }
    write.write_all(data.as_bytes()).await.unwrap();
    replies.push(reply(&mut read).await);
    write.write_all(b"QUIT\r\n").await.unwrap();
    replies
}

/// Answers to notification mail, through the SMTP listener of `minga
/// serve` and through `minga mail receive` (as an MTA pipes them), become
/// replies on the site within 2 s; an address minga never made is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn answers_by_mail_become_replies_through_the_listener_and_the_command() {
    use minga_testing::smtp::Receiver;
    let relay = Receiver::start();
    let url = format!("{}?tls=none", relay.url());
    let smtp_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let smtp_bind = format!("127.0.0.1:{smtp_port}");
    let env = [
        ("MINGA_SMTP_URL", url.as_str()),
        ("MINGA_MAIL_FROM", "forum@example.coop"),
        ("MINGA_REPLY_ADDRESS", "reply+{key}@example.coop"),
        ("MINGA_SMTP_BIND", smtp_bind.as_str()),
    ];
    let db = Db::new(false);
    let admin = db.account("chris", true);
    let ana = db.account("ana", false);
    let bea = db.account("bea", false);
    let node = Node::start_with(&db, &env).await;
    let c = client();
    let (s, _) = call(&c, &node, Method::PUT, "/admin/site_settings/email_time_window_mins", Some(&admin), Some(json!({"email_time_window_mins": "0"}))).await;
    assert_eq!(s, 200);
    let (_, r) = call(&c, &node, Method::POST, "/categories.json", Some(&admin), Some(json!({"name": "Gatherings"}))).await;
    let category = r["category"]["id"].as_i64().unwrap();
    let (_, r) = call(&c, &node, Method::POST, "/posts.json", Some(&admin), Some(json!({"title": "Who brings the projector?", "raw": "We need one for the call.", "category": category}))).await;
    let topic = r["topic_id"].as_i64().unwrap();
    // Ana and Bea watch the topic and want every notification by mail.
    for who in [&ana, &bea] {
        let (s, _) = call(&c, &node, Method::PUT, &format!("/u/{}.json", who.user), Some(who), Some(json!({"email_level": "always"}))).await;
        assert_eq!(s, 200);
        let (s, _) = call(&c, &node, Method::POST, &format!("/t/{topic}/notifications.json"), Some(who), Some(json!({"notification_level": 3}))).await;
        assert_eq!(s, 200);
    }
    let (s, _) = call(&c, &node, Method::POST, "/posts.json", Some(&admin), Some(json!({"topic_id": topic, "raw": "I can, if someone brings the cable."}))).await;
    assert_eq!(s, 200);
    let got = relay.wait_for(2, Duration::from_secs(15));
    let mail_to = |name: &str| {
        let m = got.iter().find(|m| m.rcpt_tos == [format!("{name}@example.coop")]).expect("a mail for each");
        let mail = mail_parser::MessageParser::default().parse(&m.raw).unwrap();
        let reply_to = mail.reply_to().and_then(|a| a.first()).and_then(|a| a.address()).expect("a reply address").to_string();
        (reply_to, mail.message_id().unwrap().to_string())
    };
    let (ana_reply_to, about) = mail_to("ana");
    let (bea_reply_to, _) = mail_to("bea");
    let answer = |from: &str, reply_to: &str, id: &str, body: &str| {
        format!(
            "From: {from}\r\nTo: {reply_to}\r\nSubject: Re: Who brings the projector?\r\nMessage-ID: <{id}@mail.example.org>\r\n\
             In-Reply-To: <{about}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n\r\nOn Tue, chris wrote:\r\n> I can.\r\n"
        )
    };
    async fn visible_within(c: &reqwest::Client, node: &Node, topic: i64, key: &Key, want: i64, started: Instant) -> Duration {
        while get(c, node, &format!("/t/{topic}.json"), Some(key)).await.1["posts_count"].as_i64().unwrap_or(0) < want {
            assert!(started.elapsed() < Duration::from_secs(10), "the reply did not appear");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        started.elapsed()
    }

    // Through the listener, as a relay forwards it.
    let started = Instant::now();
    let replies = smtp_send(smtp_port, "ana@example.coop", &ana_reply_to, &answer("ana@example.coop", &ana_reply_to, "m1", "I will bring the cable.")).await;
    assert!(replies.last().unwrap().starts_with("250 2.0.0 posted"), "{replies:?}");
    let listener_took = visible_within(&c, &node, topic, &admin, 3, started).await;
    let replies = smtp_send(smtp_port, "ana@example.coop", "reply+00000000@example.coop", &answer("ana@example.coop", "reply+00000000@example.coop", "m2", "Lost")).await;
    assert!(replies.last().unwrap().starts_with("550 5.1.1"), "refused at RCPT: {replies:?}");

    // Through the command, as Postfix's pipe(8) runs it.
    let started = Instant::now();
    let run = |message: String, recipient: &str| {
        use std::io::Write;
        let mut child = Command::new(BIN)
            .args(["mail", "receive", "--recipient", recipient])
            .args(db.args())
            .env("MINGA_LOG", "warn")
            .env("MINGA_REPLY_ADDRESS", "reply+{key}@example.coop")
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(message.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(answer("bea@example.coop", &bea_reply_to, "m3", "And I will bring the adapter."), &bea_reply_to);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let command_took = visible_within(&c, &node, topic, &admin, 4, started).await;
    let out = run(answer("bea@example.coop", "reply+00000000@example.coop", "m4", "Lost"), "reply+00000000@example.coop");
    assert_eq!(out.status.code(), Some(67), "EX_NOUSER: {}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such reply address"));
    let out = run(answer("bea@example.coop", &bea_reply_to, "m3", "And I will bring the adapter."), &bea_reply_to);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stderr).contains("already received"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(get(&c, &node, &format!("/t/{topic}.json"), Some(&admin)).await.1["posts_count"], 4, "a message delivered twice is posted once");
    eprintln!("answer by mail on the site after: listener {listener_took:?}, command {command_took:?}");
    assert!(listener_took < Duration::from_secs(2) && command_took < Duration::from_secs(2), "{listener_took:?} {command_took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_log_ins_at_once_stay_under_256_mb() {
    let db = Db::new(false);
    db.account("chris", true);
    let node = Node::start(&db).await;
    let pid = node.pid();
    let peak = Arc::new(Mutex::new(0u64));
    let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        std::thread::spawn(move || {
            while sampling.load(std::sync::atomic::Ordering::SeqCst) {
                if let Some(kb) = rss_kb(pid) {
                    let mut p = peak.lock().unwrap();
                    *p = (*p).max(kb);
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let mut logins = Vec::new();
    for _ in 0..50 {
        let c = client();
        let url = node.url.clone();
        logins.push(tokio::spawn(async move {
            visitor_post(&c, &url, "/session.json", json!({"login": "chris", "password": "a long enough password"})).await.0
        }));
    }
    let mut ok = 0;
    for l in logins {
        if l.await.unwrap() == 200 {
            ok += 1;
        }
    }
    sampling.store(false, std::sync::atomic::Ordering::SeqCst);
    sampler.join().unwrap();
    let peak_mb = *peak.lock().unwrap() as f64 / 1024.0;
    assert_eq!(ok, 50, "every log-in succeeded");
    assert!(peak_mb < 256.0, "resident memory peaked at {peak_mb:.0} MB");
    eprintln!("fifty log-ins at once: resident memory peaked at {peak_mb:.0} MB");
}

fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next()).and_then(|n| n.parse().ok())
}

/// Sends `head` on a new connection (in two parts, as a slow client
/// would) and reads what comes back within `wait`.
async fn raw(node: &Node, head: &str, wait: Duration) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = node.url.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (a, b) = head.split_at(6);
    s.write_all(a.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(30)).await;
    s.write_all(b.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let _ = tokio::time::timeout(wait, async {
        let mut buf = [0u8; 4096];
        while let Ok(n) = s.read(&mut buf).await {
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
    })
    .await;
    String::from_utf8_lossy(&got).into_owned()
}

/// Streams are served on their own connections, outside hyper: the
/// answer is the router's (errors too), the stream ends with its
/// connection, and an idle stream costs a few kilobytes, not a
/// connection's buffers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_are_light_and_answer_like_any_request() {
    let db = Db::new(false);
    db.account("chris", true);
    let node = Node::start(&db).await;

    let open = raw(&node, "GET /live HTTP/1.1\r\nHost: forum\r\nAccept: text/event-stream\r\n\r\n", Duration::from_millis(500)).await;
    let (head, body) = open.split_once("\r\n\r\n").expect("a whole head");
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{open}");
    let head = head.to_ascii_lowercase();
    assert!(head.contains("content-type: text/event-stream"), "{head}");
    assert!(head.contains("connection: close") && !head.contains("content-length"), "{head}");
    assert!(head.contains("x-content-type-options: nosniff"), "the router's own headers: {head}");
    assert!(body.starts_with("retry: 2000"), "{body}");

    // A topic that does not exist: the router's 404, whole, then closed.
    let missing = raw(&node, "GET /live?topic=999999 HTTP/1.1\r\nHost: forum\r\nAccept: application/json\r\n\r\n", Duration::from_secs(5)).await;
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
    let (head, body) = missing.split_once("\r\n\r\n").unwrap();
    assert!(head.to_ascii_lowercase().contains(&format!("content-length: {}", body.len())), "{missing}");
    assert_eq!(serde_json::from_str::<Value>(body).unwrap()["error_type"], "not_found", "{body}");
    // A broken head is refused; a path that only starts alike is hyper's.
    let broken = raw(&node, "GET /live HTTP/1.1\r\nNo colon here\r\n\r\n", Duration::from_secs(5)).await;
    assert!(broken.starts_with("HTTP/1.1 400"), "{broken}");
    let other = raw(&node, "GET /lively HTTP/1.1\r\nHost: forum\r\nConnection: close\r\n\r\n", Duration::from_secs(5)).await;
    assert!(other.starts_with("HTTP/1.1 404"), "{other}");

    // A page kept alive for other requests opens its stream through hyper.
    let c = client();
    assert_eq!(c.get(format!("{}/srv/status", node.url)).send().await.unwrap().status(), 200);
    let mut kept = c.get(format!("{}/live", node.url)).send().await.unwrap();
    assert_eq!(kept.headers()["content-type"], "text/event-stream");
    assert!(String::from_utf8_lossy(&kept.chunk().await.unwrap().unwrap()).starts_with("retry:"));

    // Two thousand idle streams (hyper's buffers alone would be about
    // 13 KB each, 26 MB in all).
    let before = rss_kb(node.pid()).unwrap();
    let addr = node.url.trim_start_matches("http://").to_string();
    let mut streams = Vec::new();
    for _ in 0..2000 {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"GET /live HTTP/1.1\r\nHost: forum\r\n\r\n").await.unwrap();
        let mut buf = [0u8; 512];
        let n = s.read(&mut buf).await.unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
        streams.push(s);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let grew = rss_kb(node.pid()).unwrap().saturating_sub(before);
    eprintln!("2000 idle streams: {grew} KB more resident ({:.1} KB each)", grew as f64 / 2000.0);
    assert!(grew < 16 * 1024, "2000 idle streams took {grew} KB");
}
