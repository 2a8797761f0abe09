//! Load with wrk (Debian's package). Every run, against minga or nginx,
//! uses the same generated Lua script shape, so the two are loaded alike:
//! requests are formatted once in `init`; each request draws a group by
//! weight (the mixes have several, other loads one), then an entry of the
//! group: in turn, or by popularity (a cumulative table and a binary
//! search, for Zipf-distributed pages); `done` prints exact figures for
//! us to parse. Every thread seeds its draws alike on every run, so minga
//! and nginx are asked for the same sequence of pages.

use crate::process;
use anyhow::{Context, Result, bail};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

#[derive(Clone, Debug)]
pub enum Entry {
    Get { path: String, headers: Vec<(String, String)> },
    /// `POST /posts.json` replies: a body per request from these topics and
    /// (JSON-encoded) texts.
    Reply { headers: Vec<(String, String)>, topics: Vec<i64>, raws: Vec<String> },
}

#[derive(Clone, Debug)]
pub struct Group {
    /// Which group a request comes from is drawn by this weight.
    pub weight: u32,
    pub entries: Vec<Entry>,
    /// A weight per entry, for a skewed draw (popular pages asked for more
    /// often); `None`: the entries take turns.
    pub popularity: Option<Vec<f64>>,
}

impl Group {
    pub fn turns(weight: u32, entries: Vec<Entry>) -> Group {
        Group { weight, entries, popularity: None }
    }

    /// Entries drawn by `popularity`, one weight each (reads only).
    pub fn ranked(weight: u32, entries: Vec<Entry>, popularity: Vec<f64>) -> Group {
        assert_eq!(entries.len(), popularity.len(), "one weight per entry");
        assert!(entries.iter().all(|e| matches!(e, Entry::Get { .. })), "only reads are drawn by popularity");
        Group { weight, entries, popularity: Some(popularity) }
    }
}

#[derive(Clone, Debug)]
pub struct Load {
    pub groups: Vec<Group>,
}

impl Load {
    pub fn one(entries: Vec<Entry>) -> Load {
        Load { groups: vec![Group::turns(1, entries)] }
    }

    /// The same groups and weights with each entry replaced (the ceiling's
    /// copies of the pages).
    pub fn map(&self, mut f: impl FnMut(usize, usize, &Entry) -> Result<Entry>) -> Result<Load> {
        let mut groups = Vec::new();
        for (g, group) in self.groups.iter().enumerate() {
            let entries = group.entries.iter().enumerate().map(|(k, e)| f(g, k, e)).collect::<Result<_>>()?;
            groups.push(Group { weight: group.weight, entries, popularity: group.popularity.clone() });
        }
        Ok(Load { groups })
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub threads: u32,
    pub connections: u32,
    pub seconds: u32,
}

#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub requests: u64,
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Non-2xx/3xx answers plus socket errors (connect, read, write,
    /// timeout). Requests per second count only the good answers.
    pub errors: u64,
    /// 5xx answers, when the load generator tells them apart (wrk does not).
    pub server_errors: Option<u64>,
}

pub fn run(addr: SocketAddr, load: &Load, settings: Settings, script: &Path) -> Result<Outcome> {
    assert!(addr.ip().is_loopback(), "loads only ever target this machine");
    std::fs::write(script, lua(load))?;
    let bin = process::find_program("wrk").context("wrk is not installed (apt-get install wrk)")?;
    let mut cmd = Command::new(bin);
    cmd.arg(format!("-t{}", settings.threads))
        .arg(format!("-c{}", settings.connections))
        .arg(format!("-d{}s", settings.seconds))
        .args(["--latency", "--timeout", "5s", "-s"])
        .arg(script)
        .arg(format!("http://{addr}/"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = process::spawn(cmd)?;
    // Read on threads: wrk's output could fill a pipe before it exits.
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || std::io::read_to_string(&mut stdout).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(&mut stderr).unwrap_or_default());
    let status = process::wait_bounded(&mut child, Duration::from_secs(settings.seconds as u64 + 60))?;
    let (out, err) = (out.join().unwrap_or_default(), err.join().unwrap_or_default());
    if !status.success() {
        bail!("wrk failed ({status}): {err}\n{out}");
    }
    parse(&out).with_context(|| format!("reading wrk's output:\n{out}\n{err}"))
}

/// Parses the line our `done` prints.
fn parse(out: &str) -> Result<Outcome> {
    let line = out.lines().find_map(|l| l.strip_prefix("MINGA_BENCH ")).context("no summary line")?;
    let n: Vec<f64> = line.split_whitespace().map(str::parse).collect::<Result<_, _>>()?;
    let [requests, duration_us, p50_us, p99_us, max_us, bad_status, socket_errors] = n[..] else {
        bail!("summary has {} fields", n.len())
    };
    Ok(Outcome {
        requests: requests as u64,
        rps: (requests - bad_status) / (duration_us / 1e6),
        p50_ms: p50_us / 1000.0,
        p99_ms: p99_us / 1000.0,
        max_ms: max_us / 1000.0,
        errors: (bad_status + socket_errors) as u64,
        server_errors: None,
    })
}

/// A Lua long string that cannot be closed by its contents.
fn long_string(s: &str) -> String {
    let mut level = 1;
    while s.contains(&format!("]{}]", "=".repeat(level))) {
        level += 1;
    }
    let eq = "=".repeat(level);
    format!("[{eq}[{s}]{eq}]")
}

/// A Lua table of headers. The spaces matter: `[[=[` would open a string.
fn headers(h: &[(String, String)]) -> String {
    let fields: Vec<String> = h.iter().map(|(k, v)| format!("[ {} ] = {}", long_string(k), long_string(v))).collect();
    format!("{{ {} }}", fields.join(", "))
}

fn entry(e: &Entry) -> String {
    match e {
        Entry::Get { path, headers: h } => {
            format!("{{ method = \"GET\", path = {}, headers = {} }}", long_string(path), headers(h))
        }
        Entry::Reply { headers: h, topics, raws } => {
            let topics: Vec<String> = topics.iter().map(i64::to_string).collect();
            let raws: Vec<String> = raws.iter().map(|r| long_string(r)).collect();
            format!(
                "{{ method = \"POST\", path = \"/posts.json\", headers = {}, topics = {{ {} }},\n      raws = {{ {} }} }}",
                headers(h),
                topics.join(", "),
                raws.join(",\n        ")
            )
        }
    }
}

fn lua(load: &Load) -> String {
    let mut s = String::from("-- Generated by minga-bench.\nlocal groups = {\n");
    for group in &load.groups {
        let _ = writeln!(s, "  {{ w = {},", group.weight);
        if let Some(p) = &group.popularity {
            // `{:e}` (e.g. 2.5e-3) is a Lua number as it stands.
            let weights: Vec<String> = p.iter().map(|w| format!("{w:e}")).collect();
            let _ = writeln!(s, "    p = {{ {} }},", weights.join(", "));
        }
        let _ = writeln!(s, "    entries = {{");
        for e in &group.entries {
            let _ = writeln!(s, "    {},", entry(e));
        }
        let _ = writeln!(s, "  }} }},");
    }
    s.push_str(
        r#"}

function setup(thread)
  counter = (counter or 0) + 1
  thread:set("thread_id", counter)
end

-- Requests are formatted once. A reply entry gets a pool of bodies, so
-- that each request still names a different topic and text.
local pools = {}
local weights = {}
local turns = {}
local cumulative = {}
local total = 0
function init(args)
  math.randomseed(1000 + (thread_id or 0))
  for g, group in ipairs(groups) do
    local pool = {}
    for _, e in ipairs(group.entries) do
      if e.topics then
        for k = 1, 256 do
          local body = '{"topic_id":' .. e.topics[math.random(#e.topics)] .. ',"raw":' .. e.raws[math.random(#e.raws)] .. '}'
          pool[#pool + 1] = wrk.format(e.method, e.path, e.headers, body)
        end
      else
        pool[#pool + 1] = wrk.format(e.method, e.path, e.headers)
      end
    end
    pools[g] = pool
    if group.p then
      local c, sum = {}, 0
      for k, w in ipairs(group.p) do
        sum = sum + w
        c[k] = sum
      end
      cumulative[g] = c
    end
    turns[g] = (thread_id or 0) * 7
    total = total + group.w
    weights[g] = total
  end
end

function request()
  local g = 1
  if #pools > 1 then
    local r = math.random(total)
    while weights[g] < r do g = g + 1 end
  end
  local pool = pools[g]
  local c = cumulative[g]
  if c then
    -- The first entry whose cumulative weight reaches the draw.
    local r = math.random() * c[#c]
    local lo, hi = 1, #c
    while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      if c[mid] < r then lo = mid + 1 else hi = mid end
    end
    return pool[lo]
  end
  turns[g] = turns[g] + 1
  return pool[(turns[g] % #pool) + 1]
end

function done(summary, latency, requests)
  local e = summary.errors
  local f = math.floor
  io.write(string.format("MINGA_BENCH %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    f(latency:percentile(50)), f(latency:percentile(99)), latency.max, e.status, e.connect + e.read + e.write + e.timeout))
end
"#,
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line() {
        let o = parse("Running...\nMINGA_BENCH 3000 3000000 1500 9000 12000 300 2\nRequests/sec: 1000").unwrap();
        assert_eq!(o.requests, 3000);
        // Only good answers count towards the rate.
        assert!((o.rps - 900.0).abs() < 1e-9 && (o.p50_ms - 1.5).abs() < 1e-9 && (o.p99_ms - 9.0).abs() < 1e-9);
        assert!((o.max_ms - 12.0).abs() < 1e-9);
        assert_eq!(o.errors, 302);
    }

    /// wrk itself, running the generated script against a server that
    /// counts the paths asked for: groups by weight, entries by popularity.
    #[test]
    fn the_script_draws_by_weight_and_popularity() {
        use std::collections::HashMap;
        use std::io::{BufRead, BufReader, Write};
        use std::sync::{Arc, Mutex};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let counts: Arc<Mutex<HashMap<String, u64>>> = Arc::default();
        let seen = Arc::clone(&counts);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let seen = Arc::clone(&seen);
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                        if let Some(path) = line.strip_prefix("GET ").and_then(|l| l.split(' ').next()) {
                            *seen.lock().unwrap().entry(path.to_string()).or_default() += 1;
                        }
                        if line == "\r\n" && stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").is_err() {
                            return;
                        }
                        line.clear();
                    }
                });
            }
        });
        let get = |p: &str| Entry::Get { path: p.into(), headers: vec![] };
        let load = Load {
            groups: vec![
                Group::ranked(3, vec![get("/a"), get("/b"), get("/c")], vec![1.0, 0.5, 0.5]),
                Group::turns(1, vec![get("/x"), get("/y")]),
            ],
        };
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings { threads: 1, connections: 4, seconds: 1 };
        let o = run(addr, &load, settings, &dir.path().join("t.lua")).unwrap();
        assert_eq!(o.errors, 0);
        let counts = counts.lock().unwrap();
        let n = |p: &str| counts.get(p).copied().unwrap_or(0) as f64;
        let total: f64 = counts.values().sum::<u64>() as f64;
        assert!(total > 1_000.0, "{counts:?}");
        let near = |share: f64, want: f64| (share - want).abs() < 0.03;
        assert!(near(n("/a") / total, 0.375) && near(n("/b") / total, 0.1875) && near(n("/c") / total, 0.1875), "{counts:?}");
        assert!(near(n("/x") / total, 0.125) && near(n("/y") / total, 0.125), "{counts:?}");
    }

    #[test]
    fn long_strings_are_closed_safely() {
        assert_eq!(long_string("a"), "[=[a]=]");
        assert_eq!(long_string("x]=]y"), "[==[x]=]y]==]");
    }
}
