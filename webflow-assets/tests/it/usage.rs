//! The usage index on the sandbox: each kind of use found, one test per
//! kind; unused, live-only, missing scopes; an incremental rescan counted
//! from the sandbox's stats.

use serde_json::{Value, json};
use webflow_assets::usage::{Place, UseKind};
use webflow_assets::{Error, UsageIndex};
use webflow_assets_sandbox::{Sandbox, SandboxConfig, SiteModel};

const SITE: &str = "580e63e98c9a982ac9b8b741";
const A: &str = "659595234426a9fcbad57043";
const B: &str = "659595234426a9fcbad57044";
const UNUSED: &str = "659595234426a9fcbad57046";
const FR: &str = "653fd9af6a07fc9cfd7a5e56";
const FR_CMS: &str = "653fd9af6a07fc9cfd7a5e5d";
const PAGE: &str = "6596da6045e56dee495bcbba";
const COLLECTION: &str = "562ac0395358780a1f5e6fbc";
const STAGED_ITEM: &str = "62b720ef280c7a7a3be8ca01";
const LIVE_ITEM: &str = "62b720ef280c7a7a3be8ca02";

fn assets() -> Value {
    json!([
        {"id": A, "fileName": "logo.png"},
        {"id": B, "fileName": "hero.jpg"},
        {"id": "659595234426a9fcbad57045", "fileName": "brochure.pdf"},
        {"id": UNUSED, "fileName": "unused.png"}
    ])
}

fn image(node: &str, asset: &str) -> Value {
    json!({"id": node, "type": "image", "image": {"assetId": asset, "alt": "x"}})
}

pub(crate) async fn sandbox(site: Value) -> Sandbox {
    sandbox_with(site, SandboxConfig::default()).await
}

async fn sandbox_with(mut site: Value, config: SandboxConfig) -> Sandbox {
    site["assets"] = assets();
    let site = SiteModel::from_json(&site.to_string()).unwrap();
    Sandbox::start(SandboxConfig { site, ..config })
        .await
        .unwrap()
}

async fn scan(sandbox: &Sandbox) -> UsageIndex {
    let index = sandbox
        .client()
        .unwrap()
        .scan_usage_with(SITE, UsageIndex::new(SITE), &crate::common::api_only())
        .await
        .unwrap();
    index.check_complete().unwrap();
    index
}

fn places(index: &UsageIndex, asset: &str) -> Vec<Place> {
    index.uses_of(asset).cloned().collect()
}

#[tokio::test]
async fn a_page_image_and_a_secondary_locale_image_are_found() {
    let s = sandbox(json!({
        "locales": [{"id": FR, "cmsLocaleId": FR_CMS, "tag": "fr-FR"}],
        "pages": [{"id": PAGE, "title": "Home", "slug": "index",
                   "nodes": [image("n1", A), {"id": "t1", "type": "text", "text": {"html": "<p>hi</p>"}}],
                   "localized": {FR: [image("n1", B), {"id": "t1", "type": "text", "text": {"html": "<p>salut</p>"}}]}}]
    }))
    .await;
    let index = scan(&s).await;
    let a = places(&index, A);
    assert_eq!(a.len(), 1, "{a:#?}");
    assert!(
        matches!(&a[0], Place::Page { page_id, node_id, locale: None, title, slug, .. } if page_id == PAGE && node_id == "n1" && title.as_deref() == Some("Home") && slug.as_deref() == Some("index")),
        "{a:#?}"
    );
    let b = places(&index, B);
    assert!(
        matches!(&b[..], [Place::Page { locale: Some(tag), node_id, .. }] if tag == "fr-FR" && node_id == "n1"),
        "{b:#?}"
    );
}

#[tokio::test]
async fn a_component_image_is_found() {
    let s = sandbox(json!({
        "components": [{"id": "8505ba55-ef72-629e-f85c-33e4b703d48b", "name": "Footer", "nodes": [image("c1", A)]}]
    }))
    .await;
    let index = scan(&s).await;
    let a = places(&index, A);
    assert!(
        matches!(&a[..], [Place::Component { component_id, name, node_id, locale: None, .. }]
            if component_id == "8505ba55-ef72-629e-f85c-33e4b703d48b" && name.as_deref() == Some("Footer") && node_id == "c1"),
        "{a:#?}"
    );
}

/// A collection with one field of `kind`, an item whose staged data holds
/// `value` (live data without it) and an item whose live data holds it
/// (staged data without it).
fn cms_site(kind: &str, value: Value) -> Value {
    json!({"collections": [{
        "id": COLLECTION, "displayName": "Posts", "slug": "posts",
        "fields": [{"slug": "f", "type": kind}],
        "items": [
            {"id": STAGED_ITEM, "fieldData": {"name": "Staged only", "slug": "s", "f": value},
             "live": {"name": "Staged only", "slug": "s"}},
            {"id": LIVE_ITEM, "fieldData": {"name": "Live only", "slug": "l"},
             "live": {"name": "Live only", "slug": "l", "f": value}}
        ]
    }]})
}

/// Both items use A, one staged only, one live only, through field `f`
/// (the check of `usage_ways`, with the kind of use each type gives).
async fn cms_use_is_found(kind: &str, value: Value) {
    let how = match kind {
        "Image" | "MultiImage" => UseKind::ImageField,
        "File" => UseKind::FileField,
        _ => UseKind::RichTextImage,
    };
    crate::usage_ways::cms_way(kind, value, A, how).await;
}

#[tokio::test]
async fn an_image_field_use_is_found_staged_only_and_live_only() {
    cms_use_is_found("Image", json!({"fileId": A, "alt": "Logo"})).await;
}

#[tokio::test]
async fn a_multi_image_field_use_is_found_staged_only_and_live_only() {
    cms_use_is_found(
        "MultiImage",
        json!([{"fileId": B, "alt": "first"}, {"fileId": A, "alt": "second"}]),
    )
    .await;
}

#[tokio::test]
async fn a_file_field_use_is_found_staged_only_and_live_only() {
    cms_use_is_found("File", json!({"fileId": A})).await;
}

#[tokio::test]
async fn a_rich_text_image_is_found_by_its_url_staged_only_and_live_only() {
    // The URL of an asset of this sandbox: matched by the listing's hostedUrl.
    let probe = sandbox(json!({})).await;
    let url = probe
        .client()
        .unwrap()
        .get_asset(A)
        .await
        .unwrap()
        .hosted_url
        .unwrap();
    drop(probe);
    // Another sandbox, another port: the URL no longer matches a listed
    // hostedUrl, so the asset is found by the id its file name starts with.
    cms_use_is_found(
        "RichText",
        json!(format!(
            "<p>Our logo:</p><figure><div><img src=\"{url}\" alt=\"Logo\"></div></figure>"
        )),
    )
    .await;
}

#[tokio::test]
async fn unused_is_unused_and_a_live_only_use_is_a_use() {
    let s = sandbox(cms_site("Image", json!({"fileId": A}))).await;
    let index = scan(&s).await;
    assert!(!index.is_used(UNUSED));
    assert!(
        index.is_used(A),
        "A is used by the live item (and a staged one)"
    );
    // Only the live item uses A once the staged item lets go of it.
    s.edit_site(|site| {
        site.collections[0].items[0].field_data.remove("f");
    });
    let index = scan(&s).await;
    let a = places(&index, A);
    assert!(
        matches!(
            &a[..],
            [Place::Item {
                staged: false,
                live: true,
                ..
            }]
        ),
        "{a:#?}"
    );
}

#[tokio::test]
async fn a_missing_scope_names_the_scope_and_is_never_unused() {
    let mut config = SandboxConfig::default();
    config.scoped_tokens.insert(
        "no-cms".into(),
        vec![
            "assets:read".into(),
            "sites:read".into(),
            "pages:read".into(),
            "components:read".into(),
        ],
    );
    let s = sandbox_with(cms_site("Image", json!({"fileId": A})), config).await;
    let client = s.client_builder().token("no-cms").build().unwrap();
    let index = client
        .scan_usage_with(SITE, UsageIndex::new(SITE), &crate::common::api_only())
        .await
        .unwrap();
    assert_eq!(index.gaps.len(), 1, "{:?}", index.gaps);
    assert_eq!(index.gaps[0].scope.as_deref(), Some("cms:read"));
    let err = index.check_complete().unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("cms:read") && text.contains("CMS items"),
        "{text}"
    );
    // The 403 itself names the scope.
    let forbidden = client.list_collections(SITE).await.unwrap_err();
    assert!(matches!(forbidden, Error::Forbidden(_)), "{forbidden:?}");
    assert_eq!(forbidden.missing_scopes(), ["cms:read"]);
    assert!(
        forbidden.to_string().contains("lacks the scope cms:read"),
        "{forbidden}"
    );
}

#[tokio::test]
async fn a_rescan_reads_only_the_pages_that_changed() {
    let pages: Vec<Value> = (0..20)
        .map(|i| {
            json!({"id": format!("6596da6045e56dee495bc{i:03x}"), "title": format!("Page {i}"),
                   "slug": format!("p{i}"), "nodes": [image("n", A)]})
        })
        .collect();
    let s = sandbox(json!({"pages": pages})).await;
    let client = s.client().unwrap();
    let cold = client
        .scan_usage_with(SITE, UsageIndex::new(SITE), &crate::common::api_only())
        .await
        .unwrap();
    assert_eq!(s.stats().operations.page_contents, 20);
    assert_eq!(cold.summary.pages_read, 20);
    // The index survives a save and a load, as between two runs.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("usage.json");
    cold.save(&path).unwrap();
    let kept = UsageIndex::load(&path, SITE);

    s.edit_site(|site| {
        for p in &mut site.pages[3..6] {
            p.nodes[0]["image"]["assetId"] = B.into();
        }
    });
    let before = s.stats().operations;
    let warm = client
        .scan_usage_with(SITE, kept, &crate::common::api_only())
        .await
        .unwrap();
    let after = s.stats().operations;
    assert_eq!(
        after.page_contents - before.page_contents,
        3,
        "exactly the 3 changed pages"
    );
    assert_eq!(after.pages_listed - before.pages_listed, 1);
    assert_eq!(warm.summary.pages_read, 3);
    assert_eq!(places(&warm, B).len(), 3);
    assert_eq!(places(&warm, A).len(), 17);
}

#[tokio::test]
async fn relink_moves_only_what_the_scan_was_asked_to_keep() {
    use webflow_assets::Stage;
    use webflow_assets::usage::{Replacement, plan_relinks};
    let s = sandbox(cms_site("Image", json!({"fileId": A, "alt": "Logo"}))).await;
    let client = s.client().unwrap();
    let new_url = client.get_asset(B).await.unwrap().hosted_url.unwrap();
    let replace = [Replacement::new(A, B, new_url.clone())];
    // Scanned without asking: no values kept, nothing to plan.
    let plain = client
        .scan_usage_with(SITE, UsageIndex::new(SITE), &crate::common::api_only())
        .await
        .unwrap();
    assert!(plan_relinks(&plain, &replace, &[Stage::Staged, Stage::Live]).is_empty());
    // Asked: the staged item's field moves, alt text kept; live stays.
    let index = client
        .scan_usage_with(
            SITE,
            UsageIndex::new(SITE).relinking([A]),
            &crate::common::api_only(),
        )
        .await
        .unwrap();
    let moves = plan_relinks(&index, &replace, &[Stage::Staged]);
    assert_eq!(moves.len(), 1, "{moves:#?}");
    let outcome = client.relink(&moves).await;
    assert!(outcome.is_complete());
    let site = s.site();
    let staged = &site.collections[0].items[0];
    assert_eq!(
        staged.field_data["f"],
        json!({"fileId": B, "url": new_url, "alt": "Logo"})
    );
    assert_eq!(
        site.collections[0].items[1].live.as_ref().unwrap()["f"]["fileId"],
        A
    );
    assert_eq!(s.stats().operations.items_updated, 1);
    assert_eq!(s.stats().operations.live_items_updated, 0);
}
