//! Oneboxes at display time: cooked posts carry markers for links alone on
//! their line (see `minga_core::cook::onebox`); here they become cards for
//! the person reading, or stay plain links. External pages are fetched in
//! the background after a post is saved and cached in the store.

mod cards;
pub mod fetch;
pub mod meta;

pub use cards::Cards;

use crate::AppState;
use minga_core::cook::onebox::Target;

/// Fetches, in the background, external pages that have no card yet.
pub async fn fetch_missing(state: &AppState, targets: &[Target]) {
    let urls: Vec<String> = targets
        .iter()
        .filter_map(|t| match t {
            Target::External(u) => Some(u.clone()),
            Target::Topic { .. } => None,
        })
        .collect();
    if urls.is_empty() {
        return;
    }
    let known: Vec<String> = match state.store.onebox_cards(&urls).await {
        Ok(cards) => cards.into_iter().map(|c| c.url).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "could not read the onebox cache");
            return;
        }
    };
    for url in urls.into_iter().filter(|u| !known.contains(u)) {
        if !state.fetching.lock().expect("fetching lock").insert(url.clone()) {
            continue;
        }
        let state = state.clone();
        tokio::spawn(async move {
            let card = match fetch::fetch_card(&url, &state.settings.fetch).await {
                Ok(card) => card,
                Err(e) => {
                    tracing::info!(%url, error = %e, "onebox fetch failed");
                    minga_store::OneboxCard { url: url.clone(), ok: false, fetched_at: minga_core::time::now_ms(), ..Default::default() }
                }
            };
            if let Err(e) = state.store.save_onebox_card(&card).await {
                tracing::warn!(%url, error = %e, "could not cache a onebox");
            }
            // Saving it tells pages showing the link (through the change
            // feed) that they can now show its card.
            state.fetching.lock().expect("fetching lock").remove(&url);
        });
    }
}
