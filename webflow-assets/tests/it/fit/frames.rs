//! Files a fit must not decode or flatten: animations (GIF, APNG, WebP)
//! and images over the pixel limit.

use std::io::Cursor;

use image::{ImageFormat, RgbImage};
use webflow_assets::fit::{FitOptions, Kept, OutputFormat, fit_image};
use webflow_assets::{Hint, Limits, Setting};

use super::*;

/// A two-frame GIF, `side` pixels square.
fn animated_gif(side: u16) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut out);
        for shade in [0u8, 255] {
            let frame = image::RgbaImage::from_pixel(
                u32::from(side),
                u32::from(side),
                image::Rgba([shade, 0, 0, 255]),
            );
            encoder.encode_frame(image::Frame::new(frame)).unwrap();
        }
    }
    out
}

#[test]
fn an_animated_gif_is_kept_or_refused_never_flattened() {
    let gif = animated_gif(32);
    // Within the limits, even with a format asked for: kept as it is.
    let options = FitOptions::new().format(OutputFormat::Webp);
    let fitted = fit_image(&gif, "spin.gif", &options, &Limits::default()).unwrap();
    assert_eq!(fitted.report.kept, Some(Kept::Animated));
    assert_eq!(fitted.bytes, None);
    assert_eq!(fitted.file_name, "spin.gif");
    // Over a limit: refused, saying why.
    let small = FitOptions::new().max_bytes(100);
    let e = fit_image(&gif, "spin.gif", &small, &Limits::default()).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("spin.gif") && text.contains("animated") && text.contains("never flattened"),
        "{text}"
    );
    // A still GIF is not animated: it fits like any image.
    let mut still = Vec::new();
    image::RgbaImage::from_pixel(32, 32, image::Rgba([9, 9, 9, 255]))
        .write_to(&mut Cursor::new(&mut still), ImageFormat::Gif)
        .unwrap();
    let fitted = fit_image(&still, "dot.gif", &options, &Limits::default()).unwrap();
    assert_eq!(fitted.report.kept, None);
    assert_eq!(fitted.file_name, "dot.webp");
}

/// A two-frame APNG, 16 pixels square.
fn animated_png() -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, 16, 16);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_animated(2, 0).unwrap();
    let mut writer = encoder.write_header().unwrap();
    for shade in [0u8, 255] {
        writer.write_image_data(&[shade; 16 * 16 * 3]).unwrap();
    }
    writer.finish().unwrap();
    out
}

/// A RIFF chunk: code, little-endian size, payload, padding.
fn chunk(code: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut out = code.to_vec();
    out.extend((payload.len() as u32).to_le_bytes());
    out.extend(payload);
    if payload.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// A two-frame animated WebP, 4 pixels square: the frames are the VP8L
/// bitstream of image's lossless encoder, in `ANMF` chunks (WebP's
/// container specification).
fn animated_webp() -> Vec<u8> {
    let mut still = Vec::new();
    image::RgbaImage::from_pixel(4, 4, image::Rgba([9, 99, 199, 255]))
        .write_to(&mut Cursor::new(&mut still), ImageFormat::WebP)
        .unwrap();
    let at = still
        .windows(4)
        .position(|w| w == b"VP8L")
        .expect("a VP8L chunk");
    let size = u32::from_le_bytes(still[at + 4..at + 8].try_into().unwrap()) as usize;
    let vp8l = chunk(b"VP8L", &still[at + 8..at + 8 + size]);
    let side = 3u32.to_le_bytes();
    let mut vp8x = vec![0x02, 0, 0, 0];
    vp8x.extend(&side[..3]);
    vp8x.extend(&side[..3]);
    let mut body = b"WEBP".to_vec();
    body.extend(chunk(b"VP8X", &vp8x));
    body.extend(chunk(b"ANIM", &[0, 0, 0, 0, 0, 0]));
    for _ in 0..2 {
        // x, y, width - 1, height - 1, duration (100 ms), flags.
        let mut frame = vec![0, 0, 0, 0, 0, 0];
        frame.extend(&side[..3]);
        frame.extend(&side[..3]);
        frame.extend([100, 0, 0, 0]);
        frame.extend(&vp8l);
        body.extend(chunk(b"ANMF", &frame));
    }
    let mut out = b"RIFF".to_vec();
    out.extend((body.len() as u32).to_le_bytes());
    out.extend(body);
    out
}

#[test]
fn apng_and_animated_webp_are_kept_or_refused_never_flattened() {
    for (bytes, name) in [(animated_png(), "spin.png"), (animated_webp(), "spin.webp")] {
        let options = FitOptions::new().format(OutputFormat::Jpeg);
        let fitted = fit_image(&bytes, name, &options, &Limits::default()).unwrap();
        assert_eq!(
            (fitted.report.kept, fitted.bytes),
            (Some(Kept::Animated), None),
            "{name}"
        );
        let e = fit_image(
            &bytes,
            name,
            &FitOptions::new().max_bytes(20),
            &Limits::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("animated"), "{name}: {e}");
    }
}

/// PNG's chunk checksum (CRC-32, as zlib's), for the edited header.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn the_pixel_limit_refuses_before_decoding() {
    // A PNG header claiming 20000×20000 pixels and no pixel data: decoding
    // would fail with a different error; the header alone is refused.
    let mut bytes = png(&RgbImage::new(1, 1), None);
    bytes[16..20].copy_from_slice(&20_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&20_000u32.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    let options = FitOptions::new().format(OutputFormat::Webp);
    let e = fit_image(&bytes, "huge.png", &options, &Limits::default()).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("huge.png") && text.contains("20000×20000") && text.contains("pixel limit"),
        "{text}"
    );
    assert_eq!(hints(&e), [Hint::Setting(Setting::FitMaxPixels)]);
}
