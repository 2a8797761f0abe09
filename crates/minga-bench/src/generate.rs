//! Fills a data folder with a generated forum, straight into SQLite: the
//! schema comes from minga's own migrations, the rows from multi-row
//! INSERTs in large transactions. Posts are cooked by minga's cooker on
//! every core while the previous batch is being written.

use crate::meta::{CategoryCount, GENERATOR_VERSION, LongTopic, Meta, TopicRef};
use crate::people;
use crate::plan::{Plan, T_USER};
use crate::rng::Rng;
use crate::text;
use anyhow::{Context, Result};
use minga_core::cook::{self, CookOptions, Resolver};
use minga_core::slug::slugify;
use rusqlite::{Connection, ToSql};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// Posts cooked and written per batch.
const BATCH: usize = 4_000;

pub struct Spec {
    pub posts: u64,
    /// Reply counts of the long topics for the scale test.
    pub long_topics: Vec<u64>,
    pub seed: u64,
}

/// Generates into `dir`, replacing a forum generated there before. Only
/// the files a generated forum has are removed, never the folder.
pub async fn generate(dir: &Path, spec: &Spec, log: bool) -> Result<Meta> {
    let started = Instant::now();
    std::fs::create_dir_all(dir)?;
    for name in ["minga.db", "minga.db-wal", "minga.db-shm", "bench.json"] {
        let path = dir.join(name);
        if path.exists() {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    // minga's migrations make the schema, exactly as `minga serve` would.
    let store = minga_store::Store::connect(&minga_store::Store::sqlite_url(dir), 1).await?;
    store.close().await;

    let plan = Arc::new(Plan::new(spec.seed, spec.posts, &spec.long_topics)?);
    // No journal and no syncing while loading: a crash leaves no bench.json,
    // and a folder without one is generated again.
    let mut conn = Connection::open(dir.join("minga.db"))?;
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; \
         PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;",
    )?;

    // The generated categories follow those the schema made (Uncategorized).
    let first_category: i64 = conn.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM categories", [], |r| r.get(0))?;
    people::insert(&mut conn, &plan, first_category)?;
    let excerpts = insert_posts(&mut conn, &plan, log)?;
    let meta = insert_topics(&mut conn, &plan, &excerpts, first_category)?;
    conn.execute_batch("PRAGMA journal_mode = WAL")?;
    drop(conn);

    let meta = Meta { generate_ms: started.elapsed().as_millis() as u64, ..meta };
    meta.save(dir)?;
    if log {
        eprintln!("generated {} posts in {:.1} s", spec.posts, meta.generate_ms as f64 / 1000.0);
    }
    Ok(meta)
}

/// The values of one row, bound in column order.
pub(crate) struct Values<'a>(Vec<&'a dyn ToSql>);

impl<'a> Values<'a> {
    pub fn bind(mut self, v: &'a dyn ToSql) -> Self {
        self.0.push(v);
        self
    }
}

/// Inserts `rows` into `table` with as many rows per statement as SQLite's
/// limit on bound values allows (capped, to keep statements cacheable).
/// `row` gives each row's values.
pub(crate) fn insert_many<'v, T>(
    conn: &Connection,
    table: &str,
    columns: &[&str],
    rows: &'v [T],
    row: impl Fn(&'v T, Values<'v>) -> Values<'v>,
) -> Result<()> {
    let per_statement = (30_000 / columns.len()).min(1_000);
    let one = format!("({})", vec!["?"; columns.len()].join(","));
    for chunk in rows.chunks(per_statement) {
        let sql = format!("INSERT INTO {table} ({}) VALUES {}", columns.join(","), vec![one.as_str(); chunk.len()].join(","));
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut i = 1;
        for r in chunk {
            let values = row(r, Values(Vec::with_capacity(columns.len())));
            anyhow::ensure!(values.0.len() == columns.len(), "{table}: {} values for {} columns", values.0.len(), columns.len());
            for v in values.0 {
                stmt.raw_bind_parameter(i, v)?;
                i += 1;
            }
        }
        stmt.raw_execute()?;
    }
    Ok(())
}

/// Mentions of generated people resolve to them, as they would on a forum.
struct Generated(u64);

impl Resolver for Generated {
    fn user(&self, lower: &str) -> Option<String> {
        let digits = lower.trim_start_matches(|c: char| !c.is_ascii_digit());
        let i: u64 = digits.parse().ok()?;
        (i < self.0 && text::username(i) == lower).then(|| lower.to_string())
    }
}

struct PostRow {
    id: i64,
    topic_id: i64,
    topic: u32,
    number: i64,
    user: i64,
    raw: String,
    cooked: String,
    reply_to: Option<i64>,
    at: i64,
}

/// Writes every post in time order; returns each topic's excerpt (from
/// its first post).
fn insert_posts(conn: &mut Connection, plan: &Arc<Plan>, log: bool) -> Result<Vec<String>> {
    let mut excerpts = vec![String::new(); plan.topics.len()];
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<PostRow>>(2);
    let cooker = {
        let plan = Arc::clone(plan);
        std::thread::spawn(move || cook_batches(&plan, tx))
    };
    let started = Instant::now();
    let mut done = 0usize;
    while let Ok(batch) = rx.recv() {
        for p in batch.iter().filter(|p| p.number == 1) {
            excerpts[p.topic as usize] = cook::excerpt(&p.cooked, 300);
        }
        let t = conn.transaction()?;
        insert_many(
            &t,
            "posts",
            &["id", "topic_id", "post_number", "user_id", "raw", "cooked", "reply_to_post_number", "created_at", "updated_at"],
            &batch,
            |p, v| v.bind(&p.id).bind(&p.topic_id).bind(&p.number).bind(&p.user).bind(&p.raw).bind(&p.cooked).bind(&p.reply_to).bind(&p.at).bind(&p.at),
        )?;
        t.commit()?;
        done += batch.len();
        if log && (done / BATCH).is_multiple_of(25) {
            let rate = done as f64 / started.elapsed().as_secs_f64();
            eprintln!("  {done} / {} posts ({rate:.0}/s)", plan.events.len());
        }
    }
    cooker.join().map_err(|_| anyhow::anyhow!("the cooking thread panicked"))?;
    Ok(excerpts)
}

/// Makes and cooks posts batch by batch, each batch split across cores.
fn cook_batches(plan: &Plan, tx: std::sync::mpsc::SyncSender<Vec<PostRow>>) {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let resolver = Generated(plan.users);
    let options = CookOptions::default();
    for (b, events) in plan.events.chunks(BATCH).enumerate() {
        let first_id = (b * BATCH) as i64 + 1;
        let per = events.len().div_ceil(workers);
        let batch: Vec<PostRow> = std::thread::scope(|s| {
            let parts: Vec<_> = events
                .chunks(per)
                .enumerate()
                .map(|(w, part)| {
                    let (resolver, options) = (&resolver, &options);
                    s.spawn(move || {
                        part.iter()
                            .enumerate()
                            .map(|(k, e)| {
                                let t = &plan.topics[e.topic as usize];
                                let raw = plan.raw(t, e.number);
                                let cooked = cook::cook(&raw, options, resolver).html;
                                PostRow {
                                    id: first_id + (w * per + k) as i64,
                                    topic_id: e.topic as i64 + 1,
                                    topic: e.topic,
                                    number: e.number as i64,
                                    user: plan.author(t, e.number) as i64 + 1,
                                    raw,
                                    cooked,
                                    reply_to: plan.reply_to(t, e.number).map(i64::from),
                                    at: e.at,
                                }
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            parts.into_iter().flat_map(|h| h.join().expect("a cooking thread panicked")).collect()
        });
        if tx.send(batch).is_err() {
            return; // The writer failed; it reports why.
        }
    }
}

fn insert_topics(conn: &mut Connection, plan: &Plan, excerpts: &[String], first_category: i64) -> Result<Meta> {
    let titles: Vec<String> = plan.topics.iter().map(|t| plan.title(t)).collect();
    let slugs: Vec<String> = titles.iter().map(|t| slugify(t)).collect();
    struct TopicRow {
        id: i64,
        category: i64,
        author: i64,
        start: i64,
        last: i64,
        last_author: i64,
        posts: i64,
        views: i64,
    }
    let rows: Vec<(usize, TopicRow)> = plan
        .topics
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let views = Rng::derive(plan.seed, &[T_USER, t.key, 9]).range(t.posts as u64, t.posts as u64 * 30);
            let row = TopicRow {
                id: i as i64 + 1,
                category: t.category as i64 + first_category,
                author: plan.author(t, 1) as i64 + 1,
                start: t.start,
                last: t.last,
                last_author: plan.author(t, t.posts) as i64 + 1,
                posts: t.posts as i64,
                views: views as i64,
            };
            (i, row)
        })
        .collect();
    let tx = conn.transaction()?;
    insert_many(
        &tx,
        "topics",
        &["id", "title", "slug", "category_id", "user_id", "excerpt", "created_at", "bumped_at", "last_posted_at", "last_post_user_id", "highest_post_number", "posts_count", "views"],
        &rows,
        |(i, t), v| {
            v.bind(&t.id)
                .bind(&titles[*i])
                .bind(&slugs[*i])
                .bind(&t.category)
                .bind(&t.author)
                .bind(&excerpts[*i])
                .bind(&t.start)
                .bind(&t.last)
                .bind(&t.last)
                .bind(&t.last_author)
                .bind(&t.posts)
                .bind(&t.posts)
                .bind(&t.views)
        },
    )?;
    let mut categories: Vec<CategoryCount> =
        (0..text::CATEGORIES.len()).map(|i| CategoryCount { id: i as i64 + first_category, topics: 0, posts: 0 }).collect();
    for t in &plan.topics {
        categories[t.category as usize].topics += 1;
        categories[t.category as usize].posts += t.posts as i64;
    }
    for c in &categories {
        tx.execute("UPDATE categories SET topic_count = ?, post_count = ? WHERE id = ?", (c.topics, c.posts, c.id))?;
    }
    tx.commit()?;

    let reference = |i: usize| TopicRef { id: i as i64 + 1, slug: slugs[i].clone(), posts: plan.topics[i].posts as i64 };
    let regular: Vec<usize> = (0..plan.topics.len()).filter(|&i| plan.topics[i].long.is_none()).collect();
    let mut full: Vec<usize> = regular.iter().copied().filter(|&i| plan.topics[i].posts >= 20).collect();
    if full.is_empty() {
        full = regular.clone();
        full.sort_by_key(|&i| std::cmp::Reverse(plan.topics[i].posts));
        full.truncate(5);
    }
    let samples = spread(&full, 50);
    let others: Vec<usize> = regular.iter().copied().filter(|i| !samples.contains(i)).collect();
    let writes = spread(if others.is_empty() { &regular } else { &others }, 200);
    let mut long_topics: Vec<LongTopic> = plan
        .topics
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.long.map(|replies| LongTopic { replies, id: i as i64 + 1, slug: slugs[i].clone() }))
        .collect();
    long_topics.sort_by_key(|t| t.replies);
    let user = |id: i64| (id, text::username(id as u64 - 1));
    Ok(Meta {
        version: GENERATOR_VERSION,
        seed: plan.seed,
        posts: plan.events.len() as u64,
        users: plan.users,
        topics: plan.topics.len() as u64,
        max_post_id: plan.events.len() as i64,
        max_topic_id: plan.topics.len() as i64,
        member: user(2),
        writer: user(3),
        sample_topics: samples.into_iter().map(reference).collect(),
        write_topics: writes.into_iter().map(|i| i as i64 + 1).collect(),
        long_topics,
        categories,
        generate_ms: 0,
    })
}

/// Up to `n` items evenly spaced through `items`.
fn spread(items: &[usize], n: usize) -> Vec<usize> {
    if items.len() <= n {
        return items.to_vec();
    }
    (0..n).map(|k| items[k * items.len() / n]).collect()
}
