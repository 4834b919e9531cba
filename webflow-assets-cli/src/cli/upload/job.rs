//! One item of an upload batch: a file (hashed, skipped if the manifest
//! has it, uploaded, verified, recorded) or a URL, and how its outcome is
//! shown.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::json;
use webflow_assets::{Client, Limits, UploadOptions, UploadSource, UploadedAsset};

use super::UploadArgs;
use crate::cli::hints;
use crate::cli::manifest::{self, Manifest, Record};
use crate::cli::progress::Bars;

/// What became of one file.
pub(super) enum Outcome {
    Uploaded(Box<UploadedAsset>),
    /// Already uploaded (the manifest says as which asset).
    Skipped(manifest::Done),
    Cancelled,
    Failed(String),
    /// Not started, or refused as the first was: the token was refused
    /// (a 401 or 403 is the same for every file), said once.
    Stopped,
}

pub(super) struct Job {
    pub(super) client: Client,
    pub(super) site: String,
    pub(super) asset: AssetFlags,
    pub(super) limits: Limits,
    pub(super) manifest: Option<Manifest>,
    pub(super) verify: bool,
    pub(super) cancelled: Arc<AtomicBool>,
    pub(super) bars: Arc<Bars>,
    pub(super) json: bool,
    pub(super) quiet: bool,
    /// The first refusal of the token, which stops the batch.
    pub(super) refused: std::sync::OnceLock<String>,
}

impl Job {
    /// A file's failure; the first refusal of the token stops the batch
    /// (the files after it are not started), and only it is said.
    fn failed(&self, error: &webflow_assets::Error) -> Outcome {
        let message = hints::message(error);
        let root = error.wrapped().unwrap_or(error);
        if matches!(
            root,
            webflow_assets::Error::Unauthorized(_) | webflow_assets::Error::Forbidden(_)
        ) {
            return match self.refused.set(message.clone()) {
                Ok(()) => Outcome::Failed(message),
                Err(_) => Outcome::Stopped,
            };
        }
        Outcome::Failed(message)
    }

    /// Whether the batch stopped (a refused token) before this file.
    fn stopped(&self) -> bool {
        self.refused.get().is_some()
    }
}

pub(super) async fn upload_one(job: &Job, file: &Path) -> Outcome {
    if job.cancelled.load(Ordering::SeqCst) {
        return Outcome::Cancelled;
    }
    if job.stopped() {
        return Outcome::Stopped;
    }
    let digest = match webflow_assets::hash_file(file).await {
        Ok(d) => d,
        Err(e) => return Outcome::Failed(hints::message(&e)),
    };
    let key = manifest::key(file);
    let fit_key = job.asset.fit.as_ref().map(|f| f.key());
    let name = job.asset.name.clone().unwrap_or_else(|| {
        file.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    if let Some(done) = job
        .manifest
        .as_ref()
        .and_then(|m| m.find(&job.site, &name, &digest.md5, fit_key.as_deref()))
    {
        job.bars.overall().inc(digest.size);
        return Outcome::Skipped(done.clone());
    }
    let bar = job.bars.file(&name, digest.size);
    if job.asset.fit.is_some() {
        // The fit is a step of its own before the first byte goes.
        bar.set_message("fitting");
    }
    let overall = job.bars.overall().clone();
    let file_bar = bar.clone();
    let last = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut options = UploadOptions::new()
        .limits(job.limits)
        .digest(digest.clone())
        .on_progress(move |sent, total| {
            // A retried upload restarts from zero; the overall bar only moves forward.
            let before = last.swap(sent, Ordering::Relaxed);
            if sent > before {
                overall.inc(sent - before);
            }
            // A fitted file is shorter than the one the bar started with.
            if file_bar.length() != Some(total) {
                file_bar.set_length(total);
                file_bar.set_message("");
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
        Err(e) => return job.failed(&e),
    };
    if job.verify
        && let Err(e) = job.client.verify_hosted(&asset).await
    {
        return Outcome::Failed(format!(
            "uploaded as {}, but {}",
            asset.id,
            hints::message(&e)
        ));
    }
    if let Some(m) = &job.manifest {
        let record = Record {
            site: job.site.clone(),
            path: key,
            name: Some(name.clone()),
            // The file's own MD5 (what a resume compares), not the fitted
            // bytes'; the fit options beside it.
            md5: digest.md5.clone(),
            size: asset.size,
            fit: fit_key,
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
pub(super) struct AssetFlags {
    pub(super) folder: Option<String>,
    pub(super) name: Option<String>,
    pub(super) alt_text: Option<String>,
    pub(super) display_name: Option<String>,
    pub(super) keep_failed: bool,
    pub(super) fit: Option<webflow_assets::fit::FitOptions>,
}

impl From<&UploadArgs> for AssetFlags {
    fn from(args: &UploadArgs) -> Self {
        Self {
            folder: args.folder.clone(),
            name: args.name.clone(),
            alt_text: args.alt_text.clone(),
            display_name: args.display_name.clone(),
            keep_failed: args.keep_failed,
            // Checked and set by `run` (it can fail).
            fit: None,
        }
    }
}

/// `options` with what the flags ask of the asset.
pub(super) fn asset_options(mut options: UploadOptions, flags: &AssetFlags) -> UploadOptions {
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
    if let Some(fit) = &flags.fit {
        options = options.fit(fit.clone());
    }
    options.keep_failed_entry(flags.keep_failed)
}

/// One argument of `upload`: a file, or a URL to download first.
pub(super) enum Item {
    Path(PathBuf),
    Url(String),
}

/// A URL: downloaded within the size limits, then uploaded as a file.
pub(super) async fn upload_from_url(job: &Job, url: &str) -> Outcome {
    if job.cancelled.load(Ordering::SeqCst) {
        return Outcome::Cancelled;
    }
    if job.stopped() {
        return Outcome::Stopped;
    }
    let options = asset_options(UploadOptions::new().limits(job.limits), &job.asset);
    match job.client.upload_url(&job.site, url, options).await {
        Ok(asset) => Outcome::Uploaded(Box::new(asset)),
        Err(e) => job.failed(&e),
    }
}

pub(super) fn report(job: &Job, shown: &str, outcome: &Outcome) {
    if !matches!(outcome, Outcome::Cancelled | Outcome::Stopped) {
        job.bars.file_done();
    }
    if job.json {
        let line = match outcome {
            Outcome::Uploaded(a) => {
                let mut line = json!({
                    "path": shown, "status": "uploaded", "id": a.id, "hostedUrl": a.hosted_url,
                    "md5": a.md5, "size": a.size, "contentType": a.content_type,
                    "fileName": a.file_name,
                });
                // Only with --fit or --format: what the fit did.
                if let Some(fit) = &a.fit {
                    line["fit"] = json!(fit);
                }
                line
            }
            Outcome::Skipped(done) => json!({
                "path": shown, "status": "skipped", "reason": "already uploaded (manifest)",
                "id": done.id, "hostedUrl": done.hosted_url,
            }),
            Outcome::Cancelled => {
                json!({"path": shown, "status": "not started", "reason": "interrupted"})
            }
            Outcome::Stopped => {
                json!({"path": shown, "status": "not started", "reason": "the token was refused"})
            }
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
                let fit = match &a.fit {
                    Some(f) if f.changed() && f.format != f.original_format => {
                        format!("; as {}, fit: {f}", a.file_name)
                    }
                    Some(f) if f.changed() => format!("; fit: {f}"),
                    // Asked to convert or fit, and could not: say why it
                    // went up as it was.
                    Some(f) if f.kept == Some(webflow_assets::fit::Kept::Undecodable) => {
                        format!("; fit: {f}")
                    }
                    _ => String::new(),
                };
                job.bars.println(&format!(
                    "uploaded {shown} as {} -> {url} (md5 {}, {}{verified}{fit})",
                    a.id,
                    a.md5,
                    indicatif::HumanBytes(a.size)
                ));
            }
        }
        Outcome::Skipped(done) => {
            if !job.quiet {
                job.bars.println(&format!(
                    "skipped {shown}: already uploaded as {} (manifest)",
                    done.id
                ));
            }
        }
        Outcome::Cancelled | Outcome::Stopped => {}
        Outcome::Failed(e) => job.bars.eprintln(&format!("error: {shown}: {e}")),
    }
}
