//! Sizes: the best quality that fits, downscaling only as far as needed, the
//! floor, converting alone, the options' own checks.

use webflow_assets::fit::{FitOptions, Kept, OutputFormat, fit_image};
use webflow_assets::{Hint, Limits, Setting};

use super::*;

/// The quality search on a photo, at a 36th of Webflow's limit and a 36th
/// of the pixels of a 5 MB photo: the same search (its steps depend on the
/// bytes a pixel takes, not on the pixels), a 36th of the encoding. The
/// CLI's test fits at the real limit.
#[test]
fn a_photo_jpeg_over_the_limit_fits_at_the_best_quality_that_fits() {
    let limit = LIMIT / 36;
    let original = jpeg(&photo(700, 467), 98, None);
    assert!(
        original.len() as u64 > limit * 5 / 4,
        "the test photo is {} bytes",
        original.len()
    );
    let options = FitOptions::new().max_bytes(limit);
    let fitted = fit_image(&original, "big.jpg", &options, &Limits::default()).unwrap();
    let report = &fitted.report;
    let out = fitted.bytes.as_ref().expect("re-encoded");
    assert!(out.len() as u64 <= limit, "{} bytes", out.len());
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
    assert_eq!((report.width, report.height), (700, 467));
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
        one_up.report.bytes > limit,
        "quality {} would fit too: {} bytes",
        q + 1,
        one_up.report.bytes
    );
    assert!(report.encodes <= 8, "{} encodes", report.encodes);
}

#[test]
fn a_png_over_the_limit_is_downscaled_only_as_far_as_it_needs() {
    // The image limit of `Limits` (no `max_bytes`), at a quarter of
    // Webflow's and with a quarter of a 5 MB scan's pixels: the same
    // search, a quarter of the encoding. The CLI's test fits at the real
    // limit.
    let limit = LIMIT / 4;
    let original = png(&photo(975, 650), None);
    assert!(
        original.len() as u64 > limit * 6 / 5,
        "the test PNG is {} bytes",
        original.len()
    );
    let fitted = fit_image(
        &original,
        "scan.png",
        &FitOptions::new(),
        &Limits {
            image_bytes: limit,
            ..Limits::default()
        },
    )
    .unwrap();
    let out = fitted.bytes.as_ref().expect("re-encoded");
    assert!(out.len() as u64 <= limit);
    assert_eq!(fitted.content_type, Some("image/png"));
    let decoded = decode(out);
    let (w, h) = (decoded.width(), decoded.height());
    assert!(w < 975, "downscaled: {w}×{h}");
    // The aspect ratio within a pixel's rounding.
    assert!((f64::from(w) / f64::from(h) - 1.5).abs() < 0.01, "{w}×{h}");
    // Not smaller than it needs to be: most of the allowance is used.
    assert!(
        out.len() as u64 > limit * 6 / 10,
        "{} bytes of {limit}",
        out.len()
    );
    assert_eq!(fitted.report.quality, None);
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
