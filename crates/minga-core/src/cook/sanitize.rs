//! The allowlist that posts with the author's own HTML pass: elements,
//! attributes, classes and URL schemes that cannot run code. Links that
//! leave the site get `rel="nofollow ugc noopener"`.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::render::Site;

fn builder() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        let classes: HashMap<&str, HashSet<&str>> = [
            ("aside", &["quote", "onebox", "no-group"][..]),
            ("div", &["title", "spoiler"][..]),
            ("span", &["emoji", "only-emoji", "spoiler", "discourse-local-date", "discourse-local-date-range"][..]),
            ("a", &["mention", "mention-group", "quote-link"][..]),
            ("img", &["avatar", "emoji"][..]),
        ]
        .into_iter()
        .map(|(tag, list)| (tag, list.iter().copied().collect()))
        .collect();
        let values: HashMap<&str, HashMap<&str, HashSet<&str>>> =
            [("input", [("type", ["checkbox"].into_iter().collect())].into_iter().collect())].into_iter().collect();
        // Exactly these elements; ammonia's wider default set is not used.
        let tags = [
            "p", "br", "strong", "em", "del", "a", "img", "code", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3",
            "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "details", "summary", "aside", "div",
            "span", "time", "input", "sup", "sub", "b", "i", "s", "strike", "abbr", "kbd", "q", "small",
        ];
        b.tags(tags.into_iter().collect())
            // `rel` is not allowed; `external_rel` adds it where it belongs.
            .link_rel(None)
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .allowed_classes(classes)
            .generic_attribute_prefixes(["data-"].into_iter().collect())
            .tag_attribute_values(values)
            .add_tag_attributes("input", ["checked", "disabled"])
            .add_tag_attributes("code", ["class"])
            .add_tag_attributes("time", ["datetime"])
            .add_tag_attributes("span", ["tabindex", "title"])
            .add_tag_attributes("div", ["tabindex"])
            .add_tag_attributes("img", ["width", "height"])
            .add_tag_attributes("ol", ["start"])
            // `cite` URLs are not checked by the sanitiser and serve no post.
            .rm_tag_attributes("blockquote", ["cite"])
            .rm_tag_attributes("q", ["cite"])
            .rm_tag_attributes("del", ["cite"])
            .rm_tag_attributes("ins", ["cite"]);
        b
    })
}

pub fn clean(html: &str, site: &Site) -> String {
    let cleaned = builder().clean(html).to_string();
    let cleaned = if cleaned.contains("<input") { only_checkboxes(&cleaned) } else { cleaned };
    external_rel(&cleaned, site)
}

/// Adds `rel` last to each `<a>` whose `href` leaves the site. Works on
/// the sanitiser's own output, where `<` and `>` inside attribute values
/// and text are escaped, so every `<a` starts a tag and its first `>`
/// ends it.
fn external_rel(html: &str, site: &Site) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(i) = rest.find("<a") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        if !after.starts_with([' ', '>']) {
            out.push_str("<a");
            rest = after;
            continue;
        }
        let end = i + 2 + after.find('>').unwrap_or(after.len());
        let tag = &rest[i..end];
        out.push_str(tag);
        if let Some(href) = href(tag) {
            site.rel(&mut out, &href);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The value of ` href="…"` in a serialised tag, unescaped.
fn href(tag: &str) -> Option<String> {
    let start = tag.find(" href=\"")? + " href=\"".len();
    let len = tag[start..].find('"')?;
    let value = &tag[start..start + len];
    Some(value.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", "\u{a0}").replace("&amp;", "&"))
}

/// Task lists need checkboxes; any other `<input>` (whose `type` the
/// sanitiser dropped, leaving a text field) is removed.
fn only_checkboxes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<input") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('>').map(|e| i + e + 1).unwrap_or(rest.len());
        let tag = &rest[i..end];
        if tag.contains("type=\"checkbox\"") {
            out.push_str(tag);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}
