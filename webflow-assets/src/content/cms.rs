//! Collections, their items (staged and live), and item updates.

use futures::Stream;

use crate::assets::{ListOptions, pages, parse_id};
use crate::validate::Origin;
use crate::client::{Client, Operation};
use crate::error::Error;
use crate::types::{Collection, CollectionSummary, Item, ItemList, ItemUpdate, ItemsUpdate};

/// The most items one Update Items call takes.
pub const MAX_ITEMS_PER_UPDATE: usize = 100;

const LIST_COLLECTIONS: Operation =
    Operation::idempotent("List Collections", "GET", "/sites/{site_id}/collections");
const GET_COLLECTION: Operation =
    Operation::idempotent("Get Collection Details", "GET", "/collections/{collection_id}");
const LIST_ITEMS: Operation =
    Operation::idempotent("List Items", "GET", "/collections/{collection_id}/items");
const LIST_LIVE_ITEMS: Operation = Operation::idempotent(
    "List Live Items",
    "GET",
    "/collections/{collection_id}/items/live",
);
// PATCH with the fields to set: sending it twice leaves the items as once.
const UPDATE_ITEMS: Operation =
    Operation::idempotent("Update Items", "PATCH", "/collections/{collection_id}/items");
const UPDATE_LIVE_ITEMS: Operation = Operation::idempotent(
    "Update Live Items",
    "PATCH",
    "/collections/{collection_id}/items/live",
);

/// Which items: the staged ones (what the Designer shows and the next
/// publish sends) or the live ones (what the published site shows).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// `/items`.
    Staged,
    /// `/items/live`.
    Live,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stage::Staged => "staged",
            Stage::Live => "live",
        })
    }
}

impl Client {
    /// List Collections: `GET /sites/{site_id}/collections` (one call, not paginated).
    pub async fn list_collections(&self, site_id: &str) -> Result<Vec<CollectionSummary>, Error> {
        let site = parse_id("site id", site_id)?;
        let list = self
            .call(
                LIST_COLLECTIONS,
                Some(format!("site {site_id}'s collections")),
                None,
                |api| api.list_collections(&site),
            )
            .await?;
        Ok(list.collections)
    }

    /// Get Collection Details: `GET /collections/{collection_id}`, with its fields.
    pub async fn get_collection(&self, collection_id: &str) -> Result<Collection, Error> {
        self.get_collection_from(Origin::Typed, collection_id).await
    }

    pub(crate) async fn get_collection_from(
        &self,
        origin: Origin,
        collection_id: &str,
    ) -> Result<Collection, Error> {
        origin.object_id("collection id", collection_id)?;
        self.call(
            GET_COLLECTION,
            Some(format!("collection {collection_id}")),
            None,
            |api| api.get_collection(collection_id),
        )
        .await
    }

    /// List Items (staged) or List Live Items, one page: `options`' locale
    /// is a CMS locale id (`cmsLocaleId`); its folder is not used.
    pub async fn list_items_page(
        &self,
        collection_id: &str,
        stage: Stage,
        options: &ListOptions,
    ) -> Result<ItemList, Error> {
        self.list_items_page_from(Origin::Typed, collection_id, stage, options)
            .await
    }

    pub(crate) async fn list_items_page_from(
        &self,
        origin: Origin,
        collection_id: &str,
        stage: Stage,
        options: &ListOptions,
    ) -> Result<ItemList, Error> {
        origin.object_id("collection id", collection_id)?;
        let limit = options.checked_limit()?;
        let locale = super::locale_param(options, "CMS locale id")?;
        let target = Some(format!("collection {collection_id}'s {stage} items"));
        let (id, offset) = (collection_id, Some(options.offset));
        let (by, order) = (options.sort.map(|s| s.0), options.sort.map(|s| s.1));
        match stage {
            Stage::Staged => {
                self.call(LIST_ITEMS, target, None, |api| {
                    api.list_collection_items(id, locale, Some(limit), offset, by, order)
                })
                .await
            }
            Stage::Live => {
                self.call(LIST_LIVE_ITEMS, target, None, |api| {
                    api.list_collection_items_live(id, locale, Some(limit), offset, by, order)
                })
                .await
            }
        }
    }

    /// Every item of a collection, staged or live, 100 a call.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), webflow_assets::Error> {
    /// use futures::TryStreamExt;
    /// use webflow_assets::Stage;
    ///
    /// let client = webflow_assets::Client::from_env()?;
    /// let live: Vec<_> = client
    ///     .list_items("562ac0395358780a1f5e6fbc", Stage::Live, None)
    ///     .try_collect()
    ///     .await?;
    /// println!("{} live items", live.len());
    /// # Ok(()) }
    /// ```
    pub fn list_items(
        &self,
        collection_id: impl Into<String>,
        stage: Stage,
        cms_locale: Option<String>,
    ) -> impl Stream<Item = Result<Item, Error>> + Send + 'static {
        self.list_items_from(Origin::Typed, collection_id.into(), stage, cms_locale)
    }

    /// [`list_items`](Self::list_items) of a collection id as `origin` gave it.
    pub(crate) fn list_items_from(
        &self,
        origin: Origin,
        collection_id: String,
        stage: Stage,
        cms_locale: Option<String>,
    ) -> impl Stream<Item = Result<Item, Error>> + Send + 'static {
        let client = self.clone();
        pages(super::first_page(cms_locale), move |page| {
            let (client, id) = (client.clone(), collection_id.clone());
            async move {
                let list = client
                    .list_items_page_from(origin, &id, stage, &page)
                    .await?;
                Ok((list.items, list.pagination))
            }
        })
    }

    /// Update Items (staged) or Update Live Items: `PATCH
    /// /collections/{collection_id}/items[/live]`, 1 to
    /// [`MAX_ITEMS_PER_UPDATE`] items, each with only the fields to set.
    /// Live updates change the published site at once.
    pub async fn update_items(
        &self,
        collection_id: &str,
        stage: Stage,
        items: Vec<ItemUpdate>,
    ) -> Result<Vec<Item>, Error> {
        self.update_items_from(Origin::Typed, collection_id, stage, items)
            .await
    }

    pub(crate) async fn update_items_from(
        &self,
        origin: Origin,
        collection_id: &str,
        stage: Stage,
        items: Vec<ItemUpdate>,
    ) -> Result<Vec<Item>, Error> {
        if items.is_empty() || items.len() > MAX_ITEMS_PER_UPDATE {
            return Err(Error::invalid(
                format!("{} items in one update", items.len()),
                format!("send 1 to {MAX_ITEMS_PER_UPDATE} items per call"),
            ));
        }
        origin.object_id("collection id", collection_id)?;
        let body = ItemsUpdate { items };
        let target = Some(format!("collection {collection_id}'s {stage} items"));
        let list: ItemList = match stage {
            Stage::Staged => {
                self.call(UPDATE_ITEMS, target, None, |api| {
                    api.update_collection_items(collection_id, &body)
                })
                .await?
            }
            Stage::Live => {
                self.call(UPDATE_LIVE_ITEMS, target, None, |api| {
                    api.update_collection_items_live(collection_id, &body)
                })
                .await?
            }
        };
        Ok(list.items)
    }
}
