//! The sandbox's Webflow side: Create Asset Metadata as the spec describes
//! it, and the hosted URLs that serve stored files back.

use std::sync::atomic::Ordering;

use chrono::Utc;
use http_body_util::{BodyExt, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Value, json};

use super::server::{Body, Shared, full};
use super::{PostPolicy, SANDBOX_BUCKET};
use crate::types;
use crate::upload::{ACCEPTED_CONTENT_TYPES, guess_content_type};

const CACHE_CONTROL: &str = "max-age=31536000, must-revalidate";

pub(crate) async fn route(shared: &Shared, req: Request<Incoming>) -> Response<Body> {
    let path = req.uri().path().to_owned();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (req.method(), segments.as_slice()) {
        (_, ["v2", rest @ ..]) => {
            let rest: Vec<String> = rest.iter().map(|s| (*s).to_owned()).collect();
            api(shared, req, &rest).await
        }
        (&Method::GET | &Method::HEAD, ["assets", rest @ ..]) if !rest.is_empty() => {
            hosted(shared, rest).await
        }
        // The sandbox's own counters, for scripts and benchmarks; not an API
        // call (no token, not rate limited, not counted).
        (&Method::GET, ["_sandbox", "stats"]) => {
            json_response(StatusCode::OK, &shared.stats.to_json(), None)
        }
        _ => webflow_error(
            StatusCode::NOT_FOUND,
            "route_not_found",
            "The sandbox serves the Assets API under /v2 and hosted files under /assets",
            vec![],
            None,
        ),
    }
}

/// Every API call: the token, then the rate limit (which counts every call,
/// as Webflow's does), then the operation.
async fn api(shared: &Shared, req: Request<Incoming>, segments: &[String]) -> Response<Body> {
    let expected = format!("Bearer {}", shared.config.token);
    let authorized = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        == Some(expected.as_str());
    if !authorized {
        shared.stats.refused.fetch_add(1, Ordering::Relaxed);
        return webflow_error(
            StatusCode::UNAUTHORIZED,
            "not_authorized",
            "Request not authorized",
            vec![],
            None,
        );
    }
    let rate = shared.limiter.check();
    if !rate.allowed {
        shared.stats.rate_limited.fetch_add(1, Ordering::Relaxed);
        let mut resp = webflow_error(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "Too many requests",
            vec![],
            Some(&rate),
        );
        let secs = rate.retry_after.as_secs_f64().ceil().max(1.0) as u64;
        resp.headers_mut().insert("retry-after", secs.into());
        return resp;
    }
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let method = req.method().clone();
    let query = req.uri().query().unwrap_or_default().to_owned();
    let rate = Some(&rate);
    let resp = match (&method, segs.as_slice()) {
        (&Method::POST, ["sites", site, "assets"]) => create_asset(shared, site, req, rate).await,
        (&Method::GET, ["sites", site, "assets"]) => {
            super::assets::list_assets(shared, site, &query, rate)
        }
        (&Method::GET, ["assets", id]) => super::assets::get_asset(shared, id, rate),
        (&Method::PATCH, ["assets", id]) => {
            let body = read_body(req).await;
            super::assets::update_asset(shared, id, body, rate)
        }
        (&Method::DELETE, ["assets", id]) => super::assets::delete_asset(shared, id, rate).await,
        (&Method::GET, ["sites", site, "asset_folders"]) => {
            super::assets::list_folders(shared, site, &query, rate)
        }
        (&Method::POST, ["sites", site, "asset_folders"]) => {
            let body = read_body(req).await;
            super::assets::create_folder(shared, site, body, rate)
        }
        (&Method::GET, ["asset_folders", id]) => super::assets::get_folder(shared, id, rate),
        (_, ["sites", _, "assets" | "asset_folders"] | ["assets" | "asset_folders", _]) => {
            webflow_error(
                StatusCode::METHOD_NOT_ALLOWED,
                "bad_request",
                "The Assets API has no such method on this path",
                vec![],
                rate,
            )
        }
        _ => webflow_error(
            StatusCode::NOT_FOUND,
            "route_not_found",
            "The sandbox serves the Assets API only",
            vec![],
            rate,
        ),
    };
    if resp.status().is_client_error() {
        shared.stats.refused.fetch_add(1, Ordering::Relaxed);
    }
    resp
}

/// A request body that is not a JSON object of at most 64 KiB.
#[derive(Debug)]
pub(crate) enum BadBody {
    /// Over the limit, or cut.
    TooLarge,
    /// Not JSON, or not an object.
    NotObject,
}

/// A request body as a JSON object.
pub(crate) type JsonBody = Result<serde_json::Map<String, Value>, BadBody>;

async fn read_body(req: Request<Incoming>) -> JsonBody {
    let bytes = Limited::new(req.into_body(), 64 * 1024)
        .collect()
        .await
        .map_err(|_| BadBody::TooLarge)?
        .to_bytes();
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(fields)) => Ok(fields),
        _ => Err(BadBody::NotObject),
    }
}

/// A Webflow error body, with the rate-limit headers when there is a limit.
pub(crate) fn webflow_error(
    status: StatusCode,
    code: &str,
    message: &str,
    details: Vec<Value>,
    rate: Option<&super::faults::RateDecision>,
) -> Response<Body> {
    let body =
        json!({"code": code, "message": message, "externalReference": null, "details": details});
    json_response(status, &body, rate)
}

pub(crate) fn json_response(
    status: StatusCode,
    body: &Value,
    rate: Option<&super::faults::RateDecision>,
) -> Response<Body> {
    let mut resp = Response::new(full(body.to_string()));
    *resp.status_mut() = status;
    let headers = resp.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if let Some(rate) = rate
        && let Some(limit) = rate.limit
    {
        headers.insert("x-ratelimit-limit", limit.into());
        headers.insert("x-ratelimit-remaining", rate.remaining.into());
    }
    resp
}

/// One entry of a 400's `details`, in the form Webflow's spec shows:
/// `{"field": ..., "message": ...}`.
pub(crate) fn detail(field: &str, message: &str) -> Value {
    json!({"field": field, "message": message})
}

/// Checks a request field against the spec's rules for it, as the generated
/// type carries them (pattern, length): the sandbox judges requests by the
/// spec, not by the client's own pre-flight checks, so that the two can
/// disagree and a test can catch it.
pub(crate) fn spec_check<T>(
    field: &str,
    value: Option<&Value>,
    required: bool,
) -> Result<Option<T>, Value>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    match value {
        None if !required => Ok(None),
        None => Err(detail(field, &format!("{field} is required"))),
        Some(Value::String(s)) => s
            .parse::<T>()
            .map(Some)
            .map_err(|e| detail(field, &format!("{field} is invalid: {e}"))),
        Some(_) => Err(detail(field, &format!("{field} must be a string"))),
    }
}

async fn create_asset(
    shared: &Shared,
    site: &str,
    req: Request<Incoming>,
    rate: Option<&super::faults::RateDecision>,
) -> Response<Body> {
    // `api` counts refusals by their status.
    if let Some(resp) = super::assets::check_site(shared, site, rate) {
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
        return super::assets::not_found("folder", rate);
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
    shared.store.add_asset(super::assets::AssetRecord {
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

pub(crate) fn hosted_url(shared: &Shared, site: &str, name: &str) -> String {
    let mut url = url::Url::parse(&format!("http://{}/", shared.api_addr))
        .expect("a socket address makes a URL");
    url.path_segments_mut()
        .expect("http URLs have paths")
        .extend(["assets", site, name]);
    url.to_string()
}

/// Serves a stored file, streamed from disk.
async fn hosted(shared: &Shared, rest: &[&str]) -> Response<Body> {
    let mut path = shared.root.join(SANDBOX_BUCKET);
    for segment in rest {
        let decoded = percent_decode(segment);
        if decoded.is_empty() || decoded == "." || decoded == ".." || decoded.contains(['/', '\\'])
        {
            return no_such_asset();
        }
        path.push(decoded);
    }
    let file = match tokio::fs::File::open(&path).await {
        Ok(f) => f,
        Err(_) => return no_such_asset(),
    };
    let len = file.metadata().await.map(|m| m.len()).unwrap_or(0);
    let name = rest.last().map(|s| percent_decode(s)).unwrap_or_default();
    let content_type =
        guess_content_type(&name).unwrap_or_else(|| "application/octet-stream".to_owned());
    let stream = futures::StreamExt::map(
        tokio_util::io::ReaderStream::with_capacity(file, 256 * 1024),
        |chunk| {
            chunk
                .map(Frame::data)
                .map_err(|e| -> super::server::BoxError { Box::new(e) })
        },
    );
    let mut resp = Response::new(BodyExt::boxed(StreamBody::new(stream)));
    let headers = resp.headers_mut();
    headers.insert(CONTENT_LENGTH, len.into());
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        headers.insert(CONTENT_TYPE, v);
    }
    headers.insert("cache-control", HeaderValue::from_static(CACHE_CONTROL));
    resp
}

fn no_such_asset() -> Response<Body> {
    webflow_error(
        StatusCode::NOT_FOUND,
        "resource_not_found",
        "No such asset",
        vec![],
        None,
    )
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}
