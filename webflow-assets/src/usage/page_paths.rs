//! Where the API's page lists say the published site's pages are: each
//! locale's static pages at their `publishedPath`, and the collections
//! whose template page publishes a page per live item.

use std::collections::BTreeSet;

use crate::types::Page;

/// What the page lists (every locale's) tell the crawl.
#[derive(Debug, Default)]
pub(crate) struct PublishedPages {
    /// Paths of the published static pages, secondary locales' included.
    pub paths: Vec<String>,
    /// Collections with a template page: each live item has a page.
    pub templates: BTreeSet<String>,
}

impl PublishedPages {
    /// Notes a page of a locale's list; `subdirectory` is the locale's
    /// (none for the primary one), for a page whose list gives no
    /// `publishedPath`.
    pub(crate) fn note(&mut self, page: &Page, subdirectory: Option<&str>) {
        if page.draft == Some(true) || page.archived == Some(true) {
            return;
        }
        if let Some(collection) = &page.collection_id {
            self.templates.insert(collection.clone());
            return;
        }
        // The password page is not at a path of its own: its body comes
        // with every 401 answer.
        if page.slug.as_deref() == Some("401") {
            return;
        }
        let prefix = subdirectory
            .map(|s| s.trim_matches('/'))
            .filter(|s| !s.is_empty())
            .map(|s| format!("/{s}"))
            .unwrap_or_default();
        let path = match (&page.published_path, &page.slug) {
            (Some(p), _) if !p.is_empty() => p.clone(),
            (_, Some(slug)) if slug == "index" || slug.is_empty() => format!("{prefix}/"),
            (_, Some(slug)) => format!("{prefix}/{slug}"),
            (_, None) => return,
        };
        if !self.paths.contains(&path) {
            self.paths.push(path);
        }
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    fn page(slug: &str, published_path: Option<&str>) -> Page {
        serde_json::from_value(serde_json::json!({
            "id": "6596da6045e56dee495bcbba", "slug": slug, "publishedPath": published_path
        }))
        .unwrap()
    }

    #[test]
    fn each_locales_pages_are_at_their_published_path_or_under_the_subdirectory() {
        let mut pages = PublishedPages::default();
        // Webflow's List Pages example, in a secondary locale.
        pages.note(&page("guide-to-the-galaxy", Some("/en-us/guide-to-the-galaxy")), Some("en-us"));
        pages.note(&page("about", None), Some("fr-fr"));
        pages.note(&page("index", None), Some("/fr-fr/"));
        pages.note(&page("index", None), None);
        // The password page has no path of its own.
        pages.note(&page("401", None), None);
        pages.note(&page("about", None), Some("fr-fr"));
        assert_eq!(pages.paths, ["/en-us/guide-to-the-galaxy", "/fr-fr/about", "/fr-fr/", "/"]);
    }
}
