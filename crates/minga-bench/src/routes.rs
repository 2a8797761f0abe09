//! What is measured on one data set: each route as a wrk load, with who
//! asks (a visitor has no cookies at all, like a first visit or a crawler;
//! a member sends the session and CSRF cookies a browser would).

use crate::meta::{Meta, TopicRef};
use crate::rng::Rng;
use crate::text;
use crate::wrk::{Entry, Group, Load};
use crate::zipf;

/// Pages (or topics) a route spreads over at most: enough to miss minga's
/// caches as a real day would, few enough to fetch once for the ceiling.
pub const MOST_PAGES: usize = 2_000;
/// minga's topic pages hold this many posts (`minga_web::views::POSTS_PER_PAGE`).
const POSTS_PER_PAGE: i64 = 20;

/// The credentials a run made: the member's session, the writer's key.
pub struct Credentials {
    pub session: String,
    pub username: String,
    pub api_key: String,
    pub writer: String,
}

pub struct Route {
    /// The path measured, as a template.
    pub route: String,
    pub who: &'static str,
    pub load: Load,
    /// File extension for the ceiling copies, so nginx sends the same type.
    pub ext: &'static str,
    pub note: Option<String>,
    pub topic_replies: Option<u64>,
    pub page: Option<&'static str>,
    /// Replies posted through the API at this steady rate while the route
    /// is loaded (a forum's day has writes among its reads).
    pub replies_per_second: Option<u32>,
}

fn get(path: String, headers: &[(String, String)]) -> Entry {
    Entry::Get { path, headers: headers.to_vec() }
}

pub fn member_cookies(m: &Credentials) -> Vec<(String, String)> {
    // Any CSRF value of 16+ characters is kept as is, as a browser's would be.
    vec![("Cookie".into(), format!("_t={}; _csrf=minga-bench-csrf-cookie", m.session))]
}

fn api_headers(m: &Credentials) -> Vec<(String, String)> {
    vec![
        ("Api-Key".into(), m.api_key.clone()),
        ("Api-Username".into(), m.writer.clone()),
        ("Content-Type".into(), "application/json".into()),
    ]
}

fn route(route: &str, who: &'static str, load: Load, ext: &'static str) -> Route {
    Route {
        route: route.into(),
        who,
        load,
        ext,
        note: None,
        topic_replies: None,
        page: None,
        replies_per_second: None,
    }
}

fn topic_pages(meta: &Meta, headers: &[(String, String)]) -> Vec<Entry> {
    meta.sample_topics.iter().map(|t| get(format!("/t/{}/{}", t.slug, t.id), headers)).collect()
}

/// Reply texts for the write path: generated like the data, JSON-encoded.
fn reply_raws(meta: &Meta) -> Vec<String> {
    (0..32u64)
        .map(|k| serde_json::to_string(&text::post(&mut Rng::derive(meta.seed, &[99, k]), meta.users)).expect("a string encodes"))
        .collect()
}

/// The reads, on topics with a full first page (they take turns).
pub fn reads(meta: &Meta, creds: &Credentials) -> Vec<Route> {
    let cookies = member_cookies(creds);
    vec![
        route("/t/{slug}/{id}", "visitor", Load::one(topic_pages(meta, &[])), "html"),
        route("/t/{slug}/{id}", "member", Load::one(topic_pages(meta, &cookies)), "html"),
        route(
            "/t/{id}.json",
            "visitor",
            Load::one(meta.sample_topics.iter().map(|t| get(format!("/t/{}.json", t.id), &[])).collect()),
            "json",
        ),
        route("/latest", "visitor", Load::one(vec![get("/latest".into(), &[])]), "html"),
        route("/latest.json", "visitor", Load::one(vec![get("/latest.json".into(), &[])]), "json"),
        route("/categories", "visitor", Load::one(vec![get("/categories".into(), &[])]), "html"),
    ]
}

/// First and last page of each long topic, as a visitor. "Last" is the
/// last full page: the very last one may hold a single post, which would
/// flatter it, and the question is whether depth costs anything.
pub fn long_topics(meta: &Meta) -> Vec<Route> {
    let mut out = Vec::new();
    for t in &meta.long_topics {
        let last = ((t.replies + 1) / 20).max(1);
        for (page, path, template) in [
            ("first", format!("/t/{}/{}", t.slug, t.id), "/t/{slug}/{id}"),
            ("last", format!("/t/{}/{}?page={last}", t.slug, t.id), "/t/{slug}/{id}?page={last}"),
        ] {
            let mut r = route(template, "visitor", Load::one(vec![get(path, &[])]), "html");
            let which = if page == "first" { "first page".to_string() } else { format!("last full page ({last})") };
            r.note = Some(format!("topic with {} replies, {which}", thousands(t.replies)));
            r.topic_replies = Some(t.replies);
            r.page = Some(page);
            out.push(r);
        }
    }
    out
}

/// Replies through the API with the writer's key, to the write topics.
pub fn reply(meta: &Meta, creds: &Credentials) -> Entry {
    Entry::Reply { headers: api_headers(creds), topics: meta.write_topics.clone(), raws: reply_raws(meta) }
}

/// The write path: replies through the API, cooking included.
pub fn writes(meta: &Meta, creds: &Credentials) -> Route {
    route("POST /posts.json", "member", Load::one(vec![reply(meta, creds)]), "json")
}

/// Members reading and replying: 90% reads, 10% replies.
pub fn mix(meta: &Meta, creds: &Credentials) -> Route {
    let cookies = member_cookies(creds);
    let load = Load {
        groups: vec![
            Group::turns(50, topic_pages(meta, &cookies)),
            Group::turns(20, vec![get("/latest".into(), &cookies)]),
            Group::turns(10, vec![get("/latest.json".into(), &cookies)]),
            Group::turns(10, meta.sample_topics.iter().map(|t| get(format!("/t/{}.json", t.id), &cookies)).collect()),
            Group::turns(10, vec![reply(meta, creds)]),
        ],
    };
    let mut r = route("mix", "member", load, "html");
    r.note = Some("50% topic pages, 20% /latest, 10% /latest.json, 10% /t/{id}.json, 10% replies".into());
    r
}

/// The path of page `page` (1-based) of a topic, as minga links it.
fn page_path(t: &TopicRef, page: i64) -> String {
    if page == 1 { format!("/t/{}/{}", t.slug, t.id) } else { format!("/t/{}/{}?page={page}", t.slug, t.id) }
}

/// Up to `n` items evenly spaced through `items`.
fn spread<T: Clone>(items: &[T], n: usize) -> Vec<T> {
    if items.len() <= n {
        return items.to_vec();
    }
    (0..n).map(|k| items[k * items.len() / n].clone()).collect()
}

/// The first page of every topic as the member, each request drawing a
/// topic at random (all equally likely): unlike the member row on sample
/// topics, many of these pages are not in minga's memory when asked for.
/// (At random rather than in turn: a fixed round over more pages than a
/// cache holds would find none of them kept, which no reader does.)
pub fn member_every_topic(creds: &Credentials, topics: &[TopicRef]) -> Route {
    let cookies = member_cookies(creds);
    let kept = spread(topics, MOST_PAGES);
    let entries: Vec<Entry> = kept.iter().map(|t| get(page_path(t, 1), &cookies)).collect();
    let even = vec![1.0; entries.len()];
    let mut r = route("/t/{slug}/{id}", "member", Load { groups: vec![crate::wrk::Group::ranked(1, entries, even)] }, "html");
    r.note = Some(if kept.len() < topics.len() {
        format!("every topic ({} of {}, evenly spread)", thousands(kept.len() as u64), thousands(topics.len() as u64))
    } else {
        format!("every topic ({})", thousands(topics.len() as u64))
    });
    r
}

/// A forum's day of reading: every page of every topic, popular ones
/// (Zipf) far more than the rest, and `/latest`; 70% visitors, 30%
/// members. Returns the load and a description of it.
pub fn day_reads(meta: &Meta, creds: &Credentials, topics: &[TopicRef]) -> (Load, String) {
    let pages: Vec<String> = topics
        .iter()
        .flat_map(|t| (1..=((t.posts.max(1) - 1) / POSTS_PER_PAGE + 1)).map(move |p| page_path(t, p)))
        .collect();
    let ranked = zipf::rank(pages, meta.seed, MOST_PAGES);
    let cookies = member_cookies(creds);
    let as_visitor = ranked.items.iter().map(|p| get(p.clone(), &[])).collect();
    let as_member = ranked.items.iter().map(|p| get(p.clone(), &cookies)).collect();
    // Per thousand requests: 85% pages, 15% /latest; 70% visitors, 30% members.
    let load = Load {
        groups: vec![
            Group::ranked(595, as_visitor, ranked.weights.clone()),
            Group::ranked(255, as_member, ranked.weights),
            Group::turns(105, vec![get("/latest".into(), &[])]),
            Group::turns(45, vec![get("/latest".into(), &cookies)]),
        ],
    };
    let pages = if ranked.items.len() < ranked.ranked {
        format!(
            "{} of {} kept evenly through the ranking",
            thousands(ranked.items.len() as u64),
            thousands(ranked.ranked as u64)
        )
    } else {
        format!("all {}", thousands(ranked.ranked as u64))
    };
    (load, format!("85% topic pages ({pages}, Zipf popularity), 15% /latest; 70% visitors, 30% members"))
}

/// A forum's day: the reads of `day_reads` while ten replies a second
/// are posted through the API.
pub fn forum_day(meta: &Meta, creds: &Credentials, topics: &[TopicRef]) -> Route {
    let (load, note) = day_reads(meta, creds, topics);
    let mut r = route("forum-day", "mixed", load, "html");
    r.note = Some(format!("{note}; 10 replies/s through the API meanwhile"));
    r.replies_per_second = Some(10);
    r
}

pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials { session: "s".into(), username: "m".into(), api_key: "k".into(), writer: "w".into() }
    }

    fn topic(id: i64, posts: i64) -> TopicRef {
        TopicRef { id, slug: format!("t{id}"), posts }
    }

    #[test]
    fn a_day_reads_every_page_of_every_topic() {
        let meta: Meta = serde_json::from_value(serde_json::json!({
            "version": 0, "seed": 1, "posts": 0, "users": 0, "topics": 0, "max_post_id": 0, "max_topic_id": 0,
            "member": [2, "m"], "writer": [3, "w"], "sample_topics": [], "write_topics": [1], "long_topics": [],
            "categories": [], "generate_ms": 0
        }))
        .unwrap();
        let topics = [topic(1, 1), topic(2, 20), topic(3, 21), topic(4, 45)];
        let (load, note) = day_reads(&meta, &creds(), &topics);
        let Entry::Get { .. } = &load.groups[0].entries[0] else { panic!("a read") };
        let mut paths: Vec<String> = load.groups[0]
            .entries
            .iter()
            .map(|e| match e {
                Entry::Get { path, headers } => {
                    assert!(headers.is_empty(), "visitors send no cookies");
                    path.clone()
                }
                Entry::Reply { .. } => panic!("a read"),
            })
            .collect();
        paths.sort();
        assert_eq!(paths, ["/t/t1/1", "/t/t2/2", "/t/t3/3", "/t/t3/3?page=2", "/t/t4/4", "/t/t4/4?page=2", "/t/t4/4?page=3"]);
        assert!(note.starts_with("85% topic pages (all 7, Zipf popularity)"), "{note}");
        // Members ask for the same pages in the same order of popularity.
        assert_eq!(load.groups[0].popularity, load.groups[1].popularity);
        let weights: u32 = load.groups.iter().map(|g| g.weight).sum();
        assert_eq!(weights, 1000);
    }

    #[test]
    fn every_topic_is_capped_evenly() {
        let topics: Vec<TopicRef> = (1..=5_000).map(|i| topic(i, 3)).collect();
        let r = member_every_topic(&creds(), &topics);
        assert_eq!(r.load.groups[0].entries.len(), MOST_PAGES);
        assert_eq!(r.note.as_deref(), Some("every topic (2,000 of 5,000, evenly spread)"));
    }

    #[test]
    fn thousands() {
        assert_eq!(super::thousands(100_000), "100,000");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1_000_000), "1,000,000");
    }
}
