//! What a reader may see: the categories and their grants, cached in
//! memory (they are few and change rarely; every change to a category or
//! its grants clears the cache), and the questions every route asks before
//! showing or changing anything in a category. The cached rows' topic and
//! post counts go stale as people post: pages that show counts read fresh
//! rows (`fresh_visible`).

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use minga_core::CategoryId;
use minga_core::perm::{self, Actor, Permission};
use minga_store::{Category, Grants, Topic};
use std::sync::Arc;

pub struct Catalog {
    pub categories: Vec<Category>,
    pub grants: Grants,
    /// Groups, for showing people's primary group by their name.
    pub groups: Vec<minga_store::Group>,
    /// Discourse's Uncategorized category, made with the schema.
    pub uncategorized: Option<CategoryId>,
}

impl Catalog {
    /// The name of a primary group, if everyone may see that group.
    pub fn public_group_name(&self, id: Option<i64>) -> Option<&str> {
        let id = id?;
        self.groups.iter().find(|g| g.id == id && !g.automatic && g.visibility_level == 0).map(|g| g.name.as_str())
    }

    pub fn grants(&self, id: CategoryId) -> &[(i64, Permission)] {
        self.grants.get(&id).map(Vec::as_slice).unwrap_or_default()
    }

    /// What the reader may do in a category: what its grants say, and
    /// nothing at all in a subcategory of a category they may not see.
    pub fn permission(&self, actor: Option<&Actor>, id: CategoryId) -> Option<Permission> {
        let own = perm::category_permission(actor, self.grants(id))?;
        match self.parent(id) {
            Some(parent) => perm::category_permission(actor, self.grants(parent)).map(|_| own),
            None => Some(own),
        }
    }

    /// Whether the reader may start a topic in the category: they see it,
    /// its grants let them, and it is not Uncategorized.
    pub fn can_start_topic(&self, actor: Option<&Actor>, id: CategoryId) -> bool {
        self.can_see(actor, id) && perm::can_create_topic_in(actor, self.grants(id)) && Some(id) != self.uncategorized
    }

    /// Whether the reader may move a topic into the category.
    pub fn can_move_topic_to(&self, actor: Option<&Actor>, id: CategoryId) -> bool {
        if Some(id) == self.uncategorized {
            return self.can_see(actor, id) && perm::can_move_to_uncategorized(actor);
        }
        self.can_start_topic(actor, id)
    }

    /// The category a subcategory sits under.
    pub fn parent(&self, id: CategoryId) -> Option<CategoryId> {
        self.category(id).and_then(|c| c.parent_category_id).map(CategoryId)
    }

    /// A category's subcategories that the reader may see.
    pub fn children(&self, actor: Option<&Actor>, id: CategoryId) -> Vec<&Category> {
        self.categories.iter().filter(|c| c.parent_category_id == Some(id.0) && self.can_see(actor, c.id)).collect()
    }

    pub fn can_see(&self, actor: Option<&Actor>, id: CategoryId) -> bool {
        self.permission(actor, id).is_some()
    }

    /// Categories the reader may see, in display order.
    pub fn visible(&self, actor: Option<&Actor>) -> Vec<&Category> {
        self.categories.iter().filter(|c| self.can_see(actor, c.id)).collect()
    }

    /// The ids to restrict a query to; `None` when the reader sees all.
    pub fn scope(&self, actor: Option<&Actor>) -> Option<Vec<CategoryId>> {
        let visible: Vec<CategoryId> = self.visible(actor).into_iter().map(|c| c.id).collect();
        (visible.len() != self.categories.len()).then_some(visible)
    }

    pub fn category(&self, id: CategoryId) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// Restricted by its own grants or by its parent's.
    pub fn read_restricted(&self, id: CategoryId) -> bool {
        perm::read_restricted(self.grants(id)) || self.parent(id).is_some_and(|p| perm::read_restricted(self.grants(p)))
    }
}

impl AppState {
    pub async fn catalog(&self) -> AppResult<Arc<Catalog>> {
        minga_store::reads::record(&[minga_store::Change::Catalog]);
        self.catalog
            .get(|| async {
                Ok(Catalog {
                    categories: self.store.categories().await?,
                    grants: self.store.category_grants().await?,
                    groups: self.store.groups().await?,
                    uncategorized: self.store.site_settings().await?.get("uncategorized_category_id").and_then(|v| v.parse().ok()).map(CategoryId),
                })
            })
            .await
    }

    /// Call after any change to categories, their grants, or groups.
    pub fn forget_catalog(&self) {
        self.catalog.forget();
    }
}

/// Categories the reader may see, read fresh (with current counts).
pub async fn fresh_visible(state: &AppState, viewer: &Viewer) -> AppResult<(Vec<Category>, Arc<Catalog>)> {
    let catalog = state.catalog().await?;
    let actor = viewer.actor();
    let rows = state.store.categories().await?.into_iter().filter(|c| catalog.can_see(actor.as_ref(), c.id)).collect();
    Ok((rows, catalog))
}

/// The topic, if the reader may see it; otherwise "not found", exactly as
/// for a topic that does not exist.
pub async fn visible_topic(state: &AppState, viewer: &Viewer, id: minga_core::TopicId) -> AppResult<(Topic, Category, Arc<Catalog>)> {
    let topic = state.store.topic(id).await?.ok_or(AppError::NotFound)?;
    let catalog = state.catalog().await?;
    if !catalog.can_see(viewer.actor().as_ref(), topic.category_id) {
        return Err(AppError::NotFound);
    }
    let category = catalog.category(topic.category_id).cloned().ok_or(AppError::NotFound)?;
    Ok((topic, category, catalog))
}
