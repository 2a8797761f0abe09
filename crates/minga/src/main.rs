//! The `minga` command: run the forum, administer it, fill it with a demo.

mod config;
mod demo;
mod server;
mod invocation;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Parser, Subcommand};
use config::{Config, Overrides};
use invocation::Invocation;
use minga_store::Store;
use minga_web::AppState;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(name = "minga", version, about = "A self-hosted forum for networks of cooperatives")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the forum
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080
        #[arg(long)]
        bind: Option<String>,
        #[command(flatten)]
        over: Overrides,
    },
    /// Manage users and keys
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Fill a fresh forum with sample co-ops, people and conversations
    Demo {
        #[command(flatten)]
        over: Overrides,
    },
    /// Mail that comes in
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
}

#[derive(Subcommand)]
enum MailCommand {
    /// Take one message on standard input, as an MTA pipes it (Postfix's
    /// pipe(8), OpenSMTPD's mda): an answer to notification mail becomes a
    /// reply. Exits 0 when it is taken, 67 for an unknown address, 75 to
    /// try later, 65/73/77 for a message refused (the reason on standard
    /// error, which the MTA puts in its bounce)
    Receive {
        /// The envelope's recipient (Postfix: ${original_recipient})
        #[arg(long)]
        recipient: Vec<String>,
        /// The envelope's sender (Postfix: ${sender})
        #[arg(long)]
        sender: Option<String>,
        #[command(flatten)]
        over: Overrides,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account (optionally an admin)
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        #[arg(long)]
        admin: bool,
        #[command(flatten)]
        over: Overrides,
    },
    /// Create an API key for a user; prints only the key
    CreateApiKey {
        #[arg(long)]
        username: String,
        #[command(flatten)]
        over: Overrides,
    },
    /// Import a mailing list's archive (an mbox file) into a category:
    /// each thread a topic, authors matched by address
    ImportMbox {
        /// The category's slug or id
        #[arg(long)]
        category: String,
        /// The mbox file
        file: std::path::PathBuf,
        #[command(flatten)]
        over: Overrides,
    },
    /// Cook every post again from its text (after an upgrade changes cooking)
    Rebake {
        #[command(flatten)]
        over: Overrides,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("MINGA_LOG").unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, never in log files.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let result = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(anyhow::Error::from).and_then(|rt| rt.block_on(run(cli.command)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line, the causes joined: no backtrace, whatever RUST_BACKTRACE says.
            eprintln!("minga: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn open(over: &Overrides, bind: Option<&str>) -> Result<(Config, AppState)> {
    let config = Config::load(over, bind)?;
    let url = config.database()?;
    let store = Store::open(&url, &config.store_options()?).await.context("opening the database")?;
    let state = AppState::new(store, config.settings()?);
    Ok((config, state))
}

async fn run(command: Command) -> Result<()> {
    match command {
        Command::Mail { command: MailCommand::Receive { recipient, sender, over } } => {
            use std::io::Read;
            let mut raw = Vec::new();
            std::io::stdin().take(minga_web::mail::incoming::MAX_MESSAGE as u64 + 1).read_to_end(&mut raw).context("reading the message")?;
            let (_, state) = open(&over, None).await?;
            let outcome = minga_web::mail::incoming::receive(&state, &raw, sender.as_deref(), &recipient).await;
            state.store.close().await;
            match outcome {
                Ok(minga_web::mail::incoming::Received::Posted { url, .. }) => {
                    eprintln!("Posted: {url}");
                    Ok(())
                }
                Ok(minga_web::mail::incoming::Received::Ignored(why)) => {
                    eprintln!("Taken, not posted: {why}");
                    Ok(())
                }
                Err(refused) => {
                    eprintln!("{refused}");
                    std::process::exit(refused.exit_code().into());
                }
            }
        }
        Command::Serve { bind, over } => serve(&over, bind.as_deref()).await,
        Command::Admin { command: AdminCommand::CreateUser { username, email, password, admin, over } } => {
            let (_, state) = open(&over, None).await?;
            let input = minga_web::ops::SignUp { username, email, name: String::new(), password };
            // The operator makes it: the site's sign-up rules do not apply.
            let user = minga_web::ops::sign_up_as(&state, input, admin, true).await.map_err(|e| anyhow!("{e}"))?;
            eprintln!("Created {}{}.", user.username, if user.admin { " (admin)" } else { "" });
            Ok(())
        }
        Command::Admin { command: AdminCommand::CreateApiKey { username, over } } => {
            let (_, state) = open(&over, None).await?;
            let user = state.store.user_by_username(&username).await?.ok_or_else(|| anyhow!("no user named {username}"))?;
            let key = minga_web::auth::random_token(32);
            state.store.create_api_key(user.id, &minga_web::auth::hash_secret(&key), "created on the command line").await?;
            println!("{key}");
            Ok(())
        }
        Command::Admin { command: AdminCommand::ImportMbox { category, file, over } } => {
            let (_, state) = open(&over, None).await?;
            let mbox = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let categories = state.store.categories().await?;
            let found = categories.iter().find(|c| c.slug == category || c.id.0.to_string() == category).ok_or_else(|| anyhow!("no category {category}"))?;
            let done = minga_web::mail::import::import_mbox(&state, found.id, &mbox).await.map_err(|e| anyhow!("{e:?}"))?;
            state.store.close().await;
            eprintln!(
                "Imported {} messages into {} new topics in {}: {} authors matched to accounts, {} accounts made (inactive until claimed by a password reset); {} skipped.",
                done.messages, done.topics, found.name, done.matched, done.made, done.skipped
            );
            Ok(())
        }
        Command::Admin { command: AdminCommand::Rebake { over } } => {
            let (_, state) = open(&over, None).await?;
            let done = minga_web::ops::rebake(&state).await.map_err(|e| anyhow!("{e}"))?;
            eprintln!("Cooked {} posts again; {} changed.", done.seen, done.changed);
            Ok(())
        }
        Command::Demo { over } => {
            let again = Invocation::detect(&over);
            let (config, state) = open(&over, None).await?;
            if !state.store.is_fresh().await? {
                if config.database_url.is_empty() {
                    bail!(
                        "the folder {} already holds a forum, and the demo only fills a fresh one; \
                         give the demo a folder of its own, e.g. `{} demo --data demo-data`",
                        config.data.display(),
                        again.program()
                    );
                }
                bail!("this database already holds a forum, and the demo only fills a fresh one; give the demo an empty database");
            }
            demo::fill(&state).await?;
            println!("The demo forum is ready. Serve it with `{}` and open {}", again.command("serve"), config.public_url());
            Ok(())
        }
    }
}

async fn serve(over: &Overrides, bind: Option<&str>) -> Result<()> {
    let started = Instant::now();
    let again = Invocation::detect(over);
    let (config, state) = open(over, bind).await?;
    let _serving = match state.store.backend() {
        minga_store::Backend::Sqlite if config.database_url.is_empty() => Some(server::lock_data(&config.data)?),
        _ => None,
    };
    let addr: SocketAddr = config.bind.parse().with_context(|| format!("bind address {}", config.bind))?;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening on {addr}"))?;
    let url = config.public_url();
    let smtp = match config.smtp_bind.as_str() {
        "" => None,
        bind => {
            let addr: SocketAddr = bind.parse().with_context(|| format!("smtp_bind address {bind}"))?;
            Some(tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening for mail on {addr}"))?)
        }
    };

    println!("minga is running at {url}  (ready in {} ms)", started.elapsed().as_millis());
    if let Some(l) = &smtp {
        println!("Taking answers to notification mail by SMTP on {}", l.local_addr()?);
    }
    if config.smtp_url.is_empty() {
        println!(
            "No mail relay is set (smtp_url): mail waits in the outbox, so new members cannot confirm their address \
             until one is set, or until an admin turns off must_confirm_email."
        );
    }
    match state.first_admin_token().await? {
        Some(token) => println!(
            "No admin yet. To become the first admin, open {url}/setup/{token}\n\
             (or run: {} --username NAME --email EMAIL --password PASSWORD --admin)",
            again.command("admin create-user")
        ),
        None => println!("Log in at {url}/login"),
    }
    println!("Press Ctrl-C to stop.");

    background(&state);
    if let Some(l) = smtp {
        tokio::spawn(server::smtp::serve(l, state.clone(), minga_web::mail::host(&state.settings)));
    }
    let app = minga_web::app(state.clone());
    let clients = server::client_cap(config.max_clients, server::raise_file_limit());
    server::run(listener, app, clients, shutdown_signal()).await?;
    // What is counted in memory is saved, within a few seconds: a stop
    // must not hang on it.
    match tokio::time::timeout(Duration::from_secs(5), state.flush_views()).await {
        Ok(saved) => saved?,
        Err(_) => tracing::warn!("stopped before every view count was saved"),
    }
    state.store.close().await;
    Ok(())
}

/// What a serving node does besides answering: saving view counts every
/// ten seconds, hearing other nodes' and processes' writes every second
/// (requests on PostgreSQL do that themselves before answering; this keeps
/// live listeners current), and forgetting old log-in failures and feed
/// entries.
fn background(state: &AppState) {
    let s = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(10));
        loop {
            tick.tick().await;
            if let Err(e) = s.flush_views().await {
                tracing::warn!(error = %e, "could not save topic views");
            }
        }
    });
    // Notifications queued before a stop are written now, and mail that
    // waits is sent.
    state.alert();
    state.send_mail_soon();
    let s = state.clone();
    tokio::spawn(async move {
        // Open pages hear of other nodes' writes within this.
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        let mut ticks = 0u64;
        loop {
            tick.tick().await;
            if let Err(e) = s.store.catch_up().await {
                tracing::warn!(error = %e, "could not read the change feed");
            }
            ticks += 1;
            if ticks.is_multiple_of(3000)
                && let Err(e) = s.store.prune(24 * 3_600_000).await
            {
                tracing::warn!(error = %e, "could not prune old records");
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
