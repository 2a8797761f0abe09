//! `minga-bench`: run the benchmark, or only generate its data.

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use minga_bench::{report, run, wrk};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "minga-bench", about = "Benchmarks minga on 127.0.0.1 against an nginx static-file ceiling")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mode {
    /// 10k, 100k and 1M posts, every route of 100k also on PostgreSQL;
    /// topics of 10, 1,000 and 100,000 replies; 10 s a route; 500
    /// connections for 120 s
    Full,
    /// 10k posts and a 1,000-reply topic, 3 s a route, 500 connections for
    /// 15 s; the key routes also on PostgreSQL
    Quick,
    /// A tiny forum, 1 s a route, 500 connections for 2 s, the key routes
    /// also on PostgreSQL: proves the harness works
    Smoke,
}

#[derive(Subcommand)]
enum Command {
    /// Generate data, load every route of minga and of nginx, and report
    Run {
        #[arg(long, value_enum, default_value = "full")]
        mode: Mode,
        /// The minga binary to measure
        #[arg(long)]
        minga: PathBuf,
        /// Where report.json goes; generated data is cached under DIR/data
        #[arg(long, default_value = "target/bench")]
        out: PathBuf,
        /// Data sizes in posts, overriding the mode's
        #[arg(long, value_delimiter = ',')]
        sizes: Option<Vec<u64>>,
        /// Reply counts of the long topics, overriding the mode's
        #[arg(long, value_delimiter = ',')]
        long: Option<Vec<u64>>,
        /// Seconds of load per route, overriding the mode's
        #[arg(long)]
        seconds: Option<u32>,
        /// Sizes also measured on PostgreSQL, overriding the mode's (each
        /// one of the sizes; a throwaway PostgreSQL 15 cluster is started)
        #[arg(long, value_delimiter = ',', conflicts_with = "no_postgres")]
        postgres_sizes: Option<Vec<u64>>,
        /// Measure SQLite only
        #[arg(long)]
        no_postgres: bool,
        /// Every route on PostgreSQL, as in the full mode (quick and smoke
        /// measure only the key routes there)
        #[arg(long)]
        postgres_all_routes: bool,
        /// Connections of the mixed traffic (reads and replies timed apart)
        #[arg(long, default_value_t = 500)]
        crowd_connections: usize,
        /// Seconds of the mixed traffic, overriding the mode's
        #[arg(long)]
        crowd_seconds: Option<u32>,
        /// Percent of the mixed traffic that is replies
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(0..=100))]
        crowd_replies_percent: u32,
        #[arg(long, default_value_t = 64)]
        connections: u32,
        #[arg(long, default_value_t = 2)]
        threads: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Notifications and live pages: replies to a watched topic, event
    /// delivery to open streams, memory of idle streams
    Live {
        /// The minga binary to measure
        #[arg(long)]
        minga: PathBuf,
        #[arg(long, default_value = "target/bench")]
        out: PathBuf,
        #[arg(long, default_value_t = 1_000)]
        watchers: usize,
        #[arg(long, default_value_t = 1_000)]
        streams: usize,
        #[arg(long, default_value_t = 10_000)]
        idle: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[arg(long, default_value_t = 16)]
        writers: usize,
        #[arg(long, default_value_t = 50)]
        timed: usize,
        /// Measure on PostgreSQL (a throwaway cluster) instead of SQLite
        #[arg(long)]
        postgres: bool,
    },
    /// The outbox: a burst of queued mail sent to an SMTP receiver on
    /// loopback, its rate and the server's memory
    Mail {
        /// The minga binary to measure
        #[arg(long)]
        minga: PathBuf,
        #[arg(long, default_value = "target/bench")]
        out: PathBuf,
        #[arg(long, default_value_t = 10_000)]
        messages: usize,
        /// Measure on PostgreSQL (a throwaway cluster) instead of SQLite
        #[arg(long)]
        postgres: bool,
    },
    /// Only fill a data folder with a generated forum (replacing one generated there)
    Generate {
        #[arg(long)]
        data: PathBuf,
        #[arg(long, default_value_t = 10_000)]
        posts: u64,
        /// Reply counts of long topics, e.g. 10,1000,100000
        #[arg(long, value_delimiter = ',')]
        long: Vec<u64>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Live {
            minga,
            out,
            watchers,
            streams,
            idle,
            seconds,
            writers,
            timed,
            postgres,
        } => {
            let opts = minga_bench::live::Options {
                minga,
                out,
                watchers,
                streams,
                idle,
                seconds,
                writers,
                timed,
                postgres,
            };
            let report = minga_bench::live::run(&opts)?;
            print!("{}", minga_bench::live::markdown(&report));
            Ok(())
        }
        Command::Mail { minga, out, messages, postgres } => {
            let report = minga_bench::mail::run(&minga_bench::mail::Options { minga, out, messages, postgres })?;
            print!("{}", minga_bench::mail::markdown(&report));
            Ok(())
        }
        Command::Run {
            mode,
            minga,
            out,
            sizes,
            long,
            seconds,
            postgres_sizes,
            no_postgres,
            postgres_all_routes,
            crowd_connections,
            crowd_seconds,
            crowd_replies_percent,
            connections,
            threads,
            seed,
        } => {
            let (name, default_sizes, default_long, default_seconds, default_pg, default_crowd_s) = match mode {
                Mode::Full => ("full", vec![10_000, 100_000, 1_000_000], vec![10, 1_000, 100_000], 10, vec![100_000], 120),
                Mode::Quick => ("quick", vec![10_000], vec![1_000], 3, vec![10_000], 15),
                Mode::Smoke => ("smoke", vec![1_000], vec![10, 200], 1, vec![1_000], 2),
            };
            let sizes = sizes.unwrap_or(default_sizes);
            // The mode's PostgreSQL sizes follow --sizes: those still measured.
            let postgres_sizes = match (no_postgres, postgres_sizes) {
                (true, _) => Vec::new(),
                (false, Some(p)) => p,
                (false, None) => default_pg.into_iter().filter(|p| sizes.contains(p)).collect(),
            };
            let opts = run::Options {
                mode: name.into(),
                minga,
                out,
                sizes,
                postgres_sizes,
                postgres_all_routes: postgres_all_routes || mode == Mode::Full,
                long: long.unwrap_or(default_long),
                seed,
                wrk: wrk::Settings { threads, connections, seconds: seconds.unwrap_or(default_seconds) },
                crowd_connections,
                crowd_seconds: crowd_seconds.unwrap_or(default_crowd_s),
                crowd_replies_percent,
            };
            let report = run::run(&opts)?;
            println!("\n{}", report::markdown(&report));
            println!("Report: {}", opts.out.join("report.json").display());
            Ok(())
        }
        Command::Generate { data, posts, long, seed } => {
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            let spec = minga_bench::generate::Spec { posts, long_topics: long, seed };
            runtime.block_on(minga_bench::generate::generate(&data, &spec, true))?;
            Ok(())
        }
    }
}
