//! What a caller passes the Assets API's operations: which page of a list,
//! and what to change of an asset.

use std::num::NonZeroU64;

use crate::error::Error;
use crate::types::{ItemSortField, SortOrder, UpdateAssetRequest};
use crate::validate;

/// The most items Webflow returns in one page.
pub const MAX_PAGE: u64 = 100;

/// Which page of a list to ask for, and (for assets) which assets.
///
/// ```
/// use webflow_assets::ListOptions;
///
/// let page = ListOptions::new().folder("6390c49774a71f99f21a08eb").offset(200).limit(50);
/// assert_eq!(page.limit_value(), 50);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListOptions {
    pub(crate) offset: u64,
    pub(crate) limit: u64,
    pub(crate) folder: Option<String>,
    pub(crate) locale: Option<String>,
    pub(crate) sort: Option<(ItemSortField, SortOrder)>,
}

impl Default for ListOptions {
    fn default() -> Self {
        Self {
            offset: 0,
            limit: MAX_PAGE,
            folder: None,
            locale: None,
            sort: None,
        }
    }
}

impl ListOptions {
    /// From the first item, 100 a page, every folder, the primary locale.
    pub fn new() -> Self {
        Self::default()
    }

    /// Skip this many items.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// Items per page, 1 to 100 (checked when sent).
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = limit;
        self
    }

    /// Only the assets of this folder and the folders below it (assets only).
    pub fn folder(mut self, folder_id: impl Into<String>) -> Self {
        self.folder = Some(folder_id.into());
        self
    }

    /// A locale's view of the assets (assets only).
    pub fn locale(mut self, locale_id: impl Into<String>) -> Self {
        self.locale = Some(locale_id.into());
        self
    }

    /// Sorted by `by` in `order` (CMS items only).
    ///
    /// ```
    /// use webflow_assets::ListOptions;
    /// use webflow_assets::types::{ItemSortField, SortOrder};
    ///
    /// let newest_first = ListOptions::new().sort(ItemSortField::LastUpdated, SortOrder::Desc);
    /// # let _ = newest_first;
    /// ```
    pub fn sort(mut self, by: ItemSortField, order: SortOrder) -> Self {
        self.sort = Some((by, order));
        self
    }

    /// The page size asked for.
    pub fn limit_value(&self) -> u64 {
        self.limit
    }

    pub(crate) fn checked_limit(&self) -> Result<NonZeroU64, Error> {
        NonZeroU64::new(self.limit)
            .filter(|l| l.get() <= MAX_PAGE)
            .ok_or_else(|| {
                Error::invalid(
                    format!("a page of {} items was asked for", self.limit),
                    format!("ask for 1 to {MAX_PAGE} items a page"),
                )
            })
    }
}

/// What to change of an asset: its display name, its alt text, or both.
///
/// ```
/// use webflow_assets::AssetUpdate;
///
/// let update = AssetUpdate::new().alt_text("A red chair");
/// assert!(!update.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssetUpdate {
    pub(crate) display_name: Option<String>,
    pub(crate) alt_text: Option<String>,
    pub(crate) locale: Option<String>,
}

impl AssetUpdate {
    /// Nothing to change yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A new display name.
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }

    /// New alt text (an empty string clears it).
    pub fn alt_text(mut self, text: impl Into<String>) -> Self {
        self.alt_text = Some(text.into());
        self
    }

    /// The locale whose view of the asset to change.
    pub fn locale(mut self, locale_id: impl Into<String>) -> Self {
        self.locale = Some(locale_id.into());
        self
    }

    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.display_name.is_none() && self.alt_text.is_none()
    }

    /// The request body, checked against the spec's rules.
    pub fn request(&self) -> Result<UpdateAssetRequest, Error> {
        if self.is_empty() {
            return Err(Error::invalid(
                "the update changes nothing",
                "give a display name, alt text, or both",
            ));
        }
        let spec = validate::spec_mismatch;
        Ok(UpdateAssetRequest {
            display_name: self
                .display_name
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|e| spec("display name", e))?,
            alt_text: self
                .alt_text
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|e| spec("alt text", e))?,
        })
    }
}
