//! Conformance of Create Asset Metadata: request shape, decoding of the
//! documented examples, every error path, retries.

use crate::common;

use common::*;
use webflow_assets::Error;
use webflow_assets::types::CreateAssetRequest;
use wiremock::{MockServer, ResponseTemplate};

pub(crate) fn request(folder: Option<&str>) -> CreateAssetRequest {
    CreateAssetRequest::new("file.png", PNG_HASH, folder).unwrap()
}

pub(crate) async fn server_answering(template: ResponseTemplate) -> MockServer {
    let server = mock_server().await;
    mount(&server, "POST", ASSETS_PATH, template).await;
    server
}

pub(crate) async fn create(
    server: &MockServer,
) -> Result<webflow_assets::types::AssetUpload, Error> {
    client(server)
        .create_asset_metadata(SITE, &request(None))
        .await
}

pub(crate) fn assert_no_token(err: &Error) {
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(TOKEN), "token leaked: {shown}");
}

#[tokio::test]
pub(crate) async fn request_shape_without_folder() {
    let server = server_answering(ok_documented()).await;
    client(&server)
        .create_asset_metadata(SITE, &request(None))
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let shape = request_shape(&requests[0]);
    // `parentFolder` is absent, never null.
    assert!(shape["body"].get("parentFolder").is_none());
    insta::assert_json_snapshot!("request_without_folder", shape);
}

#[tokio::test]
pub(crate) async fn request_shape_with_folder() {
    let server = server_answering(ok_documented()).await;
    client(&server)
        .create_asset_metadata(SITE, &request(Some(FOLDER)))
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    insta::assert_json_snapshot!("request_with_folder", request_shape(&requests[0]));
}

#[tokio::test]
pub(crate) async fn documented_example_decodes_field_for_field() {
    let server = server_answering(ok_documented()).await;
    let upload = create(&server).await.unwrap();
    assert_eq!(upload.id, "64358b9544249dc43d37d2b7");
    assert_eq!(upload.parent_folder.as_deref(), Some(FOLDER));
    assert_eq!(
        upload.created_on.unwrap().to_rfc3339(),
        "2023-04-11T16:32:21+00:00"
    );
    assert_eq!(
        upload.last_updated.unwrap().to_rfc3339(),
        "2023-04-12T20:31:03+00:00"
    );
    // The documented example's order, which the crate's list of known keys
    // must match.
    let keys: Vec<&str> = upload.upload_details.iter().map(|(k, _)| k).collect();
    let documented = fixture_json("create_asset_200.json");
    let fixture_keys = fixture("create_asset_200.json");
    let mut in_fixture_order: Vec<&str> = documented["uploadDetails"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    in_fixture_order.sort_by_key(|k| fixture_keys.find(&format!("\"{k}\"")).unwrap());
    assert_eq!(keys, in_fixture_order);
    assert_eq!(keys, webflow_assets::UploadDetails::DOCUMENTED_KEYS);
    assert_eq!(
        upload.upload_details.get("Cache-Control"),
        Some("max-age=31536000, must-revalidate")
    );
    // Re-serialised, it is the documented example again.
    assert_eq!(
        serde_json::to_value(&upload).unwrap(),
        fixture_json("create_asset_200.json")
    );
    insta::assert_debug_snapshot!("documented_example_decoded", upload);
}

#[tokio::test]
pub(crate) async fn optional_fields_missing_or_null_still_decode() {
    let mut body = fixture_json("create_asset_200.json");
    let obj = body.as_object_mut().unwrap();
    obj.remove("parentFolder");
    obj.remove("assetUrl");
    obj.insert("hostedUrl".into(), serde_json::Value::Null);
    obj.insert("createdOn".into(), serde_json::Value::Null);
    let server = server_answering(ResponseTemplate::new(200).set_body_json(&body)).await;
    let upload = create(&server).await.unwrap();
    assert_eq!(upload.parent_folder, None);
    assert_eq!(upload.hosted_url, None);
    assert_eq!(upload.created_on, None);

    let mut body = fixture_json("create_asset_200.json");
    body["parentFolder"] = serde_json::Value::Null;
    let server = server_answering(ResponseTemplate::new(200).set_body_json(&body)).await;
    assert_eq!(create(&server).await.unwrap().parent_folder, None);
}

#[tokio::test]
pub(crate) async fn missing_upload_url_or_details_fails_naming_the_field() {
    for field in ["uploadUrl", "uploadDetails"] {
        let mut body = fixture_json("create_asset_200.json");
        body.as_object_mut().unwrap().remove(field);
        let server = server_answering(ResponseTemplate::new(200).set_body_json(&body)).await;
        let err = create(&server).await.unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
        let source = std::error::Error::source(&err).expect("the JSON error is kept");
        assert!(source.is::<serde_json::Error>(), "{source:?}");
        let shown = chain(&err);
        assert!(
            shown.contains(&format!("missing field `{field}`")),
            "{shown}"
        );
        assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    }
    let mut body = fixture_json("create_asset_200.json");
    body.as_object_mut().unwrap().remove("uploadUrl");
    let server = server_answering(ResponseTemplate::new(200).set_body_json(&body)).await;
    let err = create(&server).await.unwrap_err();
    insta::assert_snapshot!("missing_upload_url", chain(&err));
}

#[tokio::test]
pub(crate) async fn unknown_upload_details_keys_are_kept_in_order() {
    let mut body = fixture_json("create_asset_200.json");
    let details = body["uploadDetails"].as_object_mut().unwrap();
    details.insert("x-amz-security-token".into(), "FwoGZXIvYXdzE".into());
    let server = server_answering(ResponseTemplate::new(200).set_body_json(&body)).await;
    let upload = create(&server).await.unwrap();
    assert_eq!(upload.upload_details.len(), 12);
    assert_eq!(
        upload.upload_details.iter().last(),
        Some(("x-amz-security-token", "FwoGZXIvYXdzE"))
    );
}
