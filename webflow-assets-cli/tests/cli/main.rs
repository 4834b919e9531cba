//! The command-line tool's tests, in one binary: the tool run as a user
//! runs it, against a sandbox or a mock in the test's process.

// The library's test helpers (its fixtures, mocks, Webflow's examples),
// and the tool run as a user runs it.
#[path = "../../../webflow-assets/tests/common/mod.rs"]
mod shared;
mod common {
    pub use super::shared::*;
    pub mod cli;
}

mod assets;
mod command_errors;
mod drift;
mod first_hour;
mod fit;
mod fit_inputs;
mod help;
mod published;
mod published_site;
mod records;
mod scopes;
mod sync;
mod upload;
mod upload_errors;
mod url_upload;
mod usage;
mod usage_shapes;
