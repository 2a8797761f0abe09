# Mail the forum sends, and the pages its links lead to.

mail-footer = Sent by { $site }.
mail-link-expires = { $count ->
    [one] The link works once, within the next hour.
   *[other] The link works once, within the next { $count } hours.
}

mail-signup-subject = Confirm your new account on { $site }
mail-signup-body = Welcome to { $site }! To finish signing up as { $username }, confirm that this address is yours.
mail-signup-action = Confirm my address
mail-signup-ignore = If you did not sign up, ignore this mail: the account stays inactive.

mail-reset-subject = Choose a new password for { $site }
mail-reset-body = Someone asked to reset the password of the account { $username } on { $site }.
mail-reset-action = Choose a new password
mail-reset-ignore = If it was not you, ignore this mail: the password stays as it is.

mail-email-subject = Confirm your new address for { $site }
mail-email-body = The account { $username } on { $site } asked to use this address from now on.
mail-email-action = Confirm this address
mail-email-ignore = If it was not you, ignore this mail: nothing changes.

mail-invite-subject = { $inviter } invited you to { $site }
mail-invite-body = { $inviter } invited you to join { $site }.
mail-invite-action = Accept the invitation

mail-test-subject = Test mail from { $site }
mail-test-body = This mail was sent from the admin page of { $site } to check that mail leaves the forum.

# Pages

signup-done-confirm = A mail is on its way to { $email }. Follow its link to activate the account.
activate-title = Account activated
activate-done = The address is confirmed and the account is active. Welcome!
activate-resend = Send the activation mail again
activate-resent = If that account is waiting for its address to be confirmed, a new mail is on its way.
forgot-title = Forgot your password?
forgot-help = Enter your username or e-mail address. If an account uses it, a mail with a link to choose a new password is sent to its address.
forgot-login = Username or e-mail
forgot-submit = Send the link
forgot-sent = If an account matches, a mail with a link to choose a new password is on its way to its address.
forgot-link = Forgot your password?
reset-title = Choose a new password
reset-for = For the account { $username }.
reset-submit = Save the password
reset-done = The new password is saved. Every other session of the account was ended.
email-confirm-title = Address confirmed
email-confirm-done = The account now uses { $email }.
email-change-sent = A mail is on its way to { $email }. The address changes once its link is followed.

# Notification mail

mail-note-subject = [{ $site }] { $title }
mail-note-mentioned = { $author } mentioned you in “{ $title }”:
mail-note-group-mentioned = { $author } mentioned a group you belong to in “{ $title }”:
mail-note-replied = { $author } replied to your post in “{ $title }”:
mail-note-quoted = { $author } quoted your post in “{ $title }”:
mail-note-posted = { $author } posted in “{ $title }”, a topic you watch:
mail-note-action = Read it on the site
mail-note-why = This mail follows your mail preferences; they can be changed at { $url }.
unsubscribe-title = Stop notification mail
unsubscribe-ask = Stop sending notification mail to { $email }?
unsubscribe-submit = Stop notification mail
unsubscribe-done = No more notification mail goes to { $email }. Mail can be turned on again in the preferences.

# Summaries

mail-digest-subject = [{ $site }] What is new
mail-digest-intro = { $count ->
    [one] One topic has posts you have not read since your last visit:
   *[other] { $count } topics have posts you have not read since your last visit:
}
mail-digest-topic = { $title } ({ $category }): { $count ->
    [one] 1 new post
   *[other] { $count } new posts
}
mail-digest-action = Visit the forum
mail-digest-why = This summary comes while you are away; how often can be changed, or turned off, at { $url }.
digest-never = Never
digest-daily = Daily
digest-weekly = Weekly
notifications-digest-label = A summary by mail while I am away
unsubscribe-digest-done = No more summaries go to { $email }. They can be turned on again in the preferences.
