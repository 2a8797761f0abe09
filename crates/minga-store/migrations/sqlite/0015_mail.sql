-- Mail: every message waits in the outbox until a worker hands it to the
-- relay; links sent by mail (confirming an address, resetting a password)
-- are single-use tokens; each person chooses when notifications come by mail.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    to_address TEXT NOT NULL,
    -- The whole message, when it is written as it is queued.
    raw TEXT,
    -- A notification's mail is written when it is sent, for what its
    -- reader may see then.
    post_id INTEGER,
    reason INTEGER,
    message_id TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    due_at INTEGER NOT NULL,
    -- 0 waiting, 1 being sent, 2 sent, 3 failed for good, 4 not needed any more.
    state INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_at INTEGER,
    sent_at INTEGER,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox(state, due_at);
CREATE TABLE email_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX email_tokens_user ON email_tokens(user_id, purpose);
ALTER TABLE users ADD COLUMN email_level INTEGER NOT NULL DEFAULT 1;
-- Unsubscribing from mail with one click: a key of its own, made when first needed.
ALTER TABLE users ADD COLUMN mail_key TEXT;
CREATE UNIQUE INDEX users_mail_key ON users(mail_key);
