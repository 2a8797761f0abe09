//! Notifications and live pages under load: replies per second to a topic
//! that many people watch (and how fast their notifications are written
//! behind them), the time from an acknowledged reply to its event on many
//! open streams, and the resident memory of many idle streams.

use crate::process;
use crate::server::{Database, Minga};
use anyhow::{Context, Result, bail, ensure};
use minga_core::notify::Level;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub struct Options {
    pub minga: PathBuf,
    pub out: PathBuf,
    /// People watching the topic replies go to.
    pub watchers: usize,
    /// Open streams on the topic, for the delivery times.
    pub streams: usize,
    /// Idle streams, for resident memory.
    pub idle: usize,
    /// Seconds of replies.
    pub seconds: u64,
    /// Connections writing replies at once.
    pub writers: usize,
    /// Replies whose events are timed.
    pub timed: usize,
    /// Measure on PostgreSQL (a throwaway cluster) instead of SQLite.
    pub postgres: bool,
}

#[derive(Serialize, Debug, Default)]
pub struct LiveReport {
    pub backend: String,
    pub watchers: usize,
    pub replies: u64,
    pub replies_per_s: f64,
    /// From the first reply until every queued notification was written.
    pub fanout_s: f64,
    /// Each watcher told of each reply: a notification folding several
    /// posts counts each of them.
    pub notifications_written: i64,
    pub notifications_per_s: f64,
    /// Notification rows, one per watcher once folded.
    pub notification_rows: i64,
    pub streams: usize,
    pub timed_replies: usize,
    pub delivery_p50_ms: f64,
    pub delivery_p99_ms: f64,
    pub delivery_max_ms: f64,
    /// Events that did not arrive within 5 s.
    pub delivery_missing: usize,
    pub idle_streams: usize,
    pub rss_before_idle_mb: f64,
    pub rss_with_idle_mb: f64,
    pub kb_per_idle_stream: f64,
}

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The forum: an author with an API key, a topic, and `watchers` people
/// watching it, written through minga's own store.
async fn make_forum(url: &str, watchers: usize) -> Result<(String, i64)> {
    use minga_store::{Alerts, CategoryForm, NewTopic, NewUser, Store};
    let store = Store::connect(url, 4).await?;
    let person = |name: String| NewUser {
        email: format!("{name}@example.org"),
        username: name,
        name: String::new(),
        password_hash: "not-a-password".into(),
        admin: false,
        approved: true,
    };
    let author = store
        .create_user(&NewUser {
            admin: true,
            ..person("author".into())
        })
        .await?;
    let key = format!(
        "bench-{:x}",
        Instant::now().elapsed().as_nanos() ^ u128::from(std::process::id())
    );
    store
        .create_api_key(author.id, &sha256_hex(&key), "bench")
        .await?;
    let category = store
        .create_category(&CategoryForm {
            name: "Live".into(),
            slug: "live".into(),
            color: "0088CC".into(),
            text_color: "FFFFFF".into(),
            ..Default::default()
        })
        .await?;
    let (topic, _) = store
        .create_topic(&NewTopic {
            title: "A topic everyone watches".into(),
            slug: "a-topic-everyone-watches".into(),
            category_id: category.id,
            user_id: author.id,
            raw: "Replies come here.".into(),
            cooked: "<p>Replies come here.</p>".into(),
            excerpt: "Replies come here.".into(),
            created_at: minga_core::time::now_ms(),
            alerts: Alerts::default(),
        })
        .await?;
    let mut pending = Vec::new();
    for i in 0..watchers {
        let store = store.clone();
        let person = person(format!("watcher{i}"));
        pending.push(tokio::spawn(async move {
            let u = store.create_user(&person).await?;
            store.set_topic_level(u.id, topic.id, Level::Watching).await
        }));
        if pending.len() >= 64 {
            for p in pending.drain(..) {
                p.await??;
            }
        }
    }
    for p in pending {
        p.await??;
    }
    store.close().await;
    Ok((key, topic.id.0))
}

/// Queued notification jobs, posts told of (person by person) and
/// notification rows, read beside the server.
fn queue_state(db: &Database) -> Result<(i64, i64, i64)> {
    const SQL: &str = "SELECT (SELECT count(*) FROM notification_jobs), \
         (SELECT CAST(COALESCE(SUM(replies), 0) AS BIGINT) FROM notifications), (SELECT count(*) FROM notifications)";
    match db {
        Database::Sqlite(dir) => {
            let conn = rusqlite::Connection::open_with_flags(
                dir.join("minga.db"),
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )?;
            conn.busy_timeout(Duration::from_secs(5))?;
            Ok(conn.query_row(SQL, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?)
        }
        Database::Postgres(url) => {
            let mut c = postgres::Client::connect(url, postgres::NoTls)?;
            let row = c.query_one(SQL, &[])?;
            Ok((row.get(0), row.get(1), row.get(2)))
        }
    }
}

fn reply(addr: SocketAddr, key: &str, topic: i64, n: u64) -> Result<u16> {
    let body = format!(r#"{{"topic_id":{topic},"raw":"Reply number {n}, written under load."}}"#);
    let headers = vec![
        ("Api-Key".to_string(), key.to_string()),
        ("Api-Username".to_string(), "author".to_string()),
        ("Content-Type".to_string(), "application/json".to_string()),
        ("Accept".to_string(), "application/json".to_string()),
    ];
    Ok(crate::http::request(addr, "POST", "/posts.json", &headers, Some(&body))?.status)
}

/// Opens a stream and waits for its first bytes.
async fn open_stream(addr: SocketAddr, path: String) -> Result<tokio::net::TcpStream> {
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n")
            .as_bytes(),
    )
    .await?;
    let mut buf = vec![0u8; 4096];
    let mut seen = Vec::new();
    while !seen.windows(6).any(|w| w == b"retry:") {
        let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf))
            .await
            .context("no answer from /live")??;
        ensure!(n > 0, "/live closed: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
    }
    ensure!(
        seen.starts_with(b"HTTP/1.1 200"),
        "/live answered {}",
        String::from_utf8_lossy(&seen)
    );
    Ok(s)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub fn run(opts: &Options) -> Result<LiveReport> {
    ensure!(
        opts.minga.is_file(),
        "no minga binary at {}",
        opts.minga.display()
    );
    process::raise_file_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let work = tempfile::tempdir()?;
    let db = if opts.postgres {
        Database::Postgres(crate::pg::database()?)
    } else {
        Database::Sqlite(work.path().join("data"))
    };
    let url = match &db {
        Database::Sqlite(dir) => minga_store::Store::sqlite_url(dir),
        Database::Postgres(url) => url.clone(),
    };
    eprintln!("live: making a topic watched by {} people", opts.watchers);
    let (key, topic) = runtime.block_on(make_forum(&url, opts.watchers))?;
    let clients = (opts.idle + opts.streams + 1_000).to_string();
    let log = opts.out.join("live-minga.log");
    std::fs::create_dir_all(&opts.out)?;
    let server = Minga::start_with(
        &opts.minga,
        &db,
        work.path(),
        &log,
        &[("MINGA_MAX_CLIENTS", clients.as_str())],
    )?;
    let addr = server.addr;
    let mut report = LiveReport {
        backend: if opts.postgres { "postgres" } else { "sqlite" }.into(),
        watchers: opts.watchers,
        ..Default::default()
    };

    // Replies to the watched topic, as fast as `writers` connections go.
    eprintln!(
        "live: replies for {} s from {} connections",
        opts.seconds, opts.writers
    );
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(opts.seconds);
    let threads: Vec<_> = (0..opts.writers)
        .map(|w| {
            let (done, key) = (done.clone(), key.clone());
            std::thread::spawn(move || {
                let mut n = w as u64 * 1_000_000;
                while Instant::now() < deadline {
                    n += 1;
                    match reply(addr, &key, topic, n) {
                        Ok(200) => {
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(429) => std::thread::sleep(Duration::from_millis(5)),
                        Ok(other) => eprintln!("live: a reply answered {other}"),
                        Err(e) => eprintln!("live: a reply failed: {e:#}"),
                    }
                }
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    let elapsed = started.elapsed().as_secs_f64();
    report.replies = done.load(Ordering::Relaxed);
    report.replies_per_s = report.replies as f64 / elapsed;
    let drain_limit = Instant::now() + Duration::from_secs(600);
    loop {
        let (queued, written, rows) = queue_state(&db)?;
        if queued == 0 {
            report.fanout_s = started.elapsed().as_secs_f64();
            report.notifications_written = written;
            report.notification_rows = rows;
            break;
        }
        if Instant::now() > drain_limit {
            bail!("{queued} posts' notifications still queued after 10 minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    report.notifications_per_s = report.notifications_written as f64 / report.fanout_s;

    // Events on open streams: the time from each acknowledged reply to its
    // event on every stream.
    eprintln!(
        "live: timing {} replies on {} open streams",
        opts.timed, opts.streams
    );
    report.streams = opts.streams;
    report.timed_replies = opts.timed;
    let (latencies, missing) =
        runtime.block_on(time_events(addr, &key, topic, opts.streams, opts.timed))?;
    let mut sorted = latencies;
    sorted.sort_by(|a, b| a.total_cmp(b));
    report.delivery_p50_ms = percentile(&sorted, 0.50);
    report.delivery_p99_ms = percentile(&sorted, 0.99);
    report.delivery_max_ms = sorted.last().copied().unwrap_or(0.0);
    report.delivery_missing = missing;

    // Idle streams and the memory they hold.
    std::thread::sleep(Duration::from_millis(500));
    report.rss_before_idle_mb = server.rss_mb();
    report.idle_streams = opts.idle;
    eprintln!("live: opening {} idle streams", opts.idle);
    report.rss_with_idle_mb = runtime.block_on(async {
        let mut open = Vec::with_capacity(opts.idle);
        let mut pending = Vec::new();
        for _ in 0..opts.idle {
            pending.push(tokio::spawn(open_stream(
                addr,
                "/live?list=latest".to_string(),
            )));
            if pending.len() >= 200 {
                for p in pending.drain(..) {
                    open.push(p.await??);
                }
            }
        }
        for p in pending {
            open.push(p.await??);
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        let rss = server.rss_mb();
        drop(open);
        anyhow::Ok(rss)
    })?;
    report.kb_per_idle_stream =
        (report.rss_with_idle_mb - report.rss_before_idle_mb) * 1024.0 / opts.idle.max(1) as f64;
    server.stop()?;
    let path = opts.out.join(format!("live-{}.json", report.backend));
    std::fs::write(&path, serde_json::to_string_pretty(&report)?)?;
    eprintln!("live: written to {}", path.display());
    Ok(report)
}

/// Opens `streams` streams on the topic, then sends `timed` replies one at
/// a time; returns each (reply, stream) delay in ms, and how many events
/// never came.
async fn time_events(
    addr: SocketAddr,
    key: &str,
    topic: i64,
    streams: usize,
    timed: usize,
) -> Result<(Vec<f64>, usize)> {
    let path = format!("/live?topic={topic}");
    // arrivals[s] = when stream s heard each event, in order.
    let arrivals: Arc<Vec<Mutex<Vec<Instant>>>> =
        Arc::new((0..streams).map(|_| Mutex::new(Vec::new())).collect());
    let mut readers = Vec::new();
    let mut opened = Vec::new();
    for _ in 0..streams {
        opened.push(tokio::spawn(open_stream(addr, path.clone())));
    }
    for (i, o) in opened.into_iter().enumerate() {
        let mut s = o.await??;
        let arrivals = arrivals.clone();
        readers.push(tokio::spawn(async move {
            let mut buf = vec![0u8; 8192];
            while let Ok(n) = s.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                let now = Instant::now();
                let events = buf[..n]
                    .windows(12)
                    .filter(|w| *w == b"event: topic")
                    .count();
                let mut a = arrivals[i].lock().unwrap();
                for _ in 0..events {
                    a.push(now);
                }
            }
        }));
    }
    let mut latencies = Vec::with_capacity(streams * timed);
    let mut missing = 0;
    for k in 0..timed {
        let key = key.to_string();
        let status =
            tokio::task::spawn_blocking(move || reply(addr, &key, topic, 9_000_000 + k as u64))
                .await??;
        ensure!(status == 200, "a timed reply answered {status}");
        let acked = Instant::now();
        let wait_until = acked + Duration::from_secs(5);
        loop {
            let heard = arrivals
                .iter()
                .filter(|a| a.lock().unwrap().len() > k)
                .count();
            if heard == streams || Instant::now() > wait_until {
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        for a in arrivals.iter() {
            match a.lock().unwrap().get(k) {
                Some(t) => {
                    latencies.push(t.saturating_duration_since(acked).as_secs_f64() * 1000.0)
                }
                None => missing += 1,
            }
        }
        // Later events are counted from the same place in each stream.
        for a in arrivals.iter() {
            let mut a = a.lock().unwrap();
            a.truncate(k + 1);
            while a.len() < k + 1 {
                a.push(acked + Duration::from_secs(3600));
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for r in readers {
        r.abort();
    }
    Ok((latencies, missing))
}

/// The report as Markdown lines.
pub fn markdown(r: &LiveReport) -> String {
    format!(
        "| {backend}: replies to a topic {w} people watch | {rps:.0} replies/s ({n} in all) |\n\
         | {backend}: watchers told of them | {np:.0}/s ({nw} in {fs:.1} s from the first reply; {rows} notifications once folded) |\n\
         | {backend}: acknowledged reply → event on {s} streams ({t} replies) | p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms, {miss} missing |\n\
         | {backend}: {i} idle streams | {rss:.1} MB resident ({before:.1} MB before; {kb:.1} KB each) |\n",
        backend = r.backend,
        w = r.watchers,
        rps = r.replies_per_s,
        n = r.replies,
        np = r.notifications_per_s,
        nw = r.notifications_written,
        fs = r.fanout_s,
        rows = r.notification_rows,
        s = r.streams,
        t = r.timed_replies,
        p50 = r.delivery_p50_ms,
        p99 = r.delivery_p99_ms,
        max = r.delivery_max_ms,
        miss = r.delivery_missing,
        i = r.idle_streams,
        rss = r.rss_with_idle_mb,
        before = r.rss_before_idle_mb,
        kb = r.kb_per_idle_stream,
    )
}
