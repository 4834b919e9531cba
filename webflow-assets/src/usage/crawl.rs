//! The published site's part of the scan: each published page, and the
//! style sheets and scripts it links on the site's hosts or CDN, read as a
//! browser would get them, with conditional requests, so that a rescan of
//! an unchanged site downloads almost nothing (304s).
//!
//! Bounded and polite: a few requests in flight, a timeout per request, a
//! budget of documents, bytes and time; redirects only within the site; no
//! link followed off it. Whatever is not read (a site not published, a
//! password, a 4xx or 5xx, a budget run out) is a [`Gap`] naming it, so
//! that nothing there is taken for unused. No request carries the token.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use serde::{Deserialize, Serialize};
use url::Url;

use super::PublishedOptions;
use super::published::{self, DocKind, SiteUrls};
use super::progress::{Count, ScanProgress};
use super::refs::Known;
use super::{Gap, Place, Use};
use crate::types::Page;
use crate::error::Error;

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

/// What the crawl counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CrawlCounts {
    pub documents: usize,
    pub downloaded: usize,
    pub not_modified: usize,
    pub bytes: u64,
}

/// What the page list tells the crawl.
#[derive(Debug, Default)]
pub(crate) struct PublishedPages {
    /// Paths of the published static pages.
    pub paths: Vec<String>,
    /// Collections with a template page: each live item has a page.
    pub templates: BTreeSet<String>,
}

impl PublishedPages {
    /// Notes a page of the primary locale's list.
    pub(crate) fn note(&mut self, page: &Page) {
        if page.draft == Some(true) || page.archived == Some(true) {
            return;
        }
        if let Some(collection) = &page.collection_id {
            self.templates.insert(collection.clone());
            return;
        }
        let path = match (&page.published_path, &page.slug) {
            (Some(p), _) if !p.is_empty() => p.clone(),
            (_, Some(slug)) if slug == "index" || slug.is_empty() => "/".to_owned(),
            (_, Some(slug)) => format!("/{slug}"),
            (_, None) => return,
        };
        self.paths.push(path);
    }
}

/// Where to start: the origin, the site's other hosts, and the paths the
/// API lists (static pages, and one template page per live item).
pub(crate) struct Start {
    pub origin: Url,
    pub hosts: Vec<String>,
    pub site_id: String,
    pub paths: Vec<String>,
}

/// One answer.
enum Answer {
    Fresh {
        etag: Option<String>,
        last_modified: Option<String>,
        content_type: String,
        body: String,
    },
    NotModified,
    /// A redirect off the site: not followed, and nothing of the site there.
    OffSite(String),
    /// Why it could not be read.
    Unread(String),
}

pub(crate) struct Crawl<'a> {
    http: reqwest::Client,
    options: &'a PublishedOptions,
    site: SiteUrls,
    known: &'a Known,
    previous: &'a BTreeMap<String, DocScan>,
    progress: ScanProgress,
}

impl<'a> Crawl<'a> {
    /// A crawl with the client's TLS roots, user agent and connect
    /// timeout, and an HTTP client of its own: no default header, so the
    /// token never reaches the published site.
    pub(crate) fn new(
        config: &crate::config::ClientBuilder,
        options: &'a PublishedOptions,
        start: &Start,
        known: &'a Known,
        previous: &'a BTreeMap<String, DocScan>,
        progress: ScanProgress,
    ) -> Result<Self, Error> {
        let tls = crate::tls::client_config(&config.root_certificates)?;
        let site = SiteUrls {
            hosts: start.hosts.clone(),
            site_id: start.site_id.clone(),
        };
        let within = site.clone();
        // Redirects only within the site (its hosts, its CDN folder), and
        // not many: a redirect elsewhere is answered as it came.
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 {
                attempt.error("more than 5 redirects")
            } else if within.is_site_host(attempt.url()) || within.is_on_cdn(attempt.url()) {
                attempt.follow()
            } else {
                attempt.stop()
            }
        });
        let http = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout.min(options.request_timeout))
            .timeout(options.request_timeout)
            .redirect(policy)
            .tls_backend_preconfigured(tls)
            .build()
            .map_err(|e| {
                Error::config(
                    format!("cannot start the HTTP client for the published site: {e}"),
                    "check the TLS setup of this machine",
                )
            })?;
        Ok(Self {
            http,
            options,
            site,
            known,
            previous,
            progress,
        })
    }

    /// Reads the site from `start`: the documents read (or kept, for a
    /// 304), the gaps, the counts.
    pub(crate) async fn run(&self, start: &Start) -> (BTreeMap<String, DocScan>, Vec<Gap>, CrawlCounts) {
        let deadline = tokio::time::Instant::now() + self.options.max_time;
        let mut queue: VecDeque<(Url, DocKind)> = VecDeque::new();
        let mut seen = BTreeSet::new();
        for path in &start.paths {
            if let Ok(url) = start.origin.join(path) {
                push(&mut queue, &mut seen, url, DocKind::Page, &self.progress);
            }
        }
        let mut out = BTreeMap::new();
        let mut gaps = Vec::new();
        let mut counts = CrawlCounts::default();
        let mut over_budget: Option<String> = None;
        // Requests in flight when the time ran out.
        let mut cut_short = 0;
        let mut in_flight = FuturesUnordered::new();
        loop {
            while over_budget.is_none() && in_flight.len() < self.options.concurrency {
                let Some((url, kind)) = queue.pop_front() else { break };
                if counts.documents >= self.options.max_documents {
                    over_budget = Some(format!("its budget of {} documents", self.options.max_documents));
                    queue.push_front((url, kind));
                    break;
                }
                if counts.bytes >= self.options.max_bytes {
                    over_budget = Some(format!("its budget of {} bytes", self.options.max_bytes));
                    queue.push_front((url, kind));
                    break;
                }
                counts.documents += 1;
                in_flight.push(async move {
                    let answer = self.fetch(&url).await;
                    (url, kind, answer)
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
            let key = url.to_string();
            let doc = match answer {
                Answer::Fresh {
                    etag,
                    last_modified,
                    content_type,
                    body,
                } => {
                    counts.downloaded += 1;
                    counts.bytes += body.len() as u64;
                    Some(self.read(&url, kind, etag, last_modified, &content_type, &body))
                }
                Answer::NotModified => match self.previous.get(&key) {
                    Some(kept) => {
                        counts.not_modified += 1;
                        Some(kept.clone())
                    }
                    None => {
                        gaps.push(Gap::published(&key, "answered 304 Not Modified to a request that was not conditional"));
                        None
                    }
                },
                Answer::OffSite(to) => {
                    tracing::debug!(%url, %to, "redirects off the site: not followed");
                    None
                }
                Answer::Unread(why) => {
                    gaps.push(Gap::published(&key, &why));
                    // What an earlier crawl found there still counts.
                    self.previous.get(&key).cloned()
                }
            };
            if let Some(doc) = doc {
                for (link, kind) in &doc.links {
                    if let Ok(link) = Url::parse(link) {
                        push(&mut queue, &mut seen, link, *kind, &self.progress);
                    }
                }
                out.insert(key, doc);
            }
        }
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
        (out, gaps, counts)
    }

    async fn fetch(&self, url: &Url) -> Answer {
        let mut request = self.http.get(url.clone());
        if let Some(kept) = self.previous.get(url.as_str()) {
            if let Some(etag) = &kept.etag {
                request = request.header(reqwest::header::IF_NONE_MATCH, etag);
            }
            if let Some(lm) = &kept.last_modified {
                request = request.header(reqwest::header::IF_MODIFIED_SINCE, lm);
            }
        }
        let mut response = match request.send().await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => {
                return Answer::Unread(format!("no answer within {} s", self.options.request_timeout.as_secs_f32()));
            }
            Err(e) => return Answer::Unread(format!("cannot be fetched ({})", causes(&e))),
        };
        let status = response.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Answer::NotModified;
        }
        if status.is_redirection() {
            let to = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            return Answer::OffSite(to);
        }
        if status == reqwest::StatusCode::UNAUTHORIZED {
            return Answer::Unread("is password-protected (401)".to_owned());
        }
        if !status.is_success() {
            return Answer::Unread(format!("answered {status}"));
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let etag = header(reqwest::header::ETAG);
        let last_modified = header(reqwest::header::LAST_MODIFIED);
        let content_type = header(reqwest::header::CONTENT_TYPE).unwrap_or_default();
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if (body.len() + chunk.len()) as u64 > self.options.max_document_bytes {
                        return Answer::Unread(format!(
                            "is larger than the {} bytes one document may be",
                            self.options.max_document_bytes
                        ));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => {
                    return Answer::Unread(format!(
                        "was not read whole within {} s",
                        self.options.request_timeout.as_secs_f32()
                    ));
                }
                Err(e) => return Answer::Unread(format!("broke off ({})", causes(&e))),
            }
        }
        Answer::Fresh {
            etag,
            last_modified,
            content_type,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    fn read(
        &self,
        url: &Url,
        kind: DocKind,
        etag: Option<String>,
        last_modified: Option<String>,
        content_type: &str,
        body: &str,
    ) -> DocScan {
        let content_type = content_type.to_ascii_lowercase();
        // What the server says it is wins over what the link said.
        let kind = if content_type.contains("html") {
            DocKind::Page
        } else if content_type.contains("css") {
            DocKind::StyleSheet
        } else if content_type.contains("javascript") || content_type.contains("ecmascript") {
            DocKind::Script
        } else {
            kind
        };
        let read = match kind {
            DocKind::Page => published::read_page(body, url, &self.site, self.known),
            DocKind::StyleSheet => published::read_style_sheet(body, url, &self.site, self.known),
            DocKind::Script => published::read_script(body, self.known),
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
        DocScan {
            kind,
            etag,
            last_modified,
            uses,
            links,
        }
    }
}

fn push(
    queue: &mut VecDeque<(Url, DocKind)>,
    seen: &mut BTreeSet<String>,
    url: Url,
    kind: DocKind,
    progress: &ScanProgress,
) {
    if seen.insert(url.to_string()) {
        progress.add(Count::PublishedQueued, 1);
        queue.push_back((url, kind));
    }
}

/// An error and its sources, as one line (reqwest's own message names only
/// the outermost).
fn causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}
