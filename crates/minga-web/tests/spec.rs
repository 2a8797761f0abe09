//! Discourse's published API (`tests/spec/discourse-openapi.json`), walked
//! operation by operation against a forum filled in-process. Each operation
//! is implemented (it answers and its response is valid against the spec's
//! schema), broken (it answers, but not as the spec says), not yet (no such
//! route: it waits for an issue), or refused on purpose. The test prints
//! the coverage table and fails when an answer breaks its schema in a way
//! not listed in `spec/expected.rs`, when an operation disappears, or when
//! a table there says less than the truth. `MINGA_SPEC_TABLE=path` writes
//! the table as Markdown, as shown in `docs/API.md`; `-- --nocapture` shows
//! it, each broken operation's problems, and the fields minga adds.

mod support;
#[path = "spec/expected.rs"]
mod expected;
#[path = "spec/forum.rs"]
mod forum;
#[path = "spec/schema.rs"]
mod schema;

use axum::http::{Method, header};
use forum::{Forum, merge, sample};
use schema::{Kind, Problem};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use support::Send;

const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/spec/discourse-openapi.json");

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Implemented,
    Broken,
    NotYet,
    Refused,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Implemented => "implemented",
            Outcome::Broken => "broken",
            Outcome::NotYet => "not yet",
            Outcome::Refused => "refused",
        }
    }
}

struct Operation {
    id: String,
    method: Method,
    path: String,
    spec: Value,
}

struct Row {
    op: String,
    method: Method,
    path: String,
    status: u16,
    outcome: Outcome,
    note: String,
    /// What breaks the schema, array indices folded (`posts[].id`).
    problems: BTreeSet<String>,
    /// Fields minga adds that the spec does not list: allowed (see `classify`).
    extras: BTreeSet<String>,
}

/// A JSON object's entries in the order written, so the walk and the table
/// follow the spec's own order (serde_json's map sorts its keys).
struct Ordered<T>(Vec<(String, T)>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered<T>, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// Corrects the spec where it says other than Discourse sends (see
/// `expected::ERRATA`), counting where each correction applied.
fn correct(schema: &mut Value, applied: &mut [usize]) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get_mut("properties") {
                for (name, sub) in properties.iter_mut() {
                    for (i, e) in expected::ERRATA.iter().enumerate() {
                        if name == e.property && sub["type"] == serde_json::from_str::<Value>(e.spec).unwrap() {
                            sub["type"] = serde_json::from_str(e.discourse).unwrap();
                            applied[i] += 1;
                        }
                    }
                }
            }
            map.values_mut().for_each(|v| correct(v, applied));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| correct(v, applied)),
        _ => {}
    }
}

fn operations(text: &str) -> Vec<Operation> {
    #[derive(serde::Deserialize)]
    struct Doc {
        paths: Ordered<Ordered<Value>>,
    }
    let doc: Doc = serde_json::from_str(text).expect("the spec parses");
    let mut ops = Vec::new();
    let mut applied = vec![0; expected::ERRATA.len()];
    for (path, item) in doc.paths.0 {
        for (method, spec) in item.0 {
            let method: Method = method.to_uppercase().parse().expect("an HTTP method");
            let id = spec["operationId"].as_str().expect("every operation has an id").to_string();
            let mut spec = spec;
            for (_, response) in spec["responses"].as_object_mut().into_iter().flatten() {
                correct(response, &mut applied);
            }
            ops.push(Operation { id, method, path: path.clone(), spec });
        }
    }
    for (e, n) in expected::ERRATA.iter().zip(applied) {
        assert!(n > 0, "the erratum for `{}` no longer applies: the spec was corrected, remove it", e.property);
    }
    ops
}

/// The request the spec describes, filled from the forum.
fn request(forum: &Forum, op: &Operation) -> (String, Value) {
    let mut url = op.path.clone();
    let mut query = Vec::new();
    for p in op.spec["parameters"].as_array().into_iter().flatten() {
        let name = p["name"].as_str().unwrap();
        match p["in"].as_str() {
            Some("path") => url = url.replace(&format!("{{{name}}}"), &forum.path_param(&op.id, &op.path, name)),
            Some("query") if p["required"] == true => query.push(format!("{name}={}", forum.query_param(name, &p["schema"]))),
            _ => {}
        }
    }
    let content = &op.spec["requestBody"]["content"];
    let schema = content.as_object().and_then(|c| c.values().next()).map(|c| &c["schema"]);
    let mut body = schema.map(sample).unwrap_or(Value::Null);
    if schema.is_some() {
        merge(&mut body, &forum.body_extras(&op.id));
    }
    // A GET's "body" is its query string (`post_ids[]=…`).
    if op.method == Method::GET {
        for (k, v) in body.as_object().into_iter().flatten() {
            query.push(format!("{k}={}", v.as_str().map(String::from).unwrap_or_else(|| v.to_string())));
        }
        body = Value::Null;
    }
    if !query.is_empty() {
        url = format!("{url}?{}", query.join("&"));
    }
    (url, body)
}

/// The documented answer for a status, if there is one: `Some(None)` for
/// a documented status without a JSON body.
fn documented(op: &Operation, status: u16) -> Option<Option<(String, Value)>> {
    let response = op.spec["responses"].get(status.to_string())?;
    Some(response["content"].as_object().and_then(|c| c.iter().next()).map(|(ct, c)| (ct.clone(), c["schema"].clone())))
}

/// A problem as the tables list it: array indices folded (`posts[].id`),
/// so a field missing from every post is one problem.
fn fold(p: &Problem) -> String {
    Problem { path: fold_path(&p.path), kind: p.kind.clone() }.to_string()
}

fn fold_path(path: &str) -> String {
    let mut out = String::new();
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' => in_index = false,
            c if !in_index => out.push(c),
            _ => {}
        }
    }
    out
}

/// Sorts an answer into its outcome, with a note, what breaks the schema
/// and the fields it adds. Fields the spec does not list are allowed even
/// where its schema closes an object (`additionalProperties: false`):
/// Discourse's documentation tests close them to keep the page in step with
/// its serializers, but clients ignore fields they do not know, and the
/// fields minga adds (a person's time zone, a category's subcategories) are
/// ones Discourse sends too in cases its examples do not show.
fn classify(root: &Value, op: &Operation, status: u16, content_type: &str, body: &[u8]) -> (Outcome, String, BTreeSet<String>, BTreeSet<String>) {
    let none = BTreeSet::new;
    if let Some(reason) = expected::refused(&op.id) {
        return (Outcome::Refused, reason.to_string(), none(), none());
    }
    let answered = (200..400).contains(&status) && documented(op, status).is_some();
    if !answered && (matches!(status, 404 | 405) || expected::not_yet(&op.id).is_some()) {
        let note = expected::not_yet(&op.id).unwrap_or("— no route, and not in the not-yet table");
        return (Outcome::NotYet, note.to_string(), none(), none());
    }
    let mut problems = BTreeSet::new();
    let mut extras = BTreeSet::new();
    match documented(op, status) {
        _ if !answered => {
            problems.insert(format!("answers {status}: {}", String::from_utf8_lossy(body).chars().take(200).collect::<String>()));
        }
        None | Some(None) => {}
        Some(Some((ct, schema))) if ct == "application/json" => match serde_json::from_slice::<Value>(body) {
            Ok(json) => {
                for p in schema::validate(root, &schema, &json) {
                    match p.kind {
                        Kind::Unexpected => extras.insert(fold_path(&p.path)),
                        _ => problems.insert(fold(&p)),
                    };
                }
            }
            Err(e) => {
                problems.insert(format!("the response is not JSON ({e})"));
            }
        },
        Some(Some((ct, _))) => {
            if !content_type.starts_with(&ct) {
                problems.insert(format!("answers {content_type}, expected {ct}"));
            }
        }
    }
    if problems.is_empty() {
        (Outcome::Implemented, String::new(), problems, extras)
    } else {
        let note = expected::gap(&op.id).map(|g| g.waits_for).unwrap_or("— not in the known-gaps table");
        (Outcome::Broken, note.to_string(), problems, extras)
    }
}

/// What is wrong with the tables in `expected.rs`, given the walk.
fn judge(rows: &[Row]) -> Vec<String> {
    let mut failures = Vec::new();
    for r in rows {
        let listed_not_yet = expected::not_yet(&r.op).is_some();
        let gap = expected::gap(&r.op);
        match r.outcome {
            Outcome::Refused if (200..300).contains(&r.status) => {
                failures.push(format!("{}: refused on purpose, but answers {}", r.op, r.status));
            }
            Outcome::NotYet if !listed_not_yet => {
                failures.push(format!("{} {} {}: answers {} and is not in the not-yet table; say what it waits for", r.op, r.method, r.path, r.status));
            }
            Outcome::Implemented | Outcome::Broken if listed_not_yet => {
                failures.push(format!("{}: now answers {} — remove it from the not-yet table", r.op, r.status));
            }
            Outcome::Implemented if gap.is_some() => {
                failures.push(format!("{}: now valid against the spec — remove it from the known gaps", r.op));
            }
            Outcome::Broken => match gap {
                None => failures.push(format!(
                    "{} {} {}: answers but breaks the spec; fix it or list it in the known gaps with:\n        {:?}",
                    r.op, r.method, r.path, r.problems
                )),
                Some(g) => {
                    let listed: BTreeSet<String> = g.problems.iter().map(|s| s.to_string()).collect();
                    let new: Vec<_> = r.problems.difference(&listed).collect();
                    let fixed: Vec<_> = listed.difference(&r.problems).collect();
                    if !new.is_empty() {
                        failures.push(format!("{}: breaks the spec in new ways: {new:?}", r.op));
                    }
                    if !fixed.is_empty() {
                        failures.push(format!("{}: fixed — remove from its known gaps: {fixed:?}", r.op));
                    }
                }
            },
            _ => {}
        }
    }
    let ops: BTreeSet<&str> = rows.iter().map(|r| r.op.as_str()).collect();
    let mut listed = BTreeSet::new();
    for name in expected::NOT_YET.iter().map(|(o, _)| o).chain(expected::REFUSED.iter().map(|(o, _)| o)).chain(expected::KNOWN_GAPS.iter().map(|g| &g.op)) {
        if !ops.contains(name) {
            failures.push(format!("{name}: listed in expected.rs but not an operation of the spec"));
        }
        if !listed.insert(name) {
            failures.push(format!("{name}: listed twice in expected.rs"));
        }
    }
    failures
}

fn markdown(rows: &[Row]) -> String {
    let mut out = String::from("| operation | method | path | status | result | note |\n|---|---|---|---|---|---|\n");
    for r in rows {
        let note = match r.outcome {
            Outcome::Broken => format!("{}; {} problem{}", r.note, r.problems.len(), if r.problems.len() == 1 { "" } else { "s" }),
            _ => r.note.clone(),
        };
        writeln!(out, "| `{}` | {} | `{}` | {} | {} | {} |", r.op, r.method, r.path, r.status, r.outcome.label(), note).unwrap();
    }
    out.push('\n');
    out.push_str(&summary(rows));
    out.push('\n');
    out
}

fn summary(rows: &[Row]) -> String {
    let count = |o| rows.iter().filter(|r| r.outcome == o).count();
    let missing = |r: &&Row| r.problems.iter().any(|p| p.ends_with(": missing") || p.starts_with("answers"));
    let answered: Vec<&Row> = rows.iter().filter(|r| (200..400).contains(&r.status)).collect();
    format!(
        "{} operations: {} implemented, {} broken, {} not yet, {} refused.\n\n\
         By status: {} answer 2xx with every required field, {} answer 2xx with required fields missing, {} answer 404 or 405, {} answer otherwise.",
        rows.len(),
        count(Outcome::Implemented),
        count(Outcome::Broken),
        count(Outcome::NotYet),
        count(Outcome::Refused),
        answered.iter().filter(|r| !missing(r)).count(),
        answered.iter().filter(|r| missing(r)).count(),
        rows.iter().filter(|r| matches!(r.status, 404 | 405)).count(),
        rows.iter().filter(|r| !(200..400).contains(&r.status) && !matches!(r.status, 404 | 405)).count(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_of_discourses_api_is_accounted_for() {
    let text = std::fs::read_to_string(SPEC).expect("the vendored spec");
    let root: Value = serde_json::from_str(&text).unwrap();
    let ops = operations(&text);
    assert_eq!(ops.len(), 93, "the vendored spec has 93 operations");
    let forum = Forum::fill().await;
    let mut rows = Vec::new();
    for op in &ops {
        let (url, body) = request(&forum, op);
        let multipart = op.spec["requestBody"]["content"].get("multipart/form-data").is_some();
        let fields: Vec<(String, String)> = body.as_object().into_iter().flatten().map(|(k, v)| (k.clone(), v.as_str().map(String::from).unwrap_or_else(|| v.to_string()))).collect();
        let send = match body {
            Value::Null => Send::Nothing,
            _ if multipart => Send::Multipart(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()),
            body => Send::Json(body),
        };
        let r = forum.app.call(op.method.clone(), &url, &forum.admin, send).await;
        let content_type = r.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let (outcome, note, problems, extras) = classify(&root, op, r.status.as_u16(), content_type, &r.body);
        rows.push(Row { op: op.id.clone(), method: op.method.clone(), path: op.path.clone(), status: r.status.as_u16(), outcome, note, problems, extras });
    }

    let table = markdown(&rows);
    println!("{table}");
    for r in rows.iter().filter(|r| r.outcome == Outcome::Broken) {
        println!("{} {} {} ({}): {}", r.op, r.method, r.path, r.status, r.note);
        for p in &r.problems {
            println!("    {p}");
        }
    }
    println!("\nWhere the spec says other than Discourse sends, minga follows Discourse:");
    for e in expected::ERRATA {
        println!("  {}: {} rather than {}: {}", e.property, e.discourse, e.spec, e.why);
    }
    println!("\nFields minga adds that the spec does not list (allowed):");
    for r in rows.iter().filter(|r| !r.extras.is_empty()) {
        println!("  {}: {}", r.op, r.extras.iter().cloned().collect::<Vec<_>>().join(", "));
    }
    if let Ok(path) = std::env::var("MINGA_SPEC_TABLE") {
        // A relative path is taken from the workspace's root, where the command is typed.
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &table).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }
    let failures = judge(&rows);
    assert!(failures.is_empty(), "{} problems with the API's coverage:\n  {}", failures.len(), failures.join("\n  "));
}
