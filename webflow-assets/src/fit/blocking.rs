//! [`fit_source`]: a fit from async code. The source is read, and the fit
//! runs on a blocking thread, at most one per core at a time (each is
//! CPU-bound and holds a decoded image, so more would only add memory).

use std::sync::OnceLock;

use tokio::sync::Semaphore;

use super::{FitOptions, Fitted, fit_image};
use crate::error::Error;
use crate::limits::Limits;
use crate::source::UploadSource;

fn permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS
        .get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(1, usize::from)))
}

/// [`fit_image`] of `source` (read whole: a fit decodes it whole anyway),
/// off the async runtime: on a blocking thread, at most one per core across
/// the program, so that uploads in flight go on while images are encoded.
///
/// ```no_run
/// # async fn run() -> Result<(), webflow_assets::Error> {
/// use webflow_assets::fit::{FitOptions, fit_source};
/// use webflow_assets::{Limits, UploadSource};
///
/// let fitted = fit_source(&UploadSource::path("photo.jpg"), "photo.jpg", &FitOptions::new(), &Limits::default()).await?;
/// println!("{}", fitted.report);
/// # Ok(()) }
/// ```
pub async fn fit_source(
    source: &UploadSource,
    file_name: &str,
    options: &FitOptions,
    limits: &Limits,
) -> Result<Fitted, Error> {
    options.check()?;
    let bytes = read_all(source).await?;
    let _permit = permits()
        .acquire()
        .await
        .map_err(|_| Error::invalid("the fit queue closed", "try again"))?;
    let (name, options, limits) = (file_name.to_owned(), options.clone(), *limits);
    tokio::task::spawn_blocking(move || fit_image(&bytes, &name, &options, &limits))
        .await
        .map_err(|e| {
            Error::invalid(
                format!("fitting {file_name} stopped: {e}"),
                "report this as a bug",
            )
        })?
}

async fn read_all(source: &UploadSource) -> Result<Vec<u8>, Error> {
    use tokio::io::AsyncReadExt;
    if let UploadSource::Bytes(b) = source {
        return Ok(b.to_vec());
    }
    let mut reader = source.open().await?;
    let mut out = Vec::new();
    reader
        .read_to_end(&mut out)
        .await
        .map_err(|e| source.io_error(e))?;
    Ok(out)
}
