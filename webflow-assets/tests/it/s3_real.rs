//! End to end against a real S3 implementation (s3s, in process) that
//! verifies SigV4 POST policies, signatures, expiry and content-length-range.
//! The sandbox plays Webflow: it signs a real policy for each create.

use std::time::Duration;

use webflow_assets::S3ErrorKind;
use webflow_assets::{
    Error, Limits, PostOptions, UploadDetails, UploadOptions, UploadSource, UploadedAsset, md5_hex,
};
use webflow_assets_sandbox::{Faults, Sandbox, SandboxConfig};

fn data(len: usize, seed: u32) -> Vec<u8> {
    // Deterministic bytes that are not a repeating pattern of the chunk size.
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

/// Uploads bytes from memory to the sandbox's site.
async fn upload_bytes(
    sandbox: &Sandbox,
    bytes: &[u8],
    options: UploadOptions,
) -> Result<UploadedAsset, Error> {
    sandbox
        .client()
        .unwrap()
        .upload(
            sandbox.site_id(),
            UploadSource::Bytes(bytes.to_vec().into()),
            options,
        )
        .await
}

/// What S3 stored for an uploaded asset, read back from disk.
fn stored(sandbox: &Sandbox, asset: &UploadedAsset) -> Vec<u8> {
    std::fs::read(sandbox.object_path(asset.storage.key.as_deref().unwrap())).unwrap()
}

async fn start(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).await.expect("sandbox starts")
}

#[tokio::test]
async fn file_lands_byte_for_byte_and_etag_matches() {
    let sandbox = start(SandboxConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("photo of us.png");
    let bytes = data(3 * webflow_assets::CHUNK_SIZE + 777, 1);
    std::fs::write(&path, &bytes).unwrap();

    let sent = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let seen = sent.clone();
    let options = UploadOptions::new().on_progress(move |s, total| {
        assert!(s <= total);
        seen.store(s, std::sync::atomic::Ordering::Relaxed);
    });
    let asset = sandbox
        .client()
        .unwrap()
        .upload(sandbox.site_id(), UploadSource::path(&path), options)
        .await
        .unwrap();

    assert_eq!(asset.md5, md5_hex(&bytes));
    assert_eq!(asset.size, bytes.len() as u64);
    assert_eq!(asset.content_type, "image/png");
    assert_eq!(asset.storage.status, 201);
    assert_eq!(
        asset.storage.etag.as_deref(),
        Some(asset.md5.as_str()),
        "s3s ETag is the MD5"
    );
    assert_eq!(
        sent.load(std::sync::atomic::Ordering::Relaxed),
        bytes.len() as u64
    );
    let key = asset.storage.key.clone().unwrap();
    assert!(key.ends_with("_photo of us.png"), "{key}");
    assert_eq!(
        std::fs::read(sandbox.object_path(&key)).unwrap(),
        bytes,
        "stored bytes differ"
    );

    let hosted = reqwest::get(asset.hosted_url.clone().unwrap())
        .await
        .unwrap();
    assert_eq!(hosted.status(), 200);
    assert_eq!(hosted.bytes().await.unwrap().as_ref(), bytes.as_slice());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn bytes_and_reader_sources_upload_too() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = sandbox.client().unwrap();
    let bytes = data(5000, 2);
    let a = upload_bytes(
        &sandbox,
        &bytes,
        UploadOptions::new().file_name("notes.txt"),
    )
    .await
    .unwrap();
    assert_eq!(stored(&sandbox, &a), bytes);

    let shared = bytes.clone();
    let source = UploadSource::reader(bytes.len() as u64, move || {
        let b = shared.clone();
        async move { Ok(std::io::Cursor::new(b)) }
    });
    let b = client
        .upload(
            sandbox.site_id(),
            source,
            UploadOptions::new().file_name("data.csv"),
        )
        .await
        .unwrap();
    assert_eq!(b.md5, md5_hex(&bytes));
    assert_eq!(b.content_type, "text/csv");
}

/// Creates metadata for `name` and returns the form, to tamper with.
async fn presigned(sandbox: &Sandbox, name: &str, bytes: &[u8]) -> (String, UploadDetails) {
    let client = sandbox.client().unwrap();
    let req = webflow_assets::types::CreateAssetRequest::new(name, &md5_hex(bytes), None).unwrap();
    let created = client
        .create_asset_metadata(sandbox.site_id(), &req)
        .await
        .unwrap();
    (created.upload_url, created.upload_details)
}

async fn post(
    sandbox: &Sandbox,
    url: &str,
    form: &UploadDetails,
    bytes: &[u8],
    content_type: &str,
) -> Result<webflow_assets::StoredObject, Error> {
    sandbox
        .client()
        .unwrap()
        .post_presigned(
            url,
            form,
            &UploadSource::Bytes(bytes.to_vec().into()),
            PostOptions::new("a.png", content_type),
        )
        .await
}

fn replace(form: &UploadDetails, key: &str, value: &str) -> UploadDetails {
    UploadDetails::from_pairs(form.iter().map(|(k, v)| {
        (
            k.to_owned(),
            if k == key {
                value.to_owned()
            } else {
                v.to_owned()
            },
        )
    }))
}

#[tokio::test]
async fn tampered_signature_is_refused() {
    let sandbox = start(SandboxConfig::default()).await;
    let bytes = data(100, 3);
    let (url, form) = presigned(&sandbox, "a.png", &bytes).await;
    let sig = form.get("X-Amz-Signature").unwrap();
    let flipped = format!(
        "{}{}",
        if sig.starts_with('0') { '1' } else { '0' },
        &sig[1..]
    );
    let err = post(
        &sandbox,
        &url,
        &replace(&form, "X-Amz-Signature", &flipped),
        &bytes,
        "image/png",
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.s3_kind(),
        Some(S3ErrorKind::SignatureDoesNotMatch),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    // The untouched form still works: the refusal was the tampering.
    post(&sandbox, &url, &form, &bytes, "image/png")
        .await
        .unwrap();
}

#[tokio::test]
async fn expired_policy_is_refused() {
    let sandbox = start(SandboxConfig {
        policy_ttl: Duration::ZERO,
        ..Default::default()
    })
    .await;
    let bytes = data(100, 4);
    let (url, form) = presigned(&sandbox, "a.png", &bytes).await;
    let err = post(&sandbox, &url, &form, &bytes, "image/png")
        .await
        .unwrap_err();
    assert_eq!(err.s3_kind(), Some(S3ErrorKind::PolicyExpired), "{err:?}");
    assert!(err.to_string().contains("expired"), "{err}");
}

#[tokio::test]
async fn oversize_file_is_refused_by_the_policy() {
    let limits = Limits {
        image_bytes: 1000,
        document_bytes: 1000,
    };
    let sandbox = start(SandboxConfig {
        limits,
        ..Default::default()
    })
    .await;
    let bytes = data(1001, 5);
    let err = upload_bytes(
        &sandbox,
        &bytes,
        UploadOptions::new()
            .file_name("big.png")
            .limits(Limits::unlimited()),
    )
    .await
    .unwrap_err();
    assert_eq!(err.s3_kind(), Some(S3ErrorKind::EntityTooLarge), "{err:?}");
}

#[tokio::test]
async fn wrong_content_type_and_altered_forms_are_refused() {
    let sandbox = start(SandboxConfig::default()).await;
    let bytes = data(100, 6);
    let (url, form) = presigned(&sandbox, "a.png", &bytes).await;

    let wrong_type = replace(&form, "content-type", "image/jpeg");
    let err = post(&sandbox, &url, &wrong_type, &bytes, "image/jpeg")
        .await
        .unwrap_err();
    assert_eq!(
        err.s3_kind(),
        Some(S3ErrorKind::PolicyViolation),
        "wrong type: {err:?}"
    );

    let missing = UploadDetails::from_pairs(
        form.iter()
            .filter(|(k, _)| *k != "acl")
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    let err = post(&sandbox, &url, &missing, &bytes, "image/png")
        .await
        .unwrap_err();
    assert_eq!(
        err.s3_kind(),
        Some(S3ErrorKind::PolicyViolation),
        "missing field: {err:?}"
    );

    let extra = UploadDetails::from_pairs(
        form.iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .chain([("x-amz-meta-extra".to_owned(), "1".to_owned())]),
    );
    let err = post(&sandbox, &url, &extra, &bytes, "image/png")
        .await
        .unwrap_err();
    assert_eq!(
        err.s3_kind(),
        Some(S3ErrorKind::PolicyViolation),
        "extra field: {err:?}"
    );

    let other_key = replace(&form, "key", "elsewhere/a.png");
    let err = post(&sandbox, &url, &other_key, &bytes, "image/png")
        .await
        .unwrap_err();
    assert_eq!(
        err.s3_kind(),
        Some(S3ErrorKind::PolicyViolation),
        "other key: {err:?}"
    );
}

#[tokio::test]
async fn dropped_connection_mid_upload_is_retried() {
    let faults = Faults {
        drop_first: 1,
        ..Faults::default()
    };
    let sandbox = start(SandboxConfig {
        storage_faults: faults,
        ..Default::default()
    })
    .await;
    let bytes = data(2 * 1024 * 1024, 7);
    let asset = upload_bytes(&sandbox, &bytes, UploadOptions::new().file_name("doc.pdf"))
        .await
        .unwrap();
    assert_eq!(sandbox.stats().injected_drops, 1);
    assert_eq!(stored(&sandbox, &asset), bytes);
}

#[tokio::test]
async fn s3_500_then_201() {
    let faults = Faults {
        fail_first: 1,
        ..Faults::default()
    };
    let sandbox = start(SandboxConfig {
        storage_faults: faults,
        ..Default::default()
    })
    .await;
    let bytes = data(1000, 8);
    let asset = upload_bytes(&sandbox, &bytes, UploadOptions::new().file_name("a.gif"))
        .await
        .unwrap();
    assert_eq!(asset.storage.status, 201);
    assert_eq!(sandbox.stats().injected_errors, 1);
    assert_eq!(
        sandbox.stats().storage_requests,
        1,
        "only the served request reaches s3s"
    );
}
