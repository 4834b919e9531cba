//! The scan every usage-aware command starts with: the index kept between
//! runs, the scan, and what it could not see, said once.

use std::path::{Path, PathBuf};

use clap::Args;
use webflow_assets::usage::BLIND_SPOTS;
use webflow_assets::{Client, UsageIndex};

use crate::cli::hints;

/// Where the usage index is kept.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct IndexArgs {
    /// The usage index file, kept between runs so that a rescan reads only
    /// what changed [default: webflow-assets/usage-<site>-<api>.json in the
    /// user's cache directory].
    #[arg(long, value_name = "FILE")]
    pub index: Option<PathBuf>,
}

/// The default index file: per site and API root, so that a sandbox and
/// the real site never share one.
fn default_path(site: &str, base_url: &str) -> Option<PathBuf> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))?;
    let api = &webflow_assets::md5_hex(base_url.as_bytes())[..8];
    Some(
        cache
            .join("webflow-assets")
            .join(format!("usage-{site}-{api}.json")),
    )
}

/// Scans `site` from its saved index and saves the result. Errors are the
/// scan's (a 403 is not one: it is a gap of the index).
pub(crate) async fn scan(
    client: &Client,
    site: &str,
    args: &IndexArgs,
    quiet: bool,
) -> Result<UsageIndex, webflow_assets::Error> {
    scan_relinking(client, site, args, quiet, &[]).await
}

/// [`scan`], keeping the CMS values that hold `relinking`'s assets.
pub(crate) async fn scan_relinking(
    client: &Client,
    site: &str,
    args: &IndexArgs,
    quiet: bool,
    relinking: &[String],
) -> Result<UsageIndex, webflow_assets::Error> {
    let path = args
        .index
        .clone()
        .or_else(|| default_path(site, client.base_url()));
    let previous = match &path {
        Some(p) => UsageIndex::load(p, site),
        None => UsageIndex::new(site),
    }
    .relinking(relinking.iter().cloned());
    if !quiet {
        eprintln!("scanning where the site uses its assets (pages, components, CMS items)...");
    }
    let index = client.scan_usage(site, previous).await?;
    if let Some(p) = &path
        && let Err(e) = index.save(p)
    {
        eprintln!(
            "warning: the usage index could not be kept ({}); the next scan reads everything again",
            hints::message(&e)
        );
    }
    if !quiet {
        let s = index.summary;
        eprintln!(
            "scanned {} page(s) ({} read, {} unchanged), {} component content(s), {} collection(s), {} item(s) ({} read, {} list(s) read whole)",
            s.pages,
            s.pages_read,
            s.pages - s.pages_read,
            s.components,
            s.collections,
            s.items,
            s.items_read,
            s.item_lists_read_whole
        );
    }
    Ok(index)
}

/// What no scan can see, on stderr.
pub(crate) fn blind_spots() {
    eprintln!("note: the API does not show these, so uses there are not found:");
    for spot in BLIND_SPOTS {
        eprintln!("  - {spot}");
    }
}

/// Each part the scan could not read, as an error line.
pub(crate) fn gaps(index: &UsageIndex) {
    gaps_as(index, "error");
}

/// [`gaps`] at another level (`warning` where nothing is deleted).
pub(crate) fn gaps_as(index: &UsageIndex, level: &str) {
    for gap in &index.gaps {
        match &gap.scope {
            Some(scope) => eprintln!(
                "{level}: {gap}; use a token with {scope} as well (nothing there is taken for unused)"
            ),
            None => eprintln!(
                "{level}: {gap}; scan again (nothing there is taken for unused; what an earlier scan found there still counts)"
            ),
        }
    }
}
