# Staff pages and preferences, in English. Twins in ../es/admin.ftl.

## Staff pages: the menu (admin_nav.html) and what they share

admin-nav-people = People
admin-nav-settings = Settings
admin-nav-review = Review queue
admin-nav-staff-log = Staff log
admin-nav-email = Mail
admin-saved = Saved.

## Categories (admin_categories.html)

admin-cat-title = Categories · Admin
admin-cat-heading = Admin · Categories
admin-cat-welcome = Your admin account is ready. Start with a category or two: every topic lives in one. Then look at the settings, and invite people.
admin-cat-existing = Existing
admin-cat-edit = Edit
admin-cat-edit-heading = Edit category
admin-cat-new-heading = New category
admin-cat-name = Name
admin-cat-slug = Slug
admin-cat-slug-hint = (blank: made from the name)
admin-cat-colour-pick = { $name }: pick
admin-cat-colour-hex = { $name }: six hex digits
admin-cat-colour-hint = Pick it, or type six hex digits such as 0088CC.
admin-cat-parent = Sits under
admin-cat-parent-none = (nothing: a top-level category)
admin-cat-description = Description
admin-cat-permissions = Who may see and post
admin-cat-perm-group = Group { $count }
admin-cat-perm-no-group = (no group)
admin-cat-perm-level = What group { $count } may do
admin-cat-perm-full = Start topics, reply and read
admin-cat-perm-reply = Reply and read
admin-cat-perm-read = Read only
admin-cat-perm-hint = Without Everyone, the category and all in it are visible only to the groups listed (and admins). Save to get more rows.
admin-cat-save = Save category
admin-cat-new-instead = New category instead

## The staff log (admin_logs.html)

admin-logs-title = Staff log · Admin
admin-logs-heading = Admin · Staff log
admin-logs-action = Action
admin-logs-by = By
admin-logs-person = Person
admin-logs-details = Details
admin-logs-when = When
admin-logs-empty = Nothing logged yet.

## Site settings (admin_settings.html)

admin-settings-title = Settings · Admin
admin-settings-heading = Admin · Site settings
admin-settings-save = Save settings

## One person (admin_user.html)

admin-user-title = { $user } · Admin
admin-user-heading = Admin · { $user }
admin-user-trust-level = trust level { $count }
# Followed by a date.
admin-user-joined = joined
admin-user-admin = admin
admin-user-moderator = moderator
# Followed by a date.
admin-user-suspended-until = Suspended until
# Followed by a date.
admin-user-silenced-until = Silenced until
admin-user-approve = Approve
admin-user-suspend-until = Suspend until (YYYY-MM-DD)
admin-user-reason = Reason
admin-user-unsuspend = Unsuspend
admin-user-suspend = Suspend
admin-user-silence-until = Silence until (YYYY-MM-DD)
admin-user-unsilence = Unsilence
admin-user-silence = Silence
admin-user-trust-level-label = Trust level
admin-user-set-trust-level = Set trust level
admin-user-revoke-moderation = Revoke moderation
admin-user-make-moderator = Make moderator
admin-user-revoke-admin = Revoke admin
admin-user-make-admin = Make admin

## People (admin_users.html)

admin-users-title = People · Admin
admin-users-heading = Admin · People
admin-users-show = Show
admin-users-active = Active
admin-users-new = New (trust level 0)
admin-users-staff = Staff
admin-users-suspended = Suspended
admin-users-silenced = Silenced
admin-users-pending = Waiting for approval
admin-users-filter = Name or e-mail
admin-users-person = Person
admin-users-email = Email
admin-users-state = State
admin-users-trust = Trust
admin-users-joined = Joined
admin-users-empty = Nobody here.

## The review queue (review.html)

review-title = Review queue
review-empty = Nothing waits for review.
review-flagger-wrote = The flagger wrote:
review-post-hidden = The post is hidden from readers until you decide.
review-post-visible = The post is still visible to readers.
review-approve = Approve
review-reason = Reason
review-reject = Reject
review-keep-hidden = Keep it hidden
review-show-again = Show it again
review-hide = Hide the post
review-keep-visible = Keep it visible

## Preferences (preferences.html)

prefs-title = Preferences
prefs-heading = Your preferences
prefs-see-profile = See your profile
prefs-applications = Applications
prefs-profile = Profile
prefs-name = Name
prefs-about = About you
prefs-about-hint = Markdown works, as in posts.
prefs-location = Location
prefs-website = Website
prefs-timezone = Time zone
prefs-timezone-hint = Times on the forum are shown in it, e.g. Europe/London or America/Argentina/Buenos_Aires. Blank: UTC.
prefs-save-profile = Save profile
prefs-email-heading = E-mail address
prefs-email = E-mail
prefs-current-password = Your current password
prefs-change-email = Change e-mail
prefs-password-heading = Password
prefs-new-password = New password
prefs-new-password-again = New password again
prefs-change-password = Change password
prefs-devices = Where you are logged in
prefs-this-device = this device
# Followed by a time.
prefs-last-used = last used
prefs-log-out-device = Log out { $name }
prefs-log-out-elsewhere = Log out everywhere else

## Site settings

setting-group-read = Who can read
setting-group-join = Who can join
setting-group-applications = Applications
setting-group-language = Language
setting-default_locale = Default language
setting-default_locale-help = The language for visitors whose browser asks for none minga speaks: en (English) or es (Spanish). Each person may choose their own.
setting-login_required = Only members can read
setting-login_required-help = Visitors who are not logged in see only the log-in and sign-up pages, nothing of the forum.
setting-allow_new_registrations = Anyone can sign up
setting-allow_new_registrations-help = When off, nobody can create an account from the sign-up page; staff still can.
setting-invite_only = Invites only
setting-invite_only-help = New people join only through an invite link from staff or a trusted member.
setting-must_approve_users = Approve new accounts
setting-must_approve_users-help = Staff approve every new account in the review queue before it can log in.
setting-must_confirm_email = Confirm addresses by mail
setting-must_confirm_email-help = A new account works once its owner follows the link mailed to its address. Accounts made by staff or through an invite sent by mail skip it.
setting-group-email = Mail
setting-email_time_window_mins = Wait before notification mail (minutes)
setting-email_time_window_mins-help = A notification's mail waits this long, and is not sent if its reader reads the post on the site meanwhile (for people who get mail only when away). 0 sends at once.
setting-auto_approve_email_domains = E-mail domains that skip approval
setting-auto_approve_email_domains-help = Sign-ups from these domains need no approval, e.g. facttic.example | camba.example (separated by | or spaces).
setting-allowed_user_api_auth_redirects = Applications that may ask for keys
setting-allowed_user_api_auth_redirects-help = Addresses an application may be sent back to after someone authorises it, separated by |; * matches anything, e.g. discourse://auth_redirect | https://reader.example/*
setting-max_user_api_reqs_per_minute = Requests per minute for each application
setting-max_user_api_reqs_per_minute-help = How many requests an authorised application may make with its key in a minute.
setting-max_user_api_reqs_per_day = Requests per day for each application
setting-max_user_api_reqs_per_day-help = How many requests an authorised application may make with its key in a day.

## People's states and group names, as staff pages show them

admin-state-pending = waiting for approval
admin-state-deactivated = deactivated
admin-state-suspended = suspended
admin-state-silenced = silenced
admin-state-active = active
group-label-trust-level = Trust level { $level } and up
group-label-everyone = Everyone
group-label-admins = Admins
group-label-moderators = Moderators
group-label-staff = Staff
admin-cat-colour = Colour
admin-cat-text-colour = Text colour

## What preferences say once saved

prefs-saved-profile = Your profile is saved.
prefs-saved-email = Your e-mail address is changed.
prefs-email-sent = A mail with a link is on its way to the new address. The address changes once the link is followed.
prefs-saved-password = Your password is changed; you were logged out everywhere else.
prefs-saved-sessions = Logged out.

## What a staff action did

admin-done-approved = Approved.
admin-done-suspended = Suspended.
admin-done-unsuspended = Unsuspended.
admin-done-silenced = Silenced.
admin-done-unsilenced = Unsilenced.
admin-done-saved = Saved.
admin-done-trust-level = Trust level saved.
admin-done-activated = Activated.
admin-done-deactivated = Deactivated: their sessions have ended.
admin-done-logged-out = Logged out everywhere.
admin-done-anonymized = Anonymized.
review-action-approve = Approve
review-action-reject = Reject and delete
review-action-agree-keep = Agree and keep hidden
review-action-disagree-show = Disagree and show it
review-action-agree-hide = Agree and hide
review-action-disagree-keep = Disagree and keep it visible

## The staff log's actions

staff-action-approve_user = approved a person
staff-action-reject_user = rejected a person
staff-action-agree_flag = agreed with a flag
staff-action-disagree_flag = disagreed with a flag
staff-action-suspend_user = suspended
staff-action-unsuspend_user = unsuspended
staff-action-silence_user = silenced
staff-action-unsilence_user = unsilenced
staff-action-change_admin = changed admin
staff-action-change_moderator = changed moderator
staff-action-change_trust_level = changed trust level
staff-action-earn_trust_level = earned a trust level
staff-action-activate_user = activated
staff-action-deactivate_user = deactivated
staff-action-log_out_user = logged out everywhere
staff-action-anonymize_user = anonymized
staff-action-delete_user = deleted a person
staff-action-change_username = changed username
staff-action-change_site_setting = changed a setting
staff-action-create_group = created a group
staff-action-delete_group = deleted a group
staff-action-add_group_member = added to a group
staff-action-remove_group_member = removed from a group

# Mail
admin-email-title = Mail
admin-email-relay = Mail goes to the relay in the configuration, from { $from }.
admin-email-no-relay = No mail relay is configured (smtp_url): mail waits in the outbox and is sent once one is.
admin-email-counts = Waiting: { $waiting }. Sent: { $sent }. Failed: { $failed }. Not needed any more: { $skipped }.
admin-email-failed-line = Failed: { $kind } to { $to }: { $error }
admin-email-test-to = Send a test mail to
admin-email-test = Send a test mail
admin-email-test-queued = The test mail is in the outbox.
admin-email-retry = Try failed and waiting mail again now
