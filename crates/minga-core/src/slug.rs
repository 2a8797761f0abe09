//! URL slugs from titles and names, as Discourse makes them: lower case
//! ASCII words joined by hyphens. A title with no ASCII letters gets "topic".

pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 80 {
            break;
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() { "topic".into() } else { trimmed.into() }
}

/// Spanish and other Latin letters keep their base letter in slugs
/// ("Cooperación" → "cooperacion") rather than vanishing.
fn fold_accent(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ã' => "a",
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => "e",
        'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => "i",
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' => "o",
        'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => "u",
        'ñ' | 'Ñ' => "n",
        'ç' | 'Ç' => "c",
        'ß' => "ss",
        _ => "",
    };
    let own = if folded.is_empty() { Some(c) } else { None };
    own.into_iter().chain(folded.chars())
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs() {
        assert_eq!(slugify("CoTech Gathering 2018: Shared Hosting"), "cotech-gathering-2018-shared-hosting");
        assert_eq!(slugify("  ¿Cooperación entre países?  "), "cooperacion-entre-paises");
        assert_eq!(slugify("日本語"), "topic");
    }
}
