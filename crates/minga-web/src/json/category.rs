//! Categories.

use super::{cooked_text, excerpt_html};
use crate::access::Catalog;
use crate::auth::Viewer;
use minga_core::perm;
use minga_core::CategoryId;
use minga_store::{Category, TopicCounts};
use serde::Serialize;
use std::collections::HashMap;

/// What a group may do in a category, for those who manage it.
#[derive(Serialize, Debug, Clone)]
pub struct GroupPermission {
    pub permission_type: i64,
    pub group_name: String,
    pub group_id: i64,
}

/// A category, as Discourse's `CategorySerializer` (the period counts are
/// filled where lists send them).
#[derive(Serialize, Debug, Clone)]
pub struct CategoryJson {
    pub id: CategoryId,
    pub name: String,
    pub color: String,
    pub text_color: String,
    pub style_type: String,
    pub emoji: Option<String>,
    pub icon: Option<String>,
    pub slug: String,
    pub topic_count: i64,
    pub post_count: i64,
    pub position: i64,
    /// Sent only for a subcategory, as Discourse does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_category_id: Option<i64>,
    pub description: String,
    pub description_text: String,
    pub description_excerpt: String,
    pub topic_url: Option<String>,
    pub read_restricted: bool,
    pub permission: Option<i64>,
    pub notification_level: i64,
    pub can_edit: bool,
    pub topic_template: Option<String>,
    pub topic_title_placeholder: Option<String>,
    pub has_children: bool,
    pub subcategory_count: Option<i64>,
    pub sort_order: Option<String>,
    pub sort_ascending: Option<bool>,
    pub show_subcategory_list: bool,
    pub num_featured_topics: i64,
    pub default_view: Option<String>,
    pub subcategory_list_style: String,
    pub default_top_period: String,
    pub default_list_filter: String,
    pub minimum_required_tags: i64,
    pub navigate_to_first_post_after_read: bool,
    pub subcategory_ids: Vec<CategoryId>,
    pub uploaded_logo: Option<String>,
    pub uploaded_logo_dark: Option<String>,
    pub uploaded_background: Option<String>,
    pub uploaded_background_dark: Option<String>,
    pub group_permissions: Vec<GroupPermission>,
    pub custom_fields: HashMap<String, String>,
    pub required_tag_groups: Vec<String>,
    pub read_only_banner: Option<String>,
    pub available_groups: Vec<String>,
    pub auto_close_hours: Option<f64>,
    pub auto_close_based_on_last_post: bool,
    pub allow_unlimited_owner_edits_on_first_post: bool,
    pub default_slow_mode_seconds: Option<i64>,
    pub email_in: Option<String>,
    pub email_in_allow_strangers: bool,
    pub mailinglist_mirror: bool,
    pub all_topics_wiki: bool,
    pub can_delete: bool,
    pub allow_badges: bool,
    pub topic_featured_link_allowed: bool,
    pub search_priority: i64,
    pub topic_posting_review_group_ids: Vec<i64>,
    pub reply_posting_review_group_ids: Vec<i64>,
    pub form_template_ids: Vec<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topics_day: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topics_week: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topics_month: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topics_year: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topics_all_time: Option<i64>,
    /// The subcategories themselves, when `/categories.json` is asked to
    /// include them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subcategory_list: Option<Vec<CategoryJson>>,
}

impl CategoryJson {
    /// With the topics started in each period, as `/categories.json` sends them.
    pub fn with_counts(self, counts: &TopicCounts) -> CategoryJson {
        CategoryJson {
            topics_day: Some(counts.day),
            topics_week: Some(counts.week),
            topics_month: Some(counts.month),
            topics_year: Some(counts.year),
            topics_all_time: Some(counts.all_time),
            ..self
        }
    }
}

/// `{"category": …}`, as creating, updating and showing one answer.
#[derive(Serialize, Debug)]
pub struct CategoryEnvelope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success: Option<&'static str>,
    pub category: CategoryJson,
}

/// `GET /categories.json`.
#[derive(Serialize, Debug)]
pub struct CategoryListResponse {
    pub category_list: CategoryList,
}

#[derive(Serialize, Debug)]
pub struct CategoryList {
    pub can_create_category: bool,
    pub can_create_topic: bool,
    pub categories: Vec<CategoryJson>,
}

pub fn category(c: &Category, viewer: &Viewer, catalog: &Catalog) -> CategoryJson {
    let description = cooked_text(&c.description);
    let excerpt = excerpt_html(&minga_core::cook::excerpt(&description, 200));
    let actor = viewer.actor();
    let permission = catalog.permission(actor.as_ref(), c.id).map(|p| p as i64);
    let manages = perm::can_manage_categories(actor.as_ref());
    let children = catalog.children(actor.as_ref(), c.id);
    // Which groups may do what is for those who manage the category.
    let group_permissions = if manages {
        catalog
            .grants(c.id)
            .iter()
            .map(|(g, p)| GroupPermission {
                permission_type: *p as i64,
                group_name: catalog.groups.iter().find(|x| x.id == *g).map(|x| x.name.clone()).unwrap_or_default(),
                group_id: *g,
            })
            .collect()
    } else {
        Vec::new()
    };
    CategoryJson {
        id: c.id,
        name: c.name.clone(),
        color: c.color.clone(),
        text_color: c.text_color.clone(),
        style_type: "square".into(),
        emoji: None,
        icon: None,
        slug: c.slug.clone(),
        topic_count: c.topic_count,
        post_count: c.post_count,
        position: c.position,
        parent_category_id: c.parent_category_id,
        description,
        description_text: c.description.clone(),
        description_excerpt: excerpt,
        topic_url: None,
        read_restricted: catalog.read_restricted(c.id),
        permission: if viewer.user.is_some() { permission } else { None },
        notification_level: 1,
        can_edit: manages,
        topic_template: None,
        topic_title_placeholder: None,
        has_children: !children.is_empty(),
        subcategory_count: (!children.is_empty()).then_some(children.len() as i64),
        sort_order: None,
        sort_ascending: None,
        show_subcategory_list: false,
        num_featured_topics: 3,
        default_view: None,
        subcategory_list_style: "rows_with_featured_topics".into(),
        default_top_period: "all".into(),
        default_list_filter: "all".into(),
        minimum_required_tags: 0,
        navigate_to_first_post_after_read: false,
        subcategory_ids: children.iter().map(|c| c.id).collect(),
        uploaded_logo: None,
        uploaded_logo_dark: None,
        uploaded_background: None,
        uploaded_background_dark: None,
        group_permissions,
        custom_fields: HashMap::new(),
        required_tag_groups: Vec::new(),
        read_only_banner: None,
        available_groups: Vec::new(),
        auto_close_hours: None,
        auto_close_based_on_last_post: false,
        allow_unlimited_owner_edits_on_first_post: false,
        default_slow_mode_seconds: None,
        email_in: None,
        email_in_allow_strangers: false,
        mailinglist_mirror: false,
        all_topics_wiki: false,
        can_delete: false,
        allow_badges: true,
        topic_featured_link_allowed: true,
        search_priority: 0,
        topic_posting_review_group_ids: Vec::new(),
        reply_posting_review_group_ids: Vec::new(),
        form_template_ids: Vec::new(),
        topics_day: None,
        topics_week: None,
        topics_month: None,
        topics_year: None,
        topics_all_time: None,
        subcategory_list: None,
    }
}
