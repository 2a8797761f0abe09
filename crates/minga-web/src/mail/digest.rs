//! Summaries by mail: for people who have not visited for as long as they
//! chose (a week unless they chose otherwise), the topics with posts they
//! have not read, in categories they may see and did not mute.

use super::{Letter, message_id};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::i18n::{self, Locale};
use minga_core::notify::Level;
use minga_core::text;
use minga_core::{TopicId, UserId};
use minga_store::{NewMail, TopicFilter, User};

/// Topics a summary names at most.
const TOPICS: usize = 10;
/// Recent topics looked at for one summary.
const LOOK_AT: i64 = 60;

impl AppState {
    /// Queues every summary due at `now` (each recorded as sent, so it is
    /// not made twice, by this node or another); returns how many mails.
    pub async fn queue_digests(&self, now: i64) -> AppResult<usize> {
        let mut after = UserId(0);
        let mut queued = 0;
        loop {
            let due = self.store.due_digests(now, after, 100).await?;
            let Some(last) = due.last() else { break };
            after = last.id;
            for person in due {
                let period = person.digest_after_minutes * 60_000;
                let mail = self.digest_for(&person, now).await?;
                if self.store.queue_digest(person.id, now - period, now, mail.as_ref()).await? && mail.is_some() {
                    queued += 1;
                }
            }
        }
        if queued > 0 {
            self.send_mail_soon();
        }
        Ok(queued)
    }

    /// A person's summary, or `None` when nothing they may see is new to them.
    async fn digest_for(&self, person: &User, now: i64) -> AppResult<Option<NewMail>> {
        let since = person.last_seen_at.unwrap_or(person.created_at).max(person.last_digest_at.unwrap_or(0));
        let groups: Vec<i64> = self.store.memberships(person.id).await?.into_iter().map(|(g, _)| g).collect();
        let actor = person.actor_with(groups);
        let catalog = self.catalog().await?;
        let scope = catalog.scope(Some(&actor));
        let recent = self.store.topics(TopicFilter::All, scope.as_deref(), 0, LOOK_AT).await?;
        let recent: Vec<_> = recent.into_iter().filter(|t| t.bumped_at > since && t.bumped_at <= now && catalog.can_see(Some(&actor), t.category_id)).collect();
        if recent.is_empty() {
            return Ok(None);
        }
        let ids: Vec<TopicId> = recent.iter().map(|t| t.id).collect();
        let (read, category_levels) = self.store.topic_users_for(person.id, &ids).await?;
        let base = self.settings.base_url.trim_end_matches('/');
        let locale = Locale::from_tag(&person.locale).unwrap_or(self.site().await?.default_locale);
        let said = |t: minga_core::Text| i18n::say(locale, &t);
        let mut links = Vec::new();
        for topic in &recent {
            let (last_read, level) = read.iter().find(|(t, _, _)| *t == topic.id).map(|(_, r, l)| (*r, *l)).unwrap_or((0, None));
            let muted = level == Some(Level::Muted) || (level.is_none() && category_levels.iter().any(|(c, l)| *c == topic.category_id && *l == Level::Muted));
            let unread = topic.highest_post_number - last_read;
            if muted || unread <= 0 {
                continue;
            }
            let category = catalog.category(topic.category_id).map(|c| crate::routes::category_name(c, locale)).unwrap_or_default();
            let title = topic.title.as_str();
            let category = category.as_str();
            let label = said(text!("mail-digest-topic", title = title, category = category, count = unread));
            let first_unread = (last_read + 1).min(topic.highest_post_number);
            links.push((label, format!("{base}{}", crate::routes::post_location(&topic.slug, topic.id, first_unread))));
            if links.len() == TOPICS {
                break;
            }
        }
        if links.is_empty() {
            return Ok(None);
        }
        let site = self.settings.title.as_str();
        let key = self.store.mail_key(person.id, &crate::auth::random_token(24)).await?;
        let letter = Letter {
            to: person.email.clone(),
            to_name: person.name.clone(),
            subject: said(text!("mail-digest-subject", site = site)),
            locale,
            paragraphs: vec![said(text!("mail-digest-intro", count = links.len() as i64))],
            links,
            action: Some((said(text!("mail-digest-action")), format!("{base}/latest"))),
            after: vec![said(text!("mail-digest-why", url = format!("{base}/u/{}/notifications#mail", person.username)))],
            message_id: message_id(&self.settings, &format!("digest/{}.{now}", person.id.0)),
            unsubscribe: Some(format!("{base}/email/unsubscribe/{key}?digest=1")),
            automatic: true,
            ..Default::default()
        };
        let raw = letter.write(&self.settings).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(Some(NewMail { kind: "digest".into(), to: person.email.clone(), raw, message_id: letter.message_id, ..Default::default() }))
    }
}
