//! The sentences of the errors whose wording depends on what Webflow said.

use std::time::Duration;

use reqwest::StatusCode;

use super::ApiError;

pub(super) fn bad_request(error: &ApiError) -> String {
    if let Some(answer) = not_the_api(error) {
        return elsewhere(&answer);
    }
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
    if let Some(answer) = not_the_api(error) {
        return elsewhere(&answer);
    }
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

/// What a 404 says was not found.
pub(super) enum Lost {
    /// Nothing of Webflow's API answered: the base URL leads elsewhere (a
    /// path without `/v2`, a sandbox's S3 or published site, a web page).
    NotTheApi,
    /// Create Asset Metadata's folder (Webflow's message names it).
    Folder,
    /// Create Asset Metadata's (or a list's) site.
    Site,
    /// What the target names.
    Other,
}

pub(super) fn lost(error: &ApiError) -> Lost {
    if not_the_api(error).is_some() {
        return Lost::NotTheApi;
    }
    let message = error
        .body
        .as_ref()
        .map(|b| b.message.to_ascii_lowercase())
        .unwrap_or_default();
    match &error.target {
        None if message.contains("folder") => Lost::Folder,
        None => Lost::Site,
        Some(_) => Lost::Other,
    }
}

/// What answered, when it is not Webflow's API: a body that is not
/// Webflow's JSON error (an S3 server's XML, a site's 404 page), or
/// Webflow's own `route_not_found` (a path the API does not have: the base
/// URL lacks `/v2` or has more).
pub(super) fn not_the_api(error: &ApiError) -> Option<String> {
    // (An empty body says nothing either way.)
    if let Some(raw) = error.raw_body.as_ref().filter(|r| !r.trim().is_empty()) {
        let kind = error
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("no content type");
        let start: String = raw.chars().take(80).collect();
        return Some(format!("{} with {kind}: {start:?}", error.status));
    }
    let body = error.body.as_ref()?;
    (body.code.as_deref() == Some("route_not_found"))
        .then(|| format!("{} route_not_found: {}", error.status, body.message))
}

/// `crate::DEFAULT_BASE_URL`, written again so that the errors do not
/// depend on the configuration, which depends on them (tests/it/hints.rs
/// holds the two equal).
pub(super) const WEBFLOW_API: &str = "https://api.webflow.com/v2";

/// The sentence for a base URL that does not lead to the API.
fn elsewhere(answer: &str) -> String {
    format!(
        "the base URL does not lead to Webflow's API: it answered {answer}; the API's base URL is {WEBFLOW_API} (a sandbox prints its own, ending in /v2)"
    )
}

pub(super) fn not_found(error: &ApiError) -> String {
    if let Some(answer) = not_the_api(error) {
        return elsewhere(&answer);
    }
    match (&error.target, lost(error)) {
        (Some(target), _) => format!(
            "Webflow found no {target} (404 Not Found): {error}; check the id, and that the token's site holds it"
        ),
        (None, Lost::Folder) => format!(
            "the site has no such asset folder (404 Not Found): {error}; give the id of one of its folders (List Asset Folders gives them)"
        ),
        (None, _) => format!(
            "Webflow found no such site (404 Not Found): {error}; check the site id (List Sites gives the token's sites)"
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

