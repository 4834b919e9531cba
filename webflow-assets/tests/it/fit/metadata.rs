//! What goes with the pixels: orientation, EXIF, the colour profile, the
//! output formats' types and names, transparency.

use std::io::Cursor;

use image::{ImageDecoder, ImageFormat, Rgb, RgbImage};
use webflow_assets::fit::{FitOptions, OutputFormat, fit_image};
use webflow_assets::{Hint, Limits, Setting};

use super::*;

#[cfg(feature = "fit-avif")]
#[path = "../../common/avif.rs"]
mod avif;

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

/// A made-up RGB ICC profile is enough to see it carried over byte for
/// byte.
fn profile() -> Vec<u8> {
    let mut icc = vec![0u8; 128];
    icc[..4].copy_from_slice(&128u32.to_be_bytes());
    icc[16..20].copy_from_slice(b"RGB ");
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
