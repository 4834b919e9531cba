//! Checks of ids, names and hashes, made before any network call so that bad
//! input gets an error naming the fix instead of a round trip to Webflow.

use crate::error::{Error, Setting};

/// Longest file name Webflow accepts ("under 100 characters").
pub const MAX_FILE_NAME_CHARS: usize = 99;

/// A Webflow object id: 24 hexadecimal digits. `what` names the id in the
/// error (e.g. `"site id"`).
///
/// ```
/// use webflow_assets::validate::object_id;
///
/// assert!(object_id("site id", "580e63e98c9a982ac9b8b741").is_ok());
/// assert!(object_id("site id", "my-site").is_err());
/// ```
pub fn object_id(what: &str, id: &str) -> Result<(), Error> {
    if is_object_id(id) {
        return Ok(());
    }
    // Which list gives such ids, as a hint (a site's and a folder's are
    // not on Webflow's screens; the API lists them).
    let setting = if what.starts_with("site id") {
        Some(Setting::SiteId)
    } else if what.contains("folder id") {
        Some(Setting::FolderId)
    } else {
        None
    };
    Err(Error::InvalidInput {
        problem: format!("the {what} {id:?} is not a Webflow id (24 hexadecimal characters)"),
        fix: "give the id as the API lists it (e.g. 580e63e98c9a982ac9b8b741), not a name or URL".to_owned(),
        setting,
    })
}

/// Whether `id` has an ObjectId's shape: 24 hexadecimal characters.
pub(crate) fn is_object_id(id: &str) -> bool {
    id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// An id Webflow's spec types as a plain string (component ids, locale
/// ids): anything but empty, which would change the request's route or
/// send an empty filter. Webflow's component ids are UUIDs in its examples
/// and 24 hex digits on older sites; both pass.
///
/// ```
/// use webflow_assets::validate::string_id;
///
/// assert!(string_id("component id", "8505ba55-ef72-629e-f85c-33e4b703d48b").is_ok());
/// assert!(string_id("component id", "").is_err());
/// ```
pub fn string_id(what: &str, id: &str) -> Result<(), Error> {
    if !id.is_empty() {
        return Ok(());
    }
    Err(Error::invalid(
        format!("the {what} is empty"),
        format!("pass the {what} as Webflow gives it"),
    ))
}

/// Where an id comes from, which decides how it is checked: an id a
/// caller typed is checked by the rule of Webflow's spec for that id before
/// any request; an id the API returned is sent back as it came (only an
/// empty one is refused), because Webflow's answer, not this crate's reading
/// of its spec, is what the next request must name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Typed by a person or passed by a caller of a public method.
    Typed,
    /// Read from an answer of the API (the usage scan, relinking).
    Returned,
}

impl Origin {
    /// An id that Webflow's spec marks `format: objectid`.
    pub(crate) fn object_id(self, what: &str, id: &str) -> Result<(), Error> {
        match self {
            Origin::Typed => object_id(what, id),
            Origin::Returned => string_id(what, id),
        }
    }
}

/// A file name Webflow accepts: not empty, under 100 characters, no path
/// separators, with an extension.
pub fn file_name(name: &str) -> Result<(), Error> {
    let chars = name.chars().count();
    if name.trim().is_empty() {
        return Err(Error::invalid_setting(
            Setting::FileName,
            "the file name is empty",
            "give the file a name with an extension, e.g. photo.png",
        ));
    }
    if chars > MAX_FILE_NAME_CHARS {
        return Err(Error::invalid_setting(
            Setting::FileName,
            format!(
                "the file name {name:?} has {chars} characters; Webflow accepts at most {MAX_FILE_NAME_CHARS}"
            ),
            "rename the file, or give the asset a shorter name",
        ));
    }
    if name.contains(['/', '\\']) || name.chars().any(char::is_control) {
        return Err(Error::invalid_setting(
            Setting::FileName,
            format!("the file name {name:?} contains a path separator or control character"),
            "pass the bare file name, e.g. photo.png",
        ));
    }
    if extension(name).is_none() {
        return Err(Error::invalid_setting(
            Setting::FileName,
            format!("the file name {name:?} has no extension"),
            "add the extension that matches the content, e.g. .png, .pdf",
        ));
    }
    Ok(())
}

/// The extension of a file name, if it has a non-empty alphanumeric one after
/// a non-empty stem.
pub(crate) fn extension(name: &str) -> Option<&str> {
    let (stem, ext) = name.rsplit_once('.')?;
    let ok = !stem.is_empty()
        && !stem.ends_with('.')
        && !ext.is_empty()
        && ext.bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then_some(ext)
}

/// An MD5 digest as 32 hexadecimal characters.
pub(crate) fn md5_hex(hash: &str) -> Result<(), Error> {
    if hash.len() == 32 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(());
    }
    Err(Error::invalid(
        format!("the file hash {hash:?} is not an MD5 digest (32 hexadecimal characters)"),
        "compute it with webflow_assets::hash_file (or `md5sum`)",
    ))
}

/// A value the generated type refused: its pattern or length in `openapi/`.
pub(crate) fn spec_mismatch(field: &str, e: crate::types::error::ConversionError) -> Error {
    Error::invalid(
        format!("the {field} does not match the spec: {e}"),
        "see the field's pattern and length limits in the documentation of `webflow_assets::types`",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(object_id("site id", "580e63e98c9a982ac9b8b741").is_ok());
        assert!(object_id("site id", "580E63E98C9A982AC9B8B741").is_ok());
        let e = object_id("site id", "my-site").unwrap_err().to_string();
        assert!(
            e.contains("\"my-site\"") && e.contains("24 hexadecimal"),
            "{e}"
        );
        assert!(object_id("site id", "580e63e98c9a982ac9b8b74").is_err());
        assert!(object_id("site id", "580e63e98c9a982ac9b8b74z").is_err());
    }

    #[test]
    fn names() {
        assert!(file_name("file.png").is_ok());
        assert!(file_name("Screenshot 2023-04-11 at 9.50.42 AM.png").is_ok());
        assert!(file_name(&format!("{}.png", "a".repeat(95))).is_ok());
        let e = file_name(&format!("{}.png", "a".repeat(96)))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("100 characters") || e.contains("at most 99"),
            "{e}"
        );
        for bad in [
            "",
            "noext",
            ".png",
            "a.",
            "dir/a.png",
            "a\\b.png",
            "a..png.",
        ] {
            assert!(file_name(bad).is_err(), "{bad:?} accepted");
        }
        assert!(file_name("ü.png").is_ok());
    }

    #[test]
    fn hashes() {
        assert!(md5_hex("3c7d87c9575702bc3b1e991f4d3c638e").is_ok());
        assert!(md5_hex("3c7d87c9575702bc3b1e991f4d3c638").is_err());
        assert!(md5_hex("zc7d87c9575702bc3b1e991f4d3c638e").is_err());
    }
}
