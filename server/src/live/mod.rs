//! The live meeting on the server, free of HTTP state, routes and sessions
//! (those are in `routes::live`, which hands sockets over to the hub):
//!
//! - `hub`: every room of this process, and the signals of other instances;
//! - `room`: one meeting's state, its commands stored before they are
//!   acknowledged, its broadcast;
//! - `socket`: one participant's connection;
//! - `wire`: its upgrade and writes (long messages past the library's buffer);
//! - `error`: what goes wrong, and what a client is told about it.

mod error;
mod hub;
mod relay;
mod room;
mod socket;
mod wire;

pub use error::{Close, LiveError, LiveResult, SocketError};
pub use hub::LiveHub;
pub use room::Room;
pub use socket::Participant;
pub use wire::{LiveUpgrade, NotWebSocket};

use shared::MeetingId;
use shared::live::limits::{HEARTBEAT_SECS, SILENT_PEER_SECS};
use shared::live::state::Speaker;
use std::time::Duration;

/// Who a session is in a meeting now (its powers there come from the
/// meeting's state, not from here). The hub asks again when the session's
/// account changes (a signal) and every `LiveConfig::recheck`; the answer
/// comes from sessions and permissions, which this module does not know
/// (`routes::live` implements it).
#[async_trait::async_trait]
pub trait Gate: Send + Sync + 'static {
    /// Each socket's answer, in the order asked: `(session, meeting)`, where
    /// `session` is the hash of the session's token. Asked for many sockets
    /// at once, so that a round costs a few queries, not a few per socket.
    async fn admit_all(&self, asks: &[(&str, MeetingId)]) -> Vec<Result<Speaker, Denied>>;
}

/// Why a session may not (or no longer) take part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    /// The session ended or its account is disabled.
    SessionEnded,
    /// The account is not a participant of this meeting (any more).
    NotParticipant,
    /// No answer now (storage failed): the socket stays, asked again later.
    Unknown(String),
}

/// The live meeting's timings: `Default` in production, shortened by tests.
#[derive(Debug, Clone)]
pub struct LiveConfig {
    /// A peer heard nothing from this long is sent a ping frame.
    pub heartbeat: Duration,
    /// A peer silent this long is taken as gone and its socket closed.
    pub silent_peer: Duration,
    /// A room without sockets is dropped after this long (reloaded from storage when needed).
    pub room_idle: Duration,
    /// Every socket's session and powers are checked again this often: a
    /// backstop for a lost `AccountChanged` signal.
    pub recheck: Duration,
    /// How long the server keeps trying to store a command before it answers
    /// `deferred` (the client then sends it again).
    pub command_deadline: Duration,
}

impl Default for LiveConfig {
    fn default() -> LiveConfig {
        LiveConfig {
            heartbeat: Duration::from_secs(HEARTBEAT_SECS.into()),
            silent_peer: Duration::from_secs(SILENT_PEER_SECS.into()),
            room_idle: Duration::from_secs(10 * 60),
            recheck: Duration::from_secs(60),
            command_deadline: Duration::from_secs(5),
        }
    }
}
