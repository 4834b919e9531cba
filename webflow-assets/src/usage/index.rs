//! The index a scan leaves: its uses, and what it read, kept between runs
//! so that a rescan reads only what changed.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::doc_scan::PublishedScan;
use super::{FORMAT, Gap, Place, Use, merge};
use crate::content::Stage;
use crate::error::Error;

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
    /// Its slug: a live item's template page is `/<collection slug>/<slug>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
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
    #[serde(default)]
    pub slug: Option<String>,
    pub last_updated: Option<String>,
    /// Slug and type of each field.
    pub fields: Vec<(String, String)>,
}

/// What the last scan read: how much of the site, and how much of it again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
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
    /// Documents of the published site asked for (pages, style sheets,
    /// scripts); 0 when it was not read.
    pub published: usize,
    /// Of those, the ones downloaded (new or changed).
    pub published_downloaded: usize,
    /// Of those, the ones unchanged since the last scan (304 Not Modified).
    pub published_not_modified: usize,
    /// Bytes downloaded from the published site.
    pub published_bytes: u64,
    /// The origin the published site was read at, when it was.
    pub published_origin: Option<String>,
    /// How long reading the published site took, in milliseconds.
    pub published_millis: u64,
    /// The utility pages of the published site that were read: the 404
    /// page (the body of every 404 answer) and the password page (the body
    /// of every 401).
    pub utility_pages: Vec<UtilityPage>,
    /// Links of the published site to paths that do not exist (answered
    /// 404): broken links, not gaps, since what they show is the 404 page.
    pub broken_links: Vec<String>,
}

/// A utility page of the published site that a scan read.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UtilityPage {
    /// Which one.
    pub kind: UtilityKind,
    /// Where its uses are placed (`https://www.example.com/404`).
    pub url: String,
}

/// Webflow's utility pages that the published site serves with an error
/// status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum UtilityKind {
    /// The 404 page, served with status 404 for every path that does not exist.
    NotFound,
    /// The password page, served with status 401 for each protected page.
    Password,
}

impl std::fmt::Display for UtilityKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NotFound => "the 404 page",
            Self::Password => "the password page",
        })
    }
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
    /// The published site's documents, for the next crawl's conditional
    /// requests.
    #[serde(default)]
    pub(crate) published: PublishedScan,
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
            published: PublishedScan::default(),
            found: vec![],
            values: vec![],
            relinking: Default::default(),
        }
    }

    /// Asks the next scan from this index to keep the CMS field values that
    /// hold these assets, which [`plan_relinks`](super::plan_relinks) needs to move them. Only
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
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Self::new(site_id),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "cannot read the usage index; scanning from scratch");
                return Self::new(site_id);
            }
        };
        // Streamed: the file's text (tens of MB for a large site) is never
        // held beside what it decodes to.
        match serde_json::from_reader::<_, UsageIndex>(std::io::BufReader::new(file)) {
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
        let tmp = path.with_extension("json.tmp");
        // Streamed to the file, as `load` reads it.
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(io)?);
        serde_json::to_writer(&mut out, self).map_err(|e| io(std::io::Error::other(e)))?;
        std::io::Write::flush(&mut out).map_err(io)?;
        drop(out);
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
