-- A topic's status (closed, archived, unlisted, pinned) and a post's lock
-- against its author's edits.
ALTER TABLE topics ADD COLUMN closed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE topics ADD COLUMN archived BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE topics ADD COLUMN visible BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE topics ADD COLUMN pinned_at BIGINT;
ALTER TABLE topics ADD COLUMN pinned_globally BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE topics ADD COLUMN pinned_until BIGINT;
ALTER TABLE posts ADD COLUMN locked BOOLEAN NOT NULL DEFAULT FALSE;
-- The latest posts across topics (`/posts.json`) and a post's replies.
CREATE INDEX posts_created ON posts(created_at DESC, id DESC);
CREATE INDEX posts_reply_to ON posts(topic_id, reply_to_post_number);
