//! `webflow-assets assets ...`, `folders ...` and `upload --alt-text`
//! end to end against the sandbox, through `--base-url` as a user would.

use crate::common;

use std::process::Output;

use common::cli::run_on as run;
use common::cli::text;
use serde_json::Value;
use webflow_assets_sandbox::{Sandbox, SandboxConfig};

fn json_lines(out: &Output) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

use common::cli::succeeded as ok;

/// Counts the calls that change something.
fn changes(sandbox: &Sandbox) -> u64 {
    let s = sandbox.stats();
    let o = &s.operations;
    s.created + o.updated + o.deleted + o.folders_created
}

#[tokio::test(flavor = "multi_thread")]
async fn folders_upload_list_update_get_delete() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("hero.png"), b"\x89PNG\r\n\x1a\nhero").unwrap();
    std::fs::write(d.join("icon.png"), b"\x89PNG\r\n\x1a\nicon").unwrap();

    // Dry runs change nothing.
    ok(&run(&sandbox, d, &["folders", "create", "images", "--dry-run"]).await);
    let out = run(
        &sandbox,
        d,
        &[
            "upload",
            "hero.png",
            "--alt-text",
            "A hero",
            "--dry-run",
            "--json",
        ],
    )
    .await;
    assert_eq!(json_lines(ok(&out))[0]["status"], "would upload");
    assert_eq!(changes(&sandbox), 0);

    // A folder tree.
    let images = json_lines(ok(&run(
        &sandbox,
        d,
        &["folders", "create", "images", "--json"],
    )
    .await))
    .remove(0);
    let images_id = images["id"].as_str().unwrap().to_owned();
    let icons = json_lines(ok(&run(
        &sandbox,
        d,
        &[
            "folders", "create", "icons", "--parent", &images_id, "--json",
        ],
    )
    .await))
    .remove(0);
    assert_eq!(icons["parentFolder"], images_id.as_str());
    let icons_id = icons["id"].as_str().unwrap().to_owned();
    let listed = json_lines(ok(&run(&sandbox, d, &["folders", "list", "--json"]).await));
    assert_eq!(listed.len(), 2);
    let got = json_lines(ok(&run(
        &sandbox,
        d,
        &["folders", "get", &icons_id, "--json"],
    )
    .await));
    assert_eq!(got[0]["displayName"], "icons");

    // Uploads with alt text, into the tree.
    ok(&run(
        &sandbox,
        d,
        &[
            "upload",
            "hero.png",
            "--folder",
            &images_id,
            "--alt-text",
            "A hero",
            "--no-manifest",
        ],
    )
    .await);
    ok(&run(
        &sandbox,
        d,
        &["upload", "icon.png", "--folder", &icons_id, "--no-manifest"],
    )
    .await);

    // The list: everything under images/ (icons/ included), as JSON and as a table.
    let under = json_lines(ok(&run(
        &sandbox,
        d,
        &["assets", "list", "--folder", &images_id, "--json"],
    )
    .await));
    assert_eq!(under.len(), 2);
    let hero = under
        .iter()
        .find(|a| a["originalFileName"] == "hero.png")
        .unwrap();
    assert_eq!(hero["altText"], "A hero");
    let hero_id = hero["id"].as_str().unwrap().to_owned();
    let table = text(
        &ok(&run(
            &sandbox,
            d,
            &[
                "assets",
                "list",
                "--fields",
                "id,alt,size",
                "--sort-by",
                "size",
                "--order",
                "desc",
            ],
        )
        .await)
        .stdout,
    );
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["ID", "ALT", "SIZE"]
    );
    assert_eq!(lines.len(), 3, "{table}");
    // The default columns: id, name, size, type, folder, alt text.
    let table = text(&ok(&run(&sandbox, d, &["assets", "list"]).await).stdout);
    let header: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["ID", "NAME", "SIZE", "TYPE", "FOLDER", "ALT"]);
    assert!(table.contains("A hero"), "{table}");
    let window = json_lines(ok(&run(
        &sandbox,
        d,
        &["assets", "list", "--limit", "1", "--offset", "1", "--json"],
    )
    .await));
    assert_eq!(window.len(), 1);

    // Update, then get shows it.
    ok(&run(
        &sandbox,
        d,
        &["assets", "update", &hero_id, "--alt-text", "A new hero"],
    )
    .await);
    let got = json_lines(ok(&run(
        &sandbox,
        d,
        &["assets", "get", &hero_id, "--json"],
    )
    .await));
    assert_eq!(got[0]["altText"], "A new hero");

    // Delete needs a yes off a terminal; then the asset is gone (exit 1, 404).
    let out = run(&sandbox, d, &["assets", "delete", &hero_id]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    ok(&run(&sandbox, d, &["assets", "delete", &hero_id, "--yes"]).await);
    let out = run(&sandbox, d, &["assets", "get", &hero_id]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("404 Not Found") && stderr.contains(&hero_id),
        "{stderr}"
    );
    assert!(!stderr.contains(sandbox.token()), "token echoed");

    // Bad ids are usage errors before any call.
    let before = sandbox.stats().refused;
    for args in [
        vec!["assets", "get", "nope"],
        vec!["assets", "update", "nope", "--alt-text", "x"],
        vec!["assets", "list", "--fields", "bogus"],
        vec!["folders", "create", "x", "--parent", "nope"],
    ] {
        let out = run(&sandbox, d, &args).await;
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    assert_eq!(sandbox.stats().refused, before);
    let ops = &sandbox.stats().operations;
    assert_eq!(ops.deleted, 1);
    assert_eq!(ops.folders_created, 2);
}
