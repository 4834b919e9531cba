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
//! The published site shows what the API does not: style backgrounds,
//! custom code, the favicon, webclip and Open Graph images. A scan reads it
//! by default ([`PublishedOptions`]): every published page, and the style
//! sheets and scripts it links on the site's hosts or CDN; each use there is
//! a [`Place::Published`].
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
mod crawl;
mod doc_scan;
mod fetch;
mod gap;
mod html;
mod index;
mod merge;
mod page_paths;
mod place;
mod progress;
mod published;
mod published_options;
mod published_scan;
mod site_urls;
mod sitemap;
pub(crate) mod refs;
mod relink;
mod scan;
mod values;

pub use published_options::{PublishedOptions, SitePassword};
pub use gap::{Gap, GapKind};
pub(crate) use index::{CollectionScan, ContentScan, FieldValue, ItemScan, ItemsScan};
pub use index::{ScanSummary, UsageIndex, UtilityKind, UtilityPage};
pub use place::{Place, Use, UseKind};
pub use progress::{ProgressSnapshot, ScanProgress};
pub use relink::{ItemRelink, RelinkOutcome, Replacement, plan_relinks};

/// What neither the Data API nor the published site shows, and so what a
/// scan cannot see: an asset used only there is reported as unused.
pub const BLIND_SPOTS: [&str; 3] = [
    "published pages that no page, no sitemap and no API list names (and a paginated list's later pages)",
    "URLs that scripts build at run time, and styles or custom code changed but not yet published",
    "uses outside the site: emails, other sites and documents that link an asset's URL",
];

/// What only the published site shows: blind spots too when a scan does
/// not read it (`PublishedOptions::off`).
pub const PUBLISHED_ONLY: [&str; 4] = [
    "background images set in styles (classes and interactions)",
    "custom code (embeds, head and body code) and hard-coded CDN URLs",
    "site settings: the favicon, the webclip and Open Graph images",
    "SEO and Open Graph images of pages, and e-commerce product images",
];

/// The version of the index file's format (2: uses say how, items are
/// kept per list for incremental rescans; 3: the published site's
/// documents, items' slugs; 4: the published documents' links, each once
/// in a table).
const FORMAT: u32 = 4;

/// How a scan reads the site ([`Client::scan_usage_with`](crate::Client::scan_usage_with)).
///
/// ```
/// use webflow_assets::usage::{PublishedOptions, ScanOptions};
///
/// // The Data API only, as before the published site was read.
/// let api_only = ScanOptions::default().published(PublishedOptions::off());
/// assert!(!api_only.published.enabled);
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ScanOptions {
    /// How the published site is read (by default: at the site's own
    /// domains, when it is published).
    pub published: PublishedOptions,
    /// Where the scan counts what it does, for progress bars.
    pub progress: ScanProgress,
}

impl ScanOptions {
    /// Sets how the published site is read.
    pub fn published(mut self, published: PublishedOptions) -> Self {
        self.published = published;
        self
    }

    /// Counts the scan's progress in `progress` (a clone of it).
    pub fn progress(mut self, progress: ScanProgress) -> Self {
        self.progress = progress;
        self
    }
}

/// For the fuzz targets: every document reader over `text`, each use's
/// asset id with whether every link is one the crawl may follow: a page on
/// the site, a style sheet or script over HTTP(S) from any host.
#[cfg(all(any(fuzzing, feature = "fuzz"), feature = "client"))]
pub(crate) fn fuzz_published(text: &str) -> Vec<(String, bool)> {
    let base = url::Url::parse("https://www.example.com/a/b").expect("a URL");
    let site = published::SiteUrls {
        hosts: vec!["www.example.com".to_owned()],
        site_id: "580e63e98c9a982ac9b8b741".to_owned(),
    };
    let known = refs::Known::default();
    let reads = [
        published::read_page(text, &base, &site, &known),
        published::read_style_sheet(text, &base, &site, &known),
        published::read_script(text, &known),
    ];
    reads
        .into_iter()
        .flat_map(|read| {
            let ok = read.links.iter().all(|(url, kind)| match kind {
                published::DocKind::Page => site.is_site_host(url),
                _ => matches!(url.scheme(), "http" | "https"),
            });
            read.uses.into_iter().map(move |(id, _)| (id, ok))
        })
        .collect()
}

/// For the CSS comparison: the asset ids a style sheet names.
#[cfg(all(any(fuzzing, feature = "fuzz"), feature = "client"))]
pub(crate) fn fuzz_style_sheet_ids(css: &str) -> Vec<String> {
    let base = url::Url::parse("https://www.example.com/").expect("a URL");
    let site = published::SiteUrls {
        hosts: vec![],
        site_id: String::new(),
    };
    published::read_style_sheet(css, &base, &site, &refs::Known::default())
        .uses
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}
