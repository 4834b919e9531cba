//! Uploads from a URL: the file is streamed to a temporary file within the
//! size limits (a larger body is cut off with a clear error, before any
//! Webflow call), its type taken from the response or the name, then
//! uploaded as any file.

use std::sync::Arc;

use tokio::io::AsyncWriteExt;

use super::options::{Limits, UploadOptions, UploadedAsset};
use crate::client::Client;
use crate::error::Error;
use crate::source::UploadSource;

/// A file fetched from a URL into a temporary file, removed when the last
/// clone of this is dropped.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Downloaded {
    /// The temporary file, as a source to upload.
    pub source: UploadSource,
    /// The file name: the URL's last path segment, with an extension from
    /// the content type when it has none.
    pub file_name: String,
    /// The content type the server gave (without parameters), if any.
    pub content_type: Option<String>,
    /// Bytes downloaded.
    pub size: u64,
    _file: Arc<tempfile::TempPath>,
}

impl Client {
    /// Downloads `url` (redirects followed, no token sent) into a temporary
    /// file of at most the size `limits` allow for its type.
    pub async fn download(&self, url: &str, limits: Limits) -> Result<Downloaded, Error> {
        let parsed = url::Url::parse(url).map_err(|e| {
            Error::invalid(
                format!("{url:?} is not a URL ({e})"),
                "give a full http(s) URL, e.g. https://example.com/photo.png",
            )
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::invalid(
                format!("{url} is not an http(s) URL"),
                "download the file yourself and upload it from disk",
            ));
        }
        let failed = |problem: String| Error::InvalidInput {
            problem: format!("cannot download {url}: {problem}"),
            fix: "check the URL (it must answer 200 with the file)".to_owned(),
            setting: None,
        };
        let mut response = self
            .shared
            .storage
            .get(parsed.clone())
            .send()
            .await
            .map_err(|e| failed(crate::error::error_chain(&e)))?;
        if !response.status().is_success() {
            return Err(failed(format!("the server answered {}", response.status())));
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or(v).trim().to_ascii_lowercase())
            .filter(|v| !v.is_empty() && v != "application/octet-stream");
        let final_url = response.url().clone();
        let file_name = name_for(&final_url, content_type.as_deref());
        let kind_type = content_type
            .clone()
            .or_else(|| super::options::guess_content_type(&file_name))
            .unwrap_or_default();
        let (kind, max) = limits.for_content_type(&kind_type);
        if let Some(len) = response.content_length()
            && len > max
        {
            return Err(too_large(url, len, kind, max));
        }
        let temp = tempfile::NamedTempFile::new().map_err(|e| Error::Io {
            path: "a temporary file".to_owned(),
            source: e,
        })?;
        let (file, path) = temp.into_parts();
        let mut file = tokio::fs::File::from_std(file);
        let io = |e: std::io::Error| Error::Io {
            path: path.display().to_string(),
            source: e,
        };
        let mut size = 0u64;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| failed(crate::error::error_chain(&e)))?
        {
            size += chunk.len() as u64;
            // Cut off as soon as it is too large: no more is read or kept.
            if size > max {
                return Err(too_large(url, size, kind, max));
            }
            file.write_all(&chunk).await.map_err(io)?;
        }
        file.flush().await.map_err(io)?;
        Ok(Downloaded {
            source: UploadSource::path(path.to_path_buf()),
            file_name,
            content_type,
            size,
            _file: Arc::new(path),
        })
    }

    /// Downloads `url` and uploads it: [`download`](Self::download), then
    /// [`upload`](Self::upload) under the URL's file name and the server's
    /// content type (unless `options` name others).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), webflow_assets::Error> {
    /// use webflow_assets::{Client, UploadOptions};
    ///
    /// let client = Client::from_env()?;
    /// let asset = client
    ///     .upload_url("580e63e98c9a982ac9b8b741", "https://example.com/photo.png", UploadOptions::new())
    ///     .await?;
    /// println!("{:?}", asset.hosted_url);
    /// # Ok(()) }
    /// ```
    pub async fn upload_url(
        &self,
        site_id: &str,
        url: &str,
        options: UploadOptions,
    ) -> Result<UploadedAsset, Error> {
        crate::validate::object_id("site id", site_id)?;
        let downloaded = self.download(url, options.limits).await?;
        let mut options = options;
        if options.file_name.is_none() {
            options.file_name = Some(downloaded.file_name.clone());
        }
        if options.content_type.is_none() {
            options.content_type = downloaded.content_type.clone();
        }
        let result = self
            .upload(site_id, downloaded.source.clone(), options)
            .await;
        drop(downloaded);
        result
    }
}

fn too_large(url: &str, size: u64, kind: &str, max: u64) -> Error {
    Error::invalid_setting(
        crate::error::Setting::SizeLimits,
        format!("{url} is over {max} bytes ({size} or more); Webflow accepts {kind} up to {max} bytes"),
        "nothing was sent to Webflow; use a smaller file (or lift the limit, if Webflow's has changed)",
    )
}

/// The URL's last path segment, decoded (without Webflow's `<asset id>_`
/// on a hosted file), with an extension from the content type when it has
/// none.
fn name_for(url: &url::Url, content_type: Option<&str>) -> String {
    let segments: Vec<&str> = url.path_segments().map(Iterator::collect).unwrap_or_default();
    let segment = segments
        .last()
        .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "download".to_owned());
    // A file Webflow hosts is `/<site id>/<asset id>_<name>`: its name is
    // what follows the asset id, or a re-upload would be named
    // `<new id>_<old id>_<name>` on the CDN.
    let site = segments.len().checked_sub(2).map(|i| segments[i]);
    let hosted = site.is_some_and(crate::validate::is_object_id)
        && crate::usage::refs::id_of_file_name(&segment).is_some()
        && segment.len() > 25;
    let segment = if hosted {
        // `<24 hex>_` is 25 ASCII bytes.
        segment[25..].to_owned()
    } else {
        segment
    };
    if crate::validate::extension(&segment).is_some() {
        return segment;
    }
    let ext = content_type
        .and_then(mime_guess::get_mime_extensions_str)
        .and_then(|exts| exts.first());
    match ext {
        Some(ext) => format!("{segment}.{ext}"),
        None => segment,
    }
}

#[cfg(test)]
mod tests {
    use super::name_for;

    fn name(url: &str) -> String {
        name_for(&url::Url::parse(url).unwrap(), Some("image/png"))
    }

    #[test]
    fn a_hosted_files_name_drops_webflows_asset_id() {
        assert_eq!(
            name("https://cdn.prod.website-files.com/580e63e98c9a982ac9b8b741/659595234426a9fcbad57043_logo%20v2.png"),
            "logo v2.png"
        );
        // Not Webflow's shape: the name as it is.
        assert_eq!(name("https://example.com/img/659595234426a9fcbad57043_logo.png"), "659595234426a9fcbad57043_logo.png");
        assert_eq!(name("https://example.com/580e63e98c9a982ac9b8b741/notanid_logo.png"), "notanid_logo.png");
        assert_eq!(name("https://example.com/photo"), "photo.png");
    }
}
