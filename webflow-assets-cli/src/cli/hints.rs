//! A library error as the CLI prints it: every cause once, on one line, and
//! for each hint the library gives as a value ([`Error::hints`]) the
//! command-line flag or command that acts on it.

use std::sync::OnceLock;

use webflow_assets::{Error, Hint, Setting};

/// The error, its causes, and the CLI's own words for each of the
/// library's hints ([`Error::hints`]): the library names its settings, the
/// CLI user has flags. An upload that failed after its asset entry was made
/// says first why (S3's refusal, the step that failed), then what became of
/// the entry.
pub(crate) fn message(error: &Error) -> String {
    let mut text = match error.wrapped() {
        Some(inner) => format!("{}; {error}", chain(inner)),
        None => chain(error),
    };
    let hints: Vec<String> = error.hints().iter().filter_map(in_cli_terms).collect();
    // The settings in one clause: "in this tool: --base-url ...; --connect-attempts ...".
    let (settings, others): (Vec<&String>, Vec<&String>) =
        hints.iter().partition(|h| h.starts_with(IN_THIS_TOOL));
    if !settings.is_empty() {
        let flags: Vec<&str> = settings.iter().map(|h| &h[IN_THIS_TOOL.len()..]).collect();
        text.push_str(&format!("; {IN_THIS_TOOL}{}", flags.join("; ")));
    }
    for other in others {
        text.push_str("; ");
        text.push_str(other);
    }
    // What the missing scopes stand in the way of, in commands, once: the
    // token is the same for every call of the run.
    let missing = error.missing_scopes();
    for scope in &missing {
        let commands = super::scope_words::commands_needing(scope);
        if !commands.is_empty() {
            text.push_str(&format!(
                "; without {scope}, these commands cannot run: {commands}"
            ));
        }
    }
    if !missing.is_empty() {
        text.push_str("; `webflow-assets whoami` lists what the token can do");
    }
    text
}

const IN_THIS_TOOL: &str = "in this tool: ";

/// A sandbox's error as the CLI prints it: a value the library refused
/// with the library's hints, else its chain.
pub(crate) fn sandbox_message(error: &webflow_assets_sandbox::Error) -> String {
    match error {
        webflow_assets_sandbox::Error::Refused(inner) => message(inner),
        other => chain(other),
    }
}

/// The command this process runs (a process runs one), and how to find its
/// long flags, set once by `main` before any message is made. Unset, as in
/// unit tests, every flag counts. (The finder comes with it so that this
/// module, which every command uses, does not use the argument parser.)
static COMMAND: OnceLock<(Vec<String>, FlagsOf)> = OnceLock::new();
/// Its long flags, found at the first hint: that builds clap's whole
/// command again, which start-up need not pay for (`hash` is timed
/// against md5sum).
static COMMAND_FLAGS: OnceLock<Option<Vec<String>>> = OnceLock::new();

/// The long flags of the command at a path of subcommand names.
pub(crate) type FlagsOf = fn(&[String]) -> Vec<String>;

/// Records the running command (`args::subcommand_path`, `args::flags_of`).
pub(crate) fn set_command(path: Vec<String>, flags_of: FlagsOf) {
    let _ = COMMAND.set((path, flags_of));
}

/// A hint of the library, as the running command's flag or as a command;
/// `None` when that command has no flag for it (`sync` has no `--name`:
/// the message's own fix stands alone).
pub(crate) fn in_cli_terms(hint: &Hint) -> Option<String> {
    let flags = COMMAND_FLAGS.get_or_init(|| COMMAND.get().map(|(path, flags_of)| flags_of(path)));
    in_terms_of(hint, flags.as_deref())
}

/// [`in_cli_terms`] for a command with these long flags (`None`: any).
pub(crate) fn in_terms_of(hint: &Hint, command_flags: Option<&[String]>) -> Option<String> {
    match hint {
        Hint::Setting(setting) => {
            let words = flags(*setting);
            let has = |flag: &str| command_flags.is_none_or(|all| all.iter().any(|f| f == flag));
            words
                .split_whitespace()
                .filter(|w| w.starts_with("--"))
                .all(has)
                .then(|| format!("{IN_THIS_TOOL}{words}"))
        }
        Hint::DeleteAsset { asset_id } => Some(format!(
            "to remove it: webflow-assets assets delete {asset_id}"
        )),
        // A hint this build does not know yet: said as the library names it.
        other => Some(format!("see {other:?}")),
    }
}

/// The flags (and environment variables) that set a setting.
pub(crate) fn flags(setting: Setting) -> &'static str {
    match setting {
        Setting::BaseUrl => "--base-url or WEBFLOW_BASE_URL",
        Setting::Token => "--token or WEBFLOW_TOKEN",
        Setting::FileName => "--name (one file at a time)",
        Setting::ConnectRetries => "--connect-attempts and --connect-wait",
        Setting::Fit => "--fit",
        Setting::FitQuality => "--min-quality and --max-quality",
        Setting::FitFormat => "--format",
        Setting::FitMaxPixels => "--max-pixels",
        Setting::SizeLimits => "--no-size-limits (only if Webflow's limits have changed)",
        Setting::SiteId => "--site or WEBFLOW_SITE_ID (`webflow-assets sites list` shows the ids)",
        Setting::FolderId => "`webflow-assets folders list` shows the folder ids",
        _ => "(no flag)",
    }
}

/// `error` and each of its sources, joined by `: `, a source whose text its
/// parent already shows left out.
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = cause.source();
    }
    out
}
