//! The command-line tool: argument parsing and the commands.

mod args;
mod assets_cmd;
mod connect;
mod drift;
mod files;
mod fit_args;
mod folders_cmd;
mod generate;
mod hints;
mod interrupt;
mod long_help;
mod manifest;
mod pipe;
mod progress;
mod prompt;
mod report;
mod sandbox_cmd;
mod scope_words;
mod sites_cmd;
mod sync;
mod upload;
mod usage;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

pub(crate) use args::{Cli, Command};

/// Exit codes (`--help` and the README list them: [`args::EXIT_CODES`]).
pub(crate) const EXIT_OK: u8 = 0;
pub(crate) const EXIT_FAILED: u8 = 1;
pub(crate) const EXIT_USAGE: u8 = 2;
/// Another run holds the lock (two syncs of one tree to one site).
pub(crate) const EXIT_BUSY: u8 = 3;
/// A port to listen on is in use (`sandbox --port`).
pub(crate) const EXIT_PORT_IN_USE: u8 = 4;

/// A usage error: one line naming the problem and the fix; exit code 2.
#[derive(Debug)]
pub(crate) struct Usage(pub String);

pub fn main() -> ExitCode {
    pipe::end_quietly_on_closed_stdout();
    let matches = long_help::decorate(Cli::command()).get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    // An error's hints name the flags of the command that runs, no other's.
    hints::set_command(args::subcommand_path(&matches), args::flags_of);
    let verbose = match cli.verbose {
        0 => None,
        1 => Some("webflow_assets=info"),
        _ => Some("webflow_assets=debug"),
    };
    init_tracing(cli.log.as_deref(), verbose);
    // `hash` is synchronous work: no runtime to start (start-up counts when
    // it is compared with md5sum).
    if let Command::Hash(args) = &cli.command {
        return ExitCode::from(hash(&args.files));
    }
    match &cli.command {
        Command::Completions(args) => return ExitCode::from(generate::completions(args)),
        Command::Man => return ExitCode::from(generate::man()),
        _ => {}
    }
    let cli = match cli.command {
        Command::Drift(args) => {
            return match drift::run(args) {
                Ok(code) => ExitCode::from(code),
                Err(Usage(message)) => {
                    eprintln!("error: {message}");
                    ExitCode::from(EXIT_USAGE)
                }
            };
        }
        command => Cli { command, ..cli },
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let code = runtime.block_on(async move {
        match cli.command {
            Command::Upload(args) => upload::run(args).await,
            Command::Hash(_) | Command::Completions(_) | Command::Man => {
                unreachable!("handled before the runtime starts")
            }
            Command::Schema => {
                let schema = webflow_assets::schema::all_schemas();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&schema).unwrap_or_default()
                );
                Ok(EXIT_OK)
            }
            Command::Sandbox(args) => sandbox_cmd::run(args).await,
            Command::Assets(args) => assets_cmd::assets(args).await,
            Command::Folders(args) => folders_cmd::folders(args).await,
            Command::Sync(args) => sync::run(args).await,
            Command::Sites(args) => sites_cmd::sites(args).await,
            Command::Whoami(args) => sites_cmd::whoami(args).await,
            Command::Drift(_) => unreachable!("handled before the runtime starts"),
        }
    });
    match code {
        Ok(code) => ExitCode::from(code),
        Err(Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn init_tracing(filter: Option<&str>, verbose: Option<&str>) {
    use tracing_subscriber::EnvFilter;
    let filter = filter
        .map(EnvFilter::new)
        .or_else(|| EnvFilter::try_from_default_env().ok())
        .or_else(|| verbose.map(EnvFilter::new))
        .unwrap_or_else(|| EnvFilter::new("error"));
    // Colour only on a terminal, and never under NO_COLOR (no-color.org):
    // `--log debug 2>run.log` writes plain text.
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr)
        .try_init();
}

/// `hash`: the MD5 of each file as Webflow expects `fileHash`, in
/// `md5sum`'s format.
fn hash(files: &[std::path::PathBuf]) -> u8 {
    let mut code = EXIT_OK;
    for file in files {
        match webflow_assets::hash_file_blocking(file) {
            Ok(d) => println!("{}  {}", d.md5, file.display()),
            Err(e) => {
                eprintln!("error: {}: {}", file.display(), hints::message(&e));
                code = EXIT_FAILED;
            }
        }
    }
    code
}
