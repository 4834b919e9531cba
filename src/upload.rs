//! The full upload: checks, MD5, Create Asset Metadata, S3 presigned POST,
//! ETag verification.

use std::path::Path;

use crate::client::Client;
use crate::error::Error;
use crate::hash::{FileDigest, hash_source};
use crate::retry::{OnRetry, RetryEvent};
use crate::source::{Progress, UploadSource};
use crate::storage::{self, StoredObject};
use crate::types::{AssetUpload, CreateAssetRequest};
use crate::upload_details::UploadDetails;
use crate::validate;

/// Webflow's size limits per kind of file. They change from time to time,
/// hence overridable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest image, in bytes (default 4 MiB).
    pub image_bytes: u64,
    /// Largest document (and anything not an image), in bytes (default 10 MiB).
    pub document_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            image_bytes: 4 * 1024 * 1024,
            document_bytes: 10 * 1024 * 1024,
        }
    }
}

impl Limits {
    /// No size limit, for servers that accept anything (e.g. a sandbox).
    pub fn unlimited() -> Self {
        Self {
            image_bytes: u64::MAX,
            document_bytes: u64::MAX,
        }
    }
}

/// The content types Webflow accepts for assets: PNG, JPEG, GIF, SVG, WebP
/// and AVIF images; PDF, Word, Excel, PowerPoint, text, CSV and OpenDocument
/// documents; Lottie JSON.
pub const ACCEPTED_CONTENT_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/svg+xml",
    "image/webp",
    "image/avif",
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "text/plain",
    "text/csv",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/json",
];

/// Options of [`Client::upload`].
///
/// ```
/// use webflow_assets::{Limits, UploadOptions};
///
/// let options = UploadOptions::new()
///     .file_name("hero.png")
///     .parent_folder("6436b1ce5281cace05b65aea")
///     .limits(Limits { image_bytes: 8 << 20, ..Limits::default() })
///     .on_progress(|sent, total| eprintln!("{sent}/{total}"));
/// # let _ = options;
/// ```
#[derive(Clone, Debug, Default)]
pub struct UploadOptions {
    file_name: Option<String>,
    parent_folder: Option<String>,
    content_type: Option<String>,
    progress: Option<Progress>,
    limits: Limits,
    any_content_type: bool,
    digest: Option<FileDigest>,
    on_retry: Option<OnRetry>,
}

impl UploadOptions {
    /// Default options: the name from the path, no folder, the content type
    /// guessed from the extension, Webflow's limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// The asset's file name (default: the path's file name).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The asset folder (`parentFolder`), a 24-hex Webflow id.
    pub fn parent_folder(mut self, folder: impl Into<String>) -> Self {
        self.parent_folder = Some(folder.into());
        self
    }

    /// The content type, instead of the one guessed from the extension.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Skip the check against [`ACCEPTED_CONTENT_TYPES`] (for when Webflow
    /// accepts more than this crate knows).
    pub fn allow_any_content_type(mut self, allow: bool) -> Self {
        self.any_content_type = allow;
        self
    }

    /// Size limits (default: Webflow's).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Called with (bytes sent, total) while the file goes to S3.
    pub fn on_progress(mut self, f: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Progress::new(f));
        self
    }

    /// The file's MD5 and size, when the caller already hashed it (to decide
    /// whether to upload at all, say): the upload then reads the file once.
    /// The size is still checked against the file.
    pub fn digest(mut self, digest: FileDigest) -> Self {
        self.digest = Some(digest);
        self
    }

    /// The same, with an existing observer.
    pub fn progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Called before each retry of this upload's requests (Create Asset
    /// Metadata and the S3 POST), e.g. to tell a user why it is waiting.
    ///
    /// ```
    /// use webflow_assets::UploadOptions;
    ///
    /// let options = UploadOptions::new().on_retry(|event| eprintln!("photo.png: {event}"));
    /// # let _ = options;
    /// ```
    pub fn on_retry(mut self, f: impl Fn(&RetryEvent<'_>) + Send + Sync + 'static) -> Self {
        self.on_retry = Some(OnRetry::new(f));
        self
    }
}

/// An asset that is in Webflow and whose bytes S3 confirmed.
#[derive(Clone, Debug, serde::Serialize)]
#[non_exhaustive]
pub struct UploadedAsset {
    /// The asset id.
    pub id: String,
    /// The asset's public URL (`hostedUrl`).
    pub hosted_url: Option<String>,
    /// The S3 link (`assetUrl`).
    pub asset_url: Option<String>,
    /// The file name sent.
    pub file_name: String,
    /// The content type sent with the file.
    pub content_type: String,
    /// Bytes uploaded.
    pub size: u64,
    /// MD5 of the bytes, 32 lowercase hex characters.
    pub md5: String,
    /// The folder, if any.
    pub parent_folder: Option<String>,
    /// What S3 reported.
    pub storage: StoredObject,
}

/// Options of [`Client::post_presigned`].
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

/// The checked plan of an upload, made before any network call.
#[derive(Clone, Debug)]
struct Plan {
    file_name: String,
    content_type: String,
    size: u64,
}

/// Guesses a content type from a file name's extension.
pub fn guess_content_type(file_name: &str) -> Option<String> {
    let ext = validate::extension(file_name)?.to_ascii_lowercase();
    // mime_guess calls .json application/json and .csv text/csv, as Webflow
    // does; .lottie is a zip of Lottie JSON.
    mime_guess::from_ext(&ext)
        .first()
        .map(|m| m.essence_str().to_owned())
}

fn plan(source: &UploadSource, size: u64, options: &UploadOptions) -> Result<Plan, Error> {
    if let (None, UploadSource::Path(path)) = (&options.file_name, source)
        && path.file_name().is_some_and(|n| n.to_str().is_none())
    {
        // A lossy conversion would upload the asset under a name with U+FFFD
        // in it, which matches no file anyone has.
        return Err(Error::invalid(
            format!("the file name of {} is not valid UTF-8", path.display()),
            "rename the file, or give the asset a name (UploadOptions::file_name, or --name in the CLI)",
        ));
    }
    let file_name = match (&options.file_name, source.file_name()) {
        (Some(name), _) => name.clone(),
        (None, Some(name)) => name,
        (None, None) => {
            return Err(Error::invalid(
                "no file name was given for an upload from memory or a reader",
                "set UploadOptions::file_name, e.g. \"photo.png\"",
            ));
        }
    };
    validate::file_name(&file_name)?;
    if let Some(folder) = &options.parent_folder {
        validate::object_id("parent folder id", folder)?;
    }
    let shown = source.describe();
    if size == 0 {
        return Err(Error::invalid(
            format!("{shown} is empty"),
            "Webflow does not accept empty files; check the file",
        ));
    }
    let content_type = match &options.content_type {
        Some(ct) => ct.trim().to_ascii_lowercase(),
        None => guess_content_type(&file_name).ok_or_else(|| {
            Error::invalid(
                format!("the content type of {file_name:?} cannot be guessed from its extension"),
                "rename the file with a known extension or set the content type",
            )
        })?,
    };
    if !options.any_content_type && !ACCEPTED_CONTENT_TYPES.contains(&content_type.as_str()) {
        return Err(Error::invalid(
            format!("{file_name:?} is {content_type}, which Webflow does not accept as an asset"),
            "upload an image (PNG, JPEG, GIF, SVG, WebP, AVIF) or a document (PDF, DOC(X), XLS(X), PPT(X), TXT, CSV, ODT/ODS/ODP, Lottie JSON), or allow any content type",
        ));
    }
    let (kind, limit) = if content_type.starts_with("image/") {
        ("images", options.limits.image_bytes)
    } else {
        ("documents", options.limits.document_bytes)
    };
    if size > limit {
        return Err(Error::invalid(
            format!(
                "{shown} is {} bytes; Webflow accepts {kind} up to {limit} bytes",
                size
            ),
            "compress or split the file, or raise the limit if Webflow's has changed",
        ));
    }
    Ok(Plan {
        file_name,
        content_type,
        size,
    })
}

impl Client {
    /// Uploads a file to a site: checks it, hashes it (streamed), creates the
    /// asset metadata, posts the file to S3 (streamed, retried on transient
    /// failures) and verifies S3's ETag against the MD5.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), webflow_assets::Error> {
    /// use webflow_assets::{Client, UploadOptions, UploadSource};
    ///
    /// let client = Client::from_env()?;
    /// let asset = client
    ///     .upload("580e63e98c9a982ac9b8b741", UploadSource::path("hero.png"), UploadOptions::new())
    ///     .await?;
    /// println!("{} is at {:?}", asset.id, asset.hosted_url);
    /// # Ok(()) }
    /// ```
    pub async fn upload(
        &self,
        site_id: &str,
        source: impl Into<UploadSource>,
        options: UploadOptions,
    ) -> Result<UploadedAsset, Error> {
        let source = source.into();
        validate::object_id("site id", site_id)?;
        let size = source.check().await?;
        let plan = plan(&source, size, &options)?;

        let digest = match options.digest.clone() {
            Some(d) => {
                validate::md5_hex(&d.md5)?;
                d
            }
            None => hash_source(&source).await?,
        };
        if digest.size != plan.size {
            return Err(Error::invalid(
                format!(
                    "{} changed while it was being read ({} bytes, then {})",
                    source.describe(),
                    plan.size,
                    digest.size
                ),
                "upload it again once nothing writes to it",
            ));
        }
        let request = CreateAssetRequest::new(
            &plan.file_name,
            &digest.md5,
            options.parent_folder.as_deref(),
        )?;
        let created = self
            .create_asset_metadata_notifying(site_id, &request, options.on_retry.as_ref())
            .await?;
        self.finish_upload(created, &source, plan, digest, options)
            .await
    }

    async fn finish_upload(
        &self,
        created: AssetUpload,
        source: &UploadSource,
        plan: Plan,
        digest: FileDigest,
        options: UploadOptions,
    ) -> Result<UploadedAsset, Error> {
        // S3 checks the file part's content type against the policy, so the
        // one Webflow signed wins over the local guess.
        let content_type = created
            .upload_details
            .content_type()
            .map(str::to_owned)
            .unwrap_or(plan.content_type);
        let post = PostOptions {
            file_name: plan.file_name.clone(),
            content_type: content_type.clone(),
            md5: Some(digest.md5.clone()),
            size: Some(digest.size),
            progress: options.progress,
            on_retry: options.on_retry,
        };
        let stored = self
            .post_presigned(&created.upload_url, &created.upload_details, source, post)
            .await?;
        Ok(UploadedAsset {
            id: created.id,
            hosted_url: created.hosted_url,
            asset_url: created.asset_url,
            file_name: plan.file_name,
            content_type,
            size: digest.size,
            md5: digest.md5,
            parent_folder: created.parent_folder,
            storage: stored,
        })
    }

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
        check_upload_url(upload_url)?;
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
                            storage::post_once(
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
        storage::verify_etag(&stored, &md5)?;
        Ok(stored)
    }

    /// Downloads an uploaded asset from its hosted URL (streamed; no token
    /// sent) and checks that its MD5 is the one uploaded: proof that what is
    /// served is what was sent. Hosted URLs can take a moment to appear on a
    /// CDN, so a 403/404 right after an upload may be worth a retry later.
    pub async fn verify_hosted(&self, asset: &UploadedAsset) -> Result<(), Error> {
        use md5::Digest;
        let Some(url) = asset.hosted_url.as_deref() else {
            return Err(Error::invalid(
                format!("asset {} has no hosted URL to verify it by", asset.id),
                "look the asset up in Webflow",
            ));
        };
        let failed = |status: Option<reqwest::StatusCode>, problem: String| Error::Verification {
            url: url.to_owned(),
            status,
            problem,
        };
        check_upload_url(url)?;
        let mut response = self
            .shared
            .storage
            .get(url)
            .send()
            .await
            .map_err(|e| failed(None, crate::error::error_chain(&e)))?;
        if !response.status().is_success() {
            return Err(failed(
                Some(response.status()),
                format!(
                    "the server answered {}; try again in a moment",
                    response.status()
                ),
            ));
        }
        let mut hasher = md5::Md5::new();
        let mut size = 0u64;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| failed(None, crate::error::error_chain(&e)))?
        {
            hasher.update(&chunk);
            size += chunk.len() as u64;
        }
        let md5 = hex::encode(hasher.finalize());
        if md5 != asset.md5 || size != asset.size {
            return Err(failed(
                None,
                format!(
                    "it serves {size} bytes with MD5 {md5}, but {} bytes with MD5 {} were uploaded; upload the file again",
                    asset.size, asset.md5
                ),
            ));
        }
        Ok(())
    }

    /// Uploads a file from a path; shorthand for [`upload`](Self::upload).
    pub async fn upload_file(
        &self,
        site_id: &str,
        path: impl AsRef<Path>,
    ) -> Result<UploadedAsset, Error> {
        self.upload(
            site_id,
            UploadSource::path(path.as_ref()),
            UploadOptions::new(),
        )
        .await
    }
}

/// The upload URL must be https, or http on loopback (a local S3).
fn check_upload_url(raw: &str) -> Result<(), Error> {
    crate::config::check_url(raw, "upload URL").map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preflight() {
        let bytes = |n: usize| UploadSource::Bytes(vec![1u8; n].into());
        let opts = || UploadOptions::new().file_name("a.png");
        assert_eq!(
            plan(&bytes(10), 10, &opts()).unwrap().content_type,
            "image/png"
        );
        let e = plan(&bytes(0), 0, &opts()).unwrap_err().to_string();
        assert!(e.contains("empty"), "{e}");
        let e = plan(&bytes(1), 5 * 1024 * 1024, &opts())
            .unwrap_err()
            .to_string();
        assert!(e.contains("images up to 4194304 bytes"), "{e}");
        assert!(
            plan(
                &bytes(1),
                5 * 1024 * 1024,
                &opts().limits(Limits::unlimited())
            )
            .is_ok()
        );
        assert!(
            plan(
                &bytes(1),
                9 * 1024 * 1024,
                &UploadOptions::new().file_name("a.pdf")
            )
            .is_ok()
        );
        let e = plan(&bytes(1), 1, &UploadOptions::new().file_name("a.exe"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not accept"), "{e}");
        assert!(
            plan(
                &bytes(1),
                1,
                &UploadOptions::new()
                    .file_name("a.exe")
                    .allow_any_content_type(true)
            )
            .is_ok()
        );
        let e = plan(&bytes(1), 1, &UploadOptions::new())
            .unwrap_err()
            .to_string();
        assert!(e.contains("no file name"), "{e}");
        let e = plan(&bytes(1), 1, &opts().parent_folder("nope"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("parent folder id"), "{e}");
        for (name, ct) in [
            ("a.jpg", "image/jpeg"),
            ("a.svg", "image/svg+xml"),
            ("a.webp", "image/webp"),
            ("a.avif", "image/avif"),
            (
                "a.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            ("a.csv", "text/csv"),
            ("a.json", "application/json"),
            ("a.odp", "application/vnd.oasis.opendocument.presentation"),
            ("a.txt", "text/plain"),
        ] {
            assert_eq!(
                plan(&bytes(1), 1, &UploadOptions::new().file_name(name))
                    .unwrap()
                    .content_type,
                ct,
                "{name}"
            );
        }
    }
}
