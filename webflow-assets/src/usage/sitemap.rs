//! The published site's own list of its pages: `robots.txt`'s `Sitemap:`
//! lines and the sitemaps (Webflow writes `/sitemap.xml` for every
//! published site: static pages, CMS item pages, and each locale's
//! `hreflang` alternates). They seed the crawl with pages no link and no
//! API list reaches.

use quick_xml::{Reader, XmlVersion};
use quick_xml::events::Event;
use url::Url;

use super::published::{DocKind, Read, SiteUrls};

/// A sitemap (`<urlset>`) or a sitemap index (`<sitemapindex>`): its pages
/// (each `<loc>` and each `<xhtml:link rel="alternate" href>`) and the
/// sitemaps it names. A sitemap lists its own site's pages under the
/// site's canonical domain: where that is not a host being read (a staging
/// origin, say), the same path is read at `at`'s origin instead. An XML
/// error is an error (a sitemap not read whole is a gap, never an empty
/// list).
pub(crate) fn read_sitemap(xml: &str, at: &Url, site: &SiteUrls) -> Result<Read, String> {
    let mut reader = Reader::from_str(xml);
    let mut read = Read::default();
    let mut in_loc = false;
    let mut index = false;
    let mut loc = String::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("is not a sitemap (XML error at byte {}: {e})", reader.error_position()))?;
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    "sitemapindex" => index = true,
                    "loc" => {
                        in_loc = true;
                        loc.clear();
                    }
                    "link" => {
                        let attr = |n: &str| {
                            e.attributes()
                                .flatten()
                                .find(|a| a.key.local_name().as_ref() == n)
                                .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
                        };
                        if attr("rel").is_some_and(|r| r.eq_ignore_ascii_case("alternate"))
                            && let Some(href) = attr("href")
                        {
                            push(&mut read, &href, at, site, DocKind::Page);
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_loc => {
                loc.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if in_loc => {
                // The five XML entities; a sitemap's URLs use `&amp;`.
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    loc.push(c);
                    continue;
                }
                loc.push_str(match r.into_inner().as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                });
            }
            Event::End(e) if e.local_name().as_ref() == "loc" => {
                in_loc = false;
                let kind = if index { DocKind::Sitemap } else { DocKind::Page };
                let href = std::mem::take(&mut loc);
                push(&mut read, href.trim(), at, site, kind);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(read)
}

/// `robots.txt`: the sitemaps its `Sitemap:` lines name.
pub(crate) fn read_robots(text: &str, at: &Url, site: &SiteUrls) -> Read {
    let mut read = Read::default();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        if let Some((key, value)) = line.split_once(':')
            && key.trim().eq_ignore_ascii_case("sitemap")
        {
            push(&mut read, value.trim(), at, site, DocKind::Sitemap);
        }
    }
    read
}

fn push(read: &mut Read, href: &str, at: &Url, site: &SiteUrls, kind: DocKind) {
    let Ok(mut url) = at.join(href) else { return };
    if !site.is_site_host(&url) {
        // The same path on the origin being read.
        let Ok(moved) = at.join(&format!("{}{}", url.path(), url.query().map(|q| format!("?{q}")).unwrap_or_default()))
        else {
            return;
        };
        url = moved;
    }
    let url = match kind {
        DocKind::Page => site.page(url),
        _ => Some(url),
    };
    if let Some(url) = url
        && !read.links.iter().any(|(u, _)| *u == url)
    {
        read.links.push((url, kind));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> SiteUrls {
        SiteUrls {
            hosts: vec!["www.example.com".into()],
            site_id: "580e63e98c9a982ac9b8b741".into(),
        }
    }

    fn links(read: &Read) -> Vec<(String, DocKind)> {
        read.links.iter().map(|(u, k)| (u.to_string(), *k)).collect()
    }

    #[test]
    fn a_sitemap_gives_its_pages_and_their_alternates() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <url><loc>https://www.example.com/</loc>
    <xhtml:link rel="alternate" hreflang="en" href="https://www.example.com/"/>
    <xhtml:link rel="alternate" hreflang="fr" href="https://www.example.com/fr"/></url>
  <url><loc>https://www.example.com/blog/post?a=1&amp;b=2</loc></url>
  <url><loc>https://production.example.org/landing</loc></url>
</urlset>"#;
        let at = Url::parse("https://www.example.com/sitemap.xml").unwrap();
        let read = read_sitemap(xml, &at, &site()).unwrap();
        assert_eq!(
            links(&read),
            [
                ("https://www.example.com/".to_owned(), DocKind::Page),
                ("https://www.example.com/fr".to_owned(), DocKind::Page),
                ("https://www.example.com/blog/post".to_owned(), DocKind::Page),
                ("https://www.example.com/landing".to_owned(), DocKind::Page),
            ]
        );
        assert!(read.uses.is_empty());
    }

    #[test]
    fn a_sitemap_index_names_sitemaps_and_broken_xml_is_an_error() {
        let xml = "<sitemapindex><sitemap><loc>https://www.example.com/sitemap-2.xml</loc></sitemap></sitemapindex>";
        let at = Url::parse("https://www.example.com/sitemap.xml").unwrap();
        let read = read_sitemap(xml, &at, &site()).unwrap();
        assert_eq!(
            links(&read),
            [("https://www.example.com/sitemap-2.xml".to_owned(), DocKind::Sitemap)]
        );
        let broken = read_sitemap("<urlset><url><loc>https://www.example.com/a</url>", &at, &site()).unwrap_err();
        assert!(broken.contains("is not a sitemap"), "{broken}");
    }

    #[test]
    fn robots_names_its_sitemaps() {
        let at = Url::parse("https://www.example.com/robots.txt").unwrap();
        let read = read_robots(
            "User-agent: *\nDisallow: /private # none\nSitemap: https://www.example.com/sitemap.xml\nsitemap:/more.xml\n",
            &at,
            &site(),
        );
        assert_eq!(
            links(&read),
            [
                ("https://www.example.com/sitemap.xml".to_owned(), DocKind::Sitemap),
                ("https://www.example.com/more.xml".to_owned(), DocKind::Sitemap),
            ]
        );
    }
}
