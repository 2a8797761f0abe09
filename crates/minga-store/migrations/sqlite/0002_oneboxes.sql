CREATE TABLE onebox_cache (
    url TEXT PRIMARY KEY,
    ok INTEGER NOT NULL,
    site_name TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    image TEXT NOT NULL DEFAULT '',
    fetched_at INTEGER NOT NULL
);
