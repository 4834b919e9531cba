//! The S3 server's storage: each object a file at `<root>/<bucket>/<key>`.
//!
//! s3s does the S3 part: it parses the requests (the presigned POST's
//! multipart form among them), checks their SigV4 signatures and the POST
//! policy's conditions and expiry, and writes S3's XML errors. This backend
//! only keeps bytes: Put (which s3s's Post Object becomes once the policy
//! holds), Get (with ranges), Head and Delete Object, Head Bucket. Every other
//! operation answers S3's `NotImplemented`.
//!
//! Not s3s-fs, which did this before: its build script compiles s3s's test
//! harness (a second tokio, clap, backtrace and about 60 more crates for the
//! build machine), a third of the sandbox's clean build, for four of the
//! hundred operations it implements; and it writes each object in place, so
//! a failed upload could leave a part of a file where the key's file was.
//! Here an upload is written beside the object and renamed over it only once
//! every byte arrived and its MD5 held: an object is whole or absent.

use std::io::SeekFrom;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;
use futures::StreamExt as _;
use md5::Digest as _;
use s3s::dto::{
    DeleteObjectInput, DeleteObjectOutput, ETag, GetObjectInput, GetObjectOutput, HeadBucketInput,
    HeadBucketOutput, HeadObjectInput, HeadObjectOutput, PutObjectInput, PutObjectOutput,
    StreamingBlob, Timestamp,
};
use s3s::{S3, S3Error, S3ErrorCode, S3Request, S3Response, S3Result, s3_error};
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _, AsyncWriteExt as _};

/// Objects as files under a root directory; a bucket is a directory there.
#[derive(Debug)]
pub(crate) struct FileStorage {
    root: PathBuf,
    /// Numbers the partial files of uploads in flight (two uploads of one
    /// key at once each write their own).
    uploads: AtomicU64,
}

impl FileStorage {
    pub(crate) fn new(root: PathBuf) -> Self {
        Self {
            root,
            uploads: AtomicU64::new(0),
        }
    }

    fn bucket_dir(&self, bucket: &str) -> S3Result<PathBuf> {
        let dir = self.root.join(bucket);
        if bucket.is_empty() || bucket.contains(['/', '\\']) || bucket.starts_with('.') {
            return Err(s3_error!(InvalidBucketName));
        }
        if !dir.is_dir() {
            return Err(s3_error!(NoSuchBucket));
        }
        Ok(dir)
    }

    /// The file of `key`. A key is a relative path here, so one that is not
    /// (an empty segment, `.` or `..`, a leading `/`) is refused rather than
    /// stored somewhere else than it names.
    fn object_path(&self, bucket: &str, key: &str) -> S3Result<PathBuf> {
        let dir = self.bucket_dir(bucket)?;
        let plain = !key.is_empty()
            && !key.contains('\0')
            && key.split('/').all(|s| !s.is_empty())
            && Path::new(key)
                .components()
                .all(|c| matches!(c, Component::Normal(_)));
        if !plain {
            return Err(s3_error!(
                InvalidArgument,
                "the sandbox stores a key as a file path: no empty segment, `.`, `..` or leading `/`"
            ));
        }
        Ok(dir.join(key))
    }

    async fn put(&self, input: PutObjectInput) -> S3Result<PutObjectOutput> {
        let path = self.object_path(&input.bucket, &input.key)?;
        let Some(mut body) = input.body else {
            return Err(s3_error!(IncompleteBody));
        };
        let expected_md5 = match input.content_md5.as_deref() {
            Some(b64) => Some(
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|_| s3_error!(InvalidDigest))?,
            ),
            None => None,
        };
        let dir = path.parent().ok_or_else(|| s3_error!(InvalidArgument))?;
        tokio::fs::create_dir_all(dir).await.map_err(internal)?;
        let n = self.uploads.fetch_add(1, Ordering::Relaxed);
        let leaf = path.file_name().unwrap_or_default().to_string_lossy();
        let part = dir.join(format!(".{leaf}.{n}.part"));
        let written = async {
            let mut file = tokio::fs::File::create(&part).await.map_err(internal)?;
            let mut md5 = md5::Md5::new();
            let mut len = 0u64;
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| {
                    let mut err = s3_error!(IncompleteBody);
                    err.set_source(e);
                    err
                })?;
                md5.update(&chunk);
                len += chunk.len() as u64;
                file.write_all(&chunk).await.map_err(internal)?;
            }
            file.flush().await.map_err(internal)?;
            let digest = md5.finalize().to_vec();
            if let Some(expected) = &expected_md5
                && *expected != digest
            {
                return Err(s3_error!(
                    BadDigest,
                    "the Content-MD5 you specified did not match what we received"
                ));
            }
            if let Some(declared) = input.content_length
                && u64::try_from(declared).ok() != Some(len)
            {
                return Err(s3_error!(IncompleteBody));
            }
            Ok(hex::encode(digest))
        }
        .await;
        let md5 = match written {
            Ok(md5) => md5,
            Err(e) => {
                let _ = tokio::fs::remove_file(&part).await;
                return Err(e);
            }
        };
        if let Err(e) = tokio::fs::rename(&part, &path).await {
            let _ = tokio::fs::remove_file(&part).await;
            return Err(internal(e));
        }
        Ok(PutObjectOutput {
            e_tag: Some(ETag::Strong(md5)),
            ..Default::default()
        })
    }

    async fn get(&self, input: GetObjectInput) -> S3Result<GetObjectOutput> {
        let path = self.object_path(&input.bucket, &input.key)?;
        let (meta, md5) = stat(&path).await?;
        let full = meta.len();
        let (start, len, content_range) = match input.range {
            None => (0, full, None),
            Some(range) => {
                let r = range.check(full)?;
                let content_range = format!("bytes {}-{}/{full}", r.start, r.end - 1);
                (r.start, r.end - r.start, Some(content_range))
            }
        };
        let mut file = tokio::fs::File::open(&path).await.map_err(not_found)?;
        file.seek(SeekFrom::Start(start)).await.map_err(internal)?;
        let body = tokio_util::io::ReaderStream::new(file.take(len));
        Ok(GetObjectOutput {
            body: Some(StreamingBlob::wrap(body)),
            content_length: Some(i64::try_from(len).map_err(internal)?),
            content_range,
            content_type: content_type(&input.key),
            e_tag: Some(ETag::Strong(md5)),
            last_modified: modified(&meta),
            accept_ranges: Some("bytes".to_owned()),
            ..Default::default()
        })
    }

    async fn head(&self, input: HeadObjectInput) -> S3Result<HeadObjectOutput> {
        let path = self.object_path(&input.bucket, &input.key)?;
        let (meta, md5) = stat(&path).await?;
        Ok(HeadObjectOutput {
            content_length: Some(i64::try_from(meta.len()).map_err(internal)?),
            content_type: content_type(&input.key),
            e_tag: Some(ETag::Strong(md5)),
            last_modified: modified(&meta),
            accept_ranges: Some("bytes".to_owned()),
            ..Default::default()
        })
    }
}

/// A file's metadata and MD5 (its ETag, as S3 gives for a single-part
/// upload). Read from the file, not kept: the sandbox also seeds and
/// deletes files directly. The MD5 is the library's streamed file hash.
async fn stat(path: &Path) -> S3Result<(std::fs::Metadata, String)> {
    let meta = tokio::fs::metadata(path).await.map_err(not_found)?;
    if !meta.is_file() {
        return Err(s3_error!(NoSuchKey));
    }
    let digest = webflow_assets::hash_file(path).await.map_err(internal)?;
    Ok((meta, digest.md5))
}

fn modified(meta: &std::fs::Metadata) -> Option<Timestamp> {
    meta.modified().ok().map(Timestamp::from)
}

/// Objects carry no stored metadata here: the type follows the key's
/// extension, as the sandbox's hosted files do.
fn content_type(key: &str) -> Option<String> {
    webflow_assets::guess_content_type(key)
}

fn not_found(e: std::io::Error) -> S3Error {
    if e.kind() == std::io::ErrorKind::NotFound {
        s3_error!(e, NoSuchKey)
    } else {
        internal(e)
    }
}

fn internal(e: impl std::error::Error + Send + Sync + 'static) -> S3Error {
    let mut err = S3Error::new(S3ErrorCode::InternalError);
    err.set_source(Box::new(e));
    err
}

#[async_trait::async_trait]
impl S3 for FileStorage {
    async fn put_object(
        &self,
        req: S3Request<PutObjectInput>,
    ) -> S3Result<S3Response<PutObjectOutput>> {
        Ok(S3Response::new(self.put(req.input).await?))
    }

    async fn get_object(
        &self,
        req: S3Request<GetObjectInput>,
    ) -> S3Result<S3Response<GetObjectOutput>> {
        Ok(S3Response::new(self.get(req.input).await?))
    }

    async fn head_object(
        &self,
        req: S3Request<HeadObjectInput>,
    ) -> S3Result<S3Response<HeadObjectOutput>> {
        Ok(S3Response::new(self.head(req.input).await?))
    }

    async fn delete_object(
        &self,
        req: S3Request<DeleteObjectInput>,
    ) -> S3Result<S3Response<DeleteObjectOutput>> {
        let path = self.object_path(&req.input.bucket, &req.input.key)?;
        // S3 answers 204 whether or not the key existed.
        match tokio::fs::remove_file(&path).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(internal(e)),
        }
        Ok(S3Response::new(DeleteObjectOutput::default()))
    }

    async fn head_bucket(
        &self,
        req: S3Request<HeadBucketInput>,
    ) -> S3Result<S3Response<HeadBucketOutput>> {
        self.bucket_dir(&req.input.bucket)?;
        Ok(S3Response::new(HeadBucketOutput::default()))
    }
}

#[cfg(test)]
mod tests {
    use s3s::dto::Range;

    use super::*;

    fn storage() -> (tempfile::TempDir, FileStorage) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("b")).unwrap();
        let s = FileStorage::new(dir.path().to_owned());
        (dir, s)
    }

    fn put_input(key: &str, body: &'static [u8], md5: Option<String>) -> PutObjectInput {
        let mut b = PutObjectInput::builder();
        b.set_bucket("b".to_owned());
        b.set_key(key.to_owned());
        b.set_body(Some(StreamingBlob::from_bytes(bytes::Bytes::from_static(
            body,
        ))));
        b.set_content_md5(md5);
        b.build().unwrap()
    }

    #[test]
    fn keys_that_are_not_plain_relative_paths_are_refused() {
        let (_dir, s) = storage();
        for key in ["", "/abs", "a//b", "a/", "../up", "a/../b", "./a", "a\0b"] {
            let err = s.object_path("b", key).unwrap_err();
            assert_eq!(err.code(), &S3ErrorCode::InvalidArgument, "{key:?}");
        }
        assert!(s.object_path("b", "site/6f0_photo of us.png").is_ok());
        assert_eq!(
            s.object_path("nope", "a").unwrap_err().code(),
            &S3ErrorCode::NoSuchBucket
        );
        assert_eq!(
            s.object_path("..", "a").unwrap_err().code(),
            &S3ErrorCode::InvalidBucketName
        );
    }

    #[tokio::test]
    async fn a_put_lands_whole_and_its_etag_is_the_md5() {
        let (dir, s) = storage();
        let out = s.put(put_input("s/k.txt", b"hello", None)).await.unwrap();
        assert_eq!(
            out.e_tag,
            Some(ETag::Strong("5d41402abc4b2a76b9719d911017c592".to_owned()))
        );
        assert_eq!(
            std::fs::read(dir.path().join("b/s/k.txt")).unwrap(),
            b"hello"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path().join("b/s"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["k.txt"], "no partial file left beside it");
    }

    #[tokio::test]
    async fn a_wrong_content_md5_stores_nothing_and_keeps_the_old_object() {
        let (dir, s) = storage();
        s.put(put_input("k", b"old", None)).await.unwrap();
        let wrong = base64::engine::general_purpose::STANDARD.encode([0u8; 16]);
        let err = s
            .put(put_input("k", b"new", Some(wrong)))
            .await
            .unwrap_err();
        assert_eq!(err.code(), &S3ErrorCode::BadDigest);
        assert_eq!(std::fs::read(dir.path().join("b/k")).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path().join("b")).unwrap().count(), 1);
        let right =
            base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(b"new").as_slice());
        s.put(put_input("k", b"new", Some(right))).await.unwrap();
        assert_eq!(std::fs::read(dir.path().join("b/k")).unwrap(), b"new");
    }

    #[tokio::test]
    async fn get_serves_the_bytes_a_range_and_refuses_an_unknown_key() {
        let (_dir, s) = storage();
        s.put(put_input("k.txt", b"0123456789", None))
            .await
            .unwrap();
        let get = |range: Option<Range>, key: &str| {
            let mut b = GetObjectInput::builder();
            b.set_bucket("b".to_owned());
            b.set_key(key.to_owned());
            b.set_range(range);
            b.build().unwrap()
        };
        let body = |out: GetObjectOutput| async move {
            let mut bytes = Vec::new();
            let mut stream = out.body.unwrap();
            while let Some(c) = stream.next().await {
                bytes.extend_from_slice(&c.unwrap());
            }
            bytes
        };
        let whole = s.get(get(None, "k.txt")).await.unwrap();
        assert_eq!(whole.content_length, Some(10));
        assert_eq!(whole.content_type.as_deref(), Some("text/plain"));
        assert_eq!(
            whole.e_tag,
            Some(ETag::Strong(webflow_assets::md5_hex(b"0123456789")))
        );
        assert_eq!(body(whole).await, b"0123456789");
        let part = s
            .get(get(
                Some(Range::Int {
                    first: 2,
                    last: Some(4),
                }),
                "k.txt",
            ))
            .await
            .unwrap();
        assert_eq!(part.content_range.as_deref(), Some("bytes 2-4/10"));
        assert_eq!(body(part).await, b"234");
        let tail = s
            .get(get(Some(Range::Suffix { length: 3 }), "k.txt"))
            .await
            .unwrap();
        assert_eq!(body(tail).await, b"789");
        let err = s.get(get(None, "missing")).await.unwrap_err();
        assert_eq!(err.code(), &S3ErrorCode::NoSuchKey);
    }
}
