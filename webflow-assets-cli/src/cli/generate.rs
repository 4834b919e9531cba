//! `completions <SHELL>` and `man`: shell completions and the man page,
//! generated from the same clap definitions as `--help`, so that they
//! cannot fall behind the flags.

use std::io::Write;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, EXIT_FAILED, EXIT_OK};

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    pub shell: Shell,
}

/// Prints the completion script for `shell` on stdout.
pub(crate) fn completions(args: &CompletionsArgs) -> u8 {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "webflow-assets", &mut out);
    write_out(&out)
}

/// Prints the man page (roff) on stdout: `webflow-assets man > webflow-assets.1`.
pub(crate) fn man() -> u8 {
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut out) {
        eprintln!("error: cannot render the man page: {e}");
        return EXIT_FAILED;
    }
    write_out(&out)
}

fn write_out(bytes: &[u8]) -> u8 {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => EXIT_OK,
        // A closed pipe (`| head`) ends quietly, as every command's output.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            eprintln!("error: cannot write to stdout: {e}");
            EXIT_FAILED
        }
    }
}
