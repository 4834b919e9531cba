//! The state every connection of a sandbox shares: its configuration,
//! store, counters, fault dice, rate limiter, policy signer and S3 service.

use std::net::SocketAddr;
use std::path::PathBuf;

use s3s::auth::SimpleAuth;
use s3s::service::{S3Service, S3ServiceBuilder};

use crate::config::SandboxConfig;
use crate::faults::{Counter, Dice, RateLimiter};
use crate::post_policy::PolicySigner;
use crate::stats::Counters;
use crate::store::Store;

/// The S3 credentials inside the sandbox; never leave it.
const ACCESS_KEY: &str = "SANDBOXACCESSKEY";

const SECRET_KEY: &str = "sandbox-secret-key";

pub(crate) const REGION: &str = "us-east-1";

pub(crate) struct Shared {
    pub config: SandboxConfig,
    pub root: PathBuf,
    pub api_addr: SocketAddr,
    pub storage_addr: SocketAddr,
    pub published_addr: SocketAddr,
    pub stats: Counters,
    pub store: Store,
    /// Pages, components, collections: see `site.rs`.
    pub(super) site: std::sync::Mutex<crate::site::SiteModel>,
    /// Every accepted item update, in order.
    pub(super) item_updates: std::sync::Mutex<Vec<crate::site::ItemUpdateRecord>>,
    pub dice: Dice,
    pub limiter: RateLimiter,
    pub signer: PolicySigner,
    pub(super) s3: S3Service,
    pub(super) api_count: Counter,
    pub(super) storage_count: Counter,
}

impl Shared {
    pub fn new(
        config: SandboxConfig,
        root: PathBuf,
        api_addr: SocketAddr,
        storage_addr: SocketAddr,
        published_addr: SocketAddr,
    ) -> Self {
        let storage = crate::storage::FileStorage::new(root.clone());
        let mut builder = S3ServiceBuilder::new(storage);
        builder.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        Self {
            dice: Dice::new(config.seed),
            limiter: RateLimiter::new(config.rate_limit, config.rate_limit_window),
            signer: PolicySigner::new(ACCESS_KEY, SECRET_KEY, REGION),
            s3: builder.build(),
            api_count: Counter::default(),
            storage_count: Counter::default(),
            stats: Counters::default(),
            store: Default::default(),
            site: std::sync::Mutex::new(config.site.clone()),
            item_updates: Default::default(),
            config,
            root,
            api_addr,
            storage_addr,
            published_addr,
        }
    }

    /// Stores the site model's assets, as if uploaded.
    pub(super) fn seed_assets(&self) -> std::io::Result<()> {
        let site = self.config.site_id.clone();
        let now = chrono::Utc::now();
        for a in &self.config.site.assets {
            let key = format!("{site}/{}_{}", a.id, a.file_name);
            let path = self.root.join(crate::config::SANDBOX_BUCKET).join(&key);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let content = a.content.clone().unwrap_or_else(|| a.file_name.clone());
            std::fs::write(&path, content)?;
            self.store.add_asset(crate::store::AssetRecord {
                id: a.id.clone(),
                site: site.clone(),
                key,
                file_name: a.file_name.clone(),
                display_name: format!("{}_{}", a.id, a.file_name),
                alt_text: a.alt_text.clone(),
                content_type: webflow_assets::guess_content_type(&a.file_name)
                    .unwrap_or_else(|| "application/octet-stream".to_owned()),
                folder: None,
                created: now,
                updated: now,
            });
        }
        Ok(())
    }

    /// The site model, read.
    pub(super) fn site(&self) -> std::sync::MutexGuard<'_, crate::site::SiteModel> {
        self.site.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The site model, to change.
    pub(super) fn site_mut(&self) -> std::sync::MutexGuard<'_, crate::site::SiteModel> {
        self.site()
    }

    /// The scopes of a token the sandbox accepts: every scope for its main
    /// token, the listed ones for the others, `None` for an unknown token.
    pub(super) fn scopes_of(&self, token: &str) -> Option<Option<&[String]>> {
        if token == self.config.token {
            return Some(None);
        }
        self.config
            .scoped_tokens
            .get(token)
            .map(|s| Some(s.as_slice()))
    }
}
