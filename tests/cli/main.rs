//! The command-line tool's tests, in one binary: the tool run as a user
//! runs it, against a sandbox or a mock in the test's process.

#[path = "../common/mod.rs"]
mod common;

mod assets;
mod drift;
mod sync;
mod upload;
mod url_upload;
mod usage;
mod usage_shapes;
