//! The uses of an index, once each, from what its scans kept: a secondary
//! locale's use of a page or component only where the primary locale's
//! content does not hold the same asset the same way in the same node; CMS
//! uses merged over stages (staged and/or live), and a secondary locale's
//! only where the primary item's field does not hold it.

use std::collections::{BTreeMap, BTreeSet};

use super::{Place, UsageIndex, Use, UseKind};

pub(crate) fn merged(index: &UsageIndex) -> Vec<Use> {
    let mut out = Vec::new();
    for map in [&index.pages, &index.components] {
        for (key, scan) in map.iter() {
            let (id, locale) = key.split_once('|').unwrap_or((key, ""));
            if locale.is_empty() {
                out.extend(scan.uses.iter().cloned());
                continue;
            }
            let primary: BTreeSet<(String, &str, UseKind)> = map
                .get(&format!("{id}|"))
                .map(|p| p.uses.iter().map(content_key).collect())
                .unwrap_or_default();
            out.extend(
                scan.uses
                    .iter()
                    .filter(|u| !primary.contains(&content_key(u)))
                    .cloned(),
            );
        }
    }
    // CMS: (asset, collection, item, field, kind, locale) → staged, live.
    type Key = (String, String, String, String, UseKind, Option<String>);
    let mut cms: BTreeMap<Key, Use> = BTreeMap::new();
    let item_uses = index
        .item_lists
        .values()
        .flat_map(|list| list.items.values())
        .flat_map(|item| item.uses.iter());
    for u in item_uses {
        let Place::Item {
            collection_id,
            item_id,
            field,
            staged,
            live,
            locale,
            ..
        } = &u.place
        else {
            continue;
        };
        let key = (
            u.asset_id.to_ascii_lowercase(),
            collection_id.clone(),
            item_id.clone(),
            field.clone(),
            u.how,
            locale.clone(),
        );
        let entry = cms.entry(key).or_insert_with(|| u.clone());
        if let Place::Item {
            staged: s, live: l, ..
        } = &mut entry.place
        {
            *s |= *staged;
            *l |= *live;
        }
    }
    let primary: BTreeSet<(String, String, String, String, UseKind)> = cms
        .keys()
        .filter(|k| k.5.is_none())
        .map(|k| (k.0.clone(), k.1.clone(), k.2.clone(), k.3.clone(), k.4))
        .collect();
    out.extend(cms.into_iter().filter_map(|(k, u)| {
        (k.5.is_none() || !primary.contains(&(k.0, k.1, k.2, k.3, k.4))).then_some(u)
    }));
    // The published site: each document's uses (deduplicated when read).
    out.extend(index.published.docs.values().flat_map(|d| d.uses.iter().cloned()));
    out
}

/// A page's or component's use without its locale: asset, node and kind.
fn content_key(u: &Use) -> (String, &str, UseKind) {
    let node = match &u.place {
        Place::Page { node_id, .. } | Place::Component { node_id, .. } => node_id.as_str(),
        Place::Item { field, .. } => field.as_str(),
        Place::Published { url } => url.as_str(),
    };
    (u.asset_id.to_ascii_lowercase(), node, u.how)
}
