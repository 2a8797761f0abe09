//! Who hears of a post: Discourse's notification types and levels, and the
//! rules that choose, for each person, at most one notification per post.

use crate::UserId;

/// Discourse's notification types, with its ids (`/site.json` lists the
/// whole table; these are the ones minga sends).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Mentioned = 1,
    Replied = 2,
    Quoted = 3,
    Edited = 4,
    InviteeAccepted = 8,
    Posted = 9,
    InvitedToTopic = 13,
    Linked = 11,
    GroupMentioned = 15,
    WatchingFirstPost = 17,
    PostApproved = 20,
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::Mentioned,
        Kind::Replied,
        Kind::Quoted,
        Kind::Edited,
        Kind::InviteeAccepted,
        Kind::Posted,
        Kind::InvitedToTopic,
        Kind::Linked,
        Kind::GroupMentioned,
        Kind::WatchingFirstPost,
        Kind::PostApproved,
    ];

    /// Whether it comes by mail too, for people who chose mail: each post
    /// one mail, as on Discourse.
    pub fn mailed(self) -> bool {
        matches!(self, Kind::Mentioned | Kind::Replied | Kind::Quoted | Kind::Posted | Kind::GroupMentioned | Kind::WatchingFirstPost)
    }

    pub fn id(self) -> i64 {
        self as i64
    }

    pub fn from_id(id: i64) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.id() == id)
    }

    /// Discourse's name for the type, as in `/site.json`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Mentioned => "mentioned",
            Kind::Replied => "replied",
            Kind::Quoted => "quoted",
            Kind::Edited => "edited",
            Kind::InviteeAccepted => "invitee_accepted",
            Kind::Posted => "posted",
            Kind::InvitedToTopic => "invited_to_topic",
            Kind::Linked => "linked",
            Kind::GroupMentioned => "group_mentioned",
            Kind::WatchingFirstPost => "watching_first_post",
            Kind::PostApproved => "post_approved",
        }
    }

    /// Replies and watched posts fold together: a person has at most one
    /// of these per topic, counting the posts it stands for ("3 new
    /// posts"), as on Discourse. Each later one replaces the last.
    pub fn folds(self) -> bool {
        matches!(self, Kind::Replied | Kind::Posted)
    }

    /// When one post gives a person several reasons, the first in this
    /// order is the one they hear of.
    fn rank(self) -> u8 {
        match self {
            Kind::Mentioned => 0,
            Kind::GroupMentioned => 1,
            Kind::Quoted => 2,
            Kind::Replied => 3,
            Kind::Linked => 4,
            Kind::WatchingFirstPost => 5,
            Kind::Posted => 6,
            Kind::Edited => 7,
            Kind::InviteeAccepted => 8,
            Kind::PostApproved => 9,
            Kind::InvitedToTopic => 10,
        }
    }
}

/// How closely a person follows a topic or a category (Discourse's ids).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Muted = 0,
    Regular = 1,
    Tracking = 2,
    Watching = 3,
    /// Categories only: told of each new topic, not of its replies.
    WatchingFirstPost = 4,
}

impl Level {
    pub fn id(self) -> i64 {
        self as i64
    }

    pub fn from_id(id: i64) -> Option<Level> {
        [
            Level::Muted,
            Level::Regular,
            Level::Tracking,
            Level::Watching,
            Level::WatchingFirstPost,
        ]
        .into_iter()
        .find(|l| l.id() == id)
    }

    /// Discourse's name, as its clients send it.
    pub fn name(self) -> &'static str {
        match self {
            Level::Muted => "muted",
            Level::Regular => "regular",
            Level::Tracking => "tracking",
            Level::Watching => "watching",
            Level::WatchingFirstPost => "watching_first_post",
        }
    }

    /// A level given by id (`"3"`) or by name (`"watching"`).
    pub fn parse(s: &str) -> Option<Level> {
        let s = s.trim();
        if let Ok(n) = s.parse::<i64>() {
            return Level::from_id(n);
        }
        [
            Level::Muted,
            Level::Regular,
            Level::Tracking,
            Level::Watching,
            Level::WatchingFirstPost,
        ]
        .into_iter()
        .find(|l| l.name() == s)
    }
}

/// The level that applies to a topic: the person's own for the topic, else
/// what they chose for its category (watching its first posts is regular
/// for replies), else regular.
pub fn effective_level(topic: Option<Level>, category: Option<Level>) -> Level {
    match (topic, category) {
        (Some(t), _) => t,
        (None, Some(Level::WatchingFirstPost)) | (None, None) => Level::Regular,
        (None, Some(c)) => c,
    }
}

/// A person with a reason to hear of a post.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub user: UserId,
    pub kind: Kind,
    /// Their level for the post's topic (see `effective_level`).
    pub level: Level,
    /// Whether they may read the post (its category's permissions).
    pub can_see: bool,
    /// Whether they already heard of this post.
    pub already: bool,
}

/// Who is told of a post, and why: each person at most once (the highest
/// reason), never its author, never someone who may not read it or heard
/// of it already, nobody at all in a muted topic, and watchers only when
/// they watch.
pub fn choose(author: UserId, candidates: &[Candidate]) -> Vec<(UserId, Kind)> {
    let mut best: Vec<(UserId, Kind)> = Vec::new();
    // Where each person is in `best`: a topic's watchers are thousands.
    let mut at: std::collections::HashMap<UserId, usize> = std::collections::HashMap::new();
    for c in candidates {
        let wanted = c.user != author
            && c.can_see
            && !c.already
            && c.level != Level::Muted
            && (c.kind != Kind::Posted || c.level == Level::Watching);
        if !wanted {
            continue;
        }
        match at.get(&c.user) {
            Some(&i) if c.kind.rank() < best[i].1.rank() => best[i].1 = c.kind,
            Some(_) => {}
            None => {
                at.insert(c.user, best.len());
                best.push((c.user, c.kind));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(user: i64, kind: Kind, level: Level) -> Candidate {
        Candidate {
            user: UserId(user),
            kind,
            level,
            can_see: true,
            already: false,
        }
    }

    #[test]
    fn only_replies_and_watched_posts_fold() {
        let folding: Vec<Kind> = Kind::ALL.into_iter().filter(|k| k.folds()).collect();
        assert_eq!(folding, [Kind::Replied, Kind::Posted]);
    }

    #[test]
    fn one_notification_per_person_the_highest_reason() {
        let got = choose(
            UserId(1),
            &[
                c(2, Kind::Posted, Level::Watching),
                c(2, Kind::Replied, Level::Watching),
                c(2, Kind::Mentioned, Level::Watching),
                c(3, Kind::Quoted, Level::Regular),
            ],
        );
        assert_eq!(
            got,
            vec![(UserId(2), Kind::Mentioned), (UserId(3), Kind::Quoted)]
        );
    }

    #[test]
    fn never_the_author_the_muted_the_unseeing_or_twice() {
        let mut hidden = c(4, Kind::Mentioned, Level::Regular);
        hidden.can_see = false;
        let mut told = c(5, Kind::Replied, Level::Regular);
        told.already = true;
        let got = choose(
            UserId(1),
            &[
                c(1, Kind::Mentioned, Level::Watching),
                c(2, Kind::Mentioned, Level::Muted),
                c(3, Kind::Posted, Level::Tracking),
                hidden,
                told,
                c(6, Kind::Posted, Level::Watching),
            ],
        );
        assert_eq!(got, vec![(UserId(6), Kind::Posted)]);
    }

    #[test]
    fn the_topic_level_wins_over_the_category() {
        assert_eq!(
            effective_level(Some(Level::Muted), Some(Level::Watching)),
            Level::Muted
        );
        assert_eq!(
            effective_level(None, Some(Level::Watching)),
            Level::Watching
        );
        assert_eq!(
            effective_level(None, Some(Level::WatchingFirstPost)),
            Level::Regular
        );
        assert_eq!(effective_level(None, None), Level::Regular);
        assert_eq!(Level::parse("watching"), Some(Level::Watching));
        assert_eq!(Level::parse("2"), Some(Level::Tracking));
        assert_eq!(Level::parse("7"), None);
        assert!(Kind::ALL.iter().all(|k| Kind::from_id(k.id()) == Some(*k)));
    }
}
