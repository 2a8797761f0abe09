//! How many links and mentions a new user's post may carry. (Limits on
//! how often people post are judged by the store, in the transaction that
//! posts, from what they have posted: see `minga_core::posting`.)

use crate::error::AppError;

pub const NEW_USER_MAX_LINKS: usize = 2;
pub const NEW_USER_MAX_MENTIONS: usize = 2;

/// A new user's post may not carry too many links or mentions.
pub fn check_new_user_content(trust_level: i64, staff: bool, cooked: &minga_core::cook::Cooked) -> Result<(), AppError> {
    if staff || trust_level > 0 {
        return Ok(());
    }
    let links = cooked.html.matches("<a href=\"http").count();
    if links > NEW_USER_MAX_LINKS {
        return Err(AppError::invalid("raw", minga_core::text!("error-new-user-links", count = NEW_USER_MAX_LINKS)));
    }
    if cooked.mentions.len() + cooked.group_mentions.len() > NEW_USER_MAX_MENTIONS {
        return Err(AppError::invalid("raw", minga_core::text!("error-new-user-mentions", count = NEW_USER_MAX_MENTIONS)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_users_have_few_links() {
        let raw = "https://a.example/1 https://a.example/2 https://a.example/3";
        let cooked = minga_core::cook::cook_plain(&format!("see {raw}"));
        assert!(check_new_user_content(0, false, &cooked).is_err());
        assert!(check_new_user_content(1, false, &cooked).is_ok());
        assert!(check_new_user_content(0, true, &cooked).is_ok());
    }
}
