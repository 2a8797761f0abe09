//! Category lists and pages, the category API, and the admin page.

use super::{PageQuery, badge, category_description, category_name, category_url, id_segment, topic_rows};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::format::Format;
use crate::input::{Input, Query};
use crate::json;
use crate::ops;
use crate::pages::{self, AdminCategoriesPage, CategoriesPage, CategoryFormView, CategoryRow, Chrome, CsrfToken, FormErrors, TopicListPage};
use crate::views;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minga_core::{CategoryId, perm};
use minga_store::{Category, TopicFilter};
use serde_json::json;

fn row(c: &Category, locale: crate::i18n::Locale) -> CategoryRow {
    CategoryRow {
        badge: badge(c, locale),
        description: json::cooked_text(&category_description(c, locale)),
        topic_count: c.topic_count,
        post_count: c.post_count,
        subcategories: Vec::new(),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct CategoriesQuery {
    /// Discourse's flag: each category carries its subcategories.
    #[serde(default)]
    pub include_subcategories: bool,
}

/// `/categories`: the top-level categories, each with its subcategories,
/// as on Discourse. Uncategorized shows only while it holds topics.
pub async fn index(State(state): State<AppState>, viewer: Viewer, format: Format, csrf: CsrfToken, Query(q): Query<CategoriesQuery>) -> AppResult<Response> {
    let (categories, catalog) = crate::access::fresh_visible(&state, &viewer).await?;
    let actor = viewer.actor();
    let listed = |c: &&Category| c.parent_category_id.is_none() && !(Some(c.id) == catalog.uncategorized && c.topic_count == 0);
    let children = |parent: CategoryId| categories.iter().filter(move |c| c.parent_category_id == Some(parent.0));
    match format {
        Format::Json => {
            let counts = state.store.topic_counts(minga_core::time::now_ms()).await?;
            let full = |c: &Category| {
                let none = minga_store::TopicCounts { category_id: c.id, day: 0, week: 0, month: 0, year: 0, all_time: 0 };
                let counted = counts.iter().find(|n| n.category_id == c.id).unwrap_or(&none);
                json::CategoryJson { topic_url: Some(category_url(c)), ..json::category(c, &viewer, &catalog) }.with_counts(counted)
            };
            let categories = categories
                .iter()
                .filter(listed)
                .map(|c| json::CategoryJson { subcategory_list: q.include_subcategories.then(|| children(c.id).map(full).collect()), ..full(c) })
                .collect();
            Ok(Json(json::CategoryListResponse {
                category_list: json::CategoryList {
                    can_create_category: perm::can_manage_categories(actor.as_ref()),
                    can_create_topic: perm::can_create_topic(actor.as_ref()),
                    categories,
                },
            })
            .into_response())
        }
        Format::Html => Ok(pages::render(&CategoriesPage {
            chrome: Chrome::new(&state, &viewer, csrf),
            categories: categories.iter().filter(listed).map(|c| CategoryRow { subcategories: children(c.id).map(|s| badge(s, viewer.locale)).collect(), ..row(c, viewer.locale) }).collect(),
        })),
    }
}

/// Finds a category the viewer may see from `/c/{slug}/{id}`, `/c/{id}`
/// or `/c/{slug}`; one they may not see is not found.
async fn find(state: &AppState, viewer: &Viewer, segments: &[String]) -> AppResult<Category> {
    let category = find_any(state, segments).await?;
    if !state.catalog().await?.can_see(viewer.actor().as_ref(), category.id) {
        return Err(AppError::NotFound);
    }
    Ok(category)
}

/// Reads the category fresh, so its counts are current.
async fn find_any(state: &AppState, segments: &[String]) -> AppResult<Category> {
    let found = match segments {
        [_, id] | [_, _, id] => state.store.category(CategoryId(id_segment(id)?)).await?,
        [one] => {
            let key = crate::format::strip_json(one);
            match key.parse::<i64>() {
                Ok(id) => state.store.category(CategoryId(id)).await?,
                Err(_) => state.store.category_by_slug(key).await?,
            }
        }
        _ => None,
    };
    found.ok_or(AppError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    format: Format,
    csrf: CsrfToken,
    Path(segments): Path<Vec<(String, String)>>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let segments: Vec<String> = segments.into_iter().map(|(_, v)| v).collect();
    let category = find(&state, &viewer, &segments).await?;
    let page = q.number()?;
    let list = views::topic_list(&state, &viewer, TopicFilter::Category(category.id), page).await?;
    let reading = crate::reading::of(&state, &viewer, &list.topics).await?;
    let base = category_url(&category);
    match format {
        Format::Json => Ok(Json(super::topics::topic_list_json(
            &state, &viewer, &list, &base, &reading,
        ))
        .into_response()),
        Format::Html => Ok(pages::render(&TopicListPage {
            chrome: Chrome::new(&state, &viewer, csrf),
            heading: category_name(&category, viewer.locale),
            description: json::cooked_text(&category_description(&category, viewer.locale)),
            category: Some(badge(&category, viewer.locale)),
            rows: topic_rows(&list, &state, &viewer, &reading),
            prev_url: (page > 0).then(|| format!("{base}?page={}", page - 1)),
            next_url: list.more.then(|| format!("{base}?page={}", page + 1)),
            new_topic_url: format!("/new-topic?category={}", category.id),
            dismiss: None,
        })),
    }
}

/// `GET /c/{id}/show.json`
pub async fn show_json(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> AppResult<Response> {
    let category = find(&state, &viewer, &[id]).await?;
    let catalog = state.catalog().await?;
    Ok(Json(json::CategoryEnvelope { success: None, category: json::category(&category, &viewer, &catalog) }).into_response())
}

async fn form_from(state: &AppState, input: &Input, existing: Option<&Category>) -> AppResult<minga_store::CategoryForm> {
    // Missing fields keep their current value on update, as on Discourse.
    let field = |key: &str, current: Option<&str>| -> AppResult<String> {
        match input.get(key) {
            Some(_) => input.text(key),
            None => Ok(current.unwrap_or_default().to_string()),
        }
    };
    let mut form = ops::category_form(
        field("name", existing.map(|c| c.name.as_str()))?,
        field("slug", existing.map(|c| c.slug.as_str()))?,
        colour(input, "color", field("color", existing.map(|c| c.color.as_str()))?),
        colour(input, "text_color", field("text_color", existing.map(|c| c.text_color.as_str()))?),
        field("description", existing.map(|c| c.description.as_str()))?,
        input.int("position")?,
    )?;
    // Absent keeps where it sits; blank or null puts it on top.
    form.parent = match input.get("parent_category_id") {
        None => existing.and_then(|c| c.parent_category_id).map(CategoryId),
        Some(_) => input.int("parent_category_id")?.map(CategoryId),
    };
    // The admin page sends rows of a group and a permission.
    if let Some(serde_json::Value::Array(groups)) = input.get("perm_group") {
        let levels = match input.get("perm_level") {
            Some(serde_json::Value::Array(levels)) => levels.clone(),
            _ => Vec::new(),
        };
        let mut map = serde_json::Map::new();
        for (g, l) in groups.iter().zip(levels.iter().chain(std::iter::repeat(&json!("full")))) {
            let (Some(g), Some(l)) = (g.as_str(), l.as_str()) else { continue };
            if !g.trim().is_empty() {
                map.insert(g.trim().to_string(), json!(l));
            }
        }
        form.grants = Some(ops::category_grants(state, &map).await?);
        return Ok(form);
    }
    form.grants = match input.get("permissions") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::Object(map)) => Some(ops::category_grants(state, map).await?),
        // The admin page sends lines of `group: permission`.
        Some(serde_json::Value::String(text)) if !text.trim().is_empty() => {
            let mut map = serde_json::Map::new();
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                let (group, level) = line.split_once(':').ok_or_else(|| AppError::invalid("permissions", minga_core::text!("error-permission-line", line = line)))?;
                map.insert(group.trim().to_string(), json!(level.trim()));
            }
            Some(ops::category_grants(state, &map).await?)
        }
        Some(serde_json::Value::String(_)) => None,
        Some(_) => return Err(AppError::BadRequest(minga_core::text!("error-permissions-shape"))),
    };
    Ok(form)
}

/// `POST /categories.json`
pub async fn create(State(state): State<AppState>, viewer: Viewer, input: Input) -> AppResult<Response> {
    let user = viewer.require()?;
    if !user.admin {
        return Err(AppError::Forbidden(minga_core::text!("error-admins-categories")));
    }
    let form = form_from(&state, &input, None).await?;
    let category = ops::save_category(&state, &viewer, None, form).await?;
    let catalog = state.catalog().await?;
    Ok(Json(json::CategoryEnvelope { success: None, category: json::category(&category, &viewer, &catalog) }).into_response())
}

/// `PUT /categories/{id}.json`
pub async fn update(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, input: Input) -> AppResult<Response> {
    let user = viewer.require()?;
    if !user.admin {
        return Err(AppError::Forbidden(minga_core::text!("error-admins-categories")));
    }
    let existing = state.store.category(CategoryId(id_segment(&id)?)).await?.ok_or(AppError::NotFound)?;
    let form = form_from(&state, &input, Some(&existing)).await?;
    // Discourse's `email_in`: the category's own address (blank: none).
    let email_in = match input.str("email_in").map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(address) => {
            minga_core::validate::email(address).map_err(|e| AppError::invalid("email_in", e.text))?;
            // Checked before anything is saved: one address, one category.
            if state.store.category_by_email(address).await?.is_some_and(|c| c != existing.id) {
                return Err(AppError::invalid("email_in", minga_core::text!("error-taken", field = "email_in")));
            }
            Some(Some(address.to_string()))
        }
    };
    let category = ops::save_category(&state, &viewer, Some(existing.id), form).await?;
    if let Some(address) = email_in {
        state.store.set_category_email(category.id, address.as_deref()).await?;
    }
    let catalog = state.catalog().await?;
    Ok(Json(json::CategoryEnvelope { success: Some("OK"), category: json::category(&category, &viewer, &catalog) }).into_response())
}

/// A colour from the page's pair of fields: the typed hex wins when it
/// was changed (it differs from `{key}_was`), else the colour picker's.
fn colour(input: &Input, key: &str, typed: String) -> String {
    let norm = |s: &str| s.trim().trim_start_matches('#').to_ascii_uppercase();
    let was = input.str(&format!("{key}_was"));
    match (input.str(&format!("{key}_picker")), was) {
        (Some(picked), Some(was)) if norm(&typed) == norm(was) => norm(picked),
        _ => typed,
    }
}

fn admin_only(viewer: &Viewer) -> AppResult<&minga_store::User> {
    let user = viewer.require()?;
    if !user.admin {
        return Err(AppError::Forbidden(minga_core::text!("error-admins-categories")));
    }
    Ok(user)
}

async fn admin_page(
    state: &AppState,
    viewer: &Viewer,
    csrf: CsrfToken,
    editing: Option<i64>,
    form: CategoryFormView,
    errors: FormErrors,
    saved: bool,
) -> AppResult<AdminCategoriesPage> {
    let categories = state.store.categories().await?;
    let catalog = state.catalog().await?;
    let groups = catalog.groups.iter().filter(|g| g.id != minga_core::perm::groups::ADMINS).map(|g| (g.name.clone(), group_label(g, viewer.locale))).collect();
    let mut form = form;
    // Room for three more groups, without JavaScript.
    form.permissions.extend(std::iter::repeat_n((String::new(), "full".to_string()), 3));
    // A parent is a top-level category other than this one and Uncategorized.
    let parents = categories
        .iter()
        .filter(|c| c.parent_category_id.is_none() && Some(c.id.0) != editing && Some(c.id) != catalog.uncategorized)
        .map(|c| (c.id.0, c.name.clone()))
        .collect();
    Ok(AdminCategoriesPage {
        chrome: Chrome::new(state, viewer, csrf),
        parents,
        edit_links: categories.iter().map(|c| format!("/admin/categories/{}", c.id)).collect(),
        categories: categories.iter().map(|c| row(c, viewer.locale)).collect(),
        editing,
        form,
        groups,
        errors,
        saved,
        welcome: false,
    })
}

/// How the page names a group: co-ops by their full name.
fn group_label(g: &minga_store::Group, locale: crate::i18n::Locale) -> String {
    if !g.automatic {
        return if g.full_name.is_empty() { g.name.clone() } else { format!("{} ({})", g.full_name, g.name) };
    }
    match g.name.strip_prefix("trust_level_") {
        Some(n) => crate::i18n::t1(locale, "group-label-trust-level", "level", n.to_string()),
        None if g.name == "everyone" => crate::i18n::t(locale, "group-label-everyone"),
        None if g.name == "admins" => crate::i18n::t(locale, "group-label-admins"),
        None if g.name == "moderators" => crate::i18n::t(locale, "group-label-moderators"),
        None if g.name == "staff" => crate::i18n::t(locale, "group-label-staff"),
        None => {
            let mut label = g.name.replace('_', " ");
            label[..1].make_ascii_uppercase();
            label
        }
    }
}

fn blank_form() -> CategoryFormView {
    CategoryFormView {
        name: String::new(),
        slug: String::new(),
        color: "0088CC".into(),
        text_color: "FFFFFF".into(),
        description: String::new(),
        parent: None,
        permissions: vec![("everyone".into(), "full".into())],
    }
}

/// The form as typed, to show again with its errors.
fn form_view(input: &Input) -> CategoryFormView {
    let get = |k: &str| input.str(k).unwrap_or_default().to_string();
    let list = |k: &str| match input.get(k) {
        Some(serde_json::Value::Array(items)) => items.iter().map(|v| v.as_str().unwrap_or_default().to_string()).collect(),
        _ => Vec::new(),
    };
    let permissions = list("perm_group").into_iter().zip(list("perm_level")).filter(|(g, _)| !g.is_empty()).collect();
    CategoryFormView {
        name: get("name"),
        slug: get("slug"),
        color: colour(input, "color", get("color")),
        text_color: colour(input, "text_color", get("text_color")),
        description: get("description"),
        parent: input.int("parent_category_id").ok().flatten(),
        permissions,
    }
}

#[derive(serde::Deserialize, Default)]
pub struct SavedQuery {
    pub saved: Option<String>,
    /// Set for the first admin, just made.
    pub welcome: Option<String>,
}

pub async fn admin(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken, Query(q): Query<SavedQuery>) -> AppResult<Response> {
    admin_only(&viewer)?;
    let mut page = admin_page(&state, &viewer, csrf, None, blank_form(), FormErrors::default(), q.saved.is_some()).await?;
    page.welcome = q.welcome.is_some();
    Ok(pages::render(&page))
}

pub async fn admin_edit(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    Path(id): Path<String>,
    Query(q): Query<SavedQuery>,
) -> AppResult<Response> {
    admin_only(&viewer)?;
    let c = state.store.category(CategoryId(id_segment(&id)?)).await?.ok_or(AppError::NotFound)?;
    let catalog = state.catalog().await?;
    let permissions = catalog
        .grants(c.id)
        .iter()
        .filter_map(|(g, p)| Some((catalog.groups.iter().find(|x| x.id == *g)?.name.clone(), p.name().to_string())))
        .collect();
    let form = CategoryFormView {
        name: c.name,
        slug: c.slug,
        color: c.color,
        text_color: c.text_color,
        description: c.description,
        parent: c.parent_category_id,
        permissions,
    };
    Ok(pages::render(&admin_page(&state, &viewer, csrf, Some(c.id.0), form, FormErrors::default(), q.saved.is_some()).await?))
}

async fn admin_save(state: AppState, viewer: Viewer, csrf: CsrfToken, id: Option<CategoryId>, input: Input) -> AppResult<Response> {
    let user = admin_only(&viewer)?;
    let existing = match id {
        Some(id) => Some(state.store.category(id).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let _ = user;
    let result = match form_from(&state, &input, existing.as_ref()).await {
        Ok(form) => ops::save_category(&state, &viewer, id, form).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(c) => Ok(Redirect::to(&format!("/admin/categories/{}?saved=1", c.id)).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let page = admin_page(&state, &viewer, csrf, id.map(|i| i.0), form_view(&input), FormErrors::of(&invalid, viewer.locale), false).await?;
            Ok(pages::render_invalid(&page))
        }
        Err(e) => Err(e),
    }
}

pub async fn admin_create(State(state): State<AppState>, viewer: Viewer, csrf: CsrfToken, input: Input) -> AppResult<Response> {
    admin_save(state, viewer, csrf, None, input).await
}

pub async fn admin_update(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let id = CategoryId(id_segment(&id)?);
    admin_save(state, viewer, csrf, Some(id), input).await
}
