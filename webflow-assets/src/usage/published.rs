//! What one document of the published site names: a page's HTML (which
//! tag and attribute each asset URL stands in, and the pages, style sheets
//! and scripts it links), a style sheet, a script.
//!
//! The asset URLs are found by [`refs`](super::refs) over the whole text,
//! as in the API's HTML: in a style sheet that finds every `url()`,
//! `image-set()` string and custom property, and in a script every string,
//! which a CSS or JavaScript tokenizer would only cut into the same tokens
//! (see `BENCHMARKS.md`, section 9, for both measured on the fixtures).
//! html5gum tells the tag, the attribute, or the `<style>`/`<script>` text a
//! URL stands in.

use std::ops::Range;

use html5gum::{DefaultEmitter, Token, Tokenizer};
use url::Url;

use super::UseKind;
use super::refs::{self, Known};
pub(crate) use super::site_urls::SiteUrls;

/// What a crawled document is read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum DocKind {
    /// An HTML page of the site.
    Page,
    /// A style sheet it links.
    StyleSheet,
    /// A script it links.
    Script,
    /// A sitemap (or sitemap index): the site's own list of its pages.
    Sitemap,
    /// `robots.txt`, for its `Sitemap:` lines.
    Robots,
}

/// What a document names: assets (with how), and documents to read next.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Read {
    pub uses: Vec<(String, UseKind)>,
    pub links: Vec<(Url, DocKind)>,
}

/// A start tag: its bytes, its name, each attribute's name, value span
/// and (decoded) value.
struct Tag {
    span: Range<usize>,
    name: Vec<u8>,
    attributes: Vec<(Vec<u8>, Range<usize>, String)>,
}

impl Tag {
    fn attribute(&self, name: &[u8]) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, _, v)| v.as_str())
    }
}

/// Text outside tags: inside a `<style>`, a `<script>`, or elsewhere.
#[derive(Clone, Copy, PartialEq)]
enum TextIn {
    Style,
    Script,
    Other,
}

/// A page's HTML, fetched from `base`.
pub(crate) fn read_page(html: &str, base: &Url, site: &SiteUrls, known: &Known) -> Read {
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    // `<script>` and `<style>` content is text, as a browser reads it.
    emitter.naively_switch_states(true);
    let mut tags = Vec::new();
    let mut texts: Vec<(Range<usize>, TextIn)> = Vec::new();
    let mut inside = TextIn::Other;
    let mut read = Read::default();
    let mut base = base.clone();
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            Token::StartTag(tag) => {
                // The token's own buffers, moved: a page's tags are most of
                // its allocations (measured: BENCHMARKS.md section 9).
                let lower = |mut bytes: Vec<u8>| {
                    bytes.make_ascii_lowercase();
                    bytes
                };
                let tag = Tag {
                    span: tag.span.start..tag.span.end,
                    name: lower(tag.name.0),
                    attributes: tag
                        .attributes
                        .into_iter()
                        .map(|(name, value)| {
                            let span = value.span.start..value.span.end;
                            let text = String::from_utf8(value.value.0)
                                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                            (lower(name.0), span, text)
                        })
                        .collect(),
                };
                inside = match tag.name.as_slice() {
                    b"style" if !tag_self_closing(html, &tag.span) => TextIn::Style,
                    b"script" if !tag_self_closing(html, &tag.span) => TextIn::Script,
                    _ => TextIn::Other,
                };
                links_of(&tag, &mut base, site, &mut read.links);
                tags.push(tag);
            }
            Token::EndTag(_) => inside = TextIn::Other,
            Token::String(s) => texts.push((s.span.start..s.span.end, inside)),
            _ => {}
        }
    }
    // `@import` in a `<style>` of the page (head or body custom code).
    for (span, _) in texts.iter().filter(|(_, within)| *within == TextIn::Style) {
        read.links.extend(
            imports(&html[span.clone()])
                .filter_map(|href| base.join(href).ok())
                .filter_map(|url| site.resource(url))
                .map(|url| (url, DocKind::StyleSheet)),
        );
    }
    for found in refs::find(html, known) {
        let at = found.range.start;
        let kind = match tags.iter().find(|t| t.span.contains(&at)) {
            Some(tag) => attribute_kind(tag, at),
            None => match texts.iter().find(|(span, _)| span.contains(&at)) {
                Some((_, TextIn::Style)) => UseKind::StyleSheet,
                Some((_, TextIn::Script)) => UseKind::CustomCode,
                _ => UseKind::HtmlText,
            },
        };
        read.uses.push((found.asset_id, kind));
    }
    read
}

fn tag_self_closing(html: &str, span: &Range<usize>) -> bool {
    html[span.clone()].ends_with("/>")
}

/// The pages, style sheets and scripts a tag links (`<base href>` moves
/// what later links are relative to).
fn links_of(tag: &Tag, base: &mut Url, site: &SiteUrls, out: &mut Vec<(Url, DocKind)>) {
    let join = |base: &Url, href: &str| base.join(href.trim()).ok();
    match tag.name.as_slice() {
        b"base" => {
            if let Some(url) = tag.attribute(b"href").and_then(|h| join(base, h)) {
                *base = url;
            }
        }
        b"a" | b"area" => {
            if let Some(url) = tag.attribute(b"href").and_then(|h| join(base, h))
                && let Some(page) = site.page(url)
            {
                out.push((page, DocKind::Page));
            }
        }
        b"link" => {
            let rel = tag.attribute(b"rel").unwrap_or("").to_ascii_lowercase();
            let rels = || rel.split_ascii_whitespace();
            let href = tag.attribute(b"href").and_then(|h| join(base, h));
            if rels().any(|r| r == "stylesheet")
                && let Some(css) = href.clone().and_then(|u| site.resource(u))
            {
                out.push((css, DocKind::StyleSheet));
            }
            // A locale's version of the page (Webflow's localization writes
            // one for each locale).
            if rels().any(|r| r == "alternate")
                && tag.attribute(b"hreflang").is_some()
                && let Some(page) = href.and_then(|u| site.page(u))
            {
                out.push((page, DocKind::Page));
            }
        }
        b"script" => {
            if let Some(url) = tag.attribute(b"src").and_then(|h| join(base, h))
                && let Some(js) = site.resource(url)
            {
                out.push((js, DocKind::Script));
            }
        }
        _ => {}
    }
}

/// How the attribute that holds byte `at` of `tag` uses an asset.
fn attribute_kind(tag: &Tag, at: usize) -> UseKind {
    let attribute = tag
        .attributes
        .iter()
        .filter(|(_, span, _)| span.start <= at)
        .max_by_key(|(_, span, _)| span.start)
        .map(|(name, _, _)| name.as_slice());
    let rel = tag.attribute(b"rel").unwrap_or("").to_ascii_lowercase();
    match (tag.name.as_slice(), attribute) {
        (_, Some(b"style")) => UseKind::InlineStyle,
        (b"img", Some(b"src" | b"srcset" | b"data-src" | b"data-srcset")) => UseKind::PageImage,
        // A `<picture>`'s sources; a `<video>`'s or `<audio>`'s `src` is
        // another attribute.
        (b"source", Some(b"srcset")) => UseKind::PageImage,
        (b"link", Some(b"href")) if rel.contains("icon") => UseKind::Icon,
        (b"meta", Some(b"content")) => UseKind::Meta,
        (b"a", Some(b"href")) => UseKind::PageLink,
        _ => UseKind::HtmlAttribute,
    }
}

/// A style sheet: its assets, and the style sheets it imports.
pub(crate) fn read_style_sheet(css: &str, base: &Url, site: &SiteUrls, known: &Known) -> Read {
    let uses = refs::find(css, known)
        .into_iter()
        .map(|f| (f.asset_id, UseKind::StyleSheet))
        .collect();
    let links = imports(css)
        .filter_map(|href| base.join(href).ok())
        .filter_map(|url| site.resource(url))
        .map(|url| (url, DocKind::StyleSheet))
        .collect();
    Read { uses, links }
}

/// The targets of `@import "x"` and `@import url(x)`.
fn imports(css: &str) -> impl Iterator<Item = &str> {
    css.match_indices("@import").filter_map(move |(at, _)| {
        let rest = css[at + "@import".len()..].trim_start();
        let rest = rest.strip_prefix("url(").map(str::trim_start).unwrap_or(rest);
        let quote = rest.chars().next()?;
        let (body, end) = if quote == '"' || quote == '\'' {
            (&rest[1..], quote)
        } else {
            (rest, ')')
        };
        body.split(end).next().map(str::trim).filter(|s| !s.is_empty())
    })
}

/// A script: every asset URL in it is custom code's.
pub(crate) fn read_script(js: &str, known: &Known) -> Read {
    Read {
        uses: refs::find(js, known)
            .into_iter()
            .map(|f| (f.asset_id, UseKind::CustomCode))
            .collect(),
        links: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "659595234426a9fcbad57043";
    const SITE: &str = "580e63e98c9a982ac9b8b741";

    fn site() -> SiteUrls {
        SiteUrls {
            hosts: vec!["www.example.com".into(), "example.webflow.io".into()],
            site_id: SITE.into(),
        }
    }

    fn base() -> Url {
        Url::parse("https://www.example.com/about").unwrap()
    }

    #[test]
    fn each_place_in_a_published_page_has_its_kind() {
        let u = format!("https://cdn.prod.website-files.com/{SITE}/{A}_hero.jpg");
        let html = format!(
            "<html><head><link rel=\"shortcut icon\" href=\"{u}\"><link rel=apple-touch-icon href=\"{u}\">\
             <meta property=\"og:image\" content=\"{u}\"><style>.hero{{background:url('{u}')}}</style>\
             <script>var x = \"{u}\";</script></head><body><img src=\"{u}\" srcset=\"{u} 500w\">\
             <div style=\"background-image:url(&quot;{u}&quot;)\"></div><a href=\"{u}\">PDF</a>\
             <video data-x=\"{u}\"></video><p>{u}</p></body></html>"
        );
        let read = read_page(&html, &base(), &site(), &Known::default());
        let kinds: Vec<UseKind> = read.uses.iter().map(|(_, k)| *k).collect();
        assert_eq!(
            kinds,
            [
                UseKind::Icon,
                UseKind::Icon,
                UseKind::Meta,
                UseKind::StyleSheet,
                UseKind::CustomCode,
                UseKind::PageImage,
                UseKind::PageImage,
                UseKind::InlineStyle,
                UseKind::PageLink,
                UseKind::HtmlAttribute,
                UseKind::HtmlText,
            ]
        );
        assert!(read.uses.iter().all(|(id, _)| id == A));
    }

    #[test]
    fn pages_stay_on_the_site_and_style_sheets_and_scripts_come_from_anywhere() {
        let html = format!(
            "<link rel=stylesheet href=\"https://cdn.prod.website-files.com/{SITE}/css/x.webflow.css\">\
             <link rel=stylesheet href=\"https://fonts.googleapis.com/css?family=Inter\">\
             <script src=\"/{SITE}/js/webflow.js\"></script><script src=\"https://cdn.jsdelivr.net/x.js\"></script>\
             <a href=\"/blog/post-1?page=2#top\">1</a><a href=\"https://example.webflow.io/team\">t</a>\
             <a href=\"https://elsewhere.com/\">e</a><a href=\"mailto:a@b.c\">m</a><a href=\"/brochure.pdf\">b</a>\
             <a href=\"contact.html\">c</a>"
        );
        let read = read_page(&html, &base(), &site(), &Known::default());
        let links: Vec<(String, DocKind)> = read.links.iter().map(|(u, k)| (u.to_string(), *k)).collect();
        assert_eq!(
            links,
            [
                (format!("https://cdn.prod.website-files.com/{SITE}/css/x.webflow.css"), DocKind::StyleSheet),
                ("https://fonts.googleapis.com/css?family=Inter".to_owned(), DocKind::StyleSheet),
                (format!("https://www.example.com/{SITE}/js/webflow.js"), DocKind::Script),
                ("https://cdn.jsdelivr.net/x.js".to_owned(), DocKind::Script),
                ("https://www.example.com/blog/post-1".to_owned(), DocKind::Page),
                ("https://example.webflow.io/team".to_owned(), DocKind::Page),
                ("https://www.example.com/contact.html".to_owned(), DocKind::Page),
            ]
        );
    }

    #[test]
    fn a_style_sheet_names_its_backgrounds_and_imports() {
        let css = format!(
            "@import url(\"/{SITE}/css/more.css\");@import 'https://fonts.googleapis.com/x.css';\
             .a{{background-image:url({A}_bg.png)}} .b{{--hero: url(\"https://cdn/{A}_bg-p-800.png\")}}\
             .c{{background:image-set(\"https://cdn/{A}_bg-p-500.avif\" type(\"image/avif\"))}}"
        );
        let read = read_style_sheet(&css, &base(), &site(), &Known::default());
        assert_eq!(read.uses.len(), 3, "{:?}", read.uses);
        assert!(read.uses.iter().all(|(id, k)| id == A && *k == UseKind::StyleSheet));
        assert_eq!(
            read.links,
            [
                (
                    Url::parse(&format!("https://www.example.com/{SITE}/css/more.css")).unwrap(),
                    DocKind::StyleSheet
                ),
                (Url::parse("https://fonts.googleapis.com/x.css").unwrap(), DocKind::StyleSheet)
            ]
        );
    }

    #[test]
    fn a_page_names_the_imports_of_its_style_elements_and_its_locales() {
        let html = "<head><link rel=alternate hreflang=fr href=\"/fr/about\"><link rel=alternate type=application/rss+xml href=\"/feed\">\
             <style>@import url('https://user.github.io/site.css'); .a{color:red}</style></head>\
             <body><style>@import \"/custom.css\";</style></body>";
        let read = read_page(html, &base(), &site(), &Known::default());
        let links: Vec<(String, DocKind)> = read.links.iter().map(|(u, k)| (u.to_string(), *k)).collect();
        assert_eq!(
            links,
            [
                ("https://www.example.com/fr/about".to_owned(), DocKind::Page),
                ("https://user.github.io/site.css".to_owned(), DocKind::StyleSheet),
                ("https://www.example.com/custom.css".to_owned(), DocKind::StyleSheet),
            ]
        );
    }
}
