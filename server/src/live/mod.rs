//! The live meeting on the server, free of HTTP state, routes and sessions
//! (those are in `routes::live`, which hands sockets over to the hub):
//!
//! - `hub`: every room of this process, and the signals of other instances;
//! - `room`: one meeting's state, its commands stored before they are
//!   acknowledged, its broadcast;
//! - `socket`: one participant's connection;
//! - `error`: what goes wrong, and what a client is told about it.

mod error;
mod hub;
mod room;
mod socket;

pub use error::{LiveError, LiveResult, SocketError};
pub use hub::LiveHub;
pub use room::Room;
pub use socket::Participant;

use axum::extract::ws::WebSocketUpgrade;
use axum::response::Response;
use std::sync::Arc;

impl LiveHub {
    /// Completes a WebSocket upgrade into the room: the socket lives until it
    /// closes or the server shuts down.
    pub fn accept(&self, ws: WebSocketUpgrade, room: Arc<Room>, who: Participant) -> Response {
        socket::accept(ws, room, who, self.shutdown_signal())
    }
}
