//! Turning onebox markers into cards for one page of posts: the topics and
//! cached pages they name are loaded in two queries, then each marker is
//! replaced by a card or by its plain link.

use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppResult;
use minga_core::TopicId;
use minga_core::cook::inline_escape as escape;
use minga_store::{Category, OneboxCard, Topic};
use std::collections::HashMap;

const MARKER: &str = "<aside class=\"onebox\" ";

#[derive(Default)]
pub struct Cards {
    topics: HashMap<i64, (Topic, Option<Category>, String)>,
    /// Linked posts after the first: (author, excerpt) by (topic, number).
    posts: HashMap<(i64, i64), (String, String)>,
    pages: HashMap<String, OneboxCard>,
}

/// The value of `name="…"` in a tag, unescaped.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = start + tag[start..].find('"')?;
    Some(unescape(&tag[start..end]))
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// Each marker's opening tag, inner HTML and byte range.
fn markers(html: &str) -> Vec<(&str, &str, std::ops::Range<usize>)> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(i) = html[at..].find(MARKER) {
        let start = at + i;
        let Some(open_end) = html[start..].find('>').map(|e| start + e + 1) else { break };
        let Some(close) = html[open_end..].find("</aside>").map(|e| open_end + e) else { break };
        let end = close + "</aside>".len();
        found.push((&html[start..open_end], &html[open_end..close], start..end));
        at = end;
    }
    found
}

impl Cards {
    /// Loads what the markers in `htmls` point at.
    pub async fn load<'a>(state: &AppState, viewer: &Viewer, htmls: impl IntoIterator<Item = &'a str>) -> AppResult<Cards> {
        let (mut topic_ids, mut post_refs, mut urls) = (Vec::new(), Vec::new(), Vec::new());
        for html in htmls {
            if !html.contains(MARKER) {
                continue;
            }
            for (tag, _, _) in markers(html) {
                if let Some(id) = attribute(tag, "data-onebox-topic").and_then(|v| v.parse::<i64>().ok()) {
                    topic_ids.push(TopicId(id));
                    if let Some(n) = attribute(tag, "data-onebox-post").and_then(|v| v.parse::<i64>().ok()).filter(|n| *n > 1) {
                        post_refs.push((TopicId(id), n));
                    }
                } else if let Some(url) = attribute(tag, "data-onebox-url") {
                    urls.push(url);
                }
            }
        }
        let mut cards = Cards::default();
        if !topic_ids.is_empty() {
            // Only topics this reader may see become cards; the rest stay
            // plain links that say nothing about what they point at.
            let catalog = state.catalog().await?;
            let actor = viewer.actor();
            let topics: Vec<Topic> = state.store.topics_by_ids(&topic_ids).await?.into_iter().filter(|t| catalog.can_see(actor.as_ref(), t.category_id)).collect();
            let post_refs: Vec<_> = post_refs.into_iter().filter(|(t, _)| topics.iter().any(|x| x.id == *t)).collect();
            let posts: Vec<_> = state.store.posts_by_numbers(&post_refs).await?.into_iter().filter(|p| !p.hidden).collect();
            let categories = &catalog.categories;
            let author_ids: Vec<_> = topics.iter().map(|t| t.user_id).chain(posts.iter().map(|p| p.user_id)).collect();
            let authors = state.store.users_by_ids(&author_ids).await?;
            let name = |id| authors.iter().find(|u| u.id == id).map(|u| u.username.clone()).unwrap_or_default();
            for p in posts {
                let excerpt = minga_core::cook::excerpt(&p.cooked, 300);
                cards.posts.insert((p.topic_id.0, p.post_number), (name(p.user_id), excerpt));
            }
            for t in topics {
                let category = categories.iter().find(|c| c.id == t.category_id).cloned();
                let author = name(t.user_id);
                cards.topics.insert(t.id.0, (t, category, author));
            }
        }
        if !urls.is_empty() {
            cards.pages = state.store.onebox_cards(&urls).await?.into_iter().filter(|c| c.ok).map(|c| (c.url.clone(), c)).collect();
        }
        Ok(cards)
    }

    /// `html` with every marker replaced by its card or its plain link.
    pub fn expand(&self, html: &str) -> String {
        let found = markers(html);
        if found.is_empty() {
            return html.to_string();
        }
        let mut out = String::with_capacity(html.len() + found.len() * 400);
        let mut last = 0;
        for (tag, inner, range) in found {
            out.push_str(&html[last..range.start]);
            let card = if let Some(id) = attribute(tag, "data-onebox-topic").and_then(|v| v.parse::<i64>().ok()) {
                let post = attribute(tag, "data-onebox-post").and_then(|v| v.parse::<i64>().ok());
                self.topics.get(&id).map(|(t, c, author)| {
                    // A linked reply shows its own author and words.
                    let excerpt = minga_core::cook::shorten(&t.excerpt, 300);
                    let (author, excerpt) = match post.and_then(|n| self.posts.get(&(id, n))) {
                        Some((a, e)) => (a.as_str(), e.as_str()),
                        None => (author.as_str(), excerpt.as_str()),
                    };
                    topic_card(t, c.as_ref(), author, excerpt, post)
                })
            } else {
                attribute(tag, "data-onebox-url").and_then(|u| self.pages.get(&u)).map(page_card)
            };
            match card {
                Some(card) => out.push_str(&card),
                // The link as typed, revealing nothing about what it names.
                None => {
                    out.push_str("<p class=\"onebox-link\">");
                    out.push_str(inner);
                    out.push_str("</p>");
                }
            }
            last = range.end;
        }
        out.push_str(&html[last..]);
        out
    }
}

fn topic_card(t: &Topic, c: Option<&Category>, author: &str, excerpt: &str, post: Option<i64>) -> String {
    let url = match post {
        Some(n) => format!("/t/{}/{}/{n}", t.slug, t.id),
        None => format!("/t/{}/{}", t.slug, t.id),
    };
    let category = c
        .map(|c| format!("<a class=\"badge\" href=\"/c/{}/{}\"><span class=\"swatch\" style=\"background:#{}\"></span>{}</a>", escape(&c.slug), c.id, escape(&c.color), escape(&c.name)))
        .unwrap_or_default();
    format!(
        "<aside class=\"onebox onebox-topic\" data-topic=\"{}\"><header class=\"source\">{category}</header><article><h3><a href=\"{url}\">{}</a></h3><p class=\"byline\">{}</p><p>{}</p></article></aside>",
        t.id,
        escape(&t.title),
        escape(author),
        escape(excerpt),
    )
}

fn page_card(card: &OneboxCard) -> String {
    let url = escape(&card.url);
    let image = if card.image.is_empty() {
        String::new()
    } else {
        format!("<img class=\"onebox-image\" src=\"{}\" alt=\"\" loading=\"lazy\">", escape(&card.image))
    };
    format!(
        "<aside class=\"onebox onebox-external\"><header class=\"source\"><a href=\"{url}\" rel=\"nofollow ugc noopener\">{}</a></header><article>{image}<h3><a href=\"{url}\" rel=\"nofollow ugc noopener\">{}</a></h3><p>{}</p></article></aside>",
        escape(&card.site_name),
        escape(&card.title),
        escape(&card.description),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_without_cards_become_plain_links() {
        let cooked = minga_core::cook::cook(
            "https://forum.example.coop/t/secret-plans/9\n\nhttps://example.org/page",
            &minga_core::cook::CookOptions { base_url: "https://forum.example.coop" },
            &minga_core::cook::NoOne,
        );
        let html = Cards::default().expand(&cooked.html);
        assert!(!html.contains("<aside"), "{html}");
        assert!(html.contains(r#"<p class="onebox-link"><a href="https://example.org/page" rel="nofollow ugc noopener">https://example.org/page</a></p>"#), "{html}");
    }

    #[test]
    fn cards_escape_what_they_show() {
        let mut cards = Cards::default();
        let card = OneboxCard { url: "https://example.org/p".into(), ok: true, site_name: "<b>x</b>".into(), title: "\"><script>".into(), description: "a & b".into(), image: String::new(), fetched_at: 0 };
        cards.pages.insert(card.url.clone(), card);
        let html = cards.expand(r#"<aside class="onebox" data-onebox-url="https://example.org/p"><a href="https://example.org/p">https://example.org/p</a></aside>"#);
        assert!(html.contains("onebox-external") && !html.contains("<script>") && !html.contains("<b>x"), "{html}");
    }
}
