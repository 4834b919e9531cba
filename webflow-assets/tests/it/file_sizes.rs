//! One job per file: no hand-written Rust file of the workspace (sources,
//! tests, benches, fuzz targets) is over 450 lines. The generated client
//! is not in the tree (`build.rs` writes it to `OUT_DIR`).

use std::path::{Path, PathBuf};

/// The most lines a hand-written file may have.
const MAX_LINES: usize = 450;

/// Every file under `dir` whose name ends in `.{ext}`, but in `target`,
/// `.git` and `node_modules` directories (also the Markdown link check's).
pub(crate) fn files_with_extension(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if !["target", ".git", "node_modules"]
                .iter()
                .any(|skip| name == *skip)
            {
                files_with_extension(&path, ext, out);
            }
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    files_with_extension(dir, "rs", out);
}

/// The files of `root` over the limit, with their lengths.
fn oversized(root: &Path) -> Vec<(String, usize)> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    let mut over: Vec<(String, usize)> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).ok()?.lines().count();
            (lines > MAX_LINES).then(|| {
                (
                    f.strip_prefix(root).unwrap_or(f).display().to_string(),
                    lines,
                )
            })
        })
        .collect();
    over.sort();
    over
}

#[test]
fn no_hand_written_file_is_over_450_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    // The walk sees the three crates.
    for krate in [
        "webflow-assets",
        "webflow-assets-cli",
        "webflow-assets-sandbox",
    ] {
        assert!(
            files
                .iter()
                .any(|f| f.starts_with(root.join(krate).join("src"))),
            "{krate}/src not walked"
        );
    }
    assert_eq!(oversized(&root), [], "split these files: one job each");
}

#[test]
fn the_size_check_sees_a_long_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/long.rs"),
        "// x\n".repeat(MAX_LINES + 1),
    )
    .unwrap();
    std::fs::write(dir.path().join("src/short.rs"), "// x\n".repeat(MAX_LINES)).unwrap();
    std::fs::create_dir_all(dir.path().join("target")).unwrap();
    std::fs::write(
        dir.path().join("target/generated.rs"),
        "// x\n".repeat(5000),
    )
    .unwrap();
    assert_eq!(
        oversized(dir.path()),
        [(
            format!("src{}long.rs", std::path::MAIN_SEPARATOR),
            MAX_LINES + 1
        )]
    );
}
