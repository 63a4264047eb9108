//! What goes wrong in a live meeting, in one place (as `crate::error` is for
//! HTTP): a room's failures, and what a socket tells its client about a
//! message it could not take (an `error` message; the connection stays open).

use crate::storage::StorageError;
use shared::live::protocol::{PROTOCOL_VERSION, ServerMessage};

/// A room could not do its work. Never shown to a participant as such: a
/// command meets it as `deferred`, an HTTP request as a 500 (logged).
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("không mã hóa được sự kiện: {0}")]
    Encode(#[from] serde_json::Error),
}

pub type LiveResult<T> = Result<T, LiveError>;

/// A client message the server answers with `error {code, message}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SocketError {
    /// Not JSON, an unknown type or command, or too large; the text says which.
    #[error("{0}")]
    BadMessage(String),
    #[error("Chỉ nhận tin nhắn dạng văn bản (JSON).")]
    NotText,
    #[error("Cần gửi lời chào (hello) trước khi gửi thao tác.")]
    HelloFirst,
    #[error("Mã thao tác không hợp lệ.")]
    BadKey,
    #[error(
        "Phiên bản giao thức {0} không được hỗ trợ (máy chủ dùng {PROTOCOL_VERSION}). Vui lòng tải lại trang."
    )]
    Version(u32),
    #[error("Không nhận được lời chào; kết nối được đóng.")]
    HelloTimeout,
    #[error("Máy chủ đang khởi động lại; kết nối sẽ tự nối lại.")]
    ShuttingDown,
}

impl SocketError {
    /// The stable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            SocketError::BadMessage(_) | SocketError::NotText => "bad_message",
            SocketError::HelloFirst => "hello_first",
            SocketError::BadKey => "bad_key",
            SocketError::Version(_) => "version",
            SocketError::HelloTimeout => "hello_timeout",
            SocketError::ShuttingDown => "shutting_down",
        }
    }

    pub fn to_message(&self) -> ServerMessage {
        ServerMessage::Error {
            code: self.code().into(),
            message: self.to_string(),
        }
    }
}
