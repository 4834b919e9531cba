//! Proof that what is served is what was sent: the hosted file, downloaded
//! and hashed.

use super::options::UploadedAsset;
use super::storage::check_url;
use crate::client::Client;
use crate::error::Error;
use crate::hash::Md5Sum;

impl Client {
    /// Downloads an uploaded asset from its hosted URL (streamed; no token
    /// sent) and checks that its MD5 is the one uploaded: proof that what is
    /// served is what was sent. Hosted URLs can take a moment to appear on a
    /// CDN, so a 403/404 right after an upload may be worth a retry later.
    pub async fn verify_hosted(&self, asset: &UploadedAsset) -> Result<(), Error> {
        let Some(url) = asset.hosted_url.as_deref() else {
            return Err(Error::invalid(
                format!("asset {} has no hosted URL to verify it by", asset.id),
                "look the asset up in Webflow",
            ));
        };
        let digest = self.hash_hosted(url).await?;
        let (md5, size) = (digest.md5, digest.size);
        if md5 != asset.md5 || size != asset.size {
            return Err(Error::Verification {
                url: url.to_owned(),
                status: None,
                problem: format!(
                    "it serves {size} bytes with MD5 {md5}, but {} bytes with MD5 {} were uploaded; upload the file again",
                    asset.size, asset.md5
                ),
            });
        }
        Ok(())
    }

    /// Downloads a hosted file (streamed; no token sent) and returns its
    /// MD5 and size: how to tell whether an asset holds given bytes, since
    /// Webflow returns no hash of stored files. A download that fails, or
    /// an answer other than 2xx, is [`Error::Verification`] with its status.
    pub async fn hash_hosted(&self, url: &str) -> Result<crate::hash::FileDigest, Error> {
        let failed = |status: Option<reqwest::StatusCode>, problem: String| Error::Verification {
            url: url.to_owned(),
            status,
            problem,
        };
        check_url(url)?;
        let mut response = self
            .shared
            .storage
            .get(url)
            .send()
            .await
            .map_err(|e| failed(None, crate::error::error_chain(&e)))?;
        if !response.status().is_success() {
            return Err(failed(
                Some(response.status()),
                format!(
                    "the server answered {}; try again in a moment",
                    response.status()
                ),
            ));
        }
        let mut sum = Md5Sum::default();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| failed(None, crate::error::error_chain(&e)))?
        {
            sum.update(&chunk);
        }
        Ok(sum.finish())
    }
}
