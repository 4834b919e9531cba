//! The client: the generated API client wrapped with authentication,
//! retries, typed errors and tracing.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use progenitor_client::{Error as GenError, ResponseValue};
use reqwest::StatusCode;
use tracing::Instrument;

use crate::auth::Auth;
use crate::config::{ClientBuilder, Token};
use crate::error::{ApiError, Error, snippet, status_error};
use crate::generated;
use crate::hooks;
use crate::rate_limit::RateGate;
use crate::retry::{OnRetry, RetryPolicy};
use crate::types::WebflowErrorBody;

/// A Webflow assets client. Cheap to clone; clones share connections.
///
/// ```no_run
/// # async fn run() -> Result<(), webflow_assets::Error> {
/// use webflow_assets::{Client, types::CreateAssetRequest};
///
/// let client = Client::builder().token("my-site-token").build()?;
/// let request = CreateAssetRequest::new("file.png", "3c7d87c9575702bc3b1e991f4d3c638e", None)?;
/// let upload = client.create_asset_metadata("580e63e98c9a982ac9b8b741", &request).await?;
/// println!("upload {} to {}", upload.id, upload.upload_url);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) api: generated::Client,
    /// For S3: no default headers, so the token can never reach it.
    pub(crate) storage: reqwest::Client,
    pub(crate) config: ClientBuilder,
    /// Shared by all clones: see `rate_gate`.
    pub(crate) gate: RateGate,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.api.baseurl)
            .field("token", &"<redacted>")
            .field("retry", &self.shared.config.retry)
            .finish()
    }
}

impl Client {
    /// Starts a [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with default settings and the token from `WEBFLOW_TOKEN`.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().build()
    }

    pub(crate) fn from_config(
        mut config: ClientBuilder,
        token: Token,
        base_url: String,
    ) -> Result<Self, Error> {
        config.token = None; // kept only inside the hook state
        let tls = crate::tls::client_config(&config.root_certificates)?;
        let http = |timeout| {
            reqwest::Client::builder()
                .user_agent(config.user_agent.clone())
                .connect_timeout(config.connect_timeout)
                .timeout(timeout)
                // Bytes as they were sent: the API's JSON and the files a
                // URL upload hashes and stores (only the published site's
                // crawl asks for compression: `usage/fetch.rs`).
                .no_gzip()
                .no_brotli()
                .no_zstd()
                .no_deflate()
                .tls_backend_preconfigured(tls.clone())
                .build()
                .map_err(|e| {
                    Error::config(
                        format!("cannot start the HTTP client: {e}"),
                        "check the TLS setup of this machine",
                    )
                })
        };
        let api = generated::Client::new_with_client(
            &base_url,
            http(config.timeout)?,
            Auth::new(token.authorization()),
        );
        let storage = http(config.upload_timeout)?;
        Ok(Self {
            shared: Arc::new(Shared {
                api,
                storage,
                config,
                gate: Default::default(),
            }),
        })
    }

    /// The API root requests go to.
    pub fn base_url(&self) -> &str {
        &self.shared.api.baseurl
    }

    /// The rate limit as the latest responses told it (`X-RateLimit-Remaining`
    /// and `-Limit`), shared by every clone: for a progress display's
    /// estimate. Both `None` before the first answer, or from a server
    /// that sends no limit.
    pub fn rate_limit(&self) -> crate::RateLimit {
        self.shared.gate.seen()
    }

    /// The retry policy every call of this client follows.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.shared.config.retry
    }

    /// The generated client (see [`GeneratedClient`](crate::GeneratedClient)),
    /// for operations this wrapper does not cover: the one way to get it. It
    /// authenticates like this one (the token, no `api-version` header) but
    /// neither retries, nor shares the rate gate, nor maps errors.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use webflow_assets::{Client, types::CreateAssetRequest};
    ///
    /// let client = Client::builder().token("my-site-token").build()?;
    /// let request = CreateAssetRequest::new("file.png", "3c7d87c9575702bc3b1e991f4d3c638e", None)?;
    /// let site = "580e63e98c9a982ac9b8b741".parse()?;
    /// let raw = client.generated().create_asset(&site, &request).await?;
    /// println!("{}", raw.status());
    /// # Ok(()) }
    /// ```
    pub fn generated(&self) -> &generated::Client {
        &self.shared.api
    }

    /// Sends one operation of the generated client through everything the
    /// wrapper adds: the shared rate gate, retries as the policy allows
    /// (idempotent or not), a tracing span, and the crate's typed errors
    /// (a 404 naming `target`). Every operation of the Assets API goes
    /// through here.
    pub(crate) async fn call<'a, T, F, Fut>(
        &'a self,
        op: Operation,
        target: Option<String>,
        notify: Option<&OnRetry>,
        send: F,
    ) -> Result<T, Error>
    where
        T: serde::de::DeserializeOwned,
        F: Fn(&'a generated::Client) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, GenError<WebflowErrorBody>>>,
    {
        let policy = &self.shared.config.retry;
        self.call_settling(op, target, policy, notify, send, |_, _| None)
            .await
    }

    /// [`call`](Self::call) under a given retry policy, where `settle` may
    /// turn an error at a given attempt into a success (a DELETE whose retry
    /// meets 404 is done).
    pub(crate) async fn call_settling<'a, T, F, Fut>(
        &'a self,
        op: Operation,
        target: Option<String>,
        policy: &RetryPolicy,
        notify: Option<&OnRetry>,
        send: F,
        settle: impl Fn(u32, &Error) -> Option<T>,
    ) -> Result<T, Error>
    where
        T: serde::de::DeserializeOwned,
        F: Fn(&'a generated::Client) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, GenError<WebflowErrorBody>>>,
    {
        let (target, settle) = (&target, &settle);
        // Boxed, as the call inside: the caller's future stays small, so
        // moving it (into a `FuturesUnordered`, a spawned task) costs little.
        Box::pin(policy.run(op.name, op.idempotent, notify, |attempt| {
                let span = tracing::info_span!(
                    "webflow.request",
                    method = op.method,
                    path = op.path,
                    attempt,
                    status = tracing::field::Empty,
                );
                // Boxed: the generated call's future is large, and every
                // layer around it (gate, capture, span, retry) would move it
                // again; a box moves as a pointer.
                let sent = Box::pin(send(&self.shared.api));
                async move {
                    let admission = self.shared.gate.admit().await;
                    let (result, meta) = hooks::capture(sent).await;
                    if let Some(meta) = &meta {
                        tracing::Span::current().record("status", meta.status.as_u16());
                        self.shared.gate.observe(meta.status, &meta.headers);
                    }
                    drop(admission);
                    let result = match result {
                        Ok(value) => Ok(value.into_inner()),
                        Err(e) => {
                            let error = self.map_error::<T>(op.name, e, meta, target).await;
                            match settle(attempt, &error) {
                                Some(value) => Ok(value),
                                None => Err(error),
                            }
                        }
                    };
                    match &result {
                        Ok(_) => tracing::debug!(operation = op.name, "done"),
                        Err(e) => tracing::debug!(operation = op.name, error = %e, "failed"),
                    }
                    result
                }
                .instrument(span)
            }))
            .await
    }

    async fn map_error<T: serde::de::DeserializeOwned>(
        &self,
        what: &'static str,
        err: GenError<WebflowErrorBody>,
        meta: Option<hooks::ResponseMeta>,
        target: &Option<String>,
    ) -> Error {
        let to_error = |api: ApiError| match target {
            Some(t) => status_error(api.about(t.clone())),
            None => status_error(api),
        };
        let timeout = self.shared.config.timeout;
        match err {
            GenError::ErrorResponse(value) => {
                let status = value.status();
                let headers = value.headers().clone();
                to_error(ApiError::from_body(status, headers, value.into_inner()))
            }
            GenError::InvalidResponsePayload(bytes, decode) => {
                let (status, headers) = meta
                    .map(|m| (m.status, m.headers))
                    .unwrap_or((StatusCode::OK, Default::default()));
                if status.is_success() {
                    let path = decode_path::<T>(&bytes, &decode);
                    Error::Decode {
                        status,
                        message: match &path {
                            Some(p) => format!("{p}: {decode}"),
                            None => decode.to_string(),
                        },
                        path,
                        snippet: snippet(&bytes, 200),
                        source: decode,
                    }
                } else {
                    to_error(ApiError::new(status, headers, &bytes))
                }
            }
            GenError::UnexpectedResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                match response.bytes().await {
                    Ok(body) => to_error(ApiError::new(status, headers, &body)),
                    Err(e) => Error::from_reqwest(what, e, timeout),
                }
            }
            GenError::CommunicationError(e)
            | GenError::ResponseBodyError(e)
            | GenError::InvalidUpgrade(e) => Error::from_reqwest(what, e, timeout),
            GenError::InvalidRequest(message) => Error::invalid(
                format!("the request cannot be sent: {message}"),
                "check the site id and request fields",
            ),
            GenError::Custom(message) => Error::Transport {
                what,
                host: None,
                message,
                not_sent: true,
                kind: crate::error::TransportKind::Request,
                source: None,
            },
        }
    }
}

/// The JSON path of the field serde_json could not decode
/// (`createdOn`), so that a user can tell which field Webflow sent in an
/// unexpected form; `None` for a syntax error or a cut body.
pub(crate) fn decode_path<T: serde::de::DeserializeOwned>(
    body: &[u8],
    err: &serde_json::Error,
) -> Option<String> {
    if !err.is_data() {
        return None;
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) if e.path().iter().next().is_some() => Some(e.path().to_string()),
        _ => None,
    }
}


/// An operation of the Assets API, as [`Client::call`] sends it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Operation {
    /// Its name in errors and retry notices.
    pub name: &'static str,
    pub method: &'static str,
    /// The path template, for tracing (never the ids: they are fields).
    pub path: &'static str,
    /// Whether sending it twice is harmless (GET, PATCH, DELETE): then 5xx
    /// and broken connections are retried too.
    pub idempotent: bool,
}

impl Operation {
    /// A `GET`, `PATCH` or `DELETE`: safe to repeat.
    pub const fn idempotent(name: &'static str, method: &'static str, path: &'static str) -> Self {
        Self {
            name,
            method,
            path,
            idempotent: true,
        }
    }
}
