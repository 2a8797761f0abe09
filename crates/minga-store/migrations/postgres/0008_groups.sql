-- Group settings Discourse clients send and read (flair, levels, the
-- e-mail domains whose sign-ups join the group), and invites that carry
-- a description, a message and the topic they lead to.
ALTER TABLE groups ADD COLUMN flair_icon TEXT NOT NULL DEFAULT '';
ALTER TABLE groups ADD COLUMN flair_bg_color TEXT NOT NULL DEFAULT '';
ALTER TABLE groups ADD COLUMN flair_color TEXT NOT NULL DEFAULT '';
ALTER TABLE groups ADD COLUMN grant_trust_level BIGINT;
ALTER TABLE groups ADD COLUMN public_exit BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE groups ADD COLUMN membership_request_template TEXT NOT NULL DEFAULT '';
ALTER TABLE groups ADD COLUMN messageable_level BIGINT NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN mentionable_level BIGINT NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN automatic_membership_email_domains TEXT NOT NULL DEFAULT '';
ALTER TABLE groups ADD COLUMN default_notification_level BIGINT NOT NULL DEFAULT 3;

ALTER TABLE invites ADD COLUMN topic_id BIGINT REFERENCES topics(id) ON DELETE SET NULL;
ALTER TABLE invites ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE invites ADD COLUMN custom_message TEXT NOT NULL DEFAULT '';
