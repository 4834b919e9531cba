//! The full upload: checks, MD5, Create Asset Metadata, S3 presigned POST,
//! ETag verification. One job per module: [`options`] (what a caller asks
//! for and gets back), [`plan`] (the pre-flight checks), [`storage`] (the S3
//! POST), [`verify`] (the hosted file); this module runs one upload.

mod download;
#[cfg(feature = "fit")]
mod fit_step;
mod options;
mod plan;
pub(crate) mod storage;
mod verify;

use std::path::Path;

pub use options::{
    ACCEPTED_CONTENT_TYPES, Limits, UploadOptions, UploadedAsset, guess_content_type,
};
pub use download::Downloaded;
pub use storage::{PostOptions, StoredObject};

use crate::client::Client;
use crate::error::{Cleanup, Error};
use crate::hash::FileDigest;
use crate::source::{UploadSource, hash_source};
use crate::types::{AssetUpload, CreateAssetRequest};
use crate::validate;
use plan::{Plan, plan};

/// What an upload would send, checked and hashed: the result of every
/// check [`Client::upload`] makes before its first call.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Preflight {
    /// The asset's file name.
    pub file_name: String,
    /// The content type it would be sent as.
    pub content_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its MD5, 32 lowercase hex characters.
    pub md5: String,
    /// What [`UploadOptions::fit`] would do (it was run: the size and MD5
    /// are those of its output).
    #[cfg(feature = "fit")]
    #[cfg_attr(docsrs, doc(cfg(feature = "fit")))]
    pub fit: Option<crate::fit::FitReport>,
}

/// Runs every check of an upload that needs no network (file, name,
/// content type, size limits, folder id, alt text) and hashes the source,
/// for a dry run: nothing is sent.
///
/// ```
/// # async fn run() -> Result<(), webflow_assets::Error> {
/// use webflow_assets::{UploadOptions, UploadSource, preflight};
///
/// let source = UploadSource::Bytes(b"hello".to_vec().into());
/// let plan = preflight(&source, &UploadOptions::new().file_name("hello.txt")).await?;
/// assert_eq!((plan.content_type.as_str(), plan.size), ("text/plain", 5));
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(run()).unwrap();
/// ```
pub async fn preflight(source: &UploadSource, options: &UploadOptions) -> Result<Preflight, Error> {
    let fitted = fit(source, options).await?;
    let (source, options) = (&fitted.source, &fitted.options);
    let (plan, digest) = prepare(source, options).await?;
    Ok(Preflight {
        file_name: plan.file_name,
        content_type: plan.content_type,
        size: digest.size,
        md5: digest.md5,
        #[cfg(feature = "fit")]
        fit: fitted.report,
    })
}

/// The source and options after [`UploadOptions::fit`]: the new bytes,
/// name and content type, or the same ones.
struct Fit {
    source: UploadSource,
    options: UploadOptions,
    #[cfg(feature = "fit")]
    report: Option<crate::fit::FitReport>,
}

#[cfg(feature = "fit")]
async fn fit(source: &UploadSource, options: &UploadOptions) -> Result<Fit, Error> {
    let Some(fit_options) = &options.fit else {
        return Ok(Fit {
            source: source.clone(),
            options: options.clone(),
            report: None,
        });
    };
    // The name and type the upload would use, as its own checks find them.
    let name = match (options.file_name.clone(), source.file_name()) {
        (Some(n), _) | (None, Some(n)) => n,
        (None, None) => return Err(Error::invalid_setting(
            crate::error::Setting::FileName,
            "an image to fit has no file name",
            "give the upload a file name",
        )),
    };
    let content_type = options
        .content_type
        .clone()
        .or_else(|| guess_content_type(&name))
        .unwrap_or_default();
    let refit =
        fit_step::fit(source, &name, &content_type, fit_options, &options.limits).await?;
    let mut options = options.clone();
    let source = match refit.replaced {
        Some((bytes, new_name, new_type)) => {
            options.file_name = Some(new_name);
            options.content_type = Some(new_type.to_owned());
            options.digest = None;
            bytes
        }
        None => source.clone(),
    };
    Ok(Fit {
        source,
        options,
        report: Some(refit.report),
    })
}

#[cfg(not(feature = "fit"))]
async fn fit(source: &UploadSource, options: &UploadOptions) -> Result<Fit, Error> {
    Ok(Fit {
        source: source.clone(),
        options: options.clone(),
    })
}

/// Every check before the first call, and the hash: shared by
/// [`preflight`] and [`Client::upload`], so a dry run checks what a run does.
async fn prepare(
    source: &UploadSource,
    options: &UploadOptions,
) -> Result<(Plan, FileDigest), Error> {
    let size = source.check().await?;
    let plan = plan(source, size, options)?;
    // What the bytes are, against what the name says (a reader's bytes are
    // not peeked at: it would be opened once more for them).
    if let Some(head) = head(source).await? {
        crate::sniff::check(&plan.file_name, &plan.content_type, &head)?;
    }
    // Checked before any call, so that a bad alt text costs no orphan.
    if let Some(update) = options.update() {
        update.request()?;
    }
    let digest = match options.digest.clone() {
        Some(d) => {
            validate::md5_hex(&d.md5)?;
            d
        }
        None => hash_source(source).await?,
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
    Ok((plan, digest))
}

/// The first bytes of a file or of bytes in memory.
async fn head(source: &UploadSource) -> Result<Option<Vec<u8>>, Error> {
    match source {
        UploadSource::Bytes(b) => Ok(Some(b[..b.len().min(crate::sniff::HEAD)].to_vec())),
        UploadSource::Path(path) => {
            use tokio::io::AsyncReadExt;
            let io = |e: std::io::Error| Error::Io {
                path: path.display().to_string(),
                source: e,
            };
            let file = tokio::fs::File::open(path).await.map_err(io)?;
            let mut head = Vec::with_capacity(crate::sniff::HEAD);
            file.take(crate::sniff::HEAD as u64)
                .read_to_end(&mut head)
                .await
                .map_err(io)?;
            Ok(Some(head))
        }
        UploadSource::Reader { .. } => Ok(None),
    }
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
        let Fit {
            source,
            options,
            #[cfg(feature = "fit")]
            report,
        } = fit(&source, &options).await?;
        let (plan, digest) = prepare(&source, &options).await?;
        let request = CreateAssetRequest::new(
            &plan.file_name,
            &digest.md5,
            options.parent_folder.as_deref(),
        )?;
        let created = self
            .create_asset_metadata_notifying(site_id, &request, options.on_retry.as_ref())
            .await?;
        #[allow(unused_mut)]
        let mut uploaded = self
            .finish_upload(created, &source, plan, digest, options)
            .await?;
        #[cfg(feature = "fit")]
        {
            uploaded.fit = report;
        }
        Ok(uploaded)
    }

    async fn finish_upload(
        &self,
        created: AssetUpload,
        source: &UploadSource,
        plan: Plan,
        digest: FileDigest,
        options: UploadOptions,
    ) -> Result<UploadedAsset, Error> {
        let asset_id = created.id.clone();
        let update = options.update();
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
            progress: options.progress.clone(),
            on_retry: options.on_retry.clone(),
        };
        let stored = match self
            .post_presigned(&created.upload_url, &created.upload_details, source, post)
            .await
        {
            Ok(stored) => stored,
            Err(error) => return Err(self.abort(asset_id, error, &options).await),
        };
        // One PATCH for the alt text and display name, one GET for the full
        // asset only if asked and no PATCH already answered with it.
        let asset =
            match (&update, options.fetch_asset) {
                (Some(update), _) => {
                    Some(self.update_asset(&asset_id, update).await.map_err(|e| {
                        Error::Unfinished {
                            asset_id: asset_id.clone(),
                            step: "setting its alt text and display name",
                            source: Box::new(e),
                        }
                    })?)
                }
                (None, true) => {
                    Some(
                        self.get_asset(&asset_id)
                            .await
                            .map_err(|e| Error::Unfinished {
                                asset_id: asset_id.clone(),
                                step: "reading the asset back",
                                source: Box::new(e),
                            })?,
                    )
                }
                (None, false) => None,
            };
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
            asset: asset.map(Box::new),
            #[cfg(feature = "fit")]
            fit: None,
        })
    }

    /// The S3 POST failed for good after the asset entry was created: delete
    /// the entry (best effort, within [`RetryPolicy::cleanup_attempts`](crate::RetryPolicy::cleanup_attempts)
    /// and [`RetryPolicy::cleanup_max_wait`](crate::RetryPolicy::cleanup_max_wait)) unless asked to keep it, so that
    /// no broken asset stays in the site's Assets panel.
    async fn abort(&self, asset_id: String, error: Error, options: &UploadOptions) -> Error {
        let cleanup = if options.keep_failed_entry {
            Cleanup::Kept {
                asset_id: asset_id.clone(),
            }
        } else {
            // Best effort, on a short budget of its own: the upload has
            // failed already, and the caller is waiting to hear why.
            let policy = self.shared.config.retry.for_cleanup();
            match self
                .delete_asset_within(&asset_id, &policy, options.on_retry.as_ref())
                .await
            {
                Ok(()) => Cleanup::Deleted {
                    asset_id: asset_id.clone(),
                },
                Err(e) => Cleanup::DeleteFailed {
                    asset_id: asset_id.clone(),
                    error: Box::new(e),
                },
            }
        };
        tracing::warn!(asset_id, %cleanup, "upload failed after its asset entry was created");
        Error::UploadAborted {
            asset_id,
            cleanup,
            source: Box::new(error),
        }
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
