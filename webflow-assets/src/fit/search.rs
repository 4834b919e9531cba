//! The bounded search for the best encode that fits: the highest quality
//! in the allowed range at the largest size, downscaling only when even the
//! lowest quality is too big.

use super::encode::{Metadata, encode};
use super::options::{FitOptions, OutputFormat};
use super::pixels::{Pixels, scaled};

/// Downscaling rounds before giving up: each aims at the limit from the
/// last round's size (bytes grow about as the pixel count), so two or three
/// are the rule.
const MAX_ROUNDS: u32 = 8;

/// The encode the search chose.
pub(crate) struct Found {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub quality: Option<u8>,
    pub encodes: u32,
}

/// Why nothing fit.
pub(crate) enum Miss {
    /// Not without downscaling, which the options do not allow.
    NeedsResize { bytes: usize },
    /// Not above the quality floor, even downscaled `rounds` times.
    BelowFloor {
        bytes: usize,
        width: u32,
        height: u32,
    },
    /// An encoder or the resizer failed.
    Failed(String),
}

pub(crate) fn search(
    full: &mut Pixels,
    format: OutputFormat,
    (mut width, mut height): (u32, u32),
    limit: u64,
    options: &FitOptions,
    meta: &Metadata<'_>,
) -> Result<Found, Miss> {
    let mut encodes = 0;
    let fits = |b: &[u8]| b.len() as u64 <= limit;
    let mut smallest = usize::MAX;
    for _ in 0..MAX_ROUNDS {
        let pixels = full.resized(width, height).map_err(Miss::Failed)?;
        let mut enc = |quality: u8| {
            encodes += 1;
            encode(&pixels, format, quality, meta, options.avif_speed).map_err(Miss::Failed)
        };
        let found = |bytes: Vec<u8>, quality: Option<u8>, encodes: u32| Found {
            bytes,
            width,
            height,
            quality,
            encodes,
        };
        let (lo, hi) = (options.min_quality, options.max_quality);
        let floor_bytes = if format.is_lossy() {
            let best = enc(hi)?;
            if fits(&best) {
                return Ok(found(best, Some(hi), encodes));
            }
            if lo == hi {
                best.len()
            } else {
                let floor = enc(lo)?;
                if fits(&floor) {
                    // `lo` fits and `hi` does not: halve the gap.
                    let (mut lo, mut hi, mut kept) = (lo, hi, floor);
                    while hi - lo > 1 {
                        let mid = lo + (hi - lo) / 2;
                        let out = enc(mid)?;
                        if fits(&out) {
                            (lo, kept) = (mid, out);
                        } else {
                            hi = mid;
                        }
                    }
                    return Ok(found(kept, Some(lo), encodes));
                }
                floor.len()
            }
        } else {
            let out = enc(hi)?;
            if fits(&out) {
                return Ok(found(out, None, encodes));
            }
            out.len()
        };
        smallest = smallest.min(floor_bytes);
        if !options.resize {
            return Err(Miss::NeedsResize { bytes: floor_bytes });
        }
        // Aim a little under the limit, and shrink at least a tenth.
        let factor = ((limit as f64 / floor_bytes as f64).sqrt() * 0.97).min(0.9);
        let next = scaled(width, height, factor);
        if next == (width, height) || next.0.max(next.1) < 16 {
            break;
        }
        (width, height) = next;
    }
    Err(Miss::BelowFloor {
        bytes: smallest,
        width,
        height,
    })
}
