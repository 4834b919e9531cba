//! What the CLI adds to a library error where it prints it: the library
//! speaks of methods and settings, the CLI user of commands and flags.

use webflow_assets::{Cleanup, Error};

/// The error's message, followed by the command that fixes what it left
/// behind, when there is one.
pub(crate) fn message(error: &Error) -> String {
    match error {
        Error::UploadAborted {
            cleanup: Cleanup::DeleteFailed { asset_id, .. },
            ..
        } => format!("{error}; to remove it: webflow-assets assets delete {asset_id}"),
        _ => error.to_string(),
    }
}
