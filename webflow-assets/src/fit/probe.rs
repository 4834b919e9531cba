//! What a file is before anything is decoded: its format, its size in
//! pixels (from the header), whether it is animated.

use std::io::Cursor;

use image::{ImageDecoder, ImageFormat, ImageReader};

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
/// Nothing is decoded: sizes come from the header, and a GIF's frames are
/// counted with their data skipped, so that a small file declaring a huge
/// screen costs nothing here.
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
            // `image`'s frame iterator composes each frame onto a buffer of
            // the declared screen (30000×30000 in 35 bytes): frames are
            // counted with their LZW data skipped instead, within gif's
            // own memory limit.
            let mut options = gif::DecodeOptions::new();
            options.skip_frame_decoding(true);
            let mut decoder = options
                .read_info(cursor)
                .map_err(|e| format!("its GIF header cannot be read ({e})"))?;
            // Frame headers only: `read_next_frame` reserves a buffer of
            // the frame's declared size even with decoding skipped (1 GiB
            // for a 65535×65535 frame in 35 bytes: the fuzz target's
            // crash-85cc34ac).
            let mut frames = 0;
            while frames < 2 {
                match decoder.next_frame_info() {
                    Ok(Some(_)) => frames += 1,
                    Ok(None) => break,
                    // Damaged or cut short: an error, neither flattened to
                    // its first frame nor taken for an animation.
                    Err(e) => {
                        return Err(format!(
                            "its GIF data cannot be read ({e}): the file is cut short or damaged"
                        ));
                    }
                }
            }
            Ok(frames > 1)
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
    whole(bytes, probe.format)?;
    // `image` turns CMYK into RGB by formula, not through the file's
    // profile: print colours shift (18.9/255 mean error on a brochure's
    // photo). A CMYK JPEG with its profile goes through the profile.
    let cmyk = probe.format == ImageFormat::Jpeg && jpeg_components(bytes) == Some(4);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), probe.format);
    let mut limits = image::Limits::default();
    // 16-bit RGBA is 8 bytes a pixel; the rest is slack for the decoder.
    limits.max_alloc = Some(max_pixels.saturating_mul(8).saturating_add(64 << 20));
    // And no side longer than the header said (a decoder that trusts a
    // frame over the header is held to it).
    limits.max_image_width = Some(probe.width);
    limits.max_image_height = Some(probe.height);
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| format!("it cannot be decoded ({e})"))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let exif = decoder.exif_metadata().ok().flatten();
    let cmyk_icc = icc
        .as_deref()
        .filter(|icc| cmyk && super::encode::icc_space(icc) == Some(*b"CMYK"));
    let (mut image, icc) = match cmyk_icc {
        Some(profile) => {
            let rgb = super::colour::cmyk_jpeg_to_srgb(bytes, profile, max_pixels)?;
            // Now sRGB: the CMYK profile stays behind.
            (image::DynamicImage::ImageRgb8(rgb), None)
        }
        // Without a profile, as browsers show it: by formula.
        None => (
            image::DynamicImage::from_decoder(decoder)
                .map_err(|e| format!("it cannot be decoded ({e})"))?,
            icc,
        ),
    };
    image.apply_orientation(orientation);
    Ok(Decoded { image, icc, exif })
}

/// An error when the file's data ends before the image does. A JPEG
/// decoder fills the rows it never got with grey and says nothing (a JPEG
/// cut at 55 % went up with its bottom 40 % flat grey): a JPEG's last scan
/// must end with its end-of-image marker. (In the entropy-coded data an
/// `FF` byte is followed only by `00` or a restart marker, so `FF D9` there
/// is the end.) The other decoders here fail on a short read themselves
/// (`tests/it/fit_inputs.rs` checks each).
fn whole(bytes: &[u8], format: ImageFormat) -> Result<(), String> {
    if format != ImageFormat::Jpeg {
        return Ok(());
    }
    let last = |marker: u8| bytes.windows(2).rposition(|w| w == [0xFF, marker]);
    match (last(0xDA), last(0xD9)) {
        (Some(scan), Some(end)) if end > scan => Ok(()),
        (None, _) => {
            Err("its JPEG data has no image scan (the file is cut short or damaged)".to_owned())
        }
        _ => Err(format!(
            "the image data ends early: its last JPEG scan has no end ({} bytes read; the file was cut short, as an interrupted copy or download leaves it)",
            bytes.len()
        )),
    }
}

/// The number of colour components a JPEG's frame header declares (1 grey,
/// 3 YCbCr, 4 CMYK or YCCK), read from the markers before the first scan.
fn jpeg_components(bytes: &[u8]) -> Option<u8> {
    let mut at = 2; // after SOI
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        match marker {
            // Start of frame (not DHT C4, JPG C8, DAC CC): precision,
            // height, width, then the component count.
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                return bytes.get(at + 9).copied();
            }
            0xDA => return None,
            _ => at += 2 + length,
        }
    }
    None
}
