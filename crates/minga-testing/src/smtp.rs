//! A real SMTP server for tests: `smtp_receiver.py` (aiosmtpd, from Debian's
//! `python3-aiosmtpd`) run by `/usr/bin/python3` on a free port of 127.0.0.1.
//!
//! Every [`Receiver`] is its own process with its own temp dir, where it stores
//! each accepted message as `NNNNNN.eml` (the exact DATA bytes) next to
//! `NNNNNN.json` (the envelope). [`Receiver::messages`] reads them back.

use std::fs::{self, File};
use std::io::{BufRead as _, BufReader};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

use crate::process;

const PYTHON: &str = "/usr/bin/python3";
const SCRIPT: &str = include_str!("smtp_receiver.py");
const START_TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(20);
const INSTALL_HINT: &str = "SMTP tests need Debian's python3-aiosmtpd (apt-get install python3-aiosmtpd)";

/// How the receiver should misbehave; the default accepts everything at once.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Sleep this long before answering DATA. An accepted message is already on
    /// disk during the sleep, so a test can wait for it and then kill the sender
    /// before it sees the 250.
    pub delay_ms: u64,
    /// Answer `550 5.1.1 mailbox unavailable` to RCPT TO addresses containing this.
    pub reject_rcpt: Option<String>,
    /// Answer `451 4.3.0 try again later` to the first this many DATA commands,
    /// without storing those messages.
    pub fail_first: u32,
}

/// One message the receiver accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// The MAIL FROM address; empty for the null sender (`MAIL FROM:<>`).
    pub mail_from: String,
    /// The accepted RCPT TO addresses (rejected ones are not listed).
    pub rcpt_tos: Vec<String>,
    /// The message exactly as sent in DATA (CRLF line ends, dots unstuffed).
    pub raw: Vec<u8>,
}

/// A running SMTP receiver. Dropping it kills the process and removes its dir.
pub struct Receiver {
    child: Child,
    /// Kept open: the receiver exits when its stdin closes, so it cannot
    /// outlive this process even without PR_SET_PDEATHSIG.
    _stdin: ChildStdin,
    port: u16,
    /// Where the messages go (`dir/mail`).
    mail_dir: PathBuf,
    /// Holds the script, `mail/` and the receiver's stderr log.
    dir: TempDir,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        // Not if it already exited and was reaped: its pid may be reused by now.
        if let Ok(None) = self.child.try_wait() {
            process::kill_group(self.child.id());
        }
        let _ = self.child.wait();
        // `dir` removes itself when dropped after this.
    }
}

impl Receiver {
    /// Starts a receiver that accepts every message.
    pub fn start() -> Receiver {
        Receiver::start_with(Options::default())
    }

    /// Starts a receiver and waits (up to 10 s) until it accepts connections.
    pub fn start_with(options: Options) -> Receiver {
        assert!(Path::new(PYTHON).exists(), "{PYTHON} is missing: {INSTALL_HINT}");
        let dir = tempfile::Builder::new()
            .prefix("minga-smtp-")
            .tempdir()
            .expect("creating a temp dir for the SMTP receiver");
        let script = dir.path().join("smtp_receiver.py");
        fs::write(&script, SCRIPT).unwrap_or_else(|e| panic!("writing {}: {e}", script.display()));
        let mail_dir = dir.path().join("mail");
        fs::create_dir(&mail_dir).unwrap_or_else(|e| panic!("creating {}: {e}", mail_dir.display()));
        let log = File::create(dir.path().join("receiver.log")).expect("creating the SMTP receiver log");

        let mut cmd = Command::new(PYTHON);
        // -I: ignore PYTHON* variables and user site-packages (pyenv and the like).
        cmd.arg("-I").arg(&script).arg("--dir").arg(&mail_dir);
        cmd.args(["--delay-ms", &options.delay_ms.to_string()]);
        cmd.args(["--fail-first", &options.fail_first.to_string()]);
        if let Some(reject) = &options.reject_rcpt {
            cmd.args(["--reject-rcpt", reject]);
        }
        // Own process group, so Ctrl-C in the terminal does not reach it.
        cmd.process_group(0);
        cmd.current_dir(dir.path()).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(log);
        let mut child = process::spawn_tied_to_process(cmd, None)
            .unwrap_or_else(|e| panic!("starting {PYTHON}: {e}; {INSTALL_HINT}"));
        let stdout = child.stdout.take().expect("the receiver's stdout is piped");
        let stdin = child.stdin.take().expect("the receiver's stdin is piped");
        // From here on a panic drops the receiver, which kills the child.
        let mut receiver = Receiver { child, _stdin: stdin, port: 0, mail_dir, dir };

        // Read the `PORT <n>` line on a thread so that we can time out; the
        // thread ends by itself once the child is killed and stdout closes.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let result = BufReader::new(stdout).read_line(&mut line).map(|_| line);
            let _ = tx.send(result);
        });
        let port = match rx.recv_timeout(START_TIMEOUT) {
            Ok(Ok(line)) => line.trim().strip_prefix("PORT ").and_then(|port| port.parse::<u16>().ok()),
            Ok(Err(e)) => panic!("SMTP receiver: reading its stdout failed: {e}\n{}", receiver.log_tail()),
            Err(_) => panic!(
                "SMTP receiver did not report its port within {}s ({INSTALL_HINT})\nlog:\n{}",
                START_TIMEOUT.as_secs(),
                receiver.log_tail()
            ),
        };
        match port {
            Some(port) if port != 0 => receiver.port = port,
            _ => panic!(
                "SMTP receiver failed to start ({}); {INSTALL_HINT}\nlog:\n{}",
                receiver.exit_status(),
                receiver.log_tail()
            ),
        }
        receiver
    }

    /// The port it listens on, at 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `smtp://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message accepted so far, in the order received.
    /// How many messages arrived, without reading them.
    pub fn count(&self) -> usize {
        let entries = fs::read_dir(&self.mail_dir).unwrap_or_else(|e| panic!("reading {}: {e}", self.mail_dir.display()));
        entries.flatten().filter(|e| e.file_name().to_str().is_some_and(|n| n.ends_with(".eml") && !n.starts_with('.'))).count()
    }

    pub fn messages(&self) -> Vec<Received> {
        let entries =
            fs::read_dir(&self.mail_dir).unwrap_or_else(|e| panic!("reading {}: {e}", self.mail_dir.display()));
        let mut numbers: Vec<u64> = entries
            .flatten()
            .filter_map(|entry| entry.file_name().to_str()?.strip_suffix(".eml")?.parse::<u64>().ok())
            .collect();
        numbers.sort_unstable();
        numbers.into_iter().map(|n| self.read_message(n)).collect()
    }

    /// Polls until at least `n` messages arrived and returns them all; panics
    /// with the count seen if that takes longer than `timeout`.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            if self.count() >= n {
                return self.messages();
            }
            let messages = self.messages();
            if Instant::now() >= deadline {
                panic!(
                    "SMTP receiver on port {}: expected at least {n} message(s) within {timeout:?}, \
                     got {}\nlog:\n{}",
                    self.port,
                    messages.len(),
                    self.log_tail()
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// Reads `NNNNNN.json` and `NNNNNN.eml`. The script renames the json into
    /// place before the .eml, so both exist once the .eml does.
    fn read_message(&self, n: u64) -> Received {
        let read = |ext: &str| {
            let path = self.mail_dir.join(format!("{n:06}.{ext}"));
            fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
        };
        let raw = read("eml");
        let envelope: Value = serde_json::from_slice(&read("json"))
            .unwrap_or_else(|e| panic!("SMTP receiver: bad envelope json for message {n}: {e}"));
        let Some((mail_from, rcpt_tos)) = parse_envelope(&envelope) else {
            panic!("SMTP receiver: unexpected envelope for message {n}: {envelope}");
        };
        Received { mail_from, rcpt_tos, raw }
    }

    fn log_tail(&self) -> String {
        process::log_tail(&self.dir.path().join("receiver.log"), 4000)
    }

    /// How the child ended, for start-up errors; it may need a moment to exit
    /// after closing its stdout.
    fn exit_status(&mut self) -> String {
        let deadline = Instant::now() + Duration::from_secs(1);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return status.to_string(),
                Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL),
                Ok(None) => return "still running".to_owned(),
                Err(e) => return format!("status unknown: {e}"),
            }
        }
    }
}

/// `{"mail_from": "...", "rcpt_tos": ["...", ...]}`
fn parse_envelope(envelope: &Value) -> Option<(String, Vec<String>)> {
    let text = |value: &Value| value.as_str().map(str::to_owned);
    let mail_from = text(&envelope["mail_from"])?;
    let rcpt_tos = envelope["rcpt_tos"].as_array()?.iter().map(text).collect::<Option<Vec<_>>>()?;
    Some((mail_from, rcpt_tos))
}
