//! The published site's part of the scan: each published page (of every
//! locale, of the sitemap, or linked), and every style sheet and script a
//! page loads, read as a browser would get them, with conditional
//! requests, so that a rescan of an unchanged site downloads almost nothing
//! (304s).
//!
//! Bounded and polite: a few requests in flight, a timeout per request, a
//! budget of documents, bytes and time; page redirects only within the
//! site; no page followed off it. The bodies of Webflow's 404 and 401
//! answers are its 404 and password pages, read as pages; a missing path
//! is a broken link. Whatever is not read (a site not published, a page
//! behind the password, a 5xx, a body not understood, a budget run out) is
//! a [`Gap`] naming it, so that nothing there is taken for unused. No
//! request carries the token.

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::sync::Arc;

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use url::Url;

use super::doc_scan::{DocScan, Link, LinkTable, PublishedScan, Reader};
use super::fetch::{Answer, Fetcher};

mod utility;
use super::published::{DocKind, SiteUrls};
use super::{PublishedOptions, UtilityKind, UtilityPage};
use super::progress::{Count, ScanProgress};
use super::refs::Known;
use super::Gap;
use crate::error::Error;

/// What the crawl counted, and the utility pages and broken links it met.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct CrawlCounts {
    pub documents: usize,
    pub downloaded: usize,
    pub not_modified: usize,
    pub bytes: u64,
    pub utility_pages: Vec<UtilityPage>,
    pub broken_links: Vec<String>,
}

/// What a crawl has so far.
struct RunState {
    /// Every link named so far, the previous crawl's first.
    links: LinkTable,
    out: BTreeMap<String, DocScan>,
    gaps: Vec<Gap>,
    counts: CrawlCounts,
    /// The MD5 of each 404 page read at its own path: the same body that
    /// came with another 404 is not read again.
    utility_bodies: BTreeSet<String>,
    /// Utility pages' bodies that came with other answers, by kind and
    /// MD5: the first URL in order, its content type and body.
    set_aside: utility::SetAside,
}

/// Where to start: the origin, the site's other hosts, and the paths the
/// API lists (static pages, and one template page per live item).
pub(crate) struct Start {
    pub origin: Url,
    pub hosts: Vec<String>,
    pub site_id: String,
    pub paths: Vec<String>,
}

pub(crate) struct Crawl<'a> {
    fetcher: Fetcher,
    origin: Url,
    options: &'a PublishedOptions,
    site: SiteUrls,
    /// Shared with the blocking threads that parse the documents.
    reader: Arc<Reader>,
    previous: &'a BTreeMap<String, DocScan>,
    /// The links the previous crawl's documents name (by index).
    previous_links: &'a [Link],
    progress: ScanProgress,
}

/// An answer, with a document's text already read (on a blocking thread).
enum Got {
    Read {
        bytes: u64,
        doc: Result<(DocScan, Vec<Link>), String>,
    },
    Other(Answer),
}

impl<'a> Crawl<'a> {
    /// A crawl with the client's TLS roots, user agent and connect
    /// timeout, and HTTP clients of its own ([`Fetcher`]).
    pub(crate) fn new(
        config: &crate::config::ClientBuilder,
        options: &'a PublishedOptions,
        start: &Start,
        known: &Known,
        previous: &'a PublishedScan,
        progress: ScanProgress,
    ) -> Result<Self, Error> {
        let site = SiteUrls {
            hosts: start.hosts.clone(),
            site_id: start.site_id.clone(),
        };
        Ok(Self {
            fetcher: Fetcher::new(config, options, &site)?,
            origin: start.origin.clone(),
            options,
            reader: Arc::new(Reader {
                site: site.clone(),
                known: known.clone(),
            }),
            site,
            previous: &previous.docs,
            previous_links: &previous.links,
            progress,
        })
    }

    /// Reads the site from `start`: the documents read (or kept, for a
    /// 304), the gaps, the counts.
    pub(crate) async fn run(&self, start: &Start) -> (PublishedScan, Vec<Gap>, CrawlCounts) {
        let deadline = tokio::time::Instant::now() + self.options.max_time;
        let mut queue: VecDeque<(Url, DocKind)> = VecDeque::new();
        let mut seen = HashSet::new();
        // Links (by their index in the link table) already queued or
        // dropped: most links of a page were met on the page before.
        let mut met: Vec<bool> = Vec::new();
        for path in &start.paths {
            if let Ok(url) = start.origin.join(path) {
                push(&mut queue, &mut seen, url, DocKind::Page, &self.progress);
            }
        }
        // Every site's 404 page, and its own list of its pages.
        for (path, kind) in [
            ("/404", DocKind::Page),
            ("/robots.txt", DocKind::Robots),
            ("/sitemap.xml", DocKind::Sitemap),
        ] {
            if let Ok(url) = start.origin.join(path) {
                push(&mut queue, &mut seen, url, kind, &self.progress);
            }
        }
        let mut state = RunState {
            out: BTreeMap::new(),
            gaps: Vec::new(),
            counts: CrawlCounts::default(),
            utility_bodies: BTreeSet::new(),
            set_aside: BTreeMap::new(),
            links: LinkTable::from_previous(self.previous_links),
        };
        let mut over_budget: Option<String> = None;
        // Requests in flight when the time ran out.
        let mut cut_short = 0;
        let mut in_flight = FuturesUnordered::new();
        loop {
            while over_budget.is_none() && in_flight.len() < self.options.concurrency {
                let Some((url, kind)) = queue.pop_front() else { break };
                if state.counts.documents >= self.options.max_documents {
                    over_budget = Some(format!("its budget of {} documents", self.options.max_documents));
                    queue.push_front((url, kind));
                    break;
                }
                if state.counts.bytes >= self.options.max_bytes {
                    over_budget = Some(format!("its budget of {} bytes", self.options.max_bytes));
                    queue.push_front((url, kind));
                    break;
                }
                state.counts.documents += 1;
                in_flight.push(async move {
                    let kept = self.previous.get(url.as_str());
                    let answer = self
                        .fetcher
                        .fetch(
                            &url,
                            kind,
                            kept.and_then(|k| k.etag.as_deref()),
                            kept.and_then(|k| k.last_modified.as_deref()),
                        )
                        .await;
                    let got = self.parse(&url, kind, answer).await;
                    (url, kind, got)
                });
            }
            if in_flight.is_empty() {
                break;
            }
            let next = tokio::time::timeout_at(deadline, in_flight.next()).await;
            let Ok(Some((url, kind, answer))) = next else {
                if next.is_err() {
                    over_budget = Some(format!("its time budget of {} s", self.options.max_time.as_secs()));
                    cut_short = in_flight.len();
                }
                break;
            };
            self.progress.add(Count::PublishedRead, 1);
            let docs = match answer {
                Got::Read { bytes, doc } => {
                    state.counts.downloaded += 1;
                    state.counts.bytes += bytes;
                    self.settle_read(&url, doc, &mut state)
                }
                Got::Other(answer) => self.settle(&url, kind, answer, &mut state),
            };
            for (key, doc) in docs {
                for &id in &doc.links {
                    let id = id as usize;
                    // Most links were met already (every page links the
                    // menu's pages): neither a lookup nor a URL parse.
                    if met.get(id).copied().unwrap_or(false) {
                        continue;
                    }
                    if met.len() <= id {
                        met.resize(id + 1, false);
                    }
                    met[id] = true;
                    let Some((link, kind)) = state.links.list.get(id) else { continue };
                    if seen.contains(link.as_str()) {
                        continue;
                    }
                    if let Ok(link) = Url::parse(link) {
                        push(&mut queue, &mut seen, link, *kind, &self.progress);
                    }
                }
                state.out.insert(key, doc);
            }
        }
        for (key, doc) in self.set_aside(&mut state) {
            state.out.insert(key, doc);
        }
        let RunState {
            mut out,
            mut gaps,
            mut counts,
            links,
            ..
        } = state;
        if let Some(budget) = over_budget
            && queue.len() + cut_short > 0
        {
            gaps.push(Gap::published(
                &format!("{} more document(s) of the published site", queue.len() + cut_short),
                &format!("the crawl ran out of {budget} (raise it)"),
            ));
            // Their earlier finds still count.
            for (url, _) in queue {
                if let Some(kept) = self.previous.get(url.as_str()) {
                    out.entry(url.to_string()).or_insert_with(|| kept.clone());
                }
            }
        }
        // In a stable order, whichever answer came first.
        gaps.sort_by(|a, b| a.unchecked.cmp(&b.unchecked));
        counts.utility_pages.sort();
        counts.utility_pages.dedup();
        counts.broken_links.sort();
        let links = links.compact(&mut out);
        let scan = PublishedScan {
            origin: Some(self.origin.to_string()),
            docs: out,
            links,
        };
        (scan, gaps, counts)
    }

    /// Reads a document's text on a blocking thread, so that parsing runs
    /// beside the coordinating task (which keeps the requests going) on
    /// another core.
    async fn parse(&self, url: &Url, kind: DocKind, answer: Answer) -> Got {
        let Answer::Fresh {
            etag,
            last_modified,
            content_type,
            body,
        } = answer
        else {
            return Got::Other(answer);
        };
        let bytes = body.len() as u64;
        let reader = Arc::clone(&self.reader);
        let at = url.clone();
        let doc = tokio::task::spawn_blocking(move || reader.read(&at, kind, etag, last_modified, &content_type, &body))
            .await
            .unwrap_or_else(|e| Err(format!("could not be read (its reader stopped: {e})")));
        Got::Read { bytes, doc }
    }

    /// A document read (or not understood: a gap, with what an earlier
    /// crawl found there).
    fn settle_read(
        &self,
        url: &Url,
        doc: Result<(DocScan, Vec<Link>), String>,
        state: &mut RunState,
    ) -> Vec<(String, DocScan)> {
        let key = url.to_string();
        match doc {
            Ok((mut doc, links)) => {
                doc.links = links.into_iter().map(|(u, k)| state.links.intern(u, k)).collect();
                vec![(key, doc)]
            }
            Err(why) => {
                state.gaps.push(Gap::published(&key, &why));
                self.previous.get(&key).cloned().map(|kept| (key, kept)).into_iter().collect()
            }
        }
    }

    /// What one answer adds: the documents read (by key), and in `state`
    /// its gap, its bytes, a utility page or a broken link.
    fn settle(&self, url: &Url, kind: DocKind, answer: Answer, state: &mut RunState) -> Vec<(String, DocScan)> {
        let key = url.to_string();
        let kept = || self.previous.get(&key).cloned().map(|kept| (key.clone(), kept));
        match answer {
            Answer::Fresh {
                etag,
                last_modified,
                content_type,
                body,
            } => {
                state.counts.downloaded += 1;
                state.counts.bytes += body.len() as u64;
                let doc = self.reader.read(url, kind, etag, last_modified, &content_type, &body);
                self.settle_read(url, doc, state)
            }
            Answer::Missing { content_type, body } => {
                state.counts.downloaded += 1;
                state.counts.bytes += body.len() as u64;
                // Nothing there: a broken link, unless it is the 404 page's
                // own path (a locale's is under its subdirectory) or a file
                // a site need not have.
                let own = url.path().ends_with("/404");
                if !own && matches!(kind, DocKind::Page | DocKind::StyleSheet | DocKind::Script) {
                    state.counts.broken_links.push(key.clone());
                }
                // Off the site, a 404's body is another host's.
                if !self.site.is_site_host(url) {
                    return vec![];
                }
                self.utility(UtilityKind::NotFound, url, &content_type, &body, state)
            }
            Answer::Protected {
                content_type,
                body,
                refused,
            } => {
                state.counts.downloaded += 1;
                state.counts.bytes += body.len() as u64;
                let why = if refused {
                    "is password-protected (401), and the password given was not accepted"
                } else {
                    "is password-protected (401): give the site's password to read it"
                };
                state.gaps.push(Gap::password(&key, why));
                let mut docs = self.utility(UtilityKind::Password, url, &content_type, &body, state);
                // What an earlier crawl found behind it still counts.
                docs.extend(kept());
                docs
            }
            Answer::Opened {
                page,
                content_type,
                password_page,
            } => {
                state.counts.bytes += password_page.len() as u64;
                let mut docs = self.utility(UtilityKind::Password, url, &content_type, &password_page, state);
                docs.extend(self.settle(url, kind, *page, state));
                docs
            }
            Answer::NotModified => match kept() {
                Some(doc) => {
                    state.counts.not_modified += 1;
                    vec![doc]
                }
                None => {
                    state.gaps.push(Gap::published(
                        &key,
                        "answered 304 Not Modified to a request that was not conditional",
                    ));
                    vec![]
                }
            },
            Answer::OffSite(to) => {
                tracing::debug!(%url, %to, "redirects off the site: not followed");
                vec![]
            }
            Answer::Unread(why) => {
                state.gaps.push(Gap::published(&key, &why));
                // What an earlier crawl found there still counts.
                kept().into_iter().collect()
            }
        }
    }
}

fn push(
    queue: &mut VecDeque<(Url, DocKind)>,
    seen: &mut HashSet<String>,
    url: Url,
    kind: DocKind,
    progress: &ScanProgress,
) {
    if seen.insert(url.to_string()) {
        progress.add(Count::PublishedQueued, 1);
        queue.push_back((url, kind));
    }
}
