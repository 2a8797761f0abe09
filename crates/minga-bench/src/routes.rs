//! What is measured on one data set: each route as a wrk load, with who
//! asks (a visitor has no cookies at all, like a first visit or a crawler;
//! a member sends the session and CSRF cookies a browser would).

use crate::meta::Meta;
use crate::rng::Rng;
use crate::text;
use crate::wrk::{Entry, Group, Load};

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
    /// The same load aimed at the ceiling's copies of the pages, once
    /// saved. Read routes get one; writes and the mix cannot.
    pub ceiling_load: Option<Load>,
    /// File extension for the ceiling copies, so nginx sends the same type.
    pub ext: &'static str,
    pub note: Option<String>,
    pub topic_replies: Option<u64>,
    pub page: Option<&'static str>,
}

fn get(path: String, headers: &[(String, String)]) -> Entry {
    Entry::Get { path, headers: headers.to_vec() }
}

fn member_cookies(m: &Credentials) -> Vec<(String, String)> {
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
    Route { route: route.into(), who, load, ceiling_load: None, ext, note: None, topic_replies: None, page: None }
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

/// The write path: replies through the API, cooking included.
pub fn writes(meta: &Meta, creds: &Credentials) -> Route {
    let reply = Entry::Reply { headers: api_headers(creds), topics: meta.write_topics.clone(), raws: reply_raws(meta) };
    route("POST /posts.json", "member", Load::one(vec![reply]), "json")
}

/// Members reading and replying: 90% reads, 10% replies.
pub fn mix(meta: &Meta, creds: &Credentials) -> Route {
    let cookies = member_cookies(creds);
    let reply = Entry::Reply { headers: api_headers(creds), topics: meta.write_topics.clone(), raws: reply_raws(meta) };
    let load = Load {
        groups: vec![
            Group::turns(50, topic_pages(meta, &cookies)),
            Group::turns(20, vec![get("/latest".into(), &cookies)]),
            Group::turns(10, vec![get("/latest.json".into(), &cookies)]),
            Group::turns(10, meta.sample_topics.iter().map(|t| get(format!("/t/{}.json", t.id), &cookies)).collect()),
            Group::turns(10, vec![reply]),
        ],
    };
    let mut r = route("mix", "member", load, "html");
    r.note = Some("50% topic pages, 20% /latest, 10% /latest.json, 10% /t/{id}.json, 10% replies".into());
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
    #[test]
    fn thousands() {
        assert_eq!(super::thousands(100_000), "100,000");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1_000_000), "1,000,000");
    }
}
