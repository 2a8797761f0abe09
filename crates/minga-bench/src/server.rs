//! `minga serve` under test: started from a given binary on a free
//! loopback port, on SQLite in a data folder or on a PostgreSQL URL,
//! timed from spawn to its first 200, stopped gracefully.

use crate::http;
use crate::process;
use anyhow::{Result, bail};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The database minga serves.
#[derive(Clone, Debug)]
pub enum Database {
    /// The SQLite file in this data folder.
    Sqlite(PathBuf),
    /// A `postgres://` URL.
    Postgres(String),
}

impl Database {
    /// As reports name it.
    pub fn name(&self) -> &'static str {
        match self {
            Database::Sqlite(_) => "sqlite",
            Database::Postgres(_) => "postgres",
        }
    }
}

pub struct Minga {
    child: Child,
    pub addr: SocketAddr,
    /// Milliseconds from spawning the process to the first 200 on /latest.
    pub boot_ms: f64,
    log: PathBuf,
}

impl Minga {
    /// Starts minga on `db`; `work` is a folder of the harness's, the data
    /// folder when serving PostgreSQL.
    pub fn start(bin: &Path, db: &Database, work: &Path, log: &Path) -> Result<Minga> {
        Minga::start_with(bin, db, work, log, &[])
    }

    /// Starts minga with settings of its own in the environment.
    pub fn start_with(
        bin: &Path,
        db: &Database,
        work: &Path,
        log: &Path,
        env: &[(&str, &str)],
    ) -> Result<Minga> {
        let addr: SocketAddr = format!("127.0.0.1:{}", process::free_port()?).parse()?;
        let out = std::fs::File::create(log)?;
        let mut cmd = Command::new(bin);
        cmd.args(["serve", "--bind", &addr.to_string(), "--data"]);
        match db {
            Database::Sqlite(dir) => cmd.arg(dir),
            Database::Postgres(url) => cmd.arg(work).arg("--database-url").arg(url),
        };
        cmd.env("MINGA_LOG", "warn")
            // The harness decides where the data is; nothing inherited may override it.
            .env_remove("MINGA_DATABASE_URL")
            .env_remove("MINGA_CONFIG")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out);
        let started = Instant::now();
        let mut child = process::spawn(cmd)?;
        // The first 200 of a real page, not just an open port, is "started".
        loop {
            if let Some(status) = child.try_wait()? {
                bail!("minga exited during start-up ({status}):\n{}", process::tail(log, 4000));
            }
            if http::get(addr, "/latest", &[]).is_ok_and(|r| r.status == 200) {
                break;
            }
            if started.elapsed() > Duration::from_secs(60) {
                let _ = process::stop_group(&mut child, libc::SIGKILL, Duration::from_secs(2));
                bail!("minga did not answer /latest within 60 s:\n{}", process::tail(log, 4000));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let boot_ms = started.elapsed().as_secs_f64() * 1000.0;
        Ok(Minga { child, addr, boot_ms, log: log.to_path_buf() })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn rss_mb(&self) -> f64 {
        process::rss_mb(self.pid()).unwrap_or(0.0)
    }

    /// Fails, with minga's log, if the process died.
    pub fn check_alive(&mut self) -> Result<()> {
        if let Some(status) = self.child.try_wait()? {
            bail!("minga exited ({status}):\n{}", process::tail(&self.log, 4000));
        }
        Ok(())
    }

    /// SIGTERM, as an operator would: minga saves view counts and closes
    /// the database, leaving no write-ahead log behind.
    pub fn stop(mut self) -> Result<()> {
        process::stop_group(&mut self.child, libc::SIGTERM, Duration::from_secs(20))
    }
}

impl Drop for Minga {
    fn drop(&mut self) {
        let _ = process::stop_group(&mut self.child, libc::SIGKILL, Duration::from_secs(2));
    }
}
