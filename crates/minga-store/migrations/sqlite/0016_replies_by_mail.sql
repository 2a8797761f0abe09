-- Answering by mail: each person has a reply address per topic, and every
-- message that came in is remembered (so a message delivered twice is
-- posted once), with what became of it.
CREATE TABLE reply_keys (
    reply_key TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, topic_id)
);
CREATE TABLE incoming_mail (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    from_address TEXT NOT NULL,
    to_address TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    -- posted, ignored (automatic mail), refused
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    post_id INTEGER
);
CREATE INDEX incoming_mail_received ON incoming_mail(received_at);
