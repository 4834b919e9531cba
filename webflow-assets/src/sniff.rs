//! What an image's first bytes say it is, against what its name says: an
//! asset's content type and extension follow the bytes that go up, so PNG
//! bytes named `.jpg` (served as `image/jpeg`) are refused before Create
//! Asset Metadata, naming both and the name to give it.

use crate::error::{Error, Setting};

/// An image format, as its magic bytes show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Format {
    /// As people name it (`PNG`).
    pub name: &'static str,
    /// Its content type (`image/png`).
    pub content_type: &'static str,
    /// The extension to give a file of it (`png`).
    pub extension: &'static str,
}

const JPEG: Format = Format {
    name: "JPEG",
    content_type: "image/jpeg",
    extension: "jpg",
};
const PNG: Format = Format {
    name: "PNG",
    content_type: "image/png",
    extension: "png",
};
const GIF: Format = Format {
    name: "GIF",
    content_type: "image/gif",
    extension: "gif",
};
const WEBP: Format = Format {
    name: "WebP",
    content_type: "image/webp",
    extension: "webp",
};
const AVIF: Format = Format {
    name: "AVIF",
    content_type: "image/avif",
    extension: "avif",
};
const HEIC: Format = Format {
    name: "HEIC",
    content_type: "image/heic",
    extension: "heic",
};

/// How many bytes [`sniff`] looks at.
pub(crate) const HEAD: usize = 32;

/// The raster format `head` (a file's first bytes) starts as, if it is one
/// of those a site's images come in.
pub(crate) fn sniff(head: &[u8]) -> Option<Format> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(JPEG);
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(PNG);
    }
    if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        return Some(GIF);
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Some(WEBP);
    }
    // ISO base media: a `ftyp` box, its major brand, then compatible ones.
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        let size = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let brands = head[8..size.clamp(12, head.len())].chunks_exact(4).enumerate();
        // The major brand, then the compatible ones (skipping the version).
        let brands: Vec<&[u8]> = brands.filter(|(i, _)| *i != 1).map(|(_, b)| b).collect();
        if brands.iter().any(|b| matches!(*b, b"avif" | b"avis")) {
            return Some(AVIF);
        }
        if brands.iter().any(|b| matches!(*b, b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"mif1")) {
            return Some(HEIC);
        }
    }
    None
}

#[cfg(feature = "fit")]
/// The content type a file name's extension says, for the raster formats
/// [`sniff`] knows (the fit's check, which has only a name).
pub(crate) fn claimed_by_name(file_name: &str) -> Option<&'static str> {
    let ext = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" | "jpe" | "jfif" => JPEG.content_type,
        "png" => PNG.content_type,
        "gif" => GIF.content_type,
        "webp" => WEBP.content_type,
        "avif" => AVIF.content_type,
        "heic" | "heif" => HEIC.content_type,
        _ => return None,
    })
}

/// The error for an HEIC/HEIF photo (an iPhone's): Webflow does not take
/// it, and no decoder here reads it (HEVC has no well-kept pure-Rust
/// decoder; libheif would put a C library and its patent-encumbered codec
/// under every build), so the way out is named instead.
pub(crate) fn heic_refusal(file_name: &str) -> Error {
    let stem = match file_name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => file_name,
    };
    Error::invalid(
        format!("{file_name} is an HEIC/HEIF photo (as iPhones take them), which Webflow does not accept and this tool cannot decode"),
        format!(
            "convert it to JPEG first: `heif-convert {file_name} {stem}.jpg` (libheif's, Debian's libheif-examples), `magick {file_name} {stem}.jpg`, or export it as JPEG from Photos; on an iPhone, Settings > Camera > Formats > Most Compatible takes JPEGs"
        ),
    )
}

/// An error when `head` is one raster format and `content_type` (what the
/// name or the caller says) another: the asset would be served as what it
/// is not. Bytes no format here recognizes are left alone (an SVG, a PDF,
/// a format of its own).
pub(crate) fn check(file_name: &str, content_type: &str, head: &[u8]) -> Result<(), Error> {
    let Some(is) = sniff(head) else { return Ok(()) };
    let claimed = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let same = claimed == is.content_type
        || (is == JPEG && claimed == "image/pjpeg")
        || (is == HEIC && claimed == "image/heif");
    if same || !claimed.starts_with("image/") {
        return Ok(());
    }
    let stem = match file_name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => file_name,
    };
    Err(Error::invalid_setting(
        Setting::FileName,
        format!(
            "{file_name}: its bytes are {}, but its name says {claimed}: the asset would be served as {claimed}",
            is.name
        ),
        format!("rename the file {stem}.{} (its content type and extension follow its bytes)", is.extension),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_is_told_by_its_first_bytes() {
        let ftyp = |major: &[u8; 4], compatible: &[u8]| {
            let mut b = vec![0, 0, 0, (16 + compatible.len()) as u8];
            b.extend(b"ftyp");
            b.extend(major);
            b.extend([0, 0, 0, 0]);
            b.extend(compatible);
            b
        };
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(JPEG));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0"), Some(PNG));
        assert_eq!(sniff(b"GIF89a\x01\x00"), Some(GIF));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some(WEBP));
        assert_eq!(sniff(&ftyp(b"avif", b"mif1miaf")), Some(AVIF));
        // An iPhone photo: major brand heic, compatible mif1 and heic.
        assert_eq!(sniff(&ftyp(b"heic", b"mif1heic")), Some(HEIC));
        assert_eq!(sniff(&ftyp(b"mif1", b"avifmiaf")), Some(AVIF));
        assert_eq!(sniff(&ftyp(b"isom", b"mp41")), None);
        assert_eq!(sniff(b"<svg xmlns="), None);
        assert_eq!(sniff(b"%PDF-1.7"), None);
    }

    #[test]
    fn a_name_that_says_another_format_is_refused_naming_both() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let e = check("liar.jpg", "image/jpeg", png).unwrap_err().to_string();
        assert!(e.contains("liar.jpg: its bytes are PNG, but its name says image/jpeg"), "{e}");
        assert!(e.contains("rename the file liar.png"), "{e}");
        assert!(check("ok.png", "image/png", png).is_ok());
        // Not an image type (a download, a document): left alone.
        assert!(check("data.bin", "application/octet-stream", png).is_ok());
        assert!(check("x.svg", "image/svg+xml", b"<svg").is_ok());
    }
}
