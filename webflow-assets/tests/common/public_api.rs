//! A crate's public API, one line per item, for a snapshot: a change to the
//! surface shows in review as a change of the snapshot, as generated code
//! does. Used by the library's and the sandbox's tests.
//!
//! The list comes from rustdoc's JSON output, generated with the stable
//! toolchain: `RUSTC_BOOTSTRAP=1` unlocks `--output-format json`, given to
//! rustdoc alone through a wrapper (`RUSTDOC`), so that no build script of
//! a dependency sees it (proc-macro2's and thiserror's rerun when it
//! changes, and with them everything built on them); the format is pinned
//! with the toolchain, and its `format_version` is checked. One `cargo doc`
//! writes both crates' JSON, with the selection and features of the
//! docs.rs build (`-p webflow-assets -p webflow-assets-sandbox
//! --all-features`) and in the workspace's target directory: the
//! dependencies it checks are the ones the docs.rs build checked, not a
//! second copy (`cargo test` holds no lock while tests run, so the nested
//! `cargo` does not wait for the build that runs this test). Items hidden
//! from the docs (`#[doc(hidden)]`, as the `fuzz` feature's are) are not
//! listed: they carry no promise. The generated types (`types`) are listed
//! by name; their shape is `spec__generated_client.snap`'s.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The rustdoc JSON format this lister reads (that of Rust 1.95's rustdoc).
const FORMAT_VERSION: u64 = 57;

/// The packages listed, as the docs.rs build selects them: one selection
/// resolves the dependencies' features once for both.
const PACKAGES: [&str; 2] = ["webflow-assets", "webflow-assets-sandbox"];

/// rustdoc's JSON of `crate_name`'s library (one of [`PACKAGES`]), every
/// feature on.
fn rustdoc_json(crate_name: &str) -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // Where the nested `cargo` writes: the target directory the user chose,
    // else the workspace's.
    let target: PathBuf = std::env::var_os("CARGO_TARGET_DIR")
        .map(|dir| root.join(dir))
        .unwrap_or_else(|| root.join("target"));
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(&root)
        .env("RUSTDOCFLAGS", "-Z unstable-options --output-format json")
        // CI lints while it builds the tests (clippy as the workspace's
        // rustc wrapper); the docs are built without it, and so is this.
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("CLIPPY_ARGS");
    // What `cargo test` tells this test about its own package (its name,
    // version and directories, its OUT_DIR). Build scripts that rerun when
    // one of those changes (ring's: CARGO_PKG_NAME, CARGO_MANIFEST_DIR,
    // OUT_DIR) would see them set here and unset in a plain `cargo doc`:
    // each would rebuild ring and everything on it (rustls, reqwest, this
    // crate) for the other, by turns.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if is_set_by_cargo_for_tests(&name) {
            cmd.env_remove(&*name);
        }
    }
    cmd.args([
        "doc",
        "--no-deps",
        "--all-features",
        "--ignore-rust-version",
        "--quiet",
    ]);
    unstable_rustdoc(&mut cmd, &target);
    for package in PACKAGES {
        cmd.args(["-p", package]);
    }
    let status = cmd
        .arg("--target-dir")
        .arg(&target)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo doc (rustdoc JSON) failed");
    let text =
        std::fs::read_to_string(target.join("doc").join(format!("{crate_name}.json"))).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        doc["format_version"].as_u64(),
        Some(FORMAT_VERSION),
        "rustdoc's JSON format changed with the toolchain: check this lister, then update FORMAT_VERSION"
    );
    doc
}

/// The variables cargo sets for a test process about the package under
/// test (cargo's "environment variables Cargo sets for crates"), not
/// configuration (`CARGO_HOME`, `CARGO_PROFILE_*`, `CARGO_TARGET_DIR`...).
fn is_set_by_cargo_for_tests(name: &str) -> bool {
    ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_BIN_"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
        || [
            "CARGO_CRATE_NAME",
            "CARGO_PRIMARY_PACKAGE",
            "CARGO_TARGET_TMPDIR",
            "CARGO_RUSTC_CURRENT_DIR",
            "OUT_DIR",
        ]
        .contains(&name)
}

/// rustdoc with its unstable options unlocked, for `cmd`'s rustdoc only: a
/// wrapper script in `target` that sets `RUSTC_BOOTSTRAP` and runs the
/// rustdoc cargo would have run.
#[cfg(unix)]
fn unstable_rustdoc(cmd: &mut Command, target: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let real = std::env::var("RUSTDOC")
        .ok()
        .filter(|r| !r.ends_with("rustdoc-unstable.sh"))
        .unwrap_or_else(|| "rustdoc".to_owned());
    let script = format!(
        "#!/bin/sh\nRUSTC_BOOTSTRAP=1 exec '{}' \"$@\"\n",
        real.replace('\'', "'\\''")
    );
    let path = target.join("rustdoc-unstable.sh");
    std::fs::create_dir_all(target).unwrap();
    if std::fs::read_to_string(&path).ok().as_deref() != Some(script.as_str()) {
        // Written beside, then moved: a concurrent listing never runs half a script.
        let tmp = target.join(format!("rustdoc-unstable.{}.tmp", std::process::id()));
        std::fs::write(&tmp, &script).unwrap();
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
    }
    cmd.env("RUSTDOC", path);
}

/// Elsewhere, `RUSTC_BOOTSTRAP` for the whole nested build (its build
/// scripts see it too: the dependencies are checked again when it
/// changes).
#[cfg(not(unix))]
fn unstable_rustdoc(cmd: &mut Command, _target: &Path) {
    cmd.env("RUSTC_BOOTSTRAP", "1");
}

struct Lister<'a> {
    index: &'a serde_json::Map<String, Value>,
    lines: BTreeSet<String>,
}

impl<'a> Lister<'a> {
    fn item(&self, id: &Value) -> Option<&'a Value> {
        self.index.get(&id.to_string())
    }

    fn non_exhaustive(item: &Value) -> &'static str {
        let attrs = item["attrs"].to_string();
        if attrs.contains("non_exhaustive") {
            "#[non_exhaustive] "
        } else {
            ""
        }
    }

    fn module(&mut self, path: &str, module: &Value) {
        for id in module["inner"]["module"]["items"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let Some(item) = self.item(id) else { continue };
            if item["visibility"] != "public" {
                continue;
            }
            if let Some(u) = item["inner"].get("use") {
                // A re-export: listed under the name it is exported as.
                let name = u["name"].as_str().unwrap_or_default();
                match u.get("id").and_then(|i| self.item(i)) {
                    Some(target) => {
                        let target = target.clone();
                        self.named(&format!("{path}::{name}"), &target);
                    }
                    None => {
                        self.lines.insert(format!(
                            "pub use {path}::{name} = {}",
                            u["source"].as_str().unwrap_or_default()
                        ));
                    }
                }
                continue;
            }
            let name = item["name"].as_str().unwrap_or_default();
            let item = item.clone();
            self.named(&format!("{path}::{name}"), &item);
        }
    }

    fn named(&mut self, path: &str, item: &Value) {
        let (kind, inner) = item["inner"]
            .as_object()
            .and_then(|o| o.iter().next())
            .expect("an item kind");
        let ne = Self::non_exhaustive(item);
        match kind.as_str() {
            "module" => {
                self.lines.insert(format!("pub mod {path}"));
                if path.ends_with("::types") {
                    // Generated: the names only (their shape is another snapshot's).
                    for id in inner["items"].as_array().into_iter().flatten() {
                        if let Some(i) = self.item(id).filter(|i| i["visibility"] == "public") {
                            let kind = i["inner"]
                                .as_object()
                                .and_then(|o| o.keys().next().cloned())
                                .unwrap_or_default();
                            if let Some(n) = i["name"].as_str() {
                                self.lines.insert(format!("pub {kind} {path}::{n}"));
                            }
                        }
                    }
                } else {
                    self.module(path, item);
                }
            }
            "struct" => {
                self.lines.insert(format!("{ne}pub struct {path}"));
                let fields = inner["kind"]["plain"]["fields"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                for f in fields {
                    if let Some(field) = self.item(&f).filter(|f| f["visibility"] == "public") {
                        let ty = render(&field["inner"]["struct_field"]);
                        self.lines.insert(format!(
                            "pub {path}::{}: {ty}",
                            field["name"].as_str().unwrap_or_default()
                        ));
                    }
                }
                self.impls(path, inner);
            }
            "enum" => {
                self.lines.insert(format!("{ne}pub enum {path}"));
                for v in inner["variants"].as_array().into_iter().flatten() {
                    if let Some(variant) = self.item(v) {
                        let vne = Self::non_exhaustive(variant);
                        self.lines.insert(format!(
                            "{vne}{path}::{}",
                            variant["name"].as_str().unwrap_or_default()
                        ));
                    }
                }
                self.impls(path, inner);
            }
            "function" => {
                self.lines
                    .insert(format!("pub fn {path}{}", signature(inner)));
            }
            "constant" => {
                self.lines
                    .insert(format!("pub const {path}: {}", render(&inner["type"])));
            }
            "type_alias" => {
                self.lines
                    .insert(format!("pub type {path} = {}", render(&inner["type"])));
            }
            "trait" => {
                self.lines.insert(format!("pub trait {path}"));
            }
            other => {
                self.lines.insert(format!("pub {other} {path}"));
            }
        }
    }

    /// Inherent methods, and the traits implemented by hand or derived
    /// (not the auto traits and blanket impls every type gets).
    fn impls(&mut self, path: &str, inner: &Value) {
        for id in inner["impls"].as_array().into_iter().flatten() {
            let Some(imp) = self.item(id) else { continue };
            let imp = &imp["inner"]["impl"];
            if imp["is_synthetic"] == true || !imp["blanket_impl"].is_null() {
                continue;
            }
            match imp["trait"].as_object() {
                Some(t) => {
                    self.lines.insert(format!(
                        "impl {} for {path}",
                        render_path(&Value::Object(t.clone()))
                    ));
                }
                None => {
                    for m in imp["items"].as_array().into_iter().flatten() {
                        if let Some(method) = self.item(m).filter(|m| m["visibility"] == "public")
                            && let Some(f) = method["inner"].get("function")
                        {
                            let name = method["name"].as_str().unwrap_or_default();
                            self.lines
                                .insert(format!("pub fn {path}::{name}{}", signature(f)));
                        }
                    }
                }
            }
        }
    }
}

fn signature(f: &Value) -> String {
    let sig = &f["sig"];
    let inputs: Vec<String> = sig["inputs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|pair| {
            let name = pair[0].as_str().unwrap_or_default();
            let ty = render(&pair[1]);
            if name == "self" {
                ty.replace("Self", "self")
            } else {
                format!("{name}: {ty}")
            }
        })
        .collect();
    let asyncness = if f["header"]["is_async"] == true {
        " async"
    } else {
        ""
    };
    let output = match &sig["output"] {
        Value::Null => String::new(),
        t => format!(" -> {}", render(t)),
    };
    format!("({}){asyncness}{output}", inputs.join(", "))
}

fn render_path(p: &Value) -> String {
    let mut out = p["path"].as_str().unwrap_or_default().to_owned();
    if let Some(args) = p["args"]["angle_bracketed"]["args"]
        .as_array()
        .filter(|a| !a.is_empty())
    {
        let args: Vec<String> = args
            .iter()
            .map(|a| match a.get("type") {
                Some(t) => render(t),
                None => a
                    .get("lifetime")
                    .and_then(Value::as_str)
                    .unwrap_or("_")
                    .to_owned(),
            })
            .collect();
        out.push_str(&format!("<{}>", args.join(", ")));
    }
    out
}

fn bounds(list: &Value) -> String {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|b| match b.get("trait_bound") {
            Some(t) => render_path(&t["trait"]),
            None => b
                .get("outlives")
                .and_then(Value::as_str)
                .unwrap_or("_")
                .to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// A type as source would spell it, closely enough to see it change.
fn render(t: &Value) -> String {
    let Some((kind, v)) = t.as_object().and_then(|o| o.iter().next()) else {
        return "_".to_owned();
    };
    match kind.as_str() {
        "resolved_path" => render_path(v),
        "primitive" | "generic" => v.as_str().unwrap_or_default().to_owned(),
        "borrowed_ref" => format!(
            "&{}{}",
            if v["is_mutable"] == true { "mut " } else { "" },
            render(&v["type"])
        ),
        "slice" => format!("[{}]", render(v)),
        "array" => format!(
            "[{}; {}]",
            render(&v["type"]),
            v["len"].as_str().unwrap_or("_")
        ),
        "tuple" => format!(
            "({})",
            v.as_array()
                .into_iter()
                .flatten()
                .map(render)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        "impl_trait" => format!("impl {}", bounds(v)),
        "dyn_trait" => format!(
            "dyn {}",
            v["traits"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| render_path(&p["trait"]))
                .collect::<Vec<_>>()
                .join(" + ")
        ),
        "qualified_path" => format!(
            "{}::{}",
            render(&v["self_type"]),
            v["name"].as_str().unwrap_or_default()
        ),
        other => format!("<{other}>"),
    }
}

/// The public API of `crate_name`'s library (one of [`PACKAGES`]), one
/// line per item, sorted.
pub fn listing(crate_name: &str) -> String {
    let doc = rustdoc_json(crate_name);
    let index = doc["index"].as_object().expect("an index");
    let mut lister = Lister {
        index,
        lines: BTreeSet::new(),
    };
    let root = index[&doc["root"].to_string()].clone();
    lister.module(crate_name, &root);
    lister.lines.into_iter().collect::<Vec<_>>().join("\n")
}
