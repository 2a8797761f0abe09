//! Notifications: the list (JSON and a page), marking them read, opening
//! one, and how closely a person follows a topic or a category.
//!
//! A notification is shown only while its reader may still see the topic
//! it points at: permissions apply when it is written and again here.

use super::{id_segment, post_location, topic_url};
use crate::AppState;
use crate::auth::{SignedIn, Viewer};
use crate::error::{AppError, AppResult};
use crate::format::Format;
use crate::i18n::{self, Locale};
use crate::json;
use crate::json::notification::{NotificationJson, Notifications};
use crate::pages::{self, Chrome, CsrfToken, NotificationItem, NotificationsPage};
use crate::params::Params;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use minga_core::notify::{Kind, Level};
use minga_core::{CategoryId, Text, TopicId};
use minga_store::Notification;

/// Discourse's page size for the full list.
const PAGE: i64 = 60;

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    pub recent: Option<bool>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The reader's notifications that point where they may still look; the
/// unread ones that no longer do are marked read, so counts agree.
async fn visible(
    state: &AppState,
    viewer: &Viewer,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<Notification>, i64)> {
    let user = viewer.require()?;
    let (list, total) = state.store.notifications(user.id, offset, limit).await?;
    let catalog = state.catalog().await?;
    let actor = viewer.actor();
    let (shown, hidden): (Vec<_>, Vec<_>) = list.into_iter().partition(|n| {
        n.category_id
            .is_none_or(|c| catalog.can_see(actor.as_ref(), c))
    });
    for n in hidden.iter().filter(|n| !n.read) {
        state
            .store
            .mark_notifications_read(user.id, Some(n.id))
            .await?;
    }
    Ok((shown, total - hidden.len() as i64))
}

/// `GET /notifications.json` (`recent`, `limit`, `offset`); the page is
/// the person's own `/u/{username}/notifications`.
pub async fn index(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    format: Format,
    Params(q): Params<ListQuery>,
) -> AppResult<Response> {
    let user = viewer.require()?;
    if format == Format::Html {
        return Ok(pages::redirect(&format!(
            "/u/{}/notifications",
            user.username
        )));
    }
    let default = if q.recent == Some(true) { 10 } else { PAGE };
    let limit = q.limit.unwrap_or(default).clamp(1, PAGE);
    let offset = q.offset.unwrap_or(0).max(0);
    let (list, total) = visible(&state, &viewer, offset, limit).await?;
    let seen = state.store.seen_notification_id(user.id).await?;
    Ok(Json(Notifications {
        notifications: list.iter().map(|n| NotificationJson::of(n, viewer.locale)).collect(),
        total_rows_notifications: total,
        seen_notification_id: seen,
        load_more_notifications: format!(
            "/notifications?offset={}&username={}",
            offset + limit,
            user.username
        ),
    })
    .into_response())
}

/// What a notification says, in the reader's language.
pub fn describe(n: &Notification, locale: Locale) -> String {
    let key = match Kind::from_id(n.notification_type) {
        Some(k) if k.folds() && n.replies > 1 => "notification-posts",
        Some(k) => message_key(k),
        None => "notification-other",
    };
    let text = Text::key(key)
        .with("count", n.replies)
        .with("username", n.actor_username.clone().unwrap_or_default())
        .with("title", n.topic_title.clone().unwrap_or_default())
        .with("group", n.data.clone());
    i18n::say(locale, &text)
}

fn message_key(kind: Kind) -> &'static str {
    match kind {
        Kind::Mentioned => "notification-mentioned",
        Kind::Replied => "notification-replied",
        Kind::Quoted => "notification-quoted",
        Kind::Edited => "notification-edited",
        Kind::InviteeAccepted => "notification-invitee-accepted",
        Kind::Posted => "notification-posted",
        Kind::Linked => "notification-linked",
        Kind::GroupMentioned => "notification-group-mentioned",
        Kind::WatchingFirstPost => "notification-watching-first-post",
        Kind::PostApproved => "notification-post-approved",
        Kind::InvitedToTopic => "notification-invited-to-topic",
    }
}

/// `GET /u/{username}/notifications`: a person's own list.
pub async fn page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    csrf: CsrfToken,
    Path(username): Path<String>,
    Params(q): Params<ListQuery>,
) -> AppResult<Response> {
    let user = viewer.require()?;
    if !user.username.eq_ignore_ascii_case(&username) {
        return Err(AppError::NotFound);
    }
    let offset = q.offset.unwrap_or(0).max(0);
    let (list, total) = visible(&state, &viewer, offset, PAGE).await?;
    let items = list
        .iter()
        .map(|n| NotificationItem {
            url: format!("/n/{}", n.id),
            text: describe(n, viewer.locale),
            read: n.read,
            when: pages::moment(n.created_at, &viewer),
        })
        .collect();
    let catalog = state.catalog().await?;
    let chosen = state.store.category_levels(user.id).await?;
    let actor = viewer.actor();
    let categories = catalog
        .visible(actor.as_ref())
        .into_iter()
        .map(|c| {
            let level = chosen
                .iter()
                .find(|(id, _)| *id == c.id)
                .map(|(_, l)| *l)
                .unwrap_or(Level::Regular);
            (c.id.0, super::category_name(c, viewer.locale), level.id())
        })
        .collect();
    let fresh = viewer
        .user
        .as_ref()
        .map(|u| u.unread_notifications)
        .unwrap_or(0);
    let more = (offset + PAGE < total).then(|| {
        format!(
            "/u/{}/notifications?offset={}",
            user.username,
            offset + PAGE
        )
    });
    let mut chrome = Chrome::new(&state, &viewer, csrf);
    chrome.unread = fresh;
    let reply_levels = levels(viewer.locale, false).into_iter().filter(|(l, _)| *l != Level::Muted.id()).collect();
    Ok(pages::render(&NotificationsPage {
        chrome,
        items,
        categories,
        levels: levels(viewer.locale, true),
        more,
        username: user.username.clone(),
        reply_level: user.notification_level_when_replying,
        reply_levels,
        email_level: user.email_level,
        email_levels: vec![
            (1, i18n::t(viewer.locale, "email-level-away")),
            (0, i18n::t(viewer.locale, "email-level-always")),
            (2, i18n::t(viewer.locale, "email-level-never")),
        ],
        digest_minutes: user.digest_after_minutes,
        mailing_list_mode: user.mailing_list_mode,
        digest_choices: vec![
            (10_080, i18n::t(viewer.locale, "digest-weekly")),
            (1_440, i18n::t(viewer.locale, "digest-daily")),
            (0, i18n::t(viewer.locale, "digest-never")),
        ],
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct ReplyLevel {
    pub notification_level_when_replying: Option<serde_json::Value>,
    pub email_level: Option<serde_json::Value>,
    /// Discourse's user option: how often a summary comes, in minutes.
    pub digest_after_minutes: Option<serde_json::Value>,
    /// Discourse's user option: every post by mail.
    pub mailing_list_mode: Option<bool>,
}

/// How often a summary comes, in minutes: 0 (never), a day, a week, or
/// any number of minutes from an hour to a month.
pub fn digest_minutes(value: &serde_json::Value) -> AppResult<i64> {
    let n = match value {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    n.filter(|m| *m == 0 || (60..=43_200).contains(m)).ok_or_else(|| AppError::invalid("digest_after_minutes", minga_core::text!("error-digest-minutes")))
}

/// When notifications come by mail: Discourse's ids (0 always, 1 only when
/// away, 2 never) or names.
pub fn email_level(value: &serde_json::Value) -> AppResult<crate::mail::EmailLevel> {
    let given = match value {
        serde_json::Value::String(s) => crate::mail::EmailLevel::from_name(s.trim()),
        serde_json::Value::Number(n) => n.as_i64().and_then(crate::mail::EmailLevel::from_id),
        _ => None,
    };
    given.ok_or_else(|| AppError::invalid("email_level", minga_core::text!("error-email-level")))
}

/// The level a topic takes when someone replies to it: regular, tracking
/// or watching, by id or by name.
pub fn reply_level(value: &serde_json::Value) -> AppResult<Level> {
    given_level(Some(value))
        .filter(|l| matches!(l, Level::Regular | Level::Tracking | Level::Watching))
        .ok_or_else(|| AppError::invalid("notification_level_when_replying", minga_core::text!("error-reply-level")))
}

/// A level sent by id or by name, as a string or a JSON number.
fn given_level(value: Option<&serde_json::Value>) -> Option<Level> {
    match value? {
        serde_json::Value::String(s) => Level::parse(s),
        serde_json::Value::Number(n) => Level::parse(&n.to_string()),
        _ => None,
    }
}

/// `POST /u/{username}/notifications`: the person's own choices.
pub async fn save(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(username): Path<String>,
    Params(req): Params<ReplyLevel>,
) -> AppResult<Response> {
    let user = viewer.require()?;
    if !user.username.eq_ignore_ascii_case(&username) {
        return Err(AppError::NotFound);
    }
    if req.notification_level_when_replying.is_none() && req.email_level.is_none() && req.digest_after_minutes.is_none() && req.mailing_list_mode.is_none() {
        return Err(AppError::invalid("notification_level_when_replying", minga_core::text!("error-reply-level")));
    }
    // Both are checked before either is saved.
    let level = req.notification_level_when_replying.as_ref().map(reply_level).transpose()?;
    let mail = req.email_level.as_ref().map(email_level).transpose()?;
    let digest = req.digest_after_minutes.as_ref().map(digest_minutes).transpose()?;
    if let Some(level) = level {
        state.store.set_reply_level(user.id, level).await?;
    }
    if let Some(mail) = mail {
        state.store.set_email_level(user.id, mail as i64).await?;
    }
    if let Some(minutes) = digest {
        state.store.set_digest_minutes(user.id, minutes).await?;
    }
    if let Some(on) = req.mailing_list_mode {
        state.store.set_mailing_list_mode(user.id, on).await?;
    }
    let anchor = if mail.is_some() || digest.is_some() || req.mailing_list_mode.is_some() { "mail" } else { "replying" };
    Ok(pages::redirect(&format!("/u/{}/notifications#{anchor}", user.username)))
}

/// The levels a person may choose, with their names.
pub fn levels(locale: Locale, category: bool) -> Vec<(i64, String)> {
    let mut all = vec![
        Level::Watching,
        Level::Tracking,
        Level::Regular,
        Level::Muted,
    ];
    if category {
        all.insert(1, Level::WatchingFirstPost);
    }
    all.into_iter()
        .map(|l| {
            (
                l.id(),
                i18n::t(locale, &format!("level-{}", l.name().replace('_', "-"))),
            )
        })
        .collect()
}

#[derive(serde::Deserialize, Default)]
pub struct MarkRead {
    pub id: Option<i64>,
}

/// `PUT /notifications/mark-read.json` (one with `id`, else all).
pub async fn mark_read(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    format: Format,
    Params(req): Params<MarkRead>,
) -> AppResult<Response> {
    let user = viewer.require()?;
    state.store.mark_notifications_read(user.id, req.id).await?;
    match format {
        Format::Json => Ok(Json(json::OK).into_response()),
        Format::Html => Ok(pages::redirect(&format!(
            "/u/{}/notifications",
            user.username
        ))),
    }
}

/// `GET /n/{id}`: marks the notification read and goes where it points.
pub async fn open(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let user = viewer.require()?;
    let n = state
        .store
        .notification(user.id, id_segment(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    state
        .store
        .mark_notifications_read(user.id, Some(n.id))
        .await?;
    let to = match (n.topic_id, n.topic_slug.as_deref(), n.category_id) {
        (Some(t), Some(slug), Some(c)) => {
            let catalog = state.catalog().await?;
            if !catalog.can_see(viewer.actor().as_ref(), c) {
                return Err(AppError::NotFound);
            }
            post_location(slug, t.0, n.post_number.unwrap_or(1))
        }
        _ => match n.actor_username {
            Some(name) => format!("/u/{name}"),
            None => format!("/u/{}/notifications", user.username),
        },
    };
    Ok(pages::redirect(&to))
}

#[derive(serde::Deserialize, Default)]
pub struct SetLevel {
    /// A number, or its name; as a string or a JSON number.
    pub notification_level: Option<serde_json::Value>,
}

fn level_of(req: &SetLevel, category: bool) -> AppResult<Level> {
    given_level(req.notification_level.as_ref())
        .filter(|l| category || *l != Level::WatchingFirstPost)
        .ok_or_else(|| AppError::invalid("notification_level", minga_core::text!("error-notification-level-choose")))
}

/// `POST /t/{id}/notifications` with `notification_level` (0–3, or its name).
pub async fn topic_level(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    format: Format,
    Path(topic): Path<String>,
    Params(req): Params<SetLevel>,
) -> AppResult<Response> {
    let user = viewer.require()?;
    let (topic, _, _) =
        crate::access::visible_topic(&state, &viewer, TopicId(id_segment(&topic)?)).await?;
    let level = level_of(&req, false)?;
    state
        .store
        .set_topic_level(user.id, topic.id, level)
        .await?;
    match format {
        Format::Json => Ok(Json(json::OK).into_response()),
        Format::Html => Ok(pages::redirect(&topic_url(&topic.slug, topic.id))),
    }
}

/// `POST /category/{id}/notifications` with `notification_level` (0–4).
pub async fn category_level(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    format: Format,
    Path(category): Path<String>,
    Params(req): Params<SetLevel>,
) -> AppResult<Response> {
    let user = viewer.require()?;
    let id = CategoryId(id_segment(&category)?);
    let catalog = state.catalog().await?;
    if !catalog.can_see(viewer.actor().as_ref(), id) {
        return Err(AppError::NotFound);
    }
    let level = level_of(&req, true)?;
    state.store.set_category_level(user.id, id, level).await?;
    match format {
        Format::Json => Ok(Json(json::OK).into_response()),
        Format::Html => Ok(pages::redirect(&format!(
            "/u/{}/notifications#categories",
            user.username
        ))),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct InviteToTopic {
    /// A username (or the e-mail address of someone with an account).
    pub user: Option<String>,
    pub email: Option<String>,
}

/// `POST /t/{id}/invite.json` with `user`: tells someone with an account
/// that the inviter thinks they should read the topic. Both must be able
/// to see it. (Someone without an account is invited with
/// `POST /invites.json` and a `topic_id`.)
pub async fn invite_to_topic(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(topic): Path<String>,
    Params(req): Params<InviteToTopic>,
) -> AppResult<Response> {
    let me = viewer.require()?;
    let (topic, _, catalog) =
        crate::access::visible_topic(&state, &viewer, TopicId(id_segment(&topic)?)).await?;
    if !minga_core::perm::can_invite(viewer.actor().as_ref()) {
        return Err(AppError::Forbidden(minga_core::text!(
            "error-may-not-invite"
        )));
    }
    let named = req
        .user
        .or(req.email)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let named =
        named.ok_or_else(|| AppError::invalid("user", minga_core::text!("error-invite-whom")))?;
    let found = if named.contains('@') {
        state.store.user_for_login(&named).await?.map(|(u, _)| u)
    } else {
        state.store.user_by_username(&named).await?
    };
    let Some(invitee) = found else {
        return Err(AppError::invalid(
            "user",
            minga_core::text!("error-invite-no-account", name = named.as_str()),
        ));
    };
    if invitee.id == me.id {
        return Err(AppError::invalid(
            "user",
            minga_core::text!("error-invite-yourself"),
        ));
    }
    let groups = state
        .store
        .memberships(invitee.id)
        .await?
        .into_iter()
        .map(|(g, _)| g)
        .collect();
    if !catalog.can_see(Some(&invitee.actor_with(groups)), topic.category_id) {
        return Err(AppError::invalid(
            "user",
            minga_core::text!("error-invite-cannot-see", name = invitee.username.as_str()),
        ));
    }
    state
        .store
        .invite_to_topic(invitee.id, topic.id, me.id)
        .await?;
    Ok(Json(serde_json::json!({ "user": json::BasicUser::of(&invitee) })).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_and_level_has_words_in_both_languages() {
        for locale in Locale::ALL {
            let keys = i18n::keys(locale);
            for k in Kind::ALL {
                assert!(
                    keys.iter().any(|key| key == message_key(k)),
                    "{} {}",
                    locale.tag(),
                    message_key(k)
                );
            }
            for (_, name) in levels(locale, true) {
                assert!(!name.starts_with("level-"), "{} {name}", locale.tag());
            }
        }
    }
}
