//! The sandbox's state and the Assets API around Create Asset Metadata:
//! assets created and uploaded show in lists and gets with their real size
//! and content type, PATCH changes what later reads return, DELETE removes
//! the asset and its stored file, folders form a tree. Requests are judged
//! by the spec's rules through the generated types.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use hyper::{Response, StatusCode};
use serde_json::{Value, json};

use super::SANDBOX_BUCKET;
use super::api::{JsonBody, detail, hosted_url, json_response, webflow_error};
use super::faults::RateDecision;
use super::server::{Body, Shared};
use crate::types;

/// An asset the sandbox holds.
#[derive(Clone, Debug)]
pub(crate) struct AssetRecord {
    pub id: String,
    pub site: String,
    /// The object key in the sandbox bucket.
    pub key: String,
    pub file_name: String,
    pub display_name: String,
    pub alt_text: Option<String>,
    pub content_type: String,
    pub folder: Option<String>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

#[derive(Clone, Debug)]
struct FolderRecord {
    id: String,
    site: String,
    name: String,
    parent: Option<String>,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
}

/// Everything the sandbox's site holds, in creation order.
#[derive(Debug, Default)]
pub(crate) struct Store {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    assets: Vec<AssetRecord>,
    folders: Vec<FolderRecord>,
}

impl Store {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn add_asset(&self, asset: AssetRecord) {
        self.lock().assets.push(asset);
    }

    pub fn folder_exists(&self, site: &str, id: &str) -> bool {
        self.lock()
            .folders
            .iter()
            .any(|f| f.id == id && f.site == site)
    }
}

/// Calls per operation, for tests and the sandbox's exit stats.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct OperationStats {
    /// List Assets calls answered with 200.
    pub listed: AtomicU64,
    /// Get Asset calls answered with 200.
    pub fetched: AtomicU64,
    /// Update Asset calls answered with 200.
    pub updated: AtomicU64,
    /// Delete Asset calls answered with 204.
    pub deleted: AtomicU64,
    /// List Asset Folders calls answered with 200.
    pub folders_listed: AtomicU64,
    /// Create Asset Folder calls answered with 200.
    pub folders_created: AtomicU64,
    /// Get Asset Folder calls answered with 200.
    pub folders_fetched: AtomicU64,
}

fn count(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Webflow's 404 for an unknown id.
pub(crate) fn not_found(what: &str, rate: Option<&RateDecision>) -> Response<Body> {
    webflow_error(
        StatusCode::NOT_FOUND,
        "resource_not_found",
        &format!("Requested resource not found: The {what} cannot be found"),
        vec![],
        rate,
    )
}

fn invalid(details: Vec<Value>, rate: Option<&RateDecision>) -> Response<Body> {
    webflow_error(
        StatusCode::BAD_REQUEST,
        "validation_error",
        "Validation Error: Invalid request",
        details,
        rate,
    )
}

/// An id checked as the spec's path parameter type.
fn check_id<T: std::str::FromStr>(field: &str, id: &str) -> Result<(), Value> {
    id.parse::<T>()
        .map(|_| ())
        .map_err(|_| detail(field, &format!("{field} must be a valid ID")))
}

/// The site of the path: a valid id (Webflow's 400 wording), and the
/// sandbox's (else Webflow's 404). Every operation on a site goes through it.
pub(crate) fn check_site(
    shared: &Shared,
    site: &str,
    rate: Option<&RateDecision>,
) -> Option<Response<Body>> {
    if let Err(d) = check_id::<types::ListAssetsSiteId>("site_id", site) {
        return Some(webflow_error(
            StatusCode::BAD_REQUEST,
            "validation_error",
            "Validation Error: Provided ID is invalid",
            vec![d],
            rate,
        ));
    }
    (site != shared.config.site_id).then(|| not_found("site", rate))
}

/// A query string's pairs, decoded.
type Query = Vec<(String, String)>;

/// `offset` and `limit` of a list, as the spec allows them.
fn page(query: &str) -> Result<(usize, usize, Query), Value> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let offset = match get("offset") {
        None | Some("") => 0,
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| detail("offset", "offset must be a whole number, 0 or more"))?,
    };
    let limit = match get("limit") {
        None | Some("") => 100,
        Some(v) => match v.parse::<usize>() {
            Ok(n @ 1..=100) => n,
            _ => {
                return Err(detail(
                    "limit",
                    "limit must be a whole number from 1 to 100",
                ));
            }
        },
    };
    Ok((offset, limit, pairs))
}

/// The site and the paging of a list request, or the error answer.
fn list_request(
    shared: &Shared,
    site: &str,
    query: &str,
    rate: Option<&RateDecision>,
) -> Result<(usize, usize, Query), Box<Response<Body>>> {
    if let Some(resp) = check_site(shared, site, rate) {
        return Err(Box::new(resp));
    }
    page(query).map_err(|d| Box::new(invalid(vec![d], rate)))
}

fn pagination(total: usize, offset: usize, limit: usize) -> Value {
    json!({"limit": limit, "offset": offset, "total": total})
}

fn stamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// An asset as Webflow's spec shows it; the size is the stored file's, or
/// null while its file has not been uploaded.
fn asset_json(shared: &Shared, a: &AssetRecord, in_list: bool) -> Value {
    let stored = shared.root.join(SANDBOX_BUCKET).join(&a.key);
    let size = std::fs::metadata(&stored).ok().map(|m| m.len());
    let name = a.key.rsplit('/').next().unwrap_or_default();
    let mut v = json!({
        "id": a.id,
        "contentType": a.content_type,
        "size": size,
        "siteId": a.site,
        "hostedUrl": hosted_url(shared, &a.site, name),
        "originalFileName": a.file_name,
        "displayName": a.display_name,
        "altText": a.alt_text,
        "createdOn": stamp(&a.created),
        "lastUpdated": stamp(&a.updated),
        "variants": [],
    });
    if in_list {
        v["folderId"] = json!(a.folder);
    }
    v
}

fn folder_json(inner: &Inner, f: &FolderRecord) -> Value {
    let assets: Vec<&str> = inner
        .assets
        .iter()
        .filter(|a| a.folder.as_deref() == Some(f.id.as_str()))
        .map(|a| a.id.as_str())
        .collect();
    json!({
        "id": f.id,
        "displayName": f.name,
        "parentFolder": f.parent,
        "assets": assets,
        "siteId": f.site,
        "createdOn": stamp(&f.created),
        "lastUpdated": stamp(&f.updated),
    })
}

/// Whether `folder` is `root` or below it.
fn within(inner: &Inner, folder: Option<&str>, root: &str) -> bool {
    let mut current = folder.map(str::to_owned);
    // Bounded by the number of folders: a cycle cannot be made through the
    // API, but a bound costs nothing.
    for _ in 0..=inner.folders.len() {
        match current {
            Some(id) if id == root => return true,
            Some(id) => {
                current = inner
                    .folders
                    .iter()
                    .find(|f| f.id == id)
                    .and_then(|f| f.parent.clone());
            }
            None => return false,
        }
    }
    false
}

pub(crate) fn list_assets(
    shared: &Shared,
    site: &str,
    query: &str,
    rate: Option<&RateDecision>,
) -> Response<Body> {
    let (offset, limit, pairs) = match list_request(shared, site, query, rate) {
        Ok(p) => p,
        Err(resp) => return *resp,
    };
    let folder = pairs
        .iter()
        .find(|(k, _)| k == "folderId")
        .map(|(_, v)| v.clone())
        .filter(|v| !v.is_empty());
    for (field, value) in pairs
        .iter()
        .filter(|(k, v)| (k == "folderId" || k == "localeId") && !v.is_empty())
    {
        if let Err(d) = check_id::<types::ListAssetsFolderId>(field, value) {
            return invalid(vec![d], rate);
        }
    }
    if let Some(f) = &folder
        && !shared.store.folder_exists(site, f)
    {
        return not_found("folder", rate);
    }
    let inner = shared.store.lock();
    let matching: Vec<&AssetRecord> = inner
        .assets
        .iter()
        .filter(|a| a.site == site)
        .filter(|a| {
            folder
                .as_deref()
                .is_none_or(|root| within(&inner, a.folder.as_deref(), root))
        })
        .collect();
    let total = matching.len();
    let items: Vec<Value> = matching
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|a| asset_json(shared, a, true))
        .collect();
    count(&shared.stats.operations.listed);
    json_response(
        StatusCode::OK,
        &json!({"assets": items, "pagination": pagination(total, offset, limit)}),
        rate,
    )
}

impl Inner {
    /// Where the sandbox site's asset `id` is, if it has one.
    fn asset_at(&self, site: &str, id: &str) -> Option<usize> {
        self.assets
            .iter()
            .position(|a| a.id == id && a.site == site)
    }
}

fn find_asset(shared: &Shared, id: &str) -> Option<AssetRecord> {
    let inner = shared.store.lock();
    let at = inner.asset_at(&shared.config.site_id, id)?;
    Some(inner.assets[at].clone())
}

pub(crate) fn get_asset(shared: &Shared, id: &str, rate: Option<&RateDecision>) -> Response<Body> {
    if let Err(d) = check_id::<types::GetAssetAssetId>("asset_id", id) {
        return invalid(vec![d], rate);
    }
    match find_asset(shared, id) {
        Some(a) => {
            count(&shared.stats.operations.fetched);
            json_response(StatusCode::OK, &asset_json(shared, &a, false), rate)
        }
        None => not_found("asset", rate),
    }
}

pub(crate) fn update_asset(
    shared: &Shared,
    id: &str,
    body: JsonBody,
    rate: Option<&RateDecision>,
) -> Response<Body> {
    if let Err(d) = check_id::<types::UpdateAssetAssetId>("asset_id", id) {
        return invalid(vec![d], rate);
    }
    let Ok(fields) = body else {
        return invalid(vec![detail("body", "the body must be a JSON object")], rate);
    };
    let update: types::UpdateAssetRequest = match serde_json::from_value(Value::Object(fields)) {
        Ok(u) => u,
        Err(e) => return invalid(vec![detail("body", &e.to_string())], rate),
    };
    if update.display_name.is_none() && update.alt_text.is_none() {
        return invalid(
            vec![detail("body", "give displayName, altText, or both")],
            rate,
        );
    }
    let updated = {
        let mut inner = shared.store.lock();
        let Some(at) = inner.asset_at(&shared.config.site_id, id) else {
            return not_found("asset", rate);
        };
        let a = &mut inner.assets[at];
        if let Some(name) = update.display_name {
            a.display_name = name.to_string();
        }
        if let Some(text) = update.alt_text {
            a.alt_text = Some(text.to_string());
        }
        a.updated = Utc::now();
        a.clone()
    };
    count(&shared.stats.operations.updated);
    json_response(StatusCode::OK, &asset_json(shared, &updated, false), rate)
}

pub(crate) async fn delete_asset(
    shared: &Shared,
    id: &str,
    rate: Option<&RateDecision>,
) -> Response<Body> {
    if let Err(d) = check_id::<types::DeleteAssetAssetId>("asset_id", id) {
        return invalid(vec![d], rate);
    }
    let removed = {
        let mut inner = shared.store.lock();
        let at = inner.asset_at(&shared.config.site_id, id);
        at.map(|i| inner.assets.remove(i))
    };
    let Some(asset) = removed else {
        return not_found("asset", rate);
    };
    // Its hosted URL answers 404 from now on.
    let _ = tokio::fs::remove_file(shared.root.join(SANDBOX_BUCKET).join(&asset.key)).await;
    count(&shared.stats.operations.deleted);
    let mut resp = json_response(StatusCode::NO_CONTENT, &Value::Null, rate);
    *resp.body_mut() = super::server::full(String::new());
    resp.headers_mut().remove(hyper::header::CONTENT_TYPE);
    resp
}

pub(crate) fn list_folders(
    shared: &Shared,
    site: &str,
    query: &str,
    rate: Option<&RateDecision>,
) -> Response<Body> {
    let (offset, limit, _) = match list_request(shared, site, query, rate) {
        Ok(p) => p,
        Err(resp) => return *resp,
    };
    let inner = shared.store.lock();
    let all: Vec<&FolderRecord> = inner.folders.iter().filter(|f| f.site == site).collect();
    let items: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(limit)
        .map(|f| folder_json(&inner, f))
        .collect();
    count(&shared.stats.operations.folders_listed);
    json_response(
        StatusCode::OK,
        &json!({"assetFolders": items, "pagination": pagination(all.len(), offset, limit)}),
        rate,
    )
}

pub(crate) fn create_folder(
    shared: &Shared,
    site: &str,
    body: JsonBody,
    rate: Option<&RateDecision>,
) -> Response<Body> {
    if let Some(resp) = check_site(shared, site, rate) {
        return resp;
    }
    let Ok(fields) = body else {
        return invalid(vec![detail("body", "the body must be a JSON object")], rate);
    };
    let request: types::CreateAssetFolderRequest =
        match serde_json::from_value(Value::Object(fields)) {
            Ok(r) => r,
            Err(e) => return invalid(vec![detail("body", &e.to_string())], rate),
        };
    let parent = request.parent_folder.map(|p| p.to_string());
    if let Some(p) = &parent
        && !shared.store.folder_exists(site, p)
    {
        return invalid(
            vec![detail(
                "parentFolder",
                "parentFolder is not a folder of this site",
            )],
            rate,
        );
    }
    let now = Utc::now();
    let folder = FolderRecord {
        id: shared.dice.hex(12),
        site: site.to_owned(),
        name: request.display_name.to_string(),
        parent,
        created: now,
        updated: now,
    };
    let mut inner = shared.store.lock();
    inner.folders.push(folder.clone());
    let body = folder_json(&inner, &folder);
    drop(inner);
    count(&shared.stats.operations.folders_created);
    json_response(StatusCode::OK, &body, rate)
}

pub(crate) fn get_folder(shared: &Shared, id: &str, rate: Option<&RateDecision>) -> Response<Body> {
    if let Err(d) = check_id::<types::GetAssetFolderAssetFolderId>("asset_folder_id", id) {
        return invalid(vec![d], rate);
    }
    let inner = shared.store.lock();
    let site = shared.config.site_id.as_str();
    match inner.folders.iter().find(|f| f.id == id && f.site == site) {
        Some(f) => {
            let body = folder_json(&inner, f);
            drop(inner);
            count(&shared.stats.operations.folders_fetched);
            json_response(StatusCode::OK, &body, rate)
        }
        None => not_found("folder", rate),
    }
}
