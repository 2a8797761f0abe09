//! Category permissions per group, and site settings.

use crate::db::Tx;
use crate::{Change, Result, Store};
use minga_core::CategoryId;
use minga_core::perm::Permission;
use minga_core::time::now_ms;
use std::collections::HashMap;

/// Every category's grants: which groups may do what.
pub type Grants = HashMap<CategoryId, Vec<(i64, Permission)>>;

impl Store {
    pub async fn category_grants(&self) -> Result<Grants> {
        let rows: Vec<(i64, i64, i64)> = self
            .read(&[Change::Catalog], |db| {
                db.all("SELECT category_id, group_id, permission_type FROM category_groups ORDER BY category_id, group_id", &[])
            })
            .await?;
        let mut grants: Grants = HashMap::new();
        for (category, group, permission) in rows {
            if let Some(p) = Permission::from_i64(permission) {
                grants.entry(CategoryId(category)).or_default().push((group, p));
            }
        }
        Ok(grants)
    }

    /// Replaces a category's grants.
    pub async fn set_category_grants(&self, category: CategoryId, grants: &[(i64, Permission)]) -> Result<()> {
        let grants = grants.to_vec();
        self.write(move |tx| replace_grants(tx, category, &grants)).await
    }

    pub async fn site_settings(&self) -> Result<HashMap<String, String>> {
        let rows: Vec<(String, String)> =
            self.read(&[Change::Settings], |db| db.all("SELECT name, value FROM site_settings", &[])).await?;
        Ok(rows.into_iter().collect())
    }

    pub async fn set_site_setting(&self, name: &str, value: &str) -> Result<()> {
        let (name, value) = (name.to_string(), value.to_string());
        self.write(move |tx| {
            tx.exec(
                "INSERT INTO site_settings (name, value, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO UPDATE SET value = $2, updated_at = $3",
                &[&name, &value, &now_ms()],
            )?;
            tx.changed(Change::Settings);
            Ok(())
        })
        .await
    }

    /// A secret every node shares (the honeypot's values, say), made once
    /// by whichever node asks first.
    pub async fn shared_secret(&self, name: &str, fresh: String) -> Result<String> {
        let name = name.to_string();
        self.write(move |tx| {
            tx.exec(
                "INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
                &[&name, &fresh, &now_ms()],
            )?;
            tx.one("SELECT value FROM secrets WHERE name = $1", &[&name])
        })
        .await
    }
}

pub(crate) fn replace_grants(tx: &mut Tx<'_>, category: CategoryId, grants: &[(i64, Permission)]) -> Result<()> {
    tx.exec("DELETE FROM category_groups WHERE category_id = $1", &[&category.0])?;
    for (group, permission) in grants {
        tx.exec(
            "INSERT INTO category_groups (category_id, group_id, permission_type) VALUES ($1, $2, $3) \
             ON CONFLICT (category_id, group_id) DO UPDATE SET permission_type = $3",
            &[&category.0, group, &(*permission as i64)],
        )
        .map_err(crate::db::conflict(&[]))?;
    }
    tx.changed(Change::Catalog);
    tx.changed(Change::Lists);
    Ok(())
}
