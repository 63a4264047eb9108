//! What goes wrong in a live meeting, in one place (as `crate::error` is for
//! HTTP): a room's failures, what a socket tells its client about a message it
//! could not take (an `error` message; the connection stays open), and why the
//! server ends a connection (a close frame).

use crate::storage::StorageError;
use shared::live::close;

/// A room could not do its work. Never shown to a participant as such: a
/// command meets it as `deferred`, an HTTP request as a 500 (logged).
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("không mã hóa được sự kiện: {0}")]
    Encode(#[from] serde_json::Error),
    /// Other instances kept appending first until the command's deadline.
    #[error("các máy chủ khác liên tục ghi trước cho đến hết thời hạn")]
    Contended,
}

pub type LiveResult<T> = Result<T, LiveError>;

/// A client message the server answers with `error`, typed in `shared` so
/// that the app reads it in its language.
pub use shared::live::protocol::SocketError;

/// Why the server ends a connection: the close frame's code
/// (`shared::live::close`) and its reason, in Vietnamese.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Close {
    SessionEnded = 1,
    NotParticipant,
    Replaced,
    PowersChanged,
    Silent,
    Flood,
    TooBig,
    Internal,
    ShuttingDown,
}

impl Close {
    const ALL: [Close; 9] = [
        Close::SessionEnded,
        Close::NotParticipant,
        Close::Replaced,
        Close::PowersChanged,
        Close::Silent,
        Close::Flood,
        Close::TooBig,
        Close::Internal,
        Close::ShuttingDown,
    ];

    pub fn code(self) -> u16 {
        match self {
            Close::SessionEnded => close::SESSION_ENDED,
            Close::NotParticipant => close::NOT_A_PARTICIPANT,
            Close::Replaced => close::REPLACED,
            Close::PowersChanged => close::RECONNECT,
            Close::Silent => close::GOING_AWAY,
            Close::Flood => close::POLICY_VIOLATION,
            Close::TooBig => close::MESSAGE_TOO_BIG,
            Close::Internal => close::INTERNAL_ERROR,
            Close::ShuttingDown => close::SERVICE_RESTART,
        }
    }

    /// At most 123 bytes (a close frame's limit): short, and UTF-8 counts double.
    pub fn reason(self) -> &'static str {
        match self {
            Close::SessionEnded => "Phiên đăng nhập đã kết thúc. Vui lòng đăng nhập lại.",
            Close::NotParticipant => "Đồng chí không còn tham dự buổi sinh hoạt này.",
            Close::Replaced => "Buổi sinh hoạt đã được mở ở một cửa sổ khác.",
            Close::PowersChanged => "Vai trò trong buổi sinh hoạt đã thay đổi.",
            Close::Silent => "Mất tín hiệu từ máy của đồng chí.",
            Close::Flood => "Gửi quá nhiều tin nhắn.",
            Close::TooBig => "Tin nhắn quá lớn.",
            Close::Internal => "Máy chủ gặp sự cố; đang kết nối lại.",
            Close::ShuttingDown => "Máy chủ đang khởi động lại.",
        }
    }

    pub(super) fn to_u8(self) -> u8 {
        self as u8
    }

    pub(super) fn from_u8(n: u8) -> Option<Close> {
        Close::ALL.into_iter().find(|c| *c as u8 == n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_reasons_fit_a_close_frame() {
        for c in Close::ALL {
            assert!(c.reason().len() <= 123, "{c:?}");
            assert_eq!(Close::from_u8(c.to_u8()), Some(c));
        }
        assert_eq!(Close::from_u8(0), None);
    }
}
