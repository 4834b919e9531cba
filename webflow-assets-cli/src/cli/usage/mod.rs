//! `assets usage` and `assets unused`: where the site uses its assets, and
//! which it uses nowhere the API shows. `assets delete` and `sync --prune`
//! use the same scan (`scan.rs`).

mod bars;
pub(crate) mod scan;

use futures::TryStreamExt;
use serde_json::json;
use webflow_assets::ListOptions;

use super::connect::{self, ApiArgs, check_id};
use super::{EXIT_FAILED, EXIT_OK, Usage, hints};
pub(crate) use scan::IndexArgs;

/// The site scanned, or `None` once the failure is said.
async fn scanned(
    client: &webflow_assets::Client,
    site: &str,
    index: &IndexArgs,
    quiet: bool,
) -> Option<webflow_assets::UsageIndex> {
    match scan::scan(client, site, index, quiet).await {
        Ok(i) => Some(i),
        Err(e) => {
            eprintln!("error: cannot scan the site: {}", hints::message(&e));
            None
        }
    }
}

/// `assets usage ID...`.
pub(crate) async fn usage(api: &ApiArgs, ids: &[String], index: &IndexArgs) -> Result<u8, Usage> {
    for id in ids {
        check_id("asset id", id)?;
    }
    let site = connect::site(api)?;
    let client = connect::command_client(api)?;
    // An id the site does not hold: said as what it is, not as "used
    // nowhere" (its uses, if pages still show it, are listed: a missing
    // image's places).
    let held: std::collections::HashSet<String> = match client
        .list_assets(&site, ListOptions::new())
        .try_collect::<Vec<_>>()
        .await
    {
        Ok(assets) => assets.into_iter().map(|a| a.id).collect(),
        Err(e) => {
            eprintln!("error: cannot list the assets: {}", hints::message(&e));
            return Ok(EXIT_FAILED);
        }
    };
    let Some(idx) = scanned(&client, &site, index, api.json).await else {
        return Ok(EXIT_FAILED);
    };
    if api.json {
        for id in ids {
            // Each use is its place, with how it uses the asset beside its kind.
            let uses: Vec<serde_json::Value> = idx
                .uses_of_asset(id)
                .map(|u| {
                    let mut place = serde_json::to_value(&u.place).unwrap_or_default();
                    place["how"] = json!(u.how);
                    place
                })
                .collect();
            println!(
                "{}",
                json!({"id": id, "used": !uses.is_empty(), "complete": idx.gaps.is_empty(),
                       "uses": uses, "gaps": idx.gaps})
            );
        }
    } else {
        println!("{:<24}  USED IN", "ASSET");
        for id in ids {
            let mut uses = idx.uses_of_asset(id).peekable();
            if uses.peek().is_none() {
                let verdict = if idx.gaps.is_empty() {
                    "nowhere the scan shows"
                } else {
                    "nowhere in the parts read"
                };
                println!("{id:<24}  {verdict}");
            }
            for (i, u) in uses.enumerate() {
                let shown = if i == 0 { id.as_str() } else { "" };
                println!("{shown:<24}  {}: {}", u.place, u.how);
            }
            if !idx.gaps.is_empty() {
                println!(
                    "{:<24}  INCOMPLETE: perhaps also in the {} part(s) the scan could not read (below)",
                    "",
                    idx.gaps.len()
                );
            }
        }
        scan::blind_spots(&idx);
    }
    scan::gaps(&idx);
    let mut missing = false;
    for id in ids.iter().filter(|id| !held.contains(*id)) {
        if idx.uses_of_asset(id).next().is_none() {
            missing = true;
            eprintln!(
                "error: the site {site} has no asset {id}; `webflow-assets assets list` shows its assets"
            );
        } else {
            eprintln!(
                "warning: the site {site} has no asset {id}: the uses above show a file that is gone"
            );
        }
    }
    Ok(if idx.gaps.is_empty() && !missing {
        EXIT_OK
    } else {
        EXIT_FAILED
    })
}

/// The uses of `id` the scan found, on stderr (or a JSON line on stdout),
/// when the scan is incomplete: nothing of it is hidden because a part
/// could not be read.
pub(crate) fn found_so_far(idx: &webflow_assets::UsageIndex, id: &str, as_json: bool) {
    let uses: Vec<_> = idx.uses_of(id).collect();
    if as_json {
        println!(
            "{}",
            json!({"id": id, "status": "not checked", "complete": false, "uses": uses, "gaps": idx.gaps})
        );
        return;
    }
    if uses.is_empty() {
        eprintln!("{id}: used nowhere in the parts read");
    } else {
        eprintln!("{id}: used at least here:");
        for place in uses {
            eprintln!("  {place}");
        }
    }
}

/// `assets unused [--folder ID]`.
pub(crate) async fn unused(
    api: &ApiArgs,
    folder: Option<&str>,
    index: &IndexArgs,
) -> Result<u8, Usage> {
    if let Some(f) = folder {
        check_id("folder id (--folder)", f)?;
    }
    let site = connect::site(api)?;
    let client = connect::command_client(api)?;
    let Some(idx) = scanned(&client, &site, index, api.json).await else {
        return Ok(EXIT_FAILED);
    };
    if !idx.gaps.is_empty() {
        // Never a list of "unused" assets that were not checked.
        scan::gaps(&idx);
        return Ok(EXIT_FAILED);
    }
    let mut options = ListOptions::new();
    if let Some(f) = folder {
        options = options.folder(f);
    }
    let assets: Vec<_> = match client.list_assets(&site, options).try_collect().await {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: cannot list the assets: {}", hints::message(&e));
            return Ok(EXIT_FAILED);
        }
    };
    let unused: Vec<_> = assets.iter().filter(|a| !idx.is_used(&a.id)).collect();
    if api.json {
        for a in &unused {
            println!(
                "{}",
                json!({"id": a.id, "name": a.display_name.as_deref().or(a.original_file_name.as_deref()), "url": a.hosted_url})
            );
        }
    } else {
        for a in &unused {
            println!(
                "{}  {}",
                a.id,
                a.original_file_name
                    .as_deref()
                    .or(a.display_name.as_deref())
                    .unwrap_or("")
            );
        }
        eprintln!(
            "{} of {} asset(s) used nowhere the scan shows",
            unused.len(),
            assets.len()
        );
        scan::blind_spots(&idx);
    }
    Ok(EXIT_OK)
}
