//! The command line's surface, held as a snapshot as the library's public
//! API is: every command's `--help`, so that a flag added, renamed or
//! dropped shows in review.

use std::path::Path;

use crate::common::cli::{cli, text};

/// The subcommands a help text lists under `Commands:`.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        // A command's line starts two spaces in; a wrapped description, more.
        .filter(|l| l.starts_with("  ") && !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect()
}

fn help(args: &[String]) -> String {
    let out = cli(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args(args)
        .arg("--help")
        // One width wherever the tests run (clap wraps help to the terminal's).
        .env("COLUMNS", "100")
        .output()
        .expect("the CLI runs");
    assert!(out.status.success(), "{args:?}");
    text(&out.stdout)
}

#[test]
fn every_commands_help() {
    let mut todo = vec![Vec::<String>::new()];
    let mut all = String::new();
    while let Some(args) = todo.pop() {
        let h = help(&args);
        all.push_str(&format!("== webflow-assets {}\n{h}\n", args.join(" ")));
        for sub in subcommands(&h).into_iter().rev() {
            let mut next = args.clone();
            next.push(sub);
            todo.push(next);
        }
    }
    assert!(all.contains("== webflow-assets assets usage"), "{all}");
    insta::assert_snapshot!("help", all);
}
