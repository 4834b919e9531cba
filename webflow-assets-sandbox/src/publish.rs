//! The published site, at a host of its own, as Webflow's hosting serves
//! it: each static page as HTML made from its nodes (with the site's head
//! extras, custom code and a link to every page), a template page per live
//! item, the site's style sheet and script under `/<site id>/`, conditional
//! requests (ETag, Last-Modified) answered with 304, and the site model's
//! password-protected, broken, slow and redirecting pages.

use std::sync::atomic::Ordering;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use serde_json::Value;

use crate::respond::{Body, full};
use crate::shared::Shared;
use crate::site::{PageModel, SiteModel};

/// One answer of the published host, before conditional requests.
enum Served {
    Document {
        content_type: &'static str,
        body: String,
    },
    Status(StatusCode, &'static str),
    Redirect(String),
}

pub(crate) async fn route(shared: &Shared, req: Request<Incoming>) -> Response<Body> {
    shared
        .stats
        .published_requests
        .fetch_add(1, Ordering::Relaxed);
    let path = req.uri().path().to_owned();
    let (served, delay, last_published) = {
        let site = shared.site();
        let (served, delay) = serve(shared, &site, &path);
        (served, delay, site.publish.last_published)
    };
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    let (content_type, body) = match served {
        Served::Document { content_type, body } => (content_type, body),
        Served::Status(status, text) => return status_page(status, text),
        Served::Redirect(to) => {
            let mut resp = status_page(StatusCode::MOVED_PERMANENTLY, "moved");
            if let Ok(v) = hyper::header::HeaderValue::from_str(&to) {
                resp.headers_mut().insert(hyper::header::LOCATION, v);
            }
            return resp;
        }
    };
    let etag = format!("\"{}\"", webflow_assets::md5_hex(body.as_bytes()));
    let last_modified = httpdate::fmt_http_date(last_published.into());
    let header = |name: hyper::header::HeaderName| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    // ETag wins over the date, as RFC 9110 says.
    let unchanged = match header(hyper::header::IF_NONE_MATCH) {
        Some(tags) => tags.split(',').any(|t| t.trim() == etag),
        None => header(hyper::header::IF_MODIFIED_SINCE).is_some_and(|d| d == last_modified),
    };
    let mut resp = if unchanged {
        shared
            .stats
            .published_not_modified
            .fetch_add(1, Ordering::Relaxed);
        let mut r = Response::new(full(""));
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        shared
            .stats
            .published_downloads
            .fetch_add(1, Ordering::Relaxed);
        let mut r = Response::new(full(body));
        r.headers_mut().insert(
            hyper::header::CONTENT_TYPE,
            hyper::header::HeaderValue::from_static(content_type),
        );
        r
    };
    for (name, value) in [
        (hyper::header::ETAG, etag),
        (hyper::header::LAST_MODIFIED, last_modified),
    ] {
        if let Ok(v) = hyper::header::HeaderValue::from_str(&value) {
            resp.headers_mut().insert(name, v);
        }
    }
    resp
}

fn status_page(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut resp = Response::new(full(format!("<html><body><h1>{text}</h1></body></html>")));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp
}

/// What `path` shows, and how long it waits first.
fn serve(shared: &Shared, site: &SiteModel, path: &str) -> (Served, u64) {
    if !site.publish.published {
        return (
            Served::Status(StatusCode::NOT_FOUND, "This site is not published"),
            0,
        );
    }
    let site_id = &shared.config.site_id;
    let folder = format!("/{site_id}/");
    if let Some(file) = path.strip_prefix(&folder) {
        return match file {
            "css/sandbox-site.webflow.css" => (
                Served::Document {
                    content_type: "text/css",
                    body: site.publish.css.clone(),
                },
                0,
            ),
            "js/sandbox-site.js" => (
                Served::Document {
                    content_type: "application/javascript",
                    body: site.publish.script.clone(),
                },
                0,
            ),
            _ => (Served::Status(StatusCode::NOT_FOUND, "Not found"), 0),
        };
    }
    let slug = path.trim_matches('/');
    let statics = site.pages.iter().filter(|p| p.collection_id.is_none());
    let page = statics
        .clone()
        .find(|p| p.slug == slug || (slug.is_empty() && (p.slug == "index" || p.slug.is_empty())));
    if let Some(page) = page {
        if page.password {
            return (
                Served::Status(StatusCode::UNAUTHORIZED, "This page is password protected"),
                page.delay_ms,
            );
        }
        if let Some(status) = page.status {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return (Served::Status(status, "Error"), page.delay_ms);
        }
        if let Some(to) = &page.redirect {
            return (Served::Redirect(to.clone()), page.delay_ms);
        }
        let body = nodes_html(shared, &page.nodes);
        return (
            document(shared, site, page, &page.title, &body),
            page.delay_ms,
        );
    }
    // Every site has a home page: a model without one shows an empty one.
    if slug.is_empty() {
        let home = PageModel::home();
        return (document(shared, site, &home, "Home", ""), 0);
    }
    // A template page: /<collection slug>/<item slug>, for live items.
    if let Some((folder, item_slug)) = slug.split_once('/')
        && let Some(collection) = site.collections.iter().find(|c| c.slug == folder)
        && let Some(template) = site
            .pages
            .iter()
            .find(|p| p.collection_id.as_deref() == Some(collection.id.as_str()))
        && let Some(live) = collection
            .items
            .iter()
            .filter_map(|i| i.live.as_ref())
            .find(|l| l.get("slug").and_then(Value::as_str) == Some(item_slug))
    {
        let name = live
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let fields: String = live.values().map(field_html).collect();
        let body = format!("<article><h1>{}</h1>{fields}</article>", escape(&name));
        return (
            document(shared, site, template, &name, &body),
            template.delay_ms,
        );
    }
    (Served::Status(StatusCode::NOT_FOUND, "Page not found"), 0)
}

/// A whole page: the site's head extras, the page's, the body, a link to
/// every static page, custom code.
fn document(
    shared: &Shared,
    site: &SiteModel,
    page: &PageModel,
    title: &str,
    body: &str,
) -> Served {
    let site_id = &shared.config.site_id;
    let asset = |id: &Option<String>| id.as_deref().and_then(|id| hosted(shared, id));
    let mut head = format!("<meta charset=\"utf-8\"><title>{}</title>", escape(title));
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
    head.push_str(&site.publish.head_code);
    head.push_str(&page.head);
    let nav: String = site
        .pages
        .iter()
        .filter(|p| p.collection_id.is_none())
        .map(|p| format!("<a href=\"{}\">{}</a>", path_of(p), escape(&p.title)))
        .collect();
    Served::Document {
        content_type: "text/html; charset=utf-8",
        body: format!(
            "<!DOCTYPE html><html data-wf-site=\"{site_id}\" data-wf-page=\"{}\"><head>{head}</head>\
             <body><nav>{nav}</nav>{body}{}{}<script src=\"/{site_id}/js/sandbox-site.js\" type=\"text/javascript\"></script></body></html>",
            page.id, page.html, site.publish.body_code
        ),
    }
}

/// Where a static page is published: `/` for the home page (slug `index`),
/// else `/<slug>`, as Webflow's `publishedPath` says.
pub(crate) fn path_of(page: &PageModel) -> String {
    if page.slug == "index" || page.slug.is_empty() {
        "/".to_owned()
    } else {
        format!("/{}", page.slug)
    }
}

/// A page's nodes as HTML: image nodes as `<img>`, text nodes' HTML.
fn nodes_html(shared: &Shared, nodes: &[Value]) -> String {
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
fn field_html(value: &Value) -> String {
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

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
