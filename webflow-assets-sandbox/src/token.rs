//! The token and its sites: Get Authorization Info and List Sites, so that
//! a client finds its site id and its scopes as with Webflow.

use hyper::{Response, StatusCode};
use serde_json::json;

use crate::content::Rate;
use crate::respond::{Body, json_response, webflow_error};
use crate::shared::Shared;

/// Every scope the sandbox checks: what its main token holds.
const ALL_SCOPES: [&str; 8] = [
    "assets:read",
    "assets:write",
    "cms:read",
    "cms:write",
    "components:read",
    "pages:read",
    "sites:read",
    "sites:write",
];

/// `GET /token/introspect`: `scopes` is the token's list (`None`: the
/// main token, every scope), written comma-separated as in Webflow's
/// example.
pub(crate) fn introspect(shared: &Shared, scopes: Option<&[String]>, rate: Rate) -> Response<Body> {
    if !shared.config.introspection {
        return webflow_error(
            StatusCode::FORBIDDEN,
            "not_authorized",
            "Access to this endpoint requires a bearer token from a Data Client App",
            vec![],
            rate,
        );
    }
    let scope = match scopes {
        Some(list) => list.join(","),
        None => ALL_SCOPES.join(","),
    };
    json_response(
        StatusCode::OK,
        &json!({
            "authorization": {
                "id": "55818d58616600637b9a5786",
                "grantType": "site_token",
                "rateLimit": shared.config.rate_limit.unwrap_or(120),
                "scope": scope,
                "authorizedTo": {"siteIds": [shared.config.site_id], "workspaceIds": [], "userIds": []},
            },
            "application": null,
        }),
        rate,
    )
}

/// `GET /sites`: the one site.
pub(crate) fn list_sites(shared: &Shared, rate: Rate) -> Response<Body> {
    json_response(
        StatusCode::OK,
        &json!({"sites": [crate::content::site_json(shared)]}),
        rate,
    )
}
