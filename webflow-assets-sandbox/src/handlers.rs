//! The eight operations of the Assets API, one handler each, on the
//! sandbox's store.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::Utc;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use serde_json::{Value, json};

use crate::config::SANDBOX_BUCKET;
use crate::faults::RateDecision;
use crate::post_policy::PostPolicy;
use crate::render::{asset_json, folder_json, hosted_url, pagination};
use crate::requests::{
    BadBody, JsonBody, check_id, check_site, list_request, read_body, spec_check,
};
use crate::respond::{
    Body, CACHE_CONTROL, detail, invalid, json_response, not_found, webflow_error,
};
use crate::shared::Shared;
use crate::store::{AssetRecord, FolderRecord, find_asset, within};
use webflow_assets::types;
use webflow_assets::{ACCEPTED_CONTENT_TYPES, guess_content_type};

pub(crate) fn count(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

pub(crate) async fn create_asset(
    shared: &Shared,
    site: &str,
    req: Request<Incoming>,
    rate: Option<&crate::faults::RateDecision>,
) -> Response<Body> {
    // `api` counts refusals by their status.
    if let Some(resp) = check_site(shared, site, rate) {
        return resp;
    }
    let fields = match read_body(req).await {
        Ok(fields) => fields,
        Err(bad) => {
            let message = match bad {
                BadBody::TooLarge => "Bad Request: Request body is too large or was cut",
                BadBody::NotObject => "Bad Request: Request is malformed",
            };
            return webflow_error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                message,
                vec![],
                rate,
            );
        }
    };

    let mut details = Vec::new();
    let file_name =
        spec_check::<types::CreateAssetRequestFileName>("fileName", fields.get("fileName"), true);
    let file_hash =
        spec_check::<types::CreateAssetRequestFileHash>("fileHash", fields.get("fileHash"), true);
    let parent_folder = spec_check::<types::CreateAssetRequestParentFolder>(
        "parentFolder",
        fields.get("parentFolder"),
        false,
    );
    if let Err(d) = &file_hash {
        details.push(d.clone());
    }
    let file_name = match file_name {
        Ok(name) => name.map(|n| n.to_string()).unwrap_or_default(),
        Err(d) => {
            details.push(d);
            String::new()
        }
    };
    let parent_folder = match parent_folder {
        Ok(folder) => folder.map(|f| f.to_string()),
        Err(d) => {
            details.push(d);
            None
        }
    };
    // The rest of the spec's rules (no other fields) through the whole type.
    if details.is_empty()
        && let Err(e) = serde_json::from_value::<types::CreateAssetRequest>(Value::Object(fields))
    {
        details.push(detail("body", &e.to_string()));
    }
    let content_type =
        guess_content_type(&file_name).filter(|ct| ACCEPTED_CONTENT_TYPES.contains(&ct.as_str()));
    if details.is_empty() && content_type.is_none() {
        details.push(detail(
            "fileName",
            "fileName has a file type that is not supported",
        ));
    }
    let Some(content_type) = content_type.filter(|_| details.is_empty()) else {
        return webflow_error(
            StatusCode::BAD_REQUEST,
            "validation_error",
            "Validation Error: Invalid request body",
            details,
            rate,
        );
    };

    if let Some(folder) = &parent_folder
        && !shared.store.folder_exists(site, folder)
    {
        return not_found("folder", rate);
    }
    let id = shared.dice.hex(12);
    let key = format!("{site}/{id}_{file_name}");
    let (_, max) = shared.config.limits.for_content_type(&content_type);
    let now = Utc::now();
    let ttl = chrono::Duration::from_std(shared.config.policy_ttl)
        .unwrap_or(chrono::Duration::minutes(10));
    let form = shared.signer.sign(
        &PostPolicy {
            bucket: SANDBOX_BUCKET.to_owned(),
            key: key.clone(),
            content_type: content_type.clone(),
            cache_control: CACHE_CONTROL.to_owned(),
            content_length_range: (1, max),
            expires: now + ttl,
        },
        now,
    );
    let upload_url = format!("http://{}/{SANDBOX_BUCKET}", shared.storage_addr);
    let hosted_url = hosted_url(shared, site, &format!("{id}_{file_name}"));
    let stamp = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut body = json!({
        "uploadDetails": form,
        "contentType": content_type,
        "id": id,
        "uploadUrl": upload_url,
        "assetUrl": format!("{upload_url}/{key}"),
        "hostedUrl": hosted_url,
        "originalFileName": file_name,
        "createdOn": stamp,
        "lastUpdated": stamp,
    });
    if let Some(folder) = &parent_folder {
        body["parentFolder"] = folder.clone().into();
    }
    shared.store.add_asset(AssetRecord {
        id: id.clone(),
        site: site.to_owned(),
        key: key.clone(),
        file_name: file_name.clone(),
        display_name: format!("{id}_{file_name}"),
        alt_text: None,
        content_type: content_type.clone(),
        folder: parent_folder,
        created: now,
        updated: now,
    });
    shared.stats.created.fetch_add(1, Ordering::Relaxed);
    json_response(StatusCode::OK, &body, rate)
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
    // The page is copied out under the lock; the stored files' sizes are
    // read after it is released, so no file system call holds the store.
    let (total, page): (usize, Vec<AssetRecord>) = {
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
        (
            total,
            matching
                .into_iter()
                .skip(offset)
                .take(limit)
                .cloned()
                .collect(),
        )
    };
    let items: Vec<Value> = page.iter().map(|a| asset_json(shared, a, true)).collect();
    count(&shared.stats.operations.listed);
    json_response(
        StatusCode::OK,
        &json!({"assets": items, "pagination": pagination(total, offset, limit)}),
        rate,
    )
}

pub(crate) fn get_asset(shared: &Shared, id: &str, rate: Option<&RateDecision>) -> Response<Body> {
    if let Err(d) = check_id::<types::GetAssetAssetId>("asset_id", id) {
        return invalid(vec![d], rate);
    }
    match find_asset(&shared.store, &shared.config.site_id, id) {
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
    *resp.body_mut() = crate::respond::full(String::new());
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
