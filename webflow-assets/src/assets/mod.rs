//! The operations of the Assets API, one method each, all sent through
//! [`Client::call`]; what a caller passes them is in [`options`]. The next
//! endpoint goes here: its operation in `openapi/`, then a method below.

use futures::Stream;
use tracing::Instrument;

mod options;
mod pager;

pub(crate) use self::pager::pages;
pub use options::{AssetUpdate, ListOptions, MAX_PAGE};

use crate::client::{Client, Operation};
use crate::error::Error;
use crate::retry::{OnRetry, RetryPolicy};
use crate::types::{
    Asset, AssetFolder, AssetFolderList, AssetList, AssetUpload, CreateAssetFolderRequest,
    CreateAssetRequest,
};
use crate::validate;

const CREATE_ASSET: Operation = Operation {
    name: "Create Asset Metadata",
    method: "POST",
    path: "/sites/{site_id}/assets",
    idempotent: false,
};
const LIST_ASSETS: Operation =
    Operation::idempotent("List Assets", "GET", "/sites/{site_id}/assets");
const GET_ASSET: Operation = Operation::idempotent("Get Asset", "GET", "/assets/{asset_id}");
const UPDATE_ASSET: Operation =
    Operation::idempotent("Update Asset", "PATCH", "/assets/{asset_id}");
const DELETE_ASSET: Operation =
    Operation::idempotent("Delete Asset", "DELETE", "/assets/{asset_id}");
const LIST_FOLDERS: Operation = Operation::idempotent(
    "List Asset Folders",
    "GET",
    "/sites/{site_id}/asset_folders",
);
// Not idempotent: each processed call creates a folder.
const CREATE_FOLDER: Operation = Operation {
    name: "Create Asset Folder",
    method: "POST",
    path: "/sites/{site_id}/asset_folders",
    idempotent: false,
};
const GET_FOLDER: Operation = Operation::idempotent(
    "Get Asset Folder",
    "GET",
    "/asset_folders/{asset_folder_id}",
);

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
        let site = parse_id("site id", site_id)?;
        self.call(CREATE_ASSET, None, notify, |api| {
            api.create_asset(&site, request)
        })
        .instrument(tracing::info_span!("webflow.create_asset", site_id))
        .await
    }

    /// List Assets, one page: `GET /sites/{site_id}/assets`.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), webflow_assets::Error> {
    /// use webflow_assets::{Client, ListOptions};
    ///
    /// let client = Client::from_env()?;
    /// let page = client
    ///     .list_assets_page("580e63e98c9a982ac9b8b741", &ListOptions::new().limit(10))
    ///     .await?;
    /// println!("{} of {:?}", page.assets.len(), page.pagination.and_then(|p| p.total));
    /// # Ok(()) }
    /// ```
    pub async fn list_assets_page(
        &self,
        site_id: &str,
        options: &ListOptions,
    ) -> Result<AssetList, Error> {
        let site = parse_id("site id", site_id)?;
        let limit = options.checked_limit()?;
        let folder = options
            .folder
            .as_deref()
            .map(|f| parse_id("folder id", f))
            .transpose()?;
        let locale = options.locale.as_deref();
        if let Some(l) = locale {
            validate::string_id("locale id", l)?;
        }
        self.call(LIST_ASSETS, Some(format!("site {site_id}")), None, |api| {
            api.list_assets(
                &site,
                folder.as_ref(),
                Some(limit),
                locale,
                Some(options.offset),
            )
        })
        .await
    }

    /// Every asset of a site from `options`' offset on (or of a folder and
    /// the folders below it), fetched 100 a page as the stream is read.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), webflow_assets::Error> {
    /// use futures::TryStreamExt;
    /// use webflow_assets::{Client, ListOptions};
    ///
    /// let client = Client::from_env()?;
    /// let all: Vec<_> = client
    ///     .list_assets("580e63e98c9a982ac9b8b741", ListOptions::new())
    ///     .try_collect()
    ///     .await?;
    /// println!("{} assets", all.len());
    /// # Ok(()) }
    /// ```
    pub fn list_assets(
        &self,
        site_id: impl Into<String>,
        options: ListOptions,
    ) -> impl Stream<Item = Result<Asset, Error>> + Send + 'static {
        // The stream owns a clone of the client (an `Arc`) and the id, so
        // that it can be spawned or kept past the borrow that made it.
        let (client, site_id) = (self.clone(), site_id.into());
        pages(options, move |page| {
            let (client, site_id) = (client.clone(), site_id.clone());
            async move {
                let list = client.list_assets_page(&site_id, &page).await?;
                Ok((list.assets, list.pagination))
            }
        })
    }

    /// Get Asset: `GET /assets/{asset_id}`. A 404 is [`Error::NotFound`]
    /// naming the asset.
    pub async fn get_asset(&self, asset_id: &str) -> Result<Asset, Error> {
        self.get_asset_in(asset_id, None).await
    }

    /// [`get_asset`](Self::get_asset) in a locale.
    pub async fn get_asset_in(&self, asset_id: &str, locale: Option<&str>) -> Result<Asset, Error> {
        let id = parse_id("asset id", asset_id)?;
        if let Some(l) = locale {
            validate::string_id("locale id", l)?;
        }
        self.call(GET_ASSET, Some(format!("asset {asset_id}")), None, |api| {
            api.get_asset(&id, locale)
        })
        .await
    }

    /// Update Asset: `PATCH /assets/{asset_id}`, e.g. its alt text.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), webflow_assets::Error> {
    /// use webflow_assets::{AssetUpdate, Client};
    ///
    /// let client = Client::from_env()?;
    /// let asset = client
    ///     .update_asset("63e5889e7fe4eafa7384cea4", &AssetUpdate::new().alt_text("A red chair"))
    ///     .await?;
    /// assert_eq!(asset.alt_text.as_deref(), Some("A red chair"));
    /// # Ok(()) }
    /// ```
    pub async fn update_asset(&self, asset_id: &str, update: &AssetUpdate) -> Result<Asset, Error> {
        let id = parse_id("asset id", asset_id)?;
        let locale = update.locale.as_deref();
        if let Some(l) = locale {
            validate::string_id("locale id", l)?;
        }
        let body = update.request()?;
        self.call(
            UPDATE_ASSET,
            Some(format!("asset {asset_id}")),
            None,
            |api| api.update_asset(&id, locale, &body),
        )
        .await
    }

    /// Delete Asset: `DELETE /assets/{asset_id}`. Retried like every
    /// idempotent call; a retry that meets 404 means an earlier attempt
    /// deleted it, and counts as done. Any 2xx answer is a success.
    pub async fn delete_asset(&self, asset_id: &str) -> Result<(), Error> {
        self.delete_asset_within(asset_id, &self.shared.config.retry, None)
            .await
    }

    /// [`delete_asset`](Self::delete_asset) under another retry policy,
    /// telling `notify` of each retry: a best-effort cleanup's short budget.
    pub(crate) async fn delete_asset_within(
        &self,
        asset_id: &str,
        policy: &RetryPolicy,
        notify: Option<&OnRetry>,
    ) -> Result<(), Error> {
        let id = parse_id("asset id", asset_id)?;
        self.call_settling(
            DELETE_ASSET,
            Some(format!("asset {asset_id}")),
            policy,
            notify,
            |api| api.delete_asset(&id),
            // Webflow answers 204; any 2xx (a proxy's or a stand-in's 200)
            // is a success too, never "could not be deleted (200 OK)".
            |attempt, error| {
                let done = match error {
                    Error::NotFound(_) => attempt > 1,
                    Error::UnexpectedStatus { error } => error.status.is_success(),
                    _ => false,
                };
                done.then_some(())
            },
        )
        .await
    }

    /// List Asset Folders, one page: `GET /sites/{site_id}/asset_folders`.
    pub async fn list_asset_folders_page(
        &self,
        site_id: &str,
        options: &ListOptions,
    ) -> Result<AssetFolderList, Error> {
        let site = parse_id("site id", site_id)?;
        let limit = options.checked_limit()?;
        self.call(LIST_FOLDERS, Some(format!("site {site_id}")), None, |api| {
            api.list_asset_folders(&site, Some(limit), Some(options.offset))
        })
        .await
    }

    /// Every asset folder of a site, fetched a page at a time.
    pub fn list_asset_folders(
        &self,
        site_id: impl Into<String>,
    ) -> impl Stream<Item = Result<AssetFolder, Error>> + Send + 'static {
        let (client, site_id) = (self.clone(), site_id.into());
        pages(ListOptions::new(), move |page| {
            let (client, site_id) = (client.clone(), site_id.clone());
            async move {
                let list = client.list_asset_folders_page(&site_id, &page).await?;
                Ok((list.asset_folders, list.pagination))
            }
        })
    }

    /// Create Asset Folder: `POST /sites/{site_id}/asset_folders`, at the
    /// root or inside `parent`. Not retried after it may have been
    /// processed (it is not idempotent), as Create Asset Metadata.
    pub async fn create_asset_folder(
        &self,
        site_id: &str,
        name: &str,
        parent: Option<&str>,
    ) -> Result<AssetFolder, Error> {
        let site = parse_id("site id", site_id)?;
        if let Some(parent) = parent {
            validate::object_id("parent folder id", parent)?;
        }
        let spec = validate::spec_mismatch;
        let body = CreateAssetFolderRequest {
            display_name: name.parse().map_err(|e| spec("folder's name", e))?,
            parent_folder: parent
                .map(str::parse)
                .transpose()
                .map_err(|e| spec("parent folder id", e))?,
        };
        self.call(
            CREATE_FOLDER,
            Some(format!("site {site_id}")),
            None,
            |api| api.create_asset_folder(&site, &body),
        )
        .await
    }

    /// Get Asset Folder: `GET /asset_folders/{asset_folder_id}`.
    pub async fn get_asset_folder(&self, folder_id: &str) -> Result<AssetFolder, Error> {
        let id = parse_id("folder id", folder_id)?;
        self.call(
            GET_FOLDER,
            Some(format!("asset folder {folder_id}")),
            None,
            |api| api.get_asset_folder(&id),
        )
        .await
    }
}

/// An id checked with the crate's advice, then as the spec's type.
pub(crate) fn parse_id<T>(what: &str, id: &str) -> Result<T, Error>
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
