//! The sandbox's CMS: collections, staged and live items (sorted as
//! Webflow sorts them), and item updates, on the site model (`site.rs`).

use chrono::Utc;
use hyper::{Response, StatusCode};
use serde_json::{Map, Value, json};

use crate::content::{Rate, bad_page, paged, query_value};
use crate::handlers::count;
use crate::render::{hosted_url, stamp};
use crate::requests::{JsonBody, check_object_id, check_site, page};
use crate::respond::{Body, detail, invalid, json_response, not_found, webflow_error};
use crate::shared::Shared;
use crate::site::{PRIMARY_CMS_LOCALE_ID, SiteModel};
use webflow_assets::types;

pub(crate) fn list_collections(shared: &Shared, site: &str, rate: Rate) -> Response<Body> {
    if let Some(resp) = check_site(shared, site, rate) {
        return resp;
    }
    let all: Vec<Value> = shared
        .site()
        .collections
        .iter()
        .map(|c| {
            json!({"id": c.id, "displayName": c.display_name, "singularName": c.display_name,
                   "slug": c.slug, "createdOn": stamp(&c.last_updated),
                   "lastUpdated": stamp(&c.last_updated)})
        })
        .collect();
    count(&shared.stats.operations.collections_listed);
    json_response(StatusCode::OK, &json!({"collections": all}), rate)
}

pub(crate) fn get_collection(shared: &Shared, id: &str, rate: Rate) -> Response<Body> {
    if let Err(d) = check_object_id("collection_id", id) {
        return bad_page(d, rate);
    }
    let model = shared.site();
    let Some(c) = model.collections.iter().find(|c| c.id == id) else {
        return not_found("collection", rate);
    };
    let field = |slug: &str, kind: &str, name: &str, n: usize| {
        json!({"id": format!("{:0>32x}", n), "isRequired": slug == "name" || slug == "slug",
               "isEditable": true, "type": kind, "slug": slug, "displayName": name})
    };
    let mut fields = vec![
        field("name", "PlainText", "Name", 1),
        field("slug", "PlainText", "Slug", 2),
    ];
    for (i, f) in c.fields.iter().enumerate() {
        let name = if f.display_name.is_empty() {
            &f.slug
        } else {
            &f.display_name
        };
        fields.push(field(&f.slug, &f.kind, name, i + 3));
    }
    count(&shared.stats.operations.collections_fetched);
    json_response(
        StatusCode::OK,
        &json!({"id": c.id, "displayName": c.display_name, "singularName": c.display_name,
                "slug": c.slug, "createdOn": stamp(&c.last_updated),
                "lastUpdated": stamp(&c.last_updated), "fields": fields}),
        rate,
    )
}

/// The CMS locale an items request asks for, or the 400/404 answer.
fn cms_locale_of(
    model: &SiteModel,
    pairs: &[(String, String)],
    rate: Rate,
) -> Result<String, Box<Response<Body>>> {
    let Some(locale) = query_value(pairs, "cmsLocaleId") else {
        return Ok(PRIMARY_CMS_LOCALE_ID.to_owned());
    };
    if locale == PRIMARY_CMS_LOCALE_ID || model.locales.iter().any(|l| l.cms_locale_id == locale) {
        Ok(locale)
    } else {
        Err(Box::new(not_found("locale", rate)))
    }
}

/// Image and File values as Webflow serves them: with the asset's `url`
/// filled in from its `fileId`.
fn with_urls(shared: &Shared, data: &Map<String, Value>) -> Map<String, Value> {
    let fill = |v: &mut Value| {
        if let Some(obj) = v.as_object_mut()
            && let Some(id) = obj.get("fileId").and_then(Value::as_str)
            && !obj.contains_key("url")
            && let Some(a) = crate::store::find_asset(&shared.store, &shared.config.site_id, id)
        {
            let url = hosted_url(shared, &a.site, &format!("{}_{}", a.id, a.file_name));
            obj.insert("url".into(), Value::String(url));
        }
    };
    let mut out = data.clone();
    for value in out.values_mut() {
        match value {
            Value::Array(list) => list.iter_mut().for_each(fill),
            other => fill(other),
        }
    }
    out
}

pub(crate) fn list_items(
    shared: &Shared,
    id: &str,
    live: bool,
    query: &str,
    rate: Rate,
) -> Response<Body> {
    if let Err(d) = check_object_id("collection_id", id) {
        return bad_page(d, rate);
    }
    let (offset, limit, pairs) = match page(query) {
        Ok(p) => p,
        Err(d) => return bad_page(d, rate),
    };
    let model = shared.site();
    let locale = match cms_locale_of(&model, &pairs, rate) {
        Ok(l) => l,
        Err(resp) => return *resp,
    };
    let Some(c) = model.collections.iter().find(|c| c.id == id) else {
        return not_found("collection", rate);
    };
    let mut items: Vec<&crate::site::ItemModel> = c.items.iter().collect();
    // sortBy and sortOrder as Webflow takes them; the stable sort keeps the
    // collection's order among equal keys.
    if let Some(by) = query_value(&pairs, "sortBy") {
        let key = |i: &crate::site::ItemModel| -> String {
            match by.as_str() {
                "lastUpdated" => stamp(&i.last_updated),
                "lastPublished" => i
                    .live
                    .as_ref()
                    .map(|_| stamp(&i.last_published))
                    .unwrap_or_default(),
                "createdOn" => stamp(&i.last_updated),
                "name" | "slug" => i
                    .field_data
                    .get(&by)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                _ => String::new(),
            }
        };
        items.sort_by_cached_key(|i| key(i));
        if query_value(&pairs, "sortOrder").as_deref() == Some("desc") {
            items.reverse();
        }
    }
    let all: Vec<Value> = items
        .into_iter()
        .filter_map(|item| {
            let data = if live {
                item.live.as_ref()?
            } else {
                &item.field_data
            };
            Some(json!({
                "id": item.id, "cmsLocaleId": locale,
                "lastPublished": item.live.as_ref().map(|_| stamp(&item.last_published)),
                "lastUpdated": stamp(&item.last_updated), "createdOn": stamp(&item.last_updated),
                "isArchived": false, "isDraft": false,
                "fieldData": with_urls(shared, data),
            }))
        })
        .collect();
    drop(model);
    count(if live {
        &shared.stats.operations.live_items_listed
    } else {
        &shared.stats.operations.items_listed
    });
    paged("items", all, offset, limit, rate)
}

/// Update Items (staged) or Update Live Items (published at once: the
/// staged data takes the same fields). Every item and field is checked
/// before anything changes.
pub(crate) fn update_items(
    shared: &Shared,
    id: &str,
    live: bool,
    body: JsonBody,
    rate: Rate,
) -> Response<Body> {
    if let Err(d) = check_object_id("collection_id", id) {
        return bad_page(d, rate);
    }
    let Ok(body) = body else {
        return webflow_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "Bad Request: Request is malformed",
            vec![],
            rate,
        );
    };
    let sent = Value::Object(body.clone());
    // The spec's request type judges the body (item ids, at most 100, no
    // unknown keys).
    let request: types::ItemsUpdate = match serde_json::from_value(Value::Object(body)) {
        Ok(r) => r,
        Err(e) => return invalid(vec![detail("items", &e.to_string())], rate),
    };
    if request.items.is_empty() || request.items.len() > 100 {
        return invalid(
            vec![detail("items", "items must hold 1 to 100 items")],
            rate,
        );
    }
    let now = Utc::now();
    let mut model = shared.site_mut();
    let Some(c) = model.collections.iter_mut().find(|c| c.id == id) else {
        return not_found("collection", rate);
    };
    let mut details = Vec::new();
    for (i, update) in request.items.iter().enumerate() {
        if !c.items.iter().any(|item| item.id == *update.id) {
            details.push(detail(
                &format!("items[{i}].id"),
                "no such item in this collection",
            ));
        }
        for (key, value) in &update.field_data {
            let kind = match key.as_str() {
                "name" | "slug" => "PlainText",
                _ => match c.fields.iter().find(|f| f.slug == *key) {
                    Some(f) => f.kind.as_str(),
                    None => {
                        details.push(detail(
                            &format!("items[{i}].fieldData.{key}"),
                            "no such field in this collection",
                        ));
                        continue;
                    }
                },
            };
            let file = |v: &Value| {
                v.is_null()
                    || v.as_object().is_some_and(|o| {
                        o.get("fileId").is_some_and(Value::is_string)
                            || o.get("url").is_some_and(Value::is_string)
                    })
            };
            let ok = match kind {
                "Image" | "File" => file(value),
                "MultiImage" => value.as_array().is_some_and(|l| l.iter().all(file)),
                "RichText" | "PlainText" => value.is_string(),
                _ => true,
            };
            if !ok {
                details.push(detail(
                    &format!("items[{i}].fieldData.{key}"),
                    &format!("not a valid {kind} value"),
                ));
            }
        }
    }
    if !details.is_empty() {
        return invalid(details, rate);
    }
    let mut updated = Vec::new();
    for update in &request.items {
        let Some(item) = c.items.iter_mut().find(|item| item.id == *update.id) else {
            continue;
        };
        for (key, value) in &update.field_data {
            item.field_data.insert(key.clone(), value.clone());
        }
        if live {
            let published = item.live.get_or_insert_with(|| item.field_data.clone());
            for (key, value) in &update.field_data {
                published.insert(key.clone(), value.clone());
            }
        }
        item.last_updated = now;
        if live {
            item.last_published = now;
        }
        let data = if live {
            item.live.clone().unwrap_or_default()
        } else {
            item.field_data.clone()
        };
        updated.push((item.id.clone(), data, item.live.is_some()));
    }
    drop(model);
    shared
        .item_updates
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(crate::site::ItemUpdateRecord {
            collection_id: id.to_owned(),
            live,
            body: sent,
        });
    let items: Vec<Value> = updated
        .into_iter()
        .map(|(id, data, published)| {
            json!({"id": id, "cmsLocaleId": PRIMARY_CMS_LOCALE_ID,
                   "lastPublished": published.then(|| stamp(&now)),
                   "lastUpdated": stamp(&now), "createdOn": stamp(&now),
                   "isArchived": false, "isDraft": false,
                   "fieldData": with_urls(shared, &data)})
        })
        .collect();
    count(if live {
        &shared.stats.operations.live_items_updated
    } else {
        &shared.stats.operations.items_updated
    });
    json_response(StatusCode::OK, &json!({"items": items}), rate)
}
