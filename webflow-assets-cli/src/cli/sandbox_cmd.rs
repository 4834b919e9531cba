//! `webflow-assets sandbox`: a local Webflow + S3 until Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use webflow_assets::Limits;
use webflow_assets_sandbox::{Faults, Sandbox, SandboxConfig, SiteModel};

use super::{EXIT_OK, Usage};

pub(crate) async fn run(args: SandboxArgs) -> Result<u8, Usage> {
    for (name, rate) in [
        ("--error-rate", args.error_rate),
        ("--drop-rate", args.drop_rate),
        ("--lost-answer-rate", args.lost_answer_rate),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            return Err(Usage(format!(
                "{name} {rate} is not a share between 0 and 1"
            )));
        }
    }
    let site = match &args.site {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Usage(format!("cannot read the site file {}: {e}", path.display())))?;
            SiteModel::from_json(&text).map_err(|e| {
                Usage(format!(
                    "{}: {}",
                    path.display(),
                    super::hints::sandbox_message(&e)
                ))
            })?
        }
        None => SiteModel::default(),
    };
    let mut scoped_tokens = std::collections::BTreeMap::new();
    for spec in &args.scoped_token {
        let Some((token, scopes)) = spec.split_once('=') else {
            return Err(Usage(format!(
                "--scoped-token {spec:?}: write it TOKEN=SCOPE,SCOPE (e.g. reader=assets:read,pages:read)"
            )));
        };
        let scopes: Vec<String> = scopes
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        scoped_tokens.insert(token.to_owned(), scopes);
    }
    let config = SandboxConfig {
        site,
        scoped_tokens,
        token: args.token,
        api_addr: SocketAddr::from(([127, 0, 0, 1], args.port)),
        storage_addr: SocketAddr::from(([127, 0, 0, 1], args.storage_port)),
        storage_dir: args.dir,
        rate_limit: args.rate_limit,
        api_faults: Faults {
            error_rate: args.error_rate,
            drop_rate: args.drop_rate,
            lost_answer_rate: args.lost_answer_rate,
            latency: Duration::from_millis(args.latency_ms),
            ..Faults::default()
        },
        storage_faults: Faults {
            latency: Duration::from_millis(args.storage_latency_ms),
            ..Faults::default()
        },
        limits: if args.no_size_limits {
            Limits::unlimited()
        } else {
            Limits::default()
        },
        seed: args.seed,
        ..SandboxConfig::default()
    };
    let sandbox = match Sandbox::start(config).await {
        Ok(s) => s,
        Err(webflow_assets_sandbox::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::AddrInUse =>
        {
            eprintln!(
                "error: a port the sandbox was to listen on is in use ({source}); choose another with --port or --storage-port, or 0 to let the system pick"
            );
            return Ok(super::EXIT_PORT_IN_USE);
        }
        Err(e) => return Err(Usage(super::hints::sandbox_message(&e))),
    };
    println!("Webflow sandbox running (Ctrl-C to stop)");
    println!("  base URL: {}", sandbox.base_url());
    println!("  token:    {}", sandbox.token());
    println!("  site id:  {}", sandbox.site_id());
    println!("  S3:       {}", sandbox.storage_url());
    println!("  published site: {}", sandbox.published_url());
    println!("  storage:  {}", sandbox.storage_root().display());
    println!(
        "try: WEBFLOW_TOKEN={} webflow-assets upload --base-url {} --site {} FILE",
        sandbox.token(),
        sandbox.base_url(),
        sandbox.site_id()
    );
    let _ = tokio::signal::ctrl_c().await;
    let stats = sandbox.stats();
    // On stdout, for scripts (benches/compare.sh counts duplicates with it).
    println!("{}", stats.to_json());
    sandbox.shutdown().await;
    eprintln!("sandbox stopped");
    Ok(EXIT_OK)
}

#[derive(Debug, Args)]
pub(crate) struct SandboxArgs {
    /// Port of the API (0: the OS picks).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Port of S3 (0: the OS picks).
    #[arg(long, default_value_t = 0)]
    pub storage_port: u16,
    /// Storage directory (default: a temporary one, removed on exit).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Token to accept.
    #[arg(long, default_value = webflow_assets_sandbox::SANDBOX_TOKEN)]
    pub token: String,
    /// API calls (every operation counts, as Webflow's limit does) allowed
    /// per minute before 429.
    #[arg(long)]
    pub rate_limit: Option<u32>,
    /// Latency added to every API request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Latency added to every S3 request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub storage_latency_ms: u64,
    /// Share (0-1) of API requests answered with 500.
    #[arg(long, default_value_t = 0.0)]
    pub error_rate: f64,
    /// Share (0-1) of API requests whose connection is dropped.
    #[arg(long, default_value_t = 0.0)]
    pub drop_rate: f64,
    /// Share (0-1) of API requests carried out, then answered with 500 (the
    /// answer lost: a create that did create).
    #[arg(long, default_value_t = 0.0)]
    pub lost_answer_rate: f64,
    /// Lift the size limits signed into upload policies.
    #[arg(long)]
    pub no_size_limits: bool,
    /// Seed of ids and injected failures, for replayable runs.
    #[arg(long)]
    pub seed: Option<u64>,
    /// A site to serve: assets, locales, pages and components with their
    /// content, collections with staged and live items (JSON; see the
    /// README's sandbox section).
    #[arg(long, value_name = "FILE")]
    pub site: Option<PathBuf>,
    /// Another token, with only the scopes listed: TOKEN=SCOPE,SCOPE
    /// (repeatable). Calls outside them get 403 missing_scopes.
    #[arg(long, value_name = "TOKEN=SCOPES")]
    pub scoped_token: Vec<String>,
}
