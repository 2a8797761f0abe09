//! Importing a mailing list's archive (an mbox file) into a category: the
//! messages in date order, each thread one topic (by In-Reply-To and
//! References), each author matched by address to an account, or given
//! an inactive one they can claim by resetting its password. Each message
//! is remembered by its Message-ID, so importing again skips what came in
//! before, and later mail to the category's address threads onto it.

use super::incoming::{body_of, subject_title};
use crate::AppState;
use crate::error::{AppError, AppResult};
use minga_core::{CategoryId, TopicId};
use minga_store::{Alerts, Incoming, NewReply, NewTopic, NewUser, User};
use std::collections::HashMap;

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub messages: usize,
    pub topics: usize,
    /// Authors matched to accounts that existed.
    pub matched: usize,
    /// Inactive accounts made for authors without one.
    pub made: usize,
    /// Messages imported before, or that could not be read.
    pub skipped: usize,
}

struct Parsed {
    message_id: String,
    from: String,
    name: String,
    date: i64,
    subject: String,
    earlier: Vec<String>,
    body: String,
}

fn bare(id: &str) -> String {
    id.trim().trim_start_matches('<').trim_end_matches('>').to_string()
}

/// Imports an mbox archive into `category`, as staff.
pub async fn import_mbox(state: &AppState, category: CategoryId, mbox: &[u8]) -> AppResult<Imported> {
    if state.store.category(category).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let mut report = Imported::default();
    let mut parsed = Vec::new();
    for entry in mail_parser::mailbox::mbox::MessageIterator::new(std::io::Cursor::new(mbox)) {
        let Ok(entry) = entry else {
            report.skipped += 1;
            continue;
        };
        let Some(m) = mail_parser::MessageParser::default().parse(entry.contents()) else {
            report.skipped += 1;
            continue;
        };
        let Some(sender) = m.from().and_then(|f| f.first()) else {
            report.skipped += 1;
            continue;
        };
        let from = sender.address().unwrap_or_default().to_lowercase();
        let body = body_of(&m);
        if from.is_empty() || body.trim().is_empty() {
            report.skipped += 1;
            continue;
        }
        let mut earlier = Vec::new();
        for header in [m.in_reply_to(), m.references()] {
            match header {
                mail_parser::HeaderValue::Text(t) => earlier.push(bare(t)),
                mail_parser::HeaderValue::TextList(l) => earlier.extend(l.iter().map(|t| bare(t))),
                _ => {}
            }
        }
        let date = m.date().map(|d| d.to_timestamp() * 1000).unwrap_or(0);
        let message_id = m.message_id().map(bare).unwrap_or_else(|| format!("sha256:{}", crate::auth::hash_secret(&String::from_utf8_lossy(entry.contents()))));
        parsed.push(Parsed {
            message_id,
            from,
            name: sender.name().unwrap_or_default().to_string(),
            date,
            subject: subject_title(m.subject().unwrap_or_default()),
            earlier,
            body,
        });
    }
    parsed.sort_by_key(|p| p.date);
    let mut topics: HashMap<String, TopicId> = HashMap::new();
    let mut authors: HashMap<String, User> = HashMap::new();
    for p in parsed {
        if state.store.seen_incoming(&p.message_id).await? {
            report.skipped += 1;
            continue;
        }
        let author = match authors.get(&p.from) {
            Some(a) => a.clone(),
            None => {
                let a = match state.store.user_for_login(&p.from).await? {
                    Some((user, _)) if user.email.eq_ignore_ascii_case(&p.from) => {
                        report.matched += 1;
                        user
                    }
                    _ => {
                        report.made += 1;
                        account_for(state, &p.from, &p.name).await?
                    }
                };
                authors.insert(p.from.clone(), a.clone());
                a
            }
        };
        let mut thread = None;
        for id in &p.earlier {
            if let Some(t) = topics.get(id) {
                thread = Some(*t);
                break;
            }
        }
        if thread.is_none() {
            thread = state.store.topic_of_messages(&p.earlier).await?;
        }
        let cooked = crate::ops::cook_post(state, &p.body).await?;
        let excerpt = minga_core::cook::excerpt(&cooked.html, 300);
        let created_at = if p.date > 0 { p.date } else { minga_core::time::now_ms() };
        let (topic, post) = match thread {
            Some(topic) => {
                let new = NewReply { topic_id: topic, user_id: author.id, raw: p.body, cooked: cooked.html, reply_to_post_number: None, created_at, alerts: Alerts::default() };
                (topic, state.store.create_reply(&new).await?)
            }
            None => {
                let title = if p.subject.trim().is_empty() { "(no subject)".to_string() } else { p.subject.clone() };
                let new = NewTopic {
                    slug: minga_core::slug::slugify(&title),
                    title,
                    category_id: category,
                    user_id: author.id,
                    raw: p.body,
                    cooked: cooked.html,
                    excerpt,
                    created_at,
                    alerts: Alerts::default(),
                };
                let (topic, post) = state.store.create_topic(&new).await?;
                report.topics += 1;
                (topic.id, post)
            }
        };
        topics.insert(p.message_id.clone(), topic);
        let record = Incoming {
            message_id: p.message_id,
            from: p.from,
            to: String::new(),
            outcome: "imported".into(),
            detail: String::new(),
            post_id: Some(post.id),
            topic_id: Some(topic),
        };
        state.store.record_incoming(&record).await?;
        report.messages += 1;
    }
    Ok(report)
}

/// An inactive account for an author who has none: a username made from
/// their name or address, and no usable password (a reset claims it).
async fn account_for(state: &AppState, email: &str, name: &str) -> AppResult<User> {
    let source = if name.trim().is_empty() { email.split('@').next().unwrap_or("member") } else { name };
    let mut base: String = source
        .chars()
        .filter_map(|c| if c.is_ascii_alphanumeric() { Some(c.to_ascii_lowercase()) } else if c.is_whitespace() || matches!(c, '.' | '-' | '_') { Some('_') } else { None })
        .collect::<String>()
        .trim_matches('_')
        .to_string();
    base.truncate(16);
    while base.len() < 3 {
        base.push('_');
    }
    for n in 0..1000 {
        let username = if n == 0 { base.clone() } else { format!("{base}{n}") };
        if minga_core::validate::username(&username).is_err() || state.store.user_by_username(&username).await?.is_some() {
            continue;
        }
        let new = NewUser {
            username,
            email: email.to_string(),
            name: name.trim().to_string(),
            password_hash: crate::auth::hash_password(state, &crate::auth::random_token(24)).await?,
            admin: false,
            approved: true,
        };
        return Ok(state.store.create_inactive_user(&new).await?);
    }
    Err(AppError::Internal(format!("no free username for {email}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn subjects_become_titles() {
        use super::subject_title;
        assert_eq!(subject_title("Re: RE: [tech-coop] Fwd: Shared hosting"), "Shared hosting");
        assert_eq!(subject_title("[tech-coop] Re: Gathering"), "Gathering");
        assert_eq!(subject_title("Plain"), "Plain");
    }
}
