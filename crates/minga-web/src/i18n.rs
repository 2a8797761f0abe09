//! The interface in the reader's language, with Project Fluent: one
//! catalogue per language (`locales/{en,es}/minga.ftl`, compiled in), plural
//! rules from CLDR, and the choice of language for each request: the
//! person's setting, else the `locale` cookie a visitor chose, else the
//! browser's `Accept-Language`, else the site's `default_locale`.

use fluent_bundle::concurrent::FluentBundle;
use icu_datetime::input::{Date, DateTime, Time};
use icu_datetime::{DateTimeFormatter, fieldsets};
use icu_calendar::Iso;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::LazyLock;
use unic_langid::LanguageIdentifier;

/// The cookie a visitor's choice of language is kept in.
pub const LOCALE_COOKIE: &str = "locale";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Locale {
    #[default]
    En,
    Es,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Es];

    /// The BCP 47 tag, as `<html lang>` and Discourse's `locale` say it.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Es => "es",
        }
    }

    /// The language's name in itself, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Es => "Español",
        }
    }

    /// A tag such as `es`, `es-AR` or `en_US`; `None` for a language minga
    /// does not speak.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Locale::En),
            "es" => Some(Locale::Es),
            _ => None,
        }
    }

    /// The first language of an `Accept-Language` header minga speaks, by
    /// the weights the browser gave.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut offered: Vec<(f32, usize, Locale)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut pieces = part.split(';');
                let locale = Locale::from_tag(pieces.next()?)?;
                let weight = pieces.find_map(|p| p.trim().strip_prefix("q=")).map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (weight > 0.0).then_some((weight, i, locale))
            })
            .collect();
        offered.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        offered.first().map(|(_, _, l)| *l)
    }

    /// The catalogue's files: the frame and lists (`minga.ftl`), topics and
    /// people's pages (`pages.ftl`), staff's pages (`admin.ftl`), errors
    /// (`errors.ftl`), mail (`mail.ftl`).
    fn sources(self) -> [&'static str; 5] {
        match self {
            Locale::En => [
                include_str!("../locales/en/minga.ftl"),
                include_str!("../locales/en/pages.ftl"),
                include_str!("../locales/en/admin.ftl"),
                include_str!("../locales/en/errors.ftl"),
                include_str!("../locales/en/mail.ftl"),
            ],
            Locale::Es => [
                include_str!("../locales/es/minga.ftl"),
                include_str!("../locales/es/pages.ftl"),
                include_str!("../locales/es/admin.ftl"),
                include_str!("../locales/es/errors.ftl"),
                include_str!("../locales/es/mail.ftl"),
            ],
        }
    }
}

struct Catalogues {
    en: FluentBundle<FluentResource>,
    es: FluentBundle<FluentResource>,
}

fn bundle(locale: Locale) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = locale.tag().parse().expect("a valid language tag");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Pages are HTML with their own direction; the marks would show in
    // titles and break exact text.
    bundle.set_use_isolating(false);
    // Whole numbers in messages ("12,345 views") take the language's grouping.
    bundle.set_formatter(Some(match locale {
        Locale::En => |v, _| whole(Locale::En, v),
        Locale::Es => |v, _| whole(Locale::Es, v),
    }));
    for source in locale.sources() {
        let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(_, errors)| panic!("{}: {errors:?}", locale.tag()));
        // A message defined twice is an error here, not a silent override.
        bundle.add_resource(resource).unwrap_or_else(|errors| panic!("{}: {errors:?}", locale.tag()));
    }
    bundle
}

static CATALOGUES: LazyLock<Catalogues> = LazyLock::new(|| Catalogues { en: bundle(Locale::En), es: bundle(Locale::Es) });

fn catalogue(locale: Locale) -> &'static FluentBundle<FluentResource> {
    match locale {
        Locale::En => &CATALOGUES.en,
        Locale::Es => &CATALOGUES.es,
    }
}

/// A message with its arguments. A key missing from the catalogue shows
/// as itself (the catalogue tests keep that from happening).
pub fn message(locale: Locale, key: &str, args: Option<&FluentArgs>) -> String {
    let bundle = catalogue(locale);
    let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
        tracing::warn!(key, locale = locale.tag(), "no such message");
        return key.to_string();
    };
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors);
    if !errors.is_empty() {
        tracing::warn!(key, locale = locale.tag(), ?errors, "message formatted with errors");
    }
    text.into_owned()
}

pub fn t(locale: Locale, key: &str) -> String {
    message(locale, key, None)
}

/// A message with one argument, such as a `count` that chooses a plural.
pub fn t1<'a>(locale: Locale, key: &str, name: &'a str, value: impl Into<FluentValue<'a>>) -> String {
    let mut args = FluentArgs::new();
    args.set(name, value);
    message(locale, key, Some(&args))
}

/// Words named by a key and its arguments (`minga_core::Text`), as the
/// rules and errors below the web layer give them.
pub fn say(locale: Locale, text: &minga_core::Text) -> String {
    if text.args.is_empty() {
        return message(locale, text.key, None);
    }
    let mut args = FluentArgs::new();
    for (name, value) in &text.args {
        match value {
            minga_core::text::Arg::Str(s) => args.set(*name, s.clone()),
            minga_core::text::Arg::Int(n) => args.set(*name, *n),
            minga_core::text::Arg::Date(ms) => args.set(*name, date(locale, *ms)),
        }
    }
    message(locale, text.key, Some(&args))
}

/// Dates and times in the locale's own forms, from CLDR's data (ICU4X):
/// "27 Nov 2026, 11:05" and "27 nov 2026, 11:05". A reader's zone is an
/// IANA name; without one, UTC.
struct DateFormats {
    date: DateTimeFormatter<fieldsets::YMD>,
    date_time: DateTimeFormatter<fieldsets::YMDT>,
    full: DateTimeFormatter<fieldsets::YMDET>,
}

fn date_formats(locale: Locale) -> DateFormats {
    let icu: icu_locale_core::Locale = match locale {
        // minga's English writes dates as in Britain: "27 Nov 2026".
        Locale::En => icu_locale_core::locale!("en-GB"),
        Locale::Es => icu_locale_core::locale!("es"),
    };
    let minutes = icu_datetime::options::TimePrecision::Minute;
    DateFormats {
        date: DateTimeFormatter::try_new(icu.clone().into(), fieldsets::YMD::medium()).expect("CLDR date data"),
        date_time: DateTimeFormatter::try_new(icu.clone().into(), fieldsets::YMDT::medium().with_time_precision(minutes)).expect("CLDR date data"),
        full: DateTimeFormatter::try_new(icu.into(), fieldsets::YMDET::long().with_time_precision(minutes)).expect("CLDR date data"),
    }
}

static DATES: LazyLock<[DateFormats; 2]> = LazyLock::new(|| [date_formats(Locale::En), date_formats(Locale::Es)]);

fn formats(locale: Locale) -> &'static DateFormats {
    &DATES[match locale {
        Locale::En => 0,
        Locale::Es => 1,
    }]
}

/// The instant in the zone, as ICU4X takes it, and the zone's name as
/// shown ("UTC" or "(Europe/London)").
fn local(ms: i64, zone: &str) -> Option<(DateTime<Iso>, String)> {
    let ts = jiff::Timestamp::from_millisecond(ms).ok()?;
    let (tz, name) = match jiff::tz::TimeZone::get(zone) {
        Ok(tz) if !zone.is_empty() => (tz, format!("({zone})")),
        _ => (jiff::tz::TimeZone::UTC, "UTC".to_string()),
    };
    let dt = ts.to_zoned_datetime(tz).datetime();
    let date = Date::try_new_iso(dt.year() as i32, dt.month() as u8, dt.day() as u8).ok()?;
    let time = Time::try_new(dt.hour() as u8, dt.minute() as u8, dt.second() as u8, 0).ok()?;
    Some((DateTime { date, time }, name))
}

/// A date for pages: "27 Nov 2026" (UTC).
pub fn date(locale: Locale, ms: i64) -> String {
    local(ms, "").map(|(dt, _)| formats(locale).date.format(&dt).to_string()).unwrap_or_default()
}

/// How a page shows an instant: relative when recent ("3 h", "2 d"), else
/// the date and time; the exact time with its weekday for hovering; the
/// instant for `<time datetime>`.
pub fn shown(locale: Locale, ms: i64, now: i64, zone: &str) -> minga_core::time::Shown {
    use minga_core::time::Ago;
    let Some((dt, name)) = local(ms, zone) else {
        return minga_core::time::Shown { iso: String::new(), text: String::new(), title: String::new() };
    };
    let f = formats(locale);
    let text = match minga_core::time::ago(ms, now) {
        Ago::Now => t(locale, "time-now"),
        Ago::Minutes(n) => t1(locale, "time-minutes", "count", n),
        Ago::Hours(n) => t1(locale, "time-hours", "count", n),
        Ago::Days(n) => t1(locale, "time-days", "count", n),
        Ago::Long => f.date_time.format(&dt).to_string(),
    };
    minga_core::time::Shown { iso: minga_core::time::iso(ms), text, title: format!("{} {name}", f.full.format(&dt)) }
}

fn whole(locale: Locale, value: &FluentValue) -> Option<String> {
    match value {
        FluentValue::Number(n) if n.value.fract() == 0.0 && n.value.abs() < 1e15 => Some(number(locale, n.value as i64)),
        _ => None,
    }
}

static NUMBERS: LazyLock<[icu_decimal::DecimalFormatter; 2]> = LazyLock::new(|| {
    let make = |l: icu_locale_core::Locale| icu_decimal::DecimalFormatter::try_new(l.into(), Default::default()).expect("CLDR number data");
    [make(icu_locale_core::locale!("en")), make(icu_locale_core::locale!("es"))]
});

/// A whole number as the language writes it, from CLDR: "12,345",
/// "12.345" (Spanish groups from five digits: "1234").
pub fn number(locale: Locale, n: i64) -> String {
    let f = &NUMBERS[match locale {
        Locale::En => 0,
        Locale::Es => 1,
    }];
    f.format(&icu_decimal::input::Decimal::from(n)).to_string()
}

/// A message with two arguments.
pub fn t2(locale: Locale, key: &str, a: (&str, String), b: (&str, String)) -> String {
    let mut args = FluentArgs::new();
    args.set(a.0, a.1);
    args.set(b.0, b.1);
    message(locale, key, Some(&args))
}

/// The message ids of a catalogue, for the tests that keep the two alike.
pub fn keys(locale: Locale) -> Vec<String> {
    let mut keys = Vec::new();
    for source in locale.sources() {
        let resource = FluentResource::try_new(source.to_string()).map_err(|(_, e)| e).expect("parses");
        keys.extend(resource.entries().filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        }));
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_is_read_by_weight() {
        assert_eq!(Locale::from_accept_language("es-AR,es;q=0.9,en;q=0.8"), Some(Locale::Es));
        assert_eq!(Locale::from_accept_language("fr-FR, en;q=0.5, es;q=0.7"), Some(Locale::Es));
        assert_eq!(Locale::from_accept_language("en-GB,en;q=0.9"), Some(Locale::En));
        assert_eq!(Locale::from_accept_language("de, fr;q=0.8"), None);
        assert_eq!(Locale::from_accept_language("es;q=0, en;q=0.1"), Some(Locale::En));
        assert_eq!(Locale::from_accept_language(""), None);
    }

    #[test]
    fn dates_in_each_languages_own_forms() {
        let now = 1_795_081_600_000; // Thu 19 Nov 2026, 09:46:40 UTC
        let old = now - 40 * 86_400_000;
        let en = shown(Locale::En, old, now, "");
        assert_eq!(en.text, "10 Oct 2026, 09:46");
        assert!(en.title.starts_with("Saturday") && en.title.contains("10 October 2026") && en.title.ends_with("09:46 UTC"), "{}", en.title);
        let es = shown(Locale::Es, old, now, "America/Argentina/Buenos_Aires");
        assert!(es.text.starts_with("10 oct 2026") && es.text.contains("6:46"), "{}", es.text);
        assert!(es.title.starts_with("sábado") && es.title.contains("octubre") && es.title.ends_with("(America/Argentina/Buenos_Aires)"), "{}", es.title);
        assert_eq!(date(Locale::Es, old), "10 oct 2026");
        assert_eq!(shown(Locale::Es, now - 20_000, now, "").text, "ahora");
        assert_eq!(shown(Locale::Es, now - 3 * 3_600_000, now, "").text, "3 h");
        assert_eq!(shown(Locale::En, now - 12 * 60_000, now, "").text, "12 min");
        assert_eq!(shown(Locale::En, now - 2 * 86_400_000, now, "").text, "2 d");
    }

    #[test]
    fn every_site_setting_has_its_words() {
        let keys = keys(Locale::En);
        for s in crate::site::SETTINGS {
            for key in [format!("setting-{}", s.name), format!("setting-{}-help", s.name), format!("setting-group-{}", s.group)] {
                assert!(keys.contains(&key), "no message {key}");
            }
        }
    }

    #[test]
    fn numbers_are_grouped_as_each_language_does() {
        assert_eq!(number(Locale::En, 12_345), "12,345");
        assert_eq!(number(Locale::Es, 12_345), "12.345");
        assert_eq!(number(Locale::Es, 1_234), "1234");
        assert_eq!(t1(Locale::En, "views-count", "count", 12_345), "12,345 views");
        assert_eq!(t1(Locale::Es, "views-count", "count", 12_345), "12.345 vistas");
    }

    #[test]
    fn plurals_follow_each_language() {
        assert_eq!(t1(Locale::En, "replies-count", "count", 1), "1 reply");
        assert_eq!(t1(Locale::En, "replies-count", "count", 2), "2 replies");
        assert_eq!(t1(Locale::Es, "replies-count", "count", 1), "1 respuesta");
        assert_eq!(t1(Locale::Es, "replies-count", "count", 0), "0 respuestas");
    }

    /// The names of the variables a message uses.
    fn variables(locale: Locale, key: &str) -> Vec<String> {
        use fluent_syntax::ast::{Expression, InlineExpression, Pattern, PatternElement};
        fn in_pattern(p: &Pattern<&str>, out: &mut Vec<String>) {
            for element in &p.elements {
                if let PatternElement::Placeable { expression } = element {
                    in_expression(expression, out);
                }
            }
        }
        fn in_expression(e: &Expression<&str>, out: &mut Vec<String>) {
            match e {
                Expression::Inline(InlineExpression::VariableReference { id }) => out.push(id.name.to_string()),
                Expression::Inline(_) => {}
                Expression::Select { selector, variants } => {
                    if let InlineExpression::VariableReference { id } = selector {
                        out.push(id.name.to_string());
                    }
                    for v in variants {
                        in_pattern(&v.value, out);
                    }
                }
            }
        }
        let mut out = Vec::new();
        for source in locale.sources() {
            let resource = fluent_syntax::parser::parse(source).expect("parses");
            for entry in &resource.body {
                if let fluent_syntax::ast::Entry::Message(m) = entry
                    && m.id.name == key
                    && let Some(p) = &m.value
                {
                    in_pattern(p, &mut out);
                }
            }
        }
        out
    }

    #[test]
    fn both_catalogues_hold_the_same_messages() {
        let mut en = keys(Locale::En);
        let mut es = keys(Locale::Es);
        en.sort();
        es.sort();
        for list in [&en, &es] {
            let twice: Vec<_> = list.windows(2).filter(|w| w[0] == w[1]).map(|w| &w[0]).collect();
            assert!(twice.is_empty(), "defined twice: {twice:?}");
        }
        let only_en: Vec<_> = en.iter().filter(|k| !es.contains(k)).collect();
        let only_es: Vec<_> = es.iter().filter(|k| !en.contains(k)).collect();
        assert!(only_en.is_empty() && only_es.is_empty(), "only in English: {only_en:?}; only in Spanish: {only_es:?}");
        // Every message formats without errors in both.
        for locale in Locale::ALL {
            for key in keys(locale) {
                let bundle = catalogue(locale);
                let pattern = bundle.get_message(&key).and_then(|m| m.value()).unwrap_or_else(|| panic!("{key} has no value"));
                // Each variable the message uses, as a number for `count`.
                let mut args = FluentArgs::new();
                for name in variables(locale, &key) {
                    let value = if name == "count" || name == "level" { FluentValue::from(2) } else { FluentValue::from("x") };
                    args.set(name, value);
                }
                let mut errors = Vec::new();
                bundle.format_pattern(pattern, Some(&args), &mut errors);
                assert!(errors.is_empty(), "{}: {key}: {errors:?}", locale.tag());
            }
        }
    }

    #[test]
    fn templates_use_only_messages_that_exist() {
        let keys = keys(Locale::En);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut used = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for call in [".t(\"", ".t1(\""] {
                for piece in text.split(call).skip(1) {
                    let key = piece.split('"').next().unwrap();
                    assert!(keys.iter().any(|k| k == key), "{}: no message {key}", path.display());
                    used += 1;
                }
            }
        }
        assert!(used > 50, "templates use the catalogue: {used} calls");
        // And the code: every `i18n::t(…, "key")` names a message.
        fn walk(dir: &std::path::Path, keys: &[String], found: &mut usize) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, keys, found);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n.rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for call in text.split("i18n::t(").skip(1) {
                        let args = call.split(')').next().unwrap();
                        // Keys made at run time (`format!("setting-{}", …)`) have tests of their own.
                        if let Some(key) = args.split('"').nth(1).filter(|k| !k.contains('{')) {
                            assert!(keys.iter().any(|k| k == key), "{}: no message {key}", path.display());
                            *found += 1;
                        }
                    }
                }
            }
        }
        let mut in_code = 0;
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &keys, &mut in_code);
        assert!(in_code >= 5, "the code uses the catalogue: {in_code} calls");
    }

    /// Every `text!("key", name = …)` in the web layer and the core names
    /// a message, and gives each variable the message uses in both
    /// languages.
    #[test]
    fn texts_in_code_name_messages_and_give_their_variables() {
        let keys = keys(Locale::En);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    collect(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        collect(&root.join("src"), &mut files);
        collect(&root.join("../minga-core/src"), &mut files);
        let mut checked = 0;
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            for call in text.split("text!(\"").skip(1) {
                let key = call.split('"').next().unwrap();
                if key == "key" {
                    continue; // the macro's own documentation
                }
                assert!(keys.iter().any(|k| k == key), "{}: no message {key}", path.display());
                // The arguments: `name = value` up to the call's end.
                let args = call.split_once('"').unwrap().1.split(')').next().unwrap();
                let given: Vec<&str> = args.split(',').filter_map(|a| a.split_once('=').map(|(n, _)| n.trim())).filter(|n| !n.is_empty()).collect();
                for locale in Locale::ALL {
                    for wanted in variables(locale, key) {
                        assert!(given.contains(&wanted.as_str()), "{}: {key} uses ${wanted} in {}, not given", path.display(), locale.tag());
                    }
                }
                checked += 1;
            }
            for call in text.split("Text::key(\"").skip(1) {
                let key = call.split('"').next().unwrap();
                assert!(keys.iter().any(|k| k == key), "{}: no message {key}", path.display());
                checked += 1;
            }
        }
        assert!(checked > 150, "the code names its errors: {checked} texts");
    }

    /// Uncategorized is said in the reader's language while it keeps the
    /// name and description the migration gave it: the English catalogue's.
    #[test]
    fn uncategorized_is_made_with_the_catalogues_words() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../minga-store/migrations");
        for backend in ["sqlite", "postgres"] {
            let sql = std::fs::read_to_string(root.join(backend).join("0010_categories.sql")).unwrap();
            for key in ["category-uncategorized", "category-uncategorized-description"] {
                let words = t(Locale::En, key);
                assert!(sql.contains(&format!("'{words}'")), "{backend}: the migration does not write {words:?}");
            }
        }
    }

    #[test]
    fn every_staff_action_has_its_words() {
        let keys = keys(Locale::En);
        for action in crate::routes::admin::STAFF_ACTIONS {
            assert!(keys.contains(&format!("staff-action-{action}")), "no words for {action}");
        }
        // And every action the store and handlers log is listed.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for file in ["../minga-store/src/moderation.rs", "../minga-store/src/users.rs", "src/routes/admin.rs", "src/routes/groups.rs"] {
            let text = std::fs::read_to_string(root.join(file)).unwrap();
            for piece in text.split('"').skip(1).step_by(2) {
                let looks_like_action = piece.ends_with("_user") || piece.ends_with("_flag") || piece.ends_with("_group") || piece.ends_with("_member") || piece.starts_with("change_");
                if looks_like_action && piece.chars().all(|c| c.is_ascii_lowercase() || c == '_') && !piece.starts_with("change_{") {
                    assert!(crate::routes::admin::STAFF_ACTIONS.contains(&piece), "{file}: {piece} is logged but has no words");
                }
            }
        }
    }
}
