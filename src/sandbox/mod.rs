//! A local stand-in for Webflow's Assets API, in the spirit of
//! stripe-mock: the eight operations served on loopback as the spec says,
//! stateful (what is created shows in lists, updates and deletes stick), and
//! a real S3 server (s3s-fs, in process) that enforces the SigV4
//! POST policy the sandbox signs for each upload.
//!
//! ```no_run
//! # async fn run() -> Result<(), webflow_assets::Error> {
//! use webflow_assets::sandbox::{Sandbox, SandboxConfig};
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
mod assets;
mod faults;
mod post_policy;
mod server;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub use assets::OperationStats;
pub use faults::Faults;
pub use post_policy::{PolicySigner, PostPolicy};

use crate::{Client, Error, Limits, RetryPolicy};

/// The sandbox's default token.
pub const SANDBOX_TOKEN: &str = "sandbox-token";
/// The sandbox's default site id (the one in Webflow's documentation).
pub const SANDBOX_SITE_ID: &str = "580e63e98c9a982ac9b8b741";
/// The bucket files are stored in.
pub const SANDBOX_BUCKET: &str = "webflow-sandbox";

/// How a sandbox behaves.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// The bearer token the API accepts (default [`SANDBOX_TOKEN`]).
    pub token: String,
    /// The one site that exists (default [`SANDBOX_SITE_ID`]).
    pub site_id: String,
    /// Where the API listens; port 0 lets the OS pick (default 127.0.0.1:0).
    pub api_addr: SocketAddr,
    /// Where S3 listens (default 127.0.0.1:0).
    pub storage_addr: SocketAddr,
    /// Storage directory; a temporary one, removed at shutdown, by default.
    pub storage_dir: Option<PathBuf>,
    /// API calls (every operation counts, as Webflow's limit does) allowed
    /// per window before 429 (default: no limit).
    pub rate_limit: Option<u32>,
    /// The rate-limit window: a minute, as Webflow's, by default; shorter in
    /// tests so that a 429's `Retry-After` is a second, not a minute.
    pub rate_limit_window: Duration,
    /// Failures and latency of the API calls (under `/v2`; the hosted files
    /// served beside them stand for the CDN, and fail apart).
    pub api_faults: Faults,
    /// Failures and latency of S3.
    pub storage_faults: Faults,
    /// Size limits signed into each policy (default: Webflow's).
    pub limits: Limits,
    /// How long each presigned POST stays valid (default 10 minutes).
    pub policy_ttl: Duration,
    /// Seed for ids and injected failures, for replayable runs.
    pub seed: Option<u64>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
        Self {
            token: SANDBOX_TOKEN.to_owned(),
            site_id: SANDBOX_SITE_ID.to_owned(),
            api_addr: loopback,
            storage_addr: loopback,
            storage_dir: None,
            rate_limit: None,
            rate_limit_window: Duration::from_secs(60),
            api_faults: Faults::default(),
            storage_faults: Faults::default(),
            limits: Limits::default(),
            policy_ttl: Duration::from_secs(600),
            seed: None,
        }
    }
}

/// Counters of what the sandbox saw.
#[derive(Debug, Default)]
pub struct Stats {
    /// Create Asset Metadata calls answered with 200.
    pub created: AtomicU64,
    /// Calls refused with 429.
    pub rate_limited: AtomicU64,
    /// Calls refused with 400 or 401 or 404.
    pub refused: AtomicU64,
    /// Injected 500s (API and S3).
    pub injected_errors: AtomicU64,
    /// Injected dropped connections (API and S3).
    pub injected_drops: AtomicU64,
    /// API calls carried out whose answer was replaced by a 500.
    pub injected_lost: AtomicU64,
    /// Requests that reached S3.
    pub storage_requests: AtomicU64,
    /// Calls answered, per operation (besides `created`).
    pub operations: OperationStats,
}

impl Stats {
    /// Reads a counter.
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }

    /// Every counter, by name (what `GET /_sandbox/stats` answers and
    /// `webflow-assets sandbox` prints on exit).
    pub fn to_json(&self) -> serde_json::Value {
        let o = &self.operations;
        serde_json::json!({
            "created": Self::get(&self.created),
            "rate_limited": Self::get(&self.rate_limited),
            "refused": Self::get(&self.refused),
            "injected_errors": Self::get(&self.injected_errors),
            "injected_drops": Self::get(&self.injected_drops),
            "injected_lost": Self::get(&self.injected_lost),
            "storage_requests": Self::get(&self.storage_requests),
            "listed": Self::get(&o.listed),
            "fetched": Self::get(&o.fetched),
            "updated": Self::get(&o.updated),
            "deleted": Self::get(&o.deleted),
            "folders_listed": Self::get(&o.folders_listed),
            "folders_created": Self::get(&o.folders_created),
            "folders_fetched": Self::get(&o.folders_fetched),
        })
    }
}

/// A running sandbox. Dropping it stops the servers; [`shutdown`](Self::shutdown)
/// waits for them.
pub struct Sandbox {
    shared: Arc<server::Shared>,
    api_addr: SocketAddr,
    storage_addr: SocketAddr,
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
        crate::validate::object_id("sandbox site id", &config.site_id)?;
        crate::config::Token::new(config.token.clone())?;
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
            tokio::net::TcpListener::bind(addr).await.map_err(|e| {
                Error::config(
                    format!("the sandbox cannot listen on {addr}: {e}"),
                    "pick another port, or port 0 to let the OS choose",
                )
            })
        };
        let api_listener = bind(config.api_addr).await?;
        let storage_listener = bind(config.storage_addr).await?;
        let api_addr = api_listener
            .local_addr()
            .map_err(|e| io("the API socket", e))?;
        let storage_addr = storage_listener
            .local_addr()
            .map_err(|e| io("the S3 socket", e))?;

        let shared = Arc::new(server::Shared::new(config, root, api_addr, storage_addr)?);
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
                stopped,
            )),
        ];
        tracing::info!(api = %api_addr, storage = %storage_addr, root = %shared.root.display(), "sandbox started");
        Ok(Self {
            shared,
            api_addr,
            storage_addr,
            stop,
            tasks,
            _temp: temp,
        })
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

    /// The counters.
    pub fn stats(&self) -> &Stats {
        &self.shared.stats
    }

    /// A client set up for this sandbox, with quick retries.
    pub fn client(&self) -> Result<Client, Error> {
        self.client_builder().build()
    }

    /// A client builder set up for this sandbox, to adjust before `build()`.
    pub fn client_builder(&self) -> crate::ClientBuilder {
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
