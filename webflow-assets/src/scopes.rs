//! The scopes a token needs. Each operation's come from the spec
//! (`x-required-scopes`, read by `build.rs`), each task's from the
//! operations it calls, so that what `whoami`, a command's help and a
//! missing-scope error say cannot drift from what the API asks.
//!
//! ```
//! use webflow_assets::scopes::{Task, missing, parse_scopes};
//!
//! let granted = parse_scopes("assets:read,assets:write");
//! assert!(missing(Task::Upload, &granted).is_empty());
//! assert_eq!(
//!     missing(Task::DeleteChecked, &granted),
//!     ["cms:read", "components:read", "pages:read", "sites:read"]
//! );
//! ```

include!(concat!(env!("OUT_DIR"), "/scopes.rs"));

/// What a program does with the API: a set of operations, each of whose
/// scopes the token needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Task {
    /// Upload files: Create Asset Metadata, with the folders listed to
    /// place them and the site's assets listed to skip what is there.
    Upload,
    /// List, get and look at assets and folders.
    ReadAssets,
    /// Change an asset's alt text or display name.
    UpdateAssets,
    /// Create an asset folder.
    CreateFolder,
    /// Find where assets are used: the site's locales, pages, components
    /// and CMS items, staged and live (the published site needs no scope).
    ScanUsage,
    /// Delete assets after checking that the site does not use them.
    DeleteChecked,
    /// Delete assets without checking (`--force`).
    DeleteUnchecked,
    /// Mirror a folder tree: upload, folders, alt texts.
    Sync,
    /// A sync that also deletes what left the tree, after checking use.
    SyncPrune,
    /// Move CMS references from a replaced asset to its replacement.
    Relink,
    /// List the sites the token reaches, and read one.
    ReadSites,
}

const LIST_ASSETS: (&str, &str) = ("GET", "/sites/{site_id}/assets");
const CREATE_ASSET: (&str, &str) = ("POST", "/sites/{site_id}/assets");
const GET_ASSET: (&str, &str) = ("GET", "/assets/{asset_id}");
const UPDATE_ASSET: (&str, &str) = ("PATCH", "/assets/{asset_id}");
const DELETE_ASSET: (&str, &str) = ("DELETE", "/assets/{asset_id}");
const LIST_FOLDERS: (&str, &str) = ("GET", "/sites/{site_id}/asset_folders");
const CREATE_FOLDER: (&str, &str) = ("POST", "/sites/{site_id}/asset_folders");
const GET_FOLDER: (&str, &str) = ("GET", "/asset_folders/{asset_folder_id}");
const SCAN: &[(&str, &str)] = &[
    ("GET", "/sites/{site_id}"),
    ("GET", "/sites/{site_id}/pages"),
    ("GET", "/pages/{page_id}/dom"),
    ("GET", "/sites/{site_id}/components"),
    ("GET", "/sites/{site_id}/components/{component_id}/dom"),
    ("GET", "/sites/{site_id}/collections"),
    ("GET", "/collections/{collection_id}"),
    ("GET", "/collections/{collection_id}/items"),
    ("GET", "/collections/{collection_id}/items/live"),
];
const RELINK: &[(&str, &str)] = &[
    ("PATCH", "/collections/{collection_id}/items"),
    ("PATCH", "/collections/{collection_id}/items/live"),
];

impl Task {
    /// Every task, in the order `whoami` lists them.
    pub const ALL: [Task; 11] = [
        Task::ReadSites,
        Task::ReadAssets,
        Task::Upload,
        Task::UpdateAssets,
        Task::CreateFolder,
        Task::Sync,
        Task::ScanUsage,
        Task::DeleteChecked,
        Task::DeleteUnchecked,
        Task::SyncPrune,
        Task::Relink,
    ];

    /// The operations (method, path as in the spec) the task calls.
    pub fn operations(self) -> Vec<(&'static str, &'static str)> {
        let mut ops: Vec<(&str, &str)> = match self {
            Task::Upload => vec![CREATE_ASSET, LIST_ASSETS, LIST_FOLDERS],
            Task::ReadAssets => vec![LIST_ASSETS, GET_ASSET, LIST_FOLDERS, GET_FOLDER],
            Task::UpdateAssets => vec![GET_ASSET, UPDATE_ASSET],
            Task::CreateFolder => vec![LIST_FOLDERS, CREATE_FOLDER],
            Task::ScanUsage => [&[LIST_ASSETS][..], SCAN].concat(),
            Task::DeleteChecked => [&[LIST_ASSETS, DELETE_ASSET][..], SCAN].concat(),
            Task::DeleteUnchecked => vec![GET_ASSET, DELETE_ASSET],
            Task::Sync => vec![
                CREATE_ASSET,
                LIST_ASSETS,
                UPDATE_ASSET,
                LIST_FOLDERS,
                CREATE_FOLDER,
            ],
            Task::SyncPrune => {
                let mut ops = Task::Sync.operations();
                ops.extend(Task::DeleteChecked.operations());
                ops
            }
            Task::Relink => [SCAN, RELINK].concat(),
            Task::ReadSites => vec![("GET", "/sites"), ("GET", "/sites/{site_id}")],
        };
        ops.sort_unstable();
        ops.dedup();
        ops
    }

    /// The scopes the task needs, sorted, each once.
    ///
    /// An operation this build's spec does not hold needs nothing here; the
    /// tests hold every task's operations to the spec.
    pub fn scopes(self) -> Vec<&'static str> {
        let mut scopes: Vec<&'static str> = self
            .operations()
            .into_iter()
            .filter_map(|(method, path)| operation_scopes(method, path))
            .flatten()
            .copied()
            .collect();
        scopes.sort_unstable();
        scopes.dedup();
        scopes
    }

    /// What the task is, in a few words (`whoami`'s rows).
    pub fn describe(self) -> &'static str {
        match self {
            Task::Upload => "upload files",
            Task::ReadAssets => "list and read assets and folders",
            Task::UpdateAssets => "change alt texts and display names",
            Task::CreateFolder => "create asset folders",
            Task::ScanUsage => "find where assets are used",
            Task::DeleteChecked => "delete assets the site does not use",
            Task::DeleteUnchecked => "delete assets without checking their use",
            Task::Sync => "sync a folder tree",
            Task::SyncPrune => "sync and delete what left the tree",
            Task::Relink => "move CMS references to a replacing asset",
            Task::ReadSites => "list sites and read one",
        }
    }
}

/// The scopes the spec gives an operation (`None`: not in the spec).
pub fn operation_scopes(method: &str, path: &str) -> Option<&'static [&'static str]> {
    OPERATION_SCOPES
        .iter()
        .find(|(m, p, _)| m.eq_ignore_ascii_case(method) && *p == path)
        .map(|(_, _, scopes)| *scopes)
}

/// Every operation of the spec with its scopes: (method, path, scopes).
pub fn all_operations() -> &'static [(&'static str, &'static str, &'static [&'static str])] {
    OPERATION_SCOPES
}

/// A token's scopes as Get Authorization Info writes them: separated by
/// commas in Webflow's example, by spaces in its field's description, so
/// either is read. Empty parts are dropped.
pub fn parse_scopes(text: &str) -> Vec<String> {
    let mut scopes: Vec<String> = text
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    scopes.sort_unstable();
    scopes.dedup();
    scopes
}

/// The scopes `task` needs that `granted` lacks, sorted. Each scope is
/// matched as written: Webflow lists a read-and-write token's scopes both
/// (`assets:read,assets:write` in its example), and nothing it documents
/// says that a `:write` scope stands for its `:read`.
pub fn missing(task: Task, granted: &[String]) -> Vec<&'static str> {
    task.scopes()
        .into_iter()
        .filter(|needed| !granted.iter().any(|g| g == needed))
        .collect()
}

/// The tasks that need `scope`.
pub fn tasks_needing(scope: &str) -> Vec<Task> {
    Task::ALL
        .into_iter()
        .filter(|t| t.scopes().contains(&scope))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_calls_only_operations_of_the_spec() {
        for task in Task::ALL {
            for (method, path) in task.operations() {
                assert!(
                    operation_scopes(method, path).is_some(),
                    "{task:?}: {method} {path} is not in openapi/"
                );
            }
            assert!(!task.scopes().is_empty(), "{task:?} needs no scope?");
        }
    }

    #[test]
    fn scopes_come_from_the_spec() {
        assert_eq!(Task::Upload.scopes(), ["assets:read", "assets:write"]);
        assert_eq!(
            Task::SyncPrune.scopes(),
            [
                "assets:read",
                "assets:write",
                "cms:read",
                "components:read",
                "pages:read",
                "sites:read"
            ]
        );
        assert_eq!(
            Task::Relink.scopes(),
            [
                "cms:read",
                "cms:write",
                "components:read",
                "pages:read",
                "sites:read"
            ]
        );
        assert_eq!(operation_scopes("GET", "/token/introspect"), Some(&[][..]));
    }

    #[test]
    fn scopes_are_read_with_commas_or_spaces() {
        let granted = parse_scopes(" assets:write cms:write,sites:read,,cms:read ");
        assert_eq!(
            granted,
            ["assets:write", "cms:read", "cms:write", "sites:read"]
        );
        assert_eq!(missing(Task::Upload, &granted), ["assets:read"]);
        assert_eq!(
            missing(Task::Relink, &granted),
            ["components:read", "pages:read"]
        );
    }
}
