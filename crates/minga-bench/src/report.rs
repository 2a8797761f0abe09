//! The results: `report.json` and the Markdown tables printed at the end,
//! with the goals checked against the largest data set.

use crate::routes::thousands;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Clone, Debug, Serialize)]
pub struct RouteResult {
    pub route: String,
    #[serde(rename = "as")]
    pub who: String,
    pub posts: u64,
    /// Good answers (2xx, 3xx) per second.
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// rps over nginx's rps for the same bytes; null for writes and the mixes.
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
    pub posts: u64,
    pub topics: u64,
    pub users: u64,
    pub boot_ms: f64,
    pub idle_rss_mb: f64,
    pub idle_rss_after_load_mb: f64,
    /// Generation time, or null when the data came from the cache.
    pub generate_s: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LongTopic {
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
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub mode: String,
    /// Start-up to first 200 and idle memory, on the largest data set.
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
            r.page.as_deref() == Some("last") && r.topic_replies == first.topic_replies && r.posts == first.posts
        });
        if let (Some(last), Some(replies)) = (last, first.topic_replies) {
            out.push(LongTopic {
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

/// The goals, judged on the largest data set measured.
pub fn goals(routes: &[RouteResult], datasets: &[Dataset], long: &[LongTopic]) -> Vec<Goal> {
    let largest = datasets.iter().map(|d| d.posts).max().unwrap_or(0);
    let find = |which: &dyn Fn(&RouteResult) -> bool| routes.iter().find(|r| r.posts == largest && which(r));
    let size = thousands(largest);
    let mut goals = Vec::new();
    let mut goal = |text: String, value: Option<f64>, unit: &'static str, ok: fn(f64) -> bool| {
        goals.push(Goal { met: value.is_some_and(ok), goal: text, value, unit });
    };
    let percent = |r: Option<&RouteResult>| r.and_then(|r| r.ceiling_fraction).map(|f| f * 100.0);
    for route in ["/t/{slug}/{id}", "/latest"] {
        let r = find(&|r| is(r, route, "visitor") && sample_topics(r));
        goal(format!("{route} as visitor ≥ 30% of the static ceiling ({size} posts)"), percent(r), "%", |v| v >= 30.0);
        goal(format!("{route} as visitor p99 < 25 ms ({size} posts)"), r.map(|r| r.p99_ms), "ms", |v| v < 25.0);
    }
    let every = find(&every_topic);
    goal(format!("member topic page, every topic, ≥ 25% of the static ceiling ({size} posts)"), percent(every), "%", |v| v >= 25.0);
    goal(format!("member topic page, every topic, p99 < 25 ms ({size} posts)"), every.map(|r| r.p99_ms), "ms", |v| v < 25.0);
    let day = find(&|r| is(r, "forum-day", "mixed"));
    goal(format!("forum-day ≥ 25% of the static ceiling ({size} posts)"), percent(day), "%", |v| v >= 25.0);
    goal(format!("forum-day p99 < 25 ms ({size} posts)"), day.map(|r| r.p99_ms), "ms", |v| v < 25.0);
    let replies = find(&|r| is(r, "POST /posts.json", "member"));
    goal(format!("replies ≥ 1,000/s ({size} posts)"), replies.map(|r| r.rps), "/s", |v| v >= 1000.0);
    let d = datasets.iter().find(|d| d.posts == largest);
    goal(format!("idle RSS < 64 MB ({size} posts)"), d.map(|d| d.idle_rss_mb), "MB", |v| v < 64.0);
    let peak = routes.iter().filter(|r| r.posts == largest).map(|r| r.rss_mb).reduce(f64::max);
    goal(format!("RSS under load < 256 MB ({size} posts)"), peak, "MB", |v| v < 256.0);
    goal(format!("start-up to first 200 < 250 ms ({size} posts)"), d.map(|d| d.boot_ms), "ms", |v| v < 250.0);
    if let Some(t) = long.iter().max_by_key(|t| t.replies) {
        let text = format!("last page of a {}-reply topic within 1.5× the first (first req/s ÷ last req/s)", thousands(t.replies));
        goal(text, Some(t.last_vs_first), "×", |v| v <= 1.5);
    }
    // Many connections: replies stay under a second and nothing fails.
    let crowd: Vec<&RouteResult> = routes.iter().filter(|r| r.posts == largest && r.route.starts_with("mixed-")).collect();
    if let Some(replies) = crowd.iter().find(|r| r.route.ends_with(" replies")) {
        let connections = replies.route.trim_start_matches("mixed-").trim_end_matches(" replies");
        let at = format!("{connections} connections, {size} posts");
        goal(format!("reply p99 < 1 s at {at}"), Some(replies.p99_ms).filter(|_| replies.requests > 0), "ms", |v| v < 1000.0);
        let five: Option<u64> = crowd.iter().map(|r| r.server_errors).sum();
        goal(format!("no 5xx answers at {at}"), five.map(|n| n as f64), "answers", |v| v == 0.0);
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
    let _ = writeln!(s, "| route | as | posts | req/s | p50 ms | p99 ms | max ms | of ceiling | RSS MB | errors | note |");
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for r in &report.routes {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {:.0} | {:.2} | {:.2} | {:.0} | {} | {:.0} | {} | {} |",
            r.route,
            r.who,
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
    let _ = writeln!(s, "\n| posts | start-up to first 200 | idle RSS | idle RSS after load | generated in |");
    let _ = writeln!(s, "|---:|---:|---:|---:|---:|");
    for d in &report.datasets {
        let _ = writeln!(
            s,
            "| {} | {:.0} ms | {:.1} MB | {:.1} MB | {} |",
            thousands(d.posts),
            d.boot_ms,
            d.idle_rss_mb,
            d.idle_rss_after_load_mb,
            opt(d.generate_s, |g| format!("{g:.1} s")),
        );
    }
    let _ = writeln!(s, "\n| goal | value | met |");
    let _ = writeln!(s, "|---|---:|---|");
    for g in &report.goals {
        let value = opt(g.value, |v| figure(v, g.unit));
        let _ = writeln!(s, "| {} | {value} | {} |", g.goal, if g.met { "yes" } else { "**no**" });
    }
    let _ = writeln!(
        s,
        "\nwrk -t{} -c{} -d{}s on 127.0.0.1; mixed traffic: {} connections for {} s; seed {}; whole run {:.0} s.",
        report.threads, report.connections, report.seconds_per_route, report.crowd_connections, report.crowd_seconds, report.seed, report.wall_s
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row with (req/s, p99 ms, the ceiling's req/s).
    fn row(posts: u64, route: &str, who: &str, note: Option<&str>, (rps, p99_ms, ceiling): (f64, f64, Option<f64>)) -> RouteResult {
        RouteResult {
            route: route.into(),
            who: who.into(),
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

    fn dataset(posts: u64) -> Dataset {
        Dataset { posts, topics: 1, users: 1, boot_ms: 100.0, idle_rss_mb: 30.0, idle_rss_after_load_mb: 40.0, generate_s: None }
    }

    fn goal<'a>(goals: &'a [Goal], starts: &str) -> &'a Goal {
        goals.iter().find(|g| g.goal.starts_with(starts)).unwrap_or_else(|| panic!("no goal {starts}"))
    }

    #[test]
    fn goals_read_the_largest_data_set_and_the_right_rows() {
        let every = Some("every topic (2,000 of 5,000, evenly spread)");
        let routes = vec![
            row(10, "/t/{slug}/{id}", "member", every, (900.0, 5.0, Some(1000.0))),
            row(100, "/t/{slug}/{id}", "member", None, (100.0, 50.0, Some(1000.0))),
            row(100, "/t/{slug}/{id}", "member", every, (300.0, 20.0, Some(1000.0))),
            row(100, "forum-day", "mixed", Some("…"), (200.0, 30.0, Some(1000.0))),
            row(100, "mixed-500 reads", "mixed", None, (200.0, 300.0, None)),
            row(100, "mixed-500 replies", "member", None, (20.0, 1500.0, None)),
        ];
        let goals = goals(&routes, &[dataset(10), dataset(100)], &[]);
        let every = goal(&goals, "member topic page, every topic, ≥ 25%");
        assert_eq!((every.value, every.met), (Some(30.0), true));
        let every_p99 = goal(&goals, "member topic page, every topic, p99");
        assert_eq!((every_p99.value, every_p99.met), (Some(20.0), true));
        let day = goal(&goals, "forum-day ≥ 25%");
        assert_eq!((day.value, day.met), (Some(20.0), false));
        let replies = goal(&goals, "reply p99 < 1 s at 500 connections");
        assert_eq!((replies.value, replies.met), (Some(1500.0), false));
        assert!(goal(&goals, "no 5xx answers at 500 connections").met);
        // A goal without its row is not met.
        assert!(!goal(&goals, "replies ≥ 1,000/s").met);
    }
}
