//! The layout stays one a newcomer can read: no module of `src/` depends,
//! through others, on a module that depends on it, except a builder and the
//! type it builds (`config` and `client`). The generated code counts too.
//! Dependencies are `crate::...` paths outside comments, with the names
//! `lib.rs` re-exports resolved to their modules. Inside each folder
//! (`src/cli/`, `src/sandbox/`, ...) the same holds between the files of
//! that folder, through `super::`, `self::` and `crate::` paths to them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Pairs allowed to depend on each other.
const ALLOWED: &[(&str, &str)] = &[("client", "config")];

fn code(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn idents(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|s| !s.is_empty())
}

/// The modules `lib.rs` declares, and the module each re-exported name comes from.
fn modules(lib: &str) -> (BTreeSet<String>, BTreeMap<String, String>) {
    let mut mods = BTreeSet::new();
    let mut names = BTreeMap::new();
    let lib = code(lib);
    for line in lib.lines().map(str::trim) {
        let line = line.strip_prefix("pub ").unwrap_or(line);
        if let Some(m) = line.strip_prefix("mod ").and_then(|r| r.strip_suffix(';')) {
            mods.insert(m.to_owned());
        }
    }
    // `pub use module::{A, B};` possibly over several lines; `pub type X = module::...`.
    for stmt in lib.split(';') {
        let stmt = stmt.trim();
        let rest = stmt
            .rsplit_once("pub use ")
            .map(|(_, r)| r)
            .or_else(|| stmt.rsplit_once("pub type ").map(|(_, r)| r));
        let Some(rest) = rest else { continue };
        let (alias, path) = match rest.split_once(" = ") {
            Some((alias, path)) => (Some(alias.trim()), path),
            None => (None, rest),
        };
        let Some((module, items)) = path.split_once("::") else {
            continue;
        };
        let module = module.trim().to_owned();
        match alias {
            Some(alias) => {
                names.insert(alias.to_owned(), module);
            }
            None => {
                for item in idents(items) {
                    names.insert(item.to_owned(), module.clone());
                }
            }
        }
    }
    (mods, names)
}

fn deps_of(
    text: &str,
    mods: &BTreeSet<String>,
    names: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    let text = code(text);
    let mut out = BTreeSet::new();
    let resolve = |name: &str, out: &mut BTreeSet<String>| {
        if mods.contains(name) {
            out.insert(name.to_owned());
        } else if let Some(m) = names.get(name) {
            out.insert(m.clone());
        }
    };
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            // Only the first segment of each path in the group.
            for path in group[..end].split(',') {
                if let Some(first) = idents(path).next() {
                    resolve(first, &mut out);
                }
            }
        } else if let Some(first) = idents(rest).next() {
            resolve(first, &mut out);
        }
    }
    out
}

/// The `src/` of a crate of the workspace.
fn src_of(krate: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(krate)
        .join("src")
}

/// The graph of a crate's top-level modules (those `root` declares); the
/// library's includes its generated code.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    graph_of("webflow-assets", "lib.rs")
}

fn graph_of(krate: &str, root: &str) -> BTreeMap<String, BTreeSet<String>> {
    let src = src_of(krate);
    let (mods, names) = modules(&std::fs::read_to_string(src.join(root)).unwrap());
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut files = vec![src.clone()];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let top = top.trim_end_matches(".rs").to_owned();
        if !mods.contains(&top) {
            continue; // lib.rs, and the binary (main.rs, cli/)
        }
        let deps = deps_of(&std::fs::read_to_string(&path).unwrap(), &mods, &names);
        graph.entry(top).or_default().extend(deps);
    }
    if krate == "webflow-assets" {
        let generated = include_str!(concat!(env!("OUT_DIR"), "/codegen.rs"));
        graph
            .entry("generated".to_owned())
            .or_default()
            .extend(deps_of(generated, &mods, &names));
    }
    for (module, deps) in graph.iter_mut() {
        deps.remove(module);
    }
    graph
}

/// Modules reachable from `from`.
fn reach(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_owned()];
    while let Some(m) = todo.pop() {
        for d in graph.get(&m).into_iter().flatten() {
            if seen.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    seen
}

fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let allowed = |a: &str, b: &str| {
        ALLOWED
            .iter()
            .any(|(x, y)| (a == *x && b == *y) || (a == *y && b == *x))
    };
    // Drop the allowed pairs' edges, then any module that reaches itself is
    // in a cycle.
    let mut g = graph.clone();
    for (a, deps) in g.iter_mut() {
        deps.retain(|b| !allowed(a, b));
    }
    g.keys()
        .filter(|m| reach(&g, m).contains(*m))
        .map(|m| {
            let back: Vec<&String> = g[m].iter().filter(|d| reach(&g, d).contains(m)).collect();
            format!("{m} -> {back:?} -> ... -> {m}")
        })
        .collect()
}

#[test]
fn no_import_cycles_between_modules() {
    let graph = graph();
    assert!(graph.len() > 10, "{graph:?}");
    // The generated code names the hooks' state and the upload details map.
    assert!(
        graph["generated"].contains("auth"),
        "{:?}",
        graph["generated"]
    );
    let found = cycles(&graph);
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
    // The sandbox's modules, a crate of their own.
    let sandbox = graph_of("webflow-assets-sandbox", "lib.rs");
    assert!(sandbox.len() > 10, "{sandbox:?}");
    let found = cycles(&sandbox);
    assert!(
        found.is_empty(),
        "import cycles in the sandbox:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checker_sees_a_cycle() {
    let mut graph = graph();
    graph
        .get_mut("rate_limit")
        .unwrap()
        .insert("client".to_owned());
    let found = cycles(&graph);
    assert!(
        found.iter().any(|c| c.starts_with("rate_limit ->")),
        "{found:?}"
    );
}

/// Every folder of `src/` that holds modules, and the modules directly in
/// it (`x.rs` and `x/` are `x`; `mod.rs` is the folder's root, left out:
/// its children use what it declares, as a built type uses its builder).
fn folders(src: &Path) -> Vec<(std::path::PathBuf, BTreeSet<String>)> {
    let src = src.to_path_buf();
    let mut out = Vec::new();
    let mut todo = vec![src];
    while let Some(dir) = todo.pop() {
        let mut mods = BTreeSet::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                mods.insert(path.file_name().unwrap().to_string_lossy().into_owned());
                todo.push(path);
            } else if let Some(stem) = path
                .file_stem()
                .filter(|_| path.extension().is_some_and(|e| e == "rs"))
            {
                let stem = stem.to_string_lossy().into_owned();
                if stem != "mod" {
                    mods.insert(stem);
                }
            }
        }
        out.push((dir, mods));
    }
    out
}

/// The text of a module of a folder: `x.rs`, or every file under `x/`.
fn module_text(dir: &Path, name: &str) -> String {
    let file = dir.join(format!("{name}.rs"));
    if file.is_file() {
        return std::fs::read_to_string(file).unwrap();
    }
    let mut text = String::new();
    let mut todo = vec![dir.join(name)];
    while let Some(p) = todo.pop() {
        if p.is_dir() {
            todo.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else if p.extension().is_some_and(|e| e == "rs") {
            text.push_str(&std::fs::read_to_string(&p).unwrap());
        }
    }
    text
}

/// Which siblings a module's text names: `super::x`, `crate::<folder>::x`.
fn sibling_deps(text: &str, folder_path: &str, siblings: &BTreeSet<String>) -> BTreeSet<String> {
    let text = code(text);
    let mut out = BTreeSet::new();
    let mut prefixes = vec!["super::".to_owned()];
    if !folder_path.is_empty() {
        prefixes.push(format!("crate::{folder_path}::"));
    }
    for prefix in &prefixes {
        for (i, _) in text.match_indices(prefix.as_str()) {
            let rest = &text[i + prefix.len()..];
            let firsts: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group[..group.find('}').unwrap_or(group.len())]
                    .split(',')
                    .filter_map(|p| idents(p).next())
                    .collect(),
                None => idents(rest).next().into_iter().collect(),
            };
            for first in firsts {
                if siblings.contains(first) {
                    out.insert(first.to_owned());
                }
            }
        }
    }
    out
}

/// Each folder's graph of its own modules.
/// Each folder's graph of its own modules, in every crate of the workspace.
fn folder_graphs() -> Vec<(String, BTreeMap<String, BTreeSet<String>>)> {
    [
        "webflow-assets",
        "webflow-assets-sandbox",
        "webflow-assets-cli",
    ]
    .into_iter()
    .flat_map(|k| folder_graphs_of(&src_of(k)))
    .collect()
}

fn folder_graphs_of(src: &Path) -> Vec<(String, BTreeMap<String, BTreeSet<String>>)> {
    let src = src.to_path_buf();
    let mut out = Vec::new();
    for (dir, mods) in folders(&src) {
        if dir == src {
            continue; // the top level: `no_import_cycles_between_modules`
        }
        let rel = dir
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('/', "::");
        // The binary's modules are `crate::cli::...` in the binary crate.
        let folder_path = rel.clone();
        let mut graph = BTreeMap::new();
        for m in &mods {
            let mut deps = sibling_deps(&module_text(&dir, m), &folder_path, &mods);
            deps.remove(m);
            graph.insert(m.clone(), deps);
        }
        out.push((rel, graph));
    }
    out
}

#[test]
fn no_import_cycles_inside_folders() {
    let graphs = folder_graphs();
    let names: Vec<&str> = graphs.iter().map(|(f, _)| f.as_str()).collect();
    for expected in ["cli", "cli::sync", "upload", "error", "usage"] {
        assert!(names.contains(&expected), "{names:?}");
    }
    let mut found = Vec::new();
    for (folder, graph) in &graphs {
        for c in cycles(graph) {
            found.push(format!("{folder}: {c}"));
        }
    }
    assert!(
        found.is_empty(),
        "import cycles inside folders:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_folder_checker_sees_a_cycle() {
    let (_, mut upload) = folder_graphs()
        .into_iter()
        .find(|(f, _)| f == "upload")
        .unwrap();
    // The upload uses its plan; make the plan use the upload's storage.
    assert!(
        upload["storage"].is_empty() || !upload["storage"].contains("plan"),
        "{upload:?}"
    );
    upload.get_mut("plan").unwrap().insert("storage".to_owned());
    upload.get_mut("storage").unwrap().insert("plan".to_owned());
    let found = cycles(&upload);
    assert!(!found.is_empty(), "{upload:?}");
    // And between the sandbox's modules: its handlers use the response helpers.
    let mut sandbox = graph_of("webflow-assets-sandbox", "lib.rs");
    assert!(sandbox["handlers"].contains("respond"), "{sandbox:?}");
    sandbox
        .get_mut("respond")
        .unwrap()
        .insert("handlers".to_owned());
    let found = cycles(&sandbox);
    assert!(
        found.iter().any(|c| c.starts_with("respond ->")),
        "{found:?}"
    );
}
