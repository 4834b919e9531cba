//! A site published the way Webflow publishes it, from fixtures shaped as
//! Webflow writes them (`tests/fixtures/published/`), served by a mock as
//! the site's origin: the 404 page answered with status 404 for `/404`
//! and every missing path, the password page with 401, `robots.txt` and
//! `sitemap.xml` with `hreflang` alternates, a secondary locale's page
//! under its subdirectory, compressed answers, and style sheets from
//! another host. Each asset they name is found where it is, a missing
//! path is a broken link, and only what could not be read is a gap.

use webflow_assets::UsageIndex;
use webflow_assets::usage::{Place, PublishedOptions, ScanOptions, UtilityKind};
use webflow_assets_sandbox::{Sandbox, SandboxConfig};
use wiremock::MockServer;

const SITE: &str = "580e63e98c9a982ac9b8b741";

/// The asset ids (their last 4 digits) used at each published path.
fn uses_by_path(index: &UsageIndex) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = index
        .uses()
        .filter_map(|u| match &u.place {
            Place::Published { url, .. } => Some((
                url::Url::parse(url).unwrap().path().to_owned(),
                u.asset_id[20..].to_owned(),
            )),
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[tokio::test]
async fn a_site_published_as_webflow_publishes_is_read_whole() {
    let mock = MockServer::start().await;
    let other = MockServer::start().await;
    crate::common::webflow_site::serve(&mock, &other).await;
    let origin = mock.uri();
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let options =
        ScanOptions::default().published(PublishedOptions::default().at(origin.parse().unwrap()));
    let index = sandbox
        .client()
        .unwrap()
        .scan_usage_with(SITE, UsageIndex::new(SITE), &options)
        .await
        .unwrap();

    assert_eq!(
        uses_by_path(&index),
        [
            // The password page's own image.
            ("/401".to_owned(), "7081".to_owned()),
            // The 404 page's image (read from the body of the 404s).
            ("/404".to_owned(), "7080".to_owned()),
            // A secondary locale's page only the sitemap names.
            ("/fr-fr/about".to_owned(), "7083".to_owned()),
            // Read from another host: a linked style sheet, and the one
            // a `<style>` of the page imports.
            ("/ghpages/theme/extra.css".to_owned(), "7086".to_owned()),
            (
                "/jsdelivr/gh/example/brand@1/brand.css".to_owned(),
                "7085".to_owned()
            ),
            // A page only the sitemap names.
            ("/landing".to_owned(), "7082".to_owned()),
            ("/latin".to_owned(), "7088".to_owned()),
            ("/offers/compressed".to_owned(), "7084".to_owned()),
        ]
    );
    // Gaps: only what could not be read.
    let gaps: Vec<String> = index.gaps.iter().map(ToString::to_string).collect();
    assert_eq!(
        gaps,
        [
            format!(
                "{origin}/offers/odd could not be read: came in an encoding this tool cannot decode (Content-Encoding: x-proprietary)"
            ),
            format!(
                "{origin}/team could not be read: is password-protected (401): give the site's password to read it"
            ),
        ]
    );
    assert_eq!(index.summary.broken_links, [format!("{origin}/old-page")]);
    let utility: Vec<(UtilityKind, String)> = index
        .summary
        .utility_pages
        .iter()
        .map(|u| (u.kind, u.url.clone()))
        .collect();
    assert_eq!(
        utility,
        [
            (UtilityKind::NotFound, format!("{origin}/404")),
            (UtilityKind::Password, format!("{origin}/401"))
        ]
    );
    // Compression was asked for, and no request carried a token.
    for r in mock.received_requests().await.unwrap() {
        let accepted = r
            .headers
            .get("accept-encoding")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        for e in ["gzip", "br", "zstd"] {
            assert!(accepted.contains(e), "{} asked {accepted:?}", r.url);
        }
        assert!(r.headers.get("authorization").is_none());
    }
    // The other host was asked for its two style sheets, nothing more.
    let mut asked = crate::common::requested_paths(&other).await;
    asked.sort();
    assert_eq!(
        asked,
        [
            "/ghpages/theme/extra.css",
            "/jsdelivr/gh/example/brand@1/brand.css"
        ]
    );
    sandbox.shutdown().await;
}
