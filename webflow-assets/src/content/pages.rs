//! Get Site, pages and their content, components and theirs.

use futures::Stream;

use super::{GET_SITE, first_page};
use crate::assets::{ListOptions, pages, parse_id};
use crate::validate::{self, Origin};
use crate::client::{Client, Operation};
use crate::error::Error;
use crate::types::{Component, ComponentContent, DomNode, Page, PageContent, PageList, Site};

const LIST_PAGES: Operation = Operation::idempotent("List Pages", "GET", "/sites/{site_id}/pages");
const PAGE_CONTENT: Operation =
    Operation::idempotent("Get Page Content", "GET", "/pages/{page_id}/dom");
const LIST_COMPONENTS: Operation =
    Operation::idempotent("List Components", "GET", "/sites/{site_id}/components");
const COMPONENT_CONTENT: Operation = Operation::idempotent(
    "Get Component Content",
    "GET",
    "/sites/{site_id}/components/{component_id}/dom",
);

impl Client {
    /// Get Site: `GET /sites/{site_id}`, e.g. for its locales.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), webflow_assets::Error> {
    /// let client = webflow_assets::Client::from_env()?;
    /// let site = client.get_site("580e63e98c9a982ac9b8b741").await?;
    /// let secondary = site.locales.and_then(|l| l.secondary).unwrap_or_default();
    /// println!("{} secondary locale(s)", secondary.len());
    /// # Ok(()) }
    /// ```
    pub async fn get_site(&self, site_id: &str) -> Result<Site, Error> {
        let site = parse_id("site id", site_id)?;
        self.call(GET_SITE, Some(format!("site {site_id}")), None, |api| {
            api.get_site(&site)
        })
        .await
    }

    /// List Pages, one page of the list: `GET /sites/{site_id}/pages`
    /// (`options`' folder is not used).
    pub async fn list_pages_page(
        &self,
        site_id: &str,
        options: &ListOptions,
    ) -> Result<PageList, Error> {
        let site = parse_id("site id", site_id)?;
        let limit = options.checked_limit()?;
        let locale = super::locale_param(options, "locale id")?;
        self.call(
            LIST_PAGES,
            Some(format!("site {site_id}'s pages")),
            None,
            |api| api.list_pages(&site, Some(limit), locale, Some(options.offset)),
        )
        .await
    }

    /// Every page of a site, in `locale` or the primary locale, 100 a call.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), webflow_assets::Error> {
    /// use futures::TryStreamExt;
    ///
    /// let client = webflow_assets::Client::from_env()?;
    /// let pages: Vec<_> = client.list_pages("580e63e98c9a982ac9b8b741", None).try_collect().await?;
    /// for page in pages {
    ///     println!("{} {:?} changed {:?}", page.id, page.title, page.last_updated);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_pages(
        &self,
        site_id: impl Into<String>,
        locale: Option<String>,
    ) -> impl Stream<Item = Result<Page, Error>> + Send + 'static {
        let (client, site_id) = (self.clone(), site_id.into());
        pages(first_page(locale), move |page| {
            let (client, site_id) = (client.clone(), site_id.clone());
            async move {
                let list = client.list_pages_page(&site_id, &page).await?;
                Ok((list.pages, list.pagination))
            }
        })
    }

    /// Get Page Content, one page of nodes: `GET /pages/{page_id}/dom`.
    pub async fn page_content_page(
        &self,
        page_id: &str,
        options: &ListOptions,
    ) -> Result<PageContent, Error> {
        self.page_content_page_from(Origin::Typed, page_id, options)
            .await
    }

    async fn page_content_page_from(
        &self,
        origin: Origin,
        page_id: &str,
        options: &ListOptions,
    ) -> Result<PageContent, Error> {
        origin.object_id("page id", page_id)?;
        let limit = options.checked_limit()?;
        let locale = super::locale_param(options, "locale id")?;
        self.call(PAGE_CONTENT, Some(format!("page {page_id}")), None, |api| {
            api.get_page_content(page_id, Some(limit), locale, Some(options.offset))
        })
        .await
    }

    /// Every static node of a page, in `locale` or the primary locale.
    pub fn page_content(
        &self,
        page_id: impl Into<String>,
        locale: Option<String>,
    ) -> impl Stream<Item = Result<DomNode, Error>> + Send + 'static {
        self.page_content_from(Origin::Typed, page_id.into(), locale)
    }

    /// [`page_content`](Self::page_content) of a page id as `origin` gave it.
    pub(crate) fn page_content_from(
        &self,
        origin: Origin,
        page_id: String,
        locale: Option<String>,
    ) -> impl Stream<Item = Result<DomNode, Error>> + Send + 'static {
        let client = self.clone();
        pages(first_page(locale), move |page| {
            let (client, page_id) = (client.clone(), page_id.clone());
            async move {
                let content = client
                    .page_content_page_from(origin, &page_id, &page)
                    .await?;
                Ok((content.nodes, content.pagination))
            }
        })
    }

    /// List Components, one page of the list: `GET /sites/{site_id}/components`.
    pub async fn list_components_page(
        &self,
        site_id: &str,
        options: &ListOptions,
    ) -> Result<crate::types::ComponentList, Error> {
        let site = parse_id("site id", site_id)?;
        let limit = options.checked_limit()?;
        self.call(
            LIST_COMPONENTS,
            Some(format!("site {site_id}'s components")),
            None,
            |api| api.list_components(&site, Some(limit), Some(options.offset)),
        )
        .await
    }

    /// Every component of a site.
    pub fn list_components(
        &self,
        site_id: impl Into<String>,
    ) -> impl Stream<Item = Result<Component, Error>> + Send + 'static {
        let (client, site_id) = (self.clone(), site_id.into());
        pages(ListOptions::new(), move |page| {
            let (client, site_id) = (client.clone(), site_id.clone());
            async move {
                let list = client.list_components_page(&site_id, &page).await?;
                Ok((list.components, list.pagination))
            }
        })
    }

    /// Get Component Content, one page of nodes:
    /// `GET /sites/{site_id}/components/{component_id}/dom`. A component id
    /// is a plain string in Webflow's spec (UUIDs in its examples): any
    /// but an empty one is sent, percent-encoded.
    pub async fn component_content_page(
        &self,
        site_id: &str,
        component_id: &str,
        options: &ListOptions,
    ) -> Result<ComponentContent, Error> {
        let site = parse_id("site id", site_id)?;
        validate::string_id("component id", component_id)?;
        let limit = options.checked_limit()?;
        let locale = super::locale_param(options, "locale id")?;
        self.call(
            COMPONENT_CONTENT,
            Some(format!("component {component_id}")),
            None,
            |api| api.get_component_content(&site, component_id, Some(limit), locale, Some(options.offset)),
        )
        .await
    }

    /// Every static node of a component, in `locale` or the primary locale.
    pub fn component_content(
        &self,
        site_id: impl Into<String>,
        component_id: impl Into<String>,
        locale: Option<String>,
    ) -> impl Stream<Item = Result<DomNode, Error>> + Send + 'static {
        let (client, site_id, id) = (self.clone(), site_id.into(), component_id.into());
        pages(first_page(locale), move |page| {
            let (client, site_id, id) = (client.clone(), site_id.clone(), id.clone());
            async move {
                let content = client.component_content_page(&site_id, &id, &page).await?;
                Ok((content.nodes, content.pagination))
            }
        })
    }
}
