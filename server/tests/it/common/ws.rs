//! A participant of a live meeting over a real WebSocket, as the app is one.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub struct Client {
    pub socket: Socket,
    /// Every event received, by sequence number.
    pub seen: Vec<u64>,
}

/// `ws://…/api/meetings/{meeting}/live` of a server at `base` (`http://host:port`).
pub fn live_url(base: &str, meeting: i64) -> String {
    format!(
        "{}/api/meetings/{meeting}/live",
        base.replacen("http://", "ws://", 1)
    )
}

impl Client {
    /// Opens the meeting's socket with a session cookie (`chibo_session=…`);
    /// an HTTP refusal gives its status.
    pub async fn open(base: &str, cookie: &str, meeting: i64) -> Result<Client, u16> {
        let mut req = live_url(base, meeting).into_client_request().unwrap();
        req.headers_mut().insert("cookie", cookie.parse().unwrap());
        match tokio_tungstenite::connect_async(req).await {
            Ok((socket, _)) => Ok(Client {
                socket,
                seen: Vec::new(),
            }),
            Err(tokio_tungstenite::tungstenite::Error::Http(res)) => Err(res.status().as_u16()),
            Err(e) => panic!("connect: {e}"),
        }
    }

    pub async fn send(&mut self, v: Value) {
        self.send_text(v.to_string()).await;
    }

    pub async fn send_text(&mut self, text: impl Into<String>) {
        self.socket
            .send(Message::Text(text.into().into()))
            .await
            .unwrap();
    }

    /// The next text message, recording the events it carries.
    pub async fn next(&mut self) -> Value {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(10), self.socket.next())
                .await
                .expect("a message within 10 s")
                .expect("socket open")
                .expect("no error");
            if let Message::Text(t) = msg {
                let v: Value = serde_json::from_str(t.as_str()).unwrap();
                for e in v["events"].as_array().into_iter().flatten() {
                    self.seen.push(e["seq"].as_u64().unwrap());
                }
                return v;
            }
        }
    }

    /// The next message, or `None` when the server says nothing for half a second.
    pub async fn next_quiet(&mut self) -> Option<Value> {
        tokio::time::timeout(Duration::from_millis(500), self.next())
            .await
            .ok()
    }

    /// Reads until a message of this type arrives.
    pub async fn until(&mut self, kind: &str) -> Value {
        loop {
            let v = self.next().await;
            if v["type"] == kind {
                return v;
            }
        }
    }

    /// Reads until the event with this sequence number arrives; returns it.
    pub async fn until_event(&mut self, seq: u64) -> Value {
        loop {
            let v = self.next().await;
            for e in v["events"].as_array().into_iter().flatten() {
                if e["seq"] == seq {
                    return e["event"].clone();
                }
            }
        }
    }

    /// Says hello (resuming after `last_seq` when given); returns the welcome.
    pub async fn hello(&mut self, last_seq: Option<u64>) -> Value {
        self.send(json!({"type": "hello", "version": 1, "last_seq": last_seq}))
            .await;
        self.until("welcome").await
    }

    /// Reads until the answer to the command with this key.
    pub async fn answer(&mut self, key: &str) -> Value {
        loop {
            let v = self.next().await;
            if matches!(
                v["type"].as_str(),
                Some("accepted" | "rejected" | "deferred")
            ) && v["key"] == key
            {
                return v;
            }
        }
    }

    /// Sends a command until it is answered `accepted` or `rejected`: a
    /// `deferred` command is kept and sent again a moment later, as the app does.
    pub async fn command_resending(&mut self, key: &str, command: Value) -> Value {
        loop {
            let answer = self.command(key, command.clone()).await;
            if answer["type"] != "deferred" {
                return answer;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Reads until the server closes the connection (or `within` passes):
    /// what the close frame said, if it sent one.
    pub async fn closed(&mut self, within: Duration) -> Closed {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => return Closed::StillOpen,
                Ok(Some(Ok(Message::Close(Some(frame))))) => {
                    return Closed::Frame(frame.code.into(), frame.reason.to_string());
                }
                Ok(Some(Ok(Message::Close(None)))) => return Closed::Frame(1005, String::new()),
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(_)) | None) => return Closed::WithoutFrame,
            }
        }
    }

    /// Sends a command and waits for its answer.
    pub async fn command(&mut self, key: &str, command: Value) -> Value {
        self.send(json!({"type": "command", "key": key, "command": command}))
            .await;
        self.answer(key).await
    }
}

/// How a connection ended, seen from the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closed {
    /// A close frame: its code and reason.
    Frame(u16, String),
    /// The connection dropped without a close frame.
    WithoutFrame,
    /// Nothing yet.
    StillOpen,
}
