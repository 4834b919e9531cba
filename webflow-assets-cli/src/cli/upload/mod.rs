//! `webflow-assets upload`: a batch of files, concurrently, within the
//! site's rate limit, resumable through a manifest. This module reads the
//! arguments and runs the batch; [`job`] is one file of it, [`dry_run`]
//! the checks alone.

mod dry_run;
mod job;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::Args;
use futures::StreamExt;
use serde_json::json;
use webflow_assets::{Client, Limits};
use webflow_assets_sandbox::{Sandbox, SandboxConfig};

use self::job::{AssetFlags, Item, Job, Outcome, report, upload_from_url, upload_one};
use super::connect::{self, ApiArgs, check_id};
use super::fit_args::FitArgs;
use super::manifest::{self, Manifest};
use super::progress::Bars;
use super::{EXIT_FAILED, EXIT_OK, Usage, files, hints, interrupt};

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
    #[arg(long, hide_short_help = true)]
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

    /// Resume manifest (JSON lines), appended after each upload [default:
    /// one per site in the cache directory, e.g.
    /// ~/.cache/webflow-assets/<SITE>.jsonl; none with --sandbox].
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
    #[arg(long, hide_short_help = true)]
    pub retry_unsafe: bool,

    /// Attempts to reach a host that does not answer (DNS failure, refused
    /// connection, TLS handshake) before giving up on a file.
    #[arg(long, hide_short_help = true, default_value_t = 3, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100))]
    pub connect_attempts: u32,

    /// Longest total wait, in seconds, between those attempts.
    #[arg(long, hide_short_help = true, default_value_t = 10.0, value_name = "SECONDS", value_parser = connect::seconds)]
    pub connect_wait: f64,

    #[command(flatten)]
    pub fit: FitArgs,
}

/// The environment variables that name a real site; `--sandbox` ignores them.
const WEBFLOW_ENV: [&str; 3] = ["WEBFLOW_TOKEN", "WEBFLOW_SITE_ID", "WEBFLOW_BASE_URL"];

/// What the arguments name: files (directories walked) and URLs.
struct Inputs {
    files: Vec<PathBuf>,
    urls: Vec<String>,
}

pub(crate) async fn run(args: UploadArgs) -> Result<u8, Usage> {
    let Inputs { files, urls } = inputs(&args)?;
    let mut asset = AssetFlags::from(&args);
    asset.fit = args.fit.options()?;
    let limits = if args.no_size_limits {
        Limits::unlimited()
    } else {
        Limits::default()
    };
    if args.dry_run {
        for url in &urls {
            if args.json {
                println!(
                    "{}",
                    json!({"path": url, "status": "would download, then upload"})
                );
            } else {
                println!("would download {url}, then upload it (checked once downloaded)");
            }
        }
        return Ok(dry_run::dry_run(&args, &asset, &files, limits).await);
    }
    let (client, site, sandbox) = target(&args, limits).await?;
    // A manifest that cannot be read or written is a failure, not a usage
    // error (exit 2 is only for the command line).
    let manifest = match open_manifest(&args, &site) {
        Ok(m) => m,
        Err(Usage(message)) => {
            eprintln!("error: {message}");
            return Ok(EXIT_FAILED);
        }
    };
    let total: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    let cancelled = Arc::new(AtomicBool::new(false));
    let job = Arc::new(Job {
        client,
        site,
        asset,
        limits,
        manifest,
        verify: args.verify || args.sandbox,
        cancelled: cancelled.clone(),
        bars: Arc::new(Bars::new(total, files.len(), args.quiet || args.json)),
        json: args.json,
        quiet: args.quiet,
        refused: std::sync::OnceLock::new(),
    });
    // The manifest already holds every finished file when Ctrl-C stops it.
    interrupt::watch(cancelled.clone(), "the uploads in flight");

    let count = files.len() + urls.len();
    let items = files
        .into_iter()
        .map(Item::Path)
        .chain(urls.into_iter().map(Item::Url));
    let outcomes: Vec<(String, Outcome)> = futures::stream::iter(items)
        .map(|item| {
            let job = job.clone();
            async move {
                let (shown, outcome) = match &item {
                    Item::Path(file) => (file.display().to_string(), upload_one(&job, file).await),
                    Item::Url(url) => (url.clone(), upload_from_url(&job, url).await),
                };
                report(&job, &shown, &outcome);
                (shown, outcome)
            }
        })
        .buffer_unordered(args.concurrency as usize)
        .collect()
        .await;
    job.bars.finish();
    let failed = summarize(&args, &job, count, &outcomes);
    if let Some(s) = sandbox {
        s.shutdown().await;
    }
    let interrupted = cancelled.load(Ordering::SeqCst);
    Ok(if failed == 0 && !interrupted {
        EXIT_OK
    } else if interrupted && failed == 0 {
        130
    } else {
        EXIT_FAILED
    })
}

/// The files and URLs to upload, and the checks of the flags that name one
/// asset, before anything is read or sent.
fn inputs(args: &UploadArgs) -> Result<Inputs, Usage> {
    // `https://...` arguments are downloaded, then uploaded.
    let (urls, paths): (Vec<PathBuf>, Vec<PathBuf>) = args.paths.iter().cloned().partition(|p| {
        p.to_str()
            .is_some_and(|s| s.starts_with("https://") || s.starts_with("http://"))
    });
    let urls: Vec<String> = urls.iter().map(|u| u.display().to_string()).collect();
    let files = if paths.is_empty() {
        Vec::new()
    } else {
        files::collect(&paths, &args.include)?
    };
    if let Some(folder) = &args.folder {
        check_id("folder id (--folder)", folder)?;
    }
    for (flag, given) in [
        ("--name", args.name.is_some()),
        ("--display-name", args.display_name.is_some()),
    ] {
        if given && files.len() + urls.len() != 1 {
            return Err(Usage(format!(
                "{flag} names one asset, but {} files were given; upload them one at a time, or drop {flag}",
                files.len() + urls.len()
            )));
        }
    }
    Ok(Inputs { files, urls })
}

/// The client and site to upload to: an embedded sandbox, or the site the
/// flags and environment name. Batches wait out rate limits rather than
/// fail (a 429's Retry-After is often a minute); an unreachable host gets
/// its own few quick attempts.
async fn target(
    args: &UploadArgs,
    limits: Limits,
) -> Result<(Client, String, Option<Sandbox>), Usage> {
    let mut policy = connect::policy(
        args.connect_attempts,
        Duration::from_secs_f64(args.connect_wait),
    );
    if args.retry_unsafe {
        policy = policy.retry_unsafe(true);
    }
    if !args.sandbox {
        let api = ApiArgs {
            token: args.token.clone(),
            site: args.site.clone(),
            base_url: args.base_url.clone(),
            json: args.json,
            connect_attempts: args.connect_attempts,
            connect_wait: args.connect_wait,
        };
        if api.site.is_none() {
            return Err(Usage(format!(
                "{}, or use --sandbox to try without an account",
                connect::NO_SITE
            )));
        }
        let site = connect::site(&api)?;
        return Ok((connect::client(&api, policy)?, site, None));
    }
    let config = SandboxConfig {
        limits,
        ..SandboxConfig::default()
    };
    let s = Sandbox::start(config).await.map_err(|e| {
        Usage(format!(
            "the sandbox did not start: {}",
            hints::sandbox_message(&e)
        ))
    })?;
    let client = s
        .client_builder()
        .retry(policy)
        .build()
        .map_err(|e| Usage(hints::message(&e)))?;
    if !args.quiet && !args.json {
        let set: Vec<&str> = WEBFLOW_ENV
            .into_iter()
            .filter(|v| std::env::var_os(v).is_some())
            .collect();
        if !set.is_empty() {
            eprintln!(
                "note: --sandbox ignores {} from the environment",
                set.join(", ")
            );
        }
        eprintln!(
            "sandbox: Webflow API at {}, S3 at {}",
            s.base_url(),
            s.storage_url()
        );
    }
    let site = s.site_id().to_owned();
    Ok((client, site, Some(s)))
}

/// The manifest that makes a batch resumable, unless there is none to keep.
fn open_manifest(args: &UploadArgs, site: &str) -> Result<Option<Manifest>, Usage> {
    let path = match (&args.manifest, args.no_manifest, args.sandbox) {
        (_, true, _) => None,
        (Some(p), false, _) => Some(p.clone()),
        // A sandbox is new each run: there is nothing to resume.
        (None, false, true) => None,
        (None, false, false) => match manifest::default_path(site) {
            Some(p) => Some(p),
            None => {
                return Err(Usage(
                    "this system names no cache directory for the resume manifest; pass --manifest PATH or --no-manifest".to_owned(),
                ));
            }
        },
    };
    let Some(path) = path else {
        return Ok(None);
    };
    let (manifest, warnings) = Manifest::open(&path, args.manifest.is_none()).map_err(Usage)?;
    if !args.quiet {
        for warning in warnings {
            eprintln!("warning: {warning}");
        }
    }
    Ok(Some(manifest))
}

/// The closing summary and the list of failures; returns how many failed.
fn summarize(args: &UploadArgs, job: &Job, count: usize, outcomes: &[(String, Outcome)]) -> usize {
    let counted = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|(_, o)| f(o)).count();
    let uploaded = counted(|o| matches!(o, Outcome::Uploaded(_)));
    let skipped = counted(|o| matches!(o, Outcome::Skipped(_)));
    let cancelled = counted(|o| matches!(o, Outcome::Cancelled));
    let stopped = counted(|o| matches!(o, Outcome::Stopped));
    let failed: Vec<&(String, Outcome)> = outcomes
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Failed(_)))
        .collect();
    if !args.quiet && !args.json {
        let mut summary = format!("{uploaded} of {count} uploaded");
        if skipped > 0 {
            summary.push_str(&format!(", {skipped} already uploaded (skipped)"));
        }
        if cancelled > 0 {
            summary.push_str(&format!(
                ", {cancelled} not started (interrupted; run again to resume)"
            ));
        }
        if !failed.is_empty() {
            summary.push_str(&format!(", {} failed", failed.len()));
        }
        if stopped > 0 {
            summary.push_str(&format!(
                ", {stopped} not started (the token was refused, as said above)"
            ));
        }
        if let Some(m) = &job.manifest {
            summary.push_str(&format!("; manifest {}", m.path().display()));
        }
        eprintln!("{summary}");
    }
    if !failed.is_empty() && !args.json {
        eprintln!("failed:");
        for (shown, outcome) in &failed {
            if let Outcome::Failed(message) = outcome {
                eprintln!("  {shown}: {message}");
            }
        }
    }
    failed.len()
}
