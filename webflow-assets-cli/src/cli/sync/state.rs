//! What a sync put on the site, kept with the tree so that a sync run from
//! another directory or machine with the same tree finds it.
//!
//! The state is a journal of JSON lines, each appended and synced to disk
//! before the step it announces goes on: a `pending` line before each
//! create, an `uploaded` line after it. A crash at any moment leaves at most
//! a pending entry, which the next run settles against the site's listing
//! (same name, same folder, content checked through the hosted URL) before
//! it uploads anything again. Only a torn last line (a write cut by the
//! crash) is skipped; any other unreadable line stops the sync with an
//! error naming it: a state is never silently discarded. A finished run
//! rewrites the journal as a compact snapshot (a new file, synced, renamed
//! over the old one).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// One line of the journal.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "op", rename_all = "snake_case")]
pub(crate) enum Event {
    /// The first line: which site and root folder this state is about.
    Header { site: String, root: Option<String> },
    /// A file is about to be created as an asset.
    Pending {
        path: String,
        md5: String,
        folder: Option<String>,
        name: String,
    },
    /// A file is on the site as this asset.
    Uploaded {
        path: String,
        /// The file's MD5 (what the next run compares).
        md5: String,
        id: String,
        folder: Option<String>,
        alt: Option<String>,
        /// The fit options it went up with (`FitOptions::key`), if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fit: Option<String>,
        /// The MD5 of what was sent, when a fit changed the bytes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sent_md5: Option<String>,
    },
    /// Its alt text was set.
    Alt { path: String, alt: Option<String> },
    /// An asset of this sync that no file maps to any more (the file
    /// changed or moved, and the new one was uploaded): deleted by `--prune`.
    Superseded {
        id: String,
        /// The file whose new upload replaced it, when known: its CMS
        /// references move to that file's asset.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
    },
    /// A file's record is dropped (its asset was deleted, or is gone).
    Forget { path: String },
    /// An asset of this sync was deleted (or found gone).
    Deleted { id: String },
}

/// A file the state knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Record {
    pub md5: String,
    pub id: String,
    pub folder: Option<String>,
    pub alt: Option<String>,
    pub fit: Option<String>,
    pub sent_md5: Option<String>,
}

/// A create that was announced and not confirmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pending {
    pub md5: String,
    pub folder: Option<String>,
    pub name: String,
}

/// The state, folded from the journal.
#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    pub files: BTreeMap<String, Record>,
    pub pending: BTreeMap<String, Pending>,
    /// Replaced assets, each with the file that replaced it (when known).
    pub superseded: BTreeMap<String, Option<String>>,
}

impl Snapshot {
    fn apply(&mut self, event: &Event) {
        match event {
            Event::Header { .. } => {}
            Event::Pending {
                path,
                md5,
                folder,
                name,
            } => {
                self.pending.insert(
                    path.clone(),
                    Pending {
                        md5: md5.clone(),
                        folder: folder.clone(),
                        name: name.clone(),
                    },
                );
            }
            Event::Uploaded {
                path,
                md5,
                id,
                folder,
                alt,
                fit,
                sent_md5,
            } => {
                self.pending.remove(path);
                let record = Record {
                    md5: md5.clone(),
                    id: id.clone(),
                    folder: folder.clone(),
                    alt: alt.clone(),
                    fit: fit.clone(),
                    sent_md5: sent_md5.clone(),
                };
                if let Some(old) = self.files.insert(path.clone(), record)
                    && old.id != *id
                {
                    self.superseded.insert(old.id, Some(path.clone()));
                }
                self.superseded.remove(id);
            }
            Event::Alt { path, alt } => {
                if let Some(r) = self.files.get_mut(path) {
                    r.alt = alt.clone();
                }
            }
            Event::Superseded { id, by } => {
                self.superseded.insert(id.clone(), by.clone());
            }
            Event::Forget { path } => {
                self.files.remove(path);
                self.pending.remove(path);
            }
            Event::Deleted { id } => {
                self.superseded.remove(id);
                self.files.retain(|_, r| r.id != *id);
            }
        }
    }

    /// Whether the sync put this asset there (and may delete it).
    #[cfg(test)]
    pub fn owns(&self, id: &str) -> bool {
        self.superseded.contains_key(id) || self.files.values().any(|r| r.id == id)
    }
}

/// The journal on disk, appended to as the sync goes.
pub(crate) struct State {
    path: PathBuf,
    file: Mutex<std::fs::File>,
    pub snapshot: Snapshot,
    header: Event,
}

/// The state file of a tree, for a site.
pub(crate) fn path_for(dir: &Path, site: &str) -> PathBuf {
    dir.join(format!(".webflow-sync-{site}.jsonl"))
}

impl State {
    /// Reads the state (if any) and opens it for appending. `write` false
    /// (a dry run) reads only.
    pub fn open(path: &Path, site: &str, root: Option<&str>, write: bool) -> Result<Self, String> {
        let header = Event::Header {
            site: site.to_owned(),
            root: root.map(str::to_owned),
        };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(format!(
                    "cannot read the sync state {}: {e}",
                    path.display()
                ));
            }
        };
        let mut snapshot = Snapshot::default();
        let torn = (!text.is_empty() && !text.ends_with('\n')).then(|| text.lines().count());
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let event = match serde_json::from_str::<Event>(line) {
                Ok(e) => e,
                // A write cut by a crash: the step it announced is redone.
                Err(_) if torn == Some(n + 1) => continue,
                Err(e) => {
                    return Err(format!(
                        "the sync state {}:{} is corrupt ({e}); it records which assets this sync owns, so it is not discarded: repair that line, or move the file away to start over (the next sync then re-uploads every file)",
                        path.display(),
                        n + 1
                    ));
                }
            };
            if n == 0 && event != header {
                return Err(format!(
                    "the sync state {} is for another root folder ({line}); sync into the same --folder, or move the file away",
                    path.display()
                ));
            }
            snapshot.apply(&event);
        }
        let file = if write {
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| format!("cannot write the sync state {}: {e}", path.display()))?;
            if torn.is_some() {
                let _ = f.write_all(b"\n");
            }
            f
        } else {
            // A dry run appends nothing: a handle to nothing it writes.
            tempfile::tempfile().map_err(|e| format!("cannot open a temporary file: {e}"))?
        };
        let state = Self {
            path: path.to_owned(),
            file: Mutex::new(file),
            snapshot,
            header,
        };
        if write && text.trim().is_empty() {
            state.append_raw(&state.header)?;
        }
        Ok(state)
    }

    fn append_raw(&self, event: &Event) -> Result<(), String> {
        let mut line = serde_json::to_string(event).map_err(|e| e.to_string())?;
        line.push('\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(line.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| {
                format!(
                    "cannot append to the sync state {}: {e}",
                    self.path.display()
                )
            })
    }

    /// Appends an event, synced to disk before this returns.
    pub fn record(&self, event: Event) -> Result<(), String> {
        self.append_raw(&event)
    }

    /// The state as the journal holds it now (what this run recorded too).
    pub fn reread(&self) -> Result<Snapshot, String> {
        let text = std::fs::read_to_string(&self.path).map_err(|e| e.to_string())?;
        let mut snapshot = Snapshot::default();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            if let Ok(e) = serde_json::from_str::<Event>(line) {
                snapshot.apply(&e);
            }
        }
        Ok(snapshot)
    }

    /// Rewrites the journal as the snapshot of `events` (a new file, synced,
    /// then renamed over the old one: a crash leaves one or the other).
    pub fn compact(&self) -> Result<(), String> {
        let snapshot = self.reread()?;
        let mut lines = vec![self.header.clone()];
        for (path, r) in &snapshot.files {
            lines.push(Event::Uploaded {
                path: path.clone(),
                md5: r.md5.clone(),
                id: r.id.clone(),
                folder: r.folder.clone(),
                alt: r.alt.clone(),
                fit: r.fit.clone(),
                sent_md5: r.sent_md5.clone(),
            });
        }
        for (path, p) in &snapshot.pending {
            lines.push(Event::Pending {
                path: path.clone(),
                md5: p.md5.clone(),
                folder: p.folder.clone(),
                name: p.name.clone(),
            });
        }
        for (id, by) in &snapshot.superseded {
            lines.push(Event::Superseded {
                id: id.clone(),
                by: by.clone(),
            });
        }
        let tmp = self.path.with_extension("jsonl.tmp");
        let mut out = std::fs::File::create(&tmp).map_err(|e| e.to_string())?;
        for e in &lines {
            let mut line = serde_json::to_string(e).map_err(|e| e.to_string())?;
            line.push('\n');
            out.write_all(line.as_bytes()).map_err(|e| e.to_string())?;
        }
        out.sync_all().map_err(|e| e.to_string())?;
        std::fs::rename(&tmp, &self.path)
            .map_err(|e| format!("cannot replace the sync state {}: {e}", self.path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_folds_and_survives_a_torn_last_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        let site = "580e63e98c9a982ac9b8b741";
        {
            let s = State::open(&path, site, None, true).unwrap();
            s.record(Event::Pending {
                path: "a.png".into(),
                md5: "m1".into(),
                folder: None,
                name: "a.png".into(),
            })
            .unwrap();
            s.record(Event::Uploaded {
                path: "a.png".into(),
                md5: "m1".into(),
                id: "i1".into(),
                folder: None,
                alt: None,
                fit: None,
                sent_md5: None,
            })
            .unwrap();
            s.record(Event::Uploaded {
                path: "a.png".into(),
                md5: "m2".into(),
                id: "i2".into(),
                folder: None,
                alt: Some("x".into()),
                fit: None,
                sent_md5: None,
            })
            .unwrap();
        }
        // A crash cut the next write.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(br#"{"op":"pending","path":"b.pn"#).unwrap();
        drop(f);
        let s = State::open(&path, site, None, true).unwrap();
        assert_eq!(s.snapshot.files["a.png"].id, "i2");
        assert!(s.snapshot.owns("i1"), "the replaced asset is still ours");
        assert!(s.snapshot.pending.is_empty());
        s.compact().unwrap();
        let again = State::open(&path, site, None, false).unwrap();
        assert_eq!(again.snapshot.files["a.png"].alt.as_deref(), Some("x"));
        assert!(again.snapshot.superseded.contains_key("i1"));

        // Another root folder: refused, naming the file.
        let err = State::open(&path, site, Some("6436b1ce5281cace05b65aea"), false)
            .err()
            .unwrap();
        assert!(err.contains("another root folder"), "{err}");
        // A bad line in the middle: refused, never discarded.
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("\n", "\nnot json\n", 1)).unwrap();
        let err = State::open(&path, site, None, false).err().unwrap();
        assert!(err.contains("s.jsonl:2 is corrupt"), "{err}");
    }
}
