//! The command line: its global flags and one subcommand, each of whose
//! arguments sits beside its handler.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Upload files to a Webflow site's assets.
#[derive(Debug, Parser)]
#[command(name = "webflow-assets", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Log filter (e.g. `webflow_assets=debug`); `RUST_LOG` also works. Logs go to stderr.
    #[arg(long, global = true)]
    pub log: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Upload files and directories to a site (or to an embedded sandbox).
    Upload(super::upload::UploadArgs),
    /// Print the MD5 of files as Webflow expects them (md5sum format).
    Hash(HashArgs),
    /// Print the JSON Schema of the request, response and error types.
    Schema,
    /// Run a local stand-in for Webflow + S3 until Ctrl-C.
    Sandbox(super::sandbox_cmd::SandboxArgs),
    /// List, inspect, update and delete a site's assets.
    Assets(super::assets_cmd::AssetsArgs),
    /// List, create and inspect a site's asset folders.
    Folders(super::folders_cmd::FoldersArgs),
    /// For maintainers: compare openapi/ with Webflow's published spec.
    Drift(super::drift::DriftArgs),
    /// Mirror a folder tree into a site's assets: new and changed files go
    /// up, folders match directories, nothing goes up twice.
    Sync(super::sync::SyncArgs),
}

#[derive(Debug, Args)]
pub(crate) struct HashArgs {
    /// Files to hash.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}
