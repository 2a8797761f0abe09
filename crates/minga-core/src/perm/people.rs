//! Who may do what to a person: staff tools, profiles, e-mail addresses.
//! Moderators do most of it; only admins change who is staff, and nobody
//! but an admin acts on an admin.

use super::{Actor, GroupRules};
use crate::UserId;

/// The person acted on, as these rules need them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Target {
    pub id: UserId,
    pub admin: bool,
    pub moderator: bool,
}

impl Target {
    fn staff(&self) -> bool {
        self.admin || self.moderator
    }
}

/// What staff do to a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffAction {
    Approve,
    Suspend,
    Silence,
    TrustLevel,
    /// Grant or revoke admin or moderator.
    ChangeRole,
    Activate,
    Deactivate,
    LogOut,
    Anonymize,
    Delete,
}

/// Whether `actor` may do `action` to `target`. Staff only; roles are
/// changed by admins; an admin is acted on only by another admin; nobody
/// acts on themselves but to set their own trust level. Anonymizing and
/// deleting are for people who are not staff (revoke their role first).
pub fn can_act_on(actor: Option<&Actor>, target: &Target, action: StaffAction) -> bool {
    let Some(a) = actor.filter(|a| a.staff()) else { return false };
    if target.id == a.id && action != StaffAction::TrustLevel {
        return false;
    }
    if target.admin && !a.admin {
        return false;
    }
    match action {
        StaffAction::ChangeRole => a.admin,
        StaffAction::Anonymize | StaffAction::Delete => !target.staff(),
        _ => true,
    }
}

/// People edit their own profile and username; staff anyone's.
pub fn can_edit_profile(actor: Option<&Actor>, person: UserId) -> bool {
    actor.is_some_and(|a| a.id == person || a.staff())
}

/// A person's e-mail addresses are for them and staff.
pub fn can_see_emails(actor: Option<&Actor>, person: UserId) -> bool {
    actor.is_some_and(|a| a.id == person || a.staff())
}

/// A person's sessions are theirs alone.
pub fn can_see_sessions(actor: Option<&Actor>, person: UserId) -> bool {
    actor.is_some_and(|a| a.id == person)
}

/// Whether a reader sees that someone belongs to a group (a co-op): as
/// far as the reader may see the group itself. Automatic groups (trust
/// levels, staff) are not listed as memberships.
pub fn can_see_membership(reader: Option<&Actor>, group: &GroupRules, owner: bool) -> bool {
    !group.automatic && super::can_see_group(group, reader, owner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: i64) -> Actor {
        Actor { id: UserId(id), trust_level: 1, ..Actor::default() }
    }

    fn target(id: i64) -> Target {
        Target { id: UserId(id), ..Target::default() }
    }

    #[test]
    fn staff_act_on_members_and_only_admins_on_admins() {
        let admin = Actor { admin: true, ..person(1) };
        let moderator = Actor { moderator: true, ..person(2) };
        let member = person(3);
        let other_admin = Target { admin: true, ..target(4) };
        for action in [StaffAction::Suspend, StaffAction::Silence, StaffAction::LogOut, StaffAction::Deactivate] {
            assert!(can_act_on(Some(&moderator), &target(3), action));
            assert!(!can_act_on(Some(&moderator), &other_admin, action));
            assert!(can_act_on(Some(&admin), &other_admin, action));
            assert!(!can_act_on(Some(&member), &target(5), action));
            assert!(!can_act_on(None, &target(5), action));
        }
    }

    #[test]
    fn only_admins_change_roles_and_nobody_acts_on_themselves() {
        let admin = Actor { admin: true, ..person(1) };
        let moderator = Actor { moderator: true, ..person(2) };
        assert!(can_act_on(Some(&admin), &target(3), StaffAction::ChangeRole));
        assert!(!can_act_on(Some(&moderator), &target(3), StaffAction::ChangeRole));
        assert!(!can_act_on(Some(&admin), &target(1), StaffAction::Suspend));
        assert!(!can_act_on(Some(&admin), &target(1), StaffAction::ChangeRole));
        assert!(can_act_on(Some(&moderator), &target(2), StaffAction::TrustLevel));
        assert!(!can_act_on(Some(&person(3)), &target(3), StaffAction::TrustLevel));
    }

    #[test]
    fn staff_are_not_anonymized_or_deleted() {
        let admin = Actor { admin: true, ..person(1) };
        let moderator_target = Target { moderator: true, ..target(2) };
        let admin_target = Target { admin: true, ..target(3) };
        for action in [StaffAction::Anonymize, StaffAction::Delete] {
            assert!(can_act_on(Some(&admin), &target(4), action));
            assert!(!can_act_on(Some(&admin), &moderator_target, action));
            assert!(!can_act_on(Some(&admin), &admin_target, action));
        }
    }

    #[test]
    fn profiles_emails_and_sessions() {
        let me = person(1);
        let moderator = Actor { moderator: true, ..person(2) };
        assert!(can_edit_profile(Some(&me), UserId(1)));
        assert!(!can_edit_profile(Some(&me), UserId(3)));
        assert!(can_edit_profile(Some(&moderator), UserId(3)));
        assert!(!can_edit_profile(None, UserId(1)));
        assert!(can_see_emails(Some(&me), UserId(1)) && can_see_emails(Some(&moderator), UserId(1)));
        assert!(!can_see_emails(Some(&me), UserId(2)) && !can_see_emails(None, UserId(1)));
        assert!(can_see_sessions(Some(&me), UserId(1)));
        assert!(!can_see_sessions(Some(&moderator), UserId(1)), "not even staff");
    }

    #[test]
    fn memberships_show_as_far_as_the_group_does() {
        use super::super::{GroupVisibility as V, JoinMode};
        let group = |visibility, automatic| GroupRules {
            id: 40,
            automatic,
            visibility,
            members_visibility: V::Everyone,
            join_mode: JoinMode::Open,
            public_exit: true,
        };
        let member = Actor { groups: vec![40], ..person(1) };
        let outsider = person(2);
        let moderator = Actor { moderator: true, ..person(3) };
        assert!(can_see_membership(None, &group(V::Everyone, false), false));
        assert!(!can_see_membership(None, &group(V::LoggedIn, false), false));
        assert!(can_see_membership(Some(&outsider), &group(V::LoggedIn, false), false));
        assert!(!can_see_membership(Some(&outsider), &group(V::Members, false), false));
        assert!(can_see_membership(Some(&member), &group(V::Members, false), false));
        assert!(!can_see_membership(Some(&member), &group(V::Staff, false), false));
        assert!(can_see_membership(Some(&outsider), &group(V::Owners, false), true), "owners see their own");
        assert!(can_see_membership(Some(&moderator), &group(V::Staff, false), false));
        assert!(!can_see_membership(Some(&moderator), &group(V::Owners, false), false), "owners' groups: owners and admins");
        let admin = Actor { admin: true, ..person(4) };
        assert!(can_see_membership(Some(&admin), &group(V::Owners, false), false));
        assert!(!can_see_membership(Some(&moderator), &group(V::Everyone, true), false), "automatic groups are not listed");
    }
}
