//! The actions behind the forms and the API: validate, authorise, cook,
//! store. Pages and JSON handlers call these and differ only in how they
//! answer.

use crate::AppState;
use crate::access::visible_topic;
use crate::auth::{self, Viewer};
use crate::error::{AppError, AppResult};
use crate::limits::check_new_user_content;
use minga_core::perm::{self, Permission};
use minga_core::validate::{self, Checks};
use minga_core::text::Arg;
use minga_core::{CategoryId, FieldError, Invalid, PostId, TopicId, Text, cook, slug, text};
use minga_store::{Category, CategoryForm, NewReply, NewTopic, NewUser, Post, Refusal, StoreError, Topic, User};

/// Looks up mentioned names fetched before cooking.
struct Names {
    users: Vec<String>,
    groups: Vec<String>,
}

impl cook::Resolver for Names {
    fn user(&self, lower: &str) -> Option<String> {
        self.users.iter().find(|n| n.eq_ignore_ascii_case(lower)).cloned()
    }
    fn group(&self, lower: &str) -> Option<String> {
        self.groups.iter().find(|n| n.eq_ignore_ascii_case(lower)).cloned()
    }
}

/// Cooks a post: mentioned names are looked up first, links to this
/// forum's topics are recognised.
pub async fn cook_post(state: &AppState, raw: &str) -> AppResult<cook::Cooked> {
    let candidates = cook::mention_candidates(raw);
    let users = state.store.usernames_matching(&candidates).await?;
    let groups = if candidates.iter().any(|c| !users.iter().any(|u| u.eq_ignore_ascii_case(c))) {
        // Only groups everyone may see can be mentioned, so a mention
        // never reveals a hidden group.
        let catalog = state.catalog().await?;
        catalog.groups.iter().filter(|g| !g.automatic && g.visibility_level == 0 && candidates.contains(&g.name.to_lowercase())).map(|g| g.name.clone()).collect()
    } else {
        Vec::new()
    };
    let options = cook::CookOptions { base_url: &state.settings.base_url };
    Ok(cook::cook(raw, &options, &Names { users, groups }))
}

/// Who a cooked post names, for its notifications.
fn alerts_of(cooked: &cook::Cooked) -> minga_store::Alerts {
    minga_store::Alerts {
        mentions: cooked.mentions.clone(),
        group_mentions: cooked.group_mentions.clone(),
        quoted: cooked.quoted.clone(),
        links: cooked.links.clone(),
    }
}

/// The posting limits to hold a new post to, if they are on.
fn rules(state: &AppState) -> Option<minga_store::PostingRules> {
    state.settings.rate_limits.then_some(minga_store::PostingRules)
}

fn silenced(user: &User) -> AppResult<()> {
    if user.silenced_at(minga_core::time::now_ms()) {
        return Err(AppError::Forbidden(text!("error-silenced")));
    }
    Ok(())
}

pub struct TopicInput {
    pub title: String,
    pub raw: String,
    pub category: Option<i64>,
}

pub async fn create_topic(state: &AppState, viewer: &Viewer, input: TopicInput) -> AppResult<(Topic, Post)> {
    let user = viewer.require()?;
    silenced(user)?;
    let limits = &state.settings.limits;
    let mut checks = Checks::default();
    checks.check(validate::title(&input.title, limits)).check(validate::post_body(&input.raw, limits));
    let catalog = state.catalog().await?;
    let actor = viewer.actor();
    // A category the person may not see is, to them, one that does not exist.
    let category = input.category.map(CategoryId).filter(|id| catalog.can_see(actor.as_ref(), *id)).and_then(|id| catalog.category(id)).cloned();
    if category.is_none() {
        let text = if input.category.is_some() { text!("error-category-missing") } else { text!("error-category-choose") };
        checks.check(Err(FieldError { field: "category", text }));
    }
    if category.as_ref().is_some_and(|c| Some(c.id) == catalog.uncategorized) {
        checks.check(Err(FieldError { field: "category", text: text!("error-category-uncategorized") }));
    }
    checks.finish()?;
    let category = category.expect("checked above");
    if !catalog.can_start_topic(actor.as_ref(), category.id) {
        return Err(AppError::Forbidden(text!("error-may-not-start", category = category.name.as_str())));
    }
    let title = input.title.trim().to_string();
    let cooked = cook_post(state, &input.raw).await?;
    check_new_user_content(user.trust_level, viewer.is_staff(), &cooked)?;
    let oneboxes = cooked.oneboxes.clone();
    let new = NewTopic {
        slug: slug::slugify(&title),
        title,
        category_id: category.id,
        user_id: user.id,
        excerpt: cook::excerpt(&cooked.html, 300),
        alerts: alerts_of(&cooked),
        cooked: cooked.html,
        raw: input.raw,
        created_at: minga_core::time::now_ms(),
    };
    let created = state
        .store
        .create_topic_within(&new, rules(state))
        .await
        .map_err(|e| match e {
            StoreError::Missing(_) => {
                AppError::invalid("category", text!("error-category-missing"))
            }
            other => AppError::from(other),
        })?;
    state.alert();
    crate::onebox::fetch_missing(state, &oneboxes).await;
    Ok(created)
}

/// Adds a reply; returns it with its topic as it now stands.
pub async fn create_reply(state: &AppState, viewer: &Viewer, topic: TopicId, raw: String, reply_to: Option<i64>) -> AppResult<(Post, Topic)> {
    let user = viewer.require()?;
    silenced(user)?;
    let (topic, category, catalog) = visible_topic(state, viewer, topic).await?;
    validate::post_body(&raw, &state.settings.limits)?;
    let actor = viewer.actor();
    if !perm::can_reply_in(actor.as_ref(), catalog.grants(category.id)) {
        return Err(AppError::Forbidden(text!("error-may-not-reply", category = category.name.as_str())));
    }
    if !perm::can_reply_to_topic(actor.as_ref(), catalog.grants(category.id), &topic.state()) {
        let why = if topic.archived { text!("error-topic-archived") } else { text!("error-topic-closed") };
        return Err(AppError::Forbidden(why));
    }
    let cooked = cook_post(state, &raw).await?;
    check_new_user_content(user.trust_level, viewer.is_staff(), &cooked)?;
    let oneboxes = cooked.oneboxes.clone();
    let new = NewReply {
        topic_id: topic.id,
        user_id: user.id,
        raw,
        alerts: alerts_of(&cooked),
        cooked: cooked.html,
        reply_to_post_number: reply_to,
        created_at: minga_core::time::now_ms(),
    };
    let post = state.store.create_reply_within(&new, rules(state)).await?;
    state.alert();
    crate::onebox::fetch_missing(state, &oneboxes).await;
    let mut topic = topic;
    topic.posts_count += 1;
    topic.highest_post_number = post.post_number;
    topic.last_post_user_id = user.id;
    Ok((post, topic))
}

/// A post the viewer may see (its topic's category included).
pub async fn visible_post(state: &AppState, viewer: &Viewer, id: PostId) -> AppResult<(Post, Topic)> {
    let post = state.store.post(id).await?.ok_or(AppError::NotFound)?;
    let (topic, _, _) = visible_topic(state, viewer, post.topic_id).await?;
    Ok((post, topic))
}

/// Edits a post (and, for a first post, optionally its topic's title).
pub async fn edit_post(state: &AppState, viewer: &Viewer, id: PostId, raw: String, title: Option<String>) -> AppResult<Post> {
    let user = viewer.require()?;
    let (post, topic) = visible_post(state, viewer, id).await?;
    if !perm::can_edit_post_now(viewer.actor().as_ref(), post.user_id, post.locked, topic.archived) {
        let why = if topic.archived {
            text!("error-archived-no-edit")
        } else if post.locked && post.user_id == user.id {
            text!("error-post-locked")
        } else {
            text!("error-may-not-edit-post")
        };
        return Err(AppError::Forbidden(why));
    }
    let limits = &state.settings.limits;
    let mut checks = Checks::default();
    checks.check(validate::post_body(&raw, limits));
    let title = title.filter(|_| post.post_number == 1);
    if let Some(t) = &title {
        checks.check(validate::title(t, limits));
    }
    checks.finish()?;
    // Cook (and check) only a changed text, and before anything is stored.
    let cooked = if raw == post.raw {
        None
    } else {
        let cooked = cook_post(state, &raw).await?;
        check_new_user_content(user.trust_level, viewer.is_staff(), &cooked)?;
        Some(cooked)
    };
    if let Some(t) = title {
        let t = t.trim().to_string();
        state.store.rename_topic(post.topic_id, &t, &slug::slugify(&t)).await?;
    }
    let Some(cooked) = cooked else { return Ok(post) };
    let excerpt = cook::excerpt(&cooked.html, 300);
    let saved = state
        .store
        .edit_post_alerting(
            id,
            user.id,
            &raw,
            &cooked.html,
            Some(&excerpt),
            &alerts_of(&cooked),
        )
        .await?;
    state.alert();
    crate::onebox::fetch_missing(state, &cooked.oneboxes).await;
    Ok(saved)
}

/// What `rebake` did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rebaked {
    pub seen: usize,
    pub changed: usize,
}

/// Cooks every post again from its text, as Discourse's rebake does, so a
/// change to cooking, or someone who joined after being mentioned,
/// reaches posts already stored. Posts that come out the same are left
/// alone; none gets a revision.
pub async fn rebake(state: &AppState) -> AppResult<Rebaked> {
    let mut done = Rebaked::default();
    let mut after = PostId(0);
    loop {
        let batch = state.store.posts_after(after, 500).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for post in &batch {
            done.seen += 1;
            let cooked = cook_post(state, &post.raw).await?;
            let excerpt = cook::excerpt(&cooked.html, 300);
            // A first post also gives its topic's excerpt, which a newer
            // cooker may write differently from the same HTML.
            let stale_excerpt = post.post_number == 1 && state.store.topic(post.topic_id).await?.is_some_and(|t| t.excerpt != excerpt);
            if cooked.html != post.cooked || stale_excerpt {
                state.store.set_cooked(post.id, &cooked.html, &excerpt).await?;
                done.changed += 1;
            }
        }
    }
    Ok(done)
}

pub async fn delete_post(state: &AppState, viewer: &Viewer, id: PostId) -> AppResult<Post> {
    viewer.require()?;
    let (post, _) = visible_post(state, viewer, id).await?;
    if !perm::can_delete_post(viewer.actor().as_ref(), post.user_id) {
        return Err(AppError::Forbidden(text!("error-may-not-delete-post")));
    }
    Ok(state.store.delete_post(id).await?)
}

/// Deletes a whole topic, as deleting its first post does.
pub async fn delete_topic(state: &AppState, viewer: &Viewer, id: TopicId) -> AppResult<Post> {
    let (topic, _, _) = visible_topic(state, viewer, id).await?;
    if !perm::can_delete_topic(viewer.actor().as_ref(), &topic.state()) {
        return Err(AppError::Forbidden(text!("error-may-not-delete-topic")));
    }
    let first = state.store.first_posts(id, 1).await?.into_iter().next().filter(|p| p.post_number == 1).ok_or(AppError::NotFound)?;
    Ok(state.store.delete_post(first.id).await?)
}

/// Renames a topic and moves it to a category its editor may start topics
/// in; what is not given stays as it is.
pub async fn update_topic(state: &AppState, viewer: &Viewer, id: TopicId, title: Option<String>, category: Option<i64>) -> AppResult<Topic> {
    let (topic, _, catalog) = visible_topic(state, viewer, id).await?;
    let actor = viewer.actor();
    if !perm::can_edit_topic(actor.as_ref(), &topic.state()) {
        return Err(AppError::Forbidden(text!("error-may-not-edit-topic")));
    }
    let title = match title {
        Some(t) => {
            validate::title(&t, &state.settings.limits)?;
            t.trim().to_string()
        }
        None => topic.title.clone(),
    };
    let category = match category.map(CategoryId) {
        Some(c) if c != topic.category_id => {
            // A category the editor may not see does not exist for them.
            if !catalog.can_see(actor.as_ref(), c) || catalog.category(c).is_none() {
                return Err(AppError::invalid("category_id", text!("error-category-missing")));
            }
            if !catalog.can_move_topic_to(actor.as_ref(), c) {
                return Err(AppError::Forbidden(text!("error-may-not-post-category")));
            }
            c
        }
        _ => topic.category_id,
    };
    let slug = if title == topic.title { topic.slug.clone() } else { slug::slugify(&title) };
    state.store.update_topic(id, &title, &slug, category).await.map_err(|e| match e {
        StoreError::Missing(minga_store::Thing::Category) => AppError::invalid("category_id", text!("error-category-missing")),
        other => other.into(),
    })
}

/// Closes, archives, unlists or pins a topic, or undoes it (staff).
pub async fn set_topic_status(state: &AppState, viewer: &Viewer, id: TopicId, status: minga_store::TopicStatus) -> AppResult<Topic> {
    let (topic, _, _) = visible_topic(state, viewer, id).await?;
    if !perm::can_moderate_topics(viewer.actor().as_ref()) {
        return Err(AppError::Forbidden(text!("error-staff-status")));
    }
    Ok(state.store.set_topic_status(topic.id, status, minga_core::time::now_ms()).await?)
}

/// Moves a topic's date, and its posts' with it (staff).
pub async fn change_topic_timestamp(state: &AppState, viewer: &Viewer, id: TopicId, seconds: i64) -> AppResult<Topic> {
    let (topic, _, _) = visible_topic(state, viewer, id).await?;
    if !perm::can_moderate_topics(viewer.actor().as_ref()) {
        return Err(AppError::Forbidden(text!("error-staff-timestamp")));
    }
    let ms = seconds.checked_mul(1000).filter(|ms| *ms > 0).ok_or_else(|| AppError::invalid("timestamp", text!("error-timestamp")))?;
    Ok(state.store.change_topic_timestamp(topic.id, ms).await?)
}

/// Locks a post against its author's edits, or unlocks it (staff).
pub async fn lock_post(state: &AppState, viewer: &Viewer, id: PostId, locked: bool) -> AppResult<Post> {
    let (post, _) = visible_post(state, viewer, id).await?;
    if !perm::can_moderate_topics(viewer.actor().as_ref()) {
        return Err(AppError::Forbidden(text!("error-staff-lock")));
    }
    Ok(state.store.lock_post(post.id, locked).await?)
}

/// The profile fields a request may set; those absent keep their value,
/// those sent blank (or null) are cleared.
#[derive(serde::Deserialize, Default, Debug, Clone)]
pub struct ProfileChange {
    #[serde(default, deserialize_with = "sent_text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "sent_text")]
    pub bio_raw: Option<String>,
    #[serde(default, deserialize_with = "sent_text")]
    pub location: Option<String>,
    #[serde(default, deserialize_with = "sent_text")]
    pub website: Option<String>,
    #[serde(default, deserialize_with = "sent_text")]
    pub timezone: Option<String>,
    /// `en`, `es`, or blank for the browser's language.
    #[serde(default, deserialize_with = "sent_text")]
    pub locale: Option<String>,
    /// `light`, `dark`, or blank to follow the device.
    #[serde(default, deserialize_with = "sent_text")]
    pub theme: Option<String>,
}

/// A text field that was sent: blank and null mean empty, not absent.
fn sent_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    use serde::Deserialize;
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => Ok(Some(String::new())),
        serde_json::Value::String(s) => Ok(Some(s)),
        other => Err(serde::de::Error::custom(format!("expected text, found {other}"))),
    }
}

/// The profile after a change (`name`, `bio_raw`, `location`, `website`,
/// `timezone`), the others kept as they are, checked together.
pub fn profile_from(change: &ProfileChange, user: &User) -> AppResult<minga_store::Profile> {
    let mut checks = Checks::default();
    let mut text = |k: &'static str, new: &Option<String>, cur: &str, max: usize| -> String {
        let v = new.clone().unwrap_or_else(|| cur.to_string());
        if v.chars().count() > max {
            checks.check(Err(FieldError { field: k, text: text!("error-too-long", max = max) }));
        }
        v.trim().to_string()
    };
    let mut profile = minga_store::Profile {
        name: text("name", &change.name, &user.name, 100),
        bio_raw: text("bio_raw", &change.bio_raw, &user.bio_raw, 3000),
        location: text("location", &change.location, &user.location, 100),
        website: text("website", &change.website, &user.website, 300),
        timezone: text("timezone", &change.timezone, &user.timezone, 64),
        locale: text("locale", &change.locale, &user.locale, 16),
        theme: text("theme", &change.theme, &user.theme, 16),
    };
    if !matches!(profile.theme.as_str(), "" | "light" | "dark") {
        checks.check(Err(FieldError { field: "theme", text: text!("error-theme") }));
    }
    if !profile.locale.is_empty() {
        match crate::i18n::Locale::from_tag(&profile.locale) {
            Some(l) => profile.locale = l.tag().to_string(),
            None => {
                checks.check(Err(FieldError { field: "locale", text: text!("error-locale") }));
            }
        }
    }
    if !profile.website.is_empty() && !(profile.website.starts_with("https://") || profile.website.starts_with("http://")) {
        checks.check(Err(FieldError { field: "website", text: text!("error-website") }));
    }
    if change.timezone.is_some() && !profile.timezone.is_empty() {
        match canonical_zone(&profile.timezone) {
            Some(name) => profile.timezone = name,
            None => {
                checks.check(Err(FieldError {
                    field: "timezone",
                    text: text!("error-timezone"),
                }));
            }
        }
    }
    checks.finish()?;
    Ok(profile)
}

/// A time zone's IANA name as the zone database spells it ("europe/london"
/// becomes "Europe/London"); `None` for what is not a place's zone (the
/// `Etc/GMT+5` kind reads backwards, so it is not offered).
pub fn canonical_zone(typed: &str) -> Option<String> {
    let tz = jiff::tz::TimeZone::get(typed.trim()).ok()?;
    let name = tz.iana_name()?.to_string();
    let place = name.contains('/') && !name.starts_with("Etc/") && !name.starts_with("posix/") && !name.starts_with("right/");
    (place || name == "UTC").then_some(name)
}

/// Wrong current passwords tried by one person, per five minutes: their
/// own mistakes, counted apart from log-ins, so that someone guessing at
/// their log-in cannot stop them changing their password.
const CONFIRM_TRIES: i64 = 5;

/// Checks a signed-in person's current password before an account change.
async fn confirm_password(state: &AppState, user: &User, password: &str, _ip: &str) -> AppResult<()> {
    let key = format!("confirm:{}", user.id.0);
    let now = minga_core::time::now_ms();
    let window = auth::Throttle::PAIR.1;
    let (tried, oldest) = state.store.login_failures(&[(key.clone(), now - window)]).await?.pop().unwrap_or((0, None));
    if tried >= CONFIRM_TRIES {
        return Err(AppError::RateLimited(((oldest.unwrap_or(now) + window - now) / 1000).max(1) as u64));
    }
    let found = state.store.user_for_login(&user.username).await?;
    let right = match found {
        Some((u, hash)) if u.id == user.id => auth::verify_password(state, password, &hash).await?,
        _ => false,
    };
    if right {
        return Ok(());
    }
    state.store.record_login_failure(&[key]).await?;
    Err(AppError::invalid("current_password", text!("error-current-password")))
}

/// What became of a change of address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailChange {
    Changed,
    /// The new address got a link; the account changes once it is followed.
    Sent,
}

/// Changes a person's e-mail address, after their current password: at
/// once, or, when the site confirms addresses by mail, once the new
/// address has confirmed it (the mail is in `locale`).
pub async fn change_email(state: &AppState, user: &User, current_password: &str, email: &str, ip: &str, locale: crate::i18n::Locale) -> AppResult<EmailChange> {
    change_email_as(state, user, Some(current_password), email, ip, locale).await
}

/// As `change_email`; `None` for the password when an admin or an API key
/// makes the change.
pub async fn change_email_as(state: &AppState, user: &User, current_password: Option<&str>, email: &str, ip: &str, locale: crate::i18n::Locale) -> AppResult<EmailChange> {
    let email = email.trim();
    validate::email(email)?;
    if let Some(password) = current_password {
        confirm_password(state, user, password, ip).await?;
    }
    let taken = || AppError::invalid("email", text!("error-taken", field = "email"));
    if state.site().await?.must_confirm_email {
        if state.store.user_for_login(email).await?.is_some_and(|(u, _)| u.id != user.id) {
            return Err(taken());
        }
        crate::mail::accounts::start_email_change(state, user, email, locale).await?;
        return Ok(EmailChange::Sent);
    }
    state.store.set_email(user.id, email).await.map_err(|e| match e {
        StoreError::Conflict(_) => taken(),
        other => other.into(),
    })?;
    Ok(EmailChange::Changed)
}

/// Changes a person's password, after their current one; every other
/// session of theirs ends (`keep` is the session making the change).
pub async fn change_password(state: &AppState, user: &User, current_password: &str, new_password: &str, keep: Option<&str>, ip: &str) -> AppResult<()> {
    validate::password(new_password, &user.username).map_err(|e| FieldError { field: "new_password", ..e })?;
    confirm_password(state, user, current_password, ip).await?;
    let hash = auth::hash_password(state, new_password).await?;
    Ok(state.store.set_password_hash(user.id, &hash, keep).await?)
}

pub struct SignUp {
    pub username: String,
    pub email: String,
    pub name: String,
    pub password: String,
}

/// Validates a sign-up and hashes its password.
async fn new_user(state: &AppState, input: SignUp, admin: bool) -> AppResult<NewUser> {
    let username = input.username.trim().to_string();
    let email = input.email.trim().to_string();
    let mut checks = Checks::default();
    checks
        .check(validate::username(&username))
        .check(validate::email(&email))
        .check(validate::password(&input.password, &username));
    if input.name.chars().count() > 100 {
        checks.check(Err(FieldError { field: "name", text: text!("error-name-long", max = 100) }));
    }
    checks.finish()?;
    // A friendly early answer; the unique index is what really decides.
    if state.store.user_by_username(&username).await?.is_some() {
        return Err(AppError::invalid("username", text!("error-taken", field = "username")));
    }
    let password_hash = auth::hash_password(state, &input.password).await?;
    Ok(NewUser { username, email, name: input.name.trim().to_string(), password_hash, admin, approved: true })
}

/// Creates an account as staff do (no confirmation by mail): refused
/// when sign-ups are closed, unless `admin` (admins creating accounts
/// skip the site's rules).
pub async fn sign_up(state: &AppState, input: SignUp, admin: bool) -> AppResult<User> {
    sign_up_as(state, input, admin, admin).await
}

pub async fn sign_up_as(state: &AppState, input: SignUp, admin: bool, by_staff: bool) -> AppResult<User> {
    create_account(state, input, admin, by_staff, by_staff, None).await
}

/// A visitor signing up on the page: by the site's rules, held for
/// approval when the site asks for it, and waiting for the address to be
/// confirmed by mail when the site asks for that (the mail is in
/// `locale`).
pub async fn sign_up_by_visitor(state: &AppState, input: SignUp, locale: crate::i18n::Locale) -> AppResult<User> {
    let confirm = state.site().await?.must_confirm_email;
    create_account(state, input, false, false, false, confirm.then_some(locale)).await
}

/// `POST /users.json`: staff may create accounts while sign-ups are
/// closed, but, as on Discourse, an account they create is approved only
/// when they say so (`approve`), and active at once only when they say so
/// (`active`); otherwise it waits for its address to be confirmed, when
/// the site asks for that.
pub async fn sign_up_via_api(state: &AppState, input: SignUp, by_staff: bool, approve: bool, active: bool, locale: crate::i18n::Locale) -> AppResult<User> {
    let confirm = state.site().await?.must_confirm_email && !(by_staff && active);
    create_account(state, input, false, by_staff, by_staff && approve, confirm.then_some(locale)).await
}

async fn create_account(
    state: &AppState,
    input: SignUp,
    admin: bool,
    may_when_closed: bool,
    approved: bool,
    confirm_in: Option<crate::i18n::Locale>,
) -> AppResult<User> {
    let site = state.site().await?;
    if !may_when_closed && (site.invite_only || !site.allow_new_registrations) {
        return Err(AppError::Forbidden(text!("error-registrations-closed")));
    }
    let mut new = new_user(state, input, admin).await?;
    new.approved = approved || !site.needs_approval(&new.email);
    // An account held for approval is queued with it, in one transaction;
    // one waiting for its address, with the mail that confirms it.
    match confirm_in {
        Some(locale) => crate::mail::accounts::create_to_confirm(state, &new, locale).await,
        None => Ok(state.store.create_user(&new).await?),
    }
}

/// Creates the first admin with a set-up link; refused once any link has
/// been used (or an admin exists).
pub async fn create_first_admin(state: &AppState, token: &str, input: SignUp) -> AppResult<User> {
    let new = new_user(state, input, true).await?;
    match state.store.create_first_admin(&auth::hash_secret(token), &new).await {
        Ok(user) => Ok(user),
        Err(StoreError::Refused(_)) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// Creates an approved account through an invite link.
/// Makes the account an invite is for; answers it and the topic the
/// invite lands on, if any.
pub async fn redeem_invite(state: &AppState, key: &str, input: SignUp) -> AppResult<(User, Option<TopicId>)> {
    let new = new_user(state, input, false).await?;
    match state.store.redeem_invite(&auth::hash_secret(key), &new).await {
        Ok(r) => Ok((r.user, r.invite.topic_id)),
        Err(StoreError::Refused(reason)) => Err(match reason {
            Refusal::ExpiredInvite => AppError::Forbidden(text!("error-invite-expired")),
            Refusal::UsedInvite => AppError::Forbidden(text!("error-invite-used")),
            Refusal::InviteForAnotherEmail => AppError::invalid("email", text!("error-invite-other-email")),
            Refusal::UnknownInvite | Refusal::SetupSpent | Refusal::UnknownToken | Refusal::ExpiredToken => AppError::NotFound,
        }),
        Err(e) => Err(e.into()),
    }
}

/// Why a log-in with the right password, or the wrong one, was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogInRefused {
    Incorrect,
    NotApproved,
    NotActive,
    /// Suspended until an instant, with the reason staff gave.
    Suspended { till: i64, reason: String },
}

impl LogInRefused {
    pub fn text(&self) -> Text {
        match self {
            LogInRefused::Incorrect => text!("error-login-incorrect"),
            LogInRefused::NotApproved => text!("error-login-not-approved"),
            LogInRefused::NotActive => text!("error-login-not-active"),
            LogInRefused::Suspended { till, reason } if reason.is_empty() => Text::key("error-login-suspended").with("date", Arg::Date(*till)),
            LogInRefused::Suspended { till, reason } => {
                Text::key("error-login-suspended-reason").with("date", Arg::Date(*till)).with("reason", reason.as_str())
            }
        }
    }

    /// Discourse's `reason` beside the error, where it gives one.
    pub fn reason(&self) -> Option<&'static str> {
        match self {
            LogInRefused::Incorrect => None,
            LogInRefused::NotApproved => Some("not_approved"),
            LogInRefused::NotActive => Some("not_activated"),
            LogInRefused::Suspended { .. } => Some("suspended"),
        }
    }
}

/// Checks credentials, with throttling per account and address (see
/// `auth::Throttle`), then the account's standing.
pub async fn log_in(state: &AppState, login: &str, password: &str, ip: &str) -> AppResult<Result<User, LogInRefused>> {
    if let Some(wait) = auth::Throttle::wait(state, login, ip).await? {
        return Err(AppError::RateLimited(wait));
    }
    let found = state.store.user_for_login(login).await?;
    let ok = match &found {
        Some((_, hash)) => auth::verify_password(state, password, hash).await?,
        None => {
            // Spend the same effort when there is no such user, so timing
            // does not tell which logins exist.
            let _ = auth::hash_password(state, password).await?;
            false
        }
    };
    let user = match found {
        Some((user, _)) if ok => user,
        _ => {
            auth::Throttle::fail(state, login, ip).await?;
            return Ok(Err(LogInRefused::Incorrect));
        }
    };
    auth::Throttle::succeed(state, login, ip).await?;
    if !user.approved {
        return Ok(Err(LogInRefused::NotApproved));
    }
    if !user.active {
        return Ok(Err(LogInRefused::NotActive));
    }
    if let Some(till) = user.suspended_till.filter(|t| *t > minga_core::time::now_ms()) {
        return Ok(Err(LogInRefused::Suspended { till, reason: user.suspend_reason.clone() }));
    }
    Ok(Ok(user))
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
        grants: None,
        parent: None,
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

/// Reads Discourse's `permissions` map (`{"everyone": 1, "facttic": 3}`,
/// group names to 1 full, 2 create_post, 3 readonly).
pub async fn category_grants(state: &AppState, permissions: &serde_json::Map<String, serde_json::Value>) -> AppResult<Vec<(i64, Permission)>> {
    let catalog = state.catalog().await?;
    let groups = &catalog.groups;
    let mut grants = Vec::new();
    for (name, value) in permissions {
        let group = groups.iter().find(|g| g.name.eq_ignore_ascii_case(name)).ok_or_else(|| AppError::invalid("permissions", text!("error-no-group", name = name.as_str())))?;
        let level = match value {
            serde_json::Value::Number(n) => n.as_i64(),
            serde_json::Value::String(s) => s.parse().ok().or_else(|| Permission::from_name(s).map(|p| p as i64)),
            _ => None,
        };
        let permission = level.and_then(Permission::from_i64).ok_or_else(|| AppError::invalid("permissions", text!("error-permission-level", name = name.as_str())))?;
        grants.push((group.id, permission));
    }
    if grants.is_empty() {
        return Err(AppError::invalid("permissions", text!("error-permissions-empty")));
    }
    Ok(grants)
}

pub async fn save_category(state: &AppState, viewer: &Viewer, id: Option<CategoryId>, form: CategoryForm) -> AppResult<Category> {
    if !perm::can_manage_categories(viewer.actor().as_ref()) {
        return Err(AppError::Forbidden(text!("error-admins-categories")));
    }
    // Where it sits is checked against the categories as they are now.
    let categories = state.store.categories().await?;
    let parent = match form.parent {
        Some(p) => {
            let row = categories.iter().find(|c| c.id == p).ok_or_else(|| AppError::invalid("parent_category_id", text!("error-parent-missing")))?;
            Some((p.0, row.parent_category_id))
        }
        None => None,
    };
    let placement = validate::Placement {
        id: id.map(|i| i.0),
        has_children: id.is_some_and(|i| categories.iter().any(|c| c.parent_category_id == Some(i.0))),
        parent,
        uncategorized: state.catalog().await?.uncategorized.map(|u| u.0),
    };
    if let Err(e) = validate::category_parent(placement) {
        return Err(AppError::invalid(e.field, e.text));
    }
    let saved = match id {
        Some(id) => state.store.update_category(id, &form).await?,
        None => state.store.create_category(&form).await?,
    };
    state.forget_catalog();
    Ok(saved)
}
