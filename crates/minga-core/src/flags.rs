//! The ways a post may be flagged, with Discourse's ids and keys, so that
//! clients reading `/site.json` offer the same choices the server takes.

#[derive(Clone, Copy, Debug)]
pub struct FlagKind {
    pub id: i64,
    pub key: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    /// Whether the flagger must say why.
    pub require_message: bool,
}

pub const KINDS: &[FlagKind] = &[
    FlagKind {
        id: 3,
        key: "off_topic",
        name: "Off-topic",
        description: "This post is not relevant to the discussion as defined by its title and first post.",
        require_message: false,
    },
    FlagKind {
        id: 4,
        key: "inappropriate",
        name: "Inappropriate",
        description: "This post has content that a reasonable person would consider offensive, abusive or against the community's guidelines.",
        require_message: false,
    },
    FlagKind {
        id: 8,
        key: "spam",
        name: "Spam",
        description: "This post is an advertisement or vandalism: not useful or relevant to the topic.",
        require_message: false,
    },
    FlagKind {
        id: 7,
        key: "notify_moderators",
        name: "Something else",
        description: "This post needs staff attention for a reason not listed above.",
        require_message: true,
    },
];

pub fn kind(id: i64) -> Option<&'static FlagKind> {
    KINDS.iter().find(|k| k.id == id)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_discourses() {
        let ids: Vec<i64> = super::KINDS.iter().map(|k| k.id).collect();
        assert_eq!(ids, [3, 4, 8, 7]);
        assert_eq!(super::kind(7).map(|k| k.key), Some("notify_moderators"));
        assert!(super::kind(2).is_none(), "a like is not a flag");
    }
}
