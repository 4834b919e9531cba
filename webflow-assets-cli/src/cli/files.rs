//! Which files an upload covers: the files named, and the files under the
//! directories named.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::Usage;

/// Expands the arguments into files, in a stable order, without duplicates.
pub(crate) fn collect(paths: &[PathBuf], include: &[String]) -> Result<Vec<PathBuf>, Usage> {
    let globs = build_globs(include)?;
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| {
            Usage(match e.kind() {
                std::io::ErrorKind::NotFound => {
                    format!("{} does not exist; check the path", path.display())
                }
                _ => format!(
                    "{} cannot be read: {e}; check the path and its permissions",
                    path.display()
                ),
            })
        })?;
        if meta.is_dir() {
            let mut found = Vec::new();
            for entry in walkdir::WalkDir::new(path)
                .follow_links(false)
                .sort_by_file_name()
            {
                let entry =
                    entry.map_err(|e| Usage(format!("cannot walk {}: {e}", path.display())))?;
                let relative = entry.path().strip_prefix(path).unwrap_or(entry.path());
                if is_hidden(relative) || !entry.file_type().is_file() {
                    continue;
                }
                if globs.as_ref().is_none_or(|g| {
                    g.is_match(relative)
                        || entry.file_name().to_str().is_some_and(|n| g.is_match(n))
                }) {
                    found.push(entry.into_path());
                }
            }
            out.extend(found);
        } else if !meta.is_file() {
            return Err(Usage(format!(
                "{} is {}, not a regular file; pass a regular file (reading it could block forever or never end)",
                path.display(),
                describe_kind(&meta)
            )));
        } else {
            // A file named explicitly is uploaded even if it does not match
            // --include: the user asked for it by name.
            out.push(path.clone());
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    if out.is_empty() {
        return Err(Usage(
            "no files to upload: the directories given are empty or nothing matches --include"
                .to_owned(),
        ));
    }
    Ok(out)
}

/// What a path that is neither a file nor a directory is.
fn describe_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
    }
    let _ = meta;
    "a special file"
}

fn is_hidden(relative: &Path) -> bool {
    relative
        .components()
        .any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with('.')))
}

fn build_globs(include: &[String]) -> Result<Option<GlobSet>, Usage> {
    if include.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in include {
        let glob = Glob::new(pattern)
            .map_err(|e| Usage(format!("--include {pattern:?} is not a glob: {e}")))?;
        builder.add(glob);
    }
    builder
        .build()
        .map(Some)
        .map_err(|e| Usage(format!("--include: {e}")))
}
