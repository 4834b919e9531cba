//! The command-line tool, run as a user runs it.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_webflow-assets");

/// A `webflow-assets` command run in `cwd`, with none of the Webflow
/// variables of the test process in its environment and no standard input.
pub fn cli(cwd: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(cwd)
        .env_remove("WEBFLOW_TOKEN")
        .env_remove("WEBFLOW_SITE_ID")
        .env_remove("WEBFLOW_BASE_URL")
        .env_remove("WEBFLOW_SITE_PASSWORD")
        // The user's cache (resume manifests) in the test's own directory.
        .env("XDG_CACHE_HOME", cwd.join(".cache"))
        .stdin(Stdio::null());
    cmd
}

/// Runs a command to the end on a blocking thread (the sandbox it talks to
/// runs on this test's runtime).
pub async fn output(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("the CLI runs"))
        .await
        .expect("the CLI thread")
}

/// Standard output or error as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The output of a command that must succeed; its output in the message if not.
pub fn succeeded(out: &Output) -> &Output {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

/// A `webflow-assets` command run in `dir` against `sandbox`, through the
/// environment a user would export (token, site, base URL), to its end.
pub async fn run_on(
    sandbox: &webflow_assets_sandbox::Sandbox,
    dir: &Path,
    args: &[&str],
) -> Output {
    let mut cmd = cli(dir);
    cmd.args(args)
        .env("WEBFLOW_TOKEN", sandbox.token())
        .env("WEBFLOW_SITE_ID", sandbox.site_id())
        .env("WEBFLOW_BASE_URL", sandbox.base_url());
    output(cmd).await
}
