-- What people read, for trust levels earned by taking part.
CREATE TABLE topic_users (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    topic_id BIGINT NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    last_read_post_number BIGINT NOT NULL DEFAULT 0,
    first_visited_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, topic_id)
);

CREATE TABLE user_stats (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    topics_entered BIGINT NOT NULL DEFAULT 0,
    posts_read BIGINT NOT NULL DEFAULT 0,
    time_read_secs BIGINT NOT NULL DEFAULT 0,
    days_visited BIGINT NOT NULL DEFAULT 0,
    last_visit_day BIGINT NOT NULL DEFAULT 0
);
