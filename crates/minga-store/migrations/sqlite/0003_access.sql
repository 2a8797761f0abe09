-- Groups (co-ops and the automatic groups), category permissions, site
-- settings, the review queue, invites, flags, suspensions and the staff log.
CREATE TABLE groups (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_lower TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL DEFAULT '',
    bio_raw TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    automatic INTEGER NOT NULL DEFAULT 0,
    visibility_level INTEGER NOT NULL DEFAULT 0,
    members_visibility_level INTEGER NOT NULL DEFAULT 0,
    join_mode INTEGER NOT NULL DEFAULT 3,
    created_at INTEGER NOT NULL
);
INSERT INTO groups (id, name, name_lower, automatic, created_at) VALUES
    (0, 'everyone', 'everyone', 1, 0),
    (1, 'admins', 'admins', 1, 0),
    (2, 'moderators', 'moderators', 1, 0),
    (3, 'staff', 'staff', 1, 0),
    (10, 'trust_level_0', 'trust_level_0', 1, 0),
    (11, 'trust_level_1', 'trust_level_1', 1, 0),
    (12, 'trust_level_2', 'trust_level_2', 1, 0),
    (13, 'trust_level_3', 'trust_level_3', 1, 0),
    (14, 'trust_level_4', 'trust_level_4', 1, 0);

CREATE TABLE group_users (
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    owner INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_users_user ON group_users(user_id);

CREATE TABLE group_requests (
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
);

CREATE TABLE category_groups (
    category_id INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    permission_type INTEGER NOT NULL,
    PRIMARY KEY (category_id, group_id)
);
INSERT INTO category_groups (category_id, group_id, permission_type) SELECT id, 0, 1 FROM categories;

ALTER TABLE users ADD COLUMN primary_group_id INTEGER REFERENCES groups(id) ON DELETE SET NULL;
ALTER TABLE users ADD COLUMN approved INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN suspended_till INTEGER;
ALTER TABLE users ADD COLUMN suspend_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN silenced_till INTEGER;

ALTER TABLE posts ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;

CREATE TABLE site_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE invites (
    id INTEGER PRIMARY KEY,
    key_hash TEXT NOT NULL UNIQUE,
    invited_by INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email TEXT NOT NULL DEFAULT '',
    max_redemptions INTEGER NOT NULL DEFAULT 1,
    redemption_count INTEGER NOT NULL DEFAULT 0,
    group_ids TEXT NOT NULL DEFAULT '',
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE reviewables (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    status INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    reviewed_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    reviewed_at INTEGER
);
CREATE INDEX reviewables_status ON reviewables(status, created_at);
CREATE INDEX reviewables_target ON reviewables(kind, target_id);

CREATE TABLE post_actions (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id),
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    action_type INTEGER NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    UNIQUE (post_id, user_id, action_type)
);

CREATE TABLE staff_actions (
    id INTEGER PRIMARY KEY,
    action TEXT NOT NULL,
    acting_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    target_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    details TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX staff_actions_created ON staff_actions(created_at DESC);
