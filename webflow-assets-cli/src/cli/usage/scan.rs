//! The scan every usage-aware command starts with: the index kept between
//! runs, the scan, and what it could not see, said once.

use std::path::{Path, PathBuf};

use std::time::Duration;

use clap::Args;
use webflow_assets::usage::{
    BLIND_SPOTS, GapKind, PUBLISHED_ONLY, PublishedOptions, ScanOptions, SitePassword,
};
use webflow_assets::{Client, UsageIndex};

use crate::cli::hints;

/// The heading these flags share in `--help`.
const HEADING: &str = "Usage scan";

/// Where the password of the site's protected pages is read from.
pub(crate) const SITE_PASSWORD_ENV: &str = "WEBFLOW_SITE_PASSWORD";

/// Where the usage index is kept, and how the published site is read.
// A heading of their own: without one, clap numbers each flattened
// struct's flags from zero, so these and the global ones (--token,
// --site...) came out shuffled together. On each flag, not the struct's
// `next_help_heading`: that one also takes the flags the command declares
// after this struct.
#[derive(Debug, Args, Clone)]
pub(crate) struct IndexArgs {
    /// The usage index file, kept between runs so that a rescan reads only
    /// what changed [default: webflow-assets/usage-<site>-<api>.json in the
    /// user's cache directory].
    #[arg(long, help_heading = HEADING, value_name = "FILE")]
    pub index: Option<PathBuf>,
    /// Read the published site at this origin (a staging domain) instead
    /// of the site's own domains. Pages behind the site's password are read
    /// when the environment variable WEBFLOW_SITE_PASSWORD holds it (never
    /// a flag: a command line is seen by every user of the machine).
    #[arg(long, help_heading = HEADING, value_name = "URL", conflicts_with = "no_published")]
    pub published: Option<url::Url>,
    /// Do not read the published site: style backgrounds, custom code and
    /// the head's images are then not seen.
    #[arg(long, help_heading = HEADING)]
    pub no_published: bool,
    /// Requests to the published site in flight at once.
    #[arg(long, help_heading = HEADING, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub crawl_concurrency: u16,
    /// Seconds one request to the published site may take.
    #[arg(long, help_heading = HEADING, value_name = "SECONDS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
    pub crawl_timeout: u64,
    /// Documents of the published site read at most (pages, style sheets,
    /// scripts); past it, the rest is a gap.
    #[arg(long, help_heading = HEADING, value_name = "N", default_value_t = 20_000)]
    pub crawl_max_documents: usize,
    /// Bytes the crawl may download in all; past it, the rest is a gap.
    #[arg(long, help_heading = HEADING, value_name = "BYTES", default_value_t = 1 << 30)]
    pub crawl_max_bytes: u64,
    /// Seconds the whole crawl may take; past it, the rest is a gap.
    #[arg(long, help_heading = HEADING, value_name = "SECONDS", default_value_t = 900, value_parser = clap::value_parser!(u64).range(1..))]
    pub crawl_max_time: u64,
}

impl Default for IndexArgs {
    fn default() -> Self {
        Self {
            index: None,
            published: None,
            no_published: false,
            crawl_concurrency: 8,
            crawl_timeout: 20,
            crawl_max_documents: 20_000,
            crawl_max_bytes: 1 << 30,
            crawl_max_time: 900,
        }
    }
}

impl IndexArgs {
    /// The scan's options these flags give.
    pub(crate) fn scan_options(&self) -> ScanOptions {
        let published = if self.no_published {
            PublishedOptions::off()
        } else {
            let mut p = PublishedOptions::default()
                .concurrency(usize::from(self.crawl_concurrency))
                .request_timeout(Duration::from_secs(self.crawl_timeout))
                .max_documents(self.crawl_max_documents)
                .max_bytes(self.crawl_max_bytes)
                .max_time(Duration::from_secs(self.crawl_max_time));
            if let Some(at) = &self.published {
                p = p.at(at.clone());
            }
            if let Some(password) = std::env::var(SITE_PASSWORD_ENV)
                .ok()
                .filter(|v| !v.is_empty())
            {
                p = p.password(SitePassword::new(password));
            }
            p
        };
        ScanOptions::default().published(published)
    }
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
    let progress = webflow_assets::usage::ScanProgress::new();
    let options = args.scan_options().progress(progress.clone());
    if !quiet {
        let published = match (&args.published, args.no_published) {
            (_, true) => " (not the published site: --no-published)".to_owned(),
            (Some(at), _) => format!(", and the published site at {at} (--published)"),
            (None, false) => ", and the published site".to_owned(),
        };
        eprintln!(
            "scanning where the site uses its assets (pages, components, CMS items{published})..."
        );
    }
    let bars = super::bars::ScanBars::start(client, &progress, !quiet);
    let scanned = client.scan_usage_with(site, previous, &options).await;
    bars.finish().await;
    let index = scanned?;
    if let Some(p) = &path
        && let Err(e) = index.save(p)
    {
        eprintln!(
            "warning: the usage index could not be kept ({}); the next scan reads everything again",
            hints::message(&e)
        );
    }
    if !quiet {
        let s = &index.summary;
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
        match &s.published_origin {
            Some(origin) => eprintln!(
                "read the published site at {origin} in {:.1} s: {} document(s), {} downloaded ({} bytes), {} unchanged (304)",
                s.published_millis as f64 / 1000.0,
                s.published,
                s.published_downloaded,
                s.published_bytes,
                s.published_not_modified
            ),
            None if args.no_published => {
                eprintln!("the published site was not read (--no-published)")
            }
            None => {}
        }
        utility_pages(&index);
    }
    Ok(index)
}

/// Which utility pages the crawl read, and the links that lead nowhere.
fn utility_pages(index: &UsageIndex) {
    let s = &index.summary;
    if !s.utility_pages.is_empty() {
        let read: Vec<String> = s
            .utility_pages
            .iter()
            .map(|u| format!("{} ({})", u.kind, u.url))
            .collect();
        eprintln!("read the site's utility pages: {}", read.join(", "));
    }
    if !s.broken_links.is_empty() {
        // A few, then a count: a site with a broken menu links every page.
        const SHOWN: usize = 5;
        let mut shown: Vec<&str> = s
            .broken_links
            .iter()
            .take(SHOWN)
            .map(String::as_str)
            .collect();
        let more = s.broken_links.len().saturating_sub(SHOWN);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        shown.dedup();
        eprintln!(
            "warning: {} link(s) of the published site lead to no page (404; what they show is the 404 page, read): {}{more}",
            s.broken_links.len(),
            shown.join(", ")
        );
    }
}

/// What the scan could not see, on stderr: what neither the API nor the
/// published site shows, and what only the published site shows when it
/// was not read.
pub(crate) fn blind_spots(index: &UsageIndex) {
    let read_published = index.summary.published_origin.is_some();
    eprintln!(
        "note: {}, so uses there are not found:",
        if read_published {
            "neither the API nor the published site shows these"
        } else {
            "the API does not show these (the published site was not read)"
        }
    );
    if !read_published {
        for spot in PUBLISHED_ONLY {
            eprintln!("  - {spot}");
        }
    }
    for spot in BLIND_SPOTS {
        eprintln!("  - {spot}");
    }
}

/// Each part the scan could not read, as an error line.
pub(crate) fn gaps(index: &UsageIndex) {
    gaps_as(index, "error");
}

/// [`gaps`] at another level (`warning` where nothing is deleted). Each
/// gap says what gets it read; none offers `--force`, which only skips the
/// check.
pub(crate) fn gaps_as(index: &UsageIndex, level: &str) {
    for gap in &index.gaps {
        eprintln!("{level}: {gap}; {}", gap_fix(gap));
    }
}

/// What gets a gap read.
pub(crate) fn gap_fix(gap: &webflow_assets::usage::Gap) -> String {
    if let Some(scope) = &gap.scope {
        return format!("use a token with {scope} as well (nothing there is taken for unused)");
    }
    match gap.kind {
        GapKind::Password => format!(
            "put the site's password in {SITE_PASSWORD_ENV} to read it (nothing there is taken for unused)"
        ),
        GapKind::Published => "scan again, read the published site at another origin (--published URL), or skip it (--no-published: its style backgrounds, custom code and head images are then not seen); nothing there is taken for unused".to_owned(),
        _ => "scan again (nothing there is taken for unused; what an earlier scan found there still counts)".to_owned(),
    }
}
