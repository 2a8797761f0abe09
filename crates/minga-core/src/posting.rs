//! Posting limits with Discourse's defaults: time between topics and
//! between posts (longer for trust level 0), daily and first-day caps.
//! Staff are exempt. The rules are judged against what the person has
//! posted (their history, read from the database in the same transaction
//! as the new post), so they hold on every node.

pub const CREATE_TOPIC_SECS: i64 = 15;
pub const CREATE_POST_SECS: i64 = 5;
pub const NEW_USER_CREATE_TOPIC_SECS: i64 = 120;
pub const NEW_USER_CREATE_POST_SECS: i64 = 30;
pub const MAX_TOPICS_PER_DAY: i64 = 20;
pub const MAX_TOPICS_IN_FIRST_DAY: i64 = 3;
pub const MAX_REPLIES_IN_FIRST_DAY: i64 = 10;
pub const DAY_MS: i64 = 86_400_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Topic,
    Post,
}

/// Who is posting, as the limits care.
#[derive(Clone, Copy, Debug)]
pub struct Poster {
    pub staff: bool,
    pub trust_level: i64,
    /// When the account was made (ms since the epoch).
    pub created_at: i64,
}

/// What the person has posted of this kind in the last day.
#[derive(Clone, Copy, Debug, Default)]
pub struct History {
    /// Their latest one, at any time (ms), if any.
    pub last_at: Option<i64>,
    /// How many in the 24 hours before now, and when the oldest of those was.
    pub in_last_day: i64,
    pub oldest_in_last_day: Option<i64>,
}

/// `Err(seconds to wait)` when `who` may not `act` at `now`.
pub fn check(who: &Poster, act: Action, history: &History, now: i64) -> Result<(), u64> {
    if who.staff {
        return Ok(());
    }
    let new_user = who.trust_level == 0;
    let gap_secs = match (act, new_user) {
        (Action::Topic, false) => CREATE_TOPIC_SECS,
        (Action::Topic, true) => NEW_USER_CREATE_TOPIC_SECS,
        (Action::Post, false) => CREATE_POST_SECS,
        (Action::Post, true) => NEW_USER_CREATE_POST_SECS,
    };
    if let Some(last) = history.last_at {
        let since = now - last;
        if since < gap_secs * 1000 {
            return Err(((gap_secs * 1000 - since) / 1000).max(1) as u64);
        }
    }
    let first_day = now - who.created_at < DAY_MS;
    let cap = match act {
        Action::Topic if first_day => MAX_TOPICS_IN_FIRST_DAY,
        Action::Topic => MAX_TOPICS_PER_DAY,
        Action::Post if first_day => MAX_REPLIES_IN_FIRST_DAY,
        Action::Post => i64::MAX,
    };
    if history.in_last_day >= cap {
        let oldest = history.oldest_in_last_day.unwrap_or(now);
        return Err(((oldest + DAY_MS - now) / 1000).max(1) as u64);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    fn poster(tl: i64, age_ms: i64) -> Poster {
        Poster { staff: false, trust_level: tl, created_at: NOW - age_ms }
    }

    #[test]
    fn waits_between_posts() {
        let p = poster(1, 10 * DAY_MS);
        assert!(check(&p, Action::Post, &History::default(), NOW).is_ok());
        let just_now = History { last_at: Some(NOW - 1000), in_last_day: 1, oldest_in_last_day: Some(NOW - 1000) };
        assert_eq!(check(&p, Action::Post, &just_now, NOW), Err(4));
        let later = History { last_at: Some(NOW - 6000), ..just_now };
        assert!(check(&p, Action::Post, &later, NOW).is_ok());
        assert!(matches!(check(&poster(0, 10 * DAY_MS), Action::Topic, &just_now, NOW), Err(w) if w > 100));
        let staff = Poster { staff: true, ..poster(0, 0) };
        assert!(check(&staff, Action::Post, &just_now, NOW).is_ok());
    }

    #[test]
    fn first_day_and_daily_caps() {
        let three = History { last_at: Some(NOW - 3_600_000), in_last_day: 3, oldest_in_last_day: Some(NOW - 7_200_000) };
        let wait = check(&poster(1, 3_600_000 * 5), Action::Topic, &three, NOW).unwrap_err();
        assert!(wait > 3600 * 20, "waits until the oldest of the day is a day old: {wait}");
        assert!(check(&poster(1, 3 * DAY_MS), Action::Topic, &three, NOW).is_ok(), "not their first day");
        let twenty = History { in_last_day: 20, ..three };
        assert!(check(&poster(1, 3 * DAY_MS), Action::Topic, &twenty, NOW).is_err());
        let ten = History { in_last_day: 10, ..three };
        assert!(check(&poster(1, 3_600_000), Action::Post, &ten, NOW).is_err());
        assert!(check(&poster(1, 3 * DAY_MS), Action::Post, &ten, NOW).is_ok());
    }
}
