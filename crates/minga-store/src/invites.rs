//! Invite links: single or multi-use, expiring, optionally bound to one
//! e-mail address and joining groups. Redeeming one creates an approved
//! account in the same transaction that counts the use.

use crate::{NewUser, Result, Store, StoreError, User, classify};
use minga_core::UserId;
use minga_core::time::now_ms;
use sqlx::{AssertSqlSafe, Row};

#[derive(Clone, Debug)]
pub struct NewInvite {
    pub key_hash: String,
    pub invited_by: UserId,
    /// Empty: anyone holding the link may use it.
    pub email: String,
    pub max_redemptions: i64,
    pub group_ids: Vec<i64>,
    pub expires_at: i64,
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
}

/// The account an invite created and the groups it joined.
#[derive(Clone, Debug)]
pub struct Redeemed {
    pub user: User,
    pub invite: Invite,
}

const INVITE_COLUMNS: &str = "id, invited_by, email, max_redemptions, redemption_count, group_ids, expires_at, created_at";

fn invite(r: &sqlx::any::AnyRow) -> sqlx::Result<Invite> {
    let groups: String = r.try_get("group_ids")?;
    Ok(Invite {
        id: r.try_get("id")?,
        invited_by: UserId(r.try_get("invited_by")?),
        email: r.try_get("email")?,
        max_redemptions: r.try_get("max_redemptions")?,
        redemption_count: r.try_get("redemption_count")?,
        group_ids: groups.split(',').filter_map(|g| g.trim().parse().ok()).collect(),
        expires_at: r.try_get("expires_at")?,
        created_at: r.try_get("created_at")?,
    })
}

impl Store {
    pub async fn create_invite(&self, new: &NewInvite) -> Result<Invite> {
        let mut w = self.begin_write().await?;
        let groups = new.group_ids.iter().map(|g| g.to_string()).collect::<Vec<_>>().join(",");
        let sql = format!(
            "INSERT INTO invites (key_hash, invited_by, email, max_redemptions, group_ids, expires_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {INVITE_COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(&new.key_hash)
            .bind(new.invited_by.0)
            .bind(&new.email)
            .bind(new.max_redemptions)
            .bind(groups)
            .bind(new.expires_at)
            .bind(now_ms())
            .fetch_one(&mut *w.tx)
            .await?;
        let i = invite(&row)?;
        w.commit().await?;
        Ok(i)
    }

    pub async fn invite_by_key(&self, key_hash: &str) -> Result<Option<Invite>> {
        let sql = format!("SELECT {INVITE_COLUMNS} FROM invites WHERE key_hash = $1");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(key_hash).fetch_optional(self.pool()).await?;
        Ok(row.as_ref().map(invite).transpose()?)
    }

    /// Uses the invite once and creates the account (approved), joining
    /// the invite's groups; refuses an unknown, expired, used-up or
    /// foreign invite with `StoreError::Refused`.
    pub async fn redeem_invite(&self, key_hash: &str, new: &NewUser) -> Result<Redeemed> {
        let now = now_ms();
        let mut w = self.begin_write().await?;
        let sql = format!(
            "UPDATE invites SET redemption_count = redemption_count + 1 \
             WHERE key_hash = $1 AND redemption_count < max_redemptions AND expires_at > $2 RETURNING {INVITE_COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql)).bind(key_hash).bind(now).fetch_optional(&mut *w.tx).await?;
        let Some(row) = row else {
            drop(w);
            return Err(StoreError::Refused(match self.invite_by_key(key_hash).await? {
                None => "unknown",
                Some(i) if i.expires_at <= now => "expired",
                Some(_) => "used",
            }));
        };
        let invite = invite(&row)?;
        if !invite.email.is_empty() && !invite.email.eq_ignore_ascii_case(new.email.trim()) {
            return Err(StoreError::Refused("email"));
        }
        let approved = NewUser { approved: true, ..new.clone() };
        let user = crate::users::insert_user(&mut w.tx, &approved).await?;
        for g in invite.group_ids.iter().filter(|g| !minga_core::perm::groups::is_automatic(**g)) {
            sqlx::query("INSERT INTO group_users (group_id, user_id, owner, created_at) VALUES ($1, $2, 0, $3) ON CONFLICT (group_id, user_id) DO NOTHING")
                .bind(*g)
                .bind(user.id.0)
                .bind(now)
                .execute(&mut *w.tx)
                .await
                .map_err(|e| classify(e, &[]))?;
        }
        w.commit().await?;
        Ok(Redeemed { user, invite })
    }
}
