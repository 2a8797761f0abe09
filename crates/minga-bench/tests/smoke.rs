//! The whole harness in smoke mode (a tiny forum, 1 s a route, its key
//! routes on PostgreSQL too) against the debug `minga` that `cargo test
//! --workspace --all-targets` builds beside this crate's binary, so the
//! benchmark cannot rot unnoticed. Needs wrk, nginx and PostgreSQL 15, as
//! the benchmark does.

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

const BENCH: &str = env!("CARGO_BIN_EXE_minga-bench");

fn minga_binary() -> PathBuf {
    let minga = PathBuf::from(BENCH).with_file_name("minga");
    assert!(
        minga.is_file(),
        "no {}: run the workspace's tests (scripts/test), or `cargo build -p minga` first",
        minga.display()
    );
    minga
}

#[test]
fn smoke_run_reports_every_route() {
    let out = tempfile::tempdir().unwrap();
    let mut child = Command::new(BENCH)
        .args(["run", "--mode", "smoke", "--minga"])
        .arg(minga_binary())
        .arg("--out")
        .arg(out.path())
        .spawn()
        .expect("start minga-bench");
    // The harness bounds its own steps; this bounds the whole, should one hang.
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            panic!("the smoke run took over 180 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "minga-bench failed: {status}");

    let report: Value = serde_json::from_slice(&std::fs::read(out.path().join("report.json")).unwrap()).unwrap();
    let positive = |v: &Value, key: &str| {
        let n = v[key].as_f64().unwrap_or_else(|| panic!("{key} is not a number in {v}"));
        assert!(n > 0.0, "{key} is {n} in {v}");
    };
    positive(&report, "boot_ms");
    positive(&report, "idle_rss_mb");
    let routes = report["routes"].as_array().expect("routes is a list");
    let every_topic = |r: &Value| r["note"].as_str().is_some_and(|n| n.starts_with("every topic"));
    let has = |db: &str, route: &str, who: &str, every: bool| {
        assert!(
            routes.iter().any(|r| r["db"] == db && r["route"] == route && r["as"] == who && every_topic(r) == every),
            "no {route} as {who} on {db}{} in the report",
            if every { " (every topic)" } else { "" }
        );
    };
    for (route, who) in [
        ("/t/{slug}/{id}", "visitor"),
        ("/t/{slug}/{id}", "member"),
        ("/t/{id}.json", "visitor"),
        ("/latest", "visitor"),
        ("/latest.json", "visitor"),
        ("/categories", "visitor"),
        ("POST /posts.json", "member"),
        ("mix", "member"),
        ("/t/{slug}/{id}?page={last}", "visitor"),
    ] {
        has("sqlite", route, who, false);
    }
    // The rows of the serving path, on both backends.
    for db in ["sqlite", "postgres"] {
        has(db, "/t/{slug}/{id}", "visitor", false);
        has(db, "/t/{slug}/{id}", "member", true);
        has(db, "forum-day", "mixed", false);
        has(db, "POST /posts.json", "member", false);
        has(db, "mixed-500 reads", "mixed", false);
        has(db, "mixed-500 replies", "member", false);
    }
    for r in routes {
        for key in ["route", "as", "db", "posts", "rps", "p50_ms", "p99_ms", "max_ms", "ceiling_fraction", "rss_mb"] {
            assert!(r.get(key).is_some(), "{key} missing from {r}");
        }
        for key in ["posts", "rps", "p50_ms", "p99_ms", "max_ms", "rss_mb", "requests"] {
            positive(r, key);
        }
        let route = r["route"].as_str().unwrap();
        if route.starts_with("mixed-") {
            // Timed by kind; 5xx counted apart (their absence is a goal, not a check).
            assert!(r["ceiling_fraction"].is_null(), "mixed traffic has no static ceiling: {r}");
            assert!(r["server_errors"].is_u64(), "5xx not counted in {r}");
        } else if route == "POST /posts.json" || route == "mix" {
            assert!(r["ceiling_fraction"].is_null(), "a write has no static ceiling: {r}");
        } else {
            positive(r, "ceiling_fraction");
            assert_eq!(r["errors"], 0, "a read failed under load: {r}");
        }
        if route == "forum-day" {
            let replies = &r["background_replies"];
            positive(replies, "ok");
            assert_eq!(replies["errors"], 0, "a reply during forum-day failed: {r}");
        }
    }
    let datasets = report["datasets"].as_array().expect("datasets is a list");
    let postgres = datasets.iter().find(|d| d["db"] == "postgres").expect("a PostgreSQL data set");
    positive(postgres, "copy_s");
    assert!(!report["goals"].as_array().expect("goals").is_empty());
}

/// The notifications and live pages part, small: every reply reaches
/// every watcher once, every timed event arrives, idle streams are held.
#[test]
fn live_smoke_reports_replies_events_and_memory() {
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(BENCH)
        .args([
            "live",
            "--watchers",
            "40",
            "--streams",
            "40",
            "--idle",
            "300",
            "--seconds",
            "1",
            "--writers",
            "4",
            "--timed",
            "5",
            "--minga",
        ])
        .arg(minga_binary())
        .arg("--out")
        .arg(out.path())
        .status()
        .expect("run minga-bench live");
    assert!(status.success(), "minga-bench live failed: {status}");
    let r: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("live-sqlite.json")).unwrap())
            .unwrap();
    let replies = r["replies"].as_i64().unwrap();
    assert!(replies > 0, "{r}");
    assert_eq!(
        r["notifications_written"].as_i64(),
        Some(replies * 40),
        "each reply told each watcher once: {r}"
    );
    assert_eq!(r["notification_rows"].as_i64(), Some(40), "one folded notification per watcher: {r}");
    assert_eq!(r["delivery_missing"].as_i64(), Some(0), "{r}");
    assert!(r["delivery_p99_ms"].as_f64().unwrap() < 5_000.0, "{r}");
    assert!(r["rss_with_idle_mb"].as_f64().unwrap() > 0.0, "{r}");
}

/// The outbox part, small: every queued message reaches the receiver,
/// once, and the report says how fast and at what memory.
#[test]
fn mail_smoke_sends_every_message_once() {
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(BENCH)
        .args(["mail", "--messages", "300", "--minga"])
        .arg(minga_binary())
        .arg("--out")
        .arg(out.path())
        .status()
        .expect("run minga-bench mail");
    assert!(status.success(), "minga-bench mail failed: {status}");
    let r: Value = serde_json::from_slice(&std::fs::read(out.path().join("mail-sqlite.json")).unwrap()).unwrap();
    assert_eq!(r["messages"].as_i64(), Some(300), "{r}");
    assert_eq!(r["duplicates"].as_i64(), Some(0), "{r}");
    assert!(r["messages_per_s"].as_f64().unwrap() > 0.0 && r["rss_peak_mb"].as_f64().unwrap() > 0.0, "{r}");
}
