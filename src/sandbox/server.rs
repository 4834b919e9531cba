//! The sandbox's two loopback servers and what they share.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use s3s::auth::SimpleAuth;
use s3s::service::{S3Service, S3ServiceBuilder};

use super::faults::{Counter, Dice, Fate, RateLimiter};
use super::{PolicySigner, SandboxConfig, Stats};
use crate::Error;

pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub(crate) type Body = BoxBody<Bytes, BoxError>;

/// The S3 credentials inside the sandbox; never leave it.
const ACCESS_KEY: &str = "SANDBOXACCESSKEY";
const SECRET_KEY: &str = "sandbox-secret-key";
pub(crate) const REGION: &str = "us-east-1";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    Api,
    Storage,
}

pub(crate) struct Shared {
    pub config: SandboxConfig,
    pub root: PathBuf,
    pub api_addr: SocketAddr,
    pub storage_addr: SocketAddr,
    pub stats: Stats,
    pub store: super::assets::Store,
    pub dice: Dice,
    pub limiter: RateLimiter,
    pub signer: PolicySigner,
    s3: S3Service,
    api_count: Counter,
    storage_count: Counter,
}

impl Shared {
    pub fn new(
        config: SandboxConfig,
        root: PathBuf,
        api_addr: SocketAddr,
        storage_addr: SocketAddr,
    ) -> Result<Self, Error> {
        let fs = s3s_fs::FileSystem::new(&root).map_err(|e| {
            Error::config(
                format!(
                    "the sandbox cannot use {} for storage: {e:?}",
                    root.display()
                ),
                "pass a writable storage directory",
            )
        })?;
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        Ok(Self {
            dice: Dice::new(config.seed),
            limiter: RateLimiter::new(config.rate_limit, config.rate_limit_window),
            signer: PolicySigner::new(ACCESS_KEY, SECRET_KEY, REGION),
            s3: builder.build(),
            api_count: Counter::default(),
            storage_count: Counter::default(),
            stats: Stats::default(),
            store: Default::default(),
            config,
            root,
            api_addr,
            storage_addr,
        })
    }

    async fn handle(
        self: Arc<Self>,
        side: Side,
        req: Request<Incoming>,
    ) -> Result<Response<Body>, BoxError> {
        let (faults, counter) = match side {
            // The API's faults are the API's: hosted files come from the CDN
            // (and the counters are the sandbox's own), which fail apart.
            Side::Api if !req.uri().path().starts_with("/v2/") => {
                return Ok(super::api::route(&self, req).await);
            }
            Side::Api => (self.config.api_faults, &self.api_count),
            Side::Storage => (self.config.storage_faults, &self.storage_count),
        };
        if !faults.latency.is_zero() {
            tokio::time::sleep(faults.latency).await;
        }
        let fate = counter
            .scripted(&faults)
            .unwrap_or_else(|| self.dice.fate(&faults));
        let lose = fate == Fate::Lose && side == Side::Api;
        match fate {
            Fate::Serve | Fate::Lose => {}
            Fate::Drop => {
                self.stats.injected_drops.fetch_add(1, Ordering::Relaxed);
                // An error from the service makes hyper close the connection
                // without an answer, as a dropped connection would.
                return Err("sandbox: injected dropped connection".into());
            }
            Fate::Fail => {
                self.stats.injected_errors.fetch_add(1, Ordering::Relaxed);
                return Ok(match side {
                    Side::Api => super::api::webflow_error(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "internal_error",
                        "An Internal Error occurred",
                        vec![],
                        None,
                    ),
                    Side::Storage => s3_internal_error(),
                });
            }
        }
        match side {
            Side::Api if lose => {
                // Carried out, but the client hears only a 500.
                let _ = super::api::route(&self, req).await;
                self.stats.injected_lost.fetch_add(1, Ordering::Relaxed);
                Ok(super::api::webflow_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "An Internal Error occurred",
                    vec![],
                    None,
                ))
            }
            Side::Api => Ok(super::api::route(&self, req).await),
            Side::Storage => {
                self.stats.storage_requests.fetch_add(1, Ordering::Relaxed);
                match self.s3.call(req.map(s3s::Body::from)).await {
                    Ok(resp) => Ok(resp.map(|b| b.map_err(|e| -> BoxError { e }).boxed())),
                    Err(e) => {
                        tracing::warn!(error = ?e, "s3s failed a request");
                        Ok(s3_internal_error())
                    }
                }
            }
        }
    }
}

fn s3_internal_error() -> Response<Body> {
    let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>sandbox</RequestId></Error>";
    let mut resp = Response::new(full(xml));
    *resp.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    resp.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static("application/xml"),
    );
    resp
}

pub(crate) fn full(body: impl Into<Bytes>) -> Body {
    Full::new(body.into())
        .map_err(|never| match never {})
        .boxed()
}

/// Accepts connections until told to stop, then lets open ones finish.
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    side: Side,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((socket, _)) = accepted else { continue };
                let shared = shared.clone();
                let service = service_fn(move |req| shared.clone().handle(side, req));
                let conn = builder.serve_connection(TokioIo::new(socket), service).into_owned();
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            _ = stop.changed() => break,
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(2), graceful.shutdown()).await;
}
