//! `webflow-assets upload`: a batch of files, concurrently, within the
//! site's rate limit, resumable through a manifest.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::StreamExt;
use serde_json::json;
use webflow_assets::sandbox::{Sandbox, SandboxConfig};
use webflow_assets::{Client, Limits, UploadOptions, UploadSource, UploadedAsset};

use super::args::UploadArgs;
use super::connect::{self, check_id};
use super::manifest::{self, Manifest, Record};
use super::progress::Bars;
use super::{EXIT_FAILED, EXIT_OK, Usage, files, hints};

/// What became of one file.
enum Outcome {
    Uploaded(Box<UploadedAsset>),
    Skipped,
    Cancelled,
    Failed(String),
}

struct Job {
    client: Client,
    site: String,
    asset: AssetFlags,
    limits: Limits,
    manifest: Option<Manifest>,
    verify: bool,
    cancelled: AtomicBool,
    bars: Arc<Bars>,
    json: bool,
    quiet: bool,
}

/// The environment variables that name a real site; `--sandbox` ignores them.
const WEBFLOW_ENV: [&str; 3] = ["WEBFLOW_TOKEN", "WEBFLOW_SITE_ID", "WEBFLOW_BASE_URL"];

pub(crate) async fn run(args: UploadArgs) -> Result<u8, Usage> {
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
    let limits = if args.no_size_limits {
        Limits::unlimited()
    } else {
        Limits::default()
    };
    // Batches wait out rate limits rather than fail: a 429's Retry-After is
    // often a minute.
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
        return Ok(dry_run(&args, &files, limits).await);
    }
    // An unreachable host gets its own few quick attempts.
    let mut policy = connect::policy(
        args.connect_attempts,
        Duration::from_secs_f64(args.connect_wait),
    );
    if args.retry_unsafe {
        policy = policy.retry_unsafe(true);
    }

    let mut sandbox = None;
    let (client, site) = if args.sandbox {
        let config = SandboxConfig {
            limits,
            ..SandboxConfig::default()
        };
        let s = Sandbox::start(config)
            .await
            .map_err(|e| Usage(format!("the sandbox did not start: {e}")))?;
        let client = s
            .client_builder()
            .retry(policy)
            .build()
            .map_err(|e| Usage(e.to_string()))?;
        let site = s.site_id().to_owned();
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
        sandbox = Some(s);
        (client, site)
    } else {
        let api = super::args::ApiArgs {
            token: args.token.clone(),
            site: args.site.clone(),
            base_url: args.base_url.clone(),
            json: args.json,
        };
        let site = connect::site(&api)?;
        (connect::client(&api, policy)?, site)
    };

    let manifest_path = match (&args.manifest, args.no_manifest, args.sandbox) {
        (_, true, _) => None,
        (Some(p), false, _) => Some(p.clone()),
        // A sandbox is new each run: there is nothing to resume.
        (None, false, true) => None,
        (None, false, false) => Some(PathBuf::from(".webflow-assets.jsonl")),
    };
    let manifest = match manifest_path {
        Some(p) => {
            let (manifest, warnings) = Manifest::open(&p).map_err(Usage)?;
            if !args.quiet {
                for warning in warnings {
                    eprintln!("warning: {warning}");
                }
            }
            Some(manifest)
        }
        None => None,
    };

    let total: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    let job = Arc::new(Job {
        client,
        site,
        asset: AssetFlags::from(&args),
        limits,
        manifest,
        verify: args.verify || args.sandbox,
        cancelled: AtomicBool::new(false),
        bars: Arc::new(Bars::new(total, files.len(), args.quiet || args.json)),
        json: args.json,
        quiet: args.quiet,
    });

    // First Ctrl-C: start no new file, let those in flight finish and be
    // recorded. Second: stop now (the manifest already holds every finished file).
    let watcher = job.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            watcher.cancelled.store(true, Ordering::SeqCst);
            eprintln!("\ninterrupted: finishing the uploads in flight (Ctrl-C again to stop now)");
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });

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

    let uploaded = outcomes
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Uploaded(_)))
        .count();
    let skipped = outcomes
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Skipped))
        .count();
    let cancelled = outcomes
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Cancelled))
        .count();
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
    if let Some(s) = sandbox {
        s.shutdown().await;
    }
    let interrupted = job.cancelled.load(Ordering::SeqCst);
    Ok(if failed.is_empty() && !interrupted {
        EXIT_OK
    } else if interrupted && failed.is_empty() {
        130
    } else {
        EXIT_FAILED
    })
}

async fn upload_one(job: &Job, file: &Path) -> Outcome {
    if job.cancelled.load(Ordering::SeqCst) {
        return Outcome::Cancelled;
    }
    let digest = match webflow_assets::hash_file(file).await {
        Ok(d) => d,
        Err(e) => return Outcome::Failed(hints::message(&e)),
    };
    let key = manifest::key(file);
    if job
        .manifest
        .as_ref()
        .is_some_and(|m| m.contains(&job.site, &key, &digest.md5))
    {
        job.bars.overall().inc(digest.size);
        return Outcome::Skipped;
    }
    let name = job.asset.name.clone().unwrap_or_else(|| {
        file.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let bar = job.bars.file(&name, digest.size);
    let overall = job.bars.overall().clone();
    let file_bar = bar.clone();
    let last = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut options = UploadOptions::new()
        .limits(job.limits)
        .digest(digest.clone())
        .on_progress(move |sent, _total| {
            // A retried upload restarts from zero; the overall bar only moves forward.
            let before = last.swap(sent, Ordering::Relaxed);
            if sent > before {
                overall.inc(sent - before);
            }
            file_bar.set_position(sent);
        });
    options = asset_options(options, &job.asset);
    if !job.quiet {
        let (bars, shown) = (job.bars.clone(), file.display().to_string());
        options = options.on_retry(move |event| {
            bars.eprintln(&format!(
                "{shown}: retrying {} in {:.1} s (attempt {} of {}): {}",
                event.what,
                event.delay.as_secs_f64(),
                event.next_attempt,
                event.max_attempts,
                event.cause()
            ));
        });
    }
    let result = job
        .client
        .upload(&job.site, UploadSource::path(file), options)
        .await;
    bar.finish_and_clear();
    let asset = match result {
        Ok(a) => a,
        Err(e) => return Outcome::Failed(hints::message(&e)),
    };
    if job.verify
        && let Err(e) = job.client.verify_hosted(&asset).await
    {
        return Outcome::Failed(format!("uploaded as {}, but {e}", asset.id));
    }
    if let Some(m) = &job.manifest {
        let record = Record {
            site: job.site.clone(),
            path: key,
            md5: asset.md5.clone(),
            size: asset.size,
            id: asset.id.clone(),
            hosted_url: asset.hosted_url.clone(),
            uploaded_at: chrono::Utc::now().to_rfc3339(),
        };
        if let Err(e) = m.append(&record) {
            return Outcome::Failed(format!("uploaded as {} but {e}", asset.id));
        }
    }
    Outcome::Uploaded(Box::new(asset))
}

/// The flags that say what each uploaded asset becomes.
struct AssetFlags {
    folder: Option<String>,
    name: Option<String>,
    alt_text: Option<String>,
    display_name: Option<String>,
    keep_failed: bool,
}

impl From<&UploadArgs> for AssetFlags {
    fn from(args: &UploadArgs) -> Self {
        Self {
            folder: args.folder.clone(),
            name: args.name.clone(),
            alt_text: args.alt_text.clone(),
            display_name: args.display_name.clone(),
            keep_failed: args.keep_failed,
        }
    }
}

/// `options` with what the flags ask of the asset.
fn asset_options(mut options: UploadOptions, flags: &AssetFlags) -> UploadOptions {
    if let Some(folder) = &flags.folder {
        options = options.parent_folder(folder);
    }
    if let Some(name) = &flags.name {
        options = options.file_name(name);
    }
    if let Some(text) = &flags.alt_text {
        options = options.alt_text(text);
    }
    if let Some(display) = &flags.display_name {
        options = options.display_name(display);
    }
    options.keep_failed_entry(flags.keep_failed)
}

/// One argument of `upload`: a file, or a URL to download first.
enum Item {
    Path(PathBuf),
    Url(String),
}

/// A URL: downloaded within the size limits, then uploaded as a file.
async fn upload_from_url(job: &Job, url: &str) -> Outcome {
    if job.cancelled.load(Ordering::SeqCst) {
        return Outcome::Cancelled;
    }
    let options = asset_options(UploadOptions::new().limits(job.limits), &job.asset);
    match job.client.upload_url(&job.site, url, options).await {
        Ok(asset) => Outcome::Uploaded(Box::new(asset)),
        Err(e) => Outcome::Failed(hints::message(&e)),
    }
}

fn report(job: &Job, shown: &str, outcome: &Outcome) {
    if !matches!(outcome, Outcome::Cancelled) {
        job.bars.file_done();
    }
    if job.json {
        let line = match outcome {
            Outcome::Uploaded(a) => json!({
                "path": shown, "status": "uploaded", "id": a.id, "hostedUrl": a.hosted_url,
                "md5": a.md5, "size": a.size, "contentType": a.content_type,
            }),
            Outcome::Skipped => {
                json!({"path": shown, "status": "skipped", "reason": "already uploaded (manifest)"})
            }
            Outcome::Cancelled => json!({"path": shown, "status": "cancelled"}),
            Outcome::Failed(e) => json!({"path": shown, "status": "failed", "error": e}),
        };
        println!("{line}");
        return;
    }
    match outcome {
        Outcome::Uploaded(a) => {
            if !job.quiet {
                let url = a.hosted_url.as_deref().unwrap_or("(no hosted URL)");
                let verified = if job.verify {
                    ", verified: the hosted bytes match"
                } else {
                    ""
                };
                job.bars.println(&format!(
                    "uploaded {shown} -> {url} (md5 {}, {} bytes{verified})",
                    a.md5, a.size
                ));
            }
        }
        Outcome::Skipped => {
            if !job.quiet {
                job.bars
                    .println(&format!("skipped {shown}: already uploaded (manifest)"));
            }
        }
        Outcome::Cancelled => {}
        Outcome::Failed(e) => job.bars.eprintln(&format!("error: {shown}: {e}")),
    }
}

/// `--dry-run`: every check and hash an upload makes before its first call,
/// one line (or JSON object) per file; nothing is sent.
async fn dry_run(args: &UploadArgs, files: &[PathBuf], limits: Limits) -> u8 {
    let mut failed = 0;
    for file in files {
        let options = asset_options(UploadOptions::new().limits(limits), &AssetFlags::from(args));
        let shown = file.display().to_string();
        match webflow_assets::preflight(&UploadSource::path(file), &options).await {
            Ok(plan) if args.json => println!(
                "{}",
                json!({"path": shown, "status": "would upload", "fileName": plan.file_name,
                    "contentType": plan.content_type, "size": plan.size, "md5": plan.md5,
                    "parentFolder": args.folder, "altText": args.alt_text})
            ),
            Ok(plan) => println!(
                "would upload {shown} as {} ({}, {} bytes, md5 {})",
                plan.file_name, plan.content_type, plan.size, plan.md5
            ),
            Err(e) => {
                failed += 1;
                if args.json {
                    println!(
                        "{}",
                        json!({"path": shown, "status": "failed", "error": e.to_string()})
                    );
                } else {
                    eprintln!("error: {shown}: {e}");
                }
            }
        }
    }
    if !args.json && !args.quiet {
        eprintln!(
            "dry run: {} of {} files would be uploaded; nothing was sent",
            files.len() - failed,
            files.len()
        );
    }
    if failed == 0 { EXIT_OK } else { EXIT_FAILED }
}
