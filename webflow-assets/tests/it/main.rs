//! The library's tests, in one binary: each file used to be a test binary
//! of its own, and each linked the whole crate (see the README's layout).
//! The command-line tool's tests are the other binary, `tests/cli/`.

#[path = "../common/mod.rs"]
mod common;

mod assets;
mod assets_lists;
mod create_asset;
mod create_asset_errors;
mod doc_links;
mod file_sizes;
#[cfg(feature = "fit")]
mod fit;
mod fuzz_regressions;
mod hints;
mod layout;
mod public_api;
mod published;
mod published_fixtures;
mod published_utility;
mod published_webflow;
mod s3_real;
mod sites;
mod spec;
mod spec_schemas;
mod tls;
mod upload;
mod upload_checks;
mod upstream_examples;
mod usage;
mod usage_rescan;
mod usage_ways;
