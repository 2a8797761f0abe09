-- Replies and watched posts fold into one notification per person and
-- topic, counting the posts ("3 new posts"), as Discourse's do; and a
-- person chooses the level a topic takes when they reply to it.
ALTER TABLE notifications ADD COLUMN replies BIGINT NOT NULL DEFAULT 1;
CREATE INDEX notifications_topic ON notifications(topic_id, user_id);
ALTER TABLE users ADD COLUMN notification_level_when_replying BIGINT NOT NULL DEFAULT 2;
