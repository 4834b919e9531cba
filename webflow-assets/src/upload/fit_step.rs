//! The fit step of an upload ([`UploadOptions::fit`](super::UploadOptions::fit)):
//! the file read, [`fit_image`] on a blocking thread, at most one fit per
//! core at a time. Here, not in `fit`, so that `fit` needs nothing of the
//! upload (it is pure: bytes in, bytes out).

use std::sync::OnceLock;

use tokio::sync::Semaphore;

use crate::error::Error;
use crate::fit::{FitOptions, FitReport, Fitted, fit_image};
use crate::limits::Limits;
use crate::source::UploadSource;

/// At most one fit per core at a time: each is CPU-bound and holds a
/// decoded image, so more would only add memory.
fn permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS
        .get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(1, usize::from)))
}

/// What an upload sends after its fit: new bytes under a new name and
/// type, or the source as it was.
pub(crate) struct Refit {
    pub replaced: Option<(UploadSource, String, &'static str)>,
    pub report: FitReport,
}

/// Reads `source` and fits it on a blocking thread (within [`permits`]).
/// A file whose name or content type is not a raster image's is not read:
/// it goes up as it is.
pub(crate) async fn fit_source(
    source: &UploadSource,
    file_name: &str,
    content_type: &str,
    options: &FitOptions,
    limits: &Limits,
) -> Result<Refit, Error> {
    options.check()?;
    if !content_type.starts_with("image/") || content_type == "image/svg+xml" {
        return Ok(Refit {
            replaced: None,
            report: FitReport::not_an_image(source.len().await?),
        });
    }
    let bytes = read_all(source).await?;
    let _permit = permits()
        .acquire()
        .await
        .map_err(|_| Error::invalid("the fit queue closed", "try again"))?;
    let (name, options, limits) = (file_name.to_owned(), options.clone(), *limits);
    let fitted = tokio::task::spawn_blocking(move || fit_image(&bytes, &name, &options, &limits))
        .await
        .map_err(|e| {
            Error::invalid(
                format!("fitting {file_name} stopped: {e}"),
                "report this as a bug",
            )
        })??;
    let Fitted {
        bytes,
        file_name,
        content_type,
        report,
    } = fitted;
    let replaced = match (bytes, content_type) {
        (Some(bytes), Some(content_type)) => {
            Some((UploadSource::Bytes(bytes.into()), file_name, content_type))
        }
        _ => None,
    };
    Ok(Refit { replaced, report })
}

/// The whole source in memory (a fit decodes it whole anyway).
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
