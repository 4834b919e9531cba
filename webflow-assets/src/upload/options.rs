//! What a caller can ask of an upload, and what it gets back: options,
//! Webflow's limits and accepted types, the uploaded asset.

use crate::assets::AssetUpdate;
use crate::hash::FileDigest;
use crate::retry::{OnRetry, RetryEvent};
use crate::source::Progress;
use crate::types::Asset;
use crate::validate;

use super::storage::StoredObject;
pub use crate::limits::Limits;

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

/// Options of [`Client::upload`](crate::Client::upload).
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
    pub(crate) file_name: Option<String>,
    pub(crate) parent_folder: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) progress: Option<Progress>,
    pub(crate) limits: Limits,
    pub(crate) any_content_type: bool,
    pub(crate) digest: Option<FileDigest>,
    pub(crate) on_retry: Option<OnRetry>,
    pub(crate) alt_text: Option<String>,
    pub(crate) display_name: Option<String>,
    pub(crate) fetch_asset: bool,
    pub(crate) keep_failed_entry: bool,
    #[cfg(feature = "fit")]
    pub(crate) fit: Option<crate::fit::FitOptions>,
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

    /// Alt text for the asset, set with one PATCH after the file is in S3
    /// (part of the same call: its failure is the call's error,
    /// [`Error::Unfinished`](crate::Error::Unfinished)). The full asset is
    /// then in [`UploadedAsset::asset`].
    pub fn alt_text(mut self, text: impl Into<String>) -> Self {
        self.alt_text = Some(text.into());
        self
    }

    /// A display name for the asset, set with the same PATCH as the alt text.
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }

    /// Read the full asset (size, variants, ...) back after the upload, into
    /// [`UploadedAsset::asset`] (one GET; none when alt text or a display
    /// name is set, whose PATCH answers with it).
    pub fn fetch_asset(mut self, fetch: bool) -> Self {
        self.fetch_asset = fetch;
        self
    }

    /// Keep the asset entry when the file cannot be stored. By default it is
    /// deleted (one DELETE), as Webflow's own CLI does, so that a failed
    /// upload leaves nothing broken in the site's Assets panel.
    pub fn keep_failed_entry(mut self, keep: bool) -> Self {
        self.keep_failed_entry = keep;
        self
    }

    /// Make an image fit before it is sent (the `fit` feature): over its
    /// limit, it is downscaled and re-encoded; with a format, converted.
    /// The file name's extension and the content type follow the new
    /// format; the alt text and folder stay. A precomputed
    /// [`digest`](Self::digest) is dropped when the bytes change. See
    /// [`FitOptions`](crate::fit::FitOptions).
    ///
    /// ```
    /// use webflow_assets::UploadOptions;
    /// use webflow_assets::fit::{FitOptions, OutputFormat};
    ///
    /// let options = UploadOptions::new().fit(FitOptions::new().format(OutputFormat::Webp));
    /// # let _ = options;
    /// ```
    #[cfg(feature = "fit")]
    #[cfg_attr(docsrs, doc(cfg(feature = "fit")))]
    pub fn fit(mut self, options: crate::fit::FitOptions) -> Self {
        self.fit = Some(options);
        self
    }

    /// The PATCH the options ask for after the upload, if any.
    pub(crate) fn update(&self) -> Option<AssetUpdate> {
        if self.alt_text.is_none() && self.display_name.is_none() {
            return None;
        }
        let mut update = AssetUpdate::new();
        if let Some(t) = &self.alt_text {
            update = update.alt_text(t.clone());
        }
        if let Some(n) = &self.display_name {
            update = update.display_name(n.clone());
        }
        Some(update)
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
    /// The asset as Webflow describes it after the upload, when alt text, a
    /// display name or [`UploadOptions::fetch_asset`] asked for it.
    pub asset: Option<Box<Asset>>,
    /// What [`UploadOptions::fit`] did, when asked.
    #[cfg(feature = "fit")]
    #[cfg_attr(docsrs, doc(cfg(feature = "fit")))]
    pub fit: Option<crate::fit::FitReport>,
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
