//! JSON Schemas of the generated request and response types, for tools and
//! downstream crates that validate or document them.

use schemars::schema::RootSchema;
use schemars::schema_for;

use crate::types::{AssetUpload, CreateAssetRequest, WebflowErrorBody};

/// The JSON Schema of the Create Asset Metadata request body.
pub fn request_schema() -> RootSchema {
    schema_for!(CreateAssetRequest)
}

/// The JSON Schema of the Create Asset Metadata 200 response.
pub fn response_schema() -> RootSchema {
    schema_for!(AssetUpload)
}

/// The JSON Schema of Webflow's error body.
pub fn error_schema() -> RootSchema {
    schema_for!(WebflowErrorBody)
}

/// All three schemas as one JSON object keyed by type name.
///
/// ```
/// let all = webflow_assets::schema::all_schemas();
/// assert!(all["AssetUpload"]["required"].as_array().unwrap().iter().any(|f| f == "uploadUrl"));
/// ```
pub fn all_schemas() -> serde_json::Value {
    serde_json::json!({
        "CreateAssetRequest": request_schema(),
        "AssetUpload": response_schema(),
        "WebflowErrorBody": error_schema(),
    })
}
