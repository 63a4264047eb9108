//! `chibo-loadgen --audio`: the meeting audio under load (`scripts/bench-audio`).
//!
//! Seeds the meetings, starts the release server (its audio on a free UDP
//! port of 127.0.0.1), and in every meeting: connects each participant's
//! live socket, the chair opens the meeting, everyone checks in and the chair
//! gives the floor to participant 1. Then every participant joins the audio
//! as a browser does: a str0m peer of its own (one UDP socket each) offering
//! a send-only microphone and the floor's and the chair's receive-only
//! sections, signalled over its live socket.
//!
//! The floor holder sends an Opus-sized packet every 20 ms; so does
//! participant 2, who has not the floor, and whom nobody may hear (the route
//! under load); with `--chair-talks` the chair too. Every packet carries its
//! sender, its number and when it was sent (this process's clock), so each
//! listener knows its packet's added delay, the variation of that delay from
//! one packet to the next, what it lost and whether it heard anyone it
//! should not have. The server's CPU time over a steady window is divided by
//! the packets it forwarded then (its own counters, `GET /api/live/stats`).

use crate::client::{self, Ws};
use crate::seed::{self, Database};
use crate::sys::{
    Server, cpu_secs, http_get, loadavg, now_ns, open_files_limit, rss_kib, udp_drops,
};
use crate::{percentile, round2, write_figures};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use str0m::change::SdpAnswer;
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::{Semaphore, mpsc};
use tokio_tungstenite::tungstenite::Message;

/// What `--audio` runs.
pub struct Plan {
    pub meetings: usize,
    pub participants: usize,
    pub server_bin: PathBuf,
    pub db: PathBuf,
    pub out: PathBuf,
    pub window: Duration,
    pub chair_talks: bool,
    pub connect_concurrency: usize,
    /// Participants per meeting (the first ones) whose str0m reads the
    /// media; the others drop it unread (`None`: everyone reads it).
    pub measured: Option<usize>,
}

/// One Opus frame: 20 ms.
const FRAME: Duration = Duration::from_millis(20);
const FRAME_NS: u64 = 20_000_000;
/// About what Opus at 32 kbit/s puts in a 20 ms frame.
const PAYLOAD_BYTES: usize = 80;
const MAGIC: &[u8; 4] = b"CBSA";
/// Participant 1 of each meeting gets the floor; participant 2 sends without it.
const FLOOR: u16 = 1;
const UNHEARD: u16 = 2;
const CHAIR: u16 = 0;
/// How long the senders run before the window opens.
const WARM_UP: Duration = Duration::from_secs(3);
/// After the window, for the packets still on their way.
const GRACE: Duration = Duration::from_secs(1);
const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// What every packet says about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub meeting: u32,
    pub index: u16,
    pub seq: u32,
    /// `now_ns()` just before the packet was written.
    pub sent_ns: u64,
}

impl Mark {
    pub fn encode(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(PAYLOAD_BYTES);
        p.extend_from_slice(MAGIC);
        p.extend_from_slice(&self.meeting.to_le_bytes());
        p.extend_from_slice(&self.index.to_le_bytes());
        p.extend_from_slice(&self.seq.to_le_bytes());
        p.extend_from_slice(&self.sent_ns.to_le_bytes());
        p.resize(PAYLOAD_BYTES, 0x55);
        p
    }

    pub fn decode(p: &[u8]) -> Option<Mark> {
        if p.len() < 22 || &p[..4] != MAGIC {
            return None;
        }
        Some(Mark {
            meeting: u32::from_le_bytes(p[4..8].try_into().ok()?),
            index: u16::from_le_bytes(p[8..10].try_into().ok()?),
            seq: u32::from_le_bytes(p[10..14].try_into().ok()?),
            sent_ns: u64::from_le_bytes(p[14..22].try_into().ok()?),
        })
    }
}

/// The measured window, by the packets' send times (`now_ns`); empty until set.
pub struct Window {
    start: AtomicU64,
    end: AtomicU64,
}

impl Default for Window {
    fn default() -> Window {
        Window {
            start: AtomicU64::new(u64::MAX),
            end: AtomicU64::new(u64::MAX),
        }
    }
}

impl Window {
    pub fn contains(&self, ns: u64) -> bool {
        ns >= self.start.load(Ordering::Relaxed) && ns < self.end.load(Ordering::Relaxed)
    }
}

/// The last packet heard in a slot.
#[derive(Debug, Clone, Copy)]
struct Last {
    seq: u32,
    sent_ns: u64,
    at_ns: u64,
}

/// What one listener heard (in the window, but for the wrongly heard).
#[derive(Debug, Default)]
pub struct Listener {
    last: [Option<Last>; 2],
    /// From the send to the receipt, µs.
    pub delays_us: Vec<u32>,
    /// How much that delay changed from the packet before (the next number), µs.
    pub jitters_us: Vec<u32>,
    /// How far the time since the packet before strayed from 20 ms, µs.
    pub gaps_us: Vec<u32>,
    pub received: u64,
    pub duplicates: u64,
    /// Packets from anyone but the expected voice of their slot, or none.
    pub wrong: u64,
}

fn abs_diff_us(a: u64, b: u64) -> u32 {
    (a.abs_diff(b) / 1000).min(u64::from(u32::MAX)) as u32
}

impl Listener {
    /// A packet heard in `slot` at `at_ns`; `expect` is who may be heard in
    /// each slot of meeting `meeting`.
    pub fn heard(
        &mut self,
        meeting: u32,
        expect: [Option<u16>; 2],
        slot: usize,
        mark: Mark,
        at_ns: u64,
        window: &Window,
    ) {
        if mark.meeting != meeting || expect.get(slot).copied().flatten() != Some(mark.index) {
            self.wrong += 1;
            return;
        }
        let prev = self.last[slot];
        if prev.is_some_and(|p| p.seq >= mark.seq) {
            self.duplicates += 1;
            return;
        }
        self.last[slot] = Some(Last {
            seq: mark.seq,
            sent_ns: mark.sent_ns,
            at_ns,
        });
        if !window.contains(mark.sent_ns) {
            return;
        }
        self.received += 1;
        self.delays_us.push(abs_diff_us(at_ns, mark.sent_ns));
        if let Some(p) = prev
            && p.seq + 1 == mark.seq
            && window.contains(p.sent_ns)
        {
            let transit = at_ns.saturating_sub(mark.sent_ns);
            let transit_before = p.at_ns.saturating_sub(p.sent_ns);
            self.jitters_us.push(abs_diff_us(transit, transit_before));
            self.gaps_us
                .push(abs_diff_us(at_ns.saturating_sub(p.at_ns), FRAME_NS));
        }
    }
}

/// The 99th percentile of µs figures, in ms.
pub fn p_ms(us: &mut [u32], p: f64) -> f64 {
    us.sort_unstable();
    let ms: Vec<f64> = us.iter().map(|&u| f64::from(u) / 1000.0).collect();
    percentile(&ms, p)
}

/// What the run shares with every peer.
#[derive(Default)]
struct Shared {
    window: Window,
    /// Senders send while this is set.
    go: AtomicBool,
}

/// One peer's place, and what it sends.
struct Me {
    meeting: u32,
    index: u16,
    expect: [Option<u16>; 2],
    /// Packets sent in the window; `None` for a listener only.
    sends: Option<Arc<AtomicU64>>,
    /// Whether this peer's str0m reads the media it receives (decrypts it
    /// and records it); otherwise only connectivity checks, DTLS and RTCP.
    measured: bool,
    heard: Arc<Mutex<Listener>>,
    connected: Arc<AtomicBool>,
}

/// A live socket held open (it reads, so the server's pings are answered):
/// what to send, and the messages that are not event batches.
struct Line {
    out: mpsc::UnboundedSender<String>,
    inbox: mpsc::UnboundedReceiver<Value>,
}

impl Line {
    fn hold(mut ws: Ws) -> Line {
        let (out, mut out_rx) = mpsc::unbounded_channel::<String>();
        let (in_tx, inbox) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    msg = ws.next() => match msg {
                        Some(Ok(Message::Text(t))) => {
                            let t = t.as_str();
                            if t.starts_with(r#"{"type":"events""#) || t.starts_with(r#"{"type":"pong""#) {
                                continue;
                            }
                            if let Ok(v) = serde_json::from_str::<Value>(t) {
                                // Nobody reads any more once the audio is set up.
                                let _ = in_tx.send(v);
                            }
                        }
                        Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                        Some(Ok(_)) => {}
                    },
                    Some(text) = out_rx.recv() => {
                        if ws.send(Message::text(text)).await.is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Line { out, inbox }
    }

    /// The next message of one of these types.
    async fn until(&mut self, types: &[&str]) -> Result<Value, String> {
        let deadline = tokio::time::Instant::now() + ANSWER_TIMEOUT;
        loop {
            match tokio::time::timeout_at(deadline, self.inbox.recv()).await {
                Ok(Some(v)) if types.iter().any(|t| v["type"] == *t) => return Ok(v),
                Ok(Some(_)) => {}
                Ok(None) => return Err("the live socket closed".into()),
                Err(_) => return Err(format!("no {types:?} within {ANSWER_TIMEOUT:?}")),
            }
        }
    }

    fn send(&self, v: &Value) -> Result<(), String> {
        self.out
            .send(v.to_string())
            .map_err(|_| "the live socket closed".to_string())
    }

    /// A command until accepted (a deferred one again, after a pause).
    async fn command(&mut self, key: &str, command: Value) -> Result<(), String> {
        let text = json!({"type": "command", "key": key, "command": command});
        loop {
            self.send(&text)?;
            let answer = self
                .until(&["accepted", "deferred", "rejected", "error"])
                .await?;
            match answer["type"].as_str() {
                Some("accepted") => return Ok(()),
                Some("deferred") => tokio::time::sleep(Duration::from_millis(250)).await,
                _ => return Err(format!("{key}: {answer}")),
            }
        }
    }
}

/// A meeting's sockets, open, its floor given.
struct Room {
    index: usize,
    lines: Vec<Line>,
}

async fn prepare(index: usize, url: String, tokens: Vec<String>) -> Result<Room, String> {
    let mut lines = Vec::with_capacity(tokens.len());
    let mut speakers = Vec::with_capacity(tokens.len());
    for token in &tokens {
        let (ws, welcome) = client::connect(&url, token, None).await?;
        let v: Value =
            serde_json::from_str(&welcome).map_err(|e| format!("unreadable welcome: {e}"))?;
        speakers.push(v["you"]["speaker"].clone());
        lines.push(Line::hold(ws));
    }
    lines[0]
        .command(&format!("open-{index}"), json!({"type": "open"}))
        .await?;
    for (p, line) in lines.iter_mut().enumerate() {
        line.command(&format!("in-{index}-{p}"), json!({"type": "check_in"}))
            .await?;
    }
    if let Some(floor) = speakers.get(usize::from(FLOOR)) {
        let floor = floor.clone();
        lines[0]
            .command(
                &format!("floor-{index}"),
                json!({"type": "give_floor", "speaker": floor}),
            )
            .await?;
    }
    Ok(Room { index, lines })
}

/// Offers the audio as a browser does, then drives the peer in a task of its
/// own; returns once the server says it is connected.
async fn join(
    line: &mut Line,
    me: Me,
    shared: Arc<Shared>,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let socket = UdpSocket::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("UDP: {e}"))?;
    let local = socket.local_addr().map_err(|e| format!("UDP: {e}"))?;
    let mut rtc = Rtc::builder()
        .clear_codecs()
        .enable_opus(true, true)
        .build(Instant::now());
    rtc.add_local_candidate(Candidate::host(local, "udp").map_err(|e| format!("candidate: {e}"))?);
    let mut api = rtc.sdp_api();
    let mic = api.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
    let floor = api.add_media(MediaKind::Audio, Direction::RecvOnly, None, None, None);
    let chair = api.add_media(MediaKind::Audio, Direction::RecvOnly, None, None, None);
    let (offer, pending) = api.apply().ok_or("no offer")?;
    line.send(&json!({"type": "audio_offer", "sdp": offer.to_sdp_string()}))?;
    let answer = line.until(&["audio_answer", "audio_refused"]).await?;
    let sdp = answer["sdp"]
        .as_str()
        .ok_or_else(|| format!("no audio: {answer}"))?;
    let answer = SdpAnswer::from_sdp_string(sdp).map_err(|e| format!("answer: {e}"))?;
    rtc.sdp_api()
        .accept_answer(pending, answer)
        .map_err(|e| format!("answer: {e}"))?;
    let task = tokio::spawn(drive(rtc, socket, local, mic, [floor, chair], me, shared));
    loop {
        let v = line.until(&["audio"]).await?;
        match v["connection"].as_str() {
            Some("connected") => return Ok(task),
            Some("lost") => return Err(format!("audio lost: {v}")),
            _ => {}
        }
    }
}

/// The peer's loop: datagrams in, str0m's timers, and a frame out every 20
/// ms for a sender. Every `handle_input` or write is followed by a drain.
async fn drive(
    mut rtc: Rtc,
    socket: UdpSocket,
    local: SocketAddr,
    mic: Mid,
    slots: [Mid; 2],
    me: Me,
    shared: Arc<Shared>,
) {
    let mut buf = vec![0u8; 2048];
    let mut frames = me.sends.as_ref().map(|_| {
        let mut i = tokio::time::interval(FRAME);
        i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        i
    });
    let mut rtp_time: u64 = 48_000 * u64::from(me.index + 1);
    let mut seq: u32 = 0;
    loop {
        let deadline = loop {
            match rtc.poll_output() {
                Ok(Output::Timeout(t)) => break t,
                Ok(Output::Transmit(t)) => {
                    let _ = socket.try_send_to(&t.contents, t.destination);
                }
                Ok(Output::Event(Event::Connected)) => me.connected.store(true, Ordering::Relaxed),
                Ok(Output::Event(Event::MediaData(d))) => {
                    let at = now_ns();
                    if let (Some(slot), Some(mark)) = (
                        slots.iter().position(|m| *m == d.mid),
                        Mark::decode(&d.data),
                    ) && let Ok(mut heard) = me.heard.lock()
                    {
                        heard.heard(me.meeting, me.expect, slot, mark, at, &shared.window);
                    }
                }
                Ok(Output::Event(_)) => {}
                Err(_) => return,
            }
        };
        if !rtc.is_alive() {
            return;
        }
        let tick = async {
            match frames.as_mut() {
                Some(f) => f.tick().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            r = socket.recv_from(&mut buf) => {
                let Ok((n, source)) = r else { continue };
                if !me.measured && is_rtp_media(&buf[..n]) {
                    continue;
                }
                let Ok(contents) = buf[..n].try_into() else { continue };
                let input = Input::Receive(Instant::now(), Receive { proto: Protocol::Udp, source, destination: local, contents });
                let _ = rtc.handle_input(input);
            }
            _ = tick => {
                if !me.connected.load(Ordering::Relaxed) || !shared.go.load(Ordering::Relaxed) {
                    continue;
                }
                let Some(writer) = rtc.writer(mic) else { continue };
                let Some(pt) = writer
                    .payload_params()
                    .find(|p| p.spec().codec == Codec::Opus)
                    .map(|p| p.pt()) else { continue };
                let sent_ns = now_ns();
                let mark = Mark { meeting: me.meeting, index: me.index, seq, sent_ns };
                let time = MediaTime::new(rtp_time, Frequency::FORTY_EIGHT_KHZ);
                if writer.write(pt, Instant::now(), time, mark.encode()).is_ok()
                    && shared.window.contains(sent_ns)
                    && let Some(sends) = &me.sends
                {
                    sends.fetch_add(1, Ordering::Relaxed);
                }
                seq += 1;
                rtp_time += 960;
            }
            () = tokio::time::sleep_until(tokio::time::Instant::from_std(deadline)) => {
                let _ = rtc.handle_input(Input::Timeout(Instant::now()));
            }
        }
    }
}

/// An RTP media packet (not RTCP, STUN or DTLS), by RFC 7983 and RFC 5761:
/// version 2, and a payload type outside RTCP's 192–223.
pub fn is_rtp_media(datagram: &[u8]) -> bool {
    matches!(datagram, [128..=191, pt, ..] if !(192..=223).contains(pt))
}

/// The audio counters of `GET /api/live/stats`: received, forwarded, dropped.
async fn media_counters(base: &str, admin: &str) -> Result<[u64; 3], String> {
    let text = http_get(base, "/api/live/stats", admin).await?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("/api/live/stats: {e}"))?;
    let m = &v["media"];
    let n = |k: &str| {
        m[k].as_u64()
            .ok_or_else(|| format!("/api/live/stats has no media.{k} (is the audio on?): {text}"))
    };
    Ok([n("received")?, n("forwarded")?, n("dropped")?])
}

/// A meeting's senders' counts in the window, and its size.
struct MeetingSends {
    size: usize,
    /// The participants who record what they hear: the first ones.
    measured: usize,
    floor: Option<Arc<AtomicU64>>,
    chair: Option<Arc<AtomicU64>>,
    unheard: Option<Arc<AtomicU64>>,
}

pub async fn run(plan: Plan) -> Result<(), String> {
    now_ns();
    let n = plan.participants;
    // A live socket and a UDP socket per peer here; a socket each in the server.
    let need = 2 * n as u64 + 256;
    let limit = open_files_limit().unwrap_or(0);
    if limit < need {
        return Err(format!(
            "open files limit {limit} is too low for {n} peers: need {need} (run `ulimit -n {need}` first, as scripts/bench-audio does)"
        ));
    }
    if let Some(dir) = plan.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    if let Some(dir) = plan.db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let load_start = loadavg();
    println!(
        "chibo-loadgen --audio: {n} peers in {} meetings; load average {load_start}",
        plan.meetings
    );
    let db = Database::Sqlite(plan.db.clone());
    let t = Instant::now();
    let seeded = seed::seed(&db, n, plan.meetings).await?;
    let admin = seed::admin_session(&db).await?;
    println!("seeded in {:.1} s", t.elapsed().as_secs_f64());
    let log = plan.out.with_file_name("audio-server.log");
    let server = Server::start(&plan.server_bin, &db.url(), "127.0.0.1:0", &log)?;
    println!("server {} (pid {})", server.base, server.pid);
    tokio::time::sleep(Duration::from_secs(1)).await;
    media_counters(&server.base, &admin).await?;

    // Every meeting's sockets, opened, the floor given.
    let t = Instant::now();
    let gate = Arc::new(Semaphore::new(plan.connect_concurrency.max(1)));
    let mut preparing = Vec::with_capacity(plan.meetings);
    for (m, meeting) in seeded.into_iter().enumerate() {
        let url = format!("{}/api/meetings/{}/live", server.ws_base(), meeting.id.0);
        let gate = gate.clone();
        preparing.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await.map_err(|e| e.to_string())?;
            prepare(m, url, meeting.tokens).await
        }));
    }
    let mut rooms = Vec::with_capacity(plan.meetings);
    for p in preparing {
        rooms.push(p.await.map_err(|e| e.to_string())??);
    }
    println!(
        "{n} live sockets connected, meetings opened, floors given in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_sockets = rss_kib(&server.pid).ok_or("cannot read the server's VmRSS")?;

    // Every participant joins the audio.
    let t = Instant::now();
    let shared = Arc::new(Shared::default());
    let mut sends = Vec::with_capacity(rooms.len());
    let mut records = Vec::with_capacity(n);
    let mut joining = Vec::with_capacity(rooms.len());
    for room in rooms {
        let size = room.lines.len();
        let counter = |on: bool| on.then(|| Arc::new(AtomicU64::new(0)));
        let ms = MeetingSends {
            size,
            measured: plan.measured.unwrap_or(size).min(size),
            floor: counter(size > usize::from(FLOOR)),
            chair: counter(plan.chair_talks),
            unheard: counter(size > usize::from(UNHEARD)),
        };
        let expect = [
            (size > usize::from(FLOOR)).then_some(FLOOR),
            plan.chair_talks.then_some(CHAIR),
        ];
        let mut mes = Vec::with_capacity(size);
        for p in 0..size as u16 {
            let heard = Arc::new(Mutex::new(Listener::default()));
            records.push(heard.clone());
            mes.push(Me {
                meeting: room.index as u32,
                index: p,
                expect,
                sends: match p {
                    FLOOR => ms.floor.clone(),
                    CHAIR => ms.chair.clone(),
                    UNHEARD => ms.unheard.clone(),
                    _ => None,
                },
                heard,
                measured: usize::from(p) < plan.measured.unwrap_or(size),
                connected: Arc::new(AtomicBool::new(false)),
            });
        }
        sends.push(ms);
        let (gate, shared) = (gate.clone(), shared.clone());
        joining.push(tokio::spawn(async move {
            let mut room = room;
            let mut tasks = Vec::with_capacity(size);
            for (line, me) in room.lines.iter_mut().zip(mes) {
                let _permit = gate
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(|e| e.to_string())?;
                tasks.push(join(line, me, shared.clone()).await?);
            }
            Ok::<_, String>((room, tasks))
        }));
    }
    let mut rooms = Vec::with_capacity(joining.len());
    let mut drivers = Vec::with_capacity(n);
    for j in joining {
        let (room, tasks) = j.await.map_err(|e| e.to_string())??;
        rooms.push(room);
        drivers.extend(tasks);
    }
    let joined_secs = t.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_audio = rss_kib(&server.pid).ok_or("cannot read the server's VmRSS")?;
    let kib_per_peer = rss_audio.saturating_sub(rss_sockets) as f64 / n as f64;
    println!(
        "{n} audio peers connected in {joined_secs:.1} s; server resident {rss_sockets} KiB before, {rss_audio} KiB after: {kib_per_peer:.1} KiB per peer"
    );

    // The senders start; after a warm-up, the window.
    shared.go.store(true, Ordering::Relaxed);
    tokio::time::sleep(WARM_UP).await;
    let load_window = loadavg();
    let counters_0 = media_counters(&server.base, &admin).await?;
    let cpu_0 = cpu_secs(&server.pid).ok_or("cannot read the server's CPU time")?;
    let self_0 = cpu_secs("self").unwrap_or(0.0);
    let drops_0 = [udp_drops(&server.pid), udp_drops("self")];
    let t0 = Instant::now();
    shared.window.end.store(u64::MAX, Ordering::Relaxed);
    shared.window.start.store(now_ns(), Ordering::Relaxed);
    tokio::time::sleep(plan.window).await;
    shared.window.end.store(now_ns(), Ordering::Relaxed);
    let cpu_1 = cpu_secs(&server.pid).ok_or("cannot read the server's CPU time")?;
    let self_1 = cpu_secs("self").unwrap_or(0.0);
    let drops_1 = [udp_drops(&server.pid), udp_drops("self")];
    let wall = t0.elapsed().as_secs_f64();
    let counters_1 = media_counters(&server.base, &admin).await?;
    let rss_end = rss_kib(&server.pid).unwrap_or(0);
    let load_end = loadavg();
    tokio::time::sleep(GRACE).await;
    shared.go.store(false, Ordering::Relaxed);
    for d in &drivers {
        d.abort();
    }

    // The figures.
    let [received_0, forwarded_0, dropped_0] = counters_0;
    let [received_1, forwarded_1, dropped_1] = counters_1;
    let forwarded = forwarded_1.saturating_sub(forwarded_0);
    let server_cpu = cpu_1 - cpu_0;
    let cores = server_cpu / wall;
    let forwarded_per_s = forwarded as f64 / wall;
    let us_per_forwarded = if forwarded > 0 {
        server_cpu * 1e6 / forwarded as f64
    } else {
        f64::NAN
    };
    let load = |c: &Option<Arc<AtomicU64>>| c.as_ref().map_or(0, |c| c.load(Ordering::Relaxed));
    let sent: u64 = sends
        .iter()
        .map(|s| load(&s.floor) + load(&s.chair) + load(&s.unheard))
        .sum();
    let expected: u64 = sends
        .iter()
        .map(|s| {
            // Each voice is heard by every measured listener but itself.
            let heard_by =
                |who: u16| (s.measured - usize::from(usize::from(who) < s.measured)) as u64;
            load(&s.floor) * heard_by(FLOOR) + load(&s.chair) * heard_by(CHAIR)
        })
        .sum();
    let (mut delays, mut jitters, mut gaps) = (Vec::new(), Vec::new(), Vec::new());
    let (mut received, mut duplicates, mut wrong) = (0u64, 0u64, 0u64);
    for r in &records {
        let mut l = r.lock().map_err(|_| "a peer's record is poisoned")?;
        delays.append(&mut l.delays_us);
        jitters.append(&mut l.jitters_us);
        gaps.append(&mut l.gaps_us);
        received += l.received;
        duplicates += l.duplicates;
        wrong += l.wrong;
    }
    // What the server would forward if every packet sent were received and
    // forwarded (50 a second from each voice heard, to everyone else), and
    // the CPU that would take at the measured cost per packet.
    let frames_per_s = 1.0 / FRAME.as_secs_f64();
    let full_rate: f64 = sends
        .iter()
        .map(|s| {
            let voices = usize::from(s.floor.is_some()) + usize::from(s.chair.is_some());
            (voices * (s.size - 1)) as f64 * frames_per_s
        })
        .sum();
    let cores_at_full_rate = us_per_forwarded * full_rate / 1e6;
    let lost = expected.saturating_sub(received);
    let loss_ratio = if expected > 0 {
        lost as f64 / expected as f64
    } else {
        f64::NAN
    };
    // Datagrams the kernel dropped in the window, receive buffers full: the
    // server's socket (from the microphones) and the peers' (to the listeners).
    let [server_drops, loadgen_drops] =
        [0, 1].map(|i| drops_1[i].zip(drops_0[i]).map(|(b, a)| b.saturating_sub(a)));
    let p50_delay = p_ms(&mut delays, 0.5);
    let p99_delay = p_ms(&mut delays, 0.99);
    let max_delay = p_ms(&mut delays, 1.0);
    let p99_jitter = p_ms(&mut jitters, 0.99);
    let p99_gap = p_ms(&mut gaps, 0.99);
    println!(
        "window {wall:.1} s: {:.0} packets/s sent, server forwarded {forwarded_per_s:.0}/s with {cores:.2} cores \
         ({us_per_forwarded:.1} µs per forwarded packet, {:.0} forwarded/s per core); \
         added delay p50 {p50_delay:.2} ms, p99 {p99_delay:.2} ms, max {max_delay:.2} ms; \
         jitter p99 {p99_jitter:.2} ms; {lost} of {expected} lost; {wrong} wrongly heard; \
         UDP datagrams dropped by the kernel: {} at the server, {} at the peers; \
         at the full rate ({full_rate:.0} forwarded/s) the server would need {cores_at_full_rate:.2} cores",
        sent as f64 / wall,
        forwarded_per_s / cores,
        server_drops.map_or("?".into(), |d| d.to_string()),
        loadgen_drops.map_or("?".into(), |d| d.to_string()),
    );
    let goals = [
        // Under one core, and every packet forwarded (not fewer cores for
        // packets the kernel dropped before the server read them).
        (
            "100 meetings of 12 peers under one core",
            plan.meetings >= 100 && n >= 1200 && cores < 1.0 && loss_ratio < 0.01,
        ),
        ("p99 added delay < 20 ms", p99_delay < 20.0),
        ("nobody heard but the floor and the chair", wrong == 0),
    ];
    let report = json!({
        "meetings": plan.meetings,
        "participants_per_meeting": round2(n as f64 / plan.meetings as f64),
        "peers": n,
        "chair_talks": plan.chair_talks,
        "measured_listeners_per_meeting": plan.measured,
        "window_seconds": round2(wall),
        "packets_per_s_sent": round2(sent as f64 / wall),
        "forwarded_per_s": round2(forwarded_per_s),
        "server_cpu_us_per_forwarded_packet": round2(us_per_forwarded),
        "server_cpu_ms_per_forwarded_packet": (us_per_forwarded * 1e2).round() / 1e5,
        "server_cores_used": (cores * 1000.0).round() / 1000.0,
        "forwarded_per_s_per_core": (forwarded_per_s / cores).round(),
        "full_rate_forwarded_per_s": full_rate.round(),
        "server_cores_at_full_rate": round2(cores_at_full_rate),
        "p50_added_delay_ms": round2(p50_delay),
        "p99_added_delay_ms": round2(p99_delay),
        "max_added_delay_ms": round2(max_delay),
        "p99_jitter_ms": round2(p99_jitter),
        "p99_interarrival_deviation_ms": round2(p99_gap),
        "expected": expected,
        "received": received,
        "lost": lost,
        "loss_ratio": (loss_ratio * 1e6).round() / 1e6,
        "duplicates": duplicates,
        "wrongly_heard": wrong,
        "server_received_per_s": round2(received_1.saturating_sub(received_0) as f64 / wall),
        "server_dropped_per_s": round2(dropped_1.saturating_sub(dropped_0) as f64 / wall),
        "server_udp_receive_drops": server_drops,
        "loadgen_udp_receive_drops": loadgen_drops,
        "kib_per_peer": round2(kib_per_peer),
        "rss_sockets_kib": rss_sockets,
        "rss_audio_kib": rss_audio,
        "rss_end_kib": rss_end,
        "join_seconds": round2(joined_secs),
        "server_cpu_seconds": round2(server_cpu),
        "loadgen_cores_used": round2((self_1 - self_0) / wall),
        "load_average": {"start": load_start, "window": load_window, "end": load_end},
        "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
    });
    write_figures(report, &goals, &plan.out)?;
    drop(rooms);
    drop(server);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(start: u64, end: u64) -> Window {
        let w = Window::default();
        w.start.store(start, Ordering::Relaxed);
        w.end.store(end, Ordering::Relaxed);
        w
    }

    fn mark(index: u16, seq: u32, sent_ns: u64) -> Mark {
        Mark {
            meeting: 7,
            index,
            seq,
            sent_ns,
        }
    }

    const MS: u64 = 1_000_000;

    #[test]
    fn a_mark_reads_back() {
        let m = mark(3, 41, 123_456_789_012);
        let bytes = m.encode();
        assert_eq!(bytes.len(), PAYLOAD_BYTES);
        assert_eq!(Mark::decode(&bytes), Some(m));
        assert_eq!(Mark::decode(&bytes[..10]), None);
        assert_eq!(Mark::decode(&[0; 80]), None);
    }

    #[test]
    fn delay_jitter_and_spacing() {
        let w = window(1000 * MS, 2000 * MS);
        let mut l = Listener::default();
        let expect = [Some(FLOOR), None];
        // Before the window: remembered, not counted.
        l.heard(7, expect, 0, mark(1, 0, 980 * MS), 982 * MS, &w);
        // Sent every 20 ms; delays 2, 5, 3 ms.
        l.heard(7, expect, 0, mark(1, 1, 1000 * MS), 1002 * MS, &w);
        l.heard(7, expect, 0, mark(1, 2, 1020 * MS), 1025 * MS, &w);
        l.heard(7, expect, 0, mark(1, 3, 1040 * MS), 1043 * MS, &w);
        assert_eq!(l.received, 3);
        assert_eq!(l.delays_us, vec![2000, 5000, 3000]);
        // The first in the window has no predecessor in it.
        assert_eq!(l.jitters_us, vec![3000, 2000]);
        assert_eq!(l.gaps_us, vec![3000, 2000]);
        // 4 is lost: 5 has no jitter figure, but its delay.
        l.heard(7, expect, 0, mark(1, 5, 1080 * MS), 1081 * MS, &w);
        assert_eq!(l.jitters_us.len(), 2);
        assert_eq!(l.delays_us.len(), 4);
        // Again, or late: a duplicate.
        l.heard(7, expect, 0, mark(1, 4, 1060 * MS), 1090 * MS, &w);
        assert_eq!((l.received, l.duplicates), (4, 1));
        // After the window: not counted.
        l.heard(7, expect, 0, mark(1, 6, 2000 * MS), 2001 * MS, &w);
        assert_eq!(l.received, 4);
        assert_eq!(l.wrong, 0);
    }

    #[test]
    fn anyone_else_is_wrongly_heard() {
        let w = window(0, u64::MAX);
        let mut l = Listener::default();
        let expect = [Some(FLOOR), None];
        // The member without the floor, in either slot.
        l.heard(7, expect, 0, mark(UNHEARD, 0, MS), 2 * MS, &w);
        l.heard(7, expect, 1, mark(UNHEARD, 0, MS), 2 * MS, &w);
        // The floor in the chair's slot; another meeting's floor.
        l.heard(7, expect, 1, mark(FLOOR, 0, MS), 2 * MS, &w);
        let mut other = mark(FLOOR, 0, MS);
        other.meeting = 8;
        l.heard(7, expect, 0, other, 2 * MS, &w);
        assert_eq!((l.wrong, l.received), (4, 0));
        l.heard(7, expect, 0, mark(FLOOR, 0, MS), 2 * MS, &w);
        assert_eq!((l.wrong, l.received), (4, 1));
    }

    #[test]
    fn media_is_told_from_rtcp_stun_and_dtls() {
        assert!(is_rtp_media(&[0x80, 111, 0, 1]));
        assert!(is_rtp_media(&[0x90, 0x80 | 63, 0, 1]));
        assert!(!is_rtp_media(&[0x80, 200, 0, 6])); // RTCP sender report
        assert!(!is_rtp_media(&[0x81, 201, 0, 7])); // RTCP receiver report
        assert!(!is_rtp_media(&[0x00, 0x01, 0, 0])); // STUN binding request
        assert!(!is_rtp_media(&[22, 0xfe, 0xfd])); // DTLS handshake
        assert!(!is_rtp_media(&[0x80]));
    }

    #[test]
    fn percentiles_in_ms() {
        let mut us: Vec<u32> = (1..=100).rev().map(|i| i * 1000).collect();
        assert_eq!(p_ms(&mut us, 0.99), 99.0);
        assert_eq!(p_ms(&mut us, 0.5), 50.0);
        assert!(p_ms(&mut [], 0.99).is_nan());
    }
}
