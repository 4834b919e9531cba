//! Sync and the site's uses of its assets: before anything is deleted, the
//! site is scanned; CMS references to a replaced asset move to its
//! replacement (staged items; live ones with `--publish`); an asset still
//! used somewhere is kept, naming where, unless `--force`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;
use webflow_assets::usage::{ItemRelink, Place, Replacement, plan_relinks};
use webflow_assets::{Client, Stage, UsageIndex};

use super::plan::{Action, Plan};
use super::state::Snapshot;
use super::{Output, SyncArgs};
use crate::cli::hints;
use crate::cli::usage::scan;

/// Which item fields were moved, per stage.
type Moved = BTreeSet<(String, String, Stage)>;

/// What the deletes of a sync may do.
pub(super) struct Verdict {
    /// Assets to keep, with the places that still use them.
    pub keep: BTreeMap<String, Vec<Place>>,
    /// Why no asset may be deleted at all (the scan failed or was partial).
    pub stop: Option<String>,
    /// Relink calls that failed.
    pub failed: usize,
}

impl Verdict {
    fn allow_all() -> Self {
        Self {
            keep: BTreeMap::new(),
            stop: None,
            failed: 0,
        }
    }
}

/// Old asset → (file that replaced it, its asset id if already uploaded).
fn replacements(
    snapshot: &Snapshot,
    plan: Option<&Plan>,
) -> BTreeMap<String, (String, Option<String>)> {
    let mut out = BTreeMap::new();
    for (old, by) in &snapshot.superseded {
        if let Some(path) = by {
            let new = snapshot.files.get(path).map(|r| r.id.clone());
            if new.as_deref() != Some(old.as_str()) {
                out.insert(old.clone(), (path.clone(), new));
            }
        }
    }
    // A dry run: the uploads of changed files it would make.
    for action in plan.iter().flat_map(|p| p.actions.iter()) {
        if let Action::Upload { path, .. } = action
            && let Some(r) = snapshot.files.get(path)
        {
            out.insert(r.id.clone(), (path.clone(), None));
        }
    }
    out
}

/// The places that still hold `id` once `moved` fields were relinked.
fn still_using<'a>(index: &'a UsageIndex, id: &'a str, moved: &'a Moved) -> Vec<Place> {
    index
        .uses_of(id)
        .filter(|p| match p {
            Place::Item {
                item_id,
                field,
                staged,
                live,
                ..
            } => {
                let gone = |s| moved.contains(&(item_id.clone(), field.clone(), s));
                (*staged && !gone(Stage::Staged)) || (*live && !gone(Stage::Live))
            }
            _ => true,
        })
        .cloned()
        .collect()
}

fn stages(args: &SyncArgs) -> Vec<Stage> {
    if args.publish {
        vec![Stage::Staged, Stage::Live]
    } else {
        vec![Stage::Staged]
    }
}

/// After the uploads, before the deletes: scans the site (when something
/// is to be deleted or was replaced), moves CMS references of replaced
/// assets, and says which deletes must wait.
pub(super) async fn guard(
    client: &Client,
    site: &str,
    before: &Snapshot,
    snapshot: &Snapshot,
    deletes: &[Action],
    args: &SyncArgs,
    out: &Output,
) -> Verdict {
    let mut replaced = if args.no_relink {
        BTreeMap::new()
    } else {
        replacements(snapshot, None)
    };
    // Without --prune, only this run's replacements: an old asset kept from
    // an earlier run does not make every later sync scan the site.
    if !args.prune {
        replaced.retain(|old, _| !before.superseded.contains_key(old));
    }
    let must_check = !deletes.is_empty() && !args.force;
    if !must_check && replaced.is_empty() {
        return Verdict::allow_all();
    }
    let old: Vec<String> = replaced.keys().cloned().collect();
    let index =
        match scan::scan_relinking(client, site, &args.index, out.quiet || out.json, &old).await {
            Ok(i) => i,
            Err(e) => {
                let why = format!(
                    "cannot check where the assets are used: {}",
                    hints::message(&e)
                );
                eprintln!("error: {why}");
                return Verdict {
                    keep: BTreeMap::new(),
                    stop: must_check.then_some(why),
                    failed: 1,
                };
            }
        };
    // Without deletes at stake a gap only limits the relink: a warning.
    scan::gaps_as(&index, if must_check { "error" } else { "warning" });
    let mut verdict = Verdict::allow_all();
    if must_check && !index.gaps.is_empty() {
        verdict.stop = Some(
            "prune stopped, nothing deleted: parts of the site could not be read (above), and an asset used only there would break; get them read as each line says"
                .to_owned(),
        );
    }
    // Relink: only to replacements that exist on the site.
    let reps: Vec<Replacement> = replaced
        .iter()
        .filter_map(|(old, (_, new))| {
            let new = new.as_ref()?;
            let url = index.hosted_url(new)?;
            Some(Replacement::new(old.clone(), new.clone(), url))
        })
        .collect();
    let relinks = plan_relinks(&index, &reps, &stages(args));
    let outcome = client.relink(&relinks).await;
    let mut moved = Moved::new();
    let ok: BTreeSet<(&str, Stage)> = outcome.updated().collect();
    for r in &relinks {
        let done = ok.contains(&(r.item_id.as_str(), r.stage));
        if done {
            moved.insert((r.item_id.clone(), r.field.clone(), r.stage));
        }
        show_relink(out, r, &replaced, if done { "done" } else { "failed" });
    }
    for b in outcome.batches.iter().filter(|b| b.error.is_some()) {
        verdict.failed += 1;
        if let Some(e) = &b.error {
            eprintln!(
                "error: moving {} {} item(s) of collection {} to the new assets failed: {}",
                b.item_ids.len(),
                b.stage,
                b.collection_id,
                hints::message(e)
            );
        }
    }
    report_left(&index, &replaced, &moved, args, out);
    if !args.force {
        for action in deletes {
            if let Action::Delete { id, .. } = action {
                let places = still_using(&index, id, &moved);
                if !places.is_empty() {
                    verdict.keep.insert(id.clone(), places);
                }
            }
        }
    }
    verdict
}

/// A dry run: the relinks a sync would make, and the deletes it would keep.
pub(super) async fn preview(
    client: &Client,
    site: &str,
    snapshot: &Snapshot,
    plan: &Plan,
    args: &SyncArgs,
    out: &Output,
) {
    let deletes: Vec<&Action> = plan
        .actions
        .iter()
        .filter(|a| matches!(a, Action::Delete { .. }))
        .collect();
    let replaced = if args.no_relink {
        BTreeMap::new()
    } else {
        replacements(snapshot, Some(plan))
    };
    if (deletes.is_empty() || args.force) && replaced.is_empty() {
        return;
    }
    let old: Vec<String> = replaced.keys().cloned().collect();
    let index =
        match scan::scan_relinking(client, site, &args.index, out.quiet || out.json, &old).await {
            Ok(i) => i,
            Err(e) => {
                eprintln!(
                    "error: cannot check where the assets are used: {}",
                    hints::message(&e)
                );
                return;
            }
        };
    scan::gaps(&index);
    let reps: Vec<Replacement> = replaced
        .iter()
        .map(|(old, (path, new))| {
            let new_id = new
                .clone()
                .unwrap_or_else(|| format!("(the new upload of {path})"));
            let url = new
                .as_deref()
                .and_then(|n| index.hosted_url(n))
                .map(str::to_owned)
                .unwrap_or_else(|| format!("(the URL of the new upload of {path})"));
            Replacement::new(old.clone(), new_id, url)
        })
        .collect();
    let relinks = plan_relinks(&index, &reps, &stages(args));
    let mut moved = Moved::new();
    for r in &relinks {
        moved.insert((r.item_id.clone(), r.field.clone(), r.stage));
        show_relink(out, r, &replaced, "planned");
    }
    report_left(&index, &replaced, &moved, args, out);
    if !args.force {
        for action in deletes {
            if let Action::Delete { id, .. } = action {
                let places = still_using(&index, id, &moved);
                if !places.is_empty() {
                    show_kept(out, id, &places, "would keep");
                }
            }
        }
    }
}

fn show_relink(
    out: &Output,
    r: &ItemRelink,
    replaced: &BTreeMap<String, (String, Option<String>)>,
    status: &str,
) {
    let path = r
        .old_ids
        .iter()
        .find_map(|o| replaced.get(o))
        .map(|(p, _)| p.as_str())
        .unwrap_or("");
    if out.json {
        println!(
            "{}",
            json!({"action": "relink", "status": status, "collectionId": r.collection_id,
                   "itemId": r.item_id, "field": r.field, "fieldType": r.field_type,
                   "stage": r.stage, "from": r.old_ids, "path": path,
                   "before": r.before, "after": r.after})
        );
    } else if !out.quiet || status == "failed" {
        println!(
            "{status}: relink {} item {} field {} ({}) of collection {}: {} -> the new asset of {path}",
            r.stage,
            r.item_id,
            r.field,
            r.field_type,
            r.collection_id,
            r.old_ids.join(", ")
        );
    }
}

/// Uses of replaced assets the sync cannot move: pages and components
/// (the Designer's), and live items without `--publish`.
fn report_left(
    index: &UsageIndex,
    replaced: &BTreeMap<String, (String, Option<String>)>,
    moved: &Moved,
    args: &SyncArgs,
    out: &Output,
) {
    if out.json || out.quiet {
        return;
    }
    for (old, (path, _)) in replaced {
        for place in still_using(index, old, moved) {
            match &place {
                Place::Item { live: true, .. } if !args.publish => eprintln!(
                    "note: {place} still shows the old asset {old} of {path}: pass --publish to move live items too (it changes the live site)"
                ),
                Place::Item { .. } => {}
                _ => eprintln!(
                    "note: {place} still uses the old asset {old} of {path}: change it in the Designer (the API cannot); the old asset is kept until nothing uses it"
                ),
            }
        }
    }
}

/// An asset a delete keeps, and where it is used.
pub(super) fn show_kept(out: &Output, id: &str, places: &[Place], status: &str) {
    if out.json {
        println!(
            "{}",
            json!({"action": "delete", "id": id, "status": status, "uses": places})
        );
    } else {
        eprintln!("{status} {id}: still in use (pass --force to delete it anyway):");
        for p in places {
            eprintln!("  {p}");
        }
    }
}
