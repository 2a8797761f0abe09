//! Who may do what. The web layer asks these questions; it never decides
//! on its own.

use crate::UserId;

/// The person making a request, as far as permissions care.
#[derive(Clone, Copy, Debug)]
pub struct Actor {
    pub id: UserId,
    pub admin: bool,
    pub moderator: bool,
}

impl Actor {
    pub fn staff(&self) -> bool {
        self.admin || self.moderator
    }
}

pub fn can_manage_categories(actor: Option<&Actor>) -> bool {
    actor.is_some_and(|a| a.admin)
}

pub fn can_create_topic(actor: Option<&Actor>) -> bool {
    actor.is_some()
}

pub fn can_reply(actor: Option<&Actor>) -> bool {
    actor.is_some()
}

/// Authors edit and delete their own posts; staff any post.
pub fn can_edit_post(actor: Option<&Actor>, author: UserId) -> bool {
    actor.is_some_and(|a| a.id == author || a.staff())
}

pub fn can_delete_post(actor: Option<&Actor>, author: UserId) -> bool {
    can_edit_post(actor, author)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_and_staff_edit() {
        let me = Actor { id: UserId(1), admin: false, moderator: false };
        let mod_ = Actor { id: UserId(2), admin: false, moderator: true };
        assert!(can_edit_post(Some(&me), UserId(1)));
        assert!(!can_edit_post(Some(&me), UserId(3)));
        assert!(can_edit_post(Some(&mod_), UserId(3)));
        assert!(!can_edit_post(None, UserId(1)));
        assert!(!can_manage_categories(Some(&mod_)));
    }
}
