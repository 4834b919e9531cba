//! How a scan reads the published site: where, how many requests at once,
//! and the budgets that bound it.

use std::time::Duration;

use url::Url;

/// How a scan reads the published site ([`ScanOptions::published`](super::ScanOptions)).
///
/// ```
/// use std::time::Duration;
/// use webflow_assets::usage::PublishedOptions;
///
/// let staging = PublishedOptions::default()
///     .at("https://my-site.webflow.io".parse().unwrap())
///     .concurrency(4)
///     .request_timeout(Duration::from_secs(5));
/// assert_eq!(staging.max_documents, 20_000);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct PublishedOptions {
    /// Whether the published site is read at all (default: yes).
    pub enabled: bool,
    /// Read this origin (a staging domain) instead of the site's own
    /// domains; the site's `lastPublished` is then not asked for.
    pub at: Option<Url>,
    /// Requests in flight at once (default 8).
    pub concurrency: usize,
    /// The longest one request may take, its body included (default 20 s).
    pub request_timeout: Duration,
    /// Documents read at most: pages, style sheets, scripts (default
    /// 20,000).
    pub max_documents: usize,
    /// Bytes downloaded at most (default 1 GiB).
    pub max_bytes: u64,
    /// The largest one document may be (default 16 MiB).
    pub max_document_bytes: u64,
    /// How long the whole crawl may take (default 15 minutes).
    pub max_time: Duration,
    /// The password of the site's password-protected pages: given, the
    /// crawl fills the password page's form with it (only on the site's
    /// own hosts) and reads the pages behind it; not given, each such page
    /// is a gap.
    pub password: Option<SitePassword>,
}

/// A password of the published site: never shown by `Debug`.
///
/// ```
/// use webflow_assets::usage::SitePassword;
///
/// let p = SitePassword::new("hunter2");
/// assert_eq!(format!("{p:?}"), "SitePassword(<redacted>)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SitePassword(String);

impl SitePassword {
    /// Wraps a password.
    pub fn new(password: impl Into<String>) -> Self {
        Self(password.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SitePassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SitePassword(<redacted>)")
    }
}

impl Default for PublishedOptions {
    fn default() -> Self {
        Self {
            enabled: true,
            at: None,
            concurrency: 8,
            request_timeout: Duration::from_secs(20),
            max_documents: 20_000,
            max_bytes: 1 << 30,
            max_document_bytes: 16 << 20,
            max_time: Duration::from_secs(15 * 60),
            password: None,
        }
    }
}

impl PublishedOptions {
    /// Options that skip the published site.
    pub fn off() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// Reads `origin` (a staging domain) instead of the site's domains.
    pub fn at(mut self, origin: Url) -> Self {
        self.at = Some(origin);
        self
    }

    /// Requests in flight at once (at least 1).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// The longest one request may take.
    pub fn request_timeout(mut self, t: Duration) -> Self {
        self.request_timeout = t;
        self
    }

    /// Documents read at most.
    pub fn max_documents(mut self, n: usize) -> Self {
        self.max_documents = n;
        self
    }

    /// Bytes downloaded at most.
    pub fn max_bytes(mut self, n: u64) -> Self {
        self.max_bytes = n;
        self
    }

    /// How long the whole crawl may take.
    pub fn max_time(mut self, t: Duration) -> Self {
        self.max_time = t;
        self
    }

    /// The password of the site's password-protected pages.
    pub fn password(mut self, password: SitePassword) -> Self {
        self.password = Some(password);
        self
    }
}
