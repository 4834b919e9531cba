//! The Assets API end to end on the stateful sandbox, through the library:
//! upload, list, update alt text, get, delete, get gives 404, the hosted
//! file goes, a folder tree with filters that include sub-folders, paging
//! with totals, and the rate limit counting every call.

use std::time::Duration;

use futures::TryStreamExt;
use webflow_assets::{AssetUpdate, Error, ListOptions, UploadOptions, UploadSource};
use webflow_assets_sandbox::{Sandbox, SandboxConfig};

fn png(tag: &str) -> UploadSource {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(tag.as_bytes());
    UploadSource::Bytes(bytes.into())
}

#[tokio::test(flavor = "multi_thread")]
async fn asset_lifecycle_and_folder_tree() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let client = sandbox.client().unwrap();
    let site = sandbox.site_id();

    // A tree: images/ and images/icons/, and docs/.
    let images = client
        .create_asset_folder(site, "images", None)
        .await
        .unwrap();
    let icons = client
        .create_asset_folder(site, "icons", Some(&images.id))
        .await
        .unwrap();
    let docs = client
        .create_asset_folder(site, "docs", None)
        .await
        .unwrap();
    assert_eq!(icons.parent_folder.as_deref(), Some(images.id.as_str()));
    assert_eq!(images.parent_folder, None);

    let hero = client
        .upload(
            site,
            png("hero"),
            UploadOptions::new()
                .file_name("hero.png")
                .parent_folder(&images.id)
                .alt_text("A hero image"),
        )
        .await
        .unwrap();
    let full = hero.asset.as_ref().unwrap();
    assert_eq!(full.alt_text.as_deref(), Some("A hero image"));
    assert_eq!(
        full.size,
        Some(hero.size as i64),
        "the stored file's real size"
    );
    assert_eq!(full.content_type.as_deref(), Some("image/png"));
    let icon = client
        .upload(
            site,
            png("icon"),
            UploadOptions::new()
                .file_name("icon.png")
                .parent_folder(&icons.id),
        )
        .await
        .unwrap();
    let note = client
        .upload(
            site,
            UploadSource::Bytes(b"plain text".to_vec().into()),
            UploadOptions::new()
                .file_name("note.txt")
                .parent_folder(&docs.id),
        )
        .await
        .unwrap();
    let root = client
        .upload(
            site,
            png("root"),
            UploadOptions::new().file_name("root.png"),
        )
        .await
        .unwrap();

    // The filter takes the folder and everything below it.
    let ids = |assets: Vec<webflow_assets::types::Asset>| {
        let mut v: Vec<String> = assets.into_iter().map(|a| a.id).collect();
        v.sort();
        v
    };
    let under_images: Vec<_> = client
        .list_assets(site, ListOptions::new().folder(&images.id))
        .try_collect()
        .await
        .unwrap();
    let mut expected = vec![hero.id.clone(), icon.id.clone()];
    expected.sort();
    assert_eq!(ids(under_images.clone()), expected);
    let hero_listed = under_images.iter().find(|a| a.id == hero.id).unwrap();
    assert_eq!(hero_listed.folder_id.as_deref(), Some(images.id.as_str()));
    let all: Vec<_> = client
        .list_assets(site, ListOptions::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(
        all.iter().find(|a| a.id == root.id).unwrap().folder_id,
        None
    );

    // Folders list their own assets; the folder list pages too.
    let got = client.get_asset_folder(&docs.id).await.unwrap();
    assert_eq!(got.assets.unwrap(), vec![note.id.clone()]);
    let folders: Vec<_> = client.list_asset_folders(site).try_collect().await.unwrap();
    assert_eq!(folders.len(), 3);

    // Update sticks; delete removes the asset and its hosted file.
    client
        .update_asset(
            &icon.id,
            &AssetUpdate::new()
                .alt_text("An icon")
                .display_name("icon-1.png"),
        )
        .await
        .unwrap();
    let icon_now = client.get_asset(&icon.id).await.unwrap();
    assert_eq!(icon_now.alt_text.as_deref(), Some("An icon"));
    assert_eq!(icon_now.display_name.as_deref(), Some("icon-1.png"));
    let hosted = icon.hosted_url.clone().unwrap();
    assert_eq!(reqwest::get(&hosted).await.unwrap().status(), 200);
    client.delete_asset(&icon.id).await.unwrap();
    let err = client.get_asset(&icon.id).await.unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    assert!(err.to_string().contains(&icon.id), "{err}");
    assert_eq!(reqwest::get(&hosted).await.unwrap().status(), 404);
    let err = client.delete_asset(&icon.id).await.unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    assert!(err.to_string().contains(&icon.id), "{err}");
    let err = client
        .update_asset(&icon.id, &AssetUpdate::new().alt_text("gone"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::NotFound(_)) && err.to_string().contains(&icon.id),
        "{err}"
    );

    // Unknown ids are Webflow's 404; a folder that does not exist too.
    let unknown = "0123456789abcdef01234567";
    assert!(matches!(
        client.get_asset_folder(unknown).await,
        Err(Error::NotFound(_))
    ));
    let err = client
        .list_assets_page(site, &ListOptions::new().folder(unknown))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");

    let ops = &sandbox.stats().operations;
    assert_eq!(sandbox.stats().created, 4);
    assert_eq!(ops.folders_created, 3);
    assert_eq!(ops.updated, 2, "the upload's alt text and the update");
    assert_eq!(ops.deleted, 1);
    assert_eq!(ops.fetched, 1);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn paging_offsets_limits_and_totals() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let client = sandbox.client().unwrap();
    let site = sandbox.site_id();
    for i in 0..7 {
        client
            .upload(
                site,
                png(&format!("{i}")),
                UploadOptions::new().file_name(format!("f{i}.png")),
            )
            .await
            .unwrap();
    }
    let page = client
        .list_assets_page(site, &ListOptions::new().offset(5).limit(3))
        .await
        .unwrap();
    assert_eq!(page.assets.len(), 2);
    let p = page.pagination.unwrap();
    assert_eq!((p.offset, p.limit, p.total), (Some(5), Some(3), Some(7)));
    // The stream in pages of 3: 3 calls for 7 assets.
    let before = sandbox.stats().operations.listed;
    let all: Vec<_> = client
        .list_assets(site, ListOptions::new().limit(3))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 7);
    assert_eq!(sandbox.stats().operations.listed - before, 3);
    // Bad paging is Webflow's 400, sent raw past the client's checks.
    let resp = reqwest::Client::new()
        .get(format!(
            "{}/sites/{site}/assets?limit=500",
            sandbox.base_url()
        ))
        .bearer_auth(sandbox.token())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "validation_error");
    assert_eq!(body["details"][0]["field"], "limit");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rate_limit_counts_every_call() {
    let config = SandboxConfig {
        rate_limit: Some(3),
        rate_limit_window: Duration::from_secs(60),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let client = sandbox
        .client_builder()
        .retry(webflow_assets::RetryPolicy::none())
        .build()
        .unwrap();
    let site = sandbox.site_id();
    client
        .list_assets_page(site, &ListOptions::new())
        .await
        .unwrap();
    client
        .list_asset_folders_page(site, &ListOptions::new())
        .await
        .unwrap();
    client.create_asset_folder(site, "a", None).await.unwrap();
    let err = client
        .get_asset_folder("0123456789abcdef01234567")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(sandbox.stats().rate_limited, 1);
    // The sandbox's own counters: no token, not limited, not counted.
    let url = sandbox.base_url().replace("/v2", "/_sandbox/stats");
    let stats: serde_json::Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert_eq!(stats["listed"], 1);
    assert_eq!(stats["folders_created"], 1);
    assert_eq!(stats["rate_limited"], 1);
}
