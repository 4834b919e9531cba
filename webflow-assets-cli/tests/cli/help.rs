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

/// Completions and the man page come from the same definitions as
/// `--help`: they name every command and the global flags.
#[test]
fn completions_and_the_man_page_generate() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = crate::common::cli::cli(dir.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        for word in ["whoami", "sites", "upload", "base-url"] {
            assert!(script.contains(word), "{shell}: {word}");
        }
    }
    let out = crate::common::cli::cli(dir.path())
        .arg("man")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH webflow-assets"),
        "{}",
        &page[..200.min(page.len())]
    );
    assert!(page.contains("whoami"), "the man page lists the commands");
}

/// A command against an API root nothing listens on (one attempt, no
/// wait), with a token, and its stderr.
fn unreachable(dir: &Path, args: &[&str]) -> String {
    let out = cli(dir)
        .args(args)
        .args([
            "--site",
            "580e63e98c9a982ac9b8b741",
            "--base-url",
            "http://127.0.0.1:9/v2",
        ])
        .args(["--connect-attempts", "1", "--connect-wait", "0"])
        .env("WEBFLOW_TOKEN", "t")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    text(&out.stderr)
}

/// `--log` into a file is plain text: no colour codes off a terminal.
#[test]
fn logs_to_a_file_carry_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = unreachable(dir.path(), &["assets", "list", "--log", "debug"]);
    assert!(stderr.contains("DEBUG"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}

/// `-h` is the short form, `--help` the long one: examples and the token's
/// scopes only in the long.
#[test]
fn short_and_long_help() {
    for command in [
        &["upload"][..],
        &["sync"],
        &["assets", "delete"],
        &["sites", "list"],
    ] {
        let run = |flag: &str| {
            let out = cli(Path::new(env!("CARGO_MANIFEST_DIR")))
                .args(command)
                .arg(flag)
                .env("COLUMNS", "100")
                .output()
                .unwrap();
            text(&out.stdout)
        };
        let (short, long) = (run("-h"), run("--help"));
        assert!(
            long.contains("Examples:\n  webflow-assets "),
            "{command:?}: {long}"
        );
        assert!(long.contains("Token scopes"), "{command:?}: {long}");
        assert!(!short.contains("Examples:"), "{command:?}: {short}");
        assert!(short.lines().count() < long.lines().count(), "{command:?}");
    }
}

/// `-v` works on every command: `-vv` shows the library's debug lines,
/// none without it.
#[test]
fn verbose_is_one_flag_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let loud = unreachable(dir.path(), &["folders", "list", "-vv"]);
    assert!(loud.contains("DEBUG"), "{loud}");
    assert!(!unreachable(dir.path(), &["folders", "list"]).contains("DEBUG"));
}
