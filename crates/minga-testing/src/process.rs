//! Child-process plumbing shared by the PostgreSQL and browser helpers.

use std::ffi::CString;
use std::io;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command};
use std::sync::{OnceLock, mpsc};

/// Asks the kernel for a port that is free right now. Another process could take
/// it before our child binds it; on a test machine that race is rare enough.
pub(crate) fn free_port() -> u16 {
    let probe = TcpListener::bind("127.0.0.1:0").expect("binding 127.0.0.1:0 to find a free port");
    probe.local_addr().expect("reading the probe socket's address").port()
}

pub(crate) fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Numeric ids of a system user that a child process should run as.
#[derive(Clone, Copy, Debug)]
pub(crate) struct UserIds {
    pub uid: libc::uid_t,
    pub gid: libc::gid_t,
}

/// Looks up a system user by name; `None` if there is no such user.
pub(crate) fn lookup_user(name: &str) -> Option<UserIds> {
    let name = CString::new(name).ok()?;
    // getpwnam_r instead of getpwnam: tests run on many threads and the
    // non-reentrant variant returns shared static storage.
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: passwd is plain old data; all-zero is a valid (if meaningless) value.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer refers to live, correctly sized memory owned by this frame.
    let rc = unsafe {
        libc::getpwnam_r(name.as_ptr(), &mut pwd, buf.as_mut_ptr(), buf.len(), &mut found)
    };
    if rc != 0 || found.is_null() {
        return None;
    }
    Some(UserIds { uid: pwd.pw_uid, gid: pwd.pw_gid })
}

/// Gives `path` to `user` so that a child running as that user can write there.
pub(crate) fn chown(path: &Path, user: UserIds) -> io::Result<()> {
    std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid))
}

type SpawnRequest = (Command, mpsc::Sender<io::Result<Child>>);

/// Spawns `cmd` so that the kernel SIGKILLs it when this test process dies, even
/// if it dies without running any cleanup (a killed `cargo test`, an abort).
///
/// With `run_as`, the child drops to that user before exec'ing (needed because
/// PostgreSQL refuses to run as root, and CI runs tests as root).
///
/// PR_SET_PDEATHSIG fires when the *thread* that forked the child exits, not the
/// process, and the test harness runs each test on a short-lived thread. So the
/// actual fork happens on one dedicated thread that lives as long as the process.
pub(crate) fn spawn_tied_to_process(mut cmd: Command, run_as: Option<UserIds>) -> io::Result<Child> {
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: the closure runs between fork and exec, so it only makes
    // async-signal-safe calls (setgroups, setgid, setuid, prctl, getppid) and
    // does not allocate; the user lookup happened before the fork.
    unsafe {
        cmd.pre_exec(move || {
            if let Some(user) = run_as {
                // Drop root's supplementary groups first, then the gid while we
                // still have the privilege to change it, then the uid.
                check(libc::setgroups(0, std::ptr::null()))?;
                check(libc::setgid(user.gid))?;
                check(libc::setuid(user.uid))?;
            }
            // Must come after setuid: changing credentials clears the death signal.
            check(libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong))?;
            // If the parent already died before prctl, no signal will ever come.
            if libc::getppid() != parent {
                return Err(io::Error::other("parent process exited during spawn"));
            }
            Ok(())
        });
    }
    let (reply_tx, reply_rx) = mpsc::channel();
    spawner()
        .send((cmd, reply_tx))
        .map_err(|_| io::Error::other("the minga-testing spawner thread is gone"))?;
    reply_rx
        .recv()
        .map_err(|_| io::Error::other("the minga-testing spawner thread did not answer"))?
}

/// The long-lived thread that forks children for [`spawn_tied_to_process`]. Its
/// sender sits in a static and is never dropped, so the loop never ends.
fn spawner() -> &'static mpsc::Sender<SpawnRequest> {
    static SPAWNER: OnceLock<mpsc::Sender<SpawnRequest>> = OnceLock::new();
    SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<SpawnRequest>();
        std::thread::Builder::new()
            .name("minga-testing-spawner".into())
            .spawn(move || {
                for (mut cmd, reply) in rx {
                    // The requester may have given up (panicked); nothing to do then.
                    let _ = reply.send(cmd.spawn());
                }
            })
            .expect("starting the minga-testing spawner thread");
        tx
    })
}

fn check(rc: libc::c_int) -> io::Result<()> {
    if rc == -1 { Err(io::Error::last_os_error()) } else { Ok(()) }
}

/// SIGKILLs a process group: its leader and every process it started that
/// stayed in the group. Chromium stays (only its crash handlers leave, and they
/// exit by themselves); PostgreSQL backends leave but exit once the postmaster dies.
pub(crate) fn kill_group(leader_pid: u32) {
    // SAFETY: kill has no memory-safety preconditions. A negative pid addresses
    // the group; a stale group id at worst yields ESRCH, which we ignore.
    unsafe {
        libc::kill(-(leader_pid as libc::pid_t), libc::SIGKILL);
    }
}

/// True if a process with this pid exists (whoever owns it).
pub(crate) fn process_alive(pid: libc::pid_t) -> bool {
    if pid <= 0 {
        return false; // 0 and negatives address groups, not a single process.
    }
    // SAFETY: signal 0 only probes for existence; nothing is delivered.
    let rc = unsafe { libc::kill(pid, 0) };
    // EPERM means the process exists but belongs to someone else.
    rc == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// The last `max` bytes of a log file, for panic messages.
pub(crate) fn log_tail(path: &Path, max: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let start = bytes.len().saturating_sub(max);
            String::from_utf8_lossy(&bytes[start..]).into_owned()
        }
        Err(e) => format!("(could not read {}: {e})", path.display()),
    }
}
