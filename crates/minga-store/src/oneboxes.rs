//! The cache of fetched pages behind external oneboxes.

use crate::{OneboxCard, Result, Store};
use sqlx::{AssertSqlSafe, Row};

impl Store {
    /// Cached cards for `urls` (those never fetched are absent).
    pub async fn onebox_cards(&self, urls: &[String]) -> Result<Vec<OneboxCard>> {
        if urls.is_empty() {
            return Ok(Vec::new());
        }
        let urls = &urls[..urls.len().min(200)];
        let sql = format!(
            "SELECT url, ok, site_name, title, description, image, fetched_at FROM onebox_cache WHERE url IN ({})",
            crate::rows::placeholders(1, urls.len())
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for u in urls {
            q = q.bind(u);
        }
        let found = q.fetch_all(self.pool()).await?;
        found
            .iter()
            .map(|r| {
                Ok(OneboxCard {
                    url: r.try_get("url")?,
                    ok: r.try_get::<i64, _>("ok")? != 0,
                    site_name: r.try_get("site_name")?,
                    title: r.try_get("title")?,
                    description: r.try_get("description")?,
                    image: r.try_get("image")?,
                    fetched_at: r.try_get("fetched_at")?,
                })
            })
            .collect()
    }

    /// Stores (or replaces) a fetched card.
    pub async fn save_onebox_card(&self, card: &OneboxCard) -> Result<()> {
        let mut w = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO onebox_cache (url, ok, site_name, title, description, image, fetched_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (url) DO UPDATE SET ok = $2, site_name = $3, title = $4, description = $5, image = $6, fetched_at = $7",
        )
        .bind(&card.url)
        .bind(i64::from(card.ok))
        .bind(&card.site_name)
        .bind(&card.title)
        .bind(&card.description)
        .bind(&card.image)
        .bind(card.fetched_at)
        .execute(&mut *w.tx)
        .await?;
        w.commit().await
    }
}
