//! What the sandbox holds: its assets and folders, behind one lock.

use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// An asset the sandbox holds.
#[derive(Clone, Debug)]
pub(crate) struct AssetRecord {
    pub(crate) id: String,
    pub(crate) site: String,
    /// The object key in the sandbox bucket.
    pub(crate) key: String,
    pub(crate) file_name: String,
    pub(crate) display_name: String,
    pub(crate) alt_text: Option<String>,
    pub(crate) content_type: String,
    pub(crate) folder: Option<String>,
    pub(crate) created: DateTime<Utc>,
    pub(crate) updated: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub(crate) struct FolderRecord {
    pub(crate) id: String,
    pub(crate) site: String,
    pub(crate) name: String,
    pub(crate) parent: Option<String>,
    pub(crate) created: DateTime<Utc>,
    pub(crate) updated: DateTime<Utc>,
}

/// Everything the sandbox's site holds, in creation order.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub(crate) inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
pub(crate) struct Inner {
    pub(crate) assets: Vec<AssetRecord>,
    pub(crate) folders: Vec<FolderRecord>,
}

impl Store {
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn add_asset(&self, asset: AssetRecord) {
        self.lock().assets.push(asset);
    }

    pub fn folder_exists(&self, site: &str, id: &str) -> bool {
        self.lock()
            .folders
            .iter()
            .any(|f| f.id == id && f.site == site)
    }
}

impl Inner {
    /// Where the sandbox site's asset `id` is, if it has one.
    pub(crate) fn asset_at(&self, site: &str, id: &str) -> Option<usize> {
        self.assets
            .iter()
            .position(|a| a.id == id && a.site == site)
    }
}

/// Whether `folder` is `root` or below it.
pub(crate) fn within(inner: &Inner, folder: Option<&str>, root: &str) -> bool {
    let mut current = folder.map(str::to_owned);
    // Bounded by the number of folders: a cycle cannot be made through the
    // API, but a bound costs nothing.
    for _ in 0..=inner.folders.len() {
        match current {
            Some(id) if id == root => return true,
            Some(id) => {
                current = inner
                    .folders
                    .iter()
                    .find(|f| f.id == id)
                    .and_then(|f| f.parent.clone());
            }
            None => return false,
        }
    }
    false
}

/// A copy of the site's asset `id`, if it has one.
pub(crate) fn find_asset(store: &Store, site: &str, id: &str) -> Option<AssetRecord> {
    let inner = store.lock();
    let at = inner.asset_at(site, id)?;
    Some(inner.assets[at].clone())
}
