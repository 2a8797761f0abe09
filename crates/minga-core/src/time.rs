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

/// How a page shows an instant: `text` relative when recent ("3 h",
/// "2 d"), else the date and time; `title` the exact time, for hovering;
/// `iso` the instant for `<time datetime>`. Times are in the reader's zone
/// (an IANA name), or UTC when they have none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    pub iso: String,
    pub text: String,
    pub title: String,
}

pub fn shown(ms: i64, now: i64, zone: &str) -> Shown {
    let Ok(ts) = Timestamp::from_millisecond(ms) else {
        return Shown { iso: String::new(), text: String::new(), title: String::new() };
    };
    let (tz, name) = match jiff::tz::TimeZone::get(zone) {
        Ok(tz) if !zone.is_empty() => (tz, format!("({zone})")),
        _ => (jiff::tz::TimeZone::UTC, "UTC".to_string()),
    };
    let local = ts.to_zoned_datetime(tz);
    let secs = (now - ms) / 1000;
    let text = match secs {
        s if s < 60 => "now".to_string(),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h", s / 3600),
        s if s < 86_400 * 30 => format!("{} d", s / 86_400),
        _ => local.strftime("%-d %b %Y, %H:%M").to_string(),
    };
    Shown { iso: iso(ms), text, title: format!("{} {name}", local.strftime("%A %-d %B %Y, %H:%M")) }
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
    fn recent_times_are_relative_and_old_ones_exact() {
        let now = 1_795_081_600_000; // Thu 19 Nov 2026, 09:46:40 UTC
        let at = |ago_ms: i64| shown(now - ago_ms, now, "");
        assert_eq!(at(20_000).text, "now");
        assert_eq!(at(12 * 60_000).text, "12 min");
        assert_eq!(at(3 * 3_600_000 + 5).text, "3 h");
        assert_eq!(at(2 * 86_400_000).text, "2 d");
        let old = at(40 * 86_400_000);
        assert_eq!(old.text, "10 Oct 2026, 09:46");
        assert_eq!(old.title, "Saturday 10 October 2026, 09:46 UTC");
        assert_eq!(old.iso, "2026-10-10T09:46:40.000Z");
        // In the reader's zone, named.
        let there = shown(now - 40 * 86_400_000, now, "America/Argentina/Buenos_Aires");
        assert_eq!(there.text, "10 Oct 2026, 06:46");
        assert_eq!(there.title, "Saturday 10 October 2026, 06:46 (America/Argentina/Buenos_Aires)");
        assert_eq!(shown(now, now, "Not/A_Zone").title, "Thursday 19 November 2026, 09:46 UTC");
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
