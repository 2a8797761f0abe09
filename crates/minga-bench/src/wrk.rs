//! Load with wrk (Debian's package). Every run, against minga or nginx,
//! uses the same generated Lua script shape, so the two are loaded alike:
//! requests are formatted once in `init`; each request draws a group by
//! weight (the mix has several, other loads one) and cycles through the
//! group's entries; `done` prints exact figures for us to parse.

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
pub struct Load {
    /// (weight, entries): which group a request comes from is drawn by
    /// weight; within a group, entries take turns.
    pub groups: Vec<(u32, Vec<Entry>)>,
}

impl Load {
    pub fn one(entries: Vec<Entry>) -> Load {
        Load { groups: vec![(1, entries)] }
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
    /// Non-2xx/3xx answers plus socket errors (connect, read, write,
    /// timeout). Requests per second count only the good answers.
    pub errors: u64,
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
    let [requests, duration_us, p50_us, p99_us, bad_status, socket_errors] = n[..] else {
        bail!("summary has {} fields", n.len())
    };
    Ok(Outcome {
        requests: requests as u64,
        rps: (requests - bad_status) / (duration_us / 1e6),
        p50_ms: p50_us / 1000.0,
        p99_ms: p99_us / 1000.0,
        errors: (bad_status + socket_errors) as u64,
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
    for (w, entries) in &load.groups {
        let _ = writeln!(s, "  {{ w = {w}, entries = {{");
        for e in entries {
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
  turns[g] = turns[g] + 1
  return pool[(turns[g] % #pool) + 1]
end

function done(summary, latency, requests)
  local e = summary.errors
  local f = math.floor
  io.write(string.format("MINGA_BENCH %d %d %d %d %d %d\n", summary.requests, summary.duration,
    f(latency:percentile(50)), f(latency:percentile(99)), e.status, e.connect + e.read + e.write + e.timeout))
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
        let o = parse("Running...\nMINGA_BENCH 3000 3000000 1500 9000 300 2\nRequests/sec: 1000").unwrap();
        assert_eq!(o.requests, 3000);
        // Only good answers count towards the rate.
        assert!((o.rps - 900.0).abs() < 1e-9 && (o.p50_ms - 1.5).abs() < 1e-9 && (o.p99_ms - 9.0).abs() < 1e-9);
        assert_eq!(o.errors, 302);
    }

    #[test]
    fn long_strings_are_closed_safely() {
        assert_eq!(long_string("a"), "[=[a]=]");
        assert_eq!(long_string("x]=]y"), "[==[x]=]y]==]");
    }
}
