//! The resume manifest: one JSON line per finished upload, appended and
//! flushed to disk before the next file starts, so an interrupted batch
//! re-runs without uploading a finished file twice or losing a record.
//! One per site in the user's cache directory by default, and keyed by the
//! asset's name and the file's MD5, so that the same bytes under the same
//! name go to a site once from this machine, wherever the command runs.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// One finished upload.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Record {
    pub site: String,
    pub path: String,
    /// The asset's file name (older records lack it: their path's last
    /// part stands in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
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

/// What a finished upload left: the asset, for the record of a skipped file.
#[derive(Clone, Debug)]
pub(crate) struct Done {
    pub id: String,
    pub hosted_url: Option<String>,
}

pub(crate) struct Manifest {
    path: PathBuf,
    done: HashMap<(String, String, String, String), Done>,
    file: Mutex<std::fs::File>,
}

impl Manifest {
    /// Opens (creating) the manifest and reads what it holds, with a
    /// warning for each line that cannot be read. A last line cut by a crash
    /// is skipped without one: the upload it would record is redone, never lost.
    /// `make_dir`: make its directory first (the default path's; a path
    /// the user gave is taken as given, a typo in it an error).
    pub fn open(path: &Path, make_dir: bool) -> Result<(Self, Vec<String>), String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(format!("cannot read the manifest {}: {e}", path.display())),
        };
        let mut done = HashMap::new();
        let mut warnings = Vec::new();
        // Only a last line without its newline can be a write cut short.
        let torn = (!text.is_empty() && !text.ends_with('\n')).then(|| text.lines().count());
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Record>(line) {
                Ok(r) => {
                    let name = r.name.clone().unwrap_or_else(|| last_part(&r.path));
                    let asset = Done {
                        id: r.id,
                        hosted_url: r.hosted_url,
                    };
                    done.insert((r.site, name, r.md5, r.fit.unwrap_or_default()), asset);
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
        if let Some(parent) = path
            .parent()
            .filter(|p| make_dir && !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|e| {
                format!(
                    "cannot make the manifest's directory {}: {e}; pass --manifest PATH or --no-manifest",
                    parent.display()
                )
            })?;
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

    /// The asset these bytes already became on this site under this name
    /// (with these fit options), if they did.
    pub fn find(&self, site: &str, name: &str, md5: &str, fit: Option<&str>) -> Option<&Done> {
        self.done.get(&(
            site.to_owned(),
            name.to_owned(),
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

/// The default manifest of a site: `<cache dir>/webflow-assets/<site>.jsonl`
/// (`$XDG_CACHE_HOME` or `~/.cache` on Linux), or `None` when the system
/// names no cache directory.
pub(crate) fn default_path(site: &str) -> Option<PathBuf> {
    Some(
        dirs::cache_dir()?
            .join("webflow-assets")
            .join(format!("{site}.jsonl")),
    )
}

/// The last part of a recorded path (a name for records without one).
fn last_part(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The path a file is recorded with: its canonical path.
pub(crate) fn key(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_owned())
        .display()
        .to_string()
}
