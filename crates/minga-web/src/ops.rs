//! The actions behind the forms and the API: validate, authorise, cook,
//! store. Pages and JSON handlers call these and differ only in how they
//! answer.

use crate::AppState;
use crate::auth;
use crate::error::{AppError, AppResult};
use minga_core::validate::{self, Checks};
use minga_core::{CategoryId, Invalid, PostId, TopicId, cook, perm, slug};
use minga_store::{Category, CategoryForm, NewReply, NewTopic, NewUser, Post, StoreError, Topic, User};

pub struct TopicInput {
    pub title: String,
    pub raw: String,
    pub category: Option<i64>,
}

pub async fn create_topic(state: &AppState, user: &User, input: TopicInput) -> AppResult<(Topic, Post)> {
    if !perm::can_create_topic(Some(&user.actor())) {
        return Err(AppError::forbidden());
    }
    let limits = &state.settings.limits;
    let mut checks = Checks::default();
    checks.check(validate::title(&input.title, limits)).check(validate::post_body(&input.raw, limits));
    let category = match input.category {
        Some(id) => state.store.category(CategoryId(id)).await?,
        None => None,
    };
    if category.is_none() {
        let message = if input.category.is_some() { "That category does not exist." } else { "Choose a category." };
        checks.check(Err(minga_core::FieldError { field: "category", message: message.into() }));
    }
    checks.finish()?;
    let category = category.expect("checked above");
    let title = input.title.trim().to_string();
    let cooked = cook::cook(&input.raw);
    let new = NewTopic {
        slug: slug::slugify(&title),
        title,
        category_id: category.id,
        user_id: user.id,
        excerpt: cook::excerpt(&cooked.html, 300),
        cooked: cooked.html,
        raw: input.raw,
        created_at: minga_core::time::now_ms(),
    };
    Ok(state.store.create_topic(&new).await.map_err(|e| match e {
        StoreError::Missing(_) => AppError::invalid("category", "That category does not exist."),
        other => other.into(),
    })?)
}

pub async fn create_reply(
    state: &AppState,
    user: &User,
    topic: TopicId,
    raw: String,
    reply_to: Option<i64>,
) -> AppResult<Post> {
    if !perm::can_reply(Some(&user.actor())) {
        return Err(AppError::forbidden());
    }
    validate::post_body(&raw, &state.settings.limits)?;
    let cooked = cook::cook(&raw);
    let new = NewReply {
        topic_id: topic,
        user_id: user.id,
        raw,
        cooked: cooked.html,
        reply_to_post_number: reply_to,
        created_at: minga_core::time::now_ms(),
    };
    Ok(state.store.create_reply(&new).await?)
}

/// Edits a post (and, for a first post, optionally its topic's title).
pub async fn edit_post(state: &AppState, user: &User, id: PostId, raw: String, title: Option<String>) -> AppResult<Post> {
    let post = state.store.post(id).await?.ok_or(AppError::NotFound)?;
    if !perm::can_edit_post(Some(&user.actor()), post.user_id) {
        return Err(AppError::Forbidden("You are not allowed to edit this post.".into()));
    }
    let limits = &state.settings.limits;
    let mut checks = Checks::default();
    checks.check(validate::post_body(&raw, limits));
    let title = title.filter(|_| post.post_number == 1);
    if let Some(t) = &title {
        checks.check(validate::title(t, limits));
    }
    checks.finish()?;
    if let Some(t) = title {
        let t = t.trim().to_string();
        state.store.rename_topic(post.topic_id, &t, &slug::slugify(&t)).await?;
    }
    if raw == post.raw {
        return Ok(post);
    }
    let cooked = cook::cook(&raw);
    let excerpt = cook::excerpt(&cooked.html, 300);
    Ok(state.store.edit_post(id, user.id, &raw, &cooked.html, Some(&excerpt)).await?)
}

pub async fn delete_post(state: &AppState, user: &User, id: PostId) -> AppResult<Post> {
    let post = state.store.post(id).await?.ok_or(AppError::NotFound)?;
    if !perm::can_delete_post(Some(&user.actor()), post.user_id) {
        return Err(AppError::Forbidden("You are not allowed to delete this post.".into()));
    }
    Ok(state.store.delete_post(id).await?)
}

pub struct SignUp {
    pub username: String,
    pub email: String,
    pub name: String,
    pub password: String,
}

pub async fn sign_up(state: &AppState, input: SignUp, admin: bool) -> AppResult<User> {
    let username = input.username.trim().to_string();
    let email = input.email.trim().to_string();
    let mut checks = Checks::default();
    checks
        .check(validate::username(&username))
        .check(validate::email(&email))
        .check(validate::password(&input.password, &username));
    if input.name.chars().count() > 100 {
        checks.check(Err(minga_core::FieldError { field: "name", message: "Name must be at most 100 characters.".into() }));
    }
    checks.finish()?;
    // A friendly early answer; the unique index is what really decides.
    if state.store.user_by_username(&username).await?.is_some() {
        return Err(AppError::invalid("username", "That username is already taken."));
    }
    let password_hash = auth::hash_password(state, &input.password).await?;
    let new = NewUser { username, email, name: input.name.trim().to_string(), password_hash, admin };
    Ok(state.store.create_user(&new).await?)
}

/// Checks credentials, with throttling per address and per login name.
pub async fn log_in(state: &AppState, login: &str, password: &str, ip: &str) -> AppResult<User> {
    let login_key = format!("login:{}", login.trim().to_lowercase());
    let ip_key = format!("ip:{ip}");
    for (key, limit) in [(&login_key, 5), (&ip_key, 20)] {
        if let Some(wait) = state.throttle.wait(key, limit) {
            return Err(AppError::RateLimited(wait));
        }
    }
    let found = state.store.user_for_login(login).await?;
    let ok = match &found {
        Some((_, hash)) => auth::verify_password(password, hash).await,
        None => {
            // Spend the same effort when there is no such user, so timing
            // does not tell which logins exist.
            let _ = auth::hash_password(state, password).await;
            false
        }
    };
    match found {
        Some((user, _)) if ok => {
            state.throttle.clear(&login_key);
            Ok(user)
        }
        _ => {
            state.throttle.fail(&login_key);
            state.throttle.fail(&ip_key);
            Err(AppError::Forbidden("Incorrect username, email or password".into()))
        }
    }
}

/// Validates a category form; a blank slug is made from the name.
pub fn category_form(
    name: String,
    slug_in: String,
    color: String,
    text_color: String,
    description: String,
    position: Option<i64>,
) -> Result<CategoryForm, Invalid> {
    let name = name.trim().to_string();
    let slug_in = slug_in.trim().to_lowercase();
    let slug = if slug_in.is_empty() { slug::slugify(&name) } else { slug_in };
    let color = color.trim().trim_start_matches('#').to_uppercase();
    let text_color = text_color.trim().trim_start_matches('#').to_uppercase();
    let form = CategoryForm {
        color: if color.is_empty() { "0088CC".into() } else { color },
        text_color: if text_color.is_empty() { "FFFFFF".into() } else { text_color },
        description: description.trim().to_string(),
        name,
        slug,
        position,
    };
    let mut checks = Checks::default();
    checks
        .check(validate::category_name(&form.name))
        .check(validate::category_slug(&form.slug))
        .check(validate::color("color", &form.color))
        .check(validate::color("text_color", &form.text_color))
        .check(validate::category_description(&form.description));
    checks.finish()?;
    Ok(form)
}

pub async fn save_category(state: &AppState, user: &User, id: Option<CategoryId>, form: CategoryForm) -> AppResult<Category> {
    if !perm::can_manage_categories(Some(&user.actor())) {
        return Err(AppError::Forbidden("Only admins can manage categories.".into()));
    }
    Ok(match id {
        Some(id) => state.store.update_category(id, &form).await?,
        None => state.store.create_category(&form).await?,
    })
}
