//! The published site, at a host of its own, as Webflow's hosting serves
//! it: each static page (in every locale, under the locale's
//! subdirectory), a template page per live item, the site's style sheet
//! and script under `/<site id>/`, `sitemap.xml` and `robots.txt`; the 404
//! page with status 404 for every path that does not exist, the password
//! page with status 401 for each protected page (its form, posted to
//! `/.wf_auth` with the site's password, sets the cookie that opens it);
//! conditional requests (ETag, Last-Modified) answered with 304, gzip when
//! asked; and the site model's broken, slow and redirecting pages.

use std::io::Write;
use std::sync::atomic::Ordering;
use std::time::Duration;

use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::Value;

use crate::published_pages::{self as pages, Shown};
use crate::respond::{Body, full};
use crate::shared::Shared;
use crate::site::{LocaleModel, PageModel, SiteModel};

pub(crate) use crate::published_pages::{path_in, subdirectory};

/// One answer of the published host, before conditional requests.
enum Served {
    Document {
        status: StatusCode,
        content_type: &'static str,
        body: String,
        /// Compressed with this `Content-Encoding` whatever was asked.
        forced_encoding: Option<String>,
    },
    Status(StatusCode, &'static str),
    Redirect(String),
}

impl Served {
    fn ok(content_type: &'static str, body: String) -> Self {
        Self::Document {
            status: StatusCode::OK,
            content_type,
            body,
            forced_encoding: None,
        }
    }

    fn html(status: StatusCode, body: String) -> Self {
        Self::Document {
            status,
            content_type: "text/html; charset=utf-8",
            body,
            forced_encoding: None,
        }
    }
}

pub(crate) async fn route(shared: &Shared, req: Request<Incoming>) -> Response<Body> {
    shared
        .stats
        .published_requests
        .fetch_add(1, Ordering::Relaxed);
    let path = req.uri().path().to_owned();
    if req.method() == Method::POST && path == "/.wf_auth" {
        return log_in(shared, req).await;
    }
    let cookies = header_text(&req, hyper::header::COOKIE).unwrap_or_default();
    let (served, delay, last_published) = {
        let site = shared.site();
        let (served, delay) = serve(shared, &site, &path, &cookies);
        (served, delay, site.publish.last_published)
    };
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    let (status, content_type, body, forced) = match served {
        Served::Document {
            status,
            content_type,
            body,
            forced_encoding,
        } => (status, content_type, body, forced_encoding),
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
    // ETag wins over the date, as RFC 9110 says; only a page found is
    // answered 304 (a 404 or 401 is sent whole each time).
    let unchanged = status == StatusCode::OK
        && match header_text(&req, hyper::header::IF_NONE_MATCH) {
            Some(tags) => tags.split(',').any(|t| t.trim() == etag),
            None => header_text(&req, hyper::header::IF_MODIFIED_SINCE)
                .is_some_and(|d| d == last_modified),
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
        let asks_gzip = header_text(&req, hyper::header::ACCEPT_ENCODING).is_some_and(|a| {
            a.split(',').any(|e| {
                e.split(';')
                    .next()
                    .is_some_and(|e| e.trim().eq_ignore_ascii_case("gzip"))
            })
        });
        let encoding = forced.or_else(|| asks_gzip.then(|| "gzip".to_owned()));
        let mut r = match &encoding {
            Some(e) => {
                let mut r = Response::new(full(gzip(body.as_bytes())));
                if let Ok(v) = hyper::header::HeaderValue::from_str(e) {
                    r.headers_mut().insert(hyper::header::CONTENT_ENCODING, v);
                }
                r
            }
            None => Response::new(full(body)),
        };
        *r.status_mut() = status;
        r.headers_mut().insert(
            hyper::header::CONTENT_TYPE,
            hyper::header::HeaderValue::from_static(content_type),
        );
        r.headers_mut().insert(
            hyper::header::VARY,
            hyper::header::HeaderValue::from_static("Accept-Encoding"),
        );
        r
    };
    if status == StatusCode::OK {
        for (name, value) in [
            (hyper::header::ETAG, etag),
            (hyper::header::LAST_MODIFIED, last_modified),
        ] {
            if let Ok(v) = hyper::header::HeaderValue::from_str(&value) {
                resp.headers_mut().insert(name, v);
            }
        }
    }
    resp
}

fn header_text(req: &Request<Incoming>, name: hyper::header::HeaderName) -> Option<String> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// The cookie that opens the protected page at `path` for `password`.
fn auth_cookie(path: &str, password: &str) -> (String, String) {
    let name = format!("wf_auth_{}", &webflow_assets::md5_hex(path.as_bytes())[..8]);
    let value = webflow_assets::md5_hex(format!("{password}\n{path}").as_bytes());
    (name, value)
}

/// `POST /.wf_auth` from the password page's form: the right password
/// sets the page's cookie and redirects to it; a wrong one shows the
/// password page again (401).
async fn log_in(shared: &Shared, req: Request<Incoming>) -> Response<Body> {
    // A form of a password and two paths: 64 KiB is plenty.
    let body = match http_body_util::Limited::new(req.into_body(), 64 << 10)
        .collect()
        .await
    {
        Ok(b) => b.to_bytes(),
        Err(_) => return status_page(StatusCode::PAYLOAD_TOO_LARGE, "Too large"),
    };
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let path = field("path").unwrap_or_else(|| "/".to_owned());
    let site = shared.site();
    let accepted = site
        .publish
        .password
        .as_deref()
        .filter(|p| field("pass").as_deref() == Some(*p));
    match accepted {
        Some(password) => {
            let (name, value) = auth_cookie(&path, password);
            let mut resp = status_page(StatusCode::FOUND, "Found");
            for (header, v) in [
                (hyper::header::LOCATION, path.clone()),
                (
                    hyper::header::SET_COOKIE,
                    format!("{name}={value}; Path={path}; HttpOnly"),
                ),
            ] {
                if let Ok(v) = hyper::header::HeaderValue::from_str(&v) {
                    resp.headers_mut().insert(header, v);
                }
            }
            resp
        }
        None => {
            let mut resp = Response::new(full(pages::password_page(shared, &site, &path)));
            *resp.status_mut() = StatusCode::UNAUTHORIZED;
            resp.headers_mut().insert(
                hyper::header::CONTENT_TYPE,
                hyper::header::HeaderValue::from_static("text/html; charset=utf-8"),
            );
            resp
        }
    }
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
fn serve(shared: &Shared, site: &SiteModel, path: &str, cookies: &str) -> (Served, u64) {
    if !site.publish.published {
        return (
            Served::Status(StatusCode::NOT_FOUND, "This site is not published"),
            0,
        );
    }
    let missing = || Served::html(StatusCode::NOT_FOUND, pages::not_found_page(shared, site));
    let site_id = &shared.config.site_id;
    let folder = format!("/{site_id}/");
    if let Some(file) = path.strip_prefix(&folder) {
        return match file {
            "css/sandbox-site.webflow.css" => (Served::ok("text/css", site.publish.css.clone()), 0),
            "js/sandbox-site.js" => (
                Served::ok("application/javascript", site.publish.script.clone()),
                0,
            ),
            _ => (missing(), 0),
        };
    }
    match path {
        "/robots.txt" if site.publish.sitemap => {
            return (Served::ok("text/plain", pages::robots(shared)), 0);
        }
        "/sitemap.xml" if site.publish.sitemap => {
            return (
                Served::ok("application/xml", pages::sitemap(shared, site)),
                0,
            );
        }
        _ => {}
    }
    let trimmed = path.trim_matches('/');
    // A secondary locale's pages are under its subdirectory.
    let (first, rest) = trimmed.split_once('/').unwrap_or((trimmed, ""));
    let (locale, slug) = match site.locales.iter().find(|l| subdirectory(l) == first) {
        Some(l) => (Some(l), rest),
        None => (None, trimmed),
    };
    let page = site
        .pages
        .iter()
        .filter(|p| p.collection_id.is_none())
        .find(|p| p.slug == slug || (slug.is_empty() && (p.slug == "index" || p.slug.is_empty())));
    if let Some(page) = page.filter(|p| !pages::is_utility(p)) {
        return (
            static_page(shared, site, page, locale, path, cookies),
            page.delay_ms,
        );
    }
    // Every site has a home page: a model without one shows an empty one.
    if slug.is_empty() {
        let home = PageModel::home();
        let shown = Shown {
            page: &home,
            locale,
            title: "Home",
            body: String::new(),
        };
        return (
            Served::ok(
                "text/html; charset=utf-8",
                pages::document(shared, site, &shown),
            ),
            0,
        );
    }
    if let Some((served, delay)) = template_page(shared, site, locale, slug) {
        return (served, delay);
    }
    (missing(), 0)
}

/// A static page: behind its password, broken, redirecting, or shown.
fn static_page(
    shared: &Shared,
    site: &SiteModel,
    page: &PageModel,
    locale: Option<&LocaleModel>,
    path: &str,
    cookies: &str,
) -> Served {
    if page.password {
        let opened = site.publish.password.as_deref().is_some_and(|password| {
            let (name, value) = auth_cookie(path, password);
            cookies
                .split(';')
                .any(|c| c.trim() == format!("{name}={value}"))
        });
        if !opened {
            return Served::html(
                StatusCode::UNAUTHORIZED,
                pages::password_page(shared, site, path),
            );
        }
    }
    if let Some(status) = page.status {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return Served::Status(status, "Error");
    }
    if let Some(to) = &page.redirect {
        return Served::Redirect(to.clone());
    }
    let nodes = locale
        .and_then(|l| page.localized.get(&l.id))
        .unwrap_or(&page.nodes);
    let shown = Shown {
        page,
        locale,
        title: &page.title,
        body: pages::nodes_html(shared, nodes),
    };
    Served::Document {
        status: StatusCode::OK,
        content_type: "text/html; charset=utf-8",
        body: pages::document(shared, site, &shown),
        forced_encoding: page.served_encoding.clone(),
    }
}

/// A template page: /<collection slug>/<item slug>, for live items.
fn template_page(
    shared: &Shared,
    site: &SiteModel,
    locale: Option<&LocaleModel>,
    slug: &str,
) -> Option<(Served, u64)> {
    let (folder, item_slug) = slug.split_once('/')?;
    let collection = site.collections.iter().find(|c| c.slug == folder)?;
    let template = site
        .pages
        .iter()
        .find(|p| p.collection_id.as_deref() == Some(collection.id.as_str()))?;
    let live = collection
        .items
        .iter()
        .filter_map(|i| i.live.as_ref())
        .find(|l| l.get("slug").and_then(Value::as_str) == Some(item_slug))?;
    let name = live.get("name").and_then(Value::as_str).unwrap_or("");
    let fields: String = live.values().map(pages::field_html).collect();
    let body = format!(
        "<article><h1>{}</h1>{fields}</article>",
        pages::escape(name)
    );
    let shown = Shown {
        page: template,
        locale,
        title: name,
        body,
    };
    Some((
        Served::ok(
            "text/html; charset=utf-8",
            pages::document(shared, site, &shown),
        ),
        template.delay_ms,
    ))
}
