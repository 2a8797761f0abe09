//! minga's domain: identifiers, validation rules, permissions and the post
//! cooking pipeline. Nothing here knows about HTTP or the database pool.

pub mod cook;
pub mod flags;
pub mod ids;
pub mod notify;
pub mod perm;
pub mod posting;
pub mod slug;
pub mod text;
pub mod time;
pub mod validate;

pub use ids::{CategoryId, PostId, TopicId, UserId};
pub use text::Text;
pub use validate::{FieldError, Invalid, Limits};
