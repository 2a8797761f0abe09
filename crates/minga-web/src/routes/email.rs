//! What mail leads to: confirming an account, resetting a password,
//! confirming a new address, unsubscribing; and the admin's view of the
//! outbox. Paths are Discourse's.

use crate::AppState;
use crate::auth::{self, Admin, Viewer};
use crate::error::{AppError, AppResult};
use crate::format::{Format, strip_json};
use crate::i18n::{self, Locale};
use crate::mail::{EmailLevel, Letter, accounts, fresh_message_id};
use crate::pages::{self, Chrome, CsrfToken, FormErrors, MailLinkField, MailLinkForm, MailLinkPage};
use crate::input::Query;
use crate::params::Params;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minga_core::{text, validate};
use minga_store::{MailState, NewMail, TokenPurpose};
use serde_json::json;

fn page(state: &AppState, viewer: &Viewer, csrf: CsrfToken, title: &str, messages: Vec<String>, form: Option<MailLinkForm>) -> MailLinkPage {
    MailLinkPage { chrome: Chrome::new(state, viewer, csrf), title: title.to_string(), messages, forms: form.into_iter().collect(), errors: FormErrors::default() }
}

fn say(locale: Locale, t: minga_core::Text) -> String {
    i18n::say(locale, &t)
}

#[derive(serde::Deserialize, Default, Debug)]
pub struct Login {
    #[serde(default)]
    pub login: String,
    /// Discourse's name for it in `send_activation_email`.
    #[serde(default)]
    pub username: String,
}

impl Login {
    fn value(&self) -> AppResult<&str> {
        let v = if self.login.trim().is_empty() { self.username.trim() } else { self.login.trim() };
        if v.is_empty() {
            return Err(AppError::invalid("login", text!("error-login-missing")));
        }
        Ok(v)
    }
}

fn login_form(locale: Locale, action: &str, submit: &str) -> MailLinkForm {
    MailLinkForm {
        action: action.into(),
        field: Some(MailLinkField { name: "login", label: i18n::t(locale, "forgot-login"), kind: "text", autocomplete: "username", value: String::new() }),
        submit: i18n::t(locale, submit),
    }
}

/// `/password-reset`: asks for the account whose password to reset.
pub async fn forgot_form(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken) -> AppResult<Response> {
    let l = viewer.locale;
    let form = login_form(l, "/session/forgot_password", "forgot-submit");
    Ok(pages::render(&page(&state, &viewer, csrf, &i18n::t(l, "forgot-title"), vec![i18n::t(l, "forgot-help")], Some(form))))
}

/// `POST /session/forgot_password`: mails a reset link to the account, if
/// there is one; the answer is the same either way.
pub async fn forgot(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken, format: Format, Params(body): Params<Login>) -> AppResult<Response> {
    accounts::forgot_password(&state, body.value()?, viewer.locale).await?;
    Ok(asked(&state, &viewer, csrf, format, "forgot-title", "forgot-sent"))
}

/// The answer to asking for a link by mail: the same whether or not there
/// is an account to send it to.
fn asked(state: &AppState, viewer: &Viewer, csrf: CsrfToken, format: Format, title: &str, said: &str) -> Response {
    let l = viewer.locale;
    match format {
        Format::Json => Json(json!({ "success": "OK" })).into_response(),
        Format::Html => pages::render(&page(state, viewer, csrf, &i18n::t(l, title), vec![i18n::t(l, said)], None)),
    }
}

/// `/u/action/send_activation_email`: a new confirming link for an account
/// that waits for one; the answer is the same whether there is one.
pub async fn resend_form(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken) -> AppResult<Response> {
    let l = viewer.locale;
    let form = login_form(l, "/u/action/send_activation_email", "activate-resend");
    Ok(pages::render(&page(&state, &viewer, csrf, &i18n::t(l, "activate-resend"), Vec::new(), Some(form))))
}

pub async fn resend(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken, format: Format, Params(body): Params<Login>) -> AppResult<Response> {
    accounts::resend_confirmation(&state, body.value()?, viewer.locale).await?;
    Ok(asked(&state, &viewer, csrf, format, "activate-resend", "activate-resent"))
}

/// A link's page: the token must still be good.
async fn good_token(state: &AppState, token: &str, purpose: TokenPurpose) -> AppResult<minga_store::EmailToken> {
    match state.store.email_token(&auth::hash_secret(token), purpose).await? {
        Some(t) => Ok(t),
        None => Err(AppError::Forbidden(text!("error-token-unknown"))),
    }
}

/// `GET /u/password-reset/{token}`: the form for a new password.
pub async fn reset_form(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken, Path(token): Path<String>) -> AppResult<Response> {
    let token = strip_json(&token).to_string();
    let found = good_token(&state, &token, TokenPurpose::Reset).await?;
    let user = state.store.user_by_id(found.user_id).await?.ok_or(AppError::NotFound)?;
    Ok(pages::render(&reset_page(&state, &viewer, csrf, &token, &user.username, FormErrors::default())))
}

fn reset_page(state: &AppState, viewer: &Viewer, csrf: CsrfToken, token: &str, username: &str, errors: FormErrors) -> MailLinkPage {
    let l = viewer.locale;
    let form = MailLinkForm {
        action: format!("/u/password-reset/{token}"),
        field: Some(MailLinkField { name: "password", label: i18n::t(l, "signup-password"), kind: "password", autocomplete: "new-password", value: String::new() }),
        submit: i18n::t(l, "reset-submit"),
    };
    MailLinkPage { errors, ..page(state, viewer, csrf, &i18n::t(l, "reset-title"), vec![say(l, text!("reset-for", username = username))], Some(form)) }
}

#[derive(serde::Deserialize, Default, Debug)]
pub struct NewPassword {
    #[serde(default)]
    pub password: String,
}

/// `PUT /u/password-reset/{token}` (and the form's POST): sets the
/// password, ends every session, and logs the person in.
pub async fn reset(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    device: auth::Device,
    format: Format,
    Path(token): Path<String>,
    Params(body): Params<NewPassword>,
) -> AppResult<Response> {
    let token = strip_json(&token).to_string();
    let found = good_token(&state, &token, TokenPurpose::Reset).await?;
    let user = state.store.user_by_id(found.user_id).await?.ok_or(AppError::NotFound)?;
    if let Err(e) = validate::password(&body.password, &user.username) {
        return match format {
            Format::Json => Err(AppError::invalid("password", e.text)),
            Format::Html => {
                let errors = FormErrors::one("password", i18n::say(viewer.locale, &e.text));
                Ok(pages::render_invalid(&reset_page(&state, &viewer, csrf, &token, &user.username, errors)))
            }
        };
    }
    let hash = auth::hash_password(&state, &body.password).await?;
    let user = state.store.reset_password(&auth::hash_secret(&token), &hash).await.map_err(accounts::token_error)?;
    let message = i18n::t(viewer.locale, "reset-done");
    let may_log_in = ops_may_log_in(&user);
    match format {
        Format::Json => Ok(Json(json!({ "success": true, "message": message, "user_id": user.id.0 })).into_response()),
        Format::Html if may_log_in => {
            let cookies = auth::start_session(&state, &user, &device).await?;
            super::session::with_cookies(Redirect::to("/").into_response(), &cookies)
        }
        Format::Html => Ok(pages::render(&page(&state, &viewer, csrf, &i18n::t(viewer.locale, "reset-title"), vec![message], None))),
    }
}

/// Whether an account may start a session now.
fn ops_may_log_in(user: &minga_store::User) -> bool {
    user.approved && user.active && !user.suspended_at(minga_core::time::now_ms())
}

/// A page with one button that does what the link is for: mail scanners
/// that follow links do not confirm anything by themselves.
fn confirm_page(state: &AppState, viewer: &Viewer, csrf: CsrfToken, title: &str, action: String, submit: &str) -> MailLinkPage {
    let form = MailLinkForm { action, field: None, submit: i18n::t(viewer.locale, submit) };
    page(state, viewer, csrf, title, Vec::new(), Some(form))
}

/// `GET /u/activate-account/{token}`.
pub async fn activate_form(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken, Path(token): Path<String>) -> AppResult<Response> {
    let token = strip_json(&token).to_string();
    good_token(&state, &token, TokenPurpose::Signup).await?;
    let title = i18n::t(viewer.locale, "mail-signup-action");
    Ok(pages::render(&confirm_page(&state, &viewer, csrf, &title, format!("/u/activate-account/{token}"), "mail-signup-action")))
}

/// `PUT /u/activate-account/{token}`: the account becomes active, and its
/// owner is logged in (unless it still waits for staff's approval).
pub async fn activate(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    device: auth::Device,
    format: Format,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let token = strip_json(&token).to_string();
    let user = state.store.confirm_signup(&auth::hash_secret(&token)).await.map_err(accounts::token_error)?;
    let l = viewer.locale;
    let mut messages = vec![i18n::t(l, "activate-done")];
    if !user.approved {
        messages = vec![i18n::t(l, "signup-waiting")];
    }
    match format {
        Format::Json => Ok(Json(json!({ "success": true, "message": messages.join(" "), "active": user.active, "approved": user.approved })).into_response()),
        Format::Html if ops_may_log_in(&user) => {
            // Logged in from here on: the next page is the forum itself.
            let cookies = auth::start_session(&state, &user, &device).await?;
            super::session::with_cookies(Redirect::to("/").into_response(), &cookies)
        }
        Format::Html => Ok(pages::render(&page(&state, &viewer, csrf, &i18n::t(l, "activate-title"), messages, None))),
    }
}

/// `GET /u/confirm-new-email/{token}`.
pub async fn confirm_email_form(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken, Path(token): Path<String>) -> AppResult<Response> {
    let token = strip_json(&token).to_string();
    let found = good_token(&state, &token, TokenPurpose::Email).await?;
    let title = i18n::t(viewer.locale, "mail-email-action");
    let mut p = confirm_page(&state, &viewer, csrf, &title, format!("/u/confirm-new-email/{token}"), "mail-email-action");
    p.messages.push(found.email);
    Ok(pages::render(&p))
}

/// `PUT /u/confirm-new-email/{token}`: the account takes the new address.
pub async fn confirm_email(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken, format: Format, Path(token): Path<String>) -> AppResult<Response> {
    let token = strip_json(&token).to_string();
    let user = state.store.confirm_email_change(&auth::hash_secret(&token)).await.map_err(accounts::token_error)?;
    let l = viewer.locale;
    let done = say(l, text!("email-confirm-done", email = user.email.as_str()));
    Ok(match format {
        Format::Json => Json(json!({ "success": true, "message": done })).into_response(),
        Format::Html => pages::render(&page(&state, &viewer, csrf, &i18n::t(l, "email-confirm-title"), vec![done], None)),
    })
}

/// `GET /email/unsubscribe/{key}`: asks before stopping notification mail.
pub async fn unsubscribe_form(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    Path(key): Path<String>,
    Query(q): Query<Unsubscribe>,
) -> AppResult<Response> {
    let user = state.store.user_by_mail_key(&key).await?.ok_or(AppError::NotFound)?;
    let l = viewer.locale;
    let action = if q.digest.is_some() { format!("/email/unsubscribe/{key}?digest=1") } else { format!("/email/unsubscribe/{key}") };
    let mut p = confirm_page(&state, &viewer, csrf, &i18n::t(l, "unsubscribe-title"), action, "unsubscribe-submit");
    p.messages.push(say(l, text!("unsubscribe-ask", email = user.email.as_str())));
    Ok(pages::render(&p))
}

#[derive(serde::Deserialize, Default, Debug)]
pub struct Unsubscribe {
    /// The link came in a summary: it stops summaries.
    #[serde(default)]
    pub digest: Option<String>,
}

/// `POST /email/unsubscribe/{key}`: the page's button, and mail clients'
/// one-click unsubscribe (RFC 8058), which sends no cookie: the key in the
/// address is what proves the request comes from the mail.
pub async fn unsubscribe(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    Path(key): Path<String>,
    Query(q): Query<Unsubscribe>,
) -> AppResult<Response> {
    let user = state.store.user_by_mail_key(&key).await?.ok_or(AppError::NotFound)?;
    let l = viewer.locale;
    let done = if q.digest.is_some() {
        state.store.set_digest_minutes(user.id, 0).await?;
        say(l, text!("unsubscribe-digest-done", email = user.email.as_str()))
    } else {
        state.store.set_email_level(user.id, EmailLevel::Never as i64).await?;
        say(l, text!("unsubscribe-done", email = user.email.as_str()))
    };
    Ok(pages::render(&page(&state, &viewer, csrf, &i18n::t(l, "unsubscribe-title"), vec![done], None)))
}

/// The outbox as the admin page and `/admin/email.json` show it.
async fn outbox_view(state: &AppState) -> AppResult<serde_json::Value> {
    let summary = state.store.outbox_summary().await?;
    let failed = state.store.outbox(MailState::Failed, 50).await?;
    let waiting = state.store.outbox(MailState::Waiting, 50).await?;
    let row = |m: &minga_store::Mail| {
        json!({
            "id": m.id, "kind": m.kind, "to_address": m.to, "user_id": m.user_id.map(|u| u.0),
            "created_at": minga_core::time::iso(m.created_at), "due_at": minga_core::time::iso(m.due_at),
            "attempts": m.attempts, "error": m.last_error,
        })
    };
    Ok(json!({
        "delivery_method": if state.has_relay() { "smtp" } else { "none" },
        "relay_configured": state.has_relay(),
        "from": crate::mail::from_address(&state.settings),
        "waiting": summary.waiting, "sending": summary.sending, "sent": summary.sent, "failed": summary.failed, "skipped": summary.skipped,
        "oldest_waiting_at": summary.oldest_waiting.map(minga_core::time::iso),
        "failed_messages": failed.iter().map(row).collect::<Vec<_>>(),
        "waiting_messages": waiting.iter().map(row).collect::<Vec<_>>(),
    }))
}

/// `/admin/email`: whether a relay is configured, what waits, what failed.
pub async fn admin_page(State(state): State<AppState>, Admin(viewer): Admin, csrf: CsrfToken, format: Format) -> AppResult<Response> {
    let view = outbox_view(&state).await?;
    if format == Format::Json {
        return Ok(Json(view).into_response());
    }
    let l = viewer.locale;
    let count = |k: &str| view[k].as_i64().unwrap_or(0);
    let mut messages = vec![if state.has_relay() {
        say(l, text!("admin-email-relay", from = crate::mail::from_address(&state.settings)))
    } else {
        i18n::t(l, "admin-email-no-relay")
    }];
    let (waiting, sent, failed, skipped) = (count("waiting"), count("sent"), count("failed"), count("skipped"));
    messages.push(say(l, text!("admin-email-counts", waiting = waiting, sent = sent, failed = failed, skipped = skipped)));
    for m in view["failed_messages"].as_array().into_iter().flatten() {
        let field = |k: &str| m[k].as_str().unwrap_or_default().to_string();
        let (to, kind, error) = (field("to_address"), field("kind"), field("error"));
        let (to, kind, error) = (to.as_str(), kind.as_str(), error.as_str());
        messages.push(say(l, text!("admin-email-failed-line", to = to, kind = kind, error = error)));
    }
    let form = MailLinkForm {
        action: "/admin/email/test".into(),
        field: Some(MailLinkField {
            name: "email_address",
            label: i18n::t(l, "admin-email-test-to"),
            kind: "email",
            autocomplete: "email",
            value: viewer.user.as_ref().map(|u| u.email.clone()).unwrap_or_default(),
        }),
        submit: i18n::t(l, "admin-email-test"),
    };
    let mut p = page(&state, &viewer, csrf.clone(), &i18n::t(l, "admin-email-title"), messages, Some(form));
    if count("failed") > 0 || count("waiting") > 0 {
        p.forms.push(MailLinkForm { action: "/admin/email/retry".into(), field: None, submit: i18n::t(l, "admin-email-retry") });
    }
    Ok(pages::render(&p))
}

#[derive(serde::Deserialize, Default, Debug)]
pub struct TestMail {
    #[serde(default)]
    pub email_address: String,
}

/// `POST /admin/email/test`: queues a test message to an address.
pub async fn send_test(State(state): State<AppState>, Admin(viewer): Admin, format: Format, Params(body): Params<TestMail>) -> AppResult<Response> {
    let to = body.email_address.trim();
    validate::email(to).map_err(|e| AppError::invalid("email_address", e.text))?;
    let l = viewer.locale;
    let site = state.settings.title.as_str();
    let letter = Letter {
        to: to.to_string(),
        subject: say(l, text!("mail-test-subject", site = site)),
        locale: l,
        paragraphs: vec![say(l, text!("mail-test-body", site = site))],
        message_id: fresh_message_id(&state.settings, "test"),
        automatic: true,
        ..Default::default()
    };
    let raw = letter.write(&state.settings).map_err(|e| AppError::invalid("email_address", text!("error-email-undeliverable", detail = e.to_string())))?;
    let mail = NewMail { kind: "test".into(), user_id: viewer.user.as_ref().map(|u| u.id), to: to.into(), raw, message_id: letter.message_id, ..Default::default() };
    state.store.queue_mail(&mail).await?;
    state.send_mail_soon();
    Ok(match format {
        Format::Json => Json(json!({ "sent_test_email_message": i18n::t(l, "admin-email-test-queued"), "relay_configured": state.has_relay() })).into_response(),
        Format::Html => Redirect::to("/admin/email").into_response(),
    })
}

/// `POST /admin/email/retry`: failed messages are tried again, and waiting
/// ones are due now.
pub async fn retry(State(state): State<AppState>, Admin(_): Admin, format: Format) -> AppResult<Response> {
    let n = state.store.retry_mail_now().await?;
    state.send_mail_soon();
    Ok(match format {
        Format::Json => Json(json!({ "success": "OK", "queued": n })).into_response(),
        Format::Html => Redirect::to("/admin/email").into_response(),
    })
}
