//! When and how long to wait before sending a request again.
//!
//! The loop itself is backon's; this module decides which errors are worth
//! another attempt, honours the server's `Retry-After`, and keeps the total
//! wait within a budget.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

use crate::error::{Error, RetryClass};

/// How the client retries failed requests.
///
/// Two budgets: failures to connect (DNS, refused, TLS handshake) get a few
/// quick attempts ([`connect_attempts`](Self::connect_attempts), 3 within
/// 10 s by default), because a host that cannot be reached now rarely can
/// be a minute later; everything else (429s above all, whose `Retry-After`
/// is often a minute) gets [`max_attempts`](Self::max_attempts) within
/// [`max_total_wait`](Self::max_total_wait).
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
    connect_attempts: u32,
    connect_max_wait: Duration,
    cleanup_attempts: u32,
    cleanup_max_wait: Duration,
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
            connect_attempts: 3,
            connect_max_wait: Duration::from_secs(10),
            cleanup_attempts: 3,
            cleanup_max_wait: Duration::from_secs(10),
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

    /// Total attempts, the first included (at least 1), when the host
    /// cannot be reached: DNS failures, refused connections, failed TLS
    /// handshakes.
    pub fn connect_attempts(mut self, attempts: u32) -> Self {
        self.connect_attempts = attempts.max(1);
        self
    }

    /// The most time spent waiting between attempts to reach a host that
    /// cannot be reached, in total.
    pub fn connect_max_wait(mut self, budget: Duration) -> Self {
        self.connect_max_wait = budget;
        self
    }

    /// Total attempts, the first included (at least 1), of a best-effort
    /// cleanup: the DELETE of an asset entry whose file S3 refused. The
    /// upload has already failed, so the cleanup is not worth minutes of
    /// waiting: 3 attempts by default.
    pub fn cleanup_attempts(mut self, attempts: u32) -> Self {
        self.cleanup_attempts = attempts.max(1);
        self
    }

    /// The most time a best-effort cleanup spends waiting between its
    /// attempts, in total (10 s by default). A 429 whose `Retry-After` is
    /// longer ends the cleanup instead of being waited for.
    pub fn cleanup_max_wait(mut self, budget: Duration) -> Self {
        self.cleanup_max_wait = budget;
        self
    }

    /// The policy of a best-effort cleanup: this one, held to
    /// [`cleanup_attempts`](Self::cleanup_attempts) within
    /// [`cleanup_max_wait`](Self::cleanup_max_wait), for every kind of failure.
    pub fn for_cleanup(&self) -> RetryPolicy {
        RetryPolicy {
            max_attempts: self.cleanup_attempts,
            max_total_wait: self.cleanup_max_wait,
            max_backoff: self.max_backoff.min(self.cleanup_max_wait),
            connect_attempts: self.connect_attempts.min(self.cleanup_attempts),
            connect_max_wait: self.connect_max_wait.min(self.cleanup_max_wait),
            ..self.clone()
        }
    }

    /// Total attempts allowed.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Total attempts allowed when the host cannot be reached.
    pub fn attempts_to_connect(&self) -> u32 {
        self.connect_attempts
    }

    /// Whether an error is worth another attempt for a request that is
    /// (`idempotent`) or is not safe to repeat.
    pub fn should_retry(&self, err: &Error, idempotent: bool) -> bool {
        match err.retry_class() {
            RetryClass::Always => true,
            RetryClass::IfRepeatable => idempotent || self.retry_unsafe,
            RetryClass::Never => false,
        }
    }

    /// Runs `op` until it succeeds, fails for good, or the policy is spent.
    /// `op` receives the attempt number (1-based); `notify` hears of each
    /// retry before its wait.
    pub(crate) async fn run<T, F, Fut>(
        &self,
        what: &'static str,
        idempotent: bool,
        notify: Option<&OnRetry>,
        mut op: F,
    ) -> Result<T, Error>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let most = self.max_attempts.max(self.connect_attempts);
        let mut backoff = ExponentialBuilder::default()
            .with_min_delay(self.initial_backoff)
            .with_max_delay(self.max_backoff)
            .with_max_times(most.saturating_sub(1) as usize);
        if self.jitter {
            backoff = backoff.with_jitter();
        }
        let attempt = Tally::new(0u32);
        let waited = Tally::new(Duration::ZERO);
        let connect_waited = Tally::new(Duration::ZERO);
        let connect_failures = Tally::new(0u32);
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
                if e.is_connect_failure() {
                    // Each budget counts only its own kind of failure.
                    connect_failures.set(connect_failures.get() + 1);
                    let total = connect_waited.get() + backoff_delay;
                    if connect_failures.get() >= self.connect_attempts
                        || total > self.connect_max_wait
                    {
                        tracing::debug!(?total, "the host stays unreachable; giving up");
                        return None;
                    }
                    connect_waited.set(total);
                    return Some(backoff_delay);
                }
                if attempt.get() - connect_failures.get() >= self.max_attempts {
                    return None;
                }
                let delay = e.retry_after().unwrap_or(backoff_delay);
                let total = waited.get() + delay;
                if total > self.max_total_wait {
                    tracing::debug!(?delay, budget = ?self.max_total_wait, "retry wait exceeds the budget; giving up");
                    return None;
                }
                waited.set(total);
                Some(delay)
            })
            .notify(|e, delay| {
                let event = RetryEvent {
                    what,
                    next_attempt: attempt.get() + 1,
                    max_attempts: if e.is_connect_failure() {
                        self.connect_attempts
                    } else {
                        self.max_attempts
                    },
                    delay,
                    error: e,
                };
                tracing::warn!(
                    request = what,
                    attempt = event.next_attempt,
                    of = event.max_attempts,
                    ?delay,
                    cause = %event.cause(),
                    "retrying"
                );
                if let Some(notify) = notify {
                    notify.call(&event);
                }
            })
            .await
    }
}

/// A retry about to happen: given to [`OnRetry`] callbacks (see
/// [`UploadOptions::on_retry`](crate::UploadOptions::on_retry)).
#[derive(Debug)]
#[non_exhaustive]
pub struct RetryEvent<'a> {
    /// Which request is retried (`Create Asset Metadata`, `the S3 upload`).
    pub what: &'static str,
    /// The attempt about to be made (2 for the first retry).
    pub next_attempt: u32,
    /// The most attempts this kind of failure gets.
    pub max_attempts: u32,
    /// The wait before it.
    pub delay: Duration,
    /// The failure that caused it.
    pub error: &'a Error,
}

impl RetryEvent<'_> {
    /// The cause in a few words, e.g. `cannot resolve s3.amazonaws.com` or
    /// `429 Too Many Requests`.
    pub fn cause(&self) -> String {
        self.error.brief()
    }
}

impl fmt::Display for RetryEvent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "retrying {} in {:.1} s (attempt {} of {}): {}",
            self.what,
            self.delay.as_secs_f64(),
            self.next_attempt,
            self.max_attempts,
            self.cause()
        )
    }
}

/// A callback told of every retry.
#[derive(Clone)]
pub struct OnRetry(Arc<dyn Fn(&RetryEvent<'_>) + Send + Sync>);

impl OnRetry {
    /// Wraps a callback.
    pub fn new(f: impl Fn(&RetryEvent<'_>) + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    pub(crate) fn call(&self, event: &RetryEvent<'_>) {
        (self.0)(event)
    }
}

impl fmt::Debug for OnRetry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OnRetry(..)")
    }
}

/// A `Cell` that is `Sync`, so that the future of every call stays `Send`
/// (spawnable) although the retry loop's closures share these counts.
struct Tally<T: Copy>(std::sync::Mutex<T>);

impl<T: Copy> Tally<T> {
    fn new(value: T) -> Self {
        Self(std::sync::Mutex::new(value))
    }

    fn get(&self) -> T {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set(&self, value: T) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = value;
    }
}
