//! Webflow's error response, kept whole: status, headers and body.

use std::fmt;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::snippet;
use crate::rate_limit::RateLimit;
use crate::types::WebflowErrorBody;

/// A Webflow error response: status, headers, and the body, parsed when it
/// is Webflow's JSON error and raw otherwise.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Webflow's error body, when the body is one.
    pub body: Option<WebflowErrorBody>,
    /// The raw body (cut to 2 KiB) when it is not Webflow's error body.
    pub raw_body: Option<String>,
    /// The response headers (rate-limit headers among them).
    pub headers: HeaderMap,
    /// What the request was about, e.g. `asset 64358b9544249dc43d37d2b7`,
    /// so that a 404 names what was not found.
    pub target: Option<String>,
}

impl ApiError {
    /// An error from a status, headers and raw body (parsed when it is
    /// Webflow's JSON error), e.g. for a stand-in of the client in tests.
    pub fn new(status: StatusCode, headers: HeaderMap, body: &[u8]) -> Self {
        let parsed = serde_json::from_slice::<WebflowErrorBody>(body).ok();
        let raw_body = match parsed {
            Some(_) => None,
            None => Some(snippet(body, 2048)),
        };
        Self {
            status,
            body: parsed,
            raw_body,
            headers,
            target: None,
        }
    }

    /// An error from a status, headers and an already parsed body.
    pub fn from_body(status: StatusCode, headers: HeaderMap, body: WebflowErrorBody) -> Self {
        Self {
            status,
            body: Some(body),
            raw_body: None,
            headers,
            target: None,
        }
    }

    /// The scopes a 403's body names as missing: Webflow's message reads
    /// `... missing the following scopes - cms:read, pages:read`; a detail
    /// `{"scope": ...}` or a `missing_scopes` entry is read too.
    pub fn missing_scopes(&self) -> Vec<String> {
        let Some(body) = &self.body else {
            return vec![];
        };
        let is_scope = |s: &str| {
            let s = s.trim_matches(|c: char| c == '`' || c == '\'' || c == '"' || c == '.');
            (s.contains(':') && s.chars().all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '_'))
                .then(|| s.to_owned())
        };
        let mut out: Vec<String> = Vec::new();
        if let Some(i) = body.message.find("scopes") {
            let rest = &body.message[i + "scopes".len()..];
            let rest = rest.trim_start_matches([' ', '-', ':']);
            out.extend(rest.split([',', ' ']).filter_map(is_scope));
        }
        for d in body.details.iter().flatten() {
            let text = match d {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Object(o) => o
                    .get("scope")
                    .or_else(|| o.get("message"))
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned(),
                _ => continue,
            };
            out.extend(text.split([',', ' ']).filter_map(is_scope));
        }
        out.dedup();
        out
    }

    /// The same error, about `target` (e.g. `asset 64358b9544249dc43d37d2b7`).
    pub fn about(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// `X-RateLimit-Remaining` and `X-RateLimit-Limit`, when sent.
    pub fn rate_limit(&self) -> RateLimit {
        RateLimit::from_headers(&self.headers)
    }

    /// Webflow's error code (`validation_error`, `not_authorized`, ...).
    pub fn code(&self) -> Option<&str> {
        self.body.as_ref().and_then(|b| b.code.as_deref())
    }

    /// Webflow's error message.
    pub fn message(&self) -> Option<&str> {
        self.body.as_ref().map(|b| b.message.as_str())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.body, &self.raw_body) {
            (Some(body), _) => {
                if let Some(code) = &body.code {
                    write!(f, "[{code}] ")?;
                }
                f.write_str(&body.message)?;
                if let Some(details) = body.details.as_ref().filter(|d| !d.is_empty()) {
                    let details: Vec<String> = details
                        .iter()
                        .map(|d| match d {
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect();
                    write!(f, " (details: {})", details.join("; "))?;
                }
                if let Some(reference) =
                    body.external_reference.as_deref().filter(|r| !r.is_empty())
                {
                    write!(f, " (see {reference})")?;
                }
                Ok(())
            }
            (None, Some(raw)) if raw.trim().is_empty() => f.write_str("empty body"),
            (None, Some(raw)) => write!(f, "body is not Webflow's JSON error: {raw:?}"),
            (None, None) => f.write_str("no body"),
        }
    }
}
