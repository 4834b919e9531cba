//! Each way a site names an asset, one test per way, staged and live where
//! the CMS holds it: by id (image nodes, file fields) and by URL (the
//! hosted URL, or any URL whose file name starts with `<id>_`) in links,
//! srcsets, Link and PlainText fields, field types that come later, page
//! text, custom attributes and component overrides. Each fails when its
//! kind is not read, and checks how the use is told (`UseKind`).

use crate::usage::sandbox;
use serde_json::{Value, json};
use webflow_assets::UsageIndex;
use webflow_assets::usage::{Place, UseKind};

const SITE: &str = "580e63e98c9a982ac9b8b741";
const A: &str = "659595234426a9fcbad57043";
const PDF: &str = "659595234426a9fcbad57045";
const UNUSED: &str = "659595234426a9fcbad57046";
const COLLECTION: &str = "562ac0395358780a1f5e6fbc";
const STAGED_ITEM: &str = "62b720ef280c7a7a3be8ca01";
const LIVE_ITEM: &str = "62b720ef280c7a7a3be8ca02";
const COMPONENT: &str = "8505ba55-ef72-629e-f85c-33e4b703d48b";

/// A CDN URL of an asset as Webflow names hosted files, not the sandbox's:
/// found by the `<id>_` rule, not by the asset list's URL.
fn cdn(id: &str, name: &str) -> String {
    format!("https://cdn.prod.website-files.com/{SITE}/{id}_{name}")
}

async fn scan(site: Value) -> UsageIndex {
    let s = sandbox(site).await;
    let index = s
        .client()
        .unwrap()
        .scan_usage_with(SITE, UsageIndex::new(SITE), &crate::common::api_only())
        .await
        .unwrap();
    index.check_complete().unwrap();
    assert!(!index.is_used(UNUSED));
    index
}

/// A collection with one field `f` of `kind`: one item holds `value` in
/// its staged data only, another in its live data only. Both must be uses
/// of `asset`, told as `how`.
pub(crate) async fn cms_way(kind: &str, value: Value, asset: &str, how: UseKind) {
    let index = scan(json!({"collections": [{
        "id": COLLECTION, "displayName": "Posts", "slug": "posts",
        "fields": [{"slug": "f", "type": kind}],
        "items": [
            {"id": STAGED_ITEM, "fieldData": {"name": "Staged only", "slug": "s", "f": value},
             "live": {"name": "Staged only", "slug": "s"}},
            {"id": LIVE_ITEM, "fieldData": {"name": "Live only", "slug": "l"},
             "live": {"name": "Live only", "slug": "l", "f": value}}
        ]
    }]}))
    .await;
    let mut found: Vec<(String, bool, bool, UseKind)> = index
        .uses_of_asset(asset)
        .map(|u| match &u.place {
            Place::Item {
                item_id,
                staged,
                live,
                field,
                field_type,
                ..
            } => {
                assert_eq!((field.as_str(), field_type.as_str()), ("f", kind));
                (item_id.clone(), *staged, *live, u.how)
            }
            other => panic!("{other:?}"),
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            (STAGED_ITEM.to_owned(), true, false, how),
            (LIVE_ITEM.to_owned(), false, true, how)
        ],
        "{kind} {value}"
    );
}

#[tokio::test]
async fn a_rich_text_link_to_a_pdf_is_a_use() {
    let html = format!(
        "<p>Read <a href=\"{}\" target=\"_blank\">the brochure</a>.</p>",
        cdn(PDF, "brochure.pdf")
    );
    cms_way("RichText", json!(html), PDF, UseKind::RichTextLink).await;
}

#[tokio::test]
async fn a_responsive_variant_in_a_srcset_is_a_use() {
    let html = format!(
        "<figure><img src=\"{}\" srcset=\"{} 500w, {} 800w\" alt=\"x\"></figure>",
        "https://example.com/other.png",
        cdn(A, "logo-p-500.png"),
        cdn(A, "logo-p-800.png")
    );
    cms_way("RichText", json!(html), A, UseKind::RichTextImage).await;
}

#[tokio::test]
async fn a_link_field_holding_a_hosted_url_is_a_use() {
    cms_way(
        "Link",
        json!(cdn(PDF, "brochure.pdf")),
        PDF,
        UseKind::LinkField,
    )
    .await;
}

#[tokio::test]
async fn a_plain_text_field_holding_a_url_is_a_use() {
    // Read by a custom-code embed on the template page.
    let text = format!("data-src={}", cdn(PDF, "brochure.pdf"));
    cms_way("PlainText", json!(text), PDF, UseKind::TextField).await;
}

#[tokio::test]
async fn a_field_type_webflow_adds_later_is_read_whole() {
    let value = json!({"poster": {"fileId": A, "url": cdn(A, "logo.png")}, "tracks": [cdn(PDF, "brochure.pdf")]});
    cms_way("Hologram", value.clone(), A, UseKind::FileField).await;
    cms_way("Hologram", value, PDF, UseKind::TextField).await;
}

#[tokio::test]
async fn the_hosted_url_the_asset_list_gives_names_its_asset() {
    // The sandbox's own hosted URLs do not look like Webflow's CDN's in
    // every part; the asset list's URL is matched as it is.
    let s = sandbox(json!({})).await;
    let url = s
        .client()
        .unwrap()
        .get_asset(PDF)
        .await
        .unwrap()
        .hosted_url
        .unwrap();
    let index = s
        .client()
        .unwrap()
        .scan_usage_with(SITE, UsageIndex::new(SITE), &crate::common::api_only())
        .await
        .unwrap();
    assert!(!index.is_used(PDF));
    drop(index);
    s.edit_site(|site| {
        site.pages.push(
            serde_json::from_value(json!({"id": "6596da6045e56dee495bcbba", "title": "Home", "slug": "index",
                "nodes": [{"id": "t1", "type": "text", "text": {"html": format!("<a href='{url}'>PDF</a>")}}]}))
            .unwrap(),
        );
    });
    let index = s
        .client()
        .unwrap()
        .scan_usage_with(SITE, UsageIndex::new(SITE), &crate::common::api_only())
        .await
        .unwrap();
    let uses: Vec<_> = index.uses_of_asset(PDF).collect();
    assert_eq!(uses.len(), 1, "{uses:#?}");
    assert_eq!(uses[0].how, UseKind::RichTextLink);
}

/// One page whose single node is `node`: the uses of `asset` on it.
async fn page_way(node: Value, asset: &str) -> Vec<(String, UseKind)> {
    let index = scan(json!({"pages": [{"id": "6596da6045e56dee495bcbba", "title": "Home", "slug": "index", "nodes": [node]}]})).await;
    index
        .uses_of_asset(asset)
        .map(|u| match &u.place {
            Place::Page { node_id, .. } => (node_id.clone(), u.how),
            other => panic!("{other:?}"),
        })
        .collect()
}

#[tokio::test]
async fn a_link_in_a_pages_text_is_a_use() {
    let node = json!({"id": "t1", "type": "text",
        "text": {"html": format!("<p>Get <a href=\"{}\">it</a></p>", cdn(PDF, "brochure.pdf")), "text": "Get it"}});
    assert_eq!(
        page_way(node, PDF).await,
        [("t1".to_owned(), UseKind::RichTextLink)]
    );
}

#[tokio::test]
async fn a_nodes_custom_attribute_is_a_use() {
    let node = json!({"id": "t2", "type": "text", "text": {"html": "<div></div>"},
        "attributes": {"style": format!("background-image:url('{}')", cdn(A, "logo.png"))}});
    assert_eq!(
        page_way(node, A).await,
        [("t2".to_owned(), UseKind::HtmlAttribute)]
    );
}

#[tokio::test]
async fn a_component_override_names_an_asset() {
    let index = scan(json!({
        "components": [{"id": COMPONENT, "name": "Card", "nodes": []}],
        "pages": [{"id": "6596da6045e56dee495bcbba", "title": "Home", "slug": "index", "nodes": [
            {"id": "i1", "type": "component-instance", "componentId": COMPONENT, "propertyOverrides": [
                {"propertyId": "p1", "type": "Rich Text",
                 "text": {"html": format!("<p><img src=\"{}\"></p>", cdn(A, "logo.png")), "text": null}},
                {"propertyId": "p2", "type": "Plain Text", "text": {"html": null, "text": cdn(PDF, "brochure.pdf")}}
            ]}
        ]}]
    }))
    .await;
    let how = |id| index.uses_of_asset(id).map(|u| u.how).collect::<Vec<_>>();
    assert_eq!(how(A), [UseKind::RichTextImage]);
    assert_eq!(how(PDF), [UseKind::HtmlText]);
}

#[tokio::test]
async fn a_component_with_a_uuid_is_read_and_named() {
    let index = scan(json!({
        "components": [{"id": COMPONENT, "name": "Footer", "nodes": [
            {"id": "c1", "type": "image", "image": {"assetId": A, "alt": "x"}}]}]
    }))
    .await;
    let uses: Vec<_> = index.uses_of_asset(A).collect();
    assert!(
        matches!(&uses[..], [u] if u.how == UseKind::ImageNode
            && matches!(&u.place, Place::Component { component_id, .. } if component_id == COMPONENT)),
        "{uses:#?}"
    );
}
