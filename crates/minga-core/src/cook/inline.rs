//! Transforms inside runs of text: emoji, @mentions, local dates, inline
//! spoilers and bare links. Runs inside code, links and images are only
//! escaped.

use super::render::{Site, escape_attr, escape_text, url_allowed};
use super::{Resolver, dates, emoji};

pub struct Inline<'a> {
    pub resolver: &'a dyn Resolver,
    pub site: &'a Site,
    pub mentions: Vec<String>,
    pub groups: Vec<String>,
    /// Set for posts made only of emoji, which show larger.
    pub only_emoji: bool,
}

/// Whether a byte may start a construct (or needs escaping; 0xC2 starts
/// U+00A0).
fn special(b: u8) -> bool {
    matches!(b, b':' | b'@' | b'[' | b'h' | b'&' | b'<' | b'>' | 0xC2)
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Inline<'_> {
    /// Writes `text` as HTML with every construct it contains. Inside a
    /// link (`in_link`) only emoji apply: no mentions, dates or nested links.
    pub fn text(&mut self, text: &str, out: &mut String, in_link: bool) {
        let linkify = !in_link;
        let mut i = 0;
        let mut prev: Option<char> = None;
        let bytes = text.as_bytes();
        // An inline spoiler opened after the last close cannot close: not
        // searching for one keeps thousands of `[spoiler]` linear. Found
        // at the first `[spoiler]`, if any.
        let mut last_close: Option<Option<usize>> = None;
        while i < text.len() {
            // Plain text up to the next byte that could matter goes out whole.
            let run = bytes[i..].iter().position(|b| special(*b)).unwrap_or(bytes.len() - i);
            if run > 0 {
                out.push_str(&text[i..i + run]);
                prev = text[..i + run].chars().next_back();
                i += run;
                continue;
            }
            let rest = &text[i..];
            let c = rest.chars().next().expect("in bounds");
            let boundary = prev.is_none_or(|p| !is_word(p));
            let used = match c {
                '[' if rest.starts_with("[spoiler]") && last_close.get_or_insert_with(|| text.rfind("[/spoiler]")).is_none_or(|c| c < i) => None,
                ':' => self.emoji(rest, out),
                '@' if linkify && boundary && prev != Some('@') => self.mention(rest, out),
                '[' if linkify => self.bracket(rest, out),
                'h' if boundary && linkify => link(rest, out, self.site),
                _ => None,
            };
            match used {
                Some(n) => {
                    prev = text[..i + n].chars().next_back();
                    i += n;
                }
                None => {
                    escape_text(out, &rest[..c.len_utf8()]);
                    prev = Some(c);
                    i += c.len_utf8();
                }
            }
        }
    }

    fn emoji(&mut self, s: &str, out: &mut String) -> Option<usize> {
        let (code, tone, used) = emoji::parse(s)?;
        let unicode = emoji::lookup(code, tone)?;
        let class = if self.only_emoji { "emoji only-emoji" } else { "emoji" };
        out.push_str(&format!("<span class=\"{class}\" title=\":{code}:\">{unicode}</span>"));
        Some(used)
    }

    fn mention(&mut self, s: &str, out: &mut String) -> Option<usize> {
        let name: &str = {
            let body = &s[1..];
            let end = body.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))).unwrap_or(body.len());
            body[..end].trim_end_matches(['.', '-'])
        };
        if name.len() < 2 || name.len() > 60 {
            return None;
        }
        let lower = name.to_ascii_lowercase();
        if let Some(user) = self.resolver.user(&lower) {
            out.push_str("<a class=\"mention\" href=\"/u/");
            escape_attr(out, &user);
            out.push_str("\">@");
            escape_text(out, &user);
            out.push_str("</a>");
            if !self.mentions.contains(&lower) {
                self.mentions.push(lower);
            }
        } else if let Some(group) = self.resolver.group(&lower) {
            out.push_str("<a class=\"mention-group\" href=\"/g/");
            escape_attr(out, &group);
            out.push_str("\">@");
            escape_text(out, &group);
            out.push_str("</a>");
            if !self.groups.contains(&lower) {
                self.groups.push(lower);
            }
        } else {
            return None;
        }
        Some(1 + name.len())
    }

    fn bracket(&mut self, s: &str, out: &mut String) -> Option<usize> {
        if s.starts_with("[date") {
            let (html, used) = dates::parse(s)?;
            out.push_str(&html);
            return Some(used);
        }
        let inner = s.strip_prefix("[spoiler]")?;
        let end = inner.find("[/spoiler]")?;
        out.push_str("<span class=\"spoiler\" tabindex=\"0\">");
        self.text(&inner[..end], out, false);
        out.push_str("</span>");
        Some("[spoiler]".len() + end + "[/spoiler]".len())
    }
}

/// The length of a bare `http(s)://` URL at the start of `s`, without
/// trailing punctuation (and without a closing bracket it did not open).
pub fn url_len(s: &str) -> Option<usize> {
    if !(s.starts_with("http://") || s.starts_with("https://")) {
        return None;
    }
    let mut end = s.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`')).unwrap_or(s.len());
    // Brackets are counted once and kept up to date as the end moves back,
    // so a URL followed by thousands of `)` costs no more than its length.
    let opens = s[..end].matches('(').count();
    let mut closes = s[..end].matches(')').count();
    loop {
        let last = s[..end].chars().next_back()?;
        let unbalanced = last == ')' && opens < closes;
        if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '*' | '_') || unbalanced {
            closes -= usize::from(last == ')');
            end -= last.len_utf8();
        } else {
            break;
        }
    }
    let scheme = if s.starts_with("https://") { 8 } else { 7 };
    (end > scheme).then_some(end)
}

fn link(s: &str, out: &mut String, site: &Site) -> Option<usize> {
    let n = url_len(s)?;
    let url = &s[..n];
    // Only what parses as a URL is linked (`https://€` is not).
    if !url_allowed(url) {
        return None;
    }
    out.push_str("<a href=\"");
    escape_attr(out, url);
    out.push('"');
    site.rel(out, url);
    out.push('>');
    escape_text(out, url);
    out.push_str("</a>");
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Names;
    impl Resolver for Names {
        fn user(&self, lower: &str) -> Option<String> {
            ["neto", "sol.verniers"].contains(&lower).then(|| if lower == "neto" { "Neto".into() } else { lower.into() })
        }
        fn group(&self, lower: &str) -> Option<String> {
            (lower == "facttic").then(|| "facttic".into())
        }
    }

    fn run(text: &str) -> (String, Vec<String>) {
        let site = Site::new("https://forum.example.coop");
        let mut inline = Inline { resolver: &Names, site: &site, mentions: vec![], groups: vec![], only_emoji: false };
        let mut out = String::new();
        inline.text(text, &mut out, false);
        (out, inline.mentions)
    }

    #[test]
    fn mentions_link_known_people_only() {
        let (html, mentions) = run("Hey @NETO and @sol.verniers. Also @nobody, mail a@neto.org");
        assert!(html.contains(r#"<a class="mention" href="/u/Neto">@Neto</a>"#), "{html}");
        assert!(html.contains(r#"<a class="mention" href="/u/sol.verniers">@sol.verniers</a>."#), "{html}");
        assert!(html.contains("@nobody"));
        assert!(html.contains("a@neto.org"), "an e-mail is not a mention: {html}");
        assert_eq!(mentions, vec!["neto", "sol.verniers"]);
        let (html, _) = run("thanks @facttic!");
        assert!(html.contains(r#"<a class="mention-group" href="/g/facttic">@facttic</a>!"#), "{html}");
    }

    #[test]
    fn emoji_and_unknown_codes() {
        let (html, _) = run("hi :smile: and :nope: 10:30:45");
        assert!(html.contains(r#"<span class="emoji" title=":smile:">😄</span>"#), "{html}");
        assert!(html.contains(":nope:") && html.contains("10:30:45"), "{html}");
    }

    #[test]
    fn bare_links_and_punctuation() {
        let (html, _) = run("see https://example.org/a_(b). Or (https://example.org/x).");
        assert!(html.contains(r#"<a href="https://example.org/a_(b)" rel="nofollow ugc noopener">https://example.org/a_(b)</a>."#), "{html}");
        assert!(html.contains(r#"(<a href="https://example.org/x" rel="nofollow ugc noopener">https://example.org/x</a>)."#), "{html}");
    }

    #[test]
    fn spoilers_and_escaping() {
        let (html, _) = run("[spoiler]secret <b>[/spoiler] & more");
        assert_eq!(html, r#"<span class="spoiler" tabindex="0">secret &lt;b&gt;</span> &amp; more"#);
    }
}
