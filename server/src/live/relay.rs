//! The media host's side of a relayed audio offer (`media::cluster`): another
//! instance signs the offer of a socket it admitted; this one sets up the
//! peer in its own media, answers, and passes on what its media says about
//! the connection, until the relay closes, which drops the peer at once.

use super::hub::LiveHub;
use crate::media::cluster::{
    ANSWER_WITHIN, FromHost, RELAY_PING, RELAY_SILENT, RelayJoin, unix_now,
};
use crate::media::{AudioNotice, PeerGuard, read_offer};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use shared::live::audio::{AudioConnection, AudioRefusal};
use shared::live::limits::MAX_SDP_BYTES;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// A signed join is the offer, JSON-escaped (at worst six bytes for one, a
/// control character as `\u00XX`), and a few hundred bytes more.
const MAX_RELAY_MESSAGE: usize = 6 * MAX_SDP_BYTES + 4 * 1024;

/// A relayed peer's hold on its room: the room stays in memory, following
/// the meeting, while the peer lives.
struct Held {
    hub: Arc<LiveHub>,
    room: Arc<super::room::Room>,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.hub.release_room(&self.room);
    }
}

impl LiveHub {
    /// Completes the upgrade of a relay from another instance.
    pub fn relay(self: &Arc<Self>, ws: WebSocketUpgrade) -> Response {
        let hub = self.clone();
        ws.max_message_size(MAX_RELAY_MESSAGE)
            .max_frame_size(MAX_RELAY_MESSAGE)
            .on_upgrade(move |socket| hub.serve_relay(socket))
    }

    async fn serve_relay(self: Arc<Self>, mut socket: WebSocket) {
        let Some(media) = self.media.clone() else {
            return;
        };
        let Some(cluster) = media.cluster().cloned() else {
            tracing::warn!("audio relay refused: this instance has no --cluster-url");
            return;
        };
        let first = tokio::time::timeout(ANSWER_WITHIN, socket.recv()).await;
        let join = match first {
            Ok(Some(Ok(Message::Text(t)))) => serde_json::from_str::<RelayJoin>(&t).ok(),
            _ => None,
        };
        let Some(join) = join.filter(|j| cluster.verify(j, unix_now())) else {
            tracing::warn!("audio relay refused: not signed by an instance of this database");
            return;
        };
        let (tx, mut notices) = mpsc::unbounded_channel::<AudioNotice>();
        let joined = self.relayed_join(&join, &media, tx).await;
        let reply = match &joined {
            Ok((_, sdp, _)) => FromHost::Answer { sdp: sdp.clone() },
            Err(refusal) => FromHost::Refused { refusal: *refusal },
        };
        if !send(&mut socket, &reply).await {
            return;
        }
        let Ok((peer, _, _held)) = joined else {
            return;
        };
        let mut heard = Instant::now();
        let mut ping = tokio::time::interval(RELAY_PING);
        loop {
            tokio::select! {
                notice = notices.recv() => {
                    let Some(notice) = notice else { return };
                    if notice.peer != peer.id {
                        continue;
                    }
                    let lost = notice.connection == AudioConnection::Lost;
                    let word = FromHost::Notice { connection: notice.connection, route: notice.route };
                    if !send(&mut socket, &word).await || lost {
                        return;
                    }
                }
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                    Some(Ok(_)) => heard = Instant::now(),
                },
                _ = ping.tick() => {
                    if heard.elapsed() >= RELAY_SILENT {
                        return;
                    }
                    let ping = tokio::time::timeout(RELAY_PING, socket.send(Message::Ping(Default::default())));
                    if !matches!(ping.await, Ok(Ok(()))) {
                        return;
                    }
                }
            }
        }
        // Leaving drops `peer`: the media drops it at once, and `_held`.
    }

    /// Sets up the relayed peer in this instance's media: the meeting's room
    /// decides, as for a socket of its own.
    async fn relayed_join(
        self: &Arc<Self>,
        join: &RelayJoin,
        media: &crate::media::Media,
        tx: mpsc::UnboundedSender<AudioNotice>,
    ) -> Result<(PeerGuard, String, Held), AudioRefusal> {
        let offer = read_offer(&join.sdp)?;
        let meeting = match self.store.meeting(join.meeting).await {
            Ok(Some(m)) => m,
            Ok(None) => return Err(AudioRefusal::NotParticipant),
            Err(e) => {
                tracing::error!(error = %e, "relayed audio offer: meeting not read");
                return Err(AudioRefusal::Unavailable);
            }
        };
        let room = self.room(&meeting).await.map_err(|e| {
            tracing::error!(error = %e, "relayed audio offer: room not loaded");
            AudioRefusal::Unavailable
        })?;
        let held = Held {
            room: self.hold_room(room),
            hub: self.clone(),
        };
        let (id, answer) = held.room.audio_join(join.speaker, offer, tx).await?;
        let peer = PeerGuard::new(id, media.clone());
        let sdp = answer.await.map_err(|_| AudioRefusal::Unavailable)??;
        Ok((peer, sdp, held))
    }
}

async fn send(socket: &mut WebSocket, message: &FromHost) -> bool {
    let Ok(json) = serde_json::to_string(message) else {
        return false;
    };
    matches!(
        tokio::time::timeout(RELAY_PING, socket.send(Message::Text(json.into()))).await,
        Ok(Ok(()))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::cluster::RelayKey;
    use shared::MeetingId;
    use shared::live::state::Speaker;

    #[test]
    fn the_largest_offer_fits_a_relay_message_however_it_escapes() {
        let key = RelayKey::new("k");
        for byte in ["a", "\r\n", "\"", "\u{1}", "ư"] {
            let sdp: String = byte.repeat(MAX_SDP_BYTES / byte.len());
            let join = key.seal(
                MeetingId(i64::MAX),
                Speaker::Visitor(shared::AccountId(i64::MAX)),
                &sdp,
                i64::MIN,
            );
            let json = serde_json::to_string(&join).unwrap();
            assert!(json.len() <= MAX_RELAY_MESSAGE, "{byte:?}: {}", json.len());
        }
    }
}
