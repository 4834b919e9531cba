//! The operations of the Assets API, one method each, all sent through
//! [`Client::call`]. The next endpoint goes here: its operation in
//! `openapi/`, then a method below.

use tracing::Instrument;

use crate::client::{Client, Operation};
use crate::error::Error;
use crate::retry::OnRetry;
use crate::types::{AssetUpload, CreateAssetRequest, CreateAssetSiteId};
use crate::validate;

const CREATE_ASSET: Operation = Operation {
    name: "Create Asset Metadata",
    method: "POST",
    path: "/sites/{site_id}/assets",
    idempotent: false,
};

impl Client {
    /// Create Asset Metadata: `POST /sites/{site_id}/assets`.
    ///
    /// Validates the site id first, then sends the request with retries as
    /// the [`RetryPolicy`](crate::RetryPolicy) allows for a request that is
    /// not idempotent.
    pub async fn create_asset_metadata(
        &self,
        site_id: &str,
        request: &CreateAssetRequest,
    ) -> Result<AssetUpload, Error> {
        self.create_asset_metadata_notifying(site_id, request, None)
            .await
    }

    pub(crate) async fn create_asset_metadata_notifying(
        &self,
        site_id: &str,
        request: &CreateAssetRequest,
        notify: Option<&OnRetry>,
    ) -> Result<AssetUpload, Error> {
        let site: CreateAssetSiteId = parse_id("site id", site_id)?;
        self.call(CREATE_ASSET, notify, |api| api.create_asset(&site, request))
            .instrument(tracing::info_span!("webflow.create_asset", site_id))
            .await
    }
}

/// An id checked with the crate's advice, then as the spec's type.
fn parse_id<T>(what: &str, id: &str) -> Result<T, Error>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    validate::object_id(what, id)?;
    id.parse().map_err(|e| {
        Error::invalid(
            format!("the {what} {id:?} does not match the spec: {e}"),
            format!("pass a 24-hex Webflow {what}"),
        )
    })
}
