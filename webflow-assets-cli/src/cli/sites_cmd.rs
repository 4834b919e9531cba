//! `webflow-assets sites` (list the token's sites, show one) and
//! `webflow-assets whoami` (what the token can do, command by command).

use clap::{Args, Subcommand};
use serde_json::json;
use webflow_assets::scopes::Task;
use webflow_assets::types::Site;
use webflow_assets::{ScopeSource, TokenReport, Verdict};

use super::assets_cmd::{client, failed, print_item};
use super::connect::{ApiArgs, check_id};
use super::scope_words::commands_of;
use super::{EXIT_OK, Usage};

pub(crate) async fn sites(args: SitesArgs) -> Result<u8, Usage> {
    let api = &args.api;
    match args.command {
        SitesCommand::List => {
            let sites = match client(api)?.list_sites().await {
                Ok(s) => s,
                Err(e) => return Ok(failed(&e)),
            };
            if api.json {
                for s in &sites {
                    print_item(true, s);
                }
            } else {
                println!("{:<24}  {:<28}  DOMAINS", "ID", "NAME");
                for s in &sites {
                    println!("{:<24}  {:<28}  {}", s.id, name_of(s), domains(s));
                }
                eprintln!(
                    "{} site(s); pass one's id as --site or set WEBFLOW_SITE_ID",
                    sites.len()
                );
            }
            Ok(EXIT_OK)
        }
        SitesCommand::Get { id } => {
            let id = match id.or_else(|| api.site.clone()) {
                Some(id) => id,
                None => {
                    return Err(Usage(
                        "no site given: pass its id (`sites get <SITE_ID>`), or --site; `sites list` shows the ids"
                            .to_owned(),
                    ));
                }
            };
            check_id("site id", &id)?;
            Ok(match client(api)?.get_site(&id).await {
                Ok(site) => {
                    print_item(api.json, &site);
                    EXIT_OK
                }
                Err(e) => failed(&e),
            })
        }
    }
}

fn name_of(site: &Site) -> String {
    match (&site.display_name, &site.short_name) {
        (Some(d), Some(s)) => format!("{d} ({s})"),
        (Some(d), None) => d.clone(),
        (None, Some(s)) => s.clone(),
        (None, None) => "-".to_owned(),
    }
}

fn domains(site: &Site) -> String {
    let urls: Vec<&str> = site
        .custom_domains
        .iter()
        .flatten()
        .filter_map(|d| d.url.as_deref())
        .collect();
    if urls.is_empty() {
        "-".to_owned()
    } else {
        urls.join(", ")
    }
}

/// `whoami`: the token's scopes, sites and rate limit, and each command's
/// verdict. Exit 0 when the token is valid, whatever it may do.
pub(crate) async fn whoami(args: WhoamiArgs) -> Result<u8, Usage> {
    let api = &args.api;
    if let Some(site) = &api.site {
        check_id("site id (--site)", site)?;
    }
    let report = match client(api)?.whoami(api.site.as_deref()).await {
        Ok(r) => r,
        Err(e) => return Ok(failed(&e)),
    };
    let verdicts: Vec<(Task, Verdict)> = Task::ALL
        .into_iter()
        .map(|t| (t, report.verdict(t)))
        .collect();
    if api.json {
        let commands: Vec<_> = verdicts
            .iter()
            .map(|(t, v)| json!({"commands": commands_of(*t), "task": t.describe(), "scopes": t.scopes(), "can": v}))
            .collect();
        println!("{}", json!({"token": &report, "commands": commands}));
        return Ok(EXIT_OK);
    }
    print_report(&report, api.site.as_deref(), &verdicts);
    Ok(EXIT_OK)
}

fn print_report(report: &TokenReport, site: Option<&str>, verdicts: &[(Task, Verdict)]) {
    let source = match report.source {
        ScopeSource::Introspection => "from Get Authorization Info",
        _ => {
            "tried one read each (this token may not call Get Authorization Info; write scopes cannot be tried without writing)"
        }
    };
    println!("token: accepted by the API");
    let granted = if report.granted.is_empty() {
        "none".to_owned()
    } else {
        report.granted.join(", ")
    };
    println!("scopes: {granted} ({source})");
    if !report.denied.is_empty() && report.source == ScopeSource::Probe {
        println!("lacks: {}", report.denied.join(", "));
    }
    if let Some(limit) = report.rate_limit {
        println!("rate limit: {limit} calls a minute");
    }
    if let Some(app) = &report.application {
        println!("app: {app}");
    }
    if report.sites.is_empty() {
        if report.site_ids.is_empty() {
            println!(
                "sites: none found (a token without sites:read cannot list them; pass --site)"
            );
        } else {
            println!("sites: {}", report.site_ids.join(", "));
        }
    } else {
        println!("sites:");
        for s in &report.sites {
            println!("  {:<24}  {}  {}", s.id, name_of(s), domains(s));
        }
    }
    if report.source == ScopeSource::Probe && site.is_none() {
        println!("(the asset, page, component and CMS scopes are tried on a site: pass --site)");
    }
    println!("commands:");
    for (task, verdict) in verdicts {
        let (mark, why) = match verdict {
            Verdict::Yes => ("yes", String::new()),
            Verdict::No { missing } => ("no", format!("  needs {}", missing.join(", "))),
            Verdict::Unknown { unchecked } => {
                ("?", format!("  if the token has {}", unchecked.join(", ")))
            }
            _ => ("?", String::new()),
        };
        println!("  {mark:<3} {}{why}", commands_of(*task));
    }
}

#[derive(Debug, Args)]
pub(crate) struct SitesArgs {
    #[command(subcommand)]
    pub command: SitesCommand,
    #[command(flatten)]
    pub api: ApiArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SitesCommand {
    /// List the sites the token reaches, with their ids (scope sites:read).
    List,
    /// Show one site: its locales, domains and dates (scope sites:read).
    Get {
        /// The site id (default: --site or WEBFLOW_SITE_ID).
        id: Option<String>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct WhoamiArgs {
    #[command(flatten)]
    pub api: ApiArgs,
}
