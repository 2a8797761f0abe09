//! Reads what a page says about itself: OpenGraph, Twitter card and
//! `<title>`/description metadata, from the raw HTML, tolerantly.

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Meta {
    pub site_name: String,
    pub title: String,
    pub description: String,
    pub image: Option<String>,
}

pub fn read(html: &str) -> Meta {
    let mut found: Vec<(String, String)> = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut at = 0;
    while let Some(i) = lower[at..].find("<meta") {
        let start = at + i;
        let Some(end) = lower[start..].find('>') else { break };
        let tag = &html[start + 5..start + end];
        let attrs = attributes(tag);
        let key = attrs.iter().find(|(k, _)| k == "property" || k == "name").map(|(_, v)| v.to_ascii_lowercase());
        let content = attrs.iter().find(|(k, _)| k == "content").map(|(_, v)| v.clone());
        if let (Some(k), Some(c)) = (key, content) {
            found.push((k, c));
        }
        at = start + end;
        if found.len() > 200 {
            break;
        }
    }
    let get = |keys: &[&str]| keys.iter().find_map(|k| found.iter().find(|(fk, v)| fk == k && !v.trim().is_empty()).map(|(_, v)| clean(v)));
    let title_tag = lower.find("<title").and_then(|i| {
        let open_end = i + lower[i..].find('>')? + 1;
        let close = open_end + lower[open_end..].find("</title")?;
        Some(clean(&html[open_end..close]))
    });
    Meta {
        site_name: cut(get(&["og:site_name"]).unwrap_or_default(), 100),
        title: cut(get(&["og:title", "twitter:title"]).or(title_tag).unwrap_or_default(), 200),
        description: cut(get(&["og:description", "twitter:description", "description"]).unwrap_or_default(), 300),
        image: get(&["og:image", "og:image:url", "twitter:image"]),
    }
}

/// `name="value"`, `name='value'` and `name=value` pairs of one tag.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b = tag.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let ks = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' {
            i += 1;
        }
        let key = tag[ks..i].to_ascii_lowercase();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            let (vs, ve);
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                vs = i + 1;
                let mut j = vs;
                while j < b.len() && b[j] != q {
                    j += 1;
                }
                ve = j;
                i = (j + 1).min(b.len());
            } else {
                vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                ve = i;
            }
            if !key.is_empty() && tag.is_char_boundary(vs) && tag.is_char_boundary(ve) {
                out.push((key, tag[vs..ve].to_string()));
            }
        } else if ks == i {
            i += 1;
        }
    }
    out
}

/// Decodes the common entities and squeezes whitespace.
fn clean(s: &str) -> String {
    decode_entities(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes HTML's common named entities and numeric ones; anything else is
/// left as it is.
pub(crate) fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // Bytes, not characters: a cut inside `é` must not panic.
        let end = rest.bytes().take(12).position(|b| b == b';');
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16).ok().and_then(char::from_u32),
                n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn cut(s: String, max: usize) -> String {
    if s.chars().count() <= max { s } else { format!("{}…", s.chars().take(max).collect::<String>().trim_end()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opengraph_wins_over_title() {
        let html = r#"<html><head><title>Fallback &amp; title</title>
            <meta property="og:title" content="CoTech Gathering 2018">
            <META name=description content='Shared hosting &#38; infrastructure'>
            <meta property="og:site_name" content="CoTech" />
            <meta property="og:image" content="https://example.org/a.png"></head>"#;
        let m = read(html);
        assert_eq!(m.title, "CoTech Gathering 2018");
        assert_eq!(m.description, "Shared hosting & infrastructure");
        assert_eq!(m.site_name, "CoTech");
        assert_eq!(m.image.as_deref(), Some("https://example.org/a.png"));
    }

    #[test]
    fn entities_next_to_multi_byte_characters_do_not_panic() {
        assert_eq!(read("<title>&abcdefghijé; &amp; ok</title>").title, "&abcdefghijé; & ok");
        assert_eq!(read("<title>&éééééé</title>").title, "&éééééé");
    }

    #[test]
    fn title_tag_and_broken_markup() {
        assert_eq!(read("<title>\n  Just a   title </title>").title, "Just a title");
        assert_eq!(read("<meta content=\"x\" property=\"og:title").title, "");
        assert_eq!(read("<meta property=og:title content=bare>").title, "bare");
        assert_eq!(read("&#xZZ; <title>&#99999999;</title>").title, "&#99999999;");
    }
}
