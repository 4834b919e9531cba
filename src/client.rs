//! The client: the generated API client wrapped with authentication,
//! retries, typed errors and tracing.

use std::fmt;
use std::sync::Arc;

use progenitor_client::Error as GenError;
use reqwest::StatusCode;
use tracing::Instrument;

use crate::config::{ClientBuilder, Token};
use crate::error::{ApiError, Error, snippet};
use crate::generated;
use crate::hooks::{self, Inner};
use crate::types::{AssetUpload, CreateAssetRequest, WebflowErrorBody};
use crate::validate;

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
    pub(crate) gate: crate::rate_gate::RateGate,
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
            Inner::new(&token),
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

    /// The generated client, for operations this wrapper does not cover. It
    /// authenticates like this one but neither retries nor maps errors.
    pub fn generated(&self) -> &generated::Client {
        &self.shared.api
    }

    /// Create Asset Metadata: `POST /sites/{site_id}/assets`.
    ///
    /// Validates the site id first, then sends the request with retries as
    /// the [`RetryPolicy`](crate::RetryPolicy) allows for a request that is
    /// not idempotent.
    pub async fn create_asset_metadata(
        &self,
        site_id: &str,
        request: &CreateAssetRequest,
    ) -> Result<AssetUpload, Error> {
        self.create_asset_metadata_notifying(site_id, request, None)
            .await
    }

    pub(crate) async fn create_asset_metadata_notifying(
        &self,
        site_id: &str,
        request: &CreateAssetRequest,
        notify: Option<&crate::retry::OnRetry>,
    ) -> Result<AssetUpload, Error> {
        validate::object_id("site id", site_id)?;
        let site: crate::types::CreateAssetSiteId = site_id.parse().map_err(|e| {
            Error::invalid(
                format!("the site id {site_id:?} does not match the spec: {e}"),
                "pass a 24-hex Webflow site id",
            )
        })?;
        let site = &site;
        let policy = &self.shared.config.retry;
        policy
            .run("Create Asset Metadata", false, notify, |attempt| {
                let span = tracing::info_span!(
                    "webflow.request",
                    method = "POST",
                    path = "/sites/{site_id}/assets",
                    site_id,
                    attempt,
                    status = tracing::field::Empty,
                );
                async move {
                    let probe = self.shared.gate.admit().await;
                    let (result, meta) =
                        hooks::capture(self.shared.api.create_asset(site, request)).await;
                    if let Some(meta) = &meta {
                        tracing::Span::current().record("status", meta.status.as_u16());
                        self.shared.gate.observe(meta);
                    }
                    drop(probe);
                    let result = match result {
                        Ok(value) => Ok(value.into_inner()),
                        Err(e) => Err(self.map_error(e, meta).await),
                    };
                    match &result {
                        Ok(_) => tracing::debug!("created asset metadata"),
                        Err(e) => tracing::debug!(error = %e, "create asset metadata failed"),
                    }
                    result
                }
                .instrument(span)
            })
            .await
    }

    async fn map_error(
        &self,
        err: GenError<WebflowErrorBody>,
        meta: Option<hooks::ResponseMeta>,
    ) -> Error {
        const WHAT: &str = "Create Asset Metadata";
        let timeout = self.shared.config.timeout;
        match err {
            GenError::ErrorResponse(value) => {
                let status = value.status();
                let headers = value.headers().clone();
                status_error(ApiError::from_body(status, headers, value.into_inner()))
            }
            GenError::InvalidResponsePayload(bytes, decode) => {
                let (status, headers) = meta
                    .map(|m| (m.status, m.headers))
                    .unwrap_or((StatusCode::OK, Default::default()));
                if status.is_success() {
                    Error::Decode {
                        status,
                        message: decode_message(&bytes, &decode),
                        snippet: snippet(&bytes, 200),
                        source: decode,
                    }
                } else {
                    status_error(ApiError::new(status, headers, &bytes))
                }
            }
            GenError::UnexpectedResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                match response.bytes().await {
                    Ok(body) => status_error(ApiError::new(status, headers, &body)),
                    Err(e) => Error::from_reqwest(WHAT, e, timeout),
                }
            }
            GenError::CommunicationError(e)
            | GenError::ResponseBodyError(e)
            | GenError::InvalidUpgrade(e) => Error::from_reqwest(WHAT, e, timeout),
            GenError::InvalidRequest(message) => Error::invalid(
                format!("the request cannot be sent: {message}"),
                "check the site id and request fields",
            ),
            GenError::Custom(message) => Error::Transport {
                what: WHAT,
                host: None,
                message,
                not_sent: true,
                kind: crate::error::TransportKind::Request,
                source: None,
            },
        }
    }
}

/// serde_json's message with the JSON path of the offending field in front
/// (`createdOn: input contains invalid characters …`), so that a user can
/// tell which field Webflow sent in an unexpected form.
pub(crate) fn decode_message(body: &[u8], err: &serde_json::Error) -> String {
    // A syntax error or a cut body has no field to blame.
    if !err.is_data() {
        return err.to_string();
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, AssetUpload>(&mut de) {
        Err(e) if e.path().iter().next().is_some() => format!("{}: {err}", e.path()),
        _ => err.to_string(),
    }
}

/// The variant for a Webflow error response, by status.
pub(crate) fn status_error(error: ApiError) -> Error {
    let error = Box::new(error);
    match error.status.as_u16() {
        400 => Error::BadRequest(error),
        401 => Error::Unauthorized(error),
        404 => Error::NotFound(error),
        429 => Error::RateLimited {
            retry_after: crate::retry::retry_after(&error.headers),
            error,
        },
        500 => Error::ServerError(error),
        _ => Error::UnexpectedStatus { error },
    }
}
