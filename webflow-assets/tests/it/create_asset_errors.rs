//! Create Asset Metadata's errors: every documented status, undocumented ones, a 403's missing scope, bodies that do not parse.

use super::create_asset::{assert_no_token, create, request, server_answering};
use crate::common;
use common::*;
use std::time::{Duration, Instant};
use webflow_assets::{Error, RetryPolicy};
use wiremock::{MockServer, ResponseTemplate};

/// Each documented error status with a realistic body maps to its variant.
#[tokio::test]
async fn documented_error_statuses() {
    let mut shown = Vec::new();
    for status in [400u16, 401, 404, 429, 500] {
        let template = ResponseTemplate::new(status)
            .insert_header("content-type", "application/json")
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-limit", "60")
            .insert_header("retry-after", "60")
            .set_body_string(fixture(&format!("error_{status}.json")));
        let server = server_answering(template).await;
        let err = client_with(&server, RetryPolicy::none())
            .create_asset_metadata(SITE, &request(None))
            .await
            .unwrap_err();
        assert_eq!(err.status().unwrap().as_u16(), status);
        let api = err.api_error().expect("carries the API error");
        assert!(api.body.is_some() && api.raw_body.is_none(), "{api:?}");
        assert_eq!(api.rate_limit().limit, Some(60));
        assert_eq!(api.rate_limit().remaining, Some(0));
        match (status, &err) {
            (400, Error::BadRequest(e)) => assert_eq!(e.code(), Some("validation_error")),
            (401, Error::Unauthorized(e)) => assert_eq!(e.code(), Some("not_authorized")),
            (404, Error::NotFound(e)) => assert_eq!(e.code(), Some("resource_not_found")),
            (429, Error::RateLimited { retry_after, .. }) => {
                assert_eq!(*retry_after, Some(Duration::from_secs(60)))
            }
            (500, Error::ServerError(e)) => assert_eq!(e.code(), Some("internal_error")),
            _ => panic!("{status} mapped to {err:?}"),
        }
        assert_eq!(err.is_retryable(), matches!(status, 429 | 500));
        assert_no_token(&err);
        shown.push(format!("{status}: {err}"));
    }
    insta::assert_snapshot!("documented_errors", shown.join("\n"));
}

#[tokio::test]
async fn undocumented_statuses_are_clear_errors() {
    let conflict = ResponseTemplate::new(409).set_body_string(
        r#"{"code": "conflict", "message": "Conflict", "externalReference": null, "details": []}"#,
    );
    let bad_gateway = ResponseTemplate::new(502)
        .insert_header("content-type", "text/html")
        .set_body_string(fixture("bad_gateway.html"));
    let mut shown = Vec::new();
    for template in [conflict, bad_gateway] {
        let server = server_answering(template).await;
        let err = client_with(&server, RetryPolicy::none())
            .create_asset_metadata(SITE, &request(None))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::UnexpectedStatus { .. }), "{err:?}");
        assert_no_token(&err);
        shown.push(err.to_string());
    }
    insta::assert_snapshot!("undocumented_errors", shown.join("\n"));
}

/// 403 is Forbidden, naming the scope Webflow says is missing.
#[tokio::test]
async fn a_403_names_the_missing_scope() {
    let server =
        server_answering(ResponseTemplate::new(403).set_body_string(fixture("error_403.json")))
            .await;
    let err = client_with(&server, RetryPolicy::none())
        .create_asset_metadata(SITE, &request(None))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
    assert_eq!(err.missing_scopes(), ["assets:write"]);
    assert!(!err.is_retryable());
    assert_no_token(&err);
    insta::assert_snapshot!("forbidden_error", err.to_string());
}

#[tokio::test]
async fn documented_status_with_unparseable_body_keeps_status_and_raw_body() {
    let template = ResponseTemplate::new(400).set_body_string("<html>nginx: bad request</html>");
    let server = server_answering(template).await;
    let err = create(&server).await.unwrap_err();
    let Error::BadRequest(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        api.raw_body.as_deref(),
        Some("<html>nginx: bad request</html>")
    );
    assert!(api.body.is_none());
}

#[tokio::test]
async fn malformed_success_bodies_are_decode_errors() {
    let cases = [
        (
            "truncated",
            r#"{"uploadDetails": {"acl": "public-read""#.to_owned(),
        ),
        (
            "wrong types",
            fixture("create_asset_200.json")
                .replace(r#""id": "64358b9544249dc43d37d2b7""#, r#""id": 42"#),
        ),
        (
            "bad date",
            fixture("create_asset_200.json").replace("2023-04-11T16:32:21Z", "yesterday"),
        ),
        ("empty", String::new()),
        ("html", "<!doctype html><title>Webflow</title>".to_owned()),
        ("array", "[]".to_owned()),
    ];
    let mut shown = Vec::new();
    for (name, body) in cases {
        let server = server_answering(ResponseTemplate::new(200).set_body_string(body)).await;
        let err = create(&server).await.unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{name}: {err:?}");
        assert!(!err.is_retryable());
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            1,
            "{name}: decode errors are not retried"
        );
        shown.push(format!("{name}: {}", chain(&err)));
    }
    insta::assert_snapshot!("malformed_bodies", shown.join("\n"));
}

/// Create Asset Metadata answers `first` `times` times, then `then`.
async fn sequence(first: ResponseTemplate, times: u64, then: ResponseTemplate) -> MockServer {
    let server = mock_server().await;
    fail_then(&server, "POST", ASSETS_PATH, (first, times), then).await;
    server
}

#[tokio::test]
async fn rate_limit_twice_then_success_waits_retry_after() {
    let server = sequence(rate_limited("1"), 2, ok_documented()).await;
    let started = Instant::now();
    let upload = create(&server).await.unwrap();
    assert_eq!(upload.id, "64358b9544249dc43d37d2b7");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "waited {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn rate_limit_beyond_budget_returns_retry_after() {
    let server = sequence(rate_limited("60"), 5, ok_documented()).await;
    let policy = test_policy().max_total_wait(Duration::from_secs(10));
    let started = Instant::now();
    let err = client_with(&server, policy)
        .create_asset_metadata(SITE, &request(None))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(60)));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn server_errors_are_retried_when_opted_in() {
    let server = sequence(
        ResponseTemplate::new(500).set_body_string(fixture("error_500.json")),
        2,
        ok_documented(),
    )
    .await;
    let upload = client_with(&server, test_policy().retry_unsafe(true))
        .create_asset_metadata(SITE, &request(None))
        .await
        .unwrap();
    assert_eq!(upload.id, "64358b9544249dc43d37d2b7");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn server_errors_are_not_retried_by_default_because_create_is_not_idempotent() {
    let server = sequence(
        ResponseTemplate::new(500).set_body_string(fixture("error_500.json")),
        2,
        ok_documented(),
    )
    .await;
    let err = create(&server).await.unwrap_err();
    assert!(matches!(err, Error::ServerError(_)), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn service_unavailable_is_retried_by_default() {
    let server = sequence(
        ResponseTemplate::new(503).set_body_string("upstream down"),
        1,
        ok_documented(),
    )
    .await;
    create(&server).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn request_timeout_408_is_retried_by_default() {
    // 408: the server gave up waiting for the request, so nothing was created.
    let server = sequence(ResponseTemplate::new(408), 1, ok_documented()).await;
    create(&server).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn attempts_are_bounded() {
    let server = sequence(ResponseTemplate::new(503), 100, ok_documented()).await;
    let err = client_with(&server, test_policy().max_attempts(3))
        .create_asset_metadata(SITE, &request(None))
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 503);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn bad_request_is_never_retried() {
    let server = sequence(
        ResponseTemplate::new(400).set_body_string(fixture("error_400.json")),
        5,
        ok_documented(),
    )
    .await;
    let err = client_with(&server, test_policy().retry_unsafe(true))
        .create_asset_metadata(SITE, &request(None))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BadRequest(_)));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    // A port nobody listens on.
    let closed = common::closed_port();
    let url = format!("http://127.0.0.1:{}", closed.port);
    let client = webflow_assets::Client::builder()
        .token(TOKEN)
        .base_url(url)
        .retry(test_policy().max_attempts(2))
        .build()
        .unwrap();
    let err = client
        .create_asset_metadata(SITE, &request(None))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                not_sent: true,
                kind: webflow_assets::TransportKind::Connect,
                ..
            }
        ),
        "{err:?}"
    );
    let source = std::error::Error::source(&err).expect("reqwest's error is kept");
    assert!(source.is::<reqwest::Error>(), "{source:?}");
    assert!(err.is_connect_failure());
    assert!(err.is_retryable());
    assert_no_token(&err);
}

#[tokio::test]
async fn invalid_site_id_fails_before_any_request() {
    let server = server_answering(ok_documented()).await;
    let err = client(&server)
        .create_asset_metadata("my-site", &request(None))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert!(err.to_string().contains("24 hexadecimal"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn token_is_redacted_in_debug() {
    let server = mock_server().await;
    let c = client(&server);
    assert!(!format!("{c:?}").contains(TOKEN));
    assert!(!format!("{:?}", c.generated()).contains(TOKEN));
}

/// Logs at TRACE, from this crate and everything under it (reqwest, hyper),
/// name each request but never show the token.
#[tokio::test]
async fn traces_name_requests_but_never_the_token() {
    #[derive(Clone, Default)]
    struct Buffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = sequence(rate_limited("0"), 1, ok_documented()).await;
    create(&server).await.unwrap();
    let unauthorized =
        server_answering(ResponseTemplate::new(401).set_body_string(fixture("error_401.json")))
            .await;
    create(&unauthorized).await.unwrap_err();

    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("webflow.request"), "{logs}");
    assert!(logs.contains("attempt=2"), "the retry is traced: {logs}");
    assert!(
        logs.contains("status=429") && logs.contains("status=200") && logs.contains("status=401"),
        "{logs}"
    );
    assert!(!logs.contains(TOKEN), "the token leaked into the logs");
}
