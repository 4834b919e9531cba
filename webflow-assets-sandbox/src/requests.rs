//! Reading and checking a request before a handler acts on it: the JSON
//! body, ids against the spec's types, the site, paging.

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use serde_json::Value;

use crate::faults::RateDecision;
use crate::respond::{Body, detail, invalid, not_found, webflow_error};
use crate::shared::Shared;
use webflow_assets::types;

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

pub(crate) async fn read_body(req: Request<Incoming>) -> JsonBody {
    read_body_within(req, 64 * 1024).await
}

/// [`read_body`] with another limit: item updates carry rich text.
pub(crate) async fn read_body_within(req: Request<Incoming>, limit: usize) -> JsonBody {
    let bytes = Limited::new(req.into_body(), limit)
        .collect()
        .await
        .map_err(|_| BadBody::TooLarge)?
        .to_bytes();
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(fields)) => Ok(fields),
        _ => Err(BadBody::NotObject),
    }
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

/// An id checked as the spec's path parameter type.
/// An id that Webflow's spec marks `format: objectid` (24 hex digits), as
/// Webflow checks it: a 400 naming the field.
pub(crate) fn check_object_id(field: &str, id: &str) -> Result<(), Value> {
    webflow_assets::validate::object_id(field, id)
        .map_err(|_| detail(field, &format!("{field} must be a valid ID")))
}

pub(crate) fn check_id<T: std::str::FromStr>(field: &str, id: &str) -> Result<(), Value> {
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
pub(crate) type Query = Vec<(String, String)>;

/// `offset` and `limit` of a list, as the spec allows them.
pub(crate) fn page(query: &str) -> Result<(usize, usize, Query), Value> {
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
pub(crate) fn list_request(
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
