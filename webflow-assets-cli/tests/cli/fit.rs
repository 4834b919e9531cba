//! `--fit` and `--format` through the tool, on the sandbox (which refuses
//! images over 4 MiB, as Webflow does): upload, sync, its second run, a
//! format change that re-uploads and relinks, the dry run.

use crate::common;

use std::path::Path;
use std::process::Output;

use common::cli::{succeeded, text};
use serde_json::{Value, json};
use webflow_assets_sandbox::{Sandbox, SandboxConfig, SiteModel};

use crate::usage::{other_than_all, run};

const COLLECTION: &str = "6258f7f9d0a8b3a6b4b1a0c1";
const ITEM: &str = "62b720ef280c7a7a3be8ca01";
const LIMIT: u64 = 4 * 1024 * 1024;

/// Noise over a gradient: a PNG of about 4.6 MB, over Webflow's limit.
fn big_png(path: &Path) {
    noise_png(path, 1400, 1100);
    assert!(std::fs::metadata(path).unwrap().len() > LIMIT);
}

/// Noise over a gradient, as a PNG of `width`×`height`.
fn noise_png(path: &Path, width: u32, height: u32) {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        let mut h = x.wrapping_mul(0x9E37_79B1) ^ y.wrapping_mul(0x85EB_CA77);
        h ^= h >> 15;
        h = h.wrapping_mul(0x2C1B_3C6D);
        let [a, b, c, _] = h.to_le_bytes();
        image::Rgb([a, b / 2 + (x / 12) as u8, c / 2 + (y / 10) as u8])
    });
    img.save(path).unwrap();
}

fn lines(out: &Output) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

/// The hosted bytes of an asset, decoded.
async fn hosted(
    sandbox: &Sandbox,
    id: &str,
) -> (webflow_assets::types::Asset, image::DynamicImage) {
    let asset = sandbox.client().unwrap().get_asset(id).await.unwrap();
    let bytes = reqwest::get(asset.hosted_url.clone().unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    (asset, image::load_from_memory(&bytes).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_fit_makes_an_image_over_the_limit_fit() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    big_png(&d.join("scan.png"));

    // Without --fit: refused, naming the flag that helps.
    let out = run(&sandbox, d, &["upload", "scan.png", "--no-manifest"]).await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("Webflow accepts images up to 4194304 bytes") && err.contains("--fit"),
        "{err}"
    );

    // --fit: downscaled as far as needed, same format and name.
    let out = run(
        &sandbox,
        d,
        &["upload", "scan.png", "--fit", "--json", "--no-manifest"],
    )
    .await;
    let line = &lines(succeeded(&out))[0];
    assert_eq!(
        (line["fileName"].as_str(), line["contentType"].as_str()),
        (Some("scan.png"), Some("image/png"))
    );
    assert!(line["size"].as_u64().unwrap() <= LIMIT, "{line}");
    assert_eq!(
        line["fit"]["original_bytes"].as_u64(),
        Some(std::fs::metadata(d.join("scan.png")).unwrap().len())
    );
    let (_, img) = hosted(&sandbox, line["id"].as_str().unwrap()).await;
    assert!(img.width() < 1400);
    assert!((f64::from(img.width()) / f64::from(img.height()) - 14.0 / 11.0).abs() < 0.01);

    // --format webp: a WebP named so, at full size (it fits as WebP).
    let out = run(
        &sandbox,
        d,
        &[
            "upload",
            "scan.png",
            "--fit",
            "--format",
            "webp",
            "--json",
            "--no-manifest",
        ],
    )
    .await;
    let line = &lines(succeeded(&out))[0];
    assert_eq!(
        (line["fileName"].as_str(), line["contentType"].as_str()),
        (Some("scan.webp"), Some("image/webp"))
    );
    let (asset, img) = hosted(&sandbox, line["id"].as_str().unwrap()).await;
    assert!(asset.hosted_url.unwrap().ends_with("_scan.webp"));
    assert_eq!((img.width(), img.height()), (1400, 1100));
}

/// A site with a collection whose items take an image.
async fn cms_sandbox() -> Sandbox {
    let site = json!({
        "pages": [{"id": "6258f7f9d0a8b3a6b4b1a0b1", "title": "Home", "slug": "index", "nodes": []}],
        "collections": [{"id": COLLECTION, "displayName": "Posts", "slug": "posts",
            "fields": [{"slug": "image", "type": "Image"}],
            "items": [{"id": ITEM, "fieldData": {"name": "One", "slug": "one"}}]}]
    });
    Sandbox::start(SandboxConfig {
        site: SiteModel::from_json(&site.to_string()).unwrap(),
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

/// The calls that change something on the site.
fn changes(sandbox: &Sandbox) -> [u64; 3] {
    let s = sandbox.stats();
    [s.created, s.operations.updated, s.operations.deleted]
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_fit_webp_then_nothing_then_a_new_format_reuploads_and_relinks() {
    let sandbox = cms_sandbox().await;
    let client = sandbox.client().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("tree")).unwrap();
    // Under the limit: this is about converting, syncing and relinking,
    // and a 16th of the pixels is a 16th of each encode (the test above
    // fits at the limit).
    noise_png(&d.join("tree/photo.png"), 350, 275);
    std::fs::write(d.join("tree/notes.txt"), b"notes\n").unwrap();
    let sync = |extra: &'static [&'static str]| {
        let mut args = vec![
            "sync",
            "tree",
            "--prune",
            "--yes",
            "--json",
            "--no-published",
        ];
        args.extend_from_slice(extra);
        let (sandbox, d) = (&sandbox, d);
        async move { lines(succeeded(&run(sandbox, d, &args).await)) }
    };

    // The dry run encodes and shows the plan; nothing is sent.
    let planned = sync(&["--fit", "--format", "webp", "--dry-run"]).await;
    let photo = planned.iter().find(|v| v["path"] == "photo.png").unwrap();
    assert_eq!(photo["status"], "planned");
    assert_eq!(photo["fit"]["format"], "webp");
    assert!(
        photo["fit"]["bytes"].as_u64().unwrap() < photo["fit"]["original_bytes"].as_u64().unwrap()
    );
    let notes = planned.iter().find(|v| v["path"] == "notes.txt").unwrap();
    assert!(
        notes.get("fit").is_none(),
        "a document is not fitted: {notes}"
    );
    assert_eq!(changes(&sandbox), [0, 0, 0], "a dry run sends nothing");

    let done = sync(&["--fit", "--format", "webp"]).await;
    assert_eq!(
        done.iter()
            .filter(|v| v["action"] == "upload" && v["status"] == "done")
            .count(),
        2,
        "{done:#?}"
    );
    assert_eq!(changes(&sandbox), [2, 0, 0]);
    let webp = client.list_assets(sandbox.site_id(), Default::default());
    let assets: Vec<_> = futures::TryStreamExt::try_collect::<Vec<_>>(webp)
        .await
        .unwrap();
    let old = assets
        .iter()
        .find(|a| a.original_file_name.as_deref() == Some("photo.webp"))
        .expect("photo.webp")
        .clone();

    // Again: nothing to do, nothing encoded, no call that changes anything.
    let listed = sandbox.stats().operations.listed;
    let again = sync(&["--fit", "--format", "webp"]).await;
    assert!(again.iter().all(|v| v["action"] != "upload"), "{again:#?}");
    assert!(
        again.iter().all(|v| v.get("fit").is_none()),
        "no encode: {again:#?}"
    );
    assert_eq!(changes(&sandbox), [2, 0, 0]);
    assert_eq!(
        sandbox.stats().operations.listed,
        listed + 1,
        "the listings only"
    );

    // An item uses the WebP; the format changes to JPEG.
    let old_url = old.hosted_url.clone().unwrap();
    sandbox.edit_site(|site| {
        site.collections[0].items[0]
            .field_data
            .insert("image".into(), json!({"fileId": old.id, "url": old_url}));
    });
    let changed = sync(&["--fit", "--format", "jpeg"]).await;
    let upload = changed.iter().find(|v| v["action"] == "upload").unwrap();
    assert_eq!(
        (upload["path"].as_str(), upload["reason"].as_str()),
        (Some("photo.png"), Some("fit options changed"))
    );
    assert_eq!(upload["fit"]["format"], "jpeg");
    assert_eq!(
        changed.iter().filter(|v| v["action"] == "upload").count(),
        1,
        "the document stays: {changed:#?}"
    );
    let new = other_than_all(
        &client,
        &[
            &old.id,
            &assets
                .iter()
                .find(|a| a.original_file_name.as_deref() == Some("notes.txt"))
                .unwrap()
                .id,
        ],
    )
    .await;
    let (new_asset, img) = hosted(&sandbox, &new).await;
    assert_eq!(new_asset.original_file_name.as_deref(), Some("photo.jpg"));
    assert_eq!((img.width(), img.height()), (350, 275));
    let relink = changed
        .iter()
        .find(|v| v["action"] == "relink")
        .expect("a relink");
    assert_eq!(relink["status"], "done", "{changed:#?}");
    let item = &sandbox.site().collections[0].items[0];
    assert_eq!(
        item.field_data["image"]["fileId"],
        new.as_str(),
        "the item moved to the JPEG"
    );
    // Nothing uses the WebP now: pruned.
    assert!(
        client.get_asset(&old.id).await.is_err(),
        "the replaced WebP is deleted"
    );
}
