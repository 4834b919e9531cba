//! `sync --fit` / `--format`: which files a fit applies to (its options'
//! key is recorded with each, so that new options mean a new upload), and
//! the fit of one file.

use std::path::Path;

use webflow_assets::fit::{FitOptions, FitReport, fit_source};
use webflow_assets::{Limits, UploadSource};

use crate::cli::hints;

/// The options' key for a file the fit applies to (a raster image by its
/// name), `None` for the rest: a document does not go up again because
/// the image options changed.
pub(super) fn key_for(name: &str, fit: Option<&FitOptions>) -> Option<String> {
    let fit = fit?;
    let image = webflow_assets::guess_content_type(name)
        .is_some_and(|t| t.starts_with("image/") && t != "image/svg+xml");
    image.then(|| fit.key())
}

/// What goes up for one file.
pub(super) struct Prepared {
    /// New bytes, or `None` for the file as it is.
    pub bytes: Option<Vec<u8>>,
    pub name: String,
    pub content_type: Option<&'static str>,
    /// MD5 and size of what goes up.
    pub md5: String,
    pub size: u64,
    pub report: FitReport,
}

/// Reads and fits `path` (named `name`, with the tree's MD5 and size for
/// it), off the async runtime (the library's [`fit_source`]: a blocking
/// thread, one per core).
pub(super) async fn prepare(
    path: &Path,
    name: &str,
    (md5, size): (&str, u64),
    fit: &FitOptions,
) -> Result<Prepared, String> {
    let source = UploadSource::path(path);
    let fitted = fit_source(&source, name, fit, &Limits::default())
        .await
        .map_err(|e| hints::message(&e))?;
    let (md5, size) = match &fitted.bytes {
        Some(bytes) => (webflow_assets::md5_hex(bytes), bytes.len() as u64),
        None => (md5.to_owned(), size),
    };
    Ok(Prepared {
        md5,
        size,
        bytes: fitted.bytes,
        name: fitted.file_name,
        content_type: fitted.content_type,
        report: fitted.report,
    })
}
