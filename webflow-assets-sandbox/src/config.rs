//! How a sandbox behaves, and its fixed names.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::faults::Faults;
use crate::site::SiteModel;
use webflow_assets::Limits;

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
    /// Other tokens the API accepts, each with only the scopes listed
    /// (`cms:read`, `pages:read`, ...): a call outside them is answered
    /// 403 `missing_scopes`, as Webflow answers. The main token has every
    /// scope.
    pub scoped_tokens: BTreeMap<String, Vec<String>>,
    /// Whether Get Authorization Info (`/token/introspect`) answers
    /// (default true). Webflow documents it for Data Client Apps' tokens;
    /// false answers it 403, as for a token that may not call it, so that a
    /// client's other way to its scopes runs.
    pub introspection: bool,
    /// The site's pages, components, locales and collections (default:
    /// none), e.g. read with [`SiteModel::from_json`].
    pub site: SiteModel,
    /// Where the API listens; port 0 lets the OS pick (default 127.0.0.1:0).
    pub api_addr: SocketAddr,
    /// Where S3 listens (default 127.0.0.1:0).
    pub storage_addr: SocketAddr,
    /// Where the published site is served (default 127.0.0.1:0); Get Site
    /// names it as the site's custom domain.
    pub published_addr: SocketAddr,
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
            scoped_tokens: BTreeMap::new(),
            introspection: true,
            site: SiteModel::default(),
            api_addr: loopback,
            storage_addr: loopback,
            published_addr: loopback,
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
