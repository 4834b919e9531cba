//! Webflow's size limits: what an upload checks and a fit fits to.

/// Webflow's size limits per kind of file. They change from time to time,
/// hence overridable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest image, in bytes (default 4 MiB).
    pub image_bytes: u64,
    /// Largest document (and anything not an image), in bytes (default 10 MiB).
    pub document_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            image_bytes: 4 * 1024 * 1024,
            document_bytes: 10 * 1024 * 1024,
        }
    }
}

impl Limits {
    /// The limit that applies to a content type, and the kind's name for
    /// messages: images have theirs, everything else is a document.
    pub fn for_content_type(&self, content_type: &str) -> (&'static str, u64) {
        if content_type.starts_with("image/") {
            ("images", self.image_bytes)
        } else {
            ("documents", self.document_bytes)
        }
    }

    /// No size limit, for servers that accept anything (e.g. a sandbox).
    pub fn unlimited() -> Self {
        Self {
            image_bytes: u64::MAX,
            document_bytes: u64::MAX,
        }
    }
}
