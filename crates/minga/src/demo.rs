//! `minga demo`: co-ops with their members, people, categories (one of
//! them private to a co-op) and conversations from `demo.toml`. Its dates
//! are made from the day the demo runs, so the story agrees with them:
//! people joined before they posted, the call thread plans a gathering
//! that happened just before, and lists show recent activity.

use anyhow::{Context, Result, anyhow, bail};
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use minga_core::perm::Permission;
use minga_core::{cook, slug, validate};
use minga_store::{CategoryForm, GroupForm, NewReply, NewTopic, Profile, User};
use minga_web::AppState;
use serde::Deserialize;
use std::collections::HashMap;

const DEMO: &str = include_str!("demo.toml");

/// Where the story's clock times are told: the gathering is in Bristol.
const HOME: &str = "Europe/London";

#[derive(Deserialize)]
struct Demo {
    groups: Vec<Group>,
    users: Vec<Person>,
    categories: Vec<Category>,
    topics: Vec<Topic>,
}

#[derive(Deserialize)]
struct Group {
    name: String,
    #[serde(default)]
    owners: Vec<String>,
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
    /// Co-ops, the first shown beside their posts.
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    admin: bool,
    joined_days_ago: i64,
    trust_level: i64,
}

#[derive(Deserialize)]
struct Category {
    name: String,
    slug: String,
    color: String,
    description: String,
    /// A co-op whose members alone may see the category.
    #[serde(default)]
    private_to: Option<String>,
}

#[derive(Deserialize)]
struct Topic {
    title: String,
    category: String,
    start: String,
    end: String,
    posts: Vec<Post>,
}

#[derive(Deserialize)]
struct Post {
    author: String,
    raw: String,
    reply_to: Option<i64>,
    #[serde(default)]
    at: Option<String>,
}

/// The day the demo is made, and the story's dates that follow from it.
pub struct Calendar {
    now: Timestamp,
    today: Date,
    /// The gathering's Thursday: the last one before today.
    gathering: Date,
}

impl Calendar {
    pub fn new(now: Timestamp) -> Calendar {
        let today = now.to_zoned_datetime(TimeZone::UTC).date();
        let mut gathering = today.yesterday().expect("a date after year 1");
        while gathering.weekday() != Weekday::Thursday {
            gathering = gathering.yesterday().expect("a date after year 1");
        }
        Calendar { now, today, gathering }
    }

    /// Milliseconds for "G-14 10:20", "T-3 09:00" (Bristol time), "now-2h".
    fn at(&self, spec: &str) -> Result<i64> {
        let bad = || anyhow!("a time should read like G-14 10:20, T-3 09:00 or now-2h, not {spec:?}");
        if let Some(ago) = spec.strip_prefix("now-") {
            let (n, unit) = ago.split_at(ago.len().saturating_sub(1));
            let n: i64 = n.parse().map_err(|_| bad())?;
            let ms = match unit {
                "h" => n * 3_600_000,
                "m" => n * 60_000,
                _ => return Err(bad()),
            };
            return Ok(self.now.as_millisecond() - ms);
        }
        let (day, time) = spec.split_once(' ').ok_or_else(bad)?;
        let (anchor, offset) = match day.split_once('-') {
            Some((a, n)) => (a, n.parse::<i64>().map_err(|_| bad())?),
            None => (day, 0),
        };
        let base = match anchor {
            "G" => self.gathering,
            "T" => self.today,
            _ => return Err(bad()),
        };
        let date = base.checked_sub(offset.days()).map_err(|_| bad())?;
        let time: Time = time.parse().map_err(|_| bad())?;
        let zoned = date.to_datetime(time).to_zoned_datetime(TimeZone::get(HOME)?).map_err(|_| bad())?;
        Ok(zoned.timestamp().as_millisecond())
    }

    /// What `{{name}}` stands for in the story's texts.
    fn vars(&self) -> Result<Vec<(&'static str, String)>> {
        let thursday = self.gathering;
        let friday = thursday.tomorrow()?;
        let month = |d: Date| d.strftime("%B").to_string();
        let days = if thursday.month() == friday.month() {
            format!("{}–{} {}", thursday.day(), friday.day(), month(friday))
        } else {
            format!("{} {} – {} {}", thursday.day(), month(thursday), friday.day(), month(friday))
        };
        // What a time in Bristol on the day is elsewhere.
        let there = |hour: i8, zone: &str, shift: i64| -> Result<String> {
            let home = thursday.to_datetime(Time::constant(hour, 0, 0, 0)).to_zoned_datetime(TimeZone::get(HOME)?)?;
            let local = home.timestamp().checked_add(shift.hours())?.to_zoned_datetime(TimeZone::get(zone)?);
            Ok(local.strftime("%H:%M").to_string())
        };
        let offset = |zone: &str| -> Result<i64> {
            let noon = thursday.to_datetime(Time::constant(12, 0, 0, 0)).to_zoned_datetime(TimeZone::get(HOME)?)?;
            Ok(i64::from(noon.offset().seconds() - noon.timestamp().to_zoned_datetime(TimeZone::get(zone)?).offset().seconds()) / 3600)
        };
        const BA: &str = "America/Argentina/Buenos_Aires";
        const OAKLAND: &str = "America/Los_Angeles";
        Ok(vec![
            ("thursday", thursday.strftime("Thursday %-d %B").to_string()),
            ("friday", friday.strftime("Friday %-d %B").to_string()),
            ("thursday_iso", thursday.to_string()),
            ("day", thursday.day().to_string()),
            ("day_nth", ordinal(thursday.day())),
            ("days", days),
            ("ba_ahead", words(offset(BA)?)),
            ("ba_1600", there(16, BA, 0)?),
            ("ba_1900", there(19, BA, 0)?),
            ("chi_1900", there(19, "America/Chicago", 0)?),
            ("oak_1600", there(16, OAKLAND, 0)?),
            ("oak_1900", there(19, OAKLAND, 0)?),
            // Marcus forgets that the clocks changed, and June puts him right.
            ("oak_1900_wrong", there(19, OAKLAND, 1)?),
        ])
    }

    /// Fills `{{name}}`s; an unknown name is an error, not left as typed.
    fn fill(&self, text: &str) -> Result<String> {
        let vars = self.vars()?;
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find("{{") {
            out.push_str(&rest[..i]);
            let end = rest[i..].find("}}").ok_or_else(|| anyhow!("an unclosed {{{{ in {text:?}"))?;
            let name = &rest[i + 2..i + end];
            let value = vars.iter().find(|(n, _)| *n == name).ok_or_else(|| anyhow!("no date called {{{{{name}}}}}"))?;
            out.push_str(&value.1);
            rest = &rest[i + end + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// When each post of a topic was written: as given, or spread evenly
    /// between its neighbours. Always in order, always in the past.
    fn post_times(&self, t: &Topic) -> Result<Vec<i64>> {
        let last = t.posts.len().checked_sub(1).ok_or_else(|| anyhow!("{} has no posts", t.title))?;
        let mut known: Vec<Option<i64>> = t.posts.iter().map(|p| p.at.as_deref().map(|a| self.at(a)).transpose()).collect::<Result<_>>()?;
        known[0] = Some(known[0].map_or_else(|| self.at(&t.start), Ok)?);
        known[last] = Some(known[last].map_or_else(|| self.at(&t.end), Ok)?);
        let mut times = Vec::with_capacity(known.len());
        let mut prev = 0usize;
        for i in 0..known.len() {
            if let Some(at) = known[i] {
                times.push(at);
                prev = i;
                continue;
            }
            let next = (i..known.len()).find(|j| known[*j].is_some()).expect("the last post has a time");
            let (a, b) = (known[prev].expect("known"), known[next].expect("known"));
            let at = a + (b - a) * (i - prev) as i64 / (next - prev) as i64;
            times.push(self.waking(at, *times.last().expect("a first post"), b));
        }
        let now = self.now.as_millisecond();
        if times.windows(2).any(|w| w[0] >= w[1]) || times.iter().any(|at| *at >= now) {
            bail!("the posts of {} are not in order in the past", t.title);
        }
        Ok(times)
    }
}

impl Calendar {
    /// A time moved out of the small hours in Bristol (people post from
    /// 08:00), if that keeps it between `after` and `before`.
    fn waking(&self, at: i64, after: i64, before: i64) -> i64 {
        let Ok(ts) = Timestamp::from_millisecond(at) else { return at };
        let Ok(home) = TimeZone::get(HOME) else { return at };
        let hour = i64::from(ts.to_zoned_datetime(home).hour());
        let moved = if hour < 8 { at + (8 - hour) * 3_600_000 } else { at };
        if moved > after && moved < before { moved } else { at }
    }
}

fn ordinal(day: i8) -> String {
    let suffix = match (day % 10, day % 100) {
        (1, n) if n != 11 => "st",
        (2, n) if n != 12 => "nd",
        (3, n) if n != 13 => "rd",
        _ => "th",
    };
    format!("{day}{suffix}")
}

fn words(n: i64) -> String {
    match n {
        2 => "two".into(),
        3 => "three".into(),
        4 => "four".into(),
        5 => "five".into(),
        n => n.to_string(),
    }
}

/// How many people read a topic: more for busy and older ones.
fn views(posts: usize, first_post_at: i64, now: i64, i: usize) -> i64 {
    let days = (now - first_post_at) / 86_400_000;
    posts as i64 * 9 + days * 2 + 17 + (i as i64 * 13) % 29
}

pub async fn fill(state: &AppState) -> Result<()> {
    let demo: Demo = toml::from_str(DEMO).context("the built-in demo content")?;
    if !state.store.is_fresh().await? {
        bail!("this forum already has people or content; the demo only fills a fresh one");
    }
    let calendar = Calendar::new(Timestamp::now());
    let now = calendar.now.as_millisecond();
    let day = 86_400_000;

    let mut groups: HashMap<&str, minga_store::Group> = HashMap::new();
    for g in &demo.groups {
        let form = GroupForm {
            name: g.name.clone(),
            full_name: g.full_name.clone(),
            bio_raw: g.description.clone(),
            website: g.website.clone(),
            location: g.location.clone(),
            visibility_level: 0,
            members_visibility_level: 0,
            // Ask to join.
            join_mode: 1,
            default_notification_level: 3,
            ..GroupForm::default()
        };
        groups.insert(g.name.as_str(), state.store.create_group(&form).await?);
    }

    let password = minga_web::auth::random_token(12);
    let mut users: HashMap<String, User> = HashMap::new();
    for p in &demo.users {
        let input = minga_web::ops::SignUp { username: p.username.clone(), email: p.email.clone(), name: p.name.clone(), password: password.clone() };
        // Made as staff make accounts: the site's sign-up rules do not apply.
        let user = minga_web::ops::sign_up_as(state, input, p.admin, true).await.map_err(|e| anyhow!("{}: {e}", p.username))?;
        let profile = Profile { name: p.name.clone(), bio_raw: p.bio.clone(), location: p.location.clone(), website: String::new(), timezone: p.timezone.clone(), locale: String::new(), theme: String::new() };
        state.store.update_profile(user.id, &profile).await?;
        state.store.set_joined(user.id, now - p.joined_days_ago * day).await?;
        state.store.promote(user.id, p.trust_level).await?;
        for name in &p.groups {
            let g = groups.get(name.as_str()).ok_or_else(|| anyhow!("{}: no group {name}", p.username))?;
            let owner = demo.groups.iter().any(|x| x.name == *name && x.owners.contains(&p.username));
            state.store.add_group_members(g.id, &[user.id], owner).await?;
        }
        if let Some(first) = p.groups.first() {
            state.store.set_primary_group(user.id, Some(groups[first.as_str()].id)).await?;
        }
        users.insert(p.username.clone(), user);
    }

    let mut categories = HashMap::new();
    for c in &demo.categories {
        let grants = match &c.private_to {
            Some(g) => Some(vec![(groups.get(g.as_str()).ok_or_else(|| anyhow!("{}: no group {g}", c.name))?.id, Permission::Full)]),
            None => None,
        };
        let form = CategoryForm {
            name: c.name.clone(),
            slug: c.slug.clone(),
            color: c.color.clone(),
            text_color: "FFFFFF".into(),
            description: c.description.clone(),
            position: None,
            grants,
            parent: None,
        };
        categories.insert(c.slug.clone(), state.store.create_category(&form).await?);
    }
    // Mentions of the new groups cook as links.
    state.forget_catalog();

    // Cooked as the forum cooks posts (mentions, links to its own topics).
    let cook = |raw: String| async move { minga_web::ops::cook_post(state, &raw).await.map_err(|e| anyhow!("{e}")) };
    let limits = minga_core::Limits::default();
    let mut views_of = Vec::new();
    for (i, t) in demo.topics.iter().enumerate() {
        let title = calendar.fill(&t.title)?;
        validate::title(&title, &limits).map_err(|e| anyhow!("{title}: {}", e.text))?;
        let category = categories.get(&t.category).ok_or_else(|| anyhow!("unknown category {}", t.category))?;
        let times = calendar.post_times(t)?;
        let author = |name: &str| users.get(name).ok_or_else(|| anyhow!("unknown author {name}"));
        let first = &t.posts[0];
        let raw = calendar.fill(&first.raw)?;
        let cooked = cook(raw.clone()).await?;
        let (topic, _) = state
            .store
            .create_topic(&NewTopic {
                slug: slug::slugify(&title),
                title,
                category_id: category.id,
                user_id: author(&first.author)?.id,
                raw,
                excerpt: cook::excerpt(&cooked.html, 300),
                cooked: cooked.html,
                created_at: times[0],
                alerts: Default::default(),
            })
            .await?;
        for (n, p) in t.posts.iter().enumerate().skip(1) {
            let raw = calendar.fill(&p.raw)?;
            state
                .store
                .create_reply(&NewReply {
                    topic_id: topic.id,
                    user_id: author(&p.author)?.id,
                    cooked: cook(raw.clone()).await?.html,
                    raw,
                    reply_to_post_number: p.reply_to,
                    created_at: times[n],
                    alerts: Default::default(),
                })
                .await?;
        }
        views_of.push((topic.id, views(t.posts.len(), times[0], now, i)));
    }
    state.store.add_topic_views(&views_of).await?;

    println!("Demo people (log in with any of these names) share the password: {password}");
    for p in &demo.users {
        let coops = p.groups.iter().filter_map(|g| groups.get(g.as_str())).map(|g| g.name.as_str()).collect::<Vec<_>>().join(", ");
        println!("  {}{} ({coops})", p.username, if p.admin { ", admin" } else { "" });
    }
    for c in demo.categories.iter().filter(|c| c.private_to.is_some()) {
        println!("The category \"{}\" is visible only to members of {}.", c.name, c.private_to.as_deref().unwrap_or_default());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Demo {
        toml::from_str(DEMO).expect("demo.toml parses")
    }

    #[test]
    fn demo_content_is_consistent() {
        let demo = demo();
        let names: Vec<&str> = demo.users.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(demo.users.iter().filter(|u| u.admin).count(), 1);
        for u in &demo.users {
            assert!(validate::username(&u.username).is_ok(), "{}", u.username);
            assert!(!u.groups.is_empty() && u.groups.iter().all(|g| demo.groups.iter().any(|x| x.name == *g)), "{}", u.username);
        }
        assert!(demo.users.iter().any(|u| u.groups.len() > 1), "someone is in two co-ops");
        for g in &demo.groups {
            assert!(validate::username(&g.name).is_ok(), "{}", g.name);
            for o in &g.owners {
                assert!(demo.users.iter().any(|u| u.username == *o && u.groups.contains(&g.name)), "{o} owns {} as a member", g.name);
            }
        }
        let private: Vec<&Category> = demo.categories.iter().filter(|c| c.private_to.is_some()).collect();
        assert!(!private.is_empty() && demo.topics.iter().any(|t| private.iter().any(|c| c.slug == t.category)), "a private category with a topic");
        for t in &demo.topics {
            assert!(demo.categories.iter().any(|c| c.slug == t.category), "{}", t.category);
            if let Some(c) = private.iter().find(|c| c.slug == t.category) {
                let group = c.private_to.as_deref().unwrap();
                for p in &t.posts {
                    let author = demo.users.iter().find(|u| u.username == p.author).unwrap();
                    assert!(author.groups.iter().any(|g| g == group), "{} writes in {}", p.author, c.name);
                }
            }
            for (i, p) in t.posts.iter().enumerate() {
                assert!(names.contains(&p.author.as_str()), "{}", p.author);
                if let Some(to) = p.reply_to {
                    assert!(to >= 1 && (to as usize) <= i, "reply_to {to} in {}", t.title);
                }
            }
        }
    }

    /// Whatever day the demo is made, the story holds: posts in order and
    /// in the past, people joined before their first post, the gathering
    /// on a Thursday before the demo's day and after the thread that plans
    /// it began, and every `{{date}}` filled.
    #[test]
    fn the_story_holds_on_every_day_of_the_year() {
        let demo = demo();
        let first_day: Timestamp = "2026-01-01T00:20:00Z".parse().unwrap();
        for d in 0..366 * 2 {
            let now = first_day.checked_add((d * 12).hours()).unwrap();
            let cal = Calendar::new(now);
            assert_eq!(cal.gathering.weekday(), Weekday::Thursday);
            assert!(cal.gathering < cal.today && cal.today.since(cal.gathering).unwrap().get_days() <= 7);
            let mut first_post: HashMap<&str, i64> = HashMap::new();
            for t in &demo.topics {
                let times = cal.post_times(t).unwrap_or_else(|e| panic!("{now}: {e}"));
                for (p, at) in t.posts.iter().zip(&times) {
                    let e = first_post.entry(p.author.as_str()).or_insert(*at);
                    *e = (*e).min(*at);
                    cal.fill(&p.raw).unwrap_or_else(|e| panic!("{}: {e}", t.title));
                }
                let title = cal.fill(&t.title).unwrap();
                assert!(validate::title(&title, &minga_core::Limits::default()).is_ok(), "{title}");
            }
            for u in &demo.users {
                let joined = now.as_millisecond() - u.joined_days_ago * 86_400_000;
                assert!(joined < first_post[u.username.as_str()] - 7 * 86_400_000, "{} joined before posting", u.username);
            }
        }
    }

    #[test]
    fn the_call_thread_agrees_with_its_dates() {
        // Thursday 19 November 2026 is the last Thursday before the 24th.
        let cal = Calendar::new("2026-11-24T15:00:00Z".parse().unwrap());
        assert_eq!(cal.gathering.to_string(), "2026-11-19");
        let f = |s: &str| cal.fill(s).unwrap();
        assert_eq!(f("{{thursday}} and {{friday}}, {{days}}, the {{day_nth}}"), "Thursday 19 November and Friday 20 November, 19–20 November, the 19th");
        assert_eq!([1, 2, 3, 11, 12, 13, 21, 22, 23, 30].map(ordinal).join(" "), "1st 2nd 3rd 11th 12th 13th 21st 22nd 23rd 30th");
        assert_eq!(f("{{ba_ahead}} {{ba_1600}} {{ba_1900}} {{chi_1900}} {{oak_1600}} {{oak_1900}} {{oak_1900_wrong}}"), "three 13:00 16:00 13:00 08:00 11:00 12:00");
        // In summer London is four hours ahead of Buenos Aires.
        let summer = Calendar::new("2026-07-01T09:00:00Z".parse().unwrap());
        assert_eq!(summer.fill("{{thursday}} {{ba_ahead}} {{ba_1900}} {{oak_1900}}").unwrap(), "Thursday 25 June four 15:00 11:00");
        // Across a month's end.
        let edge = Calendar::new("2026-10-02T09:00:00Z".parse().unwrap());
        assert_eq!(edge.fill("{{days}}").unwrap(), "1–2 October");
        let edge = Calendar::new("2026-05-04T09:00:00Z".parse().unwrap());
        assert_eq!(edge.fill("{{days}}").unwrap(), "30 April – 1 May");
        assert!(cal.fill("{{nope}}").is_err());
        // The thread ends after the call, which comes after its planning.
        let t = demo().topics.into_iter().find(|t| t.title.contains("video call")).unwrap();
        let times = cal.post_times(&t).unwrap();
        let call: i64 = cal.at("G 19:00").unwrap();
        assert!(times[..times.len() - 1].iter().all(|at| *at < call) && *times.last().unwrap() > call);
    }
}
