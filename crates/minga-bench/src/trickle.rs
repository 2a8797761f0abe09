//! Replies at a steady rate beside a read load, as a forum's writers keep
//! posting while it is read: one reply every 1/rate seconds, each on a
//! thread of its own so that a slow answer never delays the next one.

use crate::http;
use crate::rng::Rng;
use crate::wrk::Entry;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the replies met.
#[derive(Clone, Debug, Default)]
pub struct Replies {
    pub ok: u64,
    /// Answers other than 200, and replies that got no answer.
    pub errors: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// The first failure's status and body, to say what went wrong.
    pub first_error: Option<String>,
}

pub struct Trickle {
    stop: Arc<AtomicBool>,
    ticker: JoinHandle<Vec<JoinHandle<()>>>,
    results: mpsc::Receiver<(Duration, Result<(), String>)>,
}

/// `{"topic_id":…,"raw":…}` bodies for a reply entry, drawn with `rng`.
pub fn reply_body(topics: &[i64], raws: &[String], rng: &mut Rng) -> String {
    format!(r#"{{"topic_id":{},"raw":{}}}"#, rng.pick(topics), raws[rng.below(raws.len() as u64) as usize])
}

impl Trickle {
    pub fn start(addr: SocketAddr, reply: &Entry, per_second: u32, seed: u64) -> Trickle {
        let Entry::Reply { headers, topics, raws } = reply.clone() else { panic!("a trickle posts replies") };
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, results) = mpsc::channel();
        let flag = Arc::clone(&stop);
        let period = Duration::from_secs_f64(1.0 / f64::from(per_second.max(1)));
        let ticker = std::thread::spawn(move || {
            let mut rng = Rng::derive(seed, &[0x7472_6963]);
            let mut workers = Vec::new();
            let started = Instant::now();
            let mut n = 0u32;
            while !flag.load(Ordering::Relaxed) {
                let due = started + period * n;
                let now = Instant::now();
                if due > now {
                    std::thread::sleep((due - now).min(Duration::from_millis(50)));
                    continue;
                }
                n += 1;
                let (tx, headers, body) = (tx.clone(), headers.clone(), reply_body(&topics, &raws, &mut rng));
                workers.push(std::thread::spawn(move || {
                    let sent = Instant::now();
                    let result = match http::request(addr, "POST", "/posts.json", &headers, Some(&body)) {
                        Ok(r) if r.status == 200 => Ok(()),
                        Ok(r) => Err(format!("{}: {}", r.status, String::from_utf8_lossy(&r.body[..r.body.len().min(300)]))),
                        Err(e) => Err(e.to_string()),
                    };
                    let _ = tx.send((sent.elapsed(), result));
                }));
            }
            workers
        });
        Trickle { stop, ticker, results }
    }

    /// Stops posting, waits for the replies under way, and tallies them.
    pub fn finish(self) -> Replies {
        self.stop.store(true, Ordering::Relaxed);
        for worker in self.ticker.join().unwrap_or_default() {
            let _ = worker.join();
        }
        let mut out = Replies::default();
        let mut times = Vec::new();
        for (took, result) in self.results.try_iter() {
            match result {
                Ok(()) => {
                    out.ok += 1;
                    times.push(took.as_secs_f64() * 1000.0);
                }
                Err(e) => {
                    out.errors += 1;
                    out.first_error.get_or_insert(e);
                }
            }
        }
        times.sort_by(f64::total_cmp);
        out.p50_ms = percentile(&times, 50.0);
        out.p99_ms = percentile(&times, 99.0);
        out
    }
}

/// Nearest-rank percentile of sorted values; 0 when there are none.
pub fn percentile<T: Copy + Into<f64>>(sorted: &[T], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].into()
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&v, 100.0), 100.0);
        assert_eq!(percentile(&[7.0], 99.0), 7.0);
        assert_eq!(percentile::<f64>(&[], 50.0), 0.0);
    }
}
