-- Telling people: notifications with Discourse's types, how closely each
-- person follows a topic or a category, and the queue of posts whose
-- notifications are still to be written (filled in the transaction that
-- stores the post, emptied in the one that writes its notifications).
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    notification_type INTEGER NOT NULL,
    topic_id INTEGER REFERENCES topics(id) ON DELETE CASCADE,
    post_number INTEGER,
    post_id INTEGER REFERENCES posts(id) ON DELETE CASCADE,
    actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    data TEXT NOT NULL DEFAULT '',
    read INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id, topic_id, post_number) WHERE NOT read;
CREATE UNIQUE INDEX notifications_once ON notifications(user_id, post_id, notification_type);

ALTER TABLE users ADD COLUMN unread_notifications INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN seen_notification_id INTEGER NOT NULL DEFAULT 0;
-- Topics started before this are not new to them ("dismiss new").
ALTER TABLE users ADD COLUMN new_since INTEGER NOT NULL DEFAULT 0;

-- NULL: the level follows the category's (regular when none is set).
ALTER TABLE topic_users ADD COLUMN notification_level INTEGER;
CREATE INDEX topic_users_level ON topic_users(topic_id, notification_level) WHERE notification_level IS NOT NULL;

CREATE TABLE category_users (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
    notification_level INTEGER NOT NULL,
    PRIMARY KEY (user_id, category_id)
);
CREATE INDEX category_users_category ON category_users(category_id, notification_level);

CREATE TABLE notification_jobs (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    actor_id INTEGER NOT NULL,
    mentions TEXT NOT NULL DEFAULT '',
    group_mentions TEXT NOT NULL DEFAULT '',
    quoted TEXT NOT NULL DEFAULT '',
    links TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
