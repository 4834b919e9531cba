//! Shared helpers of the conformance tests: the client, fixtures, mock
//! builders (a route's answer, N failures then a success, a fallback that
//! fails on unmatched requests), and (`cli`) the command-line tool.
#![allow(dead_code)]

pub mod public_api;
pub mod upstream;
pub mod webflow_site;

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};
use webflow_assets::{Client, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const SITE: &str = "580e63e98c9a982ac9b8b741";
pub const FOLDER: &str = "6436b1ce5281cace05b65aea";
pub const TOKEN: &str = "wf-test-token-5ecret";
pub const PNG_HASH: &str = "3c7d87c9575702bc3b1e991f4d3c638e";
/// Create Asset Metadata's path for [`SITE`].
pub const ASSETS_PATH: &str = "/sites/580e63e98c9a982ac9b8b741/assets";

/// The library's fixtures, from any crate of the workspace whose tests
/// include this module (the CLI's do).
pub const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../webflow-assets/tests/fixtures"
);

pub fn fixture(name: &str) -> String {
    let path = format!("{}/{name}", FIXTURES);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

pub fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).expect("fixture is JSON")
}

/// Blanks the values that differ from run to run (ids, dates, signatures)
/// before a snapshot: each JSON pointer's value becomes its placeholder. A
/// pointer that names nothing fails the test: the field the snapshot hides
/// must be there.
pub fn redact(value: &mut Value, blanks: &[(&str, &str)]) {
    for (pointer, placeholder) in blanks {
        assert!(
            value.pointer(pointer).is_some(),
            "{pointer} is not in {value}"
        );
        if let Some(slot) = value.pointer_mut(pointer) {
            *slot = Value::String((*placeholder).to_owned());
        }
    }
}

/// A loopback port that refuses connections for as long as this lives:
/// bound, never listening. A port only bound and closed again can be handed
/// to a server another test starts meanwhile (the OS reuses it), and a
/// "connection refused" test then talks to that server.
pub struct ClosedPort {
    _socket: tokio::net::TcpSocket,
    pub port: u16,
}

pub fn closed_port() -> ClosedPort {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = socket.local_addr().unwrap().port();
    ClosedPort {
        _socket: socket,
        port,
    }
}

/// Fast, deterministic retries for tests.
pub fn test_policy() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
        .jitter(false)
}

pub fn client_with(server: &MockServer, policy: RetryPolicy) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .timeout(Duration::from_secs(5))
        .retry(policy)
        .build()
        .expect("client builds")
}

pub fn client(server: &MockServer) -> Client {
    client_with(server, test_policy())
}

/// A request as a snapshot-friendly value: method, path, every header
/// (the host's port replaced), and the body (JSON when it parses).
pub fn request_shape(req: &Request) -> Value {
    let mut headers = BTreeMap::new();
    for (name, value) in req.headers.iter() {
        let v = value.to_str().unwrap_or("<binary>").to_owned();
        let v = if name.as_str() == "host" {
            "127.0.0.1:[port]".to_owned()
        } else {
            v
        };
        headers.insert(name.as_str().to_owned(), v);
    }
    let body = serde_json::from_slice::<Value>(&req.body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&req.body).into_owned()));
    json!({
        "method": req.method.as_str(),
        "path": req.url.path(),
        "query": req.url.query(),
        "headers": headers,
        "body": body,
    })
}

/// Answers a request that no mock of the test matches, naming it.
struct Unmatched;

impl wiremock::Respond for Unmatched {
    fn respond(&self, req: &Request) -> wiremock::ResponseTemplate {
        wiremock::ResponseTemplate::new(599)
            .set_body_string(format!("no mock matches {} {}", req.method, req.url))
    }
}

/// A mock server on which a request that no mock matches fails the test:
/// wiremock's own answer, a 404, would read as `Error::NotFound` and could
/// pass a test by accident. The fallback answers 599 naming the request,
/// and its `expect(0)` fails the test, listing the request, when the
/// server is dropped.
pub async fn mock_server() -> MockServer {
    let server = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(Unmatched)
        .with_priority(u8::MAX)
        .named("fallback: a request that no mock of the test matches")
        .expect(0)
        .mount(&server)
        .await;
    server
}

/// A JSON 200 with `body`.
pub fn json_200(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/json")
        .set_body_string(body)
}

/// The documented Create Asset Metadata answer.
pub fn ok_documented() -> ResponseTemplate {
    json_200(fixture("create_asset_200.json"))
}

/// Webflow's 429, asking to wait `retry_after` seconds.
pub fn rate_limited(retry_after: &str) -> ResponseTemplate {
    ResponseTemplate::new(429)
        .insert_header("retry-after", retry_after)
        .insert_header("x-ratelimit-remaining", "0")
        .insert_header("x-ratelimit-limit", "60")
        .set_body_string(fixture("error_429.json"))
}

/// Answers `verb` on `route` with `template` (a `ResponseTemplate` or any
/// `Respond`), on an existing server.
pub async fn mount(
    server: &MockServer,
    verb: &str,
    route: &str,
    template: impl wiremock::Respond + 'static,
) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(template)
        .mount(server)
        .await;
}

/// Answers `verb` on `route` with `first` `times` times (a failure, say),
/// then with `then` for good.
pub async fn fail_then(
    server: &MockServer,
    verb: &str,
    route: &str,
    (first, times): (ResponseTemplate, u64),
    then: ResponseTemplate,
) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(first)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(then)
        .with_priority(2)
        .mount(server)
        .await;
}

/// How many requests reached `route`.
pub async fn requests_to(server: &MockServer, route: &str) -> usize {
    let requests = server.received_requests().await.unwrap();
    requests.iter().filter(|r| r.url.path() == route).count()
}

/// An error and its causes on one line, as `anyhow`'s `{:#}` shows them:
/// what a report that walks the `source()` chain prints.
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        next = cause.source();
    }
    out
}

/// Scan options that read the Data API only: for the tests of what the API
/// shows (the published site's are `tests/it/published.rs`'s), and for
/// mocks whose Get Site names domains that are not on loopback.
pub fn api_only() -> webflow_assets::usage::ScanOptions {
    webflow_assets::usage::ScanOptions::default()
        .published(webflow_assets::usage::PublishedOptions::off())
}

/// The paths a mock was asked for, in the order asked.
pub async fn requested_paths(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect()
}
