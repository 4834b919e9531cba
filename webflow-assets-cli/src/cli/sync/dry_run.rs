//! `sync --dry-run`: the plan, each upload checked as the run would check
//! it (the library's preflight: name, content type, size, the fit), and
//! nothing changed.

use std::path::Path;

use webflow_assets::fit::FitOptions;

use super::execute::GoingUp;
use super::plan::{Action, Local, Plan};
use super::{Output, fit};
use crate::cli::hints;

/// Prints each action as planned, or as `would fail` with the reason the
/// run would give; returns how many would fail.
pub(super) async fn show(
    plan: &Plan,
    dir: &Path,
    local: &Local,
    fit_options: Option<&FitOptions>,
    out: &Output,
) -> usize {
    let mut would_fail = 0;
    for action in &plan.actions {
        match check(action, dir, local, fit_options).await {
            Ok(report) => out.action_fit(action, "planned", None, report.as_ref()),
            Err(e) => {
                out.action(action, "would fail", Some(&e));
                would_fail += 1;
            }
        }
    }
    would_fail
}

/// An upload's checks, its fit carried out (encoded, not sent) so that the
/// plan shows what would go up; other actions have none to make.
async fn check(
    action: &Action,
    dir: &Path,
    local: &Local,
    fit_options: Option<&FitOptions>,
) -> Result<Option<webflow_assets::fit::FitReport>, String> {
    let Action::Upload { path, .. } = action else {
        return Ok(None);
    };
    let file = &local.files[path];
    let prepared = match fit_options {
        Some(options) if fit::key_for(&file.name, Some(options)).is_some() => {
            Some(fit::prepare(&dir.join(path), &file.name, (&file.md5, file.size), options).await?)
        }
        _ => None,
    };
    let report = prepared.as_ref().map(|p| p.report.clone());
    let (source, options) = GoingUp::of(dir, path, file, prepared).upload();
    webflow_assets::preflight(&source, &options)
        .await
        .map_err(|e| hints::message(&e))?;
    Ok(report)
}
