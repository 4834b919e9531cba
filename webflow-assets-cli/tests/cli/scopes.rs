//! A new user's first steps (issue 37): which token, which scopes, which
//! site. `whoami` and `sites` against the sandbox's scoped tokens, the
//! no-token message, a missing scope said once with the commands it
//! stands in the way of (never `--force`), and a closed pipe.

use std::io::Read;
use std::process::Stdio;

use serde_json::Value;
use webflow_assets_sandbox::{Sandbox, SandboxConfig};

use crate::common::cli::{cli, output, succeeded, text};
use crate::usage::run_on;

fn scoped(config: &mut SandboxConfig, token: &str, scopes: &[&str]) {
    config.scoped_tokens.insert(
        token.into(),
        scopes.iter().map(|s| (*s).to_owned()).collect(),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn whoami_names_each_command_the_token_cannot_run_and_why() {
    let mut config = SandboxConfig::default();
    scoped(&mut config, "assets-only", &["assets:read", "assets:write"]);
    let sandbox = Sandbox::start(config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let base = sandbox.base_url();
    let run = |args: &'static [&'static str]| {
        run_on("assets-only", sandbox.site_id(), &base, dir.path(), args)
    };
    let out = run(&["whoami"]).await;
    let stdout = text(&succeeded(&out).stdout);
    assert!(
        stdout.contains("scopes: assets:read, assets:write (from Get Authorization Info)"),
        "{stdout}"
    );
    assert!(stdout.contains("  yes upload\n"), "{stdout}");
    assert!(
        stdout.contains(
            "  no  assets delete  needs cms:read, components:read, pages:read, sites:read\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("  no  sites list, sites get  needs sites:read\n"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("--force\n") || stdout.contains("  yes assets delete --force"),
        "{stdout}"
    );
    // The same as JSON, for scripts.
    let out = run(&["whoami", "--json"]).await;
    let v: Value = serde_json::from_slice(&succeeded(&out).stdout).unwrap();
    assert_eq!(v["token"]["source"], "introspection");
    let delete = v["commands"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["commands"] == "assets delete")
        .unwrap();
    assert_eq!(delete["can"]["verdict"], "no");
    assert_eq!(delete["can"]["missing"][0], "cms:read");

    // A missing scope: said once, with the commands it stands in the way
    // of, and never --force as the way out.
    let out = run(&["sites", "list"]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("sites:read"), "{stderr}");
    assert!(
        stderr.contains("without sites:read, these commands cannot run: sites list, sites get"),
        "{stderr}"
    );
    assert!(stderr.contains("webflow-assets whoami"), "{stderr}");
    assert!(!stderr.contains("--force"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_that_may_not_introspect_is_tried_read_by_read() {
    let mut config = SandboxConfig {
        introspection: false,
        ..SandboxConfig::default()
    };
    scoped(
        &mut config,
        "reader",
        &["assets:read", "sites:read", "pages:read"],
    );
    let sandbox = Sandbox::start(config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = run_on(
        "reader",
        sandbox.site_id(),
        &sandbox.base_url(),
        dir.path(),
        &["whoami"],
    )
    .await;
    let stdout = text(&succeeded(&out).stdout);
    assert!(
        stdout.contains("scopes: assets:read, pages:read, sites:read (tried one read each"),
        "{stdout}"
    );
    assert!(
        stdout.contains("lacks: cms:read, components:read"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("  {}  Sandbox Site", sandbox.site_id())),
        "{stdout}"
    );
    assert!(
        stdout.contains("  ?   upload  if the token has assets:write"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  no  assets usage, assets unused  needs cms:read, components:read"),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sites_list_gives_the_site_id() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = cli(dir.path());
    // No --site: finding it is the point.
    cmd.args(["sites", "list", "--base-url", &sandbox.base_url()])
        .env("WEBFLOW_TOKEN", sandbox.token());
    let out = output(cmd).await;
    let stdout = text(&succeeded(&out).stdout);
    assert!(stdout.contains(sandbox.site_id()), "{stdout}");
    assert!(
        text(&out.stderr).contains("pass one's id as --site"),
        "{}",
        text(&out.stderr)
    );
    let mut cmd = cli(dir.path());
    cmd.args([
        "sites",
        "get",
        sandbox.site_id(),
        "--json",
        "--base-url",
        &sandbox.base_url(),
    ])
    .env("WEBFLOW_TOKEN", sandbox.token());
    let out = output(cmd).await;
    let v: Value = serde_json::from_slice(&succeeded(&out).stdout).unwrap();
    assert_eq!(v["id"], sandbox.site_id());
}

#[test]
fn the_no_token_message_lists_each_commands_scopes() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli(dir.path())
        .args(["assets", "list", "--site", "580e63e98c9a982ac9b8b741"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    for line in [
        "  upload: assets:read, assets:write",
        "  assets delete: assets:read, assets:write, cms:read, components:read, pages:read, sites:read",
        "  sites list, sites get: sites:read",
        "webflow-assets whoami",
    ] {
        assert!(stderr.contains(line), "{line:?} in {stderr}");
    }
}

/// The README says the same as the tool.
#[test]
fn the_readme_lists_the_scopes_the_tool_names() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = cli(dir.path())
        .args(["assets", "list", "--site", "580e63e98c9a982ac9b8b741"])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    let table: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("  ") && l.contains(':'))
        .collect();
    assert!(table.len() >= 10, "{stderr}");
    for line in table {
        assert!(readme.contains(line), "the README lacks {line:?}");
    }
}

/// `… | head -1`: the reader goes, the program ends quietly with 0.
#[tokio::test(flavor = "multi_thread")]
async fn a_closed_pipe_ends_the_program_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<String> = (0..2000)
        .map(|i| {
            let p = dir.path().join(format!("f{i}.txt"));
            std::fs::write(&p, format!("{i}")).unwrap();
            p.display().to_string()
        })
        .collect();
    let mut cmd = cli(dir.path());
    cmd.arg("hash")
        .args(&files)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    // Read one line, then close the pipe, as `head -1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 40];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
}

/// `drift` runs from anywhere: without --ours and --deviations it compares
/// the spec and deviations built into the binary, which are the
/// checkout's.
#[test]
fn drift_runs_from_any_directory_on_the_built_in_spec() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../webflow-assets/tests/fixtures/webflow-openapi-v2-extract.yaml"
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let out = crate::common::cli::cli(elsewhere.path())
        .args(["drift", fixture, "--json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("0 not; 0 stale"), "{stderr}");
    assert_eq!(
        webflow_assets::schema::OPENAPI_SPEC,
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../webflow-assets/openapi/webflow-assets.yaml"
        ))
        .unwrap()
    );
}
