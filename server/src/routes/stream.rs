//! A document's bytes into chunk rows and back, for every kind of document
//! (a meeting's, a committee's guidance): the upload streamed into rows of
//! `CHUNK_BYTES` as it arrives, its size counted on the way and its type told
//! from its first and last bytes (`shared::files::sniff`); the download
//! streamed back row by row as an attachment, never sniffed by the browser.

use crate::error::{ApiError, ApiResult};
use crate::storage::Result as StorageResult;
use async_trait::async_trait;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use shared::files::{
    self, CHUNK_BYTES, FileError, FileKind, MAX_FILE_BYTES, SNIFF_HEAD_BYTES, SNIFF_TAIL_BYTES,
};
use std::fmt::Display;

/// An upload not finished after this long was abandoned (its server stopped).
pub const STALE_UPLOAD_HOURS: i64 = 6;

/// Where one file's chunks are written and read.
#[async_trait]
pub trait Chunks: Send + Sync + 'static {
    async fn put(&self, seq: u32, data: &[u8]) -> StorageResult<()>;
    async fn get(&self, seq: u32) -> StorageResult<Option<Vec<u8>>>;
}

/// 413 at once when the request says it carries more than the limit.
pub fn refuse_declared_too_large(headers: &HeaderMap) -> ApiResult<()> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_FILE_BYTES) {
        return Err(ApiError::File(FileError::TooLarge));
    }
    Ok(())
}

/// Keeps the first and the last bytes of a stream, for the type check.
struct Ends {
    head: Vec<u8>,
    tail: Vec<u8>,
}

impl Ends {
    fn push(&mut self, data: &[u8]) {
        if self.head.len() < SNIFF_HEAD_BYTES {
            let take = (SNIFF_HEAD_BYTES - self.head.len()).min(data.len());
            self.head.extend_from_slice(&data[..take]);
        }
        self.tail.extend_from_slice(data);
        if self.tail.len() > 2 * SNIFF_TAIL_BYTES {
            let cut = self.tail.len() - SNIFF_TAIL_BYTES;
            self.tail.drain(..cut);
        }
    }

    fn tail(&self) -> &[u8] {
        &self.tail[self.tail.len().saturating_sub(SNIFF_TAIL_BYTES)..]
    }
}

/// Streams the body into the file's chunks; the kind and size once complete.
/// The caller deletes the file when this fails.
pub async fn receive(chunks: &impl Chunks, name: &str, body: Body) -> ApiResult<(FileKind, u64)> {
    let mut stream = body.into_data_stream();
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK_BYTES);
    let mut ends = Ends {
        head: Vec::new(),
        tail: Vec::new(),
    };
    let mut total: u64 = 0;
    let mut seq: u32 = 0;
    while let Some(data) = stream.next().await {
        let data = data.map_err(|_| {
            ApiError::BadRequest(crate::error::Text::both(
                "upload_interrupted",
                "Tải tệp lên bị gián đoạn. Vui lòng thử lại.",
                "The upload was interrupted. Please try again.",
            ))
        })?;
        total += data.len() as u64;
        if total > MAX_FILE_BYTES {
            return Err(ApiError::File(FileError::TooLarge));
        }
        ends.push(&data);
        let mut rest: &[u8] = &data;
        while !rest.is_empty() {
            let take = (CHUNK_BYTES - buf.len()).min(rest.len());
            buf.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if buf.len() == CHUNK_BYTES {
                chunks.put(seq, &buf).await?;
                seq += 1;
                buf.clear();
            }
        }
    }
    if total == 0 {
        return Err(ApiError::File(FileError::Empty));
    }
    if !buf.is_empty() {
        chunks.put(seq, &buf).await?;
    }
    let kind = files::sniff(&ends.head, ends.tail(), total, name)
        .ok_or(ApiError::File(FileError::UnsupportedType))?;
    Ok((kind, total))
}

/// The file as an attachment, streamed chunk by chunk, with its checked
/// type, its length, its name (RFC 6266/5987) and `nosniff`. `id` names the
/// file in the logs.
pub fn attachment(
    chunks: impl Chunks + Clone,
    id: impl Display + Send + Sync + Clone + 'static,
    kind: FileKind,
    size: u64,
    name: &str,
) -> ApiResult<Response> {
    let count = u32::try_from(size.div_ceil(CHUNK_BYTES as u64))
        .map_err(|_| ApiError::Internal("tệp quá nhiều phần".into()))?;
    let stream = futures_util::stream::unfold(0u32, move |seq| {
        let chunks = chunks.clone();
        let id = id.clone();
        async move {
            if seq >= count {
                return None;
            }
            let next = match chunks.get(seq).await {
                Ok(Some(data)) => Ok(axum::body::Bytes::from(data)),
                Ok(None) => Err(std::io::Error::other(format!(
                    "phần {seq} của tệp {id} bị thiếu"
                ))),
                Err(e) => Err(std::io::Error::other(e.to_string())),
            };
            if let Err(e) = &next {
                tracing::error!(error = %e, file = %id, "document download cut short");
            }
            Some((next, seq + 1))
        }
    });
    let mut res = Body::from_stream(stream).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(kind.media_type()),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&files::content_disposition(name))
            .map_err(|e| ApiError::Internal(e.into()))?,
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(res)
}
