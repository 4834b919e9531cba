//! `sync --fit` / `--format`: which files a fit applies to (its options'
//! key is recorded with each, so that new options mean a new upload), and
//! the fit of one file, on a blocking thread, at most one per core.

use std::path::Path;
use std::sync::OnceLock;

use tokio::sync::Semaphore;
use webflow_assets::Limits;
use webflow_assets::fit::{FitOptions, FitReport, fit_image};

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

fn permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS
        .get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(1, usize::from)))
}

/// Reads and fits `path` (named `name`), off the async runtime.
pub(super) async fn prepare(path: &Path, name: &str, fit: &FitOptions) -> Result<Prepared, String> {
    let _permit = permits().acquire().await.map_err(|e| e.to_string())?;
    let (path, name, fit) = (path.to_owned(), name.to_owned(), fit.clone());
    tokio::task::spawn_blocking(move || {
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let fitted =
            fit_image(&bytes, &name, &fit, &Limits::default()).map_err(|e| hints::message(&e))?;
        let sent = fitted.bytes.as_deref().unwrap_or(&bytes);
        Ok(Prepared {
            md5: webflow_assets::md5_hex(sent),
            size: sent.len() as u64,
            bytes: fitted.bytes,
            name: fitted.file_name,
            content_type: fitted.content_type,
            report: fitted.report,
        })
    })
    .await
    .map_err(|e| format!("the fit stopped: {e}"))?
}
