//! The sandbox's site reads: Get Site, pages and components with their
//! content, on the site model (`site.rs`); the CMS is in `cms.rs`.

use chrono::Utc;
use hyper::{Response, StatusCode};
use serde_json::{Value, json};

use crate::faults::RateDecision;
use crate::handlers::count;
use crate::render::{pagination, stamp};
use crate::requests::{check_object_id, check_site, page};
use crate::respond::{Body, invalid, json_response, not_found};
use crate::shared::Shared;
use crate::site::{PRIMARY_CMS_LOCALE_ID, PRIMARY_LOCALE_ID, SiteModel};

pub(crate) type Rate<'a> = Option<&'a RateDecision>;

pub(super) fn bad_page(d: Value, rate: Rate) -> Response<Body> {
    invalid(vec![d], rate)
}

pub(super) fn query_value(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, v)| k == name && !v.is_empty())
        .map(|(_, v)| v.clone())
}

/// A page of a list as Webflow answers it: `{<key>: [...], pagination}`.
pub(super) fn paged(
    key: &str,
    all: Vec<Value>,
    offset: usize,
    limit: usize,
    rate: Rate,
) -> Response<Body> {
    let total = all.len();
    let slice: Vec<Value> = all.into_iter().skip(offset).take(limit).collect();
    json_response(
        StatusCode::OK,
        &json!({key: slice, "pagination": pagination(total, offset, limit)}),
        rate,
    )
}

pub(crate) fn get_site(shared: &Shared, site: &str, rate: Rate) -> Response<Body> {
    if let Some(resp) = check_site(shared, site, rate) {
        return resp;
    }
    count(&shared.stats.operations.site_fetched);
    json_response(StatusCode::OK, &site_json(shared), rate)
}

/// The sandbox's one site as Get Site and List Sites answer it.
pub(crate) fn site_json(shared: &Shared) -> Value {
    let model = shared.site();
    let secondary: Vec<Value> = model
        .locales
        .iter()
        .map(|l| {
            json!({"id": l.id, "cmsLocaleId": l.cms_locale_id, "enabled": true,
                   "displayName": l.tag, "redirect": true,
                   "subdirectory": crate::publish::subdirectory(l), "tag": l.tag})
        })
        .collect();
    json!({
        "id": shared.config.site_id,
        "workspaceId": "580e63e98c9a982ac9b8b742",
        "displayName": "Sandbox Site",
        "shortName": "sandbox-site",
        "timeZone": "UTC",
        "lastUpdated": stamp(&Utc::now()),
        "lastPublished": model.publish.published.then(|| stamp(&model.publish.last_published)),
        // Its published site, served by the sandbox: a stand-in's
        // domain carries its scheme (Webflow's are bare hosts, HTTPS).
        "customDomains": [{"id": "6596da6045e56dee495bcbbf",
                           "url": format!("http://{}", shared.published_addr)}],
        "locales": {
            "primary": {"id": PRIMARY_LOCALE_ID, "cmsLocaleId": PRIMARY_CMS_LOCALE_ID,
                        "enabled": true, "displayName": "English", "redirect": false,
                        "subdirectory": "", "tag": "en"},
            "secondary": secondary,
        },
    })
}

/// The locale a content request asks for: `None` for the primary one, or
/// the 400/404 answer.
fn locale_of(
    model: &SiteModel,
    pairs: &[(String, String)],
    rate: Rate,
) -> Result<Option<String>, Box<Response<Body>>> {
    let Some(locale) = query_value(pairs, "localeId") else {
        return Ok(None);
    };
    // A plain string in Webflow's spec: an unknown one is a 404 below.
    if locale == PRIMARY_LOCALE_ID {
        return Ok(None);
    }
    if model.locales.iter().any(|l| l.id == locale) {
        Ok(Some(locale))
    } else {
        Err(Box::new(not_found("locale", rate)))
    }
}

/// `offset`, `limit` and the locale of a request in a locale, or the 400/404 answer.
fn paged_in_locale(
    model: &SiteModel,
    query: &str,
    rate: Rate,
) -> Result<(usize, usize, Option<String>), Box<Response<Body>>> {
    let (offset, limit, pairs) = page(query).map_err(|d| Box::new(bad_page(d, rate)))?;
    Ok((offset, limit, locale_of(model, &pairs, rate)?))
}

pub(crate) fn list_pages(shared: &Shared, site: &str, query: &str, rate: Rate) -> Response<Body> {
    if let Some(resp) = check_site(shared, site, rate) {
        return resp;
    }
    let model = shared.site();
    let (offset, limit, locale) = match paged_in_locale(&model, query, rate) {
        Ok(p) => p,
        Err(resp) => return *resp,
    };
    let subdirectory = locale
        .as_deref()
        .and_then(|id| model.locales.iter().find(|l| l.id == id))
        .map(crate::publish::subdirectory);
    let all = model
        .pages
        .iter()
        .filter(|p| !p.unlisted)
        .map(|p| {
            json!({"id": p.id, "siteId": site, "title": p.title, "slug": p.slug,
                   "createdOn": stamp(&p.last_updated), "lastUpdated": stamp(&p.last_updated),
                   "archived": false, "draft": false, "collectionId": p.collection_id,
                   "localeId": locale.as_deref().unwrap_or(PRIMARY_LOCALE_ID),
                   "publishedPath": crate::publish::path_in(p, subdirectory.as_deref())})
        })
        .collect();
    count(&shared.stats.operations.pages_listed);
    paged("pages", all, offset, limit, rate)
}

pub(crate) fn page_content(shared: &Shared, id: &str, query: &str, rate: Rate) -> Response<Body> {
    if let Err(d) = check_object_id("page_id", id) {
        return bad_page(d, rate);
    }
    let model = shared.site();
    let (offset, limit, locale) = match paged_in_locale(&model, query, rate) {
        Ok(p) => p,
        Err(resp) => return *resp,
    };
    let Some(p) = model.pages.iter().find(|p| p.id == id) else {
        return not_found("page", rate);
    };
    let mut body = nodes_page(&p.nodes, &p.localized, locale, offset, limit);
    body["pageId"] = json!(id);
    body["lastUpdated"] = json!(stamp(&p.last_updated));
    count(&shared.stats.operations.page_contents);
    json_response(StatusCode::OK, &body, rate)
}

/// One page of a content's nodes in `locale` (the primary nodes where the
/// locale has none of its own): `{nodes, pagination}`.
fn nodes_page(
    primary: &[Value],
    localized: &std::collections::BTreeMap<String, Vec<Value>>,
    locale: Option<String>,
    offset: usize,
    limit: usize,
) -> Value {
    let nodes = locale
        .as_ref()
        .and_then(|l| localized.get(l))
        .map_or(primary, Vec::as_slice);
    let slice: Vec<&Value> = nodes.iter().skip(offset).take(limit).collect();
    json!({"nodes": slice, "pagination": pagination(nodes.len(), offset, limit)})
}

pub(crate) fn list_components(
    shared: &Shared,
    site: &str,
    query: &str,
    rate: Rate,
) -> Response<Body> {
    if let Some(resp) = check_site(shared, site, rate) {
        return resp;
    }
    let (offset, limit, _) = match page(query) {
        Ok(p) => p,
        Err(d) => return bad_page(d, rate),
    };
    let all = shared
        .site()
        .components
        .iter()
        .map(|c| json!({"id": c.id, "name": c.name, "group": "Sandbox", "readonly": false}))
        .collect();
    count(&shared.stats.operations.components_listed);
    paged("components", all, offset, limit, rate)
}

pub(crate) fn component_content(
    shared: &Shared,
    site: &str,
    id: &str,
    query: &str,
    rate: Rate,
) -> Response<Body> {
    if let Some(resp) = check_site(shared, site, rate) {
        return resp;
    }
    // Component ids are plain strings (UUIDs on today's sites): an unknown
    // one is a 404 below, never a 400.
    let model = shared.site();
    let (offset, limit, locale) = match paged_in_locale(&model, query, rate) {
        Ok(p) => p,
        Err(resp) => return *resp,
    };
    let Some(c) = model.components.iter().find(|c| c.id == id) else {
        return not_found("component", rate);
    };
    let mut body = nodes_page(&c.nodes, &c.localized, locale, offset, limit);
    body["componentId"] = json!(id);
    count(&shared.stats.operations.component_contents);
    json_response(StatusCode::OK, &body, rate)
}
