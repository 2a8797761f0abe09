-- Keys that applications (Discourse's mobile app, bots, readers) hold to
-- act for a person, within the scopes the person authorised. One per
-- application (client id) per person; only a hash of the key is kept.
CREATE TABLE user_api_keys (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    application_name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    push_url TEXT,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT,
    UNIQUE (user_id, client_id)
);

-- Requests made with each key, counted per minute and per day, where
-- every node sees them.
CREATE TABLE user_api_key_requests (
    key_id INTEGER NOT NULL REFERENCES user_api_keys(id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    bucket BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (key_id, period, bucket)
);
