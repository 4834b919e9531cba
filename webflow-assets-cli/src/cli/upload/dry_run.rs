//! `upload --dry-run`: every check and hash an upload makes before its
//! first call; nothing is sent.

use std::path::PathBuf;

use serde_json::json;
use webflow_assets::{Limits, UploadOptions, UploadSource};

use super::UploadArgs;
use super::job::{AssetFlags, asset_options};
use crate::cli::{EXIT_FAILED, EXIT_OK, report};

/// `--dry-run`: every check and hash an upload makes before its first call,
/// one line (or JSON object) per file; nothing is sent.
pub(super) async fn dry_run(
    args: &UploadArgs,
    flags: &AssetFlags,
    files: &[PathBuf],
    limits: Limits,
) -> u8 {
    let mut failed = 0;
    for file in files {
        let options = asset_options(UploadOptions::new().limits(limits), flags);
        let shown = file.display().to_string();
        match webflow_assets::preflight(&UploadSource::path(file), &options).await {
            Ok(plan) if args.json => println!(
                "{}",
                json!({"path": shown, "status": "would upload", "fileName": plan.file_name,
                    "contentType": plan.content_type, "size": plan.size, "md5": plan.md5,
                    "parentFolder": args.folder, "altText": args.alt_text, "fit": plan.fit})
            ),
            Ok(plan) => println!(
                "would upload {shown} as {} ({}, {} bytes, md5 {}){}",
                plan.file_name,
                plan.content_type,
                plan.size,
                plan.md5,
                plan.fit.map_or(String::new(), |f| format!("; fit: {f}"))
            ),
            Err(e) => {
                failed += 1;
                report::failure(args.json, ("path", &shown), &e);
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
