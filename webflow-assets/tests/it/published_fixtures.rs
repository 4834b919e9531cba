//! A published page, style sheet and script shaped as Webflow publishes
//! them (`tests/fixtures/published/`), served from a mock as the site's
//! origin and CDN: every asset they name is found, with how it is used,
//! and only the site's own style sheets and scripts are fetched.

use std::collections::BTreeMap;

use webflow_assets::UsageIndex;
use webflow_assets::usage::{Place, PublishedOptions, ScanOptions, UseKind};
use webflow_assets_sandbox::{Sandbox, SandboxConfig};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SITE: &str = "580e63e98c9a982ac9b8b741";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/published/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The fixtures with Webflow's CDN (and the jQuery CDN Webflow links)
/// moved to `origin`, so that nothing leaves loopback.
fn served(name: &str, origin: &str) -> String {
    fixture(name)
        .replace("https://cdn.prod.website-files.com", origin)
        .replace(
            "https://d3e54v103j8qbb.cloudfront.net",
            &format!("{origin}/cloudfront"),
        )
}

#[tokio::test]
async fn every_asset_a_webflow_page_names_is_found_with_how() {
    let mock = MockServer::start().await;
    let origin = mock.uri();
    let answer = |body: String, kind: &str| {
        ResponseTemplate::new(200)
            .insert_header("content-type", kind)
            .set_body_string(body)
    };
    for (route, file, kind) in [
        ("/".to_owned(), "page.html", "text/html; charset=utf-8"),
        (
            format!("/{SITE}/css/example.webflow.shared.1a2b3c.css"),
            "site.webflow.css",
            "text/css",
        ),
        (
            format!("/{SITE}/js/webflow.schunk.1a2b3c.js"),
            "webflow.js",
            "application/javascript",
        ),
    ] {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(answer(served(file, &origin), kind))
            .mount(&mock)
            .await;
    }
    // jQuery, from the CDN Webflow links it from: another host, read as
    // every script a page loads is (it names no asset).
    Mock::given(method("GET"))
        .and(path("/cloudfront/js/jquery-3.5.1.min.dc5e7f18c8.js"))
        .respond_with(answer(
            "/*! jQuery v3.5.1 */".into(),
            "application/javascript",
        ))
        .mount(&mock)
        .await;
    for page in ["/about", "/blog"] {
        Mock::given(method("GET"))
            .and(path(page))
            .respond_with(answer(
                "<html><body>nothing here</body></html>".into(),
                "text/html",
            ))
            .mount(&mock)
            .await;
    }
    // The API: a site with no pages of its own (the crawl starts at `/`).
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let options =
        ScanOptions::default().published(PublishedOptions::default().at(origin.parse().unwrap()));
    let index = sandbox
        .client()
        .unwrap()
        .scan_usage_with(SITE, UsageIndex::new(SITE), &options)
        .await
        .unwrap();
    // The imported style sheet is not served: a 404, a broken link (what
    // a browser gets there uses no asset), not a gap.
    assert!(index.gaps.is_empty(), "{:?}", index.gaps);
    assert_eq!(
        index.summary.broken_links,
        [format!("{origin}/{SITE}/css/extra.webflow.css")]
    );

    let mut found: BTreeMap<String, Vec<(String, UseKind)>> = BTreeMap::new();
    for u in index.uses() {
        let Place::Published { url, .. } = &u.place else {
            continue;
        };
        let file = url.rsplit('/').next().unwrap_or_default().to_owned();
        found
            .entry(u.asset_id[20..].to_owned())
            .or_default()
            .push((file, u.how));
    }
    let expect =
        |tail: &str, file: &str, how: UseKind| (tail.to_owned(), vec![(file.to_owned(), how)]);
    let css = "example.webflow.shared.1a2b3c.css";
    let expected: BTreeMap<String, Vec<(String, UseKind)>> = [
        // The style sheet: fonts, a custom property, gradients, a relative
        // URL, image-set(), a media query, masks, a cursor, a query, an
        // escaped character, and a commented-out rule.
        expect("7050", css, UseKind::StyleSheet),
        expect("7051", css, UseKind::StyleSheet),
        expect("7052", css, UseKind::StyleSheet),
        expect("7053", css, UseKind::StyleSheet),
        expect("7054", css, UseKind::StyleSheet),
        expect("7055", css, UseKind::StyleSheet),
        expect("7056", css, UseKind::StyleSheet),
        expect("7057", css, UseKind::StyleSheet),
        expect("7058", css, UseKind::StyleSheet),
        expect("7059", css, UseKind::StyleSheet),
        expect("7060", css, UseKind::StyleSheet),
        // The page.
        expect("7061", "", UseKind::Meta),
        expect("7062", "", UseKind::Icon),
        expect("7063", "", UseKind::Icon),
        expect("7064", "", UseKind::StyleSheet),
        expect("7065", "", UseKind::PageImage),
        expect("7066", "", UseKind::InlineStyle),
        expect("7067", "", UseKind::PageImage),
        expect("7068", "", UseKind::CustomCode),
        expect("7069", "", UseKind::HtmlAttribute),
        expect("7070", "", UseKind::HtmlAttribute),
        expect("7071", "", UseKind::PageLink),
        // The script: interactions data.
        expect("7072", "webflow.schunk.1a2b3c.js", UseKind::CustomCode),
    ]
    .into_iter()
    .collect();
    assert_eq!(found, expected);

    // Fetched: the page, its two links on the site, its style sheet, its
    // script, the import; not Google's fonts, not jQuery on another CDN.
    let mut asked: Vec<String> = crate::common::requested_paths(&mock).await;
    // Fetched: the page, its two links on the site, its style sheet, its
    // script, the import, jQuery (from its own CDN), and what every crawl
    // asks for: /404, robots.txt, the sitemap. Not Google's fonts (only a
    // preconnect).
    asked.sort();
    assert_eq!(
        asked,
        [
            "/".to_owned(),
            "/404".to_owned(),
            format!("/{SITE}/css/example.webflow.shared.1a2b3c.css"),
            format!("/{SITE}/css/extra.webflow.css"),
            format!("/{SITE}/js/webflow.schunk.1a2b3c.js"),
            "/about".to_owned(),
            "/blog".to_owned(),
            "/cloudfront/js/jquery-3.5.1.min.dc5e7f18c8.js".to_owned(),
            "/robots.txt".to_owned(),
            "/sitemap.xml".to_owned(),
        ]
    );
    // No request carried a token.
    for r in mock.received_requests().await.unwrap() {
        assert!(r.headers.get("authorization").is_none());
    }
    sandbox.shutdown().await;
}
