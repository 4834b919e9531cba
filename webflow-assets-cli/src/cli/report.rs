//! One failed item of a command, as a JSON line on stdout (`--json`) or as
//! an `error:` line on stderr.

use serde_json::json;
use webflow_assets::Error;

use super::hints;

/// `subject` names the item: `("path", "a.png")` or `("id", "64…")`.
pub(crate) fn failure(json: bool, (key, subject): (&str, &str), error: &Error) {
    let message = hints::message(error);
    if json {
        let mut line = json!({"status": "failed", "error": message});
        line[key] = json!(subject);
        println!("{line}");
    } else {
        eprintln!("error: {subject}: {message}");
    }
}
