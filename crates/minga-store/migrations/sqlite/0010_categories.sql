-- Subcategories: a category may sit under one top-level category.
ALTER TABLE categories ADD COLUMN parent_category_id INTEGER REFERENCES categories(id);
CREATE INDEX categories_parent ON categories(parent_category_id);

-- Discourse's Uncategorized category: where clients look for topics that
-- have no other home. A forum that already has one keeps it.
INSERT INTO categories (name, slug, description, position, created_at)
SELECT 'Uncategorized', 'uncategorized', 'Topics that need no category of their own.',
       0, CAST(strftime('%s','now') AS INTEGER) * 1000
WHERE NOT EXISTS (SELECT 1 FROM categories WHERE slug = 'uncategorized');

INSERT INTO category_groups (category_id, group_id, permission_type)
SELECT id, 0, 1 FROM categories
WHERE slug = 'uncategorized' AND NOT EXISTS (SELECT 1 FROM category_groups g WHERE g.category_id = categories.id);

INSERT INTO site_settings (name, value, updated_at)
SELECT 'uncategorized_category_id', CAST(id AS TEXT), CAST(strftime('%s','now') AS INTEGER) * 1000 FROM categories WHERE slug = 'uncategorized';
