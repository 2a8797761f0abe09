//! Serving HTTP with bounded work: at most `max_clients` connections at
//! once (an extra one is answered 503 at once and closed), a time limit on
//! reading each request's headers (which also ends idle keep-alive
//! connections), and, in the router, on each request and its body. The
//! open-file limit is raised as far as the system allows at start.

mod live;
pub mod smtp;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// How long a client may take to send a request's headers, and how long
/// an idle keep-alive connection stays open.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(15);

/// Files the process keeps for itself (database, logs, outgoing
/// connections) below the open-file limit.
const RESERVED_FILES: u64 = 128;

/// Holds the data folder for this process: one process serves a SQLite
/// forum (several nodes need PostgreSQL). Released when the process ends,
/// however it ends.
pub fn lock_data(dir: &std::path::Path) -> anyhow::Result<std::fs::File> {
    use std::os::fd::AsRawFd;
    let path = dir.join("minga.db.serving");
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path)?;
    // SAFETY: flock only takes the descriptor of a file this function holds.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        anyhow::bail!(
            "another minga is already serving the forum in {}. Stop it first (several servers on one forum need PostgreSQL).",
            dir.display()
        );
    }
    Ok(file)
}

/// Raises the soft open-file limit to the hard one; returns the soft limit.
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

/// The connections to allow: what was asked for, kept below the open-file
/// limit.
pub fn client_cap(asked: usize, file_limit: u64) -> usize {
    let room = file_limit.saturating_sub(RESERVED_FILES).max(16);
    asked.clamp(1, usize::try_from(room).unwrap_or(usize::MAX))
}

/// Serves `app` on `listener` until `shutdown` completes, then lets open
/// requests finish for up to ten seconds.
pub async fn run(listener: TcpListener, app: Router, max_clients: usize, shutdown: impl Future<Output = ()>) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(max_clients));
    let graceful = GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT).keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file handles or similar: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tokio::spawn(refuse(stream));
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let builder = builder.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            // Each branch boxed: a stream's task holds only what a stream
            // needs, not room for a whole hyper connection.
            let first = Box::pin(first_request(&stream)).await;
            if first == First::Stream {
                Box::pin(live::serve(stream, app, peer)).await;
            } else if first == First::Other {
                let service = TowerToHyperService::new(tower::ServiceExt::map_request(app, move |mut req: hyper::Request<Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(peer));
                    req
                }));
                let conn = builder.serve_connection(TokioIo::new(stream), service);
                let _ = Box::pin(watcher.watch(conn)).await;
            }
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(10)) => tracing::warn!("stopped with requests still open"),
    }
    Ok(())
}

/// What a new connection's first request is.
#[derive(PartialEq, Eq)]
enum First {
    /// `GET /live`: served on the connection itself.
    Stream,
    /// Anything else: hyper's, as it came.
    Other,
    /// Nothing within the header time limit, or the client left.
    Nothing,
}

/// Reads the start of a new connection's first request without taking it
/// from the socket.
async fn first_request(stream: &tokio::net::TcpStream) -> First {
    const START: &[u8] = b"GET /live";
    let mut first = [0u8; 10];
    let deadline = tokio::time::Instant::now() + HEADER_TIMEOUT;
    loop {
        let n = match tokio::time::timeout_at(deadline, stream.peek(&mut first)).await {
            Ok(Ok(n)) if n > 0 => n,
            _ => return First::Nothing,
        };
        let got = &first[..n];
        let shared = got.len().min(START.len());
        if got[..shared] != START[..shared] {
            return First::Other;
        }
        if n == first.len() {
            return if matches!(first[START.len()], b' ' | b'?') { First::Stream } else { First::Other };
        }
        // Only part of the request line so far.
        if tokio::time::timeout_at(deadline, tokio::time::sleep(Duration::from_millis(5))).await.is_err() {
            return First::Nothing;
        }
    }
}

/// Answers a connection over the limit at once, so the client hears that
/// the forum is busy instead of waiting.
async fn refuse(mut stream: tokio::net::TcpStream) {
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        let _ = stream.write_all(&busy()).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

/// A whole 503 response with the API's error shape and the headers every
/// response carries.
fn busy() -> Vec<u8> {
    let body = r#"{"errors":["The forum is very busy right now. Please try again in a moment."],"error_type":"busy"}"#;
    let headers: String = minga_web::headers::fixed().iter().map(|(name, value)| format!("{name}: {value}\r\n")).collect();
    format!(
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: application/json; charset=utf-8\r\n\
         {headers}Connection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_busy_answer_is_whole() {
        let text = String::from_utf8(busy()).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 503 "));
        assert!(head.contains(&format!("Content-Length: {}", body.len())));
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["error_type"], "busy");
        assert!(head.to_ascii_lowercase().contains("content-security-policy: default-src 'self'"), "{head}");
        assert!(head.to_ascii_lowercase().contains("x-frame-options: deny"), "{head}");
    }

    #[test]
    fn clients_stay_below_the_file_limit() {
        assert_eq!(client_cap(10_000, 1024), 896);
        assert_eq!(client_cap(500, 65_536), 500);
        assert_eq!(client_cap(10, 100), 10);
    }
}
