//! Nghe họp: the meeting's audio through the server, between real browsers.
//! The chair, two members and an upper-level visitor join the audio (one
//! member's browser refuses the microphone: they listen); each
//! speaker's microphone is a tone of its own (an oscillator in place of
//! `getUserMedia`), and each listener's players are measured for the tones
//! they carry. Whoever has the floor is heard with the chair, nobody else;
//! the chair mutes the speaker and lets them back; the floor moves; a
//! speaker whose connection drops speaks on after the reconnect without
//! another tap; a member logged out elsewhere stops hearing within a second;
//! a member of another cell gets no audio. Then the same through a real TURN
//! server (coturn), relay only, as phones whose network blocks UDP.

use e2e::{
    Browser, BrowserOptions, DEMO_PASSWORD, Server, TONE_MICROPHONE, TurnServer,
    with_browsers_options,
};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Each speaker's tone, in Hz: apart by more than the measure's resolution
/// (about 12 Hz), none a harmonic of another.
const CHAIR_HZ: f64 = 500.0;
const MEMBER_1_HZ: f64 = 700.0;
const VISITOR_HZ: f64 = 1300.0;
const TONES: [f64; 3] = [CHAIR_HZ, MEMBER_1_HZ, VISITOR_HZ];

/// Which of the tones `arguments[0]` each player (the floor's, the chair's)
/// carries, measured over 800 ms: `{floor: [hz…], chair: [hz…]}`.
const HEAR: &str = "const tones = arguments[0];
const done = arguments[arguments.length - 1];
const ctx = window.__hearing || (window.__hearing = new AudioContext());
ctx.resume().then(() => {
  const slots = {floor: 'audio-floor', chair: 'audio-chair'};
  const probes = {};
  for (const [slot, id] of Object.entries(slots)) {
    const el = document.getElementById(id);
    const stream = el && el.srcObject;
    if (!stream || !stream.getAudioTracks().some(t => t.readyState === 'live')) continue;
    const source = ctx.createMediaStreamSource(stream);
    const a = ctx.createAnalyser();
    a.fftSize = 4096;
    a.smoothingTimeConstant = 0;
    source.connect(a);
    probes[slot] = {source, a};
  }
  setTimeout(() => {
    const heard = {floor: [], chair: []};
    for (const [slot, {source, a}] of Object.entries(probes)) {
      const bins = new Float32Array(a.frequencyBinCount);
      a.getFloatFrequencyData(bins);
      const hz = ctx.sampleRate / a.fftSize;
      for (const tone of tones) {
        const at = Math.round(tone / hz);
        let peak = -Infinity;
        for (let i = at - 2; i <= at + 2; i++) peak = Math.max(peak, bins[i]);
        if (peak > -50) heard[slot].push(tone);
      }
      source.disconnect();
    }
    done(heard);
  }, 800);
});";

/// The browser refuses the microphone, as a person tapping "Block" would.
const NO_MICROPHONE: &str = "navigator.mediaDevices.getUserMedia = async () => {
  throw new DOMException('Permission denied', 'NotAllowedError');
};";

/// Keeps every WebSocket the page opens in `window.__sockets`.
const SOCKETS_KEPT: &str = "window.__sockets = [];
const Native = window.WebSocket;
window.WebSocket = class extends Native {
  constructor(...args) { super(...args); window.__sockets.push(this); }
};";

/// `(floor, chair)`: the tones a listener hears in each slot.
async fn hears(b: &Browser) -> (Vec<f64>, Vec<f64>) {
    let heard = b
        .client
        .execute_async(HEAR, vec![json!(TONES)])
        .await
        .unwrap_or_else(|e| panic!("measure what is heard: {e}"));
    let tones = |slot: &str| -> Vec<f64> {
        heard[slot]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    (tones("floor"), tones("chair"))
}

/// Waits (up to 15 s: a busy machine) until `b` hears `floor` and
/// `chair`, and nothing else.
async fn until_hears(b: &Browser, who: &str, floor: &[f64], chair: &[f64]) {
    let started = Instant::now();
    loop {
        let heard = hears(b).await;
        if heard.0 == floor && heard.1 == chair {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{who} hears {heard:?}, not floor {floor:?} and chair {chair:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Logs in and opens the room.
async fn open_room(b: &Browser, user: &str, meeting: i64) {
    b.login(user, DEMO_PASSWORD).await;
    b.goto(&format!("/meetings/{meeting}")).await;
    b.wait_text("#live-status", "Đã kết nối").await;
}

/// Joins the audio with a microphone at `hz`.
async fn join_audio(b: &Browser, hz: f64) {
    b.client
        .execute(TONE_MICROPHONE, vec![json!(hz)])
        .await
        .expect("the tone in place of the microphone");
    b.wait_text("#audio", "Nghe họp").await;
    b.click("#btn-audio").await;
    b.wait_text("#audio-status", "Đã kết nối âm thanh").await;
}

/// The chair gives the floor to whoever asks in the queue under `name`.
async fn give_floor(chair: &Browser, name: &str) {
    chair
        .wait_js(
            &format!(
                "const li = [...document.querySelectorAll('#queue li')].find(l => l.textContent.includes({name:?}));
                 const b = li && li.querySelector('.btn-give');
                 if (b) b.click();
                 return !!b;"
            ),
            &format!("the floor given to {name}"),
        )
        .await;
}

/// A meeting registered in bithu.b's cell, chaired by bithu.b: its id, and
/// the name of dv.b05 (member 1).
async fn register_meeting(server: &Server) -> (i64, String) {
    let name = |me: Value| me["member"]["full_name"].as_str().unwrap_or("").to_string();
    let member_1 = name(server.api_login("dv.b05").await.get_ok("/api/me").await);
    let (_, meeting) = server
        .register_meeting_in_b_with("Sinh hoạt chi bộ có âm thanh", e2e::MEETING_IN_B_STARTS, 2)
        .await;
    (meeting, member_1)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_floor_and_the_chair_are_heard_and_nobody_else() {
    let started = Instant::now();
    let server = Server::start();
    let (meeting, member_1) = register_meeting(&server).await;
    let base = server.url.clone();
    let options = BrowserOptions {
        media: true,
        ..BrowserOptions::default()
    };
    with_browsers_options(&server, 4, options, move |browsers| async move {
        let [chair, m1, m2, visitor]: [Browser; 4] =
            browsers.try_into().ok().expect("four browsers");
        open_room(&chair, "bithu.b", meeting).await;
        chair.click("#btn-open").await;
        chair.click("#btn-open-early").await;
        chair.find("#current-item").await;
        // The visitor's page keeps its sockets in reach, to drop one later.
        visitor
            .cdp(
                "Page.addScriptToEvaluateOnNewDocument",
                json!({"source": SOCKETS_KEPT}),
            )
            .await;
        // The visitor's arrival is recorded as the room opens for them.
        for (b, user) in [(&m1, "dv.b05"), (&m2, "dv.b06"), (&visitor, "capuy.khoi")] {
            open_room(b, user, meeting).await;
        }
        for (b, hz) in [
            (&chair, CHAIR_HZ),
            (&m1, MEMBER_1_HZ),
            (&visitor, VISITOR_HZ),
        ] {
            join_audio(b, hz).await;
        }
        // Member 2's browser refuses the microphone: they listen all the same.
        m2.client
            .execute(NO_MICROPHONE, vec![])
            .await
            .expect("the microphone refused");
        m2.click("#btn-audio").await;
        m2.wait_text("#audio-status", "Đã kết nối âm thanh").await;
        m2.wait_text("#audio", "Trình duyệt không cho dùng micro")
            .await;
        chair.wait_text("#visitors", "Trịnh Minh Tuấn").await;

        // The chair turns the microphone on: everyone hears the chair.
        chair.click("#btn-mic-on").await;
        chair.find("#mic-level").await;
        for (b, who) in [
            (&m1, "member 1"),
            (&m2, "member 2"),
            (&visitor, "the visitor"),
        ] {
            until_hears(b, who, &[], &[CHAIR_HZ]).await;
        }

        // Member 2 turns nothing on; member 1 is given the floor.
        for b in [&m1, &m2] {
            b.click("#btn-checkin").await;
        }
        m1.click("#btn-hand").await;
        give_floor(&chair, &member_1).await;
        m1.wait_text("#audio", "Bật micro để phát biểu").await;
        m1.click("#btn-mic-on").await;
        m1.find("#mic-level").await;
        // A speaking member's meter moves.
        m1.wait_js(
            "return Number(document.getElementById('mic-level').value) > 0.05",
            "member 1's level meter to move",
        )
        .await;
        for (b, who) in [(&m2, "member 2"), (&visitor, "the visitor")] {
            until_hears(b, who, &[MEMBER_1_HZ], &[CHAIR_HZ]).await;
        }
        until_hears(&chair, "the chair", &[MEMBER_1_HZ], &[]).await;
        until_hears(&m1, "member 1", &[], &[CHAIR_HZ]).await;
        // Who speaks, by name.
        for b in [&chair, &m2, &visitor] {
            b.wait_text("#audio-voices [data-slot='floor']", &member_1)
                .await;
        }

        // The chair mutes member 1: nobody hears them, their microphone goes
        // off, the floor stays; unmuted, member 1 taps again and is heard.
        chair.click("#btn-mute-floor").await;
        m1.wait_js(
            "return !document.getElementById('mic-level')",
            "member 1's microphone to go off when muted",
        )
        .await;
        for b in [&m2, &visitor] {
            b.wait_text("#audio-voices [data-slot='floor']", "chủ trì đã tắt tiếng")
                .await;
        }
        until_hears(&m2, "member 2", &[], &[CHAIR_HZ]).await;
        until_hears(&chair, "the chair", &[], &[]).await;
        m1.wait_text("#floor", "chủ trì đã tắt tiếng").await;
        chair.wait_text("#btn-mute-floor", "Bật lại tiếng").await;
        chair.click("#btn-mute-floor").await;
        m1.wait_text("#audio", "Bật micro để phát biểu").await;
        m1.click("#btn-mic-on").await;
        until_hears(&m2, "member 2", &[MEMBER_1_HZ], &[CHAIR_HZ]).await;

        // The floor moves to the visitor: member 1's microphone goes off by itself.
        visitor.click("#btn-hand").await;
        give_floor(&chair, "Trịnh Minh Tuấn").await;
        m1.wait_js(
            "return !document.getElementById('mic-level')",
            "member 1's microphone to go off with the floor",
        )
        .await;
        visitor.click("#btn-mic-on").await;
        visitor.find("#mic-level").await;
        for (b, who) in [(&m1, "member 1"), (&m2, "member 2")] {
            until_hears(b, who, &[VISITOR_HZ], &[CHAIR_HZ]).await;
        }
        until_hears(&chair, "the chair", &[VISITOR_HZ], &[]).await;

        // The visitor turns the audio off, and may turn it on again.
        visitor.click("#btn-audio-off").await;
        visitor.find("#btn-audio").await;
        until_hears(&m1, "member 1", &[], &[CHAIR_HZ]).await;
        visitor.click("#btn-audio").await;
        visitor
            .wait_text("#audio-status", "Đã kết nối âm thanh")
            .await;
        visitor.click("#btn-mic-on").await;
        until_hears(&m1, "member 1", &[VISITOR_HZ], &[CHAIR_HZ]).await;

        // The visitor's connection drops while they speak: the room comes
        // back, the audio is offered again, and the microphone comes back on
        // for the same turn without another tap.
        let sockets = visitor
            .eval("const s = window.__sockets; s[s.length - 1].close(); return s.length;")
            .await;
        visitor
            .wait_js(
                &format!(
                    "return window.__sockets.length > {sockets}
                       && window.__sockets[window.__sockets.length - 1].readyState === 1
                       && !!document.getElementById('mic-level')
                       && !document.getElementById('btn-mic-on');"
                ),
                "the visitor's microphone to come back on after the reconnect",
            )
            .await;
        until_hears(&m1, "member 1", &[VISITOR_HZ], &[CHAIR_HZ]).await;

        // Member 2's account logs out elsewhere (its session ended from
        // outside the page): its audio stops within a second. The tracks
        // its players play now are watched, even once the page lets them go.
        m2.eval(
            "window.__received = ['audio-floor', 'audio-chair']
               .map(id => document.getElementById(id).srcObject.getAudioTracks()[0]);
             return window.__received.every(t => t.readyState === 'live');",
        )
        .await;
        let cookie = m2
            .client
            .get_named_cookie("chibo_session")
            .await
            .expect("member 2's session cookie");
        let logged_out = Instant::now();
        let out = reqwest::Client::new()
            .post(format!("{base}/api/auth/logout"))
            .header("cookie", format!("chibo_session={}", cookie.value()))
            .send()
            .await
            .expect("log out");
        assert!(out.status().is_success(), "logout: {}", out.status());
        let ended = m2
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const look = () => {
                   if (window.__received.every(t => t.readyState === 'ended')) return done(true);
                   setTimeout(look, 20);
                 };
                 look();",
                vec![],
            )
            .await
            .expect("watch member 2's audio");
        let elapsed = logged_out.elapsed();
        assert!(
            ended == json!(true) && elapsed < Duration::from_secs(1),
            "member 2 still receives audio {elapsed:?} after the logout"
        );
        // The others go on hearing the visitor and the chair.
        until_hears(&m1, "member 1", &[VISITOR_HZ], &[CHAIR_HZ]).await;

        // A member of another cell: no audio for them.
        m2.login("dv.a05", DEMO_PASSWORD).await;
        m2.goto(&format!("/meetings/{meeting}")).await;
        let refused = m2
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const started = performance.now();
                 const look = () => {
                   const b = document.getElementById('btn-audio');
                   if (b) { b.click(); return done('tapped'); }
                   if (performance.now() - started > 10000) return done('no button');
                   setTimeout(look, 100);
                 };
                 look();",
                vec![],
            )
            .await
            .expect("look for the audio button");
        // The room does not let them in (the server refuses their socket,
        // and would refuse their offer: server/tests/it/audio.rs).
        assert_eq!(
            refused,
            json!("no button"),
            "a member of another cell is offered the meeting's audio"
        );
        let (floor, chair_slot) = hears(&m2).await;
        assert!(
            floor.is_empty() && chair_slot.is_empty(),
            "a member of another cell hears {floor:?} {chair_slot:?}"
        );
    })
    .await;
    eprintln!("audio end-to-end: {:?}", started.elapsed());
}

/// Keeps every `RTCPeerConnection` the page makes in `window.__pcs` (the app
/// makes them by the global constructor).
const KEEP_PEER_CONNECTIONS: &str = "if (!window.__pcs) {
  window.__pcs = [];
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Original {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  };
}";

/// The page's live peer connection: its configuration, the selected
/// candidate pair's two ends and what its transport received, and the types
/// of all its local candidates, from `getStats`.
const PATH: &str = "const done = arguments[arguments.length - 1];
const pc = (window.__pcs || []).filter(p => p.connectionState === 'connected').pop();
if (!pc) return done({error: 'no connected peer connection'});
pc.getStats().then(stats => {
  const byId = {};
  stats.forEach(r => { byId[r.id] = r; });
  let pair = null;
  let received = 0;
  const types = [];
  stats.forEach(r => {
    if (r.type === 'transport' && r.selectedCandidatePairId) {
      pair = byId[r.selectedCandidatePairId];
      received = r.bytesReceived;
    }
    if (r.type === 'local-candidate') types.push(r.candidateType);
  });
  const local = pair && byId[pair.localCandidateId];
  const remote = pair && byId[pair.remoteCandidateId];
  const config = pc.getConfiguration();
  done({
    policy: config.iceTransportPolicy,
    servers: config.iceServers.map(s => [].concat(s.urls)),
    local: local ? local.candidateType : null,
    relay_protocol: local ? (local.relayProtocol || null) : null,
    remote: remote ? remote.address + ':' + remote.port : null,
    received,
    local_types: [...new Set(types)],
  });
}, e => done({error: String(e)}));";

/// Phones whose network lets no UDP through to the media port: the server
/// hands out TURN credentials with the welcome and tells browsers to relay
/// only; two browsers hear each other through a real coturn, and the path
/// each one uses is the relay's.
#[tokio::test(flavor = "multi_thread")]
async fn relay_only_audio_goes_through_the_turn_server() {
    let started = Instant::now();
    let turn = TurnServer::start().await;
    let turn_url = format!("turn:127.0.0.1:{}?transport=udp", turn.port);
    let server = Server::start_with_turn(&turn, true);
    let (meeting, member_1) = register_meeting(&server).await;
    let options = BrowserOptions {
        media: true,
        ..BrowserOptions::default()
    };
    with_browsers_options(&server, 2, options, move |browsers| async move {
        let [chair, m1]: [Browser; 2] = browsers.try_into().ok().expect("two browsers");
        open_room(&chair, "bithu.b", meeting).await;
        chair.click("#btn-open").await;
        chair.click("#btn-open-early").await;
        chair.find("#current-item").await;
        open_room(&m1, "dv.b05", meeting).await;
        for b in [&chair, &m1] {
            b.client
                .execute(KEEP_PEER_CONNECTIONS, vec![])
                .await
                .expect("watch the peer connections");
        }
        join_audio(&chair, CHAIR_HZ).await;
        join_audio(&m1, MEMBER_1_HZ).await;

        chair.click("#btn-mic-on").await;
        chair.find("#mic-level").await;
        until_hears(&m1, "member 1", &[], &[CHAIR_HZ]).await;
        m1.click("#btn-checkin").await;
        m1.click("#btn-hand").await;
        give_floor(&chair, &member_1).await;
        m1.wait_text("#audio", "Bật micro để phát biểu").await;
        m1.click("#btn-mic-on").await;
        m1.find("#mic-level").await;
        until_hears(&chair, "the chair", &[MEMBER_1_HZ], &[]).await;
        until_hears(&m1, "member 1", &[], &[CHAIR_HZ]).await;

        for (b, who) in [(&chair, "the chair"), (&m1, "member 1")] {
            let path = b
                .client
                .execute_async(PATH, vec![])
                .await
                .unwrap_or_else(|e| panic!("read {who}'s connection: {e}"));
            assert_eq!(path["policy"], "relay", "{who}: {path}");
            assert_eq!(path["servers"], json!([[turn_url]]), "{who}: {path}");
            assert_eq!(
                path["local"], "relay",
                "{who}'s audio does not go through the TURN server: {path}"
            );
            assert_eq!(path["relay_protocol"], "udp", "{who}: {path}");
            assert_eq!(path["local_types"], json!(["relay"]), "{who}: {path}");
            assert!(
                path["received"].as_u64().unwrap_or(0) > 1000,
                "{who} received next to nothing through the relay: {path}"
            );
        }
    })
    .await;
    // coturn saw both allocations, with the server's credentials.
    let log = turn.log();
    let allocations = log.matches("ALLOCATE processed, success").count();
    assert!(
        allocations >= 2,
        "coturn allocated {allocations} relays; its log:\n{log}"
    );
    eprintln!("audio through TURN end-to-end: {:?}", started.elapsed());
}
