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
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// rps over nginx's rps for the same bytes; null for writes and the mix.
    pub ceiling_fraction: Option<f64>,
    /// Peak resident memory of minga during this route's load.
    pub rss_mb: f64,
    pub ceiling_rps: Option<f64>,
    pub ceiling_p99_ms: Option<f64>,
    pub requests: u64,
    /// Non-2xx answers and socket errors during the load.
    pub errors: u64,
    /// Mean size of the answers, for read routes.
    pub bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_replies: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
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
    pub seed: u64,
    pub wall_s: f64,
}

/// Pairs each long topic's first and last page.
pub fn long_topics(routes: &[RouteResult]) -> Vec<LongTopic> {
    let mut out = Vec::new();
    for first in routes.iter().filter(|r| r.page.as_deref() == Some("first")) {
        let last = routes.iter().find(|r| r.page.as_deref() == Some("last") && r.topic_replies == first.topic_replies && r.posts == first.posts);
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

/// The goals, judged on the largest data set measured.
pub fn goals(routes: &[RouteResult], datasets: &[Dataset], long: &[LongTopic]) -> Vec<Goal> {
    let largest = datasets.iter().map(|d| d.posts).max().unwrap_or(0);
    let at = |route: &str, who: &str| routes.iter().find(|r| r.posts == largest && r.route == route && r.who == who && r.page.is_none());
    let size = thousands(largest);
    let mut goals = Vec::new();
    let mut goal = |text: String, value: Option<f64>, unit: &'static str, ok: fn(f64) -> bool| {
        goals.push(Goal { met: value.is_some_and(ok), goal: text, value, unit });
    };
    for route in ["/t/{slug}/{id}", "/latest"] {
        let r = at(route, "visitor");
        let percent = r.and_then(|r| r.ceiling_fraction).map(|f| f * 100.0);
        goal(format!("{route} as visitor ≥ 30% of the static ceiling ({size} posts)"), percent, "%", |v| v >= 30.0);
        goal(format!("{route} as visitor p99 < 25 ms ({size} posts)"), r.map(|r| r.p99_ms), "ms", |v| v < 25.0);
    }
    goal(format!("replies ≥ 1,000/s ({size} posts)"), at("POST /posts.json", "member").map(|r| r.rps), "/s", |v| v >= 1000.0);
    let d = datasets.iter().find(|d| d.posts == largest);
    goal(format!("idle RSS < 64 MB ({size} posts)"), d.map(|d| d.idle_rss_mb), "MB", |v| v < 64.0);
    let peak = routes.iter().filter(|r| r.posts == largest).map(|r| r.rss_mb).fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
    goal(format!("RSS under load < 256 MB ({size} posts)"), peak, "MB", |v| v < 256.0);
    goal(format!("start-up to first 200 < 250 ms ({size} posts)"), d.map(|d| d.boot_ms), "ms", |v| v < 250.0);
    if let Some(t) = long.iter().max_by_key(|t| t.replies) {
        let text = format!("last page of a {}-reply topic within 1.5× the first (first req/s ÷ last req/s)", thousands(t.replies));
        goal(text, Some(t.last_vs_first), "×", |v| v <= 1.5);
    }
    goals
}

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map(f).unwrap_or_else(|| "–".into())
}

pub fn markdown(report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "| route | as | posts | req/s | p50 ms | p99 ms | of ceiling | RSS MB | errors | note |");
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for r in &report.routes {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {:.0} | {:.2} | {:.2} | {} | {:.0} | {} | {} |",
            r.route,
            r.who,
            thousands(r.posts),
            r.rps,
            r.p50_ms,
            r.p99_ms,
            opt(r.ceiling_fraction, |f| format!("{:.1}% of {:.0}", f * 100.0, r.ceiling_rps.unwrap_or(0.0))),
            r.rss_mb,
            r.errors,
            r.note.as_deref().unwrap_or(""),
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
        let value = opt(g.value, |v| format!("{v:.1} {}", g.unit));
        let _ = writeln!(s, "| {} | {value} | {} |", g.goal, if g.met { "yes" } else { "**no**" });
    }
    let _ = writeln!(
        s,
        "\nwrk -t{} -c{} -d{}s on 127.0.0.1; seed {}; whole run {:.0} s.",
        report.threads, report.connections, report.seconds_per_route, report.seed, report.wall_s
    );
    s
}
