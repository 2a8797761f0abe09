//! Mail: writing messages, and the relay they go to.
//!
//! Every message is written whole when it is queued (`Letter::write`,
//! multipart text and HTML, 7-bit) and stored in the outbox in the
//! transaction that causes it; the worker (`worker.rs`) hands it to the
//! relay later. Nothing here talks to the relay but `Relay`.

pub mod accounts;
mod digest;
pub mod import;
pub mod incoming;
mod notify;
mod worker;

pub use notify::{EmailLevel, post_message_id, topic_thread};

pub use worker::Worker;

use crate::Settings;
use crate::i18n::Locale;
use askama::Template;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message, MultiPart, SinglePart};

/// How mail leaves: the relay's address and the sender's.
#[derive(Clone, Debug, Default)]
pub struct MailSettings {
    /// `smtp://user:pass@relay:587` (STARTTLS: required with a password,
    /// used when offered without one; `?tls=none` never), `smtps://…`
    /// (TLS from the start). Empty: no relay, mail waits in the outbox.
    pub smtp_url: String,
    /// The address mail comes from; empty: `noreply@` the forum's host.
    pub from: String,
    /// Where answers to notification mail go, with `{key}` where each
    /// person's key for a topic goes (`reply+{key}@forum.example.coop`).
    /// Empty: notification mail cannot be answered.
    pub reply_address: String,
}

impl MailSettings {
    /// Checks the relay's address (at start-up, so a typo is one clear line).
    pub fn check(&self) -> Result<(), String> {
        if !self.smtp_url.is_empty() {
            relay_url(&self.smtp_url)?;
        }
        if !self.from.is_empty() {
            self.from.parse::<lettre::Address>().map_err(|e| format!("mail_from {:?}: {e}", self.from))?;
        }
        if !self.reply_address.is_empty() {
            let example = self.reply_address.replace("{key}", "k0");
            if !self.reply_address.contains("{key}") || example.parse::<lettre::Address>().is_err() {
                return Err(format!("reply_address {:?} must be an address with {{key}} in it, e.g. reply+{{key}}@forum.example.coop", self.reply_address));
            }
        }
        Ok(())
    }
}

/// The host part of the forum's address, for message ids and the sender.
pub fn host(settings: &Settings) -> String {
    url::Url::parse(&settings.base_url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_else(|| "localhost".into())
}

/// The address mail comes from.
pub fn from_address(settings: &Settings) -> String {
    if settings.mail.from.is_empty() { format!("noreply@{}", host(settings)) } else { settings.mail.from.clone() }
}

/// A message id in the forum's own domain: `<local@host>`.
pub fn message_id(settings: &Settings, local: &str) -> String {
    format!("<{local}@{}>", host(settings))
}

/// A new random message id.
pub fn fresh_message_id(settings: &Settings, kind: &str) -> String {
    message_id(settings, &format!("{kind}.{}", crate::auth::random_token(12)))
}

/// A message to write: what the reader sees and the headers that thread it.
#[derive(Clone, Debug, Default)]
pub struct Letter {
    pub to: String,
    pub to_name: String,
    pub subject: String,
    pub locale: Locale,
    /// Paragraphs of plain text; each becomes a `<p>` in the HTML part.
    pub paragraphs: Vec<String>,
    /// Links listed after the paragraphs (a summary's topics): label, address.
    pub links: Vec<(String, String)>,
    /// A link to act on, shown as a button: its label and address.
    pub action: Option<(String, String)>,
    /// Paragraphs after the button (what to do if it was not you).
    pub after: Vec<String>,
    /// Sanitised HTML of a post, shown as it is on the site.
    pub post_html: Option<String>,
    /// The post's text, for the plain part.
    pub post_text: Option<String>,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// `List-Id`, and the one-click unsubscribe address (RFC 8058).
    pub list_id: Option<String>,
    pub unsubscribe: Option<String>,
    /// Where answers go (a reply address), if not to the sender.
    pub reply_to: Option<String>,
    /// Sent by the forum on its own, not by a person answering
    /// (`Auto-Submitted: auto-generated`).
    pub automatic: bool,
}

#[derive(Template)]
#[template(path = "mail.html")]
struct MailHtml<'a> {
    lang: &'a str,
    title: &'a str,
    paragraphs: &'a [String],
    links: &'a [(String, String)],
    action: Option<&'a (String, String)>,
    after: &'a [String],
    post_html: Option<&'a str>,
    footer: &'a str,
}

/// Why a message could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the address {0:?} cannot receive mail")]
    Address(String),
    #[error("{0}")]
    Build(String),
}

impl Letter {
    /// The whole message, ready for the relay.
    pub fn write(&self, settings: &Settings) -> Result<String, WriteError> {
        let from_addr: lettre::Address = from_address(settings).parse().map_err(|_| WriteError::Address(from_address(settings)))?;
        let to_addr: lettre::Address = self.to.parse().map_err(|_| WriteError::Address(self.to.clone()))?;
        let to = Mailbox::new((!self.to_name.is_empty()).then(|| self.to_name.clone()), to_addr);
        let mut builder = Message::builder()
            .from(Mailbox::new(Some(settings.title.clone()), from_addr))
            .to(to)
            .subject(self.subject.clone())
            .date_now()
            .message_id(Some(self.message_id.clone()));
        if let Some(r) = &self.reply_to {
            let addr: lettre::Address = r.parse().map_err(|_| WriteError::Address(r.clone()))?;
            builder = builder.reply_to(Mailbox::new(None, addr));
        }
        if let Some(id) = &self.in_reply_to {
            builder = builder.in_reply_to(id.clone());
        }
        if !self.references.is_empty() {
            builder = builder.references(self.references.join(" "));
        }
        let raw = |name: &'static str, value: String| HeaderValue::new(HeaderName::new_from_ascii_str(name), value);
        if let Some(list) = &self.list_id {
            builder = builder.raw_header(raw("List-Id", list.clone()));
        }
        if let Some(url) = &self.unsubscribe {
            builder = builder.raw_header(raw("List-Unsubscribe", format!("<{url}>")));
            builder = builder.raw_header(raw("List-Unsubscribe-Post", "List-Unsubscribe=One-Click".into()));
        }
        if self.automatic {
            builder = builder.raw_header(raw("Auto-Submitted", "auto-generated".into()));
        }
        let footer = crate::i18n::say(self.locale, &minga_core::text!("mail-footer", site = settings.title.as_str()));
        let html = MailHtml {
            lang: self.locale.tag(),
            title: &self.subject,
            paragraphs: &self.paragraphs,
            links: &self.links,
            action: self.action.as_ref(),
            after: &self.after,
            post_html: self.post_html.as_deref(),
            footer: &footer,
        }
        .render()
        .map_err(|e| WriteError::Build(e.to_string()))?;
        let message = builder
            .multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(self.text(&footer)))
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html)),
            )
            .map_err(|e| WriteError::Build(e.to_string()))?;
        String::from_utf8(message.formatted()).map_err(|e| WriteError::Build(e.to_string()))
    }

    /// The plain part: paragraphs, the link on a line of its own, the post.
    fn text(&self, footer: &str) -> String {
        let mut out = String::new();
        for p in &self.paragraphs {
            out.push_str(p);
            out.push_str("\n\n");
        }
        for (label, url) in &self.links {
            out.push_str(&format!("- {label}\n  {url}\n"));
        }
        if !self.links.is_empty() {
            out.push('\n');
        }
        if let Some(post) = &self.post_text {
            for line in post.lines() {
                out.push_str(line);
                out.push('\n');
            }
            out.push('\n');
        }
        if let Some((label, url)) = &self.action {
            out.push_str(&format!("{label}:\n{url}\n\n"));
        }
        for p in &self.after {
            out.push_str(p);
            out.push_str("\n\n");
        }
        out.push_str("-- \n");
        out.push_str(footer);
        out.push('\n');
        out
    }
}

/// The relay's address as lettre reads it: STARTTLS is required when the
/// address carries a password and used when offered otherwise, unless
/// `tls=` says.
pub(crate) fn relay_url(smtp_url: &str) -> Result<String, String> {
    let mut url = url::Url::parse(smtp_url).map_err(|e| format!("smtp_url {smtp_url:?}: {e}"))?;
    match url.scheme() {
        "smtp" | "smtps" => {}
        other => return Err(format!("smtp_url must start with smtp:// or smtps://, not {other}://")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("smtp_url {smtp_url:?} names no host"));
    }
    let tls = url.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.to_string());
    if url.scheme() == "smtp" {
        let keep: Vec<(String, String)> = url.query_pairs().filter(|(k, _)| k != "tls").map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let chosen = match tls.as_deref() {
            Some("none") => None,
            Some("required") | Some("opportunistic") => tls.clone(),
            Some(other) => return Err(format!("smtp_url: tls must be required, opportunistic or none, not {other:?}")),
            None if url.password().is_some() => Some("required".into()),
            None => Some("opportunistic".into()),
        };
        url.set_query(None);
        {
            let mut q = url.query_pairs_mut();
            for (k, v) in &keep {
                q.append_pair(k, v);
            }
            if let Some(t) = &chosen {
                q.append_pair("tls", t);
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
    }
    lettre::SmtpTransport::from_url(url.as_str()).map_err(|e| format!("smtp_url {smtp_url:?}: {e}"))?;
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_addresses_choose_tls_as_documented() {
        assert_eq!(relay_url("smtp://127.0.0.1:2525").unwrap(), "smtp://127.0.0.1:2525?tls=opportunistic");
        assert_eq!(relay_url("smtp://u:p@relay.example:587").unwrap(), "smtp://u:p@relay.example:587?tls=required");
        assert_eq!(relay_url("smtp://127.0.0.1:25?tls=none").unwrap(), "smtp://127.0.0.1:25");
        assert_eq!(relay_url("smtps://u:p@relay.example").unwrap(), "smtps://u:p@relay.example");
        assert!(relay_url("http://relay.example").is_err());
        assert!(relay_url("smtp://relay.example?tls=maybe").is_err());
        assert!(relay_url("not a url").is_err());
    }

    #[test]
    fn a_letter_is_multipart_seven_bit_and_threaded() {
        let settings = Settings { title: "Coöps".into(), base_url: "https://forum.example.coop".into(), ..Default::default() };
        let letter = Letter {
            to: "ana@example.coop".into(),
            to_name: "Ana Núñez".into(),
            subject: "¿Qué tal? <b>".into(),
            locale: Locale::Es,
            paragraphs: vec!["Hola & <adiós>".into()],
            action: Some(("Entrar".into(), "https://forum.example.coop/x?a=1&b=2".into())),
            message_id: message_id(&settings, "topic/7/9.3"),
            in_reply_to: Some(message_id(&settings, "topic/7")),
            references: vec![message_id(&settings, "topic/7")],
            list_id: Some("<general.forum.example.coop>".into()),
            unsubscribe: Some("https://forum.example.coop/email/unsubscribe/k".into()),
            automatic: true,
            ..Default::default()
        };
        let raw = letter.write(&settings).unwrap();
        assert!(raw.is_ascii());
        for header in [
            "Message-ID: <topic/7/9.3@forum.example.coop>",
            "In-Reply-To: <topic/7@forum.example.coop>",
            "References: <topic/7@forum.example.coop>",
            "List-Id: <general.forum.example.coop>",
            "List-Unsubscribe: <https://forum.example.coop/email/unsubscribe/k>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
            "Auto-Submitted: auto-generated",
            "Content-Type: multipart/alternative",
        ] {
            assert!(raw.contains(header), "{header} missing from\n{raw}");
        }
        let parsed = mail_parser::MessageParser::default().parse(raw.as_bytes()).unwrap();
        assert_eq!(parsed.subject(), Some("¿Qué tal? <b>"));
        let html = parsed.body_html(0).unwrap();
        assert!(html.contains("Hola &#38; &#60;adiós&#62;") && !html.contains("<adiós>"), "{html}");
        assert!(html.contains("href=\"https://forum.example.coop/x?a=1&#38;b=2\""), "{html}");
        let text = parsed.body_text(0).unwrap();
        assert!(text.contains("Hola & <adiós>") && text.contains("https://forum.example.coop/x?a=1&b=2"), "{text}");
    }
}
