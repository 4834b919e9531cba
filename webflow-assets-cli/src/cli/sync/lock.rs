//! One sync of a tree to a site at a time: two at once (a cron job that
//! overlaps the last one, a second terminal) would plan the same uploads,
//! create each asset twice, and the second's compaction of the state would
//! drop what the first recorded. std's advisory file lock (`flock` on
//! Unix, `LockFileEx` on Windows), held until the process ends.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// The held lock; released when dropped (or when the process ends, a crash
/// included: the system drops it, so no stale lock is left behind).
#[derive(Debug)]
pub(crate) struct RunLock {
    _file: Option<File>,
}

/// The lock file beside the state: `.webflow-sync-<site>.lock`, hidden as
/// the state is, so that the sync does not upload it.
pub(crate) fn path_for(state: &Path) -> PathBuf {
    state.with_extension("lock")
}

/// Takes the lock of the state at `state`, or says who holds it. Where the
/// file system cannot lock (some network mounts), it warns and goes on.
pub(crate) fn take(state: &Path) -> Result<RunLock, String> {
    let path = path_for(state);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot open the sync's lock file {}: {e}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(RunLock { _file: Some(file) }),
        Err(TryLockError::WouldBlock) => Err(format!(
            "another sync of this directory to this site is running (it holds {}); wait for it to finish, or stop it",
            path.display()
        )),
        Err(TryLockError::Error(e)) => {
            eprintln!(
                "warning: cannot lock {} ({e}); make sure no other sync of this directory runs at the same time",
                path.display()
            );
            Ok(RunLock { _file: None })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir
            .path()
            .join(".webflow-sync-580e63e98c9a982ac9b8b741.jsonl");
        let first = take(&state).unwrap();
        let e = take(&state).unwrap_err();
        assert!(
            e.starts_with("another sync of this directory to this site is running"),
            "{e}"
        );
        assert!(
            e.contains(".webflow-sync-580e63e98c9a982ac9b8b741.lock"),
            "{e}"
        );
        drop(first);
        assert!(take(&state).is_ok());
    }
}
