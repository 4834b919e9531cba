//! The published site's documents, as Webflow writes them: each page's
//! HTML made from its nodes (the site's head extras, `hreflang`
//! alternates, custom code, a link to every listed page), a template page
//! per live item, the 404 and password utility pages, `sitemap.xml` and
//! `robots.txt`.

use serde_json::Value;

use crate::shared::Shared;
use crate::site::{LocaleModel, PageModel, SiteModel};

/// A locale's subdirectory, as Get Site gives it: its tag in lower case.
pub(crate) fn subdirectory(locale: &LocaleModel) -> String {
    locale.tag.to_ascii_lowercase()
}

/// Where a static page is published: `/` for the home page (slug `index`),
/// else `/<slug>`, as Webflow's `publishedPath` says.
pub(crate) fn path_of(page: &PageModel) -> String {
    path_in(page, None)
}

/// Where a page is published in a locale: under its subdirectory.
pub(crate) fn path_in(page: &PageModel, subdirectory: Option<&str>) -> String {
    let own = if page.slug == "index" || page.slug.is_empty() {
        String::new()
    } else {
        format!("/{}", page.slug)
    };
    match subdirectory.filter(|s| !s.is_empty()) {
        Some(sub) if own.is_empty() => format!("/{sub}"),
        Some(sub) => format!("/{sub}{own}"),
        None if own.is_empty() => "/".to_owned(),
        None => own,
    }
}

/// A published page: the page, the locale it is shown in (`None`: the
/// primary one), and the body to show for it.
pub(crate) struct Shown<'a> {
    pub page: &'a PageModel,
    pub locale: Option<&'a LocaleModel>,
    pub title: &'a str,
    pub body: String,
}

/// A whole page: the site's head extras, the page's, its locales'
/// alternates, the body, a link to every listed static page, custom code.
pub(crate) fn document(shared: &Shared, site: &SiteModel, shown: &Shown<'_>) -> String {
    let site_id = &shared.config.site_id;
    let page = shown.page;
    let asset = |id: &Option<String>| id.as_deref().and_then(|id| hosted(shared, id));
    let lang = shown.locale.map_or("en", |l| l.tag.as_str());
    let mut head = format!(
        "<meta charset=\"utf-8\"><title>{}</title>",
        escape(shown.title)
    );
    if let Some(og) = asset(&page.og_image).or_else(|| asset(&site.publish.og_image)) {
        head.push_str(&format!("<meta content=\"{og}\" property=\"og:image\">"));
    }
    if let Some(icon) = asset(&site.publish.favicon) {
        head.push_str(&format!(
            "<link href=\"{icon}\" rel=\"shortcut icon\" type=\"image/x-icon\">"
        ));
    }
    if let Some(clip) = asset(&site.publish.webclip) {
        head.push_str(&format!("<link href=\"{clip}\" rel=\"apple-touch-icon\">"));
    }
    head.push_str(&format!(
        "<link href=\"/{site_id}/css/sandbox-site.webflow.css\" rel=\"stylesheet\" type=\"text/css\">"
    ));
    // Each locale's version of a static page, with the absolute URLs
    // Webflow writes.
    if site.publish.hreflang
        && !site.locales.is_empty()
        && page.collection_id.is_none()
        && !is_utility(page)
    {
        let origin = format!("http://{}", shared.published_addr);
        head.push_str(&format!(
            "<link href=\"{origin}{}\" hreflang=\"en\" rel=\"alternate\">",
            path_of(page)
        ));
        for l in &site.locales {
            head.push_str(&format!(
                "<link href=\"{origin}{}\" hreflang=\"{}\" rel=\"alternate\">",
                path_in(page, Some(&subdirectory(l))),
                escape(&l.tag)
            ));
        }
    }
    head.push_str(&site.publish.head_code);
    head.push_str(&page.head);
    if let Some(extra) = shown.locale.and_then(|l| page.localized_head.get(&l.id)) {
        head.push_str(extra);
    }
    let nav: String = site
        .pages
        .iter()
        .filter(|p| p.collection_id.is_none() && !p.unlisted && !is_utility(p))
        .map(|p| format!("<a href=\"{}\">{}</a>", path_of(p), escape(&p.title)))
        .collect();
    format!(
        "<!DOCTYPE html><html data-wf-site=\"{site_id}\" data-wf-page=\"{}\" lang=\"{lang}\"><head>{head}</head>\
         <body><nav>{nav}</nav>{}{}{}<script src=\"/{site_id}/js/sandbox-site.js\" type=\"text/javascript\"></script></body></html>",
        page.id, shown.body, page.html, site.publish.body_code
    )
}

/// The 404 and password pages are utility pages: not in the navigation.
pub(crate) fn is_utility(page: &PageModel) -> bool {
    page.slug == "404" || page.slug == "401"
}

/// The site's 404 page (its own, or Webflow's default).
pub(crate) fn not_found_page(shared: &Shared, site: &SiteModel) -> String {
    match site.pages.iter().find(|p| p.slug == "404") {
        Some(page) => {
            let body = nodes_html(shared, &page.nodes);
            document(shared, site, &Shown { page, locale: None, title: &page.title, body })
        }
        None => "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Not Found</title></head>\
                 <body><div class=\"utility-page-wrap\"><div class=\"utility-page-content\">\
                 <h2>Page Not Found</h2><div>The page you are looking for doesn't exist or has been moved</div>\
                 </div></div></body></html>"
            .to_owned(),
    }
}

/// The password page for `path` (its own, or Webflow's default), with
/// Webflow's form: `pass`, and the page's path in `path` and `page`,
/// posted to `/.wf_auth`.
pub(crate) fn password_page(shared: &Shared, site: &SiteModel, path: &str) -> String {
    let form = format!(
        "<div class=\"utility-page-wrap\"><div class=\"utility-page-content w-password-page w-form\">\
         <form action=\"/.wf_auth\" method=\"post\" class=\"utility-page-form w-password-page\">\
         <h2>Protected Page</h2><input type=\"password\" autofocus=\"true\" maxlength=\"256\" name=\"pass\" placeholder=\"Enter your password\" class=\"w-password-page w-input\">\
         <input type=\"submit\" value=\"Submit\" class=\"w-password-page w-button\">\
         <input type=\"hidden\" name=\"path\" value=\"{0}\"><input type=\"hidden\" name=\"page\" value=\"{0}\"></form></div></div>",
        escape(path)
    );
    match site.pages.iter().find(|p| p.slug == "401") {
        Some(page) => {
            let body = format!("{}{form}", nodes_html(shared, &page.nodes));
            document(
                shared,
                site,
                &Shown {
                    page,
                    locale: None,
                    title: &page.title,
                    body,
                },
            )
        }
        None => format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Protected page</title></head><body>{form}</body></html>"
        ),
    }
}

/// `robots.txt`, naming the sitemap.
pub(crate) fn robots(shared: &Shared) -> String {
    format!(
        "User-agent: *\nDisallow:\n\nSitemap: http://{}/sitemap.xml\n",
        shared.published_addr
    )
}

/// `sitemap.xml`: every listed-or-not published static page (not the
/// utility pages) with its locales' alternates, and every live item's page.
pub(crate) fn sitemap(shared: &Shared, site: &SiteModel) -> String {
    let origin = format!("http://{}", shared.published_addr);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">",
    );
    let alternates = |paths: &[(String, String)]| -> String {
        if site.locales.is_empty() {
            return String::new();
        }
        paths
            .iter()
            .map(|(tag, path)| {
                format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{origin}{}\"/>",
                    escape(tag),
                    escape(path)
                )
            })
            .collect()
    };
    let mut entries: Vec<Vec<(String, String)>> = Vec::new();
    for page in site
        .pages
        .iter()
        .filter(|p| p.collection_id.is_none() && !is_utility(p) && !p.password)
    {
        let mut paths = vec![("en".to_owned(), path_of(page))];
        paths.extend(
            site.locales
                .iter()
                .map(|l| (l.tag.clone(), path_in(page, Some(&subdirectory(l))))),
        );
        entries.push(paths);
    }
    for collection in &site.collections {
        if !site
            .pages
            .iter()
            .any(|p| p.collection_id.as_deref() == Some(collection.id.as_str()))
        {
            continue;
        }
        for live in collection.items.iter().filter_map(|i| i.live.as_ref()) {
            let Some(slug) = live.get("slug").and_then(Value::as_str) else {
                continue;
            };
            let own = format!("/{}/{slug}", collection.slug);
            let mut paths = vec![("en".to_owned(), own.clone())];
            paths.extend(
                site.locales
                    .iter()
                    .map(|l| (l.tag.clone(), format!("/{}{own}", subdirectory(l)))),
            );
            entries.push(paths);
        }
    }
    // One <url> for each version, each listing all versions.
    for paths in &entries {
        for (_, path) in paths {
            out.push_str(&format!(
                "<url><loc>{origin}{}</loc>{}</url>",
                escape(path),
                alternates(paths)
            ));
        }
    }
    out.push_str("</urlset>\n");
    out
}

/// A page's nodes as HTML: image nodes as `<img>`, text nodes' HTML.
pub(crate) fn nodes_html(shared: &Shared, nodes: &[Value]) -> String {
    nodes
        .iter()
        .map(|node| {
            if let Some(id) = node.pointer("/image/assetId").and_then(Value::as_str) {
                match hosted(shared, id) {
                    Some(url) => format!("<img src=\"{url}\" loading=\"lazy\" alt=\"\">"),
                    None => String::new(),
                }
            } else if let Some(html) = node.pointer("/text/html").and_then(Value::as_str) {
                html.to_owned()
            } else {
                String::new()
            }
        })
        .collect()
}

/// A live field as a template page shows it: an image or file by its URL,
/// rich text as it is, other text escaped.
pub(crate) fn field_html(value: &Value) -> String {
    match value {
        Value::Object(o) => match o.get("url").and_then(Value::as_str) {
            Some(url) => format!("<img src=\"{}\" alt=\"\">", escape(url)),
            None => String::new(),
        },
        Value::Array(a) => a.iter().map(field_html).collect(),
        Value::String(s) if s.contains('<') => s.clone(),
        Value::String(s) => format!("<p>{}</p>", escape(s)),
        _ => String::new(),
    }
}

/// The hosted URL of an asset of the store, by id.
fn hosted(shared: &Shared, id: &str) -> Option<String> {
    let site = &shared.config.site_id;
    let asset = crate::store::find_asset(&shared.store, site, id)?;
    let name = asset.key.rsplit('/').next()?.to_owned();
    Some(crate::render::hosted_url(shared, site, &name))
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
