//! When and how long to wait before sending a request again.
//!
//! The loop itself is backon's; this module decides which errors are worth
//! another attempt, honours the server's `Retry-After`, and keeps the total
//! wait within a budget.

use std::cell::Cell;
use std::future::Future;
use std::time::{Duration, SystemTime};

use backon::{ExponentialBuilder, Retryable};
use reqwest::header::HeaderMap;

use crate::error::Error;

/// How the client retries failed requests.
///
/// Retried: 429 (after `Retry-After`), 408, 503, connection failures and,
/// for requests that are safe to repeat (the S3 upload, which overwrites the
/// same key), every 5xx, timeout and broken connection.
///
/// Create Asset Metadata is **not** idempotent: each call that Webflow
/// processes creates an asset entry. By default it is retried only where the
/// request cannot have been processed: 429, 408, 503 and connections that
/// never opened. [`retry_unsafe`](Self::retry_unsafe) opts in to retrying
/// 500/502/504 and broken connections too, at the risk of an orphan entry.
///
/// ```
/// use std::time::Duration;
/// use webflow_assets::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(5)
///     .max_total_wait(Duration::from_secs(120))
///     .retry_unsafe(true);
/// assert_eq!(policy.attempts(), 5);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_total_wait: Duration,
    jitter: bool,
    retry_unsafe: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            // Webflow's Retry-After is often 60 s: by default one such wait is
            // honoured, a second is returned to the caller.
            max_total_wait: Duration::from_secs(75),
            jitter: true,
            retry_unsafe: false,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Total attempts, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first backoff delay; it doubles with each attempt.
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// The longest backoff delay.
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// The most time spent waiting between attempts, in total. A
    /// `Retry-After` that would exceed it is not waited for: the 429 is
    /// returned with its [`Error::retry_after`].
    pub fn max_total_wait(mut self, budget: Duration) -> Self {
        self.max_total_wait = budget;
        self
    }

    /// Randomise backoff delays (on by default) so that many clients do not
    /// retry in step.
    pub fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }

    /// Also retry failures after which Create Asset Metadata may have been
    /// processed (500, 502, 504, timeouts, connections broken mid-request).
    pub fn retry_unsafe(mut self, on: bool) -> Self {
        self.retry_unsafe = on;
        self
    }

    /// Total attempts allowed.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether an error is worth another attempt for a request that is
    /// (`idempotent`) or is not safe to repeat.
    pub fn should_retry(&self, err: &Error, idempotent: bool) -> bool {
        let repeat_ok = idempotent || self.retry_unsafe;
        match err {
            Error::RateLimited { .. } => true,
            Error::Transport { not_sent, .. } => *not_sent || repeat_ok,
            Error::Timeout { .. } => repeat_ok,
            Error::ServerError(_) => repeat_ok,
            Error::UnexpectedStatus { error } => match error.status.as_u16() {
                408 | 503 => true,
                500..=599 => repeat_ok,
                _ => false,
            },
            Error::Storage(e) => e.is_retryable(),
            _ => false,
        }
    }

    /// Runs `op` until it succeeds, fails for good, or the policy is spent.
    /// `op` receives the attempt number (1-based).
    pub(crate) async fn run<T, F, Fut>(&self, idempotent: bool, mut op: F) -> Result<T, Error>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let mut backoff = ExponentialBuilder::default()
            .with_min_delay(self.initial_backoff)
            .with_max_delay(self.max_backoff)
            .with_max_times(self.max_attempts.saturating_sub(1) as usize);
        if self.jitter {
            backoff = backoff.with_jitter();
        }
        let attempt = Cell::new(0u32);
        let waited = Cell::new(Duration::ZERO);
        let budget = self.max_total_wait;
        let op = || {
            attempt.set(attempt.get() + 1);
            op(attempt.get())
        };
        op.retry(backoff)
            .sleep(tokio::time::sleep)
            .when(|e| self.should_retry(e, idempotent))
            .adjust(|e, backoff_delay| {
                // `None` from backon means attempts are spent.
                let backoff_delay = backoff_delay?;
                let delay = e.retry_after().unwrap_or(backoff_delay);
                let total = waited.get() + delay;
                if total > budget {
                    tracing::debug!(?delay, ?budget, "retry wait exceeds the budget; giving up");
                    return None;
                }
                waited.set(total);
                Some(delay)
            })
            .notify(|e, delay| {
                tracing::warn!(attempt = attempt.get(), ?delay, error = %e, "retrying");
            })
            .await
    }
}

/// How long the server asked to wait: `Retry-After` (seconds or HTTP-date),
/// else `X-RateLimit-Reset` (seconds, or a Unix time when it is that large).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
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
            return Some(Duration::from_secs_f64(secs));
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
        let when = SystemTime::UNIX_EPOCH + Duration::from_secs(reset);
        Some(
            when.duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO),
        )
    } else {
        Some(Duration::from_secs(reset))
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
