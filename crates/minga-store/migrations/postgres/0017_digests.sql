-- Summaries by mail: how often (Discourse's digest_after_minutes: a week
-- unless the person chose; 0 never), and when the last one was queued.
ALTER TABLE users ADD COLUMN digest_after_minutes BIGINT NOT NULL DEFAULT 10080;
ALTER TABLE users ADD COLUMN last_digest_at BIGINT;
