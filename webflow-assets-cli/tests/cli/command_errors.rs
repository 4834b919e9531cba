//! The commands other than `upload` refusing what they must: `sync
//! --dry-run` checks each upload as the run would, and an error's hints
//! name only flags the running command has.

use std::path::PathBuf;
use std::process::Output;
use std::time::{Duration, Instant};

use crate::common;
use common::cli::run_on as run;
use common::cli::{cli, output, text};
use serde_json::Value;
use webflow_assets_sandbox::{Sandbox, SandboxConfig};

/// A sandbox, and a directory holding an empty `tree/` to sync.
async fn sandbox_and_tree() -> (Sandbox, tempfile::TempDir, PathBuf) {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    std::fs::create_dir(&tree).unwrap();
    (sandbox, dir, tree)
}

/// The JSON lines of `sync --json`, by path.
fn by_path(out: &Output) -> Vec<(String, String, Option<String>)> {
    let mut rows: Vec<_> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .map(|v| {
            (
                v["path"].as_str().unwrap_or_default().to_owned(),
                v["status"].as_str().unwrap_or_default().to_owned(),
                v["error"].as_str().map(str::to_owned),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// A tree with one good file and three that Webflow refuses: the dry run
/// says so for each, exits 1 and calls nothing that changes the site; the
/// run then fails those three with the same reasons and uploads the one.
#[tokio::test(flavor = "multi_thread")]
async fn sync_dry_run_refuses_what_the_run_would() {
    let (sandbox, dir, tree) = sandbox_and_tree().await;
    let long = format!("{}.png", "n".repeat(96));
    for (name, body) in [
        ("ok.png", b"\x89PNG\r\n\x1a\nok".to_vec()),
        (long.as_str(), b"\x89PNG\r\n\x1a\nlong".to_vec()),
        ("tool.exe", b"MZ".to_vec()),
        ("big.png", vec![0u8; 4 * 1024 * 1024 + 1]),
    ] {
        std::fs::write(tree.join(name), body).unwrap();
    }

    let dry = run(
        &sandbox,
        dir.path(),
        &["sync", "tree", "--dry-run", "--json"],
    )
    .await;
    assert_eq!(dry.status.code(), Some(1), "{}", text(&dry.stderr));
    assert_eq!(sandbox.stats().created, 0, "a dry run creates nothing");
    let planned = by_path(&dry);
    let status: Vec<(&str, &str)> = planned
        .iter()
        .map(|(p, s, _)| (p.as_str(), s.as_str()))
        .collect();
    assert_eq!(
        status,
        [
            ("big.png", "would fail"),
            (long.as_str(), "would fail"),
            ("ok.png", "planned"),
            ("tool.exe", "would fail"),
        ]
    );
    let reason = |rows: &[(String, String, Option<String>)], path: &str| {
        rows.iter()
            .find(|(p, _, _)| p == path)
            .and_then(|(_, _, e)| e.clone())
            .unwrap_or_else(|| panic!("no error for {path}: {rows:?}"))
    };
    assert!(reason(&planned, &long).contains("Webflow accepts at most 99"));
    assert!(reason(&planned, "big.png").contains("in this tool: --fit"));
    assert!(reason(&planned, "tool.exe").contains("does not accept"));
    // `sync` has no --name: its hint is left out, not named.
    assert!(!reason(&planned, &long).contains("--name"), "{planned:?}");
    let summary = text(
        &run(&sandbox, dir.path(), &["sync", "tree", "--dry-run"])
            .await
            .stderr,
    );
    assert!(summary.contains("3 of these would fail"), "{summary}");

    let done = run(&sandbox, dir.path(), &["sync", "tree", "--json"]).await;
    assert_eq!(done.status.code(), Some(1), "{}", text(&done.stderr));
    let carried = by_path(&done);
    for path in ["big.png", long.as_str(), "tool.exe"] {
        assert_eq!(reason(&carried, path), reason(&planned, path), "{path}");
    }
    assert_eq!(sandbox.stats().created, 1, "{carried:?}");
}

/// `assets` and `folders` take the connect budget their errors point to,
/// and keep to it; `sync` without a site is not told to use a --sandbox it
/// does not have.
#[tokio::test(flavor = "multi_thread")]
async fn every_command_has_the_flags_its_errors_name() {
    let dir = tempfile::tempdir().unwrap();
    let closed_port = common::closed_port();
    let closed = format!("http://127.0.0.1:{}/v2", closed_port.port);
    for command in [&["assets", "list"][..], &["folders", "list"]] {
        let mut cmd = cli(dir.path());
        cmd.args(command)
            .args(["--connect-attempts", "2", "--connect-wait", "0.1"])
            .args(["--base-url", &closed])
            .env("WEBFLOW_TOKEN", "t0ken")
            .env("WEBFLOW_SITE_ID", "580e63e98c9a982ac9b8b741");
        let started = Instant::now();
        let out = output(cmd).await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command:?}: {stderr}");
        assert!(started.elapsed() < Duration::from_secs(10), "{command:?}");
        assert!(
            stderr.contains("no connection could be opened")
                && stderr.contains("in this tool: --base-url or WEBFLOW_BASE_URL; --connect-attempts and --connect-wait"),
            "{command:?}: {stderr}"
        );
    }
    std::fs::create_dir(dir.path().join("tree")).unwrap();
    let mut sync = cli(dir.path());
    sync.args(["sync", "tree"]).env("WEBFLOW_TOKEN", "t0ken");
    let out = output(sync).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no site given") && !stderr.contains("--sandbox"),
        "{stderr}"
    );
}

/// An alt text file from a spreadsheet (byte-order mark, CRLF, a quoted
/// path with a comma) gives each file its alt text, and a path the tree
/// does not hold is named on stderr, not dropped unsaid.
#[tokio::test(flavor = "multi_thread")]
async fn sync_alt_texts_from_a_spreadsheet() {
    let (sandbox, dir, tree) = sandbox_and_tree().await;
    std::fs::write(tree.join("a, b.png"), b"\x89PNG\r\n\x1a\nab").unwrap();
    std::fs::write(
        dir.path().join("alt.csv"),
        "\u{feff}path,alt text\r\n\"a, b.png\",\"The \"\"red\"\" chair\"\r\nmisspelt.png,Lost\r\n",
    )
    .unwrap();
    let args = ["sync", "tree", "--json", "--alt-text-file", "alt.csv"];
    let out = run(&sandbox, dir.path(), &args).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("alt.csv names 1 path(s) that are not files of tree")
            && stderr.contains("misspelt.png"),
        "{stderr}"
    );
    let actions: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["path"], "a, b.png");
    assert_eq!(actions[0]["altText"], "The \"red\" chair");
    let listed = run(&sandbox, dir.path(), &["assets", "list", "--json"]).await;
    let assets: Vec<Value> = text(&listed.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(assets.len(), 1, "{assets:?}");
    assert_eq!(assets[0]["altText"], "The \"red\" chair", "on the site");
}

/// A second sync of the same tree to the same site, while one runs, is
/// refused before it reads or changes anything (a dry run is not: it
/// writes nothing); once the first ends, it runs.
#[tokio::test(flavor = "multi_thread")]
async fn one_sync_of_a_tree_at_a_time() {
    let (sandbox, dir, tree) = sandbox_and_tree().await;
    std::fs::write(tree.join("a.png"), b"\x89PNG\r\n\x1a\na").unwrap();
    // What a running sync holds: the lock file beside its state.
    let held =
        std::fs::File::create(tree.join(format!(".webflow-sync-{}.lock", sandbox.site_id())))
            .unwrap();
    held.try_lock().unwrap();

    let refused = run(&sandbox, dir.path(), &["sync", "tree"]).await;
    let stderr = text(&refused.stderr);
    assert_eq!(refused.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("another sync of this directory to this site is running"),
        "{stderr}"
    );
    assert_eq!(sandbox.stats().created, 0);
    let dry = run(&sandbox, dir.path(), &["sync", "tree", "--dry-run"]).await;
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr));

    drop(held);
    let done = run(&sandbox, dir.path(), &["sync", "tree"]).await;
    assert_eq!(done.status.code(), Some(0), "{}", text(&done.stderr));
    assert_eq!(sandbox.stats().created, 1);
    // The lock file is hidden, as the state is: never uploaded.
    let again = run(&sandbox, dir.path(), &["sync", "tree"]).await;
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert_eq!(sandbox.stats().created, 1);
}
