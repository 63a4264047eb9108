//! The meeting's audio: a selective forwarding unit (SFU) on one UDP port.
//!
//! One task (`sfu`) owns the socket and every peer's `str0m::Rtc`: nothing
//! else touches an `Rtc`, so a packet, a timer and a write never race, and a
//! peer exists before its answer leaves (the browser's first connectivity
//! check finds it). The server is ICE-lite: it advertises one host candidate
//! (the public address with `--media-public-ip`), answers checks and never
//! gathers. Who is forwarded comes from the live room
//! (`shared::live::audio::AudioRoute`), pushed here whenever it changes;
//! every other microphone's packets are dropped here, whatever a client sends.
//!
//! Signalling goes over the live WebSocket (`live::socket`): only a socket
//! the gate admitted gets a peer, and the peer ends with its socket. With
//! several instances, a meeting's audio runs on one of them (`cluster`).
//! Phones whose network blocks UDP reach the port through a TURN server
//! (`turn`), whose credentials each socket gets with its welcome.

pub mod cluster;
mod sfu;
mod turn;

pub use cluster::{Cluster, ClusterError, Host, RelayError};
pub use turn::{TurnConfig, TurnError};

use shared::live::audio::{AudioConnection, AudioRefusal, AudioRoute, Turn};
use shared::live::state::Speaker;
use shared::{AccountId, MeetingId};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use thiserror::Error;
use tokio::sync::{mpsc, oneshot};

/// The UDP port the media listens on when `--media-udp` gives none: beside
/// the HTTP address, on its IP. Not 3478, which a TURN server on the same
/// host would take.
pub const DEFAULT_MEDIA_PORT: u16 = 40000;

/// Where the media listens, and what it tells browsers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaConfig {
    /// The UDP address to bind (port 0: any free port, for tests).
    pub udp: SocketAddr,
    /// The address browsers send to, when the server sits behind 1:1 NAT.
    pub public_ip: Option<IpAddr>,
    /// Whether the address was asked for (`--media-udp`): then a port that
    /// cannot be bound stops the server; the default only costs the audio.
    pub required: bool,
    /// The TURN server browsers may relay through (`--turn-url`).
    pub turn: Option<TurnConfig>,
}

/// Why the media could not start.
#[derive(Debug, Error)]
pub enum MediaError {
    #[error("không mở được cổng UDP {addr} cho âm thanh cuộc họp: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("không khởi động được luồng âm thanh cuộc họp: {0}")]
    Thread(std::io::Error),
    #[error(
        "địa chỉ {0} không dùng được cho âm thanh cuộc họp (cần một địa chỉ IP cụ thể, không phải 0.0.0.0; dùng --media-public-ip)"
    )]
    Candidate(SocketAddr),
}

/// A peer: one socket's audio connection.
pub type PeerId = u64;

/// What the media tells a socket about its audio connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioNotice {
    pub peer: PeerId,
    pub connection: AudioConnection,
    pub route: AudioRoute,
}

/// Counts since the start, for `GET /api/live/stats`, tests and the bench.
#[derive(Debug, Default)]
struct Counters {
    peers: AtomicU64,
    received: AtomicU64,
    forwarded: AtomicU64,
    dropped: AtomicU64,
}

/// A snapshot of the counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct MediaStats {
    /// Peers now.
    pub peers: u64,
    /// Audio packets received from microphones.
    pub received: u64,
    /// Audio packets written to listeners.
    pub forwarded: u64,
    /// Audio packets from microphones nobody may hear, dropped.
    pub dropped: u64,
}

enum Cmd {
    Join {
        peer: PeerId,
        meeting: MeetingId,
        speaker: Speaker,
        offer: Box<str0m::change::SdpOffer>,
        route: AudioRoute,
        notices: mpsc::UnboundedSender<AudioNotice>,
        reply: oneshot::Sender<Result<String, AudioRefusal>>,
    },
    Leave {
        peer: PeerId,
    },
    Route {
        meeting: MeetingId,
        route: AudioRoute,
    },
}

/// The handle on the media task; cheap to clone.
#[derive(Clone)]
pub struct Media {
    tx: mpsc::UnboundedSender<Cmd>,
    /// The address in every answer's candidate.
    advertised: SocketAddr,
    turn: Option<Arc<TurnConfig>>,
    counters: Arc<Counters>,
    next_peer: Arc<AtomicU64>,
    /// Set when other instances share the database.
    cluster: Option<Arc<Cluster>>,
}

impl Media {
    /// Binds the UDP socket and starts the media task on a thread of its own.
    ///
    /// Its own thread with its own event loop: on the server's shared
    /// runtime the task hopped between workers, and each packet woke one
    /// (57,000 context switches a second at 10,000 packets in).
    pub async fn start(config: MediaConfig) -> Result<Media, MediaError> {
        let bind_error = |source| MediaError::Bind {
            addr: config.udp,
            source,
        };
        let socket = std::net::UdpSocket::bind(config.udp).map_err(bind_error)?;
        socket.set_nonblocking(true).map_err(bind_error)?;
        let bound = socket.local_addr().map_err(bind_error)?;
        let advertised = SocketAddr::new(config.public_ip.unwrap_or(bound.ip()), bound.port());
        if advertised.ip().is_unspecified() {
            return Err(MediaError::Candidate(advertised));
        }
        let candidate = str0m::Candidate::host(advertised, "udp")
            .map_err(|_| MediaError::Candidate(advertised))?;
        let (tx, rx) = mpsc::unbounded_channel();
        let counters = Arc::new(Counters::default());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(MediaError::Thread)?;
        let task_counters = counters.clone();
        std::thread::Builder::new()
            .name("chibo-media".into())
            .spawn(move || {
                runtime.block_on(async move {
                    // Registered with this thread's event loop, not the server's.
                    match tokio::net::UdpSocket::from_std(socket) {
                        Ok(socket) => {
                            sfu::run(socket, advertised, candidate, rx, task_counters).await;
                        }
                        Err(e) => tracing::error!(error = %e, "meeting audio socket"),
                    }
                });
            })
            .map_err(MediaError::Thread)?;
        tracing::info!(udp = %bound, advertised = %advertised, "meeting audio listening");
        if let Some(turn) = &config.turn {
            tracing::info!(urls = ?turn.urls(), relay_only = turn.relay_only(), "TURN for the meeting's audio");
        }
        Ok(Media {
            tx,
            advertised,
            turn: config.turn.map(Arc::new),
            counters,
            next_peer: Arc::new(AtomicU64::new(1)),
            cluster: None,
        })
    }

    /// Places meetings' audio among the instances sharing the database.
    pub fn set_cluster(&mut self, cluster: Cluster) {
        self.cluster = Some(Arc::new(cluster));
    }

    /// This instance's place among others, when it shares the database.
    pub fn cluster(&self) -> Option<&Arc<Cluster>> {
        self.cluster.as_ref()
    }

    /// A number for a new peer, here or relayed to another instance.
    pub fn new_peer_id(&self) -> PeerId {
        self.next_peer.fetch_add(1, Ordering::Relaxed)
    }

    /// The address browsers send their audio to.
    pub fn advertised(&self) -> SocketAddr {
        self.advertised
    }

    /// Fresh TURN credentials for an account, when there is a TURN server.
    pub fn turn_for(&self, account: AccountId) -> Option<Turn> {
        let now = chrono::Utc::now().timestamp();
        self.turn.as_ref().map(|t| t.credentials(account, now))
    }

    /// Sets up a peer for an offer (already read); the receiver gets the
    /// answer's SDP or the refusal. Commands keep their order: a route sent
    /// after this join reaches the task after it.
    pub fn join(
        &self,
        meeting: MeetingId,
        speaker: Speaker,
        offer: str0m::change::SdpOffer,
        route: AudioRoute,
        notices: mpsc::UnboundedSender<AudioNotice>,
    ) -> (PeerId, oneshot::Receiver<Result<String, AudioRefusal>>) {
        let peer = self.new_peer_id();
        let (reply, answer) = oneshot::channel();
        let sent = self.tx.send(Cmd::Join {
            peer,
            meeting,
            speaker,
            offer: Box::new(offer),
            route,
            notices,
            reply,
        });
        // A task gone drops the reply: the caller reads `Unavailable`.
        drop(sent);
        (peer, answer)
    }

    /// Drops a peer at once (its socket closed, or it sent a new offer).
    pub fn leave(&self, peer: PeerId) {
        let _ = self.tx.send(Cmd::Leave { peer });
    }

    /// Who a meeting's audio forwards from now on.
    pub fn route(&self, meeting: MeetingId, route: AudioRoute) {
        let _ = self.tx.send(Cmd::Route { meeting, route });
    }

    pub fn stats(&self) -> MediaStats {
        let c = &self.counters;
        MediaStats {
            peers: c.peers.load(Ordering::Relaxed),
            received: c.received.load(Ordering::Relaxed),
            forwarded: c.forwarded.load(Ordering::Relaxed),
            dropped: c.dropped.load(Ordering::Relaxed),
        }
    }
}

/// Reads a browser's offer; anything str0m cannot read is a typed refusal.
pub fn read_offer(sdp: &str) -> Result<str0m::change::SdpOffer, AudioRefusal> {
    if sdp.len() > shared::live::limits::MAX_SDP_BYTES {
        return Err(AudioRefusal::TooLarge);
    }
    str0m::change::SdpOffer::from_sdp_string(sdp).map_err(|_| AudioRefusal::BadOffer)
}

/// A socket's audio peer: dropped with the socket (or a new offer), it
/// leaves the media at once, here or on the meeting's media host.
pub struct PeerGuard {
    pub id: PeerId,
    end: PeerEnd,
}

enum PeerEnd {
    Here(Media),
    /// The relay to the host: aborting it closes the relay, and the host
    /// drops the peer.
    Relayed(tokio::task::JoinHandle<()>),
}

impl PeerGuard {
    pub fn new(id: PeerId, media: Media) -> PeerGuard {
        PeerGuard {
            id,
            end: PeerEnd::Here(media),
        }
    }

    pub fn relayed(id: PeerId, relay: tokio::task::JoinHandle<()>) -> PeerGuard {
        PeerGuard {
            id,
            end: PeerEnd::Relayed(relay),
        }
    }
}

impl Drop for PeerGuard {
    fn drop(&mut self) {
        match &self.end {
            PeerEnd::Here(media) => media.leave(self.id),
            PeerEnd::Relayed(relay) => relay.abort(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_that_are_not_sdp_are_refused_not_panicked_on() {
        for sdp in [
            "",
            "hello",
            "v=0\r\n",
            "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n",
            "\u{0}\u{ffff}m=audio",
        ] {
            assert_eq!(
                read_offer(sdp).err(),
                Some(AudioRefusal::BadOffer),
                "{sdp:?}"
            );
        }
        let big = "a".repeat(shared::live::limits::MAX_SDP_BYTES + 1);
        assert_eq!(read_offer(&big).err(), Some(AudioRefusal::TooLarge));
    }
}
