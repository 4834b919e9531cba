//! An AVIF file checked: its container read here (brand, size, AV1
//! configuration, data), and decoded by libavif's `avifdec` (Debian's
//! `libavif-bin`), which no crate of this build can do (image's AVIF
//! decoder needs the dav1d C library). CI installs it and sets
//! `WEBFLOW_ASSETS_REQUIRE_AVIFDEC=1`, so there the decode is never skipped.

use std::process::Command;

fn find(bytes: &[u8], four: &[u8; 4]) -> Option<usize> {
    bytes.windows(4).position(|w| w == four)
}

/// Panics unless `bytes` is an AVIF of `width`×`height` that decodes.
pub fn check_decodes(bytes: &[u8], width: u32, height: u32) {
    assert_eq!(&bytes[4..8], b"ftyp", "an ISO BMFF file");
    assert_eq!(&bytes[8..12], b"avif", "AVIF's brand");
    let ispe = find(bytes, b"ispe").expect("an image size (ispe) property");
    let at = ispe + 8;
    let size = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    assert_eq!(
        (size(at), size(at + 4)),
        (width, height),
        "the size it declares"
    );
    assert!(find(bytes, b"av1C").is_some(), "an AV1 configuration");
    let mdat = find(bytes, b"mdat").expect("image data");
    assert!(bytes.len() - mdat > 100, "image data that is not empty");

    let dir = tempfile::tempdir().unwrap();
    let (avif, png) = (dir.path().join("out.avif"), dir.path().join("out.png"));
    std::fs::write(&avif, bytes).unwrap();
    match Command::new("avifdec").arg(&avif).arg(&png).output() {
        Ok(out) => {
            assert!(
                out.status.success(),
                "avifdec: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let decoded = image::open(&png).unwrap();
            assert_eq!((decoded.width(), decoded.height()), (width, height));
        }
        Err(e) => {
            assert!(
                std::env::var_os("WEBFLOW_ASSETS_REQUIRE_AVIFDEC").is_none(),
                "avifdec is required here and cannot be run ({e}); install libavif-bin"
            );
            eprintln!(
                "avifdec cannot be run ({e}): the AVIF container was checked, not decoded; install libavif-bin to decode it"
            );
        }
    }
}
