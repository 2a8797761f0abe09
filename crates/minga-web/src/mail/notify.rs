//! Notification mail: a mention, reply, quote or watched post, one mail
//! per post, written when it is sent, for what its reader may see then.

use super::{Letter, message_id};
use crate::AppState;
use crate::error::AppResult;
use crate::i18n::{self, Locale};
use minga_core::notify::Kind;
use minga_core::text;
use minga_store::Mail;

/// Discourse's `email_level`: when notifications come by mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailLevel {
    Always = 0,
    /// Only when the person has not been on the site since (the default).
    Away = 1,
    Never = 2,
}

impl EmailLevel {
    pub fn from_id(id: i64) -> Option<EmailLevel> {
        match id {
            0 => Some(EmailLevel::Always),
            1 => Some(EmailLevel::Away),
            2 => Some(EmailLevel::Never),
            _ => None,
        }
    }

    pub fn from_name(name: &str) -> Option<EmailLevel> {
        match name {
            "always" => Some(EmailLevel::Always),
            "only_when_away" | "away" => Some(EmailLevel::Away),
            "never" => Some(EmailLevel::Never),
            n => n.parse().ok().and_then(EmailLevel::from_id),
        }
    }
}

/// The thread a topic's mail belongs to, for one reader: every mail about
/// the topic refers to it, so mail clients show them together.
pub fn topic_thread(state: &AppState, topic: i64, user: i64) -> String {
    message_id(&state.settings, &format!("topic/{topic}.{user}"))
}

/// The id of the mail about one post, for one reader.
pub fn post_message_id(state: &AppState, topic: i64, post: i64, user: i64) -> String {
    message_id(&state.settings, &format!("topic/{topic}/{post}.{user}"))
}

impl AppState {
    /// Writes a notification's mail, or `None` when it is no longer
    /// wanted: the reader left, chose no mail, may no longer see the post,
    /// or (mail only when away) came back to the site since.
    pub(crate) async fn write_notification_mail(&self, mail: &Mail) -> AppResult<Option<String>> {
        // Reason 0: the reader is in mailing-list mode, and gets every post.
        let list = mail.reason == Some(0);
        let kind = if list { Some(Kind::Posted) } else { mail.reason.and_then(Kind::from_id) };
        let (Some(user_id), Some(post_id), Some(kind)) = (mail.user_id, mail.post_id, kind) else {
            return Ok(None);
        };
        let Some(reader) = self.store.user_by_id(user_id).await? else { return Ok(None) };
        let now = minga_core::time::now_ms();
        if !reader.active || !reader.approved || reader.suspended_at(now) {
            return Ok(None);
        }
        let level = match list {
            true if !reader.mailing_list_mode => return Ok(None),
            true => EmailLevel::Always,
            false => EmailLevel::from_id(reader.email_level).unwrap_or(EmailLevel::Away),
        };
        if level == EmailLevel::Never {
            return Ok(None);
        }
        let Some(post) = self.store.post(post_id).await? else { return Ok(None) };
        let Some(topic) = self.store.topic(post.topic_id).await? else { return Ok(None) };
        if post.deleted_at.is_some() || post.hidden || topic.deleted_at.is_some() {
            return Ok(None);
        }
        let groups: Vec<i64> = self.store.memberships(reader.id).await?.into_iter().map(|(g, _)| g).collect();
        let actor = reader.actor_with(groups);
        let catalog = self.catalog().await?;
        if !catalog.can_see(Some(&actor), topic.category_id) {
            return Ok(None);
        }
        if level == EmailLevel::Away {
            let read = self.store.topic_user(reader.id, topic.id).await?.last_read_post_number;
            if read >= post.post_number || reader.last_seen_at.is_some_and(|seen| seen > mail.created_at) {
                return Ok(None);
            }
        }
        let author = self.store.user_by_id(post.user_id).await?;
        let author_name = author.as_ref().map(|a| if a.name.is_empty() { a.username.clone() } else { a.name.clone() }).unwrap_or_default();
        let locale = Locale::from_tag(&reader.locale).unwrap_or(self.site().await?.default_locale);
        let site = self.settings.title.as_str();
        let title = topic.title.as_str();
        let author = author_name.as_str();
        let said = |t: minga_core::Text| i18n::say(locale, &t);
        let what = match kind {
            Kind::Mentioned => said(text!("mail-note-mentioned", author = author, title = title)),
            Kind::GroupMentioned => said(text!("mail-note-group-mentioned", author = author, title = title)),
            Kind::Replied => said(text!("mail-note-replied", author = author, title = title)),
            Kind::Quoted => said(text!("mail-note-quoted", author = author, title = title)),
            _ => said(text!("mail-note-posted", author = author, title = title)),
        };
        let base = self.settings.base_url.trim_end_matches('/');
        let link = format!("{base}{}", crate::routes::post_location(&topic.slug, topic.id, post.post_number));
        let key = self.store.mail_key(reader.id, &crate::auth::random_token(24)).await?;
        let unsubscribe = format!("{base}/email/unsubscribe/{key}");
        let thread = topic_thread(self, topic.id.0, reader.id.0);
        let in_reply_to = match post.reply_to_post_number {
            Some(n) => match self.store.posts_by_number(topic.id, n, n).await?.first() {
                Some(parent) => post_message_id(self, topic.id.0, parent.id.0, reader.id.0),
                None => thread.clone(),
            },
            None => thread.clone(),
        };
        // Answering the mail posts a reply, when the forum takes mail.
        let reply_to = match self.settings.mail.reply_address.as_str() {
            "" => None,
            pattern => {
                let key = self.store.reply_key(reader.id, topic.id, &hex_key()).await?;
                Some(pattern.replace("{key}", &key))
            }
        };
        let category = catalog.category(topic.category_id).map(|c| c.slug.clone()).unwrap_or_else(|| "uncategorized".into());
        let letter = Letter {
            to: reader.email.clone(),
            to_name: reader.name.clone(),
            subject: said(text!("mail-note-subject", site = site, title = title)),
            locale,
            paragraphs: vec![what],
            links: Vec::new(),
            action: Some((said(text!("mail-note-action")), link)),
            after: vec![said(text!("mail-note-why", url = format!("{base}/u/{}/preferences", reader.username)))],
            post_html: Some(absolute_links(&post.cooked, base)),
            post_text: Some(post.raw.clone()),
            message_id: post_message_id(self, topic.id.0, post.id.0, reader.id.0),
            in_reply_to: Some(in_reply_to),
            references: vec![thread],
            list_id: Some(format!("<{category}.{}>", super::host(&self.settings))),
            unsubscribe: Some(unsubscribe),
            reply_to,
            automatic: true,
        };
        Ok(Some(letter.write(&self.settings).map_err(|e| crate::AppError::Internal(e.to_string()))?))
    }
}

/// A new reply key: 32 hex digits (case does not matter in addresses).
fn hex_key() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A post's HTML with the forum's own links made absolute, so that they
/// work from a mail client.
fn absolute_links(cooked: &str, base: &str) -> String {
    let mut out = String::with_capacity(cooked.len() + 64);
    let mut rest = cooked;
    while let Some(i) = rest.find("=\"/") {
        let (before, after) = rest.split_at(i + 2);
        out.push_str(before);
        let attribute = before.ends_with("href=\"") || before.ends_with("src=\"");
        // `//host/…` already names its host.
        if attribute && !after.starts_with("//") {
            out.push_str(base);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn own_links_become_absolute() {
        let html = r#"<a href="/t/x/1">a</a> <img src="/uploads/a.png"> <a href="//cdn.example/x">c</a> <a href="https://e.example/">d</a> <p title="=\"/">"#;
        assert_eq!(
            super::absolute_links(html, "https://f.example"),
            r#"<a href="https://f.example/t/x/1">a</a> <img src="https://f.example/uploads/a.png"> <a href="//cdn.example/x">c</a> <a href="https://e.example/">d</a> <p title="=\"/">"#
        );
    }
}
