//! Pixels under an ICC profile turned into sRGB: a CMYK JPEG's (print
//! work's), whose colours only its profile gives, and RGB pixels for a
//! format that carries no profile (AVIF as ravif writes it). moxcms: the
//! colour management `image` itself uses.

use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};

/// `data` (RGB or RGBA, 8 bits) from the `icc` profile to sRGB; the same
/// bytes when the profile is sRGB's or cannot be read as one moxcms can
/// transform from (then the pixels are taken as sRGB, as browsers do with
/// an unreadable profile).
#[cfg_attr(not(feature = "fit-avif"), allow(dead_code))]
pub(crate) fn to_srgb(data: &[u8], alpha: bool, icc: &[u8]) -> Result<Vec<u8>, String> {
    let Ok(source) = ColorProfile::new_from_slice(icc) else {
        return Ok(data.to_vec());
    };
    let srgb = ColorProfile::new_srgb();
    let layout = if alpha { Layout::Rgba } else { Layout::Rgb };
    let Ok(transform) =
        source.create_transform_8bit(layout, &srgb, layout, TransformOptions::default())
    else {
        return Ok(data.to_vec());
    };
    let mut out = vec![0u8; data.len()];
    transform
        .transform(data, &mut out)
        .map_err(|e| format!("its colour profile cannot be applied ({e})"))?;
    Ok(out)
}

/// Whether an RGB profile is sRGB's in effect: every colour of a 6×6×6
/// cube goes through it to sRGB within one level. Such a profile says what
/// browsers assume anyway, and is left out of a re-encoded file: a photo
/// that carries a 9 kB sRGB profile (`sRGB-elle-V2-srgbtrc.icc`, seen on
/// lomiri-wallpapers' Painting-Colors) at a 19 kB WebP target spent half
/// the bytes on it (BENCHMARKS.md section 10). A profile moxcms cannot read
/// or apply is not sRGB's here: it is kept.
pub(crate) fn is_srgb(icc: &[u8]) -> bool {
    let Ok(source) = ColorProfile::new_from_slice(icc) else {
        return false;
    };
    if source.color_space != DataColorSpace::Rgb {
        return false;
    }
    let Ok(transform) = source.create_transform_8bit(
        Layout::Rgb,
        &ColorProfile::new_srgb(),
        Layout::Rgb,
        TransformOptions::default(),
    ) else {
        return false;
    };
    const STEPS: [u8; 6] = [0, 51, 102, 153, 204, 255];
    let mut cube = Vec::with_capacity(6 * 6 * 6 * 3);
    for r in STEPS {
        for g in STEPS {
            for b in STEPS {
                cube.extend([r, g, b]);
            }
        }
    }
    let mut out = vec![0u8; cube.len()];
    transform.transform(&cube, &mut out).is_ok()
        && cube.iter().zip(&out).all(|(a, b)| a.abs_diff(*b) <= 1)
}

/// A CMYK JPEG as sRGB pixels (RGB, 8 bits), through `icc` (its CMYK
/// profile): its own samples, decoded without `image`'s conversion by
/// formula. Adobe's convention (an APP14 marker, as Photoshop writes) keeps
/// the samples inverted: they are turned back before the profile applies.
pub(crate) fn cmyk_jpeg_to_srgb(
    bytes: &[u8],
    icc: &[u8],
    max_pixels: u64,
) -> Result<image::RgbImage, String> {
    use zune_core::bytestream::ZCursor;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;
    let profile = ColorProfile::new_from_slice(icc)
        .map_err(|e| format!("its CMYK colour profile cannot be read ({e:?})"))?;
    if profile.color_space != DataColorSpace::Cmyk {
        return Err("its colour profile is not a CMYK one, though its pixels are CMYK".to_owned());
    }
    let side = u32::try_from(max_pixels.min(u64::from(u32::MAX))).unwrap_or(u32::MAX) as usize;
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::CMYK)
        .set_max_width(side)
        .set_max_height(side);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    let mut samples = decoder
        .decode()
        .map_err(|e| format!("it cannot be decoded ({e:?})"))?;
    let (w, h) = decoder
        .dimensions()
        .ok_or_else(|| "its JPEG header cannot be read".to_owned())?;
    if u64::try_from(w).unwrap_or(u64::MAX) * u64::try_from(h).unwrap_or(u64::MAX) > max_pixels
        || samples.len() != w * h * 4
    {
        return Err("its CMYK pixels are not the size its header says".to_owned());
    }
    if adobe_marker(bytes) {
        samples.iter_mut().for_each(|v| *v = 255 - *v);
    }
    let srgb = ColorProfile::new_srgb();
    let transform = profile
        .create_transform_8bit(
            Layout::Rgba,
            &srgb,
            Layout::Rgb,
            TransformOptions::default(),
        )
        .map_err(|e| format!("its CMYK colour profile cannot be applied ({e:?})"))?;
    let mut rgb = vec![0u8; w * h * 3];
    transform
        .transform(&samples, &mut rgb)
        .map_err(|e| format!("its CMYK colour profile cannot be applied ({e:?})"))?;
    image::RgbImage::from_raw(w as u32, h as u32, rgb)
        .ok_or_else(|| "its pixels do not fill its size".to_owned())
}

/// Whether the JPEG has Adobe's APP14 marker (before its first scan).
fn adobe_marker(bytes: &[u8]) -> bool {
    let scan = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xDA])
        .unwrap_or(bytes.len());
    bytes[..scan]
        .windows(7)
        .any(|w| w[..2] == [0xFF, 0xEE] && &w[4..] == b"Ado")
}
