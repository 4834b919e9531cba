//! Live counts of a scan in progress, for progress bars: at Webflow's rate
//! limit a scan of a large site takes minutes.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A scan's live counts: give a clone to
/// [`ScanOptions::progress`](super::ScanOptions::progress), read
/// [`snapshot`](Self::snapshot) while the scan runs (from another task).
///
/// ```
/// use webflow_assets::usage::{ScanOptions, ScanProgress};
///
/// let progress = ScanProgress::new();
/// let options = ScanOptions::default().progress(progress.clone());
/// // ... scan with `options`, and meanwhile:
/// let now = progress.snapshot();
/// assert_eq!(now.pages_read, 0);
/// # let _ = options;
/// ```
#[derive(Clone, Debug, Default)]
pub struct ScanProgress {
    counts: Arc<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    pages_to_read: AtomicUsize,
    pages_read: AtomicUsize,
    components_to_read: AtomicUsize,
    components_read: AtomicUsize,
    item_lists: AtomicUsize,
    item_lists_read: AtomicUsize,
    items_read: AtomicUsize,
    published_queued: AtomicUsize,
    published_read: AtomicUsize,
}

/// What a scan has done so far, and what it knows it still has to do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProgressSnapshot {
    /// Page contents to read (new or changed pages, every locale).
    pub pages_to_read: usize,
    /// Of those, read.
    pub pages_read: usize,
    /// Component contents to read (every locale).
    pub components_to_read: usize,
    /// Of those, read.
    pub components_read: usize,
    /// CMS item lists (per collection, stage and locale).
    pub item_lists: usize,
    /// Of those, read.
    pub item_lists_read: usize,
    /// Items read.
    pub items_read: usize,
    /// Documents of the published site found so far (read or to read).
    pub published_queued: usize,
    /// Of those, read (downloaded, unchanged, or failed).
    pub published_read: usize,
}

/// A counter of [`ScanProgress`].
#[derive(Clone, Copy, Debug)]
pub(crate) enum Count {
    PagesToRead,
    PagesRead,
    ComponentsToRead,
    ComponentsRead,
    ItemLists,
    ItemListsRead,
    ItemsRead,
    PublishedQueued,
    PublishedRead,
}

impl ScanProgress {
    /// Counts from zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// The counts now.
    pub fn snapshot(&self) -> ProgressSnapshot {
        let c = &self.counts;
        let get = |a: &AtomicUsize| a.load(Ordering::Relaxed);
        ProgressSnapshot {
            pages_to_read: get(&c.pages_to_read),
            pages_read: get(&c.pages_read),
            components_to_read: get(&c.components_to_read),
            components_read: get(&c.components_read),
            item_lists: get(&c.item_lists),
            item_lists_read: get(&c.item_lists_read),
            items_read: get(&c.items_read),
            published_queued: get(&c.published_queued),
            published_read: get(&c.published_read),
        }
    }

    pub(crate) fn add(&self, count: Count, n: usize) {
        let c = &self.counts;
        let counter = match count {
            Count::PagesToRead => &c.pages_to_read,
            Count::PagesRead => &c.pages_read,
            Count::ComponentsToRead => &c.components_to_read,
            Count::ComponentsRead => &c.components_read,
            Count::ItemLists => &c.item_lists,
            Count::ItemListsRead => &c.item_lists_read,
            Count::ItemsRead => &c.items_read,
            Count::PublishedQueued => &c.published_queued,
            Count::PublishedRead => &c.published_read,
        };
        counter.fetch_add(n, Ordering::Relaxed);
    }
}
