//! `webflow-assets`: upload files to a Webflow site from a terminal.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
