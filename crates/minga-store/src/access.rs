//! Category permissions per group, and site settings.

use crate::{Result, Store};
use minga_core::CategoryId;
use minga_core::perm::Permission;
use minga_core::time::now_ms;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

/// Every category's grants: which groups may do what.
pub type Grants = HashMap<CategoryId, Vec<(i64, Permission)>>;

impl Store {
    pub async fn category_grants(&self) -> Result<Grants> {
        let found = sqlx::query("SELECT category_id, group_id, permission_type FROM category_groups ORDER BY category_id, group_id")
            .fetch_all(self.pool())
            .await?;
        let mut grants: Grants = HashMap::new();
        for r in &found {
            let Some(p) = Permission::from_i64(r.try_get("permission_type")?) else { continue };
            grants.entry(CategoryId(r.try_get("category_id")?)).or_default().push((r.try_get("group_id")?, p));
        }
        Ok(grants)
    }

    /// Replaces a category's grants.
    pub async fn set_category_grants(&self, category: CategoryId, grants: &[(i64, Permission)]) -> Result<()> {
        let mut w = self.begin_write().await?;
        replace_grants(&mut w.tx, category, grants).await?;
        w.commit().await
    }

    pub async fn site_settings(&self) -> Result<HashMap<String, String>> {
        let found = sqlx::query("SELECT name, value FROM site_settings").fetch_all(self.pool()).await?;
        found.iter().map(|r| Ok((r.try_get("name")?, r.try_get("value")?))).collect()
    }

    pub async fn set_site_setting(&self, name: &str, value: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO site_settings (name, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET value = $2, updated_at = $3",
        )
        .bind(name)
        .bind(value)
        .bind(now_ms())
        .execute(&mut *w.tx)
        .await?;
        w.commit().await
    }
}

pub(crate) async fn replace_grants(
    tx: &mut Transaction<'static, Any>,
    category: CategoryId,
    grants: &[(i64, Permission)],
) -> Result<()> {
    sqlx::query("DELETE FROM category_groups WHERE category_id = $1").bind(category.0).execute(&mut **tx).await?;
    for (group, permission) in grants {
        sqlx::query(
            "INSERT INTO category_groups (category_id, group_id, permission_type) VALUES ($1, $2, $3) \
             ON CONFLICT (category_id, group_id) DO UPDATE SET permission_type = $3",
        )
        .bind(category.0)
        .bind(*group)
        .bind(*permission as i64)
        .execute(&mut **tx)
        .await
        .map_err(|e| crate::classify(e, &[]))?;
    }
    Ok(())
}
