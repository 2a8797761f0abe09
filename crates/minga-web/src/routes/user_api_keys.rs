//! User API keys, as Discourse's mobile app and other applications ask for
//! them: the application sends the person to `/user-api-key/new` with its
//! name, client id, the scopes it wants, an RSA public key and a nonce;
//! the person authorises it; minga makes a key, encrypts it (with the
//! nonce) to the public key and sends the person back to the application.
//! The application then sends `User-Api-Key` (see `auth`). People see and
//! revoke the applications they authorised at `/u/{username}/preferences/apps`.

use crate::AppState;
use crate::auth::{self, SignedIn, Viewer};
use crate::error::{AppError, AppResult};
use crate::format::Format;
use crate::json::user_api_key::{CreatedUserApiKey, Success, UserApiKeyPayload};
use crate::pages::{self, Chrome, CsrfToken, Moment};
use crate::params::Params;
use askama::Template;
use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use minga_core::perm::user_api::{self, Scope};
use minga_store::NewUserApiKey;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Encrypt, RsaPublicKey};
use serde::Deserialize;

/// The version of Discourse's user API key protocol spoken here.
const AUTH_API_VERSION: u32 = 4;

/// What an application sends to ask for a key (the query string of
/// `/user-api-key/new`, then the authorisation form).
#[derive(Deserialize, Debug, Default)]
pub struct AuthoriseApplication {
    pub application_name: Option<String>,
    pub client_id: Option<String>,
    /// Comma-separated: `read,write`.
    pub scopes: Option<String>,
    pub public_key: Option<String>,
    pub nonce: Option<String>,
    pub auth_redirect: Option<String>,
    /// Where pushes would go; kept with the key, though minga does not
    /// offer the `push` scope yet.
    pub push_url: Option<String>,
    /// Newer Discourse clients may ask for `oaep`; only PKCS#1 v1.5 is
    /// spoken here.
    pub padding: Option<String>,
}

/// `POST /user-api-key/revoke`: a key by id, or, without one, the key
/// the request is made with.
#[derive(Deserialize, Debug, Default)]
pub struct RevokeUserApiKey {
    pub id: Option<i64>,
}

/// `POST /user-api-key/undo-revoke`.
#[derive(Deserialize, Debug)]
pub struct UndoRevokeUserApiKey {
    pub id: i64,
}

/// An authorisation request that has passed every check.
struct Authorisation {
    application_name: String,
    client_id: String,
    scopes: Vec<Scope>,
    public_key: RsaPublicKey,
    public_key_text: String,
    nonce: String,
    auth_redirect: Option<String>,
    push_url: Option<String>,
}

fn required<'a>(value: &'a Option<String>, field: &'static str) -> AppResult<&'a str> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(AppError::BadRequest(minga_core::text!("error-param-missing", field = field))),
    }
}

fn short(value: &str, field: &'static str, most: usize) -> AppResult<String> {
    if value.chars().count() > most || value.chars().any(char::is_control) {
        return Err(AppError::invalid(field, minga_core::text!("error-field-line", field = field, max = most)));
    }
    Ok(value.to_string())
}

/// Checks everything an application sent, as Discourse does before it
/// shows the page and again when the person authorises.
async fn check(state: &AppState, req: &AuthoriseApplication) -> AppResult<Authorisation> {
    let application_name = short(required(&req.application_name, "application_name")?, "application_name", 100)?;
    let client_id = short(required(&req.client_id, "client_id")?, "client_id", 200)?;
    let scopes = user_api::parse_list(required(&req.scopes, "scopes")?).map_err(|m| AppError::invalid("scopes", m))?;
    let public_key_text = required(&req.public_key, "public_key")?.to_string();
    // The payload must fit in one RSA block with PKCS#1 v1.5 padding.
    let nonce = short(required(&req.nonce, "nonce")?, "nonce", 64)?;
    if let Some(padding) = req.padding.as_deref().filter(|p| !p.is_empty() && *p != "pkcs1") {
        return Err(AppError::invalid("padding", minga_core::text!("error-padding", padding = padding)));
    }
    let public_key = parse_public_key(&public_key_text)
        .ok_or_else(|| AppError::invalid("public_key", minga_core::text!("error-public-key")))?;
    let auth_redirect = req.auth_redirect.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_string);
    if let Some(redirect) = &auth_redirect
        && !state.site().await?.allows_user_api_redirect(redirect)
    {
        return Err(AppError::invalid("auth_redirect", minga_core::text!("error-auth-redirect")));
    }
    let push_url = match req.push_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => Some(short(u, "push_url", 500)?),
        None => None,
    };
    Ok(Authorisation { application_name, client_id, scopes, public_key, public_key_text, nonce, auth_redirect, push_url })
}

/// An RSA public key in PEM, as `BEGIN PUBLIC KEY` (what Discourse's
/// clients send) or `BEGIN RSA PUBLIC KEY`. Read by hand, leniently: a
/// browser's form turns line ends into CRLF, and a query string that was
/// not encoded turns `+` into a space.
fn parse_public_key(pem: &str) -> Option<RsaPublicKey> {
    let body: String = pem
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("-----"))
        .collect::<String>()
        .replace(' ', "+");
    let der = base64::engine::general_purpose::STANDARD.decode(body).ok()?;
    let key = RsaPublicKey::from_public_key_der(&der).or_else(|_| RsaPublicKey::from_pkcs1_der(&der)).ok()?;
    (key.size() * 8 >= 2048).then_some(key)
}

/// Encrypts the payload to the application's key, base64 as Discourse sends it.
fn encrypt(key: &RsaPublicKey, payload: &UserApiKeyPayload<'_>) -> AppResult<String> {
    let text = serde_json::to_vec(payload).map_err(|e| AppError::Internal(e.to_string()))?;
    let sealed = key
        .encrypt(&mut rsa::rand_core::OsRng, Pkcs1v15Encrypt, &text)
        .map_err(|_| AppError::invalid("nonce", minga_core::text!("error-nonce")))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(sealed))
}

/// The authorisation page, and the page that shows a payload when the
/// application gave no address to return to.
#[derive(Template)]
#[template(path = "user_api_key.html")]
pub struct AuthorisePage {
    pub chrome: Chrome,
    pub application_name: String,
    pub scopes: Vec<String>,
    /// The fields the form sends back.
    pub fields: Vec<(&'static str, String)>,
    /// Set once authorised, without a redirect.
    pub payload: Option<String>,
}

/// One authorised application in a person's list.
pub struct AppView {
    pub id: i64,
    pub application_name: String,
    pub scopes: Vec<String>,
    pub authorised: Moment,
    pub last_used: Option<Moment>,
}

#[derive(Template)]
#[template(path = "user_api_keys.html")]
pub struct AppsPage {
    pub chrome: Chrome,
    pub username: String,
    pub apps: Vec<AppView>,
    pub notice: Option<String>,
}

fn described(locale: crate::i18n::Locale, scopes: &[Scope]) -> Vec<String> {
    scopes.iter().map(|s| crate::i18n::t(locale, s.message_key())).collect()
}

/// `GET /user-api-key/new`: names the application and what it asks for,
/// with Authorise and Cancel. `HEAD` answers which version is spoken, as
/// Discourse's clients probe it. Visitors are sent to log in and back.
pub async fn new(
    State(state): State<AppState>,
    method: Method,
    viewer: Viewer,
    csrf: CsrfToken,
    OriginalUri(uri): OriginalUri,
    Params(req): Params<AuthoriseApplication>,
) -> AppResult<Response> {
    if method == Method::HEAD {
        let mut r = StatusCode::OK.into_response();
        r.headers_mut().insert("Auth-Api-Version", HeaderValue::from(AUTH_API_VERSION));
        return Ok(r);
    }
    let auth = check(&state, &req).await?;
    if viewer.user.is_none() {
        let here = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/user-api-key/new");
        return Ok(pages::redirect(&format!("/login?next={}", pages::urlencode(here))));
    }
    let mut fields = vec![
        ("application_name", auth.application_name.clone()),
        ("client_id", auth.client_id.clone()),
        ("scopes", auth.scopes.iter().map(|s| s.name()).collect::<Vec<_>>().join(",")),
        ("public_key", auth.public_key_text.clone()),
        ("nonce", auth.nonce.clone()),
    ];
    if let Some(r) = &auth.auth_redirect {
        fields.push(("auth_redirect", r.clone()));
    }
    if let Some(u) = &auth.push_url {
        fields.push(("push_url", u.clone()));
    }
    Ok(pages::render(&AuthorisePage {
        chrome: Chrome::new(&state, &viewer, csrf),
        application_name: auth.application_name,
        scopes: described(viewer.locale, &auth.scopes),
        fields,
        payload: None,
    }))
}

/// `POST /user-api-key`: the person authorises. Makes the key (replacing
/// one given to the same application before), encrypts it to the
/// application's public key and sends the person back with
/// `?payload=…`; without an address to return to, shows the payload.
pub async fn create(
    State(state): State<AppState>,
    viewer: SignedIn,
    csrf: CsrfToken,
    format: Format,
    Params(req): Params<AuthoriseApplication>,
) -> AppResult<Response> {
    let auth = check(&state, &req).await?;
    let key = hex_token();
    let scopes = auth.scopes.iter().map(|s| s.name()).collect::<Vec<_>>().join(",");
    state
        .store
        .create_user_api_key(&NewUserApiKey {
            user: viewer.user().id,
            client_id: auth.client_id.clone(),
            application_name: auth.application_name.clone(),
            key_hash: auth::hash_secret(&key),
            scopes,
            push_url: auth.push_url.clone(),
        })
        .await?;
    let payload = encrypt(&auth.public_key, &UserApiKeyPayload { key: &key, nonce: &auth.nonce, push: false, api: AUTH_API_VERSION })?;
    if let Some(redirect) = &auth.auth_redirect {
        let joiner = if redirect.contains('?') { '&' } else { '?' };
        return Ok(pages::redirect(&format!("{redirect}{joiner}payload={}", pages::urlencode(&payload))));
    }
    Ok(match format {
        Format::Json => Json(CreatedUserApiKey {
            instructions: crate::i18n::t1(viewer.locale, "apps-instructions", "application", auth.application_name.clone()),
            payload,
        })
        .into_response(),
        Format::Html => pages::render(&AuthorisePage {
            chrome: Chrome::new(&state, &viewer, csrf),
            application_name: auth.application_name,
            scopes: described(viewer.locale, &auth.scopes),
            fields: Vec::new(),
            payload: Some(payload),
        }),
    })
}

/// Discourse's keys are 32 hexadecimal digits; clients may expect that.
fn hex_token() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key with this id, if the viewer may manage it (its owner or an
/// admin); someone else's key is, to them, no key at all.
async fn manageable(state: &AppState, viewer: &SignedIn, id: i64) -> AppResult<()> {
    let key = state.store.user_api_key(id).await?.ok_or(AppError::NotFound)?;
    let actor = viewer.actor().ok_or(AppError::NotLoggedIn)?;
    if !user_api::may_manage(&actor, key.user_id) {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Answers JSON clients with `{"success": "OK"}`, and the preferences
/// form by going back to the list.
fn done(format: Format, viewer: &SignedIn, notice: &str) -> Response {
    match format {
        Format::Json => Json(Success::OK).into_response(),
        Format::Html => pages::redirect(&format!("/u/{}/preferences/apps?done={notice}", viewer.user().username)),
    }
}

/// `POST /user-api-key/revoke`: with `id`, the person (or an admin)
/// revokes that key; without, the key the request is made with revokes
/// itself. It stops working at once, on every node.
pub async fn revoke(State(state): State<AppState>, viewer: SignedIn, format: Format, Params(req): Params<RevokeUserApiKey>) -> AppResult<Response> {
    let id = match (req.id, &viewer.user_api_key) {
        (Some(id), _) => {
            manageable(&state, &viewer, id).await?;
            id
        }
        (None, Some(grant)) => grant.key_id,
        (None, None) => return Err(AppError::invalid("id", minga_core::text!("error-which-key"))),
    };
    state.store.set_user_api_key_revoked(id, true).await?;
    Ok(done(format, &viewer, "revoked"))
}

/// `POST /user-api-key/undo-revoke`: the person (or an admin) restores a
/// revoked key.
pub async fn undo_revoke(State(state): State<AppState>, viewer: SignedIn, format: Format, Params(req): Params<UndoRevokeUserApiKey>) -> AppResult<Response> {
    manageable(&state, &viewer, req.id).await?;
    state.store.set_user_api_key_revoked(req.id, false).await?;
    Ok(done(format, &viewer, "restored"))
}

#[derive(Deserialize, Debug, Default)]
pub struct AppsQuery {
    pub done: Option<String>,
}

/// `GET /u/{username}/preferences/apps`: the applications a person has
/// authorised, each with a Revoke button.
pub async fn apps(
    State(state): State<AppState>,
    viewer: SignedIn,
    csrf: CsrfToken,
    Path(name): Path<String>,
    crate::input::Query(q): crate::input::Query<AppsQuery>,
) -> AppResult<Response> {
    let me = viewer.user();
    if !me.username.eq_ignore_ascii_case(&name) {
        return Err(AppError::Forbidden(minga_core::text!("error-others-preferences")));
    }
    let apps = state
        .store
        .user_api_keys(me.id)
        .await?
        .into_iter()
        .map(|k| {
            let scopes: Vec<Scope> = k.scopes.split(',').filter_map(Scope::parse).collect();
            AppView {
                id: k.id,
                application_name: k.application_name,
                scopes: described(viewer.locale, &scopes),
                authorised: pages::moment(k.created_at, &viewer),
                last_used: k.last_used_at.map(|t| pages::moment(t, &viewer)),
            }
        })
        .collect();
    let notice = match q.done.as_deref() {
        Some("revoked") => Some(crate::i18n::t(viewer.locale, "apps-revoked")),
        Some("restored") => Some(crate::i18n::t(viewer.locale, "apps-restored")),
        _ => None,
    };
    Ok(pages::render(&AppsPage { chrome: Chrome::new(&state, &viewer, csrf), username: me.username.clone(), apps, notice }))
}
