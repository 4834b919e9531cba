//! Conformance of the Assets API around Create: the exact request of each
//! operation, decoding of Webflow's examples, errors, retries per method,
//! paging, and the upload's alt text and orphan cleanup.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use serde_json::{Value, json};
use webflow_assets::{AssetUpdate, Error, ListOptions};
use wiremock::{MockServer, Request, ResponseTemplate};

pub(crate) const ASSET: &str = "63e5889e7fe4eafa7384cea4";
pub(crate) const FOLDER_ID: &str = "6390c49774a71f0e3c1a08ee";
pub(crate) const LOCALE: &str = "65427cf400e02b306eaa04a0";

/// A server answering every operation with Webflow's example.
pub(crate) async fn documented_server() -> MockServer {
    let server = mock_server().await;
    for (verb, route, fixture_name) in [
        ("GET", ASSETS_PATH, "list_assets_200.json"),
        (
            "GET",
            "/assets/63e5889e7fe4eafa7384cea4",
            "get_asset_200.json",
        ),
        (
            "PATCH",
            "/assets/63e5889e7fe4eafa7384cea4",
            "update_asset_200.json",
        ),
        (
            "GET",
            "/sites/580e63e98c9a982ac9b8b741/asset_folders",
            "list_asset_folders_200.json",
        ),
        (
            "POST",
            "/sites/580e63e98c9a982ac9b8b741/asset_folders",
            "create_asset_folder_200.json",
        ),
        (
            "GET",
            "/asset_folders/6390c49774a71f0e3c1a08ee",
            "get_asset_folder_200.json",
        ),
    ] {
        mount(&server, verb, route, json_200(fixture(fixture_name))).await;
    }
    mount(
        &server,
        "DELETE",
        "/assets/63e5889e7fe4eafa7384cea4",
        ResponseTemplate::new(204),
    )
    .await;
    server
}

/// Every operation, through the client, against Webflow's examples: the
/// exact requests (snapshot) and what each example decodes to.
#[tokio::test]
pub(crate) async fn each_operation_sends_the_documented_request_and_decodes_the_example() {
    let server = documented_server().await;
    let client = client(&server);

    let page = client
        .list_assets_page(
            SITE,
            &ListOptions::new()
                .folder(FOLDER)
                .locale(LOCALE)
                .offset(100)
                .limit(50),
        )
        .await
        .unwrap();
    assert_eq!(page.assets.len(), 2);
    let first = &page.assets[0];
    assert_eq!(first.id, ASSET);
    assert_eq!(first.alt_text.as_deref(), Some("A single candy wrapper"));
    assert_eq!(first.size, Some(2212772));
    assert_eq!(first.folder_id.as_deref(), Some("6390c49774a71f99f21a08eb"));
    assert_eq!(page.assets[1].folder_id, None, "null at the root");
    let variant = &first.variants.as_ref().unwrap()[0];
    assert_eq!((variant.width, variant.height), (Some(500), None));
    assert_eq!(
        first.created_on.unwrap().to_rfc3339(),
        "2023-02-09T23:58:22.294+00:00",
        "dates with milliseconds"
    );
    assert_eq!(page.pagination.unwrap().total, Some(2));

    let asset = client.get_asset_in(ASSET, Some(LOCALE)).await.unwrap();
    assert_eq!(
        asset.display_name.as_deref(),
        Some("63e5889e7fe4eafa7384cea4_Candy-Wrapper.png")
    );
    let updated = client
        .update_asset(
            ASSET,
            &AssetUpdate::new()
                .display_name("dog.png")
                .alt_text("A golden retriever playing with a red ball in the park")
                .locale(LOCALE),
        )
        .await
        .unwrap();
    assert_eq!(updated.id, ASSET);
    client.delete_asset(ASSET).await.unwrap();

    let folders = client
        .list_asset_folders_page(SITE, &ListOptions::new())
        .await
        .unwrap();
    assert_eq!(
        folders.asset_folders[0].display_name.as_deref(),
        Some("emoji icons")
    );
    assert_eq!(folders.asset_folders[0].parent_folder, None);
    let created = client
        .create_asset_folder(SITE, "my asset folder", Some("6390c49774a71f99f21a08eb"))
        .await
        .unwrap();
    assert_eq!(created.assets.as_ref().unwrap().len(), 2);
    let folder = client.get_asset_folder(FOLDER_ID).await.unwrap();
    assert_eq!(folder.site_id.as_deref(), Some("6390c49674a71f84b51a08d8"));

    let shapes: Vec<Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(request_shape)
        .collect();
    insta::assert_json_snapshot!("assets_api_requests", shapes);
}

/// A 404 names the id asked for; every documented status has its variant.
#[tokio::test]
pub(crate) async fn errors_of_each_operation() {
    let server = mock_server().await;
    for (status, file) in [
        (400, "error_400.json"),
        (401, "error_401.json"),
        (404, "error_404.json"),
        (429, "error_429.json"),
        (500, "error_500.json"),
    ] {
        let id = format!("{status:0>24}");
        mount(
            &server,
            "GET",
            &format!("/assets/{id}"),
            ResponseTemplate::new(status).set_body_string(fixture(file)),
        )
        .await;
    }
    let client = client_with(&server, test_policy().max_attempts(1));
    let mut shown = Vec::new();
    for status in [400, 401, 404, 429, 500] {
        let id = format!("{status:0>24}");
        let err = client.get_asset(&id).await.unwrap_err();
        let variant_ok = match status {
            400 => matches!(err, Error::BadRequest(_)),
            401 => matches!(err, Error::Unauthorized(_)),
            404 => matches!(err, Error::NotFound(_)),
            429 => matches!(err, Error::RateLimited { .. }),
            _ => matches!(err, Error::ServerError(_)),
        };
        assert!(variant_ok, "{status}: {err:?}");
        shown.push(err.to_string());
    }
    assert!(
        shown[2].contains(&format!("no asset {:0>24}", 404)),
        "{}",
        shown[2]
    );
    insta::assert_snapshot!("assets_api_errors", shown.join("\n"));

    // Bad input never leaves the machine.
    let before = server.received_requests().await.unwrap().len();
    for err in [
        client.get_asset("not-an-id").await.unwrap_err(),
        client.delete_asset("").await.unwrap_err(),
        client
            .update_asset(ASSET, &AssetUpdate::new())
            .await
            .unwrap_err(),
        client
            .update_asset(ASSET, &AssetUpdate::new().display_name(""))
            .await
            .unwrap_err(),
        client
            .create_asset_folder(SITE, "", None)
            .await
            .unwrap_err(),
        client
            .list_assets_page(SITE, &ListOptions::new().limit(101))
            .await
            .unwrap_err(),
        client
            .list_assets_page(SITE, &ListOptions::new().folder("Images"))
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    }
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}

/// GET, PATCH and DELETE are retried after a 500; creating a folder is not
/// (it may have been created); a DELETE whose retry meets 404 is done.
#[tokio::test]
pub(crate) async fn retries_follow_idempotence() {
    let server = mock_server().await;
    let asset_route = format!("/assets/{ASSET}");
    let folders_route = "/sites/580e63e98c9a982ac9b8b741/asset_folders";
    let fail = || {
        (
            ResponseTemplate::new(500).set_body_string(fixture("error_500.json")),
            1,
        )
    };
    fail_then(
        &server,
        "GET",
        &asset_route,
        fail(),
        json_200(fixture("get_asset_200.json")),
    )
    .await;
    fail_then(
        &server,
        "PATCH",
        &asset_route,
        fail(),
        json_200(fixture("update_asset_200.json")),
    )
    .await;
    fail_then(
        &server,
        "DELETE",
        &asset_route,
        fail(),
        ResponseTemplate::new(404).set_body_string(fixture("error_404.json")),
    )
    .await;
    fail_then(
        &server,
        "POST",
        folders_route,
        fail(),
        json_200(fixture("create_asset_folder_200.json")),
    )
    .await;
    let client = client(&server);
    let count = |verb: &'static str, route: String| {
        let server = &server;
        async move {
            server
                .received_requests()
                .await
                .unwrap()
                .iter()
                .filter(|r| r.method.as_str() == verb && r.url.path() == route)
                .count()
        }
    };
    client.get_asset(ASSET).await.unwrap();
    assert_eq!(count("GET", asset_route.clone()).await, 2);
    client
        .update_asset(ASSET, &AssetUpdate::new().alt_text("x"))
        .await
        .unwrap();
    assert_eq!(count("PATCH", asset_route.clone()).await, 2);
    // 500, then 404 on the retry: the first attempt deleted it.
    client.delete_asset(ASSET).await.unwrap();
    assert_eq!(count("DELETE", asset_route.clone()).await, 2);
    // A 404 on the first attempt is an error naming the asset.
    let err = client.delete_asset(ASSET).await.unwrap_err();
    assert!(
        matches!(err, Error::NotFound(_)) && err.to_string().contains(ASSET),
        "{err}"
    );
    let err = client
        .create_asset_folder(SITE, "new", None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ServerError(_)), "{err:?}");
    assert_eq!(count("POST", folders_route.to_owned()).await, 1);
}

/// Only the transient statuses are retried, even for a GET: a 501, a 505 or
/// a 4xx would come back the same, a 502/503/504 may not.
#[tokio::test]
pub(crate) async fn only_transient_statuses_are_retried() {
    for (status, attempts) in [
        (501, 1),
        (505, 1),
        (507, 1),
        (403, 1),
        (409, 1),
        (408, 2),
        (502, 2),
        (503, 2),
        (504, 2),
    ] {
        let server = mock_server().await;
        let route = format!("/assets/{ASSET}");
        fail_then(
            &server,
            "GET",
            &route,
            (ResponseTemplate::new(status).set_body_string("{}"), 1),
            json_200(fixture("get_asset_200.json")),
        )
        .await;
        let result = client(&server).get_asset(ASSET).await;
        assert_eq!(requests_to(&server, &route).await, attempts, "{status}");
        match attempts {
            1 => assert_eq!(result.unwrap_err().status().unwrap().as_u16(), status),
            _ => assert!(result.is_ok(), "{status}: {result:?}"),
        }
    }
}

/// A site's assets as pages of `limit` from `offset`, the total changing
/// after the first page; counts the pages asked for.
pub(crate) struct Pages {
    pub(crate) total: usize,
    pub(crate) grown_total: usize,
    pub(crate) calls: Arc<AtomicUsize>,
    pub(crate) ignore_offset: bool,
}

impl wiremock::Respond for Pages {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let q = |name: &str| {
            req.url
                .query_pairs()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.parse::<usize>().ok())
        };
        let offset = if self.ignore_offset {
            0
        } else {
            q("offset").unwrap_or(0)
        };
        let limit = q("limit").unwrap_or(100);
        let total = if n == 0 { self.total } else { self.grown_total };
        let assets: Vec<Value> = (offset..total.min(offset + limit))
            .map(|i| json!({"id": format!("{i:0>24x}"), "size": i}))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({
            "assets": assets,
            "pagination": {"limit": limit, "offset": offset, "total": total},
        }))
    }
}
