#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
// docs.rs (and `cargo +nightly doc` with `--cfg docsrs`) label each
// feature-gated item with its feature.
#![cfg_attr(docsrs, feature(doc_cfg))]
// Without the `client` feature (the types-only build) the README's examples
// name items that are not built.
#![cfg_attr(not(feature = "client"), doc(test(attr(ignore))))]

// Always built: the generated types and what they need.
mod generated;
pub mod schema;
pub mod scopes;
mod upload_details;

pub use generated::types;
pub use upload_details::UploadDetails;

/// Applies `#[cfg(feature = "client")]` to each item: the client's modules
/// and re-exports, built unless only `types` is asked for.
macro_rules! client {
    ($($item:item)*) => { $(
        #[cfg(feature = "client")]
        #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
        $item
    )* };
}

// The client.
client! {
    mod assets;
    mod auth;
    mod client;
    mod content;
    mod config;
    mod error;
    mod hash;
    mod hooks;
    mod limits;
    mod rate_limit;
    mod request;
    mod retry;
    mod sites;
    mod sniff;
    mod source;
    mod tls;
    mod upload;
    pub mod usage;
    pub mod validate;

    pub use assets::{AssetUpdate, ListOptions, MAX_PAGE};
    pub use client::Client;
    pub use content::{MAX_ITEMS_PER_UPDATE, Stage};
    pub use config::{ClientBuilder, DEFAULT_BASE_URL, DEFAULT_USER_AGENT, TOKEN_ENV, Token};
    pub use error::{
        ApiError, BoxError, Cleanup, Error, Hint, S3ErrorBody, Setting, S3ErrorKind, StorageError, TransportKind,
    };
    /// The client generated from `openapi/` by progenitor: one method per
    /// operation, returning the raw `ResponseValue` and progenitor's error. Get
    /// one, with auth and hooks set up, from [`Client::generated`]; it has no
    /// public constructor.
    pub type GeneratedClient = generated::Client;
    pub use hash::{FileDigest, hash_file, hash_file_blocking, hash_read, md5_hex};
    // For the buffer-size benchmark (benches/hash.rs) only: no stability promise.
    #[doc(hidden)]
    pub use hash::{HASH_BUFFER, hash_read_with_buffer};
    pub use rate_limit::{MAX_RETRY_AFTER, RateLimit, retry_after};
    pub use retry::{OnRetry, RetryEvent, RetryPolicy};
    pub use usage::UsageIndex;
    pub use sites::{ScopeSource, TokenReport, Verdict};
    pub use source::{CHUNK_SIZE, Progress, UploadSource, hash_source};
    pub use upload::{
        ACCEPTED_CONTENT_TYPES, Downloaded, Limits, PostOptions, Preflight, StoredObject, UploadOptions,
        UploadedAsset, guess_content_type, preflight,
    };
}

// Images made to fit on the way in.
#[cfg(feature = "fit")]
#[cfg_attr(docsrs, doc(cfg(feature = "fit")))]
pub mod fit;

// For the fuzz targets (webflow-assets/fuzz/): built under cargo-fuzz's
// `cfg(fuzzing)`, or with the `fuzz` feature, which the fuzz crate turns on
// so that checking it needs no RUSTFLAGS (and shares CI's nightly build).
#[cfg(all(any(fuzzing, feature = "fuzz"), feature = "client"))]
#[doc(hidden)]
pub mod fuzz;
