//! Local dates: `[date=2018-11-29 time=19:00:00 timezone="Europe/London"]`
//! and `[date-range from=… to=… timezone=…]` become `<time>` elements
//! carrying the exact instant in UTC, shown in the author's zone. Pages
//! may then show each reader their own time.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

use super::inline_escape as escape;

/// Parses a tag at the start of `s`; returns its HTML and the bytes used,
/// or `None` to leave the text as typed.
pub fn parse(s: &str) -> Option<(String, usize)> {
    let end = s.find(']')?;
    let inner = &s[1..end];
    let (name, attrs) = inner.split_once(['=', ' ']).unwrap_or((inner, ""));
    let html = match name {
        "date" => {
            // `[date=2018-11-29 …]`: the value of `date` follows the `=`.
            let attrs = attributes(&format!("date={attrs}"))?;
            single(&attrs)?
        }
        "date-range" => range(&attributes(attrs)?)?,
        _ => return None,
    };
    Some((html, end + 1))
}

fn attributes(s: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let eq = rest.find('=')?;
        let key = rest[..eq].trim().to_string();
        let after = &rest[eq + 1..];
        let (value, next) = if let Some(q) = after.strip_prefix('"') {
            let close = q.find('"')?;
            (q[..close].to_string(), &q[close + 1..])
        } else {
            let stop = after.find(' ').unwrap_or(after.len());
            (after[..stop].to_string(), &after[stop..])
        };
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return None;
        }
        out.push((key, value));
        rest = next.trim_start();
    }
    Some(out)
}

fn get<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn zone(attrs: &[(String, String)]) -> Option<(TimeZone, String)> {
    match get(attrs, "timezone") {
        Some(name) => Some((TimeZone::get(name).ok()?, name.to_string())),
        None => Some((TimeZone::UTC, "UTC".to_string())),
    }
}

/// One instant: `(datetime attribute, text in the author's zone)`.
struct Shown {
    datetime: String,
    text: String,
}

fn show(date: Date, time: Option<Time>, tz: &TimeZone, tz_name: &str) -> Option<Shown> {
    match time {
        Some(t) => {
            let zoned = DateTime::from_parts(date, t).to_zoned_datetime(tz.clone()).ok()?;
            let utc = zoned.timestamp();
            Some(Shown {
                datetime: utc.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                text: format!("{} {}", zoned.strftime("%a %-d %b %Y %H:%M"), tz_name.replace('_', " ")),
            })
        }
        None => Some(Shown { datetime: date.to_string(), text: date.strftime("%a %-d %b %Y").to_string() }),
    }
}


fn single(attrs: &[(String, String)]) -> Option<String> {
    let date: Date = get(attrs, "date")?.parse().ok()?;
    let time: Option<Time> = match get(attrs, "time") {
        Some(t) => Some(t.parse().ok()?),
        None => None,
    };
    let (tz, tz_name) = zone(attrs)?;
    let shown = show(date, time, &tz, &tz_name)?;
    Some(format!(
        "<span class=\"discourse-local-date\" data-date=\"{}\"{} data-timezone=\"{}\"><time datetime=\"{}\">{}</time></span>",
        date,
        time.map(|t| format!(" data-time=\"{}\"", t.strftime("%H:%M:%S"))).unwrap_or_default(),
        escape(&tz_name),
        shown.datetime,
        escape(&shown.text)
    ))
}

/// `from`/`to` are dates or date-times (`2018-11-29T19:00`).
fn range(attrs: &[(String, String)]) -> Option<String> {
    let (tz, tz_name) = zone(attrs)?;
    let part = |key: &str| -> Option<Shown> {
        let value = get(attrs, key)?;
        match value.split_once('T') {
            Some((d, t)) => show(d.parse().ok()?, Some(t.parse().ok()?), &tz, &tz_name),
            None => show(value.parse().ok()?, None, &tz, &tz_name),
        }
    };
    let (from, to) = (part("from")?, part("to")?);
    Some(format!(
        "<span class=\"discourse-local-date-range\" data-timezone=\"{}\"><time datetime=\"{}\">{}</time> → <time datetime=\"{}\">{}</time></span>",
        escape(&tz_name),
        from.datetime,
        escape(&from.text),
        to.datetime,
        escape(&to.text)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_call_at_seven_in_london() {
        let tag = "[date=2018-11-29 time=19:00:00 timezone=\"Europe/London\"]";
        let (html, used) = parse(&format!("{tag} ok")).unwrap();
        assert_eq!(used, tag.len());
        assert!(html.contains("datetime=\"2018-11-29T19:00:00Z\""), "{html}");
        assert!(html.contains("Thu 29 Nov 2018 19:00 Europe/London"), "{html}");
    }

    #[test]
    fn buenos_aires_is_three_hours_behind() {
        let (html, _) = parse("[date=2018-11-29 time=16:00 timezone=\"America/Argentina/Buenos_Aires\"]").unwrap();
        assert!(html.contains("datetime=\"2018-11-29T19:00:00Z\""), "{html}");
        assert!(html.contains("America/Argentina/Buenos Aires"), "{html}");
    }

    #[test]
    fn summer_time_is_applied() {
        let (html, _) = parse("[date=2018-07-01 time=12:00 timezone=\"Europe/London\"]").unwrap();
        assert!(html.contains("2018-07-01T11:00:00Z"), "{html}");
    }

    #[test]
    fn all_day_and_ranges() {
        let (html, _) = parse("[date=2018-11-29]").unwrap();
        assert!(html.contains("<time datetime=\"2018-11-29\">Thu 29 Nov 2018</time>"), "{html}");
        let (html, _) = parse("[date-range from=2018-11-29T19:00:00 to=2018-11-30T18:00:00 timezone=\"Europe/London\"]").unwrap();
        assert!(html.contains("2018-11-29T19:00:00Z") && html.contains("2018-11-30T18:00:00Z"), "{html}");
    }

    #[test]
    fn invalid_dates_and_zones_stay_text() {
        assert!(parse("[date=2018-13-45]").is_none());
        assert!(parse("[date=2018-11-29 timezone=\"Mars/Olympus\"]").is_none());
        assert!(parse("[date=2018-11-29 time=25:00]").is_none());
        assert!(parse("[date=2018-11-29 timezone=\"Europe/London").is_none());
        assert!(parse("[dates=2018-11-29]").is_none());
    }

    #[test]
    fn no_markup_gets_through_attributes() {
        assert!(parse("[date=2018-11-29 time=\"<script>\"]").is_none());
        assert!(parse("[date=2018-11-29 timezone=\"<b>\"]").is_none());
    }
}
