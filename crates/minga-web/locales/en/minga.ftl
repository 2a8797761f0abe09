# minga's interface in English. Every message here has its twin in
# ../es/minga.ftl; the tests fail when one is missing.

## The frame of every page

nav-main = Main
nav-latest = Latest
nav-categories = Categories
nav-groups = Groups
nav-top = Top
nav-new-topic = New topic
nav-account = Account
nav-menu = Menu
nav-menu-of = — menu
nav-preferences = Preferences
nav-admin = Admin
nav-log-out = Log out
nav-sign-up = Sign up
nav-log-in = Log in
skip-to-content = Skip to the content
footer-powered = Powered by minga
footer-about = About this forum
footer-language = Language

## Lists of topics

heading-latest = Latest
heading-top = Top
list-topic = Topic
list-replies = Replies
list-views = Views
list-activity = Activity
list-empty = No topics yet.
list-start-first = Start the first one.
list-newer = ← Newer
list-older = Older →
list-pages = Pages
replies-count = { $count ->
    [one] { $count } reply
   *[other] { $count } replies
}
views-count = { $count ->
    [one] { $count } view
   *[other] { $count } views
}
topics-count = { $count ->
    [one] { $count } topic
   *[other] { $count } topics
}
posts-count = { $count ->
    [one] { $count } post
   *[other] { $count } posts
}

## Categories

categories-title = Categories
categories-manage = Manage categories
categories-empty = No categories yet.
subcategories-of = Subcategories of { $name }

## Logging in and signing up

login-title = Log in
login-name = Username or email
login-password = Password
login-submit = Log in
login-new-here = New here?
login-create-account = Create an account
signup-title = Sign up
signup-email = Email
signup-username = Username
signup-username-hint = 3–20 letters, digits, _ . or -
signup-name = Name
signup-optional = (optional)
signup-password = Password
signup-password-hint = At least 10 characters.
signup-honeypot = Leave this empty
signup-submit = Create account
signup-heading = Create your account
setup-heading = Create the first admin account
invite-heading = You are invited
signup-thanks = Thanks for signing up
signup-waiting = Your account is waiting for approval by staff. You can log in once it is approved.
signup-have-account = Have an account?

## A new topic

new-topic-title = New topic
new-topic-none = There is no category you can start a topic in yet.
new-topic-create-category = Create the first category.
new-topic-field-title = Title
new-topic-field-category = Category
new-topic-field-message = Message
new-topic-markdown = Markdown works: **bold**, _italic_, lists, > quotes, `code`.
new-topic-submit = Create topic


## Preferences

pref-language = Language
pref-language-browser = As my browser asks
pref-language-hint = The language of the forum's pages for you. Posts stay in the language they were written in.

## Errors

error-back = Back to the forum

error-title-not-found = Page not found
error-title-not-allowed = Not allowed
error-title-slow-down = Slow down
error-title-went-wrong = Something went wrong
error-title-did-not-work = That did not work

## Times

time-now = now
time-minutes = { $count } min
time-hours = { $count } h
time-days = { $count } d
category-uncategorized = Uncategorized
category-uncategorized-description = Topics that need no category of their own.
site-description = A forum for cooperatives
form-fields-need-attention = { $count ->
    [one] One field needs attention: its message is beside it.
   *[other] { $count } fields need attention: each message is beside its field.
}

## Notifications
nav-notifications = { $count ->
    [0] Notifications, none unread
   *[other] Notifications, { $count } unread
}
nav-notifications-many = Notifications, {"{"}count{"}"} unread
notifications-title = Notifications
notifications-all = All notifications
notifications-empty = Nothing yet. When someone mentions you, replies to you, or posts in a topic you watch, it shows here.
notifications-mark-all-read = Mark all read
notifications-unread = Unread
notifications-more = Older notifications
notifications-categories = Categories you follow
notifications-categories-help = Watching tells you of every post; watching first post, of each new topic; tracking counts what you have not read; muted tells you of nothing there.
notifications-save = Save
notifications-replying = When you reply
notifications-replying-label = Set the topic to
notifications-replying-help = A topic you reply to takes this level, unless you chose one for it before.
notifications-mail = Mail
notifications-mail-label = Send notifications by mail
notifications-mail-help = Mentions, replies, quotes and posts in watched topics come by mail, each post in its own mail.
email-level-away = Only when I have not seen them on the site
email-level-always = Always
email-level-never = Never
notifications-list-label = Mailing-list mode
notifications-list-off = Off: only what I follow
notifications-list-on = On: every post by mail
notifications-list-help = In mailing-list mode every new post you may see comes by mail, one mail each, and answering a mail posts a reply. To follow only some categories this way, watch them and choose mail always.
notification-mentioned = { $username } mentioned you in “{ $title }”
notification-replied = { $username } replied to you in “{ $title }”
notification-quoted = { $username } quoted you in “{ $title }”
notification-edited = { $username } edited your post in “{ $title }”
notification-invitee-accepted = { $username } accepted your invitation
notification-posted = { $username } posted in “{ $title }”
notification-linked = { $username } linked to your post from “{ $title }”
notification-group-mentioned = { $username } mentioned @{ $group } in “{ $title }”
notification-watching-first-post = { $username } started “{ $title }”
notification-post-approved = Your post in “{ $title }” was approved
notification-other = Something new in “{ $title }”
notification-posts = { $count ->
    [one] 1 new post
   *[other] { $count } new posts
} in “{ $title }”
notification-replies = { $count ->
    [one] 1 reply
   *[other] { $count } replies
}
level-watching = Watching
level-watching-first-post = Watching first post
level-tracking = Tracking
level-regular = Normal
level-muted = Muted
topic-level = Notifications for this topic
live-new-topic = 1 new topic — show
live-new-topics = {"{"}count{"}"} new topics — show
nav-new = New topics
nav-unread = Unread
heading-new = New topics
heading-unread = Unread
list-dismiss = Dismiss all
list-new-topic = new
list-unread-posts = { $count ->
    [one] { $count } unread post
   *[other] { $count } unread posts
}
notification-invited-to-topic = { $username } invited you to “{ $title }”
