//! `webflow-assets assets ...` and `webflow-assets folders ...`: the Assets
//! API from a terminal, with the flags Webflow's own CLI has for the same
//! commands.

use std::cmp::Ordering as CmpOrdering;
use std::io::{IsTerminal, Write};

use clap::{Args, Subcommand};
use futures::TryStreamExt;
use serde_json::{Value, json};
use webflow_assets::types::Asset;
use webflow_assets::{AssetUpdate, Client, ListOptions};

use super::connect::{self, ApiArgs, check_id};
use super::prompt::{self, name};
use super::usage::IndexArgs;
use super::{EXIT_FAILED, EXIT_OK, Usage};

const DEFAULT_FIELDS: [&str; 6] = ["id", "name", "size", "type", "folder", "alt"];
const ALL_FIELDS: [&str; 9] = [
    "id", "name", "size", "type", "folder", "alt", "created", "updated", "url",
];

pub(super) fn client(api: &ApiArgs) -> Result<Client, Usage> {
    connect::command_client(api)
}

/// An error of the API: one line on stderr, exit code 1.
pub(super) fn failed(e: &webflow_assets::Error) -> u8 {
    eprintln!("error: {}", super::hints::message(e));
    EXIT_FAILED
}

pub(crate) async fn assets(args: AssetsArgs) -> Result<u8, Usage> {
    let api = &args.api;
    match args.command {
        AssetsCommand::List(list) => list_assets(api, &list).await,
        AssetsCommand::Get { id } => {
            check_id("asset id", &id)?;
            Ok(match client(api)?.get_asset(&id).await {
                Ok(asset) => {
                    print_item(api.json, &asset);
                    EXIT_OK
                }
                Err(e) => failed(&e),
            })
        }
        AssetsCommand::Update {
            id,
            alt_text,
            display_name,
            dry_run,
        } => {
            check_id("asset id", &id)?;
            let mut update = AssetUpdate::new();
            if let Some(t) = alt_text {
                update = update.alt_text(t);
            }
            if let Some(n) = display_name {
                update = update.display_name(n);
            }
            let body = update
                .request()
                .map_err(|e| Usage(format!("{e} (--alt-text and --display-name)")))?;
            if dry_run {
                let body = serde_json::to_value(&body).unwrap_or_default();
                if api.json {
                    println!(
                        "{}",
                        json!({"status": "would update", "id": id, "body": body})
                    );
                } else {
                    println!("would send PATCH /assets/{id} {body}; nothing was sent");
                }
                return Ok(EXIT_OK);
            }
            Ok(match client(api)?.update_asset(&id, &update).await {
                Ok(asset) => {
                    if !api.json {
                        eprintln!("updated {id}");
                    }
                    print_item(api.json, &asset);
                    EXIT_OK
                }
                Err(e) => failed(&e),
            })
        }
        AssetsCommand::Usage { ids, index } => super::usage::usage(api, &ids, &index).await,
        AssetsCommand::Unused { folder, index } => {
            super::usage::unused(api, folder.as_deref(), &index).await
        }
        AssetsCommand::Delete {
            mut ids,
            yes,
            force,
            index,
        } => {
            for id in &ids {
                check_id("asset id", id)?;
            }
            if !yes && !std::io::stdin().is_terminal() {
                return Err(Usage(format!(
                    "deleting {} asset(s) needs a yes: pass --yes (there is no terminal to ask on)",
                    ids.len()
                )));
            }
            let mut code = EXIT_OK;
            if !force {
                let site = connect::site(api)?;
                let idx = match super::usage::scan::scan(&client(api)?, &site, &index, api.json)
                    .await
                {
                    Ok(i) => i,
                    Err(e) => {
                        eprintln!(
                            "error: cannot check where the assets are used, so nothing was deleted: {}",
                            super::hints::message(&e)
                        );
                        return Ok(EXIT_FAILED);
                    }
                };
                if !idx.gaps.is_empty() {
                    // What was found, and what could not be read: an asset
                    // used only there would break.
                    super::usage::scan::gaps(&idx);
                    for id in &ids {
                        super::usage::found_so_far(&idx, id, api.json);
                    }
                    eprintln!(
                        "error: nothing was deleted: {} part(s) of the site could not be read (above), and an asset used only there would break; get them read as each line says, then delete again",
                        idx.gaps.len()
                    );
                    return Ok(EXIT_FAILED);
                }
                ids.retain(|id| {
                    let places: Vec<String> = idx.uses_of(id).map(ToString::to_string).collect();
                    if places.is_empty() {
                        return true;
                    }
                    code = EXIT_FAILED;
                    if api.json {
                        println!("{}", json!({"id": id, "status": "in use", "uses": idx.uses_of(id).collect::<Vec<_>>()}));
                    } else {
                        eprintln!("error: {id} is in use, not deleted (pass --force to delete it anyway):");
                        for p in places {
                            eprintln!("  {p}");
                        }
                    }
                    false
                });
                if ids.is_empty() {
                    return Ok(code);
                }
            }
            if !yes {
                // Names and folders, not only ids: what the answer deletes.
                let client = client(api)?;
                let mut shown = Vec::new();
                for id in &ids {
                    shown.push((id.clone(), client.get_asset(id).await.ok()));
                }
                eprint!("{}", prompt::delete_prompt(&shown));
                let _ = std::io::stderr().flush();
                let mut answer = String::new();
                let _ = std::io::stdin().read_line(&mut answer);
                if !matches!(answer.trim(), "y" | "Y" | "yes") {
                    eprintln!("nothing deleted");
                    return Ok(code);
                }
            }
            let client = client(api)?;
            for id in &ids {
                match client.delete_asset(id).await {
                    Ok(()) if api.json => println!("{}", json!({"id": id, "status": "deleted"})),
                    Ok(()) => println!("deleted {id}"),
                    Err(e) => {
                        super::report::failure(api.json, ("id", id), &e);
                        code = EXIT_FAILED;
                    }
                }
            }
            Ok(code)
        }
    }
}

async fn list_assets(api: &ApiArgs, list: &ListArgs) -> Result<u8, Usage> {
    let site = connect::site(api)?;
    let fields: Vec<String> = if list.fields.is_empty() {
        DEFAULT_FIELDS.iter().map(|f| (*f).to_owned()).collect()
    } else {
        list.fields.iter().map(|f| f.trim().to_owned()).collect()
    };
    if let Some(bad) = fields.iter().find(|f| !ALL_FIELDS.contains(&f.as_str())) {
        return Err(Usage(format!(
            "--fields: {bad:?} is not a column; choose from {}",
            ALL_FIELDS.join(", ")
        )));
    }
    let mut options = ListOptions::new().offset(list.offset);
    if let Some(folder) = &list.folder {
        check_id("folder id (--folder)", folder)?;
        options = options.folder(folder);
    }
    if list.limit == Some(0) {
        return Err(Usage("--limit must be at least 1".to_owned()));
    }
    if let Some(n) = list.limit {
        options = options.limit(n.min(webflow_assets::MAX_PAGE));
    }
    let client = client(api)?;
    // A window (--limit) reads only the pages it needs.
    let window = list.limit.map_or(usize::MAX, |n| n as usize);
    let result = futures::StreamExt::take(client.list_assets(&site, options), window)
        .try_collect::<Vec<Asset>>()
        .await;
    let mut assets = match result {
        Ok(assets) => assets,
        Err(e) => return Ok(failed(&e)),
    };
    if let Some(key) = &list.sort_by {
        assets.sort_by(|a, b| compare(a, b, key));
        if list.order == "desc" {
            assets.reverse();
        }
    }
    if api.json && list.fields.is_empty() {
        for asset in &assets {
            print_item(true, asset);
        }
    } else if api.json {
        // --fields with --json: those keys only, sizes in exact bytes.
        for asset in &assets {
            let record: serde_json::Map<String, Value> = fields
                .iter()
                .map(|f| (f.clone(), json_cell(asset, f)))
                .collect();
            println!("{}", Value::Object(record));
        }
    } else {
        print_table(&fields, &assets);
    }
    Ok(EXIT_OK)
}

/// A column's value in JSON: numbers as numbers, absent values as null.
fn json_cell(a: &Asset, field: &str) -> Value {
    match field {
        "size" => a.size.map_or(Value::Null, Value::from),
        _ => match cell(a, field) {
            dash if dash == "-" => Value::Null,
            text => Value::String(text),
        },
    }
}

fn compare(a: &Asset, b: &Asset, key: &str) -> CmpOrdering {
    match key {
        "name" => name(a).cmp(&name(b)),
        "size" => a.size.cmp(&b.size),
        "type" => a.content_type.cmp(&b.content_type),
        "created" => a.created_on.cmp(&b.created_on),
        _ => a.last_updated.cmp(&b.last_updated),
    }
}

fn cell(a: &Asset, field: &str) -> String {
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    match field {
        "id" => a.id.clone(),
        "name" => name(a),
        // Human units in the table, as everywhere in text; exact bytes in --json.
        "size" => a.size.map_or("-".to_owned(), |s| {
            indicatif::HumanBytes(u64::try_from(s).unwrap_or_default()).to_string()
        }),
        "type" => opt(&a.content_type),
        "folder" => opt(&a.folder_id),
        "alt" => opt(&a.alt_text),
        "created" => a.created_on.map_or("-".to_owned(), |d| d.to_rfc3339()),
        "updated" => a.last_updated.map_or("-".to_owned(), |d| d.to_rfc3339()),
        _ => opt(&a.hosted_url),
    }
}

/// Columns padded to their widest cell, a header first.
fn print_table(fields: &[String], assets: &[Asset]) {
    let rows: Vec<Vec<String>> = assets
        .iter()
        .map(|a| fields.iter().map(|f| cell(a, f)).collect())
        .collect();
    let widths: Vec<usize> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([f.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(fields.iter().map(|f| f.to_uppercase()).collect());
    for row in rows {
        line(row);
    }
    eprintln!("{} asset(s)", assets.len());
}

/// An asset or folder: one JSON line, or one `field: value` line per field.
pub(super) fn print_item(as_json: bool, item: &impl serde::Serialize) {
    if as_json {
        println!("{}", serde_json::to_string(item).unwrap_or_default());
        return;
    }
    if let Ok(Value::Object(map)) = serde_json::to_value(item) {
        for (k, v) in map {
            let shown = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            println!("{k:>16}: {shown}");
        }
    }
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
    /// Delete assets (asks first on a terminal unless --yes). An asset
    /// still used by the site (a page, component or CMS item, staged or
    /// live, or the published site) is refused, naming where, unless
    /// --force.
    Delete {
        /// The asset ids.
        #[arg(required = true)]
        ids: Vec<String>,
        /// Delete without asking (required when not on a terminal).
        #[arg(long, short)]
        yes: bool,
        /// Delete even assets in use (their pages and items show broken
        /// images), without scanning the site first.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        index: IndexArgs,
    },
    /// Where the site uses these assets: pages and components (every
    /// locale), CMS items (staged and live), and the published site
    /// (style backgrounds, custom code, the head's images).
    Usage {
        /// The asset ids.
        #[arg(required = true)]
        ids: Vec<String>,
        #[command(flatten)]
        index: IndexArgs,
    },
    /// The assets used nowhere the scan sees (its blind spots are named).
    Unused {
        /// Only the assets of this folder and the folders below it.
        #[arg(long)]
        folder: Option<String>,
        #[command(flatten)]
        index: IndexArgs,
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
