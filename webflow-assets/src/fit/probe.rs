//! What a file is before anything is decoded: its format, its size in
//! pixels (from the header), whether it is animated.

use std::io::Cursor;

use image::{AnimationDecoder, ImageDecoder, ImageFormat, ImageReader};

/// What the header says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Probe {
    pub format: ImageFormat,
    pub width: u32,
    pub height: u32,
    pub animated: bool,
}

/// A raster image this crate can decode, or `None` for anything else (SVG,
/// documents, formats without a decoder here: they go up as they are).
pub(crate) fn probe(bytes: &[u8]) -> Result<Option<Probe>, String> {
    let Ok(format) = image::guess_format(bytes) else {
        return Ok(None);
    };
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::Gif | ImageFormat::WebP
    ) {
        return Ok(None);
    }
    let reader = ImageReader::with_format(Cursor::new(bytes), format);
    // Header only: no pixel is decoded here.
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| format!("its {format:?} header cannot be read ({e})"))?;
    let animated = animated(bytes, format)?;
    Ok(Some(Probe {
        format,
        width,
        height,
        animated,
    }))
}

/// Whether it has more than one frame: APNG and animated WebP say so in
/// their headers; a GIF's second frame is looked for (frames are small
/// next to the pixel limit, which the caller checked).
fn animated(bytes: &[u8], format: ImageFormat) -> Result<bool, String> {
    let cursor = Cursor::new(bytes);
    match format {
        ImageFormat::Png => image::codecs::png::PngDecoder::new(cursor)
            .and_then(|d| d.is_apng())
            .map_err(|e| format!("its PNG header cannot be read ({e})")),
        ImageFormat::WebP => image::codecs::webp::WebPDecoder::new(cursor)
            .map(|d| d.has_animation())
            .map_err(|e| format!("its WebP header cannot be read ({e})")),
        ImageFormat::Gif => {
            let decoder = image::codecs::gif::GifDecoder::new(cursor)
                .map_err(|e| format!("its GIF header cannot be read ({e})"))?;
            // A frame that fails to decode counts as a frame: the file is
            // not flattened on the strength of a read error.
            Ok(decoder.into_frames().take(2).count() > 1)
        }
        _ => Ok(false),
    }
}

/// The decoded image, upright, with its colour profile and EXIF block.
pub(crate) struct Decoded {
    pub image: image::DynamicImage,
    pub icc: Option<Vec<u8>>,
    pub exif: Option<Vec<u8>>,
}

/// Decodes with the EXIF orientation applied, within `max_pixels` (the
/// decoder's own allocation limit follows it, so a lying header cannot
/// make it allocate more).
pub(crate) fn decode(bytes: &[u8], probe: &Probe, max_pixels: u64) -> Result<Decoded, String> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), probe.format);
    let mut limits = image::Limits::default();
    // 16-bit RGBA is 8 bytes a pixel; the rest is slack for the decoder.
    limits.max_alloc = Some(max_pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| format!("it cannot be decoded ({e})"))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let exif = decoder.exif_metadata().ok().flatten();
    let mut image = image::DynamicImage::from_decoder(decoder)
        .map_err(|e| format!("it cannot be decoded ({e})"))?;
    image.apply_orientation(orientation);
    Ok(Decoded { image, icc, exif })
}
