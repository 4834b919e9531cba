//! The reads that show where a site uses its assets, and the CMS item
//! updates that move those uses: Get Site (its locales), pages and their
//! content, components and theirs ([`pages`]), collections and their items
//! ([`cms`]). Each operation is one method, sent through
//! [`Client::call`](crate::Client) like the Assets API's: the shared rate
//! gate, retries (every one of them is idempotent), typed errors. A 403 is
//! [`Error::Forbidden`](crate::Error::Forbidden), naming the missing scope.

mod cms;
mod pages;

pub use cms::{MAX_ITEMS_PER_UPDATE, Stage};

use crate::assets::ListOptions;
use crate::client::Operation;

/// The scope each read needs, as Webflow names it.
pub(crate) mod scope {
    /// Get Site.
    pub const SITES_READ: &str = "sites:read";
    /// List Pages, Get Page Content.
    pub const PAGES_READ: &str = "pages:read";
    /// List Components, Get Component Content.
    pub const COMPONENTS_READ: &str = "components:read";
    /// Collections and items.
    pub const CMS_READ: &str = "cms:read";
}

pub(crate) const GET_SITE: Operation = Operation::idempotent("Get Site", "GET", "/sites/{site_id}");

/// `options`' locale, checked as `what`: a plain string in Webflow's spec,
/// so only an empty one is refused.
fn locale_param<'a>(options: &'a ListOptions, what: &str) -> Result<Option<&'a str>, crate::Error> {
    let locale = options.locale.as_deref();
    if let Some(l) = locale {
        crate::validate::string_id(what, l)?;
    }
    Ok(locale)
}

/// The first page of a list in `locale` (or the primary locale).
fn first_page(locale: Option<String>) -> ListOptions {
    let options = ListOptions::new();
    match locale {
        Some(l) => options.locale(l),
        None => options,
    }
}
