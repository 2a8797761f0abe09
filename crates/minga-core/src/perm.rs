//! Who may do what. The web layer asks these questions; it never decides
//! on its own. Category access follows Discourse: each category grants
//! groups one of three permissions, and a person has the best permission
//! of any group they belong to, automatic groups included.

use crate::UserId;

pub mod people;

/// Ids of Discourse's automatic groups.
pub mod groups {
    pub const EVERYONE: i64 = 0;
    pub const ADMINS: i64 = 1;
    pub const MODERATORS: i64 = 2;
    pub const STAFF: i64 = 3;
    /// `trust_level_0` … `trust_level_4` are 10 … 14.
    pub const TRUST_LEVEL_0: i64 = 10;

    pub fn is_automatic(id: i64) -> bool {
        (0..=3).contains(&id) || (10..=14).contains(&id)
    }
}

/// What a group may do in a category; lower is more.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Permission {
    /// Create topics, reply, see.
    Full = 1,
    /// Reply and see.
    CreatePost = 2,
    /// See.
    Readonly = 3,
}

impl Permission {
    pub fn from_i64(n: i64) -> Option<Permission> {
        match n {
            1 => Some(Permission::Full),
            2 => Some(Permission::CreatePost),
            3 => Some(Permission::Readonly),
            _ => None,
        }
    }

    /// Discourse's names in `permissions` maps: `full`, `create_post`, `readonly`.
    pub fn from_name(name: &str) -> Option<Permission> {
        match name {
            "full" => Some(Permission::Full),
            "create_post" => Some(Permission::CreatePost),
            "readonly" => Some(Permission::Readonly),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Permission::Full => "full",
            Permission::CreatePost => "create_post",
            Permission::Readonly => "readonly",
        }
    }
}

/// The person making a request, as far as permissions care.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    pub id: UserId,
    pub admin: bool,
    pub moderator: bool,
    pub trust_level: i64,
    /// Cannot post while silenced.
    pub silenced: bool,
    /// Groups joined explicitly (co-ops); automatic ones are derived.
    pub groups: Vec<i64>,
}

impl Default for UserId {
    fn default() -> Self {
        UserId(0)
    }
}

impl Actor {
    pub fn staff(&self) -> bool {
        self.admin || self.moderator
    }

    /// Every group this person belongs to, automatic groups included.
    pub fn all_groups(&self) -> Vec<i64> {
        let mut all = vec![groups::EVERYONE];
        if self.admin {
            all.push(groups::ADMINS);
        }
        if self.moderator {
            all.push(groups::MODERATORS);
        }
        if self.staff() {
            all.push(groups::STAFF);
        }
        for level in 0..=self.trust_level.clamp(0, 4) {
            all.push(groups::TRUST_LEVEL_0 + level);
        }
        all.extend(self.groups.iter().copied());
        all
    }
}

/// The best permission `actor` has in a category granting `grants`.
/// Anonymous visitors count as `everyone`; admins may do anything.
pub fn category_permission(actor: Option<&Actor>, grants: &[(i64, Permission)]) -> Option<Permission> {
    match actor {
        Some(a) if a.admin => Some(Permission::Full),
        Some(a) => {
            let mine = a.all_groups();
            grants.iter().filter(|(g, _)| mine.contains(g)).map(|(_, p)| *p).min()
        }
        None => grants.iter().filter(|(g, _)| *g == groups::EVERYONE).map(|(_, p)| *p).min(),
    }
}

pub fn can_see_category(actor: Option<&Actor>, grants: &[(i64, Permission)]) -> bool {
    category_permission(actor, grants).is_some()
}

/// A category is read-restricted when `everyone` may not see it.
pub fn read_restricted(grants: &[(i64, Permission)]) -> bool {
    !grants.iter().any(|(g, _)| *g == groups::EVERYONE)
}

pub fn can_create_topic_in(actor: Option<&Actor>, grants: &[(i64, Permission)]) -> bool {
    actor.is_some_and(|a| !a.silenced) && category_permission(actor, grants) == Some(Permission::Full)
}

/// Inviting a list of addresses at once is for staff, as on Discourse.
pub fn can_bulk_invite(actor: Option<&Actor>) -> bool {
    actor.is_some_and(Actor::staff)
}

/// Topics belong in a category chosen for them: nobody starts one in
/// Uncategorized (Discourse's `allow_uncategorized_topics`, off), and only
/// staff move one there.
pub fn can_move_to_uncategorized(actor: Option<&Actor>) -> bool {
    actor.is_some_and(Actor::staff)
}

pub fn can_reply_in(actor: Option<&Actor>, grants: &[(i64, Permission)]) -> bool {
    actor.is_some_and(|a| !a.silenced)
        && matches!(category_permission(actor, grants), Some(Permission::Full | Permission::CreatePost))
}

pub fn can_manage_categories(actor: Option<&Actor>) -> bool {
    actor.is_some_and(|a| a.admin)
}

pub fn can_create_topic(actor: Option<&Actor>) -> bool {
    actor.is_some_and(|a| !a.silenced)
}

pub fn can_reply(actor: Option<&Actor>) -> bool {
    actor.is_some_and(|a| !a.silenced)
}

/// Authors edit and delete their own posts; staff any post.
pub fn can_edit_post(actor: Option<&Actor>, author: UserId) -> bool {
    actor.is_some_and(|a| (a.id == author && !a.silenced) || a.staff())
}

pub fn can_delete_post(actor: Option<&Actor>, author: UserId) -> bool {
    can_edit_post(actor, author)
}

/// Staff and members of trust level 2 or more invite people, unless
/// silenced.
pub fn can_invite(actor: Option<&Actor>) -> bool {
    actor.is_some_and(|a| a.staff() || (a.trust_level >= 2 && !a.silenced))
}

/// An invite is deleted by the person who made it, or by an admin.
pub fn can_delete_invite(actor: Option<&Actor>, invited_by: UserId) -> bool {
    actor.is_some_and(|a| a.admin || a.id == invited_by)
}

/// Who may see a group, or its members (Discourse's `visibility_level`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupVisibility {
    Everyone = 0,
    LoggedIn = 1,
    Members = 2,
    Staff = 3,
    Owners = 4,
}

impl GroupVisibility {
    pub fn from_i64(n: i64) -> Option<GroupVisibility> {
        Some(match n {
            0 => GroupVisibility::Everyone,
            1 => GroupVisibility::LoggedIn,
            2 => GroupVisibility::Members,
            3 => GroupVisibility::Staff,
            4 => GroupVisibility::Owners,
            _ => return None,
        })
    }
}

/// How people join a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JoinMode {
    /// Anyone signed in joins (Discourse's `public_admission`).
    Open = 0,
    /// People ask; owners decide (`allow_membership_requests`).
    Request = 1,
    /// Only through an invite.
    InviteOnly = 2,
    /// Only owners and staff add people.
    Closed = 3,
}

impl JoinMode {
    pub fn from_i64(n: i64) -> Option<JoinMode> {
        Some(match n {
            0 => JoinMode::Open,
            1 => JoinMode::Request,
            2 => JoinMode::InviteOnly,
            3 => JoinMode::Closed,
            _ => return None,
        })
    }
}

/// A group as its rules see it.
#[derive(Clone, Copy, Debug)]
pub struct GroupRules {
    pub id: i64,
    pub automatic: bool,
    pub visibility: GroupVisibility,
    pub members_visibility: GroupVisibility,
    pub join_mode: JoinMode,
    pub public_exit: bool,
}

/// Someone's relation to a group: `actor` (if signed in) and whether they own it.
fn group_allows(level: GroupVisibility, g: &GroupRules, actor: Option<&Actor>, owner: bool) -> bool {
    let member = actor.is_some_and(|a| a.groups.contains(&g.id));
    let staff = actor.is_some_and(Actor::staff);
    match level {
        GroupVisibility::Everyone => true,
        GroupVisibility::LoggedIn => actor.is_some(),
        GroupVisibility::Members => member || staff,
        GroupVisibility::Staff => staff,
        GroupVisibility::Owners => owner || actor.is_some_and(|a| a.admin),
    }
}

/// Automatic groups other than `everyone` are staff's business.
pub fn can_see_group(g: &GroupRules, actor: Option<&Actor>, owner: bool) -> bool {
    if g.automatic {
        return g.id == groups::EVERYONE || actor.is_some_and(Actor::staff);
    }
    group_allows(g.visibility, g, actor, owner)
}

pub fn can_see_group_members(g: &GroupRules, actor: Option<&Actor>, owner: bool) -> bool {
    can_see_group(g, actor, owner) && (g.automatic || group_allows(g.members_visibility, g, actor, owner))
}

/// Owners and staff change a custom group and its members.
pub fn can_manage_group(g: &GroupRules, actor: Option<&Actor>, owner: bool) -> bool {
    !g.automatic && actor.is_some_and(|a| a.staff() || owner)
}

/// Only admins delete a group, and only one made by people.
pub fn can_delete_group(g: &GroupRules, actor: Option<&Actor>) -> bool {
    !g.automatic && actor.is_some_and(|a| a.admin)
}

pub fn can_join_group(g: &GroupRules, actor: Option<&Actor>) -> bool {
    !g.automatic && g.join_mode == JoinMode::Open && actor.is_some()
}

pub fn can_request_membership(g: &GroupRules, actor: Option<&Actor>) -> bool {
    !g.automatic && g.join_mode == JoinMode::Request && actor.is_some()
}

/// Members leave a group that lets them (`public_exit`) or that anyone
/// may join again.
pub fn can_leave_group(g: &GroupRules) -> bool {
    !g.automatic && (g.public_exit || g.join_mode == JoinMode::Open)
}

#[cfg(test)]
mod group_tests {
    use super::*;

    fn group(visibility: GroupVisibility, members_visibility: GroupVisibility) -> GroupRules {
        GroupRules { id: 40, automatic: false, visibility, members_visibility, join_mode: JoinMode::Closed, public_exit: false }
    }

    fn person(id: i64, groups: Vec<i64>) -> Actor {
        Actor { id: UserId(id), trust_level: 1, groups, ..Actor::default() }
    }

    #[test]
    fn visibility_levels() {
        let member = person(1, vec![40]);
        let outsider = person(2, vec![]);
        let moderator = Actor { moderator: true, ..person(3, vec![]) };
        let admin = Actor { admin: true, ..person(4, vec![]) };
        let public = group(GroupVisibility::Everyone, GroupVisibility::Members);
        assert!(can_see_group(&public, None, false));
        assert!(!can_see_group_members(&public, None, false));
        assert!(can_see_group_members(&public, Some(&member), false));
        assert!(can_see_group_members(&public, Some(&moderator), false));
        let signed_in = group(GroupVisibility::LoggedIn, GroupVisibility::Everyone);
        assert!(!can_see_group(&signed_in, None, false));
        assert!(can_see_group(&signed_in, Some(&outsider), false));
        let staff = group(GroupVisibility::Staff, GroupVisibility::Everyone);
        assert!(!can_see_group(&staff, Some(&member), false));
        assert!(can_see_group(&staff, Some(&moderator), false));
        let owners = group(GroupVisibility::Owners, GroupVisibility::Owners);
        assert!(!can_see_group(&owners, Some(&member), false));
        assert!(can_see_group(&owners, Some(&member), true));
        assert!(!can_see_group(&owners, Some(&moderator), false));
        assert!(can_see_group(&owners, Some(&admin), false));
        let trust = GroupRules { id: groups::TRUST_LEVEL_0 + 1, automatic: true, ..public };
        assert!(!can_see_group(&trust, Some(&member), false));
        assert!(can_see_group(&trust, Some(&moderator), false));
        assert!(can_see_group(&GroupRules { id: groups::EVERYONE, ..trust }, None, false));
        assert_eq!(GroupVisibility::from_i64(4), Some(GroupVisibility::Owners));
        assert_eq!(GroupVisibility::from_i64(5), None);
    }

    #[test]
    fn owners_manage_admins_delete() {
        let g = group(GroupVisibility::Everyone, GroupVisibility::Everyone);
        let owner = person(1, vec![40]);
        let moderator = Actor { moderator: true, ..person(3, vec![]) };
        let admin = Actor { admin: true, ..person(4, vec![]) };
        assert!(can_manage_group(&g, Some(&owner), true));
        assert!(!can_manage_group(&g, Some(&owner), false));
        assert!(can_manage_group(&g, Some(&moderator), false));
        assert!(!can_delete_group(&g, Some(&moderator)));
        assert!(can_delete_group(&g, Some(&admin)));
        let automatic = GroupRules { id: groups::STAFF, automatic: true, ..g };
        assert!(!can_delete_group(&automatic, Some(&admin)));
        assert!(!can_manage_group(&automatic, Some(&admin), false));
    }

    #[test]
    fn joining_and_leaving() {
        let me = person(1, vec![]);
        let open = GroupRules { join_mode: JoinMode::Open, ..group(GroupVisibility::Everyone, GroupVisibility::Everyone) };
        let asks = GroupRules { join_mode: JoinMode::Request, ..open };
        assert!(can_join_group(&open, Some(&me)));
        assert!(!can_join_group(&open, None));
        assert!(!can_join_group(&asks, Some(&me)));
        assert!(can_request_membership(&asks, Some(&me)));
        assert!(can_leave_group(&open));
        assert!(!can_leave_group(&asks));
        assert!(can_leave_group(&GroupRules { public_exit: true, ..asks }));
        assert_eq!(JoinMode::from_i64(2), Some(JoinMode::InviteOnly));
        assert_eq!(JoinMode::from_i64(7), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: i64) -> Actor {
        Actor { id: UserId(id), trust_level: 1, ..Actor::default() }
    }

    #[test]
    fn authors_and_staff_edit() {
        let me = person(1);
        let mod_ = Actor { moderator: true, ..person(2) };
        assert!(can_edit_post(Some(&me), UserId(1)));
        assert!(!can_edit_post(Some(&me), UserId(3)));
        assert!(can_edit_post(Some(&mod_), UserId(3)));
        assert!(!can_edit_post(None, UserId(1)));
        assert!(!can_manage_categories(Some(&mod_)));
        let silenced = Actor { silenced: true, ..person(1) };
        assert!(!can_edit_post(Some(&silenced), UserId(1)));
    }

    #[test]
    fn private_categories_follow_groups() {
        let facttic = 40;
        let grants = [(facttic, Permission::Full), (groups::TRUST_LEVEL_0 + 2, Permission::Readonly)];
        let member = Actor { groups: vec![facttic], ..person(1) };
        let regular = Actor { trust_level: 2, ..person(2) };
        let newcomer = person(3);
        let admin = Actor { admin: true, ..person(4) };
        let moderator = Actor { moderator: true, ..person(5) };
        assert_eq!(category_permission(Some(&member), &grants), Some(Permission::Full));
        assert_eq!(category_permission(Some(&regular), &grants), Some(Permission::Readonly));
        assert_eq!(category_permission(Some(&newcomer), &grants), None);
        assert_eq!(category_permission(None, &grants), None);
        assert_eq!(category_permission(Some(&admin), &grants), Some(Permission::Full));
        assert_eq!(category_permission(Some(&moderator), &grants), None, "moderators see what their groups see");
        assert!(read_restricted(&grants));
        assert!(can_create_topic_in(Some(&member), &grants));
        assert!(!can_reply_in(Some(&regular), &grants));
        let staff_only = [(groups::STAFF, Permission::Full)];
        assert!(can_see_category(Some(&moderator), &staff_only));
    }

    #[test]
    fn everyone_means_visitors_too() {
        let grants = [(groups::EVERYONE, Permission::Readonly), (40, Permission::CreatePost)];
        assert_eq!(category_permission(None, &grants), Some(Permission::Readonly));
        assert!(!can_reply_in(None, &grants));
        assert!(!read_restricted(&grants));
        let member = Actor { groups: vec![40], ..person(1) };
        assert!(can_reply_in(Some(&member), &grants));
        assert!(!can_create_topic_in(Some(&member), &grants));
        let silenced = Actor { silenced: true, ..member };
        assert!(!can_reply_in(Some(&silenced), &grants));
    }

    #[test]
    fn invites_need_trust_and_a_voice() {
        let member = Actor { trust_level: 2, ..person(1) };
        assert!(can_invite(Some(&member)));
        assert!(!can_invite(Some(&Actor { trust_level: 1, ..member.clone() })));
        assert!(!can_invite(Some(&Actor { silenced: true, ..member.clone() })));
        assert!(!can_invite(None));
        let by = member.id;
        assert!(can_delete_invite(Some(&member), by));
        assert!(!can_delete_invite(Some(&Actor { id: UserId(by.0 + 1), ..member.clone() }), by));
        assert!(can_delete_invite(Some(&Actor { id: UserId(by.0 + 1), admin: true, ..member.clone() }), by));
        assert!(!can_delete_invite(Some(&Actor { id: UserId(by.0 + 1), moderator: true, ..member.clone() }), by));
        assert!(!can_delete_invite(None, by));
    }
}

/// What trust levels 1 and 2 are earned from, as Discourse counts it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Participation {
    pub topics_entered: i64,
    pub posts_read: i64,
    pub minutes_read: i64,
    pub days_visited: i64,
    pub topics_replied_to: i64,
}

/// Discourse's default requirements (likes are not counted: minga has no
/// likes yet).
pub mod trust {
    pub const TL1_TOPICS_ENTERED: i64 = 5;
    pub const TL1_POSTS_READ: i64 = 30;
    pub const TL1_MINUTES: i64 = 10;
    pub const TL2_TOPICS_ENTERED: i64 = 20;
    pub const TL2_POSTS_READ: i64 = 100;
    pub const TL2_MINUTES: i64 = 60;
    pub const TL2_DAYS_VISITED: i64 = 15;
    pub const TL2_TOPICS_REPLIED_TO: i64 = 3;
}

/// The trust level someone has earned, never lower than what they have;
/// levels 3 and 4 are granted by staff, not earned here.
pub fn earned_trust_level(current: i64, p: &Participation) -> i64 {
    use trust::*;
    let tl1 = p.topics_entered >= TL1_TOPICS_ENTERED && p.posts_read >= TL1_POSTS_READ && p.minutes_read >= TL1_MINUTES;
    let tl2 = tl1
        && p.topics_entered >= TL2_TOPICS_ENTERED
        && p.posts_read >= TL2_POSTS_READ
        && p.minutes_read >= TL2_MINUTES
        && p.days_visited >= TL2_DAYS_VISITED
        && p.topics_replied_to >= TL2_TOPICS_REPLIED_TO;
    let earned = if tl2 { 2 } else if tl1 { 1 } else { 0 };
    current.max(earned)
}

#[cfg(test)]
mod trust_tests {
    use super::*;

    #[test]
    fn levels_follow_discourse_defaults() {
        let mut p = Participation { topics_entered: 5, posts_read: 30, minutes_read: 10, ..Default::default() };
        assert_eq!(earned_trust_level(0, &p), 1);
        p.posts_read = 29;
        assert_eq!(earned_trust_level(0, &p), 0);
        assert_eq!(earned_trust_level(3, &p), 3, "never lowered");
        let p = Participation { topics_entered: 20, posts_read: 100, minutes_read: 60, days_visited: 15, topics_replied_to: 3 };
        assert_eq!(earned_trust_level(1, &p), 2);
        let p = Participation { days_visited: 14, ..p };
        assert_eq!(earned_trust_level(1, &p), 1);
    }
}

/// A topic's state, as far as who may do what in it cares.
#[derive(Clone, Copy, Debug, Default)]
pub struct TopicState {
    pub author: UserId,
    pub closed: bool,
    pub archived: bool,
    /// Posts in it, the first included.
    pub posts_count: i64,
}

/// Replying to a topic: the category's grant, then its state. A closed
/// topic takes replies from staff only; an archived one from nobody.
pub fn can_reply_to_topic(actor: Option<&Actor>, grants: &[(i64, Permission)], topic: &TopicState) -> bool {
    can_reply_in(actor, grants) && !topic.archived && (!topic.closed || actor.is_some_and(Actor::staff))
}

/// Editing a post now: its author unless staff locked it, or staff;
/// nobody edits in an archived topic.
pub fn can_edit_post_now(actor: Option<&Actor>, author: UserId, locked: bool, archived: bool) -> bool {
    !archived && actor.is_some_and(|a| a.staff() || (a.id == author && !a.silenced && !locked))
}

/// Renaming a topic or moving it: its author or staff, not once archived.
pub fn can_edit_topic(actor: Option<&Actor>, topic: &TopicState) -> bool {
    can_edit_post_now(actor, topic.author, false, topic.archived)
}

/// Deleting a whole topic: staff, or its author while nobody has replied
/// (as Discourse lets authors delete their own topic before replies).
pub fn can_delete_topic(actor: Option<&Actor>, topic: &TopicState) -> bool {
    actor.is_some_and(|a| a.staff() || (a.id == topic.author && !a.silenced && !topic.archived && topic.posts_count <= 1))
}

/// Closing, archiving, unlisting and pinning topics, changing their
/// dates, and locking posts are for staff.
pub fn can_moderate_topics(actor: Option<&Actor>) -> bool {
    actor.is_some_and(Actor::staff)
}

#[cfg(test)]
mod topic_tests {
    use super::*;

    fn person(id: i64) -> Actor {
        Actor { id: UserId(id), trust_level: 1, ..Actor::default() }
    }

    #[test]
    fn closed_and_archived_topics() {
        let open = [(groups::EVERYONE, Permission::Full)];
        let me = person(1);
        let staff = Actor { moderator: true, ..person(2) };
        let closed = TopicState { author: UserId(1), closed: true, ..TopicState::default() };
        let archived = TopicState { author: UserId(1), archived: true, ..TopicState::default() };
        assert!(can_reply_to_topic(Some(&me), &open, &TopicState::default()));
        assert!(!can_reply_to_topic(Some(&me), &open, &closed));
        assert!(can_reply_to_topic(Some(&staff), &open, &closed));
        assert!(!can_reply_to_topic(Some(&staff), &open, &archived));
        assert!(!can_edit_topic(Some(&me), &archived));
        assert!(!can_edit_topic(Some(&staff), &archived));
        assert!(can_edit_topic(Some(&me), &closed));
        assert!(!can_edit_topic(Some(&person(3)), &closed));
    }

    #[test]
    fn locked_posts_and_deleting_topics() {
        let me = person(1);
        let staff = Actor { admin: true, ..person(2) };
        assert!(can_edit_post_now(Some(&me), UserId(1), false, false));
        assert!(!can_edit_post_now(Some(&me), UserId(1), true, false));
        assert!(can_edit_post_now(Some(&staff), UserId(1), true, false));
        assert!(!can_edit_post_now(None, UserId(1), false, false));
        let alone = TopicState { author: UserId(1), posts_count: 1, ..TopicState::default() };
        let replied = TopicState { posts_count: 2, ..alone };
        assert!(can_delete_topic(Some(&me), &alone));
        assert!(!can_delete_topic(Some(&me), &replied));
        assert!(can_delete_topic(Some(&staff), &replied));
        assert!(!can_delete_topic(Some(&person(3)), &alone));
        assert!(can_moderate_topics(Some(&staff)) && !can_moderate_topics(Some(&me)) && !can_moderate_topics(None));
    }
}

/// What an application holding a person's user API key may do for them:
/// the scopes of Discourse's user API keys that minga honours.
pub mod user_api {
    /// A scope a person can grant an application.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum Scope {
        /// Read everything the person may read.
        Read,
        /// Read and write as the person.
        Write,
        /// Know who the person is, and their latest topics.
        SessionInfo,
    }

    /// Scopes Discourse has that minga does not offer yet: asked for, they
    /// are refused by name rather than granted and silently ignored.
    pub const NOT_OFFERED: &[&str] =
        &["message_bus", "push", "notifications", "one_time_password", "bookmarks_calendar", "user_status"];

    impl Scope {
        pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::SessionInfo];

        pub fn parse(name: &str) -> Option<Scope> {
            Scope::ALL.into_iter().find(|s| s.name() == name)
        }

        pub fn name(self) -> &'static str {
            match self {
                Scope::Read => "read",
                Scope::Write => "write",
                Scope::SessionInfo => "session_info",
            }
        }

        /// What granting it means, in words, for the authorisation page.
        /// The catalogue's words for what the scope allows.
        pub fn message_key(self) -> &'static str {
            match self {
                Scope::Read => "scope-read",
                Scope::Write => "scope-write",
                Scope::SessionInfo => "scope-session-info",
            }
        }
    }

    /// Reads a comma-separated list as Discourse's clients send it. An
    /// empty list, a scope minga does not offer or an unknown name is an
    /// error that says which.
    pub fn parse_list(list: &str) -> Result<Vec<Scope>, crate::Text> {
        let mut scopes = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match Scope::parse(name) {
                Some(s) if !scopes.contains(&s) => scopes.push(s),
                Some(_) => {}
                None if NOT_OFFERED.contains(&name) => return Err(crate::text!("error-scope-not-offered", name = name)),
                None => return Err(crate::text!("error-scope-unknown", name = name)),
            }
        }
        if scopes.is_empty() {
            return Err(crate::text!("error-scope-none"));
        }
        Ok(scopes)
    }

    /// Whether a key with these scopes may make this request (method in
    /// capitals, path without the query). As on Discourse: `read` allows
    /// reading anything, `write` allows everything, `session_info` allows
    /// who-am-I and the latest topics, and any key may revoke itself.
    pub fn allows(scopes: &[Scope], method: &str, path: &str) -> bool {
        let reading = matches!(method, "GET" | "HEAD");
        let path = path.strip_suffix(".json").unwrap_or(path);
        if method == "POST" && path == "/user-api-key/revoke" {
            return true;
        }
        scopes.iter().any(|s| match s {
            Scope::Write => true,
            Scope::Read => reading,
            Scope::SessionInfo => reading && matches!(path, "/session/current" | "/latest"),
        })
    }

    /// Whether someone may revoke (or restore) a key by its id: its owner,
    /// or an admin.
    pub fn may_manage(actor: &super::Actor, owner: i64) -> bool {
        actor.admin || actor.id.0 == owner
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn only_owners_and_admins_manage_keys() {
            let person = |id, admin| super::super::Actor { id: crate::UserId(id), admin, ..Default::default() };
            assert!(may_manage(&person(1, false), 1));
            assert!(!may_manage(&person(2, false), 1));
            assert!(may_manage(&person(2, true), 1));
        }

        #[test]
        fn scopes_parse_and_refuse_by_name() {
            assert_eq!(parse_list("read,write"), Ok(vec![Scope::Read, Scope::Write]));
            assert_eq!(parse_list("session_info, read,read"), Ok(vec![Scope::SessionInfo, Scope::Read]));
            assert_eq!(parse_list("push").unwrap_err(), crate::text!("error-scope-not-offered", name = "push"));
            assert_eq!(parse_list("read,delete_everything").unwrap_err(), crate::text!("error-scope-unknown", name = "delete_everything"));
            assert!(parse_list(" , ").is_err());
        }

        #[test]
        fn scopes_limit_what_a_key_may_do() {
            use Scope::*;
            assert!(allows(&[Read], "GET", "/latest.json"));
            assert!(!allows(&[Read], "POST", "/posts.json"));
            assert!(!allows(&[Read], "PUT", "/u/ana"));
            assert!(allows(&[Write], "POST", "/posts.json"));
            assert!(allows(&[Write], "GET", "/t/1.json"), "writing includes reading, as on Discourse");
            assert!(allows(&[SessionInfo], "GET", "/session/current.json"));
            assert!(!allows(&[SessionInfo], "GET", "/t/1.json"));
            assert!(!allows(&[SessionInfo], "DELETE", "/session/current.json"));
            for only in [Read, SessionInfo] {
                assert!(allows(&[only], "POST", "/user-api-key/revoke"), "any key may revoke itself");
                assert!(!allows(&[only], "POST", "/user-api-key/undo-revoke"));
            }
        }
    }
}
