CREATE TABLE onebox_cache (
    url TEXT PRIMARY KEY,
    ok BIGINT NOT NULL,
    site_name TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    image TEXT NOT NULL DEFAULT '',
    fetched_at BIGINT NOT NULL
);
