//! The flags that make images fit on the way in, shared by `upload` and
//! `sync`, and the library options they stand for.

use clap::Args;
use webflow_assets::fit::{DEFAULT_MAX_PIXELS, FitOptions, OutputFormat};

use super::Usage;

/// `--fit`, `--format` and their limits.
#[derive(Debug, Clone, Args)]
pub(crate) struct FitArgs {
    /// Make images fit instead of refusing them: an image over Webflow's
    /// limit (4 MiB), --max-bytes or --max-dimension is decoded (EXIF
    /// orientation applied), downscaled with Lanczos3 as far as needed and
    /// re-encoded at the best quality that fits. Animated images are kept
    /// if they fit, never flattened.
    #[arg(long, help_heading = "Images")]
    pub fit: bool,

    /// Write every image in this format (jpeg, png, webp, avif); the name's
    /// extension and the content type follow. Without --fit, converts
    /// without downscaling. SVGs, documents and images already in it (and
    /// within the limits) go up unchanged.
    #[arg(long, value_name = "FORMAT", value_parser = format, help_heading = "Images")]
    pub format: Option<OutputFormat>,

    /// With --fit: a byte limit for images below Webflow's.
    #[arg(long, value_name = "BYTES", requires = "fit", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Images")]
    pub max_bytes: Option<u64>,

    /// With --fit: the longest side an image may have, in pixels.
    #[arg(long, value_name = "PIXELS", requires = "fit", value_parser = clap::value_parser!(u32).range(1..), help_heading = "Images")]
    pub max_dimension: Option<u32>,

    /// Images with more pixels are refused before decoding (bounds memory:
    /// about 4 bytes a pixel).
    #[arg(long, value_name = "PIXELS", default_value_t = DEFAULT_MAX_PIXELS, value_parser = clap::value_parser!(u64).range(1..), help_heading = "Images")]
    pub max_pixels: u64,

    /// The lowest quality (1-100) a re-encode may use; below it, the file
    /// is refused with what to change.
    #[arg(long, value_name = "Q", default_value_t = 50, value_parser = clap::value_parser!(u8).range(1..=100), help_heading = "Images")]
    pub min_quality: u8,

    /// The best quality (1-100) a re-encode starts from.
    #[arg(long, value_name = "Q", default_value_t = 90, value_parser = clap::value_parser!(u8).range(1..=100), help_heading = "Images")]
    pub max_quality: u8,

    /// Keep EXIF metadata in re-encoded images (orientation reset to
    /// upright); by default only the colour profile is kept.
    #[arg(long, help_heading = "Images")]
    pub keep_metadata: bool,
}

fn format(text: &str) -> Result<OutputFormat, String> {
    let format = OutputFormat::parse(text).ok_or_else(|| {
        format!("{text:?} is not a format this tool writes; choose jpeg, png, webp or avif")
    })?;
    if !format.is_available() {
        return Err(format!(
            "this build cannot write {format}; install the CLI with its `avif` feature (on by default), or choose webp"
        ));
    }
    Ok(format)
}

impl FitArgs {
    /// The library's options, or `None` when neither --fit nor --format
    /// was given.
    pub fn options(&self) -> Result<Option<FitOptions>, Usage> {
        let mut options = match (self.fit, self.format) {
            (false, None) => return Ok(None),
            (true, format) => {
                let o = FitOptions::new();
                match format {
                    Some(f) => o.format(f),
                    None => o,
                }
            }
            (false, Some(format)) => FitOptions::convert(format),
        };
        options = options
            .max_pixels(self.max_pixels)
            .min_quality(self.min_quality)
            .max_quality(self.max_quality)
            .keep_metadata(self.keep_metadata);
        if let Some(b) = self.max_bytes {
            options = options.max_bytes(b);
        }
        if let Some(d) = self.max_dimension {
            options = options.max_dimension(d);
        }
        options
            .check()
            .map_err(|e| Usage(super::hints::message(&e)))?;
        Ok(Some(options))
    }
}
