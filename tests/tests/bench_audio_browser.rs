//! The browser half of `scripts/bench-audio-browser`, not a test: ignored
//! unless that script runs it.
//!
//! Two headless Chromiums in a meeting's audio with the real server: the
//! chair speaks a tone (an oscillator in place of the microphone), a member
//! listens. The server's media binds 127.0.0.1:P and advertises 127.0.0.2:P,
//! where a UDP relay of this benchmark forwards both ways (the kernel here
//! has no netem) and drops a share of the server's RTP towards the browsers,
//! chosen by a seeded pseudo-random sequence. Only RTP is dropped (first
//! byte 128..191, second byte outside RTCP's 192..223): STUN, DTLS and RTCP
//! pass, so the connection comes up as on a clean network.
//!
//! - Offer to first audio: the listener's `createOffer` is wrapped to note
//!   the page's clock, then its connection's `getStats()` is polled every
//!   10 ms until an inbound audio stream has a packet, then sound
//!   (`totalAudioEnergy` above 0). Repeated `CHIBO_BENCH_RUNS` (8) times,
//!   turning the audio off and on ("Tắt âm thanh", "Nghe họp"), with the
//!   relay dropping nothing.
//! - Concealment: over `CHIBO_BENCH_WINDOW_SECS` (20) of the chair's tone,
//!   the listener's inbound-rtp counters before and after, once with no
//!   loss and once with 5 % of the downlink's RTP dropped.
//!
//! Writes `CHIBO_BENCH_OUT` (JSON).

use e2e::{Browser, BrowserOptions, DEMO_PASSWORD, Server, TONE_MICROPHONE, with_browsers_options};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;

const CHAIR_HZ: f64 = 500.0;
const LOSS_PERCENT: f64 = 5.0;
const GOAL_FIRST_AUDIO_MS: f64 = 300.0;
const GOAL_CONCEALED_PERCENT: f64 = 1.0;
/// The relay's pseudo-random sequence starts here on every run.
const SEED: u64 = 14;

/// Wraps the page's peer connections (once per document) and starts a new
/// run: `window.__bench.run` gets, in ms after the first `createOffer` of the
/// run, when the answer was applied, when the connection was up, when the
/// first packet and the first sound were seen in `getStats()`.
const PROBE: &str = "if (!window.__bench) {
  const b = window.__bench = {pcs: [], run: null};
  const watch = (pc, run) => {
    const poll = () => {
      if (run.audio != null || pc.signalingState === 'closed'
          || performance.now() - run.at > 20000) return;
      pc.getStats().then((stats) => {
        const now = performance.now();
        stats.forEach((s) => {
          if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
          if (run.packet == null && s.packetsReceived > 0) run.packet = now - run.at;
          if (run.audio == null && s.totalAudioEnergy > 0) run.audio = now - run.at;
        });
        setTimeout(poll, 10);
      }, () => setTimeout(poll, 10));
    };
    poll();
  };
  const createOffer = RTCPeerConnection.prototype.createOffer;
  RTCPeerConnection.prototype.createOffer = function (...args) {
    const run = b.run;
    b.pcs.push(this);
    if (run && run.at == null) {
      run.at = performance.now();
      run.offers = 1;
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected' && run.connected == null) {
          run.connected = performance.now() - run.at;
        }
      });
      watch(this, run);
    } else if (run) {
      run.offers += 1;
    }
    return createOffer.apply(this, args);
  };
  const setRemote = RTCPeerConnection.prototype.setRemoteDescription;
  RTCPeerConnection.prototype.setRemoteDescription = function (...args) {
    const run = b.run;
    if (run && run.at != null && run.answer == null) run.answer = performance.now() - run.at;
    return setRemote.apply(this, args);
  };
}
window.__bench.run = {at: null, offers: 0, answer: null, connected: null, packet: null, audio: null};
return true;";

/// The listener's connected peer connection: its busiest inbound audio
/// stream's counters, that stream's codec, and both descriptions.
const SNAPSHOT: &str = "const done = arguments[arguments.length - 1];
const pcs = (window.__bench && window.__bench.pcs) || [];
const pc = pcs.filter((p) => p.connectionState === 'connected').pop();
if (!pc) return done(null);
pc.getStats().then((stats) => {
  let best = null;
  const codecs = {};
  stats.forEach((s) => {
    if (s.type === 'codec') codecs[s.id] = s.mimeType;
    if (s.type === 'inbound-rtp' && s.kind === 'audio'
        && (!best || (s.packetsReceived || 0) > (best.packetsReceived || 0))) best = s;
  });
  done({
    inbound: best && JSON.parse(JSON.stringify(best)),
    codec: best ? codecs[best.codecId] || null : null,
    local: pc.localDescription ? pc.localDescription.sdp : '',
    remote: pc.remoteDescription ? pc.remoteDescription.sdp : '',
  });
}, (e) => done({error: String(e)}));";

/// The inbound-rtp counters compared over a window (those Chromium has).
const COUNTERS: [&str; 15] = [
    "packetsReceived",
    "packetsLost",
    "packetsDiscarded",
    "fecPacketsReceived",
    "fecPacketsDiscarded",
    "totalSamplesReceived",
    "concealedSamples",
    "silentConcealedSamples",
    "concealmentEvents",
    "insertedSamplesForDeceleration",
    "removedSamplesForAcceleration",
    "jitterBufferDelay",
    "jitterBufferEmittedCount",
    "jitterBufferTargetDelay",
    "jitterBufferMinimumDelay",
];

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied()
}

fn max(xs: &[f64]) -> Option<f64> {
    xs.iter().copied().max_by(f64::total_cmp)
}

/// splitmix64: a small, seeded, reproducible sequence.
fn next_random(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// RTP and not RTCP (RFC 7983: STUN starts 0..3, DTLS 20..63, RTP and RTCP
/// 128..191; RFC 5761: RTCP's packet types take 192..223 in the second byte).
fn is_rtp(d: &[u8]) -> bool {
    d.len() >= 12 && (128..=191).contains(&d[0]) && !(192..=223).contains(&d[1])
}

/// What the relay passed since its counts were last taken.
#[derive(Debug, Default)]
struct Counts {
    up: u64,
    down_other: u64,
    down_rtp_forwarded: u64,
    down_rtp_dropped: u64,
    /// Server→browser RTP by payload type (the header is not encrypted).
    down_payload_types: BTreeMap<u8, u64>,
    /// Server→browser RTP, forwarded and dropped, by browser address.
    down_by_browser: BTreeMap<SocketAddr, (u64, u64)>,
    /// The longest wait between two server→browser RTP packets: a stall
    /// before the relay (the server, the sender) rather than in the browser.
    down_rtp_max_gap: Duration,
    down_rtp_last: Option<Instant>,
    /// Server→browser RTP waits over 100 ms (five packets' time).
    down_rtp_long_gaps: u64,
    /// The same for browser→server RTP (the speaker's microphone).
    up_rtp_max_gap: Duration,
    up_rtp_last: Option<Instant>,
    /// Browser→server RTP whose sequence number does not follow the one
    /// before of its stream (a packet the sender skipped or reordered).
    up_rtp_seq_jumps: u64,
    up_rtp_seq: HashMap<(SocketAddr, u32), u16>,
    up_payload_types: BTreeMap<u8, u64>,
}

struct RelayState {
    /// Chance in a million that a server→browser RTP packet is dropped.
    loss_ppm: u64,
    random: u64,
    counts: Counts,
}

/// The UDP relay the browsers reach the server's media through.
struct Relay {
    /// Where the server's media listens: 127.0.0.1 on the relay's port.
    server: SocketAddr,
    state: Arc<Mutex<RelayState>>,
    task: tokio::task::JoinHandle<()>,
}

impl Relay {
    async fn start() -> Relay {
        let front = UdpSocket::bind("127.0.0.2:0")
            .await
            .expect("bind the relay on 127.0.0.2");
        let port = front.local_addr().expect("the relay's address").port();
        let server = SocketAddr::from(([127, 0, 0, 1], port));
        let state = Arc::new(Mutex::new(RelayState {
            loss_ppm: 0,
            random: SEED,
            counts: Counts::default(),
        }));
        let task = tokio::spawn(relay(Arc::new(front), server, state.clone()));
        Relay {
            server,
            state,
            task,
        }
    }

    fn set_loss(&self, percent: f64) {
        self.state.lock().expect("relay state").loss_ppm = (percent * 10_000.0).round() as u64;
    }

    fn take_counts(&self) -> Counts {
        std::mem::take(&mut self.state.lock().expect("relay state").counts)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Browser→server: each browser address gets an upstream socket of its own,
/// so the server sees one address per browser and answers through it.
async fn relay(front: Arc<UdpSocket>, server: SocketAddr, state: Arc<Mutex<RelayState>>) {
    let mut upstream: HashMap<SocketAddr, Arc<UdpSocket>> = HashMap::new();
    // Dropped with this task: the downlinks end with it.
    let mut downlinks = tokio::task::JoinSet::new();
    let mut buf = vec![0u8; 2048];
    loop {
        let Ok((n, browser)) = front.recv_from(&mut buf).await else {
            continue;
        };
        let up = match upstream.get(&browser) {
            Some(up) => up.clone(),
            None => {
                let up = UdpSocket::bind("127.0.0.1:0")
                    .await
                    .expect("bind an upstream socket");
                up.connect(server).await.expect("connect to the server");
                let up = Arc::new(up);
                downlinks.spawn(downlink(up.clone(), front.clone(), browser, state.clone()));
                upstream.insert(browser, up.clone());
                up
            }
        };
        {
            let c = &mut state.lock().expect("relay state").counts;
            c.up += 1;
            let d = &buf[..n];
            if is_rtp(d) {
                let now = Instant::now();
                if let Some(last) = c.up_rtp_last {
                    c.up_rtp_max_gap = c.up_rtp_max_gap.max(now - last);
                }
                c.up_rtp_last = Some(now);
                *c.up_payload_types.entry(d[1] & 0x7f).or_default() += 1;
                let seq = u16::from_be_bytes([d[2], d[3]]);
                let ssrc = u32::from_be_bytes([d[8], d[9], d[10], d[11]]);
                if let Some(last) = c.up_rtp_seq.insert((browser, ssrc), seq)
                    && seq != last.wrapping_add(1)
                {
                    c.up_rtp_seq_jumps += 1;
                }
            }
        }
        let _ = up.send(&buf[..n]).await;
    }
}

/// Server→browser, dropping RTP as the loss setting says.
async fn downlink(
    up: Arc<UdpSocket>,
    front: Arc<UdpSocket>,
    browser: SocketAddr,
    state: Arc<Mutex<RelayState>>,
) {
    let mut buf = vec![0u8; 2048];
    loop {
        let n = match up.recv(&mut buf).await {
            Ok(n) => n,
            Err(_) => {
                // An ICMP error from a moment the server's port was closed.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let d = &buf[..n];
        let pass = {
            let mut s = state.lock().expect("relay state");
            if is_rtp(d) {
                let dropped = s.loss_ppm > 0 && next_random(&mut s.random) % 1_000_000 < s.loss_ppm;
                let c = &mut s.counts;
                let now = Instant::now();
                if let Some(last) = c.down_rtp_last {
                    c.down_rtp_max_gap = c.down_rtp_max_gap.max(now - last);
                    if now - last > Duration::from_millis(100) {
                        c.down_rtp_long_gaps += 1;
                    }
                }
                c.down_rtp_last = Some(now);
                *c.down_payload_types.entry(d[1] & 0x7f).or_default() += 1;
                let per = c.down_by_browser.entry(browser).or_default();
                if dropped {
                    c.down_rtp_dropped += 1;
                    per.1 += 1;
                } else {
                    c.down_rtp_forwarded += 1;
                    per.0 += 1;
                }
                !dropped
            } else {
                s.counts.down_other += 1;
                true
            }
        };
        if pass {
            let _ = front.send_to(d, browser).await;
        }
    }
}

async fn open_room(b: &Browser, user: &str, meeting: i64) {
    b.login(user, DEMO_PASSWORD).await;
    b.goto(&format!("/meetings/{meeting}")).await;
    b.wait_text("#live-status", "Đã kết nối").await;
}

/// One join of the listener, in ms from its offer: `(answer, connected,
/// first packet, first sound)`, and how many offers it took.
struct Join {
    answer: Option<f64>,
    connected: Option<f64>,
    packet: f64,
    audio: Option<f64>,
    offers: u64,
}

/// Taps "Nghe họp" and waits for the run the probe records.
async fn join_once(listener: &Browser) -> Join {
    listener.eval(PROBE).await;
    listener.click("#btn-audio").await;
    let started = Instant::now();
    loop {
        let run = listener.eval("return window.__bench.run").await;
        let packet = run["packet"].as_f64();
        // Sound may never be reported (no playout): the packet then stands.
        let waited = started.elapsed();
        if let Some(packet) = packet
            && (run["audio"].is_number() || waited > Duration::from_secs(10))
        {
            return Join {
                answer: run["answer"].as_f64(),
                connected: run["connected"].as_f64(),
                packet,
                audio: run["audio"].as_f64(),
                offers: run["offers"].as_u64().unwrap_or(0),
            };
        }
        assert!(
            waited < Duration::from_secs(30),
            "no audio reached the listener: {run}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn snapshot(b: &Browser) -> Value {
    let snap = b.eval_async(SNAPSHOT).await;
    assert!(
        snap["inbound"].is_object(),
        "the listener has no inbound audio to measure: {snap}"
    );
    snap
}

/// Per audio section of an SDP: its mid, direction and RED payload type.
fn sections(sdp: &str) -> Vec<Value> {
    sdp.split("\nm=")
        .skip(1)
        .filter(|s| s.starts_with("audio"))
        .map(|s| {
            let mut mid = None;
            let mut direction = None;
            let mut red = None;
            for line in s.lines().map(str::trim) {
                if let Some(m) = line.strip_prefix("a=mid:") {
                    mid = Some(m.to_string());
                } else if let Some(d) = ["sendrecv", "sendonly", "recvonly", "inactive"]
                    .into_iter()
                    .find(|d| line == format!("a={d}"))
                {
                    direction = Some(d);
                } else if let Some(map) = line.strip_prefix("a=rtpmap:")
                    && let Some((pt, codec)) = map.split_once(' ')
                    && codec.eq_ignore_ascii_case("red/48000/2")
                {
                    red = pt.parse::<u8>().ok();
                }
            }
            json!({"mid": mid, "direction": direction, "red_pt": red})
        })
        .collect()
}

/// The listener's counters over the window, and the relay's.
fn window_figures(before: &Value, after: &Value, counts: &Counts, red_pts: &[u8]) -> Value {
    let (b, a) = (&before["inbound"], &after["inbound"]);
    assert_eq!(
        b["id"], a["id"],
        "the listener's inbound stream changed during the window (a reconnection)"
    );
    let mut delta = Map::new();
    for key in COUNTERS {
        if let (Some(x), Some(y)) = (b[key].as_f64(), a[key].as_f64()) {
            delta.insert(key.to_string(), json!(y - x));
        }
    }
    let d = |key: &str| delta.get(key).and_then(Value::as_f64);
    let samples = d("totalSamplesReceived").unwrap_or(0.0);
    assert!(
        samples > 0.0,
        "the listener played nothing over the window: {a}"
    );
    let percent = |x: f64, of: f64| if of > 0.0 { x / of * 100.0 } else { f64::NAN };
    let received = d("packetsReceived").unwrap_or(0.0);
    let lost = d("packetsLost").unwrap_or(0.0);
    let relayed = counts.down_rtp_forwarded + counts.down_rtp_dropped;
    let red_packets: u64 = red_pts
        .iter()
        .filter_map(|pt| counts.down_payload_types.get(pt))
        .sum();
    let per_sample_ms = |key: &str| match (d(key), d("jitterBufferEmittedCount")) {
        (Some(delay), Some(n)) if n > 0.0 => Some(delay / n * 1000.0),
        _ => None,
    };
    json!({
        "concealed_percent": percent(d("concealedSamples").unwrap_or(0.0), samples),
        "silent_concealed_percent": percent(d("silentConcealedSamples").unwrap_or(0.0), samples),
        "concealment_events": d("concealmentEvents"),
        "samples_received": samples,
        "seconds_played": samples / 48_000.0,
        "listener_packets_received": received,
        "listener_packets_lost": lost,
        "listener_loss_percent": percent(lost, lost + received),
        "fec_packets_received": d("fecPacketsReceived"),
        "fec_packets_discarded": d("fecPacketsDiscarded"),
        "packets_discarded": d("packetsDiscarded"),
        "inserted_samples_for_deceleration": d("insertedSamplesForDeceleration"),
        "removed_samples_for_acceleration": d("removedSamplesForAcceleration"),
        "jitter_buffer_ms": per_sample_ms("jitterBufferDelay"),
        "jitter_buffer_target_ms": per_sample_ms("jitterBufferTargetDelay"),
        "jitter_buffer_minimum_ms": per_sample_ms("jitterBufferMinimumDelay"),
        "relay_rtp_max_gap_ms": counts.down_rtp_max_gap.as_secs_f64() * 1000.0,
        "relay_rtp_gaps_over_100ms": counts.down_rtp_long_gaps,
        "relay_uplink_rtp_max_gap_ms": counts.up_rtp_max_gap.as_secs_f64() * 1000.0,
        "relay_uplink_rtp_seq_jumps": counts.up_rtp_seq_jumps,
        "uplink_payload_types": counts.up_payload_types.iter()
            .map(|(pt, n)| (pt.to_string(), json!(n)))
            .collect::<Map<_, _>>(),
        "relay_rtp_forwarded": counts.down_rtp_forwarded,
        "relay_rtp_dropped": counts.down_rtp_dropped,
        "relay_drop_percent": percent(counts.down_rtp_dropped as f64, relayed as f64),
        "relay_other_down": counts.down_other,
        "relay_up": counts.up,
        "relay_rtp_by_browser": counts.down_by_browser.iter()
            .map(|(addr, (fwd, dropped))| json!({"browser": addr.to_string(), "forwarded": fwd, "dropped": dropped}))
            .collect::<Vec<_>>(),
        "downlink_payload_types": counts.down_payload_types.iter()
            .map(|(pt, n)| (pt.to_string(), json!(n)))
            .collect::<Map<_, _>>(),
        "downlink_red_percent": percent(red_packets as f64, relayed as f64),
        "codec": after["codec"],
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: scripts/bench-audio-browser runs it"]
async fn offer_to_first_audio_and_concealment() {
    let runs: usize = env_or("CHIBO_BENCH_RUNS", "8").parse().unwrap_or(8);
    let window = Duration::from_secs(
        env_or("CHIBO_BENCH_WINDOW_SECS", "20")
            .parse()
            .unwrap_or(20),
    );
    let out = PathBuf::from(env_or("CHIBO_BENCH_OUT", "target/bench/audio-browser.json"));
    let relay = Arc::new(Relay::start().await);
    let server = Server::start_with(&[
        "--media-udp".into(),
        relay.server.to_string(),
        "--media-public-ip".into(),
        "127.0.0.2".into(),
    ]);
    let meeting = server
        .register_meeting_in_b("Sinh hoạt chi bộ (đo âm thanh)")
        .await;
    let options = BrowserOptions {
        media: true,
        ..BrowserOptions::default()
    };
    let report = Arc::new(Mutex::new(Value::Null));
    let (into, relay_in) = (report.clone(), relay.clone());
    with_browsers_options(&server, 2, options, move |browsers| async move {
        let relay = relay_in;
        let [chair, listener]: [Browser; 2] = browsers.try_into().ok().expect("two browsers");
        open_room(&chair, "bithu.b", meeting).await;
        chair.click("#btn-open").await;
        chair.click("#btn-open-early").await;
        chair.find("#current-item").await;
        open_room(&listener, "dv.b05", meeting).await;
        chair
            .client
            .execute(TONE_MICROPHONE, vec![json!(CHAIR_HZ)])
            .await
            .expect("the tone in place of the microphone");
        chair.wait_text("#audio", "Nghe họp").await;
        chair.click("#btn-audio").await;
        chair
            .wait_text("#audio-status", "Đã kết nối âm thanh")
            .await;
        chair.click("#btn-mic-on").await;
        chair
            .wait_js(
                "const m = document.getElementById('mic-level');
                 return !!m && Number(m.value) > 0.05;",
                "the chair's level meter to move",
            )
            .await;

        listener.wait_text("#audio", "Nghe họp").await;
        let mut joins = Vec::new();
        for run in 0..runs {
            if run > 0 {
                listener.click("#btn-audio-off").await;
                listener.find("#btn-audio").await;
                // The server takes one offer a second from a socket.
                tokio::time::sleep(Duration::from_millis(1500)).await;
            }
            let j = join_once(&listener).await;
            eprintln!(
                "run {run}: answer {:?} ms, connected {:?} ms, first packet {:.0} ms, first sound {:?} ms, {} offer(s)",
                j.answer.map(f64::round),
                j.connected.map(f64::round),
                j.packet,
                j.audio.map(f64::round),
                j.offers
            );
            joins.push(j);
        }
        listener
            .wait_text("#audio-status", "Đã kết nối âm thanh")
            .await;

        let mut phases = Map::new();
        let mut red = Value::Null;
        for (name, percent) in [("no_loss", 0.0), ("loss_5_percent", LOSS_PERCENT)] {
            relay.set_loss(percent);
            // The jitter buffer settles after the change.
            tokio::time::sleep(Duration::from_secs(2)).await;
            let before = snapshot(&listener).await;
            relay.take_counts();
            tokio::time::sleep(window).await;
            let after = snapshot(&listener).await;
            let counts = relay.take_counts();
            let answer = sections(after["remote"].as_str().unwrap_or(""));
            let offer = sections(after["local"].as_str().unwrap_or(""));
            // The listener's receiving sections: recvonly in its offer.
            let receiving: Vec<&Value> = offer
                .iter()
                .filter(|s| s["direction"] == "recvonly")
                .collect();
            let answered = |mid: &Value| answer.iter().find(|s| &s["mid"] == mid);
            let mut red_pts: Vec<u8> = receiving
                .iter()
                .filter_map(|s| answered(&s["mid"]))
                .filter_map(|s| s["red_pt"].as_u64().and_then(|pt| u8::try_from(pt).ok()))
                .collect();
            let offered = !receiving.is_empty() && receiving.iter().all(|s| s["red_pt"].is_u64());
            let negotiated = !receiving.is_empty() && red_pts.len() == receiving.len();
            // Both sections usually share one payload type: counted once.
            red_pts.sort_unstable();
            red_pts.dedup();
            red = json!({
                "red_offered": offered,
                "red_negotiated": negotiated,
                "offer_sections": offer,
                "answer_sections": answer,
            });
            let figures = window_figures(&before, &after, &counts, &red_pts);
            eprintln!("{name}: {figures}");
            phases.insert(name.to_string(), figures);
        }

        let packets: Vec<f64> = joins.iter().map(|j| j.packet).collect();
        let sounds: Vec<f64> = joins.iter().filter_map(|j| j.audio).collect();
        let answers: Vec<f64> = joins.iter().filter_map(|j| j.answer).collect();
        let connected: Vec<f64> = joins.iter().filter_map(|j| j.connected).collect();
        let round = |x: Option<f64>| x.map(f64::round);
        let lossy = &phases["loss_5_percent"];
        *into.lock().expect("report") = json!({
            "runs": runs,
            "window_s": window.as_secs(),
            "offer_to_first_audio_ms_median": round(median(sounds.clone())),
            "offer_to_first_audio_ms_max": round(max(&sounds)),
            "offer_to_first_packet_ms_median": round(median(packets.clone())),
            "offer_to_first_packet_ms_max": round(max(&packets)),
            "offer_to_answer_ms_median": round(median(answers.clone())),
            "offer_to_connected_ms_median": round(median(connected.clone())),
            "concealed_percent_at_5_percent_loss": lossy["concealed_percent"],
            "downlink_loss_percent_measured": lossy["relay_drop_percent"],
            "concealed_percent_no_loss": phases["no_loss"]["concealed_percent"],
            "red_negotiated": red["red_negotiated"],
            "red_offered": red["red_offered"],
            "downlink_red_percent": lossy["downlink_red_percent"],
            "samples_ms": {
                "offer_to_first_audio": sounds,
                "offer_to_first_packet": packets,
                "offer_to_answer": answers,
                "offer_to_connected": connected,
                "offers_per_join": joins.iter().map(|j| j.offers).collect::<Vec<_>>(),
            },
            "phases": phases,
            "sdp": red,
            "goals": {
                "offer_to_first_audio_ms_median": GOAL_FIRST_AUDIO_MS,
                "concealed_percent_at_5_percent_loss": GOAL_CONCEALED_PERCENT,
            },
            "server_bin": env_or("CHIBO_SERVER_BIN", "target/debug/chibo-server"),
            "load_average": std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim(),
            "note": "first audio: the listener's getStats() polled every 10 ms, \
                     through the relay at 0 % loss; loss: only server→browser RTP is dropped",
        });
    })
    .await;
    drop(relay);
    let report = report.lock().expect("report").clone();
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("create the output folder");
    }
    let text = serde_json::to_string_pretty(&report).expect("JSON");
    std::fs::write(&out, &text).expect("write the figures");
    println!("{text}");
}
