//! Invites through the API: one link at a time (`POST /invites.json`), a
//! batch bound to e-mail addresses (`POST /invites/create-multiple.json`),
//! and redeeming one (`PUT /invites/show/{key}.json`). An invite may join
//! groups, carry a note, and land its newcomer on a topic.

use crate::AppState;
use crate::auth::{self, Viewer};
use crate::error::{AppError, AppResult};
use crate::json::{self, BasicTopic, invite::*};
use crate::ops;
use crate::params::Params;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use minga_core::perm::{self, Actor};
use minga_core::time::{iso, now_ms};
use minga_core::{TopicId, UserId};
use minga_store::{Invite, NewInvite, Topic};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

/// Ids sent as a list or, as Discourse documents, `"42,43"`.
#[derive(Debug, Default)]
pub struct IdList(pub Vec<i64>);

impl<'de> Deserialize<'de> for IdList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Ids;
        impl<'de> Visitor<'de> for Ids {
            type Value = IdList;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("ids, as a list or separated by commas")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IdList, E> {
                Ok(IdList(vec![v]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IdList, E> {
                i64::try_from(v).map(|v| IdList(vec![v])).map_err(|_| E::custom("an id is too large"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IdList, E> {
                let ids = v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| s.parse::<i64>().map_err(|_| E::custom(format!("{s} is not an id"))));
                ids.collect::<Result<_, _>>().map(IdList)
            }
            fn visit_unit<E: de::Error>(self) -> Result<IdList, E> {
                Ok(IdList::default())
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<IdList, A::Error> {
                let mut all = Vec::new();
                while let Some(item) = seq.next_element::<Value>()? {
                    let id = match &item {
                        Value::Number(n) => n.as_i64(),
                        Value::String(s) => s.trim().parse().ok(),
                        _ => None,
                    };
                    all.push(id.ok_or_else(|| de::Error::custom(format!("{item} is not an id")))?);
                }
                Ok(IdList(all))
            }
        }
        d.deserialize_any(Ids)
    }
}

/// What every invite in a request shares.
#[derive(Deserialize, Debug)]
pub struct InviteTerms {
    /// An invite to an address is mailed to it, unless this says not to
    /// (the inviter hands the link over themselves).
    #[serde(default)]
    pub skip_email: bool,
    #[serde(default)]
    pub custom_message: String,
    #[serde(default)]
    pub description: String,
    pub max_redemptions_allowed: Option<i64>,
    pub topic_id: Option<i64>,
    #[serde(default)]
    pub group_ids: IdList,
    pub group_names: Option<String>,
    pub expires_at: Option<String>,
}

#[derive(Deserialize, Debug)]
struct OneEmail {
    #[serde(default)]
    email: String,
}

#[derive(Deserialize, Debug)]
struct ManyEmails {
    #[serde(default)]
    email: Vec<String>,
}

/// The request split into its e-mail part and the shared terms.
fn split<T: serde::de::DeserializeOwned>(mut all: Map<String, Value>) -> AppResult<(T, InviteTerms)> {
    let mut emails = Map::new();
    if let Some(e) = all.remove("email").or_else(|| all.remove("emails")) {
        emails.insert("email".into(), e);
    }
    Ok((crate::params::read(emails)?, crate::params::read(all)?))
}

/// The terms checked once for the whole request: who may invite, into
/// which groups, to which topic, for how long.
struct Checked {
    skip_email: bool,
    group_ids: Vec<i64>,
    /// The groups as every invite of the request shows them.
    groups: Vec<json::group::BasicGroup>,
    topic: Option<Topic>,
    expires_at: i64,
    max: i64,
    custom_message: String,
    description: String,
}

async fn check_terms(state: &AppState, viewer: &Viewer, terms: InviteTerms) -> AppResult<Checked> {
    if !perm::can_invite(viewer.actor().as_ref()) {
        return Err(AppError::Forbidden(minga_core::text!("error-invite-trust")));
    }
    let max = terms.max_redemptions_allowed.unwrap_or(1);
    if !(1..=100).contains(&max) {
        return Err(AppError::invalid("max_redemptions_allowed", minga_core::text!("error-invite-redemptions")));
    }
    let expires_at = match terms.expires_at.as_deref().map(str::trim) {
        None | Some("") => now_ms() + 30 * 86_400_000,
        Some(text) => super::admin::future_time(text, "expires_at")?,
    };
    let custom_message = terms.custom_message.trim().to_string();
    let description = terms.description.trim().to_string();
    if description.chars().count() > 100 {
        return Err(AppError::invalid("description", minga_core::text!("error-too-long", max = 100)));
    }
    if custom_message.chars().count() > 1000 {
        return Err(AppError::invalid("custom_message", minga_core::text!("error-too-long", max = 1000)));
    }
    let catalog = state.catalog().await?;
    let groups = &catalog.groups;
    let mut group_ids = terms.group_ids.0;
    for n in terms.group_names.as_deref().unwrap_or_default().split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let found = groups.iter().find(|g| g.name.eq_ignore_ascii_case(n)).map(|g| g.id);
        group_ids.push(found.ok_or_else(|| AppError::invalid("group_names", minga_core::text!("error-no-group", name = n.to_string())))?);
    }
    group_ids.sort_unstable();
    group_ids.dedup();
    for g in &group_ids {
        // Inviting someone into a group is for its owners and staff.
        if perm::groups::is_automatic(*g) || !(viewer.is_staff() || viewer.owned.contains(g)) || !groups.iter().any(|x| x.id == *g) {
            return Err(AppError::Forbidden(minga_core::text!("error-invite-groups-owned")));
        }
    }
    let topic = match terms.topic_id {
        None => None,
        Some(id) => {
            // A topic the inviter may not see does not exist for them.
            let (topic, _, catalog) = crate::access::visible_topic(state, viewer, TopicId(id))
                .await
                .map_err(|e| if matches!(e, AppError::NotFound) { AppError::invalid("topic_id", minga_core::text!("error-missing", field = "topic_id")) } else { e })?;
            // The newcomer must be able to read where they land.
            let newcomer = Actor { id: UserId(0), groups: group_ids.clone(), ..Actor::default() };
            if !catalog.can_see(Some(&newcomer), topic.category_id) {
                return Err(AppError::invalid("topic_id", minga_core::text!("error-invite-private-topic")));
            }
            Some(topic)
        }
    };
    let mut shown = Vec::new();
    for g in groups.iter().filter(|g| group_ids.contains(&g.id)) {
        let count = state.store.group_members(g, 0, 1).await?.1;
        shown.push(json::group::basic_group(g, viewer, count));
    }
    Ok(Checked { group_ids, groups: shown, topic, expires_at, max, custom_message, description, skip_email: terms.skip_email })
}

/// Makes one invite; the key is shown once, here.
async fn make(state: &AppState, viewer: &Viewer, email: &str, terms: &Checked) -> AppResult<InviteJson> {
    let me = viewer.require()?;
    let email = email.trim().to_string();
    if !email.is_empty() {
        minga_core::validate::email(&email)?;
        if terms.max != 1 {
            return Err(AppError::invalid("max_redemptions_allowed", minga_core::text!("error-invite-email-once")));
        }
        if state.store.user_for_login(&email).await?.is_some() {
            return Err(AppError::invalid("email", minga_core::text!("error-taken", field = "email")));
        }
    }
    let key = auth::random_token(24);
    let new = NewInvite {
        key_hash: auth::hash_secret(&key),
        invited_by: me.id,
        email,
        max_redemptions: terms.max,
        group_ids: terms.group_ids.clone(),
        expires_at: terms.expires_at,
        description: terms.description.clone(),
        custom_message: terms.custom_message.clone(),
        topic_id: terms.topic.as_ref().map(|t| t.id),
    };
    let link = format!("{}/invites/{key}", state.settings.base_url.trim_end_matches('/'));
    let mail = match new.email.as_str() {
        "" => None,
        _ if terms.skip_email => None,
        to => Some(crate::mail::accounts::invite_mail(state, me, to, &link, &new.custom_message).await?),
    };
    let invite = state.store.create_invite_mailed(&new, mail.as_ref()).await.map_err(|e| match e {
        minga_store::StoreError::Missing(_) => AppError::invalid("topic_id", minga_core::text!("error-missing", field = "topic_id")),
        other => other.into(),
    })?;
    if mail.is_some() {
        state.send_mail_soon();
    }
    let mut shaped = shape(state, &invite, key, terms);
    shaped.emailed = mail.is_some();
    Ok(shaped)
}

fn shape(state: &AppState, invite: &Invite, key: String, terms: &Checked) -> InviteJson {
    InviteJson {
        id: invite.id,
        link: format!("{}/invites/{key}", state.settings.base_url),
        invite_key: key,
        description: (!invite.description.is_empty()).then(|| invite.description.clone()),
        email: invite.email.clone(),
        domain: None,
        emailed: false,
        // Its maker always may (see `perm::can_delete_invite`).
        can_delete_invite: true,
        custom_message: (!invite.custom_message.is_empty()).then(|| invite.custom_message.clone()),
        created_at: iso(invite.created_at),
        updated_at: iso(invite.created_at),
        expires_at: iso(invite.expires_at),
        expired: invite.expires_at <= now_ms(),
        grants_admin: false,
        grants_moderator: false,
        redemption_count: invite.redemption_count,
        max_redemptions_allowed: invite.max_redemptions,
        topics: terms.topic.as_ref().map(BasicTopic::of).into_iter().collect(),
        groups: terms.groups.clone(),
    }
}

/// `POST /invites.json`: staff and trust level 2+ invite people, into the
/// groups they own (staff: any group).
pub async fn create(State(state): State<AppState>, viewer: Viewer, Params(all): Params<Map<String, Value>>) -> AppResult<Response> {
    viewer.require()?;
    let (one, terms): (OneEmail, InviteTerms) = split(all)?;
    let checked = check_terms(&state, &viewer, terms).await?;
    Ok(Json(make(&state, &viewer, &one.email, &checked).await?).into_response())
}

/// Addresses one batch may hold.
const MAX_BATCH: usize = 200;

/// `POST /invites/create-multiple.json`: staff invite a list of e-mail
/// addresses on the same terms. Each address that cannot be invited is
/// reported with its reason; the others are made.
pub async fn create_multiple(State(state): State<AppState>, viewer: Viewer, Params(all): Params<Map<String, Value>>) -> AppResult<Response> {
    viewer.require()?;
    if !perm::can_bulk_invite(viewer.actor().as_ref()) {
        return Err(AppError::Forbidden(minga_core::text!("error-invite-staff-batch")));
    }
    let (many, terms): (ManyEmails, InviteTerms) = split(all)?;
    let mut emails: Vec<String> = Vec::new();
    for e in many.email.iter().map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty()) {
        if !emails.contains(&e) {
            emails.push(e);
        }
    }
    if emails.is_empty() {
        return Err(AppError::invalid("email", minga_core::text!("error-invite-list-empty")));
    }
    if emails.len() > MAX_BATCH {
        return Err(AppError::invalid("email", minga_core::text!("error-invite-batch-max", count = MAX_BATCH)));
    }
    let checked = check_terms(&state, &viewer, terms).await?;
    let mut answer = MultipleInvites { num_successfully_created_invitations: 0, num_failed_invitations: 0, failed_invitations: Vec::new(), successful_invitations: Vec::new() };
    for email in emails {
        match make(&state, &viewer, &email, &checked).await {
            Ok(invite) => answer.successful_invitations.push(invite),
            Err(AppError::Invalid(invalid)) => answer.failed_invitations.push(FailedInvitation { email, error: invalid.0.iter().map(|e| crate::i18n::say(viewer.locale, &e.text)).collect::<Vec<_>>().join(" ") }),
            Err(e) => return Err(e),
        }
    }
    answer.num_successfully_created_invitations = answer.successful_invitations.len();
    answer.num_failed_invitations = answer.failed_invitations.len();
    Ok(Json(answer).into_response())
}

#[derive(serde::Serialize, Debug)]
struct Redeemed {
    success: bool,
    message: &'static str,
    user_id: UserId,
    redirect_to: String,
}

/// `PUT /invites/show/{key}.json`: redeem through the API.
pub async fn redeem(State(state): State<AppState>, Path(key): Path<String>, Params(form): Params<super::users::CreateUser>) -> AppResult<Response> {
    let key = crate::format::strip_json(&key).to_string();
    let (user, landing) = ops::redeem_invite(&state, &key, form.sign_up()).await?;
    let redirect_to = landing.map(|t| format!("/t/{}", t.0)).unwrap_or_else(|| "/".into());
    Ok(Json(Redeemed { success: true, message: "Welcome! Your account is active.", user_id: user.id, redirect_to }).into_response())
}

#[derive(serde::Deserialize, Default, Debug)]
pub struct DeleteInvite {
    pub id: Option<i64>,
}

/// `DELETE /invites.json` with `id`: the invite's maker, or an admin,
/// deletes it and its link stops working. An invite that does not exist
/// and one the person may not delete get the same answer, as on Discourse.
pub async fn destroy(State(state): State<AppState>, viewer: Viewer, Params(req): Params<DeleteInvite>) -> AppResult<Response> {
    viewer.require()?;
    let refused = || AppError::BadRequest(minga_core::text!("error-invite-unknown-id"));
    let id = req.id.ok_or_else(refused)?;
    let invite = state.store.invite(id).await?.ok_or_else(refused)?;
    if !perm::can_delete_invite(viewer.actor().as_ref(), invite.invited_by) {
        return Err(refused());
    }
    state.store.delete_invite(id).await.map_err(|e| match e {
        minga_store::StoreError::NotFound => refused(),
        other => other.into(),
    })?;
    Ok(Json(crate::json::OK).into_response())
}
