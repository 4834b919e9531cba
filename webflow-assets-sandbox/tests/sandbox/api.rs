//! The sandbox behaves as the spec says: auth, validation, rate limit,
//! policy enforcement by the embedded S3, hosted URLs.

use std::time::Duration;

use serde_json::{Value, json};
use webflow_assets::{Error, UploadOptions, UploadSource};
use webflow_assets_sandbox::{Sandbox, SandboxConfig};

const HASH: &str = "3c7d87c9575702bc3b1e991f4d3c638e";

async fn create(
    sandbox: &Sandbox,
    token: Option<&str>,
    site: &str,
    body: Value,
) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .post(format!("{}/sites/{site}/assets", sandbox.base_url()))
        .json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn starts_on_an_os_chosen_port_and_cleans_up() {
    // Start-up time is measured in the benchmarks, not asserted here.
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
    assert!(!sandbox.base_url().ends_with(":0/v2"));
    let root = sandbox.storage_root().to_owned();
    assert!(root.exists());
    sandbox.shutdown().await;
    assert!(!root.exists(), "the temporary storage is removed");
}

#[tokio::test]
async fn missing_or_wrong_token_is_401_with_webflows_body() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let body = json!({"fileName": "a.png", "fileHash": HASH});
    for token in [None, Some("nope")] {
        let resp = create(&sandbox, token, sandbox.site_id(), body.clone()).await;
        assert_eq!(resp.status(), 401);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(
            v,
            json!({"code": "not_authorized", "message": "Request not authorized", "externalReference": null, "details": []})
        );
    }
    let err = sandbox
        .client_builder()
        .token("nope")
        .build()
        .unwrap()
        .upload_file(
            sandbox.site_id(),
            env!("CARGO_MANIFEST_DIR").to_owned() + "/../samples/webflow-assets-sample.png",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
}

#[tokio::test]
async fn each_validation_error() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let token = Some(sandbox.token().to_owned());
    let long = format!("{}.png", "a".repeat(96));
    let cases = [
        ("no fileName", json!({"fileHash": HASH})),
        (
            "fileName not a string",
            json!({"fileName": 3, "fileHash": HASH}),
        ),
        (
            "fileName too long",
            json!({"fileName": long, "fileHash": HASH}),
        ),
        (
            "fileName without extension",
            json!({"fileName": "file", "fileHash": HASH}),
        ),
        (
            "unsupported type",
            json!({"fileName": "a.exe", "fileHash": HASH}),
        ),
        ("no fileHash", json!({"fileName": "a.png"})),
        (
            "bad fileHash",
            json!({"fileName": "a.png", "fileHash": "abc"}),
        ),
        (
            "null parentFolder",
            json!({"fileName": "a.png", "fileHash": HASH, "parentFolder": null}),
        ),
        (
            "unknown field",
            json!({"fileName": "a.png", "fileHash": HASH, "folder": "x"}),
        ),
        (
            "bad parentFolder",
            json!({"fileName": "a.png", "fileHash": HASH, "parentFolder": "Images"}),
        ),
    ];
    let mut shown = Vec::new();
    for (name, body) in cases {
        let resp = create(&sandbox, token.as_deref(), sandbox.site_id(), body).await;
        assert_eq!(resp.status(), 400, "{name}");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["code"], "validation_error", "{name}");
        assert!(!v["details"].as_array().unwrap().is_empty(), "{name}");
        shown.push(format!("{name}: {}", v["details"]));
    }
    insta::assert_snapshot!("sandbox_validation_errors", shown.join("\n"));

    let resp = reqwest::Client::new()
        .post(format!(
            "{}/sites/{}/assets",
            sandbox.base_url(),
            sandbox.site_id()
        ))
        .bearer_auth(sandbox.token())
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(resp.json::<Value>().await.unwrap()["code"], "bad_request");

    let resp = create(
        &sandbox,
        token.as_deref(),
        "not-an-id",
        json!({"fileName": "a.png", "fileHash": HASH}),
    )
    .await;
    assert_eq!(resp.status(), 400);
    let resp = create(
        &sandbox,
        token.as_deref(),
        "0123456789abcdef01234567",
        json!({"fileName": "a.png", "fileHash": HASH}),
    )
    .await;
    assert_eq!(resp.status(), 404);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["code"],
        "resource_not_found"
    );
    assert_eq!(sandbox.stats().created, 0);
}

#[tokio::test]
async fn documented_response_shape() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    // A folder that does not exist is Webflow's 404; one that does is used.
    let missing = json!({"fileName": "a b.png", "fileHash": HASH, "parentFolder": "6436b1ce5281cace05b65aea"});
    let resp = create(&sandbox, Some(sandbox.token()), sandbox.site_id(), missing).await;
    assert_eq!(resp.status(), 404);
    let folder = sandbox
        .client()
        .unwrap()
        .create_asset_folder(sandbox.site_id(), "images", None)
        .await
        .unwrap();
    let resp = create(
        &sandbox,
        Some(sandbox.token()),
        sandbox.site_id(),
        json!({"fileName": "a b.png", "fileHash": HASH, "parentFolder": folder.id}),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let mut v: Value = resp.json().await.unwrap();
    // It decodes as the spec's response type.
    let typed: webflow_assets::types::AssetUpload = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(typed.parent_folder.as_deref(), Some(folder.id.as_str()));
    assert_eq!(typed.content_type.as_deref(), Some("image/png"));
    assert!(typed.upload_url.starts_with(&sandbox.storage_url()));
    assert_eq!(typed.upload_details.content_type(), Some("image/png"));
    assert_eq!(
        typed.upload_details.key(),
        Some(format!("{}/{}_a b.png", sandbox.site_id(), typed.id).as_str())
    );
    crate::common::redact(
        &mut v,
        &[
            ("/id", "[id]"),
            ("/parentFolder", "[folder id]"),
            ("/uploadUrl", "[uploadUrl]"),
            ("/assetUrl", "[assetUrl]"),
            ("/hostedUrl", "[hostedUrl]"),
            ("/createdOn", "[date]"),
            ("/lastUpdated", "[date]"),
            ("/uploadDetails/key", "[key]"),
            ("/uploadDetails/X-Amz-Credential", "[credential]"),
            ("/uploadDetails/X-Amz-Date", "[date]"),
            ("/uploadDetails/Policy", "[policy]"),
            ("/uploadDetails/X-Amz-Signature", "[signature]"),
        ],
    );
    insta::assert_json_snapshot!("sandbox_response", v);
}

#[tokio::test]
async fn rate_limit_answers_429_with_headers() {
    let config = SandboxConfig {
        rate_limit: Some(2),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let body = json!({"fileName": "a.png", "fileHash": HASH});
    for remaining in ["1", "0"] {
        let resp = create(
            &sandbox,
            Some(sandbox.token()),
            sandbox.site_id(),
            body.clone(),
        )
        .await;
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["x-ratelimit-limit"], "2");
        assert_eq!(resp.headers()["x-ratelimit-remaining"], remaining);
    }
    let resp = create(&sandbox, Some(sandbox.token()), sandbox.site_id(), body).await;
    assert_eq!(resp.status(), 429);
    let retry_after: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((59..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(resp.headers()["x-ratelimit-remaining"], "0");
    assert_eq!(
        resp.json::<Value>().await.unwrap()["code"],
        "too_many_requests"
    );

    // The client, with a small budget, returns the 429 with its Retry-After.
    let client = sandbox
        .client_builder()
        .retry(webflow_assets::RetryPolicy::default().max_total_wait(Duration::from_secs(1)))
        .build()
        .unwrap();
    let err = client
        .upload(
            sandbox.site_id(),
            UploadSource::Bytes(b"x".to_vec().into()),
            UploadOptions::new().file_name("x.png"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert!(err.retry_after().unwrap() > Duration::from_secs(50));
}

#[tokio::test]
async fn policy_breaking_upload_is_refused_and_hosted_url_serves_the_bytes() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let client = sandbox.client().unwrap();
    let req = webflow_assets::types::CreateAssetRequest::new(
        "a.png",
        &webflow_assets::md5_hex(b"hello"),
        None,
    )
    .unwrap();
    let created = client
        .create_asset_metadata(sandbox.site_id(), &req)
        .await
        .unwrap();
    // A form without the policy: S3 must refuse.
    let form = webflow_assets::UploadDetails::from_pairs(
        created
            .upload_details
            .iter()
            .filter(|(k, _)| *k != "Policy")
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    let err = client
        .post_presigned(
            &created.upload_url,
            &form,
            &UploadSource::Bytes(b"hello".to_vec().into()),
            webflow_assets::PostOptions::new("a.png", "image/png"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Storage(_)), "{err:?}");
    assert!(
        !sandbox
            .object_path(created.upload_details.key().unwrap())
            .exists()
    );

    let asset = client
        .upload(
            sandbox.site_id(),
            UploadSource::Bytes(b"hello".to_vec().into()),
            UploadOptions::new().file_name("hello.txt"),
        )
        .await
        .unwrap();
    let resp = reqwest::get(asset.hosted_url.unwrap()).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/plain");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"hello");
    let missing = reqwest::get(format!(
        "http://{}/assets/x/../../etc/passwd",
        sandbox
            .base_url()
            .trim_start_matches("http://")
            .trim_end_matches("/v2")
    ))
    .await
    .unwrap();
    assert_eq!(missing.status(), 404);
}
