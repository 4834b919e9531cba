//! The scan: every read that shows where assets are used, reusing what the
//! previous index holds where the API says nothing changed.

use std::collections::{BTreeMap, BTreeSet};

use futures::{StreamExt, TryStreamExt};
use serde_json::Value;

use super::{
    CollectionScan, ContentScan, FieldValue, Place, ScanSummary, ScopeGap, UsageIndex, Use, html,
};
use crate::assets::ListOptions;
use crate::client::Client;
use crate::content::{Stage, scope};
use crate::error::Error;
use crate::types::DomNode;

/// Content reads in flight at once (they share the client's rate gate).
const CONCURRENCY: usize = 4;

/// Field types that can hold an asset.
const ASSET_FIELDS: [&str; 4] = ["Image", "MultiImage", "File", "RichText"];

/// A locale: its id and CMS id, and its tag; `None` ids for the primary one.
#[derive(Clone, Debug)]
struct Locale {
    id: Option<String>,
    cms_id: Option<String>,
    tag: Option<String>,
}

impl Client {
    /// Scans a site for where its assets are used: pages and components in
    /// every locale, CMS items staged and live. `previous` (an empty
    /// [`UsageIndex::new`] the first time) saves calls: a page whose
    /// `lastUpdated` did not change, and a collection whose schema did not,
    /// are not read again. Components (which carry no change marker) and
    /// items (listed 100 a call) are read every time.
    ///
    /// A 403 for a missing scope does not fail the scan: the part it hides
    /// is named in [`UsageIndex::gaps`], so that nothing behind it is taken
    /// for unused ([`UsageIndex::check_complete`]). Every other error does.
    pub async fn scan_usage(&self, site_id: &str, previous: UsageIndex) -> Result<UsageIndex, Error> {
        crate::validate::object_id("site id", site_id)?;
        let mut previous = if previous.site_id == site_id {
            previous
        } else {
            UsageIndex::new(site_id)
        };
        // Only its pages and collections are reused: the rest is read anew.
        previous.found = Vec::new();
        previous.values = Vec::new();
        previous.assets = Default::default();
        let mut index = UsageIndex::new(site_id);
        index.relinking = std::mem::take(&mut previous.relinking);
        let mut gaps = Vec::new();
        let gap = |gaps: &mut Vec<ScopeGap>, scope: &str, what: &str| {
            gaps.push(ScopeGap {
                scope: scope.to_owned(),
                unchecked: what.to_owned(),
            })
        };

        // The assets, for rich text that names an image by its URL.
        let assets: Vec<_> = self
            .list_assets(site_id, ListOptions::new())
            .try_collect()
            .await?;
        index.assets = assets
            .into_iter()
            .map(|a| (a.id, a.hosted_url))
            .collect();
        let by_url: BTreeMap<String, String> = index
            .assets
            .iter()
            .filter_map(|(id, url)| Some((url.clone()?, id.clone())))
            .collect();

        let mut locales = vec![Locale {
            id: None,
            cms_id: None,
            tag: None,
        }];
        match self.get_site(site_id).await {
            Ok(site) => {
                let secondary = site
                    .locales
                    .and_then(|l| l.secondary)
                    .unwrap_or_default();
                locales.extend(secondary.into_iter().filter(|l| l.enabled != Some(false)).map(
                    |l| Locale {
                        id: Some(l.id),
                        cms_id: l.cms_locale_id,
                        tag: l.tag.or(l.display_name),
                    },
                ));
            }
            Err(e) if is_forbidden(&e) => gap(
                &mut gaps,
                scope::SITES_READ,
                "secondary locales (their pages, components and CMS items)",
            ),
            Err(e) => return Err(e),
        }

        let mut summary = ScanSummary::default();
        match self
            .scan_pages(site_id, &locales, &previous, &mut summary)
            .await
        {
            Ok(pages) => index.pages = pages,
            Err(e) if is_forbidden(&e) => gap(&mut gaps, scope::PAGES_READ, "static pages"),
            Err(e) => return Err(e),
        }
        match self.scan_components(site_id, &locales).await {
            Ok(components) => {
                summary.components = components.len();
                index.components = components;
            }
            Err(e) if is_forbidden(&e) => gap(&mut gaps, scope::COMPONENTS_READ, "components"),
            Err(e) => return Err(e),
        }
        let items = match self
            .scan_cms(site_id, &locales, &previous, &by_url, &mut index, &mut summary)
            .await
        {
            Ok(items) => items,
            Err(e) if is_forbidden(&e) => {
                index.values.clear();
                gap(&mut gaps, scope::CMS_READ, "CMS items");
                Vec::new()
            }
            Err(e) => return Err(e),
        };
        index.gaps = gaps;
        index.summary = summary;
        index.found = merged(&index, &items);
        index.scanned_at = Some(chrono::Utc::now());
        Ok(index)
    }

    async fn scan_pages(
        &self,
        site_id: &str,
        locales: &[Locale],
        previous: &UsageIndex,
        summary: &mut ScanSummary,
    ) -> Result<BTreeMap<String, ContentScan>, Error> {
        let mut out = BTreeMap::new();
        for locale in locales {
            let pages: Vec<_> = self
                .list_pages(site_id, locale.id.clone())
                .try_collect()
                .await?;
            let mut stale = Vec::new();
            summary.pages += pages.len();
            for page in pages {
                let key = content_key(&page.id, locale);
                let stamp = page.last_updated.map(|t| t.to_rfc3339());
                match previous.pages.get(&key) {
                    Some(kept) if stamp.is_some() && kept.last_updated == stamp => {
                        // Unchanged: its uses stand (title and slug renewed).
                        let mut kept = kept.clone();
                        for u in &mut kept.uses {
                            if let Place::Page { title, slug, .. } = &mut u.place {
                                title.clone_from(&page.title);
                                slug.clone_from(&page.slug);
                            }
                        }
                        out.insert(key, kept);
                    }
                    _ => stale.push((key, page, stamp)),
                }
            }
            let read = futures::stream::iter(stale.into_iter().map(|(key, page, stamp)| {
                let locale = locale.clone();
                async move {
                    let nodes = self.page_content(&page.id, locale.id.clone());
                    let uses = content_uses(nodes, |node_id| Place::Page {
                        page_id: page.id.clone(),
                        title: page.title.clone(),
                        slug: page.slug.clone(),
                        node_id,
                        locale: locale.tag.clone(),
                    })
                    .await?;
                    Ok::<_, Error>((
                        key,
                        ContentScan {
                            last_updated: stamp,
                            uses,
                        },
                    ))
                }
            }))
            .buffer_unordered(CONCURRENCY)
            .try_collect::<Vec<_>>()
            .await?;
            summary.pages_read += read.len();
            out.extend(read);
        }
        Ok(out)
    }

    async fn scan_components(
        &self,
        site_id: &str,
        locales: &[Locale],
    ) -> Result<BTreeMap<String, ContentScan>, Error> {
        let components: Vec<_> = self.list_components(site_id).try_collect().await?;
        let jobs = components.iter().flat_map(|c| {
            locales.iter().map(move |locale| {
                let locale = locale.clone();
                async move {
                    let nodes = self.component_content(site_id, &c.id, locale.id.clone());
                    let uses = content_uses(nodes, |node_id| Place::Component {
                        component_id: c.id.clone(),
                        name: c.name.clone(),
                        node_id,
                        locale: locale.tag.clone(),
                    })
                    .await?;
                    Ok((
                        content_key(&c.id, &locale),
                        ContentScan {
                            last_updated: None,
                            uses,
                        },
                    ))
                }
            })
        });
        futures::stream::iter(jobs)
            .buffer_unordered(CONCURRENCY)
            .try_collect()
            .await
    }

    async fn scan_cms(
        &self,
        site_id: &str,
        locales: &[Locale],
        previous: &UsageIndex,
        by_url: &BTreeMap<String, String>,
        index: &mut UsageIndex,
        summary: &mut ScanSummary,
    ) -> Result<Vec<Use>, Error> {
        // One use per stage; merged into `found` by the caller.
        let mut items_found = Vec::new();
        let collections = self.list_collections(site_id).await?;
        summary.collections = collections.len();
        for c in collections {
            let stamp = c.last_updated.map(|t| t.to_rfc3339());
            let details = match previous.collections.get(&c.id) {
                Some(kept) if stamp.is_some() && kept.last_updated == stamp => kept.clone(),
                _ => {
                    summary.collections_read += 1;
                    let full = self.get_collection(&c.id).await?;
                    CollectionScan {
                        name: c.display_name.clone().or(full.display_name),
                        last_updated: stamp,
                        fields: full
                            .fields
                            .into_iter()
                            .filter(|f| ASSET_FIELDS.contains(&f.type_.as_str()))
                            .filter_map(|f| Some((f.slug?, f.type_)))
                            .collect(),
                    }
                }
            };
            // A collection without asset fields costs no item listing.
            if !details.fields.is_empty() {
                for locale in locales {
                    for stage in [Stage::Staged, Stage::Live] {
                        let items: Vec<_> = self
                            .list_items(&c.id, stage, locale.cms_id.clone())
                            .try_collect()
                            .await?;
                        summary.items += items.len();
                        for item in items {
                            let name = item
                                .field_data
                                .get("name")
                                .and_then(Value::as_str)
                                .map(str::to_owned);
                            for (slug, kind) in &details.fields {
                                let Some(value) = item.field_data.get(slug) else {
                                    continue;
                                };
                                let ids = field_assets(kind, value, by_url);
                                if ids.is_empty() {
                                    continue;
                                }
                                let keep = ids
                                    .iter()
                                    .any(|id| index.relinking.contains(&id.to_ascii_lowercase()));
                                if keep {
                                    index.values.push(FieldValue {
                                    collection_id: c.id.clone(),
                                    item_id: item.id.clone(),
                                    field: slug.clone(),
                                    field_type: kind.clone(),
                                    stage,
                                    cms_locale: locale.cms_id.clone(),
                                    value: value.clone(),
                                    });
                                }
                                for asset_id in ids {
                                    items_found.push(Use {
                                        asset_id,
                                        place: Place::Item {
                                            collection_id: c.id.clone(),
                                            collection: details.name.clone(),
                                            item_id: item.id.clone(),
                                            name: name.clone(),
                                            field: slug.clone(),
                                            field_type: kind.clone(),
                                            staged: stage == Stage::Staged,
                                            live: stage == Stage::Live,
                                            locale: locale.tag.clone(),
                                        },
                                    });
                                }
                            }
                        }
                    }
                }
            }
            index.collections.insert(c.id, details);
        }
        Ok(items_found)
    }
}

/// The uses of a page's or component's nodes, each placed by `place` (given
/// the node id). A content deleted between its listing and now has none.
async fn content_uses(
    nodes: impl futures::Stream<Item = Result<DomNode, Error>>,
    place: impl Fn(String) -> Place,
) -> Result<Vec<Use>, Error> {
    let nodes: Vec<DomNode> = match nodes.try_collect().await {
        Ok(n) => n,
        Err(Error::NotFound(_)) => vec![],
        Err(e) => return Err(e),
    };
    Ok(node_assets(&nodes)
        .into_iter()
        .map(|(asset_id, node_id)| Use {
            asset_id,
            place: place(node_id),
        })
        .collect())
}

fn is_forbidden(e: &Error) -> bool {
    matches!(e, Error::Forbidden(_))
}

fn content_key(id: &str, locale: &Locale) -> String {
    format!("{id}|{}", locale.id.as_deref().unwrap_or(""))
}

/// The (asset id, node id) pairs of a content's nodes: image nodes, and
/// images inside text and component overrides' HTML.
fn node_assets(nodes: &[DomNode]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for node in nodes {
        if let Some(id) = node.image.as_ref().and_then(|i| i.asset_id.as_ref()) {
            out.push((id.clone(), node.id.clone()));
        }
        let mut htmls: Vec<&str> = node
            .text
            .as_ref()
            .and_then(|t| t.html.as_deref())
            .into_iter()
            .collect();
        for o in node.property_overrides.iter().flatten() {
            if let Some(h) = o.pointer("/text/html").and_then(Value::as_str) {
                htmls.push(h);
            }
        }
        for h in htmls {
            for url in html::image_urls(h) {
                if let Some(id) = id_in_url(&url) {
                    out.push((id, node.id.clone()));
                }
            }
        }
    }
    out
}

/// The asset ids a CMS field value holds.
fn field_assets(kind: &str, value: &Value, by_url: &BTreeMap<String, String>) -> Vec<String> {
    let of_file = |v: &Value| -> Option<String> {
        let o = v.as_object()?;
        if let Some(id) = o.get("fileId").and_then(Value::as_str) {
            return Some(id.to_owned());
        }
        url_asset(o.get("url")?.as_str()?, by_url)
    };
    let mut ids: Vec<String> = match kind {
        "Image" | "File" => of_file(value).into_iter().collect(),
        "MultiImage" => value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(of_file)
            .collect(),
        "RichText" => value
            .as_str()
            .map(html::image_urls)
            .unwrap_or_default()
            .iter()
            .filter_map(|u| url_asset(u, by_url))
            .collect(),
        _ => vec![],
    };
    let mut seen = BTreeSet::new();
    ids.retain(|id| seen.insert(id.to_ascii_lowercase()));
    ids
}

/// The asset a hosted URL names: by the URL the asset list gave, else by
/// the `<asset id>_` prefix Webflow gives every hosted file name.
pub(crate) fn url_asset(url: &str, by_url: &BTreeMap<String, String>) -> Option<String> {
    by_url.get(url).cloned().or_else(|| id_in_url(url))
}

/// The `<24 hex>_` prefix of a URL's file name.
pub(crate) fn id_in_url(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let name = path.rsplit('/').next()?;
    let (id, _) = name.split_once('_')?;
    (id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit())).then(|| id.to_owned())
}

/// Every use, once: a secondary locale's use of a page or component only
/// where the primary locale's content does not hold the same asset in the
/// same node; CMS uses merged over stages (staged and/or live), and a
/// secondary locale's only where the primary item's field does not hold it.
fn merged(index: &UsageIndex, items: &[Use]) -> Vec<Use> {
    let mut out = Vec::new();
    for map in [&index.pages, &index.components] {
        for (key, scan) in map.iter() {
            let (id, locale) = key.split_once('|').unwrap_or((key, ""));
            if locale.is_empty() {
                out.extend(scan.uses.iter().cloned());
                continue;
            }
            let primary: BTreeSet<(String, String)> = map
                .get(&format!("{id}|"))
                .map(|p| {
                    p.uses
                        .iter()
                        .map(|u| (u.asset_id.clone(), node_of(&u.place).to_owned()))
                        .collect()
                })
                .unwrap_or_default();
            out.extend(
                scan.uses
                    .iter()
                    .filter(|u| !primary.contains(&(u.asset_id.clone(), node_of(&u.place).to_owned())))
                    .cloned(),
            );
        }
    }
    // CMS: (asset, collection, item, field, locale) → staged, live.
    let mut cms: BTreeMap<(String, String, String, String, Option<String>), Use> = BTreeMap::new();
    for u in items {
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
    let primary: BTreeSet<(String, String, String, String)> = cms
        .keys()
        .filter(|k| k.4.is_none())
        .map(|k| (k.0.clone(), k.1.clone(), k.2.clone(), k.3.clone()))
        .collect();
    out.extend(cms.into_iter().filter_map(|(k, u)| {
        (k.4.is_none() || !primary.contains(&(k.0, k.1, k.2, k.3))).then_some(u)
    }));
    out
}

fn node_of(place: &Place) -> &str {
    match place {
        Place::Page { node_id, .. } | Place::Component { node_id, .. } => node_id,
        Place::Item { field, .. } => field,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_asset_id_is_read_from_a_hosted_file_name() {
        assert_eq!(
            id_in_url("https://cdn.prod.website-files.com/580e63e98c9a982ac9b8b741/659595234426a9fcbad57043_logo%20v2.png?x=1").as_deref(),
            Some("659595234426a9fcbad57043")
        );
        assert_eq!(id_in_url("https://example.com/logo.png"), None);
        assert_eq!(id_in_url("https://example.com/12345_logo.png"), None);
    }

    #[test]
    fn each_asset_field_type_is_read() {
        let by_url = BTreeMap::from([("https://cdn/x.png".to_owned(), "0000000000000000000000aa".to_owned())]);
        let img = serde_json::json!({"fileId": "0000000000000000000000bb", "url": "u", "alt": "a"});
        assert_eq!(field_assets("Image", &img, &by_url), ["0000000000000000000000bb"]);
        let multi = serde_json::json!([{"url": "https://cdn/x.png"}, {"fileId": "0000000000000000000000cc"}]);
        assert_eq!(
            field_assets("MultiImage", &multi, &by_url),
            ["0000000000000000000000aa", "0000000000000000000000cc"]
        );
        let rich = serde_json::json!("<p><img src=\"https://cdn/x.png\"></p>");
        assert_eq!(field_assets("RichText", &rich, &by_url), ["0000000000000000000000aa"]);
        assert!(field_assets("PlainText", &serde_json::json!("https://cdn/x.png"), &by_url).is_empty());
    }
}
