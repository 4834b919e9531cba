//! The command line: its global flags and one subcommand, each of whose
//! arguments sits beside its handler.

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand};

/// Exit codes, as `--help` shows them.
pub(crate) const EXIT_CODES: &str = "Exit codes:
  0    everything asked was done
  1    something failed (an API error, a file, a check); the rest was done
  2    the command line is wrong (a flag, an id, a missing token)
  3    another run holds the lock (a second sync of one tree to one site)
  4    a port to listen on is in use (sandbox)
  130  interrupted (Ctrl-C); run again to resume";

/// Upload files to a Webflow site's assets.
#[derive(Debug, Parser)]
#[command(name = "webflow-assets", version, about, long_about = None, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Log filter (e.g. `webflow_assets=debug`); `RUST_LOG` also works. Logs go to stderr.
    #[arg(long, global = true, hide_short_help = true)]
    pub log: Option<String>,

    /// More on stderr, on every command: -v the library's steps (retries,
    /// waits), -vv its requests. --log or RUST_LOG choose instead.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
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
    /// List the sites the token reaches (their ids), or show one.
    Sites(super::sites_cmd::SitesArgs),
    /// What the token can do: its scopes, sites and rate limit, and which
    /// commands will work with it (and which will not, and why).
    Whoami(super::sites_cmd::WhoamiArgs),
    /// Print shell completions: `webflow-assets completions bash >
    /// ~/.local/share/bash-completion/completions/webflow-assets`.
    Completions(super::generate::CompletionsArgs),
    /// Print the man page (roff): `webflow-assets man > webflow-assets.1`.
    Man,
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

/// The names of the (sub)subcommand `matches` ran, outermost first.
pub(crate) fn subcommand_path(matches: &clap::ArgMatches) -> Vec<String> {
    let mut path = Vec::new();
    let mut at = matches;
    while let Some((name, sub)) = at.subcommand() {
        path.push(name.to_owned());
        at = sub;
    }
    path
}

/// The long flags of the command at `path`: its own and the global ones it
/// inherits. The hints of an error name only these (`hints::set_command`).
pub(crate) fn flags_of(path: &[String]) -> Vec<String> {
    let mut cli = Cli::command();
    // Building hands the global flags (--token, --log...) down to each
    // subcommand, so that they count as its own.
    cli.build();
    let mut command = &cli;
    for name in path {
        let Some(next) = command.find_subcommand(name) else {
            break;
        };
        command = next;
    }
    long_flags(command)
}

fn long_flags(command: &clap::Command) -> Vec<String> {
    command
        .get_arguments()
        .filter_map(clap::Arg::get_long)
        .map(|long| format!("--{long}"))
        .collect()
}

#[cfg(test)]
mod hint_tests {
    use clap::CommandFactory;

    use super::{Cli, flags_of, long_flags, subcommand_path};
    use crate::cli::hints::{flags, in_terms_of};
    use webflow_assets::{Hint, Setting};

    /// Every command that runs (no subcommand of its own), by its path,
    /// with its flags, the inherited global ones among them.
    fn leaves() -> Vec<(String, Vec<String>)> {
        fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<(String, Vec<String>)>) {
            let subs: Vec<&clap::Command> = cmd
                .get_subcommands()
                .filter(|c| c.get_name() != "help")
                .collect();
            if subs.is_empty() {
                out.push((path.trim().to_owned(), long_flags(cmd)));
            }
            for sub in subs {
                walk(sub, &format!("{path} {}", sub.get_name()), out);
            }
        }
        let mut cli = Cli::command();
        cli.build();
        let mut out = Vec::new();
        walk(&cli, "", &mut out);
        out
    }

    fn said(setting: Setting, command_flags: &[String]) -> Option<String> {
        in_terms_of(&Hint::Setting(setting), Some(command_flags))
    }

    /// The flags of the command these arguments run, as `main` finds them.
    fn ran(args: &[&str]) -> Vec<String> {
        let matches = Cli::command()
            .try_get_matches_from(std::iter::once("webflow-assets").chain(args.iter().copied()))
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
        flags_of(&subcommand_path(&matches))
    }

    #[test]
    fn every_setting_maps_to_flags() {
        for setting in Setting::ALL {
            let words = flags(setting);
            assert!(
                words.contains("--") || words.contains("`webflow-assets "),
                "{setting:?} maps to no flag or command: {words}"
            );
            assert_eq!(
                in_terms_of(&Hint::Setting(setting), None),
                Some(format!("in this tool: {words}"))
            );
        }
        let delete = in_terms_of(
            &Hint::DeleteAsset {
                asset_id: "63e5889e7fe4eafa7384cea4".into(),
            },
            Some(&[]),
        );
        assert_eq!(
            delete.as_deref(),
            Some("to remove it: webflow-assets assets delete 63e5889e7fe4eafa7384cea4")
        );
        let commands: Vec<String> = leaves().into_iter().map(|(path, _)| path).collect();
        // Every command a setting's words name is one of this tool's.
        for setting in Setting::ALL {
            let words = flags(setting);
            for named in words.split('`').skip(1).step_by(2) {
                let path = named.strip_prefix("webflow-assets ").unwrap_or_else(|| {
                    panic!("{setting:?}: `{named}` is not a command of this tool")
                });
                assert!(
                    commands.iter().any(|c| c == path),
                    "{setting:?}: {path} is not a command: {commands:?}"
                );
            }
        }
        assert!(
            commands.iter().any(|c| c == "assets delete"),
            "the command a hint names exists: {commands:?}"
        );
    }

    /// A hint names a flag only where the running command has it; so every
    /// command that calls a site's API has each flag its errors' hints name.
    /// (`sandbox` serves one: its --token is the one it accepts, its --site a
    /// file of content.)
    #[test]
    fn every_command_has_the_flags_its_hints_name() {
        let leaves = leaves();
        let api: Vec<&(String, Vec<String>)> = leaves
            .iter()
            .filter(|(p, f)| p != "sandbox" && f.iter().any(|f| f == "--token"))
            .collect();
        let names: Vec<&str> = api.iter().map(|(p, _)| p.as_str()).collect();
        for expected in [
            "upload",
            "sync",
            "assets list",
            "assets delete",
            "folders create",
        ] {
            assert!(
                names.contains(&expected),
                "{expected} calls the API: {names:?}"
            );
        }
        for (path, command_flags) in &api {
            for setting in [Setting::BaseUrl, Setting::Token, Setting::ConnectRetries] {
                assert!(
                    said(setting, command_flags).is_some(),
                    "{path}: no flag for {setting:?} ({})",
                    flags(setting)
                );
            }
            if command_flags.iter().any(|f| f == "--fit") {
                for setting in [
                    Setting::Fit,
                    Setting::FitQuality,
                    Setting::FitFormat,
                    Setting::FitMaxPixels,
                ] {
                    assert!(
                        said(setting, command_flags).is_some(),
                        "{path}: {setting:?}"
                    );
                }
            }
        }
        let (_, upload) = leaves.iter().find(|(p, _)| p == "upload").expect("upload");
        for setting in Setting::ALL {
            assert!(said(setting, upload).is_some(), "upload: {setting:?}");
        }
        // `sync` names its files after the tree: no --name to point to.
        let (_, sync) = leaves.iter().find(|(p, _)| p == "sync").expect("sync");
        assert_eq!(said(Setting::FileName, sync), None);
    }

    #[test]
    fn the_running_commands_flags_include_the_inherited_ones() {
        let sync = ran(&["sync", "tree"]);
        for flag in [
            "--token",
            "--base-url",
            "--connect-attempts",
            "--connect-wait",
            "--log",
            "--fit",
        ] {
            assert!(sync.iter().any(|f| f == flag), "sync: {flag} in {sync:?}");
        }
        assert!(!sync.iter().any(|f| f == "--name"), "{sync:?}");
        let list = ran(&["assets", "list"]);
        assert!(list.iter().any(|f| f == "--connect-attempts"), "{list:?}");
        assert!(list.iter().any(|f| f == "--fields"), "{list:?}");
        let upload = ran(&["upload", "a.png"]);
        assert!(upload.iter().any(|f| f == "--name"), "{upload:?}");
        assert_eq!(
            said(Setting::FileName, &upload).as_deref(),
            Some("in this tool: --name (one file at a time)")
        );
    }
}
