//! The answers of Discourse's `UserApiKeysController`: the key's payload
//! (encrypted to the application's public key) and its plain successes.

use serde::Serialize;

/// What is encrypted for the application: the key, the application's own
/// nonce back, whether pushes were set up, and the version of this API.
#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct UserApiKeyPayload<'a> {
    pub key: &'a str,
    pub nonce: &'a str,
    pub push: bool,
    pub api: u32,
}

/// `POST /user-api-key.json` without `auth_redirect`: the encrypted
/// payload (base64) for the person to hand to the application.
#[derive(Serialize, Debug)]
pub struct CreatedUserApiKey {
    pub payload: String,
    pub instructions: String,
}

/// Discourse's `success_json`.
#[derive(Serialize, Debug)]
pub struct Success {
    pub success: &'static str,
}

impl Success {
    pub const OK: Success = Success { success: "OK" };
}
