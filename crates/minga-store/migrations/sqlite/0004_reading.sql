-- What people read, for trust levels earned by taking part.
CREATE TABLE topic_users (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    last_read_post_number INTEGER NOT NULL DEFAULT 0,
    first_visited_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, topic_id)
);

CREATE TABLE user_stats (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    topics_entered INTEGER NOT NULL DEFAULT 0,
    posts_read INTEGER NOT NULL DEFAULT 0,
    time_read_secs INTEGER NOT NULL DEFAULT 0,
    days_visited INTEGER NOT NULL DEFAULT 0,
    last_visit_day INTEGER NOT NULL DEFAULT 0
);
