//! What `--help` adds to `-h`: each command's examples and the token
//! scopes it needs (from the library's table, as `whoami` says them).
//! clap shows `after_long_help` under `--help` only, so `-h` stays short.

use clap::Command;
use webflow_assets::scopes::Task;

/// Examples, by command path.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "upload",
        "  webflow-assets upload --sandbox photo.jpg            # try it: a local sandbox, no account
  webflow-assets upload --dry-run images/               # the plan: names, types, sizes; nothing sent
  webflow-assets upload images/ --include '*.png' --json  # one JSON record per file, for scripts
  webflow-assets upload --fit --max-dimension 2000 --format webp big.jpg
  webflow-assets upload https://example.com/logo.svg --folder <FOLDER_ID>",
    ),
    (
        "sync",
        "  webflow-assets sync site-images/ --dry-run           # what would go up, change and go
  webflow-assets sync site-images/                      # new and changed files up, folders to match
  webflow-assets sync site-images/ --prune              # and delete what left the tree, unless in use
  webflow-assets sync photos/ --fit --format webp --max-dimension 2400",
    ),
    (
        "assets list",
        "  webflow-assets assets list
  webflow-assets assets list --json | jq -r .hostedUrl",
    ),
    ("assets get", "  webflow-assets assets get <ASSET_ID> --json"),
    (
        "assets update",
        "  webflow-assets assets update <ASSET_ID> --alt-text 'A harbour at dusk'",
    ),
    (
        "assets delete",
        "  webflow-assets assets delete <ASSET_ID>               # refused if the site uses it, naming where
  webflow-assets assets unused --json | jq -r .id | xargs webflow-assets assets delete --yes",
    ),
    (
        "assets usage",
        "  webflow-assets assets usage <ASSET_ID>
  WEBFLOW_SITE_PASSWORD=... webflow-assets assets usage <ASSET_ID>   # a password-protected site",
    ),
    (
        "assets unused",
        "  webflow-assets assets unused
  webflow-assets assets unused --folder <FOLDER_ID> --json",
    ),
    ("folders list", "  webflow-assets folders list --json"),
    (
        "folders create",
        "  webflow-assets folders create Photos
  webflow-assets folders create 2026 --parent <FOLDER_ID>",
    ),
    ("folders get", "  webflow-assets folders get <FOLDER_ID>"),
    (
        "sites list",
        "  webflow-assets sites list                            # the ids to pass as --site
  export WEBFLOW_SITE_ID=$(webflow-assets sites list --json | jq -r .id | head -1)",
    ),
    ("sites get", "  webflow-assets sites get <SITE_ID>"),
    (
        "whoami",
        "  webflow-assets whoami                                # scopes, sites, and each command: yes, no or ?
  webflow-assets whoami --site <SITE_ID>               # a token that may not introspect: try its reads",
    ),
];

/// The tasks a command runs, by path (for the scopes it needs).
fn tasks(path: &str) -> &'static [Task] {
    match path {
        "upload" => &[Task::Upload],
        "sync" => &[Task::Sync, Task::SyncPrune, Task::Relink],
        "assets list" | "assets get" | "folders list" | "folders get" => &[Task::ReadAssets],
        "assets update" => &[Task::UpdateAssets],
        "assets delete" => &[Task::DeleteChecked, Task::DeleteUnchecked],
        "assets usage" | "assets unused" => &[Task::ScanUsage],
        "folders create" => &[Task::CreateFolder],
        "sites list" | "sites get" => &[Task::ReadSites],
        _ => &[],
    }
}

/// `command` with every subcommand's long help: examples, then scopes.
pub(crate) fn decorate(command: Command) -> Command {
    decorate_at(command, "")
}

fn decorate_at(mut command: Command, path: &str) -> Command {
    let names: Vec<String> = command
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    for name in names {
        let sub_path = format!("{path} {name}").trim().to_owned();
        command = command.mut_subcommand(&name, |sub| {
            let sub = decorate_at(sub, &sub_path);
            match text_for(&sub_path) {
                Some(text) => sub.after_long_help(text),
                None => sub,
            }
        });
    }
    command
}

/// The long help's tail for a command path, if it has one.
pub(crate) fn text_for(path: &str) -> Option<String> {
    let mut parts = Vec::new();
    if let Some((_, examples)) = EXAMPLES.iter().find(|(p, _)| *p == path) {
        parts.push(format!("Examples:\n{examples}"));
    }
    let tasks = tasks(path);
    if !tasks.is_empty() {
        let lines: Vec<String> = tasks
            .iter()
            .map(|t| {
                format!(
                    "  {}: {}",
                    super::scope_words::commands_of(*t),
                    t.scopes().join(", ")
                )
            })
            .collect();
        parts.push(format!(
            "Token scopes (`webflow-assets whoami` checks a token):\n{}",
            lines.join("\n")
        ));
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}
