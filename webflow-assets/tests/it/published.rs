//! The published site on the sandbox: each way a published page names an
//! asset, one test per way (a style sheet's background, the favicon, an
//! Open Graph image, a custom-code embed, an inline style, an item's
//! template page); the rescan's conditional requests; the gaps (a site not
//! published, a password, a 500); the bounds (thousands of links, a slow
//! page, a redirect off the site).

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use webflow_assets::UsageIndex;
use webflow_assets::usage::{Place, PublishedOptions, ScanOptions, UseKind};
use webflow_assets_sandbox::{Sandbox, SandboxConfig, SiteModel};

pub(super) const SITE: &str = "580e63e98c9a982ac9b8b741";
pub(super) const A: &str = "659595234426a9fcbad57043";
pub(super) const OTHER: &str = "659595234426a9fcbad57044";
const HOME: &str = "6596da6045e56dee495bcbba";
const ABOUT: &str = "6596da6045e56dee495bcbbb";
pub(super) const TEMPLATE: &str = "6596da6045e56dee495bcbbc";
const COLLECTION: &str = "562ac0395358780a1f5e6fbc";
const ITEM: &str = "62b720ef280c7a7a3be8ca01";

/// A URL on Webflow's CDN naming `asset` (as a hard-coded one would).
pub(super) fn cdn(asset: &str, name: &str) -> String {
    format!("https://cdn.prod.website-files.com/{SITE}/{asset}_{name}")
}

/// A site of two static pages (`/` and `/about`), whose nodes use no
/// asset, with `edit` applied to its JSON.
pub(super) async fn site(edit: impl FnOnce(&mut Value)) -> Sandbox {
    let mut site = json!({
        "assets": [{"id": A, "fileName": "hero.jpg"}, {"id": OTHER, "fileName": "other.png"}],
        "pages": [
            {"id": HOME, "title": "Home", "slug": "index", "nodes": []},
            {"id": ABOUT, "title": "About", "slug": "about", "nodes": []}
        ]
    });
    edit(&mut site);
    let site = SiteModel::from_json(&site.to_string()).unwrap();
    Sandbox::start(SandboxConfig {
        site,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

pub(super) async fn scan_with(
    sandbox: &Sandbox,
    previous: UsageIndex,
    published: PublishedOptions,
) -> UsageIndex {
    sandbox
        .client()
        .unwrap()
        .scan_usage_with(SITE, previous, &ScanOptions::default().published(published))
        .await
        .unwrap()
}

async fn scan(sandbox: &Sandbox) -> UsageIndex {
    let index = scan_with(sandbox, UsageIndex::new(SITE), PublishedOptions::default()).await;
    index.check_complete().unwrap();
    index
}

/// `asset`'s uses: (published URL's path, how).
fn published_uses(index: &UsageIndex, asset: &str) -> Vec<(String, UseKind)> {
    let mut uses: Vec<(String, UseKind)> = index
        .uses_of_asset(asset)
        .filter_map(|u| match &u.place {
            Place::Published { url, .. } => {
                Some((url::Url::parse(url).unwrap().path().to_owned(), u.how))
            }
            _ => None,
        })
        .collect();
    uses.sort();
    uses
}

#[tokio::test]
async fn a_background_in_the_site_style_sheet_is_a_use() {
    let sandbox = site(|s| {
        s["publish"] = json!({"css": format!(".hero {{ background-image: url(\"{}\"); }}", cdn(A, "hero-p-1080.jpg"))});
    })
    .await;
    let index = scan(&sandbox).await;
    assert_eq!(
        published_uses(&index, A),
        [(
            format!("/{SITE}/css/sandbox-site.webflow.css"),
            UseKind::StyleSheet
        )]
    );
    assert!(published_uses(&index, OTHER).is_empty());
    // Read once, though both pages link it.
    assert_eq!(
        index.summary.published, 7,
        "2 pages, the style sheet, the script, /404, robots.txt, the sitemap"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_favicon_is_a_use() {
    let sandbox = site(|s| s["publish"] = json!({"favicon": A})).await;
    let index = scan(&sandbox).await;
    assert_eq!(
        published_uses(&index, A),
        [
            ("/".to_owned(), UseKind::Icon),
            ("/about".to_owned(), UseKind::Icon)
        ]
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_open_graph_image_is_a_use() {
    let sandbox = site(|s| s["pages"][1]["ogImage"] = json!(A)).await;
    let index = scan(&sandbox).await;
    assert_eq!(
        published_uses(&index, A),
        [("/about".to_owned(), UseKind::Meta)]
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_custom_code_embed_is_a_use() {
    let sandbox = site(|s| {
        s["publish"] = json!({"headCode": format!("<script>window.hero = '{}';</script>", cdn(A, "hero.jpg"))});
        s["pages"][1]["html"] = json!(format!("<div class=\"w-embed\"><script>load(\"{}\")</script></div>", cdn(OTHER, "other.png")));
    })
    .await;
    let index = scan(&sandbox).await;
    assert_eq!(
        published_uses(&index, A),
        [
            ("/".to_owned(), UseKind::CustomCode),
            ("/about".to_owned(), UseKind::CustomCode)
        ]
    );
    assert_eq!(
        published_uses(&index, OTHER),
        [("/about".to_owned(), UseKind::CustomCode)]
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_inline_style_is_a_use() {
    let sandbox = site(|s| {
        s["pages"][0]["html"] = json!(format!(
            "<section style=\"background-image:url(&quot;{}&quot;)\"></section>",
            cdn(A, "hero-p-500.jpg")
        ));
    })
    .await;
    let index = scan(&sandbox).await;
    assert_eq!(
        published_uses(&index, A),
        [("/".to_owned(), UseKind::InlineStyle)]
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_items_template_page_is_a_use() {
    let sandbox = site(|s| {
        s["pages"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": TEMPLATE, "title": "Post template", "slug": "detail_posts", "collectionId": COLLECTION}));
        // Its template page shows the live item's image.
        s["collections"] = json!([{
            "id": COLLECTION, "displayName": "Posts", "slug": "posts",
            "fields": [{"slug": "cover", "type": "Image"}],
            "items": [{"id": ITEM, "fieldData": {"name": "First", "slug": "first"},
                       "live": {"name": "First", "slug": "first", "cover": {"url": cdn(A, "hero.jpg")}}}]
        }]);
    })
    .await;
    let index = scan(&sandbox).await;
    assert_eq!(
        published_uses(&index, A),
        [("/posts/first".to_owned(), UseKind::PageImage)]
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_rescan_of_an_unchanged_site_asks_conditionally_and_gets_304s() {
    let sandbox = site(|s| s["publish"] = json!({"favicon": A})).await;
    let first = scan(&sandbox).await;
    let before = sandbox.stats();
    let second = scan_with(&sandbox, first.clone(), PublishedOptions::default()).await;
    let after = sandbox.stats();
    // Unchanged: 2 pages, the style sheet, the script, robots.txt and the
    // sitemap. The 404 page comes with a 404, which is never a 304: it is
    // downloaded each time.
    assert_eq!(second.summary.published, 7);
    assert_eq!(second.summary.published_not_modified, 6);
    assert_eq!(second.summary.published_downloaded, 1);
    assert_eq!(
        after.published_not_modified - before.published_not_modified,
        6
    );
    assert_eq!(after.published_downloads - before.published_downloads, 1);
    // What the 304s stand for is kept: the uses are the same.
    assert_eq!(published_uses(&second, A), published_uses(&first, A));

    // One page changes: only that page is downloaded again.
    sandbox.edit_site(|s| s.pages[1].html = format!("<img src=\"{}\">", cdn(OTHER, "other.png")));
    let third = scan_with(&sandbox, second, PublishedOptions::default()).await;
    assert_eq!(
        third.summary.published_downloaded, 2,
        "/about and the 404 page"
    );
    assert_eq!(third.summary.published_not_modified, 5);
    assert_eq!(
        published_uses(&third, OTHER),
        [("/about".to_owned(), UseKind::PageImage)]
    );
    assert_eq!(published_uses(&third, A).len(), 2);
    sandbox.shutdown().await;
}

/// The gaps of `index` that name the published site, as text.
fn published_gaps(index: &UsageIndex) -> Vec<String> {
    index.gaps.iter().map(ToString::to_string).collect()
}

#[tokio::test]
async fn a_site_not_published_is_a_gap_and_prune_stops() {
    let sandbox = site(|s| s["publish"] = json!({"published": false})).await;
    let index = scan_with(&sandbox, UsageIndex::new(SITE), PublishedOptions::default()).await;
    assert_eq!(
        published_gaps(&index),
        [
            "the published site could not be read: the site is not published (publish it, or read a staging domain instead)"
        ]
    );
    let err = index.check_complete().unwrap_err().to_string();
    assert!(err.contains("the site is not published"), "{err}");
    assert_eq!(sandbox.stats().published_requests, 0);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_password_page_and_a_500_page_are_gaps() {
    let sandbox = site(|s| {
        s["pages"][1]["password"] = json!(true);
        s["pages"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": TEMPLATE, "title": "Broken", "slug": "broken", "status": 500}));
    })
    .await;
    let index = scan_with(&sandbox, UsageIndex::new(SITE), PublishedOptions::default()).await;
    let origin = sandbox.published_url();
    assert_eq!(
        published_gaps(&index),
        [
            format!(
                "{origin}/about could not be read: is password-protected (401): give the site's password to read it"
            ),
            format!("{origin}/broken could not be read: answered 500 Internal Server Error"),
        ]
    );
    assert!(index.check_complete().is_err());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_page_that_links_thousands_stops_at_the_budget() {
    let links: String = (0..3000)
        .map(|i| format!("<a href=\"/p{i}\">{i}</a>"))
        .collect();
    let sandbox = site(|s| s["pages"][0]["html"] = json!(links)).await;
    let index = scan_with(
        &sandbox,
        UsageIndex::new(SITE),
        PublishedOptions::default().max_documents(50),
    )
    .await;
    assert_eq!(index.summary.published, 50);
    assert!(sandbox.stats().published_requests <= 50);
    let gaps = published_gaps(&index);
    // The unknown pages the crawl did reach answer 404: gaps too.
    let budget: Vec<&String> = gaps.iter().filter(|g| g.contains("budget")).collect();
    assert_eq!(budget.len(), 1, "{gaps:?}");
    assert!(
        budget[0].contains("more document(s) of the published site"),
        "{}",
        budget[0]
    );
    assert!(
        budget[0].contains("its budget of 50 documents"),
        "{}",
        budget[0]
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_slow_page_times_out_as_a_gap_without_waiting_for_it() {
    let sandbox = site(|s| s["pages"][1]["delayMs"] = json!(30_000)).await;
    let started = Instant::now();
    let index = scan_with(
        &sandbox,
        UsageIndex::new(SITE),
        PublishedOptions::default().request_timeout(Duration::from_millis(300)),
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let origin = sandbox.published_url();
    assert_eq!(
        published_gaps(&index),
        [format!(
            "{origin}/about could not be read: no answer within 0.3 s"
        )]
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_redirect_off_the_site_is_not_followed() {
    let elsewhere = wiremock::MockServer::start().await;
    let sandbox =
        site(|s| s["pages"][1]["redirect"] = json!(format!("{}/landing", elsewhere.uri()))).await;
    let index = scan(&sandbox).await;
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
    assert!(index.gaps.is_empty());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_staging_origin_is_read_instead_and_off_reads_nothing() {
    let sandbox = site(|s| s["publish"] = json!({"favicon": A})).await;
    let at: url::Url = sandbox.published_url().parse().unwrap();
    let index = scan_with(
        &sandbox,
        UsageIndex::new(SITE),
        PublishedOptions::default().at(at.clone()),
    )
    .await;
    assert_eq!(index.summary.published_origin.as_deref(), Some(at.as_str()));
    assert_eq!(published_uses(&index, A).len(), 2);
    let before = sandbox.stats().published_requests;
    let off = scan_with(&sandbox, UsageIndex::new(SITE), PublishedOptions::off()).await;
    assert_eq!(sandbox.stats().published_requests, before);
    assert!(published_uses(&off, A).is_empty());
    assert_eq!(off.summary.published_origin, None);
    sandbox.shutdown().await;
}
