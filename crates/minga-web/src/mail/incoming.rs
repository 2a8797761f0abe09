//! Mail that comes in: answers to notification mail become replies from
//! the person the reply address was made for, in its topic.
//!
//! A message reaches `receive` from `minga mail receive` (an MTA piping
//! it) or from the SMTP listener in `minga serve`. It is refused with a
//! reason (which the MTA or listener turns into a bounce) when it cannot be
//! read, is too large, names no reply address minga made, comes from
//! another address than the one the reply address was sent to, or may not
//! be posted (the topic is gone, closed, or no longer visible to them).
//! Automatic mail (auto-replies, bounces, lists) is taken and dropped, so
//! it never becomes a post and never starts a loop.

use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use mail_parser::{HeaderValue, MessageParser, MimeHeaders};
use minga_store::Incoming;

/// The largest message taken in; a larger one is refused before it is read.
pub const MAX_MESSAGE: usize = 10 * 1024 * 1024;

/// Which message a record is about.
struct Trace {
    message_id: String,
    from: String,
    to: String,
}

impl Trace {
    fn record(&self, outcome: &str, detail: String, post: Option<(i64, minga_core::TopicId)>) -> Incoming {
        Incoming {
            message_id: self.message_id.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            outcome: outcome.into(),
            detail,
            post_id: post.map(|(p, _)| minga_core::PostId(p)),
            topic_id: post.map(|(_, t)| t),
        }
    }
}

/// Refuses a message, and remembers it was refused and why.
async fn refuse(state: &AppState, trace: &Trace, code: u16, text: String) -> Result<Received, Refused> {
    let _ = state.store.record_incoming(&trace.record("refused", text.clone(), None)).await;
    Err(Refused::new(code, text))
}

/// What became of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Received {
    /// A reply was posted: its id and where it is.
    Posted { post_id: i64, url: String },
    /// Automatic mail, or a message handled before: taken, nothing done.
    Ignored(&'static str),
}

/// Why a message was refused, as an SMTP reply says it and an MTA bounces
/// it: (`5xx` for good, `4xx` to try later).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code} {text}")]
pub struct Refused {
    pub code: u16,
    pub text: String,
}

impl Refused {
    fn new(code: u16, text: impl Into<String>) -> Refused {
        Refused { code, text: text.into() }
    }

    /// The exit status an MTA understands (sysexits.h): 75 is "try later".
    pub fn exit_code(&self) -> u8 {
        match self.code {
            400..=499 => 75,
            550 | 551 => 67,
            552 => 73,
            553 | 554 if self.text.contains("may not") => 77,
            _ => 65,
        }
    }
}

/// Finds the reply key in an address made from `reply_address`
/// (`reply+{key}@host`): the part the pattern leaves to the key.
pub fn key_in(pattern: &str, address: &str) -> Option<String> {
    let (before, after) = pattern.split_once("{key}")?;
    let address = address.trim().trim_start_matches('<').trim_end_matches('>');
    let lower = address.to_ascii_lowercase();
    let key = lower.strip_prefix(&before.to_ascii_lowercase())?.strip_suffix(&after.to_ascii_lowercase())?;
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')).then(|| key.to_string())
}

/// Whether a message was sent by a program rather than a person:
/// auto-replies, delivery reports, lists' and bulk mail.
fn automatic(m: &mail_parser::Message<'_>, envelope_from: Option<&str>) -> Option<&'static str> {
    let text = |name: &str| match m.header(name) {
        Some(HeaderValue::Text(t)) => t.to_ascii_lowercase(),
        Some(HeaderValue::TextList(l)) => l.join(" ").to_ascii_lowercase(),
        _ => String::new(),
    };
    let auto = text("Auto-Submitted");
    if !auto.is_empty() && auto != "no" {
        return Some("auto-submitted");
    }
    if matches!(text("Precedence").as_str(), "bulk" | "junk" | "list" | "auto_reply") {
        return Some("bulk");
    }
    if m.header("X-Autoreply").is_some() || m.header("X-Autorespond").is_some() || m.header("X-Auto-Response-Suppress").is_some_and(|_| text("X-Auto-Response-Suppress").contains("all")) {
        return Some("auto-reply");
    }
    if m.content_type().is_some_and(|c| c.ctype().eq_ignore_ascii_case("multipart") && c.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))) {
        return Some("delivery report");
    }
    if envelope_from.is_some_and(|f| f.trim().is_empty() || f.trim() == "<>") {
        return Some("null sender");
    }
    let from = m.from().and_then(|f| f.first()).and_then(|a| a.address()).unwrap_or_default().to_ascii_lowercase();
    if from.starts_with("mailer-daemon@") || from.starts_with("postmaster@") {
        return Some("delivery report");
    }
    None
}

/// Takes one message in. `recipients` are the envelope's, when known
/// (the listener's `RCPT TO`, the MTA's `--recipient`); the headers'
/// `To`, `Cc` and `Delivered-To` are looked at too.
pub async fn receive(state: &AppState, raw: &[u8], envelope_from: Option<&str>, recipients: &[String]) -> Result<Received, Refused> {
    if raw.len() > MAX_MESSAGE {
        return Err(Refused::new(552, format!("5.3.4 message too large: at most {} MB", MAX_MESSAGE / (1024 * 1024))));
    }
    let pattern = state.settings.mail.reply_address.clone();
    let Some(m) = MessageParser::default().parse(raw) else {
        return Err(Refused::new(554, "5.6.0 the message cannot be read as mail"));
    };
    if m.from().and_then(|f| f.first()).and_then(|a| a.address()).is_none() {
        return Err(Refused::new(554, "5.6.0 the message has no From address"));
    }
    let message_id = m.message_id().map(str::to_string).unwrap_or_else(|| format!("sha256:{}", crate::auth::hash_secret(&String::from_utf8_lossy(raw))));
    let from = m.from().and_then(|f| f.first()).and_then(|a| a.address()).unwrap_or_default().to_string();
    let mut addresses: Vec<String> = recipients.to_vec();
    for name in ["To", "Cc", "Delivered-To", "X-Original-To"] {
        match m.header(name) {
            Some(HeaderValue::Address(a)) => addresses.extend(a.iter().filter_map(|a| a.address().map(str::to_string))),
            Some(HeaderValue::Text(t)) => addresses.push(t.to_string()),
            _ => {}
        }
    }
    let to = addresses.first().cloned().unwrap_or_default();
    let trace = Trace { message_id: message_id.clone(), from: from.clone(), to: to.clone() };
    let internal = |e: minga_store::StoreError| Refused::new(451, format!("4.3.0 try again later ({e})"));
    if let Some(why) = automatic(&m, envelope_from) {
        state.store.record_incoming(&trace.record("ignored", why.into(), None)).await.map_err(internal)?;
        return Ok(Received::Ignored(why));
    }
    if state.store.seen_incoming(&message_id).await.map_err(internal)? {
        return Ok(Received::Ignored("already received"));
    }
    let key = addresses.iter().find_map(|a| key_in(&pattern, a));
    let Some(key) = key else {
        // A category's own address: the category is a mailing list.
        for address in &addresses {
            if let Some(category) = state.store.category_by_email(address).await.map_err(internal)? {
                return list_mail(state, &m, category, &from, &trace).await;
            }
        }
        return refuse(state, &trace, 550, "5.1.1 no such reply address".into()).await;
    };
    let Some((user_id, topic_id)) = state.store.reply_key_owner(&key).await.map_err(internal)? else {
        return refuse(state, &trace, 550, "5.1.1 no such reply address".into()).await;
    };
    let Some(user) = state.store.user_by_id(user_id).await.map_err(internal)? else {
        return refuse(state, &trace, 550, "5.1.1 no such reply address".into()).await;
    };
    if !user.email.eq_ignore_ascii_case(&from) {
        return refuse(state, &trace, 550, "5.7.1 this reply address was sent to another address than the sender's".into()).await;
    }
    let body = body_of(&m);
    if body.trim().is_empty() {
        return refuse(state, &trace, 554, "5.6.0 the reply is empty once the quoted message is taken away".into()).await;
    }
    // The post the mail answered, from its In-Reply-To (`topic/T/P.U@…`).
    let answered = match m.in_reply_to() {
        HeaderValue::Text(t) => answered_post(t, topic_id.0),
        HeaderValue::TextList(l) => l.iter().find_map(|t| answered_post(t, topic_id.0)),
        _ => None,
    };
    let reply_to = match answered {
        Some(post) => state.store.post(minga_core::PostId(post)).await.map_err(internal)?.filter(|p| p.topic_id == topic_id).map(|p| p.post_number),
        None => None,
    };
    let viewer = match viewer_for(state, user).await {
        Ok(v) => v,
        Err(e) => return refuse(state, &trace, 451, format!("4.3.0 try again later ({e:?})")).await,
    };
    post_as(state, &viewer, Posting::Reply(topic_id, reply_to), body, &trace).await
}

/// What a message becomes.
enum Posting {
    Reply(minga_core::TopicId, Option<i64>),
    Topic { title: String, category: minga_core::CategoryId },
}

/// Posts as the person, by every rule a page's post follows, and answers
/// for the mail.
async fn post_as(state: &AppState, viewer: &Viewer, posting: Posting, body: String, trace: &Trace) -> Result<Received, Refused> {
    if viewer.user.as_ref().is_some_and(|u| !u.active || !u.approved || u.suspended_at(minga_core::time::now_ms())) {
        return refuse(state, trace, 554, "5.7.1 this account may not post".into()).await;
    }
    let made = match posting {
        Posting::Reply(topic, reply_to) => crate::ops::create_reply(state, viewer, topic, body, reply_to).await,
        Posting::Topic { title, category } => {
            crate::ops::create_topic(state, viewer, crate::ops::TopicInput { title, raw: body, category: Some(category.0) }).await.map(|(t, p)| (p, t))
        }
    };
    match made {
        Ok((post, topic)) => {
            let url = format!("{}{}", state.settings.base_url.trim_end_matches('/'), crate::routes::post_location(&topic.slug, topic.id, post.post_number));
            let internal = |e: minga_store::StoreError| Refused::new(451, format!("4.3.0 try again later ({e})"));
            state.store.record_incoming(&trace.record("posted", String::new(), Some((post.id.0, topic.id)))).await.map_err(internal)?;
            Ok(Received::Posted { post_id: post.id.0, url })
        }
        Err(AppError::Busy) => Err(Refused::new(451, "4.3.0 the forum is busy, try again later")),
        // The relay keeps it and tries again, as for any "try later".
        Err(AppError::RateLimited(s)) => Err(Refused::new(451, format!("4.7.0 too many posts from this account: try again in {s} s"))),
        Err(AppError::NotFound) => refuse(state, trace, 554, "5.7.1 the topic is gone, or this account may not see it any more".into()).await,
        Err(e) => {
            let why = match &e {
                AppError::Forbidden(t) | AppError::BadRequest(t) => crate::i18n::say(crate::i18n::Locale::En, t),
                AppError::Invalid(i) => i.0.iter().map(|f| crate::i18n::say(crate::i18n::Locale::En, &f.text)).collect::<Vec<_>>().join(" "),
                other => format!("{other:?}"),
            };
            refuse(state, trace, 554, format!("5.7.1 the message may not be posted: {why}")).await
        }
    }
}

/// The text of a message: its plain part, or its HTML as Markdown, without
/// the quoted message and the signature.
pub(crate) fn body_of(m: &mail_parser::Message<'_>) -> String {
    let real_text = m.text_body.first().is_some_and(|i| m.html_body.first() != Some(i));
    match (m.body_text(0).filter(|_| real_text), m.body_html(0)) {
        (Some(text), _) => trim_reply(&text),
        (None, Some(html)) => trim_reply(&html_to_markdown(&html)),
        (None, None) => m.body_text(0).map(|t| trim_reply(&t)).unwrap_or_default(),
    }
}

/// Mail to a category's address: from a member, a new topic, or a reply
/// in the topic an earlier message of the thread went to (by In-Reply-To
/// and References: messages that came in, and the forum's own mail).
async fn list_mail(state: &AppState, m: &mail_parser::Message<'_>, category: minga_core::CategoryId, from: &str, trace: &Trace) -> Result<Received, Refused> {
    let internal = |e: minga_store::StoreError| Refused::new(451, format!("4.3.0 try again later ({e})"));
    let member = match state.store.user_for_login(from).await.map_err(internal)? {
        Some((user, _)) if user.email.eq_ignore_ascii_case(from) => user,
        _ => {
            let signup = format!("{}/signup", state.settings.base_url.trim_end_matches('/'));
            return refuse(state, trace, 550, format!("5.7.1 only members may post to this list by mail: sign up at {signup} with {from}")).await;
        }
    };
    let body = body_of(m);
    if body.trim().is_empty() {
        return refuse(state, trace, 554, "5.6.0 the message is empty once the quoted message is taken away".into()).await;
    }
    let mut earlier: Vec<String> = Vec::new();
    for header in [m.in_reply_to(), m.references()] {
        match header {
            HeaderValue::Text(t) => earlier.push(t.to_string()),
            HeaderValue::TextList(l) => earlier.extend(l.iter().map(|t| t.to_string())),
            _ => {}
        }
    }
    // The newest first: In-Reply-To, then References from the end.
    let (first, rest) = earlier.split_at(earlier.len().min(1));
    let mut ordered: Vec<String> = first.to_vec();
    ordered.extend(rest.iter().rev().cloned());
    let ours = ordered.iter().find_map(|id| {
        let local = id.trim().trim_start_matches('<').split('@').next()?;
        local.strip_prefix("topic/")?.split(['/', '.']).next()?.parse::<i64>().ok()
    });
    let bare: Vec<String> = ordered.iter().map(|id| id.trim().trim_start_matches('<').trim_end_matches('>').to_string()).collect();
    let topic = match ours {
        Some(t) => Some(minga_core::TopicId(t)),
        None => state.store.topic_of_messages(&bare).await.map_err(internal)?,
    };
    let viewer = match viewer_for(state, member).await {
        Ok(v) => v,
        Err(e) => return refuse(state, trace, 451, format!("4.3.0 try again later ({e:?})")).await,
    };
    let posting = match topic {
        Some(t) => Posting::Reply(t, None),
        None => Posting::Topic { title: subject_title(m.subject().unwrap_or_default()), category },
    };
    post_as(state, &viewer, posting, body, trace).await
}

/// A subject as a topic's title: without `Re:`, `Fwd:` and `[list]` tags.
pub(crate) fn subject_title(subject: &str) -> String {
    let mut s = subject.trim();
    loop {
        let lower = s.to_lowercase();
        let cut = ["re:", "fw:", "fwd:", "aw:", "rv:", "res:"].iter().find(|p| lower.starts_with(*p)).map(|p| p.len());
        if let Some(n) = cut {
            s = s[n..].trim_start();
            continue;
        }
        if s.starts_with('[') && let Some(end) = s.find(']') {
            s = s[end + 1..].trim_start();
            continue;
        }
        break;
    }
    s.to_string()
}

/// The post id in a notification mail's Message-ID, when it is about a
/// post of this topic: `topic/T/P.U@host`.
fn answered_post(id: &str, topic: i64) -> Option<i64> {
    let local = id.trim().trim_start_matches('<').split('@').next()?;
    let rest = local.strip_prefix(&format!("topic/{topic}/"))?;
    rest.split('.').next()?.parse().ok()
}

/// The person as a request of theirs would be: their groups decide what
/// they may see and where they may post.
async fn viewer_for(state: &AppState, user: minga_store::User) -> Result<Viewer, AppError> {
    let memberships = state.store.memberships(user.id).await?;
    let locale = crate::i18n::Locale::from_tag(&user.locale).unwrap_or_default();
    Ok(Viewer {
        groups: memberships.iter().map(|(g, _)| *g).collect(),
        owned: memberships.iter().filter(|(_, owner)| *owner).map(|(g, _)| *g).collect(),
        user: Some(user),
        locale,
        ..Viewer::default()
    })
}

/// The answer without what mail clients add under it: the quoted message
/// ("On … wrote:", "El … escribió:", "-----Original Message-----", lines
/// quoted with `>` at the end) and the signature (after "-- ").
pub fn trim_reply(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.lines().collect();
    let mut end = lines.len();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        let lower = t.to_lowercase();
        let next = lines.get(i + 1).map(|l| l.trim().to_lowercase()).unwrap_or_default();
        let header_line = (lower.starts_with("on ") && (lower.ends_with("wrote:") || next.ends_with("wrote:")))
            || (lower.starts_with("el ") && (lower.ends_with("escribió:") || next.ends_with("escribió:")))
            || ((lower.starts_with("le ") || lower.starts_with("am ")) && (lower.ends_with("écrit :") || lower.ends_with("geschrieben:")))
            || lower.starts_with("-----original message-----")
            || lower.starts_with("-----mensaje original-----")
            || lower.starts_with("________________________________")
            || (lower.starts_with("from:") && lines.get(i + 1).is_some_and(|n| n.to_lowercase().starts_with("sent:") || n.to_lowercase().starts_with("date:")));
        if header_line || *line == "-- " || t == "--" {
            end = i;
            break;
        }
    }
    let mut kept: Vec<&str> = lines[..end].to_vec();
    // A quoted block at the end is the message answered.
    while kept.last().is_some_and(|l| l.trim().is_empty() || l.trim_start().starts_with('>')) {
        kept.pop();
    }
    kept.join("\n").trim().to_string()
}

/// HTML mail as Markdown: paragraphs, line breaks, links, emphasis,
/// lists, quotes and code; everything else is its text. Quoted history
/// (`blockquote` of class `gmail_quote`, `div.gmail_quote`, Outlook's
/// `divRplyFwdMsg`) is dropped.
pub fn html_to_markdown(html: &str) -> String {
    let mut out = String::new();
    let mut links: Vec<String> = Vec::new();
    let mut skip_depth: Option<usize> = None;
    let mut depth = 0usize;
    let mut rest = html;
    let mut list_stack: Vec<(bool, usize)> = Vec::new();
    let mut quote = 0usize;
    let newline = |out: &mut String, quote: usize| {
        out.push('\n');
        for _ in 0..quote {
            out.push_str("> ");
        }
    };
    while !rest.is_empty() {
        if let Some(stripped) = rest.strip_prefix("<!--") {
            rest = stripped.split_once("-->").map(|(_, r)| r).unwrap_or("");
            continue;
        }
        if rest.starts_with('<') {
            let Some(close) = rest.find('>') else { break };
            let tag = &rest[1..close];
            rest = &rest[close + 1..];
            let closing = tag.starts_with('/');
            let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
            let self_closing = tag.ends_with('/') || matches!(name.as_str(), "br" | "img" | "hr" | "meta" | "link" | "input");
            let attr = |a: &str| -> Option<String> {
                let lower = tag.to_ascii_lowercase();
                let at = lower.find(&format!("{a}="))?;
                let value = &tag[at + a.len() + 1..];
                let q = value.chars().next()?;
                if q == '"' || q == '\'' {
                    value[1..].split(q).next().map(str::to_string)
                } else {
                    value.split_whitespace().next().map(str::to_string)
                }
            };
            if !closing && !self_closing {
                depth += 1;
                let class = attr("class").unwrap_or_default();
                let id = attr("id").unwrap_or_default();
                let quoted = class.contains("gmail_quote") || class.contains("moz-cite-prefix") || id.contains("divRplyFwdMsg") || id.contains("appendonsend");
                if skip_depth.is_none() && (quoted || matches!(name.as_str(), "head" | "style" | "script" | "title")) {
                    skip_depth = Some(depth);
                }
            }
            if closing {
                if skip_depth == Some(depth) {
                    skip_depth = None;
                }
                depth = depth.saturating_sub(1);
            }
            if skip_depth.is_some() {
                continue;
            }
            match (name.as_str(), closing) {
                ("p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "table" | "tr", false) => {
                    newline(&mut out, quote);
                    newline(&mut out, quote);
                    if let Some(level) = name.strip_prefix('h').and_then(|n| n.parse::<usize>().ok()) {
                        out.push_str(&"#".repeat(level));
                        out.push(' ');
                    }
                }
                ("p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6", true) => newline(&mut out, quote),
                ("br", _) => newline(&mut out, quote),
                ("strong" | "b", _) => out.push_str("**"),
                ("em" | "i", _) => out.push('*'),
                ("code", _) => out.push('`'),
                ("blockquote", false) => {
                    quote += 1;
                    newline(&mut out, quote);
                }
                ("blockquote", true) => {
                    quote = quote.saturating_sub(1);
                    newline(&mut out, quote);
                }
                ("ul", false) => list_stack.push((false, 0)),
                ("ol", false) => list_stack.push((true, 0)),
                ("ul" | "ol", true) => {
                    list_stack.pop();
                    newline(&mut out, quote);
                }
                ("li", false) => {
                    newline(&mut out, quote);
                    let indent = "  ".repeat(list_stack.len().saturating_sub(1));
                    out.push_str(&indent);
                    match list_stack.last_mut() {
                        Some((true, n)) => {
                            *n += 1;
                            out.push_str(&format!("{n}. "));
                        }
                        _ => out.push_str("- "),
                    }
                }
                ("a", false) => {
                    links.push(attr("href").unwrap_or_default());
                    out.push('[');
                }
                ("a", true) => {
                    let href = links.pop().unwrap_or_default();
                    if href.starts_with("http://") || href.starts_with("https://") || href.starts_with("mailto:") {
                        out.push_str(&format!("]({href})"));
                    } else {
                        out.push(']');
                    }
                }
                _ => {}
            }
            continue;
        }
        let next = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..next];
        rest = &rest[next..];
        if skip_depth.is_some() {
            continue;
        }
        let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.is_empty() {
            if text.chars().any(char::is_whitespace) && !out.ends_with([' ', '\n']) {
                out.push(' ');
            }
            continue;
        }
        if text.starts_with(char::is_whitespace) && !out.ends_with([' ', '\n']) {
            out.push(' ');
        }
        out.push_str(&crate::onebox::meta::decode_entities(&collapsed));
        if text.ends_with(char::is_whitespace) {
            out.push(' ');
        }
    }
    // Tidy: no trailing spaces, at most one blank line.
    let mut tidy = String::new();
    let mut blank = 0;
    for line in out.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.trim() == ">" {
            blank += 1;
            if blank > 1 {
                continue;
            }
            tidy.push('\n');
            continue;
        }
        blank = 0;
        tidy.push_str(line.trim_start_matches(' '));
        tidy.push('\n');
    }
    tidy.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_in_reply_addresses() {
        let p = "reply+{key}@forum.example.coop";
        assert_eq!(key_in(p, "reply+abc123@forum.example.coop").as_deref(), Some("abc123"));
        assert_eq!(key_in(p, "<Reply+ABC123@Forum.Example.Coop>").as_deref(), Some("abc123"));
        assert_eq!(key_in(p, "reply+@forum.example.coop"), None);
        assert_eq!(key_in(p, "reply+a b@forum.example.coop"), None);
        assert_eq!(key_in(p, "other@forum.example.coop"), None);
    }

    #[test]
    fn quoted_history_and_signatures_are_trimmed() {
        let gmail = "Yes, 19:00 works for us.\n\nSee you there!\n\nOn Tue, 27 Nov 2018 at 10:02, Neto <neto@facttic.example>\nwrote:\n> I will schedule the call for 7pm on 29th.\n> So that is 4pm for you I believe.\n";
        assert_eq!(trim_reply(gmail), "Yes, 19:00 works for us.\n\nSee you there!");
        let spanish = "¡Qué buena idea! Avisen si se suman.\n\nEl mar, 27 nov 2018 a las 10:02, Neto escribió:\n> texto\n";
        assert_eq!(trim_reply(spanish), "¡Qué buena idea! Avisen si se suman.");
        let signed = "Count me in.\n-- \nAna\nTech co-op\n";
        assert_eq!(trim_reply(signed), "Count me in.");
        let outlook = "Agreed.\r\n\r\n-----Original Message-----\r\nFrom: forum\r\n";
        assert_eq!(trim_reply(outlook), "Agreed.");
        let bottom_quote = "Fine by me.\n\n> earlier words\n> more\n";
        assert_eq!(trim_reply(bottom_quote), "Fine by me.");
        let inline = "> Do we need a projector?\nYes, I will bring one.\n";
        assert_eq!(trim_reply(inline), "> Do we need a projector?\nYes, I will bring one.", "quotes answered inline stay");
    }

    #[test]
    fn html_mail_becomes_markdown() {
        let html = r#"<html><head><style>p{}</style></head><body><div dir="ltr"><p>We can host the <b>call</b> &amp; the <a href="https://meet.example/room">room</a>.</p><ul><li>agenda</li><li>budget</li></ul><p>Thanks,<br>Ana</p></div><div class="gmail_quote"><div>On Tue wrote:</div><blockquote>old text</blockquote></div></body></html>"#;
        assert_eq!(html_to_markdown(html), "We can host the **call** & the [room](https://meet.example/room).\n\n- agenda\n- budget\n\nThanks,\nAna");
        assert_eq!(html_to_markdown("<p>1 &lt; 2 &#8212; ok</p><script>alert(1)</script>"), "1 < 2 — ok");
        assert_eq!(html_to_markdown(r#"<a href="javascript:alert(1)">x</a>"#), "[x]");
    }
}
