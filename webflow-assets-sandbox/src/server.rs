//! The sandbox's two listeners (the API with its hosted files, and S3),
//! and what happens to each request before it is served: latency and the
//! injected faults.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};

use crate::faults::Fate;
use crate::respond::{Body, full, webflow_error};
use crate::shared::Shared;
use webflow_assets::BoxError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    Api,
    Storage,
    /// The published site (no faults of the API's: its own pages' status,
    /// delay and redirect stand for them).
    Published,
}

pub(super) async fn handle(
    shared: Arc<Shared>,
    side: Side,
    req: Request<Incoming>,
) -> Result<Response<Body>, BoxError> {
    let (faults, counter) = match side {
        Side::Published => return Ok(crate::publish::route(&shared, req).await),
        // The API's faults are the API's: hosted files come from the CDN
        // (and the counters are the sandbox's own), which fail apart.
        Side::Api if !req.uri().path().starts_with("/v2/") => {
            return Ok(crate::api::route(&shared, req).await);
        }
        Side::Api => (shared.config.api_faults, &shared.api_count),
        Side::Storage => (shared.config.storage_faults, &shared.storage_count),
    };
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    let fate = counter
        .scripted(&faults)
        .unwrap_or_else(|| shared.dice.fate(&faults));
    let lose = fate == Fate::Lose && side == Side::Api;
    match fate {
        Fate::Serve | Fate::Lose => {}
        Fate::Drop => {
            shared.stats.injected_drops.fetch_add(1, Ordering::Relaxed);
            // An error from the service makes hyper close the connection
            // without an answer, as a dropped connection would.
            return Err("sandbox: injected dropped connection".into());
        }
        Fate::Fail => {
            shared.stats.injected_errors.fetch_add(1, Ordering::Relaxed);
            return Ok(match side {
                Side::Api => webflow_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "An Internal Error occurred",
                    vec![],
                    None,
                ),
                Side::Storage | Side::Published => s3_internal_error(),
            });
        }
    }
    match side {
        Side::Api if lose => {
            // Carried out, but the client hears only a 500.
            let _ = crate::api::route(&shared, req).await;
            shared.stats.injected_lost.fetch_add(1, Ordering::Relaxed);
            Ok(webflow_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "An Internal Error occurred",
                vec![],
                None,
            ))
        }
        Side::Api => Ok(crate::api::route(&shared, req).await),
        Side::Published => Ok(crate::publish::route(&shared, req).await),
        Side::Storage => {
            shared
                .stats
                .storage_requests
                .fetch_add(1, Ordering::Relaxed);
            match shared.s3.call(req.map(s3s::Body::from)).await {
                Ok(resp) => Ok(resp.map(|b| b.map_err(|e| -> BoxError { e }).boxed())),
                Err(e) => {
                    tracing::warn!(error = ?e, "s3s failed a request");
                    Ok(s3_internal_error())
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
                let service = service_fn(move |req| handle(shared.clone(), side, req));
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
