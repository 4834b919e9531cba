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

#[cfg(test)]
mod hint_tests {
    use clap::CommandFactory;

    use crate::cli::hints::{flags, in_cli_terms};
    use webflow_assets::{Hint, Setting};

    /// Every flag the command line has, on any subcommand.
    fn all_flags() -> Vec<String> {
        fn walk(cmd: &clap::Command, out: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                if let Some(long) = arg.get_long() {
                    out.push(format!("--{long}"));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, out);
            }
        }
        let mut out = Vec::new();
        walk(&super::Cli::command(), &mut out);
        out
    }

    #[test]
    fn every_hint_names_flags_the_command_line_has() {
        let known = all_flags();
        for setting in Setting::ALL {
            let words = flags(setting);
            let named: Vec<&str> = words
                .split_whitespace()
                .filter(|w| w.starts_with("--"))
                .collect();
            assert!(!named.is_empty(), "{setting:?} maps to no flag: {words}");
            for flag in named {
                assert!(
                    known.iter().any(|k| k == flag),
                    "{setting:?}: {flag} is not a flag of the CLI"
                );
            }
            assert!(in_cli_terms(&Hint::Setting(setting)).contains(words));
        }
        let delete = in_cli_terms(&Hint::DeleteAsset {
            asset_id: "63e5889e7fe4eafa7384cea4".into(),
        });
        assert_eq!(
            delete,
            "to remove it: webflow-assets assets delete 63e5889e7fe4eafa7384cea4"
        );
        let cmd = super::Cli::command();
        let assets = cmd.find_subcommand("assets").expect("an assets command");
        assert!(
            assets.find_subcommand("delete").is_some(),
            "the command a hint names exists"
        );
    }
}
