//! Posting limits with Discourse's defaults: time between topics and
//! between posts (longer for trust level 0), daily and first-day caps, and
//! how many links and mentions a new user's post may carry. Staff are
//! exempt. Counted in memory, per process.

use crate::error::AppError;
use minga_core::UserId;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Topic,
    Post,
}

pub const CREATE_TOPIC_SECS: u64 = 15;
pub const CREATE_POST_SECS: u64 = 5;
pub const NEW_USER_CREATE_TOPIC_SECS: u64 = 120;
pub const NEW_USER_CREATE_POST_SECS: u64 = 30;
pub const MAX_TOPICS_PER_DAY: u32 = 20;
pub const MAX_TOPICS_IN_FIRST_DAY: u32 = 3;
pub const MAX_REPLIES_IN_FIRST_DAY: u32 = 10;
pub const NEW_USER_MAX_LINKS: usize = 2;
pub const NEW_USER_MAX_MENTIONS: usize = 2;

const DAY: Duration = Duration::from_secs(86_400);

#[derive(Default)]
struct Track {
    last: Option<Instant>,
    day_start: Option<Instant>,
    today: u32,
}

#[derive(Default)]
pub struct Limiter {
    tracks: Mutex<HashMap<(UserId, Action), Track>>,
}

/// Who is posting, as the limits care.
pub struct Poster {
    pub id: UserId,
    pub staff: bool,
    pub trust_level: i64,
    /// The account is less than a day old.
    pub first_day: bool,
}

impl Limiter {
    /// Refuses with the seconds to wait when `who` may not `act` yet.
    pub fn check(&self, who: &Poster, act: Action) -> Result<(), AppError> {
        if who.staff {
            return Ok(());
        }
        let now = Instant::now();
        let mut tracks = self.tracks.lock().expect("limiter lock");
        let Some(t) = tracks.get_mut(&(who.id, act)) else { return Ok(()) };
        let new_user = who.trust_level == 0;
        let gap = match (act, new_user) {
            (Action::Topic, false) => CREATE_TOPIC_SECS,
            (Action::Topic, true) => NEW_USER_CREATE_TOPIC_SECS,
            (Action::Post, false) => CREATE_POST_SECS,
            (Action::Post, true) => NEW_USER_CREATE_POST_SECS,
        };
        if let Some(last) = t.last {
            let since = now.duration_since(last);
            if since < Duration::from_secs(gap) {
                return Err(AppError::RateLimited((gap - since.as_secs()).max(1)));
            }
        }
        if t.day_start.is_some_and(|d| now.duration_since(d) >= DAY) {
            t.day_start = None;
            t.today = 0;
        }
        let cap = match act {
            Action::Topic if who.first_day => MAX_TOPICS_IN_FIRST_DAY,
            Action::Topic => MAX_TOPICS_PER_DAY,
            Action::Post if who.first_day => MAX_REPLIES_IN_FIRST_DAY,
            Action::Post => u32::MAX,
        };
        if t.today >= cap {
            let wait = t.day_start.map(|d| DAY.saturating_sub(now.duration_since(d)).as_secs()).unwrap_or(1);
            return Err(AppError::RateLimited(wait.max(1)));
        }
        Ok(())
    }

    /// Counts an action that succeeded.
    pub fn record(&self, who: &Poster, act: Action) {
        if who.staff {
            return;
        }
        let now = Instant::now();
        let mut tracks = self.tracks.lock().expect("limiter lock");
        let t = tracks.entry((who.id, act)).or_default();
        t.last = Some(now);
        if t.day_start.is_none() {
            t.day_start = Some(now);
        }
        t.today += 1;
    }
}

/// A new user's post may not carry too many links or mentions.
pub fn check_new_user_content(trust_level: i64, staff: bool, cooked: &minga_core::cook::Cooked) -> Result<(), AppError> {
    if staff || trust_level > 0 {
        return Ok(());
    }
    let links = cooked.html.matches("<a href=\"http").count();
    if links > NEW_USER_MAX_LINKS {
        return Err(AppError::invalid("raw", format!("Sorry, new users can only put {NEW_USER_MAX_LINKS} links in a post.")));
    }
    if cooked.mentions.len() + cooked.group_mentions.len() > NEW_USER_MAX_MENTIONS {
        return Err(AppError::invalid("raw", format!("Sorry, new users can only mention {NEW_USER_MAX_MENTIONS} people in a post.")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poster(tl: i64, first_day: bool) -> Poster {
        Poster { id: UserId(1), staff: false, trust_level: tl, first_day }
    }

    #[test]
    fn waits_between_posts() {
        let l = Limiter::default();
        let p = poster(1, false);
        assert!(l.check(&p, Action::Post).is_ok());
        l.record(&p, Action::Post);
        match l.check(&p, Action::Post) {
            Err(AppError::RateLimited(w)) => assert!((1..=5).contains(&w)),
            other => panic!("{other:?}"),
        }
        assert!(l.check(&p, Action::Topic).is_ok(), "topics and posts are counted apart");
        let new = Poster { id: UserId(2), ..poster(0, true) };
        l.record(&new, Action::Topic);
        assert!(matches!(l.check(&new, Action::Topic), Err(AppError::RateLimited(w)) if w > 100));
        let staff = Poster { staff: true, ..poster(0, true) };
        l.record(&staff, Action::Post);
        assert!(l.check(&staff, Action::Post).is_ok());
    }

    #[test]
    fn first_day_caps() {
        let l = Limiter::default();
        let p = poster(1, true);
        {
            let mut tracks = l.tracks.lock().unwrap();
            tracks.insert((p.id, Action::Topic), Track { last: None, day_start: Some(Instant::now()), today: MAX_TOPICS_IN_FIRST_DAY });
        }
        assert!(matches!(l.check(&p, Action::Topic), Err(AppError::RateLimited(w)) if w > 3600));
    }

    #[test]
    fn new_users_have_few_links() {
        let raw = "https://a.example/1 https://a.example/2 https://a.example/3";
        let cooked = minga_core::cook::cook_plain(&format!("see {raw}"));
        assert!(check_new_user_content(0, false, &cooked).is_err());
        assert!(check_new_user_content(1, false, &cooked).is_ok());
        assert!(check_new_user_content(0, true, &cooked).is_ok());
    }
}
