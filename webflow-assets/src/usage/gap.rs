//! A part of a site a scan could not read, and why.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Part of a site a scan could not read: nothing behind it is ever taken
/// for unused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Gap {
    /// What could not be checked (`CMS items`, `page 6596da6045e56dee495bcbba`).
    pub unchecked: String,
    /// The scope the token lacks, as Webflow names it (`cms:read`), when
    /// that is why.
    pub scope: Option<String>,
    /// Else the error its read ended with.
    pub error: Option<String>,
    /// Which part of the site it is in, and so what gets it read.
    #[serde(default)]
    pub kind: GapKind,
}

/// Where a [`Gap`] is, and so what gets it read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum GapKind {
    /// A read of the Data API (a missing scope, a page, component or list
    /// that could not be read): a token with the scope, or a scan again.
    #[default]
    Api,
    /// A document of the published site that could not be read: a scan
    /// again, another origin, or the published site skipped.
    Published,
    /// A page of the published site behind the site's password: the
    /// password.
    Password,
}

impl Gap {
    pub(crate) fn scope(scope: &str, unchecked: &str) -> Self {
        Self {
            unchecked: unchecked.to_owned(),
            scope: Some(scope.to_owned()),
            error: None,
            kind: GapKind::Api,
        }
    }

    /// A document (or a part) of the published site that was not read.
    pub(crate) fn published(unchecked: &str, why: &str) -> Self {
        Self {
            unchecked: unchecked.to_owned(),
            scope: None,
            error: Some(why.to_owned()),
            kind: GapKind::Published,
        }
    }

    /// A page of the published site behind its password.
    pub(crate) fn password(unchecked: &str, why: &str) -> Self {
        Self {
            kind: GapKind::Password,
            ..Self::published(unchecked, why)
        }
    }

    pub(crate) fn unreadable(unchecked: String, error: &Error) -> Self {
        Self {
            unchecked,
            scope: None,
            error: Some(error.to_string()),
            kind: GapKind::Api,
        }
    }
}

impl fmt::Display for Gap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.scope, &self.error) {
            (Some(scope), _) => write!(
                f,
                "{} were not checked: the token lacks the scope {scope}",
                self.unchecked
            ),
            (None, Some(error)) => write!(f, "{} could not be read: {error}", self.unchecked),
            (None, None) => write!(f, "{} could not be read", self.unchecked),
        }
    }
}
