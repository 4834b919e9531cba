//! Images made to fit (`fit_image`, `UploadOptions::fit`): each rule of the
//! issue on an image the test makes.

use std::io::Cursor;

use image::{ImageDecoder, ImageEncoder, ImageFormat, Rgb, RgbImage};
use webflow_assets::fit::{FitOptions, Kept, OutputFormat, fit_image};
use webflow_assets::{Error, Hint, Limits, Setting};

#[cfg(feature = "fit-avif")]
#[path = "../common/avif.rs"]
mod avif;

const LIMIT: u64 = 4 * 1024 * 1024;

/// A photograph's statistics, roughly: smooth light and shade, edges, and
/// sensor noise (a hash per pixel, so the same image every run).
fn photo(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        let noise = |c: u32| {
            let mut h = x.wrapping_mul(0x9E37_79B1)
                ^ y.wrapping_mul(0x85EB_CA77)
                ^ c.wrapping_mul(0xC2B2_AE3D);
            h ^= h >> 15;
            h = h.wrapping_mul(0x2C1B_3C6D);
            h ^= h >> 12;
            (h % 24) as f32 - 12.0
        };
        let shade = 0.5 + 0.4 * (fx * 9.0).sin() * (fy * 7.0).cos();
        let edge = if (fx * 13.0 + fy * 5.0).fract() < 0.5 {
            30.0
        } else {
            -30.0
        };
        let channel =
            |base: f32, c: u32| (base * shade * 255.0 + edge + noise(c)).clamp(0.0, 255.0) as u8;
        Rgb([channel(0.9, 0), channel(0.7, 1), channel(0.5, 2)])
    })
}

fn jpeg(image: &RgbImage, quality: u8, exif: Option<Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    if let Some(exif) = exif {
        encoder.set_exif_metadata(exif).unwrap();
    }
    encoder
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

fn png(image: &RgbImage, icc: Option<Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = image::codecs::png::PngEncoder::new(&mut out);
    if let Some(icc) = icc {
        encoder.set_icc_profile(icc).unwrap();
    }
    encoder
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

fn decode(bytes: &[u8]) -> image::DynamicImage {
    image::load_from_memory(bytes).expect("the output decodes")
}

fn hints(e: &Error) -> Vec<Hint> {
    e.hints()
}

#[test]
fn a_5_mb_photo_jpeg_fits_under_4_mib_at_the_best_quality_that_fits() {
    let original = jpeg(&photo(4200, 2800), 98, None);
    assert!(
        original.len() as u64 > 5_000_000,
        "the test photo is {} bytes",
        original.len()
    );
    let options = FitOptions::new();
    let fitted = fit_image(&original, "big.jpg", &options, &Limits::default()).unwrap();
    let report = &fitted.report;
    let out = fitted.bytes.as_ref().expect("re-encoded");
    assert!(out.len() as u64 <= LIMIT, "{} bytes", out.len());
    assert_eq!(
        (fitted.file_name.as_str(), fitted.content_type),
        ("big.jpg", Some("image/jpeg"))
    );
    let decoded = decode(out);
    // The aspect ratio is kept (here no downscaling was needed at all).
    assert_eq!(
        (decoded.width(), decoded.height()),
        (report.width, report.height)
    );
    assert_eq!(report.width * 2800, report.height * 4200);
    // Not smaller than it needs to be: one quality step up does not fit.
    let q = report.quality.unwrap();
    assert!((50..90).contains(&q), "quality {q}");
    // One quality step up, encoded for sure (a limit under the original's
    // size makes the fit encode), at the same size.
    let one_up = fit_image(
        &original,
        "big.jpg",
        &FitOptions::new()
            .min_quality(q + 1)
            .max_quality(q + 1)
            .max_bytes(original.len() as u64 - 1),
        &Limits::unlimited(),
    )
    .unwrap();
    assert_eq!(
        (one_up.report.kept, one_up.report.width),
        (None, report.width)
    );
    assert!(
        one_up.report.bytes > LIMIT,
        "quality {} would fit too: {} bytes",
        q + 1,
        one_up.report.bytes
    );
    assert!(report.encodes <= 8, "{} encodes", report.encodes);
}

#[test]
fn a_png_over_the_limit_is_downscaled_only_as_far_as_it_needs() {
    let original = png(&photo(1950, 1300), None);
    assert!(
        original.len() as u64 > 5_000_000,
        "the test PNG is {} bytes",
        original.len()
    );
    let fitted = fit_image(
        &original,
        "scan.png",
        &FitOptions::new(),
        &Limits::default(),
    )
    .unwrap();
    let out = fitted.bytes.as_ref().expect("re-encoded");
    assert!(out.len() as u64 <= LIMIT);
    assert_eq!(fitted.content_type, Some("image/png"));
    let decoded = decode(out);
    let (w, h) = (decoded.width(), decoded.height());
    assert!(w < 1950, "downscaled: {w}×{h}");
    // The aspect ratio within a pixel's rounding.
    assert!((f64::from(w) / f64::from(h) - 1.5).abs() < 0.01, "{w}×{h}");
    // Not smaller than it needs to be: most of the allowance is used.
    assert!(
        out.len() as u64 > LIMIT * 6 / 10,
        "{} bytes of {LIMIT}",
        out.len()
    );
    assert_eq!(fitted.report.quality, None);
}

/// An EXIF block (little-endian TIFF) with one tag: orientation.
fn exif_orientation(value: u16) -> Vec<u8> {
    let mut b = b"II".to_vec();
    b.extend(42u16.to_le_bytes());
    b.extend(8u32.to_le_bytes());
    b.extend(1u16.to_le_bytes());
    b.extend(0x0112u16.to_le_bytes());
    b.extend(3u16.to_le_bytes());
    b.extend(1u32.to_le_bytes());
    b.extend(value.to_le_bytes());
    b.extend([0, 0]);
    b.extend(0u32.to_le_bytes());
    b
}

/// 80×40, left half red, right half blue.
fn halves() -> RgbImage {
    RgbImage::from_fn(80, 40, |x, _| {
        if x < 40 {
            Rgb([255, 0, 0])
        } else {
            Rgb([0, 0, 255])
        }
    })
}

#[test]
fn exif_orientation_6_comes_out_upright() {
    // Orientation 6: shown turned 90° clockwise, so the left (red) half is
    // on top.
    let original = jpeg(&halves(), 95, Some(exif_orientation(6)));
    let options = FitOptions::new().format(OutputFormat::Png);
    let fitted = fit_image(&original, "turned.jpg", &options, &Limits::default()).unwrap();
    let out = decode(fitted.bytes.as_ref().unwrap()).into_rgb8();
    assert_eq!((out.width(), out.height()), (40, 80));
    let top = out.get_pixel(20, 10).0;
    let bottom = out.get_pixel(20, 70).0;
    assert!(top[0] > 200 && top[2] < 60, "top {top:?}");
    assert!(bottom[2] > 200 && bottom[0] < 60, "bottom {bottom:?}");
    // Metadata dropped by default: no EXIF left to turn it again.
    let mut decoder =
        image::codecs::png::PngDecoder::new(Cursor::new(fitted.bytes.unwrap())).unwrap();
    assert_eq!(decoder.exif_metadata().unwrap(), None);
}

#[test]
fn kept_metadata_is_reset_to_upright() {
    let original = jpeg(&halves(), 95, Some(exif_orientation(6)));
    let options = FitOptions::new()
        .format(OutputFormat::Webp)
        .keep_metadata(true);
    let fitted = fit_image(&original, "turned.jpg", &options, &Limits::default()).unwrap();
    let bytes = fitted.bytes.unwrap();
    let mut decoder = image::codecs::webp::WebPDecoder::new(Cursor::new(&bytes)).unwrap();
    let exif = decoder.exif_metadata().unwrap().expect("EXIF kept");
    assert_eq!(exif, exif_orientation(1));
    assert_eq!(
        decoder.orientation().unwrap(),
        image::metadata::Orientation::NoTransforms
    );
}

/// A made-up ICC profile is enough to see it carried over byte for byte.
fn profile() -> Vec<u8> {
    let mut icc = vec![0u8; 128];
    icc[..4].copy_from_slice(&128u32.to_be_bytes());
    icc[36..40].copy_from_slice(b"acsp");
    icc
}

#[test]
fn webp_output_decodes_with_its_type_name_and_colour_profile() {
    let original = png(&photo(300, 200), Some(profile()));
    let options = FitOptions::new().format(OutputFormat::Webp);
    let fitted = fit_image(&original, "tile.png", &options, &Limits::default()).unwrap();
    assert_eq!(
        (fitted.file_name.as_str(), fitted.content_type),
        ("tile.webp", Some("image/webp"))
    );
    let bytes = fitted.bytes.unwrap();
    assert_eq!(image::guess_format(&bytes).unwrap(), ImageFormat::WebP);
    let mut decoder = image::codecs::webp::WebPDecoder::new(Cursor::new(&bytes)).unwrap();
    assert_eq!(decoder.icc_profile().unwrap(), Some(profile()));
    let decoded = decode(&bytes);
    assert_eq!((decoded.width(), decoded.height()), (300, 200));
    // Lossy, but the same picture.
    let (a, b) = (photo(300, 200), decoded.into_rgb8());
    let mean_error: f64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| f64::from(x.abs_diff(*y)))
        .sum::<f64>()
        / a.as_raw().len() as f64;
    assert!(mean_error < 12.0, "mean error {mean_error}");
}

#[test]
fn jpeg_output_keeps_the_colour_profile() {
    let original = png(&photo(64, 64), Some(profile()));
    let options = FitOptions::new().format(OutputFormat::Jpeg);
    let fitted = fit_image(&original, "p.png", &options, &Limits::default()).unwrap();
    let bytes = fitted.bytes.unwrap();
    let mut decoder = image::codecs::jpeg::JpegDecoder::new(Cursor::new(&bytes)).unwrap();
    assert_eq!(decoder.icc_profile().unwrap(), Some(profile()));
    assert_eq!(fitted.file_name, "p.jpg");
}

#[cfg(feature = "fit-avif")]
#[test]
fn avif_output_decodes_with_its_type_and_name() {
    let original = png(&photo(200, 120), None);
    let options = FitOptions::new().format(OutputFormat::Avif).avif_speed(10);
    let fitted = fit_image(&original, "hero.png", &options, &Limits::default()).unwrap();
    assert_eq!(
        (fitted.file_name.as_str(), fitted.content_type),
        ("hero.avif", Some("image/avif"))
    );
    let bytes = fitted.bytes.unwrap();
    assert_eq!(image::guess_format(&bytes).unwrap(), ImageFormat::Avif);
    avif::check_decodes(&bytes, 200, 120);
}

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

#[test]
fn below_the_quality_floor_is_an_error_that_says_what_to_change() {
    let original = jpeg(&photo(400, 300), 95, None);
    let options = FitOptions::new().max_bytes(300).min_quality(80);
    let e = fit_image(&original, "noisy.jpg", &options, &Limits::default()).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("noisy.jpg") && text.contains("quality 80"),
        "{text}"
    );
    assert!(text.contains("lower the minimum quality"), "{text}");
    assert_eq!(hints(&e), [Hint::Setting(Setting::FitQuality)]);
}

#[test]
fn a_format_alone_converts_and_leaves_the_rest_alone() {
    let options = FitOptions::convert(OutputFormat::Webp);
    // An image in another format: converted, never downscaled.
    let original = png(&photo(120, 80), None);
    let fitted = fit_image(&original, "a.png", &options, &Limits::default()).unwrap();
    assert_eq!(fitted.file_name, "a.webp");
    assert_eq!((fitted.report.width, fitted.report.height), (120, 80));
    // Already WebP and within the limits: as it is.
    let webp = fitted.bytes.unwrap();
    let again = fit_image(&webp, "a.webp", &options, &Limits::default()).unwrap();
    assert_eq!(again.report.kept, Some(Kept::WithinLimits));
    // Not images: as they are.
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#;
    for (bytes, name) in [
        (&svg[..], "logo.svg"),
        (b"hello", "notes.txt"),
        (b"%PDF-1.4", "a.pdf"),
    ] {
        let kept = fit_image(bytes, name, &options, &Limits::default()).unwrap();
        assert_eq!(
            (kept.report.kept, kept.file_name.as_str()),
            (Some(Kept::NotAnImage), name)
        );
    }
    // Converting alone never downscales: too big is an error naming fit.
    let big = png(&photo(600, 400), None);
    let e = fit_image(
        &big,
        "b.png",
        &options.clone().max_bytes(500),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(hints(&e), [Hint::Setting(Setting::Fit)]);
}

#[test]
fn max_dimension_downscales_an_image_within_the_byte_limit() {
    let original = jpeg(&photo(1200, 800), 80, None);
    let fitted = fit_image(
        &original,
        "w.jpg",
        &FitOptions::new().max_dimension(600),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!((fitted.report.width, fitted.report.height), (600, 400));
    assert_eq!(fitted.report.quality, Some(90));
    // Within both limits: kept.
    let kept = fit_image(
        &original,
        "w.jpg",
        &FitOptions::new().max_dimension(1200),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(kept.report.kept, Some(Kept::WithinLimits));
}

#[test]
fn transparency_is_never_lost_to_jpeg() {
    let mut rgba = image::RgbaImage::from_pixel(16, 16, image::Rgba([10, 20, 30, 255]));
    rgba.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
    let mut bytes = Vec::new();
    rgba.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .unwrap();
    let e = fit_image(
        &bytes,
        "icon.png",
        &FitOptions::new().format(OutputFormat::Jpeg),
        &Limits::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("transparent"), "{e}");
    assert_eq!(hints(&e), [Hint::Setting(Setting::FitFormat)]);
}

#[test]
fn bad_options_are_refused_before_any_file_is_read() {
    let e = fit_image(
        b"",
        "x.png",
        &FitOptions::new().min_quality(95).max_quality(80),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(hints(&e), [Hint::Setting(Setting::FitQuality)]);
    let e = fit_image(
        b"",
        "x.png",
        &FitOptions::new().min_quality(0),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(hints(&e), [Hint::Setting(Setting::FitQuality)]);
}
