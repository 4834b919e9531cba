//! Moving CMS references from a replaced asset to its replacement, by the
//! rule the scan finds them with: file objects by `fileId` (alt text and
//! order kept), and every URL naming the asset in any string of any field
//! (rich-text images, links and srcsets, Link and PlainText fields), each
//! string's other bytes kept. Planned from a scan's field values, sent one
//! Update Items call per collection, stage and locale per 100 items.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::refs::Known;
use super::UsageIndex;
use super::values::{Move, rewrite};
use crate::client::Client;
use crate::content::{MAX_ITEMS_PER_UPDATE, Stage};
use crate::error::Error;
use crate::types::ItemUpdate;
use crate::validate::Origin;

/// An asset replaced by another (a changed file uploaded anew).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Replacement {
    /// The replaced asset.
    pub old_id: String,
    /// The asset that replaces it.
    pub new_id: String,
    /// The new asset's hosted URL.
    pub new_url: String,
}

impl Replacement {
    /// `old_id` is replaced by `new_id`, hosted at `new_url`.
    pub fn new(old_id: impl Into<String>, new_id: impl Into<String>, new_url: impl Into<String>) -> Self {
        Self {
            old_id: old_id.into(),
            new_id: new_id.into(),
            new_url: new_url.into(),
        }
    }
}

/// One field of one item, before and after its references move.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ItemRelink {
    /// The collection.
    pub collection_id: String,
    /// The item.
    pub item_id: String,
    /// The field's slug.
    pub field: String,
    /// The field's type.
    pub field_type: String,
    /// Staged or live.
    pub stage: Stage,
    /// The CMS locale, for a secondary locale's item.
    pub cms_locale: Option<String>,
    /// The replaced assets the field held.
    pub old_ids: Vec<String>,
    /// The field's value as scanned.
    pub before: Value,
    /// What it is set to.
    pub after: Value,
}

/// The item fields that hold a replaced asset, in `stages`, with their
/// new values. Pure: nothing is sent. Needs the field values of a scan made
/// in this process from an index [`relinking`](UsageIndex::relinking) the
/// replaced assets ([`Client::scan_usage`]); an index read from disk, or
/// scanned without them, holds none and plans nothing.
pub fn plan_relinks(index: &UsageIndex, replacements: &[Replacement], stages: &[Stage]) -> Vec<ItemRelink> {
    let known = Known::new(index.assets.iter());
    let replacing = |id: &str| {
        replacements
            .iter()
            .find(|r| r.old_id.eq_ignore_ascii_case(id))
            .map(|r| Move {
                new_id: &r.new_id,
                new_url: &r.new_url,
            })
    };
    let mut out = Vec::new();
    for v in index.values.iter().filter(|v| stages.contains(&v.stage)) {
        let mut moved = Vec::new();
        if let Some(after) = rewrite(&v.value, &known, &replacing, &mut moved) {
            // The ids as the replacements name them, once each.
            let mut old_ids: Vec<String> = replacements
                .iter()
                .filter(|r| moved.iter().any(|m| m.eq_ignore_ascii_case(&r.old_id)))
                .map(|r| r.old_id.clone())
                .collect();
            old_ids.sort();
            old_ids.dedup();
            out.push(ItemRelink {
                collection_id: v.collection_id.clone(),
                item_id: v.item_id.clone(),
                field: v.field.clone(),
                field_type: v.field_type.clone(),
                stage: v.stage,
                cms_locale: v.cms_locale.clone(),
                old_ids,
                before: v.value.clone(),
                after,
            });
        }
    }
    out
}

/// What [`Client::relink`] did: one entry per Update Items call.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct RelinkOutcome {
    /// Each call: collection, stage, the items it sent, and its error if it failed.
    pub batches: Vec<RelinkBatch>,
}

/// One Update Items call of a relink.
#[derive(Debug)]
#[non_exhaustive]
pub struct RelinkBatch {
    /// The collection.
    pub collection_id: String,
    /// Staged or live.
    pub stage: Stage,
    /// The items sent.
    pub item_ids: Vec<String>,
    /// Why the call failed, if it did: its items still use the old asset.
    pub error: Option<Error>,
}

impl RelinkOutcome {
    /// Whether every call succeeded.
    pub fn is_complete(&self) -> bool {
        self.batches.iter().all(|b| b.error.is_none())
    }

    /// The items that were updated, with their stage.
    pub fn updated(&self) -> impl Iterator<Item = (&str, Stage)> {
        self.batches
            .iter()
            .filter(|b| b.error.is_none())
            .flat_map(|b| b.item_ids.iter().map(move |i| (i.as_str(), b.stage)))
    }
}

impl Client {
    /// Sends planned relinks ([`plan_relinks`]): per collection, stage and
    /// locale, one Update Items call per 100 items, each item with all its
    /// changed fields. A failed call does not stop the others; each is
    /// reported in the outcome.
    pub async fn relink(&self, relinks: &[ItemRelink]) -> RelinkOutcome {
        // (collection, stage, locale) → item → fields.
        type Fields = serde_json::Map<String, Value>;
        let mut groups: BTreeMap<(String, Stage, Option<String>), BTreeMap<String, Fields>> =
            BTreeMap::new();
        for r in relinks {
            groups
                .entry((r.collection_id.clone(), r.stage, r.cms_locale.clone()))
                .or_default()
                .entry(r.item_id.clone())
                .or_default()
                .insert(r.field.clone(), r.after.clone());
        }
        let mut outcome = RelinkOutcome::default();
        for ((collection_id, stage, locale), items) in groups {
            let items: Vec<(String, Fields)> = items.into_iter().collect();
            for chunk in items.chunks(MAX_ITEMS_PER_UPDATE) {
                let item_ids: Vec<String> = chunk.iter().map(|(id, _)| id.clone()).collect();
                // Ids as the scan read them, sent back as they came.
                let updates: Vec<ItemUpdate> = chunk
                    .iter()
                    .map(|(id, fields)| ItemUpdate {
                        id: id.clone(),
                        cms_locale_id: locale.clone(),
                        field_data: fields.clone(),
                    })
                    .collect();
                let error = self
                    .update_items_from(Origin::Returned, &collection_id, stage, updates)
                    .await
                    .err();
                outcome.batches.push(RelinkBatch {
                    collection_id: collection_id.clone(),
                    stage,
                    item_ids,
                    error,
                });
            }
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::super::FieldValue;
    use super::*;
    use serde_json::json;

    fn index_with(values: Vec<(&str, Value)>) -> UsageIndex {
        let mut index = UsageIndex::new("580e63e98c9a982ac9b8b741");
        index.assets.insert(
            "0000000000000000000000aa".into(),
            Some("https://cdn/0000000000000000000000aa_logo.png".into()),
        );
        for (kind, value) in values {
            index.values.push(FieldValue {
                collection_id: "c".into(),
                item_id: "i".into(),
                field: kind.to_lowercase(),
                field_type: kind.into(),
                stage: Stage::Staged,
                cms_locale: None,
                value,
            });
        }
        index
    }

    #[test]
    fn every_field_type_moves_to_the_new_asset_keeping_alt_text_and_order() {
        let old = "0000000000000000000000aa";
        let index = index_with(vec![
            ("Image", json!({"fileId": old, "url": "https://cdn/0000000000000000000000aa_logo.png", "alt": "Logo"})),
            ("File", json!({"fileId": old, "url": "https://cdn/0000000000000000000000aa_logo.png"})),
            ("MultiImage", json!([
                {"fileId": "0000000000000000000000bb", "url": "https://cdn/b.png", "alt": "first"},
                {"fileId": old, "url": "https://cdn/0000000000000000000000aa_logo.png", "alt": "second"},
                {"fileId": "0000000000000000000000cc", "url": "https://cdn/c.png", "alt": "third"}
            ])),
            ("RichText", json!("<p>x</p><img src=\"https://cdn/0000000000000000000000aa_logo.png\" alt=\"kept\">")),
            ("PlainText", json!("https://cdn/0000000000000000000000aa_logo.png")),
        ]);
        let r = Replacement::new(old, "0000000000000000000000dd", "https://cdn/0000000000000000000000dd_logo.png");
        let plan = plan_relinks(&index, &[r], &[Stage::Staged]);
        let after: Vec<(&str, &Value)> = plan.iter().map(|p| (p.field_type.as_str(), &p.after)).collect();
        // PlainText too: a URL in any field is a use, and moves.
        assert_eq!(after.len(), 5, "{after:#?}");
        assert_eq!(after[4].1, &json!("https://cdn/0000000000000000000000dd_logo.png"));
        assert_eq!(after[0].1, &json!({"fileId": "0000000000000000000000dd", "url": "https://cdn/0000000000000000000000dd_logo.png", "alt": "Logo"}));
        assert_eq!(after[1].1["fileId"], "0000000000000000000000dd");
        assert_eq!(
            after[2].1.as_array().unwrap().iter().map(|v| v["alt"].as_str().unwrap()).collect::<Vec<_>>(),
            ["first", "second", "third"]
        );
        assert_eq!(after[2].1[1]["fileId"], "0000000000000000000000dd");
        assert_eq!(after[2].1[0]["fileId"], "0000000000000000000000bb");
        assert_eq!(after[3].1, &json!("<p>x</p><img src=\"https://cdn/0000000000000000000000dd_logo.png\" alt=\"kept\">"));
        assert!(plan_relinks(&index, &[], &[Stage::Staged]).is_empty());
        assert!(plan_relinks(&index, &[Replacement::new(old, "x", "y")], &[Stage::Live]).is_empty());
    }
}
