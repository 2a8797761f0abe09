//! A value read from the store on first use and kept until it is
//! forgotten: the category catalog and the site settings.

use crate::error::AppResult;
use std::sync::{Arc, RwLock};

/// The kept value, and how many times it has been forgotten.
#[derive(Default)]
struct Slot<T> {
    forgotten: u64,
    value: Option<Arc<T>>,
}

pub struct Loaded<T> {
    slot: RwLock<Slot<T>>,
}

impl<T> Default for Loaded<T> {
    fn default() -> Self {
        Loaded { slot: RwLock::new(Slot { forgotten: 0, value: None }) }
    }
}

impl<T> Loaded<T> {
    /// The kept value, or a fresh one from `load`. A load that began
    /// before a `forget` is returned but not kept, so a slow reader never
    /// puts back what a change has just replaced.
    pub async fn get<F>(&self, load: impl FnOnce() -> F) -> AppResult<Arc<T>>
    where
        F: Future<Output = AppResult<T>>,
    {
        let forgotten = {
            let slot = self.slot.read().expect("loaded lock");
            if let Some(value) = &slot.value {
                return Ok(value.clone());
            }
            slot.forgotten
        };
        let value = Arc::new(load().await?);
        let mut slot = self.slot.write().expect("loaded lock");
        if slot.forgotten == forgotten {
            slot.value = Some(value.clone());
        }
        Ok(value)
    }

    /// Call after the stored value changes.
    pub fn forget(&self) {
        let mut slot = self.slot.write().expect("loaded lock");
        slot.forgotten += 1;
        slot.value = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_load_overtaken_by_a_change_is_not_kept() {
        let kept: Loaded<u32> = Loaded::default();
        assert_eq!(*kept.get(|| async { Ok(1) }).await.unwrap(), 1);
        assert_eq!(*kept.get(|| async { Ok(2) }).await.unwrap(), 1, "kept until forgotten");
        kept.forget();
        // A change lands while this load is under way.
        let stale = kept.get(|| async {
            kept.forget();
            Ok(3)
        });
        assert_eq!(*stale.await.unwrap(), 3);
        assert_eq!(*kept.get(|| async { Ok(4) }).await.unwrap(), 4, "the stale load was not kept");
    }
}
