//! `webflow-assets`: upload files to a Webflow site from a terminal.

#![allow(clippy::result_large_err)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
