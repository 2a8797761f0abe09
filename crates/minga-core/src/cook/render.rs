//! Markdown events to HTML that is safe by construction.
//!
//! Every element written here is on the sanitiser's allowlist, every text
//! and attribute value is escaped, and link and image URLs are held to the
//! same schemes. The output is written exactly as the sanitiser would
//! serialise it (`<br>`, `&nbsp;`, `rel` last on external links), so a
//! post without raw HTML of its author's needs no sanitising pass:
//! `sanitize::clean` would return it unchanged, which the tests and the
//! fuzzer check.

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Tag, TagEnd};

/// What every link that leaves the site carries.
pub const LINK_REL: &str = "nofollow ugc noopener";

/// The site's own address, to tell its links from external ones.
pub struct Site {
    base: url::Url,
}

impl Site {
    pub fn new(base_url: &str) -> Site {
        let base = url::Url::parse(base_url).ok().filter(|u| matches!(u.scheme(), "http" | "https"));
        // Without a base URL only relative links are the site's own.
        Site { base: base.unwrap_or_else(|| url::Url::parse("http://minga.invalid/").expect("a valid URL")) }
    }

    /// Whether a link to `href` (an attribute's value) leaves the site, as
    /// a browser resolves it (so `//host`, `/\host` and ` //host` do).
    pub fn external(&self, href: &str) -> bool {
        self.base.join(href).map_or(true, |u| u.origin() != self.base.origin())
    }

    /// ` rel="…"` for a link to `href` that leaves the site.
    pub fn rel(&self, out: &mut String, href: &str) {
        if self.external(href) {
            out.push_str(" rel=\"");
            out.push_str(LINK_REL);
            out.push('"');
        }
    }
}

/// Escapes text content as the HTML serialiser does: `& < >` and U+00A0.
pub fn escape_text(out: &mut String, s: &str) {
    escape(out, s, false);
}

/// Escapes a double-quoted attribute value: `& " < >` and U+00A0.
pub fn escape_attr(out: &mut String, s: &str) {
    escape(out, s, true);
}

fn escape(out: &mut String, s: &str, attr: bool) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let entity = match bytes[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' if attr => "&quot;",
            0xC2 if bytes.get(i + 1) == Some(&0xA0) => "&nbsp;",
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        out.push_str(entity);
        i += if bytes[i] == 0xC2 { 2 } else { 1 };
        start = i;
    }
    out.push_str(&s[start..]);
}

/// Whether a URL may be linked: http, https and mailto, or relative (no
/// scheme at all). Judged as the sanitiser judges it, by parsing it.
pub fn url_allowed(url: &str) -> bool {
    match url::Url::parse(url) {
        Ok(u) => matches!(u.scheme(), "http" | "https" | "mailto"),
        Err(e) => e == url::ParseError::RelativeUrlWithoutBase,
    }
}

/// Percent-encodes what does not belong in a URL, as CommonMark renderers
/// do (`&` and `'` stay; attribute escaping deals with `&`).
fn encode_url(out: &mut String, prefix: &str, url: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push_str(prefix);
    for b in url.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$%&'()*+,-./:;=?@^_~".contains(&b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
}

/// Writes ` href="…"` (or ` src="…"`) if the URL is allowed, and returns
/// the value; nothing otherwise, so the element stays without it.
fn url_attr(out: &mut String, name: &str, prefix: &str, url: &str) -> Option<String> {
    let mut value = String::with_capacity(prefix.len() + url.len() + 8);
    encode_url(&mut value, prefix, url);
    if !url_allowed(&value) {
        return None;
    }
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape_attr(out, &value);
    out.push('"');
    Some(value)
}

/// An image being read: its alt text comes from the events inside it.
struct Image<'e> {
    dest: pulldown_cmark::CowStr<'e>,
    title: pulldown_cmark::CowStr<'e>,
    alt: String,
    depth: usize,
}

/// The HTML writer for one Markdown part. Text runs are written by the
/// caller (they carry emoji, mentions and the rest); this writes elements.
pub struct Render<'e, 's> {
    site: &'s Site,
    end_newline: bool,
    table_body: bool,
    /// For each open link, whether its `<a>` was written (a link inside a
    /// link is not: HTML cannot nest them).
    links: Vec<bool>,
    image: Option<Image<'e>>,
}

impl<'e, 's> Render<'e, 's> {
    pub fn new(site: &'s Site) -> Self {
        Render { site, end_newline: true, table_body: false, links: Vec::new(), image: None }
    }

    /// Whether an image's alt text is being read: events go to `image_event`.
    pub fn in_image(&self) -> bool {
        self.image.is_some()
    }

    fn write(&mut self, out: &mut String, s: &str) {
        out.push_str(s);
        if !s.is_empty() {
            self.end_newline = s.ends_with('\n');
        }
    }

    /// A block opens on a line of its own.
    fn block(&mut self, out: &mut String, s: &str) {
        if !self.end_newline {
            out.push('\n');
        }
        self.write(out, s);
    }

    /// Records that text was written by the caller.
    pub fn wrote_text(&mut self, text: &str) {
        if !text.is_empty() {
            self.end_newline = text.ends_with('\n');
        }
    }

    pub fn start(&mut self, out: &mut String, tag: Tag<'e>) {
        match tag {
            Tag::Paragraph => self.block(out, "<p>"),
            Tag::Heading { level, .. } => self.block(out, &format!("<{level}>")),
            Tag::Table(_) => self.write(out, "<table>"),
            Tag::TableHead => {
                self.table_body = false;
                self.write(out, "<thead><tr>");
            }
            Tag::TableRow => self.write(out, "<tr>"),
            Tag::TableCell => self.write(out, if self.table_body { "<td>" } else { "<th>" }),
            Tag::BlockQuote(_) => self.block(out, "<blockquote>\n"),
            Tag::CodeBlock(kind) => {
                let lang = match &kind {
                    CodeBlockKind::Fenced(info) => info.split(' ').next().unwrap_or_default(),
                    CodeBlockKind::Indented => "",
                };
                if lang.is_empty() {
                    self.block(out, "<pre><code>");
                } else {
                    let mut open = String::from("<pre><code class=\"language-");
                    escape_attr(&mut open, lang);
                    open.push_str("\">");
                    self.block(out, &open);
                }
            }
            Tag::List(Some(1)) => self.block(out, "<ol>\n"),
            Tag::List(Some(start)) => self.block(out, &format!("<ol start=\"{start}\">\n")),
            Tag::List(None) => self.block(out, "<ul>\n"),
            Tag::Item => self.block(out, "<li>"),
            Tag::Emphasis => self.write(out, "<em>"),
            Tag::Strong => self.write(out, "<strong>"),
            Tag::Strikethrough => self.write(out, "<del>"),
            Tag::Link { link_type, dest_url, title, .. } => {
                let write = !self.links.iter().any(|w| *w);
                self.links.push(write);
                if write {
                    let mut open = String::from("<a");
                    let prefix = if link_type == LinkType::Email { "mailto:" } else { "" };
                    let href = url_attr(&mut open, "href", prefix, &dest_url);
                    if !title.is_empty() {
                        open.push_str(" title=\"");
                        escape_attr(&mut open, &title);
                        open.push('"');
                    }
                    if let Some(href) = href {
                        self.site.rel(&mut open, &href);
                    }
                    open.push('>');
                    self.write(out, &open);
                }
            }
            Tag::Image { dest_url, title, .. } => {
                self.image = Some(Image { dest: dest_url, title, alt: String::new(), depth: 0 });
            }
            // Not enabled (footnotes, definition lists, metadata and the
            // rest): nothing is written for them; their text still is.
            _ => {}
        }
    }

    pub fn end(&mut self, out: &mut String, tag: TagEnd) {
        let s = match tag {
            TagEnd::Paragraph => "</p>\n",
            TagEnd::Heading(level) => {
                self.write(out, &format!("</{level}>\n"));
                return;
            }
            TagEnd::Table => "</tbody></table>\n",
            TagEnd::TableHead => {
                self.table_body = true;
                "</tr></thead><tbody>\n"
            }
            TagEnd::TableRow => "</tr>\n",
            TagEnd::TableCell => {
                if self.table_body {
                    "</td>"
                } else {
                    "</th>"
                }
            }
            TagEnd::BlockQuote(_) => "</blockquote>\n",
            TagEnd::CodeBlock => "</code></pre>\n",
            TagEnd::List(true) => "</ol>\n",
            TagEnd::List(false) => "</ul>\n",
            TagEnd::Item => "</li>\n",
            TagEnd::Emphasis => "</em>",
            TagEnd::Strong => "</strong>",
            TagEnd::Strikethrough => "</del>",
            TagEnd::Link if self.links.pop().unwrap_or(false) => "</a>",
            _ => "",
        };
        self.write(out, s);
    }

    /// Takes an event inside an image: text goes to the alt text, and the
    /// image is written when it ends. Says whether it ended.
    pub fn image_event(&mut self, out: &mut String, event: Event<'e>) -> bool {
        let Some(image) = self.image.as_mut() else { return false };
        match event {
            Event::Start(_) => image.depth += 1,
            Event::End(_) if image.depth > 0 => image.depth -= 1,
            Event::End(_) => {
                let image = self.image.take().expect("checked above");
                let mut tag = String::from("<img");
                let _ = url_attr(&mut tag, "src", "", &image.dest);
                tag.push_str(" alt=\"");
                escape_attr(&mut tag, &image.alt);
                tag.push('"');
                if !image.title.is_empty() {
                    tag.push_str(" title=\"");
                    escape_attr(&mut tag, &image.title);
                    tag.push('"');
                }
                tag.push('>');
                self.write(out, &tag);
                return true;
            }
            Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) => image.alt.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::Rule => image.alt.push(' '),
            Event::TaskListMarker(done) => image.alt.push_str(if done { "[x]" } else { "[ ]" }),
            _ => {}
        }
        false
    }

    /// Events that are neither tags nor text.
    pub fn other(&mut self, out: &mut String, event: Event<'e>) {
        match event {
            Event::Code(code) => {
                out.push_str("<code>");
                escape_text(out, &code);
                self.write(out, "</code>");
            }
            // Discourse treats a single newline as a line break.
            Event::SoftBreak | Event::HardBreak => self.write(out, "<br>\n"),
            Event::Rule => self.block(out, "<hr>\n"),
            Event::TaskListMarker(true) => self.write(out, "<input disabled=\"\" type=\"checkbox\" checked=\"\">\n"),
            Event::TaskListMarker(false) => self.write(out, "<input disabled=\"\" type=\"checkbox\">\n"),
            Event::Html(html) | Event::InlineHtml(html) => self.write(out, &html),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_matches_the_serialiser() {
        let mut out = String::new();
        escape_text(&mut out, "a & b < c > d \"e\" 'f'\u{a0}g ©");
        assert_eq!(out, "a &amp; b &lt; c &gt; d \"e\" 'f'&nbsp;g ©");
        out.clear();
        escape_attr(&mut out, "a&\"<>'\u{a0}");
        assert_eq!(out, "a&amp;&quot;&lt;&gt;'&nbsp;");
    }

    #[test]
    fn urls_by_scheme() {
        for ok in ["https://example.org", "http://x", "mailto:a@b.org", "/t/1", "page", "#top", "?q=1", "//example.org/x", ""] {
            assert!(url_allowed(ok), "{ok}");
        }
        for bad in ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "vbscript:x", "ftp://x", "file:///etc/passwd"] {
            assert!(!url_allowed(bad), "{bad}");
        }
    }

    #[test]
    fn external_links_by_where_they_lead() {
        let site = Site::new("https://forum.example.coop");
        for internal in ["/u/neto", "/t/1/2", "#top", "?page=2", "page", "https://forum.example.coop/t/1", "HTTPS://FORUM.example.coop:443/x"] {
            assert!(!site.external(internal), "{internal}");
        }
        for external in ["https://example.org", "//example.org/x", "/\\example.org", " //example.org", "/\t/example.org", "http://forum.example.coop/x", "https://forum.example.coop.evil.org/", "mailto:a@b.org"] {
            assert!(site.external(external), "{external}");
        }
        let plain = Site::new("");
        assert!(!plain.external("/u/neto") && plain.external("https://example.org"));
    }

    #[test]
    fn urls_are_percent_encoded() {
        let mut out = String::new();
        encode_url(&mut out, "", "https://example.org/a b\"c<d>é?x=1&y='2'");
        assert_eq!(out, "https://example.org/a%20b%22c%3Cd%3E%C3%A9?x=1&y='2'");
    }
}
