//! The client a command talks through: token, site and base URL from the
//! flags or the environment, checked before any call.

use std::time::Duration;

use clap::Args;
use webflow_assets::{Client, RetryPolicy};

use super::Usage;

/// The retry policy of every command: rate limits are waited out (a 429's
/// `Retry-After` is often a minute), an unreachable host is not.
pub(crate) fn policy(connect_attempts: u32, connect_wait: Duration) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(10)
        .max_total_wait(Duration::from_secs(600))
        .connect_attempts(connect_attempts)
        .connect_max_wait(connect_wait)
}

/// A client for `api`'s token and base URL.
pub(crate) fn client(api: &ApiArgs, policy: RetryPolicy) -> Result<Client, Usage> {
    let token = api
        .token
        .clone()
        .or_else(|| std::env::var(webflow_assets::TOKEN_ENV).ok())
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            Usage(format!(
                "no token given: set WEBFLOW_TOKEN or pass --token. Make a site token in Webflow \
                 (Site settings > Apps & integrations > API access) with the scopes of the commands \
                 you will run:\n{}Then `webflow-assets whoami` shows what it can do, and \
                 `webflow-assets sites list` your site's id.",
                super::scope_words::scope_table()
            ))
        })?;
    let mut builder = Client::builder().retry(policy).token(token);
    if let Some(url) = &api.base_url {
        builder = builder.base_url(url);
    }
    builder
        .build()
        .map_err(|e| Usage(super::hints::message(&e)))
}

/// A client for the commands other than `upload` (`assets`, `folders`,
/// `sync`): its flags' retry budget for an unreachable host.
pub(crate) fn command_client(api: &ApiArgs) -> Result<Client, Usage> {
    client(
        api,
        policy(
            api.connect_attempts,
            Duration::from_secs_f64(api.connect_wait),
        ),
    )
}

/// The error for a missing site id (`upload` adds its --sandbox to it: no
/// other command has one).
pub(crate) const NO_SITE: &str = "no site given: pass --site <SITE_ID> (or set WEBFLOW_SITE_ID)";

/// The site id, checked.
pub(crate) fn site(api: &ApiArgs) -> Result<String, Usage> {
    let site = api.site.clone().ok_or_else(|| Usage(NO_SITE.to_owned()))?;
    check_id("site id (--site)", &site)?;
    Ok(site)
}

/// An id given on the command line, checked before any call.
pub(crate) fn check_id(what: &str, id: &str) -> Result<(), Usage> {
    webflow_assets::validate::object_id(what, id).map_err(|e| Usage(super::hints::message(&e)))
}

/// Where and as whom: the same flags as `upload` (without its sandbox).
#[derive(Debug, Args, Clone)]
pub(crate) struct ApiArgs {
    /// API token [env: WEBFLOW_TOKEN]. Never printed.
    #[arg(long, global = true)]
    pub token: Option<String>,

    /// The site id (24 hexadecimal characters).
    #[arg(long, env = "WEBFLOW_SITE_ID", global = true)]
    pub site: Option<String>,

    /// API root (default https://api.webflow.com/v2), e.g. a running
    /// `webflow-assets sandbox`'s.
    #[arg(long, env = "WEBFLOW_BASE_URL", global = true)]
    pub base_url: Option<String>,

    /// Print JSON (one object per line) instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    /// Attempts to reach a host that does not answer (DNS failure, refused
    /// connection, TLS handshake) before a call gives up.
    #[arg(long, global = true, hide_short_help = true, default_value_t = 3, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100))]
    pub connect_attempts: u32,

    /// Longest total wait, in seconds, between those attempts.
    #[arg(long, global = true, hide_short_help = true, default_value_t = 10.0, value_name = "SECONDS", value_parser = seconds)]
    pub connect_wait: f64,
}

/// A number of seconds a flag takes: 0 to an hour.
pub(crate) fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && (0.0..=3600.0).contains(&s) => Ok(s),
        _ => Err(format!(
            "{text:?} is not a number of seconds between 0 and 3600"
        )),
    }
}
