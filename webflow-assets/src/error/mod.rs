//! Every error type of the crate: [`Error`], with the Webflow error body it
//! carries ([`ApiError`]) and S3's ([`StorageError`]), and the one table of
//! which failures are worth another attempt.

mod api;
mod hint;
mod messages;
mod storage;
mod retry_table;
mod transport;
#[cfg(test)]
mod chain_tests;

pub use api::ApiError;
pub use storage::{S3ErrorBody, S3ErrorKind, StorageError};
pub use transport::TransportKind;
pub(crate) use transport::{SourceChanged, error_chain, snippet};
use messages::{bad_request, forbidden, not_found, retry_hint, unexpected_hint};
use transport::transport_hint;
pub use hint::{Hint, Setting};
pub(crate) use retry_table::{RetryClass, is_transient_status};

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
    #[non_exhaustive]
    Config {
        /// What is wrong.
        problem: String,
        /// What to do about it.
        fix: String,
    },

    /// An argument or the file itself was refused before any network call.
    #[error("{problem}; {fix}")]
    #[non_exhaustive]
    InvalidInput {
        /// What is wrong.
        problem: String,
        /// What to do about it.
        fix: String,
        /// The setting the fix names, as a value ([`Error::hints`]).
        setting: Option<Setting>,
    },

    /// A local file could not be read; `source` says why.
    #[error("cannot read {path}")]
    #[non_exhaustive]
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
        "Webflow refused the token (401 Unauthorized): {0}; check that the token is a valid site or OAuth token with the `assets:write` scope and access to this site"
    )]
    Unauthorized(Box<ApiError>),

    /// 403: the token lacks a scope the operation needs (Webflow's
    /// `missing_scopes`), or access to the resource.
    /// [`missing_scopes`](Error::missing_scopes) names the scopes.
    #[error("{}", forbidden(.0))]
    Forbidden(Box<ApiError>),

    /// 404: the site (or the folder) does not exist for this token.
    #[error("{}", not_found(.0))]
    NotFound(Box<ApiError>),

    /// 429: the token's rate limit is reached and the retry budget could not wait for it.
    #[error("Webflow rate limit reached (429 Too Many Requests): {error}; {}", retry_hint(*.retry_after))]
    #[non_exhaustive]
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
    #[non_exhaustive]
    UnexpectedStatus {
        /// The status, headers and body.
        error: Box<ApiError>,
    },

    /// A response arrived but its body is not what the spec says.
    #[error(
        "cannot decode Webflow's {status} response{}; body starts with: {snippet:?}; check that the base URL is Webflow's API, else its answer changed: look for a newer webflow-assets",
        path.as_deref().map(|p| format!(" at `{p}`")).unwrap_or_default()
    )]
    #[non_exhaustive]
    Decode {
        /// The status of the response.
        status: StatusCode,
        /// What did not match, with the JSON path of the field when known.
        message: String,
        /// The JSON path of the field that did not match, when known.
        path: Option<String>,
        /// The first bytes of the body.
        snippet: String,
        /// The JSON error itself.
        #[source]
        source: serde_json::Error,
    },

    /// The request timed out.
    #[error("{what} timed out after {after:?}; check the network or raise the timeout")]
    #[non_exhaustive]
    Timeout {
        /// Which request.
        what: &'static str,
        /// The configured timeout.
        after: Duration,
    },

    /// The connection failed or broke; `source` is the HTTP stack's error.
    #[error("{what} to {} failed: {}", host.as_deref().unwrap_or("the server"), transport_hint(*.kind, .what))]
    #[non_exhaustive]
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
    #[error("the file could not be stored after its asset entry was created; {cleanup}")]
    #[non_exhaustive]
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
        "uploaded as asset {asset_id}, but {step} failed; do not upload it again, retry only that step"
    )]
    #[non_exhaustive]
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
    #[non_exhaustive]
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

/// A boxed error from a lower layer, kept as an [`Error`]'s `source()`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

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
            | Error::Forbidden(e)
            | Error::NotFound(e)
            | Error::ServerError(e)
            | Error::RateLimited { error: e, .. }
            | Error::UnexpectedStatus { error: e } => Some(e),
            _ => None,
        }
    }

    /// The scopes a 403 says the token lacks (`cms:read`, ...); empty for
    /// every other error, and for a 403 that names none.
    pub fn missing_scopes(&self) -> Vec<String> {
        match self {
            Error::Forbidden(e) => e.missing_scopes(),
            other => other.wrapped().map(Error::missing_scopes).unwrap_or_default(),
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
            setting: None,
        }
    }

    pub(crate) fn config(problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Error::Config {
            problem: problem.into(),
            fix: fix.into(),
        }
    }

}

/// The variant for a Webflow error response, by status.
pub(crate) fn status_error(error: ApiError) -> Error {
    let error = Box::new(error);
    match error.status.as_u16() {
        400 => Error::BadRequest(error),
        401 => Error::Unauthorized(error),
        403 => Error::Forbidden(error),
        404 => Error::NotFound(error),
        429 => Error::RateLimited {
            retry_after: crate::rate_limit::retry_after(&error.headers),
            error,
        },
        500 => Error::ServerError(error),
        _ => Error::UnexpectedStatus { error },
    }
}
