//! `upload` from a URL: streamed to a temporary file within the size
//! limits, its type from the response, then uploaded as usual; a redirect
//! is followed; a 404 or an oversize body fails before any Webflow call.

use crate::common;

use common::cli::{cli, output, text};
use webflow_assets::{Error, UploadOptions};
use webflow_assets_sandbox::{Sandbox, SandboxConfig};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn png(len: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend((0..len.saturating_sub(8)).map(|i| (i % 251) as u8));
    v
}

async fn file_host() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/media/team%20photo"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "image/png; charset=binary")
                .set_body_bytes(png(3000)),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/old/photo.png"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/media/team%20photo"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/huge.png"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "image/png")
                .set_body_bytes(png(4 * 1024 * 1024 + 1)),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_from_a_url() {
    let host = file_host().await;
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let client = sandbox.client().unwrap();
    let site = sandbox.site_id();

    // Through a redirect; the name from the final URL, the extension from
    // the content type.
    let asset = client
        .upload_url(
            site,
            &format!("{}/old/photo.png", host.uri()),
            UploadOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(asset.file_name, "team photo.png");
    assert_eq!(asset.content_type, "image/png");
    assert_eq!(asset.size, 3000);
    client.verify_hosted(&asset).await.unwrap();

    // A 404 and an oversize body: refused before any Webflow call.
    let created = sandbox.stats().created;
    let err = client
        .upload_url(
            site,
            &format!("{}/missing.png", host.uri()),
            UploadOptions::new(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { problem, .. } if problem.contains("answered 404")),
        "{err:?}"
    );
    let err = client
        .upload_url(
            site,
            &format!("{}/huge.png", host.uri()),
            UploadOptions::new(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { problem, .. } if problem.contains("is over 4194304 bytes")),
        "{err:?}"
    );
    assert_eq!(sandbox.stats().created, created, "no Webflow call");
    let err = client
        .upload_url(site, "ftp://example.com/a.png", UploadOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_uploads_a_url() {
    let host = file_host().await;
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = cli(dir.path());
    cmd.args([
        "upload",
        "--sandbox",
        "--json",
        &format!("{}/media/team%20photo", host.uri()),
        &format!("{}/huge.png", host.uri()),
    ]);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let status = |suffix: &str| {
        lines
            .iter()
            .find(|l| l["path"].as_str().unwrap().ends_with(suffix))
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("team%20photo"), "uploaded");
    assert_eq!(status("huge.png"), "failed");
}
