//! The full upload against wiremock playing both Webflow and S3: the exact
//! multipart request S3 receives, pre-flight checks, S3 answers and errors.

use crate::common;

use std::collections::BTreeMap;

use common::*;
use serde_json::{Value, json};
use webflow_assets::StorageError;
use webflow_assets::{Error, UploadDetails, UploadOptions, UploadSource, UploadedAsset, md5_hex};
use wiremock::{MockServer, Request, ResponseTemplate};

pub(crate) const S3_PATH: &str = "/s3/webflow-bucket-name";
/// The asset of the documented example, which a failed upload deletes.
pub(crate) const ASSET_PATH: &str = "/assets/64358b9544249dc43d37d2b7";

/// The documented example as text (so that the key order is Webflow's),
/// its upload URL pointed at the mock S3, extra form fields appended.
pub(crate) fn metadata(server: &MockServer, extra: &[(&str, &str)]) -> String {
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

pub(crate) fn metadata_response(body: String) -> ResponseTemplate {
    json_200(body)
}

pub(crate) fn post_response(etag: &str) -> ResponseTemplate {
    ResponseTemplate::new(201).insert_header("content-type", "application/xml").set_body_string(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse><Location>https://webflow-bucket-name.s3.amazonaws.com/key.png</Location><Bucket>webflow-bucket-name</Bucket><Key>&lt;siteId&gt;/&lt;fileId&gt;_&lt;filename-with-extension&gt;</Key><ETag>\"{etag}\"</ETag></PostResponse>"
    ))
}

/// A server playing Webflow: the documented metadata, with `extra` form
/// fields, pointing at its own S3 path.
pub(crate) async fn mock_webflow(extra: &[(&str, &str)]) -> MockServer {
    let server = mock_server().await;
    let body = metadata(&server, extra);
    mount(&server, "POST", ASSETS_PATH, metadata_response(body)).await;
    mount(&server, "DELETE", ASSET_PATH, ResponseTemplate::new(204)).await;
    server
}

/// The error under the orphan cleanup of a failed upload, which must have
/// deleted the asset entry (one DELETE).
pub(crate) async fn aborted(server: &MockServer, err: &Error) -> &'static str {
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
pub(crate) async fn mock_both(extra: &[(&str, &str)], s3: ResponseTemplate) -> MockServer {
    let server = mock_webflow(extra).await;
    mount(&server, "POST", S3_PATH, s3).await;
    server
}

/// Splits a multipart/form-data body into (headers, content) parts.
pub(crate) fn parts(req: &Request) -> Vec<(BTreeMap<String, String>, Vec<u8>)> {
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
pub(crate) fn s3_shape(req: &Request) -> Value {
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

pub(crate) async fn s3_request(server: &MockServer) -> Request {
    let requests = server.received_requests().await.unwrap();
    let s3: Vec<Request> = requests
        .into_iter()
        .filter(|r| r.url.path() == S3_PATH)
        .collect();
    assert_eq!(s3.len(), 1);
    s3.into_iter().next().unwrap()
}

/// Uploads `bytes` as file.png through `server`.
pub(crate) async fn upload_png(
    server: &MockServer,
    bytes: Vec<u8>,
) -> Result<UploadedAsset, Error> {
    client(server)
        .upload(
            SITE,
            UploadSource::Bytes(bytes.into()),
            UploadOptions::new().file_name("file.png"),
        )
        .await
}

/// How many requests reached the mock S3.
pub(crate) async fn s3_request_count(server: &MockServer) -> usize {
    requests_to(server, S3_PATH).await
}

pub(crate) fn png(len: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend((0..len.saturating_sub(8)).map(|i| (i % 253) as u8));
    v
}

#[tokio::test]
pub(crate) async fn s3_request_for_the_documented_example() {
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
pub(crate) async fn unknown_upload_details_fields_are_forwarded_in_order() {
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
pub(crate) async fn etag_mismatch_fails_loudly() {
    let server = mock_both(&[], post_response("0123456789abcdef0123456789abcdef")).await;
    let err = upload_png(&server, png(100)).await.unwrap_err();
    assert!(
        matches!(err.storage(), Some(StorageError::ChecksumMismatch { .. })),
        "{err:?}"
    );
    aborted(&server, &err).await;
}

#[tokio::test]
pub(crate) async fn s3_xml_errors_become_typed_errors() {
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
pub(crate) async fn s3_slow_down_is_retried() {
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
