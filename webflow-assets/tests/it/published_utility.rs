//! The sandbox publishes as Webflow does, and the scan reads it so: the 404
//! page (status 404, for every missing path), the password page (401, and
//! the pages behind it with the site's password), a page only the sitemap
//! names, a secondary locale's pages under its subdirectory, and answers
//! compressed whatever was asked.

use serde_json::{Value, json};
use webflow_assets::UsageIndex;
use webflow_assets::usage::{Place, PublishedOptions, SitePassword, UtilityKind};
use webflow_assets_sandbox::Sandbox;

use super::published::{A, OTHER, SITE, TEMPLATE as EXTRA, cdn, scan_with, site};

const FR: &str = "653fd9af6a07fc9cfd7a5e56";

async fn scan(sandbox: &Sandbox, published: PublishedOptions) -> UsageIndex {
    scan_with(sandbox, UsageIndex::new(SITE), published).await
}

/// Paths of the published site where `asset` is used.
fn used_at(index: &UsageIndex, asset: &str) -> Vec<String> {
    let mut paths: Vec<String> = index
        .uses_of_asset(asset)
        .filter_map(|u| match &u.place {
            Place::Published { url, .. } => Some(url::Url::parse(url).unwrap().path().to_owned()),
            _ => None,
        })
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

#[tokio::test]
async fn the_404_page_is_read_and_a_missing_path_is_a_broken_link_not_a_gap() {
    let sandbox = site(|s| {
        // List Pages names the 404 page, as Webflow's does.
        let pages = s["pages"].as_array_mut().unwrap();
        pages.push(json!({"id": EXTRA, "title": "404", "slug": "404",
                          "nodes": [{"id": "n1", "type": "image", "image": {"assetId": A}}]}));
        pages[0]["html"] = json!("<a href=\"/gone\">an old link</a>");
    })
    .await;
    let index = scan(&sandbox, PublishedOptions::default()).await;
    index.check_complete().unwrap();
    let origin = sandbox.published_url();
    assert_eq!(used_at(&index, A), ["/404"]);
    assert_eq!(index.summary.broken_links, [format!("{origin}/gone")]);
    let utility: Vec<UtilityKind> = index.summary.utility_pages.iter().map(|u| u.kind).collect();
    assert_eq!(utility, [UtilityKind::NotFound]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_password_keeps_a_page_out_unless_the_sites_password_is_given() {
    let sandbox = site(|s| {
        s["publish"] = json!({"password": "correct horse"});
        let pages = s["pages"].as_array_mut().unwrap();
        pages[1]["password"] = json!(true);
        pages[1]["html"] = json!(format!("<a href=\"{}\">PDF</a>", cdn(OTHER, "other.pdf")));
        pages.push(json!({"id": EXTRA, "title": "Password", "slug": "401",
                          "nodes": [{"id": "n1", "type": "image", "image": {"assetId": A}}]}));
    })
    .await;
    let origin = sandbox.published_url();
    let shut = scan(&sandbox, PublishedOptions::default()).await;
    let gaps: Vec<String> = shut.gaps.iter().map(ToString::to_string).collect();
    assert_eq!(
        gaps,
        [format!(
            "{origin}/about could not be read: is password-protected (401): give the site's password to read it"
        )]
    );
    // The password page itself is read; what it keeps out is not.
    assert_eq!(used_at(&shut, A), ["/401"]);
    assert!(used_at(&shut, OTHER).is_empty());

    let wrong = scan(
        &sandbox,
        PublishedOptions::default().password(SitePassword::new("guess")),
    )
    .await;
    assert!(
        wrong.gaps[0]
            .to_string()
            .contains("the password given was not accepted"),
        "{:?}",
        wrong.gaps
    );

    let open = scan(
        &sandbox,
        PublishedOptions::default().password(SitePassword::new("correct horse")),
    )
    .await;
    open.check_complete().unwrap();
    assert_eq!(used_at(&open, OTHER), ["/about"]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_page_only_the_sitemap_names_is_read() {
    let edit = |sitemap: bool| {
        move |s: &mut Value| {
            s["publish"] = json!({"sitemap": sitemap});
            s["pages"].as_array_mut().unwrap().push(json!({
                "id": EXTRA, "title": "Landing", "slug": "landing", "unlisted": true,
                "html": format!("<a href=\"{}\">Price list</a>", cdn(OTHER, "price-list.pdf"))}));
        }
    };
    let sandbox = site(edit(true)).await;
    let index = scan(&sandbox, PublishedOptions::default()).await;
    index.check_complete().unwrap();
    assert_eq!(used_at(&index, OTHER), ["/landing"]);
    sandbox.shutdown().await;
    // Without the sitemap nothing reaches it (what the test stands on).
    let sandbox = site(edit(false)).await;
    let index = scan(&sandbox, PublishedOptions::default()).await;
    assert!(used_at(&index, OTHER).is_empty());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_secondary_locales_page_is_read_from_list_pages_or_the_sitemap() {
    for (sitemap, hreflang) in [(true, true), (false, false)] {
        let sandbox = site(|s| {
            s["locales"] = json!([{"id": FR, "cmsLocaleId": "653fd9af6a07fc9cfd7a5e5d", "tag": "fr-FR"}]);
            s["publish"] = json!({"sitemap": sitemap, "hreflang": hreflang});
            // Its own Open Graph image, only in French, on a page no
            // language switcher links.
            s["pages"][1]["localizedHead"] =
                json!({FR: format!("<meta content=\"{}\" property=\"og:image\">", cdn(A, "og-fr.jpg"))});
        })
        .await;
        let index = scan(&sandbox, PublishedOptions::default()).await;
        index.check_complete().unwrap();
        assert_eq!(
            used_at(&index, A),
            ["/fr-fr/about"],
            "sitemap {sitemap}, hreflang {hreflang}"
        );
        sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn a_compressed_answer_is_decoded_or_a_gap() {
    let sandbox = site(|s| {
        let pages = s["pages"].as_array_mut().unwrap();
        pages[1]["servedEncoding"] = json!("gzip");
        pages[1]["html"] = json!(format!("<img src=\"{}\">", cdn(A, "hero.jpg")));
        pages.push(
            json!({"id": EXTRA, "title": "Odd", "slug": "odd", "servedEncoding": "x-proprietary",
                          "html": format!("<img src=\"{}\">", cdn(OTHER, "other.pdf"))}),
        );
    })
    .await;
    let index = scan(&sandbox, PublishedOptions::default()).await;
    assert_eq!(used_at(&index, A), ["/about"]);
    let gaps: Vec<String> = index.gaps.iter().map(ToString::to_string).collect();
    assert_eq!(
        gaps,
        [format!(
            "{}/odd could not be read: came in an encoding this tool cannot decode (Content-Encoding: x-proprietary)",
            sandbox.published_url()
        )]
    );
    sandbox.shutdown().await;
}
