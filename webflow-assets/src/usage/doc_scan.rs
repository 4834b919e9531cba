//! What a crawl keeps of each document of the published site (its uses,
//! the links it names, its validators for the next crawl's conditional
//! request), and the reader that makes it from the document's text.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use url::Url;

use super::published::{self, DocKind, SiteUrls};
use super::refs::Known;
use super::{Place, Use, sitemap};

/// What a crawl read, kept for the next one's conditional requests.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PublishedScan {
    /// The origin read (`https://www.example.com`).
    pub origin: Option<String>,
    /// Each document read, by URL.
    pub docs: BTreeMap<String, DocScan>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DocScan {
    pub kind: DocKind,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<Use>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<(String, DocKind)>,
}

/// What reads a document's text: the site's URLs and the known assets.
pub(crate) struct Reader {
    pub site: SiteUrls,
    pub known: Known,
}

impl Reader {
    /// A document's text: its uses and links, or why it is not what it
    /// claims (a sitemap that is not XML).
    pub(crate) fn read(
        &self,
        url: &Url,
        kind: DocKind,
        etag: Option<String>,
        last_modified: Option<String>,
        content_type: &str,
        body: &str,
    ) -> Result<DocScan, String> {
        let content_type = content_type.to_ascii_lowercase();
        // What the server says it is wins over what the link said (a
        // sitemap or robots.txt keeps its kind unless it is a page).
        let kind = if content_type.contains("html") {
            DocKind::Page
        } else if matches!(kind, DocKind::Sitemap | DocKind::Robots) {
            kind
        } else if content_type.contains("css") {
            DocKind::StyleSheet
        } else if content_type.contains("javascript") || content_type.contains("ecmascript") {
            DocKind::Script
        } else {
            kind
        };
        let read = match kind {
            DocKind::Page => published::read_page(body, url, &self.site, &self.known),
            DocKind::StyleSheet => published::read_style_sheet(body, url, &self.site, &self.known),
            DocKind::Script => published::read_script(body, &self.known),
            DocKind::Sitemap => sitemap::read_sitemap(body, url, &self.site)?,
            DocKind::Robots => sitemap::read_robots(body, url, &self.site),
        };
        let mut uses: Vec<Use> = read
            .uses
            .into_iter()
            .map(|(asset_id, how)| Use {
                asset_id,
                how,
                place: Place::Published { url: url.to_string() },
            })
            .collect();
        uses.sort_by(|a, b| (&a.asset_id, a.how).cmp(&(&b.asset_id, b.how)));
        uses.dedup();
        let mut links: Vec<(String, DocKind)> = read.links.into_iter().map(|(u, k)| (u.to_string(), k)).collect();
        links.dedup();
        Ok(DocScan {
            kind,
            etag,
            last_modified,
            uses,
            links,
        })
    }
}

