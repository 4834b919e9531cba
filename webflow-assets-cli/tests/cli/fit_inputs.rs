//! Files users have, through `upload`, on the sandbox: PNG bytes named
//! `.jpg` (with and without `--fit`), a JPEG cut short, an iPhone's HEIC,
//! an AVIF asked to become WebP. Each is refused before any call, naming
//! what to do, or goes up with the reason said.

use crate::common;

use std::path::Path;

use common::cli::{succeeded, text};
use webflow_assets_sandbox::{Sandbox, SandboxConfig};

use crate::usage::run;

fn picture() -> image::RgbImage {
    image::RgbImage::from_fn(160, 120, |x, y| {
        image::Rgb([(x * 3) as u8, (y * 2) as u8, ((x + y) % 256) as u8])
    })
}

fn write_png(path: &Path) {
    picture()
        .save_with_format(path, image::ImageFormat::Png)
        .unwrap();
}

async fn refused(sandbox: &Sandbox, dir: &Path, args: &[&str], says: &[&str]) {
    let out = run(sandbox, dir, args).await;
    assert_ne!(out.status.code(), Some(0), "{args:?}");
    let stderr = text(&out.stderr);
    for s in says {
        assert!(stderr.contains(s), "{args:?}: {s:?} not in {stderr}");
    }
    assert!(!stderr.contains("allow any content type"), "{stderr}");
    // Refused before any call: nothing created.
    assert_eq!(sandbox.stats().created, 0, "{args:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn files_that_are_not_what_they_say_are_refused_before_any_call() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_png(&d.join("liar.jpg"));
    for extra in [&[][..], &["--fit"][..], &["--format", "webp"][..]] {
        let args = [&["upload", "liar.jpg"][..], extra].concat();
        refused(
            &sandbox,
            d,
            &args,
            &[
                "liar.jpg: its bytes are PNG",
                "image/jpeg",
                "rename the file liar.png",
            ],
        )
        .await;
    }
    // A JPEG cut at 55 %, as an interrupted download leaves it.
    let mut jpeg = Vec::new();
    picture()
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    std::fs::write(d.join("cut.jpg"), &jpeg[..jpeg.len() * 55 / 100]).unwrap();
    refused(
        &sandbox,
        d,
        &["upload", "cut.jpg", "--format", "webp"],
        &["cut.jpg", "the image data ends early"],
    )
    .await;
    // An iPhone photo: its ftyp box says HEIC.
    let mut heic = vec![0, 0, 0, 24];
    heic.extend(b"ftypheic\0\0\0\0mif1heic");
    heic.extend([0u8; 64]);
    std::fs::write(d.join("IMG_0001.HEIC"), &heic).unwrap();
    for extra in [&[][..], &["--format", "webp"][..]] {
        let args = [&["upload", "IMG_0001.HEIC"][..], extra].concat();
        refused(
            &sandbox,
            d,
            &args,
            &["HEIC/HEIF photo", "heif-convert IMG_0001.HEIC IMG_0001.jpg"],
        )
        .await;
    }
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_avif_asked_to_become_webp_goes_up_with_the_reason_said() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // An AVIF made by the library's own fit (fit-avif), from a PNG.
    write_png(&d.join("p.png"));
    let png = std::fs::read(d.join("p.png")).unwrap();
    let avif = webflow_assets::fit::fit_image(
        &png,
        "p.png",
        &webflow_assets::fit::FitOptions::new().format(webflow_assets::fit::OutputFormat::Avif),
        &webflow_assets::Limits::default(),
    )
    .unwrap();
    std::fs::write(d.join("photo.avif"), avif.bytes.unwrap()).unwrap();
    let out = run(&sandbox, d, &["upload", "photo.avif", "--format", "webp"]).await;
    let stdout = text(&succeeded(&out).stdout);
    assert!(
        stdout.contains("AVIF kept: this tool does not decode it, so it goes up unconverted"),
        "{stdout}"
    );
    sandbox.shutdown().await;
}

/// An AVIF over Webflow's 4 MiB with `--fit`: the fit cannot decode it, so
/// the refusal says what to run instead, and does not point to `--fit`,
/// the flag already given.
#[tokio::test(flavor = "multi_thread")]
async fn an_avif_over_the_limit_with_fit_names_no_flag_already_given() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // An AVIF's ftyp box, then bytes to pass the image limit.
    let mut avif = vec![0, 0, 0, 28];
    avif.extend(b"ftypavif\0\0\0\0avifmif1miaf");
    avif.resize(4 * 1024 * 1024 + 1, 0);
    std::fs::write(d.join("big.avif"), avif).unwrap();
    let out = run(&sandbox, d, &["upload", "big.avif", "--fit"]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("does not decode this format") && stderr.contains("avifenc"),
        "{stderr}"
    );
    assert!(!stderr.contains("in this tool: --fit"), "{stderr}");
    assert_eq!(sandbox.stats().created, 0);
}
