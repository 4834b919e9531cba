//! Streamed MD5, the `fileHash` Webflow expects; its functions are exported
//! at the crate root ([`hash_read_with_buffer`], a chosen buffer size, hidden:
//! it is there for the benchmark).

use std::io::Read;
use std::path::Path;

use crate::error::Error;

/// The MD5 itself. With the `rustls-aws-lc` feature (the default) aws-lc is
/// built anyway, for TLS, and its MD5 is OpenSSL's x86-64 and AArch64
/// assembly: as fast as `openssl md5` (see BENCHMARKS.md, section 1).
/// aws-lc-rs exposes no MD5, so the three C functions are called directly.
/// Without that feature, md-5's portable Rust.
#[cfg(feature = "rustls-aws-lc")]
mod md5_impl {
    use std::mem::MaybeUninit;

    use aws_lc_sys::{MD5_CTX, MD5_Final, MD5_Init, MD5_Update};

    pub(crate) struct Md5(MD5_CTX);

    impl Default for Md5 {
        fn default() -> Self {
            let mut ctx = MaybeUninit::<MD5_CTX>::uninit();
            // SAFETY: MD5_Init initialises every field of the context (and
            // cannot fail: it always returns 1).
            unsafe {
                MD5_Init(ctx.as_mut_ptr());
                Self(ctx.assume_init())
            }
        }
    }

    impl Md5 {
        pub(crate) fn update(&mut self, bytes: &[u8]) {
            // SAFETY: the context was initialised by MD5_Init; `bytes` is
            // valid for reads of its length.
            unsafe {
                MD5_Update(&mut self.0, bytes.as_ptr().cast(), bytes.len());
            }
        }

        pub(crate) fn finalize(mut self) -> [u8; 16] {
            let mut out = [0u8; 16];
            // SAFETY: `out` holds the 16 bytes MD5_Final writes.
            unsafe {
                MD5_Final(out.as_mut_ptr(), &mut self.0);
            }
            out
        }
    }
}

#[cfg(not(feature = "rustls-aws-lc"))]
mod md5_impl {
    use md5::Digest;

    #[derive(Default)]
    pub(crate) struct Md5(md5::Md5);

    impl Md5 {
        pub(crate) fn update(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }

        pub(crate) fn finalize(self) -> [u8; 16] {
            self.0.finalize().into()
        }
    }
}

use md5_impl::Md5;

/// Buffer size for hashing: large enough that system calls are noise next
/// to the hashing itself, small enough to stay out of the memory budget.
pub const HASH_BUFFER: usize = 1024 * 1024;

/// A file's MD5 and size.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct FileDigest {
    /// MD5 as 32 lowercase hex characters, as Webflow expects `fileHash`.
    pub md5: String,
    /// Bytes hashed.
    pub size: u64,
}

impl FileDigest {
    /// A digest computed elsewhere: `md5` as 32 hex characters, `size` in bytes.
    pub fn new(md5: impl Into<String>, size: u64) -> Self {
        Self {
            md5: md5.into(),
            size,
        }
    }
}

/// An MD5 and byte count being accumulated: the one hashing loop body of
/// the crate (files, readers, bytes, hosted downloads).
#[derive(Default)]
pub(crate) struct Md5Sum {
    hasher: Md5,
    size: u64,
}

impl Md5Sum {
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.size += bytes.len() as u64;
    }

    pub(crate) fn finish(self) -> FileDigest {
        FileDigest {
            md5: hex::encode(self.hasher.finalize()),
            size: self.size,
        }
    }
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
    // Checked before opening: opening a FIFO blocks until a writer appears.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(Error::invalid(
            format!(
                "{} is {}, not a regular file",
                path.display(),
                if meta.is_dir() {
                    "a directory"
                } else {
                    "a special file (FIFO, socket or device)"
                }
            ),
            "pass a regular file",
        ));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    hash_read(file).map_err(io)
}

/// Hashes anything readable, in chunks of [`HASH_BUFFER`].
pub fn hash_read(reader: impl Read + Send) -> std::io::Result<FileDigest> {
    hash_read_with_buffer(reader, HASH_BUFFER)
}

/// [`hash_read`] with a chosen buffer size (for benchmarks and tuning).
///
/// Reading and hashing overlap: a scoped thread fills buffers while this one
/// hashes the previous ones. MD5 is a serial chain that runs at about one
/// core's worth of bytes per cycle, so the copy out of the page cache would
/// otherwise add its time on top; overlapped, a warm 256 MiB file hashes as
/// fast as coreutils `md5sum` (see BENCHMARKS.md). Three buffers are in use,
/// so memory stays at three times `buffer` whatever the file size.
pub fn hash_read_with_buffer(
    mut reader: impl Read + Send,
    buffer: usize,
) -> std::io::Result<FileDigest> {
    use std::sync::mpsc::sync_channel;
    const BUFFERS: usize = 3;
    let buffer = buffer.max(1);
    let (filled_tx, filled_rx) = sync_channel::<std::io::Result<(Vec<u8>, usize)>>(BUFFERS);
    let (empty_tx, empty_rx) = sync_channel::<Vec<u8>>(BUFFERS);
    for _ in 0..BUFFERS {
        // Cannot fail: the channel has room for every buffer.
        let _ = empty_tx.send(vec![0u8; buffer]);
    }
    std::thread::scope(|scope| {
        scope.spawn(move || {
            while let Ok(mut buf) = empty_rx.recv() {
                let read = loop {
                    match reader.read(&mut buf) {
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        other => break other,
                    }
                };
                let done = !matches!(read, Ok(n) if n > 0);
                // The hashing side hung up: nothing left to do.
                if filled_tx.send(read.map(|n| (buf, n))).is_err() || done {
                    break;
                }
            }
        });
        let mut sum = Md5Sum::default();
        loop {
            let (buf, n) = match filled_rx.recv() {
                Ok(Ok(filled)) => filled,
                Ok(Err(e)) => return Err(e),
                Err(_) => {
                    return Err(std::io::Error::other(
                        "the reading thread stopped unexpectedly",
                    ));
                }
            };
            if n == 0 {
                break;
            }
            sum.update(&buf[..n]);
            let _ = empty_tx.send(buf);
        }
        Ok(sum.finish())
    })
}

/// The MD5 of bytes in memory, as 32 lowercase hex characters.
///
/// ```
/// assert_eq!(webflow_assets::md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
/// ```
pub fn md5_hex(bytes: &[u8]) -> String {
    let mut md5 = Md5::default();
    md5.update(bytes);
    hex::encode(md5.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_errors_are_reported() {
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0 == 0 {
                    return Err(std::io::Error::other("disk on fire"));
                }
                self.0 -= 1;
                buf[0] = 1;
                Ok(1)
            }
        }
        let err = hash_read_with_buffer(Failing(5), 16).unwrap_err();
        assert_eq!(err.to_string(), "disk on fire");
    }

    #[test]
    fn tiny_buffers_and_rfc_1321_vectors() {
        for (input, md5) in [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ] {
            assert_eq!(
                hash_read_with_buffer(input.as_bytes(), 3).unwrap().md5,
                md5,
                "{input:?}"
            );
            assert_eq!(md5_hex(input.as_bytes()), md5);
        }
    }

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
