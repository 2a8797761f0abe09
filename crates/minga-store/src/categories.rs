//! Categories.

use sqlx::AssertSqlSafe;
use crate::rows::{self, CATEGORY_COLUMNS};
use crate::{Category, CategoryForm, Result, Store, StoreError, classify};
use minga_core::CategoryId;
use minga_core::perm::{Permission, groups};
use minga_core::time::now_ms;

const UNIQUE_FIELDS: &[(&str, &str)] = &[("slug", "slug")];

impl Store {
    pub async fn create_category(&self, form: &CategoryForm) -> Result<Category> {
        let mut w = self.begin_write().await?;
        let sql = format!(
            "INSERT INTO categories (name, slug, color, text_color, description, position, created_at) \
             VALUES ($1, $2, $3, $4, $5, COALESCE($6, (SELECT COALESCE(MAX(position), 0) + 1 FROM categories)), $7) \
             RETURNING {CATEGORY_COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(&form.name)
            .bind(&form.slug)
            .bind(&form.color)
            .bind(&form.text_color)
            .bind(&form.description)
            .bind(form.position)
            .bind(now_ms())
            .fetch_one(&mut *w.tx)
            .await
            .map_err(|e| classify(e, UNIQUE_FIELDS))?;
        let category = rows::category(&row)?;
        // New categories are open to everyone unless the form says otherwise.
        let grants = form.grants.clone().unwrap_or_else(|| vec![(groups::EVERYONE, Permission::Full)]);
        crate::access::replace_grants(&mut w.tx, category.id, &grants).await?;
        w.commit().await?;
        Ok(category)
    }

    pub async fn update_category(&self, id: CategoryId, form: &CategoryForm) -> Result<Category> {
        let mut w = self.begin_write().await?;
        let sql = format!(
            "UPDATE categories SET name = $1, slug = $2, color = $3, text_color = $4, description = $5, \
             position = COALESCE($6, position) WHERE id = $7 RETURNING {CATEGORY_COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(&form.name)
            .bind(&form.slug)
            .bind(&form.color)
            .bind(&form.text_color)
            .bind(&form.description)
            .bind(form.position)
            .bind(id.0)
            .fetch_optional(&mut *w.tx)
            .await
            .map_err(|e| classify(e, UNIQUE_FIELDS))?
            .ok_or(StoreError::NotFound)?;
        let category = rows::category(&row)?;
        if let Some(grants) = &form.grants {
            crate::access::replace_grants(&mut w.tx, category.id, grants).await?;
        }
        w.commit().await?;
        Ok(category)
    }

    pub async fn categories(&self) -> Result<Vec<Category>> {
        let sql = format!("SELECT {CATEGORY_COLUMNS} FROM categories ORDER BY position, id");
        let found = sqlx::query(AssertSqlSafe(sql)).fetch_all(self.pool()).await?;
        Ok(found.iter().map(rows::category).collect::<sqlx::Result<_>>()?)
    }

    pub async fn category(&self, id: CategoryId) -> Result<Option<Category>> {
        let sql = format!("SELECT {CATEGORY_COLUMNS} FROM categories WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(id.0).fetch_optional(self.pool()).await?;
        Ok(row.as_ref().map(rows::category).transpose()?)
    }

    pub async fn category_by_slug(&self, slug: &str) -> Result<Option<Category>> {
        let sql = format!("SELECT {CATEGORY_COLUMNS} FROM categories WHERE slug = $1");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(slug.to_lowercase()).fetch_optional(self.pool()).await?;
        Ok(row.as_ref().map(rows::category).transpose()?)
    }
}
