//! Categories.

use crate::db::conflict;
use crate::{Category, CategoryForm, Change, Result, Store, StoreError};
use minga_core::CategoryId;
use minga_core::perm::{Permission, groups};
use minga_core::time::now_ms;

const UNIQUE_FIELDS: &[(&str, &str)] = &[("slug", "slug")];

impl Store {
    pub async fn create_category(&self, form: &CategoryForm) -> Result<Category> {
        let form = form.clone();
        self.write(move |tx| {
            let sql = format!(
                "INSERT INTO categories (name, slug, color, text_color, description, position, created_at, parent_category_id) \
                 VALUES ($1, $2, $3, $4, $5, COALESCE($6, (SELECT COALESCE(MAX(position), 0) + 1 FROM categories)), $7, $8) \
                 RETURNING {}",
                Category::COLUMNS
            );
            let category: Category = tx
                .one(&sql, &[&form.name, &form.slug, &form.color, &form.text_color, &form.description, &form.position, &now_ms(), &form.parent.map(|p| p.0)])
                .map_err(conflict(UNIQUE_FIELDS))?;
            // New categories are open to everyone unless the form says otherwise.
            let grants = form.grants.clone().unwrap_or_else(|| vec![(groups::EVERYONE, Permission::Full)]);
            crate::access::replace_grants(tx, category.id, &grants)?;
            Ok(category)
        })
        .await
    }

    pub async fn update_category(&self, id: CategoryId, form: &CategoryForm) -> Result<Category> {
        let form = form.clone();
        self.write(move |tx| {
            let sql = format!(
                "UPDATE categories SET name = $1, slug = $2, color = $3, text_color = $4, description = $5, \
                 position = COALESCE($6, position), parent_category_id = $8 WHERE id = $7 RETURNING {}",
                Category::COLUMNS
            );
            let category: Category = tx
                .opt(&sql, &[&form.name, &form.slug, &form.color, &form.text_color, &form.description, &form.position, &id.0, &form.parent.map(|p| p.0)])
                .map_err(conflict(UNIQUE_FIELDS))?
                .ok_or(StoreError::NotFound)?;
            if let Some(grants) = &form.grants {
                crate::access::replace_grants(tx, category.id, grants)?;
            }
            tx.changed(Change::Catalog);
            tx.changed(Change::Lists);
            Ok(category)
        })
        .await
    }

    pub async fn categories(&self) -> Result<Vec<Category>> {
        self.read(&[Change::Catalog, Change::Lists], |db| {
            db.all(&format!("SELECT {} FROM categories ORDER BY position, id", Category::COLUMNS), &[])
        })
        .await
    }

    pub async fn category(&self, id: CategoryId) -> Result<Option<Category>> {
        self.read(&[Change::Catalog, Change::Lists], move |db| {
            db.opt(&format!("SELECT {} FROM categories WHERE id = $1", Category::COLUMNS), &[&id.0])
        })
        .await
    }

    pub async fn category_by_slug(&self, slug: &str) -> Result<Option<Category>> {
        let slug = slug.to_lowercase();
        self.read(&[Change::Catalog, Change::Lists], move |db| {
            db.opt(&format!("SELECT {} FROM categories WHERE slug = $1", Category::COLUMNS), &[&slug])
        })
        .await
    }

    /// Topics started in each category over the last day, week, month
    /// and year, and in all, counting only live, listed topics.
    pub async fn topic_counts(&self, now: i64) -> Result<Vec<crate::TopicCounts>> {
        const DAY: i64 = 24 * 60 * 60 * 1000;
        let (day, week, month, year) = (now - DAY, now - 7 * DAY, now - 30 * DAY, now - 365 * DAY);
        self.read(&[Change::Lists], move |db| {
            db.all(
                "SELECT category_id, COUNT(CASE WHEN created_at >= $1 THEN 1 END), COUNT(CASE WHEN created_at >= $2 THEN 1 END), \
                 COUNT(CASE WHEN created_at >= $3 THEN 1 END), COUNT(CASE WHEN created_at >= $4 THEN 1 END), COUNT(*) \
                 FROM topics WHERE deleted_at IS NULL AND visible GROUP BY category_id",
                &[&day, &week, &month, &year],
            )
        })
        .await
    }
}
