-- The change feed (one numbered row per write that changed something,
-- numbers taken from a one-row counter), secrets shared by every node,
-- failed log-ins counted where every node sees them, and sessions'
-- devices.
CREATE TABLE change_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    v BIGINT NOT NULL
);
INSERT INTO change_version (id, v) VALUES (1, 0);

CREATE TABLE changes (
    seq BIGINT PRIMARY KEY,
    node TEXT NOT NULL,
    tags TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX changes_at ON changes(at);

CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);

CREATE INDEX topics_user_created ON topics(user_id, created_at);

-- What people see of their own sessions: the device and when it was last used.
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN ip TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT;
