//! The media task: the UDP socket, every peer's `Rtc`, the forwarding.
//!
//! str0m's rule: after each `handle_input` or write, an `Rtc` is drained
//! (`poll_output` until a timeout) before it is touched again. So a packet a
//! peer's drain yields is queued, and written to each listener afterwards,
//! each listener drained right after its write.

use super::{AudioNotice, Cmd, Counters, PeerId};
use shared::MeetingId;
use shared::live::audio::{AudioConnection, AudioRefusal, AudioRoute, Slot};
use shared::live::limits::AUDIO_CONNECT_SECS;
use shared::live::state::Speaker;
use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use str0m::media::{Direction, MediaData, MediaKind, MediaTime, Mid};
use str0m::net::{Protocol, Receive};
use str0m::rtp::Extension;
use str0m::{Candidate, Event, IceConnectionState, Input, Output, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

/// Larger than any datagram a browser sends (their MTU is about 1200).
const RECEIVE_BUFFER: usize = 2048;
/// How often peers that never connected are looked for.
const SWEEP: Duration = Duration::from_secs(1);
/// Datagrams read in a row before timers and commands get their turn.
const RECEIVE_BATCH: usize = 64;

struct Peer {
    meeting: MeetingId,
    speaker: Speaker,
    rtc: Rtc,
    /// When str0m next wants `Input::Timeout`.
    deadline: Instant,
    created: Instant,
    connected: bool,
    /// The offer's send-only section: the microphone (receive-only here).
    mic: Option<Mid>,
    /// The offer's receive-only sections, in order: slot 0, slot 1.
    slots: [Option<Mid>; 2],
    /// Addresses packets came from, to find the peer without asking every `Rtc`.
    sources: Vec<SocketAddr>,
    notices: mpsc::UnboundedSender<AudioNotice>,
}

/// Where a slot's outgoing RTP time stands. Every listener gets the same
/// times; str0m numbers each listener's packets itself.
#[derive(Default)]
struct SlotClock {
    /// The peer whose microphone the slot carries now.
    source: Option<PeerId>,
    /// Added to the source's RTP time.
    offset: i64,
    /// The last time written, and when.
    last: Option<(u64, Instant)>,
}

impl SlotClock {
    /// The outgoing RTP time of a packet, and whether it starts a new voice
    /// in the slot. A new source continues where the last one stopped, plus
    /// the wall-clock gap (at least one 20 ms frame): the listener's jitter
    /// buffer sees a pause, not a jump.
    fn place(&mut self, source: PeerId, time: MediaTime, now: Instant) -> (u64, bool) {
        let rate = u64::from(time.denom());
        let input = i64::try_from(time.numer()).unwrap_or(i64::MAX);
        let switched = self.source != Some(source);
        if switched {
            self.source = Some(source);
            self.offset = match self.last {
                Some((out, at)) => {
                    let gap =
                        (now.saturating_duration_since(at).as_secs_f64() * rate as f64) as u64;
                    let next = out.saturating_add(gap.max(rate / 50));
                    i64::try_from(next)
                        .unwrap_or(i64::MAX)
                        .saturating_sub(input)
                }
                None => 0,
            };
        }
        let out = u64::try_from(input.saturating_add(self.offset).max(0)).unwrap_or(0);
        self.last = Some((out, now));
        (out, switched)
    }
}

struct MeetingMedia {
    route: AudioRoute,
    peers: Vec<PeerId>,
    clocks: [SlotClock; 2],
}

struct Sfu {
    socket: UdpSocket,
    advertised: SocketAddr,
    candidate: Candidate,
    crypto: Arc<str0m::config::CryptoProvider>,
    peers: HashMap<PeerId, Peer>,
    meetings: HashMap<MeetingId, MeetingMedia>,
    /// Peers by the address their packets come from.
    by_source: HashMap<SocketAddr, PeerId>,
    /// Peers by deadline, soonest first.
    timers: BTreeSet<(Instant, PeerId)>,
    counters: Arc<Counters>,
    /// Microphone packets waiting to be forwarded.
    queue: Vec<(PeerId, MediaData)>,
}

pub(super) async fn run(
    socket: UdpSocket,
    advertised: SocketAddr,
    candidate: Candidate,
    mut commands: mpsc::UnboundedReceiver<Cmd>,
    counters: Arc<Counters>,
) {
    let mut sfu = Sfu {
        socket,
        advertised,
        candidate,
        crypto: Arc::new(str0m::crypto::from_feature_flags()),
        peers: HashMap::new(),
        meetings: HashMap::new(),
        by_source: HashMap::new(),
        timers: BTreeSet::new(),
        counters,
        queue: Vec::new(),
    };
    let mut buf = vec![0u8; RECEIVE_BUFFER];
    let mut sweep = tokio::time::interval(SWEEP);
    sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let timer = tokio::time::sleep(SWEEP);
    tokio::pin!(timer);
    loop {
        let next = sfu
            .timers
            .first()
            .map_or_else(|| Instant::now() + SWEEP, |(t, _)| *t);
        let next = tokio::time::Instant::from_std(next);
        if timer.deadline() != next {
            timer.as_mut().reset(next);
        }
        tokio::select! {
            ready = sfu.socket.readable() => match ready {
                Ok(()) => sfu.receive_ready(&mut buf),
                Err(e) => tracing::debug!(error = %e, "audio socket readiness"),
            },
            command = commands.recv() => match command {
                Some(command) => sfu.command(command),
                // Every handle is gone: the server is stopping.
                None => return,
            },
            () = &mut timer => sfu.timeouts(),
            _ = sweep.tick() => sfu.sweep(),
        }
    }
}

impl Sfu {
    fn command(&mut self, command: Cmd) {
        match command {
            Cmd::Join {
                peer,
                meeting,
                speaker,
                offer,
                route,
                notices,
                reply,
            } => {
                let answer = self.join(peer, meeting, speaker, *offer, route, notices);
                if let Err(AudioRefusal::BadOffer) = answer {
                    tracing::debug!(%meeting, "audio offer refused");
                }
                // The socket gave up waiting: its guard removes the peer.
                let _ = reply.send(answer);
            }
            Cmd::Leave { peer } => self.remove(peer, None),
            Cmd::Route { meeting, route } => {
                if let Some(m) = self.meetings.get_mut(&meeting)
                    && m.route != route
                {
                    m.route = route;
                    for id in &m.peers {
                        if let Some(p) = self.peers.get(id) {
                            notify(p, *id, route);
                        }
                    }
                }
            }
        }
    }

    fn join(
        &mut self,
        id: PeerId,
        meeting: MeetingId,
        speaker: Speaker,
        offer: str0m::change::SdpOffer,
        route: AudioRoute,
        notices: mpsc::UnboundedSender<AudioNotice>,
    ) -> Result<String, AudioRefusal> {
        let now = Instant::now();
        let mut rtc = Rtc::builder()
            .set_ice_lite(true)
            .set_crypto_provider(self.crypto.clone())
            .clear_codecs()
            // RED: each packet carries the one before, for weak downlinks.
            .enable_opus(true, true)
            // Forward each frame as it comes; str0m's default holds frames
            // back up to 15 packets (300 ms) behind a gap, which stalled the
            // listeners' audio for 300 ms a few times a minute. Reordering
            // and loss are the listener's jitter buffer's job.
            .set_reordering_size_audio(0)
            // The level for the speaker indicator and the MID for BUNDLE;
            // no transport-wide congestion control: audio at a fixed rate
            // needs no bandwidth estimate, and its feedback was a packet
            // back from every listener every 100 ms.
            .clear_extension_map()
            .set_extension(1, Extension::AudioLevel)
            .set_extension(4, Extension::RtpMid)
            .build(now);
        rtc.add_local_candidate(self.candidate.clone());
        let answer = rtc
            .sdp_api()
            .accept_offer(offer)
            .map_err(|_| AudioRefusal::BadOffer)?;
        let mut peer = Peer {
            meeting,
            speaker,
            rtc,
            deadline: now,
            created: now,
            connected: false,
            mic: None,
            slots: [None; 2],
            sources: Vec::new(),
            notices,
        };
        // The offer's sections come out later, as `MediaAdded`.
        let mut queue = Vec::new();
        if !drain(id, &mut peer, &self.socket, &mut queue) {
            return Err(AudioRefusal::BadOffer);
        }
        let m = self
            .meetings
            .entry(meeting)
            .or_insert_with(|| MeetingMedia {
                route,
                peers: Vec::new(),
                clocks: Default::default(),
            });
        // The room's word at the join is as fresh as any.
        m.route = route;
        m.peers.push(id);
        notify(&peer, id, route);
        self.timers.insert((peer.deadline, id));
        self.peers.insert(id, peer);
        self.counters.peers.fetch_add(1, Ordering::Relaxed);
        Ok(answer.to_sdp_string())
    }

    /// Removes a peer; `lost` tells its socket the connection ended.
    fn remove(&mut self, id: PeerId, lost: Option<()>) {
        let Some(mut peer) = self.peers.remove(&id) else {
            return;
        };
        self.counters.peers.fetch_sub(1, Ordering::Relaxed);
        self.timers.remove(&(peer.deadline, id));
        for s in &peer.sources {
            if self.by_source.get(s) == Some(&id) {
                self.by_source.remove(s);
            }
        }
        if let Some(m) = self.meetings.get_mut(&peer.meeting) {
            m.peers.retain(|p| *p != id);
            if m.peers.is_empty() {
                self.meetings.remove(&peer.meeting);
            } else if lost.is_some() {
                let _ = peer.notices.send(AudioNotice {
                    peer: id,
                    connection: AudioConnection::Lost,
                    route: m.route,
                });
            }
        }
        // DTLS close_notify: the browser learns at once, not after 15 s.
        let _ = peer.rtc.close();
        let mut ignored = Vec::new();
        drain(id, &mut peer, &self.socket, &mut ignored);
    }

    /// Reads what the socket holds, up to a batch: one wake-up for many
    /// datagrams when the load rises.
    fn receive_ready(&mut self, buf: &mut [u8]) {
        for _ in 0..RECEIVE_BATCH {
            match self.socket.try_recv_from(buf) {
                Ok((n, source)) => self.receive(&buf[..n], source),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return,
                // ICMP errors surface here on some systems: not the socket's end.
                Err(e) => tracing::debug!(error = %e, "audio socket receive"),
            }
        }
    }

    fn receive(&mut self, datagram: &[u8], source: SocketAddr) {
        let now = Instant::now();
        let Ok(contents) = datagram.try_into() else {
            return;
        };
        let input = Input::Receive(
            now,
            Receive {
                proto: Protocol::Udp,
                source,
                destination: self.advertised,
                contents,
            },
        );
        let known = self
            .by_source
            .get(&source)
            .copied()
            .filter(|id| self.peers.get(id).is_some_and(|p| p.rtc.accepts(&input)));
        let found = known.or_else(|| {
            self.peers
                .iter()
                .find(|(_, p)| p.rtc.accepts(&input))
                .map(|(id, _)| *id)
        });
        let Some(id) = found else {
            return;
        };
        let Some(peer) = self.peers.get_mut(&id) else {
            return;
        };
        if known.is_none() {
            self.by_source.insert(source, id);
            peer.sources.push(source);
        }
        if let Err(e) = peer.rtc.handle_input(input) {
            tracing::debug!(peer = id, error = %e, "audio input refused");
        }
        self.after_touch(id);
        self.forward_queued(now);
    }

    fn timeouts(&mut self) {
        let now = Instant::now();
        // Each due peer once, even if it asks again for a time already past.
        let due: Vec<PeerId> = self
            .timers
            .iter()
            .take_while(|(at, _)| *at <= now)
            .map(|(_, id)| *id)
            .collect();
        for id in due {
            if let Some(peer) = self.peers.get_mut(&id) {
                if let Err(e) = peer.rtc.handle_input(Input::Timeout(now)) {
                    tracing::debug!(peer = id, error = %e, "audio timeout");
                }
                self.after_touch(id);
            }
        }
        self.forward_queued(now);
    }

    /// Drops peers that never connected.
    fn sweep(&mut self) {
        let limit = Duration::from_secs(AUDIO_CONNECT_SECS.into());
        let stale: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(_, p)| !p.connected && p.created.elapsed() >= limit)
            .map(|(id, _)| *id)
            .collect();
        for id in stale {
            self.remove(id, Some(()));
        }
    }

    /// Drains a peer just touched, files its next deadline, and removes it if
    /// its connection ended.
    fn after_touch(&mut self, id: PeerId) {
        let Some(peer) = self.peers.get_mut(&id) else {
            return;
        };
        let was_connected = peer.connected;
        let before = peer.deadline;
        let alive = drain(id, peer, &self.socket, &mut self.queue);
        if peer.connected && !was_connected {
            let route = self
                .meetings
                .get(&peer.meeting)
                .map(|m| m.route)
                .unwrap_or_default();
            notify(peer, id, route);
        }
        let after = peer.deadline;
        if before != after {
            self.timers.remove(&(before, id));
            self.timers.insert((after, id));
        }
        if !alive {
            self.remove(id, Some(()));
        }
    }

    /// Writes each queued microphone packet to the listeners of its slot;
    /// a packet no rule forwards is dropped here.
    fn forward_queued(&mut self, now: Instant) {
        while !self.queue.is_empty() {
            let batch = std::mem::take(&mut self.queue);
            for (from, data) in batch {
                self.forward(from, &data, now);
            }
        }
    }

    fn forward(&mut self, from: PeerId, data: &MediaData, now: Instant) {
        self.counters.received.fetch_add(1, Ordering::Relaxed);
        let Some(sender) = self.peers.get(&from) else {
            return;
        };
        let Some(m) = self.meetings.get_mut(&sender.meeting) else {
            return;
        };
        let Some(slot) = m.route.slot_of(sender.speaker) else {
            self.counters.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        };
        let (out, switched) = m.clocks[slot.index()].place(from, data.time, now);
        let time = MediaTime::new(out, data.time.frequency());
        let mut written = 0;
        let mut touched = Vec::with_capacity(m.peers.len());
        for &id in &m.peers {
            let Some(listener) = self.peers.get_mut(&id) else {
                continue;
            };
            // Never one's own voice back, on any of one's devices.
            if !listener.connected || m.route.heard_by(listener.speaker, slot).is_none() {
                continue;
            }
            if write(listener, slot, data, time, switched) {
                written += 1;
                touched.push(id);
            }
        }
        self.counters
            .forwarded
            .fetch_add(written, Ordering::Relaxed);
        for id in touched {
            self.after_touch(id);
        }
    }
}

/// Writes one packet into a listener's slot. False when the listener has no
/// such slot or did not negotiate the codec.
fn write(
    listener: &mut Peer,
    slot: Slot,
    data: &MediaData,
    time: MediaTime,
    switched: bool,
) -> bool {
    let Some(mid) = listener.slots[slot.index()] else {
        return false;
    };
    let Some(writer) = listener.rtc.writer(mid) else {
        return false;
    };
    let Some(pt) = writer.match_params(data.params) else {
        return false;
    };
    let mut writer = writer.start_of_talkspurt(switched);
    if let (Some(level), Some(voice)) = (data.ext_vals.audio_level, data.ext_vals.voice_activity) {
        writer = writer.audio_level(level, voice);
    }
    writer
        .write(pt, data.network_time, time, data.data.clone())
        .is_ok()
}

fn notify(peer: &Peer, id: PeerId, route: AudioRoute) {
    let connection = if peer.connected {
        AudioConnection::Connected
    } else {
        AudioConnection::Connecting
    };
    let _ = peer.notices.send(AudioNotice {
        peer: id,
        connection,
        route,
    });
}

/// Polls a peer's `Rtc` until it asks for a timeout: datagrams go out,
/// microphone packets are queued. False once the connection has ended.
fn drain(
    id: PeerId,
    peer: &mut Peer,
    socket: &UdpSocket,
    queue: &mut Vec<(PeerId, MediaData)>,
) -> bool {
    loop {
        match peer.rtc.poll_output() {
            Ok(Output::Timeout(at)) => {
                peer.deadline = at;
                return peer.rtc.is_alive();
            }
            Ok(Output::Transmit(t)) => {
                // UDP: a full send buffer loses the datagram, as the network would.
                let _ = socket.try_send_to(&t.contents, t.destination);
            }
            Ok(Output::Event(event)) => match event {
                Event::Connected => peer.connected = true,
                Event::IceConnectionStateChange(IceConnectionState::Disconnected) => return false,
                Event::MediaAdded(added) if added.kind == MediaKind::Audio => {
                    // Directions are str0m's own: what the browser sends is
                    // received here.
                    match added.direction {
                        Direction::RecvOnly | Direction::SendRecv if peer.mic.is_none() => {
                            peer.mic = Some(added.mid);
                        }
                        Direction::SendOnly => {
                            if let Some(free) = peer.slots.iter_mut().find(|s| s.is_none()) {
                                *free = Some(added.mid);
                            }
                        }
                        _ => {}
                    }
                }
                Event::MediaData(data) if Some(data.mid) == peer.mic => {
                    queue.push((id, data));
                }
                _ => {}
            },
            Err(e) => {
                tracing::debug!(peer = id, error = %e, "audio connection failed");
                return false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use str0m::media::Frequency;

    #[test]
    fn a_new_voice_continues_the_slot_s_time_after_the_pause() {
        let mut clock = SlotClock::default();
        let start = Instant::now();
        let rate = Frequency::FORTY_EIGHT_KHZ;
        // The first source keeps its own times.
        let (out, switched) = clock.place(1, MediaTime::new(1_000_000, rate), start);
        assert_eq!((out, switched), (1_000_000, true));
        let (out, switched) = clock.place(
            1,
            MediaTime::new(1_000_960, rate),
            start + Duration::from_millis(20),
        );
        assert_eq!((out, switched), (1_000_960, false));
        // Another speaker, 500 ms later, far away in its own RTP time.
        let later = start + Duration::from_millis(520);
        let (out, switched) = clock.place(2, MediaTime::new(7_000_000_000, rate), later);
        assert!(switched);
        assert_eq!(out, 1_000_960 + 24_000);
        let (next, switched) = clock.place(
            2,
            MediaTime::new(7_000_000_960, rate),
            later + Duration::from_millis(20),
        );
        assert_eq!((next, switched), (out + 960, false));
        // Back to the first, at once: at least one frame on.
        let (back, switched) = clock.place(
            1,
            MediaTime::new(1_000_960, rate),
            later + Duration::from_millis(20),
        );
        assert!(switched);
        assert_eq!(back, next + 960);
    }
}
