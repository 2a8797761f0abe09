//! Discourse's JSON shapes for minga's models, one file per kind of
//! thing. Fields minga does not have yet are sent with Discourse's neutral
//! values, so clients that read them keep working.

mod category;
pub mod group;
pub mod invite;
pub mod notification;
mod post;
pub mod site;
mod topic;
mod admin;
mod user;
pub mod user_api_key;

pub use admin::*;
pub use category::*;
pub use post::*;
pub use topic::*;
pub use user::*;

pub fn avatar_template(username: &str) -> String {
    format!("/letter_avatar/{}/{{size}}/1.svg", username.to_lowercase())
}

/// A description or bio as Discourse sends it: cooked, safe HTML (the
/// text is Markdown, cooked like a post).
pub fn cooked_text(raw: &str) -> String {
    minga_core::cook::cook_plain(raw).html
}

/// An excerpt as Discourse sends it: plain text, HTML-escaped, since
/// Discourse's clients insert excerpts as HTML.
pub fn excerpt_html(plain: &str) -> String {
    fancy(plain)
}

/// Discourse's `fancy_title`: the title with HTML escaped.
pub fn fancy(title: &str) -> String {
    title.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

