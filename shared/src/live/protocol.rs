//! The messages of the live meeting's WebSocket (`/api/meetings/{id}/live`),
//! version 1. Text frames, one JSON object each, tagged by `type`.
//!
//! Client → server: `hello` first (with the last sequence number seen, when
//! resuming), then `command`s, each with an idempotency `key` the client keeps
//! until it is answered: a command sent twice is applied once.
//!
//! Server → client: `welcome` (who you are here, and either the events missed
//! or a `snapshot`), then `events` as they are stored, `accepted` or `rejected`
//! for each of your commands, `snapshot` when you fell too far behind, and
//! `error` for a message that could not be read (the connection stays open).
//!
//! Audio (`super::audio`): the client sends `audio_offer` (its SDP: a
//! send-only microphone section, then two receive-only sections, the floor's
//! and the chair's), the server answers `audio_answer` or `audio_refused`,
//! then `audio` whenever the connection or who is forwarded changes;
//! `audio_stop` ends it. Closing the socket ends it too.

use super::audio::{AudioConnection, AudioRefusal, AudioRoute, Turn};
use super::limits::MIN_SECS_BETWEEN_HELLOS;
use super::state::{Caller, Command, Event, LiveState, Refusal};
use crate::i18n::Message;
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub const PROTOCOL_VERSION: u32 = 1;

/// The most events sent to catch a client up; further behind, it gets a snapshot.
pub const MAX_CATCH_UP_EVENTS: u64 = 500;

/// Larger client messages are refused unread.
pub const MAX_CLIENT_MESSAGE_BYTES: usize = 128 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    Hello {
        version: u32,
        /// The last event seen, when resuming after a cut.
        last_seq: Option<u64>,
    },
    Command {
        /// Chosen by the client, unique per command (e.g. a random id).
        key: String,
        command: Command,
    },
    Ping,
    /// Joins the meeting's audio, or replaces this socket's audio connection.
    AudioOffer {
        /// The browser's SDP offer, at most `limits::MAX_SDP_BYTES`.
        sdp: String,
    },
    /// Leaves the meeting's audio.
    AudioStop,
}

/// An event with its place in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequenced {
    pub seq: u64,
    pub event: Event,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    Welcome {
        version: u32,
        you: Caller,
        /// Present when the client must start from a whole state.
        snapshot: Option<Box<LiveState>>,
        /// The events after the client's `last_seq` (or after the snapshot).
        events: Vec<Sequenced>,
        /// The TURN server for this participant's audio, with fresh
        /// credentials; absent when the server has none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        turn: Option<Turn>,
    },
    Events {
        events: Vec<Sequenced>,
    },
    Snapshot {
        state: Box<LiveState>,
    },
    Accepted {
        key: String,
        /// The last sequence number the command produced (the current one if it produced none).
        seq: u64,
    },
    Rejected {
        key: String,
        reason: Refusal,
        /// `reason` in Vietnamese, for a client that does not know its code.
        message: String,
    },
    /// Not stored and not refused: the server could not store it now (a
    /// transient fault it already retried). The client keeps the command and
    /// sends it again later with the same key.
    Deferred {
        key: String,
        reason: Deferral,
        /// `reason` in Vietnamese.
        message: String,
    },
    /// A message the server could not take; `code` and its parameters sit
    /// beside `type`, as in `{"type":"error","code":"version","version":2,…}`.
    Error {
        #[serde(flatten)]
        error: SocketError,
        /// `error` in Vietnamese.
        message: String,
    },
    Pong,
    /// The server's SDP answer to `audio_offer` (ICE-lite, one host candidate).
    AudioAnswer {
        sdp: String,
    },
    /// No audio for this socket; `message` is `reason` in Vietnamese.
    AudioRefused {
        reason: AudioRefusal,
        message: String,
    },
    /// The socket's audio connection and who is forwarded now. Names come
    /// from the live state the client already holds.
    Audio {
        connection: AudioConnection,
        route: AudioRoute,
    },
}

impl ServerMessage {
    pub fn error(error: SocketError) -> ServerMessage {
        ServerMessage::Error {
            message: error.to_string(),
            error,
        }
    }

    pub fn audio_refused(reason: AudioRefusal) -> ServerMessage {
        ServerMessage::AudioRefused {
            message: reason.to_string(),
            reason,
        }
    }

    pub fn deferred(key: String, reason: Deferral) -> ServerMessage {
        ServerMessage::Deferred {
            key,
            message: reason.to_string(),
            reason,
        }
    }
}

/// Why a command was deferred: neither stored nor refused, sent again later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Deferral {
    /// Over `COMMANDS_PER_SEC` for the account in this meeting.
    #[error("Đồng chí thao tác nhanh quá; thao tác sẽ được gửi lại sau giây lát.")]
    TooFast,
    /// The store failed or stayed contended until the command's deadline.
    #[error("Máy chủ chưa lưu được thao tác. Thao tác sẽ được gửi lại.")]
    NotStored,
}

impl Message for Deferral {
    fn english(&self) -> (&'static str, String) {
        match self {
            Deferral::TooFast => (
                "too_fast",
                "You are acting too fast; the action will be sent again in a moment.".into(),
            ),
            Deferral::NotStored => (
                "not_stored",
                "The server could not save the action yet. It will be sent again.".into(),
            ),
        }
    }
}

/// What was wrong with a message the server could not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BadMessage {
    #[error("Tin nhắn quá lớn.")]
    TooLarge,
    #[error("Loại tin nhắn hoặc lệnh không được hỗ trợ.")]
    Unsupported,
    #[error("Tin nhắn không đúng định dạng.")]
    Malformed,
    #[error("Chỉ nhận tin nhắn dạng văn bản (JSON).")]
    NotText,
}

impl Message for BadMessage {
    fn english(&self) -> (&'static str, String) {
        let (code, text) = match self {
            BadMessage::TooLarge => ("too_large", "The message is too large."),
            BadMessage::Unsupported => (
                "unsupported",
                "This kind of message or command is not supported.",
            ),
            BadMessage::Malformed => ("malformed", "The message is not well formed."),
            BadMessage::NotText => ("not_text", "Only text (JSON) messages are taken."),
        };
        (code, text.into())
    }
}

/// A client message the server answers with `error`; the connection stays
/// open unless a close frame follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum SocketError {
    /// Not JSON, an unknown type or command, too large, or binary.
    #[error("{problem}")]
    BadMessage { problem: BadMessage },
    #[error("Cần gửi lời chào (hello) trước khi gửi thao tác.")]
    HelloFirst,
    #[error("Mã thao tác không hợp lệ.")]
    BadKey,
    #[error(
        "Phiên bản giao thức {version} không được hỗ trợ (máy chủ dùng {PROTOCOL_VERSION}). Vui lòng tải lại trang."
    )]
    Version { version: u32 },
    #[error("Không nhận được lời chào; kết nối được đóng.")]
    HelloTimeout,
    #[error("Máy chủ đang khởi động lại; kết nối sẽ tự nối lại.")]
    ShuttingDown,
    #[error(
        "Đồng chí vừa yêu cầu tải lại trạng thái buổi sinh hoạt; vui lòng đợi {MIN_SECS_BETWEEN_HELLOS} giây."
    )]
    TooManyHellos,
}

impl Message for SocketError {
    fn english(&self) -> (&'static str, String) {
        match self {
            // The wire's code; the problem's own is `problem.code()`.
            SocketError::BadMessage { problem } => ("bad_message", problem.english().1),
            SocketError::HelloFirst => (
                "hello_first",
                "A greeting (hello) must come before any action.".into(),
            ),
            SocketError::BadKey => ("bad_key", "The action's key is not valid.".into()),
            SocketError::Version { version } => (
                "version",
                format!(
                    "Protocol version {version} is not supported (the server uses {PROTOCOL_VERSION}). Please reload the page."
                ),
            ),
            SocketError::HelloTimeout => (
                "hello_timeout",
                "No greeting came; the connection is closed.".into(),
            ),
            SocketError::ShuttingDown => (
                "shutting_down",
                "The server is restarting; the connection will come back by itself.".into(),
            ),
            SocketError::TooManyHellos => (
                "too_many_hellos",
                format!(
                    "You have just asked to reload the meeting's state; please wait {MIN_SECS_BETWEEN_HELLOS} seconds."
                ),
            ),
        }
    }
}

impl From<BadMessage> for SocketError {
    fn from(problem: BadMessage) -> SocketError {
        SocketError::BadMessage { problem }
    }
}

/// Reads a client's message; the error says what to answer.
pub fn decode_client(text: &str) -> Result<ClientMessage, BadMessage> {
    if text.len() > MAX_CLIENT_MESSAGE_BYTES {
        return Err(BadMessage::TooLarge);
    }
    serde_json::from_str(text).map_err(|e| {
        if e.to_string().contains("unknown variant") {
            BadMessage::Unsupported
        } else {
            BadMessage::Malformed
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_as_documented() {
        let hello = decode_client(r#"{"type":"hello","version":1,"last_seq":12}"#).unwrap();
        assert_eq!(
            hello,
            ClientMessage::Hello {
                version: 1,
                last_seq: Some(12)
            }
        );
        let cmd =
            decode_client(r#"{"type":"command","key":"k1","command":{"type":"move_to","item":2}}"#)
                .unwrap();
        assert_eq!(
            cmd,
            ClientMessage::Command {
                key: "k1".into(),
                command: Command::MoveTo { item: 2 }
            }
        );
        assert_eq!(
            decode_client(r#"{"type":"shout"}"#).unwrap_err(),
            BadMessage::Unsupported
        );
        assert_eq!(decode_client("{").unwrap_err(), BadMessage::Malformed);
        assert_eq!(
            decode_client(&"x".repeat(MAX_CLIENT_MESSAGE_BYTES + 1)).unwrap_err(),
            BadMessage::TooLarge
        );
    }

    #[test]
    fn errors_keep_their_code_and_message_on_the_wire() {
        let sent = ServerMessage::error(SocketError::Version { version: 7 });
        let json = serde_json::to_value(&sent).unwrap();
        assert_eq!(json["type"], "error");
        assert_eq!(json["code"], "version");
        assert_eq!(json["version"], 7);
        assert!(json["message"].as_str().unwrap().contains('7'));
        let back: ServerMessage = serde_json::from_value(json).unwrap();
        assert_eq!(back, sent);

        let sent = ServerMessage::error(BadMessage::NotText.into());
        let json = serde_json::to_value(&sent).unwrap();
        assert_eq!(json["code"], "bad_message");
        assert_eq!(json["problem"], "not_text");
        assert_eq!(serde_json::from_value::<ServerMessage>(json).unwrap(), sent);

        let sent = ServerMessage::deferred("k".into(), Deferral::TooFast);
        let json = serde_json::to_value(&sent).unwrap();
        assert_eq!(json["reason"]["code"], "too_fast");
        assert_eq!(json["message"], Deferral::TooFast.to_string());
        assert_eq!(serde_json::from_value::<ServerMessage>(json).unwrap(), sent);
    }
}
