//! A use of an asset: where (a page's or component's node, a CMS item's
//! field) and how (an image node, a rich-text link, a Link field...).

use std::fmt;

use serde::{Deserialize, Serialize};

/// How a place uses an asset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum UseKind {
    /// An image node's `assetId` (pages, components, image overrides).
    ImageNode,
    /// An Image or MultiImage field: its `fileId`, or its URL.
    ImageField,
    /// A File field (or any field value holding a `fileId`).
    FileField,
    /// `<img src>`, `<img srcset>` or `<source srcset>` in HTML.
    RichTextImage,
    /// `<a href>` in HTML.
    RichTextLink,
    /// Any other HTML attribute (`style`, `data-*`, `<video src>`, a
    /// node's custom attributes).
    HtmlAttribute,
    /// HTML text, comments and embedded scripts or styles.
    HtmlText,
    /// A Link field's URL.
    LinkField,
    /// Any other field's string (PlainText, and types Webflow adds later).
    TextField,
    /// On the published site: `<img src>` or `srcset` (`<source>` too).
    PageImage,
    /// On the published site: a style sheet (a linked file, or a
    /// `<style>` of the page), e.g. a background image set in a style.
    StyleSheet,
    /// On the published site: an element's `style` attribute.
    InlineStyle,
    /// On the published site: `<link rel=icon>` (favicon, webclip).
    Icon,
    /// On the published site: `<meta content>` (`og:image`, `twitter:image`).
    Meta,
    /// On the published site: custom code (a `<script>` of the page, or a
    /// script it links).
    CustomCode,
    /// On the published site: `<a href>`.
    PageLink,
}

impl fmt::Display for UseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UseKind::ImageNode => "image node",
            UseKind::ImageField => "Image field",
            UseKind::FileField => "File field",
            UseKind::RichTextImage => "rich-text image",
            UseKind::RichTextLink => "rich-text link",
            UseKind::HtmlAttribute => "HTML attribute",
            UseKind::HtmlText => "HTML text",
            UseKind::LinkField => "Link field",
            UseKind::TextField => "text field",
            UseKind::PageImage => "image",
            UseKind::StyleSheet => "style sheet",
            UseKind::InlineStyle => "inline style",
            UseKind::Icon => "icon link",
            UseKind::Meta => "meta tag",
            UseKind::CustomCode => "custom code",
            UseKind::PageLink => "link",
        })
    }
}

/// One place that uses an asset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Place {
    /// An image node of a static page.
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    Page {
        /// The page's id.
        page_id: String,
        /// Its title.
        title: Option<String>,
        /// Its slug.
        slug: Option<String>,
        /// The node (Webflow's node UUID).
        node_id: String,
        /// The locale's tag (`fr-FR`) when the use is in a secondary
        /// locale only; `None` for the primary locale.
        locale: Option<String>,
    },
    /// An image node of a component (every page that holds the component
    /// shows it).
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    Component {
        /// The component's id.
        component_id: String,
        /// Its name.
        name: Option<String>,
        /// The node.
        node_id: String,
        /// As for pages.
        locale: Option<String>,
    },
    /// A field of a CMS item.
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    Item {
        /// The collection's id.
        collection_id: String,
        /// Its name.
        collection: Option<String>,
        /// The item's id.
        item_id: String,
        /// The item's name.
        name: Option<String>,
        /// The field's slug.
        field: String,
        /// The field's type as the collection gives it (`Image`, `Link`,
        /// `PlainText`, ...; empty for a field the collection does not list).
        field_type: String,
        /// Whether the staged item uses it.
        staged: bool,
        /// Whether the live (published) item uses it.
        live: bool,
        /// The CMS locale's tag when only a secondary locale's item uses it.
        locale: Option<String>,
    },
    /// A document of the published site: a page, or a style sheet or
    /// script it links.
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    Published {
        /// Its URL.
        url: String,
    },
}

impl Place {
    /// Whether the place can be changed through the API (CMS items); pages
    /// and components are changed in the Designer.
    pub fn is_cms(&self) -> bool {
        matches!(self, Place::Item { .. })
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let locale = |l: &Option<String>| match l {
            Some(tag) => format!(" [{tag}]"),
            None => String::new(),
        };
        match self {
            Place::Page {
                page_id,
                title,
                slug,
                node_id,
                locale: l,
            } => write!(
                f,
                "page {:?} (/{}, {page_id}) node {node_id}{}",
                title.as_deref().unwrap_or(""),
                slug.as_deref().unwrap_or(""),
                locale(l)
            ),
            Place::Component {
                component_id,
                name,
                node_id,
                locale: l,
            } => write!(
                f,
                "component {:?} ({component_id}) node {node_id}{}",
                name.as_deref().unwrap_or(""),
                locale(l)
            ),
            Place::Item {
                collection,
                collection_id,
                item_id,
                name,
                field,
                field_type,
                staged,
                live,
                locale: l,
            } => {
                let stages = match (staged, live) {
                    (true, true) => "staged and live",
                    (true, false) => "staged",
                    _ => "live",
                };
                write!(
                    f,
                    "CMS {:?} ({collection_id}) item {:?} ({item_id}) field {field} ({field_type}), {stages}{}",
                    collection.as_deref().unwrap_or(""),
                    name.as_deref().unwrap_or(""),
                    locale(l)
                )
            }
            Place::Published { url } => write!(f, "published {url}"),
        }
    }
}

/// A use of an asset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Use {
    /// The asset's id.
    pub asset_id: String,
    /// How the place uses it.
    pub how: UseKind,
    /// Where.
    pub place: Place,
}
