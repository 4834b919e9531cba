//! The plan of a sync: the local tree, the state and the site's listing in,
//! the actions out. Pure but for [`check_candidates`], which reads hosted
//! files (the CDN, not the rate-limited API) to tell whether an asset of the
//! same name holds the file's bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Value, json};
use webflow_assets::fit::FitOptions;
use webflow_assets::types::{Asset, AssetFolder};
use webflow_assets::{Client, Error};

use super::state::Snapshot;

/// A file of the tree.
#[derive(Clone, Debug)]
pub(crate) struct LocalFile {
    /// Its directory, relative to the tree (`""` at the top).
    pub dir: String,
    pub name: String,
    pub md5: String,
    pub size: u64,
}

/// The tree: directories (relative, `/`-separated) and hashed files.
#[derive(Debug, Default)]
pub(crate) struct Local {
    pub dirs: BTreeSet<String>,
    pub files: BTreeMap<String, LocalFile>,
}

impl Local {
    /// Walks `root` (hidden entries and the state file skipped) and hashes
    /// every file; a name that is not UTF-8 stops the sync naming it.
    pub fn read(root: &Path, state_file: &Path) -> Result<Self, String> {
        let mut local = Local::default();
        local.dirs.insert(String::new());
        let walker = walkdir::WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            let entry = entry.map_err(|e| format!("cannot walk {}: {e}", root.display()))?;
            if entry.depth() == 0 || entry.path() == state_file {
                continue;
            }
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
            let Some(rel) = rel.to_str() else {
                return Err(format!(
                    "{} has a name that is not UTF-8; rename it (asset and folder names are text)",
                    entry.path().display()
                ));
            };
            let rel = rel.replace('\\', "/");
            if entry.file_type().is_dir() {
                local.dirs.insert(rel);
            } else if entry.file_type().is_file() {
                let digest = webflow_assets::hash_file_blocking(entry.path())
                    .map_err(|e| crate::cli::hints::message(&e))?;
                let (dir, name) = match rel.rsplit_once('/') {
                    Some((d, n)) => (d.to_owned(), n.to_owned()),
                    None => (String::new(), rel.clone()),
                };
                local.files.insert(
                    rel,
                    LocalFile {
                        dir,
                        name,
                        md5: digest.md5,
                        size: digest.size,
                    },
                );
            }
        }
        Ok(local)
    }
}

/// What the site holds, from its listings.
pub(crate) struct Site {
    folders: Vec<AssetFolder>,
    assets: BTreeMap<String, Asset>,
    root: Option<String>,
}

impl Site {
    pub fn new(folders: Vec<AssetFolder>, assets: Vec<Asset>, root: Option<String>) -> Self {
        Self {
            folders,
            assets: assets.into_iter().map(|a| (a.id.clone(), a)).collect(),
            root,
        }
    }

    fn folder_named(&self, name: &str, parent: Option<&str>) -> Option<&AssetFolder> {
        self.folders.iter().find(|f| {
            f.display_name.as_deref() == Some(name) && f.parent_folder.as_deref() == parent
        })
    }
}

/// One thing to do.
#[derive(Clone, Debug)]
pub(crate) enum Action {
    CreateFolder {
        dir: String,
        name: String,
        parent_dir: String,
    },
    Upload {
        path: String,
        reason: &'static str,
        alt: Option<String>,
        /// Assets of the same name in the target folder that the state does
        /// not give to another file: maybe this file already (a crash before
        /// it was recorded, or `--adopt`).
        candidates: Vec<(String, Option<String>)>,
        /// Whether the state holds an unconfirmed create of this file.
        settling: bool,
        /// Entries a crash left without their file, deleted before the upload.
        stale_entries: Vec<String>,
    },
    Adopt {
        path: String,
        id: String,
        alt: Option<String>,
        reason: &'static str,
    },
    UpdateAlt {
        path: String,
        id: String,
        alt: Option<String>,
    },
    Delete {
        id: String,
        path: Option<String>,
    },
}

impl Action {
    pub fn to_json(&self) -> Value {
        match self {
            Action::CreateFolder { dir, name, .. } => {
                json!({"action": "create_folder", "dir": dir, "name": name})
            }
            Action::Upload {
                path, reason, alt, ..
            } => {
                json!({"action": "upload", "path": path, "reason": reason, "altText": alt})
            }
            Action::Adopt {
                path, id, reason, ..
            } => {
                json!({"action": "adopt", "path": path, "id": id, "reason": reason})
            }
            Action::UpdateAlt { path, id, alt } => {
                json!({"action": "update_alt_text", "path": path, "id": id, "altText": alt})
            }
            Action::Delete { id, path } => json!({"action": "delete", "id": id, "path": path}),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Action::CreateFolder { dir, .. } => format!("create folder {dir}/"),
            Action::Upload { path, reason, .. } => format!("upload {path} ({reason})"),
            Action::Adopt {
                path, id, reason, ..
            } => format!("record {path} as {id} ({reason})"),
            Action::UpdateAlt { path, id, .. } => format!("set the alt text of {path} ({id})"),
            Action::Delete { id, path } => match path {
                Some(p) => format!("delete {id} ({p} is gone)"),
                None => format!("delete {id} (replaced by a newer upload)"),
            },
        }
    }
}

/// Counts per kind of action.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    pub folders: usize,
    pub uploads: usize,
    pub adopts: usize,
    pub alts: usize,
    pub deletes: usize,
}

/// The actions, and the folder of each directory known before they run.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub actions: Vec<Action>,
    /// Directory → folder id (`None`: the site root) for folders that exist.
    pub folders: BTreeMap<String, Option<String>>,
    pub unchanged: usize,
}

impl Plan {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for a in &self.actions {
            match a {
                Action::CreateFolder { .. } => c.folders += 1,
                Action::Upload { .. } => c.uploads += 1,
                Action::Adopt { .. } => c.adopts += 1,
                Action::UpdateAlt { .. } => c.alts += 1,
                Action::Delete { .. } => c.deletes += 1,
            }
        }
        c
    }

    pub fn deletes(&self) -> usize {
        self.counts().deletes
    }
}

/// The plan. `alt`: the alt text file, when given; `prune`: delete what
/// the state owns and no file maps to.
pub(crate) fn plan(
    local: &Local,
    state: &Snapshot,
    site: &Site,
    alt: Option<&BTreeMap<String, String>>,
    prune: bool,
    fit: Option<&FitOptions>,
) -> Plan {
    let mut plan = Plan::default();
    // Folders, parents first (BTreeSet order puts "a" before "a/b").
    let mut new_dirs: BTreeSet<String> = BTreeSet::new();
    plan.folders.insert(String::new(), site.root.clone());
    for dir in local.dirs.iter().filter(|d| !d.is_empty()) {
        let (parent_dir, name) = match dir.rsplit_once('/') {
            Some((p, n)) => (p.to_owned(), n.to_owned()),
            None => (String::new(), dir.clone()),
        };
        let existing = if new_dirs.contains(&parent_dir) {
            None
        } else {
            let parent = plan.folders.get(&parent_dir).cloned().flatten();
            site.folder_named(&name, parent.as_deref())
        };
        match existing {
            Some(f) => {
                plan.folders.insert(dir.clone(), Some(f.id.clone()));
            }
            None => {
                new_dirs.insert(dir.clone());
                plan.actions.push(Action::CreateFolder {
                    dir: dir.clone(),
                    name,
                    parent_dir,
                });
            }
        }
    }
    // Assets the state gives to a file: not candidates for another.
    let claimed: BTreeSet<&str> = state.files.values().map(|r| r.id.as_str()).collect();
    for (path, file) in &local.files {
        let wanted_alt = alt.and_then(|m| m.get(path)).cloned();
        let in_new_folder = new_dirs.contains(&file.dir);
        let folder = if in_new_folder {
            None
        } else {
            plan.folders.get(&file.dir).cloned().flatten()
        };
        let record = state.files.get(path);
        let on_site = record.and_then(|r| site.assets.get(&r.id));
        let fit_key = super::fit::key_for(&file.name, fit);
        if let (Some(r), Some(asset)) = (record, on_site)
            && r.md5 == file.md5
            && r.fit == fit_key
            && !in_new_folder
            && asset.folder_id == folder
        {
            match &wanted_alt {
                Some(text) if r.alt.as_deref() != Some(text.as_str()) => {
                    plan.actions.push(Action::UpdateAlt {
                        path: path.clone(),
                        id: r.id.clone(),
                        alt: Some(text.clone()),
                    });
                }
                _ => plan.unchanged += 1,
            }
            continue;
        }
        let reason = match (record, on_site) {
            (None, _) => "new",
            (Some(r), _) if r.md5 != file.md5 => "changed",
            (Some(_), None) => "deleted on the site since",
            (Some(r), Some(_)) if r.fit != fit_key => "fit options changed",
            _ => "moved to another folder",
        };
        let settling = state.pending.get(path).is_some_and(|p| p.md5 == file.md5);
        let candidates = if in_new_folder {
            vec![]
        } else {
            site.assets
                .values()
                .filter(|a| a.folder_id == folder)
                .filter(|a| a.original_file_name.as_deref() == Some(file.name.as_str()))
                .filter(|a| !claimed.contains(a.id.as_str()))
                .map(|a| (a.id.clone(), a.hosted_url.clone()))
                .collect()
        };
        plan.actions.push(Action::Upload {
            path: path.clone(),
            reason,
            alt: wanted_alt,
            candidates,
            settling,
            stale_entries: vec![],
        });
    }
    if prune {
        for (path, r) in &state.files {
            if !local.files.contains_key(path) && site.assets.contains_key(&r.id) {
                plan.actions.push(Action::Delete {
                    id: r.id.clone(),
                    path: Some(path.clone()),
                });
            }
        }
        // Replaced now, or by an upload of this run.
        let mut replaced: BTreeSet<String> = state.superseded.keys().cloned().collect();
        for a in &plan.actions {
            if let Action::Upload { path, .. } = a
                && let Some(r) = state.files.get(path)
            {
                replaced.insert(r.id.clone());
            }
        }
        for id in replaced {
            if site.assets.contains_key(&id) {
                plan.actions.push(Action::Delete { id, path: None });
            }
        }
    }
    plan
}

/// Turns an upload whose file is already on the site into an adoption:
/// after a crash (the state announced the create), or with `--adopt`, an
/// asset of the same name in the same folder whose hosted bytes have the
/// file's MD5 is that file. After a crash, a same-named entry without a
/// file (its upload never finished) is deleted before uploading again.
pub(crate) async fn check_candidates(client: &Client, plan: &mut Plan, local: &Local, adopt: bool) {
    for action in plan.actions.iter_mut() {
        let replacement = match action {
            Action::Upload {
                path,
                alt,
                candidates,
                settling,
                stale_entries,
                ..
            } if (*settling || adopt) && !candidates.is_empty() => {
                let file = &local.files[path.as_str()];
                let mut found = None;
                for (id, hosted) in candidates.iter() {
                    let Some(url) = hosted else { continue };
                    match client.hash_hosted(url).await {
                        Ok(d) if d.md5 == file.md5 && d.size == file.size => {
                            found = Some(id.clone());
                            break;
                        }
                        Ok(_) => {}
                        Err(Error::Verification {
                            status: Some(s), ..
                        }) if *settling && (s.as_u16() == 404 || s.as_u16() == 403) => {
                            stale_entries.push(id.clone());
                        }
                        Err(e) => {
                            tracing::warn!(asset = %id, error = %e, "cannot read a hosted file")
                        }
                    }
                }
                found.map(|id| Action::Adopt {
                    path: path.clone(),
                    id,
                    alt: alt.clone(),
                    reason: if *settling {
                        "uploaded before a crash"
                    } else {
                        "already on the site (--adopt)"
                    },
                })
            }
            _ => None,
        };
        if let Some(adoption) = replacement {
            *action = adoption;
        }
    }
}
