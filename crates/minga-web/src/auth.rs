//! Who is asking: sessions (cookie `_t`), API keys (`Api-Key` and
//! `Api-Username` headers), user API keys (`User-Api-Key`, held by an
//! application for a person, within scopes), password hashing, the CSRF
//! cookie, log-in throttling and the sign-up honeypot.

use crate::AppState;
use crate::error::AppError;
use minga_core::text;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::{HeaderMap, header};
use axum::http::request::Parts;
use base64::Engine;
use minga_core::perm::user_api::Scope;
use minga_store::User;
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::sync::{Arc, mpsc};

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
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(secret.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
    out
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

/// Password hashing on a few threads of its own. Each hash takes tens of
/// megabytes for a moment by design, so a burst of log-ins waits in line
/// here instead of taking memory all at once; past a long line, callers
/// are told to come back later.
pub struct Hasher {
    jobs: mpsc::SyncSender<Box<dyn FnOnce() + Send>>,
}

impl Hasher {
    /// Hashes at once: the machine's cores, at most.
    pub fn new(threads: usize) -> Hasher {
        let (jobs, queue) = mpsc::sync_channel::<Box<dyn FnOnce() + Send>>(256);
        let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
        for i in 0..threads.max(1) {
            let queue = queue.clone();
            let _ = std::thread::Builder::new().name(format!("minga-hash-{i}")).spawn(move || {
                loop {
                    let job = match queue.lock().expect("hasher lock").recv() {
                        Ok(job) => job,
                        Err(_) => break,
                    };
                    job();
                }
            });
        }
        Hasher { jobs }
    }

    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .try_send(Box::new(move || {
                let _ = tx.send(f());
            }))
            .map_err(|e| match e {
                mpsc::TrySendError::Full(_) => AppError::Busy,
                mpsc::TrySendError::Disconnected(_) => AppError::Internal("password hashing stopped".into()),
            })?;
        rx.await.map_err(|e| AppError::Internal(e.to_string()))
    }
}

impl Default for Hasher {
    fn default() -> Self {
        Hasher::new(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(4))
    }
}

pub async fn hash_password(state: &AppState, password: &str) -> Result<String, AppError> {
    let (m, t) = (state.settings.password_memory_kib, state.settings.password_iterations);
    let password = password.to_string();
    state
        .hasher
        .run(move || {
            let mut salt = [0u8; 16];
            getrandom::fill(&mut salt).expect("random source");
            let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
            argon(m, t).hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| AppError::Internal(e.to_string()))
        })
        .await?
}

pub async fn verify_password(state: &AppState, password: &str, hash: &str) -> Result<bool, AppError> {
    let (password, hash) = (password.to_string(), hash.to_string());
    state
        .hasher
        .run(move || {
            PasswordHash::new(&hash).map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()).unwrap_or(false)
        })
        .await
}

/// A signed-in person as this node keeps them between requests (see
/// `cache`): dropped when their account, memberships or sessions change.
#[derive(Clone, Debug)]
pub struct Known {
    pub user: User,
    pub groups: Vec<i64>,
    pub owned: Vec<i64>,
    pub expires_at: i64,
    /// Set when this is the owner of a user API key.
    pub user_api_key: Option<UserApiGrant>,
}

/// What a user API key lets the application holding it do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserApiGrant {
    pub key_id: i64,
    pub client_id: String,
    pub scopes: Vec<Scope>,
}

impl crate::cache::Weigh for Known {
    fn weight(&self) -> usize {
        let u = &self.user;
        320 + self.user_api_key.as_ref().map_or(0, |g| 64 + g.client_id.len())
            + u.username.len() + u.name.len() + u.email.len() + u.bio_raw.len() + u.location.len() + u.website.len() + 8 * (self.groups.len() + self.owned.len())
    }
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
    /// The request was made with a user API key: what it allows.
    pub user_api_key: Option<UserApiGrant>,
    /// The language this request is answered in.
    pub locale: crate::i18n::Locale,
    /// The colours: `light`, `dark`, or empty to follow the device.
    pub theme: &'static str,
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

/// A request only a signed-in person may make: visitors are asked to log
/// in (403 `not_logged_in`; pages redirect to the log-in form).
pub struct SignedIn(pub Viewer);

/// A request only staff (admins and moderators) may make.
pub struct Staff(pub Viewer);

/// A request only admins may make.
pub struct Admin(pub Viewer);

macro_rules! requirement {
    ($t:ident, $check:ident) => {
        impl FromRequestParts<AppState> for $t {
            type Rejection = AppError;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
                let viewer = Viewer::from_request_parts(parts, state).await?;
                viewer.$check()?;
                Ok($t(viewer))
            }
        }

        impl std::ops::Deref for $t {
            type Target = Viewer;

            fn deref(&self) -> &Viewer {
                &self.0
            }
        }

        impl $t {
            /// The person; there always is one.
            pub fn user(&self) -> &User {
                self.0.user.as_ref().expect("checked when extracted")
            }
        }
    };
}
requirement!(SignedIn, require);
requirement!(Staff, require_staff);
requirement!(Admin, require_admin);

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(viewer) = parts.extensions.get::<Viewer>() {
            return Ok(viewer.clone());
        }
        let mut viewer = identify(&parts.headers, state).await?;
        viewer.locale = choose_locale(&parts.headers, viewer.user.as_ref(), &*state.site().await?);
        viewer.theme = choose_theme(&parts.headers, viewer.user.as_ref());
        if let Some(chosen) = parts.extensions.get::<ChosenLocale>() {
            let _ = chosen.0.set(viewer.locale);
        }
        parts.extensions.insert(viewer.clone());
        Ok(viewer)
    }
}

/// The language chosen for the person making a request, once the request
/// has identified them: the layer that writes errors (`pages::html_errors`)
/// answers in it, and falls back on the visitor's choice when the request
/// failed before anyone was identified.
#[derive(Clone, Default)]
pub struct ChosenLocale(pub std::sync::Arc<std::sync::OnceLock<crate::i18n::Locale>>);

/// The visitor's choice of colours.
pub const THEME_COOKIE: &str = "theme";

/// The person's setting, else the visitor's choice (the `theme` cookie),
/// else none: the device's.
pub fn choose_theme(headers: &HeaderMap, user: Option<&User>) -> &'static str {
    let chosen = match user {
        Some(u) => Some(u.theme.clone()),
        None => cookie(headers, THEME_COOKIE),
    };
    match chosen.as_deref() {
        Some("light") => "light",
        Some("dark") => "dark",
        _ => "",
    }
}

/// The person's setting, else the visitor's choice (the `locale` cookie),
/// else the browser's `Accept-Language`, else the site's default.
pub fn choose_locale(headers: &HeaderMap, user: Option<&User>, site: &crate::site::SiteSettings) -> crate::i18n::Locale {
    use crate::i18n::Locale;
    user.and_then(|u| Locale::from_tag(&u.locale))
        .or_else(|| cookie(headers, crate::i18n::LOCALE_COOKIE).and_then(|c| Locale::from_tag(&c)))
        .or_else(|| headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Locale::from_accept_language))
        .unwrap_or(site.default_locale)
}

async fn identify(headers: &HeaderMap, state: &AppState) -> Result<Viewer, AppError> {
    let now = minga_core::time::now_ms();
    if let Some(key) = headers.get(USER_API_KEY) {
        return user_api_key_viewer(state, headers, key, now).await;
    }
    let (user, groups, owned, via_api_key) = if let Some(key) = headers.get("api-key") {
        let key = key.to_str().map_err(|_| invalid_key())?;
        let owner = key_owner(state, &hash_secret(key)).await?;
        let owner = owner.as_ref().as_ref().ok_or_else(invalid_key)?;
        if let Some(name) = headers.get("api-username") {
            let name = name.to_str().map_err(|_| invalid_key())?;
            if !name.eq_ignore_ascii_case(&owner.user.username) {
                return Err(AppError::Forbidden(text!("error-api-key-user")));
            }
        }
        if owner.user.suspended_at(now) || !owner.user.approved || !owner.user.active {
            return Err(AppError::Forbidden(text!("error-api-account")));
        }
        (owner.user.clone(), owner.groups.clone(), owner.owned.clone(), true)
    } else {
        let Some(token) = cookie(headers, SESSION_COOKIE).filter(|t| !t.is_empty()) else { return Ok(Viewer::default()) };
        let token_hash = hash_secret(&token);
        let known = known(state, &token_hash).await?;
        // Suspended or unapproved people are visitors, whatever they hold.
        match known.as_ref().as_ref().filter(|k| k.expires_at > now && k.user.approved && k.user.active && !k.user.suspended_at(now)) {
            Some(k) => {
                state.views.record_seen(token_hash, now);
                (k.user.clone(), k.groups.clone(), k.owned.clone(), false)
            }
            None => return Ok(Viewer::default()),
        }
    };
    Ok(Viewer { groups, owned, user: Some(user), via_api_key, user_api_key: None, locale: Default::default(), theme: "" })
}

/// The header an application sends its user API key in, and the one that
/// may name the application.
pub const USER_API_KEY: &str = "user-api-key";
pub const USER_API_CLIENT_ID: &str = "user-api-client-id";

/// The person a user API key acts for. A revoked or unknown key, one sent
/// with another application's client id, or one whose owner is suspended
/// or not approved is refused (403), never treated as a visitor.
async fn user_api_key_viewer(state: &AppState, headers: &HeaderMap, key: &axum::http::HeaderValue, now: i64) -> Result<Viewer, AppError> {
    let key = key.to_str().map_err(|_| invalid_key())?;
    let owner = user_api_key_owner(state, &hash_secret(key)).await?;
    let owner = owner.as_ref().as_ref().ok_or_else(invalid_key)?;
    let grant = owner.user_api_key.clone().ok_or_else(invalid_key)?;
    if let Some(client) = headers.get(USER_API_CLIENT_ID) {
        if !same(client.to_str().unwrap_or_default(), &grant.client_id) {
            return Err(invalid_key());
        }
    }
    if owner.user.suspended_at(now) || !owner.user.approved {
        return Err(AppError::Forbidden(text!("error-api-account")));
    }
    Ok(Viewer { user: Some(owner.user.clone()), groups: owner.groups.clone(), owned: owner.owned.clone(), via_api_key: false, user_api_key: Some(grant), locale: Default::default(), theme: "" })
}

/// Who owns a user API key, and what it allows, from memory when this node
/// already knows. Revoking a key announces its owner, which drops this.
async fn user_api_key_owner(state: &AppState, key_hash: &str) -> Result<Arc<Option<Known>>, AppError> {
    let caches = &state.caches;
    caches
        .get_or_load(&caches.viewers, format!("ukey:{key_hash}"), async {
            let Some((user, key)) = state.store.user_api_key_owner(key_hash).await? else {
                return Ok(Arc::new(None));
            };
            let memberships = state.store.memberships(user.id).await?;
            // Scopes were checked when the key was made; a name this version
            // does not know grants nothing.
            let scopes = key.scopes.split(',').filter_map(Scope::parse).collect();
            Ok(Arc::new(Some(Known {
                groups: memberships.iter().map(|(g, _)| *g).collect(),
                owned: memberships.iter().filter(|(_, owner)| *owner).map(|(g, _)| *g).collect(),
                user,
                expires_at: i64::MAX,
                user_api_key: Some(UserApiGrant { key_id: key.id, client_id: key.client_id, scopes }),
            })))
        })
        .await
}

/// Requests made with a user API key, checked in one layer over every
/// route: the key's scopes must allow the request (a write needs `write`),
/// and the key must be within its share of requests (Discourse's
/// `max_user_api_reqs_per_minute` and `_per_day`, counted in the database
/// so they hold on every node). Such requests need no CSRF token: no
/// browser sends the header by itself.
pub async fn user_api_key_guard(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if !req.headers().contains_key(USER_API_KEY) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let checked = async {
        let viewer = Viewer::from_request_parts(&mut parts, &state).await?;
        let grant = viewer.user_api_key.as_ref().ok_or_else(invalid_key)?;
        if !minga_core::perm::user_api::allows(&grant.scopes, parts.method.as_str(), parts.uri.path()) {
            return Err(AppError::Forbidden(text!("error-api-scope")));
        }
        let site = state.site().await?;
        let limits = minga_store::RequestLimits { per_minute: site.max_user_api_reqs_per_minute, per_day: site.max_user_api_reqs_per_day };
        state.store.count_user_api_request(grant.key_id, limits).await?;
        Ok::<(), AppError>(())
    }
    .await;
    match checked {
        Ok(()) => next.run(axum::extract::Request::from_parts(parts, body)).await,
        Err(e) => e.into_response(),
    }
}

/// Who owns an API key, from memory when this node already knows.
async fn key_owner(state: &AppState, key_hash: &str) -> Result<Arc<Option<Known>>, AppError> {
    let caches = &state.caches;
    caches
        .get_or_load(&caches.viewers, format!("key:{key_hash}"), async {
            let Some(user) = state.store.api_key_user(key_hash).await? else {
                return Ok(Arc::new(None));
            };
            let memberships = state.store.memberships(user.id).await?;
            Ok(Arc::new(Some(Known {
                groups: memberships.iter().map(|(g, _)| *g).collect(),
                owned: memberships.iter().filter(|(_, owner)| *owner).map(|(g, _)| *g).collect(),
                user,
                expires_at: i64::MAX,
                user_api_key: None,
            })))
        })
        .await
}

/// Who holds a session, from memory when this node already knows.
async fn known(state: &AppState, token_hash: &str) -> Result<Arc<Option<Known>>, AppError> {
    let caches = &state.caches;
    caches
        .get_or_load(&caches.viewers, token_hash.to_string(), async {
            let Some((user, expires_at)) = state.store.session_user(token_hash).await? else {
                return Ok(Arc::new(None));
            };
            let memberships = state.store.memberships(user.id).await?;
            Ok(Arc::new(Some(Known {
                groups: memberships.iter().map(|(g, _)| *g).collect(),
                owned: memberships.iter().filter(|(_, owner)| *owner).map(|(g, _)| *g).collect(),
                user,
                expires_at,
                user_api_key: None,
            })))
        })
        .await
}

fn invalid_key() -> AppError {
    AppError::Forbidden(text!("error-api-key-invalid"))
}

/// Starts a session from a device; returns the Set-Cookie header values:
/// the session, and a fresh CSRF token (a token known before logging in
/// is not trusted after it).
pub async fn start_session(state: &AppState, user: &User, device: &Device) -> Result<Vec<String>, AppError> {
    let token = random_token(32);
    let expires = minga_core::time::now_ms() + SESSION_DAYS * 86_400_000;
    state.store.create_session(user.id, &hash_secret(&token), expires, &device.user_agent, &device.ip).await?;
    let secure = state.settings.secure_cookies();
    Ok(vec![set_cookie(SESSION_COOKIE, &token, SESSION_DAYS * 86_400, secure), set_cookie(CSRF_COOKIE, &random_token(24), 365 * 86_400, secure)])
}

/// Where a request comes from, as a session remembers it: the browser's
/// User-Agent and the client's address.
#[derive(Clone, Debug, Default)]
pub struct Device {
    pub user_agent: String,
    pub ip: String,
}

impl FromRequestParts<AppState> for Device {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user_agent = parts.headers.get(axum::http::header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state).await?;
        Ok(Device { user_agent, ip })
    }
}

/// A device in words, from its User-Agent: "Firefox on Linux",
/// "Firefox en Linux".
pub fn describe_device(locale: crate::i18n::Locale, user_agent: &str) -> String {
    match device(user_agent) {
        (Some(b), Some(s)) => crate::i18n::t2(locale, "device-on", ("browser", b.to_string()), ("system", s.to_string())),
        (Some(b), None) => b.to_string(),
        (None, Some(s)) => s.to_string(),
        (None, None) if user_agent.trim().is_empty() => crate::i18n::t(locale, "device-unknown"),
        (None, None) => user_agent.chars().take(60).collect(),
    }
}

/// The browser and the system a User-Agent names, by their usual names.
pub fn device(user_agent: &str) -> (Option<&'static str>, Option<&'static str>) {
    let ua = user_agent.to_ascii_lowercase();
    let browser = [
        ("edg/", "Edge"),
        ("opr/", "Opera"),
        ("firefox/", "Firefox"),
        ("chromium/", "Chromium"),
        ("chrome/", "Chrome"),
        ("safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    let system = [
        ("android", "Android"),
        ("iphone", "iPhone"),
        ("ipad", "iPad"),
        ("windows", "Windows"),
        ("mac os x", "macOS"),
        ("cros", "ChromeOS"),
        ("linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    (browser, system)
}

pub async fn end_session(state: &AppState, headers: &HeaderMap) -> Result<String, AppError> {
    if let Some(token) = cookie(headers, SESSION_COOKIE) {
        state.store.delete_session(&hash_secret(&token)).await?;
    }
    Ok(set_cookie(SESSION_COOKIE, "", 0, state.settings.secure_cookies()))
}

/// Failed log-ins, counted in the database so that every node sees them:
/// per account and address together (the account's owner, elsewhere,
/// is not locked out), per address, and, more slowly, per account from
/// anywhere.
pub struct Throttle;

impl Throttle {
    pub const PAIR: (usize, i64) = (5, 5 * 60_000);
    pub const ADDRESS: (usize, i64) = (20, 5 * 60_000);
    pub const ACCOUNT: (usize, i64) = (50, 60 * 60_000);

    fn keys(login: &str, ip: &str) -> [(String, (usize, i64)); 3] {
        let login = login.trim().to_lowercase();
        [
            (format!("pair:{login}|{ip}"), Self::PAIR),
            (format!("ip:{ip}"), Self::ADDRESS),
            (format!("login:{login}"), Self::ACCOUNT),
        ]
    }

    /// Seconds to wait before `login` may be tried from `ip` again.
    pub async fn wait(state: &AppState, login: &str, ip: &str) -> Result<Option<u64>, AppError> {
        let keys = Self::keys(login, ip);
        let now = minga_core::time::now_ms();
        let asked: Vec<(String, i64)> = keys.iter().map(|(k, (_, window))| (k.clone(), now - window)).collect();
        let found = state.store.login_failures(&asked).await?;
        let mut wait = None;
        for ((_, (limit, window)), (count, oldest)) in keys.iter().zip(found) {
            if count as usize >= *limit {
                let until = oldest.unwrap_or(now) + window;
                wait = wait.max(Some(((until - now) / 1000).max(1) as u64));
            }
        }
        Ok(wait)
    }

    pub async fn fail(state: &AppState, login: &str, ip: &str) -> Result<(), AppError> {
        let keys: Vec<String> = Self::keys(login, ip).into_iter().map(|(k, _)| k).collect();
        Ok(state.store.record_login_failure(&keys).await?)
    }

    /// A right password clears its pair only: failures from elsewhere
    /// still count against the account.
    pub async fn succeed(state: &AppState, login: &str, ip: &str) -> Result<(), AppError> {
        let [(pair, _), _, _] = Self::keys(login, ip);
        Ok(state.store.clear_login_failures(&[pair]).await?)
    }
}

/// Discourse's sign-up honeypot: `/session/hp.json` hands out a value and a
/// challenge; a real client sends back the value as `password_confirmation`
/// and the challenge reversed. The values are shared by every node.
#[derive(Clone, Debug)]
pub struct Honeypot {
    pub value: String,
    pub challenge: String,
}

impl Honeypot {
    pub fn passes(&self, password_confirmation: &str, challenge: &str) -> bool {
        let reversed: String = self.challenge.chars().rev().collect();
        same(password_confirmation, &self.value) && same(challenge, &reversed)
    }
}

impl AppState {
    pub async fn honeypot(&self) -> Result<Arc<Honeypot>, AppError> {
        self.honeypot
            .get(|| async {
                Ok(Honeypot {
                    value: self.store.shared_secret("honeypot_value", random_token(16)).await?,
                    challenge: self.store.shared_secret("honeypot_challenge", random_token(16)).await?,
                })
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_named_in_words() {
        let firefox = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
        assert_eq!(describe_device(crate::i18n::Locale::En, firefox), "Firefox on Linux");
        assert_eq!(describe_device(crate::i18n::Locale::Es, firefox), "Firefox en Linux");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
        assert_eq!(describe_device(crate::i18n::Locale::En, iphone), "Safari on iPhone");
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        assert_eq!(describe_device(crate::i18n::Locale::En, chrome), "Chrome on Windows");
        assert_eq!(describe_device(crate::i18n::Locale::En, ""), "Unknown device");
        assert_eq!(describe_device(crate::i18n::Locale::Es, ""), "Dispositivo desconocido");
    }

    #[test]
    fn secrets_hash_to_hex() {
        assert_eq!(hash_secret("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
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
        let hp = Honeypot { value: random_token(16), challenge: random_token(16) };
        let reversed: String = hp.challenge.chars().rev().collect();
        assert!(hp.passes(&hp.value, &reversed));
        assert!(!hp.passes(&hp.value, &hp.challenge));
        assert!(!hp.passes("", ""));
    }
}

/// The client's address, for throttling: the peer's, or, when the peer is
/// one of the configured `trusted_proxies`, the address that proxy says it
/// forwarded for (the nearest one that is not itself a trusted proxy).
/// "local" when served in-process.
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(peer) = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip()) else {
            return Ok(ClientIp("local".into()));
        };
        Ok(ClientIp(client_ip(peer, &parts.headers, &state.settings.trusted_proxies).to_string()))
    }
}

/// Walks the forwarding chain from the nearest hop while each hop is a
/// trusted proxy.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[Cidr]) -> IpAddr {
    let trusts = |ip: &IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !trusts(&peer) {
        return peer;
    }
    let mut chain: Vec<IpAddr> = Vec::new();
    for v in headers.get_all("forwarded").iter().filter_map(|v| v.to_str().ok()) {
        for element in v.split(',') {
            for pair in element.split(';') {
                if let Some((k, val)) = pair.trim().split_once('=')
                    && k.trim().eq_ignore_ascii_case("for")
                {
                    let val = val.trim().trim_matches('"');
                    let host = val.strip_prefix('[').and_then(|v| v.split(']').next()).unwrap_or_else(|| {
                        if val.matches(':').count() == 1 { val.split(':').next().unwrap_or(val) } else { val }
                    });
                    if let Ok(ip) = host.parse() {
                        chain.push(ip);
                    }
                }
            }
        }
    }
    if chain.is_empty() {
        for v in headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()) {
            chain.extend(v.split(',').filter_map(|a| a.trim().parse::<IpAddr>().ok()));
        }
    }
    let mut client = peer;
    for hop in chain.into_iter().rev() {
        client = hop;
        if !trusts(&hop) {
            break;
        }
    }
    client
}

/// An address range such as `10.0.0.0/8`, `::1` or `127.0.0.1/32`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl std::str::FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Cidr, String> {
        let (addr, bits) = match s.trim().split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (s.trim(), None),
        };
        let net: IpAddr = addr.parse().map_err(|_| format!("{s} is not an address or range"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = match bits {
            Some(b) => b.parse::<u8>().ok().filter(|b| *b <= max).ok_or_else(|| format!("{s}: the prefix must be 0 to {max}"))?,
            None => max,
        };
        Ok(Cidr { net, bits })
    }
}

impl Cidr {
    pub fn contains(&self, ip: &IpAddr) -> bool {
        /// The address as a number, and how many bits it has.
        fn number(ip: &IpAddr) -> (u128, u32) {
            match ip {
                IpAddr::V4(v) => (u128::from(u32::from(*v)), 32),
                IpAddr::V6(v) => match v.to_ipv4_mapped() {
                    Some(v4) => (u128::from(u32::from(v4)), 32),
                    None => (u128::from(*v), 128),
                },
            }
        }
        let (net, width) = number(&self.net);
        let (addr, addr_width) = number(ip);
        if width != addr_width {
            return false;
        }
        let host_bits = width - u32::from(self.bits);
        let shift = |n: u128| n.checked_shr(host_bits).unwrap_or(0);
        shift(net) == shift(addr)
    }
}

#[cfg(test)]
mod proxy_tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn ranges_contain_their_addresses() {
        let ten: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(ten.contains(&"10.1.2.3".parse().unwrap()));
        assert!(!ten.contains(&"11.0.0.1".parse().unwrap()));
        assert!(ten.contains(&"::ffff:10.9.9.9".parse().unwrap()), "v4-mapped");
        let one: Cidr = "::1".parse().unwrap();
        assert!(one.contains(&"::1".parse().unwrap()));
        assert!(!one.contains(&"::2".parse().unwrap()));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(&"203.0.113.9".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("proxy".parse::<Cidr>().is_err());
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        let trusted: Vec<Cidr> = vec!["127.0.0.1".parse().unwrap()];
        let h = headers(&[("x-forwarded-for", "198.51.100.7, 203.0.113.5")]);
        assert_eq!(client_ip(proxy, &h, &trusted).to_string(), "203.0.113.5", "the hop the proxy saw");
        assert_eq!(client_ip(proxy, &h, &[]).to_string(), "127.0.0.1", "no proxy trusted: the peer");
        let stranger: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(client_ip(stranger, &h, &trusted).to_string(), "192.0.2.1", "a client cannot claim another address");
        let two: Vec<Cidr> = vec!["127.0.0.1".parse().unwrap(), "203.0.113.0/24".parse().unwrap()];
        assert_eq!(client_ip(proxy, &h, &two).to_string(), "198.51.100.7", "through two proxies");
        let h = headers(&[("forwarded", "for=\"[2001:db8::1]:4711\";proto=https, for=192.0.2.60")]);
        assert_eq!(client_ip(proxy, &h, &trusted).to_string(), "192.0.2.60");
        let h = headers(&[("forwarded", "for=\"[2001:db8::1]:4711\"")]);
        assert_eq!(client_ip(proxy, &h, &trusted).to_string(), "2001:db8::1");
    }
}
