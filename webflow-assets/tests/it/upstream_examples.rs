//! Webflow's own examples through the client: a mock serves the response
//! example of every GET of the vendored upstream spec (the extract of
//! webflow/openapi-spec), and the whole usage scan runs over them. Every
//! example must decode, and the pages and components whose example content
//! holds asset 659595234426a9fcbad57043 must be named. The sandbox holds our
//! assumptions; these are Webflow's shapes (UUID component ids, a 23-digit
//! one, node types the scan does not know).

use webflow_assets::UsageIndex;
use webflow_assets::usage::{Place, UseKind};

use crate::common;
use crate::common::upstream::{EXAMPLE_ASSET as ASSET, serve_upstream_examples};

const SITE: &str = "580e63e98c9a982ac9b8b741";

#[tokio::test]
async fn the_scan_reads_webflows_own_examples_and_names_their_uses() {
    let (server, served) = serve_upstream_examples().await;
    assert!(
        served >= 10,
        "every GET of the usage reads has an example: {served}"
    );
    let client = common::client(&server);
    let index = client
        .scan_usage_with(SITE, UsageIndex::new(SITE), &crate::common::api_only())
        .await
        .unwrap();
    index.check_complete().unwrap();
    assert!(
        index.summary.pages > 0 && index.summary.components > 0 && index.summary.items > 0,
        "{:?}",
        index.summary
    );
    let uses: Vec<_> = index.uses_of_asset(ASSET).collect();
    assert!(
        uses.iter()
            .any(|u| u.how == UseKind::ImageNode && matches!(u.place, Place::Page { .. })),
        "the page content example's image node: {uses:#?}"
    );
    assert!(
        uses.iter().any(|u| matches!(&u.place, Place::Component { component_id, .. } if !component_id.is_empty())),
        "the component content example, read for Webflow's component ids: {uses:#?}"
    );
    // Each component of the list example was read by its id as given,
    // percent-encoded where it must be, never refused.
    let requests = server.received_requests().await.unwrap();
    let component_reads: Vec<String> = requests
        .iter()
        .filter(|r| r.url.path().ends_with("/dom") && r.url.path().contains("/components/"))
        .map(|r| r.url.path().to_owned())
        .collect();
    assert!(
        component_reads
            .iter()
            .any(|p| p.contains("68a2b1d1ee792848f805dcf")),
        "{component_reads:#?}"
    );
}

/// An id as the API returned it goes back as it came, percent-encoded in
/// the path: a component id is a plain string in Webflow's spec.
#[tokio::test]
async fn a_returned_id_is_sent_back_percent_encoded() {
    let (server, _) = serve_upstream_examples().await;
    let client = common::client(&server);
    let odd = "8505ba55 ef72/629e";
    client
        .component_content_page(SITE, odd, &webflow_assets::ListOptions::new())
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    assert_eq!(
        paths,
        [format!(
            "/sites/{SITE}/components/8505ba55%20ef72%2F629e/dom"
        )]
    );
    // Only an empty one is refused, before any request.
    let err = client
        .component_content_page(SITE, "", &webflow_assets::ListOptions::new())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("component id is empty"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// Webflow's Get Site example names where the published site is (its
/// custom domains, bare hosts, and `lastPublished`), and its List Pages
/// example's `publishedPath`s are what the crawl asks for: read here at a
/// loopback origin standing for the site's (the example domains are not
/// reachable offline).
#[tokio::test]
async fn webflows_site_and_page_examples_tell_the_crawl_where_to_read() {
    let (server, _) = serve_upstream_examples().await;
    let client = common::client(&server);
    let site = client.get_site(SITE).await.unwrap();
    let domains: Vec<&str> = site
        .custom_domains
        .iter()
        .flatten()
        .filter_map(|d| d.url.as_deref())
        .collect();
    assert_eq!(
        domains,
        ["hitchhikersguide.galaxy", "heartofgold.spaceship"]
    );
    assert!(site.last_published.is_some());

    let published = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .insert_header("content-type", "text/html")
                .set_body_string("<html><body></body></html>"),
        )
        .mount(&published)
        .await;
    let options = webflow_assets::usage::ScanOptions::default().published(
        webflow_assets::usage::PublishedOptions::default().at(published.uri().parse().unwrap()),
    );
    let index = client
        .scan_usage_with(SITE, UsageIndex::new(SITE), &options)
        .await
        .unwrap();
    let mut asked: Vec<String> = crate::common::requested_paths(&published).await;
    asked.sort();
    assert!(
        asked.contains(&"/en-us/guide-to-the-galaxy".to_owned())
            && asked.contains(&"/en-us/towel-day".to_owned()),
        "{asked:?}"
    );
    assert_eq!(index.summary.published, asked.len());
}
