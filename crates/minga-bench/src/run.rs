//! The whole benchmark: for each data size, make (or reuse) the data,
//! copy it into PostgreSQL where asked, measure minga on SQLite (keeping
//! each page's bytes), then nginx serving those bytes as the ceiling, then
//! minga on PostgreSQL. Writes `report.json` and returns the report.

use crate::crowd;
use crate::generate::{Spec, generate};
use crate::measure::{self, Crowd, Measured, Plan, Target};
use crate::meta::{self, GENERATOR_VERSION, Meta};
use crate::nginx::Nginx;
use crate::pg;
use crate::report::{self, Dataset, Report, RouteResult};
use crate::routes::{self, Credentials};
use crate::server::Database;
use crate::wrk;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub struct Options {
    pub mode: String,
    /// The `minga` binary to measure.
    pub minga: PathBuf,
    /// Where `report.json` goes; generated data is cached in `data/` below.
    pub out: PathBuf,
    pub sizes: Vec<u64>,
    /// Sizes also measured on PostgreSQL (a subset of `sizes`).
    pub postgres_sizes: Vec<u64>,
    /// Every route on PostgreSQL, or only the key ones (`Plan::key`).
    pub postgres_all_routes: bool,
    /// Reply counts of the long topics, generated into the largest size.
    pub long: Vec<u64>,
    pub seed: u64,
    pub wrk: wrk::Settings,
    /// Mixed traffic of many connections, on each backend's largest size.
    pub crowd_connections: usize,
    pub crowd_seconds: u32,
    pub crowd_replies_percent: u32,
}

pub fn run(opts: &Options) -> Result<Report> {
    let started = Instant::now();
    for tool in ["wrk", "nginx"] {
        crate::process::find_program(tool).with_context(|| format!("{tool} is not installed; scripts/bench installs it"))?;
    }
    anyhow::ensure!(opts.minga.is_file(), "no minga binary at {}", opts.minga.display());
    for p in &opts.postgres_sizes {
        anyhow::ensure!(opts.sizes.contains(p), "{p} posts on PostgreSQL, but that size is not measured on SQLite");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let tmp = tempfile::Builder::new().prefix("minga-bench-").tempdir()?;
    let mut sizes = opts.sizes.clone();
    sizes.sort_unstable();
    let largest = *sizes.last().context("no data sizes")?;
    let largest_pg = opts.postgres_sizes.iter().copied().max();
    let mut routes = Vec::new();
    let mut datasets = Vec::new();
    for &posts in &sizes {
        let long = if posts == largest { opts.long.clone() } else { Vec::new() };
        let (dir, meta, generate_s) = runtime.block_on(data(opts, posts, &long))?;
        // The session and key go in first, so the PostgreSQL copy has them too.
        let creds = credentials(&dir, &meta)?;
        let topics = meta::topics(&dir, &meta)?;
        let copied = if opts.postgres_sizes.contains(&posts) {
            eprintln!("copying {posts} posts into PostgreSQL");
            let c = pg::copy(&runtime, &dir)?;
            eprintln!("  copied in {:.1} s", c.copy_s);
            Some(c)
        } else {
            None
        };
        // Freshly written data would otherwise still be trickling to disk
        // while minga starts (4 GB at a million posts), and the kernel's
        // writeback would be timed as start-up.
        // SAFETY: sync has no preconditions.
        unsafe { libc::sync() };
        let work = tmp.path().join(posts.to_string());
        let ceiling_root = work.join("ceiling");
        let plan = |crowd: bool| plan(opts, &meta, &creds, &topics, crowd);

        let target = Target { minga: &opts.minga, db: Database::Sqlite(dir.clone()), work: &work.join("sqlite"), ceiling_root: Some(&ceiling_root) };
        let sqlite = measure::measure(&target, &plan(posts == largest), &meta, &creds, opts.wrk)?;
        let ceilings = ceilings(opts, &sqlite, &ceiling_root, &work)?;
        routes.extend(results(&sqlite, "sqlite", &meta, |i, _| ceilings[i].clone()));
        datasets.push(dataset(&sqlite, "sqlite", &meta, generate_s, None));

        if let Some(c) = copied {
            let target = Target { minga: &opts.minga, db: Database::Postgres(c.url.clone()), work: &work.join("postgres"), ceiling_root: None };
            let mut plan = plan(Some(posts) == largest_pg);
            if !opts.postgres_all_routes {
                plan = plan.key();
            }
            let postgres = measure::measure(&target, &plan, &meta, &creds, opts.wrk)?;
            // Compared with the ceiling of the same route on SQLite: the same forum's pages.
            let same = |_: usize, row: &measure::Row| sqlite.rows.iter().position(|s| s.same_route(row)).and_then(|i| ceilings[i].clone());
            routes.extend(results(&postgres, "postgres", &meta, same));
            datasets.push(dataset(&postgres, "postgres", &meta, None, Some(c.copy_s)));
            pg::drop(&c.url)?;
        }
    }
    let long_topics = report::long_topics(&routes);
    let goals = report::goals(&routes, &datasets, &long_topics);
    let last = datasets.iter().rfind(|d| d.db == "sqlite").context("no data set measured")?;
    let report = Report {
        mode: opts.mode.clone(),
        boot_ms: last.boot_ms,
        idle_rss_mb: last.idle_rss_mb,
        routes,
        datasets,
        long_topics,
        goals,
        connections: opts.wrk.connections,
        threads: opts.wrk.threads,
        seconds_per_route: opts.wrk.seconds,
        crowd_connections: opts.crowd_connections,
        crowd_seconds: opts.crowd_seconds,
        seed: opts.seed,
        wall_s: started.elapsed().as_secs_f64(),
    };
    std::fs::create_dir_all(&opts.out)?;
    std::fs::write(opts.out.join("report.json"), serde_json::to_vec_pretty(&report)?)?;
    Ok(report)
}

/// What is measured on a data set, on either backend: the read routes
/// (with the member on every topic and a forum's day), the writes, and,
/// where `crowd`, many connections of mixed traffic.
fn plan(opts: &Options, meta: &Meta, creds: &Credentials, topics: &[meta::TopicRef], crowd: bool) -> Plan {
    let mut reads = routes::reads(meta, creds);
    reads.extend(routes::long_topics(meta));
    reads.push(routes::member_every_topic(creds, topics));
    reads.push(routes::forum_day(meta, creds, topics));
    let crowd = crowd.then(|| Crowd {
        reads: routes::day_reads(meta, creds, topics).0,
        reply: routes::reply(meta, creds),
        settings: crowd::Settings {
            connections: opts.crowd_connections,
            seconds: opts.crowd_seconds,
            reply_percent: opts.crowd_replies_percent,
            threads: opts.wrk.threads as usize,
            seed: meta.seed,
        },
    });
    Plan { reads, writes: vec![routes::writes(meta, creds), routes::mix(meta, creds)], crowd }
}

/// nginx serving the saved pages, with minga stopped so that it has the
/// machine to itself: one outcome per row that has a ceiling.
fn ceilings(opts: &Options, measured: &Measured, root: &Path, work: &Path) -> Result<Vec<Option<wrk::Outcome>>> {
    let nginx = Nginx::start(root, &work.join("nginx"))?;
    let mut out = Vec::new();
    for row in &measured.rows {
        let Some(load) = &row.ceiling else {
            out.push(None);
            continue;
        };
        let c = wrk::run(nginx.addr, load, opts.wrk, &work.join("ceiling.lua"))?;
        if c.errors > 0 {
            bail!("nginx answered {} requests for {} with errors", c.errors, row.route);
        }
        eprintln!("  ceiling {:<28} {:>8.0} req/s", row.route, c.rps);
        out.push(Some(c));
    }
    nginx.stop()?;
    Ok(out)
}

/// Report rows, with `ceiling` giving the ceiling of each (by its index).
fn results(measured: &Measured, db: &str, meta: &Meta, ceiling: impl Fn(usize, &measure::Row) -> Option<wrk::Outcome>) -> Vec<RouteResult> {
    measured
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let ceiling = ceiling(i, r);
            let ceiling = ceiling.as_ref();
            let o = &r.outcome;
            RouteResult {
                route: r.route.clone(),
                who: r.who.clone(),
                db: db.into(),
                posts: meta.posts,
                rps: o.rps,
                p50_ms: o.p50_ms,
                p99_ms: o.p99_ms,
                max_ms: o.max_ms,
                ceiling_fraction: ceiling.map(|c| o.rps / c.rps),
                rss_mb: r.rss_mb,
                ceiling_rps: ceiling.map(|c| c.rps),
                ceiling_p99_ms: ceiling.map(|c| c.p99_ms),
                requests: o.requests,
                errors: o.errors,
                server_errors: o.server_errors,
                bytes: r.bytes,
                note: r.note.clone(),
                topic_replies: r.topic_replies,
                page: r.page.clone(),
                background_replies: r.background.clone(),
            }
        })
        .collect()
}

fn dataset(m: &Measured, db: &str, meta: &Meta, generate_s: Option<f64>, copy_s: Option<f64>) -> Dataset {
    Dataset {
        db: db.into(),
        posts: meta.posts,
        topics: meta.topics,
        users: meta.users,
        boot_ms: m.boot_ms,
        idle_rss_mb: m.idle_rss_mb,
        idle_rss_after_load_mb: m.idle_rss_after_load_mb,
        generate_s,
        copy_s,
    }
}

/// The data folder for a size, generated unless a complete one with the
/// same size, long topics, seed and generator version is cached.
async fn data(opts: &Options, posts: u64, long: &[u64]) -> Result<(PathBuf, Meta, Option<f64>)> {
    let long_key: Vec<String> = long.iter().map(u64::to_string).collect();
    let name = format!("p{posts}-l{}-s{}-v{GENERATOR_VERSION}", long_key.join("_"), opts.seed);
    let dir = opts.out.join("data").join(name);
    if let Some(meta) = Meta::load(&dir) {
        eprintln!("using cached data in {}", dir.display());
        meta::reset(&dir, &meta)?;
        return Ok((dir, meta, None));
    }
    eprintln!("generating {posts} posts into {}", dir.display());
    let meta = generate(&dir, &Spec { posts, long_topics: long.to_vec(), seed: opts.seed }, true).await?;
    let secs = meta.generate_ms as f64 / 1000.0;
    Ok((dir, meta, Some(secs)))
}

/// 32 random bytes from the kernel, hex-encoded.
fn token() -> Result<String> {
    let mut bytes = [0u8; 32];
    std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom")?, &mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// How minga stores session tokens and API keys (`minga_web::auth::
/// hash_secret`): SHA-256, hex. `check_session` and `check_reply` prove the two agree.
fn hash_secret(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A session and an API key for the member, written before minga starts.
fn credentials(dir: &Path, meta: &Meta) -> Result<Credentials> {
    let conn = meta::open(dir)?;
    let (session, api_key) = (token()?, token()?);
    let now = minga_core::time::now_ms();
    conn.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (hash_secret(&session), meta.member.0, now, now + 86_400_000),
    )?;
    conn.execute(
        "INSERT INTO api_keys (key_hash, user_id, description, created_at) VALUES (?, ?, 'minga-bench', ?)",
        (hash_secret(&api_key), meta.writer.0, now),
    )?;
    Ok(Credentials { session, username: meta.member.1.clone(), api_key, writer: meta.writer.1.clone() })
}
