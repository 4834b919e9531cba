//! JSON Schemas of the generated request and response types, for tools and
//! downstream crates that validate or document them. They carry the spec's
//! rules (patterns, lengths, nullability): see `build.rs`.

use schemars::schema::RootSchema;
use schemars::schema_for;

use crate::types::{
    Asset, AssetFolder, AssetFolderList, AssetList, AssetUpload, AssetVariant,
    CreateAssetFolderRequest, CreateAssetRequest, Pagination, UpdateAssetRequest, WebflowErrorBody,
};

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

/// Every schema of the spec's components, as one JSON object keyed by type
/// name (the spec's component name).
///
/// ```
/// let all = webflow_assets::schema::all_schemas();
/// assert!(all["AssetUpload"]["required"].as_array().unwrap().iter().any(|f| f == "uploadUrl"));
/// assert_eq!(all["Asset"]["required"], serde_json::json!(["id"]));
/// ```
pub fn all_schemas() -> serde_json::Value {
    serde_json::json!({
        "CreateAssetRequest": request_schema(),
        "AssetUpload": response_schema(),
        "WebflowErrorBody": error_schema(),
        "Asset": schema_for!(Asset),
        "AssetVariant": schema_for!(AssetVariant),
        "AssetList": schema_for!(AssetList),
        "Pagination": schema_for!(Pagination),
        "AssetFolder": schema_for!(AssetFolder),
        "AssetFolderList": schema_for!(AssetFolderList),
        "UpdateAssetRequest": schema_for!(UpdateAssetRequest),
        "CreateAssetFolderRequest": schema_for!(CreateAssetFolderRequest),
    })
}

/// The OpenAPI document this build's client and types were generated
/// from (`openapi/webflow-assets.yaml`), as text: for tools that compare
/// it with Webflow's (the CLI's `drift`) wherever they run.
pub const OPENAPI_SPEC: &str = include_str!("../openapi/webflow-assets.yaml");

/// The deliberate differences between [`OPENAPI_SPEC`] and Webflow's
/// published spec, each with its reason (`openapi/deviations.yaml`).
pub const SPEC_DEVIATIONS: &str = include_str!("../openapi/deviations.yaml");
