//! Where a site uses each of its assets: static pages and components (in
//! every locale) and CMS items (staged and live), found by
//! [`Client::scan_usage`](crate::Client::scan_usage) and kept in a
//! [`UsageIndex`] that a later scan reuses.
//!
//! An asset is used wherever the site names it: by id (an image node's
//! `assetId`, a file field's `fileId`) or by URL (its hosted URL, or any URL
//! whose file name starts with `<asset id>_`, responsive variants included),
//! in any string of any CMS field and any attribute or text of any HTML.
//! Each [`Use`] says how ([`UseKind`]).
//!
//! What the API cannot show is never reported as unused silently: a scope
//! the token lacks, or a page, component or list that cannot be read, is a
//! [`Gap`] naming it, and [`BLIND_SPOTS`] lists the places no scope reaches.
//!
//! ```no_run
//! # async fn run() -> Result<(), webflow_assets::Error> {
//! use webflow_assets::{Client, UsageIndex};
//!
//! let client = Client::from_env()?;
//! let site = "580e63e98c9a982ac9b8b741";
//! let index = client.scan_usage(site, UsageIndex::new(site)).await?;
//! index.check_complete()?; // an error naming each missing scope
//! for place in index.uses_of("659595234426a9fcbad57043") {
//!     println!("{place}");
//! }
//! # Ok(()) }
//! ```

mod cms;
mod html;
mod merge;
mod refs;
mod relink;
mod scan;
mod values;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use relink::{ItemRelink, RelinkOutcome, Replacement, plan_relinks};

use crate::content::Stage;
use crate::error::Error;

/// What no read of the Data API shows, and so what a scan cannot see:
/// an asset used only there is reported as unused.
pub const BLIND_SPOTS: [&str; 4] = [
    "background images set in styles (classes and interactions)",
    "custom code (embeds, head and body code) and hard-coded CDN URLs",
    "site settings: the favicon, the webclip and Open Graph images",
    "SEO and Open Graph images of pages, and e-commerce product images",
];

/// The version of the index file's format (2: uses say how, items are
/// kept per list for incremental rescans).
const FORMAT: u32 = 2;

/// How a place uses an asset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum UseKind {
    /// An image node's `assetId` (pages, components, image overrides).
    ImageNode,
    /// An Image or MultiImage field: its `fileId`, or its URL.
    ImageField,
    /// A File field (or any field value holding a `fileId`).
    FileField,
    /// `<img src>`, `<img srcset>` or `<source srcset>` in HTML.
    RichTextImage,
    /// `<a href>` in HTML.
    RichTextLink,
    /// Any other HTML attribute (`style`, `data-*`, `<video src>`, a
    /// node's custom attributes).
    HtmlAttribute,
    /// HTML text, comments and embedded scripts or styles.
    HtmlText,
    /// A Link field's URL.
    LinkField,
    /// Any other field's string (PlainText, and types Webflow adds later).
    TextField,
}

impl fmt::Display for UseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UseKind::ImageNode => "image node",
            UseKind::ImageField => "Image field",
            UseKind::FileField => "File field",
            UseKind::RichTextImage => "rich-text image",
            UseKind::RichTextLink => "rich-text link",
            UseKind::HtmlAttribute => "HTML attribute",
            UseKind::HtmlText => "HTML text",
            UseKind::LinkField => "Link field",
            UseKind::TextField => "text field",
        })
    }
}

/// One place that uses an asset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Place {
    /// An image node of a static page.
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    Page {
        /// The page's id.
        page_id: String,
        /// Its title.
        title: Option<String>,
        /// Its slug.
        slug: Option<String>,
        /// The node (Webflow's node UUID).
        node_id: String,
        /// The locale's tag (`fr-FR`) when the use is in a secondary
        /// locale only; `None` for the primary locale.
        locale: Option<String>,
    },
    /// An image node of a component (every page that holds the component
    /// shows it).
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    Component {
        /// The component's id.
        component_id: String,
        /// Its name.
        name: Option<String>,
        /// The node.
        node_id: String,
        /// As for pages.
        locale: Option<String>,
    },
    /// A field of a CMS item.
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    Item {
        /// The collection's id.
        collection_id: String,
        /// Its name.
        collection: Option<String>,
        /// The item's id.
        item_id: String,
        /// The item's name.
        name: Option<String>,
        /// The field's slug.
        field: String,
        /// The field's type as the collection gives it (`Image`, `Link`,
        /// `PlainText`, ...; empty for a field the collection does not list).
        field_type: String,
        /// Whether the staged item uses it.
        staged: bool,
        /// Whether the live (published) item uses it.
        live: bool,
        /// The CMS locale's tag when only a secondary locale's item uses it.
        locale: Option<String>,
    },
}

impl Place {
    /// Whether the place can be changed through the API (CMS items); pages
    /// and components are changed in the Designer.
    pub fn is_cms(&self) -> bool {
        matches!(self, Place::Item { .. })
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let locale = |l: &Option<String>| match l {
            Some(tag) => format!(" [{tag}]"),
            None => String::new(),
        };
        match self {
            Place::Page {
                page_id,
                title,
                slug,
                node_id,
                locale: l,
            } => write!(
                f,
                "page {:?} (/{}, {page_id}) node {node_id}{}",
                title.as_deref().unwrap_or(""),
                slug.as_deref().unwrap_or(""),
                locale(l)
            ),
            Place::Component {
                component_id,
                name,
                node_id,
                locale: l,
            } => write!(
                f,
                "component {:?} ({component_id}) node {node_id}{}",
                name.as_deref().unwrap_or(""),
                locale(l)
            ),
            Place::Item {
                collection,
                collection_id,
                item_id,
                name,
                field,
                field_type,
                staged,
                live,
                locale: l,
            } => {
                let stages = match (staged, live) {
                    (true, true) => "staged and live",
                    (true, false) => "staged",
                    _ => "live",
                };
                write!(
                    f,
                    "CMS {:?} ({collection_id}) item {:?} ({item_id}) field {field} ({field_type}), {stages}{}",
                    collection.as_deref().unwrap_or(""),
                    name.as_deref().unwrap_or(""),
                    locale(l)
                )
            }
        }
    }
}

/// A use of an asset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Use {
    /// The asset's id.
    pub asset_id: String,
    /// How the place uses it.
    pub how: UseKind,
    /// Where.
    pub place: Place,
}

/// Part of a site a scan could not read: nothing behind it is ever taken
/// for unused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Gap {
    /// What could not be checked (`CMS items`, `page 6596da6045e56dee495bcbba`).
    pub unchecked: String,
    /// The scope the token lacks, as Webflow names it (`cms:read`), when
    /// that is why.
    pub scope: Option<String>,
    /// Else the error its read ended with.
    pub error: Option<String>,
}

impl Gap {
    pub(crate) fn scope(scope: &str, unchecked: &str) -> Self {
        Self {
            unchecked: unchecked.to_owned(),
            scope: Some(scope.to_owned()),
            error: None,
        }
    }

    pub(crate) fn unreadable(unchecked: String, error: &Error) -> Self {
        Self {
            unchecked,
            scope: None,
            error: Some(error.to_string()),
        }
    }
}

impl fmt::Display for Gap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.scope, &self.error) {
            (Some(scope), _) => write!(
                f,
                "{} were not checked: the token lacks the scope {scope}",
                self.unchecked
            ),
            (None, Some(error)) => write!(f, "{} could not be read: {error}", self.unchecked),
            (None, None) => write!(f, "{} could not be read", self.unchecked),
        }
    }
}

/// A page's or component's content as last read, per locale.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ContentScan {
    /// `lastUpdated` when it was read (pages only; components have none).
    pub last_updated: Option<String>,
    /// The uses it held.
    pub uses: Vec<Use>,
}

/// One list of items (a collection's staged or live items in one CMS
/// locale) as last read: each item's change stamp (`lastUpdated` staged,
/// `lastPublished` live) and uses, so that a rescan reads only the items
/// changed since.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ItemsScan {
    pub items: BTreeMap<String, ItemScan>,
}

/// An item of an [`ItemsScan`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ItemScan {
    pub stamp: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<Use>,
}

/// A CMS field value as read, kept in memory for relinking.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FieldValue {
    pub collection_id: String,
    pub item_id: String,
    pub field: String,
    pub field_type: String,
    pub stage: Stage,
    /// The CMS locale's id, for a secondary locale's item.
    pub cms_locale: Option<String>,
    pub value: Value,
}

/// What a collection's details said, kept while its `lastUpdated` holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CollectionScan {
    pub name: Option<String>,
    pub last_updated: Option<String>,
    /// Slug and type of each field.
    pub fields: Vec<(String, String)>,
}

/// What the last scan read: how much of the site, and how much of it again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ScanSummary {
    /// Pages listed, over every locale.
    pub pages: usize,
    /// Of those, the pages whose content was read (new or changed).
    pub pages_read: usize,
    /// Component contents read, over every locale.
    pub components: usize,
    /// Collections.
    pub collections: usize,
    /// Collections whose details (fields) were read.
    pub collections_read: usize,
    /// Items the index knows, staged and live, over every locale.
    pub items: usize,
    /// Of those, the items read by this scan (new or changed, or in a list
    /// read whole).
    pub items_read: usize,
    /// Item lists (per collection, stage and locale) read whole, because
    /// they are new, their collection's fields changed, an item was
    /// deleted, or the server's answer cannot be trusted for an
    /// incremental read; the others read only their changed items.
    pub item_lists_read_whole: usize,
}

/// Where a site uses its assets, as of its last scan. Kept between runs
/// ([`save`](Self::save), [`load`](Self::load)): a rescan reads again only
/// the pages whose `lastUpdated` changed, and of each item list only the
/// items changed since.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageIndex {
    format: u32,
    /// The site scanned.
    pub site_id: String,
    /// When the last scan ended.
    pub scanned_at: Option<DateTime<Utc>>,
    /// Parts the last scan could not read.
    pub gaps: Vec<Gap>,
    /// What the last scan read.
    #[serde(default)]
    pub summary: ScanSummary,
    /// Asset id to hosted URL, as listed by the last scan.
    pub(crate) assets: BTreeMap<String, Option<String>>,
    /// Per `page id|locale id` (empty for the primary locale).
    pub(crate) pages: BTreeMap<String, ContentScan>,
    /// Per `component id|locale id`.
    pub(crate) components: BTreeMap<String, ContentScan>,
    /// Per collection id.
    pub(crate) collections: BTreeMap<String, CollectionScan>,
    /// Per `collection id|CMS locale id|stage`.
    #[serde(default)]
    pub(crate) item_lists: BTreeMap<String, ItemsScan>,
    /// Every use: pages and components (a secondary locale's use only
    /// where it differs from the primary one's), then CMS items; derived
    /// from the maps above ([`merge`]), so not saved.
    #[serde(skip)]
    pub(crate) found: Vec<Use>,
    /// The field values that hold an asset of `relinking`, for
    /// [`plan_relinks`]: not saved, a scan reads them again.
    #[serde(skip)]
    pub(crate) values: Vec<FieldValue>,
    /// The assets whose CMS field values a scan keeps (see [`relinking`](Self::relinking)).
    #[serde(skip)]
    pub(crate) relinking: std::collections::BTreeSet<String>,
}

impl UsageIndex {
    /// An empty index of a site: a scan from it reads everything.
    pub fn new(site_id: impl Into<String>) -> Self {
        Self {
            format: FORMAT,
            site_id: site_id.into(),
            scanned_at: None,
            gaps: vec![],
            summary: ScanSummary::default(),
            assets: BTreeMap::new(),
            pages: BTreeMap::new(),
            components: BTreeMap::new(),
            collections: BTreeMap::new(),
            item_lists: BTreeMap::new(),
            found: vec![],
            values: vec![],
            relinking: Default::default(),
        }
    }

    /// Asks the next scan from this index to keep the CMS field values that
    /// hold these assets, which [`plan_relinks`] needs to move them. Only
    /// those are kept: on a site of 5,000 items, keeping every value costs
    /// tens of MiB (BENCHMARKS.md, section 8).
    pub fn relinking<I, S>(mut self, asset_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.relinking
            .extend(asset_ids.into_iter().map(|id| id.into().to_ascii_lowercase()));
        self
    }

    /// The index saved at `path` for `site_id`; an empty one when there is
    /// none, or it is of another site or format (a warning says why).
    pub fn load(path: &Path, site_id: &str) -> Self {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Self::new(site_id),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "cannot read the usage index; scanning from scratch");
                return Self::new(site_id);
            }
        };
        match serde_json::from_str::<UsageIndex>(&text) {
            Ok(mut index) if index.format == FORMAT && index.site_id == site_id => {
                index.found = merge::merged(&index);
                index
            }
            Ok(_) => Self::new(site_id),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "the usage index is unreadable; scanning from scratch");
                Self::new(site_id)
            }
        }
    }

    /// Writes the index to `path` (atomically: a crash leaves the old one).
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let io = |e: std::io::Error| Error::Io {
            path: path.display().to_string(),
            source: e,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let text = serde_json::to_vec(self).map_err(|e| io(std::io::Error::other(e)))?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }

    /// Every use found, pages first, then components, then CMS items.
    pub fn uses(&self) -> impl Iterator<Item = &Use> {
        self.found.iter()
    }

    /// Where `asset_id` is used.
    pub fn uses_of<'a>(&'a self, asset_id: &'a str) -> impl Iterator<Item = &'a Place> + 'a {
        self.uses_of_asset(asset_id).map(|u| &u.place)
    }

    /// The uses of `asset_id`, each with its place and how it is used.
    pub fn uses_of_asset<'a>(&'a self, asset_id: &'a str) -> impl Iterator<Item = &'a Use> + 'a {
        self.uses()
            .filter(move |u| u.asset_id.eq_ignore_ascii_case(asset_id))
    }

    /// Whether anything the scan could see uses `asset_id`.
    pub fn is_used(&self, asset_id: &str) -> bool {
        self.uses_of(asset_id).next().is_some()
    }

    /// An error naming each part the scan could not read (each scope the
    /// token lacks, each page, component or list that failed), and what to
    /// do; `Ok` when the scan read every part of the site.
    pub fn check_complete(&self) -> Result<(), Error> {
        if self.gaps.is_empty() {
            return Ok(());
        }
        let mut scopes: Vec<&str> = self.gaps.iter().filter_map(|g| g.scope.as_deref()).collect();
        scopes.dedup();
        let unreadable = self.gaps.iter().any(|g| g.scope.is_none());
        let fix = match (scopes.is_empty(), unreadable) {
            (false, false) => format!("use a token with the scope(s) {}", scopes.join(", ")),
            (true, _) => "scan again; if a part stays unreadable, check it in the Designer".to_owned(),
            (false, true) => format!(
                "use a token with the scope(s) {}, then scan again",
                scopes.join(", ")
            ),
        };
        Err(Error::invalid(
            format!(
                "where assets are used is not known: {}",
                self.gaps
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            fix,
        ))
    }

    /// The hosted URL the last scan listed for an asset.
    pub fn hosted_url(&self, asset_id: &str) -> Option<&str> {
        self.assets.get(asset_id).and_then(|u| u.as_deref())
    }
}
