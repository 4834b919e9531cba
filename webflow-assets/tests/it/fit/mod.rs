//! Images made to fit (`fit_image`, `UploadOptions::fit`): each rule of the
//! issue on an image the test makes. The images and their encoders are
//! here; the rules in [`sizes`], [`metadata`] and [`frames`].

mod frames;
mod inputs;
mod metadata;
mod sizes;

use image::{ImageEncoder, Rgb, RgbImage};
use webflow_assets::{Error, Hint};

pub(super) const LIMIT: u64 = 4 * 1024 * 1024;

/// A photograph's statistics, roughly: smooth light and shade, edges, and
/// sensor noise (a hash per pixel, so the same image every run).
pub(super) fn photo(width: u32, height: u32) -> RgbImage {
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

/// `image` written by `encoder`, with the metadata given.
pub(super) fn written(
    image: &RgbImage,
    mut encoder: impl ImageEncoder,
    icc: Option<Vec<u8>>,
    exif: Option<Vec<u8>>,
) {
    if let Some(icc) = icc {
        encoder.set_icc_profile(icc).unwrap();
    }
    if let Some(exif) = exif {
        encoder.set_exif_metadata(exif).unwrap();
    }
    let (w, h) = image.dimensions();
    encoder
        .write_image(image.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
}

pub(super) fn jpeg(image: &RgbImage, quality: u8, exif: Option<Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    written(
        image,
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality),
        None,
        exif,
    );
    out
}

pub(super) fn png(image: &RgbImage, icc: Option<Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    written(
        image,
        image::codecs::png::PngEncoder::new(&mut out),
        icc,
        None,
    );
    out
}

pub(super) fn decode(bytes: &[u8]) -> image::DynamicImage {
    image::load_from_memory(bytes).expect("the output decodes")
}

pub(super) fn hints(e: &Error) -> Vec<Hint> {
    e.hints()
}
