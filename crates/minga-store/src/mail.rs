//! Mail: the outbox, and the single-use links sent by mail.
//!
//! A message is queued in the transaction that causes it (a sign-up, a
//! reset asked for, a notification written) and sent later by a worker,
//! which claims a few at a time, hands them to the relay, and records how
//! each went. A claim is a lease: a sender that stopped mid-way leaves its
//! claims, and they are taken again once the lease runs out (at once on
//! SQLite, which one process serves, when it starts).

use crate::db::{FromRow, Row, Tx};
use crate::{Backend, Change, NewUser, Refusal, Result, Store, StoreError, User};
use minga_core::time::now_ms;
use minga_core::{PostId, UserId};

/// Where a message is in the outbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailState {
    Waiting = 0,
    Sending = 1,
    Sent = 2,
    /// Refused for good by the relay, or out of attempts.
    Failed = 3,
    /// Not needed by the time it was due (a notification read meanwhile).
    Skipped = 4,
}

impl MailState {
    fn from_i64(n: i64) -> MailState {
        match n {
            0 => MailState::Waiting,
            1 => MailState::Sending,
            2 => MailState::Sent,
            3 => MailState::Failed,
            _ => MailState::Skipped,
        }
    }
}

/// A message to queue.
#[derive(Clone, Debug, Default)]
pub struct NewMail {
    /// What it is for (`signup`, `reset`, `email`, `invite`, `notification`…).
    pub kind: String,
    pub user_id: Option<UserId>,
    pub to: String,
    /// The whole message (RFC 5322, 7-bit), or empty when it is written
    /// at sending time from `post_id` and `reason`.
    pub raw: String,
    pub post_id: Option<PostId>,
    pub reason: Option<i64>,
    /// Unique; the worker sends the message with it, so a message taken
    /// again after a stop keeps its identity.
    pub message_id: String,
    /// When it may be sent (ms since the epoch); 0 for now.
    pub due_at: i64,
}

/// A message in the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    pub id: i64,
    pub kind: String,
    pub user_id: Option<UserId>,
    pub to: String,
    pub raw: Option<String>,
    pub post_id: Option<PostId>,
    pub reason: Option<i64>,
    pub message_id: String,
    pub created_at: i64,
    pub due_at: i64,
    pub state: MailState,
    pub attempts: i64,
    pub sent_at: Option<i64>,
    pub last_error: String,
}

const MAIL_COLUMNS: &str = "id, kind, user_id, to_address, raw, post_id, reason, message_id, created_at, due_at, state, attempts, sent_at, last_error";

impl FromRow for Mail {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Mail {
            id: r.get(0)?,
            kind: r.get(1)?,
            user_id: r.get::<Option<i64>>(2)?.map(UserId),
            to: r.get(3)?,
            raw: r.get(4)?,
            post_id: r.get::<Option<i64>>(5)?.map(PostId),
            reason: r.get(6)?,
            message_id: r.get(7)?,
            created_at: r.get(8)?,
            due_at: r.get(9)?,
            state: MailState::from_i64(r.get(10)?),
            attempts: r.get(11)?,
            sent_at: r.get(12)?,
            last_error: r.get(13)?,
        })
    }
}

/// How a claimed message went.
#[derive(Clone, Debug)]
pub enum Outcome {
    Sent,
    /// Try again at this instant; the error says why it failed this time.
    Retry { at: i64, error: String },
    Failed(String),
    Skipped(String),
}

/// The outbox at a glance, for the admin page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutboxSummary {
    pub waiting: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
    pub skipped: i64,
    /// When the oldest waiting message was queued.
    pub oldest_waiting: Option<i64>,
}

/// A message that came in, and what became of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Incoming {
    pub message_id: String,
    pub from: String,
    pub to: String,
    /// `posted`, `ignored` (automatic mail) or `refused`.
    pub outcome: String,
    pub detail: String,
    pub post_id: Option<PostId>,
    /// The topic it started or answered.
    pub topic_id: Option<minga_core::TopicId>,
}

/// What a single-use link sent by mail is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Confirming the address an account signed up with.
    Signup,
    /// Choosing a new password.
    Reset,
    /// Confirming a new address for an account.
    Email,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::Signup => "signup",
            TokenPurpose::Reset => "reset",
            TokenPurpose::Email => "email",
        }
    }
}

/// A link to send: its hash is stored, the token itself only goes out in
/// the mail queued with it.
#[derive(Clone, Debug)]
pub struct NewToken {
    pub token_hash: String,
    pub purpose: TokenPurpose,
    /// The address it confirms (the account's, or the new one).
    pub email: String,
    pub expires_at: i64,
}

/// A link's token, when it is still good.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailToken {
    pub user_id: UserId,
    pub email: String,
    pub expires_at: i64,
}

pub(crate) fn queue(tx: &mut Tx<'_>, mail: &NewMail) -> Result<i64> {
    let now = now_ms();
    let raw = (!mail.raw.is_empty()).then_some(mail.raw.as_str());
    let id: i64 = tx
        .one(
            "INSERT INTO outbox (kind, user_id, to_address, raw, post_id, reason, message_id, created_at, due_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            &[
                &mail.kind, &mail.user_id.map(|u| u.0), &mail.to, &raw, &mail.post_id.map(|p| p.0), &mail.reason, &mail.message_id, &now,
                &mail.due_at.max(now),
            ],
        )
        .map_err(crate::db::conflict(&[("message_id", "message_id")]))?;
    Ok(id)
}

fn insert_token(tx: &mut Tx<'_>, user: UserId, token: &NewToken) -> Result<()> {
    tx.exec(
        "INSERT INTO email_tokens (token_hash, user_id, purpose, email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        &[&token.token_hash, &user.0, &token.purpose.as_str(), &token.email, &now_ms(), &token.expires_at],
    )?;
    Ok(())
}

/// Uses a token once: `Refused(ExpiredToken)` for one that ran out,
/// `Refused(UnknownToken)` for one never made or already used.
fn use_token(tx: &mut Tx<'_>, hash: &str, purpose: TokenPurpose) -> Result<EmailToken> {
    let now = now_ms();
    let found: Option<(i64, String, i64, Option<i64>)> = tx.opt(
        "SELECT user_id, email, expires_at, used_at FROM email_tokens WHERE token_hash = $1 AND purpose = $2",
        &[&hash, &purpose.as_str()],
    )?;
    match found {
        None | Some((_, _, _, Some(_))) => Err(StoreError::Refused(Refusal::UnknownToken)),
        Some((_, _, expires_at, None)) if expires_at <= now => Err(StoreError::Refused(Refusal::ExpiredToken)),
        Some((user, email, expires_at, None)) => {
            // Every other link for the same purpose stops working too.
            tx.exec("UPDATE email_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL", &[&now, &user, &purpose.as_str()])?;
            Ok(EmailToken { user_id: UserId(user), email, expires_at })
        }
    }
}

impl Store {
    /// Queues one message on its own (a test message, a resent link).
    pub async fn queue_mail(&self, mail: &NewMail) -> Result<i64> {
        let mail = mail.clone();
        self.write(move |tx| queue(tx, &mail)).await
    }

    /// Creates an account waiting for its address to be confirmed, the
    /// link that confirms it and the mail that carries the link, together.
    pub async fn create_user_to_confirm(&self, new: &NewUser, token: &NewToken, mail: &NewMail) -> Result<User> {
        let (new, token, mail) = (new.clone(), token.clone(), mail.clone());
        self.write(move |tx| {
            let user = crate::users::insert_user(tx, &new)?;
            let user: User = tx.one(&format!("UPDATE users SET active = FALSE WHERE id = $1 RETURNING {}", User::COLUMNS), &[&user.id.0])?;
            if !user.approved {
                crate::moderation::queue(tx, "ReviewableUser", user.id.0, "", None)?;
            }
            insert_token(tx, user.id, &token)?;
            queue(tx, &NewMail { user_id: Some(user.id), ..mail })?;
            Ok(user)
        })
        .await
    }

    /// Creates an account that is not active (imported authors: they claim
    /// it by resetting its password, which confirms the address).
    pub async fn create_inactive_user(&self, new: &NewUser) -> Result<User> {
        let new = new.clone();
        self.write(move |tx| {
            let user = crate::users::insert_user(tx, &new)?;
            tx.one(&format!("UPDATE users SET active = FALSE WHERE id = $1 RETURNING {}", User::COLUMNS), &[&user.id.0])
        })
        .await
    }

    /// Stores a link for an account and queues the mail that carries it.
    pub async fn send_token(&self, user: UserId, token: &NewToken, mail: &NewMail) -> Result<()> {
        let (token, mail) = (token.clone(), mail.clone());
        self.write(move |tx| {
            insert_token(tx, user, &token)?;
            queue(tx, &NewMail { user_id: Some(user), ..mail })?;
            Ok(())
        })
        .await
    }

    /// Whether a link is still good, without using it (the page that asks
    /// for a new password shows only for a good one).
    pub async fn email_token(&self, hash: &str, purpose: TokenPurpose) -> Result<Option<EmailToken>> {
        let hash = hash.to_string();
        self.read(&[Change::Everything], move |db| {
            let found: Option<(i64, String, i64)> = db.opt(
                "SELECT user_id, email, expires_at FROM email_tokens WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
                &[&hash, &purpose.as_str(), &now_ms()],
            )?;
            Ok(found.map(|(u, email, expires_at)| EmailToken { user_id: UserId(u), email, expires_at }))
        })
        .await
    }

    /// Confirms an account's address: the account becomes active.
    pub async fn confirm_signup(&self, hash: &str) -> Result<User> {
        let hash = hash.to_string();
        self.write(move |tx| {
            let token = use_token(tx, &hash, TokenPurpose::Signup)?;
            let user: Option<User> = tx.opt(
                &format!("UPDATE users SET active = TRUE WHERE id = $1 AND email_lower = $2 RETURNING {}", User::COLUMNS),
                &[&token.user_id.0, &token.email.to_lowercase()],
            )?;
            let user = user.ok_or(StoreError::Refused(Refusal::UnknownToken))?;
            tx.changed(Change::User(user.id));
            tx.changed(Change::People);
            Ok(user)
        })
        .await
    }

    /// Sets a new password with a reset link: every session of the
    /// account ends. An account that had not confirmed its address is
    /// confirmed by it (the link reached that address).
    pub async fn reset_password(&self, hash: &str, password_hash: &str) -> Result<User> {
        let (hash, password_hash) = (hash.to_string(), password_hash.to_string());
        self.write(move |tx| {
            let token = use_token(tx, &hash, TokenPurpose::Reset)?;
            let user: Option<User> = tx.opt(
                &format!("UPDATE users SET password_hash = $1, active = TRUE WHERE id = $2 AND email_lower = $3 RETURNING {}", User::COLUMNS),
                &[&password_hash, &token.user_id.0, &token.email.to_lowercase()],
            )?;
            let user = user.ok_or(StoreError::Refused(Refusal::UnknownToken))?;
            tx.exec("DELETE FROM sessions WHERE user_id = $1", &[&user.id.0])?;
            tx.changed(Change::User(user.id));
            tx.changed(Change::People);
            Ok(user)
        })
        .await
    }

    /// Moves an account to the address a link confirmed; `Conflict("email")`
    /// when another account took it meanwhile.
    pub async fn confirm_email_change(&self, hash: &str) -> Result<User> {
        let hash = hash.to_string();
        self.write(move |tx| {
            let token = use_token(tx, &hash, TokenPurpose::Email)?;
            let user: Option<User> = tx
                .opt(
                    &format!("UPDATE users SET email = $1, email_lower = $2 WHERE id = $3 RETURNING {}", User::COLUMNS),
                    &[&token.email, &token.email.to_lowercase(), &token.user_id.0],
                )
                .map_err(crate::db::conflict(&[("email", "email")]))?;
            let user = user.ok_or(StoreError::Refused(Refusal::UnknownToken))?;
            tx.changed(Change::User(user.id));
            tx.changed(Change::People);
            Ok(user)
        })
        .await
    }

    /// Takes up to `limit` messages that are due, for `lease_ms`: waiting
    /// ones, and ones a sender claimed longer ago than that and never
    /// finished. Each claim counts as an attempt.
    pub async fn claim_mail(&self, limit: i64, lease_ms: i64) -> Result<Vec<Mail>> {
        self.write(move |tx| {
            let now = now_ms();
            let lock = match tx.backend() {
                Backend::Postgres => " FOR UPDATE SKIP LOCKED",
                Backend::Sqlite => "",
            };
            let mut claimed: Vec<Mail> = tx.db.all(
                &format!(
                    "UPDATE outbox SET state = 1, claimed_at = $1, attempts = attempts + 1 WHERE id IN \
                     (SELECT id FROM outbox WHERE (state = 0 AND due_at <= $1) OR (state = 1 AND claimed_at < $2) ORDER BY due_at, id LIMIT $3{lock}) \
                     RETURNING {MAIL_COLUMNS}"
                ),
                &[&now, &(now - lease_ms), &limit],
            )?;
            claimed.sort_by_key(|m| (m.due_at, m.id));
            Ok(claimed)
        })
        .await
    }

    /// Records how claimed messages went, in one transaction.
    pub async fn finish_mail(&self, outcomes: Vec<(i64, Outcome)>) -> Result<()> {
        if outcomes.is_empty() {
            return Ok(());
        }
        self.write(move |tx| {
            let now = now_ms();
            for (id, outcome) in &outcomes {
                match outcome {
                    Outcome::Sent => tx.exec("UPDATE outbox SET state = 2, sent_at = $1, claimed_at = NULL WHERE id = $2", &[&now, id])?,
                    Outcome::Retry { at, error } => tx.exec(
                        "UPDATE outbox SET state = 0, due_at = $1, last_error = $2, claimed_at = NULL WHERE id = $3",
                        &[at, error, id],
                    )?,
                    Outcome::Failed(error) => {
                        tx.exec("UPDATE outbox SET state = 3, last_error = $1, claimed_at = NULL WHERE id = $2", &[error, id])?
                    }
                    Outcome::Skipped(why) => {
                        tx.exec("UPDATE outbox SET state = 4, last_error = $1, claimed_at = NULL WHERE id = $2", &[why, id])?
                    }
                };
            }
            Ok(())
        })
        .await
    }

    /// Gives back at once every claim made before `before`: for a process
    /// that is the only sender (SQLite), about the claims its predecessor
    /// left.
    pub async fn release_mail_claims(&self, before: i64) -> Result<u64> {
        self.write(move |tx| tx.exec("UPDATE outbox SET state = 0, claimed_at = NULL WHERE state = 1 AND claimed_at < $1", &[&before])).await
    }

    /// Failed messages go back in the queue with their attempts forgotten,
    /// and every waiting one is due now (after the relay is fixed).
    pub async fn retry_mail_now(&self) -> Result<u64> {
        self.write(|tx| {
            let now = now_ms();
            let failed = tx.exec("UPDATE outbox SET state = 0, due_at = $1, attempts = 0 WHERE state = 3", &[&now])?;
            let waiting = tx.exec("UPDATE outbox SET due_at = $1 WHERE state = 0 AND due_at > $1", &[&now])?;
            Ok(failed + waiting)
        })
        .await
    }

    pub async fn outbox_summary(&self) -> Result<OutboxSummary> {
        self.read(&[Change::Everything], |db| {
            let counts: Vec<(i64, i64)> = db.all("SELECT state, COUNT(*) FROM outbox GROUP BY state", &[])?;
            let mut s = OutboxSummary::default();
            for (state, n) in counts {
                match MailState::from_i64(state) {
                    MailState::Waiting => s.waiting = n,
                    MailState::Sending => s.sending = n,
                    MailState::Sent => s.sent = n,
                    MailState::Failed => s.failed = n,
                    MailState::Skipped => s.skipped = n,
                }
            }
            s.oldest_waiting = db.one::<Option<i64>>("SELECT MIN(created_at) FROM outbox WHERE state = 0", &[])?;
            Ok(s)
        })
        .await
    }

    /// The newest messages in a state, newest first (the admin page's lists).
    pub async fn outbox(&self, state: MailState, limit: i64) -> Result<Vec<Mail>> {
        let state = state as i64;
        self.read(&[Change::Everything], move |db| {
            db.all(&format!("SELECT {MAIL_COLUMNS} FROM outbox WHERE state = $1 ORDER BY id DESC LIMIT $2"), &[&state, &limit])
        })
        .await
    }

    /// Every message queued for an address, oldest first (tests, support).
    pub async fn mail_to(&self, to: &str) -> Result<Vec<Mail>> {
        let to = to.to_string();
        self.read(&[Change::Everything], move |db| {
            db.all(&format!("SELECT {MAIL_COLUMNS} FROM outbox WHERE to_address = $1 ORDER BY id"), &[&to])
        })
        .await
    }

    /// The key of a person's one-click unsubscribe link, made the first
    /// time it is asked for (`fresh` is used then).
    pub async fn mail_key(&self, user: UserId, fresh: &str) -> Result<String> {
        // Every notification mail asks: a read, and a write only the first time.
        let known: Option<Option<String>> =
            self.read(&[Change::Everything], move |db| db.opt("SELECT mail_key FROM users WHERE id = $1", &[&user.0])).await?;
        match known {
            None => return Err(StoreError::NotFound),
            Some(Some(key)) => return Ok(key),
            Some(None) => {}
        }
        let fresh = fresh.to_string();
        self.write(move |tx| {
            let key: Option<Option<String>> =
                tx.opt("UPDATE users SET mail_key = COALESCE(mail_key, $1) WHERE id = $2 RETURNING mail_key", &[&fresh, &user.0])?;
            key.flatten().ok_or(StoreError::NotFound)
        })
        .await
    }

    /// The person an unsubscribe key belongs to.
    pub async fn user_by_mail_key(&self, key: &str) -> Result<Option<User>> {
        let key = key.to_string();
        self.read(&[Change::Everything], move |db| db.opt(&format!("SELECT {} FROM users WHERE mail_key = $1", User::COLUMNS), &[&key])).await
    }

    /// When notifications come by mail (0 always, 1 only when away, 2
    /// never). Mail already queued and not yet sent follows the new choice.
    pub async fn set_email_level(&self, user: UserId, level: i64) -> Result<()> {
        self.write(move |tx| {
            if tx.exec("UPDATE users SET email_level = $1 WHERE id = $2", &[&level, &user.0])? == 0 {
                return Err(StoreError::NotFound);
            }
            tx.changed(Change::User(user));
            Ok(())
        })
        .await
    }

    /// A person's reply address key for a topic, made the first time it is
    /// asked for (`fresh` is used then).
    pub async fn reply_key(&self, user: UserId, topic: minga_core::TopicId, fresh: &str) -> Result<String> {
        // Asked for by every mail about the topic: written only the first time.
        let known: Option<String> = self
            .read(&[Change::Everything], move |db| db.opt("SELECT reply_key FROM reply_keys WHERE user_id = $1 AND topic_id = $2", &[&user.0, &topic.0]))
            .await?;
        if let Some(key) = known {
            return Ok(key);
        }
        let fresh = fresh.to_string();
        self.write(move |tx| {
            tx.exec(
                "INSERT INTO reply_keys (reply_key, user_id, topic_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, topic_id) DO NOTHING",
                &[&fresh, &user.0, &topic.0, &now_ms()],
            )?;
            tx.one("SELECT reply_key FROM reply_keys WHERE user_id = $1 AND topic_id = $2", &[&user.0, &topic.0])
        })
        .await
    }

    /// Whose reply address a key is, and for which topic.
    pub async fn reply_key_owner(&self, key: &str) -> Result<Option<(UserId, minga_core::TopicId)>> {
        let key = key.to_string();
        let found: Option<(i64, i64)> =
            self.read(&[Change::Everything], move |db| db.opt("SELECT user_id, topic_id FROM reply_keys WHERE reply_key = $1", &[&key])).await?;
        Ok(found.map(|(u, t)| (UserId(u), minga_core::TopicId(t))))
    }

    /// Remembers a message that came in; `false` when one with the same
    /// Message-ID came before (it is not handled twice).
    pub async fn record_incoming(&self, incoming: &Incoming) -> Result<bool> {
        let i = incoming.clone();
        self.write(move |tx| {
            let n = tx.exec(
                "INSERT INTO incoming_mail (message_id, from_address, to_address, received_at, outcome, detail, post_id, topic_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (message_id) DO NOTHING",
                &[&i.message_id, &i.from, &i.to, &now_ms(), &i.outcome, &i.detail, &i.post_id.map(|p| p.0), &i.topic_id.map(|t| t.0)],
            )?;
            Ok(n == 1)
        })
        .await
    }

    /// Whether a message with this Message-ID came in before.
    pub async fn seen_incoming(&self, message_id: &str) -> Result<bool> {
        let id = message_id.to_string();
        let found: Option<i64> = self.read(&[Change::Everything], move |db| db.opt("SELECT id FROM incoming_mail WHERE message_id = $1", &[&id])).await?;
        Ok(found.is_some())
    }

    /// The newest messages that came in, newest first.
    pub async fn incoming_mail(&self, limit: i64) -> Result<Vec<Incoming>> {
        self.read(&[Change::Everything], move |db| {
            let rows: Vec<(String, String, String, String, String, Option<i64>, Option<i64>)> = db.all(
                "SELECT message_id, from_address, to_address, outcome, detail, post_id, topic_id FROM incoming_mail ORDER BY id DESC LIMIT $1",
                &[&limit],
            )?;
            Ok(rows
                .into_iter()
                .map(|(message_id, from, to, outcome, detail, post, topic)| Incoming {
                    message_id,
                    from,
                    to,
                    outcome,
                    detail,
                    post_id: post.map(PostId),
                    topic_id: topic.map(minga_core::TopicId),
                })
                .collect())
        })
        .await
    }

    /// People whose summary is due at `now`: they chose one (or kept the
    /// weekly default), have not visited for that long, and got none for
    /// that long; at most `limit`, in id order after `after`.
    pub async fn due_digests(&self, now: i64, after: UserId, limit: i64) -> Result<Vec<User>> {
        self.read(&[Change::Everything], move |db| {
            db.all(
                &format!(
                    "SELECT {} FROM users WHERE id > $1 AND digest_after_minutes > 0 AND active AND approved AND email <> '' \
                     AND (suspended_till IS NULL OR suspended_till < $2) \
                     AND COALESCE(last_seen_at, created_at) < $2 - digest_after_minutes * 60000 \
                     AND (last_digest_at IS NULL OR last_digest_at < $2 - digest_after_minutes * 60000) \
                     ORDER BY id LIMIT $3",
                    User::COLUMNS
                ),
                &[&after.0, &now, &limit],
            )
        })
        .await
    }

    /// Queues a person's summary (`None`: there was nothing new to tell),
    /// and records it, unless another node did since `due_before` (then
    /// `false`, and nothing is queued).
    pub async fn queue_digest(&self, user: UserId, due_before: i64, now: i64, mail: Option<&NewMail>) -> Result<bool> {
        let mail = mail.cloned();
        self.write(move |tx| {
            let claimed = tx.exec(
                "UPDATE users SET last_digest_at = $1 WHERE id = $2 AND (last_digest_at IS NULL OR last_digest_at < $3)",
                &[&now, &user.0, &due_before],
            )?;
            if claimed == 0 {
                return Ok(false);
            }
            if let Some(mail) = mail {
                queue(tx, &NewMail { user_id: Some(user), ..mail })?;
            }
            tx.changed(Change::User(user));
            Ok(true)
        })
        .await
    }

    /// How often a person's summary comes, in minutes (0: never).
    pub async fn set_digest_minutes(&self, user: UserId, minutes: i64) -> Result<()> {
        self.write(move |tx| {
            if tx.exec("UPDATE users SET digest_after_minutes = $1 WHERE id = $2", &[&minutes, &user.0])? == 0 {
                return Err(StoreError::NotFound);
            }
            tx.changed(Change::User(user));
            Ok(())
        })
        .await
    }

    /// Gives a category its own address (`None` takes it away);
    /// `Conflict("email_in")` when another category has it.
    pub async fn set_category_email(&self, category: minga_core::CategoryId, email_in: Option<&str>) -> Result<()> {
        let email_in = email_in.map(|e| e.trim().to_lowercase());
        self.write(move |tx| {
            match &email_in {
                None => tx.exec("DELETE FROM category_mail WHERE category_id = $1", &[&category.0])?,
                Some(address) => tx
                    .exec(
                        "INSERT INTO category_mail (category_id, email_in) VALUES ($1, $2) ON CONFLICT (category_id) DO UPDATE SET email_in = excluded.email_in",
                        &[&category.0, address],
                    )
                    .map_err(crate::db::conflict(&[("email_in", "email_in")]))?,
            };
            tx.changed(Change::Catalog);
            Ok(())
        })
        .await
    }

    /// A category's address, if it has one.
    pub async fn category_email(&self, category: minga_core::CategoryId) -> Result<Option<String>> {
        self.read(&[Change::Catalog], move |db| db.opt("SELECT email_in FROM category_mail WHERE category_id = $1", &[&category.0])).await
    }

    /// The category whose address this is.
    pub async fn category_by_email(&self, address: &str) -> Result<Option<minga_core::CategoryId>> {
        let address = address.trim().trim_start_matches('<').trim_end_matches('>').to_lowercase();
        let found: Option<i64> = self.read(&[Change::Catalog], move |db| db.opt("SELECT category_id FROM category_mail WHERE email_in = $1", &[&address])).await?;
        Ok(found.map(minga_core::CategoryId))
    }

    /// The topic the first of these messages (that came in) went to.
    pub async fn topic_of_messages(&self, ids: &[String]) -> Result<Option<minga_core::TopicId>> {
        if ids.is_empty() {
            return Ok(None);
        }
        let ids = ids.to_vec();
        let found: Option<i64> = self
            .read(&[Change::Everything], move |db| {
                let mut found = None;
                for id in &ids {
                    found = db.opt("SELECT topic_id FROM incoming_mail WHERE message_id = $1 AND topic_id IS NOT NULL", &[id])?;
                    if found.is_some() {
                        break;
                    }
                }
                Ok(found)
            })
            .await?;
        Ok(found.map(minga_core::TopicId))
    }

    /// Whether every post a person may see comes to them by mail.
    pub async fn set_mailing_list_mode(&self, user: UserId, on: bool) -> Result<()> {
        self.write(move |tx| {
            if tx.exec("UPDATE users SET mailing_list_mode = $1 WHERE id = $2", &[&on, &user.0])? == 0 {
                return Err(StoreError::NotFound);
            }
            tx.changed(Change::User(user));
            Ok(())
        })
        .await
    }

    /// Forgets sent and skipped messages queued before `before`.
    pub async fn prune_outbox(&self, before: i64) -> Result<u64> {
        self.write(move |tx| tx.exec("DELETE FROM outbox WHERE state IN (2, 4) AND created_at < $1", &[&before])).await
    }
}
