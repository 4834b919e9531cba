//! What a fit may do: the limits it fits to, the format it writes, the
//! quality range it searches.

use std::fmt;

/// An image format a fit can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum OutputFormat {
    /// JPEG (no transparency).
    Jpeg,
    /// PNG (lossless: only downscaling makes it smaller).
    Png,
    /// Lossy WebP, by libwebp.
    Webp,
    /// AVIF, by rav1e (the `fit-avif` feature).
    Avif,
    /// GIF (a still image; only its own format is written as GIF).
    Gif,
}

impl OutputFormat {
    /// The content type Webflow is told.
    pub fn content_type(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "image/jpeg",
            OutputFormat::Png => "image/png",
            OutputFormat::Webp => "image/webp",
            OutputFormat::Avif => "image/avif",
            OutputFormat::Gif => "image/gif",
        }
    }

    /// The file-name extension a file of this format gets.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "jpg",
            OutputFormat::Png => "png",
            OutputFormat::Webp => "webp",
            OutputFormat::Avif => "avif",
            OutputFormat::Gif => "gif",
        }
    }

    /// Whether a quality setting changes its size (JPEG, WebP, AVIF).
    pub fn is_lossy(self) -> bool {
        matches!(
            self,
            OutputFormat::Jpeg | OutputFormat::Webp | OutputFormat::Avif
        )
    }

    /// Whether this build can write it (AVIF needs the `fit-avif` feature).
    pub fn is_available(self) -> bool {
        self != OutputFormat::Avif || cfg!(feature = "fit-avif")
    }

    /// Parses `jpeg` (or `jpg`), `png`, `webp`, `avif`; for command lines.
    pub fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "jpeg" | "jpg" => Some(OutputFormat::Jpeg),
            "png" => Some(OutputFormat::Png),
            "webp" => Some(OutputFormat::Webp),
            "avif" => Some(OutputFormat::Avif),
            _ => None,
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OutputFormat::Jpeg => "JPEG",
            OutputFormat::Png => "PNG",
            OutputFormat::Webp => "WebP",
            OutputFormat::Avif => "AVIF",
            OutputFormat::Gif => "GIF",
        })
    }
}

/// How images are made to fit on the way in ([`UploadOptions::fit`](crate::UploadOptions::fit)).
///
/// With [`resize`](Self::resize) on (the default of [`FitOptions::new`]),
/// an image over its byte limit (Webflow's, or [`max_bytes`](Self::max_bytes)
/// if lower) or over [`max_dimension`](Self::max_dimension) is decoded (its
/// EXIF orientation applied), downscaled with Lanczos3 as far as needed,
/// and encoded at the best quality in
/// [`min_quality`](Self::min_quality)..=[`max_quality`](Self::max_quality)
/// that fits. With a [`format`](Self::format), every image not already in
/// it is converted as well. Files that are not raster images (SVG,
/// documents), animated images that fit, and images already within every
/// limit in the asked format go up unchanged.
///
/// ```
/// use webflow_assets::fit::{FitOptions, OutputFormat};
///
/// let options = FitOptions::new()
///     .format(OutputFormat::Webp)
///     .max_dimension(2560)
///     .min_quality(60);
/// assert_eq!(options.key(), "fit;format=webp;max-bytes=-;max-dimension=2560;quality=60-90;metadata=0");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FitOptions {
    pub(crate) resize: bool,
    pub(crate) format: Option<OutputFormat>,
    pub(crate) max_bytes: Option<u64>,
    pub(crate) max_dimension: Option<u32>,
    pub(crate) max_pixels: u64,
    pub(crate) min_quality: u8,
    pub(crate) max_quality: u8,
    pub(crate) keep_metadata: bool,
    pub(crate) avif_speed: u8,
}

/// The default pixel limit: 100 megapixels (400 MB decoded as RGBA).
pub const DEFAULT_MAX_PIXELS: u64 = 100_000_000;

impl Default for FitOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl FitOptions {
    /// Fit to Webflow's limits, in each image's own format, quality 90
    /// down to 50, 100 megapixels at most, metadata dropped.
    pub fn new() -> Self {
        Self {
            resize: true,
            format: None,
            max_bytes: None,
            max_dimension: None,
            max_pixels: DEFAULT_MAX_PIXELS,
            min_quality: 50,
            max_quality: 90,
            keep_metadata: false,
            // Speed 9 matched speed 6's SSIM at equal bytes (within 0.0003
            // on two photos against avifenc's bytes) in half its time; 10
            // lost 0.005 (BENCHMARKS.md section 10).
            avif_speed: 9,
        }
    }

    /// Only convert to `format` (every image not already in it), at the
    /// best quality within the byte limit; never downscale. An image that
    /// does not fit without downscaling is an error that names
    /// [`resize`](Self::resize).
    pub fn convert(format: OutputFormat) -> Self {
        Self {
            resize: false,
            format: Some(format),
            ..Self::new()
        }
    }

    /// Whether images over a limit are downscaled and re-encoded (default
    /// on; off with [`convert`](Self::convert)).
    pub fn resize(mut self, on: bool) -> Self {
        self.resize = on;
        self
    }

    /// Write every image in this format (the file name's extension and the
    /// content type follow).
    pub fn format(mut self, format: OutputFormat) -> Self {
        self.format = Some(format);
        self
    }

    /// A byte limit below Webflow's image limit (the lower one applies).
    pub fn max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = Some(bytes);
        self
    }

    /// The longest side, in pixels, an image may have.
    pub fn max_dimension(mut self, pixels: u32) -> Self {
        self.max_dimension = Some(pixels);
        self
    }

    /// Images with more pixels than this are refused before decoding
    /// (default [`DEFAULT_MAX_PIXELS`]): it bounds the memory a fit takes.
    pub fn max_pixels(mut self, pixels: u64) -> Self {
        self.max_pixels = pixels;
        self
    }

    /// The lowest quality (1 to 100) the search may choose (default 50).
    pub fn min_quality(mut self, quality: u8) -> Self {
        self.min_quality = quality;
        self
    }

    /// The quality the search starts from, the best it may choose (1 to
    /// 100, default 90).
    pub fn max_quality(mut self, quality: u8) -> Self {
        self.max_quality = quality;
        self
    }

    /// Keep the EXIF metadata (its orientation reset to upright, as the
    /// pixels are) where the format carries it (JPEG, PNG, WebP). The colour
    /// profile is always kept.
    pub fn keep_metadata(mut self, keep: bool) -> Self {
        self.keep_metadata = keep;
        self
    }

    /// rav1e's speed for AVIF, 1 (slowest, smallest) to 10 (default 9).
    pub fn avif_speed(mut self, speed: u8) -> Self {
        self.avif_speed = speed;
        self
    }

    /// The output format asked for, if any.
    pub fn output_format(&self) -> Option<OutputFormat> {
        self.format
    }

    /// Everything that changes what a fit writes, as one line: a sync
    /// records it with each file and uploads the file again when it changes.
    pub fn key(&self) -> String {
        let format = self.format.map_or("-", OutputFormat::extension);
        let bytes = self.max_bytes.map_or("-".to_owned(), |b| b.to_string());
        let dimension = self.max_dimension.map_or("-".to_owned(), |d| d.to_string());
        let mut key = format!(
            "{};format={format};max-bytes={bytes};max-dimension={dimension};quality={}-{};metadata={}",
            if self.resize { "fit" } else { "convert" },
            self.min_quality,
            self.max_quality,
            u8::from(self.keep_metadata),
        );
        if self.format == Some(OutputFormat::Avif) {
            key.push_str(&format!(";avif-speed={}", self.avif_speed));
        }
        key
    }

    /// The options' own errors (a quality out of range, an unavailable
    /// format), before any file is read.
    pub fn check(&self) -> Result<(), crate::Error> {
        use crate::error::Setting;
        if !(1..=100).contains(&self.min_quality) || !(1..=100).contains(&self.max_quality) {
            return Err(crate::Error::invalid_setting(
                Setting::FitQuality,
                format!(
                    "a fit's quality range is {}..={}; qualities go from 1 to 100",
                    self.min_quality, self.max_quality
                ),
                "choose a minimum and maximum quality between 1 and 100",
            ));
        }
        if self.min_quality > self.max_quality {
            return Err(crate::Error::invalid_setting(
                Setting::FitQuality,
                format!(
                    "a fit's minimum quality ({}) is above its maximum ({})",
                    self.min_quality, self.max_quality
                ),
                "lower the minimum quality or raise the maximum",
            ));
        }
        if let Some(format) = self.format
            && !format.is_available()
        {
            return Err(crate::Error::invalid_setting(
                Setting::FitFormat,
                format!("this build cannot write {format}"),
                "build webflow-assets with the `fit-avif` feature, or choose another format",
            ));
        }
        if self.max_dimension == Some(0) || self.max_bytes == Some(0) || self.max_pixels == 0 {
            return Err(crate::Error::invalid(
                "a fit's limits must be above zero",
                "give a positive maximum size, dimension and pixel count",
            ));
        }
        if !(1..=10).contains(&self.avif_speed) {
            return Err(crate::Error::invalid(
                format!("AVIF speed {} is out of range", self.avif_speed),
                "choose an AVIF speed from 1 (slowest) to 10 (fastest)",
            ));
        }
        Ok(())
    }
}
