//! The sandbox's Webflow side: Create Asset Metadata as the spec describes
//! it, and the hosted URLs that serve stored files back.

use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use std::sync::atomic::Ordering;

use hyper::{Method, Request, Response, StatusCode};

use crate::config::SANDBOX_BUCKET;
use crate::handlers;
use crate::requests::{read_body, read_body_within};
use crate::respond::{Body, CACHE_CONTROL, json_response, webflow_error};
use crate::shared::Shared;
use crate::{cms, content};
use webflow_assets::guess_content_type;

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
            json_response(StatusCode::OK, &shared.stats.snapshot().to_json(), None)
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
    let token = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let Some(scopes) = shared.scopes_of(token) else {
        shared.stats.refused.fetch_add(1, Ordering::Relaxed);
        return webflow_error(
            StatusCode::UNAUTHORIZED,
            "not_authorized",
            "Request not authorized",
            vec![],
            None,
        );
    };
    let scopes: Option<Vec<String>> = scopes.map(<[String]>::to_vec);
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
    if let Some(granted) = &scopes
        && let Some(needed) = required_scope(&method, &segs)
        && !granted.iter().any(|s| s == needed)
    {
        shared.stats.refused.fetch_add(1, Ordering::Relaxed);
        return webflow_error(
            StatusCode::FORBIDDEN,
            "missing_scopes",
            &format!("OAuthForbidden: You are missing the following scopes - {needed}"),
            vec![],
            rate,
        );
    }
    let resp = match (&method, segs.as_slice()) {
        (&Method::GET, ["token", "introspect"]) => {
            crate::token::introspect(shared, scopes.as_deref(), rate)
        }
        (&Method::GET, ["sites"]) => crate::token::list_sites(shared, rate),
        (&Method::GET, ["sites", site]) => content::get_site(shared, site, rate),
        (&Method::GET, ["sites", site, "pages"]) => content::list_pages(shared, site, &query, rate),
        (&Method::GET, ["pages", id, "dom"]) => content::page_content(shared, id, &query, rate),
        (&Method::GET, ["sites", site, "components"]) => {
            content::list_components(shared, site, &query, rate)
        }
        (&Method::GET, ["sites", site, "components", id, "dom"]) => {
            content::component_content(shared, site, id, &query, rate)
        }
        (&Method::GET, ["sites", site, "collections"]) => cms::list_collections(shared, site, rate),
        (&Method::GET, ["collections", id]) => cms::get_collection(shared, id, rate),
        (&Method::GET, ["collections", id, "items"]) => {
            cms::list_items(shared, id, false, &query, rate)
        }
        (&Method::GET, ["collections", id, "items", "live"]) => {
            cms::list_items(shared, id, true, &query, rate)
        }
        (&Method::PATCH, ["collections", id, "items"]) => {
            let body = read_body_within(req, 8 * 1024 * 1024).await;
            cms::update_items(shared, id, false, body, rate)
        }
        (&Method::PATCH, ["collections", id, "items", "live"]) => {
            let body = read_body_within(req, 8 * 1024 * 1024).await;
            cms::update_items(shared, id, true, body, rate)
        }
        (&Method::POST, ["sites", site, "assets"]) => {
            handlers::create_asset(shared, site, req, rate).await
        }
        (&Method::GET, ["sites", site, "assets"]) => {
            handlers::list_assets(shared, site, &query, rate)
        }
        (&Method::GET, ["assets", id]) => handlers::get_asset(shared, id, rate),
        (&Method::PATCH, ["assets", id]) => {
            let body = read_body(req).await;
            handlers::update_asset(shared, id, body, rate)
        }
        (&Method::DELETE, ["assets", id]) => handlers::delete_asset(shared, id, rate).await,
        (&Method::GET, ["sites", site, "asset_folders"]) => {
            handlers::list_folders(shared, site, &query, rate)
        }
        (&Method::POST, ["sites", site, "asset_folders"]) => {
            let body = read_body(req).await;
            handlers::create_folder(shared, site, body, rate)
        }
        (&Method::GET, ["asset_folders", id]) => handlers::get_folder(shared, id, rate),
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
            "The sandbox serves the Assets API and the site, page, component and CMS reads only",
            vec![],
            rate,
        ),
    };
    if resp.status().is_client_error() {
        shared.stats.refused.fetch_add(1, Ordering::Relaxed);
    }
    resp
}

/// The scope a call needs, as Webflow's spec lists it.
fn required_scope(method: &Method, segs: &[&str]) -> Option<&'static str> {
    let read = method == Method::GET;
    Some(match segs {
        ["sites"] | ["sites", _] => "sites:read",
        ["sites", _, "pages"] | ["pages", ..] => "pages:read",
        ["sites", _, "components", ..] => "components:read",
        ["sites", _, "collections"] | ["collections", ..] if read => "cms:read",
        ["collections", ..] => "cms:write",
        ["sites", _, "assets" | "asset_folders"] | ["assets" | "asset_folders", ..] if read => {
            "assets:read"
        }
        ["sites", _, "assets" | "asset_folders"] | ["assets" | "asset_folders", ..] => {
            "assets:write"
        }
        _ => return None,
    })
}

/// Serves a stored file, streamed from disk.
async fn hosted(shared: &Shared, rest: &[&str]) -> Response<Body> {
    let mut path = shared.root.join(SANDBOX_BUCKET);
    for segment in rest {
        let decoded = percent_encoding::percent_decode_str(segment)
            .decode_utf8_lossy()
            .into_owned();
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
    let name = rest
        .last()
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .unwrap_or_default();
    let content_type =
        guess_content_type(&name).unwrap_or_else(|| "application/octet-stream".to_owned());
    let stream = futures::StreamExt::map(
        tokio_util::io::ReaderStream::with_capacity(file, 256 * 1024),
        |chunk| {
            chunk
                .map(Frame::data)
                .map_err(|e| -> webflow_assets::BoxError { Box::new(e) })
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
