//! Child processes (minga, nginx, wrk): started tied to the harness so
//! none outlives it, stopped by their own ids, and measured from /proc.

use anyhow::{Context, Result, bail};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Spawns `cmd` in its own process group, to be SIGKILLed by the kernel
/// if the harness dies without cleaning up.
pub fn spawn(mut cmd: Command) -> Result<Child> {
    let parent = std::process::id() as libc::pid_t;
    cmd.process_group(0);
    // SAFETY: runs between fork and exec and only makes async-signal-safe
    // calls (prctl, getppid); it allocates nothing.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            if libc::getppid() != parent {
                return Err(std::io::Error::other("the harness exited during spawn"));
            }
            Ok(())
        });
    }
    cmd.spawn().with_context(|| format!("starting {:?}", cmd.get_program()))
}

/// Sends `signal` to the group led by `child` (the child and whatever it
/// started, e.g. nginx's workers), then waits up to `grace` before
/// SIGKILLing the group.
pub fn stop_group(child: &mut Child, signal: libc::c_int, grace: Duration) -> Result<()> {
    if child.try_wait()?.is_some() {
        return Ok(());
    }
    let group = child.id() as libc::pid_t;
    // SAFETY: kill has no memory-safety preconditions; the group is ours.
    unsafe { libc::kill(-group, signal) };
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if child.try_wait()?.is_some() {
            // The leader is gone; make sure no member of its group stays.
            unsafe { libc::kill(-group, libc::SIGKILL) };
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    unsafe { libc::kill(-group, libc::SIGKILL) };
    child.wait()?;
    bail!("process {group} did not stop within {grace:?} and was killed")
}

/// Waits for `child` to exit, killing its group past `limit`.
pub fn wait_bounded(child: &mut Child, limit: Duration) -> Result<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if Instant::now() > deadline {
            let _ = stop_group(child, libc::SIGKILL, Duration::from_secs(2));
            bail!("{} ran past its {limit:?} limit and was killed", child.id());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Resident memory of a process in MiB, from /proc/PID/status.
pub fn rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Samples a process's resident memory every 100 ms until stopped, and
/// returns the highest value seen.
pub struct RssSampler {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<f64>,
}

impl RssSampler {
    pub fn start(pid: u32) -> RssSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let handle = std::thread::spawn(move || {
            let mut peak: f64 = 0.0;
            while !flag.load(Ordering::Relaxed) {
                peak = peak.max(rss_mb(pid).unwrap_or(0.0));
                std::thread::sleep(Duration::from_millis(100));
            }
            peak.max(rss_mb(pid).unwrap_or(0.0))
        });
        RssSampler { stop, handle }
    }

    pub fn finish(self) -> f64 {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().unwrap_or(0.0)
    }
}

/// A port on 127.0.0.1 that is free right now.
pub fn free_port() -> Result<u16> {
    let probe = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(probe.local_addr()?.port())
}

/// The end of a log file, for error messages.
pub fn tail(path: &Path, max: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(max)..]).into_owned(),
        Err(e) => format!("(no log at {}: {e})", path.display()),
    }
}

/// Finds a program on PATH or in the sbin folders Debian puts servers in.
pub fn find_program(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/local/sbin"].map(Into::into))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Raises this process's soft open-file limit to the hard one (many
/// connections need many descriptors); returns the soft limit.
pub fn raise_file_limit() -> u64 {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit and setrlimit only read and write the struct given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1024;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit { rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit.rlim_cur = limit.rlim_max;
            }
        }
    }
    limit.rlim_cur
}
