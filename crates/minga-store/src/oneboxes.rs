//! The cache of fetched pages behind external oneboxes.

use crate::db::{Param, placeholders};
use crate::{Change, OneboxCard, Result, Store};

impl Store {
    /// Cached cards for `urls` (those never fetched are absent).
    pub async fn onebox_cards(&self, urls: &[String]) -> Result<Vec<OneboxCard>> {
        let urls: Vec<String> = urls.iter().take(200).cloned().collect();
        if urls.is_empty() {
            return Ok(Vec::new());
        }
        self.read(&[Change::Oneboxes], move |db| {
            let sql = format!("SELECT {} FROM onebox_cache WHERE url IN ({})", OneboxCard::COLUMNS, placeholders(1, urls.len()));
            let params: Vec<&dyn Param> = urls.iter().map(|u| u as &dyn Param).collect();
            db.all(&sql, &params)
        })
        .await
    }

    /// Stores (or replaces) a fetched card.
    pub async fn save_onebox_card(&self, card: &OneboxCard) -> Result<()> {
        let c = card.clone();
        self.write(move |tx| {
            tx.exec(
                "INSERT INTO onebox_cache (url, ok, site_name, title, description, image, fetched_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (url) DO UPDATE SET ok = $2, site_name = $3, title = $4, description = $5, image = $6, fetched_at = $7",
                &[&c.url, &c.ok, &c.site_name, &c.title, &c.description, &c.image, &c.fetched_at],
            )?;
            tx.changed(Change::Oneboxes);
            Ok(())
        })
        .await
    }
}
