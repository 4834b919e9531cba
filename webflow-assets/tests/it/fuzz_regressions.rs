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

/// The largest single allocation made on this thread since the last call
/// of [`largest_allocation`], counted by the test binary's allocator.
#[cfg(feature = "fit")]
mod allocations {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    thread_local!(static LARGEST: Cell<usize> = const { Cell::new(0) });

    struct Counting;

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let _ = LARGEST.try_with(|l| l.set(l.get().max(layout.size())));
            unsafe { System.alloc(layout) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { System.dealloc(ptr, layout) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let _ = LARGEST.try_with(|l| l.set(l.get().max(new_size)));
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }

    #[global_allocator]
    static ALLOC: Counting = Counting;

    pub fn largest_allocation() -> usize {
        LARGEST.with(|l| l.replace(0))
    }
}

/// fit_image, crash-85cc34ac: a 35-byte GIF whose one frame declares
/// 65535×65535 pixels. Counting its frames reserved a buffer for the frame
/// (1 GiB) although no pixel was decoded; the fuzz target's allocator
/// aborted on it.
#[cfg(feature = "fit")]
#[test]
fn a_gif_frame_declaring_billions_of_pixels_allocates_nothing_large() {
    let bomb = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fuzz/seeds/fit_image/crash-85cc34ac-gif-frame-bomb.gif"
    ))
    .unwrap();
    let options = webflow_assets::fit::FitOptions::new()
        .format(webflow_assets::fit::OutputFormat::Webp)
        .max_pixels(1 << 20);
    allocations::largest_allocation();
    let fitted = webflow_assets::fit::fit_image(
        &bomb,
        "in.gif",
        &options,
        &webflow_assets::Limits::default(),
    );
    let largest = allocations::largest_allocation();
    assert!(largest < 64 << 20, "an allocation of {largest} bytes");
    // Its frame's data ends early: an error naming that.
    let e = fitted.unwrap_err().to_string();
    assert!(e.contains("GIF data cannot be read"), "{e}");
}
