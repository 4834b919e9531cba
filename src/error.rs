//! The crate's one error type.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::storage::StorageError;
use crate::types::WebflowErrorBody;

/// Everything that can go wrong talking to Webflow or S3, or before that.
///
/// Each documented status of Create Asset Metadata has its own variant
/// carrying the parsed [`ApiError`]; the `Display` text says what happened
/// and what to do, and never contains the API token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client configuration is unusable (bad base URL, missing token, ...).
    #[error("invalid configuration: {problem}; {fix}")]
    Config {
        /// What is wrong.
        problem: String,
        /// What to do about it.
        fix: String,
    },

    /// An argument or the file itself was refused before any network call.
    #[error("{problem}; {fix}")]
    InvalidInput {
        /// What is wrong.
        problem: String,
        /// What to do about it.
        fix: String,
    },

    /// A local file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// 400: Webflow refused the request as malformed or invalid.
    #[error(
        "Webflow refused the request (400 Bad Request): {0}; check the file name (with an extension, under 100 characters), the MD5 hash and the folder id"
    )]
    BadRequest(Box<ApiError>),

    /// 401: the token is missing, invalid or lacks access.
    #[error(
        "Webflow refused the token (401 Unauthorized): {0}; check that WEBFLOW_TOKEN is a valid site or OAuth token with the `assets:write` scope and access to this site"
    )]
    Unauthorized(Box<ApiError>),

    /// 404: the site (or the folder) does not exist for this token.
    #[error(
        "Webflow found no such site or folder (404 Not Found): {0}; check the site id and the parent folder id"
    )]
    NotFound(Box<ApiError>),

    /// 429: the token's rate limit is reached and the retry budget could not wait for it.
    #[error("Webflow rate limit reached (429 Too Many Requests): {error}; {}", retry_hint(*.retry_after))]
    RateLimited {
        /// The error body and headers.
        error: Box<ApiError>,
        /// How long Webflow asked to wait (`Retry-After`, else `X-RateLimit-Reset`).
        retry_after: Option<Duration>,
    },

    /// 500: Webflow failed.
    #[error("Webflow failed (500 Internal Server Error): {0}; try again later")]
    ServerError(Box<ApiError>),

    /// A status the spec does not document (403, 502, ...).
    #[error("Webflow answered with an unexpected status {}: {error}; {}", .error.status, unexpected_hint(.error.status))]
    UnexpectedStatus {
        /// The status, headers and body.
        error: Box<ApiError>,
    },

    /// A response arrived but its body is not what the spec says.
    #[error(
        "cannot decode Webflow's {status} response: {message}; body starts with: {snippet:?}; check that the base URL is Webflow's API, else its answer changed: look for a newer webflow-assets"
    )]
    Decode {
        /// The status of the response.
        status: StatusCode,
        /// What did not match, with the JSON path of the field when known.
        message: String,
        /// The first bytes of the body.
        snippet: String,
        /// The JSON error itself.
        #[source]
        source: serde_json::Error,
    },

    /// The request timed out.
    #[error("{what} timed out after {after:?}; check the network or raise the timeout")]
    Timeout {
        /// Which request.
        what: &'static str,
        /// The configured timeout.
        after: Duration,
    },

    /// The connection failed or broke.
    #[error("{what} to {} failed: {message}; {}", host.as_deref().unwrap_or("the server"), transport_hint(*.kind, .what))]
    Transport {
        /// Which request.
        what: &'static str,
        /// The host the request went to, when known.
        host: Option<String>,
        /// What the HTTP stack said (never contains the token).
        message: String,
        /// Whether the request never reached the server (connection refused,
        /// DNS failure): always safe to retry.
        not_sent: bool,
        /// What kind of failure it was.
        kind: TransportKind,
        /// The HTTP stack's error.
        #[source]
        source: Option<BoxError>,
    },

    /// S3 refused or failed the upload.
    #[error(transparent)]
    Storage(#[from] StorageError),

    /// The hosted file could not be checked, or is not the file uploaded.
    #[error("verifying {url} failed: {problem}")]
    Verification {
        /// The hosted URL.
        url: String,
        /// The status of the download, when it got an answer that was not a success.
        status: Option<StatusCode>,
        /// What went wrong, and what to do.
        problem: String,
    },
}

/// A boxed error from a lower layer, kept as an [`Error`]'s `source()`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What kind of connection failure an [`Error::Transport`] is. Failures to
/// connect have their own small retry budget (see
/// [`RetryPolicy::connect_attempts`](crate::RetryPolicy::connect_attempts)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The host name did not resolve.
    Dns,
    /// The connection was refused, or could not be opened (including TLS handshakes).
    Connect,
    /// The connection opened, then broke or the body failed.
    Broken,
    /// The request itself could not be built or sent.
    Request,
}

impl TransportKind {
    /// Whether the request never left this machine or never reached the
    /// server (DNS, connect, TLS handshake).
    pub fn is_connect(self) -> bool {
        matches!(self, TransportKind::Dns | TransportKind::Connect)
    }
}

fn transport_hint(kind: TransportKind, what: &str) -> String {
    let base = if what.contains("S3") {
        "the upload URL comes from Webflow"
    } else {
        "check --base-url / WEBFLOW_BASE_URL"
    };
    match kind {
        TransportKind::Dns => format!(
            "the host name does not resolve: check the network connection, DNS and any proxy (HTTPS_PROXY); {base}"
        ),
        TransportKind::Connect => format!(
            "no connection could be opened: check the network connection, a firewall or proxy (HTTPS_PROXY); {base}"
        ),
        TransportKind::Broken => {
            "the connection broke: check the network or proxy, then try again".to_owned()
        }
        TransportKind::Request => format!("the request could not be sent; {base}"),
    }
}

fn retry_hint(after: Option<Duration>) -> String {
    match after {
        Some(d) => format!(
            "wait {}s before retrying, or raise the retry budget",
            d.as_secs().max(1)
        ),
        None => "wait a minute before retrying".to_owned(),
    }
}

fn unexpected_hint(status: StatusCode) -> &'static str {
    match status.as_u16() {
        403 => "the token lacks a permission for this site; check its scopes",
        408 | 502 | 503 | 504 => "Webflow or a proxy is unavailable; try again later",
        _ => "check the base URL and Webflow's status page",
    }
}

impl Error {
    /// The HTTP status, when the error comes from a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::BadRequest(e)
            | Error::Unauthorized(e)
            | Error::NotFound(e)
            | Error::ServerError(e)
            | Error::RateLimited { error: e, .. }
            | Error::UnexpectedStatus { error: e } => Some(e.status),
            Error::Verification { status, .. } => *status,
            Error::Decode { status, .. } => Some(*status),
            Error::Storage(e) => e.status(),
            _ => None,
        }
    }

    /// Whether the same request may succeed if sent again later.
    ///
    /// True for 408, 429, 5xx, timeouts, connection failures and S3's
    /// transient errors. Whether the client retries a given request also
    /// depends on whether it is safe to repeat: see [`crate::RetryPolicy`].
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } | Error::ServerError(_) => true,
            Error::UnexpectedStatus { error } => is_retryable_status(error.status),
            Error::Timeout { .. } | Error::Transport { .. } => true,
            Error::Storage(e) => e.is_retryable(),
            _ => false,
        }
    }

    /// How long the server asked to wait before retrying, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            Error::UnexpectedStatus { error } | Error::ServerError(error) => {
                crate::retry::retry_after(&error.headers)
            }
            _ => None,
        }
    }

    /// The Webflow error, for errors that come from a Webflow response.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::BadRequest(e)
            | Error::Unauthorized(e)
            | Error::NotFound(e)
            | Error::ServerError(e)
            | Error::RateLimited { error: e, .. }
            | Error::UnexpectedStatus { error: e } => Some(e),
            _ => None,
        }
    }

    /// Whether the host could not be reached at all (DNS, refused
    /// connection, TLS handshake).
    pub fn is_connect_failure(&self) -> bool {
        matches!(self, Error::Transport { kind, .. } if kind.is_connect())
    }

    /// What went wrong in a few words, for one-line reports such as retry
    /// notices: `cannot resolve s3.amazonaws.com`, `429 Too Many Requests`.
    pub fn brief(&self) -> String {
        match self {
            Error::Transport {
                kind, host, what, ..
            } => {
                let host = host.as_deref().unwrap_or("the server");
                match kind {
                    TransportKind::Dns => format!("cannot resolve {host}"),
                    TransportKind::Connect => format!("cannot connect to {host}"),
                    TransportKind::Broken => format!("the connection to {host} broke"),
                    TransportKind::Request => format!("{what} could not be sent"),
                }
            }
            Error::Timeout { what, after } => format!("{what} timed out after {after:?}"),
            Error::Storage(e) => match (e.status(), e.s3_error()) {
                (Some(status), Some(body)) => format!("S3 {status}: {}", body.code),
                (Some(status), None) => format!("S3 {status}"),
                _ => e.to_string(),
            },
            other => match other.status() {
                Some(status) => status.to_string(),
                None => other.to_string(),
            },
        }
    }

    pub(crate) fn invalid(problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Error::InvalidInput {
            problem: problem.into(),
            fix: fix.into(),
        }
    }

    pub(crate) fn config(problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Error::Config {
            problem: problem.into(),
            fix: fix.into(),
        }
    }

    /// Maps a transport error of reqwest, keeping the token out: reqwest's
    /// messages name the URL, never the headers.
    pub(crate) fn from_reqwest(what: &'static str, err: reqwest::Error, timeout: Duration) -> Self {
        if err.is_timeout() {
            return Error::Timeout {
                what,
                after: timeout,
            };
        }
        if let Some(changed) = find_source::<crate::source::SourceChanged>(&err) {
            return Error::invalid(
                changed.to_string(),
                "upload it again once nothing writes to it; nothing was stored",
            );
        }
        let message = error_chain(&err);
        let kind = if err.is_connect() {
            if message.contains("dns error") || message.contains("failed to lookup address") {
                TransportKind::Dns
            } else {
                TransportKind::Connect
            }
        } else if err.is_builder() {
            TransportKind::Request
        } else {
            TransportKind::Broken
        };
        Error::Transport {
            what,
            host: err.url().and_then(|u| {
                let host = u.host_str()?;
                Some(match u.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host.to_owned(),
                })
            }),
            message,
            not_sent: kind.is_connect(),
            kind,
            source: Some(Box::new(err)),
        }
    }
}

/// The first error of type `T` in a `source()` chain (io errors wrapping
/// one included).
fn find_source<'a, T: std::error::Error + 'static>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && let Some(found) = io.get_ref().and_then(|inner| inner.downcast_ref::<T>())
        {
            return Some(found);
        }
        next = e.source();
    }
    None
}

pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
}

/// The whole `source()` chain on one line: reqwest's top-level message alone
/// ("error sending request") does not say what went wrong.
pub(crate) fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

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
        }
    }

    /// An error from a status, headers and an already parsed body.
    pub fn from_body(status: StatusCode, headers: HeaderMap, body: WebflowErrorBody) -> Self {
        Self {
            status,
            body: Some(body),
            raw_body: None,
            headers,
        }
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

/// Webflow's per-token rate-limit headers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `X-RateLimit-Remaining`: requests left in the current minute.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Limit`: requests allowed per minute.
    pub limit: Option<u64>,
}

impl RateLimit {
    /// Reads the headers; absent or malformed values are `None`.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0)
                .map(|v| v as u64)
        };
        Self {
            remaining: number("x-ratelimit-remaining"),
            limit: number("x-ratelimit-limit"),
        }
    }
}

/// The first `max` bytes of a body as text, for error messages.
pub(crate) fn snippet(body: &[u8], max: usize) -> String {
    let cut = &body[..body.len().min(max)];
    let mut text = String::from_utf8_lossy(cut).into_owned();
    if body.len() > max {
        text.push('…');
    }
    text
}
