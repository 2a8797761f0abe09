//! Accounts by mail: confirming the address at sign-up, resetting a
//! password, confirming a new address, invites sent to their address.
//! Each link is a single-use token whose hash is stored with the mail that
//! carries it, in one transaction.

use super::{Letter, fresh_message_id};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::i18n::{self, Locale};
use minga_core::text;
use minga_store::{NewMail, NewToken, NewUser, Refusal, StoreError, TokenPurpose, User};

/// How long a link sent by mail works.
pub const LINK_HOURS: i64 = 48;
/// A reset link works for less: it opens the account.
pub const RESET_HOURS: i64 = 2;

struct Link {
    token: String,
    stored: NewToken,
}

fn link(purpose: TokenPurpose, email: &str, hours: i64) -> Link {
    let token = crate::auth::random_token(24);
    let stored = NewToken {
        token_hash: crate::auth::hash_secret(&token),
        purpose,
        email: email.to_string(),
        expires_at: minga_core::time::now_ms() + hours * 3_600_000,
    };
    Link { token, stored }
}

/// The language a mail to this person is written in.
async fn their_locale(state: &AppState, user: &User, fallback: Locale) -> AppResult<Locale> {
    Ok(Locale::from_tag(&user.locale).unwrap_or(if user.locale.is_empty() { fallback } else { state.site().await?.default_locale }))
}

/// A link's mail: what it is for, the button, what to do if it was not them.
fn link_letter(state: &AppState, locale: Locale, (username, name): (&str, &str), to: &str, purpose: TokenPurpose, url: String, hours: i64) -> AppResult<NewMail> {
    let site = state.settings.title.as_str();
    let said = |t: minga_core::Text| i18n::say(locale, &t);
    let (subject, body, action, ignore, kind) = match purpose {
        TokenPurpose::Signup => (
            text!("mail-signup-subject", site = site),
            text!("mail-signup-body", site = site, username = username),
            text!("mail-signup-action"),
            text!("mail-signup-ignore"),
            "signup",
        ),
        TokenPurpose::Reset => (
            text!("mail-reset-subject", site = site),
            text!("mail-reset-body", site = site, username = username),
            text!("mail-reset-action"),
            text!("mail-reset-ignore"),
            "reset",
        ),
        TokenPurpose::Email => (
            text!("mail-email-subject", site = site),
            text!("mail-email-body", site = site, username = username),
            text!("mail-email-action"),
            text!("mail-email-ignore"),
            "email",
        ),
    };
    let letter = Letter {
        to: to.to_string(),
        to_name: name.to_string(),
        subject: said(subject),
        locale,
        paragraphs: vec![said(body)],
        action: Some((said(action), url)),
        after: vec![said(text!("mail-link-expires", count = hours)), said(ignore)],
        message_id: fresh_message_id(&state.settings, kind),
        automatic: true,
        ..Default::default()
    };
    let raw = letter.write(&state.settings).map_err(|e| AppError::invalid("email", text!("error-email-undeliverable", detail = e.to_string())))?;
    Ok(NewMail { kind: kind.into(), to: to.to_string(), raw, message_id: letter.message_id, ..Default::default() })
}

fn url(state: &AppState, path: &str, token: &str) -> String {
    format!("{}{path}{token}", state.settings.base_url.trim_end_matches('/'))
}

/// Creates an account that works once its address is confirmed, and
/// queues the mail with the link, together.
pub async fn create_to_confirm(state: &AppState, new: &NewUser, locale: Locale) -> AppResult<User> {
    let l = link(TokenPurpose::Signup, &new.email, LINK_HOURS);
    let mail = link_letter(state, locale, (&new.username, &new.name), &new.email, TokenPurpose::Signup, url(state, "/u/activate-account/", &l.token), LINK_HOURS)?;
    let user = state.store.create_user_to_confirm(new, &l.stored, &mail).await?;
    state.send_mail_soon();
    Ok(user)
}

/// Sends an account that waits for its address a new confirming link.
/// Answers nothing about whether there is such an account.
pub async fn resend_confirmation(state: &AppState, login: &str, locale: Locale) -> AppResult<()> {
    let Some((user, _)) = state.store.user_for_login(login).await? else { return Ok(()) };
    if user.active || user.email.is_empty() {
        return Ok(());
    }
    let l = link(TokenPurpose::Signup, &user.email, LINK_HOURS);
    let locale = their_locale(state, &user, locale).await?;
    let mail = link_letter(state, locale, (&user.username, &user.name), &user.email, TokenPurpose::Signup, url(state, "/u/activate-account/", &l.token), LINK_HOURS)?;
    state.store.send_token(user.id, &l.stored, &mail).await?;
    state.send_mail_soon();
    Ok(())
}

/// `forgot_password`: mails a reset link to the account whose username or
/// address this is. The caller answers the same whether there is one.
pub async fn forgot_password(state: &AppState, login: &str, locale: Locale) -> AppResult<()> {
    let Some((user, _)) = state.store.user_for_login(login).await? else { return Ok(()) };
    let now = minga_core::time::now_ms();
    if user.email.is_empty() || user.suspended_at(now) {
        return Ok(());
    }
    let l = link(TokenPurpose::Reset, &user.email, RESET_HOURS);
    let locale = their_locale(state, &user, locale).await?;
    let mail = link_letter(state, locale, (&user.username, &user.name), &user.email, TokenPurpose::Reset, url(state, "/u/password-reset/", &l.token), RESET_HOURS)?;
    state.store.send_token(user.id, &l.stored, &mail).await?;
    state.send_mail_soon();
    Ok(())
}

/// Starts a change of address: the new one gets a link, and the account
/// keeps its address until the link is followed.
pub async fn start_email_change(state: &AppState, user: &User, email: &str, locale: Locale) -> AppResult<()> {
    let l = link(TokenPurpose::Email, email, LINK_HOURS);
    let locale = their_locale(state, user, locale).await?;
    let mail = link_letter(state, locale, (&user.username, &user.name), email, TokenPurpose::Email, url(state, "/u/confirm-new-email/", &l.token), LINK_HOURS)?;
    state.store.send_token(user.id, &l.stored, &mail).await?;
    state.send_mail_soon();
    Ok(())
}

/// What a link's token does when followed, as an error for each way it
/// can be wrong.
pub fn token_error(e: StoreError) -> AppError {
    match e {
        StoreError::Refused(Refusal::ExpiredToken) => AppError::Forbidden(text!("error-token-expired")),
        StoreError::Refused(_) | StoreError::NotFound => AppError::Forbidden(text!("error-token-unknown")),
        StoreError::Conflict(_) => AppError::invalid("email", text!("error-taken", field = "email")),
        other => other.into(),
    }
}

/// The mail that carries an invite's link to its address, in the site's
/// language (the person invited has chosen none yet), with the inviter's
/// note.
pub async fn invite_mail(state: &AppState, inviter: &User, to: &str, link: &str, note: &str) -> AppResult<NewMail> {
    let locale = state.site().await?.default_locale;
    let site = state.settings.title.as_str();
    let who = if inviter.name.is_empty() { inviter.username.as_str() } else { inviter.name.as_str() };
    let said = |t: minga_core::Text| i18n::say(locale, &t);
    let mut paragraphs = vec![said(text!("mail-invite-body", inviter = who, site = site))];
    if !note.trim().is_empty() {
        paragraphs.push(note.trim().to_string());
    }
    let letter = Letter {
        to: to.to_string(),
        subject: said(text!("mail-invite-subject", inviter = who, site = site)),
        locale,
        paragraphs,
        action: Some((said(text!("mail-invite-action")), link.to_string())),
        message_id: fresh_message_id(&state.settings, "invite"),
        automatic: true,
        ..Default::default()
    };
    let raw = letter.write(&state.settings).map_err(|e| AppError::invalid("email", text!("error-email-undeliverable", detail = e.to_string())))?;
    Ok(NewMail { kind: "invite".into(), user_id: None, to: to.to_string(), raw, message_id: letter.message_id, ..Default::default() })
}
