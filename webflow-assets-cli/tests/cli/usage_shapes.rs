//! Usage on Webflow's real shapes, through the CLI: Webflow's own examples
//! served by a mock, a UUID component end to end, an unreadable page that
//! stops `unused` and `delete`, and a PDF linked from rich text (`<a href>`),
//! a Link field and a PlainText field, whose references `sync --prune` moves
//! to the new asset (body snapshotted), keeping the old PDF while the live
//! items still link it.

use crate::common;
use common::cli::{succeeded, text};

use super::usage::{run, run_on};
use common::upstream::{EXAMPLE_ASSET, serve_upstream_examples};
use serde_json::{Value, json};
use webflow_assets_sandbox::{Sandbox, SandboxConfig, SiteModel};

const COLLECTION: &str = "562ac0395358780a1f5e6fbc";

#[tokio::test]
async fn assets_usage_names_the_page_and_component_of_webflows_own_examples() {
    let (server, _) = serve_upstream_examples().await;
    let dir = tempfile::tempdir().unwrap();
    let site = common::SITE;
    let out = run_on(
        common::TOKEN,
        site,
        &server.uri(),
        dir.path(),
        // Webflow's example domains are not on loopback: the API only.
        &["assets", "usage", EXAMPLE_ASSET, "--json", "--no-published"],
    )
    .await;
    let report: Value = serde_json::from_str(text(&succeeded(&out).stdout).trim()).unwrap();
    assert_eq!(
        (&report["used"], &report["complete"]),
        (&json!(true), &json!(true)),
        "{report:#}"
    );
    let uses = report["uses"].as_array().unwrap();
    for kind in ["page", "component"] {
        assert!(
            uses.iter()
                .any(|u| u["kind"] == kind && u["how"] == "imageNode"),
            "a {kind} with an image node: {report:#}"
        );
    }
    let out = run_on(
        common::TOKEN,
        site,
        &server.uri(),
        dir.path(),
        &["assets", "usage", EXAMPLE_ASSET, "--no-published"],
    )
    .await;
    let table = text(&succeeded(&out).stdout);
    assert!(table.contains(": image node"), "{table}");
}

#[tokio::test]
async fn a_uuid_component_is_scanned_and_named_end_to_end() {
    let sample =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/site.json"))
            .unwrap();
    let sandbox = Sandbox::start(SandboxConfig {
        site: SiteModel::from_json(&sample).unwrap(),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &sandbox,
        dir.path(),
        &["assets", "usage", "659595234426a9fcbad57043"],
    )
    .await;
    let table = text(&succeeded(&out).stdout);
    assert!(
        table.contains("component \"Footer\" (8505ba55-ef72-629e-f85c-33e4b703d48b) node b245c12d-995b-55ee-5ec7-aa36a6cad627: image node"),
        "{table}"
    );
}

#[tokio::test]
async fn an_unreadable_page_stops_unused_and_delete_naming_it() {
    let site = json!({
        "assets": [{"id": "659595234426a9fcbad57046", "fileName": "unused.png"}],
        "pages": [{"id": "6596da6045e56dee495bcbbb", "title": "Broken", "slug": "broken",
                   "nodes": [{"id": "n2", "image": {"assetId": "659595234426a9fcbad57046"}}]}]
    });
    let sandbox = Sandbox::start(SandboxConfig {
        site: SiteModel::from_json(&site.to_string()).unwrap(),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["assets", "unused"][..],
        &["assets", "delete", "659595234426a9fcbad57046", "--yes"][..],
    ] {
        let out = run(&sandbox, dir.path(), args).await;
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            text(&out.stdout).trim().is_empty(),
            "{args:?}: never a list of unused"
        );
        assert!(
            err.contains("page 6596da6045e56dee495bcbbb could not be read"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(
        sandbox.stats().operations.deleted,
        0,
        "nothing deleted behind a gap"
    );
}

async fn asset_ids(client: &webflow_assets::Client, site: &str) -> Vec<String> {
    use futures::TryStreamExt;
    let assets: Vec<_> = client
        .list_assets(site, webflow_assets::ListOptions::new())
        .try_collect()
        .await
        .unwrap();
    assets.into_iter().map(|a| a.id).collect()
}

#[tokio::test]
async fn a_replaced_pdf_moves_its_links_in_rich_text_link_and_text_fields() {
    let site = json!({"collections": [{"id": COLLECTION, "displayName": "Posts", "slug": "posts",
        "fields": [{"slug": "body", "type": "RichText"}, {"slug": "download", "type": "Link"},
                   {"slug": "embed-src", "type": "PlainText"}],
        "items": [{"id": "62b720ef280c7a7a3be8ca01", "fieldData": {"name": "One", "slug": "one"}}]}]});
    let sandbox = Sandbox::start(SandboxConfig {
        site: SiteModel::from_json(&site.to_string()).unwrap(),
        seed: Some(7),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let client = sandbox.client().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("tree")).unwrap();
    std::fs::write(d.join("tree/brochure.pdf"), b"%PDF-1.4 v1").unwrap();
    let sync = ["sync", "tree", "--prune", "--yes", "--json"];
    succeeded(&run(&sandbox, d, &sync).await);
    let old = asset_ids(&client, sandbox.site_id()).await.remove(0);
    let old_url = client.get_asset(&old).await.unwrap().hosted_url.unwrap();
    // Linked the ways a site links a PDF, staged and live.
    sandbox.edit_site(|site| {
        let item = &mut site.collections[0].items[0];
        item.field_data.insert(
            "body".into(),
            json!(format!(
                "<p>Read <a href=\"{old_url}\" target=\"_blank\">the brochure</a>.</p>"
            )),
        );
        item.field_data.insert("download".into(), json!(old_url));
        item.field_data
            .insert("embed-src".into(), json!(format!("pdf={old_url}")));
        item.live = Some(item.field_data.clone());
    });

    std::fs::write(d.join("tree/brochure.pdf"), b"%PDF-1.4 v2").unwrap();
    let done: Vec<Value> =
        String::from_utf8_lossy(&succeeded(&run(&sandbox, d, &sync).await).stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    let updates = sandbox.item_updates();
    assert_eq!(updates.len(), 1, "one staged PATCH: {done:#?}");
    assert!(!updates[0].live);
    let new = asset_ids(&client, sandbox.site_id())
        .await
        .into_iter()
        .find(|a| *a != old)
        .unwrap();
    let new_url = client.get_asset(&new).await.unwrap().hosted_url.unwrap();
    let text = updates[0]
        .body
        .to_string()
        .replace(&new_url, "[new asset's URL]")
        .replace(&old_url, "[old asset's URL]");
    insta::assert_json_snapshot!(
        "pdf_staged_patch",
        serde_json::from_str::<Value>(&text).unwrap()
    );
    let kept = done.iter().find(|v| v["action"] == "delete").unwrap();
    assert_eq!(
        kept["status"], "kept",
        "the live item still links it: {done:#?}"
    );
    assert!(client.get_asset(&old).await.is_ok());
}
