//! The one table of which failures are worth another attempt, and whether
//! only for requests that are safe to repeat.

use reqwest::StatusCode;

use super::Error;

impl Error {
    /// Whether the same request may succeed if sent again later.
    ///
    /// True for the transient statuses (408, 429, 500, 502, 503, 504, the set
    /// the AWS SDKs' standard mode retries), timeouts, connection failures
    /// and S3's transient errors; never for 501, 505, other 5xx or other
    /// 4xx. Whether the client retries a given request also depends on
    /// whether it is safe to repeat: see [`crate::RetryPolicy`].
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

#[cfg(test)]
mod tests {
    //! One test per row of [`Error::retry_class`], and the statuses the
    //! rows stand for.
    use super::*;
    use crate::error::{ApiError, Cleanup, StorageError, TransportKind};
    use reqwest::header::HeaderMap;
    use std::time::Duration;

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
        crate::error::status_error(*api(status))
    }
}
