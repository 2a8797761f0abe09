//! `minga demo`: co-ops, people, categories and conversations from
//! `demo.toml`, spread over the past days so the forum looks lived in.

use anyhow::{Context, Result, anyhow, bail};
use minga_core::{cook, slug, validate};
use minga_store::{CategoryForm, NewReply, NewTopic, Profile, User};
use minga_web::AppState;
use serde::Deserialize;
use std::collections::HashMap;

const DEMO: &str = include_str!("demo.toml");

#[derive(Deserialize)]
struct Demo {
    #[serde(default)]
    groups: Vec<Group>,
    users: Vec<Person>,
    categories: Vec<Category>,
    topics: Vec<Topic>,
}

#[derive(Deserialize)]
#[allow(dead_code)] // Only the full name is used: it goes into members' bios.
struct Group {
    name: String,
    full_name: String,
    description: String,
    website: String,
    location: String,
}

#[derive(Deserialize)]
struct Person {
    username: String,
    name: String,
    email: String,
    bio: String,
    location: String,
    timezone: String,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    admin: bool,
}

#[derive(Deserialize)]
struct Category {
    name: String,
    slug: String,
    color: String,
    description: String,
}

#[derive(Deserialize)]
struct Topic {
    title: String,
    category: String,
    posts: Vec<Post>,
}

#[derive(Deserialize)]
struct Post {
    author: String,
    raw: String,
    reply_to: Option<i64>,
}

pub async fn fill(state: &AppState) -> Result<()> {
    let demo: Demo = toml::from_str(DEMO).context("the built-in demo content")?;
    if state.store.totals(None).await?.topics > 0 {
        bail!("this forum already has topics; the demo only fills a fresh one");
    }
    let groups: HashMap<&str, &Group> = demo.groups.iter().map(|g| (g.name.as_str(), g)).collect();
    let password = minga_web::auth::random_token(12);
    let mut users: HashMap<String, User> = HashMap::new();
    for p in &demo.users {
        let input = minga_web::ops::SignUp {
            username: p.username.clone(),
            email: p.email.clone(),
            name: p.name.clone(),
            password: password.clone(),
        };
        // Made as staff make accounts: the site's sign-up rules do not apply.
        let user = minga_web::ops::sign_up_as(state, input, p.admin, true).await.map_err(|e| anyhow!("{}: {e}", p.username))?;
        let coops: Vec<&str> = p.groups.iter().filter_map(|g| groups.get(g.as_str())).map(|g| g.full_name.as_str()).collect();
        let bio = if coops.is_empty() { p.bio.clone() } else { format!("{}\n\nMember of {}.", p.bio, coops.join(" and ")) };
        let profile = Profile { name: p.name.clone(), bio_raw: bio, location: p.location.clone(), website: String::new(), timezone: p.timezone.clone() };
        state.store.update_profile(user.id, &profile).await?;
        users.insert(p.username.clone(), user);
    }
    let mut categories = HashMap::new();
    for c in &demo.categories {
        let form = CategoryForm {
            name: c.name.clone(),
            slug: c.slug.clone(),
            color: c.color.clone(),
            text_color: "FFFFFF".into(),
            description: c.description.clone(),
            position: None,
            grants: None,
        };
        categories.insert(c.slug.clone(), state.store.create_category(&form).await?);
    }

    // Topics start days apart and their replies follow hours apart, ending
    // recently, so lists show a believable spread of activity.
    // Cooked as the forum cooks posts (mentions, links to its own topics).
    let cook = |raw: String| async move { minga_web::ops::cook_post(state, &raw).await.map_err(|e| anyhow!("{e}")) };
    let now = minga_core::time::now_ms();
    let hour = 3_600_000;
    let limits = minga_core::Limits::default();
    for (i, t) in demo.topics.iter().enumerate() {
        validate::title(&t.title, &limits).map_err(|e| anyhow!("{}: {}", t.title, e.message))?;
        let category = categories.get(&t.category).ok_or_else(|| anyhow!("unknown category {}", t.category))?;
        let start = now - (demo.topics.len() - i) as i64 * 30 * hour;
        let step = 20 * hour / t.posts.len().max(1) as i64;
        let author = |name: &str| users.get(name).ok_or_else(|| anyhow!("unknown author {name}"));
        let first = t.posts.first().ok_or_else(|| anyhow!("{} has no posts", t.title))?;
        let cooked = cook(first.raw.clone()).await?;
        let (topic, _) = state
            .store
            .create_topic(&NewTopic {
                title: t.title.clone(),
                slug: slug::slugify(&t.title),
                category_id: category.id,
                user_id: author(&first.author)?.id,
                raw: first.raw.clone(),
                excerpt: cook::excerpt(&cooked.html, 300),
                cooked: cooked.html,
                created_at: start,
            })
            .await?;
        for (n, p) in t.posts.iter().enumerate().skip(1) {
            state
                .store
                .create_reply(&NewReply {
                    topic_id: topic.id,
                    user_id: author(&p.author)?.id,
                    raw: p.raw.clone(),
                    cooked: cook(p.raw.clone()).await?.html,
                    reply_to_post_number: p.reply_to,
                    created_at: start + n as i64 * step,
                })
                .await?;
        }
    }
    println!("Demo people (log in with any of these names) share the password: {password}");
    for p in &demo.users {
        println!("  {}{}", p.username, if p.admin { " (admin)" } else { "" });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_content_is_consistent() {
        let demo: Demo = toml::from_str(DEMO).expect("demo.toml parses");
        let names: Vec<&str> = demo.users.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(demo.users.iter().filter(|u| u.admin).count(), 1);
        for u in &demo.users {
            assert!(validate::username(&u.username).is_ok(), "{}", u.username);
        }
        for t in &demo.topics {
            assert!(validate::title(&t.title, &minga_core::Limits::default()).is_ok(), "{}", t.title);
            assert!(demo.categories.iter().any(|c| c.slug == t.category), "{}", t.category);
            for (i, p) in t.posts.iter().enumerate() {
                assert!(names.contains(&p.author.as_str()), "{}", p.author);
                if let Some(to) = p.reply_to {
                    assert!(to >= 1 && (to as usize) <= i, "reply_to {to} in {}", t.title);
                }
            }
        }
    }
}
