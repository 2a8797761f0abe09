-- The language a person reads the forum in; empty: as their browser asks.
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT '';
