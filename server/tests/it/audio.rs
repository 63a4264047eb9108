//! The meeting's audio against the real server: each participant is a
//! WebRTC peer (str0m as the client, as a browser would be: a send-only
//! microphone, then the floor's and the chair's receive-only sections) that
//! signals over its live socket and sends its own marked packets at 50 a
//! second. Who hears whom must follow the floor, the chair and the mute.

use crate::common;

use common::ws::{Client, Closed};
use common::{Backend, CELL_B, TestServer};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use server::config::Settings;
use server::media::{MediaConfig, TurnConfig};
use shared::live::limits::TURN_CREDENTIAL_SECS;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use str0m::change::SdpAnswer;
use str0m::format::Codec;
use str0m::media::{Direction, MediaKind, MediaTime, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::net::UdpSocket;

async fn server(b: Backend) -> TestServer {
    TestServer::start_with(b, with_media()).await
}

fn with_media() -> Settings {
    Settings {
        media: Some(MediaConfig {
            udp: "127.0.0.1:0".parse().unwrap(),
            public_ip: None,
            required: true,
            turn: None,
        }),
        ..Settings::default()
    }
}

/// What one peer heard: (when, slot, the sender's mark).
type Heard = Arc<Mutex<Vec<(Instant, usize, u8)>>>;

/// A participant with audio: the live socket, and a task driving its `Rtc`.
struct Peer {
    ws: Client,
    heard: Heard,
    connected: Arc<AtomicBool>,
    /// Set when the server closed the DTLS connection.
    closed: Arc<Mutex<Option<Instant>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Sends the offer over the socket; the answer or the refusal.
async fn offer(ws: &mut Client, sdp: &str) -> Value {
    ws.send(json!({"type": "audio_offer", "sdp": sdp})).await;
    loop {
        let v = ws.next().await;
        if matches!(v["type"].as_str(), Some("audio_answer" | "audio_refused")) {
            return v;
        }
    }
}

/// Joins the audio as a browser does; every packet it sends carries `mark`.
async fn join(mut ws: Client, mark: u8) -> Peer {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let local = socket.local_addr().unwrap();
    let mut rtc = Rtc::builder()
        .clear_codecs()
        .enable_opus(true, true)
        .build(Instant::now());
    rtc.add_local_candidate(Candidate::host(local, "udp").unwrap());
    let mut api = rtc.sdp_api();
    let mic = api.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
    let floor = api.add_media(MediaKind::Audio, Direction::RecvOnly, None, None, None);
    let chair = api.add_media(MediaKind::Audio, Direction::RecvOnly, None, None, None);
    let (sdp, pending) = api.apply().unwrap();
    let answer = offer(&mut ws, &sdp.to_sdp_string()).await;
    assert_eq!(answer["type"], "audio_answer", "{answer}");
    let answer = SdpAnswer::from_sdp_string(answer["sdp"].as_str().unwrap()).unwrap();
    rtc.sdp_api().accept_answer(pending, answer).unwrap();
    let heard = Heard::default();
    let connected = Arc::new(AtomicBool::new(false));
    let closed = Arc::new(Mutex::new(None));
    let task = tokio::spawn(drive(
        rtc,
        socket,
        local,
        mark,
        mic,
        [floor, chair],
        (heard.clone(), connected.clone(), closed.clone()),
    ));
    let mut peer = Peer {
        ws,
        heard,
        connected,
        closed,
        task,
    };
    // The server says so too.
    loop {
        let v = peer.ws.until("audio").await;
        if v["connection"] == "connected" {
            break;
        }
    }
    assert!(
        wait_for(
            || peer.connected.load(Ordering::Relaxed),
            Duration::from_secs(5)
        )
        .await
    );
    peer
}

/// The client's loop: datagrams in, timers, and a 20 ms Opus frame out.
async fn drive(
    mut rtc: Rtc,
    socket: UdpSocket,
    local: SocketAddr,
    mark: u8,
    mic: Mid,
    slots: [Mid; 2],
    (heard, connected, closed): (Heard, Arc<AtomicBool>, Arc<Mutex<Option<Instant>>>),
) {
    let mut buf = vec![0u8; 2048];
    let mut frames = tokio::time::interval(Duration::from_millis(20));
    let mut rtp_time: u64 = 123_456;
    let mut deadline: Instant;
    loop {
        // Drain.
        loop {
            match rtc.poll_output() {
                Ok(Output::Timeout(t)) => {
                    deadline = t;
                    break;
                }
                Ok(Output::Transmit(t)) => {
                    let _ = socket.try_send_to(&t.contents, t.destination);
                }
                Ok(Output::Event(e)) => match e {
                    Event::Connected => connected.store(true, Ordering::Relaxed),
                    Event::MediaData(d) => {
                        if let Some(slot) = slots.iter().position(|m| *m == d.mid) {
                            let first = d.data.first().copied().unwrap_or(0);
                            heard.lock().unwrap().push((Instant::now(), slot, first));
                        }
                    }
                    Event::Closed => {
                        closed.lock().unwrap().get_or_insert(Instant::now());
                    }
                    _ => {}
                },
                Err(_) => {
                    closed.lock().unwrap().get_or_insert(Instant::now());
                    return;
                }
            }
        }
        if !rtc.is_alive() {
            closed.lock().unwrap().get_or_insert(Instant::now());
            return;
        }
        tokio::select! {
            r = socket.recv_from(&mut buf) => {
                let Ok((n, source)) = r else { continue };
                let Ok(contents) = buf[..n].try_into() else { continue };
                let input = Input::Receive(Instant::now(), Receive { proto: Protocol::Udp, source, destination: local, contents });
                let _ = rtc.handle_input(input);
            }
            _ = frames.tick() => {
                if connected.load(Ordering::Relaxed) {
                    let Some(writer) = rtc.writer(mic) else { continue };
                    let Some(pt) = writer
                        .payload_params()
                        .find(|p| p.spec().codec == Codec::Opus)
                        .map(|p| p.pt()) else { continue };
                    let _ = writer.write(pt, Instant::now(), MediaTime::new(rtp_time, str0m::media::Frequency::FORTY_EIGHT_KHZ), vec![mark; 60]);
                    rtp_time += 960;
                } else {
                    let _ = rtc.handle_input(Input::Timeout(Instant::now()));
                }
            }
            () = tokio::time::sleep_until(tokio::time::Instant::from_std(deadline)) => {
                let _ = rtc.handle_input(Input::Timeout(Instant::now()));
            }
        }
    }
}

async fn wait_for(mut ok: impl FnMut() -> bool, within: Duration) -> bool {
    let until = Instant::now() + within;
    while Instant::now() < until {
        if ok() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    ok()
}

impl Peer {
    /// The marks heard in each slot since `from`.
    fn heard_since(&self, from: Instant) -> [Vec<u8>; 2] {
        let mut out = [Vec::new(), Vec::new()];
        for (at, slot, mark) in self.heard.lock().unwrap().iter() {
            if *at >= from {
                out[*slot].push(*mark);
            }
        }
        out
    }
}

/// Listens for a second and says what each slot carried (each mark once).
async fn one_second(peers: &[&Peer]) -> Vec<[Vec<u8>; 2]> {
    let from = Instant::now();
    tokio::time::sleep(Duration::from_secs(1)).await;
    peers
        .iter()
        .map(|p| {
            let mut heard = p.heard_since(from);
            for slot in &mut heard {
                slot.sort_unstable();
                slot.dedup();
            }
            heard
        })
        .collect()
}

const CHAIR: u8 = 1;
const A: u8 = 2;
const B: u8 = 3;
const LISTENER: u8 = 4;

async fn member(s: &TestServer, username: &str) -> Value {
    let (_, member) = s.ids_of(username).await;
    json!({"kind": "member", "id": member.unwrap().0})
}

async fn the_floor_is_heard_and_nobody_else(b: Backend) {
    let s = server(b).await;
    let (id, mut chair) = s.opened_in_b().await;
    let mut sockets = Vec::new();
    let listener_cookie = s.session_cookie("dv.b07").await;
    for name in ["dv.b05", "dv.b06", "dv.b07"] {
        let mut ws = if name == "dv.b07" {
            Client::open(&s.base, &listener_cookie, id).await.unwrap()
        } else {
            s.ws(name, id).await.unwrap()
        };
        ws.hello(None).await;
        assert_eq!(
            ws.command("in", json!({"type": "check_in"})).await["type"],
            "accepted"
        );
        sockets.push(ws);
    }
    let (a, b_) = (member(&s, "dv.b05").await, member(&s, "dv.b06").await);
    let r = chair
        .command("floor-a", json!({"type": "give_floor", "speaker": a}))
        .await;
    assert_eq!(r["type"], "accepted", "{r}");

    let mut listener = join(sockets.pop().unwrap(), LISTENER).await;
    let pb = join(sockets.pop().unwrap(), B).await;
    let pa = join(sockets.pop().unwrap(), A).await;
    let mut pc = join(chair, CHAIR).await;
    let started = Instant::now();
    // Everyone's microphone is on; the server decides who is heard.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let heard = one_second(&[&pc, &pa, &pb, &listener]).await;
    let [c, ha, hb, hl] = &heard[..] else {
        unreachable!()
    };
    assert_eq!(hl, &[vec![A], vec![CHAIR]], "the listener");
    assert_eq!(
        hb,
        &[vec![A], vec![CHAIR]],
        "member B, who has not the floor"
    );
    assert_eq!(
        ha,
        &[vec![], vec![CHAIR]],
        "the speaker hears the chair only"
    );
    assert_eq!(c, &[vec![A], vec![]], "the chair hears the speaker only");
    // About 50 packets a second in each slot, not a trickle.
    let n = listener
        .heard_since(started + Duration::from_millis(300))
        .map(|v| v.len());
    assert!(n[0] >= 35 && n[1] >= 35, "packets in a second: {n:?}");
    let stats = s.live.media_stats().unwrap();
    assert_eq!(stats.peers, 4);
    assert!(
        stats.dropped > 0,
        "B's and the listener's packets are dropped: {stats:?}"
    );

    // The floor moves to B: the same slot, the new voice, no new offer.
    let moved = Instant::now();
    let r = pc
        .ws
        .command("floor-b", json!({"type": "give_floor", "speaker": b_}))
        .await;
    assert_eq!(r["type"], "accepted", "{r}");
    let route = listener.ws.until("audio").await;
    assert_eq!(route["route"]["floor"], b_, "{route}");
    assert!(
        wait_for(
            || listener
                .heard_since(moved)
                .first()
                .is_some_and(|s| s.contains(&B)),
            Duration::from_secs(1)
        )
        .await,
        "B heard within a second of the floor moving"
    );
    let heard = one_second(&[&pa, &listener]).await;
    assert_eq!(heard[0], [vec![B], vec![CHAIR]], "A now listens");
    assert_eq!(heard[1], [vec![B], vec![CHAIR]], "the listener");

    // The chair mutes the floor: B keeps it, and is not heard.
    let r = pc
        .ws
        .command("mute", json!({"type": "mute_floor", "muted": true}))
        .await;
    assert_eq!(r["type"], "accepted", "{r}");
    let route = listener.ws.until("audio").await;
    assert_eq!(route["route"]["floor_muted"], true, "{route}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let heard = one_second(&[&listener]).await;
    assert_eq!(heard[0], [vec![], vec![CHAIR]], "the muted floor is silent");
    let r = pc
        .ws
        .command("unmute", json!({"type": "mute_floor", "muted": false}))
        .await;
    assert_eq!(r["type"], "accepted", "{r}");

    // The listener's account logs out: its socket closes, and its audio
    // stops within a second.
    let logout = Instant::now();
    let res = s
        .http_with(&listener_cookie)
        .post(s.url("/api/auth/logout"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    match listener.ws.closed(Duration::from_secs(1)).await {
        Closed::Frame(code, _) => assert_eq!(code, 4401),
        other => panic!("the socket stays: {other:?}"),
    }
    let left = Duration::from_secs(1).saturating_sub(logout.elapsed());
    assert!(
        wait_for(|| s.live.media_stats().unwrap().peers == 3, left).await,
        "the peer is gone within a second of the logout"
    );
    let left = Duration::from_secs(1).saturating_sub(logout.elapsed());
    assert!(
        wait_for(|| listener.closed.lock().unwrap().is_some(), left).await,
        "the listener's connection is closed by the server within a second"
    );
    let gone = Instant::now();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        listener.heard_since(gone),
        [Vec::<u8>::new(), Vec::new()],
        "nothing after the close"
    );
    // The others go on.
    let heard = one_second(&[&pa]).await;
    assert_eq!(heard[0], [vec![B], vec![CHAIR]]);
    drop((pb, pc));
}

#[tokio::test]
async fn the_floor_is_heard_and_nobody_else_sqlite() {
    the_floor_is_heard_and_nobody_else(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_floor_is_heard_and_nobody_else_postgres() {
    the_floor_is_heard_and_nobody_else(Backend::Postgres).await;
}

/// A browser's offer (microphone, floor, chair), for the refusals.
fn browser_offer() -> String {
    let mut rtc = Rtc::builder()
        .clear_codecs()
        .enable_opus(true, true)
        .build(Instant::now());
    rtc.add_local_candidate(Candidate::host("127.0.0.1:9".parse().unwrap(), "udp").unwrap());
    let mut api = rtc.sdp_api();
    api.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
    api.add_media(MediaKind::Audio, Direction::RecvOnly, None, None, None);
    api.add_media(MediaKind::Audio, Direction::RecvOnly, None, None, None);
    api.apply().unwrap().0.to_sdp_string()
}

/// Only the meeting's participants get media; a bad offer is refused with
/// its reason and the socket stays.
#[tokio::test]
async fn media_only_for_the_meeting_s_participants() {
    let s = server(Backend::Sqlite).await;
    let (id, _chair) = s.opened_in_b().await;

    // A member of another cell: no socket, so no offer at all.
    let other = s.ws("dv.a05", id).await;
    assert!(matches!(other, Err(403 | 404)), "{:?}", other.err());

    // The upper-level visitor, before recording their presence.
    let mut visitor = s.ws("capuy.khoi", id).await.unwrap();
    visitor.hello(None).await;
    let r = offer(&mut visitor, &browser_offer()).await;
    assert_eq!(r["type"], "audio_refused", "{r}");
    assert_eq!(r["reason"]["code"], "visitor_not_arrived");
    assert!(!r["message"].as_str().unwrap().is_empty());

    // Not SDP; then too soon after it.
    let mut m = s.ws("dv.b04", id).await.unwrap();
    m.hello(None).await;
    let r = offer(&mut m, "v=0\r\nm=audio x\r\n\u{0}").await;
    assert_eq!(r["reason"]["code"], "bad_offer", "{r}");
    let r = offer(&mut m, &browser_offer()).await;
    assert_eq!(r["reason"]["code"], "too_soon", "{r}");
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let r = offer(&mut m, &browser_offer()).await;
    assert_eq!(r["type"], "audio_answer", "{r}");
    let answer = r["sdp"].as_str().unwrap();
    assert!(answer.contains("a=ice-lite"), "{r}");
    // The offer asked for str0m's standard extensions; the answer keeps the
    // level and the MID, and no congestion-control feedback.
    assert!(
        answer.contains("urn:ietf:params:rtp-hdrext:ssrc-audio-level"),
        "{r}"
    );
    assert!(
        answer.contains("urn:ietf:params:rtp-hdrext:sdes:mid"),
        "{r}"
    );
    assert!(!answer.contains("transport-wide-cc"), "{r}");
    assert!(!answer.contains("abs-send-time"), "{r}");
    // The socket still works.
    assert_eq!(
        m.command("in", json!({"type": "check_in"})).await["type"],
        "accepted"
    );
    assert_eq!(s.live.media_stats().unwrap().peers, 1);
    m.send(json!({"type": "audio_stop"})).await;
    assert!(
        wait_for(
            || s.live.media_stats().unwrap().peers == 0,
            Duration::from_secs(1)
        )
        .await
    );

    // A server without audio says so.
    let plain = TestServer::start(Backend::Sqlite).await;
    let id = plain.meeting_in(CELL_B).await;
    let mut m = plain.ws("dv.b04", id).await.unwrap();
    m.hello(None).await;
    let r = offer(&mut m, &browser_offer()).await;
    assert_eq!(r["reason"]["code"], "unavailable", "{r}");
}

/// Two instances on one PostgreSQL, each with its own media port: the
/// meeting's audio runs on the instance that got its first offer, and the
/// members whose sockets are on the other are heard and hear through it. A
/// socket closing on the other instance ends its peer on the host at once;
/// a host that cannot be reached is taken over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_meeting_s_audio_across_two_instances() {
    let a = server(Backend::Postgres).await;
    let b = a.second_instance_with(with_media()).await;
    let (id, chair) = a.opened_in_b().await;
    let mut sockets = Vec::new();
    for name in ["dv.b05", "dv.b06"] {
        let mut ws = b.ws(name, id).await.unwrap();
        ws.hello(None).await;
        assert_eq!(
            ws.command("in", json!({"type": "check_in"})).await["type"],
            "accepted"
        );
        sockets.push(ws);
    }
    let speaker = member(&b, "dv.b05").await;
    let mut pc = join(chair, CHAIR).await;
    let r = pc
        .ws
        .command("floor", json!({"type": "give_floor", "speaker": speaker}))
        .await;
    assert_eq!(r["type"], "accepted", "{r}");
    let listener = join(sockets.pop().unwrap(), LISTENER).await;
    let mut on_b = join(sockets.pop().unwrap(), A).await;
    // The route reached B's socket from the host, after the join.
    assert_eq!(
        (
            a.live.media_stats().unwrap().peers,
            b.live.media_stats().unwrap().peers
        ),
        (3, 0),
        "every peer on the host, A"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let heard = one_second(&[&pc, &on_b, &listener]).await;
    assert_eq!(
        heard[0],
        [vec![A], vec![]],
        "the chair on A hears the member on B"
    );
    assert_eq!(
        heard[1],
        [vec![], vec![CHAIR]],
        "the member on B hears the chair"
    );
    assert_eq!(
        heard[2],
        [vec![A], vec![CHAIR]],
        "the listener on B hears both"
    );

    // The floor ends on A: B's socket hears of it through the host.
    let r = pc
        .ws
        .command("end-floor", json!({"type": "end_floor"}))
        .await;
    assert_eq!(r["type"], "accepted", "{r}");
    let word = on_b.ws.until("audio").await;
    assert_eq!(word["route"]["floor"], Value::Null, "{word}");

    // The listener's socket on B goes: its peer on A ends within a second.
    let gone = Instant::now();
    drop(listener);
    assert!(
        wait_for(
            || a.live.media_stats().unwrap().peers == 2,
            Duration::from_secs(1)
        )
        .await,
        "peers on A after {:?}: {:?}",
        gone.elapsed(),
        a.live.media_stats()
    );

    // The host's address no longer answers: the next offer from B takes the
    // meeting's audio over, and B runs it.
    a.exec(&format!(
        "UPDATE live_media_hosts SET host = 'http://127.0.0.1:9' WHERE meeting_id = {id}"
    ))
    .await;
    let mut ws = b.ws("dv.b07", id).await.unwrap();
    ws.hello(None).await;
    let late = join(ws, LISTENER).await;
    assert_eq!(b.live.media_stats().unwrap().peers, 1, "the new peer on B");

    // A relay not signed with the instances' key gets no peer: a forged
    // join, a real one signed under another key, an old one.
    let other_key = server::media::cluster::RelayKey::new("not the instances' key");
    let at = server::media::cluster::unix_now();
    let speaker: shared::live::state::Speaker =
        serde_json::from_value(member(&b, "dv.b04").await).unwrap();
    let forged = [
        json!({"meeting": id, "speaker": speaker, "sdp": browser_offer(), "at": at, "mac": "00"}),
        serde_json::to_value(other_key.seal(shared::MeetingId(id), speaker, &browser_offer(), at))
            .unwrap(),
        json!("not a join"),
    ];
    for join in forged {
        let url = b.url("/api/live/relay").replacen("http", "ws", 1);
        let (mut relay, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        relay
            .send(tokio_tungstenite::tungstenite::Message::text(
                join.to_string(),
            ))
            .await
            .unwrap();
        let answer = tokio::time::timeout(Duration::from_secs(5), relay.next()).await;
        assert!(
            matches!(
                answer,
                Ok(None
                    | Some(Err(_))
                    | Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_))))
            ),
            "{join}: {answer:?}"
        );
    }
    assert_eq!(b.live.media_stats().unwrap().peers, 1, "no peer for them");
    drop((late, on_b, pc));
}

/// The first offers of a meeting made on two instances at the same moment:
/// one instance claims the meeting's audio, the other relays to it, and the
/// two hear each other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_offers_on_two_instances_at_once_meet_on_one_host() {
    let a = server(Backend::Postgres).await;
    let b = a.second_instance_with(with_media()).await;
    let (id, chair) = a.opened_in_b().await;
    let mut ws = b.ws("dv.b05", id).await.unwrap();
    ws.hello(None).await;
    let (pc, pm) = tokio::join!(join(chair, CHAIR), join(ws, LISTENER));
    let peers = (
        a.live.media_stats().unwrap().peers,
        b.live.media_stats().unwrap().peers,
    );
    assert!(
        peers == (2, 0) || peers == (0, 2),
        "peers on A and B: {peers:?}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let heard = one_second(&[&pm]).await;
    assert_eq!(
        heard[0],
        [vec![], vec![CHAIR]],
        "the member on B hears the chair on A"
    );
    drop((pc, pm));
}

const TURN_URLS: [&str; 2] = [
    "turn:turn.chibo.test:3478?transport=udp",
    "turns:turn.chibo.test:5349?transport=tcp",
];

/// A server whose audio goes through a TURN server only.
async fn server_with_turn() -> (TestServer, TurnConfig) {
    let urls = TURN_URLS.map(String::from);
    let turn = TurnConfig::from_flags(&urls, Some("bí-mật-chung"), true)
        .expect("valid")
        .expect("a TURN server");
    let s = TestServer::start_with(
        Backend::Sqlite,
        Settings {
            media: Some(MediaConfig {
                udp: "127.0.0.1:0".parse().unwrap(),
                public_ip: None,
                required: true,
                turn: Some(turn.clone()),
            }),
            ..Settings::default()
        },
    )
    .await;
    (s, turn)
}

/// TURN credentials come with each welcome, made for the account that
/// said hello and for nobody else; a member of another cell gets no socket,
/// so none; a server without TURN sends none.
#[tokio::test]
async fn turn_credentials_come_with_the_welcome_to_each_participant() {
    let (s, turn) = server_with_turn().await;
    let (id, mut chair) = s.opened_in_b().await;
    let mut m = s.ws("dv.b04", id).await.unwrap();
    let before = chrono::Utc::now().timestamp();
    let welcome = m.hello(None).await;
    let after = chrono::Utc::now().timestamp();
    let got = &welcome["turn"];
    assert_eq!(got["urls"], json!(TURN_URLS), "{welcome}");
    assert_eq!(got["relay_only"], true);
    // `<expiry>:<account id>`, the expiry TURN_CREDENTIAL_SECS ahead.
    let (account, _) = s.ids_of("dv.b04").await;
    let username = got["username"].as_str().expect("a username");
    let (expiry, named) = username.split_once(':').expect("expiry:account");
    assert_eq!(named, account.to_string());
    let expiry: i64 = expiry.parse().expect("Unix seconds");
    let ttl = i64::from(TURN_CREDENTIAL_SECS);
    assert!(
        (before + ttl..=after + ttl).contains(&expiry),
        "{expiry} not {ttl} s after {before}..{after}"
    );
    let made = turn.credentials(account, expiry - ttl);
    assert_eq!(got["username"], made.username);
    assert_eq!(got["credential"], made.credential);
    let credential = made.credential;

    // The chair's socket never carries the member's credentials.
    assert_eq!(
        m.command("in", json!({"type": "check_in"})).await["type"],
        "accepted"
    );
    while let Some(v) = chair.next_quiet().await {
        assert!(!v.to_string().contains(&credential), "{v}");
    }
    // Its own are for its own account.
    let chair_welcome = s.ws("bithu.b", id).await.unwrap().hello(None).await;
    let (chair_account, _) = s.ids_of("bithu.b").await;
    let chair_user = chair_welcome["turn"]["username"].as_str().unwrap();
    assert!(
        chair_user.ends_with(&format!(":{chair_account}")),
        "{chair_user}"
    );
    assert_ne!(chair_welcome["turn"]["credential"], credential.as_str());

    // A member of another cell: no socket, so no welcome and no credentials.
    let other = s.ws("dv.a05", id).await;
    assert!(matches!(other, Err(403 | 404)), "{:?}", other.err());

    // A server without TURN sends none.
    let plain = server(Backend::Sqlite).await;
    let id = plain.meeting_in(CELL_B).await;
    let mut m = plain.ws("dv.b04", id).await.unwrap();
    let welcome = m.hello(None).await;
    assert_eq!(welcome["type"], "welcome");
    assert!(welcome.get("turn").is_none(), "{welcome}");
}
