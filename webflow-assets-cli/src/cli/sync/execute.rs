//! Carrying a sync's plan out: folders, then uploads, adoptions and alt
//! texts concurrently, then deletions; each recorded in the state.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::StreamExt;
use webflow_assets::fit::{FitOptions, FitReport};
use webflow_assets::{Client, FileDigest, UploadOptions, UploadSource};

use super::plan::{self, Action, Local};
use super::state::{self, Event, State};
use super::{Output, SyncArgs, settle, usage};
use crate::cli::progress::Bars;
use crate::cli::{hints, interrupt};

/// Carries the plan out: folders first (parents before children), then
/// uploads, adoptions and alt texts concurrently, then deletions. Returns
/// how many actions failed.
#[allow(clippy::too_many_arguments)]
pub(super) async fn execute(
    client: &Client,
    site: &str,
    dir: &Path,
    local: &Local,
    plan: plan::Plan,
    state: &State,
    known: &BTreeSet<String>,
    out: &Output,
    args: &SyncArgs,
    fit: Option<&FitOptions>,
) -> (usize, bool) {
    let mut failed = 0;
    // Folder ids by directory, known and created.
    let mut folder_ids: BTreeMap<String, Option<String>> = plan.folders.clone();
    let mut rest = Vec::new();
    for action in plan.actions.iter().cloned() {
        let Action::CreateFolder {
            dir: rel,
            name,
            parent_dir,
        } = &action
        else {
            rest.push(action);
            continue;
        };
        // A parent that could not be created: not at the root instead.
        let Some(parent) = folder_ids.get(parent_dir).cloned() else {
            failed += 1;
            out.action(
                &action,
                "failed",
                Some("its parent folder could not be created"),
            );
            continue;
        };
        match settle::create_folder(client, site, name, parent.as_deref()).await {
            Ok(folder) => {
                folder_ids.insert(rel.clone(), Some(folder.id.clone()));
                out.action(&action, "done", None);
            }
            Err(e) => {
                failed += 1;
                out.action(&action, "failed", Some(&hints::message(&e)));
            }
        }
    }
    let total: u64 = rest
        .iter()
        .filter_map(|a| match a {
            Action::Upload { path, .. } => local.files.get(path).map(|f| f.size),
            _ => None,
        })
        .sum();
    let uploads = rest
        .iter()
        .filter(|a| matches!(a, Action::Upload { .. }))
        .count();
    let bars = Arc::new(Bars::new(total, uploads, args.quiet || args.api.json));
    let cancelled = Arc::new(AtomicBool::new(false));
    interrupt::watch(cancelled.clone(), "what is in flight");
    let (deletes, work): (Vec<Action>, Vec<Action>) = rest
        .into_iter()
        .partition(|a| matches!(a, Action::Delete { .. }));
    let folder_ids = &folder_ids;
    // `None`: not started, after a Ctrl-C.
    type Done = Result<Option<FitReport>, String>;
    let results: Vec<(Action, Option<Done>)> = futures::stream::iter(work)
        .map(|action| {
            let bars = bars.clone();
            let cancelled = cancelled.clone();
            async move {
                if cancelled.load(Ordering::SeqCst) {
                    return (action, None);
                }
                let result = carry_out(
                    client, site, dir, local, &action, state, known, folder_ids, &bars, fit,
                )
                .await;
                (action, Some(result))
            }
        })
        .buffer_unordered(args.concurrency as usize)
        .collect()
        .await;
    bars.finish();
    for (action, result) in &results {
        match result {
            Some(Ok(report)) => out.action_fit(action, "done", None, report.as_ref()),
            Some(Err(e)) => {
                failed += 1;
                out.action(action, "failed", Some(e));
            }
            None => out.action(action, "not started (interrupted)", None),
        }
    }
    let interrupted = cancelled.load(Ordering::SeqCst);
    // Nothing is deleted after an interruption: a rerun decides again.
    let deletes = if interrupted { Vec::new() } else { deletes };
    // What the site still uses: scanned (and CMS references moved to the
    // new uploads) before anything is deleted.
    let verdict = if interrupted {
        None
    } else {
        let snapshot = state.reread().unwrap_or_else(|e| {
            // Without it no replacement is known: nothing is relinked, and
            // deletes are still checked against the scan.
            eprintln!("warning: cannot read the sync state back ({e}); CMS references are not moved this run");
            Default::default()
        });
        Some(
            usage::guard(
                client,
                site,
                &state.snapshot,
                &snapshot,
                &deletes,
                args,
                out,
            )
            .await,
        )
    };
    if let Some(v) = &verdict {
        failed += v.failed;
        if let Some(why) = &v.stop
            && !deletes.is_empty()
        {
            eprintln!("error: {why}");
            failed += 1;
        }
    }
    for action in deletes {
        let Action::Delete { id, path } = &action else {
            continue;
        };
        match &verdict {
            Some(v) if v.stop.is_some() => continue,
            Some(v) => {
                if let Some(places) = v.keep.get(id) {
                    usage::show_kept(out, id, places, "kept");
                    continue;
                }
            }
            None => {}
        }
        let result = match client.delete_asset(id).await {
            Ok(()) | Err(webflow_assets::Error::NotFound(_)) => {
                let mut r = state.record(Event::Deleted { id: id.clone() });
                if let (Ok(()), Some(p)) = (&r, path) {
                    r = state.record(Event::Forget { path: p.clone() });
                }
                r
            }
            Err(e) => Err(hints::message(&e)),
        };
        match result {
            Ok(()) => out.action(&action, "done", None),
            Err(e) => {
                failed += 1;
                out.action(&action, "failed", Some(&e));
            }
        }
    }
    if !out.json && !out.quiet {
        eprintln!(
            "sync of {} done: {} action(s), {failed} failed; state {}",
            dir.display(),
            plan.actions.len(),
            state::path_for(dir, site).display()
        );
    }
    (failed, interrupted)
}

/// The folder a file goes in (`None`: the site root). A directory whose
/// folder could not be created: its files wait for the next run rather
/// than land in the wrong folder.
fn folder_of(
    folder_ids: &BTreeMap<String, Option<String>>,
    file: &plan::LocalFile,
) -> Result<Option<String>, String> {
    folder_ids
        .get(&file.dir)
        .cloned()
        .ok_or_else(|| format!("the folder for {}/ could not be created", file.dir))
}

/// One upload, adoption or alt-text change, recorded in the state.
#[allow(clippy::too_many_arguments)]
async fn carry_out(
    client: &Client,
    site: &str,
    dir: &Path,
    local: &Local,
    action: &Action,
    state: &State,
    known: &BTreeSet<String>,
    folder_ids: &BTreeMap<String, Option<String>>,
    bars: &Bars,
    fit: Option<&FitOptions>,
) -> Result<Option<FitReport>, String> {
    match action {
        Action::Upload {
            path,
            alt,
            stale_entries,
            ..
        } => {
            let file = &local.files[path];
            let folder = folder_of(folder_ids, file)?;
            // Entries a crash left without their file are ours: go first.
            for id in stale_entries {
                match client.delete_asset(id).await {
                    Ok(()) | Err(webflow_assets::Error::NotFound(_)) => {}
                    Err(e) => {
                        return Err(format!(
                            "cannot delete the half-made asset {id}: {}",
                            hints::message(&e)
                        ));
                    }
                }
            }
            let fit_key = super::fit::key_for(&file.name, fit);
            let bar = bars.file(&file.name, file.size);
            // The fit first: the entry is announced under the name and
            // content that will go up.
            let prepared = match (fit, &fit_key) {
                (Some(options), Some(_)) => {
                    bar.set_message("fitting");
                    let own = (file.md5.as_str(), file.size);
                    let p = super::fit::prepare(&dir.join(path), &file.name, own, options).await;
                    bar.set_message("");
                    Some(p.inspect_err(|_| bar.finish_and_clear())?)
                }
                _ => None,
            };
            // What the state records of the fit, before its bytes go into
            // the upload's source.
            let changed = prepared.as_ref().is_some_and(|p| p.bytes.is_some());
            let report = prepared.as_ref().map(|p| p.report.clone());
            let going_up = GoingUp::of(dir, path, file, prepared);
            let (name, md5, size) = (going_up.name.clone(), going_up.md5.clone(), going_up.size);
            bar.set_length(size);
            state.record(Event::Pending {
                path: path.clone(),
                md5: file.md5.clone(),
                folder: folder.clone(),
                name: name.clone(),
            })?;
            let (source, mut options) = going_up.upload();
            if let Some(f) = &folder {
                options = options.parent_folder(f);
            }
            if let Some(text) = alt {
                options = options.alt_text(text);
            }
            let progress_bar = bar.clone();
            options = options.on_progress(move |sent, _| progress_bar.set_position(sent));
            let result = upload_settling(
                client,
                site,
                (source, &name, (md5.as_str(), size)),
                options,
                folder.as_deref(),
                alt.as_deref(),
                known,
            )
            .await;
            bar.finish_and_clear();
            bars.file_done();
            let id = result.map_err(|e| hints::message(&e))?;
            state.record(Event::Uploaded {
                path: path.clone(),
                md5: file.md5.clone(),
                id,
                folder,
                alt: alt.clone(),
                fit: fit_key,
                sent_md5: changed.then_some(md5),
            })?;
            Ok(report)
        }
        Action::Adopt { path, id, alt, .. } => {
            let file = &local.files[path];
            let folder = folder_of(folder_ids, file)?;
            if let Some(text) = alt {
                let update = webflow_assets::AssetUpdate::new().alt_text(text.clone());
                client
                    .update_asset(id, &update)
                    .await
                    .map_err(|e| hints::message(&e))?;
            }
            state.record(Event::Uploaded {
                path: path.clone(),
                md5: file.md5.clone(),
                id: id.clone(),
                folder,
                alt: alt.clone(),
                // Adopted as the file's own bytes, unfitted.
                fit: None,
                sent_md5: None,
            })?;
            Ok(None)
        }
        Action::UpdateAlt { path, id, alt } => {
            let update =
                webflow_assets::AssetUpdate::new().alt_text(alt.clone().unwrap_or_default());
            client
                .update_asset(id, &update)
                .await
                .map_err(|e| hints::message(&e))?;
            state.record(Event::Alt {
                path: path.clone(),
                alt: alt.clone(),
            })?;
            Ok(None)
        }
        Action::CreateFolder { .. } | Action::Delete { .. } => Ok(None),
    }
}

/// Uploads a file; a create whose outcome is unknown is settled (see
/// [`settle`]) and sent again only if it left nothing of the file, within
/// the client's retry budget. Returns the asset id.
async fn upload_settling(
    client: &Client,
    site: &str,
    (source, name, digest): (UploadSource, &str, (&str, u64)),
    options: UploadOptions,
    folder: Option<&str>,
    alt: Option<&str>,
    known: &BTreeSet<String>,
) -> Result<String, webflow_assets::Error> {
    let budget = client.retry_policy().attempts();
    let mut attempt = 1;
    loop {
        match client.upload(site, source.clone(), options.clone()).await {
            Ok(uploaded) => return Ok(uploaded.id),
            Err(e) if e.outcome_unknown() && attempt < budget => {
                tracing::warn!(file = %name, error = %e.brief(), "a create may have been carried out; looking for it");
            }
            Err(e) => return Err(e),
        }
        settle::pause(attempt).await;
        match settle::look_for_entry(client, site, folder, name, digest, known).await? {
            settle::Found::Stored(id) => {
                if let Some(text) = alt {
                    let update = webflow_assets::AssetUpdate::new().alt_text(text);
                    client.update_asset(&id, &update).await?;
                }
                return Ok(id);
            }
            settle::Found::Absent => attempt += 1,
        }
    }
}

/// What goes up for a file: its own bytes, or its fit's, under the name,
/// type and digest they have; for the upload and for `--dry-run`'s
/// preflight alike.
pub(super) struct GoingUp {
    pub source: UploadSource,
    pub name: String,
    pub md5: String,
    pub size: u64,
    content_type: Option<&'static str>,
}

impl GoingUp {
    pub(super) fn of(
        dir: &Path,
        path: &str,
        file: &plan::LocalFile,
        prepared: Option<super::fit::Prepared>,
    ) -> Self {
        match prepared {
            Some(p) => GoingUp {
                source: match p.bytes {
                    Some(bytes) => UploadSource::Bytes(bytes.into()),
                    None => UploadSource::path(dir.join(path)),
                },
                name: p.name,
                md5: p.md5,
                size: p.size,
                content_type: p.content_type,
            },
            None => GoingUp {
                source: UploadSource::path(dir.join(path)),
                name: file.name.clone(),
                md5: file.md5.clone(),
                size: file.size,
                content_type: None,
            },
        }
    }

    /// The source and the options every upload of it starts from (the
    /// tree's digest: the file is not hashed again).
    pub(super) fn upload(self) -> (UploadSource, UploadOptions) {
        let mut options = UploadOptions::new()
            .file_name(&self.name)
            .digest(FileDigest::new(self.md5, self.size));
        if let Some(content_type) = self.content_type {
            options = options.content_type(content_type);
        }
        (self.source, options)
    }
}
