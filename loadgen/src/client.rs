//! One participant: its WebSocket, what it reads, and its reconnection. A
//! socket that closes is opened again as the app does: after
//! `reconnect_delay_ms` (exponential, with jitter), on the next instance when
//! there are several (as a load balancer would route around a dead one), with
//! `hello {last_seq}` so that the server sends the events missed.

use crate::sys::now_ns;
use futures_util::{SinkExt, StreamExt};
use shared::live::limits::reconnect_delay_ms;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// One meeting's latency record: for each of the chair's actions, when it was
/// sent, when the last participant read it, and how many read it; and the
/// last event each participant applied.
pub struct MeetingLog {
    pub size: u32,
    /// The sequence number before the first measured action; `u64::MAX` until known.
    pub base: AtomicU64,
    pub sent: Box<[AtomicU64]>,
    pub received_last: Box<[AtomicU64]>,
    pub received_by: Box<[AtomicU32]>,
    /// Per participant (the chair first): the last event applied.
    pub last_seen: Box<[AtomicU64]>,
}

impl MeetingLog {
    pub fn new(size: usize, actions: usize) -> MeetingLog {
        let zeros = |n| (0..n).map(|_| AtomicU64::new(0)).collect();
        MeetingLog {
            size: size as u32,
            base: AtomicU64::new(u64::MAX),
            sent: zeros(actions),
            received_last: zeros(actions),
            received_by: (0..actions).map(|_| AtomicU32::new(0)).collect(),
            last_seen: zeros(size),
        }
    }

    pub fn received(&self, seq: u64, at: u64) {
        let base = self.base.load(Ordering::Acquire);
        if base == u64::MAX || seq <= base {
            return;
        }
        let i = (seq - base - 1) as usize;
        if i < self.sent.len() {
            self.received_last[i].fetch_max(at, Ordering::Relaxed);
            self.received_by[i].fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[derive(Default)]
pub struct Totals {
    pub messages: AtomicU64,
    pub snapshots: AtomicU64,
    pub deferred: AtomicU64,
    pub errors: AtomicU64,
    /// Sockets that closed while the run went on.
    pub disconnects: AtomicU64,
    pub reconnects: AtomicU64,
    /// Reconnections answered with a whole state rather than the events missed.
    pub resumed_by_snapshot: AtomicU64,
    /// Events skipped over (a gap in the numbers one socket read).
    pub lost: AtomicU64,
    /// Events read again or after a later one.
    pub out_of_order: AtomicU64,
    /// Participants connected now.
    pub connected: AtomicI64,
    /// Set at the end: sockets that close then are not opened again.
    pub stopping: AtomicBool,
}

/// The events one participant applied, as the app applies them: each must be
/// the next number; a gap is counted as lost (the app would reconnect), an
/// old number as out of order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Sequence {
    pub last: Option<u64>,
    pub lost: u64,
    pub out_of_order: u64,
}

impl Sequence {
    /// A `welcome`: a snapshot (its `seq`) replaces what was applied; the
    /// events that follow continue it.
    pub fn welcome(&mut self, snapshot: Option<u64>, events: &[u64]) {
        if let Some(seq) = snapshot {
            self.last = Some(seq);
        }
        for &seq in events {
            self.event(seq);
        }
    }

    pub fn event(&mut self, seq: u64) {
        match self.last {
            Some(last) if seq <= last => self.out_of_order += 1,
            Some(last) => {
                self.lost += seq - last - 1;
                self.last = Some(seq);
            }
            // An event before any welcome: nothing to compare it with.
            None => self.last = Some(seq),
        }
    }
}

/// The numbers after each `"seq":` in a message. In serde's JSON a key cannot
/// occur inside a string (quotes are escaped), and no event has a `seq` field.
pub fn seqs(text: &str) -> impl Iterator<Item = u64> + '_ {
    text.match_indices("\"seq\":").filter_map(|(i, k)| {
        let digits = &text[i + k.len()..];
        let end = digits
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(digits.len());
        digits[..end].parse().ok()
    })
}

/// A `welcome`'s snapshot `seq` (if it has one) and its events' numbers.
pub fn welcome_seqs(text: &str) -> Result<(Option<u64>, Vec<u64>), String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("unreadable welcome: {e}"))?;
    let snapshot = v["snapshot"]["seq"].as_u64();
    let events = v["events"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["seq"].as_u64()).collect())
        .unwrap_or_default();
    Ok((snapshot, events))
}

/// What the chair's socket tells its driver.
#[derive(Debug)]
pub enum Answer {
    Accepted(u64),
    /// Neither stored nor refused (the command rate, or a transient fault), or
    /// the socket closed before the answer: sent again with the same key, as
    /// the app does.
    Deferred,
    Refused(String),
}

/// Opens one participant's socket and waits for the welcome (returned).
pub async fn connect(
    url: &str,
    token: &str,
    last_seq: Option<u64>,
) -> Result<(Ws, String), String> {
    let mut req = url.into_client_request().map_err(|e| e.to_string())?;
    req.headers_mut().insert(
        "cookie",
        format!("{}={token}", server::auth::SESSION_COOKIE)
            .parse()
            .map_err(|e| format!("{e}"))?,
    );
    // Small buffers, as the server's: tens of thousands of these live in one process.
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0);
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(req, Some(config), true)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let last = last_seq.map_or("null".to_string(), |s| s.to_string());
    ws.send(Message::text(format!(
        r#"{{"type":"hello","version":1,"last_seq":{last}}}"#
    )))
    .await
    .map_err(|e| format!("hello: {e}"))?;
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) if t.starts_with(r#"{"type":"welcome""#) => {
                return Ok((ws, t.as_str().to_string()));
            }
            Some(Ok(Message::Text(t))) if t.starts_with(r#"{"type":"error""#) => {
                return Err(format!("hello answered with {t}"));
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(format!("waiting for welcome: {e}")),
            None => return Err("closed before the welcome".into()),
        }
    }
}

/// A small, fast generator for the jitter (splitmix64): no shared state, no
/// system randomness needed per participant.
pub struct Jitter(u64);

impl Jitter {
    pub fn new(seed: u64) -> Jitter {
        Jitter(seed ^ now_ns())
    }

    pub fn next_u32(&mut self) -> u32 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 32) as u32
    }
}

/// One participant, connected, until the run stops.
pub struct Participant {
    /// The meeting's live URL on each instance.
    pub urls: Arc<[Arc<str>]>,
    /// The instance it is connected to.
    pub instance: usize,
    pub token: String,
    pub log: Arc<MeetingLog>,
    /// Its place in the meeting (0: the chair).
    pub index: usize,
    pub totals: Arc<Totals>,
    pub seq: Sequence,
    /// The chair's: commands to send, and where the answers go.
    pub commands: Option<mpsc::UnboundedReceiver<String>>,
    pub answers: Option<mpsc::UnboundedSender<Answer>>,
}

impl Participant {
    /// Takes the welcome of the first connection.
    pub fn welcomed(&mut self, welcome: &str) -> Result<(), String> {
        let (snapshot, events) = welcome_seqs(welcome)?;
        let before = self.seq.clone();
        self.seq.welcome(snapshot, &events);
        if snapshot.is_some() && before.last.is_some() {
            self.totals
                .resumed_by_snapshot
                .fetch_add(1, Ordering::Relaxed);
        }
        self.account(&before);
        Ok(())
    }

    /// Adds what changed since `before` to the totals.
    fn account(&self, before: &Sequence) {
        let lost = self.seq.lost - before.lost;
        let late = self.seq.out_of_order - before.out_of_order;
        if lost > 0 {
            self.totals.lost.fetch_add(lost, Ordering::Relaxed);
        }
        if late > 0 {
            self.totals.out_of_order.fetch_add(late, Ordering::Relaxed);
        }
        if let Some(last) = self.seq.last {
            self.log.last_seen[self.index].store(last, Ordering::Relaxed);
        }
    }

    /// Reads (and, for the chair, sends) until the socket closes, then
    /// reconnects, until the run stops.
    pub async fn run(mut self, mut ws: Ws) {
        self.totals.connected.fetch_add(1, Ordering::Relaxed);
        let mut jitter = Jitter::new(self.index as u64 ^ (Arc::as_ptr(&self.log) as u64));
        loop {
            self.session(&mut ws).await;
            self.totals.connected.fetch_sub(1, Ordering::Relaxed);
            if self.totals.stopping.load(Ordering::Acquire) {
                return;
            }
            self.totals.disconnects.fetch_add(1, Ordering::Relaxed);
            let mut attempt = 0u32;
            ws = loop {
                let wait = reconnect_delay_ms(attempt, jitter.next_u32());
                tokio::time::sleep(Duration::from_millis(u64::from(wait))).await;
                if self.totals.stopping.load(Ordering::Acquire) {
                    return;
                }
                self.instance = (self.instance + 1) % self.urls.len();
                let url = self.urls[self.instance].clone();
                match connect(&url, &self.token, self.seq.last).await {
                    Ok((ws, welcome)) => match self.welcomed(&welcome) {
                        Ok(()) => break ws,
                        Err(_) => attempt += 1,
                    },
                    Err(_) => attempt += 1,
                }
            };
            self.totals.reconnects.fetch_add(1, Ordering::Relaxed);
            self.totals.connected.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// One connection's life.
    async fn session(&mut self, ws: &mut Ws) {
        let mut in_flight = false;
        loop {
            let command = async {
                match self.commands.as_mut() {
                    Some(c) => c.recv().await,
                    None => std::future::pending().await,
                }
            };
            let msg = tokio::select! {
                msg = ws.next() => msg,
                Some(text) = command => {
                    in_flight = true;
                    if ws.send(Message::text(text)).await.is_err() {
                        break;
                    }
                    continue;
                }
            };
            let text = match msg {
                Some(Ok(Message::Text(t))) => t,
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => continue,
            };
            let at = now_ns();
            self.totals.messages.fetch_add(1, Ordering::Relaxed);
            let t = text.as_str();
            if t.starts_with(r#"{"type":"events""#) {
                let before = self.seq.clone();
                for seq in seqs(t) {
                    self.log.received(seq, at);
                    self.seq.event(seq);
                }
                self.account(&before);
                continue;
            }
            let answer = if t.starts_with(r#"{"type":"accepted""#) {
                seqs(t).next().map(Answer::Accepted)
            } else if t.starts_with(r#"{"type":"deferred""#) {
                self.totals.deferred.fetch_add(1, Ordering::Relaxed);
                Some(Answer::Deferred)
            } else if t.starts_with(r#"{"type":"rejected""#) || t.starts_with(r#"{"type":"error""#)
            {
                self.totals.errors.fetch_add(1, Ordering::Relaxed);
                Some(Answer::Refused(t.chars().take(300).collect()))
            } else {
                if t.starts_with(r#"{"type":"snapshot""#) {
                    // This socket fell behind by a whole channel: the server sent the state instead.
                    self.totals.snapshots.fetch_add(1, Ordering::Relaxed);
                    if let Some(seq) = serde_json::from_str::<serde_json::Value>(t)
                        .ok()
                        .and_then(|v| v["state"]["seq"].as_u64())
                    {
                        self.seq.last = Some(seq);
                    }
                }
                None
            };
            if let (Some(a), Some(answer)) = (&self.answers, answer) {
                in_flight = false;
                let _ = a.send(answer);
            }
        }
        // The command sent on this socket will not be answered on it: the
        // driver sends it again (same key) once connected again.
        if in_flight && let Some(a) = &self.answers {
            let _ = a.send(Answer::Deferred);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_sequence_number() {
        let batch = r#"{"type":"events","events":[{"seq":7,"event":{"type":"floor_ended","at":"2026-01-01T10:00:00"}},{"seq":8,"event":{"type":"moved_to","item":1,"at":"2026-01-01T10:00:00"}}]}"#;
        assert_eq!(seqs(batch).collect::<Vec<_>>(), vec![7, 8]);
        assert_eq!(
            seqs(r#"{"type":"accepted","key":"l-1-2","seq":42}"#).next(),
            Some(42)
        );
        assert_eq!(seqs(r#"{"type":"pong"}"#).next(), None);
    }

    #[test]
    fn welcome_gives_the_snapshot_and_the_events() {
        let fresh = r#"{"type":"welcome","version":1,"you":{},"snapshot":{"meeting_id":3,"seq":12},"events":[]}"#;
        assert_eq!(welcome_seqs(fresh).unwrap(), (Some(12), vec![]));
        let resumed = r#"{"type":"welcome","version":1,"you":{},"snapshot":null,"events":[{"seq":13,"event":{}},{"seq":14,"event":{}}]}"#;
        assert_eq!(welcome_seqs(resumed).unwrap(), (None, vec![13, 14]));
        assert!(welcome_seqs("{").is_err());
    }

    #[test]
    fn gaps_are_lost_and_old_numbers_out_of_order() {
        let mut s = Sequence::default();
        s.welcome(Some(4), &[]);
        s.event(5);
        s.event(6);
        assert_eq!((s.lost, s.out_of_order, s.last), (0, 0, Some(6)));
        s.event(9); // 7 and 8 never came
        assert_eq!((s.lost, s.last), (2, Some(9)));
        s.event(8); // late
        s.event(9); // twice
        assert_eq!((s.lost, s.out_of_order, s.last), (2, 2, Some(9)));
    }

    #[test]
    fn resuming_continues_and_a_snapshot_restarts() {
        let mut s = Sequence::default();
        s.welcome(Some(10), &[]);
        // Resumed with last_seq 10: the events missed, in order.
        s.welcome(None, &[11, 12, 13]);
        assert_eq!((s.lost, s.out_of_order, s.last), (0, 0, Some(13)));
        // Resumed, but the server skipped 14.
        s.welcome(None, &[15]);
        assert_eq!((s.lost, s.last), (1, Some(15)));
        // Too far behind: a whole state, nothing counted.
        s.welcome(Some(900), &[]);
        s.event(901);
        assert_eq!((s.lost, s.out_of_order, s.last), (1, 0, Some(901)));
    }

    #[test]
    fn latency_counts_only_measured_actions() {
        let log = MeetingLog::new(2, 3);
        log.received(5, 10); // before the base is known
        log.base.store(4, Ordering::Release);
        log.received(4, 11); // the opening
        log.received(5, 20);
        log.received(5, 30);
        log.received(8, 40); // after the measured actions
        assert_eq!(log.received_by[0].load(Ordering::Relaxed), 2);
        assert_eq!(log.received_last[0].load(Ordering::Relaxed), 30);
        assert_eq!(log.received_by[1].load(Ordering::Relaxed), 0);
    }

    #[test]
    fn jitter_spreads_the_reconnections() {
        let mut j = Jitter(1);
        let delays: std::collections::HashSet<u32> = (0..100)
            .map(|_| reconnect_delay_ms(0, j.next_u32()))
            .collect();
        assert!(delays.len() > 50, "{delays:?}");
        assert!(delays.iter().all(|d| (500..=1000).contains(d)));
    }
}
