//! `webflow-assets sync DIR`: a local folder tree mirrored into a site's
//! assets, with no duplicates, no wasted calls and nothing lost.
//!
//! What the site holds is learnt from paged listings (folders, then the
//! assets under the root), never from one GET per file; an unchanged file
//! costs no call. The plan (pure: tree, state and listing in, actions out)
//! is printed by `--dry-run` and carried out otherwise, with every create
//! announced in the state before it is made (see `state`).

mod plan;
mod settle;
mod state;

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::Args;
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use webflow_assets::{Client, FileDigest, ListOptions, UploadOptions, UploadSource};

use self::plan::{Action, Local, Site};
use self::state::{Event, State};
use super::args::ApiArgs;
use super::connect::{self, check_id};
use super::progress::Bars;
use super::{EXIT_FAILED, EXIT_OK, Usage};

/// `webflow-assets sync` arguments.
#[derive(Debug, Args)]
pub(crate) struct SyncArgs {
    /// The directory to mirror; its sub-directories become asset folders.
    pub dir: PathBuf,
    /// The asset folder to mirror into (default: the site's root).
    #[arg(long)]
    pub folder: Option<String>,
    /// Alt text per file: a CSV (`path,alt text` per line) or a JSON object
    /// (`{"path": "alt text"}`), paths relative to DIR.
    #[arg(long, value_name = "FILE")]
    pub alt_text_file: Option<PathBuf>,
    /// Delete the assets this sync put on the site whose files are gone (or
    /// were replaced); never an asset the state does not record as its own.
    #[arg(long)]
    pub prune: bool,
    /// Do not ask before deleting (needed with --prune off a terminal).
    #[arg(long, short)]
    pub yes: bool,
    /// Print the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// For a first sync against a site that already holds the files: an
    /// asset of the same name in the matching folder whose hosted bytes have
    /// the file's MD5 is recorded instead of uploaded again.
    #[arg(long)]
    pub adopt: bool,
    /// Uploads in flight at once (they share the token's rate limit).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub api: ApiArgs,
}

pub(crate) async fn run(args: SyncArgs) -> Result<u8, Usage> {
    let dir = args.dir.clone();
    if !dir.is_dir() {
        return Err(Usage(format!(
            "{} is not a directory; pass the folder tree to mirror",
            dir.display()
        )));
    }
    if let Some(folder) = &args.folder {
        check_id("folder id (--folder)", folder)?;
    }
    if args.prune && !args.yes && !args.dry_run && !std::io::stdin().is_terminal() {
        return Err(Usage(
            "--prune deletes assets: pass --yes as well (there is no terminal to ask on)"
                .to_owned(),
        ));
    }
    let alt = match &args.alt_text_file {
        Some(path) => Some(plan::read_alt_texts(path).map_err(Usage)?),
        None => None,
    };
    let site = connect::site(&args.api)?;
    let client = connect::client(&args.api, connect::policy(3, Duration::from_secs(10)))?;
    let state_path = state::path_for(&dir, &site);
    let state =
        State::open(&state_path, &site, args.folder.as_deref(), !args.dry_run).map_err(Usage)?;

    // The tree, hashed (local work only).
    // Off the async runtime: a large tree takes a while to hash.
    let (tree, journal) = (dir.clone(), state_path.clone());
    let local = tokio::task::spawn_blocking(move || Local::read(&tree, &journal))
        .await
        .map_err(|e| Usage(format!("hashing the tree failed: {e}")))?
        .map_err(Usage)?;
    // The site: paged listings only.
    let folders: Vec<_> = match client.list_asset_folders(&site).try_collect().await {
        Ok(f) => f,
        Err(e) => return Ok(fail(&format!("cannot list the site's folders: {e}"))),
    };
    let mut options = ListOptions::new();
    if let Some(root) = &args.folder {
        options = options.folder(root);
    }
    let assets: Vec<_> = match client.list_assets(&site, options).try_collect().await {
        Ok(a) => a,
        Err(e) => return Ok(fail(&format!("cannot list the site's assets: {e}"))),
    };
    // What was there before this run: an entry that was not, named as a
    // file whose create's outcome is unknown, is that create's.
    let known: BTreeSet<String> = assets.iter().map(|a| a.id.clone()).collect();
    let remote = Site::new(folders, assets, args.folder.clone());

    let mut plan = plan::plan(&local, &state.snapshot, &remote, alt.as_ref(), args.prune);
    // Settling and adopting read hosted files (the CDN, not the API).
    plan::check_candidates(&client, &mut plan, &local, args.adopt).await;

    let out = Output {
        json: args.api.json,
        quiet: args.quiet,
    };
    if args.dry_run {
        for action in &plan.actions {
            out.action(action, "planned", None);
        }
        out.summary(&plan, "would be");
        return Ok(EXIT_OK);
    }
    if args.prune && !args.yes && plan.deletes() > 0 {
        eprint!(
            "Delete {} asset(s) that this sync put on the site and whose files are gone? [y/N] ",
            plan.deletes()
        );
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            plan.actions.retain(|a| !matches!(a, Action::Delete { .. }));
            eprintln!("nothing will be deleted");
        }
    }
    let (failed, interrupted) = execute(
        &client, &site, &dir, &local, plan, &state, &known, &out, &args,
    )
    .await;
    if let Err(e) = state.compact() {
        eprintln!("warning: {e}");
    }
    // As `upload`: 130 when Ctrl-C stopped it (run again to finish).
    Ok(if failed > 0 {
        EXIT_FAILED
    } else if interrupted {
        130
    } else {
        EXIT_OK
    })
}

fn fail(message: &str) -> u8 {
    eprintln!("error: {message}");
    EXIT_FAILED
}

/// How results are shown.
struct Output {
    json: bool,
    quiet: bool,
}

impl Output {
    fn action(&self, action: &Action, status: &str, error: Option<&str>) {
        if self.json {
            let mut v = action.to_json();
            v["status"] = json!(status);
            if let Some(e) = error {
                v["error"] = json!(e);
            }
            println!("{v}");
        } else if let Some(e) = error {
            eprintln!("error: {}: {e}", action.describe());
        } else if !self.quiet {
            println!("{status}: {}", action.describe());
        }
    }

    fn summary(&self, plan: &plan::Plan, verb: &str) {
        if self.json || self.quiet {
            return;
        }
        let counts = plan.counts();
        eprintln!(
            "{} folder(s) {verb} created, {} file(s) uploaded, {} adopted, {} alt text(s) updated, {} asset(s) deleted; {} unchanged",
            counts.folders,
            counts.uploads,
            counts.adopts,
            counts.alts,
            counts.deletes,
            plan.unchanged
        );
    }
}

/// Carries the plan out: folders first (parents before children), then
/// uploads, adoptions and alt texts concurrently, then deletions. Returns
/// how many actions failed.
#[allow(clippy::too_many_arguments)]
async fn execute(
    client: &Client,
    site: &str,
    dir: &Path,
    local: &Local,
    plan: plan::Plan,
    state: &State,
    known: &BTreeSet<String>,
    out: &Output,
    args: &SyncArgs,
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
                out.action(&action, "failed", Some(&e.to_string()));
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
    let watcher = cancelled.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            watcher.store(true, Ordering::SeqCst);
            eprintln!("\ninterrupted: finishing what is in flight (Ctrl-C again to stop now)");
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
    let (deletes, work): (Vec<Action>, Vec<Action>) = rest
        .into_iter()
        .partition(|a| matches!(a, Action::Delete { .. }));
    let folder_ids = &folder_ids;
    // `None`: not started, after a Ctrl-C.
    let results: Vec<(Action, Option<Result<(), String>>)> = futures::stream::iter(work)
        .map(|action| {
            let bars = bars.clone();
            let cancelled = cancelled.clone();
            async move {
                if cancelled.load(Ordering::SeqCst) {
                    return (action, None);
                }
                let result = carry_out(
                    client, site, dir, local, &action, state, known, folder_ids, &bars,
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
            Some(Ok(())) => out.action(action, "done", None),
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
    for action in deletes {
        let Action::Delete { id, path } = &action else {
            continue;
        };
        let result = match client.delete_asset(id).await {
            Ok(()) | Err(webflow_assets::Error::NotFound(_)) => {
                let mut r = state.record(Event::Deleted { id: id.clone() });
                if let (Ok(()), Some(p)) = (&r, path) {
                    r = state.record(Event::Forget { path: p.clone() });
                }
                r
            }
            Err(e) => Err(e.to_string()),
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
) -> Result<(), String> {
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
                    Err(e) => return Err(format!("cannot delete the half-made asset {id}: {e}")),
                }
            }
            state.record(Event::Pending {
                path: path.clone(),
                md5: file.md5.clone(),
                folder: folder.clone(),
                name: file.name.clone(),
            })?;
            let bar = bars.file(&file.name, file.size);
            let mut options = UploadOptions::new()
                .file_name(&file.name)
                .digest(FileDigest::new(file.md5.clone(), file.size));
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
                (&dir.join(path), file),
                options,
                folder.as_deref(),
                alt.as_deref(),
                known,
            )
            .await;
            bar.finish_and_clear();
            bars.file_done();
            let id = result.map_err(|e| e.to_string())?;
            state.record(Event::Uploaded {
                path: path.clone(),
                md5: file.md5.clone(),
                id,
                folder,
                alt: alt.clone(),
            })
        }
        Action::Adopt { path, id, alt, .. } => {
            let file = &local.files[path];
            let folder = folder_of(folder_ids, file)?;
            if let Some(text) = alt {
                let update = webflow_assets::AssetUpdate::new().alt_text(text.clone());
                client
                    .update_asset(id, &update)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            state.record(Event::Uploaded {
                path: path.clone(),
                md5: file.md5.clone(),
                id: id.clone(),
                folder,
                alt: alt.clone(),
            })
        }
        Action::UpdateAlt { path, id, alt } => {
            let update =
                webflow_assets::AssetUpdate::new().alt_text(alt.clone().unwrap_or_default());
            client
                .update_asset(id, &update)
                .await
                .map_err(|e| e.to_string())?;
            state.record(Event::Alt {
                path: path.clone(),
                alt: alt.clone(),
            })
        }
        Action::CreateFolder { .. } | Action::Delete { .. } => Ok(()),
    }
}

/// Uploads a file; a create whose outcome is unknown is settled (see
/// [`settle`]) and sent again only if it left nothing of the file, within
/// the client's retry budget. Returns the asset id.
async fn upload_settling(
    client: &Client,
    site: &str,
    (path, file): (&Path, &plan::LocalFile),
    options: UploadOptions,
    folder: Option<&str>,
    alt: Option<&str>,
    known: &BTreeSet<String>,
) -> Result<String, webflow_assets::Error> {
    let budget = client.retry_policy().attempts();
    let mut attempt = 1;
    loop {
        match client
            .upload(site, UploadSource::path(path), options.clone())
            .await
        {
            Ok(uploaded) => return Ok(uploaded.id),
            Err(e) if e.outcome_unknown() && attempt < budget => {
                tracing::warn!(file = %path.display(), error = %e.brief(), "a create may have been carried out; looking for it");
            }
            Err(e) => return Err(e),
        }
        settle::pause(attempt).await;
        let size = (file.md5.as_str(), file.size);
        match settle::look_for_entry(client, site, folder, &file.name, size, known).await? {
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
