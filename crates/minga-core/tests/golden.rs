//! Golden files: each `golden/*.md` cooks to the `golden/*.html` beside it.
//! Run with `MINGA_BLESS=1` to write the expected files after a deliberate
//! change, then read the diff.

use minga_core::cook::{CookOptions, Resolver, cook_traced, sanitize};
use std::path::Path;

struct SeedPeople;

impl Resolver for SeedPeople {
    fn user(&self, lower: &str) -> Option<String> {
        let known = ["neto", "chris", "polly", "solverniers", "kayleigh", "Elnura"];
        known.iter().find(|k| k.eq_ignore_ascii_case(lower)).map(|k| k.to_string())
    }
    fn group(&self, lower: &str) -> Option<String> {
        (lower == "facttic").then(|| "facttic".into())
    }
}

#[test]
fn golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let bless = std::env::var_os("MINGA_BLESS").is_some();
    let options = CookOptions { base_url: "https://forum.example.coop" };
    let mut checked = 0;
    let mut unsanitised = 0;
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for md in entries.into_iter().filter(|p| p.extension().is_some_and(|e| e == "md")) {
        let raw = std::fs::read_to_string(&md).unwrap();
        let (cooked, sanitised) = cook_traced(&raw, &options, &SeedPeople);
        // Without the author's HTML the sanitiser is skipped, and would
        // have changed nothing.
        if !sanitised && sanitize(&cooked.html, &options) != cooked.html {
            failures.push(format!("{}: the sanitiser changes what was written without it:\n{}", md.display(), sanitize(&cooked.html, &options)));
        }
        unsanitised += usize::from(!sanitised);
        let html_path = md.with_extension("html");
        if bless {
            std::fs::write(&html_path, &cooked.html).unwrap();
        } else {
            let expected = std::fs::read_to_string(&html_path).unwrap_or_else(|_| panic!("missing {}; run with MINGA_BLESS=1", html_path.display()));
            if expected != cooked.html {
                failures.push(format!("{}:\n--- expected\n{expected}\n--- got\n{}", md.display(), cooked.html));
            }
        }
        checked += 1;
    }
    assert!(checked >= 9, "the corpus is there");
    assert!(unsanitised >= 5, "most of the corpus has no raw HTML");
    println!("{unsanitised} of {checked} files skipped the sanitiser");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
