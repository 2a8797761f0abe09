//! The results: `report.json` and the Markdown tables printed at the end,
//! with the goals judged on the largest SQLite data set and the
//! PostgreSQL figures beside them (judged only where a goal names both).

use crate::routes::thousands;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Clone, Debug, Serialize)]
pub struct RouteResult {
    pub route: String,
    #[serde(rename = "as")]
    pub who: String,
    /// `sqlite` or `postgres`.
    pub db: String,
    pub posts: u64,
    /// Good answers (2xx, 3xx) per second.
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// rps over nginx's rps for the same bytes; null for writes and the mixes.
    /// PostgreSQL rows use the ceiling measured with the SQLite rows.
    pub ceiling_fraction: Option<f64>,
    /// Peak resident memory of minga during this route's load.
    pub rss_mb: f64,
    pub ceiling_rps: Option<f64>,
    pub ceiling_p99_ms: Option<f64>,
    pub requests: u64,
    /// Non-2xx/3xx answers and socket errors during the load.
    pub errors: u64,
    /// 5xx answers among the errors, where counted (the 500-connection rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_errors: Option<u64>,
    /// Mean size of the answers, for read routes.
    pub bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_replies: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Replies posted at a steady rate during the load (forum-day).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background_replies: Option<BackgroundReplies>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BackgroundReplies {
    pub per_second: u32,
    pub ok: u64,
    pub errors: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Dataset {
    pub db: String,
    pub posts: u64,
    pub topics: u64,
    pub users: u64,
    pub boot_ms: f64,
    pub idle_rss_mb: f64,
    pub idle_rss_after_load_mb: f64,
    /// Generation time, or null when the data came from the cache.
    pub generate_s: Option<f64>,
    /// PostgreSQL: time to make the database and copy the forum into it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_s: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LongTopic {
    pub db: String,
    pub replies: u64,
    pub posts: u64,
    pub first_rps: f64,
    pub last_rps: f64,
    pub first_p50_ms: f64,
    pub last_p50_ms: f64,
    /// How much slower the last page is: first rps / last rps.
    pub last_vs_first: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Goal {
    pub goal: String,
    /// In `unit`: a fraction of the ceiling is given in percent.
    pub value: Option<f64>,
    pub unit: &'static str,
    pub met: bool,
    /// The same figure on PostgreSQL, reported beside and not judged.
    pub postgres: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub mode: String,
    /// Start-up to first 200 and idle memory, on the largest SQLite data set.
    pub boot_ms: f64,
    pub idle_rss_mb: f64,
    pub routes: Vec<RouteResult>,
    pub datasets: Vec<Dataset>,
    pub long_topics: Vec<LongTopic>,
    pub goals: Vec<Goal>,
    pub connections: u32,
    pub threads: u32,
    pub seconds_per_route: u32,
    /// The mixed traffic of many connections: how many, for how long.
    pub crowd_connections: usize,
    pub crowd_seconds: u32,
    pub seed: u64,
    pub wall_s: f64,
}

/// Pairs each long topic's first and last page.
pub fn long_topics(routes: &[RouteResult]) -> Vec<LongTopic> {
    let mut out = Vec::new();
    for first in routes.iter().filter(|r| r.page.as_deref() == Some("first")) {
        let last = routes.iter().find(|r| {
            r.page.as_deref() == Some("last") && r.topic_replies == first.topic_replies && r.posts == first.posts && r.db == first.db
        });
        if let (Some(last), Some(replies)) = (last, first.topic_replies) {
            out.push(LongTopic {
                db: first.db.clone(),
                replies,
                posts: first.posts,
                first_rps: first.rps,
                last_rps: last.rps,
                first_p50_ms: first.p50_ms,
                last_p50_ms: last.p50_ms,
                last_vs_first: first.rps / last.rps.max(f64::MIN_POSITIVE),
            });
        }
    }
    out
}

/// Which row a goal reads.
fn is(r: &RouteResult, route: &str, who: &str) -> bool {
    r.route == route && r.who == who && r.page.is_none()
}

fn every_topic(r: &RouteResult) -> bool {
    is(r, "/t/{slug}/{id}", "member") && r.note.as_deref().is_some_and(|n| n.starts_with("every topic"))
}

fn sample_topics(r: &RouteResult) -> bool {
    r.note.is_none()
}

fn rows<'a>(routes: &'a [RouteResult], db: &'a str, posts: Option<u64>) -> impl Iterator<Item = &'a RouteResult> {
    routes.iter().filter(move |r| r.db == db && Some(r.posts) == posts)
}

/// The goals, judged on the largest SQLite data set measured, with
/// the largest PostgreSQL one's figures beside.
pub fn goals(routes: &[RouteResult], datasets: &[Dataset], long: &[LongTopic]) -> Vec<Goal> {
    let largest = |db: &str| datasets.iter().filter(|d| d.db == db).map(|d| d.posts).max();
    let (sqlite, postgres) = (largest("sqlite").unwrap_or(0), largest("postgres"));
    let find = |db: &str, posts: Option<u64>, which: &dyn Fn(&RouteResult) -> bool| rows(routes, db, posts).find(|r| which(r)).cloned();
    let size = thousands(sqlite);
    let mut goals = Vec::new();
    // A goal's figure on both backends: judged on SQLite, reported on PostgreSQL.
    let mut goal = |text: String, unit: &'static str, ok: fn(f64) -> bool, value: &dyn Fn(&str, Option<u64>) -> Option<f64>| {
        let v = value("sqlite", Some(sqlite));
        let pg = postgres.and_then(|p| value("postgres", Some(p)));
        goals.push(Goal { met: v.is_some_and(ok), goal: text, value: v, unit, postgres: pg });
    };
    let percent = |r: Option<RouteResult>| r.and_then(|r| r.ceiling_fraction).map(|f| f * 100.0);
    for route in ["/t/{slug}/{id}", "/latest"] {
        let visitor = |r: &RouteResult| is(r, route, "visitor") && sample_topics(r);
        goal(format!("{route} as visitor ≥ 30% of the static ceiling ({size} posts)"), "%", |v| v >= 30.0, &|db, p| {
            percent(find(db, p, &visitor))
        });
        goal(format!("{route} as visitor p99 < 25 ms ({size} posts)"), "ms", |v| v < 25.0, &|db, p| {
            find(db, p, &visitor).map(|r| r.p99_ms)
        });
    }
    goal(format!("member topic page, every topic, ≥ 25% of the static ceiling ({size} posts)"), "%", |v| v >= 25.0, &|db, p| {
        percent(find(db, p, &every_topic))
    });
    goal(format!("member topic page, every topic, p99 < 25 ms ({size} posts)"), "ms", |v| v < 25.0, &|db, p| {
        find(db, p, &every_topic).map(|r| r.p99_ms)
    });
    let day = |r: &RouteResult| is(r, "forum-day", "mixed");
    goal(format!("forum-day ≥ 25% of the static ceiling ({size} posts)"), "%", |v| v >= 25.0, &|db, p| percent(find(db, p, &day)));
    goal(format!("forum-day p99 < 25 ms ({size} posts)"), "ms", |v| v < 25.0, &|db, p| find(db, p, &day).map(|r| r.p99_ms));
    goal(format!("replies ≥ 1,000/s ({size} posts)"), "/s", |v| v >= 1000.0, &|db, p| {
        find(db, p, &|r| is(r, "POST /posts.json", "member")).map(|r| r.rps)
    });
    let dataset = |db: &str, p: Option<u64>| datasets.iter().find(|d| d.db == db && Some(d.posts) == p).cloned();
    goal(format!("idle RSS < 64 MB ({size} posts)"), "MB", |v| v < 64.0, &|db, p| dataset(db, p).map(|d| d.idle_rss_mb));
    goal(format!("RSS under load < 256 MB ({size} posts)"), "MB", |v| v < 256.0, &|db, p| {
        rows(routes, db, p).map(|r| r.rss_mb).reduce(f64::max)
    });
    goal(format!("start-up to first 200 < 250 ms ({size} posts)"), "ms", |v| v < 250.0, &|db, p| dataset(db, p).map(|d| d.boot_ms));
    if let Some(t) = long.iter().filter(|t| t.db == "sqlite").max_by_key(|t| t.replies) {
        let pg = long.iter().find(|p| p.db == "postgres" && p.replies == t.replies && Some(p.posts) == postgres);
        goals.push(Goal {
            goal: format!("last page of a {}-reply topic within 1.5× the first (first req/s ÷ last req/s)", thousands(t.replies)),
            value: Some(t.last_vs_first),
            unit: "×",
            met: t.last_vs_first <= 1.5,
            postgres: pg.map(|p| p.last_vs_first),
        });
    }
    // Many connections: judged on both backends, each at its largest size.
    for (db, posts) in [("sqlite", Some(sqlite)), ("postgres", postgres)] {
        let Some(posts) = posts else { continue };
        let crowd: Vec<&RouteResult> = rows(routes, db, Some(posts)).filter(|r| r.route.starts_with("mixed-")).collect();
        let Some(replies) = crowd.iter().find(|r| r.route.ends_with(" replies")) else { continue };
        let connections = replies.route.trim_start_matches("mixed-").trim_end_matches(" replies");
        let at = format!("{connections} connections, {db}, {} posts", thousands(posts));
        goals.push(Goal {
            goal: format!("reply p99 < 1 s at {at}"),
            value: Some(replies.p99_ms),
            unit: "ms",
            met: replies.p99_ms < 1000.0 && replies.requests > 0,
            postgres: None,
        });
        let five: Option<u64> = crowd.iter().map(|r| r.server_errors).sum();
        goals.push(Goal {
            goal: format!("no 5xx answers at {at}"),
            value: five.map(|n| n as f64),
            unit: "answers",
            met: five == Some(0),
            postgres: None,
        });
    }
    goals
}

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map(f).unwrap_or_else(|| "–".into())
}

/// The errors column: 5xx counted apart where known, and the background
/// replies' failures.
fn errors(r: &RouteResult) -> String {
    let mut e = r.errors.to_string();
    if let Some(five) = r.server_errors.filter(|&n| n > 0) {
        e.push_str(&format!(" ({five} 5xx)"));
    }
    if let Some(b) = r.background_replies.as_ref().filter(|b| b.errors > 0) {
        e.push_str(&format!(" + {} replies", b.errors));
    }
    e
}

fn note(r: &RouteResult) -> String {
    let mut n = r.note.clone().unwrap_or_default();
    if let Some(b) = &r.background_replies {
        n.push_str(&format!(" (replies made: {}, p99 {:.0} ms)", b.ok, b.p99_ms));
    }
    n
}

fn figure(v: f64, unit: &str) -> String {
    if unit == "answers" { format!("{v:.0} {unit}") } else { format!("{v:.1} {unit}") }
}

pub fn markdown(report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "| route | as | db | posts | req/s | p50 ms | p99 ms | max ms | of ceiling | RSS MB | errors | note |");
    let _ = writeln!(s, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for r in &report.routes {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.0} | {} | {:.0} | {} | {} |",
            r.route,
            r.who,
            r.db,
            thousands(r.posts),
            r.rps,
            r.p50_ms,
            r.p99_ms,
            r.max_ms,
            opt(r.ceiling_fraction, |f| format!("{:.1}% of {:.0}", f * 100.0, r.ceiling_rps.unwrap_or(0.0))),
            r.rss_mb,
            errors(r),
            note(r),
        );
    }
    let _ = writeln!(s, "\n| db | posts | start-up to first 200 | idle RSS | idle RSS after load | generated in | copied in |");
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|");
    for d in &report.datasets {
        let _ = writeln!(
            s,
            "| {} | {} | {:.0} ms | {:.1} MB | {:.1} MB | {} | {} |",
            d.db,
            thousands(d.posts),
            d.boot_ms,
            d.idle_rss_mb,
            d.idle_rss_after_load_mb,
            opt(d.generate_s, |g| format!("{g:.1} s")),
            opt(d.copy_s, |c| format!("{c:.1} s")),
        );
    }
    let _ = writeln!(s, "\n| goal | value | met | postgres (not judged) |");
    let _ = writeln!(s, "|---|---:|---|---:|");
    for g in &report.goals {
        let value = opt(g.value, |v| figure(v, g.unit));
        let pg = opt(g.postgres, |v| figure(v, g.unit));
        let _ = writeln!(s, "| {} | {value} | {} | {pg} |", g.goal, if g.met { "yes" } else { "**no**" });
    }
    let _ = writeln!(
        s,
        "\nwrk -t{} -c{} -d{}s on 127.0.0.1; mixed traffic: {} connections for {} s; seed {}; whole run {:.0} s. \
         PostgreSQL rows are compared with the ceiling measured for the SQLite rows.",
        report.threads, report.connections, report.seconds_per_route, report.crowd_connections, report.crowd_seconds, report.seed, report.wall_s
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row with (req/s, p99 ms, the ceiling's req/s).
    fn row(db: &str, posts: u64, route: &str, who: &str, note: Option<&str>, (rps, p99_ms, ceiling): (f64, f64, Option<f64>)) -> RouteResult {
        RouteResult {
            route: route.into(),
            who: who.into(),
            db: db.into(),
            posts,
            rps,
            p50_ms: 1.0,
            p99_ms,
            max_ms: p99_ms,
            ceiling_fraction: ceiling.map(|c| rps / c),
            rss_mb: 50.0,
            ceiling_rps: ceiling,
            ceiling_p99_ms: None,
            requests: 100,
            errors: 0,
            server_errors: route.starts_with("mixed-").then_some(0),
            bytes: None,
            note: note.map(Into::into),
            topic_replies: None,
            page: None,
            background_replies: None,
        }
    }

    fn dataset(db: &str, posts: u64) -> Dataset {
        Dataset { db: db.into(), posts, topics: 1, users: 1, boot_ms: 100.0, idle_rss_mb: 30.0, idle_rss_after_load_mb: 40.0, generate_s: None, copy_s: None }
    }

    fn goal<'a>(goals: &'a [Goal], starts: &str) -> &'a Goal {
        goals.iter().find(|g| g.goal.starts_with(starts)).unwrap_or_else(|| panic!("no goal {starts}"))
    }

    #[test]
    fn goals_read_the_largest_sqlite_rows_with_postgres_beside() {
        let every = Some("every topic (2,000 of 5,000, evenly spread)");
        let routes = vec![
            row("sqlite", 10, "/t/{slug}/{id}", "member", every, (900.0, 5.0, Some(1000.0))),
            row("sqlite", 100, "/t/{slug}/{id}", "member", None, (100.0, 50.0, Some(1000.0))),
            row("sqlite", 100, "/t/{slug}/{id}", "member", every, (300.0, 20.0, Some(1000.0))),
            row("sqlite", 100, "forum-day", "mixed", Some("…"), (200.0, 30.0, Some(1000.0))),
            row("sqlite", 100, "mixed-500 reads", "mixed", None, (200.0, 300.0, None)),
            row("sqlite", 100, "mixed-500 replies", "member", None, (20.0, 900.0, None)),
            row("postgres", 100, "/t/{slug}/{id}", "member", every, (100.0, 40.0, Some(1000.0))),
            row("postgres", 100, "mixed-500 replies", "member", None, (20.0, 1500.0, None)),
        ];
        let datasets = vec![dataset("sqlite", 10), dataset("sqlite", 100), dataset("postgres", 100)];
        let goals = goals(&routes, &datasets, &[]);
        let every = goal(&goals, "member topic page, every topic, ≥ 25%");
        assert_eq!((every.value, every.met, every.postgres), (Some(30.0), true, Some(10.0)));
        let every_p99 = goal(&goals, "member topic page, every topic, p99");
        assert_eq!((every_p99.value, every_p99.met), (Some(20.0), true));
        let day = goal(&goals, "forum-day ≥ 25%");
        assert_eq!((day.value, day.met, day.postgres), (Some(20.0), false, None));
        let sqlite = goal(&goals, "reply p99 < 1 s at 500 connections, sqlite");
        assert_eq!((sqlite.value, sqlite.met), (Some(900.0), true));
        let postgres = goal(&goals, "reply p99 < 1 s at 500 connections, postgres");
        assert_eq!((postgres.value, postgres.met), (Some(1500.0), false));
        assert!(goal(&goals, "no 5xx answers at 500 connections, sqlite").met);
        // A goal without its row is not met.
        assert!(!goal(&goals, "replies ≥ 1,000/s").met);
    }
}
