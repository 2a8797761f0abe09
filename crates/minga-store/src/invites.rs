//! Invite links: single or multi-use, expiring, optionally bound to one
//! e-mail address and joining groups. Redeeming one creates an approved
//! account in the same transaction that counts the use.

use crate::db::{FromRow, Row};
use crate::{Change, NewUser, Refusal, Result, Store, StoreError, User};
use minga_core::{TopicId, UserId};
use minga_core::time::now_ms;

#[derive(Clone, Debug)]
pub struct NewInvite {
    pub key_hash: String,
    pub invited_by: UserId,
    /// Empty: anyone holding the link may use it.
    pub email: String,
    pub max_redemptions: i64,
    pub group_ids: Vec<i64>,
    pub expires_at: i64,
    /// What the link is for, for those who manage invites.
    pub description: String,
    /// A note from the person inviting.
    pub custom_message: String,
    /// Where the new member lands.
    pub topic_id: Option<TopicId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invite {
    pub id: i64,
    pub invited_by: UserId,
    pub email: String,
    pub max_redemptions: i64,
    pub redemption_count: i64,
    pub group_ids: Vec<i64>,
    pub expires_at: i64,
    pub created_at: i64,
    pub description: String,
    pub custom_message: String,
    pub topic_id: Option<TopicId>,
}

/// The account an invite created and the groups it joined.
#[derive(Clone, Debug)]
pub struct Redeemed {
    pub user: User,
    pub invite: Invite,
}

const INVITE_COLUMNS: &str = "id, invited_by, email, max_redemptions, redemption_count, group_ids, expires_at, created_at, description, custom_message, topic_id";

impl FromRow for Invite {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        let groups: String = r.get(5)?;
        Ok(Invite {
            id: r.get(0)?,
            invited_by: r.get(1)?,
            email: r.get(2)?,
            max_redemptions: r.get(3)?,
            redemption_count: r.get(4)?,
            group_ids: groups.split(',').filter_map(|g| g.trim().parse().ok()).collect(),
            expires_at: r.get(6)?,
            created_at: r.get(7)?,
            description: r.get(8)?,
            custom_message: r.get(9)?,
            topic_id: r.get::<Option<i64>>(10)?.map(TopicId),
        })
    }
}

impl Store {
    pub async fn create_invite(&self, new: &NewInvite) -> Result<Invite> {
        self.create_invite_mailed(new, None).await
    }

    /// Makes an invite and, when it goes to an address, queues the mail
    /// that carries its link, together.
    pub async fn create_invite_mailed(&self, new: &NewInvite, mail: Option<&crate::NewMail>) -> Result<Invite> {
        let (new, mail) = (new.clone(), mail.cloned());
        self.write(move |tx| {
            let groups = new.group_ids.iter().map(|g| g.to_string()).collect::<Vec<_>>().join(",");
            let invite: Invite = tx.one(
                &format!(
                    "INSERT INTO invites (key_hash, invited_by, email, max_redemptions, group_ids, expires_at, created_at, description, custom_message, topic_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {INVITE_COLUMNS}"
                ),
                &[
                    &new.key_hash, &new.invited_by.0, &new.email, &new.max_redemptions, &groups, &new.expires_at, &now_ms(),
                    &new.description, &new.custom_message, &new.topic_id.map(|t| t.0),
                ],
            )
            .map_err(crate::db::conflict(&[]))?;
            if let Some(mail) = &mail {
                crate::mail::queue(tx, mail)?;
            }
            Ok(invite)
        })
        .await
    }

    pub async fn invite_by_key(&self, key_hash: &str) -> Result<Option<Invite>> {
        let key_hash = key_hash.to_string();
        self.read(&[Change::Everything], move |db| {
            db.opt(&format!("SELECT {INVITE_COLUMNS} FROM invites WHERE key_hash = $1"), &[&key_hash])
        })
        .await
    }

    /// One invite, by id.
    pub async fn invite(&self, id: i64) -> Result<Option<Invite>> {
        self.read(&[Change::Everything], move |db| db.opt(&format!("SELECT {INVITE_COLUMNS} FROM invites WHERE id = $1"), &[&id])).await
    }

    /// Deletes an invite: its link no longer works. `NotFound` when there
    /// is no such invite.
    pub async fn delete_invite(&self, id: i64) -> Result<()> {
        self.write(move |tx| match tx.exec("DELETE FROM invites WHERE id = $1", &[&id])? {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        })
        .await
    }

    /// Uses the invite once and creates the account (approved), joining
    /// the invite's groups; refuses an unknown, expired, used-up or
    /// foreign invite with `StoreError::Refused`.
    pub async fn redeem_invite(&self, key_hash: &str, new: &NewUser) -> Result<Redeemed> {
        let (key_hash, new) = (key_hash.to_string(), new.clone());
        self.write(move |tx| {
            let now = now_ms();
            let used: Option<Invite> = tx.opt(
                &format!(
                    "UPDATE invites SET redemption_count = redemption_count + 1 \
                     WHERE key_hash = $1 AND redemption_count < max_redemptions AND expires_at > $2 RETURNING {INVITE_COLUMNS}"
                ),
                &[&key_hash, &now],
            )?;
            let Some(invite) = used else {
                let found: Option<Invite> = tx.opt(&format!("SELECT {INVITE_COLUMNS} FROM invites WHERE key_hash = $1"), &[&key_hash])?;
                return Err(StoreError::Refused(match found {
                    None => Refusal::UnknownInvite,
                    Some(i) if i.expires_at <= now => Refusal::ExpiredInvite,
                    Some(_) => Refusal::UsedInvite,
                }));
            };
            if !invite.email.is_empty() && !invite.email.eq_ignore_ascii_case(new.email.trim()) {
                return Err(StoreError::Refused(Refusal::InviteForAnotherEmail));
            }
            let approved = NewUser { approved: true, ..new.clone() };
            let user = crate::users::insert_user(tx, &approved)?;
            for g in invite.group_ids.iter().filter(|g| !minga_core::perm::groups::is_automatic(**g)) {
                tx.exec(
                    "INSERT INTO group_users (group_id, user_id, owner, created_at) VALUES ($1, $2, FALSE, $3) \
                     ON CONFLICT (group_id, user_id) DO NOTHING",
                    &[g, &user.id.0, &now],
                )
                .map_err(crate::db::conflict(&[]))?;
                tx.changed(Change::Catalog);
            }
            // The inviter hears that someone accepted (Discourse's
            // `invitee_accepted`, shown with the newcomer's name).
            crate::notifications::notify_one(tx, invite.invited_by, minga_core::notify::Kind::InviteeAccepted, None, None, Some(user.id), now)?;
            Ok(Redeemed { user, invite })
        })
        .await
    }
}
