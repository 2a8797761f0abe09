//! The shape of a generated forum, decided before any text is written:
//! how many people, which topics with how many posts, who wrote each post
//! and when. Posts are numbered in time order across all topics, as a
//! real forum's ids are, so a topic's posts lie scattered through the
//! table rather than side by side.

use crate::rng::Rng;
use crate::text;

/// 2026-01-01T00:00:00Z. A fixed end of history keeps data reproducible.
pub const END_MS: i64 = 1_767_225_600_000;
const WINDOW_MS: i64 = 2 * 365 * 86_400_000;
const HOUR_MS: f64 = 3_600_000.0;

// Tags for `Rng::derive`, so each kind of choice has its own stream.
pub const T_SIZE: u64 = 1;
pub const T_TOPIC: u64 = 2;
pub const T_AUTHOR: u64 = 3;
pub const T_POST: u64 = 4;
pub const T_USER: u64 = 5;
pub const T_GAP: u64 = 6;

#[derive(Clone, Debug)]
pub struct TopicPlan {
    /// Stable key for the topic's random streams (its order of planning).
    pub key: u64,
    pub posts: u32,
    pub start: i64,
    pub last: i64,
    pub category: u64,
    /// Replies asked for, when this is one of the long scale-test topics.
    pub long: Option<u64>,
}

/// One post, in time order. `topic` indexes `Plan::topics` (id − 1).
#[derive(Clone, Copy, Debug)]
pub struct PostEvent {
    pub at: i64,
    pub topic: u32,
    pub number: u32,
}

pub struct Plan {
    pub seed: u64,
    pub users: u64,
    /// Sorted by first post, so topic ids follow creation time.
    pub topics: Vec<TopicPlan>,
    pub events: Vec<PostEvent>,
}

/// People scale with posts, as on a real forum, within sane bounds.
pub fn user_count(posts: u64) -> u64 {
    (posts / 50).clamp(30, 20_000)
}

impl Plan {
    pub fn new(seed: u64, posts: u64, long_replies: &[u64]) -> anyhow::Result<Plan> {
        let long_posts: u64 = long_replies.iter().map(|r| r + 1).sum();
        anyhow::ensure!(
            long_posts < posts,
            "{posts} posts cannot hold long topics of {long_replies:?} replies and anything else"
        );
        let users = user_count(posts);
        let mut topics = Vec::new();
        let mut key = 0u64;
        for &replies in long_replies {
            topics.push(TopicPlan { key, posts: replies as u32 + 1, start: 0, last: 0, category: key % 3, long: Some(replies) });
            key += 1;
        }
        // Regular topics: mostly short, some long, about twenty posts on average.
        let mut left = posts - long_posts;
        while left > 0 {
            let mut r = Rng::derive(seed, &[T_SIZE, key]);
            let size = (1 + r.exp(19.0) as u64).min(200).min(left);
            let category = r.below(text::CATEGORIES.len() as u64);
            topics.push(TopicPlan { key, posts: size as u32, start: 0, last: 0, category, long: None });
            left -= size;
            key += 1;
        }
        // Events first name their topic by key; indexes come after sorting.
        let mut events = Vec::with_capacity(posts as usize);
        for t in topics.iter_mut() {
            let mut r = Rng::derive(seed, &[T_GAP, t.key]);
            let topic = t.key as u32;
            if t.long.is_some() {
                // Long topics run through the whole history, evenly.
                t.start = END_MS - WINDOW_MS + r.below(86_400_000) as i64;
                let step = (WINDOW_MS - 2 * 86_400_000) / t.posts as i64;
                for n in 1..=t.posts {
                    events.push(PostEvent { at: t.start + step * (n as i64 - 1), topic, number: n });
                }
                t.last = t.start + step * (t.posts as i64 - 1);
                continue;
            }
            // Replies come hours apart; a topic lives days to weeks.
            let gaps: Vec<i64> = (1..t.posts).map(|_| (r.exp(6.0) * HOUR_MS) as i64 + 60_000).collect();
            let span: i64 = gaps.iter().sum();
            let earliest = END_MS - WINDOW_MS;
            let latest_start = (END_MS - span - 60_000).max(earliest);
            t.start = earliest + r.below((latest_start - earliest).max(1) as u64) as i64;
            let mut at = t.start;
            events.push(PostEvent { at, topic, number: 1 });
            for (k, g) in gaps.iter().enumerate() {
                at += g;
                events.push(PostEvent { at, topic, number: k as u32 + 2 });
            }
            t.last = at;
        }
        topics.sort_by_key(|t| (t.start, t.key));
        let mut index_of = vec![0u32; topics.len()];
        for (i, t) in topics.iter().enumerate() {
            index_of[t.key as usize] = i as u32;
        }
        for e in events.iter_mut() {
            e.topic = index_of[e.topic as usize];
        }
        events.sort_by_key(|e| (e.at, e.topic, e.number));
        Ok(Plan { seed, users, topics, events })
    }

    /// The author of post `number` of a topic. Activity is skewed: a few
    /// people write much of the forum, as everywhere.
    pub fn author(&self, topic: &TopicPlan, number: u32) -> u64 {
        let mut r = Rng::derive(self.seed, &[T_AUTHOR, topic.key, number as u64]);
        let u = r.unit();
        (u * u * self.users as f64) as u64 % self.users
    }

    /// Which earlier post a reply answers, if it answers one.
    pub fn reply_to(&self, topic: &TopicPlan, number: u32) -> Option<u32> {
        let mut r = Rng::derive(self.seed, &[T_AUTHOR, topic.key, number as u64, 1]);
        (number > 1 && r.chance(0.2)).then(|| r.range(number.saturating_sub(5).max(1) as u64, number as u64 - 1) as u32)
    }

    pub fn raw(&self, topic: &TopicPlan, number: u32) -> String {
        text::post(&mut Rng::derive(self.seed, &[T_POST, topic.key, number as u64]), self.users)
    }

    pub fn title(&self, topic: &TopicPlan) -> String {
        text::title(&mut Rng::derive(self.seed, &[T_TOPIC, topic.key]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_are_exact_and_ordered() {
        let plan = Plan::new(42, 5_000, &[10, 1_000]).unwrap();
        assert_eq!(plan.events.len(), 5_000);
        assert!(plan.events.windows(2).all(|w| w[0].at <= w[1].at));
        let long: Vec<u32> = plan.topics.iter().filter(|t| t.long.is_some()).map(|t| t.posts).collect();
        assert_eq!(long.len(), 2);
        assert!(long.contains(&11) && long.contains(&1_001));
        // Within a topic, numbers rise with time.
        let mut seen = vec![0u32; plan.topics.len()];
        for e in &plan.events {
            assert_eq!(seen[e.topic as usize] + 1, e.number);
            seen[e.topic as usize] = e.number;
        }
        assert!(plan.events.iter().all(|e| e.at <= END_MS));
    }

    #[test]
    fn too_small_for_the_long_topics() {
        assert!(Plan::new(1, 100, &[1_000]).is_err());
    }
}
