//! Which URLs belong to a site: its hosts, and its folder on Webflow's CDN;
//! which links are its pages, and which style sheets and scripts a page
//! loads.

use url::Url;

/// Which URLs belong to the site: its hosts (the crawl's own, its custom
/// domains, the `webflow.io` one), and on any host, the files under the
/// site's id (Webflow's CDN keeps a site's style sheets and scripts at
/// `/<site id>/...`).
#[derive(Clone, Debug)]
pub(crate) struct SiteUrls {
    pub hosts: Vec<String>,
    pub site_id: String,
}

impl SiteUrls {
    /// `host[:port]` of `url`, lower case.
    pub(crate) fn authority(url: &Url) -> Option<String> {
        let host = url.host_str()?.to_ascii_lowercase();
        Some(match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        })
    }

    pub(crate) fn is_site_host(&self, url: &Url) -> bool {
        // Asked for every link of every page: compared in place, without
        // building the URL's `host[:port]`.
        let Some(host) = url.host_str() else { return false };
        matches!(url.scheme(), "http" | "https")
            && self.hosts.iter().any(|a| {
                let (name, port) = match a.rsplit_once(':') {
                    Some((name, port)) if !name.is_empty() && port.parse::<u16>().is_ok() => (name, port.parse().ok()),
                    _ => (a.as_str(), None),
                };
                name.eq_ignore_ascii_case(host) && port == url.port()
            })
    }

    /// A page of the site: on its hosts, not a file of another kind.
    /// Queries and fragments are dropped: they show the same page (a
    /// paginated list's items have template pages of their own).
    pub(crate) fn page(&self, mut url: Url) -> Option<Url> {
        if !self.is_site_host(&url) {
            return None;
        }
        url.set_fragment(None);
        url.set_query(None);
        let last = url.path_segments()?.next_back().unwrap_or("");
        match last.rsplit_once('.') {
            Some((_, ext)) if !ext.eq_ignore_ascii_case("html") && !ext.eq_ignore_ascii_case("htm") => None,
            _ => Some(url),
        }
    }

    /// Under the site's folder (`/<site id>/...`) of any host: where
    /// Webflow's CDN keeps the site's files.
    pub(crate) fn is_on_cdn(&self, url: &Url) -> bool {
        matches!(url.scheme(), "http" | "https")
            && url
                .path_segments()
                .and_then(|mut s| s.next())
                .is_some_and(|first| first.eq_ignore_ascii_case(&self.site_id))
    }

    /// A style sheet or script a page loads: on any web host, since what a
    /// browser loads to show the page is part of the page (a user's own
    /// CDN, jsDelivr, GitHub Pages). Nothing read there leads off the site:
    /// only style sheets and scripts are read off it, never pages.
    pub(crate) fn resource(&self, mut url: Url) -> Option<Url> {
        url.set_fragment(None);
        matches!(url.scheme(), "http" | "https").then_some(url)
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "580e63e98c9a982ac9b8b741";

    #[test]
    fn a_site_host_is_its_host_and_port_in_any_case() {
        let site = SiteUrls {
            hosts: vec!["www.example.com".into(), "127.0.0.1:8080".into(), "[::1]:9000".into(), "[::1]".into()],
            site_id: SITE.into(),
        };
        let is = |u: &str| site.is_site_host(&Url::parse(u).unwrap());
        assert!(is("https://WWW.Example.com/a"));
        assert!(is("http://127.0.0.1:8080/"));
        assert!(!is("http://127.0.0.1:8081/"));
        assert!(!is("http://127.0.0.1/"));
        assert!(is("http://[::1]:9000/x"));
        assert!(is("http://[::1]/x"));
        assert!(!is("https://www.example.com.evil.org/"));
        assert!(!is("ftp://www.example.com/"));
    }
}
