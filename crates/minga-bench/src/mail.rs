//! The outbox under a burst: `messages` mails queued at once, sent by
//! `minga serve` to a real SMTP receiver on loopback (Debian's aiosmtpd,
//! through `minga-testing`). Measures messages sent per second, and the
//! server's resident memory while it works through the burst against the
//! same server with an empty outbox.

use crate::process::RssSampler;
use crate::server::{Database, Minga};
use anyhow::{Result, bail, ensure};
use serde::Serialize;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub struct Options {
    pub minga: PathBuf,
    pub out: PathBuf,
    pub messages: usize,
    /// Measure on PostgreSQL (a throwaway cluster) instead of SQLite.
    pub postgres: bool,
}

#[derive(Serialize, Debug, Default)]
pub struct MailReport {
    pub backend: String,
    pub messages: usize,
    /// From the server's start until the receiver held every message.
    pub send_s: f64,
    pub messages_per_s: f64,
    /// The server with an empty outbox, settled.
    pub rss_idle_mb: f64,
    /// The highest the server reached while sending the burst.
    pub rss_peak_mb: f64,
    pub extra_mb: f64,
    /// Messages the receiver got more than once (by Message-ID).
    pub duplicates: usize,
}

/// A message the size of a notification mail with its post (about 4 KB,
/// plain text and HTML).
fn message(i: usize) -> String {
    let post = "The call is at 19:00 London time on the 29th, so 16:00 in Buenos Aires. ".repeat(12);
    format!(
        "From: Forum <forum@bench.example>\r\nTo: p{i}@bench.example\r\nSubject: [Forum] A topic everyone watches\r\n\
         Message-ID: <topic/1/{i}.{i}@bench.example>\r\nMIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n\
         Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{post}\r\n\
         --b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>{post}</p></body></html>\r\n--b--\r\n"
    )
}

async fn queue(url: &str, n: usize) -> Result<()> {
    let store = minga_store::Store::connect(url, 4).await?;
    let mut pending = Vec::new();
    for i in 0..n {
        let store = store.clone();
        let mail = minga_store::NewMail {
            kind: "bench".into(),
            to: format!("p{i}@bench.example"),
            raw: message(i),
            message_id: format!("<topic/1/{i}.{i}@bench.example>"),
            ..Default::default()
        };
        pending.push(tokio::spawn(async move { store.queue_mail(&mail).await }));
        if pending.len() >= 256 {
            for p in pending.drain(..) {
                p.await??;
            }
        }
    }
    for p in pending {
        p.await??;
    }
    store.close().await;
    Ok(())
}

pub fn run(opts: &Options) -> Result<MailReport> {
    ensure!(opts.minga.is_file(), "no minga binary at {}", opts.minga.display());
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let work = tempfile::tempdir()?;
    let db = if opts.postgres { Database::Postgres(crate::pg::database()?) } else { Database::Sqlite(work.path().join("data")) };
    let url = match &db {
        Database::Sqlite(dir) => {
            std::fs::create_dir_all(dir)?;
            minga_store::Store::sqlite_url(dir)
        }
        Database::Postgres(url) => url.clone(),
    };
    std::fs::create_dir_all(&opts.out)?;
    let log = opts.out.join("mail-minga.log");
    let relay = minga_testing::smtp::Receiver::start();
    let smtp = format!("{}?tls=none", relay.url());
    let env = [("MINGA_SMTP_URL", smtp.as_str()), ("MINGA_MAIL_FROM", "forum@bench.example")];
    let mut report = MailReport { backend: db.name().into(), messages: opts.messages, ..Default::default() };

    // The same server with nothing to send, settled.
    let idle = Minga::start_with(&opts.minga, &db, work.path(), &log, &env)?;
    std::thread::sleep(Duration::from_secs(2));
    report.rss_idle_mb = idle.rss_mb();
    idle.stop()?;

    eprintln!("mail: queueing {} messages", opts.messages);
    runtime.block_on(queue(&url, opts.messages))?;

    let started = Instant::now();
    let mut server = Minga::start_with(&opts.minga, &db, work.path(), &log, &env)?;
    let sampler = RssSampler::start(server.pid());
    loop {
        let got = relay.count();
        if got >= opts.messages {
            break;
        }
        server.check_alive()?;
        if started.elapsed() > Duration::from_secs(600) {
            bail!("only {got} of {} messages arrived within 600 s", opts.messages);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    report.send_s = started.elapsed().as_secs_f64();
    report.rss_peak_mb = sampler.finish();
    report.extra_mb = report.rss_peak_mb - report.rss_idle_mb;
    report.messages_per_s = opts.messages as f64 / report.send_s;
    std::thread::sleep(Duration::from_millis(500));
    let all = relay.messages();
    let mut ids: Vec<Vec<u8>> = all
        .iter()
        .filter_map(|m| m.raw.split(|b| *b == b'\n').find(|l| l.starts_with(b"Message-ID:")).map(<[u8]>::to_vec))
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    report.duplicates = n - ids.len();
    server.stop()?;
    let out = opts.out.join(format!("mail-{}.json", report.backend));
    std::fs::write(&out, serde_json::to_string_pretty(&report)?)?;
    Ok(report)
}

pub fn markdown(r: &MailReport) -> String {
    format!(
        "| backend | messages | seconds | messages/s | RSS idle | RSS peak | extra | duplicates |\n|---|---|---|---|---|---|---|---|\n\
         | {} | {} | {:.1} | {:.0} | {:.1} MB | {:.1} MB | {:.1} MB | {} |\n",
        r.backend, r.messages, r.send_s, r.messages_per_s, r.rss_idle_mb, r.rss_peak_mb, r.extra_mb, r.duplicates
    )
}
