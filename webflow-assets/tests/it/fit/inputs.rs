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
        assert_eq!(
            fitted_has_profile(&picture, icc(space)),
            kept,
            "{}",
            String::from_utf8_lossy(space)
        );
    }
}

/// Whether the WebP a PNG of `picture` under `icc` is fitted to carries a
/// colour profile.
fn fitted_has_profile(picture: &image::RgbImage, icc: Vec<u8>) -> bool {
    use image::ImageDecoder;
    let original = png(picture, Some(icc));
    let fitted = fit_image(&original, "p.png", &webp(), &Limits::default()).unwrap();
    let mut decoder =
        image::codecs::webp::WebPDecoder::new(std::io::Cursor::new(fitted.bytes.unwrap())).unwrap();
    decoder.icc_profile().unwrap().is_some()
}

/// An sRGB profile is what every viewer assumes: it is left out (its
/// bytes are the picture's); Display P3's is kept.
#[test]
fn an_srgb_profile_is_left_out_and_another_kept() {
    let picture = photo(64, 48);
    for (profile, kept) in [
        (moxcms::ColorProfile::new_srgb(), false),
        (moxcms::ColorProfile::new_display_p3(), true),
    ] {
        let icc = profile.encode().unwrap();
        assert_eq!(fitted_has_profile(&picture, icc), kept, "P3 kept: {kept}");
    }
}

/// A CMYK printing profile, made here: four inks whose colours are not
/// the pure cyan, magenta, yellow and black of the formula `image` uses
/// (its cyan is a blue, its black a warm dark grey), as a press's are not.
fn cmyk_profile() -> Vec<u8> {
    use moxcms::{
        ColorProfile, DataColorSpace, LutDataType, LutStore, LutType, LutWarehouse, Matrix3d,
        ProfileClass,
    };
    let inks = [
        [20.0, 110.0, 200.0],
        [215.0, 30.0, 120.0],
        [250.0, 215.0, 20.0],
        [60.0, 50.0, 45.0],
    ];
    // sRGB to CIELAB (D65 white; the test's reference goes through the
    // same profile, so only consistency matters).
    let lab = |rgb: [f64; 3]| {
        let lin = |c: f64| {
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let [r, g, b] = rgb.map(|c| lin(c / 255.0));
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        let f = |t: f64| {
            if t > 0.008856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        [
            116.0 * f(y) - 16.0,
            500.0 * (f(x) - f(y)),
            200.0 * (f(y) - f(z)),
        ]
    };
    // The 16 corners of the CMYK cube (C slowest), each the product of its
    // inks over white paper, as Lab in ICC v2's 16-bit encoding.
    let mut clut = Vec::new();
    for corner in 0..16u8 {
        let mut rgb = [255.0f64; 3];
        for (ink, colour) in inks.iter().enumerate() {
            if corner & (8 >> ink) != 0 {
                for c in 0..3 {
                    rgb[c] *= colour[c] / 255.0;
                }
            }
        }
        let [l, a, b] = lab(rgb);
        clut.push((l / 100.0 * 65280.0).round() as u16);
        clut.push(((a + 128.0) * 256.0).round().clamp(0.0, 65535.0) as u16);
        clut.push(((b + 128.0) * 256.0).round().clamp(0.0, 65535.0) as u16);
    }
    let lut = LutWarehouse::Lut(LutDataType {
        num_input_channels: 4,
        num_output_channels: 3,
        num_clut_grid_points: 2,
        matrix: Matrix3d::IDENTITY,
        num_input_table_entries: 2,
        num_output_table_entries: 2,
        input_table: LutStore::Store16([0, 65535].repeat(4)),
        clut_table: LutStore::Store16(clut),
        output_table: LutStore::Store16([0, 65535].repeat(3)),
        lut_type: LutType::Lut16,
    });
    let mut profile = ColorProfile::new_srgb();
    profile.profile_class = ProfileClass::OutputDevice;
    profile.color_space = DataColorSpace::Cmyk;
    profile.pcs = DataColorSpace::Lab;
    profile.red_trc = None;
    profile.green_trc = None;
    profile.blue_trc = None;
    profile.cicp = None;
    profile.lut_a_to_b_perceptual = Some(lut.clone());
    profile.lut_a_to_b_colorimetric = Some(lut);
    profile.encode().unwrap()
}

#[test]
fn a_cmyk_jpeg_is_converted_through_its_profile() {
    let icc = cmyk_profile();
    // Print work: patches of CMYK, stored as Photoshop stores them (Adobe's
    // marker, samples inverted: jpeg-encoder does both).
    let patches: [[u8; 4]; 6] = [
        [255, 0, 0, 0],
        [0, 255, 0, 0],
        [0, 0, 255, 0],
        [0, 0, 0, 200],
        [128, 64, 32, 16],
        [0, 0, 0, 0],
    ];
    let (w, h) = (16u16 * 6, 16u16);
    let cmyk: Vec<u8> = (0..usize::from(h))
        .flat_map(|_| (0..usize::from(w)).flat_map(|x| patches[x / 16]))
        .collect();
    let mut bytes = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, 100);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_4_4);
    encoder.add_icc_profile(&icc).unwrap();
    encoder
        .encode(&cmyk, w, h, jpeg_encoder::ColorType::Cmyk)
        .unwrap();
    let fitted = fit_image(
        &bytes,
        "brochure.jpg",
        &FitOptions::new().format(OutputFormat::Png),
        &Limits::default(),
    )
    .unwrap();
    let out = decode(fitted.bytes.as_deref().unwrap()).into_rgb8();
    // The reference: each patch through the profile, by moxcms directly.
    let profile = moxcms::ColorProfile::new_from_slice(&icc).unwrap();
    let to_srgb = profile
        .create_transform_8bit(
            moxcms::Layout::Rgba,
            &moxcms::ColorProfile::new_srgb(),
            moxcms::Layout::Rgb,
            Default::default(),
        )
        .unwrap();
    let (mut error, mut naive_error) = (0.0, 0.0);
    for (i, patch) in patches.iter().enumerate() {
        let mut expected = [0u8; 3];
        to_srgb.transform(patch, &mut expected).unwrap();
        let got = out.get_pixel(i as u32 * 16 + 8, 8).0;
        // `image`'s formula: each channel times the white left by its ink and black.
        let k = 1.0 - f64::from(patch[3]) / 255.0;
        let naive = [0, 1, 2].map(|c| (255.0 * (1.0 - f64::from(patch[c]) / 255.0) * k).round());
        for c in 0..3 {
            error += (f64::from(got[c]) - f64::from(expected[c])).abs();
            naive_error += (naive[c] - f64::from(expected[c])).abs();
        }
    }
    let (error, naive_error) = (error / 18.0, naive_error / 18.0);
    assert!(
        error < 4.0,
        "mean error {error:.1}/255 against the profile's colours"
    );
    // What the test stands on: the formula is far off with this profile.
    assert!(naive_error > 20.0, "{naive_error}");
    // The CMYK profile is not attached to the RGB output.
    let mut png =
        image::codecs::png::PngDecoder::new(std::io::Cursor::new(fitted.bytes.unwrap())).unwrap();
    use image::ImageDecoder;
    assert!(png.icc_profile().unwrap().is_none());
}
