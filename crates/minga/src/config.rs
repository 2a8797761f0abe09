//! Configuration in layers: built-in defaults, then a TOML file, then
//! `MINGA_*` environment variables, then command-line flags.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address and port to listen on.
    pub bind: String,
    /// Folder for the SQLite database and other data.
    pub data: PathBuf,
    /// `postgres://…` to use PostgreSQL; empty for SQLite in `data`.
    pub database_url: String,
    /// The address people use to reach the forum; defaults to `http://{bind}`.
    pub base_url: String,
    pub title: String,
    pub description: String,
    pub max_post_length: usize,
    pub max_connections: u32,
    /// Open HTTP connections at most; more are answered 503 at once.
    pub max_clients: usize,
    /// `full` (every acknowledged write is on disk) or `normal` (SQLite only).
    pub durability: String,
    /// Proxies (addresses or ranges) whose forwarded-for headers are believed.
    pub trusted_proxies: Vec<String>,
    /// The mail relay: `smtp://user:pass@relay:587` (STARTTLS) or
    /// `smtps://…`; empty keeps mail in the outbox.
    pub smtp_url: String,
    /// The address mail comes from; empty: `noreply@` the forum's host.
    pub mail_from: String,
    /// Where answers to notification mail go: an address with `{key}` in
    /// it (`reply+{key}@forum.example.coop`); empty: mail is not answered.
    pub reply_address: String,
    /// Address and port of the SMTP listener that takes answers from a
    /// relay (e.g. `0.0.0.0:2525`); empty: no listener.
    pub smtp_bind: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: "127.0.0.1:8080".into(),
            data: PathBuf::from("data"),
            database_url: String::new(),
            base_url: String::new(),
            title: "minga".into(),
            description: String::new(),
            max_post_length: 32_000,
            max_connections: 16,
            max_clients: 4_096,
            durability: "full".into(),
            trusted_proxies: Vec::new(),
            smtp_url: String::new(),
            mail_from: String::new(),
            reply_address: String::new(),
            smtp_bind: String::new(),
        }
    }
}

/// Flags shared by `serve` and every `admin` command.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct Overrides {
    /// Data folder (SQLite database lives here)
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB
    #[arg(long)]
    pub database_url: Option<String>,
    /// TOML configuration file
    #[arg(long)]
    pub config: Option<PathBuf>,
}

impl Config {
    pub fn load(over: &Overrides, bind: Option<&str>) -> Result<Config> {
        let mut config = match &over.config {
            Some(path) => Self::from_file(path)?,
            None => Config::default(),
        };
        config.apply_env(|k| std::env::var(k).ok())?;
        if let Some(d) = &over.data {
            config.data = d.clone();
        }
        if let Some(u) = &over.database_url {
            config.database_url = u.clone();
        }
        if let Some(b) = bind {
            config.bind = b.to_string();
        }
        Ok(config)
    }

    fn from_file(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("in {}", path.display()))
    }

    fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<()> {
        let set = |name: &str, apply: &mut dyn FnMut(String) -> Result<()>| -> Result<()> {
            match get(name) {
                Some(v) => apply(v).with_context(|| format!("in the environment variable {name}")),
                None => Ok(()),
            }
        };
        set("MINGA_BIND", &mut |v| Ok(self.bind = v))?;
        set("MINGA_DATA", &mut |v| Ok(self.data = PathBuf::from(v)))?;
        set("MINGA_DATABASE_URL", &mut |v| Ok(self.database_url = v))?;
        set("MINGA_BASE_URL", &mut |v| Ok(self.base_url = v))?;
        set("MINGA_TITLE", &mut |v| Ok(self.title = v))?;
        set("MINGA_DESCRIPTION", &mut |v| Ok(self.description = v))?;
        set("MINGA_MAX_POST_LENGTH", &mut |v| Ok(self.max_post_length = v.parse()?))?;
        set("MINGA_MAX_CONNECTIONS", &mut |v| Ok(self.max_connections = v.parse()?))?;
        set("MINGA_MAX_CLIENTS", &mut |v| Ok(self.max_clients = v.parse()?))?;
        set("MINGA_DURABILITY", &mut |v| Ok(self.durability = v))?;
        set("MINGA_SMTP_URL", &mut |v| Ok(self.smtp_url = v))?;
        set("MINGA_MAIL_FROM", &mut |v| Ok(self.mail_from = v))?;
        set("MINGA_REPLY_ADDRESS", &mut |v| Ok(self.reply_address = v))?;
        set("MINGA_SMTP_BIND", &mut |v| Ok(self.smtp_bind = v))?;
        set("MINGA_TRUSTED_PROXIES", &mut |v| {
            self.trusted_proxies = v.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
            Ok(())
        })?;
        Ok(())
    }

    /// The database to open: the configured URL, or SQLite in the data folder.
    pub fn database(&self) -> Result<String> {
        if !self.database_url.is_empty() {
            return Ok(self.database_url.clone());
        }
        std::fs::create_dir_all(&self.data).with_context(|| format!("creating the data folder {}", self.data.display()))?;
        Ok(minga_store::Store::sqlite_url(&self.data))
    }

    pub fn public_url(&self) -> String {
        if self.base_url.is_empty() { format!("http://{}", self.bind) } else { self.base_url.trim_end_matches('/').to_string() }
    }

    pub fn store_options(&self) -> Result<minga_store::StoreOptions> {
        let Some(durability) = minga_store::Durability::parse(&self.durability) else {
            bail!("durability must be full or normal, not {:?}", self.durability);
        };
        Ok(minga_store::StoreOptions { max_connections: self.max_connections, durability })
    }

    pub fn settings(&self) -> Result<minga_web::Settings> {
        if self.max_post_length == 0 {
            bail!("max_post_length must be at least 1");
        }
        let trusted_proxies = self
            .trusted_proxies
            .iter()
            .map(|p| p.parse().map_err(|e: String| anyhow::anyhow!("trusted_proxies: {e}")))
            .collect::<Result<Vec<_>>>()?;
        let mail = minga_web::mail::MailSettings { smtp_url: self.smtp_url.clone(), from: self.mail_from.clone(), reply_address: self.reply_address.clone() };
        mail.check().map_err(|e| anyhow::anyhow!(e))?;
        let mut settings = minga_web::Settings {
            title: self.title.clone(),
            description: self.description.clone(),
            base_url: self.public_url(),
            trusted_proxies,
            mail,
            ..Default::default()
        };
        settings.limits.max_post = self.max_post_length;
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_apply_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("minga.toml");
        std::fs::write(&file, "title = \"From file\"\nbind = \"0.0.0.0:9000\"\nmax_post_length = 500\n").unwrap();
        let mut config = Config::from_file(&file).unwrap();
        assert_eq!((config.title.as_str(), config.bind.as_str(), config.max_post_length), ("From file", "0.0.0.0:9000", 500));
        config
            .apply_env(|k| match k {
                "MINGA_TITLE" => Some("From env".into()),
                _ => None,
            })
            .unwrap();
        assert_eq!((config.title.as_str(), config.bind.as_str()), ("From env", "0.0.0.0:9000"));
        assert!(config.apply_env(|k| (k == "MINGA_MAX_POST_LENGTH").then(|| "lots".into())).is_err());
        config.apply_env(|k| (k == "MINGA_TRUSTED_PROXIES").then(|| "127.0.0.1, 10.0.0.0/8".into())).unwrap();
        assert_eq!(config.settings().unwrap().trusted_proxies.len(), 2);
        config.apply_env(|k| (k == "MINGA_TRUSTED_PROXIES").then(|| "proxy.example".into())).unwrap();
        assert!(config.settings().is_err(), "a proxy must be an address or a range");
        config.apply_env(|k| (k == "MINGA_TRUSTED_PROXIES").then(String::new)).unwrap();
        config.apply_env(|k| (k == "MINGA_SMTP_URL").then(|| "http://relay.example".into())).unwrap();
        assert!(config.settings().is_err(), "the relay is an smtp:// or smtps:// address");
        config.apply_env(|k| (k == "MINGA_SMTP_URL").then(|| "smtp://relay.example:587".into())).unwrap();
        assert_eq!(config.settings().unwrap().mail.smtp_url, "smtp://relay.example:587");
        config.apply_env(|k| (k == "MINGA_DURABILITY").then(|| "sometimes".into())).unwrap();
        assert!(config.store_options().is_err());
    }

    #[test]
    fn unknown_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("minga.toml");
        std::fs::write(&file, "titel = \"typo\"\n").unwrap();
        assert!(Config::from_file(&file).is_err());
    }
}
