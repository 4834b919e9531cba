//! One request of the crawl, as a browser makes it: compression asked for
//! (gzip, br, zstd, deflate) and undone, the body decoded from the
//! character set it declares, conditional headers from the last crawl,
//! and Webflow's utility pages told apart (a 404 answer's body is the 404
//! page, a 401's the password page). Whatever cannot be read as text of
//! the kind it claims is [`Answer::Unread`], never an empty document.

use html5gum::{Token, Tokenizer};
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use url::Url;

use super::published::{DocKind, SiteUrls};
use super::published_options::PublishedOptions;
use crate::error::Error;

/// One answer.
pub(crate) enum Answer {
    /// A document read whole (2xx).
    Fresh {
        etag: Option<String>,
        last_modified: Option<String>,
        content_type: String,
        body: String,
    },
    /// 404: nothing at that path; the body is the site's 404 page.
    Missing { content_type: String, body: String },
    /// 401: behind a password; the body is the password page. `refused`
    /// when a password was given and not accepted.
    Protected {
        content_type: String,
        body: String,
        refused: bool,
    },
    /// A page behind the password, read with it; the password page that
    /// every other visitor gets there comes along.
    Opened {
        page: Box<Answer>,
        content_type: String,
        password_page: String,
    },
    NotModified,
    /// A redirect off the site: not followed, and nothing of the site there.
    OffSite(String),
    /// Why it could not be read.
    Unread(String),
}

/// The crawl's HTTP side: no default header, so the token never reaches
/// the published site or any other host.
pub(crate) struct Fetcher {
    /// Pages: redirects only within the site.
    pages: reqwest::Client,
    /// Style sheets and scripts, which a page may load from any host
    /// (jsDelivr, a user's CDN): redirects anywhere, as a browser follows.
    resources: reqwest::Client,
    /// The password form's POST: no redirects, so that its cookies are seen.
    login: reqwest::Client,
    options: PublishedOptions,
    site: SiteUrls,
}

impl Fetcher {
    pub(crate) fn new(
        config: &crate::config::ClientBuilder,
        options: &PublishedOptions,
        site: &SiteUrls,
    ) -> Result<Self, Error> {
        let tls = crate::tls::client_config(&config.root_certificates)?;
        let build = |policy: reqwest::redirect::Policy| {
            // reqwest's gzip, brotli, zstd and deflate features: each sets
            // `Accept-Encoding` and decodes what comes back.
            reqwest::Client::builder()
                .user_agent(config.user_agent.clone())
                .connect_timeout(config.connect_timeout.min(options.request_timeout))
                .timeout(options.request_timeout)
                .redirect(policy)
                .tls_backend_preconfigured(tls.clone())
                .build()
                .map_err(|e| {
                    Error::config(
                        format!("cannot start the HTTP client for the published site: {e}"),
                        "check the TLS setup of this machine",
                    )
                })
        };
        let within = site.clone();
        // Redirects only within the site (its hosts, its CDN folder), and
        // not many: a redirect elsewhere is answered as it came.
        let pages = build(reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 {
                attempt.error("more than 5 redirects")
            } else if within.is_site_host(attempt.url()) || within.is_on_cdn(attempt.url()) {
                attempt.follow()
            } else {
                attempt.stop()
            }
        }))?;
        Ok(Self {
            pages,
            resources: build(reqwest::redirect::Policy::limited(5))?,
            login: build(reqwest::redirect::Policy::none())?,
            options: options.clone(),
            site: site.clone(),
        })
    }

    /// Asks for `url`, conditionally with the validators (ETag,
    /// Last-Modified) of the last crawl's answer.
    pub(crate) async fn fetch(&self, url: &Url, kind: DocKind, etag: Option<&str>, last_modified: Option<&str>) -> Answer {
        let http = match kind {
            DocKind::StyleSheet | DocKind::Script => &self.resources,
            _ => &self.pages,
        };
        let mut request = http.get(url.clone());
        if let Some(etag) = etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(lm) = last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, lm);
        }
        let answer = self.answer(request).await;
        match answer {
            Answer::Protected { content_type, body, .. } if self.options.password.is_some() => {
                self.log_in(url, &body, content_type).await
            }
            other => other,
        }
    }

    async fn answer(&self, request: reqwest::RequestBuilder) -> Answer {
        let mut response = match request.send().await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => {
                return Answer::Unread(format!(
                    "no answer within {} s",
                    self.options.request_timeout.as_secs_f32()
                ));
            }
            Err(e) => return Answer::Unread(format!("cannot be fetched ({})", causes(&e))),
        };
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Answer::NotModified;
        }
        if status.is_redirection() {
            return Answer::OffSite(text_header(response.headers(), header::LOCATION).unwrap_or_default());
        }
        let utility = status == StatusCode::NOT_FOUND || status == StatusCode::UNAUTHORIZED;
        if !status.is_success() && !utility {
            return Answer::Unread(format!("answered {status}"));
        }
        let headers = response.headers().clone();
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    // Counted after decompression: a small gzip bomb stops here.
                    if (body.len() + chunk.len()) as u64 > self.options.max_document_bytes {
                        return Answer::Unread(format!(
                            "is larger than the {} bytes one document may be",
                            self.options.max_document_bytes
                        ));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => {
                    return Answer::Unread(format!(
                        "was not read whole within {} s",
                        self.options.request_timeout.as_secs_f32()
                    ));
                }
                Err(e) if e.is_decode() => {
                    return Answer::Unread(format!(
                        "could not be decompressed (Content-Encoding: {}): {}",
                        text_header(&headers, header::CONTENT_ENCODING).unwrap_or_default(),
                        causes(&e)
                    ));
                }
                Err(e) => return Answer::Unread(format!("broke off ({})", causes(&e))),
            }
        }
        let content_type = text_header(&headers, header::CONTENT_TYPE).unwrap_or_default();
        let body = match decode(&headers, &content_type, body) {
            Ok(text) => text,
            Err(why) => return Answer::Unread(why),
        };
        match status {
            StatusCode::NOT_FOUND => Answer::Missing { content_type, body },
            StatusCode::UNAUTHORIZED => Answer::Protected {
                content_type,
                body,
                refused: false,
            },
            _ => Answer::Fresh {
                etag: text_header(&headers, header::ETAG),
                last_modified: text_header(&headers, header::LAST_MODIFIED),
                content_type,
                body,
            },
        }
    }

    /// Fills the password page's form with the password given, and asks
    /// for `url` again with the cookies the form's answer set. The
    /// password goes only to the site's own hosts.
    async fn log_in(&self, url: &Url, password_page: &str, content_type: String) -> Answer {
        let refused = |why: &str| {
            tracing::debug!(%url, why, "the password page's form could not be used");
            Answer::Protected {
                content_type: content_type.clone(),
                body: password_page.to_owned(),
                refused: true,
            }
        };
        let Some(password) = &self.options.password else {
            return refused("no password");
        };
        let Some(form) = password_form(password_page, url) else {
            return refused("no form with a password field");
        };
        if !self.site.is_site_host(&form.action) {
            return refused("the form posts off the site");
        }
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in &form.fields {
            body.append_pair(name, value);
        }
        body.append_pair(&form.password_field, password.expose());
        let posted = self
            .login
            .post(form.action.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body.finish())
            .send()
            .await;
        let Ok(posted) = posted else {
            return refused("the form's answer did not come");
        };
        let cookies: Vec<String> = posted
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .map(|v| v.trim().to_owned())
            .filter(|v| v.contains('='))
            .collect();
        if cookies.is_empty() {
            return refused("the form's answer set no cookie");
        }
        let again = self
            .pages
            .get(url.clone())
            .header(header::COOKIE, cookies.join("; "));
        match self.answer(again).await {
            Answer::Protected { .. } => refused("still 401 with the form's cookies"),
            other => Answer::Opened {
                page: Box::new(other),
                content_type,
                password_page: password_page.to_owned(),
            },
        }
    }
}

/// A password page's form: where it posts, its other fields, and the name
/// of its password field (Webflow's posts `pass`, `path` and `page` to
/// `/.wf_auth`).
struct PasswordForm {
    action: Url,
    fields: Vec<(String, String)>,
    password_field: String,
}

fn password_form(html: &str, base: &Url) -> Option<PasswordForm> {
    // The form being read: its action, its fields, its password field.
    let mut current: Option<PasswordForm> = None;
    let done = |form: PasswordForm| (!form.password_field.is_empty()).then_some(form);
    for token in Tokenizer::new(html).flatten() {
        match token {
            Token::StartTag(tag) if tag.name.eq_ignore_ascii_case(b"form") => {
                let attr = |n: &[u8]| tag.attributes.get(n).map(|v| String::from_utf8_lossy(v).into_owned());
                current = Some(PasswordForm {
                    action: base.join(attr(b"action").as_deref().unwrap_or("")).ok()?,
                    fields: Vec::new(),
                    password_field: String::new(),
                });
            }
            Token::StartTag(tag) if tag.name.eq_ignore_ascii_case(b"input") => {
                let Some(form) = &mut current else { continue };
                let attr = |n: &[u8]| tag.attributes.get(n).map(|v| String::from_utf8_lossy(v).into_owned());
                let Some(name) = attr(b"name").filter(|n| !n.is_empty()) else { continue };
                match attr(b"type").unwrap_or_default().to_ascii_lowercase().as_str() {
                    "password" => form.password_field = name,
                    "submit" | "button" | "image" | "reset" => {}
                    _ => form.fields.push((name, attr(b"value").unwrap_or_default())),
                }
            }
            Token::EndTag(tag) if tag.name.eq_ignore_ascii_case(b"form") => {
                if let Some(form) = current.take().and_then(done) {
                    return Some(form);
                }
            }
            _ => {}
        }
    }
    current.and_then(done)
}

fn text_header(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// The body as text: in the character set its `Content-Type` names (UTF-8
/// when it names none), or why it cannot be read as text.
pub(crate) fn decode(headers: &HeaderMap, content_type: &str, body: Vec<u8>) -> Result<String, String> {
    // reqwest removes the header of an encoding it undid: one left is one
    // it does not know, and the bytes are still encoded.
    if let Some(encoding) = text_header(headers, header::CONTENT_ENCODING)
        && !encoding.trim().eq_ignore_ascii_case("identity")
        && !encoding.trim().is_empty()
    {
        return Err(format!(
            "came in an encoding this tool cannot decode (Content-Encoding: {encoding})"
        ));
    }
    let charset = content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_owned())
    });
    let text = match charset.as_deref() {
        None => String::from_utf8(body).map_err(|_| not_text(content_type, "UTF-8"))?,
        Some(label) => {
            let Some(encoding) = encoding_rs::Encoding::for_label(label.as_bytes()) else {
                return Err(format!("is in a character set this tool does not know (charset={label})"));
            };
            encoding
                .decode_without_bom_handling_and_without_replacement(&body)
                .ok_or_else(|| not_text(content_type, encoding.name()))?
                .into_owned()
        }
    };
    if text.contains('\0') {
        return Err(not_text(content_type, "text"));
    }
    Ok(text)
}

fn not_text(content_type: &str, charset: &str) -> String {
    let claimed = if content_type.is_empty() { "no type" } else { content_type };
    format!("is not {charset} text, though it claims {claimed} (compressed or binary bytes?)")
}

/// An error and its sources, as one line (reqwest's own message names only
/// the outermost).
fn causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn a_body_is_text_of_its_declared_charset_or_a_reason() {
        let none = HeaderMap::new();
        assert_eq!(decode(&none, "text/html", b"<p>ok</p>".to_vec()).unwrap(), "<p>ok</p>");
        // windows-1252 declared: decoded, not mangled.
        assert_eq!(
            decode(&none, "text/html; charset=windows-1252", b"caf\xe9".to_vec()).unwrap(),
            "caf\u{e9}"
        );
        // Gzip's bytes where text was promised.
        let gz = decode(&none, "text/html; charset=utf-8", vec![0x1f, 0x8b, 8, 0, 0, 0]).unwrap_err();
        assert!(gz.contains("is not UTF-8 text"), "{gz}");
        let unknown = decode(&none, "text/html; charset=x-klingon", b"a".to_vec()).unwrap_err();
        assert!(unknown.contains("x-klingon"), "{unknown}");
        let nul = decode(&none, "text/css", b"a\0b".to_vec()).unwrap_err();
        assert!(nul.contains("not text"), "{nul}");
        let left = decode(&headers(&[("content-encoding", "compress")]), "text/html", b"x".to_vec()).unwrap_err();
        assert!(left.contains("Content-Encoding: compress"), "{left}");
    }

    #[test]
    fn webflows_password_form_is_found_with_its_hidden_fields() {
        let html = "<div class=\"utility-page-wrap\"><form action=\"/.wf_auth\" method=\"post\" class=\"w-password-page\">\
            <img src=\"x.svg\"><input type=\"password\" autofocus=\"true\" maxlength=\"256\" name=\"pass\">\
            <input type=\"submit\" value=\"Submit\"><input type=\"hidden\" name=\"path\" value=\"/team\">\
            <input type=\"hidden\" name=\"page\" value=\"/team\"></form></div>";
        let form = password_form(html, &Url::parse("https://www.example.com/team").unwrap()).unwrap();
        assert_eq!(form.action.as_str(), "https://www.example.com/.wf_auth");
        assert_eq!(form.password_field, "pass");
        assert_eq!(
            form.fields,
            [("path".to_owned(), "/team".to_owned()), ("page".to_owned(), "/team".to_owned())]
        );
        assert!(password_form("<form><input name=q></form>", &Url::parse("https://a/").unwrap()).is_none());
    }
}
