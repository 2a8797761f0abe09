-- Whether a person's account is active (Discourse: their e-mail address
-- is confirmed). Accounts are active when made; staff deactivate them.
ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
