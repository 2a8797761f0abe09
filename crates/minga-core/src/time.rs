//! Instants are stored as milliseconds since the Unix epoch; the API shows
//! them as Discourse does, e.g. `2018-11-29T19:00:00.000Z`.

use jiff::Timestamp;

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

/// ISO 8601 in UTC with milliseconds, the format of Discourse's JSON.
pub fn iso(ms: i64) -> String {
    match Timestamp::from_millisecond(ms) {
        Ok(ts) => ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        Err(_) => String::new(),
    }
}

/// A short, human date for pages ("29 Nov 2018"); the exact instant goes
/// into a `<time datetime>` attribute beside it.
pub fn short_date(ms: i64) -> String {
    match Timestamp::from_millisecond(ms) {
        Ok(ts) => ts.strftime("%-d %b %Y").to_string(),
        Err(_) => String::new(),
    }
}

/// "3m", "5h", "2d" — relative ages for topic lists, as Discourse shows them.
pub fn age(ms: i64, now: i64) -> String {
    let secs = ((now - ms) / 1000).max(0);
    match secs {
        s if s < 60 => "now".into(),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s if s < 86_400 * 30 => format!("{}d", s / 86_400),
        _ => short_date(ms),
    }
}

/// How a page shows an instant: `text` relative when recent, else the
/// date and time; `title` the exact time, for hovering; `iso` the instant
/// for `<time datetime>`. The web layer writes them in the reader's
/// language and zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    pub iso: String,
    pub text: String,
    pub title: String,
}

/// How long ago an instant was, as pages say it: now, minutes, hours and
/// days for the last month; older ones by their date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ago {
    Now,
    Minutes(i64),
    Hours(i64),
    Days(i64),
    Long,
}

pub fn ago(ms: i64, now: i64) -> Ago {
    match (now - ms) / 1000 {
        s if s < 60 => Ago::Now,
        s if s < 3600 => Ago::Minutes(s / 60),
        s if s < 86_400 => Ago::Hours(s / 3600),
        s if s < 86_400 * 30 => Ago::Days(s / 86_400),
        _ => Ago::Long,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_has_milliseconds_and_z() {
        assert_eq!(iso(1_543_518_000_000), "2018-11-29T19:00:00.000Z");
        assert_eq!(iso(1_543_518_000_123), "2018-11-29T19:00:00.123Z");
    }

    #[test]
    fn recent_times_are_relative_and_old_ones_dated() {
        let now = 1_795_081_600_000;
        assert_eq!(ago(now - 20_000, now), Ago::Now);
        assert_eq!(ago(now - 12 * 60_000, now), Ago::Minutes(12));
        assert_eq!(ago(now - 3 * 3_600_000 - 5, now), Ago::Hours(3));
        assert_eq!(ago(now - 2 * 86_400_000, now), Ago::Days(2));
        assert_eq!(ago(now - 40 * 86_400_000, now), Ago::Long);
    }

    #[test]
    fn ages() {
        let now = 1_000_000_000_000;
        assert_eq!(age(now - 5_000, now), "now");
        assert_eq!(age(now - 120_000, now), "2m");
        assert_eq!(age(now - 7_200_000, now), "2h");
        assert_eq!(age(now - 3 * 86_400_000, now), "3d");
    }
}
