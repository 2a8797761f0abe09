//! Cooking: turning a post's raw Markdown into the HTML that readers see.
//!
//! The pipeline is parse → transform events → render → sanitise. Dialect
//! features (emoji, mentions, quotes, local dates, oneboxes) are event
//! transforms that slot in before rendering; whatever they emit passes the
//! same sanitiser, so no extension can open a hole.

use pulldown_cmark::{Event, Options, Parser, html};
use std::sync::OnceLock;

/// What cooking a post produces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cooked {
    pub html: String,
    /// Lower-cased names after `@`, for notifications and links.
    pub mentions: Vec<String>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_GFM
}

pub fn cook(raw: &str) -> Cooked {
    // Discourse treats a single newline as a line break, not a space.
    let events = Parser::new_ext(raw, options()).map(|event| match event {
        Event::SoftBreak => Event::HardBreak,
        other => other,
    });
    let mut unsafe_html = String::with_capacity(raw.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events);
    Cooked { html: sanitizer().clean(&unsafe_html).to_string(), mentions: Vec::new() }
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.link_rel(Some("nofollow ugc noopener"))
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("code", ["class"])
            .add_tag_attributes("th", ["style"])
            .add_tag_attributes("td", ["style"])
            .add_tag_attributes("ol", ["start"])
            .add_tag_attributes("li", ["id"])
            .add_tag_attributes("sup", ["id"])
            .add_tag_attributes("div", ["class"]);
        b
    })
}

/// Plain text of cooked HTML, cut at a word boundary near `max` characters
/// with an ellipsis, for topic lists, cards and previews.
pub fn excerpt(cooked_html: &str, max: usize) -> String {
    let mut text = String::with_capacity(max.min(cooked_html.len()));
    let mut in_tag = false;
    let mut chars = cooked_html.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' => {
                in_tag = true;
                if !text.ends_with(' ') && !text.is_empty() {
                    text.push(' ');
                }
            }
            '>' => in_tag = false,
            '&' if !in_tag => {
                let mut entity = String::new();
                while let Some(&n) = chars.peek() {
                    chars.next();
                    if n == ';' || entity.len() > 8 {
                        break;
                    }
                    entity.push(n);
                }
                text.push(match entity.as_str() {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "#39" | "apos" => '\'',
                    "nbsp" => ' ',
                    _ => ' ',
                });
            }
            _ if in_tag => {}
            c if c.is_whitespace() => {
                if !text.ends_with(' ') && !text.is_empty() {
                    text.push(' ');
                }
            }
            c => text.push(c),
        }
        if text.chars().count() > max + 1 {
            break;
        }
    }
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches(|c: char| c.is_ascii_punctuation() || c == ' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_and_line_breaks() {
        let c = cook("Hello **world**\nsecond line\n\n- one\n- two");
        assert!(c.html.contains("<strong>world</strong>"), "{}", c.html);
        assert!(c.html.contains("<br>"), "{}", c.html);
        assert!(c.html.contains("<li>one</li>"), "{}", c.html);
    }

    #[test]
    fn scripts_are_removed() {
        let c = cook("<script>alert(1)</script><img src=x onerror=alert(1)>\n\n[a](javascript:alert(1))");
        assert!(!c.html.contains("<script"), "{}", c.html);
        assert!(!c.html.contains("onerror"), "{}", c.html);
        assert!(!c.html.contains("href=\"javascript"), "{}", c.html);
        assert!(c.html.contains("<a"), "the link itself stays, without its href: {}", c.html);
    }

    #[test]
    fn external_links_get_rel() {
        let c = cook("<https://example.org>");
        assert!(c.html.contains(r#"rel="nofollow ugc noopener""#), "{}", c.html);
    }

    #[test]
    fn excerpts_cut_cleanly() {
        assert_eq!(excerpt("<p>Hello &amp; <b>welcome</b></p>", 300), "Hello & welcome");
        let long = format!("<p>{}</p>", "word ".repeat(100));
        let e = excerpt(&long, 50);
        assert!(e.ends_with('…') && e.chars().count() <= 51, "{e}");
        assert!(!e.contains("wor…"), "{e}");
    }
}
