//! What the sandbox saw: live counters for its handlers, and the snapshot
//! [`Sandbox::stats`](crate::Sandbox::stats) gives.

use std::sync::atomic::{AtomicU64, Ordering};

/// Calls per operation, for tests and the sandbox's exit stats.
#[derive(Debug, Default)]
#[non_exhaustive]
pub(crate) struct OperationCounters {
    /// List Assets calls answered with 200.
    pub(crate) listed: AtomicU64,
    /// Get Asset calls answered with 200.
    pub(crate) fetched: AtomicU64,
    /// Update Asset calls answered with 200.
    pub(crate) updated: AtomicU64,
    /// Delete Asset calls answered with 204.
    pub(crate) deleted: AtomicU64,
    /// List Asset Folders calls answered with 200.
    pub(crate) folders_listed: AtomicU64,
    /// Create Asset Folder calls answered with 200.
    pub(crate) folders_created: AtomicU64,
    /// Get Asset Folder calls answered with 200.
    pub(crate) folders_fetched: AtomicU64,
    /// Get Site calls answered with 200.
    pub(crate) site_fetched: AtomicU64,
    /// List Pages calls answered with 200.
    pub(crate) pages_listed: AtomicU64,
    /// Get Page Content calls answered with 200.
    pub(crate) page_contents: AtomicU64,
    /// List Components calls answered with 200.
    pub(crate) components_listed: AtomicU64,
    /// Get Component Content calls answered with 200.
    pub(crate) component_contents: AtomicU64,
    /// List Collections calls answered with 200.
    pub(crate) collections_listed: AtomicU64,
    /// Get Collection Details calls answered with 200.
    pub(crate) collections_fetched: AtomicU64,
    /// List Items (staged) calls answered with 200.
    pub(crate) items_listed: AtomicU64,
    /// List Live Items calls answered with 200.
    pub(crate) live_items_listed: AtomicU64,
    /// Update Items (staged) calls answered with 200.
    pub(crate) items_updated: AtomicU64,
    /// Update Live Items calls answered with 200.
    pub(crate) live_items_updated: AtomicU64,
}

/// The sandbox's live counters, shared by its handlers.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) created: AtomicU64,
    pub(crate) rate_limited: AtomicU64,
    pub(crate) refused: AtomicU64,
    pub(crate) injected_errors: AtomicU64,
    pub(crate) injected_drops: AtomicU64,
    pub(crate) injected_lost: AtomicU64,
    pub(crate) storage_requests: AtomicU64,
    pub(crate) published_requests: AtomicU64,
    pub(crate) published_downloads: AtomicU64,
    pub(crate) published_not_modified: AtomicU64,
    pub(crate) operations: OperationCounters,
}

impl Counters {
    /// What they read now.
    pub(crate) fn snapshot(&self) -> Stats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let o = &self.operations;
        Stats {
            created: get(&self.created),
            rate_limited: get(&self.rate_limited),
            refused: get(&self.refused),
            injected_errors: get(&self.injected_errors),
            injected_drops: get(&self.injected_drops),
            injected_lost: get(&self.injected_lost),
            storage_requests: get(&self.storage_requests),
            published_requests: get(&self.published_requests),
            published_downloads: get(&self.published_downloads),
            published_not_modified: get(&self.published_not_modified),
            operations: OperationStats {
                listed: get(&o.listed),
                fetched: get(&o.fetched),
                updated: get(&o.updated),
                deleted: get(&o.deleted),
                folders_listed: get(&o.folders_listed),
                folders_created: get(&o.folders_created),
                folders_fetched: get(&o.folders_fetched),
                site_fetched: get(&o.site_fetched),
                pages_listed: get(&o.pages_listed),
                page_contents: get(&o.page_contents),
                components_listed: get(&o.components_listed),
                component_contents: get(&o.component_contents),
                collections_listed: get(&o.collections_listed),
                collections_fetched: get(&o.collections_fetched),
                items_listed: get(&o.items_listed),
                live_items_listed: get(&o.live_items_listed),
                items_updated: get(&o.items_updated),
                live_items_updated: get(&o.live_items_updated),
            },
        }
    }
}

/// What the sandbox saw, counted when [`Sandbox::stats`](crate::Sandbox::stats) was called.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Stats {
    /// Create Asset Metadata calls answered with 200.
    pub created: u64,
    /// Calls refused with 429.
    pub rate_limited: u64,
    /// Calls refused with 400 or 401 or 404.
    pub refused: u64,
    /// Injected 500s (API and S3).
    pub injected_errors: u64,
    /// Injected dropped connections (API and S3).
    pub injected_drops: u64,
    /// API calls carried out whose answer was replaced by a 500.
    pub injected_lost: u64,
    /// Requests that reached S3.
    pub storage_requests: u64,
    /// Requests the published host answered.
    pub published_requests: u64,
    /// Of those, the documents sent whole (200).
    pub published_downloads: u64,
    /// Of those, the conditional requests answered 304 Not Modified.
    pub published_not_modified: u64,
    /// Calls answered, per operation (besides `created`).
    #[serde(flatten)]
    pub operations: OperationStats,
}

/// Calls answered, per operation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct OperationStats {
    /// List Assets calls answered with 200.
    pub listed: u64,
    /// Get Asset calls answered with 200.
    pub fetched: u64,
    /// Update Asset calls answered with 200.
    pub updated: u64,
    /// Delete Asset calls answered with 204.
    pub deleted: u64,
    /// List Asset Folders calls answered with 200.
    pub folders_listed: u64,
    /// Create Asset Folder calls answered with 200.
    pub folders_created: u64,
    /// Get Asset Folder calls answered with 200.
    pub folders_fetched: u64,
    /// Get Site calls answered with 200.
    pub site_fetched: u64,
    /// List Pages calls answered with 200.
    pub pages_listed: u64,
    /// Get Page Content calls answered with 200.
    pub page_contents: u64,
    /// List Components calls answered with 200.
    pub components_listed: u64,
    /// Get Component Content calls answered with 200.
    pub component_contents: u64,
    /// List Collections calls answered with 200.
    pub collections_listed: u64,
    /// Get Collection Details calls answered with 200.
    pub collections_fetched: u64,
    /// List Items (staged) calls answered with 200.
    pub items_listed: u64,
    /// List Live Items calls answered with 200.
    pub live_items_listed: u64,
    /// Update Items (staged) calls answered with 200.
    pub items_updated: u64,
    /// Update Live Items calls answered with 200.
    pub live_items_updated: u64,
}

impl Stats {
    /// Every counter, by name (what `GET /_sandbox/stats` answers and
    /// `webflow-assets sandbox` prints on exit).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}
