//! Rescans: the CMS read incrementally (only changed items, deletions told
//! by the lists' totals) gives the index a cold scan gives; one unreadable
//! page is a gap naming it while the rest is reported.

use serde_json::{Value, json};
use webflow_assets::UsageIndex;
use webflow_assets::usage::{Place, Use};
use webflow_assets_sandbox::{Sandbox, SandboxConfig, SiteModel};

const SITE: &str = "580e63e98c9a982ac9b8b741";
const A: &str = "659595234426a9fcbad57043";
const B: &str = "659595234426a9fcbad57044";
const COLLECTION: &str = "562ac0395358780a1f5e6fbc";

fn item_id(i: usize) -> String {
    format!("62b720ef280c7a7a3be8{i:04x}")
}

/// Item `i` of the collection: its image is A (B for odd `i`), staged and
/// live, each with a stamp of its own.
fn item(i: usize) -> Value {
    let data = json!({"name": format!("Post {i}"), "slug": format!("post-{i}"),
                      "f": {"fileId": if i.is_multiple_of(2) { A } else { B }}});
    let at = format!("2024-01-01T00:{:02}:{:02}Z", i / 60, i % 60);
    json!({"id": item_id(i), "fieldData": data, "live": data, "lastUpdated": at, "lastPublished": at})
}

async fn sandbox(items: usize) -> Sandbox {
    let site = json!({
        "assets": [{"id": A, "fileName": "a.png"}, {"id": B, "fileName": "b.png"}],
        "collections": [{"id": COLLECTION, "displayName": "Posts", "slug": "posts",
                         "fields": [{"slug": "f", "type": "Image"}],
                         "items": (0..items).map(item).collect::<Vec<_>>()}]
    });
    let site = SiteModel::from_json(&site.to_string()).unwrap();
    Sandbox::start(SandboxConfig {
        site,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

/// Every use, in one order, for comparing two indexes.
fn uses(index: &UsageIndex) -> Vec<Use> {
    let mut v: Vec<Use> = index.uses().cloned().collect();
    v.sort_by_key(|u| serde_json::to_string(u).unwrap());
    v
}

/// Staged and live item list calls since `before`.
fn list_calls(s: &Sandbox, before: &webflow_assets_sandbox::Stats) -> (u64, u64) {
    let now = s.stats().operations;
    (
        now.items_listed - before.operations.items_listed,
        now.live_items_listed - before.operations.live_items_listed,
    )
}

#[tokio::test]
async fn an_incremental_cms_rescan_gives_the_index_of_a_cold_scan() {
    let s = sandbox(150).await;
    let client = s.client().unwrap();
    let cold = client
        .scan_usage_with(SITE, UsageIndex::new(SITE), &crate::common::api_only())
        .await
        .unwrap();
    cold.check_complete().unwrap();
    assert_eq!(cold.summary.items, 300);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("usage.json");
    cold.save(&path).unwrap();

    // Nothing changed: one call per list (the newest page), no item but the
    // newest read again.
    let before = s.stats();
    let warm = client
        .scan_usage_with(
            SITE,
            UsageIndex::load(&path, SITE),
            &crate::common::api_only(),
        )
        .await
        .unwrap();
    assert_eq!(list_calls(&s, &before), (1, 1));
    assert_eq!(
        (warm.summary.items_read, warm.summary.item_lists_read_whole),
        (2, 0)
    );
    assert_eq!(uses(&warm), uses(&cold));

    // 10 items edited (staged and published): still one call per list.
    s.edit_site(|site| {
        for it in &mut site.collections[0].items[20..30] {
            it.field_data["f"] =
                json!({"fileId": if it.field_data["f"]["fileId"] == A { B } else { A }});
            it.live = Some(it.field_data.clone());
        }
    });
    warm.save(&path).unwrap();
    let before = s.stats();
    let warm = client
        .scan_usage_with(
            SITE,
            UsageIndex::load(&path, SITE),
            &crate::common::api_only(),
        )
        .await
        .unwrap();
    assert_eq!(list_calls(&s, &before), (1, 1));
    // The 10 edited and the newest known one, at the mark, in each list.
    assert_eq!(
        (warm.summary.items_read, warm.summary.item_lists_read_whole),
        (22, 0)
    );
    let cold_now = client
        .scan_usage_with(SITE, UsageIndex::new(SITE), &crate::common::api_only())
        .await
        .unwrap();
    assert_eq!(uses(&warm), uses(&cold_now));

    // 10 edited, 2 created, 2 deleted: the totals tell the deletions, and
    // those lists are read whole; the index is a cold scan's.
    s.edit_site(|site| {
        let items = &mut site.collections[0].items;
        for it in &mut items[40..50] {
            it.field_data["f"] = json!({"fileId": B});
            it.live = Some(it.field_data.clone());
        }
        items.remove(7);
        items.remove(99);
        for i in [500, 501] {
            items.push(serde_json::from_value(item(i)).unwrap());
        }
    });
    warm.save(&path).unwrap();
    let before = s.stats();
    let warm = client
        .scan_usage_with(
            SITE,
            UsageIndex::load(&path, SITE),
            &crate::common::api_only(),
        )
        .await
        .unwrap();
    // Per list: the newest page, then the whole list (2 pages of 100).
    assert_eq!(list_calls(&s, &before), (3, 3));
    assert_eq!(warm.summary.item_lists_read_whole, 2);
    let cold_now = client
        .scan_usage_with(SITE, UsageIndex::new(SITE), &crate::common::api_only())
        .await
        .unwrap();
    assert_eq!(uses(&warm), uses(&cold_now));
    assert_eq!(warm.summary.items, 300);
    let deleted = item_id(7);
    assert!(
        !warm
            .uses()
            .any(|u| matches!(&u.place, Place::Item { item_id, .. } if *item_id == deleted)),
        "a deleted item's uses go"
    );
}

#[tokio::test]
async fn an_unreadable_page_is_a_gap_naming_it_and_the_rest_is_reported() {
    let site = json!({
        "assets": [{"id": A, "fileName": "a.png"}, {"id": B, "fileName": "b.png"}],
        "pages": [
            {"id": "6596da6045e56dee495bcbba", "title": "Good", "slug": "good",
             "nodes": [{"id": "n1", "type": "image", "image": {"assetId": A}}]},
            // A node without its type cannot be read.
            {"id": "6596da6045e56dee495bcbbb", "title": "Broken", "slug": "broken",
             "nodes": [{"id": "n2", "image": {"assetId": B}}]}
        ]
    });
    let site = SiteModel::from_json(&site.to_string()).unwrap();
    let s = Sandbox::start(SandboxConfig {
        site,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let index = s
        .client()
        .unwrap()
        .scan_usage_with(SITE, UsageIndex::new(SITE), &crate::common::api_only())
        .await
        .unwrap();
    assert!(index.is_used(A), "the readable page is reported");
    assert_eq!(index.gaps.len(), 1, "{:?}", index.gaps);
    let gap = &index.gaps[0];
    assert!(gap.scope.is_none());
    assert!(gap.unchecked.contains("6596da6045e56dee495bcbbb"), "{gap}");
    let err = index.check_complete().unwrap_err().to_string();
    assert!(
        err.contains("could not be read") && err.contains("6596da6045e56dee495bcbbb"),
        "{err}"
    );
}
