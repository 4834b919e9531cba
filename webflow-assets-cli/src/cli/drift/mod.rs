//! `webflow-assets drift`: what differs between `openapi/` and Webflow's
//! published spec, for the maintainers who regenerate the client.
//!
//! Both documents are read as plain JSON values, `$ref`s resolved, and
//! each schema brought to one form so that OpenAPI 3.1's
//! `type: [string, "null"]` and `examples` compare equal to 3.0's
//! `nullable: true` and `example`. Operations are matched by method and
//! path (the two documents spell operation ids differently). Every
//! difference gets an id; `openapi/deviations.yaml` writes down, with a
//! reason, the ones that are deliberate. The report fails on a difference
//! nobody wrote down, and on a written-down deviation that no longer exists.
//!
//! This module is the command: its arguments, the deviations file, the
//! report; [`engine`] compares two documents, [`schema`] brings their
//! schemas to one form.

mod engine;
mod examples;
mod schema;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Value, json};

use self::engine::{Compared, Difference, Scope, compare};
use super::{EXIT_FAILED, EXIT_OK, Usage};

/// `webflow-assets drift` arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct DriftArgs {
    /// Webflow's spec (OpenAPI 3.1, YAML or JSON), e.g. openapi/v2.yml of
    /// webflow/openapi-spec, or tests/fixtures/webflow-openapi-v2-extract.yaml.
    pub theirs: PathBuf,
    /// This crate's spec [default: the one this binary was built from, so
    /// that drift runs from anywhere; in a checkout, pass
    /// webflow-assets/openapi/webflow-assets.yaml to compare an edited one].
    #[arg(long)]
    pub ours: Option<PathBuf>,
    /// The deliberate differences, each with its reason [default: the ones
    /// this binary was built with; in a checkout,
    /// webflow-assets/openapi/deviations.yaml].
    #[arg(long)]
    pub deviations: Option<PathBuf>,
    /// Print one JSON object per difference (and per stale deviation).
    #[arg(long)]
    pub json: bool,
    /// Compare only operations whose path starts with this (Webflow's spec
    /// holds the whole Data API).
    #[arg(long, default_value = "/")]
    pub paths: String,
}

/// A deliberate difference, written down.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Deviation {
    /// The difference ids it covers; `*` matches any text.
    id: String,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeviationFile {
    /// What is compared; everything when absent.
    #[serde(default)]
    scope: Scope,
    deviations: Vec<Deviation>,
    /// Choices written down that are no difference with Webflow's spec:
    /// kept for the record, not checked.
    #[serde(default)]
    #[allow(dead_code)]
    notes: Vec<Deviation>,
}

pub(crate) fn run(args: DriftArgs) -> Result<u8, Usage> {
    let ours = match &args.ours {
        Some(path) => read(path)?,
        None => serde_saphyr::from_str::<Value>(webflow_assets::schema::OPENAPI_SPEC)
            .map_err(|e| Usage(format!("the built-in spec does not parse: {e}")))?,
    };
    let theirs = read(&args.theirs)?;
    let (text, shown) = match &args.deviations {
        Some(path) if path.exists() => (
            std::fs::read_to_string(path)
                .map_err(|e| Usage(format!("cannot read {}: {e}", path.display())))?,
            path.display().to_string(),
        ),
        // A path given that does not exist: no deviations written down yet.
        Some(_) => (String::from("deviations: []"), String::new()),
        None => (
            webflow_assets::schema::SPEC_DEVIATIONS.to_owned(),
            "the built-in deviations".to_owned(),
        ),
    };
    // The files a maintainer edits, named in the report: the given ones,
    // else the checkout's (the built-in ones were built from them).
    let ours_shown = args.ours.as_ref().map_or_else(
        || "webflow-assets/openapi/webflow-assets.yaml".to_owned(),
        |p| p.display().to_string(),
    );
    let deviations_shown = args.deviations.as_ref().map_or_else(
        || "webflow-assets/openapi/deviations.yaml".to_owned(),
        |p| p.display().to_string(),
    );
    let deviations: DeviationFile = serde_saphyr::from_str(&text).map_err(|e| {
        Usage(format!(
            "{shown} is not a deviations file (a `deviations:` list of `id` and `reason`): {e}"
        ))
    })?;
    let Compared {
        diffs,
        compared,
        out_of_scope,
    } = compare(&ours, &theirs, &args.paths, &deviations.scope);
    let mut used = vec![0usize; deviations.deviations.len()];
    let mut undocumented = 0;
    let mut lines = Vec::new();
    let mut by_op: BTreeMap<String, Vec<(Difference, Option<String>)>> = BTreeMap::new();
    for diff in diffs {
        // A schema that refuses Webflow's own example contradicts it: no
        // deviation, however wide its pattern, writes that down.
        let found = (diff.kind != engine::REFUSED)
            .then(|| {
                deviations
                    .deviations
                    .iter()
                    .position(|d| glob(&d.id, &diff.id))
            })
            .flatten();
        if let Some(i) = found {
            used[i] += 1;
        } else {
            undocumented += 1;
        }
        let reason = found.map(|i| deviations.deviations[i].reason.clone());
        by_op
            .entry(diff.operation.clone())
            .or_default()
            .push((diff, reason));
    }
    let stale: Vec<&Deviation> = deviations
        .deviations
        .iter()
        .zip(&used)
        .filter(|(_, n)| **n == 0)
        .map(|(d, _)| d)
        .collect();
    for (op, diffs) in &by_op {
        if !args.json {
            lines.push(op.clone());
        }
        for (diff, reason) in diffs {
            if args.json {
                let mut v = serde_json::to_value(diff).unwrap_or_default();
                v["documented"] = json!(reason);
                lines.push(v.to_string());
            } else {
                let mark = match reason {
                    Some(r) => format!("deviation: {}", r.lines().next().unwrap_or_default()),
                    None => "NOT WRITTEN DOWN".to_owned(),
                };
                lines.push(format!(
                    "  {} | {}: ours {} / theirs {}  [{mark}]",
                    diff.place,
                    diff.kind,
                    short(&diff.ours),
                    short(&diff.theirs)
                ));
            }
        }
    }
    for d in &stale {
        if args.json {
            lines.push(json!({"stale_deviation": d.id, "reason": d.reason}).to_string());
        } else {
            lines.push(format!(
                "stale deviation (no such difference any more): {} — remove it from {}",
                d.id, deviations_shown
            ));
        }
    }
    for line in &lines {
        println!("{line}");
    }
    let total: usize = by_op.values().map(Vec::len).sum();
    if deviations.scope.tags.is_empty() {
        eprintln!("scope: every operation ({compared} compared)");
    } else {
        eprintln!(
            "scope: {compared} operation(s) compared (Webflow's tagged {}, and those {} holds); {out_of_scope} upstream operation(s) out of scope, not compared (the scope is in {})",
            deviations.scope.tags.join(", "),
            ours_shown,
            deviations_shown
        );
    }
    eprintln!(
        "{total} difference(s): {} written down, {undocumented} not; {} stale deviation(s)",
        total - undocumented,
        stale.len()
    );
    if undocumented > 0 || !stale.is_empty() {
        eprintln!(
            "to fix: change {ours_shown} to match, or write the difference down in {deviations_shown} with its reason"
        );
        Ok(EXIT_FAILED)
    } else {
        Ok(EXIT_OK)
    }
}

fn short(v: &Value) -> String {
    let text = match v {
        Value::Null => "-".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(59).collect::<String>())
    } else {
        text
    }
}

fn read(path: &Path) -> Result<Value, Usage> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Usage(format!("cannot read {}: {e}", path.display())))?;
    serde_saphyr::from_str::<Value>(&text)
        .map_err(|e| Usage(format!("{} is not YAML or JSON: {e}", path.display())))
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}
