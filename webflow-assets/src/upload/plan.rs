//! The pre-flight plan of an upload: every check that needs no network,
//! made before the first request. Pure: the caller reads the size.

use super::options::{ACCEPTED_CONTENT_TYPES, UploadOptions, guess_content_type};
use crate::error::{Error, Setting};
use crate::source::UploadSource;
use crate::validate;

/// The checked plan of an upload, made before any network call.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub(crate) file_name: String,
    pub(crate) content_type: String,
    pub(crate) size: u64,
}

pub(crate) fn plan(
    source: &UploadSource,
    size: u64,
    options: &UploadOptions,
) -> Result<Plan, Error> {
    if let (None, UploadSource::Path(path)) = (&options.file_name, source)
        && path.file_name().is_some_and(|n| n.to_str().is_none())
    {
        // A lossy conversion would upload the asset under a name with U+FFFD
        // in it, which matches no file anyone has.
        return Err(Error::invalid_setting(
            Setting::FileName,
            format!("the file name of {} is not valid UTF-8", path.display()),
            "rename the file, or give the asset a name",
        ));
    }
    let file_name = match (&options.file_name, source.file_name()) {
        (Some(name), _) => name.clone(),
        (None, Some(name)) => name,
        (None, None) => {
            return Err(Error::invalid_setting(
                Setting::FileName,
                "no file name was given for an upload from memory or a reader",
                "give the asset a name, e.g. \"photo.png\"",
            ));
        }
    };
    validate::file_name(&file_name)?;
    if let Some(folder) = &options.parent_folder {
        validate::object_id("parent folder id", folder)?;
    }
    let shown = source.describe();
    if size == 0 {
        return Err(Error::invalid(
            format!("{shown} is empty"),
            "Webflow does not accept empty files; check the file",
        ));
    }
    let content_type = match &options.content_type {
        Some(ct) => ct.trim().to_ascii_lowercase(),
        None => guess_content_type(&file_name).ok_or_else(|| {
            Error::invalid(
                format!("the content type of {file_name:?} cannot be guessed from its extension"),
                "rename the file with a known extension or set the content type",
            )
        })?,
    };
    if !options.any_content_type && !ACCEPTED_CONTENT_TYPES.contains(&content_type.as_str()) {
        if matches!(content_type.as_str(), "image/heic" | "image/heif") {
            return Err(crate::sniff::heic_refusal(&file_name));
        }
        return Err(Error::invalid(
            format!("{file_name:?} is {content_type}, which Webflow does not accept as an asset"),
            "upload an image (PNG, JPEG, GIF, SVG, WebP, AVIF) or a document (PDF, DOC(X), XLS(X), PPT(X), TXT, CSV, ODT/ODS/ODP, Lottie JSON) instead",
        ));
    }
    let (kind, limit) = options.limits.for_content_type(&content_type);
    if size > limit {
        let problem = format!("{shown} is {size} bytes; Webflow accepts {kind} up to {limit} bytes");
        // A raster image can be made to fit on the way in, unless the fit
        // already ran and kept it (a format it does not decode: AVIF).
        if kind == "images" && content_type != "image/svg+xml" && fitting(options) {
            return Err(Error::invalid(
                problem,
                "the fit does not decode this format (it re-encodes JPEG, PNG, GIF and WebP): make it smaller with a tool that writes it (avifenc for AVIF), or convert it to PNG and fit that",
            ));
        }
        if kind == "images" && content_type != "image/svg+xml" {
            return Err(Error::invalid_setting(
                crate::error::Setting::Fit,
                problem,
                "make it fit (downscaled and re-encoded on the way in), or compress it",
            ));
        }
        return Err(Error::invalid_setting(
            crate::error::Setting::SizeLimits,
            problem,
            "compress or split the file (or lift the limit, if Webflow's has changed)",
        ));
    }
    Ok(Plan {
        file_name,
        content_type,
        size,
    })
}

/// Whether this upload's fit ran (and so left the file as it is).
fn fitting(options: &UploadOptions) -> bool {
    #[cfg(feature = "fit")]
    return options.fit.is_some();
    #[cfg(not(feature = "fit"))]
    {
        let _ = options;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::super::options::Limits;
    use super::*;

    #[test]
    fn preflight() {
        let bytes = |n: usize| UploadSource::Bytes(vec![1u8; n].into());
        let opts = || UploadOptions::new().file_name("a.png");
        assert_eq!(
            plan(&bytes(10), 10, &opts()).unwrap().content_type,
            "image/png"
        );
        let e = plan(&bytes(0), 0, &opts()).unwrap_err().to_string();
        assert!(e.contains("empty"), "{e}");
        let e = plan(&bytes(1), 5 * 1024 * 1024, &opts())
            .unwrap_err()
            .to_string();
        assert!(e.contains("images up to 4194304 bytes"), "{e}");
        assert!(
            plan(
                &bytes(1),
                5 * 1024 * 1024,
                &opts().limits(Limits::unlimited())
            )
            .is_ok()
        );
        assert!(
            plan(
                &bytes(1),
                9 * 1024 * 1024,
                &UploadOptions::new().file_name("a.pdf")
            )
            .is_ok()
        );
        let e = plan(&bytes(1), 1, &UploadOptions::new().file_name("a.exe"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not accept"), "{e}");
        assert!(
            plan(
                &bytes(1),
                1,
                &UploadOptions::new()
                    .file_name("a.exe")
                    .allow_any_content_type(true)
            )
            .is_ok()
        );
        let e = plan(&bytes(1), 1, &UploadOptions::new())
            .unwrap_err()
            .to_string();
        assert!(e.contains("no file name"), "{e}");
        let e = plan(&bytes(1), 1, &opts().parent_folder("nope"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("parent folder id"), "{e}");
        for (name, ct) in [
            ("a.jpg", "image/jpeg"),
            ("a.svg", "image/svg+xml"),
            ("a.webp", "image/webp"),
            ("a.avif", "image/avif"),
            (
                "a.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            ("a.csv", "text/csv"),
            ("a.json", "application/json"),
            ("a.odp", "application/vnd.oasis.opendocument.presentation"),
            ("a.txt", "text/plain"),
        ] {
            assert_eq!(
                plan(&bytes(1), 1, &UploadOptions::new().file_name(name))
                    .unwrap()
                    .content_type,
                ct,
                "{name}"
            );
        }
    }
}
