//! Invites, as Discourse's `InviteSerializer`.

use super::BasicTopic;
use super::group::BasicGroup;
use serde::Serialize;

#[derive(Serialize, Debug)]
pub struct InviteJson {
    pub id: i64,
    pub invite_key: String,
    pub link: String,
    pub description: Option<String>,
    pub email: String,
    pub domain: Option<String>,
    /// minga does not send invites by e-mail yet: the link is handed over.
    pub emailed: bool,
    pub can_delete_invite: bool,
    pub custom_message: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub expires_at: String,
    pub expired: bool,
    pub grants_admin: bool,
    pub grants_moderator: bool,
    pub redemption_count: i64,
    pub max_redemptions_allowed: i64,
    pub topics: Vec<BasicTopic>,
    pub groups: Vec<BasicGroup>,
}

/// `POST /invites/create-multiple.json`.
#[derive(Serialize, Debug)]
pub struct MultipleInvites {
    pub num_successfully_created_invitations: usize,
    pub num_failed_invitations: usize,
    pub failed_invitations: Vec<FailedInvitation>,
    pub successful_invitations: Vec<InviteJson>,
}

#[derive(Serialize, Debug)]
pub struct FailedInvitation {
    pub email: String,
    pub error: String,
}
