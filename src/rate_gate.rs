//! One rate-limit state shared by every clone of a client, so that many
//! concurrent uploads respect the token's limit together instead of each
//! discovering it by its own 429.
//!
//! Two rules: after a 429 nobody sends before its `Retry-After`; and once
//! Webflow has said how many requests are left (`X-RateLimit-Remaining`), no
//! more than that many are in flight at once. When none are left, one
//! request at a time probes whether the window has moved on.

use std::sync::Mutex;
use std::time::Duration;

use reqwest::StatusCode;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::error::RateLimit;
use crate::hooks::ResponseMeta;

#[derive(Debug, Default)]
pub(crate) struct RateGate {
    state: Mutex<State>,
    /// Woken when a request finishes or a response changes the state.
    changed: Notify,
}

#[derive(Debug, Default)]
struct State {
    /// No request starts before this instant (set by a 429's Retry-After).
    paused_until: Option<Instant>,
    /// `X-RateLimit-Remaining` of the latest response; `None`: unknown, or a
    /// server without a limit.
    remaining: Option<u64>,
    /// Requests admitted and not yet finished.
    in_flight: u64,
}

/// Held while a request is in flight; frees its place when dropped.
pub(crate) struct Admission<'a> {
    gate: &'a RateGate,
}

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        let mut state = self.gate.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
        drop(state);
        self.gate.changed.notify_waiters();
    }
}

impl RateGate {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until a request may go.
    pub async fn admit(&self) -> Admission<'_> {
        loop {
            // Registered before the state is read, so that a change between
            // the read and the wait is not missed.
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let wait_until = {
                let mut state = self.lock();
                match state.paused_until {
                    Some(t) if t > Instant::now() => Some(t),
                    _ => {
                        // With nothing left, one probe at a time.
                        let room = state.remaining.map_or(u64::MAX, |r| r.max(1));
                        if state.in_flight < room {
                            state.in_flight += 1;
                            return Admission { gate: self };
                        }
                        None
                    }
                }
            };
            match wait_until {
                Some(t) => {
                    tracing::debug!(wait = ?(t - Instant::now()), "waiting for the shared rate limit");
                    tokio::select! {
                        _ = tokio::time::sleep_until(t) => {}
                        _ = changed => {}
                    }
                }
                None => changed.await,
            }
        }
    }

    /// Learns from a response.
    pub fn observe(&self, meta: &ResponseMeta) {
        let rate = RateLimit::from_headers(&meta.headers);
        let mut state = self.lock();
        if meta.status == StatusCode::TOO_MANY_REQUESTS {
            state.remaining = Some(0);
            let wait = crate::retry::retry_after(&meta.headers).unwrap_or(Duration::from_secs(1));
            let until = Instant::now() + wait;
            if state.paused_until.is_none_or(|t| t < until) {
                state.paused_until = Some(until);
            }
        } else if rate.remaining.is_some() {
            state.remaining = rate.remaining;
        } else if meta.status.is_success() {
            // A server that sends no count has no limit to track.
            state.remaining = None;
        }
        drop(state);
        self.changed.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderMap;

    fn meta(status: u16, remaining: Option<u64>) -> ResponseMeta {
        let mut headers = HeaderMap::new();
        if let Some(r) = remaining {
            headers.insert("x-ratelimit-remaining", r.into());
        }
        if status == 429 {
            headers.insert("retry-after", 2.into());
        }
        ResponseMeta {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
        }
    }

    /// Whether `admit` returns without waiting.
    async fn admits_now(gate: &RateGate) -> Option<Admission<'_>> {
        tokio::time::timeout(Duration::from_millis(1), gate.admit())
            .await
            .ok()
    }

    #[tokio::test(start_paused = true)]
    async fn no_more_in_flight_than_remaining() {
        let gate = RateGate::default();
        gate.observe(&meta(200, Some(2)));
        let a = admits_now(&gate).await.expect("first");
        let b = admits_now(&gate).await.expect("second");
        assert!(
            admits_now(&gate).await.is_none(),
            "a third exceeds the 2 left"
        );
        drop(a);
        let c = admits_now(&gate).await.expect("a place was freed");
        drop((b, c));
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_left_means_one_probe_at_a_time() {
        let gate = RateGate::default();
        gate.observe(&meta(200, Some(0)));
        let probe = admits_now(&gate).await.expect("one probe");
        assert!(admits_now(&gate).await.is_none());
        drop(probe);
        assert!(admits_now(&gate).await.is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_pauses_everyone_for_its_retry_after() {
        let gate = RateGate::default();
        gate.observe(&meta(429, None));
        let started = Instant::now();
        let admitted = gate.admit().await;
        assert!(started.elapsed() >= Duration::from_secs(2));
        drop(admitted);
        // A response without a count lifts the limit.
        gate.observe(&meta(200, None));
        let all: Vec<_> = futures::future::join_all((0..10).map(|_| gate.admit())).await;
        assert_eq!(all.len(), 10);
    }
}
