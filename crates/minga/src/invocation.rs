//! How to run minga again, the way it was started: commands printed for
//! the operator (`serve` after `demo`, `admin create-user` at set-up) must
//! work when pasted. Under `cargo run` there is no `minga` on the PATH, so
//! they say `cargo run --release -- …`; otherwise they name the program as
//! it was typed. The data flags given are carried along.

use crate::config::Overrides;
use std::path::Path;

pub struct Invocation {
    program: String,
    flags: Vec<String>,
}

impl Invocation {
    pub fn detect(over: &Overrides) -> Invocation {
        let argv0 = std::env::args().next().unwrap_or_else(|| "minga".into());
        let exe = std::env::current_exe().ok();
        let under_cargo = std::env::var_os("CARGO").is_some();
        Invocation { program: program(&argv0, exe.as_deref(), under_cargo), flags: flags(over) }
    }

    /// The program alone, e.g. `cargo run --release --` or `minga`.
    pub fn program(&self) -> &str {
        &self.program
    }

    /// The full command for a subcommand, e.g. `cargo run --release -- serve --data demo`.
    pub fn command(&self, subcommand: &str) -> String {
        let mut out = format!("{} {subcommand}", self.program);
        for f in &self.flags {
            out.push(' ');
            out.push_str(f);
        }
        out
    }
}

/// `cargo run [--release | --profile P] --` when cargo started a binary it
/// built, else the program as typed (a path, or a name on the PATH).
fn program(argv0: &str, exe: Option<&Path>, under_cargo: bool) -> String {
    let profile_dir = exe.and_then(Path::parent).and_then(Path::file_name).and_then(|n| n.to_str());
    match (under_cargo, profile_dir) {
        (true, Some("release")) => "cargo run --release --".into(),
        (true, Some("debug")) => "cargo run --".into(),
        (true, Some(profile)) => format!("cargo run --profile {} --", quote(profile)),
        _ => quote(argv0),
    }
}

fn flags(over: &Overrides) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(d) = &over.data {
        out.push(format!("--data {}", quote(&d.display().to_string())));
    }
    if let Some(u) = &over.database_url {
        out.push(format!("--database-url {}", quote(&without_password(u))));
    }
    if let Some(c) = &over.config {
        out.push(format!("--config {}", quote(&c.display().to_string())));
    }
    out
}

/// A database URL fit to print: a password in it becomes `PASSWORD`, for
/// the reader to fill in (printed commands end up in logs).
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:PASSWORD@{host}{tail}")
        }
        _ => url.to_string(),
    }
}

/// Quotes a word for a POSIX shell when it needs it.
fn quote(word: &str) -> String {
    // `~` is left out: a shell would expand it at the start of a word.
    let plain = !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "_-./:@%+=,".contains(c));
    if plain { word.to_string() } else { format!("'{}'", word.replace('\'', r"'\''")) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn cargo_runs_are_repeated_with_cargo() {
        let exe = PathBuf::from("/work/minga/target/release/minga");
        assert_eq!(program("target/release/minga", Some(&exe), true), "cargo run --release --");
        assert_eq!(program("x", Some(Path::new("/t/debug/minga")), true), "cargo run --");
        assert_eq!(program("x", Some(Path::new("/t/bench/minga")), true), "cargo run --profile bench --");
    }

    #[test]
    fn other_runs_name_the_program_as_typed() {
        let exe = PathBuf::from("/usr/local/bin/minga");
        assert_eq!(program("minga", Some(&exe), false), "minga");
        assert_eq!(program("./target/release/minga", Some(Path::new("/w/target/release/minga")), false), "./target/release/minga");
        assert_eq!(program("/opt/my minga/minga", None, false), "'/opt/my minga/minga'");
    }

    #[test]
    fn flags_given_are_carried() {
        let over = Overrides { data: Some("demo data".into()), database_url: None, config: Some("minga.toml".into()) };
        let inv = Invocation { program: "minga".into(), flags: flags(&over) };
        assert_eq!(inv.command("serve"), "minga serve --data 'demo data' --config minga.toml");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("~x/d"), "'~x/d'", "no tilde expansion");
    }

    #[test]
    fn printed_database_urls_hide_their_password() {
        assert_eq!(without_password("postgres://minga:s3cret@db/minga"), "postgres://minga:PASSWORD@db/minga");
        assert_eq!(without_password("postgresql://u:p%40ss@db:5432/f?sslmode=disable"), "postgresql://u:PASSWORD@db:5432/f?sslmode=disable");
        assert_eq!(without_password("postgres://minga@db/minga"), "postgres://minga@db/minga");
        assert_eq!(without_password("sqlite:///var/minga.db"), "sqlite:///var/minga.db");
        let over = Overrides { data: None, database_url: Some("postgres://minga:s3cret@db/minga".into()), config: None };
        assert!(!flags(&over).concat().contains("s3cret"));
    }
}
