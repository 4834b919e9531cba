//! A local stand-in for Webflow's Assets API, in the spirit of
//! stripe-mock: the Assets API served on loopback as the spec says, with a
//! site to scan (locales, pages, components, CMS items staged and live:
//! [`SiteModel`], per-token scopes),
//! stateful (what is created shows in lists, updates and deletes stick), and
//! a real S3 server (s3s, in process, storing files on disk) that enforces
//! the SigV4 POST policy the sandbox signs for each upload.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use webflow_assets_sandbox::{Sandbox, SandboxConfig};
//! use webflow_assets::{UploadOptions, UploadSource};
//!
//! let sandbox = Sandbox::start(SandboxConfig::default()).await?;
//! let client = sandbox.client()?;
//! let asset = client
//!     .upload(sandbox.site_id(), UploadSource::Bytes(b"hello".to_vec().into()), UploadOptions::new().file_name("hello.txt"))
//!     .await?;
//! let hosted = reqwest::get(asset.hosted_url.unwrap()).await.unwrap().bytes().await.unwrap();
//! assert_eq!(&hosted[..], b"hello");
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```

mod api;
mod cms;
mod config;
mod content;
mod error;
mod faults;
mod handlers;
mod post_policy;
mod publish;
mod published_pages;
mod render;
mod requests;
mod respond;
mod server;
mod shared;
mod site;
mod stats;
mod storage;
mod store;
mod token;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub use config::{SANDBOX_BUCKET, SANDBOX_SITE_ID, SANDBOX_TOKEN, SandboxConfig};
pub use faults::Faults;
pub use site::{
    AssetModel, CollectionModel, ComponentModel, FieldModel, ItemModel, ItemUpdateRecord,
    LocaleModel, PRIMARY_CMS_LOCALE_ID, PRIMARY_LOCALE_ID, PageModel, PublishModel, SiteModel,
};
pub use stats::{OperationStats, Stats};

pub use error::Error;
use webflow_assets::{Client, RetryPolicy};

/// A running sandbox. Dropping it stops the servers; [`shutdown`](Self::shutdown)
/// waits for them.
pub struct Sandbox {
    shared: Arc<shared::Shared>,
    api_addr: SocketAddr,
    storage_addr: SocketAddr,
    published_addr: SocketAddr,
    stop: tokio::sync::watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    _temp: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url())
            .field("storage_url", &self.storage_url())
            .field("root", &self.shared.root)
            .finish()
    }
}

impl Sandbox {
    /// Starts the API and S3 servers on loopback.
    pub async fn start(config: SandboxConfig) -> Result<Self, Error> {
        webflow_assets::validate::object_id("sandbox site id", &config.site_id)?;
        webflow_assets::Token::new(config.token.clone())?;
        for token in config.scoped_tokens.keys() {
            webflow_assets::Token::new(token.clone())?;
        }
        config.site.check()?;
        let io = |what: &str, e: std::io::Error| Error::Io {
            path: what.to_owned(),
            source: e,
        };
        let (temp, root) = match &config.storage_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| io(&dir.display().to_string(), e))?;
                (None, dir.clone())
            }
            None => {
                let t = tempfile::Builder::new()
                    .prefix("webflow-sandbox-")
                    .tempdir()
                    .map_err(|e| io("a temporary directory", e))?;
                let p = t.path().to_owned();
                (Some(t), p)
            }
        };
        let bucket_dir = root.join(SANDBOX_BUCKET);
        std::fs::create_dir_all(&bucket_dir)
            .map_err(|e| io(&bucket_dir.display().to_string(), e))?;
        let root = root
            .canonicalize()
            .map_err(|e| io(&root.display().to_string(), e))?;

        let bind = |addr: SocketAddr| async move {
            // An I/O error, its kind kept: a port in use is told apart
            // (the CLI gives it an exit code of its own).
            tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|e| io(&format!("the address {addr}"), e))
        };
        let api_listener = bind(config.api_addr).await?;
        let storage_listener = bind(config.storage_addr).await?;
        let published_listener = bind(config.published_addr).await?;
        let api_addr = api_listener
            .local_addr()
            .map_err(|e| io("the API socket", e))?;
        let storage_addr = storage_listener
            .local_addr()
            .map_err(|e| io("the S3 socket", e))?;
        let published_addr = published_listener
            .local_addr()
            .map_err(|e| io("the published site's socket", e))?;

        let shared = Arc::new(shared::Shared::new(
            config,
            root,
            api_addr,
            storage_addr,
            published_addr,
        ));
        shared
            .seed_assets()
            .map_err(|e| io("the site file's assets", e))?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let tasks = vec![
            tokio::spawn(server::serve(
                api_listener,
                shared.clone(),
                server::Side::Api,
                stopped.clone(),
            )),
            tokio::spawn(server::serve(
                storage_listener,
                shared.clone(),
                server::Side::Storage,
                stopped.clone(),
            )),
            tokio::spawn(server::serve(
                published_listener,
                shared.clone(),
                server::Side::Published,
                stopped,
            )),
        ];
        tracing::info!(api = %api_addr, storage = %storage_addr, root = %shared.root.display(), "sandbox started");
        Ok(Self {
            shared,
            api_addr,
            storage_addr,
            published_addr,
            stop,
            tasks,
            _temp: temp,
        })
    }

    /// The published site's origin, `http://127.0.0.1:<port>`: Get Site
    /// names it as the site's custom domain, so a scan reads it by default.
    pub fn published_url(&self) -> String {
        format!("http://{}", self.published_addr)
    }

    /// The API root to give a client: `http://127.0.0.1:<port>/v2`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v2", self.api_addr)
    }

    /// The S3 endpoint.
    pub fn storage_url(&self) -> String {
        format!("http://{}", self.storage_addr)
    }

    /// The token the sandbox accepts.
    pub fn token(&self) -> &str {
        &self.shared.config.token
    }

    /// The site that exists.
    pub fn site_id(&self) -> &str {
        &self.shared.config.site_id
    }

    /// Where stored files live on disk.
    pub fn storage_root(&self) -> &Path {
        &self.shared.root
    }

    /// The file S3 stored under `key`.
    pub fn object_path(&self, key: &str) -> PathBuf {
        self.shared.root.join(SANDBOX_BUCKET).join(key)
    }

    /// A copy of the site's pages, components, locales and collections as
    /// they are now (item updates included).
    pub fn site(&self) -> SiteModel {
        self.shared.site().clone()
    }

    /// Changes the site, as an editor in the Designer would: a page whose
    /// nodes change gets a new `lastUpdated` (unless `edit` set one), and so
    /// does a new or edited CMS item; an item whose live data changes gets
    /// a new `lastPublished`.
    ///
    /// ```no_run
    /// # async fn run(sandbox: webflow_assets_sandbox::Sandbox) {
    /// sandbox.edit_site(|site| {
    ///     site.pages[0].nodes[0]["image"]["assetId"] = "659595234426a9fcbad57044".into();
    /// });
    /// # }
    /// ```
    pub fn edit_site(&self, edit: impl FnOnce(&mut SiteModel)) {
        let mut site = self.shared.site_mut();
        let before = site.clone();
        edit(&mut site);
        let now = chrono::Utc::now();
        for page in site.pages.iter_mut() {
            let old = before.pages.iter().find(|p| p.id == page.id);
            let changed =
                old.is_none_or(|o| o.nodes != page.nodes || o.localized != page.localized);
            if changed && old.is_some_and(|o| o.last_updated == page.last_updated) {
                page.last_updated = now.max(page.last_updated + chrono::Duration::milliseconds(1));
            }
        }
        // Items as Webflow stamps them: a new or edited item gets a new
        // lastUpdated, a newly published one a new lastPublished.
        for c in site.collections.iter_mut() {
            let old_c = before.collections.iter().find(|o| o.id == c.id);
            for item in c.items.iter_mut() {
                let old = old_c.and_then(|o| o.items.iter().find(|i| i.id == item.id));
                let later = |t: chrono::DateTime<chrono::Utc>| {
                    now.max(t + chrono::Duration::milliseconds(1))
                };
                if old.is_none_or(|o| {
                    o.field_data != item.field_data && o.last_updated == item.last_updated
                }) {
                    item.last_updated = later(item.last_updated);
                }
                if item.live.is_some()
                    && old.is_none_or(|o| {
                        o.live != item.live && o.last_published == item.last_published
                    })
                {
                    item.last_published = later(item.last_published);
                }
            }
        }
    }

    /// Every Update Items call carried out, in order, with its body.
    pub fn item_updates(&self) -> Vec<ItemUpdateRecord> {
        self.shared
            .item_updates
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The counters.
    pub fn stats(&self) -> Stats {
        self.shared.stats.snapshot()
    }

    /// A client set up for this sandbox, with quick retries.
    pub fn client(&self) -> Result<Client, webflow_assets::Error> {
        self.client_builder().build()
    }

    /// A client builder set up for this sandbox, to adjust before `build()`.
    pub fn client_builder(&self) -> webflow_assets::ClientBuilder {
        Client::builder()
            .token(self.token())
            .base_url(self.base_url())
            .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(50)))
    }

    /// Stops both servers and waits for them.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in self.tasks.drain(..) {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        for task in &self.tasks {
            task.abort();
        }
    }
}
