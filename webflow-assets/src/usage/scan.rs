//! The scan: every read that shows where assets are used, reusing what the
//! previous index holds where the API says nothing changed. A read that
//! fails for one page, component or list is a [`Gap`] naming it, and the
//! scan goes on; only errors that no other read would escape (a refused
//! token, a broken connection, the rate limit outlasting the retries) stop
//! it.

use std::collections::{BTreeMap, BTreeSet};

use futures::{StreamExt, TryStreamExt};

use super::progress::{Count, ScanProgress};
use super::page_paths::PublishedPages;
use super::refs::Known;
use super::{ContentScan, Gap, Place, ScanOptions, ScanSummary, UsageIndex, Use, merge, values};
use crate::assets::ListOptions;
use crate::client::Client;
use crate::content::scope;
use crate::error::Error;
use crate::types::DomNode;
use crate::validate::Origin;

/// Content reads in flight at once (they share the client's rate gate).
const CONCURRENCY: usize = 4;

/// A locale: its id and CMS id, its tag, and the subdirectory its pages
/// are published under; `None` ids for the primary one.
#[derive(Clone, Debug)]
pub(super) struct Locale {
    pub id: Option<String>,
    pub cms_id: Option<String>,
    pub tag: Option<String>,
    pub subdirectory: Option<String>,
}

/// What one scan shares between its parts.
pub(super) struct Scan {
    pub site_id: String,
    pub known: Known,
    pub locales: Vec<Locale>,
    /// The assets whose CMS field values are kept for relinking (lower case).
    pub relinking: BTreeSet<String>,
    pub gaps: Vec<Gap>,
    pub summary: ScanSummary,
    /// What every locale's page list tells the crawl.
    pub pages: PublishedPages,
    pub progress: ScanProgress,
}

impl Scan {
    /// What a failed read means: `Ok` after noting a gap (or nothing, for a
    /// record deleted since it was listed), `Err` when the scan must stop.
    pub(super) fn failed(&mut self, e: Error, scope: &str, scope_hides: &str, place: String) -> Result<(), Error> {
        match e {
            Error::Forbidden(_) => {
                let gap = Gap::scope(scope, scope_hides);
                if !self.gaps.contains(&gap) {
                    self.gaps.push(gap);
                }
                Ok(())
            }
            Error::NotFound(_) => Ok(()),
            Error::Unauthorized(_)
            | Error::Config { .. }
            | Error::Transport { .. }
            | Error::Timeout { .. }
            | Error::RateLimited { .. } => Err(e),
            e => {
                self.gaps.push(Gap::unreadable(place, &e));
                Ok(())
            }
        }
    }
}

impl Client {
    /// Scans a site for where its assets are used: pages and components in
    /// every locale, CMS items staged and live, every field and every
    /// attribute and text of their HTML. `previous` (an empty
    /// [`UsageIndex::new`] the first time) saves calls: a page whose
    /// `lastUpdated` did not change and a collection whose schema did not
    /// are not read again, and of each item list only the items changed
    /// since are read (newest first, until the first one already read);
    /// components, which carry no change marker, are read every time.
    ///
    /// A 403 for a missing scope, and a page, component or list that cannot
    /// be read, do not fail the scan: each is named in [`UsageIndex::gaps`],
    /// so that nothing behind it is taken for unused
    /// ([`UsageIndex::check_complete`]). A refused token, a broken
    /// connection or the rate limit outlasting the retries do.
    pub async fn scan_usage(&self, site_id: &str, previous: UsageIndex) -> Result<UsageIndex, Error> {
        self.scan_usage_with(site_id, previous, &ScanOptions::default())
            .await
    }

    /// [`scan_usage`](Self::scan_usage) with `options`: how the published
    /// site is read (at its own domains by default, at a staging domain,
    /// or not at all), its concurrency and budgets.
    ///
    /// The published site shows what no read of the Data API does: style
    /// backgrounds, custom code, the favicon and Open Graph images. Each
    /// published page (every locale's, the sitemap's, and those linked),
    /// and the style sheets and scripts it loads from any host, is read
    /// with a conditional request, so that a rescan of an unchanged site
    /// downloads almost nothing. The 404 and password pages are read from
    /// the bodies of the 404 and 401 answers. A site that is not published,
    /// a page behind the password, a 5xx, a body not understood, or a
    /// budget run out is a gap, as an unreadable API read is.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), webflow_assets::Error> {
    /// use webflow_assets::usage::{PublishedOptions, ScanOptions};
    /// use webflow_assets::{Client, UsageIndex};
    ///
    /// let client = Client::from_env()?;
    /// let site = "580e63e98c9a982ac9b8b741";
    /// let options = ScanOptions::default()
    ///     .published(PublishedOptions::default().at("https://staging.example.com".parse().unwrap()));
    /// let index = client.scan_usage_with(site, UsageIndex::new(site), &options).await?;
    /// println!("{} published documents read", index.summary.published);
    /// # Ok(()) }
    /// ```
    pub async fn scan_usage_with(
        &self,
        site_id: &str,
        previous: UsageIndex,
        options: &ScanOptions,
    ) -> Result<UsageIndex, Error> {
        crate::validate::object_id("site id", site_id)?;
        let mut previous = if previous.site_id == site_id {
            previous
        } else {
            UsageIndex::new(site_id)
        };
        let mut index = UsageIndex::new(site_id);
        index.relinking = std::mem::take(&mut previous.relinking);

        // The assets, for URLs that name an asset by its hosted URL.
        let assets: Vec<_> = self
            .list_assets(site_id, ListOptions::new())
            .try_collect()
            .await?;
        index.assets = assets.into_iter().map(|a| (a.id, a.hosted_url)).collect();
        let mut scan = Scan {
            site_id: site_id.to_owned(),
            known: Known::new(index.assets.iter()),
            locales: vec![Locale {
                id: None,
                cms_id: None,
                tag: None,
                subdirectory: None,
            }],
            relinking: index.relinking.clone(),
            gaps: Vec::new(),
            summary: ScanSummary::default(),
            pages: PublishedPages::default(),
            progress: options.progress.clone(),
        };
        let mut site_info = None;
        match self.get_site(site_id).await {
            Ok(site) => {
                site_info = Some(site.clone());
                let secondary = site.locales.and_then(|l| l.secondary).unwrap_or_default();
                scan.locales.extend(
                    secondary
                        .into_iter()
                        .filter(|l| l.enabled != Some(false))
                        .map(|l| Locale {
                            id: Some(l.id),
                            cms_id: l.cms_locale_id,
                            tag: l.tag.or(l.display_name),
                            subdirectory: l.subdirectory,
                        }),
                );
            }
            Err(e) => scan.failed(
                e,
                scope::SITES_READ,
                "secondary locales (their pages, components and CMS items)",
                format!("site {site_id}"),
            )?,
        }

        index.pages = self.scan_pages(&mut scan, &previous).await?;
        index.components = self.scan_components(&mut scan, &previous).await?;
        self.scan_cms(&mut scan, &mut previous, &mut index).await?;
        let pages = std::mem::take(&mut scan.pages);
        self.scan_published(
            &mut scan,
            &options.published,
            site_info.as_ref(),
            &pages,
            &previous.published,
            &mut index,
        )
        .await;
        index.gaps = scan.gaps;
        index.summary = scan.summary;
        index.found = merge::merged(&index);
        index.scanned_at = Some(chrono::Utc::now());
        Ok(index)
    }

    async fn scan_pages(&self, scan: &mut Scan, previous: &UsageIndex) -> Result<BTreeMap<String, ContentScan>, Error> {
        let mut out = BTreeMap::new();
        for locale in scan.locales.clone() {
            let listed: Result<Vec<_>, _> = self
                .list_pages(scan.site_id.clone(), locale.id.clone())
                .try_collect()
                .await;
            let pages = match listed {
                Ok(p) => p,
                Err(e) => {
                    // What the previous scan read of them stands (as a use,
                    // never as "unused") until they can be read again.
                    keep_locale(&mut out, &previous.pages, &locale);
                    let place = format!("the pages of locale {}", locale.tag.as_deref().unwrap_or("(primary)"));
                    scan.failed(e, scope::PAGES_READ, "static pages", place)?;
                    continue;
                }
            };
            let mut stale = Vec::new();
            scan.summary.pages += pages.len();
            for page in pages {
                scan.pages.note(&page, locale.subdirectory.as_deref());
                let key = content_key(&page.id, &locale);
                let stamp = page.last_updated.map(|t| t.to_rfc3339());
                match previous.pages.get(&key) {
                    Some(kept) if stamp.is_some() && kept.last_updated == stamp => {
                        // Unchanged: its uses stand (title and slug renewed).
                        let mut kept = kept.clone();
                        for u in &mut kept.uses {
                            if let Place::Page { title, slug, .. } = &mut u.place {
                                title.clone_from(&page.title);
                                slug.clone_from(&page.slug);
                            }
                        }
                        out.insert(key, kept);
                    }
                    _ => stale.push((key, page, stamp)),
                }
            }
            let known = &scan.known;
            scan.progress.add(Count::PagesToRead, stale.len());
            let progress = &scan.progress;
            let reads = futures::stream::iter(stale.into_iter().map(|(key, page, stamp)| {
                let locale = locale.clone();
                async move {
                    let nodes = self.page_content_from(Origin::Returned, page.id.clone(), locale.id.clone());
                    let uses = content_uses(nodes, known, |node_id| Place::Page {
                        page_id: page.id.clone(),
                        title: page.title.clone(),
                        slug: page.slug.clone(),
                        node_id,
                        locale: locale.tag.clone(),
                    })
                    .await;
                    progress.add(Count::PagesRead, 1);
                    (key, page.id, stamp, uses)
                }
            }))
            .buffer_unordered(CONCURRENCY)
            .collect::<Vec<_>>()
            .await;
            for (key, page_id, stamp, uses) in reads {
                match uses {
                    Ok(uses) => {
                        scan.summary.pages_read += 1;
                        out.insert(key, ContentScan { last_updated: stamp, uses });
                    }
                    Err(e) => {
                        if let Some(kept) = previous.pages.get(&key) {
                            // Kept with its old stamp: read again next time.
                            out.insert(key, kept.clone());
                        }
                        let place = format!("page {page_id}{}", in_locale(&locale));
                        scan.failed(e, scope::PAGES_READ, "static pages", place)?;
                    }
                }
            }
        }
        Ok(out)
    }

    async fn scan_components(
        &self,
        scan: &mut Scan,
        previous: &UsageIndex,
    ) -> Result<BTreeMap<String, ContentScan>, Error> {
        let components: Vec<_> = match self.list_components(scan.site_id.clone()).try_collect().await {
            Ok(c) => c,
            Err(e) => {
                scan.failed(e, scope::COMPONENTS_READ, "components", "the components".to_owned())?;
                return Ok(previous.components.clone());
            }
        };
        let (known, site_id) = (&scan.known, scan.site_id.as_str());
        scan.progress.add(Count::ComponentsToRead, components.len() * scan.locales.len());
        let progress = &scan.progress;
        let jobs = components.iter().flat_map(|c| {
            scan.locales.iter().map(move |locale| {
                let locale = locale.clone();
                async move {
                    let nodes = self.component_content(site_id, &c.id, locale.id.clone());
                    let uses = content_uses(nodes, known, |node_id| Place::Component {
                        component_id: c.id.clone(),
                        name: c.name.clone(),
                        node_id,
                        locale: locale.tag.clone(),
                    })
                    .await;
                    progress.add(Count::ComponentsRead, 1);
                    (c.id.clone(), locale, uses)
                }
            })
        });
        let reads: Vec<_> = futures::stream::iter(jobs).buffer_unordered(CONCURRENCY).collect().await;
        let mut out = BTreeMap::new();
        for (id, locale, uses) in reads {
            let key = content_key(&id, &locale);
            match uses {
                Ok(uses) => {
                    scan.summary.components += 1;
                    out.insert(key, ContentScan { last_updated: None, uses });
                }
                Err(e) => {
                    if let Some(kept) = previous.components.get(&key) {
                        out.insert(key, kept.clone());
                    }
                    let place = format!("component {id}{}", in_locale(&locale));
                    scan.failed(e, scope::COMPONENTS_READ, "components", place)?;
                }
            }
        }
        Ok(out)
    }
}

/// The uses of a page's or component's nodes, each placed by `place` (given
/// the node id). A content deleted between its listing and now has none.
async fn content_uses(
    nodes: impl futures::Stream<Item = Result<DomNode, Error>>,
    known: &Known,
    place: impl Fn(String) -> Place,
) -> Result<Vec<Use>, Error> {
    let nodes: Vec<DomNode> = match nodes.try_collect().await {
        Ok(n) => n,
        Err(Error::NotFound(_)) => vec![],
        Err(e) => return Err(e),
    };
    Ok(nodes
        .iter()
        .flat_map(|node| {
            values::node_uses(node, known)
                .into_iter()
                .map(|(asset_id, how)| Use {
                    asset_id,
                    how,
                    place: place(node.id.clone()),
                })
        })
        .collect())
}

/// The previous scan's contents of one locale, kept while it cannot be read.
fn keep_locale(out: &mut BTreeMap<String, ContentScan>, previous: &BTreeMap<String, ContentScan>, locale: &Locale) {
    let suffix = format!("|{}", locale.id.as_deref().unwrap_or(""));
    out.extend(
        previous
            .iter()
            .filter(|(k, _)| k.ends_with(&suffix))
            .map(|(k, v)| (k.clone(), v.clone())),
    );
}

pub(super) fn in_locale(locale: &Locale) -> String {
    locale.tag.as_deref().map(|t| format!(" [{t}]")).unwrap_or_default()
}

fn content_key(id: &str, locale: &Locale) -> String {
    format!("{id}|{}", locale.id.as_deref().unwrap_or(""))
}
