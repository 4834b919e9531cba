//! Pixels under an ICC profile turned into sRGB, for a format that carries
//! no profile (AVIF as ravif writes it). moxcms: the colour management
//! `image` itself uses.

use moxcms::{ColorProfile, Layout, TransformOptions};

/// `data` (RGB or RGBA, 8 bits) from the `icc` profile to sRGB; the same
/// bytes when the profile is sRGB's or cannot be read as one moxcms can
/// transform from (then the pixels are taken as sRGB, as browsers do with
/// an unreadable profile).
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
