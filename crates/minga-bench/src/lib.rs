//! minga's benchmark harness.
//!
//! `generate` fills a data folder with a seeded, reproducible forum;
//! `run` starts `minga serve` on it (and on a PostgreSQL copy of it),
//! loads it with wrk on 127.0.0.1 and with many connections of mixed
//! traffic (`crowd`), serves the same bytes from nginx as a ceiling, and
//! reports. `live` measures notifications and open pages, `mail` the
//! outbox.

pub mod crowd;
pub mod generate;
pub mod http;
pub mod live;
pub mod mail;
pub mod measure;
pub mod meta;
pub mod nginx;
mod people;
pub mod pg;
pub mod plan;
pub mod process;
pub mod report;
pub mod rng;
pub mod routes;
pub mod run;
pub mod server;
pub mod text;
pub mod trickle;
pub mod wrk;
pub mod zipf;
