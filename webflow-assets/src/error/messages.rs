//! The sentences of the errors whose wording depends on what Webflow said.

use std::time::Duration;

use reqwest::StatusCode;

use super::ApiError;

pub(super) fn bad_request(error: &ApiError) -> String {
    match &error.target {
        // Create Asset Metadata sends no target: its fields are the usual cause.
        None => format!(
            "Webflow refused the request (400 Bad Request): {error}; check the file name (with an extension, under 100 characters), the MD5 hash and the folder id"
        ),
        Some(target) => format!(
            "Webflow refused the request about {target} (400 Bad Request): {error}; check the ids and fields sent"
        ),
    }
}

pub(super) fn forbidden(error: &ApiError) -> String {
    let about = match &error.target {
        Some(target) => format!(" about {target}"),
        None => String::new(),
    };
    let scopes = error.missing_scopes();
    if scopes.is_empty() {
        format!(
            "Webflow refused the request{about} (403 Forbidden): {error}; check that the token has access to this site and the scopes the call needs"
        )
    } else {
        format!(
            "the token lacks the scope {} (403 Forbidden{about}): {error}; create a token with {} as well",
            scopes.join(", "),
            scopes.join(", ")
        )
    }
}

pub(super) fn not_found(error: &ApiError) -> String {
    match &error.target {
        Some(target) => format!(
            "Webflow found no {target} (404 Not Found): {error}; check the id, and that the token's site holds it"
        ),
        None => format!(
            "Webflow found no such site or folder (404 Not Found): {error}; check the site id and the parent folder id"
        ),
    }
}

pub(super) fn retry_hint(after: Option<Duration>) -> String {
    match after {
        Some(d) => format!(
            "wait {}s before retrying, or raise the retry budget",
            d.as_secs().max(1)
        ),
        None => "wait a minute before retrying".to_owned(),
    }
}

pub(super) fn unexpected_hint(status: StatusCode) -> &'static str {
    match status.as_u16() {
        403 => "the token lacks a permission for this site; check its scopes",
        408 | 502 | 503 | 504 => "Webflow or a proxy is unavailable; try again later",
        _ => "check the base URL and Webflow's status page",
    }
}

