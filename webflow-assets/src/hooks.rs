//! The `ClientHooks` of the generated client: what every request to Webflow
//! gets on its way out, and what is remembered of every response.

use std::cell::RefCell;
use std::future::Future;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderMap};

use crate::auth::Auth;
use crate::generated::Client as Generated;

/// Status and headers of the last response seen by the current call.
///
/// progenitor drops the status of a documented error whose body does not
/// parse (`InvalidResponsePayload` carries only the bytes); the hook records
/// it here so the error can still name the status and rate-limit headers.
#[derive(Clone, Debug)]
pub(crate) struct ResponseMeta {
    pub status: reqwest::StatusCode,
    pub headers: HeaderMap,
}

tokio::task_local! {
    // Boxed: the task-local's value is swapped in and out at every poll of
    // the call, so it is kept to a pointer.
    static LAST_RESPONSE: RefCell<Option<Box<ResponseMeta>>>;
}

/// The header progenitor adds and Webflow does not want, parsed once.
const API_VERSION: reqwest::header::HeaderName =
    reqwest::header::HeaderName::from_static("api-version");

/// Runs `fut` with a fresh response slot and returns what it recorded.
pub(crate) async fn capture<F: Future>(fut: F) -> (F::Output, Option<ResponseMeta>) {
    LAST_RESPONSE
        .scope(RefCell::new(None), async {
            let out = fut.await;
            let meta = LAST_RESPONSE.with(|slot| slot.borrow_mut().take());
            (out, meta.map(|m| *m))
        })
        .await
}

impl ClientHooks<Auth> for Generated {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let headers = request.headers_mut();
        // progenitor sends `api-version: <info.version>`; Webflow versions by
        // path (`/v2`) and its official SDKs send no such header.
        headers.remove(&API_VERSION);
        headers.insert(AUTHORIZATION, self.inner().authorization.clone());
        Ok(())
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        if let Ok(response) = result {
            let status = response.status();
            // A success needs only what the rate gate reads; copying every
            // header of every answer was a measurable share of a call's cost
            // (BENCHMARKS.md, section 3). An error keeps them all.
            let headers = if status.is_success() {
                let all = response.headers();
                let mut kept = HeaderMap::new();
                for name in &crate::rate_limit::RATE_HEADERS {
                    if let Some(value) = all.get(name) {
                        kept.insert(name.clone(), value.clone());
                    }
                }
                kept
            } else {
                response.headers().clone()
            };
            let meta = ResponseMeta { status, headers };
            // Outside `capture` (a user calling the generated client
            // directly) there is no slot, and nothing to record.
            let _ = LAST_RESPONSE.try_with(|slot| *slot.borrow_mut() = Some(Box::new(meta)));
        }
        Ok(())
    }
}
