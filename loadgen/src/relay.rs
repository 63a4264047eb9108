//! The baseline: a minimal broadcast server speaking just enough of the live
//! protocol for the load generator (`hello` → `welcome`, `command` →
//! `accepted` and an `events` batch to the meeting), with no storage, no
//! rules and no checks; a socket more than 64 batches behind loses the
//! oldest (the durable phase's flood does that). The same load against it
//! shows what WebSockets and fan-out cost on this machine; the rest of the
//! server's figures is ours.
//! Runs as its own process (`chibo-loadgen --serve-relay`), so that its CPU
//! and memory are read as the server's are.

use futures_util::{SinkExt, StreamExt};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::Utf8Bytes;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// One meeting: its last number and its sockets.
struct Room {
    seq: Mutex<u64>,
    fan_out: broadcast::Sender<Utf8Bytes>,
}

type Rooms = Arc<Mutex<HashMap<u64, Arc<Room>>>>;

/// The meeting of `/api/meetings/{id}/live`.
pub fn meeting_of(path: &str) -> Option<u64> {
    path.strip_prefix("/api/meetings/")?
        .strip_suffix("/live")?
        .parse()
        .ok()
}

/// The `key` and `command` of a client's command, as JSON text.
pub fn command_of(text: &str) -> Option<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    if v["type"] != "command" {
        return None;
    }
    Some((v["key"].as_str()?.to_string(), v["command"].to_string()))
}

/// Listens on any port of 127.0.0.1, prints its address as the server does,
/// and serves until killed.
pub async fn serve() -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("relay at http://{addr}/");
    let rooms: Rooms = Arc::default();
    loop {
        let (tcp, _) = listener.accept().await.map_err(|e| e.to_string())?;
        let rooms = rooms.clone();
        tokio::spawn(async move {
            let _ = tcp.set_nodelay(true);
            let mut meeting = None;
            // The library's callback type, error and all.
            #[allow(clippy::result_large_err)]
            let callback = |req: &Request, res: Response| {
                meeting = meeting_of(req.uri().path());
                Ok(res)
            };
            // Small buffers, as the server's.
            let config = WebSocketConfig::default()
                .read_buffer_size(4 * 1024)
                .write_buffer_size(0);
            let Ok(ws) =
                tokio_tungstenite::accept_hdr_async_with_config(tcp, callback, Some(config)).await
            else {
                return;
            };
            let Some(meeting) = meeting else { return };
            let room = rooms
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .entry(meeting)
                .or_insert_with(|| {
                    Arc::new(Room {
                        seq: Mutex::new(0),
                        fan_out: broadcast::channel(64).0,
                    })
                })
                .clone();
            socket(ws, room).await;
        });
    }
}

async fn socket(
    mut ws: tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>,
    room: Arc<Room>,
) {
    let mut events = room.fan_out.subscribe();
    loop {
        tokio::select! {
            msg = ws.next() => {
                let text = match msg {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(_)) => continue,
                    _ => return,
                };
                let reply = if text.contains(r#""type":"hello""#) {
                    let seq = *room.seq.lock().unwrap_or_else(|p| p.into_inner());
                    format!(r#"{{"type":"welcome","version":1,"you":{{}},"snapshot":{{"seq":{seq}}},"events":[]}}"#)
                } else if let Some((key, command)) = command_of(&text) {
                    // Numbered and sent under the room's lock: in order for everyone.
                    let mut seq = room.seq.lock().unwrap_or_else(|p| p.into_inner());
                    *seq += 1;
                    let batch = format!(r#"{{"type":"events","events":[{{"seq":{},"event":{command}}}]}}"#, *seq);
                    let _ = room.fan_out.send(batch.into());
                    format!(r#"{{"type":"accepted","key":{},"seq":{}}}"#, serde_json::Value::from(key), *seq)
                } else {
                    r#"{"type":"pong"}"#.to_string()
                };
                if ws.send(Message::text(reply)).await.is_err() {
                    return;
                }
            }
            batch = events.recv() => match batch {
                Ok(batch) => {
                    if ws.send(Message::Text(batch)).await.is_err() {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_meeting_and_the_command() {
        assert_eq!(meeting_of("/api/meetings/42/live"), Some(42));
        assert_eq!(meeting_of("/api/meetings/x/live"), None);
        assert_eq!(meeting_of("/healthz"), None);
        let (key, command) =
            command_of(r#"{"type":"command","key":"d-1-2","command":{"type":"move_to","item":2}}"#)
                .unwrap();
        assert_eq!(key, "d-1-2");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&command).unwrap(),
            serde_json::json!({"type": "move_to", "item": 2})
        );
        assert_eq!(command_of(r#"{"type":"ping"}"#), None);
    }
}
