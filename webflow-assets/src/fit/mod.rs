//! Images made to fit Webflow's limits on the way in: decoded (EXIF
//! orientation applied), downscaled with Lanczos3, re-encoded in their
//! format or another (JPEG, PNG, lossy WebP, AVIF with `fit-avif`) at the
//! best quality that fits. [`fit_image`] is the whole step, pure and
//! blocking; [`UploadOptions::fit`](crate::UploadOptions::fit) runs it in
//! an upload, off the async runtime.
//!
//! One job per module: [`options`](FitOptions) (what a fit may do),
//! `probe` (the header: format, size, animation), `pixels` (decoded
//! pixels and the resize), `encode` (one encode), `search` (the bounded
//! search), `riff` (metadata chunks for WebP), `exif` (the orientation
//! reset), `colour` (ICC to sRGB: a CMYK JPEG, AVIF's pixels), `blocking` ([`fit_source`]:
//! the fit of a file or other source on a blocking thread, one per core).

mod blocking;
mod colour;
mod encode;
mod exif;
mod options;
mod pixels;
mod probe;
mod riff;
mod run;
mod search;

use std::fmt;

use crate::error::{Error, Setting};
use crate::limits::Limits;

pub use blocking::fit_source;
pub use options::{DEFAULT_MAX_PIXELS, FitOptions, OutputFormat};

/// Why a file goes up as it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Kept {
    /// Not a raster image this crate decodes (SVG, a document, AVIF,
    /// ICO...): the upload's own checks apply.
    NotAnImage,
    /// Within every limit, and in the asked format if one was asked.
    WithinLimits,
    /// Animated (GIF, APNG, animated WebP) and within the limits: an
    /// animation is never flattened.
    Animated,
    /// A raster image in a format this crate does not decode (AVIF): it
    /// cannot be converted or made smaller here, and goes up as it is.
    Undecodable,
}

/// What a fit did to one file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct FitReport {
    /// Why nothing was encoded; `None` when the file was re-encoded.
    pub kept: Option<Kept>,
    /// The file's format, if it is an image this crate reads.
    pub original_format: Option<OutputFormat>,
    /// The file's size, in bytes.
    pub original_bytes: u64,
    /// Its size in pixels as stored (before its orientation is applied);
    /// 0 if not an image.
    pub original_width: u32,
    /// See `original_width`.
    pub original_height: u32,
    /// What goes up: its format (the original's when kept).
    pub format: Option<OutputFormat>,
    /// Its size, in bytes.
    pub bytes: u64,
    /// Its size in pixels, upright.
    pub width: u32,
    /// See `width`.
    pub height: u32,
    /// The quality the search chose (lossy formats only).
    pub quality: Option<u8>,
    /// How many encodes the search took.
    pub encodes: u32,
}

impl FitReport {
    /// The report of a file that is not an image.
    pub(crate) fn not_an_image(size: u64) -> Self {
        FitReport {
            kept: Some(Kept::NotAnImage),
            original_format: None,
            original_bytes: size,
            original_width: 0,
            original_height: 0,
            format: None,
            bytes: size,
            width: 0,
            height: 0,
            quality: None,
            encodes: 0,
        }
    }

    /// Whether the bytes that go up differ from the file's.
    pub fn changed(&self) -> bool {
        self.kept.is_none()
    }

    /// One line for people: `5.2 MB 6000×4000 JPEG → 3.9 MB 4000×2667 WebP q82 (7 encodes)`,
    /// or why the file goes up as it is.
    pub fn describe(&self) -> String {
        let mb = |b: u64| match b {
            0..1_000 => format!("{b} bytes"),
            1_000..1_000_000 => format!("{:.0} kB", b as f64 / 1e3),
            _ => format!("{:.1} MB", b as f64 / 1e6),
        };
        let what = |f: Option<OutputFormat>| f.map_or("file".to_owned(), |f| f.to_string());
        match self.kept {
            Some(kept) => {
                let why = match kept {
                    Kept::NotAnImage => "not an image this tool re-encodes",
                    Kept::WithinLimits => "within the limits",
                    Kept::Animated => "animated, within the limits",
                    Kept::Undecodable => {
                        "this tool does not decode it, so it goes up unconverted and as large as it is"
                    }
                };
                format!(
                    "{} {} kept: {why}",
                    mb(self.original_bytes),
                    what(self.original_format)
                )
            }
            None => format!(
                "{} {}×{} {} → {} {}×{} {}{} ({} encode{})",
                mb(self.original_bytes),
                self.original_width,
                self.original_height,
                what(self.original_format),
                mb(self.bytes),
                self.width,
                self.height,
                what(self.format),
                self.quality.map_or(String::new(), |q| format!(" q{q}")),
                self.encodes,
                if self.encodes == 1 { "" } else { "s" },
            ),
        }
    }
}

impl fmt::Display for FitReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// A fitted file: what goes up, under which name.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Fitted {
    /// The new bytes; `None` when the file goes up as it is.
    pub bytes: Option<Vec<u8>>,
    /// The file name: the original, or with the new format's extension.
    pub file_name: String,
    /// The new content type, when re-encoded.
    pub content_type: Option<&'static str>,
    /// What was done.
    pub report: FitReport,
}

/// Fits one file (`file_name` is for its new name and for messages) to
/// `options` and `limits`' image limit. Blocking and CPU-bound: run it off
/// an async runtime (an upload with [`UploadOptions::fit`](crate::UploadOptions::fit) does).
///
/// ```
/// use webflow_assets::Limits;
/// use webflow_assets::fit::{FitOptions, OutputFormat, fit_image};
///
/// // A 64×64 PNG, converted to WebP.
/// let mut png = Vec::new();
/// image::RgbImage::from_fn(64, 64, |x, y| image::Rgb([x as u8 * 4, y as u8 * 4, 128]))
///     .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
///     .unwrap();
/// let fitted = fit_image(&png, "tile.png", &FitOptions::new().format(OutputFormat::Webp), &Limits::default())?;
/// assert_eq!(fitted.file_name, "tile.webp");
/// assert_eq!(fitted.content_type, Some("image/webp"));
/// assert_eq!(fitted.report.quality, Some(90));
/// # Ok::<(), webflow_assets::Error>(())
/// ```
pub fn fit_image(
    bytes: &[u8],
    file_name: &str,
    options: &FitOptions,
    limits: &Limits,
) -> Result<Fitted, Error> {
    options.check()?;
    let limit = options
        .max_bytes
        .map_or(limits.image_bytes, |b| b.min(limits.image_bytes));
    let fail = |setting: Option<Setting>, problem: String, fix: &str| match setting {
        Some(s) => Error::invalid_setting(s, format!("{file_name}: {problem}"), fix),
        None => Error::invalid(format!("{file_name}: {problem}"), fix),
    };
    let size = bytes.len() as u64;
    let kept = |kept: Kept, probe: Option<&probe::Probe>| {
        let format = probe.map(|p| source_format(p.format));
        let (w, h) = probe.map_or((0, 0), |p| (p.width, p.height));
        Fitted {
            bytes: None,
            file_name: file_name.to_owned(),
            content_type: None,
            report: FitReport {
                kept: Some(kept),
                original_format: format,
                original_bytes: size,
                original_width: w,
                original_height: h,
                format,
                bytes: size,
                width: w,
                height: h,
                quality: None,
                encodes: 0,
            },
        }
    };
    // The bytes against the name: PNG bytes named `.jpg` would go up as
    // `image/jpeg` (kept) or be named from the wrong source (converted).
    if let Some(claimed) = crate::sniff::claimed_by_name(file_name) {
        crate::sniff::check(file_name, claimed, bytes)?;
    }
    let probe = probe::probe(bytes)
        .map_err(|p| fail(None, p, "check that the file is a whole, valid image"))?;
    let Some(probe) = probe else {
        return match crate::sniff::sniff(bytes).map(|f| f.name) {
            Some("AVIF") => {
                let mut report = kept(Kept::Undecodable, None);
                report.report.original_format = Some(OutputFormat::Avif);
                report.report.format = Some(OutputFormat::Avif);
                Ok(report)
            }
            Some("HEIC") => Err(crate::sniff::heic_refusal(file_name)),
            _ => Ok(kept(Kept::NotAnImage, None)),
        };
    };
    let source = source_format(probe.format);
    let target = options.format.unwrap_or(source);
    let over_bytes = size > limit;
    let over_side = options.resize
        && options
            .max_dimension
            .is_some_and(|d| probe.width.max(probe.height) > d);
    if probe.animated {
        if over_bytes || over_side {
            return Err(fail(
                None,
                format!(
                    "it is animated and over the limit ({size} bytes, {}×{} pixels; the limit is {limit} bytes{})",
                    probe.width,
                    probe.height,
                    options
                        .max_dimension
                        .map_or(String::new(), |d| format!(", {d} pixels a side")),
                ),
                "make the animation smaller (fewer frames or pixels) with an animation tool; it is never flattened to one frame",
            ));
        }
        return Ok(kept(Kept::Animated, Some(&probe)));
    }
    let needs_fit = options.resize && (over_bytes || over_side);
    if !needs_fit && target == source {
        return Ok(kept(Kept::WithinLimits, Some(&probe)));
    }
    let pixels = u64::from(probe.width) * u64::from(probe.height);
    if pixels > options.max_pixels {
        return Err(fail(
            Some(Setting::FitMaxPixels),
            format!(
                "it is {}×{} pixels ({pixels}), over the pixel limit of {} (which bounds the memory a fit takes)",
                probe.width, probe.height, options.max_pixels
            ),
            "raise the pixel limit, or downscale the image before uploading it",
        ));
    }
    run::encode(bytes, &probe, target, limit, options)
        .map_err(|(setting, problem, fix)| fail(setting, problem, fix))
        .map(|found| Fitted {
            file_name: if target == source {
                file_name.to_owned()
            } else {
                with_extension(file_name, target.extension())
            },
            content_type: Some(target.content_type()),
            report: FitReport {
                kept: None,
                original_format: Some(source),
                original_bytes: size,
                original_width: probe.width,
                original_height: probe.height,
                format: Some(target),
                bytes: found.bytes.len() as u64,
                width: found.width,
                height: found.height,
                quality: found.quality,
                encodes: found.encodes,
            },
            bytes: Some(found.bytes),
        })
}

fn source_format(format: image::ImageFormat) -> OutputFormat {
    match format {
        image::ImageFormat::Png => OutputFormat::Png,
        image::ImageFormat::Gif => OutputFormat::Gif,
        image::ImageFormat::WebP => OutputFormat::Webp,
        _ => OutputFormat::Jpeg,
    }
}

/// `name` with its extension replaced (or added).
fn with_extension(name: &str, extension: &str) -> String {
    let stem = match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => name,
    };
    format!("{stem}.{extension}")
}

#[cfg(test)]
mod tests {
    use super::with_extension;

    #[test]
    fn the_extension_follows_the_format() {
        assert_eq!(with_extension("a.b.png", "webp"), "a.b.webp");
        assert_eq!(with_extension("photo", "jpg"), "photo.jpg");
        assert_eq!(with_extension(".hidden", "jpg"), ".hidden.jpg");
    }
}
