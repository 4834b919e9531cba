//! Webflow's utility pages in a crawl: the 404 page (the body of every
//! 404 answer) and the password page (the body of every 401), read as
//! pages and placed the same way every run.

use std::collections::BTreeMap;

use url::Url;

use super::{Crawl, RunState};
use crate::usage::doc_scan::DocScan;
use crate::usage::published::DocKind;
use crate::usage::{Gap, UtilityKind, UtilityPage};

impl Crawl<'_> {
    /// A utility page's body. The 404 page at its own path (`/404`, a
    /// locale's `/fr-fr/404`) is read at once, under that path. A body
    /// that came with another answer (a 404 for a missing path, the
    /// password page of a protected one) is set aside and read once the
    /// crawl ends ([`Self::set_aside`]), whichever answer came first, so
    /// that a rescan places its uses at the same URL.
    pub(super) fn utility(
        &self,
        kind: UtilityKind,
        url: &Url,
        content_type: &str,
        body: &str,
        state: &mut RunState,
    ) -> Vec<(String, DocScan)> {
        if !content_type.to_ascii_lowercase().contains("html") {
            return vec![];
        }
        let hash = crate::md5_hex(body.as_bytes());
        let own = kind == UtilityKind::NotFound && url.path().ends_with("/404");
        if !own {
            // The first URL in order keeps it.
            let slot = state.set_aside.entry((kind, hash)).or_insert_with(|| (url.clone(), String::new(), String::new()));
            if slot.1.is_empty() || url.as_str() < slot.0.as_str() {
                *slot = (url.clone(), content_type.to_owned(), body.to_owned());
            }
            return vec![];
        }
        state.utility_bodies.insert(hash);
        self.read_utility(kind, url.clone(), content_type, body, state)
    }

    /// What [`Self::utility`] set aside: the 404 bodies that differ from
    /// every 404 page read at its own path (under the first URL that
    /// answered each), and the password page (under `/401`).
    pub(super) fn set_aside(&self, state: &mut RunState) -> Vec<(String, DocScan)> {
        let mut docs = Vec::new();
        for ((kind, hash), (url, content_type, body)) in std::mem::take(&mut state.set_aside) {
            let at = match kind {
                UtilityKind::Password => self.origin.join("/401").unwrap_or(url),
                _ if state.utility_bodies.contains(&hash) => continue,
                _ => url,
            };
            if kind == UtilityKind::Password && docs.iter().any(|(k, _): &(String, DocScan)| *k == at.as_str()) {
                continue;
            }
            docs.extend(self.read_utility(kind, at, &content_type, &body, state));
        }
        docs
    }

    fn read_utility(
        &self,
        kind: UtilityKind,
        url: Url,
        content_type: &str,
        body: &str,
        state: &mut RunState,
    ) -> Vec<(String, DocScan)> {
        let key = url.to_string();
        state.counts.utility_pages.push(UtilityPage {
            kind,
            url: key.clone(),
        });
        // No validators: a utility page is asked for again each crawl.
        match self.reader.read(&url, DocKind::Page, None, None, content_type, body) {
            Ok((mut doc, links)) => {
                doc.links = links.into_iter().map(|(u, k)| state.links.intern(u, k)).collect();
                vec![(key, doc)]
            }
            Err(why) => {
                state.gaps.push(Gap::published(&key, &why));
                vec![]
            }
        }
    }
}

/// Bodies set aside, by kind and MD5: the first URL in order, its content
/// type and body.
pub(super) type SetAside = BTreeMap<(UtilityKind, String), (Url, String, String)>;
