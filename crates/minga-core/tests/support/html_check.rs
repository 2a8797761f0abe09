//! Is there anything executable in a piece of cooked HTML?
//!
//! The HTML is parsed the way a browser parses it (html5ever, the parser
//! ammonia uses, with scripting on and off, as a fragment inside a `<div>`
//! and inside a whole page), and every node of the resulting tree is held
//! to the allowlist cooked posts are meant to keep to. Judging the parsed
//! tree rather than the text means entities, odd whitespace, mis-nesting
//! and foreign (SVG/MathML) content are seen as a browser would see them.
//!
//! Shared by `tests/xss.rs` and the fuzz target (`fuzz/fuzz_targets/cook.rs`
//! includes this file with `#[path]`), so it depends only on `html5ever`
//! and `markup5ever_rcdom`.

#![allow(dead_code)]

use html5ever::tendril::TendrilSink;
use html5ever::{ParseOpts, QualName, local_name, ns, parse_document, parse_fragment};
use markup5ever_rcdom::{Handle, NodeData, RcDom};

/// The elements a cooked post may contain (all in the HTML namespace).
pub const ALLOWED_ELEMENTS: &[&str] = &[
    "p", "br", "strong", "em", "del", "a", "img", "code", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "details", "summary", "aside", "div", "span", "time", "input",
    "sup", "sub", "b", "i", "s", "strike", "abbr", "kbd", "q", "small",
];

/// Attributes that run code, restyle the page or name a second URL,
/// whatever element carries them (`on*` handlers are checked apart).
const FORBIDDEN_ATTRIBUTES: &[&str] = &[
    "style",
    "srcdoc",
    "formaction",
    "action",
    "xlink:href",
    "srcset",
    "background",
    "poster",
    "dynsrc",
    "lowsrc",
    "codebase",
    "ping",
    "manifest",
    "is",
    // DOM clobbering: an `id` or `name` in a post can shadow page globals.
    "id",
    "name",
    "form",
];

/// Attributes holding a URL, which must be http(s), mailto, relative or a
/// fragment.
const URL_ATTRIBUTES: &[&str] = &["href", "src", "cite", "data", "longdesc", "usemap", "icon"];

/// Elements outside the allowlist that are nonetheless inert: a post
/// holding one breaks the policy, not the page. Every other element
/// outside the allowlist is counted as executable.
const INERT_ELEMENTS: &[&str] = &[
    "u", "mark", "ins", "cite", "dfn", "var", "samp", "tt", "center", "acronym", "bdi", "bdo", "big", "caption", "col",
    "colgroup", "tfoot", "dl", "dt", "dd", "figure", "figcaption", "article", "header", "footer", "nav", "section", "hgroup",
    "ruby", "rp", "rt", "rtc", "wbr", "data", "map", "area", "font", "nobr", "address", "main", "label", "legend",
    "fieldset", "output", "progress", "meter", "option", "optgroup",
];

/// One thing wrong, described for a failure message. It starts with
/// `executable:` (script could run, or the page be restyled or its forms
/// or base changed) or `policy:` (outside the allowlist, but inert).
pub type Violation = String;

/// Whether any of `v` could run script or change the page.
pub fn any_executable(v: &[Violation]) -> bool {
    v.iter().any(|v| v.starts_with("executable:"))
}

/// Everything executable or outside the allowlist in `html`, judged under
/// every parse a browser might make of it. Empty means clean.
pub fn violations(html: &str) -> Vec<Violation> {
    let mut found = Vec::new();
    for scripting in [true, false] {
        let dom = parse_fragment(RcDom::default(), ParseOpts::default(), QualName::new(None, ns!(html), local_name!("div")), vec![], scripting)
            .one(html);
        // A fragment parses to a synthetic <html> root holding its nodes.
        let roots: Vec<Handle> = dom.document.children.borrow().iter().flat_map(|root| root.children.borrow().clone()).collect();
        let context = if scripting { "fragment, scripting on" } else { "fragment, scripting off" };
        walk(roots, false, context, &mut found);
    }
    // The post inside a page, as the templates embed it.
    let page = format!("<!DOCTYPE html><html><head><title>t</title></head><body><div class=\"post\">{html}</div></body></html>");
    let dom = parse_document(RcDom::default(), ParseOpts::default()).one(page);
    walk(dom.document.children.borrow().clone(), true, "whole page", &mut found);
    found.sort();
    found.dedup();
    found
}

/// Panics with `label`, the HTML and what is wrong with it, if anything.
pub fn assert_clean(label: &str, html: &str) {
    let v = violations(html);
    assert!(v.is_empty(), "{label}\n  output: {html:?}\n  problems:\n    {}", v.join("\n    "));
}

/// The scheme of a URL as a browser's URL parser finds it (lower-cased),
/// or `None` for a relative URL or a fragment.
pub fn url_scheme(value: &str) -> Option<String> {
    // The URL parser strips leading and trailing C0 controls and spaces,
    // and removes tabs and newlines anywhere.
    let s: String = value.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let mut chars = s.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    for (i, c) in s.char_indices().skip(1) {
        match c {
            ':' => return Some(s[..i].to_ascii_lowercase()),
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {}
            // Not a scheme: the whole thing is a relative path.
            _ => return None,
        }
    }
    None
}

pub fn url_is_safe(value: &str) -> bool {
    match url_scheme(value) {
        None => true,
        Some(scheme) => matches!(scheme.as_str(), "http" | "https" | "mailto"),
    }
}

/// Checks every node under `roots`, depth first, without recursion (a
/// hostile post may nest thousands deep).
fn walk(roots: Vec<Handle>, whole_page: bool, context: &str, found: &mut Vec<Violation>) {
    let mut stack: Vec<Handle> = roots;
    stack.reverse();
    while let Some(node) = stack.pop() {
        match &node.data {
            NodeData::Element { name, attrs, template_contents, .. } => {
                let local: &str = &name.local;
                let page_frame = whole_page && matches!(local, "html" | "head" | "title" | "body");
                if name.ns != ns!(html) {
                    found.push(format!("executable: [{context}] foreign element <{local}> in namespace {}", &*name.ns));
                } else if !page_frame && !ALLOWED_ELEMENTS.contains(&local) {
                    let kind = if INERT_ELEMENTS.contains(&local) { "policy" } else { "executable" };
                    found.push(format!("{kind}: [{context}] element <{local}> is not allowed"));
                }
                let attrs = attrs.borrow();
                for attr in attrs.iter() {
                    check_attribute(local, attr, context, found);
                }
                // No type at all makes a text field.
                if local == "input" && !attrs.iter().any(|a| &*a.name.local == "type") {
                    found.push(format!("policy: [{context}] <input> without type=checkbox (a text field)"));
                }
                if let Some(contents) = template_contents.borrow().as_ref() {
                    stack.push(contents.clone());
                }
            }
            NodeData::Comment { contents } => {
                // The sanitiser strips comments: one in the re-parsed output
                // means the browser sees a different tree than ammonia did.
                found.push(format!("policy: [{context}] comment <!--{}--> survived", &**contents));
            }
            NodeData::ProcessingInstruction { target, .. } => {
                found.push(format!("policy: [{context}] processing instruction {}", &**target))
            }
            NodeData::Doctype { .. } if !whole_page => found.push(format!("policy: [{context}] doctype survived")),
            NodeData::Doctype { .. } | NodeData::Document | NodeData::Text { .. } => {}
        }
        let children = node.children.borrow();
        stack.extend(children.iter().rev().cloned());
    }
}

fn check_attribute(element: &str, attr: &html5ever::Attribute, context: &str, found: &mut Vec<Violation>) {
    let local: String = attr.name.local.to_string().to_ascii_lowercase();
    let full = match &attr.name.prefix {
        Some(prefix) => format!("{}:{local}", &**prefix),
        None => local.clone(),
    };
    let value: &str = &attr.value;
    let value: String = value.chars().take(120).collect();
    let mut bad = |kind: &str, why: &str| found.push(format!("{kind}: [{context}] <{element} {full}>: {why} (value {value:?})"));
    if attr.name.ns != ns!() {
        bad("executable", "namespaced attribute");
    }
    if local.starts_with("on") {
        bad("executable", "event handler");
    }
    if FORBIDDEN_ATTRIBUTES.contains(&local.as_str()) || FORBIDDEN_ATTRIBUTES.contains(&full.as_str()) {
        let kind = if matches!(local.as_str(), "id" | "name") { "policy" } else { "executable" };
        bad(kind, "forbidden attribute");
    }
    if URL_ATTRIBUTES.contains(&local.as_str()) && !url_is_safe(&attr.value) {
        // `cite` and the like name a URL that no browser follows.
        let kind = if matches!(local.as_str(), "href" | "src" | "data") { "executable" } else { "policy" };
        bad(kind, "URL with an unsafe scheme");
    }
    if element == "input" && local == "type" && !value.eq_ignore_ascii_case("checkbox") {
        bad("policy", "input that is not a checkbox");
    }
}
