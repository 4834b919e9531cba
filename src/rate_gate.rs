//! One rate-limit state shared by every clone of a client, so that many
//! concurrent uploads respect the token's limit together instead of each
//! discovering it by its own 429.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use tokio::time::Instant;

use crate::error::RateLimit;
use crate::hooks::ResponseMeta;

#[derive(Debug)]
pub(crate) struct RateGate {
    /// No request starts before this instant (set by a 429's Retry-After).
    paused_until: Mutex<Option<Instant>>,
    /// `X-RateLimit-Remaining` of the latest response (`u64::MAX`: unknown).
    remaining: AtomicU64,
    /// When the limit is spent, one request at a time probes it, so that a
    /// burst of workers costs one 429, not one each.
    probe: tokio::sync::Mutex<()>,
}

impl Default for RateGate {
    fn default() -> Self {
        Self {
            paused_until: Mutex::new(None),
            remaining: AtomicU64::new(u64::MAX),
            probe: tokio::sync::Mutex::new(()),
        }
    }
}

impl RateGate {
    /// Waits until a request may go, and returns a guard to hold while it is
    /// in flight when the limit is spent.
    pub async fn admit(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        let guard = if self.remaining.load(Ordering::Relaxed) == 0 {
            Some(self.probe.lock().await)
        } else {
            None
        };
        loop {
            let until = *self.paused_until.lock().unwrap_or_else(|p| p.into_inner());
            match until {
                Some(t) if t > Instant::now() => {
                    tracing::debug!(wait = ?(t - Instant::now()), "waiting for the shared rate limit");
                    tokio::time::sleep_until(t).await;
                }
                _ => break,
            }
        }
        guard
    }

    /// Learns from a response.
    pub fn observe(&self, meta: &ResponseMeta) {
        let rate = RateLimit::from_headers(&meta.headers);
        if let Some(remaining) = rate.remaining {
            self.remaining.store(remaining, Ordering::Relaxed);
        }
        if meta.status == StatusCode::TOO_MANY_REQUESTS {
            self.remaining.store(0, Ordering::Relaxed);
            let wait = crate::retry::retry_after(&meta.headers).unwrap_or(Duration::from_secs(1));
            let until = Instant::now() + wait;
            let mut paused = self.paused_until.lock().unwrap_or_else(|p| p.into_inner());
            if paused.is_none_or(|t| t < until) {
                *paused = Some(until);
            }
        } else if meta.status.is_success() && rate.remaining.is_none() {
            // A server that sends no count has no limit to track.
            self.remaining.store(u64::MAX, Ordering::Relaxed);
        }
    }
}
