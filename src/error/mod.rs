//! Every error type of the crate: [`Error`], with the Webflow error body it
//! carries ([`ApiError`]) and S3's ([`StorageError`]), and the one table of
//! which failures are worth another attempt.

mod api;
mod storage;

pub use api::ApiError;
pub use storage::{S3ErrorBody, S3ErrorKind, StorageError};

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

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
    #[error("{}", bad_request(.0))]
    BadRequest(Box<ApiError>),

    /// 401: the token is missing, invalid or lacks access.
    #[error(
        "Webflow refused the token (401 Unauthorized): {0}; check that WEBFLOW_TOKEN is a valid site or OAuth token with the `assets:write` scope and access to this site"
    )]
    Unauthorized(Box<ApiError>),

    /// 404: the site (or the folder) does not exist for this token.
    #[error("{}", not_found(.0))]
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

    /// The file could not be uploaded after its asset entry was created:
    /// `source` says why, `cleanup` what became of the entry (by default it
    /// is deleted, so that no broken asset stays in the site).
    #[error("{source}; {cleanup}")]
    UploadAborted {
        /// The asset entry created for the file.
        asset_id: String,
        /// What became of it.
        cleanup: Cleanup,
        /// Why the upload failed.
        #[source]
        source: Box<Error>,
    },

    /// The file was uploaded, but a step after it (setting the alt text or
    /// display name, reading the asset back) failed: the asset exists.
    #[error(
        "uploaded as asset {asset_id}, but {step} failed: {source}; do not upload it again, retry only that step"
    )]
    Unfinished {
        /// The asset, which exists with its file.
        asset_id: String,
        /// The step that failed.
        step: &'static str,
        /// Why.
        #[source]
        source: Box<Error>,
    },

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

/// What became of the asset entry of an upload that failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Cleanup {
    /// Deleted: nothing broken is left in the site.
    Deleted {
        /// The asset id.
        asset_id: String,
    },
    /// The delete failed too: the entry is still there, without its file.
    DeleteFailed {
        /// The asset id.
        asset_id: String,
        /// Why the delete failed.
        error: Box<Error>,
    },
    /// Kept, as asked (`UploadOptions::keep_failed_entry`).
    Kept {
        /// The asset id.
        asset_id: String,
    },
}

impl fmt::Display for Cleanup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cleanup::Deleted { asset_id } => write!(
                f,
                "its asset entry {asset_id} was deleted, so nothing broken is left in the site"
            ),
            Cleanup::DeleteFailed { asset_id, error } => write!(
                f,
                "its asset entry {asset_id} could not be deleted ({}), so it stays in the site without its file: delete asset {asset_id} later (Client::delete_asset, or the site's Assets panel)",
                error.brief()
            ),
            Cleanup::Kept { asset_id } => write!(
                f,
                "its asset entry {asset_id} was kept, without its file, as asked"
            ),
        }
    }
}

fn bad_request(error: &ApiError) -> String {
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

fn not_found(error: &ApiError) -> String {
    match &error.target {
        Some(target) => format!(
            "Webflow found no {target} (404 Not Found): {error}; check the id, and that the token's site holds it"
        ),
        None => format!(
            "Webflow found no such site or folder (404 Not Found): {error}; check the site id and the parent folder id"
        ),
    }
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
        if let Some(inner) = self.wrapped() {
            return inner.status();
        }
        if let Some(api) = self.api_error() {
            return Some(api.status);
        }
        match self {
            Error::Verification { status, .. } => *status,
            Error::Decode { status, .. } => Some(*status),
            Error::Storage(e) => e.status(),
            _ => None,
        }
    }

    /// Whether the same request may succeed if sent again later.
    ///
    /// True for the transient statuses (408, 429, 500, 502, 503, 504, the set
    /// the AWS SDKs' standard mode retries), timeouts, connection failures
    /// and S3's transient errors; never for 501, 505, other 5xx or other 4xx. Whether the client retries a given request also
    /// depends on whether it is safe to repeat: see [`crate::RetryPolicy`].
    pub fn is_retryable(&self) -> bool {
        self.retry_class() != RetryClass::Never
    }

    /// Whether a request that failed this way may have been carried out all
    /// the same: a 500, 502 or 504, a timeout, or a connection that broke
    /// after the request was sent. A create that fails so may have created
    /// its asset or folder: look for it (in a listing) before sending it again.
    ///
    /// ```
    /// # use webflow_assets::{ApiError, Error};
    /// # use reqwest::{StatusCode, header::HeaderMap};
    /// let failed = |status| {
    ///     let error = ApiError::new(StatusCode::from_u16(status).unwrap(), HeaderMap::new(), b"{}");
    ///     Error::ServerError(Box::new(error))
    /// };
    /// assert!(failed(500).outcome_unknown());
    /// ```
    pub fn outcome_unknown(&self) -> bool {
        self.retry_class() == RetryClass::IfRepeatable
    }

    /// The one table of which failures are worth another attempt, and
    /// whether only for requests that are safe to repeat.
    pub(crate) fn retry_class(&self) -> RetryClass {
        match self {
            // The asset entry exists (or was cleaned up): repeating the whole
            // upload is the caller's call, not a retry's.
            Error::UploadAborted { .. } | Error::Unfinished { .. } => RetryClass::Never,
            // The request was refused or never arrived: nothing was done.
            Error::RateLimited { .. } => RetryClass::Always,
            Error::Transport { kind, .. } if kind.is_connect() => RetryClass::Always,
            Error::UnexpectedStatus { error } if matches!(error.status.as_u16(), 408 | 503) => {
                RetryClass::Always
            }
            // The request may have been processed before the failure.
            Error::Transport { .. } | Error::Timeout { .. } | Error::ServerError(_) => {
                RetryClass::IfRepeatable
            }
            // 502 and 504 come from a gateway that may have passed the
            // request on. 501, 505 and the other 5xx say the request itself
            // cannot be served: sending it again changes nothing.
            Error::UnexpectedStatus { error } if matches!(error.status.as_u16(), 502 | 504) => {
                RetryClass::IfRepeatable
            }
            // S3 POSTs overwrite the same key: its own table says.
            Error::Storage(e) if e.is_retryable() => RetryClass::Always,
            _ => RetryClass::Never,
        }
    }

    /// How long the server asked to wait before retrying, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            Error::UnexpectedStatus { error } | Error::ServerError(error) => {
                crate::rate_limit::retry_after(&error.headers)
            }
            _ => None,
        }
    }

    /// What S3's error document means, for errors S3 answered with one.
    pub fn s3_kind(&self) -> Option<S3ErrorKind> {
        self.storage().and_then(StorageError::kind)
    }

    /// S3's error, for errors that are one (or wrap one).
    pub fn storage(&self) -> Option<&StorageError> {
        match self {
            Error::Storage(e) => Some(e),
            other => other.wrapped().and_then(Error::storage),
        }
    }

    /// The error inside [`UploadAborted`](Error::UploadAborted) and
    /// [`Unfinished`](Error::Unfinished).
    pub fn wrapped(&self) -> Option<&Error> {
        match self {
            Error::UploadAborted { source, .. } | Error::Unfinished { source, .. } => Some(source),
            _ => None,
        }
    }

    /// The Webflow error, for errors that come from a Webflow response.
    pub fn api_error(&self) -> Option<&ApiError> {
        if let Some(inner) = self.wrapped() {
            return inner.api_error();
        }
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
        if let Some(changed) = find_source::<SourceChanged>(&err) {
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

/// Whether an HTTP status says the same request may succeed later: 408,
/// 429, 500, 502, 503 and 504, as the AWS SDKs' standard retry mode has it.
pub(crate) fn is_transient_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// Whether a failed request is worth another attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RetryClass {
    /// No: the same request would fail the same way.
    Never,
    /// Yes: the request cannot have been processed (or repeating is harmless).
    Always,
    /// Only if the request is safe to repeat: it may have been processed.
    IfRepeatable,
}

/// The content changed between hashing and the upload: the body stream
/// stops with this error instead of sending other bytes than were hashed.
#[derive(Debug)]
pub(crate) struct SourceChanged {
    pub(crate) source: String,
    pub(crate) expected: u64,
    /// `Some(n)`: it ended after `n` bytes; `None`: it went on past `expected`.
    pub(crate) shorter: Option<u64>,
}

impl fmt::Display for SourceChanged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.shorter {
            Some(n) => write!(
                f,
                "{} changed during the upload: it shrank to {n} bytes after {} were hashed",
                self.source, self.expected
            ),
            None => write!(
                f,
                "{} changed during the upload: it grew past the {} bytes that were hashed",
                self.source, self.expected
            ),
        }
    }
}

impl std::error::Error for SourceChanged {}

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

/// The first `max` bytes of a body as text, for error messages.
pub(crate) fn snippet(body: &[u8], max: usize) -> String {
    let cut = &body[..body.len().min(max)];
    let mut text = String::from_utf8_lossy(cut).into_owned();
    if body.len() > max {
        text.push('…');
    }
    text
}

#[cfg(test)]
mod retry_class_tests {
    //! One test per row of [`Error::retry_class`], and the statuses the
    //! rows stand for.
    use super::*;
    use reqwest::header::HeaderMap;

    fn api(status: u16) -> Box<ApiError> {
        Box::new(ApiError::new(
            StatusCode::from_u16(status).unwrap(),
            HeaderMap::new(),
            b"{}",
        ))
    }

    fn transport(kind: TransportKind) -> Error {
        Error::Transport {
            what: "Get Asset",
            host: Some("api.webflow.com".into()),
            message: "x".into(),
            not_sent: kind.is_connect(),
            kind,
            source: None,
        }
    }

    #[test]
    fn upload_aborted_and_unfinished_are_never_retried() {
        let inner = || Box::new(Error::ServerError(api(500)));
        let aborted = Error::UploadAborted {
            asset_id: "a".into(),
            cleanup: Cleanup::Kept {
                asset_id: "a".into(),
            },
            source: inner(),
        };
        let unfinished = Error::Unfinished {
            asset_id: "a".into(),
            step: "x",
            source: inner(),
        };
        assert_eq!(aborted.retry_class(), RetryClass::Never);
        assert_eq!(unfinished.retry_class(), RetryClass::Never);
    }

    #[test]
    fn rate_limited_is_always_retried() {
        let e = status_error_for(429);
        assert!(matches!(e, Error::RateLimited { .. }));
        assert_eq!(e.retry_class(), RetryClass::Always);
    }

    #[test]
    fn connection_failures_are_always_retried() {
        for kind in [TransportKind::Dns, TransportKind::Connect] {
            assert_eq!(transport(kind).retry_class(), RetryClass::Always, "{kind:?}");
        }
    }

    #[test]
    fn request_timeout_and_unavailable_are_always_retried() {
        for status in [408, 503] {
            assert_eq!(
                status_error_for(status).retry_class(),
                RetryClass::Always,
                "{status}"
            );
        }
    }

    #[test]
    fn failures_after_sending_are_retried_only_if_repeatable() {
        let timeout = Error::Timeout {
            what: "Get Asset",
            after: Duration::from_secs(1),
        };
        for e in [
            transport(TransportKind::Broken),
            timeout,
            status_error_for(500),
        ] {
            assert_eq!(e.retry_class(), RetryClass::IfRepeatable, "{e:?}");
        }
    }

    #[test]
    fn gateway_errors_are_retried_only_if_repeatable() {
        for status in [502, 504] {
            assert_eq!(
                status_error_for(status).retry_class(),
                RetryClass::IfRepeatable,
                "{status}"
            );
        }
    }

    #[test]
    fn transient_s3_errors_are_always_retried() {
        let slow = StorageError::from_response(
            StatusCode::SERVICE_UNAVAILABLE,
            b"<Error><Code>SlowDown</Code><Message>m</Message></Error>",
        );
        assert_eq!(Error::Storage(slow).retry_class(), RetryClass::Always);
        let bare = StorageError::from_response(StatusCode::BAD_GATEWAY, b"not xml");
        assert_eq!(Error::Storage(bare).retry_class(), RetryClass::Always);
    }

    #[test]
    fn everything_else_is_never_retried() {
        // 501, 505 and the other 5xx say the request cannot be served; the
        // 4xx say it is wrong. Neither changes by sending it again.
        for status in [400, 401, 403, 404, 409, 422, 501, 505, 507, 511] {
            let e = status_error_for(status);
            assert_eq!(e.retry_class(), RetryClass::Never, "{status}");
            assert!(!e.is_retryable(), "{status}");
        }
        for status in [501, 505, 403] {
            let s3 = StorageError::from_response(StatusCode::from_u16(status).unwrap(), b"x");
            assert_eq!(Error::Storage(s3).retry_class(), RetryClass::Never, "S3 {status}");
        }
        let invalid = Error::invalid("p", "f");
        assert_eq!(invalid.retry_class(), RetryClass::Never);
    }

    #[test]
    fn transient_statuses_are_the_aws_standard_set() {
        let transient: Vec<u16> = (100..600)
            .filter(|s| StatusCode::from_u16(*s).is_ok_and(is_transient_status))
            .collect();
        assert_eq!(transient, [408, 429, 500, 502, 503, 504]);
    }

    fn status_error_for(status: u16) -> Error {
        crate::client::status_error(*api(status))
    }
}
