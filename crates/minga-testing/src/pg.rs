//! A throwaway PostgreSQL 15 cluster shared by every test in the process.
//!
//! The first call to [`cluster`] runs `initdb` into a fresh temp dir and starts
//! `postgres` on a free port; later calls reuse it. Each test then asks for its
//! own empty database with [`Cluster::create_database`], so tests stay isolated
//! while paying the cluster start-up cost only once per test binary.
//!
//! Set `MINGA_TEST_DATABASE_URL_PG` to a `postgres://` URL of an existing server
//! (with a superuser) to create the test databases there instead.

use std::fs::{self, File};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::process::{self, UserIds};

const BIN_DIR: &str = "/usr/lib/postgresql/15/bin";
const EXTERNAL_URL_VAR: &str = "MINGA_TEST_DATABASE_URL_PG";
/// Prefix of our temp dirs, so later runs can find and remove stale ones.
const DIR_PREFIX: &str = "minga-pg-";
/// Holds the pid of the test process that owns a temp dir.
const OWNER_FILE: &str = "owner.pid";
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// The process-wide cluster, started on first use.
///
/// A start-up failure is stored too, so every test fails at once with the same
/// message instead of each one retrying a 30-second start.
pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
    match CLUSTER.get_or_init(Cluster::start) {
        Ok(cluster) => cluster,
        Err(message) => panic!("{message}"),
    }
}

/// A PostgreSQL server to create test databases on.
pub struct Cluster {
    server: Server,
    next_db: AtomicU64,
}

enum Server {
    /// Our own postgres child process.
    Local(Local),
    /// A server given by `MINGA_TEST_DATABASE_URL_PG`.
    External { url: String },
}

struct Local {
    port: u16,
    socket_dir: PathBuf,
}

impl Cluster {
    fn start() -> Result<Cluster, String> {
        let server = match std::env::var(EXTERNAL_URL_VAR) {
            Ok(url) if !url.trim().is_empty() => Server::External { url: url.trim().to_owned() },
            _ => Server::Local(Local::start()?),
        };
        Ok(Cluster { server, next_db: AtomicU64::new(1) })
    }

    /// Creates a fresh, empty database and returns its URL, e.g.
    /// `postgres://postgres@127.0.0.1:PORT/minga_test_7`.
    pub fn create_database(&self) -> String {
        let n = self.next_db.fetch_add(1, Ordering::Relaxed);
        match &self.server {
            Server::Local(local) => {
                // The cluster belongs to this process alone, so a counter is unique enough.
                let name = format!("minga_test_{n}");
                let mut cmd = Command::new(bin("createdb"));
                cmd.arg("-h").arg(&local.socket_dir);
                cmd.args(["-p", &local.port.to_string(), "-U", "postgres", &name]);
                run(cmd, &format!("creating database {name}"));
                format!("postgres://postgres@127.0.0.1:{}/{name}", local.port)
            }
            Server::External { url } => {
                // A shared server also sees other test processes and leftovers of
                // earlier runs, so the name carries a per-process tag as well.
                let name = format!("minga_test_{}_{n}", process_tag());
                let mut cmd = Command::new(bin("psql"));
                cmd.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url]);
                cmd.args(["-c", &format!("CREATE DATABASE \"{name}\"")]);
                run(cmd, &format!("creating database {name} on {EXTERNAL_URL_VAR}"));
                with_database(url, &name)
            }
        }
    }

    /// The TCP port the server listens on (127.0.0.1 for the local cluster).
    pub fn port(&self) -> u16 {
        match &self.server {
            Server::Local(local) => local.port,
            Server::External { url } => port_of(url),
        }
    }
}

impl Local {
    fn start() -> Result<Local, String> {
        for tool in ["initdb", "postgres", "pg_isready", "createdb"] {
            let path = Path::new(BIN_DIR).join(tool);
            if !path.exists() {
                return Err(format!(
                    "{} is missing: install PostgreSQL 15 (apt-get install postgresql-15) \
                     or set {EXTERNAL_URL_VAR} to an existing server",
                    path.display()
                ));
            }
        }
        remove_stale_dirs();

        // initdb and postgres refuse to run as root, which is how CI runs tests.
        let run_as = if process::is_root() {
            Some(process::lookup_user("postgres").ok_or(
                "running as root, but there is no `postgres` system user to run PostgreSQL as",
            )?)
        } else {
            None
        };

        // Kept on purpose (not removed on drop): the server outlives every
        // test. An exit hook and the next run's stale-dir sweep clean it up.
        let root = tempfile::Builder::new()
            .prefix(DIR_PREFIX)
            .tempdir()
            .map_err(|e| format!("creating a temp dir for PostgreSQL: {e}"))?
            .keep();
        let io_err = |what: &str, e: std::io::Error| format!("{what} in {}: {e}", root.display());
        fs::write(root.join(OWNER_FILE), std::process::id().to_string())
            .map_err(|e| io_err("writing the owner pid", e))?;
        let socket_dir = root.join("sock");
        fs::create_dir(&socket_dir).map_err(|e| io_err("creating the socket dir", e))?;
        if let Some(user) = run_as {
            process::chown(&root, user).map_err(|e| io_err("chown to postgres", e))?;
            process::chown(&socket_dir, user).map_err(|e| io_err("chown to postgres", e))?;
        }

        let data_dir = root.join("data");
        initdb(&root, &data_dir, run_as)?;

        let port = process::free_port();
        let log_path = root.join("postgres.log");
        let log = File::create(&log_path).map_err(|e| io_err("creating postgres.log", e))?;
        let log_too = log.try_clone().map_err(|e| io_err("duplicating the log handle", e))?;
        let mut cmd = Command::new(bin("postgres"));
        cmd.arg("-D").arg(&data_dir).arg("-k").arg(&socket_dir);
        cmd.args(["-p", &port.to_string()]);
        // Durability is pointless for throwaway data; skipping it makes tests fast.
        for setting in [
            "listen_addresses=127.0.0.1",
            "fsync=off",
            "synchronous_commit=off",
            "full_page_writes=off",
            "max_connections=200",
        ] {
            cmd.args(["-c", setting]);
        }
        // More settings for one run, e.g. `log_min_duration_statement=0`
        // to see what a benchmark asks of the database.
        if let Ok(extra) = std::env::var("MINGA_TEST_PG_SETTINGS") {
            for setting in extra.split_whitespace() {
                cmd.args(["-c", setting]);
            }
        }
        // Own process group, so Ctrl-C in the terminal does not reach it; the
        // exit hook kills the group instead. (Backends move to groups of their
        // own, but exit by themselves once they notice the postmaster is gone.)
        cmd.process_group(0);
        cmd.current_dir(&root).stdin(Stdio::null()).stdout(log).stderr(log_too);
        let child = process::spawn_tied_to_process(cmd, run_as)
            .map_err(|e| format!("starting {}/postgres: {e}", BIN_DIR))?;
        let pid = child.id();
        wait_until_ready(child, &socket_dir, port, &log_path)?;
        register_exit_cleanup(pid, root);
        Ok(Local { port, socket_dir })
    }
}

fn initdb(root: &Path, data_dir: &Path, run_as: Option<UserIds>) -> Result<(), String> {
    let mut cmd = Command::new(bin("initdb"));
    cmd.arg("-D").arg(data_dir);
    // C.UTF-8: byte-order collation like "C", but lower()/ILIKE still know non-ASCII letters.
    cmd.args(["--auth=trust", "-U", "postgres", "--no-sync", "--encoding=UTF8", "--locale=C.UTF-8"]);
    cmd.current_dir(root).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let output = process::spawn_tied_to_process(cmd, run_as)
        .and_then(Child::wait_with_output)
        .map_err(|e| format!("running {BIN_DIR}/initdb: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "initdb failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(())
}

/// Polls `pg_isready` until the server accepts connections, failing early (with
/// the server log) if postgres exits, e.g. because the port got taken.
fn wait_until_ready(mut child: Child, socket_dir: &Path, port: u16, log: &Path) -> Result<(), String> {
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "postgres exited during start-up ({status}); log {}:\n{}",
                log.display(),
                process::log_tail(log, 8000)
            ));
        }
        let ready = Command::new(bin("pg_isready"))
            .arg("-h")
            .arg(socket_dir)
            .args(["-p", &port.to_string(), "-U", "postgres", "-d", "postgres", "-q", "-t", "1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if ready {
            return Ok(());
        }
        if Instant::now() >= deadline {
            process::kill_group(child.id());
            return Err(format!(
                "postgres did not accept connections within {}s; log {}:\n{}",
                READY_TIMEOUT.as_secs(),
                log.display(),
                process::log_tail(log, 8000)
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// What the exit hook needs; set once, after the server is up.
static RUNNING: OnceLock<(u32, PathBuf)> = OnceLock::new();

/// Kills the server and removes its temp dir when the test binary exits
/// normally. Statics are never dropped, so only an atexit hook can do this;
/// if the process is killed instead, PR_SET_PDEATHSIG stops the server and the
/// next run's [`remove_stale_dirs`] takes care of the directory.
fn register_exit_cleanup(pid: u32, root: PathBuf) {
    extern "C" fn cleanup() {
        if let Some((pid, root)) = RUNNING.get() {
            process::kill_group(*pid);
            // Best effort: whatever is left is swept by a later run.
            let _ = fs::remove_dir_all(root);
        }
    }
    if RUNNING.set((pid, root)).is_ok() {
        // SAFETY: registering a plain extern "C" fn that never unwinds.
        unsafe {
            libc::atexit(cleanup);
        }
    }
}

/// Removes temp dirs left behind by earlier test processes that are gone.
fn remove_stale_dirs() {
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(DIR_PREFIX) {
            continue;
        }
        let path = entry.path();
        let owner = fs::read_to_string(path.join(OWNER_FILE))
            .ok()
            .and_then(|text| text.trim().parse::<libc::pid_t>().ok());
        // No readable owner: not ours to judge (or still being set up); leave it.
        if let Some(pid) = owner
            && !process::process_alive(pid)
        {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// Path of a PostgreSQL 15 client tool, falling back to `$PATH` so that an
/// external server can be used without the server package installed.
fn bin(tool: &str) -> PathBuf {
    let path = Path::new(BIN_DIR).join(tool);
    if path.exists() { path } else { PathBuf::from(tool) }
}

/// Runs a client tool to completion, panicking with its output on failure.
fn run(mut cmd: Command, what: &str) {
    let output = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{what}: could not run {:?}: {e}", cmd.get_program()));
    assert!(
        output.status.success(),
        "{what}: {:?} failed ({}):\n{}{}",
        cmd.get_program(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Distinguishes this process's databases on a shared server: the pid alone
/// could repeat across runs or containers, the start time alone across
/// processes started together.
fn process_tag() -> &'static str {
    static TAG: OnceLock<String> = OnceLock::new();
    TAG.get_or_init(|| {
        let millis = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
        format!("{}_{}", std::process::id(), millis % 100_000_000)
    })
}

/// `url` with its database (the path) replaced by `name`, keeping any query.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[authority_start..].find('/').map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// The port of a `postgres://` URL, 5432 if it names none.
fn port_of(url: &str) -> u16 {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    match host_port.rsplit_once(':') {
        // "[::1]" alone has colons but no port; a port never contains ']'.
        Some((_, port)) if !port.contains(']') => port.parse().unwrap_or(5432),
        _ => 5432,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_database_in_urls() {
        assert_eq!(with_database("postgres://u:p@h:5/db", "x"), "postgres://u:p@h:5/x");
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
        assert_eq!(
            with_database("postgresql://h/db?sslmode=disable", "x"),
            "postgresql://h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h?sslmode=disable", "x"), "postgres://h/x?sslmode=disable");
    }

    #[test]
    fn reads_ports_from_urls() {
        assert_eq!(port_of("postgres://u:p@h:6543/db"), 6543);
        assert_eq!(port_of("postgres://u:p@h/db"), 5432);
        assert_eq!(port_of("postgres://[::1]:7000/db"), 7000);
        assert_eq!(port_of("postgres://[::1]/db"), 5432);
        assert_eq!(port_of("postgres://h:6000?sslmode=disable"), 6000);
    }
}
