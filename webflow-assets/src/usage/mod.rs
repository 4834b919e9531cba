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
mod gap;
mod html;
mod index;
mod merge;
mod place;
mod refs;
mod relink;
mod scan;
mod values;

pub use gap::Gap;
pub(crate) use index::{CollectionScan, ContentScan, FieldValue, ItemScan, ItemsScan};
pub use index::{ScanSummary, UsageIndex};
pub use place::{Place, Use, UseKind};
pub use relink::{ItemRelink, RelinkOutcome, Replacement, plan_relinks};

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
