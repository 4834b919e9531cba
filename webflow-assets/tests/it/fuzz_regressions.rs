//! Inputs that crashed a fuzz target (`fuzz/`), kept so the crash stays
//! fixed. Each test names the target and what the input broke.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use webflow_assets::{MAX_RETRY_AFTER, RateLimit, retry_after};

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(*k, HeaderValue::from_str(v).unwrap());
    }
    h
}

/// rate_headers, crash-311ab0c4: `Retry-After: 2222222222222222222222222`
/// parsed as f64 and panicked in `Duration::from_secs_f64`.
#[test]
fn huge_retry_after_is_held_to_a_day() {
    let h = headers(&[("retry-after", "2222222222222222222222222")]);
    assert_eq!(retry_after(&h), Some(MAX_RETRY_AFTER));
    let h = headers(&[("retry-after", "1e300")]);
    assert_eq!(retry_after(&h), Some(MAX_RETRY_AFTER));
    let h = headers(&[("retry-after", "90000")]);
    assert_eq!(retry_after(&h), Some(MAX_RETRY_AFTER), "a day at most");
    let h = headers(&[("retry-after", "60")]);
    assert_eq!(retry_after(&h), Some(Duration::from_secs(60)));
}

/// rate_headers: an `X-RateLimit-Reset` Unix time past what `SystemTime`
/// holds panicked on addition.
#[test]
fn reset_time_past_the_end_of_time_does_not_panic() {
    let h = headers(&[("x-ratelimit-reset", &u64::MAX.to_string())]);
    assert_eq!(retry_after(&h), Some(MAX_RETRY_AFTER));
    let h = headers(&[
        ("x-ratelimit-remaining", "1e400"),
        ("x-ratelimit-limit", "-5"),
    ]);
    let rate = RateLimit::from_headers(&h);
    assert_eq!((rate.remaining, rate.limit), (None, None));
}
