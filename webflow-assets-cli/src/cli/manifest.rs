//! The resume manifest: one JSON line per finished upload, appended and
//! flushed to disk before the next file starts, so an interrupted batch
//! re-runs without uploading a finished file twice or losing a record.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// One finished upload.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Record {
    pub site: String,
    pub path: String,
    pub md5: String,
    pub size: u64,
    /// The fit options the file went up with (`FitOptions::key`), if any:
    /// other options mean another upload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fit: Option<String>,
    pub id: String,
    #[serde(rename = "hostedUrl")]
    pub hosted_url: Option<String>,
    #[serde(rename = "uploadedAt")]
    pub uploaded_at: String,
}

pub(crate) struct Manifest {
    path: PathBuf,
    done: HashSet<(String, String, String, String)>,
    file: Mutex<std::fs::File>,
}

impl Manifest {
    /// Opens (creating) the manifest and reads what it holds, with a
    /// warning for each line that cannot be read. A last line cut by a crash
    /// is skipped without one: the upload it would record is redone, never lost.
    pub fn open(path: &Path) -> Result<(Self, Vec<String>), String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(format!("cannot read the manifest {}: {e}", path.display())),
        };
        let mut done = HashSet::new();
        let mut warnings = Vec::new();
        // Only a last line without its newline can be a write cut short.
        let torn = (!text.is_empty() && !text.ends_with('\n')).then(|| text.lines().count());
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Record>(line) {
                Ok(r) => {
                    done.insert((r.site, r.path, r.md5, r.fit.unwrap_or_default()));
                }
                Err(_) if torn == Some(n + 1) => {
                    tracing::debug!(line = n + 1, "skipping a torn last manifest line");
                }
                Err(e) => warnings.push(format!(
                    "{}:{}: not a manifest record ({e}); skipped, so that file will be uploaded again if it is in this batch",
                    path.display(),
                    n + 1
                )),
            }
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| {
                format!(
                    "cannot write the manifest {}: {e}; pass --manifest PATH or --no-manifest",
                    path.display()
                )
            })?;
        // A crash may have cut the last line: start ours on a fresh one.
        if !text.is_empty() && !text.ends_with('\n') {
            let _ = file.write_all(b"\n");
        }
        Ok((
            Self {
                path: path.to_owned(),
                done,
                file: Mutex::new(file),
            },
            warnings,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether this exact content of this file already went to this site.
    pub fn contains(&self, site: &str, path: &str, md5: &str, fit: Option<&str>) -> bool {
        self.done.contains(&(
            site.to_owned(),
            path.to_owned(),
            md5.to_owned(),
            fit.unwrap_or_default().to_owned(),
        ))
    }

    /// Appends a record and syncs it to disk.
    pub fn append(&self, record: &Record) -> Result<(), String> {
        let mut line = serde_json::to_string(record).map_err(|e| e.to_string())?;
        line.push('\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(line.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| format!("cannot append to the manifest {}: {e}", self.path.display()))
    }
}

/// The key a file is known by in the manifest: its canonical path.
pub(crate) fn key(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_owned())
        .display()
        .to_string()
}
