#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
// Without the `client` feature (the types-only build) the README's examples
// name items that are not built.
#![cfg_attr(not(feature = "client"), doc(test(attr(ignore))))]

// Always built: the generated types and what they need.
mod generated;
pub mod schema;
mod upload_details;

pub use generated::types;
pub use upload_details::UploadDetails;

// The client.
#[cfg(feature = "client")]
mod assets;
#[cfg(feature = "client")]
mod auth;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")]
mod config;
#[cfg(feature = "client")]
mod error;
#[cfg(feature = "client")]
pub mod hash;
#[cfg(feature = "client")]
mod hooks;
#[cfg(feature = "client")]
mod rate_limit;
#[cfg(feature = "client")]
mod request;
#[cfg(feature = "client")]
mod retry;
#[cfg(feature = "client")]
mod source;
#[cfg(feature = "client")]
mod tls;
#[cfg(feature = "client")]
mod upload;
#[cfg(feature = "client")]
pub mod validate;

#[cfg(feature = "client")]
pub use assets::{AssetUpdate, ListOptions, MAX_PAGE};
#[cfg(feature = "client")]
pub use client::Client;
#[cfg(feature = "client")]
pub use config::{ClientBuilder, DEFAULT_BASE_URL, DEFAULT_USER_AGENT, TOKEN_ENV, Token};
#[cfg(feature = "client")]
pub use error::{
    ApiError, BoxError, Cleanup, Error, S3ErrorBody, S3ErrorKind, StorageError, TransportKind,
};
/// The client generated from `openapi/` by progenitor: one method per
/// operation, returning the raw `ResponseValue` and progenitor's error. Get
/// one, with auth and hooks set up, from [`Client::generated`]; it has no
/// public constructor.
#[cfg(feature = "client")]
pub type GeneratedClient = generated::Client;
#[cfg(feature = "client")]
pub use hash::{FileDigest, hash_file, hash_file_blocking, hash_read, md5_hex};
#[cfg(feature = "client")]
pub use rate_limit::{MAX_RETRY_AFTER, RateLimit, retry_after};
#[cfg(feature = "client")]
pub use retry::{OnRetry, RetryEvent, RetryPolicy};
#[cfg(feature = "client")]
pub use source::{CHUNK_SIZE, Progress, UploadSource, hash_source};
#[cfg(feature = "client")]
pub use upload::{
    ACCEPTED_CONTENT_TYPES, Limits, PostOptions, Preflight, StoredObject, UploadOptions,
    UploadedAsset, guess_content_type, preflight,
};
#[cfg(feature = "client")]
pub use validate::MAX_FILE_NAME_CHARS;

#[cfg(feature = "sandbox")]
pub mod sandbox;

#[cfg(all(fuzzing, feature = "client"))]
#[doc(hidden)]
pub mod fuzz;
