//! One participant's WebSocket: the hello, the commands, the broadcast.

use super::error::SocketError;
use super::room::Room;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use shared::AccountId;
use shared::live::protocol::{
    ClientMessage, MAX_CLIENT_MESSAGE_BYTES, PROTOCOL_VERSION, ServerMessage, decode_client,
};
use shared::live::state::{Caller, Command};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};

const MAX_KEY_CHARS: usize = 100;
/// A socket that says nothing this long after connecting is closed.
const HELLO_TIMEOUT: Duration = Duration::from_secs(20);

/// Who is on the other end of a socket.
pub struct Participant {
    pub caller: Caller,
    pub account: AccountId,
    /// The account's name, for a visitor only: the record names visitors by it.
    pub visitor_name: Option<Box<str>>,
}

/// Completes the upgrade and runs the socket until it closes.
pub(super) fn accept(
    ws: WebSocketUpgrade,
    room: Arc<Room>,
    who: Participant,
    shutdown: watch::Receiver<bool>,
) -> Response {
    ws
        // Small buffers: tens of thousands of phones stay connected at once.
        .read_buffer_size(1024)
        .write_buffer_size(0)
        .max_write_buffer_size(1024 * 1024)
        .max_message_size(MAX_CLIENT_MESSAGE_BYTES)
        .max_frame_size(MAX_CLIENT_MESSAGE_BYTES)
        .on_upgrade(move |socket| run(socket, room, who, shutdown))
}

async fn send(socket: &mut WebSocket, message: &ServerMessage) -> bool {
    match serde_json::to_string(message) {
        Ok(json) => socket.send(Message::Text(json.into())).await.is_ok(),
        Err(_) => false,
    }
}

/// One task per connected participant, alive for hours: the rare, large
/// futures (welcome, command, snapshot) are boxed so the task itself stays small.
async fn run(
    mut socket: WebSocket,
    room: Arc<Room>,
    who: Participant,
    mut shutdown: watch::Receiver<bool>,
) {
    let Participant {
        caller,
        account,
        visitor_name,
    } = who;
    let mut rx = room.subscribe();
    // Events up to here were sent in the welcome; later batches go out as they come.
    let mut sent_up_to: Option<u64> = None;
    let hello_deadline = tokio::time::sleep(HELLO_TIMEOUT);
    tokio::pin!(hello_deadline);
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let text = match incoming {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Binary(_))) => {
                        if !send(&mut socket, &SocketError::NotText.to_message()).await { break; }
                        continue;
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => continue,
                };
                let reply = match decode_client(text.as_str()) {
                    Err(message) => SocketError::BadMessage(message).to_message(),
                    Ok(ClientMessage::Ping) => ServerMessage::Pong,
                    Ok(ClientMessage::Hello { version, last_seq }) => {
                        if version != PROTOCOL_VERSION {
                            SocketError::Version(version).to_message()
                        } else {
                            match Box::pin(room.welcome(caller, last_seq)).await {
                                Ok((message, seq)) => { sent_up_to = Some(seq); message }
                                Err(e) => { tracing::error!(error = %e, "welcome failed"); break; }
                            }
                        }
                    }
                    Ok(ClientMessage::Command { key, mut command }) => {
                        if let Command::VisitorArrives { name } = &mut command {
                            *name = visitor_name.as_deref().unwrap_or_default().to_string();
                        }
                        if sent_up_to.is_none() {
                            SocketError::HelloFirst.to_message()
                        } else if key.is_empty() || key.chars().count() > MAX_KEY_CHARS {
                            SocketError::BadKey.to_message()
                        } else {
                            Box::pin(room.command(caller, account, key, command)).await
                        }
                    }
                };
                if !send(&mut socket, &reply).await { break; }
            }
            batch = rx.recv() => match batch {
                Ok(batch) => {
                    if sent_up_to.is_some_and(|s| batch.last_seq > s) {
                        sent_up_to = Some(batch.last_seq);
                        if socket.send(Message::Text(batch.json)).await.is_err() { break; }
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    // Too slow to keep up: a snapshot, not a disconnect, not a growing queue.
                    if sent_up_to.is_some() {
                        let (message, seq) = Box::pin(room.snapshot()).await;
                        sent_up_to = Some(seq);
                        if !send(&mut socket, &message).await { break; }
                    }
                }
                Err(broadcast::error::RecvError::Closed) => break,
            },
            () = &mut hello_deadline, if sent_up_to.is_none() => {
                let _ = send(&mut socket, &SocketError::HelloTimeout.to_message()).await;
                break;
            }
            _ = shutdown.changed() => {
                let _ = send(&mut socket, &SocketError::ShuttingDown.to_message()).await;
                let _ = socket.send(Message::Close(None)).await;
                break;
            }
        }
    }
}
