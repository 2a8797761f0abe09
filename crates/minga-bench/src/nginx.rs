//! The ceiling: nginx (Debian's package) serving each measured page's
//! exact bytes as static files, configured and started by the harness
//! with its own pid file, logs and temp folders, on a free loopback port.

use crate::http;
use crate::process;
use anyhow::{Context, Result, bail};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Nginx {
    child: Child,
    pub addr: SocketAddr,
}

impl Nginx {
    /// Serves `root` from a config written into `work`.
    pub fn start(root: &Path, work: &Path) -> Result<Nginx> {
        let bin = process::find_program("nginx").context("nginx is not installed (apt-get install nginx)")?;
        let addr: SocketAddr = format!("127.0.0.1:{}", process::free_port()?).parse()?;
        std::fs::create_dir_all(work.join("temp"))?;
        let conf = work.join("nginx.conf");
        std::fs::write(&conf, config(root, work, addr))?;
        let log = work.join("nginx.out");
        let out = std::fs::File::create(&log)?;
        let mut cmd = Command::new(bin);
        // -e: the error log before the config is read, so nothing touches /var/log.
        cmd.arg("-p").arg(work).arg("-c").arg(&conf).arg("-e").arg(work.join("error.log"));
        cmd.stdin(Stdio::null()).stdout(out.try_clone()?).stderr(out);
        let mut child = process::spawn(cmd)?;
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait()? {
                bail!("nginx exited ({status}):\n{}\n{}", process::tail(&log, 2000), process::tail(&work.join("error.log"), 2000));
            }
            if http::get(addr, "/", &[]).is_ok() {
                return Ok(Nginx { child, addr });
            }
            if started.elapsed() > Duration::from_secs(10) {
                bail!("nginx did not answer within 10 s:\n{}", process::tail(&work.join("error.log"), 2000));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn stop(mut self) -> Result<()> {
        process::stop_group(&mut self.child, libc::SIGTERM, Duration::from_secs(10))
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = process::stop_group(&mut self.child, libc::SIGKILL, Duration::from_secs(2));
    }
}

/// A static-file server tuned as one would for production: a worker per
/// core, sendfile, no access log, connections kept alive indefinitely
/// (as minga's are), so the ceiling is nginx's and not the set-up's.
fn config(root: &Path, work: &Path, addr: SocketAddr) -> String {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    // As root, nginx drops its workers to `user`; root keeps the harness's
    // private temp folder readable. Otherwise the directive is ignored.
    // SAFETY: geteuid has no preconditions.
    let user = if unsafe { libc::geteuid() } == 0 { "user root;" } else { "" };
    let w = work.display();
    format!(
        r#"{user}
daemon off;
master_process on;
worker_processes {workers};
pid {w}/nginx.pid;
error_log {w}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 120s;
    keepalive_requests 10000000;
    open_file_cache max=10000 inactive=60s;
    types {{ text/html html; application/json json; }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/html application/json;
    client_body_temp_path {w}/temp/body;
    proxy_temp_path {w}/temp/proxy;
    fastcgi_temp_path {w}/temp/fastcgi;
    uwsgi_temp_path {w}/temp/uwsgi;
    scgi_temp_path {w}/temp/scgi;
    server {{
        listen {addr};
        root {root};
    }}
}}
"#,
        root = root.display()
    )
}
