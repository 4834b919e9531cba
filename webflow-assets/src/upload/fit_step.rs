//! The fit step of an upload ([`UploadOptions::fit`](super::UploadOptions::fit)):
//! [`fit_source`] for a raster image, nothing for the rest.

use crate::error::Error;
use crate::fit::{FitOptions, FitReport, Fitted, fit_source};
use crate::limits::Limits;
use crate::source::UploadSource;

/// What an upload sends after its fit: new bytes under a new name and
/// type, or the source as it was.
pub(crate) struct Refit {
    pub replaced: Option<(UploadSource, String, &'static str)>,
    pub report: FitReport,
}

/// Fits `source`. A file whose name or content type is not a raster
/// image's is not read: it goes up as it is.
pub(crate) async fn fit(
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
    let Fitted {
        bytes,
        file_name,
        content_type,
        report,
    } = fit_source(source, file_name, options, limits).await?;
    let replaced = match (bytes, content_type) {
        (Some(bytes), Some(content_type)) => {
            Some((UploadSource::Bytes(bytes.into()), file_name, content_type))
        }
        _ => None,
    };
    Ok(Refit { replaced, report })
}
