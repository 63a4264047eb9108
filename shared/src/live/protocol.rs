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

use super::state::{Caller, Command, Event, LiveState, Refusal};
use serde::{Deserialize, Serialize};

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
        message: String,
    },
    /// Not stored and not refused: the server could not store it now (a
    /// transient fault it already retried). The client keeps the command and
    /// sends it again later with the same key.
    Deferred {
        key: String,
        message: String,
    },
    Error {
        code: String,
        message: String,
    },
    Pong,
}

/// Reads a client's message; the error is what to answer, in Vietnamese.
pub fn decode_client(text: &str) -> Result<ClientMessage, String> {
    if text.len() > MAX_CLIENT_MESSAGE_BYTES {
        return Err("Tin nhắn quá lớn.".to_string());
    }
    serde_json::from_str(text).map_err(|e| {
        if e.to_string().contains("unknown variant") {
            "Loại tin nhắn hoặc lệnh không được hỗ trợ.".to_string()
        } else {
            "Tin nhắn không đúng định dạng.".to_string()
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
            "Loại tin nhắn hoặc lệnh không được hỗ trợ."
        );
        assert_eq!(
            decode_client("{").unwrap_err(),
            "Tin nhắn không đúng định dạng."
        );
        assert!(decode_client(&"x".repeat(MAX_CLIENT_MESSAGE_BYTES + 1)).is_err());
    }
}
