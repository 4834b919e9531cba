//! `webflow-assets sync DIR`: a local folder tree mirrored into a site's
//! assets, with no duplicates, no wasted calls and nothing lost.
//!
//! What the site holds is learnt from paged listings (folders, then the
//! assets under the root), never from one GET per file; an unchanged file
//! costs no call. The plan (pure: tree, state and listing in, actions out)
//! is printed by `--dry-run` and carried out otherwise, with every create
//! announced in the state before it is made (see `state`).

mod alt_texts;
mod dry_run;
mod execute;
mod fit;
mod lock;
mod plan;
mod settle;
mod state;
mod usage;

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use futures::TryStreamExt;
use serde_json::json;
use webflow_assets::ListOptions;

use self::execute::execute;
use self::plan::{Action, Local, Site};
use self::state::State;
use super::connect::{self, ApiArgs, check_id};
use super::fit_args::FitArgs;
use super::{EXIT_FAILED, EXIT_OK, Usage, hints};

/// `webflow-assets sync` arguments.
#[derive(Debug, Args)]
pub(crate) struct SyncArgs {
    /// The directory to mirror; its sub-directories become asset folders.
    pub dir: PathBuf,
    /// The asset folder to mirror into (default: the site's root).
    #[arg(long)]
    pub folder: Option<String>,
    /// Alt text per file: a CSV (`path,alt text` a row, as spreadsheets
    /// write it) or a JSON object (`{"path": "alt text"}`), paths relative
    /// to DIR.
    #[arg(long, value_name = "FILE")]
    pub alt_text_file: Option<PathBuf>,
    /// Delete the assets this sync put on the site whose files are gone (or
    /// were replaced); never an asset the state does not record as its own,
    /// and never one the site still uses: a page, component or CMS item, or
    /// the published site (scanned first; it needs the read scopes).
    #[arg(long)]
    pub prune: bool,
    /// With --prune: delete assets even where the site still uses them,
    /// without scanning.
    #[arg(long, requires = "prune")]
    pub force: bool,
    /// Move live CMS items to the new asset of a changed file too (this
    /// changes the published site); staged items always move.
    #[arg(long)]
    pub publish: bool,
    /// Leave CMS references to replaced assets as they are.
    #[arg(long, conflicts_with = "publish")]
    pub no_relink: bool,
    #[command(flatten)]
    pub index: crate::cli::usage::IndexArgs,
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
    pub fit: FitArgs,
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
    let fit = args.fit.options()?;
    let alt = match &args.alt_text_file {
        Some(path) => Some(alt_texts::read(path).map_err(Usage)?),
        None => None,
    };
    let site = connect::site(&args.api)?;
    let client = connect::command_client(&args.api)?;
    let state_path = state::path_for(&dir, &site);
    // Held to the end of the run; a dry run writes nothing and needs none.
    let _lock = if args.dry_run {
        None
    } else {
        match lock::take(&state_path) {
            Ok(lock) => Some(lock),
            Err(message) => {
                eprintln!("error: {message}");
                return Ok(crate::cli::EXIT_BUSY);
            }
        }
    };
    // A state that cannot be read is a failure, not a usage error (exit 2
    // is only for the command line).
    let state = match State::open(&state_path, &site, args.folder.as_deref(), !args.dry_run) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(EXIT_FAILED);
        }
    };

    // The tree, hashed (local work only).
    // Off the async runtime: a large tree takes a while to hash.
    let (tree, journal) = (dir.clone(), state_path.clone());
    let local = tokio::task::spawn_blocking(move || Local::read(&tree, &journal))
        .await
        .map_err(|e| format!("hashing the tree failed: {e}"))
        .and_then(|r| r);
    let local = match local {
        Ok(l) => l,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(EXIT_FAILED);
        }
    };
    if let (Some(alt), Some(file)) = (&alt, &args.alt_text_file) {
        let unknown = alt_texts::unknown(alt, &local);
        if !unknown.is_empty() {
            eprintln!(
                "warning: {} names {} path(s) that are not files of {} (paths are relative to it, `/`-separated; hidden files are not synced), so their alt text is not used: {}",
                file.display(),
                unknown.len(),
                dir.display(),
                unknown.join(", ")
            );
        }
    }
    // The site: paged listings only.
    let folders: Vec<_> = match client.list_asset_folders(&site).try_collect().await {
        Ok(f) => f,
        Err(e) => {
            return Ok(fail(&format!(
                "cannot list the site's folders: {}",
                hints::message(&e)
            )));
        }
    };
    let mut options = ListOptions::new();
    if let Some(root) = &args.folder {
        options = options.folder(root);
    }
    let assets: Vec<_> = match client.list_assets(&site, options).try_collect().await {
        Ok(a) => a,
        Err(e) => {
            return Ok(fail(&format!(
                "cannot list the site's assets: {}",
                hints::message(&e)
            )));
        }
    };
    // What was there before this run: an entry that was not, named as a
    // file whose create's outcome is unknown, is that create's.
    let known: BTreeSet<String> = assets.iter().map(|a| a.id.clone()).collect();
    let remote = Site::new(folders, assets, args.folder.clone());

    let mut plan = plan::plan(
        &local,
        &state.snapshot,
        &remote,
        alt.as_ref(),
        args.prune,
        fit.as_ref(),
    );
    // Settling and adopting read hosted files (the CDN, not the API).
    plan::check_candidates(&client, &mut plan, &local, args.adopt).await;

    let out = Output {
        json: args.api.json,
        quiet: args.quiet,
    };
    if args.dry_run {
        // As `upload --dry-run`: what the run would refuse is an error here
        // too, and the exit code says so.
        let would_fail = dry_run::show(&plan, &dir, &local, fit.as_ref(), &out).await;
        usage::preview(&client, &site, &state.snapshot, &plan, &args, &out).await;
        out.summary(&plan, "would be", would_fail);
        return Ok(if would_fail > 0 { EXIT_FAILED } else { EXIT_OK });
    }
    if args.prune && !args.yes && plan.deletes() > 0 {
        // Each by id and the file it was, not only a count.
        let mut question = format!(
            "Delete {} asset(s) that this sync put on the site and whose files are gone?\n",
            plan.deletes()
        );
        for action in &plan.actions {
            if let Action::Delete { id, path } = action {
                let was = path.as_deref().unwrap_or("(a file of an earlier sync)");
                question.push_str(&format!("  {id}  {was}\n"));
            }
        }
        eprint!("{question}[y/N] ");
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            plan.actions.retain(|a| !matches!(a, Action::Delete { .. }));
            eprintln!("nothing will be deleted");
        }
    }
    let (failed, interrupted) = execute(
        &client,
        &site,
        &dir,
        &local,
        plan,
        &state,
        &known,
        &out,
        &args,
        fit.as_ref(),
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
pub(super) struct Output {
    pub(super) json: bool,
    pub(super) quiet: bool,
}

impl Output {
    pub(super) fn action(&self, action: &Action, status: &str, error: Option<&str>) {
        self.action_fit(action, status, error, None);
    }

    /// An action with what its fit did (or would do).
    pub(super) fn action_fit(
        &self,
        action: &Action,
        status: &str,
        error: Option<&str>,
        fit: Option<&webflow_assets::fit::FitReport>,
    ) {
        if self.json {
            let mut v = action.to_json();
            v["status"] = json!(status);
            if let Some(e) = error {
                v["error"] = json!(e);
            }
            if let Some(f) = fit {
                v["fit"] = json!(f);
            }
            println!("{v}");
        } else if let Some(e) = error {
            eprintln!("error: {}: {e}", action.describe());
        } else if !self.quiet {
            match fit {
                Some(f) => println!("{status}: {}; fit: {f}", action.describe()),
                None => println!("{status}: {}", action.describe()),
            }
        }
    }

    /// The plan's counts; `failing` of its actions would fail (they are
    /// counted in it too).
    fn summary(&self, plan: &plan::Plan, verb: &str, failing: usize) {
        if self.json || self.quiet {
            return;
        }
        let counts = plan.counts();
        let failing = if failing > 0 {
            format!("; {failing} of these would fail (see above)")
        } else {
            String::new()
        };
        eprintln!(
            "{} folder(s) {verb} created, {} file(s) uploaded, {} adopted, {} alt text(s) updated, {} asset(s) deleted; {} unchanged{failing}",
            counts.folders,
            counts.uploads,
            counts.adopts,
            counts.alts,
            counts.deletes,
            plan.unchanged
        );
    }
}
