//! The sandbox's HTTP answers: Webflow's JSON error body and JSON
//! responses with the rate-limit headers. A leaf: it knows no handler.

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};
use serde_json::{Value, json};

use crate::faults::RateDecision;
use webflow_assets::BoxError;

/// The `Cache-Control` Webflow signs into each upload and the CDN serves.
pub(crate) const CACHE_CONTROL: &str = "max-age=31536000, must-revalidate";

/// Every answer's body.
pub(crate) type Body = BoxBody<Bytes, BoxError>;

pub(crate) fn full(body: impl Into<Bytes>) -> Body {
    Full::new(body.into())
        .map_err(|never| match never {})
        .boxed()
}

/// A Webflow error body, with the rate-limit headers when there is a limit.
pub(crate) fn webflow_error(
    status: StatusCode,
    code: &str,
    message: &str,
    details: Vec<Value>,
    rate: Option<&crate::faults::RateDecision>,
) -> Response<Body> {
    let body =
        json!({"code": code, "message": message, "externalReference": null, "details": details});
    json_response(status, &body, rate)
}

pub(crate) fn json_response(
    status: StatusCode,
    body: &Value,
    rate: Option<&crate::faults::RateDecision>,
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

pub(crate) fn invalid(details: Vec<Value>, rate: Option<&RateDecision>) -> Response<Body> {
    webflow_error(
        StatusCode::BAD_REQUEST,
        "validation_error",
        "Validation Error: Invalid request",
        details,
        rate,
    )
}
