//! Template structs: what each page shows, already turned into strings.

use super::Chrome;
use askama::Template;
use minga_core::Invalid;
pub use minga_core::time::Shown as Moment;

/// Field errors of a form, by field name.
#[derive(Clone, Debug, Default)]
pub struct FormErrors(pub Vec<(String, String)>);

impl FormErrors {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
    pub fn general(&self) -> Vec<&str> {
        self.0.iter().filter(|(f, _)| f.is_empty()).map(|(_, m)| m.as_str()).collect()
    }
    /// What a form says first, in a region read out when the page comes
    /// back: the errors that belong to no field, and how many fields need
    /// attention (each field's own message is tied to it).
    pub fn summary(&self, locale: &crate::i18n::Locale) -> Vec<String> {
        let locale = *locale;
        let mut lines: Vec<String> = self.general().into_iter().map(str::to_string).collect();
        let fields = self.0.iter().filter(|(f, _)| !f.is_empty()).count();
        if fields > 0 {
            lines.push(crate::i18n::t1(locale, "form-fields-need-attention", "count", fields));
        }
        lines
    }

    pub fn one(field: &str, message: impl Into<String>) -> Self {
        FormErrors(vec![(field.to_string(), message.into())])
    }

    /// The errors of a refused form, in the reader's language.
    pub fn of(e: &Invalid, locale: crate::i18n::Locale) -> Self {
        FormErrors(e.0.iter().map(|f| (f.field.to_string(), crate::i18n::say(locale, &f.text))).collect())
    }
}

#[derive(Clone, Debug)]
pub struct Avatar {
    pub letter: String,
    pub color: String,
}

impl Avatar {
    pub fn of(username: &str) -> Avatar {
        let letter = username.chars().next().map(|c| c.to_uppercase().to_string()).unwrap_or_default();
        Avatar { letter, color: crate::routes::avatar_color(username) }
    }
}

#[derive(Clone, Debug)]
pub struct CategoryBadge {
    pub name: String,
    pub url: String,
    pub color: String,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub chrome: Chrome,
    pub title: String,
    pub messages: Vec<String>,
}

/// A page a link sent by mail leads to: what happened, and a form when
/// there is something to do (a new password, a button to confirm).
#[derive(Template)]
#[template(path = "mail_link.html")]
pub struct MailLinkPage {
    pub chrome: Chrome,
    pub title: String,
    pub messages: Vec<String>,
    pub forms: Vec<MailLinkForm>,
    pub errors: FormErrors,
}

pub struct MailLinkForm {
    pub action: String,
    pub field: Option<MailLinkField>,
    pub submit: String,
}

pub struct MailLinkField {
    pub name: &'static str,
    pub label: String,
    pub kind: &'static str,
    pub autocomplete: &'static str,
    pub value: String,
}

pub struct TopicRow {
    pub url: String,
    pub title: String,
    pub excerpt: String,
    pub category: Option<CategoryBadge>,
    pub author: String,
    pub avatar: Avatar,
    pub replies: i64,
    pub views: i64,
    pub activity: Moment,
    /// Posts the signed-in reader has not read in a topic they track.
    pub unread: i64,
    /// A recent topic the signed-in reader has not opened.
    pub new: bool,
}

#[derive(Template)]
#[template(path = "topic_list.html")]
pub struct TopicListPage {
    pub chrome: Chrome,
    pub heading: String,
    /// Cooked, safe HTML.
    pub description: String,
    pub category: Option<CategoryBadge>,
    pub rows: Vec<TopicRow>,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub new_topic_url: String,
    /// Where the "dismiss" button posts, on a person's own lists.
    pub dismiss: Option<&'static str>,
}

pub struct CategoryRow {
    pub badge: CategoryBadge,
    /// Cooked, safe HTML.
    pub description: String,
    pub topic_count: i64,
    pub post_count: i64,
    /// Subcategories the reader may see.
    pub subcategories: Vec<CategoryBadge>,
}

#[derive(Template)]
#[template(path = "categories.html")]
pub struct CategoriesPage {
    pub chrome: Chrome,
    pub categories: Vec<CategoryRow>,
}

pub struct PostView {
    pub id: i64,
    pub number: i64,
    pub username: String,
    pub name: String,
    /// The author's co-op, if they chose one to show.
    pub primary_group: String,
    pub avatar: Avatar,
    pub created: Moment,
    pub cooked: crate::views::Shown,
    pub deleted: bool,
    pub reply_to: Option<i64>,
    pub reply_to_url: String,
    pub edited: bool,
    pub can_edit: bool,
    pub can_flag: bool,
    pub url: String,
}

pub struct PageLink {
    pub number: i64,
    pub url: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "topic.html")]
pub struct TopicPage {
    pub chrome: Chrome,
    pub topic_id: i64,
    pub title: String,
    pub url: String,
    pub category: CategoryBadge,
    pub posts: Vec<PostView>,
    pub pages: Vec<PageLink>,
    pub views: i64,
    pub replies: i64,
    pub can_reply: bool,
    pub reply_raw: String,
    pub reply_to: Option<i64>,
    pub errors: FormErrors,
    /// A confirmation of what the reader just did.
    pub notice: Option<String>,
    /// Lines saying the topic is closed, archived, unlisted or pinned.
    pub status: Vec<String>,
    pub login_url: String,
    /// The reader's notification level for the topic (signed-in readers).
    pub level: Option<i64>,
    /// The levels to choose from: (id, name).
    pub levels: Vec<(i64, String)>,
    /// The first post the reader has not read, to scroll to.
    pub scroll_to: Option<i64>,
}

pub struct TopicLink {
    pub url: String,
    pub title: String,
    pub when: Moment,
}

pub struct PostLink {
    pub url: String,
    pub topic_title: String,
    pub excerpt: String,
    pub when: Moment,
}

#[derive(Template)]
#[template(path = "user.html")]
pub struct UserPage {
    pub chrome: Chrome,
    pub username: String,
    pub name: String,
    pub avatar: Avatar,
    pub role: String,
    /// Co-ops everyone may see that they belong to: (name, full name).
    pub groups: Vec<(String, String)>,
    /// Cooked, safe HTML.
    pub bio: String,
    pub location: String,
    pub website: String,
    pub joined_iso: String,
    pub joined: String,
    pub topics: Vec<TopicLink>,
    pub posts: Vec<PostLink>,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub chrome: Chrome,
    pub login: String,
    pub next: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "signup.html")]
pub struct SignupPage {
    pub chrome: Chrome,
    pub heading: String,
    pub action: String,
    pub username: String,
    pub email: String,
    pub name: String,
    pub errors: FormErrors,
    /// "Have an account? Log in." — not while setting up the first
    /// account, when there is none to log in with.
    pub offer_login: bool,
}

pub struct CategoryOption {
    pub id: i64,
    pub name: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "new_topic.html")]
pub struct NewTopicPage {
    pub chrome: Chrome,
    pub title: String,
    pub raw: String,
    pub categories: Vec<CategoryOption>,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "edit_post.html")]
pub struct EditPostPage {
    pub chrome: Chrome,
    pub post_id: i64,
    pub post_number: i64,
    pub topic_title: String,
    pub back_url: String,
    /// The topic's title, editable with its first post.
    pub title: Option<String>,
    pub raw: String,
    pub errors: FormErrors,
}

pub struct CategoryFormView {
    pub name: String,
    pub slug: String,
    pub color: String,
    pub text_color: String,
    pub description: String,
    /// The category it sits under.
    pub parent: Option<i64>,
    /// Rows of (group name, `full` | `create_post` | `readonly`), with
    /// blank rows to add more.
    pub permissions: Vec<(String, String)>,
}

impl CategoryFormView {
    /// The two colour fields: (field, label, value).
    pub fn colours(&self, locale: crate::i18n::Locale) -> [(&'static str, String, String); 2] {
        [
            ("color", crate::i18n::t(locale, "admin-cat-colour"), self.color.clone()),
            ("text_color", crate::i18n::t(locale, "admin-cat-text-colour"), self.text_color.clone()),
        ]
    }
}

#[derive(Template)]
#[template(path = "admin_categories.html")]
pub struct AdminCategoriesPage {
    pub chrome: Chrome,
    pub categories: Vec<CategoryRow>,
    pub edit_links: Vec<String>,
    /// `None` while creating a new category.
    pub editing: Option<i64>,
    pub form: CategoryFormView,
    /// Categories it may sit under: (id, name).
    pub parents: Vec<(i64, String)>,
    /// Groups a category may be opened to: (name, label).
    pub groups: Vec<(String, String)>,
    pub errors: FormErrors,
    pub saved: bool,
    /// The first admin's first page.
    pub welcome: bool,
}

pub struct GroupRow {
    pub name: String,
    pub full_name: String,
    pub location: String,
}

#[derive(Template)]
#[template(path = "groups.html")]
pub struct GroupsPage {
    pub chrome: Chrome,
    pub groups: Vec<GroupRow>,
    pub can_create: bool,
    /// Who would own a new group unless they name others.
    pub creator: String,
}

#[derive(Template)]
#[template(path = "group.html")]
pub struct GroupPage {
    pub chrome: Chrome,
    pub id: i64,
    pub name: String,
    pub full_name: String,
    /// Cooked, safe HTML.
    pub bio: String,
    pub website: String,
    pub location: String,
    pub member_count: i64,
    pub see_members: bool,
    pub owners: Vec<(String, Avatar)>,
    pub members: Vec<(String, Avatar)>,
    pub posts: Vec<PostLink>,
    pub is_member: bool,
    pub can_join: bool,
    pub can_request: bool,
    /// A visitor could join (or ask to) once logged in.
    pub join_after_login: Option<&'static str>,
    pub can_manage: bool,
    pub requests: Vec<(i64, String)>,
}

pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub state: String,
    pub trust_level: i64,
    pub joined: String,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
pub struct AdminUsersPage {
    pub chrome: Chrome,
    pub flag: String,
    pub search: String,
    pub users: Vec<UserRow>,
}

#[derive(Template)]
#[template(path = "admin_user.html")]
pub struct AdminUserPage {
    pub chrome: Chrome,
    pub user: UserRow,
    pub admin: bool,
    pub moderator: bool,
    pub approved: bool,
    pub suspended: Option<String>,
    pub silenced: Option<String>,
    pub viewer_is_admin: bool,
    pub notice: Option<String>,
}

pub struct SettingRow {
    pub name: String,
    pub label: String,
    pub value: String,
    pub description: String,
    pub boolean: bool,
}

#[derive(Template)]
#[template(path = "admin_settings.html")]
pub struct AdminSettingsPage {
    pub chrome: Chrome,
    /// Settings by group, in order.
    pub groups: Vec<(String, Vec<SettingRow>)>,
    pub errors: FormErrors,
    pub saved: bool,
}

pub struct LogRow {
    pub action: String,
    pub by: String,
    pub target: String,
    pub details: String,
    pub when: Moment,
}

#[derive(Template)]
#[template(path = "admin_logs.html")]
pub struct AdminLogsPage {
    pub chrome: Chrome,
    pub rows: Vec<LogRow>,
}

pub struct ReviewRow {
    pub id: i64,
    /// What the item is, in words.
    pub kind: String,
    pub title: String,
    pub detail: String,
    /// The flagger's message, if any.
    pub reason: String,
    pub url: String,
    pub when: Moment,
    pub user_item: bool,
    /// A flagged post that is hidden now.
    pub hidden: bool,
}

#[derive(Template)]
#[template(path = "review.html")]
pub struct ReviewPage {
    pub chrome: Chrome,
    pub items: Vec<ReviewRow>,
}

#[derive(Template)]
#[template(path = "about.html")]
pub struct AboutPage {
    pub chrome: Chrome,
    pub description: String,
    pub admins: Vec<(String, Avatar)>,
    pub topics: i64,
    pub posts: i64,
    pub people: i64,
    pub version: &'static str,
}

#[derive(Template)]
#[template(path = "preferences.html")]
pub struct PreferencesPage {
    pub chrome: Chrome,
    pub username: String,
    pub name: String,
    pub bio_raw: String,
    pub location: String,
    pub website: String,
    pub timezone: String,
    /// `en`, `es`, or empty: as the browser asks.
    pub locale: String,
    pub theme: String,
    pub email: String,
    /// Time zone names offered while typing.
    pub zones: Vec<String>,
    /// Where this person is signed in.
    pub sessions: Vec<SessionView>,
    pub errors: FormErrors,
    pub notice: Option<String>,
}

/// A signed-in device in a person's list.
#[derive(Clone, Debug)]
pub struct SessionView {
    pub id: i64,
    pub device: String,
    pub ip: String,
    pub last_seen: Moment,
    pub current: bool,
}

/// One notification in a list.
pub struct NotificationItem {
    pub url: String,
    pub text: String,
    pub read: bool,
    pub when: Moment,
}

#[derive(Template)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    pub chrome: Chrome,
    pub items: Vec<NotificationItem>,
    /// Categories the person sees: (id, name, their level).
    pub categories: Vec<(i64, String, i64)>,
    /// The levels to choose from: (id, name).
    pub levels: Vec<(i64, String)>,
    pub more: Option<String>,
    pub username: String,
    /// The level a topic takes when they reply, and the choices.
    pub reply_level: i64,
    pub reply_levels: Vec<(i64, String)>,
    /// When notifications come by mail, and the choices.
    pub email_level: i64,
    pub email_levels: Vec<(i64, String)>,
    /// How often a summary comes (minutes), and the choices.
    pub digest_minutes: i64,
    pub digest_choices: Vec<(i64, String)>,
    /// Every post by mail.
    pub mailing_list_mode: bool,
}
