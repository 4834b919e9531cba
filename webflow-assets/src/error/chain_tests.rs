//! Each error either writes its cause into its message or returns it from
//! `source()`, never both: a report that walks the chain (`anyhow`'s `{:#}`,
//! `tracing`'s error fields) prints every cause once.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::*;

/// Every level of the chain, outermost first.
fn levels(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out = vec![error.to_string()];
    let mut next = error.source();
    while let Some(cause) = next {
        out.push(cause.to_string());
        next = cause.source();
    }
    out
}

/// No level repeats the text of a level below it.
fn assert_each_cause_once(name: &str, error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let levels = levels(error);
    for (i, outer) in levels.iter().enumerate() {
        for inner in &levels[i + 1..] {
            assert!(
                !outer.contains(inner.as_str()),
                "{name}: {outer:?} repeats its cause {inner:?}"
            );
        }
    }
    levels
}

fn api(status: u16) -> Box<ApiError> {
    Box::new(ApiError::new(
        StatusCode::from_u16(status).unwrap(),
        HeaderMap::new(),
        br#"{"code":"x","message":"it failed"}"#,
    ))
}

/// A real transport error: a connection refused by a closed loopback port.
async fn refused() -> Error {
    // Bound and never listening, for as long as the request runs: a port
    // only bound and closed could meanwhile go to another test's server.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = socket.local_addr().unwrap().port();
    let err = reqwest::get(format!("http://127.0.0.1:{port}/"))
        .await
        .unwrap_err();
    Error::from_reqwest("Get Asset", err, Duration::from_secs(1))
}

#[tokio::test]
async fn every_variant_prints_each_cause_once() {
    let decode_err = serde_json::from_str::<u32>("\"x\"").unwrap_err();
    let s3 = StorageError::from_response(
        StatusCode::FORBIDDEN,
        b"<Error><Code>SignatureDoesNotMatch</Code><Message>bad signature</Message></Error>",
    );
    let variants: Vec<(&str, Error, usize)> = vec![
        ("Config", Error::config("p", "f"), 1),
        ("InvalidInput", Error::invalid("p", "f"), 1),
        (
            "Io",
            Error::Io {
                path: "a.png".into(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            },
            2,
        ),
        ("BadRequest", Error::BadRequest(api(400)), 1),
        ("ServerError", Error::ServerError(api(500)), 1),
        (
            "Decode",
            Error::Decode {
                status: StatusCode::OK,
                message: format!("id: {decode_err}"),
                path: Some("id".into()),
                snippet: "\"x\"".into(),
                source: decode_err,
            },
            2,
        ),
        ("Transport", refused().await, 3),
        ("Storage", Error::Storage(s3.clone()), 1),
        (
            "UploadAborted",
            Error::UploadAborted {
                asset_id: "a1".into(),
                cleanup: Cleanup::DeleteFailed {
                    asset_id: "a1".into(),
                    error: Box::new(Error::ServerError(api(500))),
                },
                source: Box::new(Error::Storage(s3)),
            },
            2,
        ),
        (
            "Unfinished",
            Error::Unfinished {
                asset_id: "a1".into(),
                step: "setting its alt text",
                source: Box::new(refused().await),
            },
            4,
        ),
    ];
    for (name, error, at_least) in &variants {
        let levels = assert_each_cause_once(name, error);
        assert!(levels.len() >= *at_least, "{name}: {levels:?}");
    }
}

#[test]
fn the_check_sees_a_cause_printed_twice() {
    // An error that writes its source into its message *and* returns it.
    #[derive(Debug, thiserror::Error)]
    #[error("outer: {0}")]
    struct Twice(#[source] std::io::Error);
    let twice = Twice(std::io::Error::other("inner"));
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        assert_each_cause_once("Twice", &twice)
    }));
    assert!(caught.is_err(), "a cause printed twice must fail the check");
}
