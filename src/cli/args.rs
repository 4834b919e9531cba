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
    /// List, inspect, update and delete a site's assets.
    Assets(AssetsArgs),
    /// List, create and inspect a site's asset folders.
    Folders(FoldersArgs),
    /// For maintainers: compare openapi/ with Webflow's published spec.
    Drift(super::drift::DriftArgs),
    /// Mirror a folder tree into a site's assets: new and changed files go
    /// up, folders match directories, nothing goes up twice.
    Sync(super::sync::SyncArgs),
}

/// Where and as whom: the same flags as `upload` (without its sandbox).
#[derive(Debug, Args, Clone)]
pub(crate) struct ApiArgs {
    /// API token [env: WEBFLOW_TOKEN]. Never printed.
    #[arg(long, global = true)]
    pub token: Option<String>,

    /// The site id (24 hexadecimal characters).
    #[arg(long, env = "WEBFLOW_SITE_ID", global = true)]
    pub site: Option<String>,

    /// API root (default https://api.webflow.com/v2), e.g. a running
    /// `webflow-assets sandbox`'s.
    #[arg(long, env = "WEBFLOW_BASE_URL", global = true)]
    pub base_url: Option<String>,

    /// Print JSON (one object per line) instead of text.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct AssetsArgs {
    #[command(subcommand)]
    pub command: AssetsCommand,
    #[command(flatten)]
    pub api: ApiArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum AssetsCommand {
    /// List the site's assets (a table on a terminal; --json for scripts).
    List(ListArgs),
    /// Show one asset.
    Get {
        /// The asset id.
        id: String,
    },
    /// Change an asset's alt text or display name.
    Update {
        /// The asset id.
        id: String,
        /// New alt text ("" clears it).
        #[arg(long)]
        alt_text: Option<String>,
        /// New display name.
        #[arg(long)]
        display_name: Option<String>,
        /// Print the request instead of sending it.
        #[arg(long)]
        dry_run: bool,
    },
    /// Delete assets (asks first on a terminal unless --yes).
    Delete {
        /// The asset ids.
        #[arg(required = true)]
        ids: Vec<String>,
        /// Delete without asking (required when not on a terminal).
        #[arg(long, short)]
        yes: bool,
    },
}

/// Which columns `assets list` shows, and in which order.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Only the assets of this folder and the folders below it.
    #[arg(long)]
    pub folder: Option<String>,
    /// Columns to show, comma-separated: id, name, size, type, folder, alt,
    /// created, updated, url [default: id,name,size,type,folder,alt].
    #[arg(long, value_delimiter = ',')]
    pub fields: Vec<String>,
    /// Sort by name, size, type, created or updated (default: as listed).
    #[arg(long, value_parser = ["name", "size", "type", "created", "updated"])]
    pub sort_by: Option<String>,
    /// Sort order.
    #[arg(long, default_value = "asc", value_parser = ["asc", "desc"])]
    pub order: String,
    /// Show at most this many assets (default: all, fetched 100 a page).
    #[arg(long)]
    pub limit: Option<u64>,
    /// Skip this many assets first.
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
}

#[derive(Debug, Args)]
pub(crate) struct FoldersArgs {
    #[command(subcommand)]
    pub command: FoldersCommand,
    #[command(flatten)]
    pub api: ApiArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum FoldersCommand {
    /// List the site's asset folders.
    List,
    /// Create an asset folder.
    Create {
        /// Its name.
        name: String,
        /// The folder to create it in (default: the root).
        #[arg(long)]
        parent: Option<String>,
        /// Print the request instead of sending it.
        #[arg(long)]
        dry_run: bool,
    },
    /// Show one asset folder.
    Get {
        /// The folder id.
        id: String,
    },
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

    /// Alt text for the uploaded assets (set with one call after each upload).
    #[arg(long, value_name = "TEXT")]
    pub alt_text: Option<String>,

    /// Display name for the uploaded asset (one file only).
    #[arg(long, value_name = "NAME")]
    pub display_name: Option<String>,

    /// Check and hash the files and print what would be uploaded; send nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Keep an asset entry whose file could not be stored (by default it is
    /// deleted, so that no broken asset stays in the site).
    #[arg(long)]
    pub keep_failed: bool,

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
}
