//! The upload's checks: pre-flight refusals before any request, a reader or file that changes under the upload, verify_hosted, and an unresolvable upload host.

use super::upload::{
    ASSET_PATH, S3_PATH, aborted, metadata, metadata_response, mock_both, png, post_response,
    s3_request_count,
};
use crate::common;
use common::*;
use webflow_assets::StorageError;
use webflow_assets::{Error, Limits, UploadOptions, UploadSource, md5_hex};
use wiremock::{Request, ResponseTemplate};

/// Every bad input is refused before any request, with a message naming it.
#[tokio::test]
async fn preflight_refuses_bad_input_without_network() {
    let server = mock_both(&[], ResponseTemplate::new(500)).await;
    let client = client(&server);
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.png");
    std::fs::write(&empty, b"").unwrap();
    let noext = dir.path().join("README");
    std::fs::write(&noext, b"x").unwrap();
    let long = dir.path().join(format!("{}.png", "a".repeat(96)));
    std::fs::write(&long, b"x").unwrap();
    let exe = dir.path().join("tool.exe");
    std::fs::write(&exe, b"x").unwrap();
    let big = dir.path().join("big.png");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(4 * 1024 * 1024 + 1)
        .unwrap();
    let ok = dir.path().join("ok.png");
    std::fs::write(&ok, b"x").unwrap();

    let cases: Vec<(&str, &str, UploadSource, UploadOptions)> = vec![
        (
            "missing",
            SITE,
            UploadSource::path(dir.path().join("nope.png")),
            UploadOptions::new(),
        ),
        (
            "directory",
            SITE,
            UploadSource::path(dir.path()),
            UploadOptions::new(),
        ),
        (
            "empty",
            SITE,
            UploadSource::path(&empty),
            UploadOptions::new(),
        ),
        (
            "no extension",
            SITE,
            UploadSource::path(&noext),
            UploadOptions::new(),
        ),
        (
            "name too long",
            SITE,
            UploadSource::path(&long),
            UploadOptions::new(),
        ),
        ("type", SITE, UploadSource::path(&exe), UploadOptions::new()),
        (
            "too big",
            SITE,
            UploadSource::path(&big),
            UploadOptions::new(),
        ),
        (
            "site id",
            "my-site",
            UploadSource::path(&ok),
            UploadOptions::new(),
        ),
        (
            "folder id",
            SITE,
            UploadSource::path(&ok),
            UploadOptions::new().parent_folder("Images"),
        ),
        (
            "no name",
            SITE,
            UploadSource::Bytes(b"x".to_vec().into()),
            UploadOptions::new(),
        ),
    ];
    let mut shown = Vec::new();
    for (name, site, source, options) in cases {
        let err = client.upload(site, source, options).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }), "{name}: {err:?}");
        let text = err
            .to_string()
            .replace(&dir.path().display().to_string(), "[tmp]");
        shown.push(format!("{name}: {text}"));
    }
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "no request may leave before the checks pass"
    );
    insta::assert_snapshot!("preflight_errors", shown.join("\n"));

    // The size limit is a default, not a law.
    let err = client
        .upload(
            SITE,
            UploadSource::path(&big),
            UploadOptions::new().limits(Limits::unlimited()),
        )
        .await
        .unwrap_err();
    // Past the checks, the upload reached S3 (whose mock answers 500).
    assert!(
        matches!(err.storage(), Some(StorageError::Unexpected { status, .. }) if status.as_u16() == 500),
        "{err:?}"
    );
    assert!(s3_request_count(&server).await >= 1);
}

#[tokio::test]
async fn reader_shorter_than_announced_is_refused_before_the_upload() {
    // The reader announces 100 bytes but yields 50: the hash pass sees it.
    let server = mock_both(&[], post_response("x")).await;
    let source = UploadSource::reader(100, || async { Ok(std::io::Cursor::new(vec![7u8; 50])) });
    let err = client(&server)
        .upload(SITE, source, UploadOptions::new().file_name("file.png"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { problem, .. } if problem.contains("changed while it was being read")),
        "{err:?}"
    );
    let s3_requests = s3_request_count(&server).await;
    assert_eq!(
        s3_requests, 0,
        "nothing is sent when the hash pass already saw the wrong size"
    );
}

/// Answers Create Asset Metadata after rewriting the file being uploaded:
/// the file changes between the hash and the S3 body.
struct RewriteFileThenRespond {
    path: std::path::PathBuf,
    content: Vec<u8>,
    body: String,
}

impl wiremock::Respond for RewriteFileThenRespond {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        std::fs::write(&self.path, &self.content).unwrap();
        metadata_response(self.body.clone())
    }
}

/// The in-stream guard: a file that grows or shrinks after it was hashed
/// fails the upload; S3 never receives a body, short or long.
#[tokio::test]
async fn file_changed_between_hash_and_upload_is_an_error_not_a_truncated_upload() {
    let original = png(600_000);
    for (direction, content) in [
        ("shrank", original[..1000].to_vec()),
        ("grew", [original.as_slice(), b"more bytes"].concat()),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("photo.png");
        std::fs::write(&file, &original).unwrap();
        let server = mock_server().await;
        let rewrite = RewriteFileThenRespond {
            path: file.clone(),
            content,
            body: metadata(&server, &[]),
        };
        mount(&server, "POST", ASSETS_PATH, rewrite).await;
        mount(&server, "POST", S3_PATH, post_response(&md5_hex(&original))).await;
        mount(&server, "DELETE", ASSET_PATH, ResponseTemplate::new(204)).await;
        let err = client(&server)
            .upload(SITE, UploadSource::path(&file), UploadOptions::new())
            .await
            .unwrap_err();
        aborted(&server, &err).await;
        let Some(Error::InvalidInput { problem, .. }) = err.wrapped() else {
            panic!("{direction}: {err:?}");
        };
        assert!(
            problem.contains(&format!("changed during the upload: it {direction}")),
            "{direction}: {problem}"
        );
        assert_eq!(
            s3_request_count(&server).await,
            0,
            "{direction}: S3 received a body"
        );
    }
}

#[tokio::test]
async fn verify_hosted_reports_other_bytes_and_failed_downloads() {
    let file = png(500);
    let server = mock_server().await;
    let hosted = "/hosted/file.png";
    let original = fixture_json("create_asset_200.json");
    let body = metadata(&server, &[]).replace(
        original["hostedUrl"].as_str().unwrap(),
        &format!("{}{hosted}", server.uri()),
    );
    mount(&server, "POST", ASSETS_PATH, metadata_response(body)).await;
    mount(&server, "POST", S3_PATH, post_response(&md5_hex(&file))).await;
    let client = client(&server);
    let asset = client
        .upload(
            SITE,
            UploadSource::Bytes(file.clone().into()),
            UploadOptions::new().file_name("file.png"),
        )
        .await
        .unwrap();

    // First served, but not the bytes uploaded; then not served at all.
    fail_then(
        &server,
        "GET",
        hosted,
        (ResponseTemplate::new(200).set_body_bytes(png(499)), 1),
        ResponseTemplate::new(404),
    )
    .await;
    let err = client.verify_hosted(&asset).await.unwrap_err();
    assert!(
        matches!(&err, Error::Verification { status: None, problem, .. } if problem.contains("it serves 499 bytes")),
        "{err:?}"
    );
    let err = client.verify_hosted(&asset).await.unwrap_err();
    assert!(
        matches!(&err, Error::Verification { status: Some(s), .. } if s.as_u16() == 404),
        "{err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}

/// An `uploadUrl` whose host never resolves (RFC 6761 `.invalid`): the S3
/// POST gets the small connect budget, each retry is reported, and the
/// error names the host.
#[tokio::test]
async fn unresolvable_upload_host_uses_the_connect_budget() {
    let server = mock_server().await;
    let body = metadata(&server, &[]).replace(&server.uri(), "https://s3.webflow.invalid");
    mount(&server, "POST", ASSETS_PATH, metadata_response(body)).await;
    mount(&server, "DELETE", ASSET_PATH, ResponseTemplate::new(204)).await;
    let client = client_with(&server, test_policy().max_attempts(10).connect_attempts(3));
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = events.clone();
    let err = client
        .upload(
            SITE,
            UploadSource::Bytes(png(100).into()),
            UploadOptions::new()
                .file_name("file.png")
                .on_retry(move |e| seen.lock().unwrap().push(e.to_string())),
        )
        .await
        .unwrap_err();
    aborted(&server, &err).await;
    let Some(Error::Transport {
        what, host, kind, ..
    }) = err.wrapped()
    else {
        panic!("{err:?}");
    };
    assert_eq!(*what, "the S3 upload");
    assert_eq!(host.as_deref(), Some("s3.webflow.invalid"));
    assert_eq!(*kind, webflow_assets::TransportKind::Dns);
    let events = events.lock().unwrap().clone();
    assert_eq!(
        events.len(),
        2,
        "3 attempts, not the 10 of other failures: {events:?}"
    );
    assert!(
        events[0].starts_with("retrying the S3 upload in ")
            && events[0].ends_with("(attempt 2 of 3): cannot resolve s3.webflow.invalid"),
        "{events:?}"
    );
    assert!(
        chain(&err).contains("the host name does not resolve"),
        "{err}"
    );
}
