//! Categories.

use super::{cooked_text, excerpt_html};
use crate::access::Catalog;
use crate::auth::Viewer;
use minga_core::perm;
use minga_store::Category;
use serde_json::{Value, json};

pub fn category(c: &Category, viewer: &Viewer, catalog: &Catalog) -> Value {
    let description = cooked_text(&c.description);
    let excerpt = excerpt_html(&minga_core::cook::excerpt(&description, 200));
    let actor = viewer.actor();
    let permission = catalog.permission(actor.as_ref(), c.id).map(|p| p as i64);
    // Which groups may do what is for those who manage the category.
    let group_permissions: Vec<Value> = if perm::can_manage_categories(actor.as_ref()) {
        catalog
            .grants(c.id)
            .iter()
            .map(|(g, p)| {
                let name = catalog.groups.iter().find(|x| x.id == *g).map(|x| x.name.clone()).unwrap_or_default();
                json!({"permission_type": *p as i64, "group_name": name, "group_id": g})
            })
            .collect()
    } else {
        Vec::new()
    };
    json!({
        "id": c.id,
        "name": c.name,
        "color": c.color,
        "text_color": c.text_color,
        "style_type": "square",
        "emoji": null,
        "icon": null,
        "slug": c.slug,
        "topic_count": c.topic_count,
        "post_count": c.post_count,
        "position": c.position,
        "description": description,
        "description_text": c.description,
        "description_excerpt": excerpt,
        "topic_url": null,
        "read_restricted": catalog.read_restricted(c.id),
        "permission": if viewer.user.is_some() { json!(permission) } else { Value::Null },
        "notification_level": 1,
        "can_edit": perm::can_manage_categories(viewer.actor().as_ref()),
        "topic_template": null,
        "topic_title_placeholder": null,
        "has_children": false,
        "subcategory_count": null,
        "sort_order": null,
        "sort_ascending": null,
        "show_subcategory_list": false,
        "num_featured_topics": 3,
        "default_view": null,
        "subcategory_list_style": "rows_with_featured_topics",
        "default_top_period": "all",
        "default_list_filter": "all",
        "minimum_required_tags": 0,
        "navigate_to_first_post_after_read": false,
        "subcategory_ids": [],
        "uploaded_logo": null,
        "uploaded_logo_dark": null,
        "uploaded_background": null,
        "uploaded_background_dark": null,
        "group_permissions": group_permissions,
        "custom_fields": {},
        "required_tag_groups": [],
        "read_only_banner": null,
        "available_groups": [],
        "auto_close_hours": null,
        "auto_close_based_on_last_post": false,
        "allow_unlimited_owner_edits_on_first_post": false,
        "default_slow_mode_seconds": null,
        "email_in": null,
        "email_in_allow_strangers": false,
        "mailinglist_mirror": false,
        "all_topics_wiki": false,
        "can_delete": false,
        "allow_badges": true,
        "topic_featured_link_allowed": true,
        "search_priority": 0,
        "topic_posting_review_group_ids": [],
        "reply_posting_review_group_ids": [],
        "form_template_ids": [],
    })
}

