//! Running a fit: the decode, bounds and search of one image, and its
//! failures as (setting, problem, fix).

use super::encode::Metadata;
use super::options::{FitOptions, OutputFormat};
use super::pixels::{Pixels, bounded};
use super::probe::{Probe, decode};
use super::search::{Miss, search};
use crate::error::Setting;

type Failure = (Option<Setting>, String, &'static str);

/// The longest side a WebP can have (libwebp's `WEBP_MAX_DIMENSION`).
const WEBP_MAX_SIDE: u32 = 16_383;

/// Decodes, bounds and searches; the error as (setting, problem, fix).
pub(super) fn encode(
    bytes: &[u8],
    probe: &Probe,
    target: OutputFormat,
    limit: u64,
    options: &FitOptions,
) -> Result<super::search::Found, Failure> {
    let decoded = decode(bytes, probe, options.max_pixels)
        .map_err(|p| (None, p, "check that the file is a whole, valid image"))?;
    let exif = if options.keep_metadata {
        decoded.exif.map(super::exif::upright)
    } else {
        None
    };
    let meta = Metadata {
        // An sRGB profile says what every viewer assumes: its bytes go.
        icc: decoded
            .icc
            .as_deref()
            .filter(|icc| !super::colour::is_srgb(icc)),
        exif: exif.as_deref(),
    };
    let mut pixels = Pixels::from_image(decoded.image);
    if target == OutputFormat::Jpeg && pixels.alpha {
        return Err((
            Some(Setting::FitFormat),
            "it has transparent pixels, which JPEG cannot hold".to_owned(),
            "choose WebP, AVIF or PNG as the format",
        ));
    }
    let upright = (pixels.width, pixels.height);
    let mut start = match (options.resize, options.max_dimension) {
        (true, Some(side)) => bounded(pixels.width, pixels.height, side),
        _ => upright,
    };
    if target == OutputFormat::Webp && start.0.max(start.1) > WEBP_MAX_SIDE {
        if !options.resize {
            return Err((
                Some(Setting::Fit),
                format!(
                    "it is {}×{} pixels, and WebP holds at most {WEBP_MAX_SIDE} pixels a side",
                    pixels.width, pixels.height
                ),
                "turn fitting on to downscale it to that (or set a smaller maximum side), or choose another format (PNG, JPEG, AVIF)",
            ));
        }
        start = bounded(start.0, start.1, WEBP_MAX_SIDE);
    }
    match search(&mut pixels, target, start, limit, options, &meta) {
        Ok(found) => Ok(found),
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
