//! `webflow-assets folders`: list, create and show asset folders.

use clap::{Args, Subcommand};
use futures::TryStreamExt;
use serde_json::json;
use webflow_assets::types::AssetFolder;

use super::assets_cmd::{client, failed, print_item};
use super::connect::{self, ApiArgs, check_id};
use super::{EXIT_OK, Usage};

pub(crate) async fn folders(args: FoldersArgs) -> Result<u8, Usage> {
    let api = &args.api;
    match args.command {
        FoldersCommand::List => {
            let site = connect::site(api)?;
            let client = client(api)?;
            let folders: Vec<AssetFolder> =
                match client.list_asset_folders(&site).try_collect().await {
                    Ok(f) => f,
                    Err(e) => return Ok(failed(&e)),
                };
            if api.json {
                for f in &folders {
                    print_item(true, f);
                }
            } else {
                println!("{:<24}  {:<24}  {:>6}  NAME", "ID", "PARENT", "ASSETS");
                for f in &folders {
                    println!(
                        "{:<24}  {:<24}  {:>6}  {}",
                        f.id,
                        f.parent_folder.as_deref().unwrap_or("-"),
                        f.assets.as_ref().map_or(0, Vec::len),
                        f.display_name.as_deref().unwrap_or("-")
                    );
                }
                eprintln!("{} folder(s)", folders.len());
            }
            Ok(EXIT_OK)
        }
        FoldersCommand::Create {
            name,
            parent,
            dry_run,
            duplicate,
        } => {
            let site = connect::site(api)?;
            if let Some(p) = &parent {
                check_id("parent folder id (--parent)", p)?;
            }
            if name.trim().is_empty() || name.chars().count() > 255 {
                return Err(Usage(
                    "the folder name must have 1 to 255 characters".to_owned(),
                ));
            }
            if dry_run {
                let body = json!({"displayName": name, "parentFolder": parent});
                if api.json {
                    println!("{}", json!({"status": "would create", "body": body}));
                } else {
                    println!(
                        "would send POST /sites/{site}/asset_folders {body}; nothing was sent"
                    );
                }
                return Ok(EXIT_OK);
            }
            let client = client(api)?;
            if !duplicate {
                // Webflow makes a second folder of the same name without a
                // word; two folders alike are rarely what anyone wants.
                let folders: Vec<AssetFolder> =
                    match client.list_asset_folders(&site).try_collect().await {
                        Ok(f) => f,
                        Err(e) => return Ok(failed(&e)),
                    };
                if let Some(same) = folders.iter().find(|f| {
                    f.display_name.as_deref() == Some(name.as_str())
                        && f.parent_folder.as_deref() == parent.as_deref()
                }) {
                    eprintln!(
                        "error: a folder named {name:?} is already there ({}); nothing was created; use it, or pass --duplicate to make a second one",
                        same.id
                    );
                    return Ok(super::EXIT_FAILED);
                }
            }
            Ok(
                match client
                    .create_asset_folder(&site, &name, parent.as_deref())
                    .await
                {
                    Ok(folder) => {
                        if !api.json {
                            eprintln!("created folder {}", folder.id);
                        }
                        print_item(api.json, &folder);
                        EXIT_OK
                    }
                    Err(e) => failed(&e),
                },
            )
        }
        FoldersCommand::Get { id } => {
            check_id("folder id", &id)?;
            Ok(match client(api)?.get_asset_folder(&id).await {
                Ok(folder) => {
                    print_item(api.json, &folder);
                    EXIT_OK
                }
                Err(e) => failed(&e),
            })
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct FoldersArgs {
    #[command(subcommand)]
    pub command: FoldersCommand,
    #[command(flatten)]
    pub api: ApiArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum FoldersCommand {
    /// List the site's asset folders.
    List,
    /// Create an asset folder.
    Create {
        /// Its name.
        name: String,
        /// The folder to create it in (default: the root).
        #[arg(long)]
        parent: Option<String>,
        /// Print the request instead of sending it.
        #[arg(long)]
        dry_run: bool,
        /// Create it even when a folder of that name is already there
        /// (Webflow allows two alike).
        #[arg(long)]
        duplicate: bool,
    },
    /// Show one asset folder.
    Get {
        /// The folder id.
        id: String,
    },
}
