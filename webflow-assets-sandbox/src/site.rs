//! The sandbox's site beyond its assets: locales, pages and components with
//! their static content, and CMS collections with staged and live items.
//! [`SiteModel`] is also the format of `webflow-assets sandbox --site FILE`:
//! nodes and field values are written as Webflow's API shows them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The primary locale's id (the one in Webflow's documentation).
pub const PRIMARY_LOCALE_ID: &str = "653fd9af6a07fc9cfd7a5e57";
/// The primary locale's CMS locale id.
pub const PRIMARY_CMS_LOCALE_ID: &str = "653ad57de882f528b32e810e";

/// Everything of a sandbox site that may use assets.
///
/// ```
/// use webflow_assets_sandbox::SiteModel;
///
/// let site: SiteModel = serde_json::from_str(r#"{
///   "pages": [{"id": "6596da6045e56dee495bcbba", "title": "Home", "slug": "index",
///              "nodes": [{"id": "n1", "type": "image", "image": {"assetId": "659595234426a9fcbad57043", "alt": "Logo"}}]}]
/// }"#).unwrap();
/// assert_eq!(site.pages[0].nodes.len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct SiteModel {
    /// Assets the site holds from the start, with their ids, so that the
    /// pages and items below can use them.
    #[serde(default)]
    pub assets: Vec<AssetModel>,
    /// Secondary locales (the primary one is always there:
    /// [`PRIMARY_LOCALE_ID`]).
    #[serde(default)]
    pub locales: Vec<LocaleModel>,
    /// Static pages.
    #[serde(default)]
    pub pages: Vec<PageModel>,
    /// Components.
    #[serde(default)]
    pub components: Vec<ComponentModel>,
    /// CMS collections.
    #[serde(default)]
    pub collections: Vec<CollectionModel>,
    /// The published site: whether the site is published, and what its
    /// settings and custom code add to every page.
    #[serde(default)]
    pub publish: PublishModel,
}

/// What the published site shows beyond the pages' nodes: the site's
/// settings (favicon, webclip, Open Graph image, by asset id), its style
/// sheet and custom code, as raw text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct PublishModel {
    /// Whether the site is published (default: yes); when not, Get Site's
    /// `lastPublished` is null and the published host answers 404.
    #[serde(default = "yes")]
    pub published: bool,
    /// When it was last published (Get Site's `lastPublished`, the pages'
    /// `Last-Modified`).
    #[serde(default = "epoch")]
    pub last_published: DateTime<Utc>,
    /// The favicon's asset id.
    #[serde(default)]
    pub favicon: Option<String>,
    /// The webclip's (`apple-touch-icon`) asset id.
    #[serde(default)]
    pub webclip: Option<String>,
    /// The site's Open Graph image's asset id (a page's own wins).
    #[serde(default)]
    pub og_image: Option<String>,
    /// The site's style sheet (served at `/<site id>/css/sandbox-site.webflow.css`).
    #[serde(default)]
    pub css: String,
    /// The site's script (served at `/<site id>/js/sandbox-site.js`).
    #[serde(default)]
    pub script: String,
    /// Custom code in every page's `<head>`.
    #[serde(default)]
    pub head_code: String,
    /// Custom code at the end of every page's `<body>`.
    #[serde(default)]
    pub body_code: String,
    /// The password of the pages behind one (`password: true`): posted to
    /// `/.wf_auth` from the password page's form, it sets the cookie that
    /// opens the page. `None`: no password opens them.
    #[serde(default)]
    pub password: Option<String>,
    /// Whether `/sitemap.xml` (every page, item page and locale, with
    /// `hreflang` alternates) and a `robots.txt` naming it are published
    /// (default: yes, as Webflow does).
    #[serde(default = "yes")]
    pub sitemap: bool,
    /// Whether each page's head links its other locales' versions with
    /// `<link rel="alternate" hreflang>` (default: yes, as Webflow does).
    #[serde(default = "yes")]
    pub hreflang: bool,
}

impl Default for PublishModel {
    fn default() -> Self {
        Self {
            published: true,
            last_published: epoch(),
            favicon: None,
            webclip: None,
            og_image: None,
            css: String::new(),
            script: String::new(),
            head_code: String::new(),
            body_code: String::new(),
            password: None,
            sitemap: true,
            hreflang: true,
        }
    }
}

fn yes() -> bool {
    true
}

/// An asset the sandbox holds from its start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssetModel {
    /// Its id.
    pub id: String,
    /// Its file name, with an extension.
    pub file_name: String,
    /// Its bytes, as text (default: the file name).
    #[serde(default)]
    pub content: Option<String>,
    /// Its alt text.
    #[serde(default)]
    pub alt_text: Option<String>,
}

/// A secondary locale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LocaleModel {
    /// Its id (`localeId`).
    pub id: String,
    /// Its CMS id (`cmsLocaleId`).
    pub cms_locale_id: String,
    /// Its tag, e.g. `fr-FR`.
    pub tag: String,
}

/// A page and its static content. A page of slug `404` is the site's 404
/// page (served with status 404 for every path that does not exist), one
/// of slug `401` its password page (served with status 401 for each page
/// behind the password), as Webflow's utility pages are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PageModel {
    /// Its id.
    pub id: String,
    /// Its title.
    #[serde(default)]
    pub title: String,
    /// Its slug.
    #[serde(default)]
    pub slug: String,
    /// When it last changed ([`Sandbox::edit_site`](crate::Sandbox::edit_site)
    /// moves it when its content changes).
    #[serde(default = "epoch")]
    pub last_updated: DateTime<Utc>,
    /// Its nodes in the primary locale, as Get Page Content shows them.
    #[serde(default)]
    pub nodes: Vec<Value>,
    /// Its nodes in secondary locales, by locale id; a locale without an
    /// entry shows the primary nodes.
    #[serde(default)]
    pub localized: BTreeMap<String, Vec<Value>>,
    /// The collection whose template page this is: the published site
    /// shows one page per live item, at `/<collection slug>/<item slug>`.
    #[serde(default)]
    pub collection_id: Option<String>,
    /// Raw HTML at the end of its published `<body>` (an embed).
    #[serde(default)]
    pub html: String,
    /// Raw HTML in its published `<head>` (its custom code).
    #[serde(default)]
    pub head: String,
    /// Its Open Graph image's asset id.
    #[serde(default)]
    pub og_image: Option<String>,
    /// Behind a password: the published page answers 401.
    #[serde(default)]
    pub password: bool,
    /// The published page answers this status instead (a broken page).
    #[serde(default)]
    pub status: Option<u16>,
    /// The published page answers after this many milliseconds.
    #[serde(default)]
    pub delay_ms: u64,
    /// The published page redirects here (`Location`).
    #[serde(default)]
    pub redirect: Option<String>,
    /// Raw HTML in its published `<head>` in a secondary locale, by locale
    /// id (its localized SEO and Open Graph tags).
    #[serde(default)]
    pub localized_head: BTreeMap<String, String>,
    /// Published, but no longer in List Pages (deleted since the last
    /// publish) and linked by no page: only the sitemap names it.
    #[serde(default)]
    pub unlisted: bool,
    /// The published page comes gzip-compressed with this
    /// `Content-Encoding`, whatever the request asked (a proxy's doing).
    #[serde(default)]
    pub served_encoding: Option<String>,
}

impl PageModel {
    /// The empty home page a published site shows when the model has none.
    pub(crate) fn home() -> Self {
        Self {
            id: String::new(),
            title: "Home".to_owned(),
            slug: "index".to_owned(),
            last_updated: epoch(),
            nodes: Vec::new(),
            localized: BTreeMap::new(),
            collection_id: None,
            html: String::new(),
            head: String::new(),
            og_image: None,
            password: false,
            status: None,
            delay_ms: 0,
            redirect: None,
            localized_head: BTreeMap::new(),
            unlisted: false,
            served_encoding: None,
        }
    }
}

/// A component and its static content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ComponentModel {
    /// Its id.
    pub id: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// Its nodes in the primary locale.
    #[serde(default)]
    pub nodes: Vec<Value>,
    /// Its nodes in secondary locales, by locale id.
    #[serde(default)]
    pub localized: BTreeMap<String, Vec<Value>>,
}

/// A CMS collection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CollectionModel {
    /// Its id.
    pub id: String,
    /// Its name.
    #[serde(default)]
    pub display_name: String,
    /// Its slug.
    #[serde(default)]
    pub slug: String,
    /// When its schema last changed.
    #[serde(default = "epoch")]
    pub last_updated: DateTime<Utc>,
    /// Its fields (besides `name` and `slug`, which every collection has).
    #[serde(default)]
    pub fields: Vec<FieldModel>,
    /// Its items.
    #[serde(default)]
    pub items: Vec<ItemModel>,
}

/// A field of a collection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldModel {
    /// Its key in `fieldData`.
    pub slug: String,
    /// Webflow's type: `Image`, `MultiImage`, `File`, `RichText`, `PlainText`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Its name (the slug when left out).
    #[serde(default)]
    pub display_name: String,
}

/// A CMS item: its staged field data, and what the live site shows of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ItemModel {
    /// Its id.
    pub id: String,
    /// Staged `fieldData` (`name` and `slug` among them).
    #[serde(default)]
    pub field_data: Map<String, Value>,
    /// Published `fieldData`; `None` while the item was never published.
    #[serde(default)]
    pub live: Option<Map<String, Value>>,
    /// When it last changed (staged).
    #[serde(default = "epoch")]
    pub last_updated: DateTime<Utc>,
    /// When it was last published (its `live` data set).
    #[serde(default = "epoch")]
    pub last_published: DateTime<Utc>,
}

/// An Update Items call the sandbox carried out: for tests that check
/// exactly what was sent.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ItemUpdateRecord {
    /// The collection.
    pub collection_id: String,
    /// Whether it was Update Live Items.
    pub live: bool,
    /// The request body as sent.
    pub body: Value,
}

fn epoch() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default()
}

impl SiteModel {
    /// Reads a site from JSON (the `sandbox --site FILE` format), with an
    /// error naming what is wrong.
    pub fn from_json(text: &str) -> Result<Self, crate::Error> {
        let site: SiteModel = serde_json::from_str(text).map_err(|e| {
            crate::Error::config(
                format!("the site file is not a sandbox site: {e}"),
                "write it as {\"locales\": [...], \"pages\": [...], \"components\": [...], \"collections\": [...]} (see the README's sandbox section)",
            )
        })?;
        site.check()?;
        Ok(site)
    }

    /// Ids are 24 hex digits where Webflow's are (component ids are any
    /// non-empty string), and unique.
    pub(crate) fn check(&self) -> Result<(), crate::Error> {
        let mut seen = std::collections::BTreeSet::new();
        for a in &self.assets {
            webflow_assets::validate::file_name(&a.file_name).map_err(|e| {
                crate::Error::config(
                    format!("the site file's asset {}: {e}", a.id),
                    "give each asset a file name with an extension",
                )
            })?;
        }
        let ids = self
            .assets
            .iter()
            .map(|a| ("asset", &a.id))
            .chain(
                self.locales
                    .iter()
                    .flat_map(|l| [("locale", &l.id), ("CMS locale", &l.cms_locale_id)]),
            )
            .chain(self.pages.iter().map(|p| ("page", &p.id)))
            .chain(self.collections.iter().map(|c| ("collection", &c.id)))
            .chain(
                self.collections
                    .iter()
                    .flat_map(|c| c.items.iter().map(|i| ("item", &i.id))),
            );
        // Component ids are plain strings in Webflow's spec (UUIDs on
        // today's sites); every other id is an object id.
        let components = self.components.iter().map(|c| ("component", &c.id));
        for (what, id) in ids.chain(components) {
            if what == "component" {
                webflow_assets::validate::string_id("component id", id)?;
            } else {
                webflow_assets::validate::object_id(&format!("{what} id"), id)?;
            }
            if !seen.insert(id.to_ascii_lowercase()) {
                return Err(crate::Error::config(
                    format!("the site file uses the id {id} twice"),
                    "give every locale, page, component, collection and item its own id",
                ));
            }
        }
        Ok(())
    }
}
