#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod client;
pub(crate) mod config;
mod error;
pub mod generated;
mod hash;
mod hooks;
mod rate_gate;
mod request;
mod retry;
pub mod schema;
mod source;
pub mod storage;
mod tls;
pub(crate) mod upload;
mod upload_details;
pub mod validate;

pub use client::Client;
pub use config::{ClientBuilder, DEFAULT_BASE_URL, DEFAULT_USER_AGENT, TOKEN_ENV, Token};
pub use error::{ApiError, BoxError, Error, RateLimit, TransportKind};
pub use generated::types;
pub use hash::{
    FileDigest, HASH_BUFFER, hash_file, hash_file_blocking, hash_read, hash_read_with_buffer,
    hash_source, md5_hex,
};
pub use retry::{MAX_RETRY_AFTER, OnRetry, RetryEvent, RetryPolicy, retry_after};
pub use source::{CHUNK_SIZE, Progress, UploadSource};
pub use upload::{
    ACCEPTED_CONTENT_TYPES, Limits, PostOptions, UploadOptions, UploadedAsset, guess_content_type,
};
pub use upload_details::UploadDetails;
pub use validate::MAX_FILE_NAME_CHARS;

#[cfg(feature = "sandbox")]
pub mod sandbox;

#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzz;
