//! Client configuration: token, base URL, timeouts, retries, user agent.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use url::Url;

use crate::client::Client;
use crate::error::Error;
use crate::retry::RetryPolicy;

/// Webflow's API root.
pub const DEFAULT_BASE_URL: &str = "https://api.webflow.com/v2";

/// The `User-Agent` sent by default: `webflow-assets/<version>`.
pub const DEFAULT_USER_AGENT: &str = concat!("webflow-assets/", env!("CARGO_PKG_VERSION"));

/// The environment variable the token is read from when none is given.
pub const TOKEN_ENV: &str = "WEBFLOW_TOKEN";

/// A Webflow API token. Its `Debug` and `Display` never show it.
///
/// ```
/// let token = webflow_assets::Token::new("secret-value")?;
/// assert_eq!(format!("{token:?}"), "Token(<redacted>)");
/// # Ok::<(), webflow_assets::Error>(())
/// ```
#[derive(Clone)]
pub struct Token(Arc<str>);

impl Token {
    /// Checks that the token can be sent as a header; the error does not
    /// repeat the token.
    pub fn new(token: impl Into<String>) -> Result<Self, Error> {
        let token = token.into();
        let trimmed = token.trim();
        if trimmed.is_empty() {
            return Err(Error::config(
                "the Webflow token is empty",
                format!(
                    "pass a token, or set {TOKEN_ENV} to a site or OAuth token with the assets:write scope"
                ),
            ));
        }
        if trimmed
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
        {
            return Err(Error::config(
                "the Webflow token contains spaces, line breaks or non-ASCII characters",
                "copy the token again, exactly as Webflow shows it",
            ));
        }
        Ok(Self(Arc::from(trimmed)))
    }

    /// Reads the token from `WEBFLOW_TOKEN`.
    pub fn from_env() -> Result<Self, Error> {
        match std::env::var(TOKEN_ENV) {
            Ok(value) => Self::new(value),
            Err(_) => Err(Error::config(
                format!("no Webflow token was given and {TOKEN_ENV} is not set"),
                format!(
                    "set {TOKEN_ENV} or pass a token to the builder (Site settings → Apps & integrations → API access, scope assets:write)"
                ),
            )),
        }
    }

    /// The token itself, for callers who must hand it to something else.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub(crate) fn authorization(&self) -> HeaderValue {
        // `Token::new` admits visible ASCII only, which is always a valid
        // header value.
        let mut value = HeaderValue::from_str(&format!("Bearer {}", self.0))
            .unwrap_or_else(|_| HeaderValue::from_static("Bearer"));
        value.set_sensitive(true);
        value
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Builds a [`Client`].
///
/// ```no_run
/// use std::time::Duration;
/// use webflow_assets::{Client, RetryPolicy};
///
/// let client = Client::builder()
///     .token("my-site-token")
///     .timeout(Duration::from_secs(20))
///     .retry(RetryPolicy::default().max_attempts(3))
///     .build()?;
/// # Ok::<(), webflow_assets::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    pub(crate) token: Option<String>,
    pub(crate) base_url: String,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) upload_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: String,
    pub(crate) root_certificates: Vec<Vec<u8>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("upload_timeout", &self.upload_timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("root_certificates", &self.root_certificates.len())
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            token: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            upload_timeout: Duration::from_secs(300),
            retry: RetryPolicy::default(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            root_certificates: Vec::new(),
        }
    }
}

impl ClientBuilder {
    /// The API token; without it, `WEBFLOW_TOKEN` is read at `build()`.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The API root (default `https://api.webflow.com/v2`), for proxies and
    /// tests. Plain `http` is refused unless the host is loopback, and
    /// Webflow's own host with another path than `/v2` (`build()` says so).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// How long to wait for a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one Webflow API request may take in total (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long one S3 upload may take in total (default 300 s).
    pub fn upload_timeout(mut self, timeout: Duration) -> Self {
        self.upload_timeout = timeout;
        self
    }

    /// The retry policy (see [`RetryPolicy`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `User-Agent` header (default `webflow-assets/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Trusts one more root certificate (DER), on top of the system's: for a
    /// proxy that re-signs TLS with a private CA. Applies to Webflow and S3.
    pub fn add_root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(der.into());
        self
    }

    /// Checks the configuration and builds the client. No network call.
    pub fn build(self) -> Result<Client, Error> {
        let token = match &self.token {
            Some(t) => Token::new(t.clone())?,
            None => Token::from_env()?,
        };
        let base_url = check_base_url(&self.base_url)?;
        if HeaderValue::from_str(&self.user_agent).is_err() {
            return Err(Error::config(
                "the user agent contains characters not allowed in a header",
                "use visible ASCII characters only",
            ));
        }
        Client::from_config(self, token, base_url)
    }
}

/// Parses the base URL; `https`, or `http` on loopback only, so a token is
/// never sent in clear text over a network.
pub(crate) fn check_base_url(raw: &str) -> Result<String, Error> {
    let url = check_url(raw, "base URL")?;
    if url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(Error::config(
            format!("the base URL {raw:?} carries credentials, a query or a fragment"),
            format!("use a plain API root such as {DEFAULT_BASE_URL}"),
        ));
    }
    // On Webflow's own host the API this crate is generated from is the
    // one under /v2; any other path there (the bare host, /v1) is another
    // API or none, and every call's failure would point at its ids instead
    // of the base URL. (Other hosts, a proxy or a sandbox, may root the
    // API anywhere.)
    let path = url.path().trim_end_matches('/');
    if url
        .host_str()
        .is_some_and(|h| h.eq_ignore_ascii_case("api.webflow.com"))
        && path != "/v2"
    {
        return Err(Error::config(
            format!(
                "the base URL {raw:?} is Webflow's API host without /v2, the version this crate speaks"
            ),
            format!("use {DEFAULT_BASE_URL}"),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Parses a URL the crate sends to: `https`, or `http` on loopback only.
pub(crate) fn check_url(raw: &str, what: &str) -> Result<Url, Error> {
    let url = Url::parse(raw.trim()).map_err(|e| {
        Error::config(
            format!("the {what} {raw:?} is not a URL ({e})"),
            format!("use a full URL such as {DEFAULT_BASE_URL}"),
        )
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(Error::config(
            format!(
                "the {what} {raw:?} uses plain http on a non-loopback host, which would send data unencrypted"
            ),
            "use https, or http only on 127.0.0.1, [::1] or localhost",
        )),
        other => Err(Error::config(
            format!("the {what} {raw:?} has the scheme {other:?}"),
            "use https",
        )),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(
            check_base_url("https://api.webflow.com/v2/").unwrap(),
            "https://api.webflow.com/v2"
        );
        assert!(check_base_url("http://127.0.0.1:8080").is_ok());
        assert!(check_base_url("http://127.5.0.1:8080").is_ok());
        assert!(check_base_url("http://[::1]:8080/v2").is_ok());
        assert!(check_base_url("http://localhost:1").is_ok());
        let err = check_base_url("http://api.webflow.com/v2")
            .unwrap_err()
            .to_string();
        assert!(err.contains("plain http"), "{err}");
        assert!(check_base_url("ftp://x").is_err());
        assert!(check_base_url("not a url").is_err());
        assert!(check_base_url("https://user:pw@host/").is_err());
        for wrong in [
            "https://api.webflow.com",
            "https://api.webflow.com/",
            "https://API.webflow.com/v1",
            "https://api.webflow.com/v2/sites",
        ] {
            let err = check_base_url(wrong).unwrap_err().to_string();
            assert!(err.contains("without /v2") && err.ends_with("use https://api.webflow.com/v2"), "{wrong}: {err}");
        }
        assert!(check_base_url("https://api.webflow.com/v2/").is_ok());
        assert!(check_base_url("https://proxy.example.com/webflow").is_ok());
    }

    #[test]
    fn token_is_checked_and_never_shown() {
        let err = Token::new("abc def").unwrap_err().to_string();
        assert!(!err.contains("abc def") && err.contains("spaces"), "{err}");
        assert!(Token::new("  ").is_err());
        let t = Token::new(" s3cr3t\n").unwrap();
        assert_eq!(t.expose(), "s3cr3t");
        assert!(!format!("{t:?}").contains("s3cr3t"));
        let b = ClientBuilder::default().token("s3cr3t");
        assert!(!format!("{b:?}").contains("s3cr3t"));
    }
}
