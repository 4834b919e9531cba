//! A site published the way Webflow publishes it, from fixtures shaped as
//! Webflow writes them (`tests/fixtures/published/`), served by a mock as
//! the site's origin: the 404 page answered with status 404 for `/404`
//! and every missing path, the password page with 401, `robots.txt` and
//! `sitemap.xml` with `hreflang` alternates, a secondary locale's page
//! under its subdirectory, compressed answers, and style sheets from
//! another host. Each asset they name is found where it is, a missing
//! path is a broken link, and only what could not be read is a gap.

use std::io::Write;

use webflow_assets::UsageIndex;
use webflow_assets::usage::{Place, PublishedOptions, ScanOptions, UtilityKind};
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

/// (`set_body_string` would make it `text/plain`.)
fn html(status: u16, body: String) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body, "text/html; charset=utf-8")
}

fn gzip(text: &str) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    e.finish().unwrap()
}

fn asset(n: u32) -> String {
    format!("https://cdn.prod.website-files.com/{SITE}/6595952344{n:014}_file.jpg")
}

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

/// Serves the site: the home page (linking what the test reads), the
/// fixtures at their paths, and the 404 page for every other path.
async fn webflow_site(mock: &MockServer, other: &MockServer) {
    let origin = mock.uri();
    let served = |name: &str| {
        fixture(name)
            .replace("https://cdn.prod.website-files.com", &origin)
            .replace(
                "https://cdn.jsdelivr.net",
                &format!("{}/jsdelivr", other.uri()),
            )
            .replace(
                "https://example.github.io",
                &format!("{}/ghpages", other.uri()),
            )
    };
    let home = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\
        <a href=\"/about\">About</a><a href=\"/team\">Team</a><a href=\"/old-page\">Old</a>\
        <a href=\"/offers/compressed\">Offers</a><a href=\"/offers/odd\">Odd</a><a href=\"/latin\">Latin</a></body></html>";
    let routes: Vec<(&str, ResponseTemplate)> = vec![
        ("/", html(200, home.to_owned())),
        (
            "/about",
            html(200, "<html><body>About</body></html>".to_owned()),
        ),
        (
            "/fr-fr",
            html(200, "<html><body>Accueil</body></html>".to_owned()),
        ),
        (
            "/fr-fr/landing",
            html(200, "<html><body>Offre</body></html>".to_owned()),
        ),
        ("/fr-fr/about", html(200, served("fr-fr-about.html"))),
        ("/landing", html(200, served("landing.html"))),
        // Behind a password: Webflow's password page, with 401.
        ("/team", html(401, served("401.html"))),
        (
            "/robots.txt",
            ResponseTemplate::new(200).set_body_raw(served("robots.txt"), "text/plain"),
        ),
        (
            "/sitemap.xml",
            ResponseTemplate::new(200).set_body_raw(served("sitemap.xml"), "application/xml"),
        ),
        // Compressed, as a CDN or proxy answers.
        (
            "/offers/compressed",
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/html; charset=utf-8")
                .insert_header("content-encoding", "gzip")
                .set_body_bytes(gzip(&format!(
                    "<html><body><img src=\"{}\"></body></html>",
                    asset(7084)
                ))),
        ),
        // An encoding no client decodes: a gap, never an empty page.
        (
            "/offers/odd",
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/html")
                .insert_header("content-encoding", "x-proprietary")
                .set_body_bytes(gzip(&format!("<img src=\"{}\">", asset(7087)))),
        ),
        // Declared windows-1252: decoded, and read.
        (
            "/latin",
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/html; charset=windows-1252")
                .set_body_bytes(
                    [
                        b"<p>caf\xe9 <img src=\"".as_slice(),
                        asset(7088).as_bytes(),
                        b"\"></p>",
                    ]
                    .concat(),
                ),
        ),
    ];
    // The site's style sheet and script, which every fixture page links
    // (what they name is `published_fixtures`' subject).
    let css = format!("/{SITE}/css/example.webflow.shared.1a2b3c.css");
    let js = format!("/{SITE}/js/webflow.schunk.1a2b3c.js");
    let routes = routes.into_iter().chain([
        (
            css.as_str(),
            ResponseTemplate::new(200).set_body_raw("/* the site */", "text/css"),
        ),
        (
            js.as_str(),
            ResponseTemplate::new(200).set_body_raw("/* the site */", "application/javascript"),
        ),
    ]);
    for (at, answer) in routes {
        Mock::given(method("GET"))
            .and(path(at))
            .respond_with(answer)
            .mount(mock)
            .await;
    }
    // Every other path: the 404 page, with 404 (`/404` too).
    Mock::given(method("GET"))
        .respond_with(html(404, served("404.html")))
        .with_priority(10)
        .mount(mock)
        .await;
    // The other host: a style sheet on jsDelivr, and one a `<style>`
    // imports from GitHub Pages.
    for (at, n) in [
        ("/jsdelivr/gh/example/brand@1/brand.css", 7085),
        ("/ghpages/theme/extra.css", 7086),
    ] {
        Mock::given(method("GET"))
            .and(path(at))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(format!(".b{{background:url({})}}", asset(n)), "text/css"),
            )
            .mount(other)
            .await;
    }
}

#[tokio::test]
async fn a_site_published_as_webflow_publishes_is_read_whole() {
    let mock = MockServer::start().await;
    let other = MockServer::start().await;
    webflow_site(&mock, &other).await;
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
