//! The token and its sites: List Sites and Get Authorization Info decoded
//! from Webflow's own examples, and `whoami`'s two ways to a token's scopes
//! (introspection, or one read per read scope where the token may not
//! introspect), with each task's verdict.

use serde_json::json;
use webflow_assets::scopes::Task;
use webflow_assets::{ScopeSource, Verdict};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common;
use crate::common::upstream::serve_upstream_examples;

const SITE: &str = "580e63e98c9a982ac9b8b741";

#[tokio::test]
async fn whoami_reads_webflows_own_introspection_example() {
    let (server, _) = serve_upstream_examples().await;
    let report = common::client(&server).whoami(None).await.unwrap();
    assert_eq!(report.source, ScopeSource::Introspection);
    assert_eq!(report.granted, ["assets:read", "assets:write"]);
    assert_eq!(report.site_ids, ["62f3b1f7eafac55d0c64ef91"]);
    assert_eq!(report.rate_limit, Some(60));
    assert_eq!(report.application.as_deref(), Some("My Amazing App"));
    // No sites:read: List Sites is not called.
    assert!(report.sites.is_empty());
    assert_eq!(report.verdict(Task::Upload), Verdict::Yes);
    assert_eq!(
        report.verdict(Task::DeleteChecked),
        Verdict::No {
            missing: vec!["cms:read", "components:read", "pages:read", "sites:read"]
        }
    );
    let calls = server.received_requests().await.unwrap();
    assert_eq!(calls.len(), 1, "one call: {calls:?}");
}

#[tokio::test]
async fn list_sites_keeps_webflows_ids_as_they_come() {
    let (server, _) = serve_upstream_examples().await;
    let sites = common::client(&server).list_sites().await.unwrap();
    // Webflow's example id has 23 characters, not an ObjectId's 24: it is
    // Webflow's, passed on as it came.
    assert_eq!(sites[0].id, "42e63e98c9a982ac9b8b741");
    assert!(sites[0].display_name.is_some(), "{:?}", sites[0]);
}

fn forbidden(scope: &str) -> ResponseTemplate {
    ResponseTemplate::new(403).set_body_json(json!({
        "code": "missing_scopes",
        "message": format!("OAuthForbidden: You are missing the following scopes - {scope}"),
        "externalReference": null,
        "details": []
    }))
}

#[tokio::test]
async fn a_token_that_may_not_introspect_is_tried_one_read_per_scope() {
    let server = MockServer::start().await;
    Mock::given(path("/token/introspect"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "code": "not_authorized", "message": "Access to this endpoint requires a bearer token from a Data Client App"})))
        .mount(&server)
        .await;
    Mock::given(path("/sites"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"sites": [{"id": SITE, "displayName": "Mine"}]})),
        )
        .mount(&server)
        .await;
    Mock::given(path(format!("/sites/{SITE}/assets")))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"assets": [], "pagination": {"limit": 1, "offset": 0, "total": 0}}),
        ))
        .mount(&server)
        .await;
    Mock::given(path(format!("/sites/{SITE}/pages")))
        .respond_with(forbidden("pages:read"))
        .mount(&server)
        .await;
    Mock::given(path(format!("/sites/{SITE}/components")))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"components": [], "pagination": {"limit": 1, "offset": 0, "total": 0}}),
        ))
        .mount(&server)
        .await;
    // A 400 says nothing about the scope: cms:read stays unknown.
    Mock::given(method("GET"))
        .and(path(format!("/sites/{SITE}/collections")))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"code": "bad_request", "message": "no"})),
        )
        .mount(&server)
        .await;
    let report = common::client(&server).whoami(Some(SITE)).await.unwrap();
    assert_eq!(report.source, ScopeSource::Probe);
    assert_eq!(
        report.granted,
        ["assets:read", "components:read", "sites:read"]
    );
    assert_eq!(report.denied, ["pages:read"]);
    assert_eq!(report.site_ids, [SITE]);
    assert_eq!(
        report.verdict(Task::ScanUsage),
        Verdict::No {
            missing: vec!["pages:read"]
        }
    );
    // A write scope cannot be tried without writing.
    assert_eq!(
        report.verdict(Task::Upload),
        Verdict::Unknown {
            unchecked: vec!["assets:write"]
        }
    );
    assert_eq!(report.verdict(Task::ReadAssets), Verdict::Yes);
}

#[tokio::test]
async fn a_token_webflow_refuses_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(
                json!({"code": "not_authorized", "message": "Request not authorized"}),
            ),
        )
        .mount(&server)
        .await;
    let error = common::client(&server)
        .whoami(Some(SITE))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error}");
}
