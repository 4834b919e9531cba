//! The second half of an upload: the file goes to S3 as a presigned POST.
//!
//! Usable on its own by anyone who holds an `uploadUrl` and `uploadDetails`:
//! see [`Client::post_presigned`](crate::Client::post_presigned).

use std::fmt;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use reqwest::multipart::{Form, Part};
use serde::Deserialize;

use crate::error::{Error, snippet};
use crate::source::{Progress, UploadSource};
use crate::upload_details::UploadDetails;

/// Where S3 stored the file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct StoredObject {
    /// The status S3 answered with (201, 200 or 204).
    pub status: u16,
    /// The object's URL (`Location`), when S3 gave one.
    pub location: Option<String>,
    /// The bucket, from S3's answer or the form.
    pub bucket: Option<String>,
    /// The object key, from S3's answer or the form.
    pub key: Option<String>,
    /// The ETag without quotes: for a single-part upload, the MD5 in hex.
    pub etag: Option<String>,
}

/// An error document from S3 (`<Error><Code>…`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
#[serde(rename_all = "PascalCase")]
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

/// S3 refused or failed the upload.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// The presigned policy has expired.
    #[error(
        "S3 refused the upload because its presigned policy has expired ({body}); request a new upload (create the asset metadata again)"
    )]
    PolicyExpired {
        /// The HTTP status.
        status: StatusCode,
        /// S3's error.
        body: S3ErrorBody,
    },
    /// The form broke the signed policy: a missing, renamed or extra field,
    /// or a value (content type, key, ...) the policy does not allow.
    #[error(
        "S3 refused the upload as a policy violation ({body}); send every uploadDetails field unchanged, with the content type Webflow gave"
    )]
    PolicyViolation {
        /// The HTTP status.
        status: StatusCode,
        /// S3's error.
        body: S3ErrorBody,
    },
    /// The signature does not match the policy.
    #[error(
        "S3 refused the upload signature ({body}); the uploadDetails were altered or belong to another upload: create the asset metadata again"
    )]
    SignatureDoesNotMatch {
        /// The HTTP status.
        status: StatusCode,
        /// S3's error.
        body: S3ErrorBody,
    },
    /// The file is larger than the policy allows.
    #[error(
        "S3 refused the file as too large ({body}); Webflow accepts images up to 4 MB and documents up to 10 MB"
    )]
    EntityTooLarge {
        /// The HTTP status.
        status: StatusCode,
        /// S3's error.
        body: S3ErrorBody,
    },
    /// The file is smaller than the policy allows.
    #[error("S3 refused the file as too small ({body}); check that the file is not empty")]
    EntityTooSmall {
        /// The HTTP status.
        status: StatusCode,
        /// S3's error.
        body: S3ErrorBody,
    },
    /// S3 asks to slow down (503 SlowDown) or is unavailable.
    #[error("S3 asks to slow down ({body}); retry later with fewer concurrent uploads")]
    SlowDown {
        /// The HTTP status.
        status: StatusCode,
        /// S3's error.
        body: S3ErrorBody,
    },
    /// Any other S3 error document.
    #[error("S3 refused the upload with {status} ({body})")]
    Other {
        /// The HTTP status.
        status: StatusCode,
        /// S3's error.
        body: S3ErrorBody,
    },
    /// S3 answered with something that is not an S3 response.
    #[error(
        "S3 answered {status} with a body that is not an S3 document: {snippet:?}; check the upload URL"
    )]
    Unexpected {
        /// The HTTP status.
        status: StatusCode,
        /// The first bytes of the body.
        snippet: String,
    },
    /// The stored object's ETag is not the file's MD5: the bytes S3 holds
    /// are not the bytes sent.
    #[error(
        "S3 stored different bytes than were sent: ETag {etag} but the file's MD5 is {md5}; upload the file again"
    )]
    ChecksumMismatch {
        /// The MD5 of the file sent.
        md5: String,
        /// The ETag S3 reported.
        etag: String,
    },
}

impl StorageError {
    /// The HTTP status S3 answered with, if any.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            StorageError::PolicyExpired { status, .. }
            | StorageError::PolicyViolation { status, .. }
            | StorageError::SignatureDoesNotMatch { status, .. }
            | StorageError::EntityTooLarge { status, .. }
            | StorageError::EntityTooSmall { status, .. }
            | StorageError::SlowDown { status, .. }
            | StorageError::Other { status, .. }
            | StorageError::Unexpected { status, .. } => Some(*status),
            StorageError::ChecksumMismatch { .. } => None,
        }
    }

    /// S3's error document, if it sent one.
    pub fn s3_error(&self) -> Option<&S3ErrorBody> {
        match self {
            StorageError::PolicyExpired { body, .. }
            | StorageError::PolicyViolation { body, .. }
            | StorageError::SignatureDoesNotMatch { body, .. }
            | StorageError::EntityTooLarge { body, .. }
            | StorageError::EntityTooSmall { body, .. }
            | StorageError::SlowDown { body, .. }
            | StorageError::Other { body, .. } => Some(body),
            _ => None,
        }
    }

    /// Whether sending the same form again may succeed: 500, 503 and SlowDown.
    pub fn is_retryable(&self) -> bool {
        match self {
            StorageError::SlowDown { .. } => true,
            StorageError::Other { status, body } => {
                status.is_server_error()
                    || matches!(
                        body.code.as_str(),
                        "InternalError" | "ServiceUnavailable" | "RequestTimeout"
                    )
            }
            StorageError::Unexpected { status, .. } => status.is_server_error(),
            _ => false,
        }
    }

    /// Maps an S3 error response to its variant.
    pub fn from_response(status: StatusCode, body: &[u8]) -> Self {
        let Some(doc) = parse_error(body) else {
            return StorageError::Unexpected {
                status,
                snippet: snippet(body, 300),
            };
        };
        let message = doc.message.to_ascii_lowercase();
        match doc.code.as_str() {
            "AccessDenied" if message.contains("expired") => {
                StorageError::PolicyExpired { status, body: doc }
            }
            "ExpiredToken" | "RequestExpired" => StorageError::PolicyExpired { status, body: doc },
            "AccessDenied"
            | "InvalidPolicyDocument"
            | "InvalidArgument"
            | "MalformedPOSTRequest" => StorageError::PolicyViolation { status, body: doc },
            "SignatureDoesNotMatch" | "InvalidAccessKeyId" => {
                StorageError::SignatureDoesNotMatch { status, body: doc }
            }
            "EntityTooLarge" => StorageError::EntityTooLarge { status, body: doc },
            "EntityTooSmall" => StorageError::EntityTooSmall { status, body: doc },
            "SlowDown" | "ServiceUnavailable" => StorageError::SlowDown { status, body: doc },
            _ => StorageError::Other { status, body: doc },
        }
    }
}

fn parse_error(body: &[u8]) -> Option<S3ErrorBody> {
    let text = std::str::from_utf8(body).ok()?;
    let doc: S3ErrorBody = quick_xml::de::from_str(text).ok()?;
    (!doc.code.is_empty()).then_some(doc)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PostResponse {
    location: Option<String>,
    bucket: Option<String>,
    key: Option<String>,
    #[serde(rename = "ETag")]
    etag: Option<String>,
}

/// Parses S3's success answer: the XML `PostResponse` for 201, headers only
/// for 200 and 204.
pub fn parse_success(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    form: &UploadDetails,
) -> Result<StoredObject, StorageError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let mut doc = PostResponse::default();
    if status == StatusCode::CREATED {
        let text = std::str::from_utf8(body).ok();
        doc = match text.and_then(|t| quick_xml::de::from_str::<PostResponse>(t).ok()) {
            Some(doc) => doc,
            None => {
                return Err(StorageError::Unexpected {
                    status,
                    snippet: snippet(body, 300),
                });
            }
        };
    }
    let etag = doc
        .etag
        .or_else(|| header("etag"))
        .map(|e| e.trim().trim_matches('"').to_owned());
    Ok(StoredObject {
        status: status.as_u16(),
        location: doc.location.or_else(|| header("location")),
        bucket: doc.bucket.or_else(|| form.bucket().map(str::to_owned)),
        key: doc.key.or_else(|| form.key().map(str::to_owned)),
        etag,
    })
}

/// Checks an ETag against the MD5 of the file. Multipart ETags
/// (`<md5>-<parts>`) are not MD5s of the content and are not compared.
pub fn verify_etag(stored: &StoredObject, md5_hex: &str) -> Result<(), StorageError> {
    match &stored.etag {
        Some(etag) if !etag.contains('-') && !etag.eq_ignore_ascii_case(md5_hex) => {
            Err(StorageError::ChecksumMismatch {
                md5: md5_hex.to_owned(),
                etag: etag.clone(),
            })
        }
        _ => Ok(()),
    }
}

/// Posts a file to an S3 presigned POST form: every `fields` entry in order,
/// then the `file` part, with `Content-Length` set and no `Authorization`.
///
/// One attempt; [`crate::Client::post_presigned`] adds retries and the ETag check.
pub(crate) async fn post_once(
    (http, timeout): (&reqwest::Client, std::time::Duration),
    upload_url: &str,
    fields: &UploadDetails,
    (source, len): (&UploadSource, u64),
    file_name: &str,
    content_type: &str,
    progress: Option<Progress>,
) -> Result<StoredObject, Error> {
    const WHAT: &str = "the S3 upload";
    let mut form = Form::new();
    for (key, value) in fields.iter() {
        form = form.text(key.to_owned(), value.to_owned());
    }
    let body = source.body(len, progress).await?;
    let part = Part::stream_with_length(body, len)
        .file_name(file_name.to_owned())
        .mime_str(content_type)
        .map_err(|_| {
            Error::invalid(
                format!("the content type {content_type:?} is not a valid MIME type"),
                "pass a content type such as image/png",
            )
        })?;
    form = form.part("file", part);

    let response = http
        .post(upload_url)
        .multipart(form)
        .send()
        .await
        .map_err(|e| Error::from_reqwest(WHAT, e, timeout))?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| Error::from_reqwest(WHAT, e, timeout))?;
    if status.is_success() {
        Ok(parse_success(status, &headers, &body, fields)?)
    } else {
        Err(StorageError::from_response(status, &body).into())
    }
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
        let e = StorageError::from_response(
            StatusCode::FORBIDDEN,
            xml(
                "AccessDenied",
                "Invalid according to Policy: Policy expired.",
            )
            .as_bytes(),
        );
        assert!(matches!(e, StorageError::PolicyExpired { .. }), "{e:?}");
        let e = StorageError::from_response(
            StatusCode::FORBIDDEN,
            xml(
                "AccessDenied",
                "Invalid according to Policy: Extra input fields: x",
            )
            .as_bytes(),
        );
        assert!(matches!(e, StorageError::PolicyViolation { .. }), "{e:?}");
        assert_eq!(e.s3_error().unwrap().request_id.as_deref(), Some("R1"));
        let e = StorageError::from_response(
            StatusCode::FORBIDDEN,
            xml("SignatureDoesNotMatch", "x").as_bytes(),
        );
        assert!(matches!(e, StorageError::SignatureDoesNotMatch { .. }));
        let e = StorageError::from_response(
            StatusCode::BAD_REQUEST,
            xml("EntityTooLarge", "x").as_bytes(),
        );
        assert!(matches!(e, StorageError::EntityTooLarge { .. }) && !e.is_retryable());
        let e = StorageError::from_response(
            StatusCode::SERVICE_UNAVAILABLE,
            xml("SlowDown", "Reduce your request rate.").as_bytes(),
        );
        assert!(matches!(e, StorageError::SlowDown { .. }) && e.is_retryable());
        let e = StorageError::from_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            xml("InternalError", "x").as_bytes(),
        );
        assert!(matches!(e, StorageError::Other { .. }) && e.is_retryable());
        let e = StorageError::from_response(StatusCode::BAD_GATEWAY, b"<html>bad gateway</html>");
        assert!(matches!(e, StorageError::Unexpected { .. }) && e.is_retryable());
    }

    #[test]
    fn parses_post_response_and_checks_etag() {
        let body = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse><Location>https://b.s3.amazonaws.com/k%2Fa.png</Location><Bucket>b</Bucket><Key>k/a.png</Key><ETag>\"3c7d87c9575702bc3b1e991f4d3c638e\"</ETag></PostResponse>";
        let form = UploadDetails::default();
        let stored = parse_success(StatusCode::CREATED, &HeaderMap::new(), body, &form).unwrap();
        assert_eq!(stored.key.as_deref(), Some("k/a.png"));
        assert_eq!(stored.bucket.as_deref(), Some("b"));
        assert_eq!(
            stored.etag.as_deref(),
            Some("3c7d87c9575702bc3b1e991f4d3c638e")
        );
        assert!(verify_etag(&stored, "3c7d87c9575702bc3b1e991f4d3c638e").is_ok());
        assert!(matches!(
            verify_etag(&stored, "00000000000000000000000000000000"),
            Err(StorageError::ChecksumMismatch { .. })
        ));

        let mut headers = HeaderMap::new();
        headers.insert("etag", "\"abc-2\"".parse().unwrap());
        let form = UploadDetails::from_pairs([("key", "k/b.pdf"), ("bucket", "bb")]);
        let stored = parse_success(StatusCode::NO_CONTENT, &headers, b"", &form).unwrap();
        assert_eq!(
            (stored.key.as_deref(), stored.bucket.as_deref()),
            (Some("k/b.pdf"), Some("bb"))
        );
        assert!(verify_etag(&stored, "00000000000000000000000000000000").is_ok());
        assert!(parse_success(StatusCode::CREATED, &HeaderMap::new(), b"not xml", &form).is_err());
    }
}
