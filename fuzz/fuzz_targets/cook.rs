//! Cooks arbitrary input (UTF-8, or bytes decoded lossily) and checks that
//! cooking never panics, that the output stays within a linear bound of
//! the input, that nothing executable survives, judged by the same
//! checker as `crates/minga-core/tests/xss.rs`, and that a post written
//! without the sanitiser (no raw HTML) is exactly what the sanitiser would
//! make of it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use minga_core::cook::{CookOptions, Resolver, cook_plain, cook_traced, excerpt, mention_candidates, sanitize};

#[path = "../../crates/minga-core/tests/support/html_check.rs"]
mod html_check;

/// Knows a few people and a group, so mentions are linked.
struct People;

impl Resolver for People {
    fn user(&self, lower: &str) -> Option<String> {
        ["neto", "chris", "polly", "sol.verniers", "ab"].contains(&lower).then(|| lower.to_string())
    }
    fn group(&self, lower: &str) -> Option<String> {
        (lower == "facttic").then(|| "facttic".to_string())
    }
}

/// Output may grow by a constant factor per input byte (an emoji code or
/// a `>` becomes dozens of bytes), never more.
fn bound(input: usize) -> usize {
    64 * input + 64 * 1024
}

fn check(raw: &str, html: &str, how: &str) {
    assert!(html.len() <= bound(raw.len()), "{how}: {} bytes of input cooked to {} bytes", raw.len(), html.len());
    let v = html_check::violations(html);
    assert!(!html_check::any_executable(&v), "{how}: executable output\n  input: {raw:?}\n  output: {html:?}\n  {}", v.join("\n  "));
    let _ = excerpt(html, 100);
}

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    let _ = mention_candidates(&raw);
    let options = CookOptions { base_url: "https://forum.example.coop" };
    let (cooked, sanitised) = cook_traced(&raw, &options, &People);
    check(&raw, &cooked.html, "cook");
    if !sanitised {
        let again = sanitize(&cooked.html, &options);
        assert!(again == cooked.html, "written without the sanitiser, changed by it\n  input: {raw:?}\n  output: {:?}\n  sanitised: {again:?}", cooked.html);
    }
    for target in &cooked.oneboxes {
        if let minga_core::cook::onebox::Target::External(url) = target {
            assert!(url.starts_with("http://") || url.starts_with("https://"), "onebox target {url:?}");
        }
    }
    // Without a resolver or a base URL, on a cheaper share of inputs.
    if data.first().is_some_and(|b| b % 4 == 0) {
        check(&raw, &cook_plain(&raw).html, "cook_plain");
    }
});
