//! Creates whose outcome is unknown, settled inside the run.
//!
//! Create Asset Metadata and Create Asset Folder are not idempotent, so the
//! client does not resend them after a 500, a 502/504, a timeout or a
//! connection that broke after sending: Webflow may have carried them out.
//! A sync can tell, as its next run would: a folder by its name under its
//! parent in the folder listing; an asset by an entry of the file's name in
//! its folder that was not there when the run began (its hosted bytes are
//! the file: recorded; it has none, as an entry whose create answer was lost
//! never gets its file: deleted). Only then is the create sent again, within
//! the client's retry budget.

use std::collections::BTreeSet;
use std::time::Duration;

use futures::TryStreamExt;
use webflow_assets::types::{Asset, AssetFolder};
use webflow_assets::{Client, Error, ListOptions};

/// The wait before the first look, doubling after each, up to [`MAX_WAIT`]:
/// a server that has just failed gets a moment.
const FIRST_WAIT: Duration = Duration::from_millis(200);
const MAX_WAIT: Duration = Duration::from_secs(8);

fn wait(attempt: u32) -> Duration {
    FIRST_WAIT
        .saturating_mul(1 << attempt.saturating_sub(1).min(6))
        .min(MAX_WAIT)
}

/// Creates a folder, settling each create whose outcome is unknown by
/// looking for the folder in the listing before sending it again.
pub(crate) async fn create_folder(
    client: &Client,
    site: &str,
    name: &str,
    parent: Option<&str>,
) -> Result<AssetFolder, Error> {
    let budget = client.retry_policy().attempts();
    let mut attempt = 1;
    loop {
        let error = match client.create_asset_folder(site, name, parent).await {
            Ok(folder) => return Ok(folder),
            Err(e) if e.outcome_unknown() && attempt < budget => e,
            Err(e) => return Err(e),
        };
        tracing::warn!(folder = name, error = %error.brief(), "a folder create may have been carried out; looking for it");
        pause(attempt).await;
        let folders: Vec<AssetFolder> = client.list_asset_folders(site).try_collect().await?;
        if let Some(made) = folders.into_iter().find(|f| {
            f.display_name.as_deref() == Some(name) && f.parent_folder.as_deref() == parent
        }) {
            return Ok(made);
        }
        attempt += 1;
    }
}

/// What a look for the entry of an unknown create found.
pub(crate) enum Found {
    /// An entry that holds the file: record it.
    Stored(String),
    /// Nothing of the file's: send the create again.
    Absent,
}

/// After an upload whose create's outcome is unknown: the entries named
/// `name` in `folder` that were not on the site when the run began
/// (`known`) are this run's. One whose hosted bytes are the file's is
/// the file; one without its file is deleted. An entry that holds other
/// bytes is left alone.
pub(crate) async fn look_for_entry(
    client: &Client,
    site: &str,
    folder: Option<&str>,
    name: &str,
    (md5, size): (&str, u64),
    known: &BTreeSet<String>,
) -> Result<Found, Error> {
    let mut options = ListOptions::new();
    if let Some(f) = folder {
        options = options.folder(f);
    }
    let assets: Vec<Asset> = client.list_assets(site, options).try_collect().await?;
    let made = assets.into_iter().filter(|a| {
        a.folder_id.as_deref() == folder
            && a.original_file_name.as_deref() == Some(name)
            && !known.contains(&a.id)
    });
    for entry in made {
        let Some(url) = entry.hosted_url.as_deref() else {
            continue;
        };
        match client.hash_hosted(url).await {
            Ok(d) if d.md5 == md5 && d.size == size => return Ok(Found::Stored(entry.id)),
            Ok(_) => {}
            Err(Error::Verification {
                status: Some(s), ..
            }) if matches!(s.as_u16(), 403 | 404) => match client.delete_asset(&entry.id).await {
                Ok(()) | Err(Error::NotFound(_)) => {}
                Err(e) => return Err(e),
            },
            Err(e) => return Err(e),
        }
    }
    Ok(Found::Absent)
}

/// The wait before looking, for an upload's `attempt`.
pub(crate) async fn pause(attempt: u32) {
    tokio::time::sleep(wait(attempt)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap() {
        let waits: Vec<u64> = (1..=8).map(|a| wait(a).as_millis() as u64).collect();
        assert_eq!(waits, [200, 400, 800, 1600, 3200, 6400, 8000, 8000]);
    }
}
