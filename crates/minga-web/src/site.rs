//! Site settings kept in the database and changed by admins: who may get
//! in, and how. Cached in memory; every change here refreshes the cache.

use crate::AppState;
use crate::error::{AppError, AppResult};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteSettings {
    pub login_required: bool,
    pub invite_only: bool,
    pub allow_new_registrations: bool,
    pub must_approve_users: bool,
    /// `example.coop|example.org`: sign-ups from these domains skip approval.
    pub auto_approve_email_domains: String,
    /// Where applications may be sent back to with a user API key,
    /// `|`-separated; `*` matches any text.
    pub allowed_user_api_auth_redirects: String,
    pub max_user_api_reqs_per_minute: i64,
    pub max_user_api_reqs_per_day: i64,
    /// The language for visitors whose browser asks for none minga speaks.
    pub default_locale: crate::i18n::Locale,
    /// Accounts made by signing up work once their address is confirmed
    /// by mail (Discourse's `active`).
    pub must_confirm_email: bool,
    /// How long a notification's mail waits, and is not sent if its reader
    /// reads the post meanwhile (Discourse's setting; the store reads it).
    pub email_time_window_mins: i64,
}

impl Default for SiteSettings {
    fn default() -> Self {
        SiteSettings {
            login_required: false,
            invite_only: false,
            allow_new_registrations: true,
            must_approve_users: false,
            auto_approve_email_domains: String::new(),
            // Discourse's defaults: its own mobile app may ask for keys.
            allowed_user_api_auth_redirects: "discourse://auth_redirect".into(),
            max_user_api_reqs_per_minute: 20,
            max_user_api_reqs_per_day: 2880,
            default_locale: crate::i18n::Locale::En,
            must_confirm_email: true,
            email_time_window_mins: 10,
        }
    }
}

/// A setting an admin may change: its key (as in Discourse's API), the
/// group it is shown in, and whether it is on/off. Its name and help for
/// people are messages in the catalogue: `setting-{name}`,
/// `setting-{name}-help`, and `setting-group-{group}`.
pub struct Setting {
    pub name: &'static str,
    pub group: &'static str,
    pub boolean: bool,
}

pub const SETTINGS: &[Setting] = &[
    Setting { name: "login_required", group: "read", boolean: true },
    Setting { name: "allow_new_registrations", group: "join", boolean: true },
    Setting { name: "invite_only", group: "join", boolean: true },
    Setting { name: "must_approve_users", group: "join", boolean: true },
    Setting { name: "auto_approve_email_domains", group: "join", boolean: false },
    Setting { name: "allowed_user_api_auth_redirects", group: "applications", boolean: false },
    Setting { name: "max_user_api_reqs_per_minute", group: "applications", boolean: false },
    Setting { name: "max_user_api_reqs_per_day", group: "applications", boolean: false },
    Setting { name: "default_locale", group: "language", boolean: false },
    Setting { name: "must_confirm_email", group: "join", boolean: true },
    Setting { name: "email_time_window_mins", group: "email", boolean: false },
];

impl Setting {
    pub fn label(&self, locale: crate::i18n::Locale) -> String {
        crate::i18n::t(locale, &format!("setting-{}", self.name))
    }

    pub fn help(&self, locale: crate::i18n::Locale) -> String {
        crate::i18n::t(locale, &format!("setting-{}-help", self.name))
    }

    pub fn group_label(&self, locale: crate::i18n::Locale) -> String {
        crate::i18n::t(locale, &format!("setting-group-{}", self.group))
    }
}

pub fn setting(name: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.name == name)
}

fn flag(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "1" | "on" | "yes" => Some(true),
        "false" | "f" | "0" | "off" | "no" | "" => Some(false),
        _ => None,
    }
}

impl SiteSettings {
    fn from_map(map: &HashMap<String, String>) -> SiteSettings {
        let mut s = SiteSettings::default();
        for (name, value) in map {
            let _ = s.apply(name, value);
        }
        s
    }

    /// Sets one setting from text; returns the value as stored.
    pub fn apply(&mut self, name: &str, value: &str) -> Result<String, minga_core::Text> {
        let bool_field = match name {
            "login_required" => Some(&mut self.login_required),
            "invite_only" => Some(&mut self.invite_only),
            "allow_new_registrations" => Some(&mut self.allow_new_registrations),
            "must_approve_users" => Some(&mut self.must_approve_users),
            "must_confirm_email" => Some(&mut self.must_confirm_email),
            _ => None,
        };
        if let Some(field) = bool_field {
            let v = flag(value).ok_or_else(|| minga_core::text!("error-setting-bool"))?;
            *field = v;
            return Ok(v.to_string());
        }
        if name == "auto_approve_email_domains" {
            let domains: Vec<String> =
                value.split(['|', ',', ' ', '\n']).map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase()).filter(|d| !d.is_empty()).collect();
            if let Some(bad) = domains.iter().find(|d| !d.contains('.') || !d.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')) {
                return Err(minga_core::text!("error-setting-domain", value = bad.as_str()));
            }
            self.auto_approve_email_domains = domains.join("|");
            return Ok(self.auto_approve_email_domains.clone());
        }
        if let Some(field) = match name {
            "max_user_api_reqs_per_minute" => Some(&mut self.max_user_api_reqs_per_minute),
            "max_user_api_reqs_per_day" => Some(&mut self.max_user_api_reqs_per_day),
            _ => None,
        } {
            // Blank is Discourse's default.
            let v = match value.trim() {
                "" if name == "max_user_api_reqs_per_minute" => 20,
                "" => 2880,
                v => v.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| minga_core::text!("error-setting-positive"))?,
            };
            *field = v;
            return Ok(v.to_string());
        }
        if name == "email_time_window_mins" {
            // Blank is Discourse's default; 0 sends at once.
            let v = match value.trim() {
                "" => 10,
                v => v.parse::<i64>().ok().filter(|n| (0..=10_080).contains(n)).ok_or_else(|| minga_core::text!("error-setting-minutes", max = 10_080))?,
            };
            self.email_time_window_mins = v;
            return Ok(v.to_string());
        }
        if name == "default_locale" {
            // Blank is Discourse's default, English.
            let value = if value.trim().is_empty() { "en" } else { value };
            let locale = crate::i18n::Locale::from_tag(value).ok_or_else(|| minga_core::text!("error-locale-setting", value = value))?;
            self.default_locale = locale;
            return Ok(locale.tag().to_string());
        }
        if name == "allowed_user_api_auth_redirects" {
            let urls: Vec<&str> = value.split(['|', '\n']).map(str::trim).filter(|u| !u.is_empty()).collect();
            if let Some(bad) = urls.iter().find(|u| !u.contains("://") || u.chars().any(char::is_whitespace)) {
                return Err(minga_core::text!("error-setting-redirect", value = *bad));
            }
            self.allowed_user_api_auth_redirects = urls.join("|");
            return Ok(self.allowed_user_api_auth_redirects.clone());
        }
        Err(minga_core::text!("error-setting-unknown", name = name))
    }

    /// Whether an application may be sent back to this address with a key.
    pub fn allows_user_api_redirect(&self, url: &str) -> bool {
        self.allowed_user_api_auth_redirects.split('|').any(|pattern| !pattern.is_empty() && wildcard_match(pattern, url))
    }

    pub fn value(&self, name: &str) -> String {
        match name {
            "login_required" => self.login_required.to_string(),
            "invite_only" => self.invite_only.to_string(),
            "allow_new_registrations" => self.allow_new_registrations.to_string(),
            "must_approve_users" => self.must_approve_users.to_string(),
            "auto_approve_email_domains" => self.auto_approve_email_domains.clone(),
            "allowed_user_api_auth_redirects" => self.allowed_user_api_auth_redirects.clone(),
            "max_user_api_reqs_per_minute" => self.max_user_api_reqs_per_minute.to_string(),
            "max_user_api_reqs_per_day" => self.max_user_api_reqs_per_day.to_string(),
            "default_locale" => self.default_locale.tag().to_string(),
            "must_confirm_email" => self.must_confirm_email.to_string(),
            "email_time_window_mins" => self.email_time_window_mins.to_string(),
            _ => String::new(),
        }
    }

    /// Whether a sign-up with this e-mail waits for approval.
    pub fn needs_approval(&self, email: &str) -> bool {
        if !self.must_approve_users {
            return false;
        }
        let domain = email.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase()).unwrap_or_default();
        !self.auto_approve_email_domains.split('|').any(|d| !d.is_empty() && d == domain)
    }
}

/// `*` in the pattern matches any text (none included); the rest must be
/// equal.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else { return rest.is_empty() };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

impl AppState {
    pub async fn site(&self) -> AppResult<Arc<SiteSettings>> {
        minga_store::reads::record(&[minga_store::Change::Settings]);
        self.site.get(|| async { Ok(SiteSettings::from_map(&self.store.site_settings().await?)) }).await
    }

    /// Validates, stores and applies one setting.
    pub async fn change_site_setting(&self, name: &str, value: &str) -> AppResult<Arc<SiteSettings>> {
        let mut next = (*self.site().await?).clone();
        let stored = next.apply(name, value).map_err(|m| AppError::invalid("value", m))?;
        self.store.set_site_setting(name, &stored).await?;
        // Read back on next use, so two changes at once both apply.
        self.site.forget();
        Ok(Arc::new(next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked() {
        let mut s = SiteSettings::default();
        assert_eq!(s.apply("login_required", "TRUE"), Ok("true".into()));
        assert!(s.login_required);
        assert!(s.apply("login_required", "maybe").is_err());
        assert!(s.apply("admin", "true").is_err());
        assert_eq!(s.apply("auto_approve_email_domains", "@Coop.example | example.org"), Ok("coop.example|example.org".into()));
        assert!(s.apply("auto_approve_email_domains", "not a domain").is_err());
    }

    #[test]
    fn user_api_redirects_must_be_listed() {
        let mut s = SiteSettings::default();
        assert!(s.allows_user_api_redirect("discourse://auth_redirect"));
        assert!(!s.allows_user_api_redirect("discourse://auth_redirect.evil"));
        assert!(!s.allows_user_api_redirect("https://evil.example/"));
        s.apply("allowed_user_api_auth_redirects", "discourse://auth_redirect | https://reader.example/*/done").unwrap();
        assert!(s.allows_user_api_redirect("https://reader.example/app/done"));
        assert!(!s.allows_user_api_redirect("https://reader.example/app/done/more"));
        assert!(!s.allows_user_api_redirect("https://reader.example.evil/app/done"));
        assert!(s.apply("allowed_user_api_auth_redirects", "not an address").is_err());
        assert_eq!(s.apply("max_user_api_reqs_per_minute", "5"), Ok("5".into()));
        assert!(s.apply("max_user_api_reqs_per_day", "0").is_err());
        assert_eq!(s.apply("max_user_api_reqs_per_day", " "), Ok("2880".into()), "blank is the default");
    }

    #[test]
    fn approval_skips_listed_domains() {
        let mut s = SiteSettings { must_approve_users: true, ..Default::default() };
        s.apply("auto_approve_email_domains", "facttic.example").unwrap();
        assert!(!s.needs_approval("neto@facttic.example"));
        assert!(s.needs_approval("someone@elsewhere.example"));
        assert!(!SiteSettings::default().needs_approval("x@y.z"));
    }
}
