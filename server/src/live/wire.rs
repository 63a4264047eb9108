//! The participant's WebSocket, upgraded here rather than by axum's
//! extractor so that the socket can write a large message (a welcome, a
//! snapshot) straight to the connection. The library formats every frame in
//! its write buffer, which keeps the capacity of the largest frame it ever
//! held: a 3 KB welcome would stay allocated in each of 15,000 sockets for
//! hours. Written through, the buffer stays the size of the small messages
//! (`docs/live-server.md`, Writes).

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::header::{
    CONNECTION, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, SEC_WEBSOCKET_VERSION, UPGRADE,
};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Version};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use hyper::upgrade::{OnUpgrade, Upgraded};
use hyper_util::rt::TokioIo;
use std::future::Future;
use tokio::io::AsyncWriteExt;
use tokio_tungstenite::WebSocketStream;
use tungstenite::protocol::{Role, WebSocketConfig};
use tungstenite::{Message, Utf8Bytes};

/// Text messages longer than this are written through, past the library's buffer.
pub const WRITE_THROUGH_BYTES: usize = 1024;

/// A WebSocket upgrade request (HTTP/1.1, RFC 6455), taken apart.
pub struct LiveUpgrade {
    key: HeaderValue,
    on_upgrade: OnUpgrade,
}

/// The request is not a WebSocket upgrade this server takes.
#[derive(Debug)]
pub struct NotWebSocket;

impl From<NotWebSocket> for crate::error::ApiError {
    fn from(_: NotWebSocket) -> crate::error::ApiError {
        crate::error::ApiError::BadRequest(crate::error::Text::both(
            "websocket_only",
            "Địa chỉ này chỉ nhận kết nối WebSocket.",
            "This address accepts only WebSocket connections.",
        ))
    }
}

impl IntoResponse for NotWebSocket {
    fn into_response(self) -> Response {
        crate::error::ApiError::from(self).into_response()
    }
}

fn header_is(headers: &HeaderMap, name: HeaderName, value: &str) -> bool {
    headers
        .get(name)
        .is_some_and(|h| h.as_bytes().eq_ignore_ascii_case(value.as_bytes()))
}

/// `Connection` is a list of tokens: `keep-alive, Upgrade` is an upgrade.
fn header_has_token(headers: &HeaderMap, name: HeaderName, token: &str) -> bool {
    headers.get_all(name).iter().any(|h| {
        h.to_str()
            .is_ok_and(|h| h.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    })
}

impl<S: Send + Sync> FromRequestParts<S> for LiveUpgrade {
    type Rejection = NotWebSocket;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<LiveUpgrade, NotWebSocket> {
        let headers = &parts.headers;
        if parts.version != Version::HTTP_11
            || parts.method != Method::GET
            || !header_has_token(headers, CONNECTION, "upgrade")
            || !header_is(headers, UPGRADE, "websocket")
            || !header_is(headers, SEC_WEBSOCKET_VERSION, "13")
        {
            return Err(NotWebSocket);
        }
        let key = headers.get(SEC_WEBSOCKET_KEY).ok_or(NotWebSocket)?.clone();
        // Present when the connection can be taken over (not in a test calling the router).
        let on_upgrade = parts.extensions.remove::<OnUpgrade>().ok_or(NotWebSocket)?;
        Ok(LiveUpgrade { key, on_upgrade })
    }
}

impl LiveUpgrade {
    /// The `101 Switching Protocols` answer; once it is sent, `run` gets the socket.
    pub fn on_upgrade<F, Fut>(self, config: WebSocketConfig, run: F) -> Response
    where
        F: FnOnce(LiveSocket) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let accept = tungstenite::handshake::derive_accept_key(self.key.as_bytes());
        let Ok(accept) = HeaderValue::try_from(accept) else {
            return NotWebSocket.into_response();
        };
        let on_upgrade = self.on_upgrade;
        tokio::spawn(async move {
            // The client went away before the switch: nothing to run.
            let Ok(upgraded) = on_upgrade.await else {
                return;
            };
            let ws = WebSocketStream::from_raw_socket(
                TokioIo::new(upgraded),
                Role::Server,
                Some(config),
            )
            .await;
            run(LiveSocket { ws }).await;
        });
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let headers = response.headers_mut();
        headers.insert(CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
        headers.insert(SEC_WEBSOCKET_ACCEPT, accept);
        response
    }
}

/// A participant's socket: messages in and out, frames queued until `flush`.
pub struct LiveSocket {
    ws: WebSocketStream<TokioIo<Upgraded>>,
}

impl LiveSocket {
    pub async fn recv(&mut self) -> Option<Result<Message, tungstenite::Error>> {
        self.ws.next().await
    }

    /// Sends at once.
    pub async fn send(&mut self, message: Message) -> Result<(), tungstenite::Error> {
        match message {
            Message::Text(text) if text.len() > WRITE_THROUGH_BYTES => {
                self.feed_text(text).await?;
                self.flush().await
            }
            message => self.ws.send(message).await,
        }
    }

    /// Queues a text message until `flush`; a long one is written now, after
    /// what was queued before it, and never lands in the library's buffer.
    pub async fn feed_text(&mut self, text: Utf8Bytes) -> Result<(), tungstenite::Error> {
        if text.len() <= WRITE_THROUGH_BYTES {
            return self.ws.feed(Message::Text(text)).await;
        }
        // The library's buffer (pongs included) is on the wire before our frame.
        self.ws.flush().await?;
        let mut frame = Vec::with_capacity(text.len() + MAX_HEADER);
        text_frame_header(text.len(), &mut frame);
        frame.extend_from_slice(text.as_bytes());
        let io = self.ws.get_mut();
        io.write_all(&frame).await?;
        io.flush().await?;
        Ok(())
    }

    pub async fn flush(&mut self) -> Result<(), tungstenite::Error> {
        self.ws.flush().await
    }
}

/// The longest header of an unmasked frame.
const MAX_HEADER: usize = 10;

/// The header of one whole, unmasked (server to client) text frame: FIN and
/// opcode 1, then the length in 7 bits, 16 bits or 64 bits (RFC 6455, 5.2).
fn text_frame_header(len: usize, out: &mut Vec<u8>) {
    out.push(0x81);
    match len {
        0..=125 => out.push(len as u8),
        126..=0xFFFF => {
            out.push(126);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            out.push(127);
            out.extend_from_slice(&(len as u64).to_be_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tungstenite::protocol::frame::FrameHeader;

    /// The library reads back what we write, whatever the length's encoding.
    #[test]
    fn headers_read_back_as_the_library_reads_them() {
        for len in [0usize, 1, 125, 126, 1025, 3031, 0xFFFF, 0x1_0000, 200_000] {
            let mut bytes = Vec::new();
            text_frame_header(len, &mut bytes);
            assert!(bytes.len() <= MAX_HEADER);
            let mut cursor = std::io::Cursor::new(bytes.as_slice());
            let (header, payload_len) = FrameHeader::parse(&mut cursor)
                .expect("parses")
                .expect("whole header");
            assert_eq!(payload_len, len as u64);
            assert!(header.is_final);
            assert_eq!(
                header.opcode,
                tungstenite::protocol::frame::coding::OpCode::Data(
                    tungstenite::protocol::frame::coding::Data::Text
                )
            );
            assert!(header.mask.is_none());
            assert_eq!(cursor.position() as usize, bytes.len());
        }
    }

    #[test]
    fn connection_tokens_are_a_list() {
        let mut headers = HeaderMap::new();
        headers.insert(CONNECTION, HeaderValue::from_static("keep-alive, Upgrade"));
        assert!(header_has_token(&headers, CONNECTION, "upgrade"));
        headers.insert(CONNECTION, HeaderValue::from_static("upgraded"));
        assert!(!header_has_token(&headers, CONNECTION, "upgrade"));
    }
}
