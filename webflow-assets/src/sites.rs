//! The token and its sites: List Sites, Get Authorization Info, and
//! [`Client::whoami`], what a token can do and which tasks it lets run.

use crate::client::{Client, Operation};
use crate::error::Error;
use crate::scopes::{Task, parse_scopes};
use crate::types::{AuthorizationInfo, Site};

const LIST_SITES: Operation = Operation::idempotent("List Sites", "GET", "/sites");
const INTROSPECT: Operation =
    Operation::idempotent("Get Authorization Info", "GET", "/token/introspect");

/// How [`TokenReport`]'s scopes were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ScopeSource {
    /// Get Authorization Info listed them: the list is whole.
    Introspection,
    /// The token may not call Get Authorization Info (Webflow documents it
    /// for Data Client Apps' tokens): each read scope was tried with one
    /// cheap read; write scopes cannot be tried without writing.
    Probe,
}

/// What a token can do: [`Client::whoami`]'s answer.
#[derive(Debug, Clone, serde::Serialize)]
#[non_exhaustive]
pub struct TokenReport {
    /// Where the scopes come from.
    pub source: ScopeSource,
    /// The scopes the token has, sorted.
    pub granted: Vec<String>,
    /// Scopes it was seen to lack (a 403 naming them). With
    /// [`ScopeSource::Introspection`], every scope not granted is lacked.
    pub denied: Vec<String>,
    /// The token's rate limit, calls a minute, when Webflow said.
    pub rate_limit: Option<i64>,
    /// The sites the token is authorized to, by id (introspection), or
    /// the ids of the sites List Sites gave.
    pub site_ids: Vec<String>,
    /// The sites List Sites gave (empty without `sites:read`).
    pub sites: Vec<Site>,
    /// The app that holds the authorization, by name, when there is one.
    pub application: Option<String>,
}

/// Whether a token lets a [`Task`] run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Verdict {
    /// Every scope it needs is granted.
    Yes,
    /// These scopes are lacking.
    No {
        /// The scopes the token lacks.
        missing: Vec<&'static str>,
    },
    /// These scopes could not be checked (write scopes, when the token may
    /// not call Get Authorization Info).
    Unknown {
        /// The scopes not checked.
        unchecked: Vec<&'static str>,
    },
}

impl TokenReport {
    /// Whether the token lets `task` run.
    pub fn verdict(&self, task: Task) -> Verdict {
        let has = |s: &str| self.granted.iter().any(|g| g == s);
        let absent: Vec<&'static str> = task.scopes().into_iter().filter(|s| !has(s)).collect();
        if absent.is_empty() {
            return Verdict::Yes;
        }
        let known_missing: Vec<&'static str> = absent
            .iter()
            .copied()
            .filter(|s| self.source == ScopeSource::Introspection || self.denied.iter().any(|d| d == s))
            .collect();
        if known_missing.is_empty() {
            Verdict::Unknown { unchecked: absent }
        } else {
            Verdict::No {
                missing: known_missing,
            }
        }
    }
}

impl Client {
    /// List Sites: `GET /sites`, every site the token reaches (scope
    /// `sites:read`). Webflow's ids are kept as they come.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), webflow_assets::Error> {
    /// let client = webflow_assets::Client::from_env()?;
    /// for site in client.list_sites().await? {
    ///     println!("{} {}", site.id, site.display_name.unwrap_or_default());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_sites(&self) -> Result<Vec<Site>, Error> {
        let list = self
            .call(LIST_SITES, Some("the token's sites".to_owned()), None, |api| {
                api.list_sites()
            })
            .await?;
        Ok(list.sites)
    }

    /// Get Authorization Info: `GET /token/introspect`, the token's scopes,
    /// rate limit and authorized sites. Webflow documents it for Data Client
    /// Apps' tokens; [`Client::whoami`] also covers the others.
    pub async fn authorization_info(&self) -> Result<AuthorizationInfo, Error> {
        self.call(INTROSPECT, Some("the token".to_owned()), None, |api| {
            api.introspect()
        })
        .await
    }

    /// What the token can do: its scopes (from Get Authorization Info, or,
    /// where the token may not call it, by one cheap read per read scope,
    /// on `site` when given), its rate limit and its sites.
    ///
    /// A token Webflow refuses (401 on every call) is an error:
    /// [`Error::Unauthorized`].
    pub async fn whoami(&self, site: Option<&str>) -> Result<TokenReport, Error> {
        match self.authorization_info().await {
            Ok(info) => {
                let auth = info.authorization;
                let scope = auth.as_ref().and_then(|a| a.scope.as_deref());
                let granted = parse_scopes(scope.unwrap_or_default());
                let mut report = TokenReport {
                    source: ScopeSource::Introspection,
                    denied: Vec::new(),
                    rate_limit: auth.as_ref().and_then(|a| a.rate_limit).map(i64::from),
                    site_ids: auth
                        .and_then(|a| a.authorized_to)
                        .and_then(|a| a.site_ids)
                        .unwrap_or_default(),
                    sites: Vec::new(),
                    application: info.application.and_then(|a| a.display_name),
                    granted,
                };
                if report.granted.iter().any(|s| s == "sites:read") {
                    report.sites = self.list_sites().await?;
                }
                Ok(report)
            }
            Err(e) if matches!(e.status().map(|s| s.as_u16()), Some(401 | 403)) => self.probe(site).await,
            Err(e) => Err(e),
        }
    }

    /// [`Client::whoami`] for a token that may not introspect.
    async fn probe(&self, site: Option<&str>) -> Result<TokenReport, Error> {
        let mut report = TokenReport {
            source: ScopeSource::Probe,
            granted: Vec::new(),
            denied: Vec::new(),
            rate_limit: None,
            site_ids: Vec::new(),
            sites: Vec::new(),
            application: None,
        };
        match self.list_sites().await {
            Ok(sites) => {
                report.granted.push("sites:read".to_owned());
                report.site_ids = sites.iter().map(|s| s.id.clone()).collect();
                report.sites = sites;
            }
            Err(e) => note(&mut report, "sites:read", e)?,
        }
        if let Some(site) = site {
            let one = crate::ListOptions::new().limit(1);
            let tries: [(&str, Result<(), Error>); 4] = [
                (
                    "assets:read",
                    self.list_assets_page(site, &one).await.map(drop),
                ),
                ("pages:read", self.list_pages_page(site, &one).await.map(drop)),
                (
                    "components:read",
                    self.list_components_page(site, &one).await.map(drop),
                ),
                ("cms:read", self.list_collections(site).await.map(drop)),
            ];
            for (scope, outcome) in tries {
                match outcome {
                    Ok(()) => report.granted.push(scope.to_owned()),
                    Err(e) => note(&mut report, scope, e)?,
                }
            }
        }
        report.granted.sort_unstable();
        report.denied.sort_unstable();
        Ok(report)
    }
}

/// A probe's failure: a 403 is a scope lacked; a 401 is the token refused,
/// an error; anything else leaves the scope unknown.
fn note(report: &mut TokenReport, scope: &str, error: Error) -> Result<(), Error> {
    match error.status().map(|s| s.as_u16()) {
        Some(401) => Err(error),
        Some(403) => {
            report.denied.push(scope.to_owned());
            Ok(())
        }
        _ => {
            tracing::debug!("whoami: {scope} not checked: {error}");
            Ok(())
        }
    }
}
