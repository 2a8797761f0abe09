//! One minga on one database: start it, fetch every read route's pages
//! once (keeping their bytes for the ceiling), load each route with wrk,
//! then the writes, then many connections of mixed traffic; stop it.

use crate::crowd;
use crate::http;
use crate::meta::Meta;
use crate::process::RssSampler;
use crate::report::BackgroundReplies;
use crate::routes::{self, Credentials, Route};
use crate::server::{Database, Minga};
use crate::trickle::Trickle;
use crate::wrk::{self, Entry, Load};
use anyhow::{Context, Result, bail};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// What is measured on one data set, the same on every backend.
pub struct Plan {
    /// Read routes: their pages are fetched once, then loaded.
    pub reads: Vec<Route>,
    /// Write routes (replies, the member mix), loaded after the reads.
    pub writes: Vec<Route>,
    /// Many connections of reads and replies, timed apart.
    pub crowd: Option<Crowd>,
}

impl Plan {
    /// The rows that matter most, for a shorter run: the topic page and
    /// /latest as a visitor, the member on every topic, a forum's day,
    /// replies, and the many connections.
    pub fn key(self) -> Plan {
        let keep = |r: &Route| {
            r.page.is_none()
                && match (r.route.as_str(), r.who) {
                    ("/t/{slug}/{id}", "visitor") | ("/latest", "visitor") => r.note.is_none(),
                    ("/t/{slug}/{id}", "member") => r.note.is_some(),
                    (route, _) => route == "forum-day" || route == "POST /posts.json",
                }
        };
        Plan {
            reads: self.reads.into_iter().filter(keep).collect(),
            writes: self.writes.into_iter().filter(keep).collect(),
            crowd: self.crowd,
        }
    }
}

pub struct Crowd {
    pub reads: Load,
    pub reply: Entry,
    pub settings: crowd::Settings,
}

/// One row's measurement.
pub struct Row {
    pub route: String,
    pub who: String,
    pub note: Option<String>,
    pub topic_replies: Option<u64>,
    pub page: Option<String>,
    pub outcome: wrk::Outcome,
    pub rss_mb: f64,
    /// Mean answer size, for read routes.
    pub bytes: Option<u64>,
    /// The route's load aimed at the saved copies of its pages.
    pub ceiling: Option<Load>,
    pub background: Option<BackgroundReplies>,
}

impl Row {
    /// The same route measured (on another backend).
    pub fn same_route(&self, other: &Row) -> bool {
        (&self.route, &self.who, &self.note, &self.page) == (&other.route, &other.who, &other.note, &other.page)
    }

    fn of(route: &Route, outcome: wrk::Outcome, rss_mb: f64) -> Row {
        Row {
            route: route.route.clone(),
            who: route.who.into(),
            note: route.note.clone(),
            topic_replies: route.topic_replies,
            page: route.page.map(Into::into),
            outcome,
            rss_mb,
            bytes: None,
            ceiling: None,
            background: None,
        }
    }
}

pub struct Measured {
    pub rows: Vec<Row>,
    pub boot_ms: f64,
    pub idle_rss_mb: f64,
    pub idle_rss_after_load_mb: f64,
}

pub struct Target<'a> {
    pub minga: &'a Path,
    pub db: Database,
    /// A folder of the harness's for logs, scripts (and PostgreSQL's data folder).
    pub work: &'a Path,
    /// Where the pages' bytes are kept for the ceiling; `None`: only checked.
    pub ceiling_root: Option<&'a Path>,
}

pub fn measure(t: &Target, plan: &Plan, meta: &Meta, creds: &Credentials, wrk_settings: wrk::Settings) -> Result<Measured> {
    std::fs::create_dir_all(t.work)?;
    let mut server = Minga::start(t.minga, &t.db, t.work, &t.work.join("minga.log"))?;
    let db = t.db.name();
    eprintln!("{} posts on {db}: minga answered its first 200 after {:.0} ms", meta.posts, server.boot_ms);
    let boot_ms = server.boot_ms;
    std::thread::sleep(Duration::from_secs(1));
    let idle_rss_mb = server.rss_mb();

    check_session(server.addr, creds)?;
    let mut rows = Vec::new();
    for (i, route) in plan.reads.iter().enumerate() {
        let root = t.ceiling_root.map(|r| r.join(i.to_string()));
        let (bytes, ceiling) = save_pages(server.addr, route, root.as_deref(), &format!("/{i}"))?;
        let trickle = route.replies_per_second.map(|rate| Trickle::start(server.addr, &routes::reply(meta, creds), rate, meta.seed));
        let loaded = load(&mut server, route, wrk_settings, t.work);
        let background = trickle.map(|tr| {
            let r = tr.finish();
            if let Some(e) = &r.first_error {
                eprintln!("    background replies: {} failed, the first with {e}", r.errors);
            }
            BackgroundReplies { per_second: route.replies_per_second.unwrap_or(0), ok: r.ok, errors: r.errors, p50_ms: r.p50_ms, p99_ms: r.p99_ms }
        });
        let (outcome, rss) = loaded?;
        rows.push(Row { bytes: Some(bytes), ceiling, background, ..Row::of(route, outcome, rss) });
    }
    check_reply(server.addr, creds, meta)?;
    for route in &plan.writes {
        let (outcome, rss) = load(&mut server, route, wrk_settings, t.work)?;
        rows.push(Row::of(route, outcome, rss));
    }
    if let Some(c) = &plan.crowd {
        rows.extend(crowd(&mut server, c)?);
    }
    std::thread::sleep(Duration::from_secs(1));
    let idle_rss_after_load_mb = server.rss_mb();
    server.stop()?;
    Ok(Measured { rows, boot_ms, idle_rss_mb, idle_rss_after_load_mb })
}

/// Fetches every page of a read route once: each must answer 200. With a
/// `root`, their exact bytes are kept there as the ceiling's files, under
/// `prefix` in its URLs, and the route's load aimed at them is returned.
/// Returns the mean page size too.
fn save_pages(addr: SocketAddr, route: &Route, root: Option<&Path>, prefix: &str) -> Result<(u64, Option<Load>)> {
    // (group, entry, the request)
    let pages: Vec<(usize, usize, &Entry)> = route
        .load
        .groups
        .iter()
        .enumerate()
        .flat_map(|(g, group)| group.entries.iter().enumerate().map(move |(k, e)| (g, k, e)))
        .collect();
    let file = |g: usize, k: usize| format!("{g}-{k}.{}", route.ext);
    // A few at a time: a large route has thousands of pages, most not yet
    // in minga's memory.
    let next = Mutex::new(0usize);
    let total = std::sync::atomic::AtomicU64::new(0);
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| -> Result<()> {
                    loop {
                        let i = {
                            let mut n = next.lock().expect("page counter");
                            *n += 1;
                            *n - 1
                        };
                        let Some(&(g, k, entry)) = pages.get(i) else { return Ok(()) };
                        let Entry::Get { path, headers } = entry else { bail!("{} is not a read route", route.route) };
                        let r = http::get(addr, path, headers)?;
                        if r.status != 200 {
                            bail!("GET {path} answered {} (expected 200):\n{}", r.status, String::from_utf8_lossy(&r.body));
                        }
                        total.fetch_add(r.body.len() as u64, std::sync::atomic::Ordering::Relaxed);
                        if let Some(root) = root {
                            std::fs::create_dir_all(root)?;
                            std::fs::write(root.join(file(g, k)), &r.body)?;
                        }
                    }
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| w.join().unwrap_or_else(|_| bail!("a page fetcher panicked")))
    })?;
    let mean = total.into_inner() / (pages.len() as u64).max(1);
    let ceiling = match root {
        Some(_) => Some(route.load.map(|g, k, e| match e {
            Entry::Get { headers, .. } => Ok(Entry::Get { path: format!("{prefix}/{}", file(g, k)), headers: headers.clone() }),
            Entry::Reply { .. } => bail!("not a read"),
        })?),
        None => None,
    };
    Ok((mean, ceiling))
}

/// A session minga did not recognise would silently measure a visitor.
fn check_session(addr: SocketAddr, creds: &Credentials) -> Result<()> {
    let cookie = vec![("Cookie".to_string(), format!("_t={}", creds.session))];
    let r = http::get(addr, "/session/current.json", &cookie)?;
    let body = String::from_utf8_lossy(&r.body);
    if r.status != 200 || !body.contains(&format!("\"{}\"", creds.username)) {
        bail!("minga did not recognise the member's session ({}): {body}", r.status);
    }
    Ok(())
}

/// One reply through the API before loading, so a broken write path fails
/// with its message rather than as a column of errors.
fn check_reply(addr: SocketAddr, creds: &Credentials, meta: &Meta) -> Result<()> {
    let topic = *meta.write_topics.first().context("no topic to reply to")?;
    let body = serde_json::json!({ "topic_id": topic, "raw": "Checking that replies work before the load. :+1:" }).to_string();
    let headers = vec![
        ("Api-Key".to_string(), creds.api_key.clone()),
        ("Api-Username".to_string(), creds.writer.clone()),
        ("Content-Type".to_string(), "application/json".to_string()),
    ];
    let r = http::request(addr, "POST", "/posts.json", &headers, Some(&body))?;
    if r.status != 200 {
        bail!("POST /posts.json answered {}:\n{}", r.status, String::from_utf8_lossy(&r.body));
    }
    Ok(())
}

fn report_line(what: &str, o: &wrk::Outcome, rss: f64) {
    let errors = match (o.errors, o.server_errors) {
        (0, _) => String::new(),
        (e, Some(five)) => format!("  {e} errors ({five} 5xx)"),
        (e, None) => format!("  {e} errors"),
    };
    eprintln!(
        "  {what:<36} {:>8.0} req/s  p50 {:>6.2} ms  p99 {:>7.2} ms  max {:>6.0} ms  RSS {:>5.0} MB{errors}",
        o.rps, o.p50_ms, o.p99_ms, o.max_ms, rss
    );
}

/// Runs a route's load against minga, sampling its memory meanwhile.
fn load(server: &mut Minga, route: &Route, settings: wrk::Settings, work: &Path) -> Result<(wrk::Outcome, f64)> {
    let sampler = RssSampler::start(server.pid());
    let outcome = wrk::run(server.addr, &route.load, settings, &work.join("load.lua"));
    let rss = sampler.finish();
    let outcome = outcome?;
    server.check_alive()?;
    report_line(&format!("{} ({})", route.route, route.who), &outcome, rss);
    Ok((outcome, rss))
}

/// Many connections of reads and replies: a row for each.
fn crowd(server: &mut Minga, c: &Crowd) -> Result<Vec<Row>> {
    let sampler = RssSampler::start(server.pid());
    let outcome = crowd::run(server.addr, &c.reads, &c.reply, c.settings);
    let rss = sampler.finish();
    let outcome = outcome?;
    server.check_alive()?;
    if let Some(e) = &outcome.first_error {
        eprintln!("    the first failure under {} connections: {e}", c.settings.connections);
    }
    let name = |kind: &str| format!("mixed-{} {kind}", c.settings.connections);
    let note = format!(
        "{} connections for {} s, {}% replies through the API, the rest reads as in forum-day",
        c.settings.connections, c.settings.seconds, c.settings.reply_percent
    );
    let row = |route: String, who: &str, outcome: wrk::Outcome| {
        report_line(&format!("{route} ({who})"), &outcome, rss);
        Row {
            route,
            who: who.into(),
            note: Some(note.clone()),
            topic_replies: None,
            page: None,
            outcome,
            rss_mb: rss,
            bytes: None,
            ceiling: None,
            background: None,
        }
    };
    Ok(vec![row(name("reads"), "mixed", outcome.reads), row(name("replies"), "member", outcome.replies)])
}
