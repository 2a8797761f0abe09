//! Emoji shortcodes as Discourse writes them (`:slight_smile:`, `:+1:t3:`),
//! resolved to Unicode from GitHub's set plus Discourse's own names.

/// Discourse names that GitHub's set spells differently.
const ALIASES: &[(&str, &str)] = &[
    ("slight_smile", "slightly_smiling_face"),
    ("slight_frown", "slightly_frowning_face"),
    ("upside_down", "upside_down_face"),
    ("smiling_face_with_three_hearts", "smiling_face_with_three_hearts"),
    ("thinking_face", "thinking"),
    ("hugging", "hugs"),
    ("hugging_face", "hugs"),
    ("rolling_eyes", "roll_eyes"),
    ("face_with_rolling_eyes", "roll_eyes"),
    ("sweat_smile", "sweat_smile"),
    ("heart_eyes", "heart_eyes"),
    ("raised_hands", "raised_hands"),
    ("thumbsup", "+1"),
    ("thumbsdown", "-1"),
    ("party_popper", "tada"),
    ("nerd", "nerd_face"),
    ("robot", "robot"),
    ("zipper_mouth", "zipper_mouth_face"),
    ("money_mouth", "money_mouth_face"),
    ("rofl", "rofl"),
    ("grinning_face_with_smiling_eyes", "grin"),
];

/// The Unicode for a shortcode (without colons) and an optional skin tone
/// (`1`–`6` as in `:+1:t3:`, where 1 means none).
pub fn lookup(code: &str, tone: Option<u8>) -> Option<&'static str> {
    let name = ALIASES.iter().find(|(a, _)| *a == code).map(|(_, g)| *g).unwrap_or(code);
    let emoji = emojis::get_by_shortcode(name)?;
    let toned = match tone {
        None | Some(1) => emoji,
        Some(n @ 2..=6) => {
            let skin = match n {
                2 => emojis::SkinTone::Light,
                3 => emojis::SkinTone::MediumLight,
                4 => emojis::SkinTone::Medium,
                5 => emojis::SkinTone::MediumDark,
                _ => emojis::SkinTone::Dark,
            };
            emoji.with_skin_tone(skin).unwrap_or(emoji)
        }
        Some(_) => return None,
    };
    Some(toned.as_str())
}

/// Parses `:code:` or `:code:tN:` at the start of `s`; returns the code,
/// the tone and how many bytes it used.
pub fn parse(s: &str) -> Option<(&str, Option<u8>, usize)> {
    let body = s.strip_prefix(':')?;
    let end = body.find(':')?;
    let code = &body[..end];
    if code.is_empty() || code.len() > 60 || !code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '+' | '-')) {
        return None;
    }
    let mut used = end + 2;
    let rest = &s[used..];
    let tone = match rest.as_bytes() {
        [b't', d @ b'1'..=b'6', b':', ..] => {
            used += 3;
            Some(d - b'0')
        }
        _ => None,
    };
    Some((code, tone, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_thread_emoji() {
        for code in ["smile", "slight_smile", "wink", "smiley", "grimacing", "+1", "sweat_smile", "tada", "wave"] {
            assert!(lookup(code, None).is_some(), "{code}");
        }
        assert_eq!(lookup("slight_smile", None), Some("🙂"));
        assert_eq!(lookup("no_such_emoji", None), None);
    }

    #[test]
    fn skin_tones() {
        assert_eq!(parse(":+1:t3: rest"), Some(("+1", Some(3), 7)));
        let toned = lookup("+1", Some(3)).unwrap();
        assert_ne!(toned, lookup("+1", None).unwrap());
        assert_eq!(parse(":smile: x"), Some(("smile", None, 7)));
        assert_eq!(parse(":not a code:"), None);
        assert_eq!(parse("::"), None);
    }
}
