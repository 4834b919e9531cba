//! The HTTP stack's failures in the crate's terms: which kind of connection
//! failure an [`Error::Transport`] is, the mapping from reqwest's errors,
//! and the helpers that read a `source()` chain.

use std::fmt;
use std::time::Duration;

use super::Error;

/// What kind of connection failure an [`Error::Transport`] is. Failures to
/// connect have their own small retry budget (see
/// [`RetryPolicy::connect_attempts`](crate::RetryPolicy::connect_attempts)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The host name did not resolve.
    Dns,
    /// The connection was refused, or could not be opened (including TLS handshakes).
    Connect,
    /// The connection opened, then broke or the body failed.
    Broken,
    /// The request itself could not be built or sent.
    Request,
}

impl TransportKind {
    /// Whether the request never left this machine or never reached the
    /// server (DNS, connect, TLS handshake).
    pub fn is_connect(self) -> bool {
        matches!(self, TransportKind::Dns | TransportKind::Connect)
    }
}

pub(super) fn transport_hint(kind: TransportKind, what: &str) -> String {
    let base = if what.contains("S3") {
        "the upload URL comes from Webflow"
    } else {
        "check the client's base URL"
    };
    match kind {
        TransportKind::Dns => format!(
            "the host name does not resolve: check the network connection, DNS and any proxy (HTTPS_PROXY); {base}"
        ),
        TransportKind::Connect => format!(
            "no connection could be opened: check the network connection, a firewall or proxy (HTTPS_PROXY); {base}"
        ),
        TransportKind::Broken => {
            "the connection broke: check the network or proxy, then try again".to_owned()
        }
        TransportKind::Request => format!("the request could not be sent; {base}"),
    }
}

impl Error {
    /// Maps a transport error of reqwest, keeping the token out: reqwest's
    /// messages name the URL, never the headers.
    pub(crate) fn from_reqwest(what: &'static str, err: reqwest::Error, timeout: Duration) -> Self {
        if err.is_timeout() {
            return Error::Timeout {
                what,
                after: timeout,
            };
        }
        if let Some(changed) = find_source::<SourceChanged>(&err) {
            return Error::invalid(
                changed.to_string(),
                "upload it again once nothing writes to it; nothing was stored",
            );
        }
        let message = error_chain(&err);
        let kind = if err.is_connect() {
            if message.contains("dns error") || message.contains("failed to lookup address") {
                TransportKind::Dns
            } else {
                TransportKind::Connect
            }
        } else if err.is_builder() {
            TransportKind::Request
        } else {
            TransportKind::Broken
        };
        Error::Transport {
            what,
            host: err.url().and_then(|u| {
                let host = u.host_str()?;
                Some(match u.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host.to_owned(),
                })
            }),
            message,
            not_sent: kind.is_connect(),
            kind,
            source: Some(Box::new(err)),
        }
    }
}

/// The first error of type `T` in a `source()` chain (io errors wrapping
/// one included).
fn find_source<'a, T: std::error::Error + 'static>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && let Some(found) = io.get_ref().and_then(|inner| inner.downcast_ref::<T>())
        {
            return Some(found);
        }
        next = e.source();
    }
    None
}

/// The content changed between hashing and the upload: the body stream
/// stops with this error instead of sending other bytes than were hashed.
#[derive(Debug)]
pub(crate) struct SourceChanged {
    pub(crate) source: String,
    pub(crate) expected: u64,
    /// `Some(n)`: it ended after `n` bytes; `None`: it went on past `expected`.
    pub(crate) shorter: Option<u64>,
}

impl fmt::Display for SourceChanged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.shorter {
            Some(n) => write!(
                f,
                "{} changed during the upload: it shrank to {n} bytes after {} were hashed",
                self.source, self.expected
            ),
            None => write!(
                f,
                "{} changed during the upload: it grew past the {} bytes that were hashed",
                self.source, self.expected
            ),
        }
    }
}

impl std::error::Error for SourceChanged {}

/// The whole `source()` chain on one line: reqwest's top-level message alone
/// ("error sending request") does not say what went wrong.
pub(crate) fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// The first `max` bytes of a body as text, for error messages.
pub(crate) fn snippet(body: &[u8], max: usize) -> String {
    let cut = &body[..body.len().min(max)];
    let mut text = String::from_utf8_lossy(cut).into_owned();
    if body.len() > max {
        text.push('…');
    }
    text
}
