//! The second half of an upload: the file goes to S3 as a presigned POST.
//!
//! Usable on its own by anyone who holds an `uploadUrl` and `uploadDetails`:
//! see [`Client::post_presigned`].

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use reqwest::multipart::{Form, Part};
use serde::Deserialize;

use crate::client::Client;
use crate::error::{Error, StorageError, snippet};
use crate::retry::{OnRetry, RetryEvent};
use crate::source::{Progress, UploadSource, hash_source};
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

impl Client {
    /// Posts a file to an S3 presigned POST form (`uploadUrl` and
    /// `uploadDetails` from Webflow or elsewhere): every field in order, the
    /// file last, streamed with its length. Retries 500, 503, SlowDown and
    /// connection failures, reopening the source each time; checks the ETag.
    /// The Webflow token is never sent.
    pub async fn post_presigned(
        &self,
        upload_url: &str,
        fields: &UploadDetails,
        source: &UploadSource,
        options: PostOptions,
    ) -> Result<StoredObject, Error> {
        check_url(upload_url)?;
        if fields.iter().any(|(k, _)| k.eq_ignore_ascii_case("file")) {
            return Err(Error::invalid(
                "uploadDetails has a field named `file`, which would clash with the file part",
                "remove it from the form: S3 expects the file last, as the only `file` field",
            ));
        }
        let (md5, len) = match (options.md5, options.size) {
            (Some(m), Some(len)) => (m, len),
            (Some(m), None) => (m, source.len().await?),
            (None, _) => {
                let digest = hash_source(source).await?;
                (digest.md5, digest.size)
            }
        };
        let content_type = fields
            .content_type()
            .unwrap_or(&options.content_type)
            .to_owned();
        let http = &self.shared.storage;
        let stored = self
            .shared
            .config
            .retry
            .run(
                "the S3 upload",
                true,
                options.on_retry.as_ref(),
                |attempt| {
                    let span = tracing::info_span!(
                        "s3.upload",
                        method = "POST",
                        attempt,
                        key = fields.key().unwrap_or_default()
                    );
                    let progress = options.progress.clone();
                    let (file_name, content_type) = (&options.file_name, &content_type);
                    tracing::Instrument::instrument(
                        async move {
                            post_once(
                                (http, self.shared.config.upload_timeout),
                                upload_url,
                                fields,
                                (source, len),
                                file_name,
                                content_type,
                                progress,
                            )
                            .await
                        },
                        span,
                    )
                },
            )
            .await?;
        verify_etag(&stored, &md5)?;
        Ok(stored)
    }
}

/// The upload URL (and a hosted URL) must be https, or http on loopback (a
/// local S3).
pub(crate) fn check_url(raw: &str) -> Result<(), Error> {
    crate::config::check_url(raw, "upload URL").map(|_| ())
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
pub(crate) fn parse_success(
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
pub(crate) fn verify_etag(stored: &StoredObject, md5_hex: &str) -> Result<(), StorageError> {
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

/// Options of [`Client::post_presigned`](crate::Client::post_presigned).
///
/// ```
/// use webflow_assets::PostOptions;
///
/// let options = PostOptions::new("hero.png", "image/png")
///     .md5("3c7d87c9575702bc3b1e991f4d3c638e")
///     .size(1234);
/// assert_eq!(options.file_name, "hero.png");
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PostOptions {
    /// The `filename` of the file part.
    pub file_name: String,
    /// Content type of the file part when `uploadDetails` names none.
    pub content_type: String,
    /// The file's MD5 (hex), to check S3's ETag against; computed if `None`.
    pub md5: Option<String>,
    /// The number of bytes hashed: exactly this many are sent, and a source
    /// that has changed length since fails the upload. Read from the source
    /// if `None`.
    pub size: Option<u64>,
    /// Progress observer.
    pub progress: Option<Progress>,
    /// Told of each retry.
    pub on_retry: Option<OnRetry>,
}

impl PostOptions {
    /// Options for a file part named `file_name` of `content_type`.
    pub fn new(file_name: impl Into<String>, content_type: impl Into<String>) -> Self {
        Self {
            file_name: file_name.into(),
            content_type: content_type.into(),
            md5: None,
            size: None,
            progress: None,
            on_retry: None,
        }
    }

    /// The file's MD5, to check S3's ETag against.
    pub fn md5(mut self, md5: impl Into<String>) -> Self {
        self.md5 = Some(md5.into());
        self
    }

    /// The file's size as hashed.
    pub fn size(mut self, size: u64) -> Self {
        self.size = Some(size);
        self
    }

    /// A progress observer.
    pub fn progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Called before each retry of the POST.
    pub fn on_retry(mut self, f: impl Fn(&RetryEvent<'_>) + Send + Sync + 'static) -> Self {
        self.on_retry = Some(OnRetry::new(f));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
