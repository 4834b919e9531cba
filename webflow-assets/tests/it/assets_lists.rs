//! The Assets API's lists (paging, a changing total, a server that ignores offset), the upload's alt text and cleanup, every documented status of every operation, and deletes.

use super::assets::{ASSET, FOLDER_ID, Pages};
use crate::common;
use common::*;
use futures::TryStreamExt;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use webflow_assets::{AssetUpdate, Error, ListOptions, UploadOptions, UploadSource, md5_hex};
use wiremock::{MockServer, ResponseTemplate};

#[tokio::test]
async fn listing_pages_itself_and_follows_a_changing_total() {
    let server = mock_server().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let pages = Pages {
        total: 150,
        grown_total: 250,
        calls: calls.clone(),
        ignore_offset: false,
    };
    mount(&server, "GET", ASSETS_PATH, pages).await;
    let client = client(&server);
    let all: Vec<_> = client
        .list_assets(SITE, ListOptions::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 250, "the total grew after the first page");
    let ids: std::collections::HashSet<&str> = all.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), 250, "no asset twice");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let offsets: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        offsets,
        [
            "limit=100&offset=0",
            "limit=100&offset=100",
            "limit=100&offset=200"
        ]
    );
}

#[tokio::test]
async fn a_server_that_ignores_offset_ends_the_listing_with_an_error() {
    let server = mock_server().await;
    let pages = Pages {
        total: 300,
        grown_total: 300,
        calls: Arc::new(AtomicUsize::new(0)),
        ignore_offset: true,
    };
    mount(&server, "GET", ASSETS_PATH, pages).await;
    let err = client(&server)
        .list_assets(SITE, ListOptions::new())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("ignores `offset`"), "{err}");
}

/// The upload's alt text is one PATCH after the S3 POST, and its answer is
/// the full asset; a failed S3 POST deletes the entry unless asked not to.
#[tokio::test]
async fn upload_sets_alt_text_and_cleans_up_unless_told_to_keep() {
    let file = b"\x89PNG\r\n\x1a\nsome bytes".to_vec();
    let server = mock_server().await;
    let body = fixture("create_asset_200.json").replace(
        "https://s3.amazonaws.com/webflow-dev-assets/643021114e290e0d3a0602b2/64358b9544249dc43d37d2b7_Screenshot%202023-04-11%20at%209.50.42%20AM.png",
        &format!("{}/s3", server.uri()),
    );
    mount(&server, "POST", ASSETS_PATH, json_200(body)).await;
    let etag = format!("\"{}\"", md5_hex(&file));
    fail_then(
        &server,
        "POST",
        "/s3",
        (
            ResponseTemplate::new(204).insert_header("etag", etag.as_str()),
            1,
        ),
        ResponseTemplate::new(403).set_body_string(
            "<Error><Code>AccessDenied</Code><Message>Policy expired</Message></Error>",
        ),
    )
    .await;
    let asset_route = "/assets/64358b9544249dc43d37d2b7";
    mount(
        &server,
        "PATCH",
        asset_route,
        json_200(fixture("update_asset_200.json")),
    )
    .await;
    mount(&server, "DELETE", asset_route, ResponseTemplate::new(204)).await;
    let client = client(&server);
    let uploaded = client
        .upload(
            SITE,
            UploadSource::Bytes(file.clone().into()),
            UploadOptions::new()
                .file_name("a.png")
                .alt_text("A red chair"),
        )
        .await
        .unwrap();
    assert_eq!(
        uploaded.asset.as_ref().unwrap().id,
        ASSET,
        "the PATCH's answer"
    );
    let patches: Vec<Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "PATCH")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(patches, [json!({"altText": "A red chair"})]);

    // The next S3 POST fails: kept when asked, so no DELETE.
    let err = client
        .upload(
            SITE,
            UploadSource::Bytes(file.into()),
            UploadOptions::new()
                .file_name("a.png")
                .keep_failed_entry(true),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::UploadAborted {
                cleanup: webflow_assets::Cleanup::Kept { .. },
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("was kept"), "{err}");
    assert_eq!(requests_to(&server, asset_route).await, 1, "only the PATCH");
}

/// Every operation maps every documented status to its variant: the
/// mapping is shared, and this shows it holds for each.
#[tokio::test]
async fn every_operation_maps_every_documented_status() {
    for (status, file) in [
        (400, "error_400.json"),
        (401, "error_401.json"),
        (404, "error_404.json"),
        (429, "error_429.json"),
        (500, "error_500.json"),
    ] {
        let server = mock_server().await;
        // `Retry-After: 0` on the 429: the shared gate then holds nobody up.
        let answer = match status {
            429 => rate_limited("0"),
            _ => ResponseTemplate::new(status).set_body_string(fixture(file)),
        };
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(answer)
            .with_priority(1)
            .mount(&server)
            .await;
        let client = client_with(&server, test_policy().max_attempts(1));
        let request =
            webflow_assets::types::CreateAssetRequest::new("a.png", PNG_HASH, None).unwrap();
        let errors = [
            (
                "create asset",
                client.create_asset_metadata(SITE, &request).await.err(),
            ),
            (
                "list assets",
                client
                    .list_assets_page(SITE, &ListOptions::new())
                    .await
                    .err(),
            ),
            ("get asset", client.get_asset(ASSET).await.err()),
            (
                "update asset",
                client
                    .update_asset(ASSET, &AssetUpdate::new().alt_text("x"))
                    .await
                    .err(),
            ),
            ("delete asset", client.delete_asset(ASSET).await.err()),
            (
                "list folders",
                client
                    .list_asset_folders_page(SITE, &ListOptions::new())
                    .await
                    .err(),
            ),
            (
                "create folder",
                client.create_asset_folder(SITE, "f", None).await.err(),
            ),
            ("get folder", client.get_asset_folder(FOLDER_ID).await.err()),
        ];
        for (op, err) in errors {
            let err = err.unwrap_or_else(|| panic!("{op}: {status} was a success"));
            let ok = match status {
                400 => matches!(err, Error::BadRequest(_)),
                401 => matches!(err, Error::Unauthorized(_)),
                404 => matches!(err, Error::NotFound(_)),
                429 => matches!(err, Error::RateLimited { .. }),
                _ => matches!(err, Error::ServerError(_)),
            };
            assert!(ok, "{op} {status}: {err:?}");
            assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{op}");
        }
    }
}

/// A proxy or stand-in that answers a DELETE with 200 (or 202) instead of
/// Webflow's 204 deleted the asset: success, once, not "could not be deleted".
#[tokio::test]
async fn any_2xx_to_a_delete_is_a_success() {
    for status in [200, 202, 204] {
        let server = MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::method("DELETE"))
            .and(wiremock::matchers::path(format!("/assets/{ASSET}")))
            .respond_with(ResponseTemplate::new(status).set_body_string("{}"))
            .expect(1)
            .mount(&server)
            .await;
        let result = client(&server).delete_asset(ASSET).await;
        assert!(result.is_ok(), "{status}: {result:?}");
    }
}
