//! What a crawl keeps of each document of the published site (its uses,
//! the links it names, its validators for the next crawl's conditional
//! request), and the reader that makes it from the document's text.

use std::collections::{BTreeMap, HashMap};

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
    /// Every link the documents name, once: a document's `links` are
    /// indexes into it (every page of a site links the menu's pages: kept
    /// once, not once a page).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<(String, DocKind)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DocScan {
    pub kind: DocKind,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<Use>,
    /// Indexes into [`PublishedScan::links`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<u32>,
}

/// A link a document names, and what it is read as.
pub(crate) type Link = (String, DocKind);

/// The links of a crawl, each once, by index.
#[derive(Default)]
pub(crate) struct LinkTable {
    pub list: Vec<Link>,
    ids: HashMap<String, u32>,
}

impl LinkTable {
    /// A table that goes on from `previous` (whose indexes stay valid).
    pub(crate) fn from_previous(previous: &[Link]) -> Self {
        let mut table = Self::default();
        for (url, kind) in previous {
            table.intern(url.clone(), *kind);
        }
        table
    }

    pub(crate) fn intern(&mut self, url: String, kind: DocKind) -> u32 {
        if let Some(&id) = self.ids.get(&url) {
            return id;
        }
        // More than 4 billion links: past any crawl budget (20,000 documents).
        let id = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
        self.ids.insert(url.clone(), id);
        self.list.push((url, kind));
        id
    }

    /// Only the links `docs` name, renumbered in `docs`.
    pub(crate) fn compact(self, docs: &mut BTreeMap<String, DocScan>) -> Vec<Link> {
        let mut new_ids: HashMap<u32, u32> = HashMap::new();
        let mut list = Vec::new();
        for doc in docs.values_mut() {
            for id in &mut doc.links {
                let Some(link) = self.list.get(*id as usize) else { continue };
                *id = *new_ids.entry(*id).or_insert_with(|| {
                    list.push(link.clone());
                    u32::try_from(list.len() - 1).unwrap_or(u32::MAX)
                });
            }
        }
        list
    }
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
    ) -> Result<(DocScan, Vec<Link>), String> {
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
        let mut links: Vec<Link> = read.links.into_iter().map(|(u, k)| (u.to_string(), k)).collect();
        links.dedup();
        let doc = DocScan {
            kind,
            etag,
            last_modified,
            uses,
            links: Vec::new(),
        };
        Ok((doc, links))
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    fn doc(links: Vec<u32>) -> DocScan {
        DocScan {
            kind: DocKind::Page,
            etag: None,
            last_modified: None,
            uses: vec![],
            links,
        }
    }

    #[test]
    fn a_link_table_keeps_each_link_once_and_only_those_named() {
        let previous = [
            ("https://a/gone".to_owned(), DocKind::Page),
            ("https://a/kept".to_owned(), DocKind::Page),
        ];
        let mut table = LinkTable::from_previous(&previous);
        // A kept document's indexes stay valid; a new one's are interned.
        let kept = doc(vec![1]);
        let css = table.intern("https://a/x.css".to_owned(), DocKind::StyleSheet);
        let again = table.intern("https://a/kept".to_owned(), DocKind::Page);
        assert_eq!((css, again), (2, 1));
        let mut docs = BTreeMap::from([("k".to_owned(), kept), ("n".to_owned(), doc(vec![2, 1]))]);
        let list = table.compact(&mut docs);
        assert_eq!(
            list,
            [
                ("https://a/kept".to_owned(), DocKind::Page),
                ("https://a/x.css".to_owned(), DocKind::StyleSheet)
            ]
        );
        assert_eq!(docs["k"].links, [0]);
        assert_eq!(docs["n"].links, [1, 0]);
    }
}
