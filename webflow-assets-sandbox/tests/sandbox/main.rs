//! The sandbox's own tests, in one binary: the Webflow API it serves (its
//! answers and validation, as Webflow's spec and documentation give them)
//! and the Assets API end to end through the library's client.

#[path = "../../../webflow-assets/tests/common/mod.rs"]
mod common;

mod api;
mod assets;
mod public_api;
