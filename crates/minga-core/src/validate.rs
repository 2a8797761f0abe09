//! Validation of what people type. Each rule names the field it belongs
//! to, so a page can show the message next to the field and the API can
//! return it in `errors`. Messages are catalogue keys (`crate::text`),
//! said in the reader's language by the web layer.

use crate::text::Text;
use crate::text;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub text: Text,
}

/// One or more field errors; the request is refused as a whole.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(|e| format!("{}: {}", e.field, e.text)).collect::<Vec<_>>().join("; "))]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn one(field: &'static str, text: Text) -> Self {
        Invalid(vec![FieldError { field, text }])
    }

    pub fn text_for(&self, field: &str) -> Option<&Text> {
        self.0.iter().find(|e| e.field == field).map(|e| &e.text)
    }
}

/// Collects errors across several fields before refusing.
#[derive(Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    pub fn check(&mut self, result: Result<(), FieldError>) -> &mut Self {
        if let Err(e) = result {
            self.0.push(e);
        }
        self
    }

    pub fn finish(self) -> Result<(), Invalid> {
        if self.0.is_empty() { Ok(()) } else { Err(Invalid(self.0)) }
    }
}

fn err(field: &'static str, text: Text) -> FieldError {
    FieldError { field, text }
}

/// Site limits that an operator may change.
#[derive(Clone, Debug)]
pub struct Limits {
    pub min_title: usize,
    pub max_title: usize,
    pub min_post: usize,
    pub max_post: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { min_title: 15, max_title: 255, min_post: 1, max_post: 32_000 }
    }
}

/// Suffixes that would make `/u/{name}` ambiguous with a format or a file.
const CONFUSING_SUFFIXES: [&str; 9] =
    [".json", ".xml", ".rss", ".html", ".js", ".css", ".png", ".jpg", ".gif"];

pub fn username(name: &str) -> Result<(), FieldError> {
    let f = "username";
    let len = name.chars().count();
    if len < 3 {
        return Err(err(f, text!("error-username-short", min = 3)));
    }
    if len > 20 {
        return Err(err(f, text!("error-username-long", max = 20)));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
        return Err(err(f, text!("error-username-characters")));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
        return Err(err(f, text!("error-username-start")));
    }
    let lower = name.to_ascii_lowercase();
    if CONFUSING_SUFFIXES.iter().any(|s| lower.ends_with(s)) {
        return Err(err(f, text!("error-username-suffix")));
    }
    Ok(())
}

pub fn email(email: &str) -> Result<(), FieldError> {
    let f = "email";
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Err(err(f, text!("error-email-invalid")));
    };
    let ok = !local.is_empty()
        && local.len() <= 64
        && email.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"'));
    if ok { Ok(()) } else { Err(err(f, text!("error-email-invalid"))) }
}

pub fn password(password: &str, username: &str) -> Result<(), FieldError> {
    let f = "password";
    if password.chars().count() < 10 {
        return Err(err(f, text!("error-password-short", min = 10)));
    }
    if password.len() > 200 {
        return Err(err(f, text!("error-password-long", max = 200)));
    }
    if !username.is_empty() && password.eq_ignore_ascii_case(username) {
        return Err(err(f, text!("error-password-username")));
    }
    Ok(())
}

/// Titles and bodies are measured after trimming, in characters.
pub fn title(title: &str, limits: &Limits) -> Result<(), FieldError> {
    let n = title.trim().chars().count();
    if n == 0 {
        return Err(err("title", text!("error-title-empty")));
    }
    if n < limits.min_title {
        return Err(err("title", text!("error-title-short", min = limits.min_title)));
    }
    if n > limits.max_title {
        return Err(err("title", text!("error-title-long", max = limits.max_title)));
    }
    Ok(())
}

pub fn post_body(raw: &str, limits: &Limits) -> Result<(), FieldError> {
    let n = raw.trim().chars().count();
    if n == 0 {
        return Err(err("raw", text!("error-body-empty")));
    }
    if n < limits.min_post {
        return Err(err("raw", text!("error-body-short", min = limits.min_post)));
    }
    if raw.chars().count() > limits.max_post {
        return Err(err("raw", text!("error-body-long", max = limits.max_post)));
    }
    Ok(())
}

pub fn category_name(name: &str) -> Result<(), FieldError> {
    let n = name.trim().chars().count();
    if n == 0 {
        return Err(err("name", text!("error-name-empty")));
    }
    if n > 50 {
        return Err(err("name", text!("error-name-long", max = 50)));
    }
    Ok(())
}

pub fn category_slug(slug: &str) -> Result<(), FieldError> {
    let ok = !slug.is_empty()
        && slug.len() <= 50
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.chars().all(|c| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(err("slug", text!("error-slug")))
    }
}

/// A colour as Discourse stores it: six hex digits, no `#`.
pub fn color(field: &'static str, color: &str) -> Result<(), FieldError> {
    if color.len() == 6 && color.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(err(field, text!("error-colour")))
    }
}

pub fn category_description(text: &str) -> Result<(), FieldError> {
    if text.chars().count() > 1000 {
        return Err(err("description", text!("error-description-long", max = 1000)));
    }
    Ok(())
}

/// Where a category may sit, as far as the rule needs to know.
#[derive(Clone, Copy, Debug)]
pub struct Placement {
    /// The category being saved; `None` while it is being made.
    pub id: Option<i64>,
    /// The category's own subcategories, if it has any.
    pub has_children: bool,
    /// The chosen parent's id and its own parent, if it has one.
    pub parent: Option<(i64, Option<i64>)>,
    /// Uncategorized neither has nor is a parent.
    pub uncategorized: Option<i64>,
}

/// Categories nest one level deep, as on Discourse by default: a parent is
/// a top-level category, and a category with subcategories stays on top.
pub fn category_parent(p: Placement) -> Result<(), FieldError> {
    let Some((parent, grandparent)) = p.parent else { return Ok(()) };
    let field = "parent_category_id";
    if p.id == Some(parent) {
        return Err(err(field, text!("error-parent-self")));
    }
    if grandparent.is_some() {
        return Err(err(field, text!("error-parent-nested")));
    }
    if p.has_children {
        return Err(err(field, text!("error-parent-has-children")));
    }
    if p.uncategorized.is_some_and(|u| u == parent || Some(u) == p.id) {
        return Err(err(field, text!("error-parent-uncategorized")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_nest_one_level() {
        let at = |id, has_children, parent| Placement { id, has_children, parent, uncategorized: Some(9) };
        assert!(category_parent(at(Some(2), false, None)).is_ok());
        assert!(category_parent(at(None, false, Some((1, None)))).is_ok());
        assert!(category_parent(at(Some(2), false, Some((2, None)))).is_err(), "its own parent");
        assert!(category_parent(at(Some(3), false, Some((2, Some(1))))).is_err(), "too deep");
        assert!(category_parent(at(Some(1), true, Some((4, None)))).is_err(), "has children");
        assert!(category_parent(at(Some(5), false, Some((9, None)))).is_err(), "under Uncategorized");
        assert!(category_parent(at(Some(9), false, Some((1, None)))).is_err(), "Uncategorized itself");
    }

    #[test]
    fn usernames() {
        assert!(username("neto").is_ok());
        assert!(username("sol.verniers-2_x").is_ok());
        assert!(username("ab").is_err());
        assert!(username("a".repeat(21).as_str()).is_err());
        assert!(username("bad name").is_err());
        assert!(username("-dash").is_err());
        assert!(username("josé").is_err());
        assert!(username("robot.json").is_err());
        assert!(username("ROBOT.JSON").is_err());
    }

    #[test]
    fn emails_and_passwords() {
        assert!(email("a@example.org").is_ok());
        assert!(email("no-at.example.org").is_err());
        assert!(email("a@b").is_err());
        assert!(email("a b@example.org").is_err());
        assert!(password("short", "x").is_err());
        assert!(password("long enough pass", "x").is_ok());
        assert!(password("neto123456", "NETO123456").is_err());
    }

    #[test]
    fn titles_and_bodies() {
        let l = Limits::default();
        assert_eq!(title("   ", &l).unwrap_err().text, text!("error-title-empty"));
        assert_eq!(title("too short", &l).unwrap_err().text.arg("min"), Some(&crate::text::Arg::Int(15)));
        assert!(title("too short", &l).is_err());
        assert!(title("Making contact with co-ops", &l).is_ok());
        assert!(title(&"x".repeat(256), &l).is_err());
        assert!(post_body("", &l).is_err());
        assert!(post_body(" \n ", &l).is_err());
        assert!(post_body("hi", &l).is_ok());
        assert!(post_body(&"x".repeat(32_000), &l).is_ok());
        assert!(post_body(&"x".repeat(32_001), &l).is_err());
    }

    #[test]
    fn categories() {
        assert!(category_slug("inter-coop").is_ok());
        assert!(category_slug("Inter").is_err());
        assert!(category_slug("123").is_err());
        assert!(color("color", "0088cc").is_ok());
        assert!(color("color", "#0088cc").is_err());
    }

    #[test]
    fn checks_collect_every_error() {
        let mut c = Checks::default();
        c.check(username("a")).check(email("x")).check(password("long enough pass", "a"));
        let e = c.finish().unwrap_err();
        assert_eq!(e.0.len(), 2);
        assert!(e.text_for("email").is_some());
    }
}
