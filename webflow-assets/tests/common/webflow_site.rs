//! A site published the way Webflow publishes it, served by mocks from
//! fixtures shaped as Webflow writes them (`tests/fixtures/published/`):
//! for the library's tests and the command-line tool's.

use std::io::Write;

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SITE: &str = "580e63e98c9a982ac9b8b741";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../webflow-assets/tests/fixtures/published/{name}",
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

pub fn asset(n: u32) -> String {
    format!("https://cdn.prod.website-files.com/{SITE}/6595952344{n:014}_file.jpg")
}

/// Serves the site: the home page (linking what the test reads), the
/// fixtures at their paths, and the 404 page for every other path.
pub async fn serve(mock: &MockServer, other: &MockServer) {
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
