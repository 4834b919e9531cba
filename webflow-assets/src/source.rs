//! What gets uploaded: a path, bytes, or a reader that can be opened again,
//! streamed in chunks with progress reporting.

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio_util::io::ReaderStream;

use crate::error::{Error, SourceChanged};
use crate::hash::{FileDigest, Md5Sum, hash_file};

/// Size of the chunks read from disk and sent to S3.
pub const CHUNK_SIZE: usize = 256 * 1024;

type Reader = Box<dyn AsyncRead + Send + Unpin>;
type OpenFuture = Pin<Box<dyn Future<Output = std::io::Result<Reader>> + Send>>;
type Opener = Arc<dyn Fn() -> OpenFuture + Send + Sync>;

/// A progress observer: called with (bytes sent, total bytes) as the file
/// goes to S3. A retried upload starts again from zero.
#[derive(Clone)]
pub struct Progress(Arc<dyn Fn(u64, u64) + Send + Sync>);

impl Progress {
    /// Wraps a callback.
    pub fn new(f: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    pub(crate) fn report(&self, sent: u64, total: u64) {
        (self.0)(sent, total)
    }
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Progress(..)")
    }
}

/// The content of an upload. Every variant can be read more than once, so
/// that it can be hashed first and sent again on retry.
#[derive(Clone)]
pub enum UploadSource {
    /// A file on disk, streamed in chunks; never read whole into memory.
    Path(PathBuf),
    /// Bytes already in memory.
    Bytes(Bytes),
    /// A reader of known length, opened anew by `open` for each pass (one to
    /// hash, one per upload attempt).
    Reader {
        /// The exact number of bytes every reader yields.
        len: u64,
        /// Opens a fresh reader.
        open: Opener,
    },
}

impl fmt::Debug for UploadSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UploadSource::Path(p) => f.debug_tuple("Path").field(p).finish(),
            UploadSource::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            UploadSource::Reader { len, .. } => write!(f, "Reader({len} bytes)"),
        }
    }
}

impl From<PathBuf> for UploadSource {
    fn from(p: PathBuf) -> Self {
        UploadSource::Path(p)
    }
}

impl From<&Path> for UploadSource {
    fn from(p: &Path) -> Self {
        UploadSource::Path(p.to_owned())
    }
}

impl From<Bytes> for UploadSource {
    fn from(b: Bytes) -> Self {
        UploadSource::Bytes(b)
    }
}

impl From<Vec<u8>> for UploadSource {
    fn from(b: Vec<u8>) -> Self {
        UploadSource::Bytes(b.into())
    }
}

impl UploadSource {
    /// A file on disk.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        UploadSource::Path(path.into())
    }

    /// A reader of `len` bytes, opened by `open` each time it is needed.
    ///
    /// ```
    /// use webflow_assets::UploadSource;
    ///
    /// let source = UploadSource::reader(5, || async {
    ///     Ok(std::io::Cursor::new(b"hello".to_vec()))
    /// });
    /// # let _ = source;
    /// ```
    pub fn reader<F, Fut, R>(len: u64, open: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::io::Result<R>> + Send + 'static,
        R: AsyncRead + Send + Unpin + 'static,
    {
        let open = Arc::new(open);
        UploadSource::Reader {
            len,
            open: Arc::new(move || {
                let fut = open();
                Box::pin(async move { Ok(Box::new(fut.await?) as Reader) }) as OpenFuture
            }),
        }
    }

    /// The file name a path source suggests.
    pub fn file_name(&self) -> Option<String> {
        match self {
            UploadSource::Path(p) => p.file_name().map(|n| n.to_string_lossy().into_owned()),
            _ => None,
        }
    }

    /// What to call the source in errors.
    pub(crate) fn describe(&self) -> String {
        match self {
            UploadSource::Path(p) => p.display().to_string(),
            UploadSource::Bytes(_) => "the bytes given".to_owned(),
            UploadSource::Reader { .. } => "the reader given".to_owned(),
        }
    }

    pub(crate) fn io_error(&self, source: std::io::Error) -> Error {
        Error::Io {
            path: self.describe(),
            source,
        }
    }

    /// Checks that the source can be read and returns its length: a path
    /// must exist, be a regular file and be readable.
    pub(crate) async fn check(&self) -> Result<u64, Error> {
        let len = self.len().await?;
        if let UploadSource::Path(path) = self {
            // Opening proves readability before anything is sent.
            tokio::fs::File::open(path).await.map_err(|e| {
                Error::invalid(
                    format!("the file {} cannot be opened: {e}", path.display()),
                    "check the file's permissions",
                )
            })?;
        }
        Ok(len)
    }

    /// The length of the content; a path must exist and be a regular file.
    pub(crate) async fn len(&self) -> Result<u64, Error> {
        let path = match self {
            UploadSource::Path(path) => path,
            UploadSource::Bytes(b) => return Ok(b.len() as u64),
            UploadSource::Reader { len, .. } => return Ok(*len),
        };
        let shown = path.display();
        let meta = tokio::fs::metadata(path)
            .await
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => {
                    Error::invalid(format!("the file {shown} does not exist"), "check the path")
                }
                std::io::ErrorKind::PermissionDenied => Error::invalid(
                    format!("the file {shown} cannot be read (permission denied)"),
                    "check the file's permissions",
                ),
                _ => self.io_error(e),
            })?;
        if meta.is_dir() {
            return Err(Error::invalid(
                format!("{shown} is a directory"),
                "pass a file (the CLI uploads a directory's files one by one)",
            ));
        }
        if !meta.is_file() {
            return Err(Error::invalid(
                format!("{shown} is not a regular file"),
                "pass a regular file",
            ));
        }
        Ok(meta.len())
    }

    /// Opens a fresh reader over the content.
    pub(crate) async fn open(&self) -> Result<Reader, Error> {
        match self {
            UploadSource::Path(path) => {
                let file = tokio::fs::File::open(path)
                    .await
                    .map_err(|e| self.io_error(e))?;
                Ok(Box::new(tokio::io::BufReader::with_capacity(
                    CHUNK_SIZE, file,
                )))
            }
            UploadSource::Bytes(b) => Ok(Box::new(std::io::Cursor::new(b.clone()))),
            UploadSource::Reader { open, .. } => open().await.map_err(|e| self.io_error(e)),
        }
    }

    /// A streamed request body of exactly `len` bytes: the length that was
    /// hashed. A source that turns out shorter or longer fails the request
    /// with [`SourceChanged`] instead of sending a truncated or different
    /// file under the hash Webflow was given.
    pub(crate) async fn body(
        &self,
        len: u64,
        progress: Option<Progress>,
    ) -> Result<reqwest::Body, Error> {
        let reader = self.open().await?;
        // Read one byte past the announced length to notice a grown file.
        let limited = reader.take(len + 1);
        let mut sent = 0u64;
        let shown = self.describe();
        let stream = ReaderStream::with_capacity(limited, CHUNK_SIZE)
            .map_err(std::io::Error::other)
            .chain(futures::stream::once(async { Ok(Bytes::new()) }))
            .map(move |chunk: std::io::Result<Bytes>| {
                let chunk = chunk?;
                if chunk.is_empty() {
                    // End of the stream: the length must match exactly.
                    if sent != len {
                        return Err(std::io::Error::other(SourceChanged {
                            source: shown.clone(),
                            expected: len,
                            shorter: Some(sent),
                        }));
                    }
                    return Ok(chunk);
                }
                sent += chunk.len() as u64;
                if sent > len {
                    return Err(std::io::Error::other(SourceChanged {
                        source: shown.clone(),
                        expected: len,
                        shorter: None,
                    }));
                }
                if let Some(p) = &progress {
                    p.report(sent, len);
                }
                Ok(chunk)
            });
        Ok(reqwest::Body::wrap_stream(stream))
    }
}

/// Hashes any upload source: a path on a blocking thread (see
/// [`hash_file`]), bytes in place, a reader through one pass.
pub async fn hash_source(source: &UploadSource) -> Result<FileDigest, Error> {
    match source {
        UploadSource::Path(p) => hash_file(p).await,
        UploadSource::Bytes(b) => {
            let mut sum = Md5Sum::default();
            sum.update(b);
            Ok(sum.finish())
        }
        UploadSource::Reader { .. } => {
            let mut reader = source.open().await?;
            let mut sum = Md5Sum::default();
            let mut buf = vec![0u8; CHUNK_SIZE];
            loop {
                let n = reader
                    .read(&mut buf)
                    .await
                    .map_err(|e| source.io_error(e))?;
                if n == 0 {
                    break;
                }
                sum.update(&buf[..n]);
            }
            Ok(sum.finish())
        }
    }
}
