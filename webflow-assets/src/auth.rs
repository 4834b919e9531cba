//! What the generated client carries for its hooks. Kept apart from the
//! token and the builder (in `config`) because the generated code names this
//! type: with no dependencies of its own, it ties the generated module to
//! nothing else.

use reqwest::header::HeaderValue;

/// The `Authorization` header the hooks add to every request, marked
/// sensitive so that it never shows in `Debug` output.
#[derive(Clone, Debug)]
pub struct Auth {
    pub(crate) authorization: HeaderValue,
}

impl Auth {
    /// `authorization` is the whole header value, `Bearer <token>`.
    pub(crate) fn new(authorization: HeaderValue) -> Self {
        Self { authorization }
    }
}
