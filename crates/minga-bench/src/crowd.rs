//! Many connections of mixed traffic, with reads and replies timed apart
//! (wrk keeps one histogram for everything). Each connection is a task
//! that keeps one HTTP/1.1 connection alive and, request after request,
//! draws a reply (a given share) or a read, drawn as wrk's script draws
//! (groups by weight, then entries in turn or by popularity). Answers are
//! read by their Content-Length, which minga always sends.

use crate::process;
use crate::rng::Rng;
use crate::trickle::{percentile, reply_body};
use crate::wrk::{Entry, Load, Outcome};
use crate::zipf;
use anyhow::{Context, Result, bail};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub connections: usize,
    pub seconds: u32,
    /// Percent of requests that are replies.
    pub reply_percent: u32,
    /// Threads of the load generator's runtime.
    pub threads: usize,
    pub seed: u64,
}

/// Reads and replies, each with its own figures.
pub struct Crowd {
    pub reads: Outcome,
    pub replies: Outcome,
    /// The first failed answer or error, to say what went wrong.
    pub first_error: Option<String>,
}

/// A request's bytes, formatted once.
type Request = Arc<[u8]>;

struct Group {
    requests: Vec<Request>,
    /// Running sums of the entries' popularity; empty: entries take turns.
    cumulative: Vec<f64>,
}

struct Plan {
    groups: Vec<Group>,
    /// Running sums of the group weights.
    weights: Vec<u32>,
    replies: Vec<Request>,
    reply_percent: u32,
}

impl Plan {
    fn new(addr: SocketAddr, reads: &Load, reply: &Entry, settings: &Settings) -> Result<Plan> {
        let mut groups = Vec::new();
        let mut weights = Vec::new();
        let mut total = 0;
        for g in &reads.groups {
            let requests = g
                .entries
                .iter()
                .map(|e| match e {
                    Entry::Get { path, headers } => Ok(format_request(addr, "GET", path, headers, None)),
                    Entry::Reply { .. } => bail!("replies come from their own share, not the reads"),
                })
                .collect::<Result<Vec<_>>>()?;
            let cumulative = g.popularity.as_deref().map(zipf::cumulative).unwrap_or_default();
            groups.push(Group { requests, cumulative });
            total += g.weight;
            weights.push(total);
        }
        let Entry::Reply { headers, topics, raws } = reply else { bail!("the reply entry is not a reply") };
        let mut rng = Rng::derive(settings.seed, &[0x6372_6f77]);
        let replies = (0..512)
            .map(|_| format_request(addr, "POST", "/posts.json", headers, Some(&reply_body(topics, raws, &mut rng))))
            .collect();
        Ok(Plan { groups, weights, replies, reply_percent: settings.reply_percent })
    }

    /// The next request of a connection, and whether it is a reply.
    fn draw(&self, rng: &mut Rng, turn: &mut usize) -> (&Request, bool) {
        if rng.below(100) < u64::from(self.reply_percent) {
            return (&self.replies[rng.below(self.replies.len() as u64) as usize], true);
        }
        let total = *self.weights.last().expect("a read group");
        let r = rng.below(u64::from(total)) as u32;
        let group = &self.groups[self.weights.partition_point(|&w| w <= r)];
        if group.cumulative.is_empty() {
            *turn += 1;
            (&group.requests[*turn % group.requests.len()], false)
        } else {
            (&group.requests[zipf::pick(&group.cumulative, rng.unit())], false)
        }
    }
}

fn format_request(addr: SocketAddr, method: &str, path: &str, headers: &[(String, String)], body: Option<&str>) -> Request {
    let mut r = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n");
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        r.push_str(&format!("Content-Length: {}\r\n\r\n{b}", b.len()));
    } else {
        r.push_str("\r\n");
    }
    r.into_bytes().into()
}

/// What one kind of request met on one connection.
#[derive(Default)]
struct Tally {
    requests: u64,
    ok: u64,
    errors: u64,
    server_errors: u64,
    /// Microseconds, for every request answered.
    micros: Vec<u32>,
    first_error: Option<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.requests += other.requests;
        self.ok += other.ok;
        self.errors += other.errors;
        self.server_errors += other.server_errors;
        self.micros.extend(other.micros);
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    fn outcome(mut self, seconds: f64) -> Outcome {
        self.micros.sort_unstable();
        let ms = |p: f64| percentile(&self.micros, p) / 1000.0;
        Outcome {
            requests: self.requests,
            rps: self.ok as f64 / seconds,
            p50_ms: ms(50.0),
            p99_ms: ms(99.0),
            max_ms: ms(100.0),
            errors: self.errors,
            server_errors: Some(self.server_errors),
        }
    }
}

/// Loads `addr` with `settings.connections` connections for
/// `settings.seconds`: `reply` for the replies' share, `reads` for the rest.
pub fn run(addr: SocketAddr, reads: &Load, reply: &Entry, settings: Settings) -> Result<Crowd> {
    assert!(addr.ip().is_loopback(), "loads only ever target this machine");
    // A socket per connection, beside the harness's own files.
    let limit = process::raise_file_limit();
    if limit < settings.connections as u64 + 64 {
        bail!("the open-file limit ({limit}) is too low for {} connections", settings.connections);
    }
    let plan = Arc::new(Plan::new(addr, reads, reply, &settings)?);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(settings.threads.max(1)).enable_all().build()?;
    let (reads, replies, seconds) = runtime.block_on(async {
        // Every connection opens before the clock starts, as wrk's do.
        let mut streams = Vec::with_capacity(settings.connections);
        for _ in 0..settings.connections {
            streams.push(tokio::spawn(connect(addr)));
        }
        let mut opened = Vec::with_capacity(settings.connections);
        for s in streams {
            opened.push(s.await?.with_context(|| format!("opening {} connections to {addr}", settings.connections))?);
        }
        let started = Instant::now();
        let deadline = started + Duration::from_secs(u64::from(settings.seconds));
        let tasks: Vec<_> = opened
            .into_iter()
            .enumerate()
            .map(|(i, stream)| tokio::spawn(client(addr, Arc::clone(&plan), stream, deadline, Rng::derive(settings.seed, &[i as u64]))))
            .collect();
        let (mut reads, mut replies) = (Tally::default(), Tally::default());
        for t in tasks {
            let (r, w) = t.await?;
            reads.merge(r);
            replies.merge(w);
        }
        anyhow::Ok((reads, replies, started.elapsed().as_secs_f64()))
    })?;
    runtime.shutdown_timeout(Duration::from_secs(1));
    let first_error = replies.first_error.clone().or_else(|| reads.first_error.clone());
    Ok(Crowd { reads: reads.outcome(seconds), replies: replies.outcome(seconds), first_error })
}

async fn connect(addr: SocketAddr) -> std::io::Result<Conn> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    Ok(Conn { stream, buf: Vec::with_capacity(64 * 1024) })
}

/// One connection's requests until the deadline: reads and replies.
async fn client(addr: SocketAddr, plan: Arc<Plan>, stream: Conn, deadline: Instant, mut rng: Rng) -> (Tally, Tally) {
    let (mut reads, mut replies) = (Tally::default(), Tally::default());
    let mut conn = Some(stream);
    let mut turn = rng.below(1_000) as usize;
    while Instant::now() < deadline {
        let (request, is_reply) = plan.draw(&mut rng, &mut turn);
        let tally = if is_reply { &mut replies } else { &mut reads };
        tally.requests += 1;
        let sent = Instant::now();
        let answer = tokio::time::timeout(Duration::from_secs(30), async {
            let c = match conn.as_mut() {
                Some(c) => c,
                None => conn.insert(connect(addr).await?),
            };
            c.stream.write_all(request).await?;
            c.answer().await
        })
        .await;
        match answer {
            Ok(Ok(a)) => {
                tally.micros.push(sent.elapsed().as_micros().min(u32::MAX as u128) as u32);
                if (200..400).contains(&a.status) {
                    tally.ok += 1;
                } else {
                    tally.errors += 1;
                    if a.status >= 500 {
                        tally.server_errors += 1;
                    }
                    tally.first_error.get_or_insert_with(|| format!("{}: {}", a.status, a.excerpt));
                }
                if a.close {
                    conn = None;
                }
            }
            Ok(Err(e)) => {
                tally.errors += 1;
                tally.first_error.get_or_insert_with(|| e.to_string());
                conn = None;
                // A refused connection would otherwise be retried in a tight loop.
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Err(_) => {
                tally.errors += 1;
                tally.first_error.get_or_insert_with(|| "no answer within 30 s".into());
                conn = None;
            }
        }
    }
    (reads, replies)
}

struct Conn {
    stream: TcpStream,
    /// Bytes read and not yet used.
    buf: Vec<u8>,
}

struct Answer {
    status: u16,
    /// The server said it closes the connection.
    close: bool,
    /// The start of a failed answer's body.
    excerpt: String,
}

impl Conn {
    async fn fill(&mut self) -> std::io::Result<()> {
        self.buf.reserve(64 * 1024);
        if self.stream.read_buf(&mut self.buf).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        Ok(())
    }

    /// Reads one answer: its head, then a body of Content-Length bytes.
    async fn answer(&mut self) -> std::io::Result<Answer> {
        let end = loop {
            if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break end;
            }
            self.fill().await?;
        };
        let head = parse_head(&self.buf[..end]).map_err(std::io::Error::other)?;
        let total = end + 4 + head.length;
        while self.buf.len() < total {
            self.fill().await?;
        }
        let excerpt = if head.status >= 400 {
            String::from_utf8_lossy(&self.buf[end + 4..total.min(end + 4 + 300)]).into_owned()
        } else {
            String::new()
        };
        self.buf.drain(..total);
        Ok(Answer { status: head.status, close: head.close, excerpt })
    }
}

struct Head {
    status: u16,
    length: usize,
    close: bool,
}

fn parse_head(head: &[u8]) -> Result<Head, String> {
    let head = std::str::from_utf8(head).map_err(|_| "an answer's head is not UTF-8")?;
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).ok_or("bad status line")?;
    let (mut length, mut close) = (None, false);
    for line in lines {
        let Some((k, v)) = line.split_once(':') else { continue };
        let (k, v) = (k.trim(), v.trim());
        if k.eq_ignore_ascii_case("content-length") {
            length = v.parse().ok();
        } else if k.eq_ignore_ascii_case("connection") {
            close = v.eq_ignore_ascii_case("close");
        } else if k.eq_ignore_ascii_case("transfer-encoding") {
            return Err(format!("a {status} answer without a Content-Length (Transfer-Encoding: {v})"));
        }
    }
    let length = length.ok_or_else(|| format!("a {status} answer without a Content-Length"))?;
    Ok(Head { status, length, close })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wrk::Group;

    #[test]
    fn heads() {
        let h = parse_head(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 12\r\nConnection: close").unwrap();
        assert_eq!((h.status, h.length, h.close), (503, 12, true));
        assert!(parse_head(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked").is_err());
    }

    /// A server that answers every request on a connection with a 200 and
    /// a body (and every POST with a 503), to run the crowd against.
    async fn serve(listener: tokio::net::TcpListener) {
        loop {
            let Ok((mut s, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let mut buf = Vec::new();
                loop {
                    let mut chunk = [0u8; 4096];
                    let Ok(n) = s.read(&mut chunk).await else { return };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..end]).to_string();
                        let body: usize = head
                            .lines()
                            .find_map(|l| l.strip_prefix("Content-Length: "))
                            .map_or(0, |v| v.parse().unwrap());
                        if buf.len() < end + 4 + body {
                            break;
                        }
                        buf.drain(..end + 4 + body);
                        let answer: &[u8] = if head.starts_with("POST") {
                            b"HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\nbusy"
                        } else {
                            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
                        };
                        if s.write_all(answer).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    }

    #[test]
    fn reads_and_replies_are_counted_apart() {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let addr = listener.local_addr().unwrap();
        runtime.spawn(serve(listener));
        let get = |p: &str| Entry::Get { path: p.into(), headers: vec![] };
        let reads = Load {
            groups: vec![Group::ranked(3, vec![get("/a"), get("/b")], vec![1.0, 0.5]), Group::turns(1, vec![get("/latest")])],
        };
        let reply = Entry::Reply { headers: vec![], topics: vec![1, 2], raws: vec!["\"hi\"".into()] };
        let settings = Settings { connections: 20, seconds: 1, reply_percent: 10, threads: 2, seed: 1 };
        let c = run(addr, &reads, &reply, settings).unwrap();
        assert!(c.reads.requests > 100 && c.reads.errors == 0 && c.reads.rps > 0.0);
        assert_eq!(c.replies.errors, c.replies.requests);
        assert_eq!(c.replies.server_errors, Some(c.replies.requests));
        let share = c.replies.requests as f64 / (c.reads.requests + c.replies.requests) as f64;
        assert!((0.05..0.15).contains(&share), "{share}");
        assert!(c.first_error.unwrap().starts_with("503: busy"));
    }
}
