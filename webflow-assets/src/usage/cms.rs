//! The CMS part of the scan: each collection's items, staged and live, in
//! every locale, every field of every type.
//!
//! A rescan reads of each list only what changed: sorted newest first
//! (`lastUpdated` for staged items, `lastPublished` for live ones, which
//! moves whenever the live item changes), it stops at the first item older
//! than the newest one it already had. The list's total then tells whether
//! an item was deleted: it must equal the items already known plus the new
//! ones read; when it does not, or when the answer is not sorted as asked,
//! the list is read whole. One call per list when nothing changed, against
//! one per 100 items.
//!
//! Sorting alone, not the `lastUpdated` filter: a filtered list's total
//! counts only the filtered items, so telling deletions would cost a second
//! call per list.

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use serde_json::Value;

use super::progress::Count;
use super::scan::{Locale, Scan, in_locale};
use super::{CollectionScan, FieldValue, ItemScan, ItemsScan, Place, UsageIndex, Use, values};
use crate::assets::{ListOptions, MAX_PAGE};
use crate::client::Client;
use crate::content::{Stage, scope};
use crate::error::Error;
use crate::types::{CollectionSummary, Item, ItemSortField, SortOrder};
use crate::validate::Origin;

/// One list of items: a collection, a stage, a locale.
struct List<'a> {
    collection: &'a CollectionSummary,
    details: &'a CollectionScan,
    stage: Stage,
    locale: &'a Locale,
}

impl List<'_> {
    fn key(&self) -> String {
        format!(
            "{}|{}|{}",
            self.collection.id,
            self.locale.cms_id.as_deref().unwrap_or(""),
            self.stage
        )
    }

    fn place(&self) -> String {
        format!(
            "the {} items of collection {}{}",
            self.stage,
            self.collection.id,
            in_locale(self.locale)
        )
    }

    fn options(&self) -> ListOptions {
        match &self.locale.cms_id {
            Some(l) => ListOptions::new().locale(l),
            None => ListOptions::new(),
        }
    }
}

/// The change stamp of an item in a stage.
fn stamp(item: &Item, stage: Stage) -> Option<DateTime<Utc>> {
    match stage {
        Stage::Staged => item.last_updated,
        Stage::Live => item.last_published,
    }
}

impl Client {
    pub(super) async fn scan_cms(
        &self,
        scan: &mut Scan,
        previous: &mut UsageIndex,
        index: &mut UsageIndex,
    ) -> Result<(), Error> {
        let collections = match self.list_collections(&scan.site_id).await {
            Ok(c) => c,
            Err(e) => {
                index.item_lists = std::mem::take(&mut previous.item_lists);
                index.collections = std::mem::take(&mut previous.collections);
                return scan.failed(e, scope::CMS_READ, "CMS items", "the collections".to_owned());
            }
        };
        scan.summary.collections = collections.len();
        for c in &collections {
            let stamp = c.last_updated.map(|t| t.to_rfc3339());
            let kept = previous.collections.get(&c.id);
            let unchanged = kept.is_some_and(|k| stamp.is_some() && k.last_updated == stamp);
            let details = match kept {
                Some(kept) if unchanged => kept.clone(),
                _ => match self.get_collection_from(Origin::Returned, &c.id).await {
                    Ok(full) => {
                        scan.summary.collections_read += 1;
                        CollectionScan {
                            name: c.display_name.clone().or(full.display_name),
                            slug: c.slug.clone().or(full.slug),
                            last_updated: stamp,
                            fields: full
                                .fields
                                .into_iter()
                                .filter_map(|f| Some((f.slug?, f.type_)))
                                .collect(),
                        }
                    }
                    Err(e) => {
                        self.keep_collection(previous, index, &c.id);
                        scan.failed(e, scope::CMS_READ, "CMS items", format!("collection {}", c.id))?;
                        continue;
                    }
                },
            };
            scan.progress.add(Count::ItemLists, scan.locales.len() * 2);
            for locale in scan.locales.clone() {
                for stage in [Stage::Staged, Stage::Live] {
                    scan.progress.add(Count::ItemListsRead, 1);
                    let list = List {
                        collection: c,
                        details: &details,
                        stage,
                        locale: &locale,
                    };
                    let key = list.key();
                    let before = previous.item_lists.remove(&key);
                    match self.scan_list(scan, &list, before.as_ref(), unchanged, &mut index.values).await {
                        Ok(items) => {
                            scan.summary.items += items.items.len();
                            index.item_lists.insert(key, items);
                        }
                        Err(e) => {
                            if let Some(before) = before {
                                index.item_lists.insert(key, before);
                            }
                            scan.failed(e, scope::CMS_READ, "CMS items", list.place())?;
                        }
                    }
                }
            }
            index.collections.insert(c.id.clone(), details);
        }
        Ok(())
    }

    /// A collection whose details cannot be read: its lists as last read.
    fn keep_collection(&self, previous: &mut UsageIndex, index: &mut UsageIndex, id: &str) {
        let prefix = format!("{id}|");
        let keys: Vec<String> = previous.item_lists.keys().filter(|k| k.starts_with(&prefix)).cloned().collect();
        for k in keys {
            if let Some(v) = previous.item_lists.remove(&k) {
                index.item_lists.insert(k, v);
            }
        }
        if let Some(c) = previous.collections.remove(id) {
            index.collections.insert(id.to_owned(), c);
        }
    }

    /// One list, read from `before` where that holds, else whole.
    async fn scan_list(
        &self,
        scan: &mut Scan,
        list: &List<'_>,
        before: Option<&ItemsScan>,
        schema_unchanged: bool,
        values: &mut Vec<FieldValue>,
    ) -> Result<ItemsScan, Error> {
        let incremental = before.filter(|b| {
            schema_unchanged
                && !b.items.is_empty()
                && b.items.values().all(|i| i.stamp.is_some())
                // Relinking needs the values of the items that hold the
                // replaced assets: those lists are read whole.
                && !b.items.values().flat_map(|i| &i.uses).any(|u| scan.relinking.contains(&u.asset_id.to_ascii_lowercase()))
        });
        if let Some(before) = incremental {
            let since = before.items.values().filter_map(|i| i.stamp).max();
            if let Some((changed, total)) = self.changed_items(list, since).await? {
                let new = changed.iter().filter(|i| !before.items.contains_key(&i.id)).count();
                if total == (before.items.len() + new) as u64 {
                    let mut out = before.clone();
                    scan.summary.items_read += changed.len();
                    scan.progress.add(Count::ItemsRead, changed.len());
                    for item in &changed {
                        out.items.insert(item.id.clone(), item_scan(scan, list, item, values));
                    }
                    return Ok(out);
                }
            }
        }
        scan.summary.item_lists_read_whole += 1;
        let items: Vec<Item> = self
            .list_items_from(Origin::Returned, list.collection.id.clone(), list.stage, list.locale.cms_id.clone())
            .try_collect()
            .await?;
        scan.summary.items_read += items.len();
        scan.progress.add(Count::ItemsRead, items.len());
        Ok(ItemsScan {
            items: items
                .iter()
                .map(|item| (item.id.clone(), item_scan(scan, list, item, values)))
                .collect(),
        })
    }

    /// The items changed since `since` (inclusive), newest first, and the
    /// list's total; `None` when the answer cannot be trusted for that (not
    /// sorted as asked, an item without its stamp, no total).
    async fn changed_items(
        &self,
        list: &List<'_>,
        since: Option<DateTime<Utc>>,
    ) -> Result<Option<(Vec<Item>, u64)>, Error> {
        let Some(since) = since else { return Ok(None) };
        let by = match list.stage {
            Stage::Staged => ItemSortField::LastUpdated,
            Stage::Live => ItemSortField::LastPublished,
        };
        let mut out = Vec::new();
        let mut total = None;
        let mut newest_so_far: Option<DateTime<Utc>> = None;
        let mut offset = 0;
        loop {
            let options = list.options().offset(offset).sort(by, SortOrder::Desc);
            let page = self
                .list_items_page_from(Origin::Returned, &list.collection.id, list.stage, &options)
                .await?;
            if total.is_none() {
                total = page.pagination.as_ref().and_then(|p| p.total).map(|t| t.max(0) as u64);
            }
            let Some(total) = total else { return Ok(None) };
            let got = page.items.len() as u64;
            for item in page.items {
                let Some(at) = stamp(&item, list.stage) else { return Ok(None) };
                if newest_so_far.is_some_and(|n| at > n) {
                    return Ok(None);
                }
                newest_so_far = Some(at);
                if at < since {
                    return Ok(Some((out, total)));
                }
                out.push(item);
            }
            offset += got;
            if got < MAX_PAGE || offset >= total {
                return Ok(Some((out, total)));
            }
        }
    }
}

/// An item's uses in every field, and the values to keep for relinking.
fn item_scan(scan: &Scan, list: &List<'_>, item: &Item, values: &mut Vec<FieldValue>) -> ItemScan {
    let name = item.field_data.get("name").and_then(Value::as_str).map(str::to_owned);
    let mut uses = Vec::new();
    for (slug, value) in &item.field_data {
        let kind = list
            .details
            .fields
            .iter()
            .find(|(s, _)| s == slug)
            .map_or("", |(_, t)| t.as_str());
        let found = values::field_uses(kind, value, &scan.known);
        if found.is_empty() {
            continue;
        }
        if found.iter().any(|(id, _)| scan.relinking.contains(&id.to_ascii_lowercase())) {
            values.push(FieldValue {
                collection_id: list.collection.id.clone(),
                item_id: item.id.clone(),
                field: slug.clone(),
                field_type: kind.to_owned(),
                stage: list.stage,
                cms_locale: list.locale.cms_id.clone(),
                value: value.clone(),
            });
        }
        uses.extend(found.into_iter().map(|(asset_id, how)| Use {
            asset_id,
            how,
            place: Place::Item {
                collection_id: list.collection.id.clone(),
                collection: list.details.name.clone(),
                item_id: item.id.clone(),
                name: name.clone(),
                field: slug.clone(),
                field_type: kind.to_owned(),
                staged: list.stage == Stage::Staged,
                live: list.stage == Stage::Live,
                locale: list.locale.tag.clone(),
            },
        }));
    }
    ItemScan {
        stamp: stamp(item, list.stage),
        slug: item.field_data.get("slug").and_then(Value::as_str).map(str::to_owned),
        uses,
    }
}
