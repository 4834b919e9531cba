//! S3's side of an upload going wrong: its XML error document, read into
//! one kind per thing a caller does differently.

use std::fmt;

use reqwest::StatusCode;
use serde::Deserialize;

use super::snippet;

/// An error document from S3 (`<Error><Code>…`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct S3ErrorBody {
    /// S3's error code, e.g. `AccessDenied`.
    #[serde(default)]
    pub code: String,
    /// S3's message.
    #[serde(default)]
    pub message: String,
    /// The request id, for AWS support.
    #[serde(default)]
    pub request_id: Option<String>,
}

impl fmt::Display for S3ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// What an S3 error document means for the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum S3ErrorKind {
    /// The presigned policy has expired.
    PolicyExpired,
    /// The form broke the signed policy: a missing, renamed or extra field,
    /// or a value (content type, key, ...) the policy does not allow.
    PolicyViolation,
    /// The signature does not match the policy.
    SignatureDoesNotMatch,
    /// The file is larger than the policy allows.
    EntityTooLarge,
    /// The file is smaller than the policy allows.
    EntityTooSmall,
    /// S3 asks to slow down (503 SlowDown) or is unavailable.
    SlowDown,
    /// Any other S3 error document.
    Other,
}

impl S3ErrorKind {
    /// The kind of an S3 error code (and message: S3 reports an expired
    /// policy as `AccessDenied` with "expired" in the message).
    pub fn classify(code: &str, message: &str) -> Self {
        match code {
            "AccessDenied" if message.to_ascii_lowercase().contains("expired") => {
                S3ErrorKind::PolicyExpired
            }
            "ExpiredToken" | "RequestExpired" => S3ErrorKind::PolicyExpired,
            "AccessDenied"
            | "InvalidPolicyDocument"
            | "InvalidArgument"
            | "MalformedPOSTRequest" => S3ErrorKind::PolicyViolation,
            "SignatureDoesNotMatch" | "InvalidAccessKeyId" => S3ErrorKind::SignatureDoesNotMatch,
            "EntityTooLarge" => S3ErrorKind::EntityTooLarge,
            "EntityTooSmall" => S3ErrorKind::EntityTooSmall,
            "SlowDown" | "ServiceUnavailable" => S3ErrorKind::SlowDown,
            _ => S3ErrorKind::Other,
        }
    }

    /// What happened and what to do, in words.
    fn explain(self) -> &'static str {
        match self {
            S3ErrorKind::PolicyExpired => {
                "S3 refused the upload because its presigned policy has expired; request a new upload (create the asset metadata again)"
            }
            S3ErrorKind::PolicyViolation => {
                "S3 refused the upload as a policy violation; send every uploadDetails field unchanged, with the content type Webflow gave"
            }
            S3ErrorKind::SignatureDoesNotMatch => {
                "S3 refused the upload signature; the uploadDetails were altered or belong to another upload: create the asset metadata again"
            }
            S3ErrorKind::EntityTooLarge => {
                "S3 refused the file as too large; Webflow accepts images up to 4 MB and documents up to 10 MB"
            }
            S3ErrorKind::EntityTooSmall => {
                "S3 refused the file as too small; check that the file is not empty"
            }
            S3ErrorKind::SlowDown => {
                "S3 asks to slow down; retry later with fewer concurrent uploads"
            }
            S3ErrorKind::Other => "S3 refused the upload",
        }
    }
}

/// S3 refused or failed the upload.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum StorageError {
    /// S3 answered with an error document.
    Refused {
        /// What it means.
        kind: S3ErrorKind,
        /// The HTTP status.
        status: StatusCode,
        /// S3's error.
        body: S3ErrorBody,
    },
    /// S3 answered with something that is not an S3 response.
    Unexpected {
        /// The HTTP status.
        status: StatusCode,
        /// The first bytes of the body.
        snippet: String,
    },
    /// The stored object's ETag is not the file's MD5: the bytes S3 holds
    /// are not the bytes sent.
    ChecksumMismatch {
        /// The MD5 of the file sent.
        md5: String,
        /// The ETag S3 reported.
        etag: String,
    },
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageError::Refused {
                kind: S3ErrorKind::Other,
                status,
                body,
            } => write!(f, "S3 refused the upload with {status} ({body})"),
            StorageError::Refused { kind, body, .. } => {
                // The explanation's first clause, then S3's words, then the fix.
                let text = kind.explain();
                match text.split_once("; ") {
                    Some((what, fix)) => write!(f, "{what} ({body}); {fix}"),
                    None => write!(f, "{text} ({body})"),
                }
            }
            StorageError::Unexpected { status, snippet } => write!(
                f,
                "S3 answered {status} with a body that is not an S3 document: {snippet:?}; check the upload URL"
            ),
            StorageError::ChecksumMismatch { md5, etag } => write!(
                f,
                "S3 stored different bytes than were sent: ETag {etag} but the file's MD5 is {md5}; upload the file again"
            ),
        }
    }
}

impl std::error::Error for StorageError {}

impl StorageError {
    /// The HTTP status S3 answered with, if any.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            StorageError::Refused { status, .. } | StorageError::Unexpected { status, .. } => {
                Some(*status)
            }
            StorageError::ChecksumMismatch { .. } => None,
        }
    }

    /// What S3's error document means, if it sent one.
    pub fn kind(&self) -> Option<S3ErrorKind> {
        match self {
            StorageError::Refused { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// S3's error document, if it sent one.
    pub fn s3_error(&self) -> Option<&S3ErrorBody> {
        match self {
            StorageError::Refused { body, .. } => Some(body),
            _ => None,
        }
    }

    /// Whether sending the same form again may succeed: SlowDown, S3's
    /// transient codes, and the transient statuses (408, 429, 500, 502, 503, 504).
    pub fn is_retryable(&self) -> bool {
        match self {
            StorageError::Refused {
                kind: S3ErrorKind::SlowDown,
                ..
            } => true,
            StorageError::Refused {
                kind: S3ErrorKind::Other,
                status,
                body,
            } => {
                super::is_transient_status(*status)
                    || matches!(
                        body.code.as_str(),
                        "InternalError" | "ServiceUnavailable" | "RequestTimeout"
                    )
            }
            StorageError::Unexpected { status, .. } => super::is_transient_status(*status),
            _ => false,
        }
    }

    /// Maps an S3 error response to its variant.
    pub fn from_response(status: StatusCode, body: &[u8]) -> Self {
        match parse_error(body) {
            Some(doc) => StorageError::Refused {
                kind: S3ErrorKind::classify(&doc.code, &doc.message),
                status,
                body: doc,
            },
            None => StorageError::Unexpected {
                status,
                snippet: snippet(body, 300),
            },
        }
    }
}

fn parse_error(body: &[u8]) -> Option<S3ErrorBody> {
    let text = std::str::from_utf8(body).ok()?;
    let doc: S3ErrorBody = quick_xml::de::from_str(text).ok()?;
    (!doc.code.is_empty()).then_some(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_s3_errors() {
        let xml = |code: &str, msg: &str| {
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{msg}</Message><RequestId>R1</RequestId><HostId>h</HostId></Error>"
            )
        };
        let kind = |status: u16, code: &str, msg: &str| {
            let e = StorageError::from_response(
                StatusCode::from_u16(status).unwrap(),
                xml(code, msg).as_bytes(),
            );
            (e.kind(), e.is_retryable())
        };
        use S3ErrorKind::*;
        assert_eq!(
            kind(
                403,
                "AccessDenied",
                "Invalid according to Policy: Policy expired."
            ),
            (Some(PolicyExpired), false)
        );
        assert_eq!(
            kind(
                403,
                "AccessDenied",
                "Invalid according to Policy: Extra input fields: x"
            ),
            (Some(PolicyViolation), false)
        );
        assert_eq!(
            kind(403, "SignatureDoesNotMatch", "x"),
            (Some(SignatureDoesNotMatch), false)
        );
        assert_eq!(
            kind(400, "EntityTooLarge", "x"),
            (Some(EntityTooLarge), false)
        );
        assert_eq!(
            kind(503, "SlowDown", "Reduce your request rate."),
            (Some(SlowDown), true)
        );
        assert_eq!(kind(500, "InternalError", "x"), (Some(Other), true));
        assert_eq!(kind(400, "Weird", "x"), (Some(Other), false));
        let e =
            StorageError::from_response(StatusCode::FORBIDDEN, xml("AccessDenied", "x").as_bytes());
        assert_eq!(e.s3_error().unwrap().request_id.as_deref(), Some("R1"));
        let e = StorageError::from_response(StatusCode::BAD_GATEWAY, b"<html>bad gateway</html>");
        assert!(matches!(e, StorageError::Unexpected { .. }) && e.is_retryable());
    }
}
