//! Every relative link of the workspace's Markdown (READMEs, BENCHMARKS.md,
//! notes) points at a file or folder that exists: each crate's README is
//! read from its own folder, so a link written from the root's point of
//! view breaks there without a word.

use std::path::Path;

use super::file_sizes::files_with_extension;

/// The targets of the inline links `[text](target)` of `text`, outside
/// code (fenced blocks and `spans`), with their line numbers.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut fenced = false;
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Code spans hold link-like text that is not a link.
        let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            out.push((n + 1, after[..end].trim().to_owned()));
            rest = &after[end..];
        }
    }
    out
}

/// The relative links of the Markdown under `root` whose target is missing.
fn broken(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    files_with_extension(root, "md", &mut files);
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (line, target) in links(&text) {
            let path = target.split('#').next().unwrap_or_default();
            if path.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let dir = file.parent().unwrap_or(root);
            if !dir.join(path).exists() {
                let shown = file
                    .strip_prefix(root)
                    .unwrap_or(&file)
                    .display()
                    .to_string();
                out.push(format!("{shown}:{line}: {target}"));
            }
        }
    }
    out
}

#[test]
fn relative_links_in_markdown_resolve() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let broken = broken(&root);
    assert!(
        broken.is_empty(),
        "links to nothing:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_checker_sees_a_broken_link() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("crate")).unwrap();
    std::fs::write(dir.path().join("NOTES.md"), "x").unwrap();
    std::fs::write(
        dir.path().join("crate/README.md"),
        "[up](../NOTES.md) [here](NOTES.md#a) [web](https://x.org/a.md) `[code](no.md)`\n\
         ```\n[fenced](no.md)\n```\n[anchor](#top)\n",
    )
    .unwrap();
    assert_eq!(broken(dir.path()), ["crate/README.md:1: NOTES.md#a"]);
}
