//! People: the basic shape every list carries, and the one a person sees
//! of themselves.

use super::avatar_template;
use minga_core::perm;
use minga_store::User;
use serde_json::{Value, json};

pub fn basic_user(u: &User) -> Value {
    json!({
        "id": u.id,
        "username": u.username,
        "name": u.name,
        "avatar_template": avatar_template(&u.username),
    })
}

pub fn current_user(u: &User) -> Value {
    json!({
        "id": u.id,
        "username": u.username,
        "name": u.name,
        "avatar_template": avatar_template(&u.username),
        "admin": u.admin,
        "moderator": u.moderator,
        "staff": u.admin || u.moderator,
        "trust_level": u.trust_level,
        "can_create_topic": perm::can_create_topic(Some(&u.actor_with(Vec::new()))),
        "timezone": u.timezone,
    })
}

