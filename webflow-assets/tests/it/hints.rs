//! Each error that names a setting or a follow-up gives it as a value
//! (`Error::hints`), so that a program maps it to its own words without
//! reading the text.

use webflow_assets::{Client, Error, Hint, RetryPolicy, Setting, UploadOptions, UploadSource};
use wiremock::{MockServer, ResponseTemplate};

use crate::common::{self, SITE, fixture};

#[tokio::test]
async fn a_refused_token_names_the_token() {
    let server = MockServer::start().await;
    let answer = ResponseTemplate::new(401).set_body_string(fixture("error_401.json"));
    common::mount(&server, "GET", &format!("/sites/{SITE}"), answer).await;
    let err = common::client(&server).get_site(SITE).await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    assert_eq!(err.hints(), [Hint::Setting(Setting::Token)]);
}

#[tokio::test]
async fn a_closed_port_names_the_base_url_and_the_connect_retries() {
    // A port nobody listens on.
    let closed = common::closed_port();
    let port = closed.port;
    let client = Client::builder()
        .token(common::TOKEN)
        .base_url(format!("http://127.0.0.1:{port}/v2"))
        .retry(RetryPolicy::default().max_attempts(1))
        .build()
        .unwrap();
    let err = client.get_site(SITE).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(
        err.hints(),
        [
            Hint::Setting(Setting::BaseUrl),
            Hint::Setting(Setting::ConnectRetries)
        ]
    );
}

#[tokio::test]
async fn a_bad_file_name_names_the_file_name_and_other_input_names_nothing() {
    let server = MockServer::start().await;
    let client = common::client(&server);
    let err = client
        .upload(
            SITE,
            UploadSource::from(b"x".to_vec()),
            UploadOptions::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.hints(), [Hint::Setting(Setting::FileName)], "{err}");
    let err = client
        .upload(
            SITE,
            UploadSource::from(b"x".to_vec()),
            UploadOptions::new().file_name("noext"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.hints(), [Hint::Setting(Setting::FileName)], "{err}");
    let err = client.get_site("my-site").await.unwrap_err();
    assert_eq!(err.hints(), [Hint::Setting(Setting::SiteId)], "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// Something other than the API answering (a path without `/v2`, an S3
/// server, a web page) is said as a base URL that leads elsewhere, with the
/// API's own base URL, and the hint is the base URL.
#[tokio::test]
async fn an_answer_that_is_not_the_apis_names_the_base_url() {
    use wiremock::Mock;
    use wiremock::matchers::any;
    for (status, body, kind) in [
        (
            404,
            r#"{"code":"route_not_found","message":"no such route"}"#,
            "application/json",
        ),
        (
            400,
            "<?xml version=\"1.0\"?><Error><Code>InvalidRequest</Code></Error>",
            "application/xml",
        ),
        (
            404,
            "<!DOCTYPE html><title>Page not found</title>",
            "text/html",
        ),
    ] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status).set_body_raw(body, kind))
            .mount(&server)
            .await;
        let err = common::client(&server).get_site(SITE).await.unwrap_err();
        let text = err.to_string();
        assert!(text.contains("does not lead to Webflow's API"), "{text}");
        assert!(text.contains(webflow_assets::DEFAULT_BASE_URL), "{text}");
        assert_eq!(err.hints(), [Hint::Setting(Setting::BaseUrl)], "{text}");
    }
}
