//! Rate limits, all in one place: reading Webflow's headers (`Retry-After`
//! in seconds or as an HTTP date, `X-RateLimit-*`), and the one state shared
//! by every clone of a client ([`RateGate`]), so that many concurrent
//! uploads respect the token's limit together instead of each discovering it
//! by its own 429.
//!
//! The gate's two rules: after a 429 nobody sends before its `Retry-After`; and once
//! Webflow has said how many requests are left (`X-RateLimit-Remaining`), no
//! more than that many are in flight at once. When none are left, one
//! request at a time probes whether the window has moved on.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName};
use tokio::sync::Notify;
use tokio::time::Instant;

/// Every header the rate gate and the retry delay read.
pub(crate) const RATE_HEADERS: [HeaderName; 4] = [
    HeaderName::from_static("x-ratelimit-remaining"),
    HeaderName::from_static("x-ratelimit-limit"),
    HeaderName::from_static("x-ratelimit-reset"),
    HeaderName::from_static("retry-after"),
];

/// Webflow's per-token rate-limit headers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `X-RateLimit-Remaining`: requests left in the current minute.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Limit`: requests allowed per minute.
    pub limit: Option<u64>,
}

impl RateLimit {
    /// Reads the headers; absent or malformed values are `None`.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0)
                .map(|v| v as u64)
        };
        Self {
            remaining: number("x-ratelimit-remaining"),
            limit: number("x-ratelimit-limit"),
        }
    }
}

/// The longest wait a server's header is taken for: anything longer (a
/// typo, a hostile proxy, `1e300`) is held to a day, which every retry
/// budget refuses, so the caller gets the error with this as its
/// `retry_after`.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// How long the server asked to wait: `Retry-After` (seconds or HTTP-date),
/// else `X-RateLimit-Reset` (seconds, or a Unix time when it is that large),
/// at most [`MAX_RETRY_AFTER`].
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    retry_after_unclamped(headers).map(|d| d.min(MAX_RETRY_AFTER))
}

fn retry_after_unclamped(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(value) = text("retry-after") {
        if let Ok(secs) = value.parse::<f64>()
            && secs.is_finite()
            && secs >= 0.0
        {
            // Found by fuzzing: `from_secs_f64` panics past u64 seconds.
            return Some(Duration::try_from_secs_f64(secs).unwrap_or(MAX_RETRY_AFTER));
        }
        if let Ok(when) = httpdate::parse_http_date(value) {
            return Some(
                when.duration_since(SystemTime::now())
                    .unwrap_or(Duration::ZERO),
            );
        }
    }
    let reset = text("x-ratelimit-reset")?.parse::<u64>().ok()?;
    // Values past 2001 in Unix time are timestamps, smaller ones are deltas.
    if reset > 1_000_000_000 {
        // `checked_add`: a time past what SystemTime holds would panic.
        let Some(when) = SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(reset)) else {
            return Some(MAX_RETRY_AFTER);
        };
        Some(
            when.duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO),
        )
    } else {
        Some(Duration::from_secs(reset))
    }
}

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
    /// `X-RateLimit-Limit` of the latest response that sent it.
    limit: Option<u64>,
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

    /// What the latest responses said of the limit.
    pub fn seen(&self) -> RateLimit {
        let state = self.lock();
        RateLimit {
            remaining: state.remaining,
            limit: state.limit,
        }
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
    pub fn observe(&self, status: StatusCode, headers: &HeaderMap) {
        let rate = RateLimit::from_headers(headers);
        let mut state = self.lock();
        if rate.limit.is_some() {
            state.limit = rate.limit;
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            state.remaining = Some(0);
            let wait = retry_after(headers).unwrap_or(Duration::from_secs(1));
            let until = Instant::now() + wait;
            if state.paused_until.is_none_or(|t| t < until) {
                state.paused_until = Some(until);
            }
        } else if rate.remaining.is_some() {
            state.remaining = rate.remaining;
        } else if status.is_success() {
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
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn meta(status: u16, remaining: Option<u64>) -> (StatusCode, HeaderMap) {
        let mut headers = HeaderMap::new();
        if let Some(r) = remaining {
            headers.insert("x-ratelimit-remaining", r.into());
        }
        if status == 429 {
            headers.insert("retry-after", 2.into());
        }
        (StatusCode::from_u16(status).unwrap(), headers)
    }

    fn observe(gate: &RateGate, (status, headers): (StatusCode, HeaderMap)) {
        gate.observe(status, &headers);
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
        observe(&gate, meta(200, Some(2)));
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
        observe(&gate, meta(200, Some(0)));
        let probe = admits_now(&gate).await.expect("one probe");
        assert!(admits_now(&gate).await.is_none());
        drop(probe);
        assert!(admits_now(&gate).await.is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_pauses_everyone_for_its_retry_after() {
        let gate = RateGate::default();
        observe(&gate, meta(429, None));
        let started = Instant::now();
        let admitted = gate.admit().await;
        assert!(started.elapsed() >= Duration::from_secs(2));
        drop(admitted);
        // A response without a count lifts the limit.
        observe(&gate, meta(200, None));
        let all: Vec<_> = futures::future::join_all((0..10).map(|_| gate.admit())).await;
        assert_eq!(all.len(), 10);
    }

    #[test]
    fn retry_after_seconds() {
        assert_eq!(
            retry_after(&headers(&[("retry-after", "60")])),
            Some(Duration::from_secs(60))
        );
    }

    #[test]
    fn retry_after_http_date() {
        let when = SystemTime::now() + Duration::from_secs(120);
        let d = retry_after(&headers(&[("retry-after", &httpdate::fmt_http_date(when))])).unwrap();
        assert!(
            d > Duration::from_secs(110) && d <= Duration::from_secs(120),
            "{d:?}"
        );
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(120));
        assert_eq!(
            retry_after(&headers(&[("retry-after", &past)])),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn falls_back_to_rate_limit_reset() {
        assert_eq!(
            retry_after(&headers(&[("x-ratelimit-reset", "7")])),
            Some(Duration::from_secs(7))
        );
        let epoch = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 30;
        let d = retry_after(&headers(&[("x-ratelimit-reset", &epoch.to_string())])).unwrap();
        assert!(
            d > Duration::from_secs(25) && d <= Duration::from_secs(30),
            "{d:?}"
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }
}
