-- The colours a person reads the forum in: empty follows the device
-- (prefers-color-scheme), else 'light' or 'dark'.
ALTER TABLE users ADD COLUMN theme TEXT NOT NULL DEFAULT '';
