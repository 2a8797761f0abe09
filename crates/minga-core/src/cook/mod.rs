//! Cooking: turning a post's raw text into the HTML that readers see, in
//! Discourse's dialect.
//!
//! 1. `blocks` splits the raw text into Markdown and block BBCode
//!    (`[quote]`, `[details]`, `[spoiler]`), nesting bounded.
//! 2. Lines that are a lone URL become onebox markers (`onebox`).
//! 3. Each Markdown part is parsed (CommonMark + GFM, single newlines are
//!    line breaks) and its text runs get emoji, mentions, local dates,
//!    inline spoilers and bare links (`inline`), never inside code or links.
//! 4. `render` writes the HTML safe by construction: allowlisted elements
//!    only, every text and attribute escaped, link and image URLs held to
//!    http, https, mailto or relative. Emoji, mentions, dates, quotes and
//!    oneboxes are written the same way.
//! 5. Only a post with HTML of its author's (`<kbd>`, `<sup>`, anything
//!    else) goes through the allowlist sanitiser (`sanitize`), whole.
//!    Re-parsing every post as HTML would cost more than all the rest.
//!
//! Work is linear in the input and nesting is bounded, so any input cooks
//! in bounded time and memory, and cooking never fails.

mod blocks;
mod dates;
mod emoji;
mod inline;
pub mod onebox;
mod render;
mod sanitize;

use blocks::{BlockKind, Node};
use inline::Inline;
use onebox::Target;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use render::{Render, Site, escape_attr, escape_text};

/// HTML-escapes text or a double-quoted attribute value (`& " < >` and
/// U+00A0), as cooking does.
pub fn inline_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_attr(&mut out, s);
    out
}

/// Looks up who a mention names. Cooking is pure: the caller fetches the
/// candidates (see `mention_candidates`) before cooking.
pub trait Resolver {
    /// The username, as spelled by its owner, of the user `lower` names.
    fn user(&self, lower: &str) -> Option<String>;
    /// The name of the group `lower` names.
    fn group(&self, _lower: &str) -> Option<String> {
        None
    }
}

/// Resolves nothing: every `@name` stays text.
pub struct NoOne;

impl Resolver for NoOne {
    fn user(&self, _: &str) -> Option<String> {
        None
    }
}

/// What cooking a post produces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cooked {
    pub html: String,
    /// Lower-cased usernames mentioned, for notifications.
    pub mentions: Vec<String>,
    /// Lower-cased group names mentioned.
    pub group_mentions: Vec<String>,
    /// Links alone on their line, shown as cards.
    pub oneboxes: Vec<Target>,
    /// Lower-cased usernames of the people quoted (`[quote="name, …"]`).
    pub quoted: Vec<String>,
    /// This forum's topics (and posts) the post links to.
    pub links: Vec<(i64, Option<i64>)>,
}

/// Where the forum lives, so links to its own topics are recognised.
#[derive(Clone, Debug, Default)]
pub struct CookOptions<'a> {
    pub base_url: &'a str,
}

/// Deepest nesting of Markdown elements kept in a post.
const MAX_NESTING: usize = 32;

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// Cooks without resolving mentions or recognising internal links.
pub fn cook_plain(raw: &str) -> Cooked {
    cook(raw, &CookOptions::default(), &NoOne)
}

pub fn cook(raw: &str, options: &CookOptions<'_>, resolver: &dyn Resolver) -> Cooked {
    cook_traced(raw, options, resolver).0
}

/// Cooks, and says whether the post held HTML of its author's and so went
/// through the sanitiser. Without it, the output is safe by construction
/// (`render`); tests and the fuzzer check that the sanitiser would leave
/// it unchanged.
#[doc(hidden)]
pub fn cook_traced(raw: &str, options: &CookOptions<'_>, resolver: &dyn Resolver) -> (Cooked, bool) {
    // Line endings and NUL as an HTML parser would read them.
    let normalised;
    let raw = if raw.contains(['\r', '\0']) {
        normalised = raw.replace("\r\n", "\n").replace('\r', "\n").replace('\0', "\u{fffd}");
        normalised.as_str()
    } else {
        raw
    };
    let site = Site::new(options.base_url);
    let mut cooker = Cooker {
        inline: Inline { resolver, site: &site, mentions: Vec::new(), groups: Vec::new(), only_emoji: only_emoji(raw) },
        options,
        site: &site,
        oneboxes: Vec::new(),
        markers: Vec::new(),
        raw_html: false,
        quoted: Vec::new(),
    };
    let mut out = String::with_capacity(raw.len() * 3 / 2 + 64);
    cooker.nodes(&blocks::parse(raw), &mut out);
    let sanitised = cooker.raw_html;
    let html = if sanitised {
        sanitize::clean(&out, &site)
    } else {
        out
    };
    let links = topic_links(&html, options.base_url);
    let cooked = Cooked {
        html,
        mentions: cooker.inline.mentions,
        group_mentions: cooker.inline.groups,
        oneboxes: cooker.oneboxes,
        quoted: cooker.quoted,
        links,
    };
    (cooked, sanitised)
}

/// The allowlist sanitiser every post with raw HTML passes, for tests.
#[doc(hidden)]
pub fn sanitize(html: &str, options: &CookOptions<'_>) -> String {
    sanitize::clean(html, &Site::new(options.base_url))
}

/// Every `@name` in the text, lower-cased, for the caller to look up.
pub fn mention_candidates(raw: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut prev = ' ';
    for (i, c) in raw.char_indices() {
        if c == '@' && !(prev.is_alphanumeric() || prev == '_') {
            let body = &raw[i + 1..];
            let end = body.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))).unwrap_or(body.len());
            let name = body[..end].trim_end_matches(['.', '-']).to_ascii_lowercase();
            if name.len() >= 2 && name.len() <= 60 && !names.contains(&name) {
                names.push(name);
                if names.len() >= 100 {
                    break;
                }
            }
        }
        prev = c;
    }
    names
}

/// A post of a few emoji and nothing else shows them larger.
fn only_emoji(raw: &str) -> bool {
    if raw.len() > 400 || !raw.trim_start().starts_with(':') {
        return false;
    }
    let mut count = 0;
    for t in raw.split_whitespace() {
        count += 1;
        let is_emoji = matches!(emoji::parse(t), Some((code, tone, used)) if used == t.len() && emoji::lookup(code, tone).is_some());
        if count > 5 || !is_emoji {
            return false;
        }
    }
    count > 0
}

struct Cooker<'a> {
    inline: Inline<'a>,
    options: &'a CookOptions<'a>,
    site: &'a Site,
    oneboxes: Vec<Target>,
    /// The onebox markers put into the Markdown, which are not the author's HTML.
    markers: Vec<String>,
    /// Whether the author wrote HTML, which then needs the sanitiser.
    raw_html: bool,
    quoted: Vec<String>,
}

/// The topics of this forum that cooked HTML links to, each once.
fn topic_links(html: &str, base_url: &str) -> Vec<(i64, Option<i64>)> {
    const LOCAL: &str = "http://local.invalid";
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("href=\"") {
        rest = &rest[at + 6..];
        let end = rest.find('"').unwrap_or(rest.len());
        let href = &rest[..end];
        let target = if href.starts_with('/') && !href.starts_with("//") {
            onebox::target(&format!("{LOCAL}{href}"), LOCAL)
        } else if base_url.is_empty() {
            continue;
        } else {
            onebox::target(href, base_url)
        };
        if let Target::Topic { id, post_number } = target
            && !found.contains(&(id, post_number))
        {
            found.push((id, post_number));
        }
    }
    found
}

impl Cooker<'_> {
    fn nodes(&mut self, nodes: &[Node], out: &mut String) {
        for node in nodes {
            match node {
                Node::Markdown(text) => self.markdown(text, out),
                Node::Block { kind, children } => self.block(kind, children, out),
            }
        }
    }

    fn block(&mut self, kind: &BlockKind, children: &[Node], out: &mut String) {
        match kind {
            BlockKind::Quote {
                username,
                post,
                topic,
            } => {
                let username = username.as_deref().filter(|u| {
                    !u.is_empty()
                        && u.chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
                });
                if let Some(name) = username.map(str::to_ascii_lowercase)
                    && !self.quoted.contains(&name)
                {
                    self.quoted.push(name);
                }
                match username {
                    Some(name) => {
                        out.push_str("<aside class=\"quote\" data-username=\"");
                        escape_attr(out, name);
                        out.push('"');
                        if let Some(p) = post {
                            out.push_str(&format!(" data-post=\"{p}\""));
                        }
                        if let Some(t) = topic {
                            out.push_str(&format!(" data-topic=\"{t}\""));
                        }
                        out.push_str(">\n<div class=\"title\"><img alt=\"\" width=\"24\" height=\"24\" class=\"avatar\" src=\"/letter_avatar/");
                        escape_attr(out, &name.to_ascii_lowercase());
                        out.push_str("/48/1.svg\"> ");
                        escape_text(out, name);
                        out.push(':');
                        if let (Some(p), Some(t)) = (post, topic) {
                            out.push_str(&format!(" <a class=\"quote-link\" href=\"/t/{t}/{p}\" title=\"go to the quoted post\">↑</a>"));
                        }
                        out.push_str("</div>\n");
                    }
                    None => out.push_str("<aside class=\"quote no-group\">\n"),
                }
                out.push_str("<blockquote>\n");
                self.nodes(children, out);
                out.push_str("</blockquote>\n</aside>\n");
            }
            BlockKind::Details { summary } => {
                out.push_str("<details>\n<summary>");
                escape_text(out, summary);
                out.push_str("</summary>\n");
                self.nodes(children, out);
                out.push_str("</details>\n");
            }
            BlockKind::Spoiler => {
                out.push_str("<div class=\"spoiler\" tabindex=\"0\">\n");
                self.nodes(children, out);
                out.push_str("</div>\n");
            }
        }
    }

    /// Replaces lines that are a lone URL with onebox markers, which
    /// CommonMark then keeps as HTML blocks of their own.
    fn mark_oneboxes<'t>(&mut self, text: &'t str) -> std::borrow::Cow<'t, str> {
        if !text.contains("http") {
            return std::borrow::Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + 64);
        let mut fence: Option<char> = None;
        let mut changed = false;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim();
            let first = trimmed.chars().next();
            if matches!(first, Some('`' | '~')) && trimmed.starts_with(&first.unwrap().to_string().repeat(3)) {
                fence = match fence {
                    None => first,
                    Some(f) if Some(f) == first => None,
                    other => other,
                };
            }
            let indented = line.starts_with("    ") || line.starts_with('\t');
            if fence.is_none() && !indented && inline::url_len(trimmed) == Some(trimmed.len()) && render::url_allowed(trimmed) && self.oneboxes.len() < 50 {
                let target = onebox::target(trimmed, self.options.base_url);
                let marker = onebox::marker(trimmed, &target, self.site);
                out.push('\n');
                out.push_str(&marker);
                out.push_str("\n\n");
                self.markers.push(marker);
                self.oneboxes.push(target);
                changed = true;
            } else {
                out.push_str(line);
            }
        }
        if changed { std::borrow::Cow::Owned(out) } else { std::borrow::Cow::Borrowed(text) }
    }

    fn markdown(&mut self, text: &str, out: &mut String) {
        let text = self.mark_oneboxes(text);
        let mut render = Render::new(self.site);
        let mut pending = String::new();
        // Elements nested past MAX_NESTING are dropped (their text stays):
        // no post needs more, and browsers' work grows with depth. A
        // table's rows and cells go with the table, kept or dropped whole.
        let mut open: Vec<bool> = Vec::new();
        let mut kept = 0usize;
        let mut table_kept = false;
        // Inside code, links and images text is only escaped.
        let (mut in_code, mut in_link) = (false, 0u32);
        for event in Parser::new_ext(&text, options()) {
            if render.in_image() {
                // The image's own end closes it like any element.
                if render.image_event(out, event) {
                    open.pop();
                    kept = kept.saturating_sub(1);
                }
                continue;
            }
            if let Event::Text(t) = &event {
                pending.push_str(t);
                continue;
            }
            self.flush(&mut pending, in_code, in_link > 0, &mut render, out);
            match &event {
                Event::Start(Tag::CodeBlock(_)) => in_code = true,
                Event::End(TagEnd::CodeBlock) => in_code = false,
                Event::Start(Tag::Link { .. }) => in_link += 1,
                Event::End(TagEnd::Link) => in_link = in_link.saturating_sub(1),
                _ => {}
            }
            match event {
                Event::Start(tag) => {
                    let keep = match tag {
                        Tag::TableHead | Tag::TableRow | Tag::TableCell => table_kept,
                        _ => kept < MAX_NESTING,
                    };
                    if matches!(tag, Tag::Table(_)) {
                        table_kept = keep;
                    }
                    open.push(keep);
                    if keep {
                        kept += 1;
                        render.start(out, tag);
                    }
                }
                Event::End(tag) => {
                    if open.pop().unwrap_or(true) {
                        kept = kept.saturating_sub(1);
                        render.end(out, tag);
                    }
                }
                Event::Html(ref html) | Event::InlineHtml(ref html) => {
                    // Onebox markers are ours; anything else is the author's
                    // HTML, and the whole post then goes through the sanitiser.
                    if !self.markers.iter().any(|m| html.trim_end_matches('\n') == m) {
                        self.raw_html = true;
                    }
                    render.other(out, event);
                }
                other => render.other(out, other),
            }
        }
        self.flush(&mut pending, in_code, in_link > 0, &mut render, out);
    }

    /// Writes a run of text: escaped inside code, with emoji, mentions and
    /// the rest elsewhere.
    fn flush(&mut self, pending: &mut String, in_code: bool, in_link: bool, render: &mut Render<'_, '_>, out: &mut String) {
        if pending.is_empty() {
            return;
        }
        if in_code {
            escape_text(out, pending);
        } else {
            self.inline.text(pending, out, in_link);
        }
        render.wrote_text(pending);
        pending.clear();
    }
}

/// Plain text of cooked HTML, cut at a word boundary near `max` characters
/// with an ellipsis, for topic lists, cards and previews. Block elements
/// (paragraphs, list items, line breaks…) become spaces; inline ones
/// (`<strong>`, `<a>`…) vanish without one, so "<strong>14 November</strong>."
/// reads "14 November." and not "14 November .".
pub fn excerpt(cooked_html: &str, max: usize) -> String {
    let mut text = String::with_capacity(max.min(cooked_html.len()) + 8);
    // Characters in `text`, kept as we go rather than counted again.
    let mut count = 0usize;
    let mut chars = cooked_html.chars().peekable();
    let mut push = |text: &mut String, c: char| {
        if c.is_whitespace() {
            if text.is_empty() || text.ends_with(' ') {
                return count;
            }
            text.push(' ');
        } else {
            text.push(c);
        }
        count += 1;
        count
    };
    while let Some(c) = chars.next() {
        let n = match c {
            '<' => {
                let mut tag = String::new();
                for t in chars.by_ref() {
                    if t == '>' {
                        break;
                    }
                    if tag.len() < 16 {
                        tag.push(t);
                    }
                }
                if is_block_tag(&tag) { push(&mut text, ' ') } else { 0 }
            }
            '&' => {
                let mut entity = String::new();
                while let Some(&n) = chars.peek() {
                    chars.next();
                    if n == ';' || entity.len() > 8 {
                        break;
                    }
                    entity.push(n);
                }
                push(&mut text, decode_entity(&entity))
            }
            c => push(&mut text, c),
        };
        if n > max + 1 {
            break;
        }
    }
    shorten(&text, max)
}

/// Plain text cut at a word boundary near `max` characters, with an
/// ellipsis when something was cut. For text that is already plain (a
/// stored excerpt): it reads no markup and no entities.
pub fn shorten(text: &str, max: usize) -> String {
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

/// Whether a tag (its text between `<` and `>`) separates words.
fn is_block_tag(tag: &str) -> bool {
    let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    matches!(
        name.as_str(),
        "p" | "br" | "div" | "li" | "ul" | "ol" | "blockquote" | "pre" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "hr"
            | "table" | "thead" | "tbody" | "tr" | "td" | "th" | "aside" | "details" | "summary" | "img" | "dd" | "dt" | "dl"
    )
}

fn decode_entity(entity: &str) -> char {
    let numeric = entity.strip_prefix('#').and_then(|n| match n.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => n.parse().ok(),
    });
    if let Some(code) = numeric {
        return char::from_u32(code).filter(|c| !c.is_control()).unwrap_or(' ');
    }
    match entity {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => ' ',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Seed;
    impl Resolver for Seed {
        fn user(&self, lower: &str) -> Option<String> {
            ["neto", "chris", "solverniers"].contains(&lower).then(|| lower.to_string())
        }
    }

    fn cook_seed(raw: &str) -> Cooked {
        cook(raw, &CookOptions { base_url: "https://forum.example.coop" }, &Seed)
    }

    #[test]
    fn markdown_and_line_breaks() {
        let c = cook_plain("Hello **world**\nsecond line\n\n- one\n- two");
        assert!(c.html.contains("<strong>world</strong>"), "{}", c.html);
        assert!(c.html.contains("<br>"), "{}", c.html);
        assert!(c.html.contains("<li>one</li>"), "{}", c.html);
    }

    #[test]
    fn scripts_are_removed() {
        let c = cook_plain("<script>alert(1)</script><img src=x onerror=alert(1)>\n\n[a](javascript:alert(1))");
        assert!(!c.html.contains("<script"), "{}", c.html);
        assert!(!c.html.contains("onerror"), "{}", c.html);
        assert!(!c.html.contains("href=\"javascript"), "{}", c.html);
        assert!(c.html.contains("<a"), "the link itself stays, without its href: {}", c.html);
    }

    #[test]
    fn only_checkboxes_and_no_cite_urls() {
        let c = cook_plain("<form><input type=text name=x><input></form>\n\n- [x] done\n\n<blockquote cite=\"javascript:alert(1)\">q</blockquote><map><area href=\"javascript:x\"></map>");
        assert_eq!(c.html.matches("<input").count(), 1, "{}", c.html);
        assert!(c.html.contains("type=\"checkbox\""), "{}", c.html);
        assert!(!c.html.contains("cite=") && !c.html.contains("<area") && !c.html.contains("javascript"), "{}", c.html);
    }

    #[test]
    fn deep_nesting_cooks_quickly() {
        let started = std::time::Instant::now();
        for raw in [">".repeat(31_000) + " x", "1. ".repeat(10_333), "> - ".repeat(7_750)] {
            let c = cook_plain(&raw);
            assert!(c.html.matches("<blockquote>").count() <= MAX_NESTING, "nesting is capped");
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
    }

    #[test]
    fn only_the_authors_html_goes_through_the_sanitiser() {
        let options = CookOptions { base_url: "https://forum.example.coop" };
        let plain = "**hi** @neto :smile: [a](https://example.org \"t\") ![i](/a.png)\n\nhttps://example.org/page\n\n| a | b |\n|:-|-:|\n| 1 | 2 |";
        let (c, sanitised) = cook_traced(plain, &options, &Seed);
        assert!(!sanitised, "{}", c.html);
        assert_eq!(sanitize(&c.html, &options), c.html);
        assert!(!c.html.contains("style="), "no alignment styles: {}", c.html);
        let (c, sanitised) = cook_traced("press <kbd>Ctrl</kbd> <b onclick=x>now</b>", &options, &Seed);
        assert!(sanitised);
        assert!(c.html.contains("<kbd>Ctrl</kbd> <b>now</b>"), "{}", c.html);
    }

    #[test]
    fn unsafe_urls_lose_their_href_without_the_sanitiser() {
        for raw in ["[a](javascript:alert(1))", "[a](<JaVaScRiPt:alert(1)>)", "<javascript:alert(1)>", "![i](data:text/html,x)", "[a](vbscript:x)"] {
            let (c, sanitised) = cook_traced(raw, &CookOptions::default(), &NoOne);
            assert!(!sanitised, "{raw}");
            assert!(!c.html.contains("href=") && !c.html.contains("src="), "{raw}: {}", c.html);
            assert_eq!(sanitize(&c.html, &CookOptions::default()), c.html, "{raw}");
        }
        let c = cook_plain("https://\u{fffd} and [b](/t/1?x=1&y='2')");
        assert!(c.html.contains(r#"<a href="/t/1?x=1&amp;y='2'">b</a>"#), "{}", c.html);
        assert!(!c.html.contains("href=\"https://\u{fffd}"), "{}", c.html);
    }

    /// 32,000 characters (the longest post) of any one construct cook in
    /// bounded time and space, and what skips the sanitiser would pass it
    /// unchanged. The time bound is loose (unoptimised builds, a shared
    /// machine): it catches quadratic work, which takes minutes here.
    #[test]
    fn thirty_two_thousand_characters_of_one_construct() {
        let units = [
            ":smile: ", ":+1:t3:", "@neto ", "@neto", "https://example.org/x ", "https://example.org/x\n", "**b** ", "*", "_", "`",
            "``", "[", "]", "(", "[a](", "![", "![a](", "[a](javascript:x) ", "<https://example.org> ", "<", "&amp;", "&#", "|",
            "| a ", "|-", "~~", "[quote]\n", "[/quote]\n", "[quote=\"neto, post:1, topic:2\"]\n", "[details=x]\n", "[spoiler]",
            "[/spoiler]", "[date=2018-11-29] ", "[date=2018-11-29 time=19:00:00 timezone=\"Europe/London\"]", "> ", "- ", "1. ",
            "- [ ] ", "# ", "```\n", "    x\n", "\\", "\n", "\r\n", "\0", "\u{a0}", "é", "😄", "<b>", "</b>", "<!--",
            "[date", "[date ", ":a", ")", "https://example.org/)", "https://example.org/(",
        ];
        let options = CookOptions { base_url: "https://forum.example.coop" };
        let tails = ["https://example.org/".to_string() + &")".repeat(31_980), "x ".repeat(100) + &":".repeat(100) + &"a".repeat(31_700)];
        for raw in units.iter().map(|unit| unit.repeat(32_000 / unit.len())).chain(tails) {
            let unit = &raw[..raw.len().min(24)];
            let started = std::time::Instant::now();
            let (c, sanitised) = cook_traced(&raw, &options, &Seed);
            let took = started.elapsed();
            assert!(took < std::time::Duration::from_secs(4), "{unit:?}: {took:?}");
            assert!(c.html.len() <= 64 * raw.len(), "{unit:?}: {} bytes", c.html.len());
            if !sanitised {
                assert!(sanitize(&c.html, &options) == c.html, "{unit:?}: the sanitiser would change it");
            }
        }
    }

    #[test]
    fn many_images_do_not_count_as_nesting() {
        let raw = "![a](/a.png) ".repeat(40) + "[after](/t/1) **bold**\n\n> quoted";
        let c = cook_plain(&raw);
        assert_eq!(c.html.matches("<img").count(), 40, "{}", c.html);
        assert!(c.html.contains(r#"<a href="/t/1">after</a> <strong>bold</strong>"#), "{}", c.html);
        assert!(c.html.contains("<blockquote>"), "{}", c.html);
    }

    #[test]
    fn external_links_get_rel() {
        let c = cook_plain("see <https://example.org> and https://example.com/x");
        assert!(c.html.contains(r#"<a href="https://example.org" rel="nofollow ugc noopener">"#), "{}", c.html);
        assert!(c.html.contains(r#"<a href="https://example.com/x" rel="nofollow ugc noopener">"#), "{}", c.html);
    }

    #[test]
    fn links_within_the_site_get_no_rel() {
        let raw = "@neto [a](/t/1) [b](https://forum.example.coop/u/neto) [c](//example.org) [d](/\\example.org)\n\n[quote=\"neto, post:1, topic:2\"]\nq\n[/quote]\n\nhttps://forum.example.coop/t/x/12";
        for (extra, sanitised) in [("", false), ("\n\n<kbd>k</kbd> <a href=\"/t/2\">e</a> <a href=\" //example.org\">f</a> <a href=\"/\\example.org\">g</a>", true)] {
            let (c, s) = cook_traced(&format!("{raw}{extra}"), &CookOptions { base_url: "https://forum.example.coop" }, &Seed);
            assert_eq!(s, sanitised);
            let html = &c.html;
            // `\\` is percent-encoded in Markdown links, so (d) stays on the site.
            for internal in [r#"href="/u/neto">"#, r#"href="/t/1">a<"#, r#"href="/%5Cexample.org">d<"#, r#"href="https://forum.example.coop/u/neto">"#, r#"href="/t/2/1" title="go to the quoted post">"#, r#"href="https://forum.example.coop/t/x/12">"#] {
                assert!(html.contains(internal), "{internal} in {html}");
            }
            assert!(html.contains(r#"href="//example.org" rel="nofollow ugc noopener">"#), "{html}");
            if sanitised {
                assert!(html.contains(r#"<a href="/t/2">e</a> <a href=" //example.org" rel="nofollow ugc noopener">f</a> <a href="/\example.org" rel="nofollow ugc noopener">g</a>"#), "{html}");
            }
        }
    }

    #[test]
    fn quotes_and_links_to_this_forum_are_listed() {
        let options = CookOptions {
            base_url: "https://forum.example.coop",
        };
        let raw = "[quote=\"Neto, post:2, topic:7\"]\nq\n[/quote]\n\nsee [this](/t/x/9/3), https://forum.example.coop/t/y/12 and [that](https://example.org/t/5)";
        let c = cook(raw, &options, &NoOne);
        assert_eq!(c.quoted, vec!["neto".to_string()]);
        assert_eq!(
            c.links,
            vec![(7, Some(2)), (9, Some(3)), (12, None)],
            "{}",
            c.html
        );
    }

    #[test]
    fn mentions_skip_code_and_links() {
        let c = cook_seed("@neto and `@chris` and [@solverniers](https://example.org)\n\n```\n@chris\n```");
        assert_eq!(c.mentions, vec!["neto"]);
        assert!(c.html.contains("<code>@chris</code>"), "{}", c.html);
    }

    #[test]
    fn lone_urls_become_onebox_markers() {
        let c = cook_seed("Look:\nhttps://forum.example.coop/t/cotech-gathering-2018/12\nhttps://example.org/page\nand a link https://example.org/inline in a sentence.");
        assert_eq!(c.oneboxes, vec![Target::Topic { id: 12, post_number: None }, Target::External("https://example.org/page".into())]);
        assert!(c.html.contains(r#"<aside class="onebox" data-onebox-topic="12">"#), "{}", c.html);
        assert!(c.html.contains(r#"<aside class="onebox" data-onebox-url="https://example.org/page">"#), "{}", c.html);
        assert!(!c.html.contains(r#"data-onebox-url="https://example.org/inline""#));
    }

    #[test]
    fn only_emoji_posts_are_marked() {
        assert!(cook_plain(":smile: :wink:").html.contains("only-emoji"));
        assert!(!cook_plain("hi :smile:").html.contains("only-emoji"));
    }

    #[test]
    fn excerpts_keep_punctuation_against_words() {
        assert_eq!(excerpt("<p>on <strong>Thursday 13 November</strong>.</p>", 300), "on Thursday 13 November.");
        assert_eq!(excerpt("<p>See <a href=\"/c/co-op-practice\">Co-op practice</a>, I&#39;d say</p>", 300), "See Co-op practice, I'd say");
        assert_eq!(excerpt("<p>first</p><p>second</p>", 300), "first second");
        assert_eq!(excerpt("<ul>\n<li>one</li>\n<li>two</li>\n</ul>", 300), "one two");
        assert_eq!(excerpt("<p>line<br>\nnext</p>", 300), "line next");
        assert_eq!(excerpt("<p><em>wow</em>! (<code>x</code>) &quot;q&quot;?</p>", 300), "wow! (x) \"q\"?");
        let seed = cook_plain("Brilliant, let's fix it: **Thursday 13 November, 19:00 in Bristol**. That's it.\n\nA [link](https://example.org), then more.");
        assert_eq!(excerpt(&seed.html, 300), "Brilliant, let's fix it: Thursday 13 November, 19:00 in Bristol. That's it. A link, then more.");
    }

    #[test]
    fn stored_excerpts_shorten_as_plain_text() {
        assert_eq!(shorten("Servers & <backups> for co-ops", 100), "Servers & <backups> for co-ops");
        let e = shorten(&"word ".repeat(40), 30);
        assert!(e.ends_with('…') && e.chars().count() <= 31, "{e}");
    }

    #[test]
    fn excerpts_cut_cleanly() {
        assert_eq!(excerpt("<p>Hello &amp; <b>welcome</b></p>", 300), "Hello & welcome");
        let long = format!("<p>{}</p>", "word ".repeat(100));
        let e = excerpt(&long, 50);
        assert!(e.ends_with('…') && e.chars().count() <= 51, "{e}");
        assert!(!e.contains("wor…"), "{e}");
    }

    #[test]
    fn candidates_for_lookup() {
        assert_eq!(mention_candidates("@Neto, @neto and a@b.org @sol.verniers."), vec!["neto", "sol.verniers"]);
    }
}
