# Topics, posts, people and groups, in English. Twins in ../es/pages.ftl.

## A topic and its posts

topic-post-deleted = (post #{ $number } deleted)
topic-replying-to = replying to #{ $number }
topic-replying-to-heading = Replying to #{ $number }
topic-edited = edited
topic-reply = Reply
topic-flag = Flag
topic-flag-why = Why?
topic-flag-off-topic = Off-topic
topic-flag-inappropriate = Inappropriate
topic-flag-spam = Spam
topic-flag-something-else = Something else
topic-flag-message = Message for staff (needed for “Something else”)
topic-flag-submit = Flag post
topic-edit = Edit
topic-delete = Delete
topic-your-reply = Your reply
topic-or = or
topic-sign-up = sign up
topic-to-reply = to reply.

## Editing a post

post-edit-title = Edit post
post-edit-heading = Edit post #{ $number } in
post-field-title = Title
post-field-message = Message
post-save = Save
post-cancel = Cancel

## A person's page

user-member-of = Member of
user-and = and
user-joined = Joined
user-topics = Topics
user-posts = Posts
user-no-posts = No posts yet.

## About the forum

about-title = About
about-heading = About { $site }
about-people-count = { $count ->
    [one] { $count } person
   *[other] { $count } people
}
about-run-by = Run by
about-no-admin = No admin yet.

## Groups

groups-title = Groups
groups-empty = No groups yet.
groups-new = New group
groups-field-name = Name (for mentions and links)
groups-field-full-name = Full name
groups-field-about = About
groups-field-visibility = Who can see the group
groups-visibility-everyone = Everyone
groups-visibility-logged-in = Logged-in people
groups-visibility-members = Members
groups-visibility-staff = Staff
groups-visibility-owners = Owners
groups-field-join-mode = How people join
groups-join-open = Anyone can join
groups-join-request = Ask to join
groups-join-invite = By invite
groups-join-closed = Closed
groups-field-owners = Owners (usernames, comma separated)
groups-owners-hint = Owners add and remove members. Left blank, you own the group.
groups-create = Create group

## A group

group-members-count = { $count ->
    [one] { $count } member
   *[other] { $count } members
}
group-leave = Leave
group-join = Join
# $how is "join" or "ask to join".
group-after-log-in = to { $how } this group.
group-request-reason = Why would you like to join?
group-ask-to-join = Ask to join
group-members = Members
group-members-hidden = Only some people can see who is in this group.
group-owner = owner
group-add-members = Add members (usernames, comma separated)
group-add = Add
group-asks-to-join = asks to join
group-accept = Accept
group-decline = Decline
group-recent-posts = Recent posts
group-nothing = Nothing to show.

## Authorising an application

apikey-title = Authorise { $app }
apikey-authorised = { $app } is authorised
apikey-copy = Copy this text and give it to { $app } to finish connecting it to your account.
apikey-text-for = Text for { $app }
apikey-your-apps = Your authorised applications
apikey-question = Authorise { $app }?
apikey-asks = asks to use your account. It will be able to:
apikey-revoke-hint = You can revoke this at any time from your preferences.
apikey-authorise = Authorise
apikey-cancel = Cancel

## The applications a person authorised

apikey-apps-title = Applications
apikey-your-preferences = Your preferences
apikey-apps-heading = Applications you authorised
apikey-apps-none = None. Applications such as Discourse's mobile app ask here before they use your account.
apikey-authorised-when = authorised
apikey-last-used = last used
apikey-revoke = Revoke
apikey-revoke-app = Revoke { $app }

## What a topic page says of its state, and the review queue's items

topic-status-archived = This topic is archived: it takes no replies or edits.
topic-status-closed = This topic is closed: it takes no new replies.
topic-status-unlisted = This topic is unlisted: it is left out of topic lists.
topic-status-pinned-everywhere = This topic is pinned everywhere.
topic-status-pinned-category = This topic is pinned in its category.
topic-status-pinned-everywhere-until = This topic is pinned everywhere until { $date }.
topic-status-pinned-category-until = This topic is pinned in its category until { $date }.
review-wants-to-join = { $user } wants to join
review-removed-account = A removed account
review-flagged-post = Flagged post #{ $number }
review-flagged-post-in = Flagged post #{ $number } in “{ $title }”
review-deleted-post = A deleted post
review-kind-account = A new account waiting for approval
review-kind-flag = A post flagged for staff

## Words the code puts together

signup-done-active = Your account is active and ready to use.
signup-done-waiting = Your account is waiting for approval by staff.
device-on = { $browser } on { $system }
device-unknown = Unknown device
flag-thanks = Thank you: you flagged post #{ $number }, and staff will review it.
flag-thanks-hidden = Thank you: you flagged post #{ $number }, and staff will review it. It is hidden until they do.
apps-instructions = Copy this text and give it to { $application } to finish connecting it to your account.
apps-revoked = The application can no longer use your account.
apps-restored = The application can use your account again.
scope-read = Read everything you can read
scope-write = Post, edit and act as you
scope-session-info = See your username, profile and the latest topics
pref-theme = Colours
pref-theme-device = As the device prefers
pref-theme-light = Light
pref-theme-dark = Dark
