//! Streamed MD5, the `fileHash` Webflow expects.

use std::io::Read;
use std::path::Path;

use md5::{Digest, Md5};
use tokio::io::AsyncReadExt;

use crate::error::Error;
use crate::source::UploadSource;

/// Buffer size for hashing: large enough that system calls are noise next
/// to the hashing itself, small enough to stay out of the memory budget.
pub const HASH_BUFFER: usize = 1024 * 1024;

/// A file's MD5 and size.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FileDigest {
    /// MD5 as 32 lowercase hex characters, as Webflow expects `fileHash`.
    pub md5: String,
    /// Bytes hashed.
    pub size: u64,
}

/// Hashes a file in chunks of [`HASH_BUFFER`], on a blocking thread so the
/// async runtime keeps serving other uploads. Memory use does not grow with
/// the file size.
///
/// ```no_run
/// # async fn run() -> Result<(), webflow_assets::Error> {
/// let digest = webflow_assets::hash_file("photo.png").await?;
/// println!("{} ({} bytes)", digest.md5, digest.size);
/// # Ok(()) }
/// ```
pub async fn hash_file(path: impl AsRef<Path>) -> Result<FileDigest, Error> {
    let path = path.as_ref().to_owned();
    let shown = path.display().to_string();
    tokio::task::spawn_blocking(move || hash_file_blocking(&path))
        .await
        .map_err(|e| Error::Io {
            path: shown,
            source: std::io::Error::other(e),
        })?
}

/// [`hash_file`] for synchronous callers.
pub fn hash_file_blocking(path: &Path) -> Result<FileDigest, Error> {
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    hash_read(file).map_err(io)
}

/// Hashes anything readable, in chunks of [`HASH_BUFFER`].
pub fn hash_read(reader: impl Read) -> std::io::Result<FileDigest> {
    hash_read_with_buffer(reader, HASH_BUFFER)
}

/// [`hash_read`] with a chosen buffer size (for benchmarks and tuning).
pub fn hash_read_with_buffer(mut reader: impl Read, buffer: usize) -> std::io::Result<FileDigest> {
    let mut hasher = Md5::new();
    let mut buf = vec![0u8; buffer.max(1)];
    let mut size = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok(FileDigest {
        md5: hex::encode(hasher.finalize()),
        size,
    })
}

/// The MD5 of bytes in memory, as 32 lowercase hex characters.
///
/// ```
/// assert_eq!(webflow_assets::md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
/// ```
pub fn md5_hex(bytes: &[u8]) -> String {
    hex::encode(Md5::digest(bytes))
}

/// Hashes any upload source.
pub async fn hash_source(source: &UploadSource) -> Result<FileDigest, Error> {
    match source {
        UploadSource::Path(p) => hash_file(p).await,
        UploadSource::Bytes(b) => Ok(FileDigest {
            md5: md5_hex(b),
            size: b.len() as u64,
        }),
        UploadSource::Reader { .. } => {
            let mut reader = source.open().await?;
            let mut hasher = Md5::new();
            let mut buf = vec![0u8; crate::source::CHUNK_SIZE];
            let mut size = 0u64;
            loop {
                let n = reader.read(&mut buf).await.map_err(|e| Error::Io {
                    path: source.describe(),
                    source: e,
                })?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                size += n as u64;
            }
            Ok(FileDigest {
                md5: hex::encode(hasher.finalize()),
                size,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors_across_chunk_boundaries() {
        assert_eq!(
            md5_hex(b"The quick brown fox jumps over the lazy dog"),
            "9e107d9d372bb6826bd81d3542a419d6"
        );
        // Larger than one buffer, not a multiple of it.
        let data: Vec<u8> = (0..(HASH_BUFFER * 2 + 12345))
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        let streamed = hash_read(std::io::Cursor::new(&data)).unwrap();
        assert_eq!(streamed.md5, md5_hex(&data));
        assert_eq!(streamed.size, data.len() as u64);
    }
}
