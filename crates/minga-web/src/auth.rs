//! Who is asking: sessions (cookie `_t`), API keys (`Api-Key` and
//! `Api-Username` headers), password hashing, the CSRF cookie, log-in
//! throttling and the sign-up honeypot.

use crate::AppState;
use crate::error::AppError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use base64::Engine;
use minga_store::User;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const SESSION_COOKIE: &str = "_t";
pub const CSRF_COOKIE: &str = "_csrf";
pub const SESSION_DAYS: i64 = 60;

/// `n` random bytes, URL-safe base64.
pub fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Secrets are stored as SHA-256 hashes: they are long and random, so a
/// fast hash is enough and lookups stay cheap.
pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Constant-time comparison of two tokens.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

fn argon(memory_kib: u32, iterations: u32) -> Argon2<'static> {
    let params = Params::new(memory_kib.max(8), iterations.max(1), 1, None).expect("argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes off the async threads: argon2 is deliberately slow.
pub async fn hash_password(state: &AppState, password: &str) -> Result<String, AppError> {
    let (m, t) = (state.settings.password_memory_kib, state.settings.password_iterations);
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).expect("random source");
        let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
        argon(m, t)
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

pub async fn verify_password(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// The person behind a request, if any, how they proved it, and the
/// groups (co-ops) they belong to.
#[derive(Clone, Debug, Default)]
pub struct Viewer {
    pub user: Option<User>,
    pub groups: Vec<i64>,
    /// Groups this person owns.
    pub owned: Vec<i64>,
    pub via_api_key: bool,
}

impl Viewer {
    pub fn actor(&self) -> Option<minga_core::perm::Actor> {
        self.user.as_ref().map(|u| u.actor_with(self.groups.clone()))
    }

    pub fn is_staff(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.admin || u.moderator)
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.admin)
    }

    /// The viewer if staff, else 403 (or "log in" for visitors).
    pub fn require_staff(&self) -> Result<&User, AppError> {
        let user = self.require()?;
        if user.admin || user.moderator { Ok(user) } else { Err(AppError::forbidden()) }
    }

    pub fn require_admin(&self) -> Result<&User, AppError> {
        let user = self.require()?;
        if user.admin { Ok(user) } else { Err(AppError::forbidden()) }
    }

    pub fn require(&self) -> Result<&User, AppError> {
        self.user.as_ref().ok_or(AppError::NotLoggedIn)
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(viewer) = parts.extensions.get::<Viewer>() {
            return Ok(viewer.clone());
        }
        let viewer = identify(&parts.headers, state).await?;
        parts.extensions.insert(viewer.clone());
        Ok(viewer)
    }
}

async fn identify(headers: &HeaderMap, state: &AppState) -> Result<Viewer, AppError> {
    let now = minga_core::time::now_ms();
    let (user, via_api_key) = if let Some(key) = headers.get("api-key") {
        let key = key.to_str().map_err(|_| invalid_key())?;
        let owner = state.store.api_key_user(&hash_secret(key)).await?.ok_or_else(invalid_key)?;
        if let Some(name) = headers.get("api-username") {
            let name = name.to_str().map_err(|_| invalid_key())?;
            if !name.eq_ignore_ascii_case(&owner.username) {
                return Err(AppError::Forbidden("This API key does not belong to that user.".into()));
            }
        }
        if owner.suspended_at(now) || !owner.approved {
            return Err(AppError::Forbidden("This account cannot use the API now.".into()));
        }
        (owner, true)
    } else {
        let token = cookie(headers, SESSION_COOKIE).filter(|t| !t.is_empty());
        let user = match token {
            Some(t) => state.store.session_user(&hash_secret(&t)).await?,
            None => None,
        };
        // Suspended or unapproved people are visitors, whatever they hold.
        match user.filter(|u| u.approved && !u.suspended_at(now)) {
            Some(u) => (u, false),
            None => return Ok(Viewer::default()),
        }
    };
    let memberships = state.store.memberships(user.id).await?;
    Ok(Viewer {
        groups: memberships.iter().map(|(g, _)| *g).collect(),
        owned: memberships.iter().filter(|(_, owner)| *owner).map(|(g, _)| *g).collect(),
        user: Some(user),
        via_api_key,
    })
}

fn invalid_key() -> AppError {
    AppError::Forbidden("You are not permitted to view the requested resource. The API key is invalid.".into())
}

/// Starts a session and returns the Set-Cookie header value.
pub async fn start_session(state: &AppState, user: &User) -> Result<String, AppError> {
    let token = random_token(32);
    let expires = minga_core::time::now_ms() + SESSION_DAYS * 86_400_000;
    state.store.create_session(user.id, &hash_secret(&token), expires).await?;
    Ok(set_cookie(SESSION_COOKIE, &token, SESSION_DAYS * 86_400, state.settings.secure_cookies()))
}

pub async fn end_session(state: &AppState, headers: &HeaderMap) -> Result<String, AppError> {
    if let Some(token) = cookie(headers, SESSION_COOKIE) {
        state.store.delete_session(&hash_secret(&token)).await?;
    }
    Ok(set_cookie(SESSION_COOKIE, "", 0, state.settings.secure_cookies()))
}

/// Counts failed log-ins per key (an address, a login name) in a sliding
/// window; past the limit the key must wait.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Throttle {
    pub const WINDOW: Duration = Duration::from_secs(300);

    /// Seconds to wait if `key` has `limit` failures in the window.
    pub fn wait(&self, key: &str, limit: usize) -> Option<u64> {
        let mut map = self.failures.lock().expect("throttle lock");
        let now = Instant::now();
        let list = map.get_mut(key)?;
        list.retain(|t| now.duration_since(*t) < Self::WINDOW);
        if list.len() < limit {
            return None;
        }
        let oldest = list[0];
        Some(Self::WINDOW.saturating_sub(now.duration_since(oldest)).as_secs().max(1))
    }

    pub fn fail(&self, key: &str) {
        let mut map = self.failures.lock().expect("throttle lock");
        if map.len() > 100_000 {
            // Bound memory under a flood of distinct keys.
            let now = Instant::now();
            map.retain(|_, l| l.last().is_some_and(|t| now.duration_since(*t) < Self::WINDOW));
        }
        map.entry(key.to_string()).or_default().push(Instant::now());
    }

    pub fn clear(&self, key: &str) {
        self.failures.lock().expect("throttle lock").remove(key);
    }
}

/// Discourse's sign-up honeypot: `/session/hp.json` hands out a value and a
/// challenge; a real client sends back the value as `password_confirmation`
/// and the challenge reversed.
pub struct Honeypot {
    pub value: String,
    pub challenge: String,
}

impl Honeypot {
    pub fn new() -> Honeypot {
        Honeypot { value: random_token(16), challenge: random_token(16) }
    }

    pub fn passes(&self, password_confirmation: &str, challenge: &str) -> bool {
        let reversed: String = self.challenge.chars().rev().collect();
        same(password_confirmation, &self.value) && same(challenge, &reversed)
    }
}

impl Default for Honeypot {
    fn default() -> Self {
        Honeypot::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_waits_after_limit() {
        let t = Throttle::default();
        for _ in 0..3 {
            assert!(t.wait("k", 3).is_none());
            t.fail("k");
        }
        let wait = t.wait("k", 3).expect("throttled");
        assert!((1..=300).contains(&wait));
        t.clear("k");
        assert!(t.wait("k", 3).is_none());
    }

    #[test]
    fn cookies_parse() {
        let mut h = HeaderMap::new();
        h.insert("cookie", "a=1; _t=tok; b=2".parse().unwrap());
        assert_eq!(cookie(&h, "_t").as_deref(), Some("tok"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn honeypot_needs_the_reversed_challenge() {
        let hp = Honeypot::new();
        let reversed: String = hp.challenge.chars().rev().collect();
        assert!(hp.passes(&hp.value, &reversed));
        assert!(!hp.passes(&hp.value, &hp.challenge));
        assert!(!hp.passes("", ""));
    }
}

/// The peer's address, for throttling; "local" when served in-process.
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "local".into());
        Ok(ClientIp(ip))
    }
}
