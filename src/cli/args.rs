//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Upload files to a Webflow site's assets.
#[derive(Debug, Parser)]
#[command(name = "webflow-assets", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Log filter (e.g. `webflow_assets=debug`); `RUST_LOG` also works. Logs go to stderr.
    #[arg(long, global = true)]
    pub log: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Upload files and directories to a site (or to an embedded sandbox).
    Upload(UploadArgs),
    /// Print the MD5 of files as Webflow expects them (md5sum format).
    Hash(HashArgs),
    /// Print the JSON Schema of the request, response and error types.
    Schema,
    /// Run a local stand-in for Webflow + S3 until Ctrl-C.
    Sandbox(SandboxArgs),
}

#[derive(Debug, Args)]
pub(crate) struct UploadArgs {
    /// Files or directories (directories are walked; hidden files are skipped).
    #[arg(required = true, value_name = "FILES or DIRS")]
    pub paths: Vec<PathBuf>,

    /// The site id (24 hex characters); ignored with --sandbox.
    #[arg(long, env = "WEBFLOW_SITE_ID")]
    pub site: Option<String>,

    /// Asset folder id to upload into.
    #[arg(long)]
    pub folder: Option<String>,

    /// The asset's file name, instead of the file's own (one file only).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Uploads in flight at once (they share the token's rate limit).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,

    /// Print one JSON object per file on stdout, and no progress bars.
    #[arg(long)]
    pub json: bool,

    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,

    /// Only upload files whose path (relative to the directory given) matches
    /// this glob; may be repeated, e.g. `--include '*.png'`.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,

    /// API token [env: WEBFLOW_TOKEN]. Never printed. With --sandbox the
    /// environment's token is ignored; an explicit --token is an error.
    // Read from the environment by hand, not with clap's `env`: clap counts an
    // environment value as given, and `conflicts_with` would then refuse
    // `--sandbox` for anyone who exported WEBFLOW_TOKEN.
    #[arg(long, conflicts_with = "sandbox")]
    pub token: Option<String>,

    /// API root, for proxies (default https://api.webflow.com/v2); ignored
    /// with --sandbox.
    #[arg(long, env = "WEBFLOW_BASE_URL")]
    pub base_url: Option<String>,

    /// Upload to an embedded local sandbox of Webflow + S3: no account,
    /// token or site needed.
    #[arg(long)]
    pub sandbox: bool,

    /// Resume manifest (JSON lines), appended after each upload
    /// [default: .webflow-assets.jsonl; none with --sandbox].
    #[arg(long, value_name = "PATH")]
    pub manifest: Option<PathBuf>,

    /// Do not read or write a manifest.
    #[arg(long, conflicts_with = "manifest")]
    pub no_manifest: bool,

    /// Lift Webflow's size limits (4 MB images, 10 MB documents); with
    /// --sandbox, the sandbox's too.
    #[arg(long)]
    pub no_size_limits: bool,

    /// Download each uploaded file from its hosted URL and compare its MD5
    /// (always on with --sandbox).
    #[arg(long)]
    pub verify: bool,

    /// Also retry Create Asset Metadata after 500/502/504 and broken
    /// connections, at the risk of an orphan asset entry.
    #[arg(long)]
    pub retry_unsafe: bool,

    /// Attempts to reach a host that does not answer (DNS failure, refused
    /// connection, TLS handshake) before giving up on a file.
    #[arg(long, default_value_t = 3, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100))]
    pub connect_attempts: u32,

    /// Longest total wait, in seconds, between those attempts.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS", value_parser = seconds)]
    pub connect_wait: f64,
}

fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && (0.0..=3600.0).contains(&s) => Ok(s),
        _ => Err(format!(
            "{text:?} is not a number of seconds between 0 and 3600"
        )),
    }
}

#[derive(Debug, Args)]
pub(crate) struct HashArgs {
    /// Files to hash.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
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
    #[arg(long, default_value = webflow_assets::sandbox::SANDBOX_TOKEN)]
    pub token: String,
    /// Create calls allowed per minute before 429.
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
    /// Lift the size limits signed into upload policies.
    #[arg(long)]
    pub no_size_limits: bool,
    /// Seed of ids and injected failures, for replayable runs.
    #[arg(long)]
    pub seed: Option<u64>,
}
