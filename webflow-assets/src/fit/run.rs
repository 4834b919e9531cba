//! Running a fit: the decode-resize-encode of one image, and the async
//! step an upload takes (the file read, the fit on a blocking thread, at
//! most one fit per core at a time).

use std::sync::OnceLock;

use tokio::sync::Semaphore;

use super::encode::Metadata;
use super::options::{FitOptions, OutputFormat};
use super::pixels::{Pixels, bounded};
use super::probe::{Probe, decode};
use super::search::{Miss, search};
use super::{Fitted, fit_image};
use crate::error::{Error, Setting};
use crate::source::UploadSource;
use crate::upload::Limits;

type Failure = (Option<Setting>, String, &'static str);

/// Decodes, bounds and searches; the error as (setting, problem, fix).
pub(super) fn encode(
    bytes: &[u8],
    probe: &Probe,
    target: OutputFormat,
    limit: u64,
    options: &FitOptions,
) -> Result<(super::search::Found, (u32, u32)), Failure> {
    let decoded = decode(bytes, probe, options.max_pixels)
        .map_err(|p| (None, p, "check that the file is a whole, valid image"))?;
    let exif = if options.keep_metadata {
        decoded.exif.map(super::exif::upright)
    } else {
        None
    };
    let meta = Metadata {
        icc: decoded.icc.as_deref(),
        exif: exif.as_deref(),
    };
    let pixels = Pixels::from_image(decoded.image);
    if target == OutputFormat::Jpeg && pixels.alpha {
        return Err((
            Some(Setting::FitFormat),
            "it has transparent pixels, which JPEG cannot hold".to_owned(),
            "choose WebP, AVIF or PNG as the format",
        ));
    }
    let upright = (pixels.width, pixels.height);
    let start = match (options.resize, options.max_dimension) {
        (true, Some(side)) => bounded(pixels.width, pixels.height, side),
        _ => upright,
    };
    match search(&pixels, target, start, limit, options, &meta) {
        Ok(found) => Ok((found, upright)),
        Err(Miss::Failed(problem)) => {
            Err((None, problem, "check that the file is a whole, valid image"))
        }
        Err(Miss::NeedsResize { bytes }) => Err((
            Some(Setting::Fit),
            format!(
                "as {target} at quality {} it is {bytes} bytes, over the limit of {limit}, and converting alone does not downscale",
                options.min_quality
            ),
            "turn fitting on (downscaling), lower the minimum quality, or choose another format",
        )),
        Err(Miss::BelowFloor {
            bytes,
            width,
            height,
        }) => Err((
            Some(Setting::FitQuality),
            format!(
                "it does not fit in {limit} bytes as {target} at quality {} or better, even downscaled to {width}×{height} (the smallest encode was {bytes} bytes)",
                options.min_quality
            ),
            "lower the minimum quality, raise the byte limit, or choose a format that compresses more (WebP, AVIF)",
        )),
    }
}

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
    pub report: super::FitReport,
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
            report: super::FitReport::not_an_image(source.len().await?),
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
