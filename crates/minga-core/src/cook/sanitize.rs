//! The one allowlist every cooked post passes: elements, attributes,
//! classes and URL schemes that cannot run code. Links get
//! `rel="nofollow ugc noopener"`.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

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
            .link_rel(Some("nofollow ugc noopener"))
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

pub fn clean(html: &str) -> String {
    let cleaned = builder().clean(html).to_string();
    if cleaned.contains("<input") { only_checkboxes(&cleaned) } else { cleaned }
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
