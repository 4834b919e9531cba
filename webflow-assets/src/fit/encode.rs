//! One encode of pixels in a format at a quality, with the colour profile
//! and (when kept) the EXIF block.

use image::ImageEncoder;

use super::options::OutputFormat;
use super::pixels::Pixels;

/// What goes with the pixels.
pub(crate) struct Metadata<'a> {
    pub icc: Option<&'a [u8]>,
    pub exif: Option<&'a [u8]>,
}

/// Encodes `pixels` as `format` (`quality` 1 to 100 for the lossy ones).
pub(crate) fn encode(
    pixels: &Pixels,
    format: OutputFormat,
    quality: u8,
    meta: &Metadata<'_>,
    avif_speed: u8,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let (w, h) = (pixels.width, pixels.height);
    // A profile goes only where its colour space is the pixels' (a grey
    // profile with grey pixels, an RGB one with RGB): a CMYK or grey
    // profile on RGB pixels is wrong, and viewers reject it.
    let grey_out = pixels.grey && matches!(format, OutputFormat::Jpeg | OutputFormat::Png);
    let meta = &Metadata {
        icc: meta
            .icc
            .filter(|icc| icc_space(icc) == Some(if grey_out { *b"GRAY" } else { *b"RGB " })),
        exif: meta.exif,
    };
    let failed = |e: &dyn std::fmt::Display| format!("encoding it as {format} failed ({e})");
    match format {
        OutputFormat::Jpeg => {
            if pixels.alpha {
                return Err(
                    "it has transparent pixels, which JPEG cannot hold; choose WebP, AVIF or PNG"
                        .to_owned(),
                );
            }
            out = jpeg(pixels, quality, meta)?;
        }
        OutputFormat::Png => {
            let mut encoder = image::codecs::png::PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Best,
                image::codecs::png::FilterType::Adaptive,
            );
            set_metadata(&mut encoder, meta);
            encoder
                .write_image(&pixels.data, w, h, pixels.color_type())
                .map_err(|e| failed(&e))?;
        }
        OutputFormat::Gif => {
            let mut encoder = image::codecs::gif::GifEncoder::new(&mut out);
            let rgb = pixels.rgb();
            let rgba = if pixels.alpha {
                rgb.into_owned()
            } else {
                rgb.chunks_exact(3)
                    .flat_map(|p| [p[0], p[1], p[2], u8::MAX])
                    .collect()
            };
            encoder
                .encode(&rgba, w, h, image::ExtendedColorType::Rgba8)
                .map_err(|e| failed(&e))?;
            drop(encoder);
        }
        OutputFormat::Webp => {
            let rgb = pixels.rgb();
            let encoder = if pixels.alpha {
                webp::Encoder::from_rgba(&rgb, w, h)
            } else {
                webp::Encoder::from_rgb(&rgb, w, h)
            };
            let encoded = encoder
                .encode_simple(false, f32::from(quality))
                .map_err(|e| failed(&format!("{e:?}")))?;
            out = super::riff::with_metadata(encoded.to_vec(), w, h, meta.icc, meta.exif);
        }
        OutputFormat::Avif => out = avif(pixels, quality, meta, avif_speed)?,
    }
    Ok(out)
}

/// The longest side a JPEG can have.
const JPEG_MAX_SIDE: u32 = 65_535;

/// JPEG as libjpeg's tools write photos: 4:2:0 chroma below quality 90
/// (4:4:4 from 90, where fine colour edges are worth their bytes, as
/// ImageMagick chooses), optimized Huffman tables, one baseline scan.
/// Measured at equal bytes against sharp's libjpeg on six photos (SSIM):
/// progressive scans -0.0024, baseline -0.0005 at 0.98x the bytes; 4:4:4
/// throughout -0.0084; ImageMagick's, MS-SSIM's and PSNR-HVS's tables
/// -0.0008 to -0.0042 (benches/fit_equal.sh's method, one quality step
/// apart).
fn jpeg(pixels: &Pixels, quality: u8, meta: &Metadata<'_>) -> Result<Vec<u8>, String> {
    use jpeg_encoder::{ColorType, Encoder, SamplingFactor};
    let failed = |e: &dyn std::fmt::Display| format!("encoding it as JPEG failed ({e})");
    let side = |v: u32| {
        u16::try_from(v).map_err(|_| {
            format!(
                "it is {}×{} pixels, and JPEG holds at most {JPEG_MAX_SIDE} pixels a side",
                pixels.width, pixels.height
            )
        })
    };
    let (w, h) = (side(pixels.width)?, side(pixels.height)?);
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(if quality >= 90 {
        SamplingFactor::R_4_4_4
    } else {
        SamplingFactor::R_4_2_0
    });
    encoder.set_optimized_huffman_tables(true);
    // As with `image`'s encoder: a refused profile or EXIF block (over a
    // segment's 64 KiB, the profile split over segments is not) loses only
    // metadata, never pixels.
    if let Some(icc) = meta.icc {
        let _ = encoder.add_icc_profile(icc);
    }
    if let Some(exif) = meta.exif {
        let _ = encoder.add_app_segment(1, &[b"Exif\0\0".as_slice(), exif].concat());
    }
    let color = if pixels.grey {
        ColorType::Luma
    } else {
        ColorType::Rgb
    };
    encoder
        .encode(&pixels.data, w, h, color)
        .map_err(|e| failed(&e))?;
    Ok(out)
}

/// An ICC profile's colour space (`RGB `, `GRAY`, `CMYK`...), from its
/// header.
pub(crate) fn icc_space(icc: &[u8]) -> Option<[u8; 4]> {
    icc.get(16..20).and_then(|s| s.try_into().ok())
}

fn set_metadata(encoder: &mut impl ImageEncoder, meta: &Metadata<'_>) {
    // JPEG and PNG take both; an encoder that refused would lose only
    // metadata, never pixels, so a refusal is not an error.
    if let Some(icc) = meta.icc {
        let _ = encoder.set_icc_profile(icc.to_vec());
    }
    if let Some(exif) = meta.exif {
        let _ = encoder.set_exif_metadata(exif.to_vec());
    }
}

#[cfg(feature = "fit-avif")]
fn avif(pixels: &Pixels, quality: u8, meta: &Metadata<'_>, speed: u8) -> Result<Vec<u8>, String> {
    use ravif::{Encoder, Img, RGB8, RGBA8};
    use rgb::bytemuck::cast_slice;
    // ravif writes no ICC profile (only the sRGB colour signal): pixels
    // under another profile are converted to sRGB first, so that colours
    // stay as they looked.
    let rgb = pixels.rgb();
    let data = match meta.icc {
        Some(icc) => super::colour::to_srgb(&rgb, pixels.alpha, icc)?,
        None => rgb.into_owned(),
    };
    // rav1e's tiles on rayon's global pool: one pool for the process, so
    // fits running side by side share the cores instead of each taking all.
    let encoder = Encoder::new()
        .with_quality(ravif_quality(quality))
        .with_speed(speed)
        .with_num_threads(None);
    let (w, h) = (pixels.width as usize, pixels.height as usize);
    let encoded = if pixels.alpha {
        encoder.encode_rgba(Img::new(cast_slice::<u8, RGBA8>(&data), w, h))
    } else {
        encoder.encode_rgb(Img::new(cast_slice::<u8, RGB8>(&data), w, h))
    }
    .map_err(|e| format!("encoding it as AVIF failed ({e})"))?;
    Ok(encoded.avif_file)
}

/// ravif's quality for a `--quality` that means what it means to the other
/// AVIF tools: the ravif quality whose luma SSIM matched sharp's AVIF
/// (libheif and aom, effort 4) at that quality, found by bisection on three
/// photographs (BytheWater and Kite of plasma-workspace-wallpapers,
/// Kleiber of lomiri-wallpapers, at 1920 px, speed 9), the same within
/// ±3 on each: sharp's 40, 50, 60, 70, 80 and 90 are ravif's 46, 60, 81,
/// 87, 90 and 95. Straight lines between (and to 1 and 100). Without it,
/// "quality 60" was ravif's 60: sharp's 50, and a visibly softer picture
/// than any other tool's 60.
#[cfg_attr(not(feature = "fit-avif"), allow(dead_code))]
pub(crate) fn ravif_quality(quality: u8) -> f32 {
    const MEASURED: [(f32, f32); 8] = [
        (1.0, 1.0),
        (40.0, 46.0),
        (50.0, 60.0),
        (60.0, 81.0),
        (70.0, 87.0),
        (80.0, 90.0),
        (90.0, 95.0),
        (100.0, 100.0),
    ];
    let q = f32::from(quality.clamp(1, 100));
    MEASURED
        .windows(2)
        .find(|w| q <= w[1].0)
        .map_or(100.0, |w| {
            let ((q0, r0), (q1, r1)) = (w[0], w[1]);
            r0 + (q - q0) * (r1 - r0) / (q1 - q0)
        })
}

#[cfg(not(feature = "fit-avif"))]
fn avif(_: &Pixels, _: u8, _: &Metadata<'_>, _: u8) -> Result<Vec<u8>, String> {
    Err("this build cannot write AVIF (the `fit-avif` feature is off)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::ravif_quality;

    #[test]
    fn avif_quality_follows_the_measured_points() {
        assert_eq!(ravif_quality(60), 81.0);
        assert_eq!(ravif_quality(80), 90.0);
        assert_eq!(ravif_quality(55), 70.5);
        assert_eq!(ravif_quality(0), 1.0);
        assert_eq!(ravif_quality(100), 100.0);
        let all: Vec<f32> = (0..=100).map(ravif_quality).collect();
        assert!(all.windows(2).all(|w| w[0] <= w[1]), "monotonic: {all:?}");
    }
}
