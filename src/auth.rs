//! The API token, and the authorization the generated client carries.

use std::fmt;
use std::sync::Arc;

use reqwest::header::HeaderValue;

use crate::error::Error;

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

/// What the generated client carries for its hooks: the `Authorization`
/// header, marked sensitive so that it never shows in `Debug` output.
#[derive(Clone, Debug)]
pub struct Auth {
    pub(crate) authorization: HeaderValue,
}

impl Auth {
    pub(crate) fn new(token: &Token) -> Self {
        Self {
            authorization: token.authorization(),
        }
    }
}
