//! The whole benchmark: for each data size, make (or reuse) the data,
//! start minga on it, load every route, stop it, then load nginx with the
//! same bytes for the ceiling. Writes `report.json` and returns the report.

use crate::generate::{Spec, generate};
use crate::meta::{self, GENERATOR_VERSION, Meta};
use crate::nginx::Nginx;
use crate::process::RssSampler;
use crate::report::{self, Dataset, Report, RouteResult};
use crate::routes::{self, Credentials, Route};
use crate::server::Minga;
use crate::wrk::{self, Entry};
use crate::http;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct Options {
    pub mode: String,
    /// The `minga` binary to measure.
    pub minga: PathBuf,
    /// Where `report.json` goes; generated data is cached in `data/` below.
    pub out: PathBuf,
    pub sizes: Vec<u64>,
    /// Reply counts of the long topics, generated into the largest size.
    pub long: Vec<u64>,
    pub seed: u64,
    pub wrk: wrk::Settings,
}

pub fn run(opts: &Options) -> Result<Report> {
    let started = Instant::now();
    for tool in ["wrk", "nginx"] {
        crate::process::find_program(tool).with_context(|| format!("{tool} is not installed; scripts/bench installs it"))?;
    }
    anyhow::ensure!(opts.minga.is_file(), "no minga binary at {}", opts.minga.display());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let tmp = tempfile::Builder::new().prefix("minga-bench-").tempdir()?;
    let mut sizes = opts.sizes.clone();
    sizes.sort_unstable();
    let largest = *sizes.last().context("no data sizes")?;
    let mut routes = Vec::new();
    let mut datasets = Vec::new();
    for &posts in &sizes {
        let long = if posts == largest { opts.long.clone() } else { Vec::new() };
        let (dir, meta, generate_s) = runtime.block_on(data(opts, posts, &long))?;
        // Freshly written data would otherwise still be trickling to disk
        // while minga starts (4 GB at a million posts), and the kernel's
        // writeback would be timed as start-up.
        // SAFETY: sync has no preconditions.
        unsafe { libc::sync() };
        let work = tmp.path().join(posts.to_string());
        std::fs::create_dir_all(&work)?;
        let (d, r) = measure(opts, &runtime, &dir, &meta, generate_s, &work)?;
        datasets.push(d);
        routes.extend(r);
    }
    let long_topics = report::long_topics(&routes);
    let goals = report::goals(&routes, &datasets, &long_topics);
    let last = datasets.last().context("no data set measured")?;
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
        seed: opts.seed,
        wall_s: started.elapsed().as_secs_f64(),
    };
    std::fs::create_dir_all(&opts.out)?;
    std::fs::write(opts.out.join("report.json"), serde_json::to_vec_pretty(&report)?)?;
    Ok(report)
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

fn measure(
    opts: &Options,
    _runtime: &tokio::runtime::Runtime,
    dir: &Path,
    meta: &Meta,
    generate_s: Option<f64>,
    work: &Path,
) -> Result<(Dataset, Vec<RouteResult>)> {
    let creds = credentials(dir, meta)?;
    let mut server = Minga::start(&opts.minga, dir, &work.join("minga.log"))?;
    eprintln!("{} posts: minga answered its first 200 after {:.0} ms", meta.posts, server.boot_ms);
    let boot_ms = server.boot_ms;
    std::thread::sleep(Duration::from_secs(1));
    let idle_rss_mb = server.rss_mb();

    check_session(server.addr, &creds)?;
    let mut measured: Vec<(Route, wrk::Outcome, f64, Option<u64>)> = Vec::new();
    let ceiling_root = work.join("ceiling");
    let reads = routes::reads(meta, &creds).into_iter().chain(routes::long_topics(meta));
    for (i, mut route) in reads.enumerate() {
        let bytes = save_pages(server.addr, &mut route, &ceiling_root, i)?;
        let (outcome, rss) = load(&mut server, &route, opts, work)?;
        measured.push((route, outcome, rss, Some(bytes)));
    }
    check_reply(server.addr, &creds, meta)?;
    for route in [routes::writes(meta, &creds), routes::mix(meta, &creds)] {
        let (outcome, rss) = load(&mut server, &route, opts, work)?;
        measured.push((route, outcome, rss, None));
    }
    std::thread::sleep(Duration::from_secs(1));
    let idle_rss_after_load_mb = server.rss_mb();
    server.stop()?;

    // The ceiling, with minga stopped so that nginx has the machine to itself.
    let nginx = Nginx::start(&ceiling_root, &work.join("nginx"))?;
    let mut results = Vec::new();
    for (route, o, rss, bytes) in measured {
        let ceiling = if let Some(ceiling_load) = &route.ceiling_load {
            let c = wrk::run(nginx.addr, ceiling_load, opts.wrk, &work.join("ceiling.lua"))?;
            if c.errors > 0 {
                bail!("nginx answered {} requests for {} with errors", c.errors, route.route);
            }
            eprintln!("  ceiling {:<28} {:>8.0} req/s", route.route, c.rps);
            Some(c)
        } else {
            None
        };
        results.push(RouteResult {
            route: route.route,
            who: route.who.into(),
            posts: meta.posts,
            rps: o.rps,
            p50_ms: o.p50_ms,
            p99_ms: o.p99_ms,
            ceiling_fraction: ceiling.as_ref().map(|c| o.rps / c.rps),
            rss_mb: rss,
            ceiling_rps: ceiling.as_ref().map(|c| c.rps),
            ceiling_p99_ms: ceiling.as_ref().map(|c| c.p99_ms),
            requests: o.requests,
            errors: o.errors,
            bytes,
            note: route.note,
            topic_replies: route.topic_replies,
            page: route.page.map(Into::into),
        });
    }
    nginx.stop()?;
    let dataset = Dataset {
        posts: meta.posts,
        topics: meta.topics,
        users: meta.users,
        boot_ms,
        idle_rss_mb,
        idle_rss_after_load_mb,
        generate_s,
    };
    Ok((dataset, results))
}

/// Fetches every page of a read route once: it must answer 200, and its
/// exact bytes become the ceiling's files. The route's load is then
/// rewritten to point at those files; minga's load keeps the original.
/// Returns the mean page size.
fn save_pages(addr: std::net::SocketAddr, route: &mut Route, root: &Path, index: usize) -> Result<u64> {
    let mut total = 0u64;
    let mut count = 0u64;
    let ceiling = route.load.map(|g, k, e| {
        let Entry::Get { path, headers } = e else { bail!("{} is not a read route", route.route) };
        let r = http::get(addr, path, headers)?;
        if r.status != 200 {
            bail!("GET {path} answered {} (expected 200):\n{}", r.status, String::from_utf8_lossy(&r.body));
        }
        let file = format!("/{index}/{g}-{k}.{}", route.ext);
        let target = root.join(&file[1..]);
        std::fs::create_dir_all(target.parent().expect("has a folder"))?;
        std::fs::write(&target, &r.body)?;
        total += r.body.len() as u64;
        count += 1;
        Ok(Entry::Get { path: file, headers: headers.clone() })
    })?;
    route.ceiling_load = Some(ceiling);
    Ok(total / count.max(1))
}

/// A session minga did not recognise would silently measure a visitor.
fn check_session(addr: std::net::SocketAddr, creds: &Credentials) -> Result<()> {
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
fn check_reply(addr: std::net::SocketAddr, creds: &Credentials, meta: &Meta) -> Result<()> {
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

/// Runs a route's load against minga, sampling its memory meanwhile.
fn load(server: &mut Minga, route: &Route, opts: &Options, work: &Path) -> Result<(wrk::Outcome, f64)> {
    let sampler = RssSampler::start(server.pid());
    let outcome = wrk::run(server.addr, &route.load, opts.wrk, &work.join("load.lua"));
    let rss = sampler.finish();
    let outcome = outcome?;
    server.check_alive()?;
    let who = format!("{} ({})", route.route, route.who);
    eprintln!(
        "  {who:<36} {:>8.0} req/s  p50 {:>6.2} ms  p99 {:>7.2} ms  RSS {:>5.0} MB{}",
        outcome.rps,
        outcome.p50_ms,
        outcome.p99_ms,
        rss,
        if outcome.errors > 0 { format!("  {} errors", outcome.errors) } else { String::new() }
    );
    Ok((outcome, rss))
}
