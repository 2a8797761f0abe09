//! Oneboxes: a link alone on its line becomes a card. Cooking leaves a
//! marker (`<aside class="onebox" data-onebox-…>` around a plain link);
//! the web layer fills it in for each reader at display time, so a card
//! never shows a topic to someone who may not see it, and an external card
//! appears as soon as its page has been fetched, without cooking again.

use super::render::{Site, escape_attr, escape_text};

/// What a onebox points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A topic (and maybe a post) on this forum.
    Topic { id: i64, post_number: Option<i64> },
    /// Any other http(s) page.
    External(String),
}

/// Classifies `url`: a topic on this forum (`base_url` is its origin) or
/// an external page.
pub fn target(url: &str, base_url: &str) -> Target {
    let base = base_url.trim_end_matches('/');
    // `get` keeps a cut inside a multi-byte character from panicking.
    let internal = !base.is_empty()
        && url.get(..base.len()).is_some_and(|head| head.eq_ignore_ascii_case(base))
        && url.get(base.len()..).is_some_and(|rest| rest.starts_with('/'));
    if internal {
        let path = url[base.len()..].split(['?', '#']).next().unwrap_or_default();
        let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
        let num = |s: &str| s.parse::<i64>().ok();
        let found = match segs.as_slice() {
            ["t", id] => num(id).map(|id| (id, None)),
            ["t", a, b] => match (num(a), num(b)) {
                (Some(id), Some(n)) => Some((id, Some(n))),
                (None, Some(id)) => Some((id, None)),
                _ => None,
            },
            ["t", _, id, n] => num(id).zip(num(n)).map(|(id, n)| (id, Some(n))),
            _ => None,
        };
        if let Some((id, post_number)) = found {
            return Target::Topic { id, post_number };
        }
    }
    Target::External(url.to_string())
}

/// The marker HTML left in the cooked post.
pub fn marker(url: &str, target: &Target, site: &Site) -> String {
    let mut out = String::from("<aside class=\"onebox\" ");
    match target {
        Target::Topic { id, post_number } => {
            out.push_str(&format!("data-onebox-topic=\"{id}\""));
            if let Some(n) = post_number {
                out.push_str(&format!(" data-onebox-post=\"{n}\""));
            }
        }
        Target::External(u) => {
            out.push_str("data-onebox-url=\"");
            escape_attr(&mut out, u);
            out.push('"');
        }
    }
    out.push_str("><a href=\"");
    escape_attr(&mut out, url);
    out.push('"');
    site.rel(&mut out, url);
    out.push('>');
    escape_text(&mut out, url);
    out.push_str("</a></aside>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_and_external_targets() {
        let base = "https://forum.example.coop";
        assert_eq!(target("https://forum.example.coop/t/gathering-2018/12", base), Target::Topic { id: 12, post_number: None });
        assert_eq!(target("https://forum.example.coop/t/gathering-2018/12/4?u=x", base), Target::Topic { id: 12, post_number: Some(4) });
        assert_eq!(target("https://FORUM.example.coop/t/12/4", base), Target::Topic { id: 12, post_number: Some(4) });
        assert_eq!(target("https://forum.example.coop/t/12", base), Target::Topic { id: 12, post_number: None });
        assert!(matches!(target("https://forum.example.coop.evil.org/t/12", base), Target::External(_)));
        assert!(matches!(target("https://forum.example.coop/u/neto", base), Target::External(_)));
        assert!(matches!(target("https://example.org/t/1", base), Target::External(_)));
    }

    #[test]
    fn multi_byte_characters_near_the_base_do_not_panic() {
        let base = "https://forum.example.coop";
        assert!(matches!(target("https://forum.example.co€/t/1", base), Target::External(_)));
        assert!(matches!(target("http://€€€€€€€", base), Target::External(_)));
    }

    #[test]
    fn markers_escape_urls() {
        let m = marker("https://example.org/?a=1&b=\"x\"", &Target::External("https://example.org/?a=1&b=\"x\"".into()), &Site::new(""));
        assert!(m.contains("data-onebox-url=\"https://example.org/?a=1&amp;b=&quot;x&quot;\""), "{m}");
    }
}
