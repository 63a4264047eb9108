//! One participant's WebSocket: the hello, the commands, the broadcast, and
//! the limits that keep one participant from hurting the others (see
//! `shared::live::limits`).

use super::error::{Close, SocketError};
use super::hub::Membership;
use super::room::{Batch, Room};
use super::wire::{LiveSocket, LiveUpgrade};
use crate::media::cluster::unix_now;
use crate::media::{AudioNotice, Host, PeerGuard, RelayError, read_offer};
use axum::response::Response;
use shared::AccountId;
use shared::live::audio::AudioRefusal;
use shared::live::limits::{MESSAGES_PER_SEC, MIN_MS_BETWEEN_OFFERS, MIN_SECS_BETWEEN_HELLOS};
use shared::live::protocol::{
    BadMessage, ClientMessage, Deferral, MAX_CLIENT_MESSAGE_BYTES, PROTOCOL_VERSION, ServerMessage,
    decode_client,
};
use shared::live::state::{Command, Speaker};
use std::future::Future;
use std::time::Duration;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::{broadcast, mpsc, watch};
use tokio::time::Instant;
use tungstenite::Message;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::protocol::frame::CloseFrame;

const MAX_KEY_CHARS: usize = 100;
/// A socket that says nothing this long after connecting is closed.
const HELLO_TIMEOUT: Duration = Duration::from_secs(20);
/// Frames up to this size are read whole, so one a little over
/// `MAX_CLIENT_MESSAGE_BYTES` gets a proper close frame (1009); larger ones
/// are cut off as their header arrives.
const MAX_FRAME_READ: usize = 4 * MAX_CLIENT_MESSAGE_BYTES;
/// Frames queued up to this size wait for the flush; past it they are
/// written at once (a welcome with a long snapshot, a burst of batches).
const WRITE_COALESCE_BYTES: usize = 4 * 1024;
/// Broadcast batches taken from the room's channel for one write at most:
/// the socket goes back to reading its peer in between.
const MAX_BATCHES_PER_WRITE: usize = 16;

/// Who is on the other end of a socket.
pub struct Participant {
    pub speaker: Speaker,
    pub account: AccountId,
    /// The hash of the session's token: checked again when the account changes.
    pub session: Box<str>,
    /// The account's name, for a visitor only: the record names visitors by it.
    pub visitor_name: Option<Box<str>>,
}

/// Completes the upgrade with the socket's buffers and limits.
pub(super) fn upgrade<F, Fut>(ws: LiveUpgrade, run: F) -> Response
where
    F: FnOnce(LiveSocket) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let config = WebSocketConfig::default()
        // Small buffers: tens of thousands of phones stay connected at once.
        // Frames wait in the write buffer until the socket flushes (see
        // `deliver`), so what a socket has queued goes out in one write;
        // long messages go past it (`LiveSocket::feed_text`).
        .read_buffer_size(1024)
        .write_buffer_size(WRITE_COALESCE_BYTES)
        .max_write_buffer_size(1024 * 1024)
        .max_message_size(Some(MAX_FRAME_READ))
        .max_frame_size(Some(MAX_FRAME_READ));
    ws.on_upgrade(config, run)
}

/// A socket's connection-level state: when it was last heard from, and what
/// it has spent of its limits. A few dozen bytes, no task, no timer of its own.
struct Peer {
    /// Any frame counts, pongs included.
    last_heard: Instant,
    /// A ping went out since `last_heard`.
    pinged: bool,
    /// Messages in the current one-second window.
    window_start: Instant,
    in_window: u32,
    hellos: Spaced,
    offers: Spaced,
}

/// Something a socket may do at most once per interval (a hello, an audio offer).
struct Spaced {
    every: Duration,
    last: Option<Instant>,
}

impl Spaced {
    fn every(every: Duration) -> Spaced {
        Spaced { every, last: None }
    }

    /// Whether it may be done now; if so, counts it as done.
    fn allow(&mut self, now: Instant) -> bool {
        if self
            .last
            .is_some_and(|t| now.duration_since(t) < self.every)
        {
            return false;
        }
        self.last = Some(now);
        true
    }
}

impl Peer {
    fn new(now: Instant) -> Peer {
        Peer {
            last_heard: now,
            pinged: false,
            window_start: now,
            in_window: 0,
            hellos: Spaced::every(Duration::from_secs(MIN_SECS_BETWEEN_HELLOS.into())),
            offers: Spaced::every(Duration::from_millis(MIN_MS_BETWEEN_OFFERS.into())),
        }
    }

    /// Notes a frame; false when the peer is over `MESSAGES_PER_SEC`.
    fn heard(&mut self, now: Instant) -> bool {
        self.last_heard = now;
        self.pinged = false;
        if now.duration_since(self.window_start) >= Duration::from_secs(1) {
            self.window_start = now;
            self.in_window = 0;
        }
        self.in_window += 1;
        self.in_window <= MESSAGES_PER_SEC
    }

    /// Whether a hello may be answered now (one per `MIN_SECS_BETWEEN_HELLOS`).
    fn hello_allowed(&mut self, now: Instant) -> bool {
        self.hellos.allow(now)
    }

    /// Whether an audio offer may be taken now (one per `MIN_MS_BETWEEN_OFFERS`).
    fn offer_allowed(&mut self, now: Instant) -> bool {
        self.offers.allow(now)
    }
}

/// A socket's audio: its peer (dropped with the socket, which ends the peer
/// at once) and what the media tells it.
#[derive(Default)]
struct Audio {
    peer: Option<PeerGuard>,
    notices: Option<(
        mpsc::UnboundedSender<AudioNotice>,
        mpsc::UnboundedReceiver<AudioNotice>,
    )>,
}

impl Audio {
    /// The next word from the media about this socket's peers.
    async fn notice(&mut self) -> AudioNotice {
        match &mut self.notices {
            // The socket holds a sender: the channel never closes under it.
            Some((_, rx)) => match rx.recv().await {
                Some(n) => n,
                None => std::future::pending().await,
            },
            None => std::future::pending().await,
        }
    }

    /// Replaces the socket's audio connection with one for this offer.
    async fn offer(&mut self, room: &Room, speaker: Speaker, sdp: &str) -> ServerMessage {
        // The old connection ends first, whatever becomes of the new offer.
        self.peer = None;
        match self.connect(room, speaker, sdp).await {
            Ok(sdp) => ServerMessage::AudioAnswer { sdp },
            Err(reason) => ServerMessage::audio_refused(reason),
        }
    }

    async fn connect(
        &mut self,
        room: &Room,
        speaker: Speaker,
        sdp: &str,
    ) -> Result<String, AudioRefusal> {
        let media = room.media().ok_or(AudioRefusal::Unavailable)?.clone();
        let offer = read_offer(sdp)?;
        let tx = self
            .notices
            .get_or_insert_with(mpsc::unbounded_channel)
            .0
            .clone();
        if let Some(cluster) = media.cluster() {
            let meeting = room.meeting();
            let mut host = cluster.place(meeting).await?;
            // Once more after a take-over: another instance may have taken it first.
            for _ in 0..2 {
                let Host::There(url) = &host else { break };
                let id = media.new_peer_id();
                let join = cluster.seal(meeting, speaker, sdp, unix_now());
                match cluster.relay(url, &join, id, tx.clone()).await {
                    Ok((answer, relay)) => {
                        self.peer = Some(PeerGuard::relayed(id, relay));
                        return Ok(answer);
                    }
                    Err(RelayError::Refused(refusal)) => return Err(refusal),
                    Err(RelayError::Unreachable) => host = cluster.take_over(meeting, url).await?,
                }
            }
            if host != Host::Here {
                return Err(AudioRefusal::Unavailable);
            }
        }
        let (id, answer) = room.audio_join(speaker, offer, tx).await?;
        let guard = PeerGuard::new(id, media);
        let answer = answer.await.map_err(|_| AudioRefusal::Unavailable)??;
        self.peer = Some(guard);
        Ok(answer)
    }
}

/// How long a send may wait on the peer before it is taken as gone: a peer
/// that reads nothing for the silent-peer time would be closed anyway.
async fn send_within(socket: &mut LiveSocket, message: Message, limit: Duration) -> bool {
    matches!(
        tokio::time::timeout(limit, socket.send(message)).await,
        Ok(Ok(()))
    )
}

/// A message on its own (an error before closing): boxed, so its large
/// future is not part of every socket's task.
async fn send(socket: &mut LiveSocket, message: &ServerMessage, limit: Duration) -> bool {
    match serde_json::to_string(message) {
        Ok(json) => Box::pin(send_within(socket, Message::text(json), limit)).await,
        Err(_) => false,
    }
}

/// Sends `reply` (if any), then the broadcast batch `first` (if any) and the
/// batches already waiting in the room's channel, at most
/// `MAX_BATCHES_PER_WRITE`, in order: frames are queued and flushed once, so
/// a socket that fell a few batches behind catches up in one write, and a
/// command's answer and its events go out together. Batches up to
/// `sent_up_to` are skipped (the welcome had them), as is everything before
/// the hello. False when the socket must end: the send failed or took longer
/// than `limit`, or the room is gone.
async fn deliver(
    socket: &mut LiveSocket,
    reply: Option<&ServerMessage>,
    first: Option<Result<Batch, RecvError>>,
    (rx, room): (&mut broadcast::Receiver<Batch>, &Room),
    sent_up_to: &mut Option<u64>,
    limit: Duration,
) -> bool {
    let queue = async {
        if let Some(reply) = reply {
            let json = serde_json::to_string(reply).map_err(not_json)?;
            socket.feed_text(json.into()).await?;
        }
        let mut next = first;
        let mut taken = 0;
        loop {
            let batch = match next.take() {
                Some(batch) => batch,
                None if taken >= MAX_BATCHES_PER_WRITE => break,
                None => match rx.try_recv() {
                    Ok(batch) => Ok(batch),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Lagged(n)) => Err(RecvError::Lagged(n)),
                    Err(TryRecvError::Closed) => Err(RecvError::Closed),
                },
            };
            taken += 1;
            match batch {
                Ok(batch) => {
                    if sent_up_to.is_some_and(|s| batch.last_seq > s || batch.refresh) {
                        *sent_up_to = Some(batch.last_seq);
                        socket.feed_text(batch.json).await?;
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    // Too slow to keep up: a snapshot, not a disconnect, not a growing queue.
                    if sent_up_to.is_some() {
                        let (message, seq) = Box::pin(room.snapshot()).await;
                        *sent_up_to = Some(seq);
                        let json = serde_json::to_string(&message).map_err(not_json)?;
                        socket.feed_text(json.into()).await?;
                    }
                }
                Err(RecvError::Closed) => {
                    socket.flush().await?;
                    return Ok(false);
                }
            }
        }
        socket.flush().await?;
        Ok::<bool, tungstenite::Error>(true)
    };
    matches!(tokio::time::timeout(limit, queue).await, Ok(Ok(true)))
}

/// A message that does not serialize (it always does): the socket ends.
fn not_json(e: serde_json::Error) -> tungstenite::Error {
    tungstenite::Error::Io(std::io::Error::other(e))
}

/// Frames read (and dropped) at most while waiting for the peer's close frame.
const MAX_FRAMES_AFTER_CLOSE: usize = 64;
/// How long the peer has to answer a close frame.
const CLOSE_HANDSHAKE: Duration = Duration::from_secs(1);

/// Ends the connection with a close frame saying why, then waits a moment for
/// the peer's own close frame, dropping whatever else it sends meanwhile (none
/// of it is applied). Closing with unread data would reset the connection,
/// and the reset can overtake the close frame. Boxed, like `send`.
async fn close(socket: &mut LiveSocket, why: Close, limit: Duration) {
    Box::pin(close_within(socket, why, limit)).await;
}

async fn close_within(socket: &mut LiveSocket, why: Close, limit: Duration) {
    let frame = CloseFrame {
        code: why.code().into(),
        reason: why.reason().into(),
    };
    if !send_within(socket, Message::Close(Some(frame)), limit).await {
        return;
    }
    let _ = tokio::time::timeout(CLOSE_HANDSHAKE, async {
        for _ in 0..MAX_FRAMES_AFTER_CLOSE {
            match socket.recv().await {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
}

/// A read error that is a frame over the size limit.
fn too_big(e: &tungstenite::Error) -> bool {
    matches!(e, tungstenite::Error::Capacity(_))
}

/// One task per connected participant, alive for hours: the rare, large
/// futures (welcome, command, snapshot, ping, close) and the delivery of a
/// batch are boxed, so the task itself stays small (about 2.4 KiB).
pub(super) async fn run(
    mut socket: LiveSocket,
    membership: Membership,
    who: Participant,
    mut shutdown: watch::Receiver<bool>,
    (heartbeat, silent): (Duration, Duration),
) {
    let Membership { room, link, .. } = &membership;
    let Participant {
        speaker,
        account,
        visitor_name,
        ..
    } = who;
    let mut rx = room.subscribe();
    // Events up to here were sent in the welcome; later batches go out as they come.
    let mut sent_up_to: Option<u64> = None;
    let connected = Instant::now();
    let hello_deadline = connected + HELLO_TIMEOUT;
    let mut peer = Peer::new(connected);
    let mut audio = Audio::default();
    // One timer, moved to whichever comes first: the hello deadline, the next
    // heartbeat, the silent-peer limit. Frames do not move it; it checks when it fires.
    let timer = tokio::time::sleep_until(connected + heartbeat);
    tokio::pin!(timer);
    loop {
        tokio::select! {
            biased;
            () = link.woken() => {
                if let Some(why) = link.closing() {
                    // The audio ends now, not after the closing handshake.
                    audio.peer = None;
                    close(&mut socket, why, silent).await;
                    break;
                }
            }
            _ = shutdown.changed() => {
                let _ = send(&mut socket, &ServerMessage::error(SocketError::ShuttingDown), silent).await;
                close(&mut socket, Close::ShuttingDown, silent).await;
                break;
            }
            incoming = socket.recv() => {
                let now = Instant::now();
                let text = match incoming {
                    Some(Ok(message)) => {
                        if !peer.heard(now) {
                            close(&mut socket, Close::Flood, silent).await;
                            break;
                        }
                        match message {
                            Message::Text(t) => t,
                            Message::Binary(_) => {
                                if !send(&mut socket, &ServerMessage::error(BadMessage::NotText.into()), silent).await { break; }
                                continue;
                            }
                            Message::Close(_) => break,
                            // Heard, and that is all: the library answers pings itself.
                            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => continue,
                        }
                    }
                    Some(Err(e)) => {
                        // The rest of an over-large frame is still coming: no
                        // closing handshake, the close frame alone.
                        if too_big(&e) {
                            let frame = CloseFrame { code: Close::TooBig.code().into(), reason: Close::TooBig.reason().into() };
                            let _ = Box::pin(send_within(&mut socket, Message::Close(Some(frame)), silent)).await;
                        }
                        break;
                    }
                    None => break,
                };
                if text.len() > MAX_CLIENT_MESSAGE_BYTES {
                    close(&mut socket, Close::TooBig, silent).await;
                    break;
                }
                // Its rights ended while the message travelled: not applied.
                if let Some(why) = link.closing() {
                    audio.peer = None;
                    close(&mut socket, why, silent).await;
                    break;
                }
                let reply = match decode_client(text.as_str()) {
                    Err(problem) => ServerMessage::error(problem.into()),
                    Ok(ClientMessage::Ping) => ServerMessage::Pong,
                    Ok(ClientMessage::AudioOffer { sdp }) => {
                        if peer.offer_allowed(now) {
                            Box::pin(audio.offer(room, speaker, &sdp)).await
                        } else {
                            ServerMessage::audio_refused(AudioRefusal::TooSoon)
                        }
                    }
                    Ok(ClientMessage::AudioStop) => {
                        audio.peer = None;
                        continue;
                    }
                    Ok(ClientMessage::Hello { version, last_seq }) => {
                        if version != PROTOCOL_VERSION {
                            ServerMessage::error(SocketError::Version { version })
                        } else if !peer.hello_allowed(now) {
                            ServerMessage::error(SocketError::TooManyHellos)
                        } else {
                            let turn = room.media().and_then(|m| m.turn_for(account));
                            match Box::pin(room.welcome(speaker, last_seq, turn)).await {
                                Ok((message, seq)) => { sent_up_to = Some(seq); message }
                                Err(e) => {
                                    tracing::error!(error = %e, "welcome failed");
                                    close(&mut socket, Close::Internal, silent).await;
                                    break;
                                }
                            }
                        }
                    }
                    Ok(ClientMessage::Command { key, mut command }) => {
                        if let Command::VisitorArrives { name } = &mut command {
                            *name = visitor_name.as_deref().unwrap_or_default().to_string();
                        }
                        if sent_up_to.is_none() {
                            ServerMessage::error(SocketError::HelloFirst)
                        } else if key.is_empty() || key.chars().count() > MAX_KEY_CHARS {
                            ServerMessage::error(SocketError::BadKey)
                        } else if !room.allow_command(account) {
                            // Not a rule's refusal: kept by the app and sent again later.
                            ServerMessage::deferred(key, Deferral::TooFast)
                        } else {
                            Box::pin(room.command(speaker, account, key, command)).await
                        }
                    }
                };
                if !Box::pin(deliver(&mut socket, Some(&reply), None, (&mut rx, room), &mut sent_up_to, silent)).await { break; }
            }
            batch = rx.recv() => {
                if !Box::pin(deliver(&mut socket, None, Some(batch), (&mut rx, room), &mut sent_up_to, silent)).await { break; }
            }
            notice = audio.notice() => {
                // Words about a peer this socket already replaced are stale.
                if audio.peer.as_ref().is_some_and(|p| p.id == notice.peer) {
                    if notice.connection == shared::live::audio::AudioConnection::Lost {
                        audio.peer = None;
                    }
                    let message = ServerMessage::Audio { connection: notice.connection, route: notice.route };
                    if !send(&mut socket, &message, silent).await { break; }
                }
            }
            () = &mut timer => {
                let now = Instant::now();
                if sent_up_to.is_none() && now >= hello_deadline {
                    let _ = send(&mut socket, &ServerMessage::error(SocketError::HelloTimeout), silent).await;
                    close(&mut socket, Close::Silent, silent).await;
                    break;
                }
                if now.duration_since(peer.last_heard) >= silent {
                    close(&mut socket, Close::Silent, silent).await;
                    break;
                }
                if !peer.pinged && now.duration_since(peer.last_heard) >= heartbeat {
                    if !Box::pin(send_within(&mut socket, Message::Ping(Default::default()), silent)).await { break; }
                    peer.pinged = true;
                }
                let mut next = peer.last_heard + if peer.pinged { silent } else { heartbeat };
                if sent_up_to.is_none() {
                    next = next.min(hello_deadline);
                }
                timer.as_mut().reset(next);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peer_is_held_to_its_message_rate_and_hello_rate() {
        let start = Instant::now();
        let mut peer = Peer::new(start);
        let within = (0..MESSAGES_PER_SEC + 5)
            .filter(|_| peer.heard(start))
            .count();
        assert_eq!(within, MESSAGES_PER_SEC as usize);
        // A new second, a new allowance.
        assert!(peer.heard(start + Duration::from_millis(1001)));

        assert!(peer.hello_allowed(start));
        assert!(!peer.hello_allowed(start + Duration::from_millis(500)));
        let later = start + Duration::from_secs(MIN_SECS_BETWEEN_HELLOS.into());
        assert!(peer.hello_allowed(later));

        // Offers have their own spacing, apart from hellos.
        let offer_gap = Duration::from_millis(u64::from(MIN_MS_BETWEEN_OFFERS));
        assert!(peer.offer_allowed(start));
        assert!(!peer.offer_allowed(start + offer_gap - Duration::from_millis(1)));
        assert!(peer.offer_allowed(start + offer_gap));
    }
}
