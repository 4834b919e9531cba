//! What to change or run to get past an error, as values: the error's text
//! names the fix in the library's terms (a builder method, an option), and
//! a program on top (the CLI) maps each value to its own (a flag, a
//! command) without reading the text.

use super::messages::Lost;
use super::{Cleanup, Error, TransportKind};

/// A setting the fix of an error names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Setting {
    /// The API root: `ClientBuilder::base_url`.
    BaseUrl,
    /// The token: `ClientBuilder::token`, or `WEBFLOW_TOKEN` for
    /// `Client::from_env`.
    Token,
    /// The asset's file name: `UploadOptions::file_name`.
    FileName,
    /// How long and how often a connection is retried before the call
    /// gives up: `RetryPolicy`.
    ConnectRetries,
    /// Whether images are downscaled to fit: `FitOptions::resize` (the
    /// `fit` feature).
    Fit,
    /// The quality range a fit searches: `FitOptions::min_quality` and
    /// `FitOptions::max_quality`.
    FitQuality,
    /// The format a fit writes: `FitOptions::format`.
    FitFormat,
    /// The pixel limit of a fit: `FitOptions::max_pixels`.
    FitMaxPixels,
    /// Webflow's size limits the upload checks first: `UploadOptions::limits`
    /// (change them only if Webflow's have changed).
    SizeLimits,
    /// The site id: List Sites gives the ids of the token's sites.
    SiteId,
    /// The asset folder id: List Asset Folders gives a site's folders and
    /// their ids (Webflow's screens do not show them).
    FolderId,
}

impl Setting {
    /// Every setting, for a program that maps each to its own words.
    pub const ALL: [Setting; 11] = [
        Setting::BaseUrl,
        Setting::Token,
        Setting::FileName,
        Setting::ConnectRetries,
        Setting::Fit,
        Setting::FitQuality,
        Setting::FitFormat,
        Setting::FitMaxPixels,
        Setting::SizeLimits,
        Setting::SiteId,
        Setting::FolderId,
    ];
}

/// What to change or run to get past an error.
///
/// ```
/// use webflow_assets::{Error, Hint, Setting};
///
/// fn flag(error: &Error) -> Vec<String> {
///     error
///         .hints()
///         .into_iter()
///         .map(|hint| match hint {
///             Hint::Setting(Setting::Token) => "--token".to_owned(),
///             Hint::DeleteAsset { asset_id } => format!("delete {asset_id}"),
///             other => format!("{other:?}"),
///         })
///         .collect()
/// }
/// # let _ = flag;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Hint {
    /// Check or change this setting.
    Setting(Setting),
    /// Delete this asset entry: a failed upload left it without its file
    /// and could not delete it.
    DeleteAsset {
        /// The entry.
        asset_id: String,
    },
}

impl Error {
    /// What to change or run to get past this error, as values; an upload's
    /// error includes those of its cause. Empty when the text's fix is all
    /// there is (try again later, check the file).
    pub fn hints(&self) -> Vec<Hint> {
        let mut out = Vec::new();
        if let Some(inner) = self.wrapped() {
            out.extend(inner.hints());
        }
        match self {
            Error::Unauthorized(_) => out.push(Hint::Setting(Setting::Token)),
            // S3's URL comes from Webflow: nothing of the caller's to change.
            Error::Transport { what, kind, .. } if !what.contains("S3") => match kind {
                TransportKind::Dns | TransportKind::Connect => {
                    out.push(Hint::Setting(Setting::BaseUrl));
                    out.push(Hint::Setting(Setting::ConnectRetries));
                }
                TransportKind::Request => out.push(Hint::Setting(Setting::BaseUrl)),
                _ => {}
            },
            Error::InvalidInput {
                setting: Some(s), ..
            } => out.push(Hint::Setting(*s)),
            // Something other than Webflow's API answered.
            e if e
                .api_error()
                .is_some_and(|api| super::messages::not_the_api(api).is_some()) =>
            {
                out.push(Hint::Setting(Setting::BaseUrl));
            }
            // (A 404 from something other than the API was taken above.)
            Error::NotFound(e) => match super::messages::lost(e) {
                Lost::Folder => out.push(Hint::Setting(Setting::FolderId)),
                Lost::Site => out.push(Hint::Setting(Setting::SiteId)),
                Lost::NotTheApi | Lost::Other => {}
            },
            Error::UploadAborted {
                cleanup: Cleanup::DeleteFailed { asset_id, .. },
                ..
            } => out.push(Hint::DeleteAsset {
                asset_id: asset_id.clone(),
            }),
            _ => {}
        }
        out
    }

    /// An input error whose fix is to change `setting`.
    pub(crate) fn invalid_setting(setting: Setting, problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Error::InvalidInput {
            problem: problem.into(),
            fix: fix.into(),
            setting: Some(setting),
        }
    }
}
