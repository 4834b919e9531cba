//! The library's tasks ([`Task`]) in this tool's words: which commands
//! each stands for, and so which commands a scope unlocks.

use webflow_assets::scopes::Task;

/// The commands of this tool a task stands for, in its users' words.
pub(crate) fn commands_of(task: Task) -> &'static str {
    match task {
        Task::ReadSites => "sites list, sites get",
        Task::ReadAssets => "assets list, assets get, folders list, folders get",
        Task::Upload => "upload",
        Task::UpdateAssets => "assets update",
        Task::CreateFolder => "folders create",
        Task::Sync => "sync",
        Task::ScanUsage => "assets usage, assets unused",
        Task::DeleteChecked => "assets delete",
        Task::DeleteUnchecked => "assets delete --force",
        Task::SyncPrune => "sync --prune",
        Task::Relink => "sync (moving the CMS references of replaced files)",
        _ => "(a task this build does not name)",
    }
}

/// Each command and the scopes its token needs, one line each, from the
/// library's table (the no-token message, `--help` and the README say
/// this; a test holds the README to it).
pub(crate) fn scope_table() -> String {
    Task::ALL
        .into_iter()
        .map(|t| format!("  {}: {}\n", commands_of(t), t.scopes().join(", ")))
        .collect()
}

/// The commands that need `scope`, joined.
pub(crate) fn commands_needing(scope: &str) -> String {
    let tasks = webflow_assets::scopes::tasks_needing(scope);
    tasks
        .into_iter()
        .map(commands_of)
        .collect::<Vec<_>>()
        .join("; ")
}
