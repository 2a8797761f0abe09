-- A topic's status (closed, archived, unlisted, pinned) and a post's lock
-- against its author's edits.
ALTER TABLE topics ADD COLUMN closed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE topics ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
ALTER TABLE topics ADD COLUMN visible INTEGER NOT NULL DEFAULT 1;
ALTER TABLE topics ADD COLUMN pinned_at BIGINT;
ALTER TABLE topics ADD COLUMN pinned_globally INTEGER NOT NULL DEFAULT 0;
ALTER TABLE topics ADD COLUMN pinned_until BIGINT;
ALTER TABLE posts ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;
-- The latest posts across topics (`/posts.json`) and a post's replies.
CREATE INDEX posts_created ON posts(created_at DESC, id DESC);
CREATE INDEX posts_reply_to ON posts(topic_id, reply_to_post_number);
