-- Categories as mailing lists: a category's own address; people who get
-- every post by mail; and the topic each message that came in went to, so
-- that answers to it thread by In-Reply-To and References.
CREATE TABLE category_mail (
    category_id INTEGER PRIMARY KEY REFERENCES categories(id) ON DELETE CASCADE,
    email_in TEXT NOT NULL UNIQUE
);
ALTER TABLE users ADD COLUMN mailing_list_mode INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incoming_mail ADD COLUMN topic_id INTEGER;
