//! A library error as the CLI prints it: every cause once, on one line, and
//! the command-line fix where the library can only name its own settings.

use webflow_assets::{Cleanup, Error};

/// The error, its causes, and the CLI's own hint. An upload that failed
/// after its asset entry was made says first why (S3's refusal, the step
/// that failed), then what became of the entry.
pub(crate) fn message(error: &Error) -> String {
    let mut text = match error.wrapped() {
        Some(inner) => format!("{}; {error}", chain(inner)),
        None => chain(error),
    };
    // The library names its own settings; the CLI user has flags.
    for (library, cli) in CLI_TERMS {
        text = text.replace(library, cli);
    }
    if let Error::UploadAborted {
        cleanup: Cleanup::DeleteFailed { asset_id, .. },
        ..
    } = error
    {
        text.push_str(&format!(
            "; to remove it: webflow-assets assets delete {asset_id}"
        ));
    }
    text
}

/// The library's words for a setting, and the CLI's for the same.
const CLI_TERMS: [(&str, &str); 3] = [
    (
        "check the client's base URL",
        "check --base-url / WEBFLOW_BASE_URL",
    ),
    ("UploadOptions::file_name", "--name"),
    (
        "check that the token is",
        "check that the token (--token / WEBFLOW_TOKEN) is",
    ),
];

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
