# Errors: on forms beside their fields, on error pages, and in the API's
# {"errors": [...]}.

## Requests

error-not-found = The requested URL or resource could not be found.
error-not-logged-in = You need to be logged in to do that.
error-not-permitted = You are not permitted to view the requested resource.
error-rate-limited = You’ve performed this action too many times. Please wait { $count ->
    [one] 1 second
   *[other] { $count } seconds
} before trying again.
time-seconds = { $count ->
    [one] 1 second
   *[other] { $count } seconds
}
error-busy = The forum is very busy right now. Please try again in a moment.
error-internal = Something went wrong on our side.
# Discourse's clients look for these exact words to fetch a new token.
error-bad-csrf = BAD CSRF
error-path-not-utf8 = This address is not valid: it is not UTF-8 text.
error-method = This address does not take that kind of request.
error-too-large = The request is too large.
error-not-understood = That request could not be understood.
error-body-unreadable = The request body is too large or unreadable.
error-json-not-object = The JSON body must be an object.
error-malformed-json = Malformed JSON: { $detail }
error-malformed-multipart = Malformed multipart body: { $detail }
error-malformed-query = Malformed query string: { $detail }
error-form-name-not-utf8 = Malformed form data: a field name is not valid UTF-8.
error-field-not-utf8 = The field { $field } is not valid UTF-8.
error-field-text = The field { $field } must be text.
error-field-integer = The field { $field } must be a whole number.
error-field-invalid = The field { $field } is not valid: { $detail }.
error-params = The request’s parameters are not as expected: { $detail }.
error-param-missing = The parameter { $field } is missing or empty.
error-field-line = { $field } must be at most { $max } characters, on one line.
error-page-number = The page must be a whole number, 0 or more.
error-timestamp = Give the time in seconds since 1970.
error-filter = The filter is not valid: give action types such as 4,5.
error-period = The period is one of daily, weekly, monthly, quarterly, yearly or all.
error-too-long = Keep this under { $max } characters.
error-taken = { $field ->
    [email_in] Another category uses that address.
    [username] That username is already taken.
    [email] Another account uses that e-mail address.
    [slug] Another category uses that slug.
    [name] That name is already taken.
   *[other] That is already taken.
}
error-missing = { $field ->
    [category] That category does not exist.
    [topic_id] That topic does not exist.
    [reply_to_post_number] The post you are replying to does not exist.
    [group] That group does not exist.
    [user] That person does not exist.
   *[other] That does not exist.
}

## Accounts

error-username-short = Username must be at least { $min } characters.
error-username-long = Username must be at most { $max } characters.
error-username-characters = Username may only contain letters, digits, and _ . -
error-username-start = Username must begin with a letter, a digit or an underscore.
error-username-suffix = Username must not end with a file suffix such as .json.
error-email-invalid = Email is not a valid address.
error-password-short = Password must be at least { $min } characters.
error-password-long = Password must be at most { $max } characters.
error-password-username = Password must not be your username.
error-passwords-differ = The two new passwords differ.
error-current-password = That is not your current password.
error-name-long = Name must be at most { $max } characters.
error-locale = minga speaks English (en) and Spanish (es).
error-theme = Colours are light, dark, or blank to follow the device.
error-website = A website starts with https://.
error-timezone = That is not a time zone: give a name such as Europe/London or America/Argentina/Buenos_Aires.
error-primary-group = You can only show a group you belong to.
error-others-preferences = These are someone else’s preferences.
error-registrations-closed = New registrations are not allowed. Ask a member for an invite.
error-signup-check = We could not create your account: the sign-up check failed. Please reload and try again.
error-signup-retry = We could not create your account. Please try again.
error-login-missing = Enter your username or email and your password.
error-login-incorrect = Incorrect username, email or password
error-login-not-approved = Your account is waiting for approval. You can log in once staff have approved it.
error-login-not-active = Your account is not active. Ask the forum’s staff to activate it.
error-login-suspended = Your account is suspended until { $date }.
error-login-suspended-reason = Your account is suspended until { $date }. Reason: { $reason }
error-silenced = You have been silenced: you can read, but not post.

## Topics and posts

error-title-empty = Title can’t be empty.
error-title-short = Title must be at least { $min } characters.
error-title-long = Title must be at most { $max } characters.
error-body-empty = Body can’t be empty.
error-body-short = Body must be at least { $min } characters.
error-body-long = Body must be at most { $max } characters.
error-category-missing = That category does not exist.
error-category-choose = Choose a category.
error-category-uncategorized = Choose a category: Uncategorized is kept for topics staff move there.
error-may-not-start = You may not start topics in { $category }.
error-may-not-reply = You may not reply in { $category }.
error-may-not-post-category = You may not post in that category.
error-topic-archived = This topic is archived: it takes no more replies.
error-topic-closed = This topic is closed: it takes no more replies.
error-archived-no-edit = This topic is archived: its posts can no longer be edited.
error-post-locked = Staff have locked this post against edits.
error-may-not-edit-post = You are not allowed to edit this post.
error-may-not-delete-post = You are not allowed to delete this post.
error-may-not-delete-topic = You are not allowed to delete this topic.
error-may-not-edit-topic = You are not allowed to edit this topic.
error-staff-status = Only staff can change a topic’s status.
error-staff-timestamp = Only staff can change a topic’s date.
error-staff-lock = Only staff can lock posts.
error-new-user-links = Sorry, new users can only put { $count } links in a post.
error-new-user-mentions = Sorry, new users can only mention { $count } people in a post.
error-flag-type = Flags are 3 off-topic, 4 inappropriate, 7 something else or 8 spam.
error-flag-own = You cannot flag your own post.
error-flag-message = Say what staff should look at: this flag needs a message.
error-flag-twice = You have already flagged this post.
error-which-post = Which post?

## Categories

error-name-empty = Name can’t be empty.
error-slug = Slug must be lower-case letters, digits and hyphens, and not only digits.
error-colour = Colour must be six hex digits, such as 0088CC.
error-description-long = Description must be at most { $max } characters.
error-parent-self = A category cannot be its own parent.
error-parent-nested = That category is itself a subcategory: categories nest one level deep.
error-parent-has-children = This category has subcategories of its own, so it stays at the top.
error-parent-uncategorized = Uncategorized neither holds subcategories nor sits under another category.
error-parent-missing = That parent category does not exist.
error-admins-categories = Only admins can manage categories.
error-no-group = There is no group named { $name }.
error-permission-level = The permission for { $name } must be 1, 2 or 3.
error-permission-line = “{ $line }” should look like “everyone: full”.
error-permissions-shape = The permissions must map group names to 1, 2 or 3.
error-permissions-empty = A category needs at least one group that can see it.

## Groups

error-group-name = Group names are 3 to 20 letters, digits, _ . or -, beginning with a letter, a digit or _, and not ending like a file (.json).
error-group-name-person = That name is taken by a person.
error-group-members-hidden = You may not see this group’s members.
error-group-owners-add = Only the group’s owners and staff add members.
error-group-owners-remove = Only the group’s owners and staff remove members.
error-group-owners-requests = Only the group’s owners and staff handle requests.
error-group-owners-change = Only the group’s owners and staff change it.
error-group-not-open = This group is not open to join.
error-group-no-requests = This group does not take membership requests.
error-group-automatic = Automatic groups cannot be deleted.
error-group-leave = Ask the group’s owners to remove you.
error-group-visibility = Visibility levels run from 0 (everyone) to 4 (owners).
error-group-levels = Levels are 0 nobody, 1 admins, 2 staff, 3 members, 4 owners or 99 everyone.
error-group-colour = A colour is three or six hex digits.
error-join-mode = Join mode is 0 open, 1 request, 2 invite only or 3 closed.
error-trust-level = Trust levels run from 0 to 4.
error-email-domains = List domains such as example.org, separated by |.
error-notification-level = Notification levels run from 0 (muted) to 3 (watching).
error-people-max = Name at most { $count } people at a time.
error-people-missing = Some of those people do not exist.
error-name-someone = Name at least one person.
error-which-request = Which request?

## Invites

error-invite-trust = You need trust level 2 to invite people.
error-invite-redemptions = An invite is used 1 to 100 times (once when bound to an e-mail).
error-invite-email-once = An invite bound to an e-mail is used once.
error-invite-groups-owned = You may only invite people into groups you own.
error-invite-private-topic = That topic is in a private category: invite them into a group that can see it, or they will land on nothing.
error-invite-staff-batch = Only staff invite many people at once.
error-invite-list-empty = List the e-mail addresses to invite.
error-invite-batch-max = Invite at most { $count } addresses at once.
error-invite-expired = This invite has expired. Ask for a new one.
error-invite-used = This invite has already been used.
error-invite-unknown-id = There is no such invite of yours.
error-invite-spent = This invite has expired or has already been used.
error-invite-other-email = This invite was sent to another e-mail address.

## Staff

error-admins-staff = Only admins change who is staff.
error-not-to-this-account = You cannot do that to this account.
error-date-format = Give a date such as 2026-12-31.
error-date-future = The date must be in the future.
error-suspend-reason = Give a reason for the suspension.
error-delete-has-posts = This person has posts, and minga does not delete posts with their author: anonymize them instead.
error-reviewed = This item has already been reviewed.
error-review-action = That action does not apply to this item.
error-setting-bool = Give true or false.
error-setting-domain = { $value } is not a domain.
error-setting-positive = Give a whole number above 0.
error-setting-minutes = Enter a whole number of minutes from 0 to { $max }.
error-locale-setting = { $value } is not a language minga speaks: en or es.
error-setting-redirect = { $value } is not an address such as discourse://auth_redirect.
error-setting-unknown = There is no setting named { $name }.
error-setting-value-missing = Send the new value as the field { $name }.

## The API and applications

error-api-key-user = This API key does not belong to that user.
error-api-account = This account cannot use the API now.
error-api-scope = This application’s key does not allow that: it was not given the scope for it.
error-api-key-invalid = You are not permitted to view the requested resource. The API key is invalid.
error-scope-not-offered = This forum does not offer the scope { $name }.
error-scope-unknown = There is no scope named { $name }.
error-scope-none = Ask for at least one scope: read, write or session_info.
error-padding = This forum encrypts with PKCS#1 v1.5 padding only, not { $padding }.
error-public-key = public_key must be an RSA public key in PEM form, of 2048 bits or more.
error-auth-redirect = auth_redirect is not an address this forum sends keys to (see the allowed_user_api_auth_redirects setting).
error-nonce = The nonce is too long for this public key.
error-which-key = Say which key to revoke (id).
error-notification-level-choose = Choose a notification level: watching, tracking, normal or muted.
error-reply-level = Choose what a topic you reply to is set to: watching, tracking or normal.
error-bulk-operation = The only bulk operation here is dismiss_posts.
error-bulk-filter = Dismiss unread topics with filter=unread, or name them in topic_ids.
error-timings-topic = Say which topic was read (topic_id).
error-timings-posts = Say which posts were read (timings, by post number).
error-may-not-invite = You need trust level 2 to invite people to a topic.
error-invite-whom = Say whom to invite (user).
error-invite-no-account = Nobody here is called { $name }. To invite someone new, send an invite with the topic.
error-invite-yourself = You are already here.
error-invite-cannot-see = { $name } may not read this topic.

## Links sent by mail

error-token-unknown = That link is not valid, or it was used already.
error-token-expired = That link has expired. Ask for a new one.
error-no-relay = No mail relay is configured: the message waits in the outbox.
error-email-undeliverable = Mail cannot be sent to that address: { $detail }
error-email-level = Choose always, only_when_away or never (0, 1 or 2).
error-digest-minutes = Choose 0 (never), or a number of minutes from 60 to 43200.
