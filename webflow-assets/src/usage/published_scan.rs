//! Where the scan reads the published site: the origin (the first custom
//! domain, else `<short name>.webflow.io`, or the one asked for), the
//! site's hosts, and the paths the API lists (each published static page,
//! and one template page per live item); then the crawl, and what it found
//! kept in the index.

use url::Url;

use super::crawl::{Crawl, Start};
use super::doc_scan::PublishedScan;
use super::page_paths::PublishedPages;
use super::PublishedOptions;
use super::scan::Scan;
use super::{Gap, UsageIndex};
use crate::client::Client;
use crate::types::Site;

/// A domain as the site lists it: a bare host (Webflow's), or an origin
/// with its scheme (a stand-in's on plain HTTP).
fn origin_of(domain: &str) -> Option<Url> {
    let domain = domain.trim().trim_end_matches('/');
    if domain.is_empty() {
        return None;
    }
    if domain.contains("://") {
        Url::parse(domain).ok()
    } else {
        Url::parse(&format!("https://{domain}")).ok()
    }
}

impl Client {
    /// Reads the published site into `index` (its documents, its gaps).
    pub(super) async fn scan_published(
        &self,
        scan: &mut Scan,
        options: &PublishedOptions,
        site: Option<&Site>,
        pages: &PublishedPages,
        previous: &PublishedScan,
        index: &mut UsageIndex,
    ) {
        if !options.enabled {
            return;
        }
        let (origin, mut hosts) = match &options.at {
            Some(at) => (at.clone(), vec![]),
            None => {
                let Some(site) = site else {
                    scan.gaps.push(Gap::published(
                        "the published site",
                        "its domains are unknown: Get Site could not be read",
                    ));
                    return;
                };
                if site.last_published.is_none() {
                    scan.gaps.push(Gap::published(
                        "the published site",
                        "the site is not published (publish it, or read a staging domain instead)",
                    ));
                    return;
                }
                let mut domains: Vec<Url> = site
                    .custom_domains
                    .iter()
                    .flatten()
                    .filter_map(|d| d.url.as_deref().and_then(origin_of))
                    .collect();
                if let Some(short) = site.short_name.as_deref().filter(|s| !s.is_empty())
                    && let Some(url) = origin_of(&format!("{short}.webflow.io"))
                {
                    domains.push(url);
                }
                let Some(origin) = domains.first().cloned() else {
                    scan.gaps.push(Gap::published(
                        "the published site",
                        "the site has no domain (read a staging domain instead)",
                    ));
                    return;
                };
                let hosts = domains.iter().filter_map(super::published::SiteUrls::authority).collect();
                (origin, hosts)
            }
        };
        if let Some(own) = super::published::SiteUrls::authority(&origin)
            && !hosts.contains(&own)
        {
            hosts.push(own);
        }
        let mut paths = pages.paths.clone();
        for collection in &pages.templates {
            let Some(slug) = index.collections.get(collection).and_then(|c| c.slug.clone()) else {
                continue;
            };
            // Each locale's live list: each item is published at its
            // collection's folder, under the locale's subdirectory.
            for locale in &scan.locales {
                let prefix = locale
                    .subdirectory
                    .as_deref()
                    .map(|s| s.trim_matches('/'))
                    .filter(|s| !s.is_empty() && locale.id.is_some())
                    .map(|s| format!("/{s}"))
                    .unwrap_or_default();
                let cms = locale.cms_id.as_deref().filter(|_| locale.id.is_some()).unwrap_or("");
                if let Some(list) = index.item_lists.get(&format!("{collection}|{cms}|live")) {
                    paths.extend(
                        list.items
                            .values()
                            .filter_map(|i| i.slug.as_deref())
                            .map(|item| format!("{prefix}/{slug}/{item}")),
                    );
                }
            }
        }
        if paths.is_empty() {
            paths.push("/".to_owned());
        }
        let start = Start {
            origin: origin.clone(),
            hosts,
            site_id: scan.site_id.clone(),
            paths,
        };
        // Conditional requests only for what was read at the same origin.
        let none = PublishedScan::default();
        let previous_docs = match previous.origin.as_deref() {
            Some(o) if o == origin.as_str() => previous,
            _ => &none,
        };
        let crawl = match Crawl::new(
            &self.shared.config,
            options,
            &start,
            &scan.known,
            previous_docs,
            scan.progress.clone(),
        ) {
            Ok(c) => c,
            Err(e) => {
                scan.gaps.push(Gap::published("the published site", &e.to_string()));
                return;
            }
        };
        let started = std::time::Instant::now();
        let (read, gaps, counts) = crawl.run(&start).await;
        scan.summary.published_millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        scan.gaps.extend(gaps);
        scan.summary.published = counts.documents;
        scan.summary.published_downloaded = counts.downloaded;
        scan.summary.published_not_modified = counts.not_modified;
        scan.summary.published_bytes = counts.bytes;
        scan.summary.published_origin = Some(origin.to_string());
        scan.summary.utility_pages = counts.utility_pages;
        scan.summary.broken_links = counts.broken_links;
        index.published = read;
    }
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn a_domain_is_read_over_https_unless_it_names_its_scheme() {
        // Webflow's Get Site example lists bare hosts.
        assert_eq!(
            origin_of("hitchhikersguide.galaxy").map(|u| u.to_string()),
            Some("https://hitchhikersguide.galaxy/".to_owned())
        );
        assert_eq!(
            origin_of(" www.example.com/ ").map(|u| u.to_string()),
            Some("https://www.example.com/".to_owned())
        );
        // A stand-in's, with its scheme and port.
        assert_eq!(
            origin_of("http://127.0.0.1:8080").map(|u| u.to_string()),
            Some("http://127.0.0.1:8080/".to_owned())
        );
        assert_eq!(origin_of(""), None);
    }
}
