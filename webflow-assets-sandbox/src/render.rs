//! Assets and folders as Webflow's spec shows them.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::config::SANDBOX_BUCKET;
use crate::shared::Shared;
use crate::store::{AssetRecord, FolderRecord, Inner};

pub(crate) fn pagination(total: usize, offset: usize, limit: usize) -> Value {
    json!({"limit": limit, "offset": offset, "total": total})
}

pub(crate) fn stamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// An asset as Webflow's spec shows it; the size is the stored file's, or
/// null while its file has not been uploaded.
pub(crate) fn asset_json(shared: &Shared, a: &AssetRecord, in_list: bool) -> Value {
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

pub(crate) fn folder_json(inner: &Inner, f: &FolderRecord) -> Value {
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

pub(crate) fn hosted_url(shared: &Shared, site: &str, name: &str) -> String {
    let mut url = url::Url::parse(&format!("http://{}/", shared.api_addr))
        .expect("a socket address makes a URL");
    url.path_segments_mut()
        .expect("http URLs have paths")
        .extend(["assets", site, name]);
    url.to_string()
}
