//! Inputs that users have and the developers did not choose: a file cut
//! short, a GIF whose header declares a screen of billions of pixels,
//! PNG bytes named `.jpg`, a strip longer than WebP allows, a grey image.

use image::{GrayImage, ImageEncoder, Luma, RgbImage};
use webflow_assets::fit::{FitOptions, OutputFormat, fit_image};
use webflow_assets::{Limits, Setting};

use super::{decode, hints, jpeg, photo, png};

fn webp() -> FitOptions {
    FitOptions::new().format(OutputFormat::Webp)
}

/// `bytes` cut at `fraction` of their length, as an interrupted copy or
/// download leaves a file.
fn cut(bytes: &[u8], fraction: f64) -> Vec<u8> {
    bytes[..(bytes.len() as f64 * fraction) as usize].to_vec()
}

#[test]
fn a_file_cut_short_is_an_error_never_an_upload() {
    let picture = photo(320, 240);
    let whole = jpeg(&picture, 90, None);
    // Whole, it converts.
    fit_image(&whole, "photo.jpg", &webp(), &Limits::default()).unwrap();
    let e = fit_image(&cut(&whole, 0.55), "photo.jpg", &webp(), &Limits::default()).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("photo.jpg") && text.contains("the image data ends early"),
        "{text}"
    );
    // Every other format this tool decodes, cut the same way.
    let mut gif = Vec::new();
    image::codecs::gif::GifEncoder::new(&mut gif)
        .encode(picture.as_raw(), 320, 240, image::ExtendedColorType::Rgb8)
        .unwrap();
    let mut lossless_webp = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut lossless_webp)
        .encode(picture.as_raw(), 320, 240, image::ExtendedColorType::Rgb8)
        .unwrap();
    for (name, bytes, options) in [
        ("photo.png", png(&picture, None), webp()),
        ("photo.gif", gif, webp()),
        (
            "photo.webp",
            lossless_webp,
            FitOptions::new().format(OutputFormat::Png),
        ),
    ] {
        fit_image(&bytes, name, &options, &Limits::default()).unwrap();
        let e = fit_image(&cut(&bytes, 0.55), name, &options, &Limits::default()).unwrap_err();
        assert!(e.to_string().contains(name), "{name}: {e}");
    }
}

/// A GIF of a 1×1 frame on a screen its header declares `side`×`side`.
fn gif_bomb(side: u16) -> Vec<u8> {
    let mut b = b"GIF89a".to_vec();
    b.extend(side.to_le_bytes());
    b.extend(side.to_le_bytes());
    // A global colour table of 2 colours, background 0, no aspect ratio.
    b.extend([0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF]);
    // One 1×1 frame at (0, 0): LZW minimum code size 2, clear, 0, end.
    b.extend([0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3B]);
    b
}

#[test]
fn a_gif_declaring_a_huge_screen_is_refused_from_its_header() {
    for side in [30_000, u16::MAX] {
        let bomb = gif_bomb(side);
        assert!(bomb.len() <= 35, "{}", bomb.len());
        // Before, the probe composed the frame onto the declared screen:
        // 6.9 GB at 30000, and an abort at 65535.
        let e = fit_image(&bomb, "bomb.gif", &webp(), &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("over the pixel limit"), "{e}");
        assert_eq!(
            hints(&e),
            [webflow_assets::Hint::Setting(Setting::FitMaxPixels)]
        );
    }
}

#[test]
fn png_bytes_named_jpg_are_refused_naming_both() {
    let bytes = png(&photo(64, 48), None);
    for options in [FitOptions::new(), webp()] {
        let e = fit_image(&bytes, "liar.jpg", &options, &Limits::default()).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("liar.jpg")
                && text.contains("PNG")
                && text.contains(".jpg")
                && text.contains("liar.png"),
            "{text}"
        );
    }
}

#[test]
fn a_strip_longer_than_webp_allows_names_the_limit_or_is_downscaled() {
    let strip = png(
        &RgbImage::from_pixel(1, 20_000, image::Rgb([200, 10, 10])),
        None,
    );
    let e = fit_image(
        &strip,
        "strip.png",
        &webp().resize(false),
        &Limits::default(),
    )
    .unwrap_err();
    let text = e.to_string();
    assert!(text.contains("16383") && text.contains("20000"), "{text}");
    // Fitting downscales it to WebP's longest side.
    let fitted = fit_image(&strip, "strip.png", &webp(), &Limits::default()).unwrap();
    assert_eq!((fitted.report.width, fitted.report.height), (1, 16_383));
    assert_eq!(decode(fitted.bytes.as_deref().unwrap()).height(), 16_383);
}

#[test]
fn a_grey_image_stays_grey() {
    let grey = GrayImage::from_fn(300, 200, |x, y| Luma([((x * 7 + y * 3) % 256) as u8]));
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(grey.as_raw(), 300, 200, image::ExtendedColorType::L8)
        .unwrap();
    let fitted = fit_image(
        &bytes,
        "grey.png",
        &FitOptions::new().max_dimension(150).resize(true),
        &Limits::default(),
    )
    .unwrap();
    let out = decode(fitted.bytes.as_deref().unwrap());
    assert_eq!(out.color(), image::ColorType::L8, "grey in, grey out");
    assert_eq!((out.width(), out.height()), (150, 100));
}

#[test]
fn a_profile_goes_only_where_its_colour_space_is_the_pixels() {
    let icc = |space: &[u8; 4]| {
        let mut icc = vec![0u8; 128];
        icc[..4].copy_from_slice(&128u32.to_be_bytes());
        icc[16..20].copy_from_slice(space);
        icc[36..40].copy_from_slice(b"acsp");
        icc
    };
    let picture = photo(64, 48);
    for (space, kept) in [(b"RGB ", true), (b"GRAY", false), (b"CMYK", false)] {
        let original = png(&picture, Some(icc(space)));
        let fitted = fit_image(&original, "p.png", &webp(), &Limits::default()).unwrap();
        let mut decoder =
            image::codecs::webp::WebPDecoder::new(std::io::Cursor::new(fitted.bytes.unwrap()))
                .unwrap();
        use image::ImageDecoder;
        assert_eq!(
            decoder.icc_profile().unwrap().is_some(),
            kept,
            "{}",
            String::from_utf8_lossy(space)
        );
    }
}

#[test]
fn a_cmyk_jpeg_is_never_converted_by_formula() {
    // Print work: a CMYK JPEG (with Adobe's marker, as Photoshop writes).
    let (w, h) = (64u16, 48u16);
    let cmyk: Vec<u8> = (0..usize::from(w) * usize::from(h))
        .flat_map(|i| [(i % 200) as u8, 40, 90, 10])
        .collect();
    let mut bytes = Vec::new();
    jpeg_encoder::Encoder::new(&mut bytes, 90)
        .encode(&cmyk, w, h, jpeg_encoder::ColorType::Cmyk)
        .unwrap();
    let e = fit_image(&bytes, "brochure.jpg", &webp(), &Limits::default()).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("brochure.jpg") && text.contains("CMYK") && text.contains("sRGB"),
        "{text}"
    );
    // An RGB JPEG is converted as before.
    fit_image(
        &jpeg(&photo(64, 48), 90, None),
        "photo.jpg",
        &webp(),
        &Limits::default(),
    )
    .unwrap();
}
