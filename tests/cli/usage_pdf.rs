//! The other scenario: a PDF linked from rich text (`<a href>`), a
//! Link field and a PlainText field. `sync --prune` with a changed PDF moves
//! every one of those references to the new asset (body snapshotted), and
//! keeps the old PDF while the live items still link it.

use std::path::Path;
use std::process::Output;

use crate::common;
use common::cli::{cli, output, succeeded};
use serde_json::{Value, json};
use webflow_assets::sandbox::{Sandbox, SandboxConfig, SiteModel};

const COLLECTION: &str = "562ac0395358780a1f5e6fbc";

async fn run(sandbox: &Sandbox, dir: &Path, args: &[&str]) -> Output {
    let mut cmd = cli(dir);
    cmd.args(args)
        .env("WEBFLOW_TOKEN", sandbox.token())
        .env("WEBFLOW_SITE_ID", sandbox.site_id())
        .env("WEBFLOW_BASE_URL", sandbox.base_url())
        .env("XDG_CACHE_HOME", dir.join("cache"));
    output(cmd).await
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
