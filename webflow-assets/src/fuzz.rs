//! Entry points for the fuzz targets in `fuzz/` (built only under
//! `cfg(fuzzing)`, which cargo-fuzz sets, or with the hidden `fuzz` feature): each feeds bytes from the network
//! to the code that parses them in the client, and checks what must hold
//! whatever the bytes. A panic is a bug.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::error::{ApiError, StorageError};
use crate::rate_limit::{RateGate, RateLimit, retry_after};
use crate::types::AssetUpload;
use crate::upload::storage;
use crate::upload_details::UploadDetails;

/// The Create Asset Metadata 200 body, as the client decodes it; a body
/// that decodes must survive a round trip unchanged.
pub fn create_response(data: &[u8]) {
    match serde_json::from_slice::<AssetUpload>(data) {
        Ok(upload) => {
            let again: AssetUpload =
                serde_json::from_str(&serde_json::to_string(&upload).expect("serializes"))
                    .expect("what was decoded decodes again");
            assert_eq!(upload, again);
        }
        Err(e) => {
            let _ = crate::client::decode_path::<AssetUpload>(data, &e);
        }
    }
}

/// Webflow's error body, under each documented status.
pub fn error_body(data: &[u8]) {
    for status in [400u16, 401, 404, 429, 500, 502] {
        let status = StatusCode::from_u16(status).expect("a valid status");
        let error = crate::error::status_error(ApiError::new(status, HeaderMap::new(), data));
        let _ = error.to_string();
        let _ = error.brief();
        let _ = error.retry_after();
    }
}

/// S3's XML error document.
pub fn s3_error(data: &[u8]) {
    for status in [400u16, 403, 500, 503] {
        let status = StatusCode::from_u16(status).expect("a valid status");
        let error = StorageError::from_response(status, data);
        let _ = error.to_string();
        let _ = error.is_retryable();
    }
}

/// S3's `PostResponse` (201), and the ETag header of a 204.
pub fn post_response(data: &[u8]) {
    let form = UploadDetails::from_pairs([("key", "k"), ("bucket", "b")]);
    if let Ok(stored) = storage::parse_success(StatusCode::CREATED, &HeaderMap::new(), data, &form)
    {
        let _ = storage::verify_etag(&stored, "3c7d87c9575702bc3b1e991f4d3c638e");
    }
    if let Ok(value) = HeaderValue::from_bytes(data) {
        let mut headers = HeaderMap::new();
        headers.insert("etag", value);
        let stored = storage::parse_success(StatusCode::NO_CONTENT, &headers, b"", &form)
            .expect("a 204 needs no body");
        let _ = storage::verify_etag(&stored, "3c7d87c9575702bc3b1e991f4d3c638e");
    }
}

/// The order-preserving `uploadDetails` map: what decodes keeps its keys
/// and their order through a round trip.
pub fn upload_details(data: &[u8]) {
    if let Ok(details) = serde_json::from_slice::<UploadDetails>(data) {
        let text = serde_json::to_string(&details).expect("serializes");
        let again: UploadDetails = serde_json::from_str(&text).expect("decodes again");
        let keys = |d: &UploadDetails| {
            d.iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(&details), keys(&again));
        let _ = (details.key(), details.bucket(), details.content_type());
    }
}

/// `Retry-After` (seconds or an HTTP date) and `X-RateLimit-*`: the bytes
/// are split on newlines into header values.
pub fn rate_headers(data: &[u8]) {
    const NAMES: [&str; 4] = [
        "retry-after",
        "x-ratelimit-reset",
        "x-ratelimit-remaining",
        "x-ratelimit-limit",
    ];
    let mut headers = HeaderMap::new();
    for (name, value) in NAMES.iter().zip(data.split(|b| *b == b'\n')) {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    let _ = retry_after(&headers);
    let _ = RateLimit::from_headers(&headers);
    RateGate::default().observe(StatusCode::TOO_MANY_REQUESTS, &headers);
}

/// A published page, style sheet and script (the bytes as each, lossy
/// UTF-8): reading them never panics, every use names a 24-hex asset id
/// the text holds, every page linked is on the site, and every style sheet
/// or script is fetched over HTTP(S).
pub fn published_document(data: &[u8]) {
    use crate::usage::fuzz_published;
    let text = String::from_utf8_lossy(data);
    for (asset_id, links_ok) in fuzz_published(&text) {
        assert_eq!(asset_id.len(), 24, "{asset_id}");
        assert!(
            asset_id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{asset_id}"
        );
        assert!(links_ok);
    }
}

/// The asset ids a style sheet names, by the rule the scan applies (for
/// the comparison with a CSS tokenizer in `benches/css_compare/`).
pub fn style_sheet_asset_ids(css: &str) -> Vec<String> {
    crate::usage::fuzz_style_sheet_ids(css)
}

/// Any bytes as an image to fit, under each name the fit reads and two
/// targets (WebP at a fixed size, PNG within a byte limit): never a panic,
/// and with the pixel limit at 1 MP, never a large allocation (the fuzz
/// target's allocator aborts on one over its bound: a decoder that trusts a
/// header over the limit, as `image`'s GIF frames did, is caught).
#[cfg(feature = "fit")]
pub fn fit_image(data: &[u8]) {
    use crate::fit::{FitOptions, OutputFormat};
    let limits = crate::Limits::default();
    let options = [
        FitOptions::new()
            .format(OutputFormat::Webp)
            .max_pixels(1 << 20)
            .max_dimension(64),
        FitOptions::new()
            .format(OutputFormat::Png)
            .max_pixels(1 << 20)
            .max_bytes(4096),
    ];
    for name in ["in.png", "in.jpg", "in.gif", "in.webp"] {
        for o in &options {
            if let Ok(fitted) = crate::fit::fit_image(data, name, o, &limits) {
                assert!(fitted.report.width <= 64 || o.format != Some(OutputFormat::Webp));
            }
        }
    }
}
