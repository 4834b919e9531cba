//! `assets usage`, `assets unused`, `assets delete` and `sync --prune`
//! against a sandbox site with pages, components and CMS items, as a user
//! runs them.

use crate::common;

use std::path::Path;
use std::process::Output;

use common::cli::{cli, output, succeeded, text};
use serde_json::{Value, json};
use webflow_assets_sandbox::{Sandbox, SandboxConfig, SiteModel};

const PAGE: &str = "6596da6045e56dee495bcbba";
const COLLECTION: &str = "562ac0395358780a1f5e6fbc";
pub(crate) const USED: &str = "659595234426a9fcbad57043";
pub(crate) const UNUSED: &str = "659595234426a9fcbad57046";
pub(crate) const LIVE_ONLY: &str = "659595234426a9fcbad57047";

async fn run_as(sandbox: &Sandbox, token: &str, dir: &Path, args: &[&str]) -> Output {
    run_on(token, sandbox.site_id(), &sandbox.base_url(), dir, args).await
}

/// The tool against any API root (a sandbox's, a mock's), as a user with
/// the README's variables exported.
pub(crate) async fn run_on(
    token: &str,
    site: &str,
    base_url: &str,
    dir: &Path,
    args: &[&str],
) -> Output {
    let mut cmd = cli(dir);
    cmd.args(args)
        .env("WEBFLOW_TOKEN", token)
        .env("WEBFLOW_SITE_ID", site)
        .env("WEBFLOW_BASE_URL", base_url)
        // The usage index goes to the test's directory, not the user's cache.
        .env("XDG_CACHE_HOME", dir.join("cache"));
    output(cmd).await
}

pub(crate) async fn run(sandbox: &Sandbox, dir: &Path, args: &[&str]) -> Output {
    run_as(sandbox, sandbox.token(), dir, args).await
}

fn lines(out: &Output) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

/// A page using USED, an item using LIVE_ONLY in its live data only.
pub(crate) async fn site_sandbox(config: SandboxConfig) -> Sandbox {
    let site = json!({
        "assets": [
            {"id": USED, "fileName": "logo.png"},
            {"id": UNUSED, "fileName": "old.png"},
            {"id": LIVE_ONLY, "fileName": "banner.png"}
        ],
        "pages": [{"id": PAGE, "title": "Home", "slug": "index",
                   "nodes": [{"id": "n1", "type": "image", "image": {"assetId": USED}}]}],
        "collections": [{"id": COLLECTION, "displayName": "Posts", "slug": "posts",
            "fields": [{"slug": "image", "type": "Image"}],
            "items": [{"id": "62b720ef280c7a7a3be8ca01",
                       "fieldData": {"name": "A post", "slug": "a-post"},
                       "live": {"name": "A post", "slug": "a-post", "image": {"fileId": LIVE_ONLY}}}]}]
    });
    let site = SiteModel::from_json(&site.to_string()).unwrap();
    Sandbox::start(SandboxConfig { site, ..config })
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_and_unused_name_places_and_the_blind_spots() {
    let sandbox = site_sandbox(SandboxConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = run(&sandbox, d, &["assets", "usage", USED, LIVE_ONLY, UNUSED]).await;
    let stdout = text(&succeeded(&out).stdout);
    assert!(
        stdout.contains(&format!("{USED}  page \"Home\" (/index, {PAGE}) node n1")),
        "{stdout}"
    );
    assert!(stdout.contains("field image (Image), live"), "{stdout}");
    assert!(
        stdout.contains(&format!("{UNUSED}  nowhere the scan shows")),
        "{stdout}"
    );
    // The published page shows the page's image too.
    assert!(
        stdout.contains(&format!("published {}/: image", sandbox.published_url())),
        "{stdout}"
    );
    // With the published site read, only what neither source shows is a
    // blind spot; without it, what only the published site shows is too.
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("neither the API nor the published site")
            && stderr.contains("scripts build at run time")
            && !stderr.contains("favicon"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "read the published site at {}/",
            sandbox.published_url()
        )),
        "{stderr}"
    );
    let out = run(&sandbox, d, &["assets", "usage", USED, "--no-published"]).await;
    let stderr = text(&succeeded(&out).stderr);
    assert!(
        stderr.contains("the published site was not read (--no-published)")
            && stderr.contains("background images")
            && stderr.contains("custom code")
            && stderr.contains("favicon"),
        "{stderr}"
    );

    let out = run(&sandbox, d, &["assets", "usage", LIVE_ONLY, "--json"]).await;
    let v = lines(succeeded(&out));
    assert_eq!(v[0]["used"], true);
    assert_eq!(v[0]["uses"][0]["live"], true);
    assert_eq!(v[0]["uses"][0]["staged"], false);

    let out = run(&sandbox, d, &["assets", "unused", "--json"]).await;
    let listed = lines(succeeded(&out));
    let ids: Vec<&str> = listed.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [UNUSED], "the live-only asset is in use");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_scope_is_an_error_naming_it_never_a_list_of_unused() {
    let mut config = SandboxConfig::default();
    config.scoped_tokens.insert(
        "no-cms".into(),
        [
            "assets:read",
            "assets:write",
            "sites:read",
            "pages:read",
            "components:read",
        ]
        .map(String::from)
        .to_vec(),
    );
    let sandbox = site_sandbox(config).await;
    let dir = tempfile::tempdir().unwrap();
    let out = run_as(&sandbox, "no-cms", dir.path(), &["assets", "unused"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "", "nothing is listed as unused");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("CMS items were not checked") && stderr.contains("cms:read"),
        "{stderr}"
    );
    // Nor is anything deleted blind.
    let out = run_as(
        &sandbox,
        "no-cms",
        dir.path(),
        &["assets", "delete", UNUSED, "--yes"],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("nothing was deleted"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(sandbox.stats().operations.deleted, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_refuses_an_asset_in_use_and_force_deletes_it() {
    let sandbox = site_sandbox(SandboxConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = run(
        &sandbox,
        d,
        &["assets", "delete", USED, LIVE_ONLY, UNUSED, "--yes"],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("{USED} is in use, not deleted")),
        "{stderr}"
    );
    assert!(stderr.contains("page \"Home\""), "{stderr}");
    assert!(
        stderr.contains(&format!("{LIVE_ONLY} is in use")),
        "{stderr}"
    );
    assert_eq!(text(&out.stdout), format!("deleted {UNUSED}\n"));
    assert_eq!(sandbox.stats().operations.deleted, 1);

    let out = run(&sandbox, d, &["assets", "delete", USED, "--yes", "--force"]).await;
    assert_eq!(text(&succeeded(&out).stdout), format!("deleted {USED}\n"));
    assert_eq!(sandbox.stats().operations.deleted, 2);
}

/// The scenario: `logo.png` is used on a page and in 3 items (an
/// Image, a MultiImage and a rich-text field, staged and live), then
/// changes, and `sync --prune` runs.
#[tokio::test(flavor = "multi_thread")]
async fn a_changed_logo_moves_its_cms_uses_and_is_pruned_only_once_unused() {
    const OTHER: &str = "659595234426a9fcbad57048";
    let site = json!({
        "assets": [{"id": OTHER, "fileName": "other.png"}],
        "pages": [{"id": PAGE, "title": "Home", "slug": "index", "nodes": []}],
        "collections": [{"id": COLLECTION, "displayName": "Posts", "slug": "posts",
            "fields": [{"slug": "image", "type": "Image"}, {"slug": "gallery", "type": "MultiImage"},
                       {"slug": "body", "type": "RichText"}],
            "items": [
                {"id": "62b720ef280c7a7a3be8ca01", "fieldData": {"name": "One", "slug": "one"}},
                {"id": "62b720ef280c7a7a3be8ca02", "fieldData": {"name": "Two", "slug": "two"}},
                {"id": "62b720ef280c7a7a3be8ca03", "fieldData": {"name": "Three", "slug": "three"}}
            ]}]
    });
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
    std::fs::write(d.join("tree/logo.png"), b"\x89PNG\r\n\x1a\nlogo v1").unwrap();
    let sync = |extra: &'static [&'static str]| {
        let mut args = vec!["sync", "tree", "--prune", "--yes", "--json"];
        args.extend_from_slice(extra);
        let (sandbox, d) = (&sandbox, d);
        async move { run(sandbox, d, &args).await }
    };
    succeeded(&sync(&[]).await);
    let old = only_asset(&client).await;
    let old_url = client.get_asset(&old).await.unwrap().hosted_url.unwrap();

    // The site uses the logo: a page, and 3 items staged and live.
    sandbox.edit_site(|site| {
        site.pages[0].nodes = vec![json!({"id": "n1", "type": "image", "image": {"assetId": old, "alt": "Logo"}})];
        let uses = [
            ("image", json!({"fileId": old, "url": old_url, "alt": "Our logo"})),
            ("gallery", json!([{"fileId": OTHER, "alt": "first"}, {"fileId": old, "url": old_url, "alt": "second"}])),
            ("body", json!(format!("<p>Hello</p><figure><img src=\"{old_url}\" alt=\"Logo\"></figure>"))),
        ];
        for (item, (field, value)) in site.collections[0].items.iter_mut().zip(uses) {
            item.field_data.insert(field.into(), value);
            item.live = Some(item.field_data.clone());
        }
    });
    let live_before: Vec<_> = sandbox.site().collections[0]
        .items
        .iter()
        .map(|i| i.live.clone())
        .collect();

    // The file changes. A dry run shows the relinks and changes nothing.
    std::fs::write(d.join("tree/logo.png"), b"\x89PNG\r\n\x1a\nlogo v2").unwrap();
    let out = sync(&["--dry-run"]).await;
    let planned = lines(succeeded(&out));
    let relinks: Vec<&Value> = planned.iter().filter(|v| v["action"] == "relink").collect();
    assert_eq!(relinks.len(), 3, "{planned:#?}");
    assert!(relinks.iter().all(|r| r["status"] == "planned"
        && r["stage"] == "staged"
        && r["from"][0] == old.as_str()));
    assert!(
        planned
            .iter()
            .any(|v| v["action"] == "delete" && v["status"] == "would keep"),
        "{planned:#?}"
    );
    assert!(sandbox.item_updates().is_empty());
    assert_eq!(sandbox.stats().created, 1);

    // sync --prune: the new asset goes up, the 3 staged items move to it in
    // one call, the live items stay, the old asset is kept for the page.
    let out = sync(&[]).await;
    let done = lines(succeeded(&out));
    assert!(
        done.iter()
            .any(|v| v["action"] == "upload" && v["status"] == "done"),
        "{done:#?}"
    );
    let new = client
        .get_asset(&other_than(&client, &old, OTHER).await)
        .await
        .unwrap();
    let new_url = new.hosted_url.clone().unwrap();
    let updates = sandbox.item_updates();
    assert_eq!(
        updates.len(),
        1,
        "one PATCH for the collection's 3 staged items"
    );
    assert!(!updates[0].live);
    let redact = |v: &Value| {
        let text = v
            .to_string()
            .replace(&new_url, "[new asset's URL]")
            .replace(&new.id, "[new asset]")
            .replace(&old_url, "[old asset's URL]")
            .replace(sandbox.base_url().trim_end_matches("/v2"), "[sandbox]");
        serde_json::from_str::<Value>(&text).unwrap()
    };
    insta::assert_json_snapshot!("logo_staged_patch", redact(&updates[0].body));
    let live_now: Vec<_> = sandbox.site().collections[0]
        .items
        .iter()
        .map(|i| i.live.clone())
        .collect();
    assert_eq!(
        live_now, live_before,
        "live items are unchanged without --publish"
    );
    let kept = done.iter().find(|v| v["action"] == "delete").unwrap();
    assert_eq!(kept["status"], "kept", "{done:#?}");
    assert_eq!(kept["uses"][0]["kind"], "page");
    assert!(
        client.get_asset(&old).await.is_ok(),
        "the old asset is kept"
    );

    // --publish moves the live items too; the page still holds the old one.
    let out = run(
        &sandbox,
        d,
        &["sync", "tree", "--prune", "--yes", "--publish"],
    )
    .await;
    let stderr = text(&succeeded(&out).stderr);
    assert!(
        stderr.contains("page \"Home\"") && stderr.contains("change it in the Designer"),
        "{stderr}"
    );
    let updates = sandbox.item_updates();
    assert_eq!(updates.len(), 2, "{updates:#?}");
    assert!(updates[1].live);
    insta::assert_json_snapshot!("logo_live_patch", redact(&updates[1].body));
    assert!(
        client.get_asset(&old).await.is_ok(),
        "still kept: the page uses it"
    );

    // Once the page uses the new asset, the old one is pruned.
    sandbox.edit_site(|site| {
        site.pages[0].nodes[0]["image"]["assetId"] = new.id.clone().into();
    });
    let out = sync(&[]).await;
    let done = lines(succeeded(&out));
    assert!(
        done.iter()
            .any(|v| v["action"] == "delete" && v["id"] == old.as_str() && v["status"] == "done"),
        "{done:#?}"
    );
    assert!(matches!(
        client.get_asset(&old).await,
        Err(webflow_assets::Error::NotFound(_))
    ));
    assert_eq!(sandbox.item_updates().len(), 2, "nothing left to move");
}

async fn only_asset(client: &webflow_assets::Client) -> String {
    let all: Vec<_> = futures::TryStreamExt::try_collect::<Vec<_>>(client.list_assets(
        webflow_assets_sandbox::SANDBOX_SITE_ID,
        webflow_assets::ListOptions::new(),
    ))
    .await
    .unwrap();
    let mine: Vec<_> = all
        .into_iter()
        .filter(|a| a.original_file_name.as_deref() == Some("logo.png"))
        .collect();
    assert_eq!(mine.len(), 1);
    mine[0].id.clone()
}

async fn other_than(client: &webflow_assets::Client, old: &str, seeded: &str) -> String {
    other_than_all(client, &[old, seeded]).await
}

/// The one asset of the sandbox's site whose id is none of `seeded`.
pub(crate) async fn other_than_all(client: &webflow_assets::Client, seeded: &[&str]) -> String {
    let all: Vec<_> = futures::TryStreamExt::try_collect::<Vec<_>>(client.list_assets(
        webflow_assets_sandbox::SANDBOX_SITE_ID,
        webflow_assets::ListOptions::new(),
    ))
    .await
    .unwrap();
    let ids: Vec<String> = all
        .into_iter()
        .map(|a| a.id)
        .filter(|id| !seeded.contains(&id.as_str()))
        .collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    ids[0].clone()
}

/// Without the read scopes, `sync --prune` deletes nothing and says why.
#[tokio::test(flavor = "multi_thread")]
async fn prune_without_the_read_scopes_stops_and_names_them() {
    let mut config = SandboxConfig::default();
    config.scoped_tokens.insert(
        "assets-only".into(),
        ["assets:read", "assets:write"].map(String::from).to_vec(),
    );
    let sandbox = site_sandbox(config).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("tree")).unwrap();
    std::fs::write(d.join("tree/gone.png"), b"\x89PNG\r\n\x1a\ngone").unwrap();
    succeeded(&run(&sandbox, d, &["sync", "tree"]).await);
    std::fs::remove_file(d.join("tree/gone.png")).unwrap();
    let out = run_as(
        &sandbox,
        "assets-only",
        d,
        &["sync", "tree", "--prune", "--yes"],
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("prune stopped, nothing deleted"),
        "{stderr}"
    );
    for scope in ["pages:read", "components:read", "cms:read"] {
        assert!(stderr.contains(scope), "{scope}: {stderr}");
    }
    assert_eq!(sandbox.stats().operations.deleted, 0);
    // With the scopes, the same prune deletes it (nothing uses it).
    succeeded(&run(&sandbox, d, &["sync", "tree", "--prune", "--yes"]).await);
    assert_eq!(sandbox.stats().operations.deleted, 1);
}
