//! Constructors for the generated request type that give the crate's own
//! errors (naming the fix) instead of the generator's pattern messages.

use crate::error::Error;
use crate::types::CreateAssetRequest;
use crate::validate;

impl CreateAssetRequest {
    /// A Create Asset Metadata request, checked: the file name must carry an
    /// extension and be under 100 characters, the hash must be an MD5 in hex,
    /// the folder (if any) a Webflow id.
    ///
    /// ```
    /// use webflow_assets::types::CreateAssetRequest;
    ///
    /// let req = CreateAssetRequest::new("file.png", "3c7d87c9575702bc3b1e991f4d3c638e", None)?;
    /// assert_eq!(
    ///     serde_json::to_string(&req).unwrap(),
    ///     r#"{"fileHash":"3c7d87c9575702bc3b1e991f4d3c638e","fileName":"file.png"}"#
    /// );
    /// assert!(CreateAssetRequest::new("file", "3c7d87c9575702bc3b1e991f4d3c638e", None).is_err());
    /// # Ok::<(), webflow_assets::Error>(())
    /// ```
    pub fn new(
        file_name: &str,
        file_hash: &str,
        parent_folder: Option<&str>,
    ) -> Result<Self, Error> {
        validate::file_name(file_name)?;
        validate::md5_hex(file_hash)?;
        if let Some(folder) = parent_folder {
            validate::object_id("parent folder id", folder)?;
        }
        let generated = validate::spec_mismatch;
        Ok(Self {
            file_name: file_name.parse().map_err(|e| generated("file name", e))?,
            file_hash: file_hash.parse().map_err(|e| generated("file hash", e))?,
            parent_folder: parent_folder
                .map(str::parse)
                .transpose()
                .map_err(|e| generated("parent folder id", e))?,
        })
    }
}
