//! The full upload against wiremock playing both Webflow and S3: the exact
//! multipart request S3 receives, pre-flight checks, S3 answers and errors.

use crate::common;

use std::collections::BTreeMap;

use common::*;
use serde_json::{Value, json};
use webflow_assets::StorageError;
use webflow_assets::{
    Error, Limits, UploadDetails, UploadOptions, UploadSource, UploadedAsset, md5_hex,
};
use wiremock::{MockServer, Request, ResponseTemplate};

const S3_PATH: &str = "/s3/webflow-bucket-name";
/// The asset of the documented example, which a failed upload deletes.
const ASSET_PATH: &str = "/assets/64358b9544249dc43d37d2b7";

/// The documented example as text (so that the key order is Webflow's),
/// its upload URL pointed at the mock S3, extra form fields appended.
fn metadata(server: &MockServer, extra: &[(&str, &str)]) -> String {
    let original = fixture_json("create_asset_200.json");
    let mut body = fixture("create_asset_200.json").replace(
        original["uploadUrl"].as_str().unwrap(),
        &format!("{}{S3_PATH}", server.uri()),
    );
    let last = r#""Cache-Control": "max-age=31536000, must-revalidate""#;
    let mut replacement = last.to_owned();
    for (k, v) in extra {
        replacement.push_str(&format!(",\n    \"{k}\": \"{v}\""));
    }
    body = body.replace(last, &replacement);
    assert!(serde_json::from_str::<Value>(&body).is_ok());
    body
}

fn metadata_response(body: String) -> ResponseTemplate {
    json_200(body)
}

fn post_response(etag: &str) -> ResponseTemplate {
    ResponseTemplate::new(201).insert_header("content-type", "application/xml").set_body_string(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse><Location>https://webflow-bucket-name.s3.amazonaws.com/key.png</Location><Bucket>webflow-bucket-name</Bucket><Key>&lt;siteId&gt;/&lt;fileId&gt;_&lt;filename-with-extension&gt;</Key><ETag>\"{etag}\"</ETag></PostResponse>"
    ))
}

/// A server playing Webflow: the documented metadata, with `extra` form
/// fields, pointing at its own S3 path.
async fn mock_webflow(extra: &[(&str, &str)]) -> MockServer {
    let server = mock_server().await;
    let body = metadata(&server, extra);
    mount(&server, "POST", ASSETS_PATH, metadata_response(body)).await;
    mount(&server, "DELETE", ASSET_PATH, ResponseTemplate::new(204)).await;
    server
}

/// The error under the orphan cleanup of a failed upload, which must have
/// deleted the asset entry (one DELETE).
async fn aborted(server: &MockServer, err: &Error) -> &'static str {
    let Error::UploadAborted {
        cleanup, source, ..
    } = err
    else {
        panic!("not an aborted upload: {err:?}");
    };
    assert!(
        matches!(cleanup, webflow_assets::Cleanup::Deleted { asset_id } if asset_id == "64358b9544249dc43d37d2b7"),
        "{cleanup:?}"
    );
    assert_eq!(requests_to(server, ASSET_PATH).await, 1, "one DELETE");
    let _ = source;
    "aborted"
}

/// A server playing Webflow and S3, S3 answering with `s3`.
async fn mock_both(extra: &[(&str, &str)], s3: ResponseTemplate) -> MockServer {
    let server = mock_webflow(extra).await;
    mount(&server, "POST", S3_PATH, s3).await;
    server
}

/// Splits a multipart/form-data body into (headers, content) parts.
fn parts(req: &Request) -> Vec<(BTreeMap<String, String>, Vec<u8>)> {
    let ct = req.headers.get("content-type").unwrap().to_str().unwrap();
    let boundary = ct.split("boundary=").nth(1).unwrap().trim_matches('"');
    let delimiter = format!("--{boundary}");
    let body = &req.body;
    let mut out = Vec::new();
    let positions: Vec<usize> = body
        .windows(delimiter.len())
        .enumerate()
        .filter(|(_, w)| *w == delimiter.as_bytes())
        .map(|(i, _)| i)
        .collect();
    for pair in positions.windows(2) {
        let part = &body[pair[0] + delimiter.len() + 2..pair[1] - 2]; // skip CRLF after the delimiter and before the next
        let split = part.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let headers = String::from_utf8(part[..split].to_vec()).unwrap();
        let headers = headers
            .lines()
            .map(|l| {
                let (k, v) = l.split_once(':').unwrap();
                (k.trim().to_ascii_lowercase(), v.trim().to_owned())
            })
            .collect();
        out.push((headers, part[split + 4..].to_vec()));
    }
    assert!(
        body.ends_with(format!("{delimiter}--\r\n").as_bytes()),
        "multipart body must be closed"
    );
    out
}

/// The S3 request as a snapshot: headers that matter and every part.
fn s3_shape(req: &Request) -> Value {
    let mut headers = BTreeMap::new();
    for (name, value) in req.headers.iter() {
        let v = value.to_str().unwrap().to_owned();
        let v = match name.as_str() {
            "host" => "127.0.0.1:[port]".to_owned(),
            "content-type" => v.split(';').next().unwrap().to_owned() + "; boundary=[boundary]",
            _ => v,
        };
        headers.insert(name.as_str().to_owned(), v);
    }
    let parts: Vec<Value> = parts(req)
        .into_iter()
        .map(|(h, content)| {
            let value = if h
                .get("content-disposition")
                .is_some_and(|d| d.contains("filename="))
            {
                json!(format!(
                    "<{} bytes, md5 {}>",
                    content.len(),
                    md5_hex(&content)
                ))
            } else {
                json!(String::from_utf8(content).unwrap())
            };
            json!({"headers": h, "value": value})
        })
        .collect();
    json!({"method": req.method.as_str(), "path": req.url.path(), "headers": headers, "parts": parts})
}

async fn s3_request(server: &MockServer) -> Request {
    let requests = server.received_requests().await.unwrap();
    let s3: Vec<Request> = requests
        .into_iter()
        .filter(|r| r.url.path() == S3_PATH)
        .collect();
    assert_eq!(s3.len(), 1);
    s3.into_iter().next().unwrap()
}

/// Uploads `bytes` as file.png through `server`.
async fn upload_png(server: &MockServer, bytes: Vec<u8>) -> Result<UploadedAsset, Error> {
    client(server)
        .upload(
            SITE,
            UploadSource::Bytes(bytes.into()),
            UploadOptions::new().file_name("file.png"),
        )
        .await
}

/// How many requests reached the mock S3.
async fn s3_request_count(server: &MockServer) -> usize {
    requests_to(server, S3_PATH).await
}

fn png(len: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend((0..len.saturating_sub(8)).map(|i| (i % 253) as u8));
    v
}

#[tokio::test]
async fn s3_request_for_the_documented_example() {
    let file = png(1000);
    let md5 = md5_hex(&file);
    let server = mock_both(&[], post_response(&md5)).await;

    let asset = upload_png(&server, file.clone()).await.unwrap();
    assert_eq!(asset.md5, md5);
    assert_eq!(asset.storage.etag.as_deref(), Some(md5.as_str()));
    assert_eq!(asset.storage.bucket.as_deref(), Some("webflow-bucket-name"));

    let req = s3_request(&server).await;
    assert!(
        req.headers.get("authorization").is_none(),
        "the token must never reach S3"
    );
    assert!(!String::from_utf8_lossy(&req.body).contains(TOKEN));
    let len: usize = req
        .headers
        .get("content-length")
        .expect("S3 refuses chunked POST bodies")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(len, req.body.len());
    assert!(req.headers.get("transfer-encoding").is_none());
    insta::assert_json_snapshot!("s3_request_documented", s3_shape(&req));
}

#[tokio::test]
async fn unknown_upload_details_fields_are_forwarded_in_order() {
    let file = png(300);
    let extra = [
        ("x-amz-security-token", "FwoGZXIvYXdzEBYaDExample"),
        ("x-amz-meta-origin", "webflow"),
    ];
    let etag = format!("\"{}\"", md5_hex(&file));
    let server = mock_both(
        &extra,
        ResponseTemplate::new(204).insert_header("etag", etag),
    )
    .await;
    let asset = upload_png(&server, file).await.unwrap();
    assert_eq!(asset.storage.status, 204);
    let req = s3_request(&server).await;
    let names: Vec<String> = parts(&req)
        .iter()
        .map(|(h, _)| {
            h["content-disposition"]
                .split("name=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    let expected: Vec<&str> = UploadDetails::DOCUMENTED_KEYS
        .into_iter()
        .chain(["x-amz-security-token", "x-amz-meta-origin", "file"])
        .collect();
    assert_eq!(names, expected);
    insta::assert_json_snapshot!("s3_request_unknown_fields", s3_shape(&req));
}

#[tokio::test]
async fn etag_mismatch_fails_loudly() {
    let server = mock_both(&[], post_response("0123456789abcdef0123456789abcdef")).await;
    let err = upload_png(&server, png(100)).await.unwrap_err();
    assert!(
        matches!(err.storage(), Some(StorageError::ChecksumMismatch { .. })),
        "{err:?}"
    );
    aborted(&server, &err).await;
}

#[tokio::test]
async fn s3_xml_errors_become_typed_errors() {
    let cases = [
        (
            403,
            "AccessDenied",
            "Invalid according to Policy: Policy expired.",
        ),
        (
            403,
            "AccessDenied",
            "Invalid according to Policy: Extra input fields: x-amz-meta-extra",
        ),
        (
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        ),
        (
            400,
            "EntityTooLarge",
            "Your proposed upload exceeds the maximum allowed size",
        ),
        (
            400,
            "InvalidArgument",
            "Bucket POST must contain a field named 'key'.",
        ),
    ];
    let mut shown = Vec::new();
    for (status, code, message) in cases {
        let xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>4442587FB7D0A2F9</RequestId><HostId>h</HostId></Error>"
        );
        let server = mock_both(&[], ResponseTemplate::new(status).set_body_string(xml)).await;
        let err = upload_png(&server, png(100)).await.unwrap_err();
        assert!(err.storage().is_some(), "{err:?}");
        aborted(&server, &err).await;
        assert_eq!(err.status().unwrap().as_u16(), status);
        let s3_requests = s3_request_count(&server).await;
        assert_eq!(s3_requests, 1, "4xx from S3 are not retried");
        shown.push(chain(&err));
    }
    insta::assert_snapshot!("s3_errors", shown.join("\n"));
}

#[tokio::test]
async fn s3_slow_down_is_retried() {
    let server = mock_webflow(&[]).await;
    let file = png(100);
    let slow = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>1</RequestId></Error>";
    fail_then(
        &server,
        "POST",
        S3_PATH,
        (ResponseTemplate::new(503).set_body_string(slow), 2),
        post_response(&md5_hex(&file)),
    )
    .await;
    upload_png(&server, file).await.unwrap();
    let s3_requests = s3_request_count(&server).await;
    assert_eq!(s3_requests, 3);
}

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
