//! The live meeting's limits: floods, socket counts, hellos, oversized frames,
//! silent peers, idle rooms. One participant must never be able to slow or
//! lock the others out, nor the server keep what nobody uses.

use crate::common;

use common::ws::{Client, Closed};
use common::{Backend, CELL_B, TestServer};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use server::live::LiveConfig;
use shared::live::limits::{
    COMMAND_BURST, COMMANDS_PER_SEC, MAX_SOCKETS_PER_ACCOUNT, SILENT_PEER_SECS,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message;

/// A meeting in cell B, opened by its chair, with the member checked in.
async fn opened(s: &TestServer, member: &str) -> (i64, Client, String) {
    let (id, chair) = s.opened_in_b().await;
    let cookie = s.session_cookie(member).await;
    let mut m = Client::open(&s.base, &cookie, id).await.unwrap();
    m.hello(None).await;
    let r = m.command("in", json!({"type": "check_in"})).await;
    assert_eq!(r["type"], "accepted", "{r}");
    (id, chair, cookie)
}

/// The chair's round trips (send → own answer), spaced so as to stay within
/// the chair's own command rate.
async fn round_trips(chair: &mut Client, tag: &str, n: usize) -> Vec<Duration> {
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        let r = chair
            .command(
                &format!("{tag}-{i}"),
                json!({"type": "move_to", "item": 1 + i % 2}),
            )
            .await;
        times.push(t.elapsed());
        assert_eq!(r["type"], "accepted", "{r}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    times.sort();
    times
}

/// One member raises and withdraws a hand as fast as they can for 5 s,
/// reconnecting whenever the server closes them: the chair's commands keep
/// their latency, and the flood stores no more than the command rate allows.
async fn a_flood_leaves_the_chair_unhurt(b: Backend) {
    let s = TestServer::start(b).await;
    let (id, mut chair, cookie) = opened(&s, "dv.b05").await;
    let rate_from = Instant::now();
    let quiet = round_trips(&mut chair, "quiet", 12).await;

    let stop = Arc::new(AtomicBool::new(false));
    let flooder = {
        let stop = stop.clone();
        let base = s.base.clone();
        tokio::spawn(async move {
            let mut sent = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let Ok(c) = Client::open(&base, &cookie, id).await else {
                    continue;
                };
                let (mut sink, mut stream) = c.socket.split();
                // Read (and drop) whatever comes, so the server never waits on us.
                let reader =
                    tokio::spawn(async move { while let Some(Ok(_)) = stream.next().await {} });
                let hello = json!({"type": "hello", "version": 1, "last_seq": null});
                if sink
                    .send(Message::Text(hello.to_string().into()))
                    .await
                    .is_err()
                {
                    continue;
                }
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let command = if i.is_multiple_of(2) {
                        "raise_hand"
                    } else {
                        "withdraw_hand"
                    };
                    let text = json!({"type": "command", "key": format!("f-{sent}"), "command": {"type": command}});
                    if sink
                        .send(Message::Text(text.to_string().into()))
                        .await
                        .is_err()
                    {
                        break;
                    }
                    i += 1;
                    sent += 1;
                }
                reader.abort();
            }
            sent
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let flood_started = Instant::now();
    let mut flooded = Vec::new();
    while flood_started.elapsed() < Duration::from_secs(5) {
        flooded.extend(round_trips(&mut chair, &format!("flood-{}", flooded.len()), 1).await);
    }
    stop.store(true, Ordering::Relaxed);
    let sent = flooder.await.unwrap();
    let rate_secs = rate_from.elapsed().as_secs_f64();
    flooded.sort();

    let p50 = |t: &[Duration]| t[t.len() / 2];
    let bound = p50(&quiet) * 5 + Duration::from_millis(20);
    assert!(
        p50(&flooded) < bound,
        "the chair's median round trip went from {:?} to {:?} under a flood of {sent} commands",
        p50(&quiet),
        p50(&flooded)
    );
    let (account, _) = s.ids_of("dv.b05").await;
    let stored = s
        .store
        .events_since(shared::MeetingId(id), 0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.account_id == account)
        .count() as f64;
    let allowed = f64::from(COMMAND_BURST) + f64::from(COMMANDS_PER_SEC) * rate_secs + 1.0;
    assert!(
        stored <= allowed,
        "{stored} events stored from {sent} commands in {rate_secs:.1} s; at most {allowed:.0} allowed"
    );
    s.stop().await;
}

/// Ten sockets from one session: the newest three stay, the older ones are
/// closed (so a reload always gets in).
async fn one_session_holds_three_sockets(b: Backend) {
    let s = TestServer::start(b).await;
    let id = s.meeting_in(CELL_B).await;
    let cookie = s.session_cookie("dv.b05").await;
    let mut sockets = Vec::new();
    for _ in 0..10 {
        let mut c = Client::open(&s.base, &cookie, id).await.unwrap();
        c.hello(None).await;
        sockets.push(c);
    }
    let mut keep = sockets.split_off(10 - MAX_SOCKETS_PER_ACCOUNT);
    for mut old in sockets {
        match old.closed(Duration::from_secs(2)).await {
            Closed::Frame(code, reason) => assert_eq!(code, 4409, "{reason}"),
            other => panic!("an older socket stays: {other:?}"),
        }
    }
    for c in keep.iter_mut() {
        c.send(json!({"type": "ping"})).await;
        c.until("pong").await;
    }
    assert_eq!(
        s.live.sockets_in(shared::MeetingId(id)),
        MAX_SOCKETS_PER_ACCOUNT
    );
    s.stop().await;
}

/// A hundred hellos in a row get at most one whole state back.
async fn hellos_are_bounded(b: Backend) {
    let s = TestServer::start(b).await;
    let id = s.meeting_in(CELL_B).await;
    let mut c = s.ws("dv.b05", id).await.unwrap();
    let hello = json!({"type": "hello", "version": 1, "last_seq": null}).to_string();
    for _ in 0..100 {
        if c.socket
            .send(Message::Text(hello.clone().into()))
            .await
            .is_err()
        {
            break;
        }
    }
    let (mut welcomes, mut bytes) = (0, 0);
    let until = Instant::now() + Duration::from_secs(2);
    while let Ok(Some(Ok(msg))) = tokio::time::timeout_at(until.into(), c.socket.next()).await {
        if let Message::Text(t) = msg {
            bytes += t.len();
            welcomes += usize::from(t.starts_with(r#"{"type":"welcome""#));
        }
    }
    assert!(
        welcomes <= 1,
        "{welcomes} welcomes ({bytes} bytes) for 100 hellos"
    );
    s.stop().await;
}

/// A frame over the limit gets a close frame 1009 with a reason, not a dropped connection.
async fn an_oversized_frame_is_closed_with_1009(b: Backend) {
    let s = TestServer::start(b).await;
    let id = s.meeting_in(CELL_B).await;
    let mut c = s.ws("dv.b05", id).await.unwrap();
    c.hello(None).await;
    let big = format!(
        r#"{{"type":"command","key":"big","command":{{"type":"opine","text":"{}","on_behalf_of":null}}}}"#,
        "x".repeat(200 * 1024)
    );
    let _ = c.socket.send(Message::Text(big.into())).await;
    match c.closed(Duration::from_secs(5)).await {
        Closed::Frame(code, reason) => {
            assert_eq!(code, 1009, "{reason}");
            assert!(!reason.is_empty());
        }
        other => panic!("no close frame: {other:?}"),
    }
    s.stop().await;
}

/// A TCP relay between a client and the server that can go silent, as a
/// network that drops without a word; it tells when the server hung up.
struct Relay {
    addr: std::net::SocketAddr,
    silent: Arc<AtomicBool>,
    server_closed: tokio::sync::watch::Receiver<Option<Instant>>,
}

impl Relay {
    async fn start(to: std::net::SocketAddr) -> Relay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let silent = Arc::new(AtomicBool::new(false));
        let (closed_tx, server_closed) = tokio::sync::watch::channel(None);
        let quiet = silent.clone();
        tokio::spawn(async move {
            let (client, _) = listener.accept().await.unwrap();
            let server = tokio::net::TcpStream::connect(to).await.unwrap();
            let (mut cr, mut cw) = client.into_split();
            let (mut sr, mut sw) = server.into_split();
            let up_quiet = quiet.clone();
            // Client → server, until the network goes silent.
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                while let Ok(n) = cr.read(&mut buf).await {
                    if n == 0 || up_quiet.load(Ordering::Relaxed) {
                        break;
                    }
                    if sw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
                // Keep the server's side open: a silent drop sends no FIN.
                std::future::pending::<()>().await;
                drop(sw);
            });
            // Server → client, dropped once silent; the server's hang-up is noted.
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                match sr.read(&mut buf).await {
                    Ok(0) | Err(_) => {
                        let _ = closed_tx.send(Some(Instant::now()));
                        return;
                    }
                    Ok(n) => {
                        if !quiet.load(Ordering::Relaxed) {
                            let _ = cw.write_all(&buf[..n]).await;
                        }
                    }
                }
            }
        });
        Relay {
            addr,
            silent,
            server_closed,
        }
    }
}

/// A connection that goes silent (no close, no FIN) is closed by the server
/// within the silent-peer time, and leaves the room.
async fn a_silent_peer_is_closed(b: Backend) {
    let s = TestServer::start(b).await;
    let id = s.meeting_in(CELL_B).await;
    let server_addr: std::net::SocketAddr = s.base.trim_start_matches("http://").parse().unwrap();
    let relay = Relay::start(server_addr).await;
    let cookie = s.session_cookie("dv.b05").await;
    let mut c = Client::open(&format!("http://{}", relay.addr), &cookie, id)
        .await
        .unwrap();
    c.hello(None).await;
    let meeting = shared::MeetingId(id);
    assert_eq!(s.live.sockets_in(meeting), 1);
    relay.silent.store(true, Ordering::Relaxed);
    let went_silent = Instant::now();
    let mut closed = relay.server_closed.clone();
    let limit = Duration::from_secs(u64::from(SILENT_PEER_SECS) + 2);
    let at = tokio::time::timeout(limit, closed.wait_for(Option::is_some))
        .await
        .unwrap_or_else(|_| panic!("the server still holds a silent connection after {limit:?}"))
        .unwrap()
        .unwrap();
    let after = at - went_silent;
    assert!(
        after >= Duration::from_secs(u64::from(SILENT_PEER_SECS) - 1),
        "closed after {after:?}: too early for a peer that was only quiet"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(s.live.sockets_in(meeting), 0, "the room let the socket go");
    drop(c);
    s.stop().await;
}

/// A room nobody is connected to is freed after the idle time, minutes
/// requests included, and comes back from storage as it was.
async fn idle_rooms_are_freed_and_reloaded(b: Backend) {
    let s = TestServer::start_live(
        b,
        LiveConfig {
            room_idle: Duration::from_millis(300),
            ..LiveConfig::default()
        },
    )
    .await;
    let meeting = s.meeting_in(CELL_B).await;
    let id = shared::MeetingId(meeting);
    let mut chair = s.ws("bithu.b", meeting).await.unwrap();
    chair.hello(None).await;
    chair.command("open", json!({"type": "open"})).await;
    chair
        .command(
            "note",
            json!({"type": "edit_minutes", "text": "Biên bản đang ghi."}),
        )
        .await;
    let head = s.live.room_head(id).await.expect("a room while connected");
    drop(chair);
    let http = s.login("bithu.b").await;
    let minutes_url = s.url(&format!("/api/meetings/{meeting}/minutes"));
    assert_eq!(http.get(&minutes_url).send().await.unwrap().status(), 200);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!s.live.has_room(id), "the idle room was freed");
    // The minutes are drawn from storage without keeping a room.
    assert_eq!(http.get(&minutes_url).send().await.unwrap().status(), 200);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!s.live.has_room(id), "a minutes request keeps no room");

    let mut chair = s.ws("bithu.b", meeting).await.unwrap();
    let welcome = chair.hello(None).await;
    assert_eq!(welcome["snapshot"]["seq"].as_u64(), Some(head.0));
    assert_eq!(
        s.live.room_head(id).await,
        Some(head),
        "same seq, same hash"
    );
    s.stop().await;
}

on_both_backends!(
    a_flood_leaves_the_chair_unhurt,
    one_session_holds_three_sockets,
    hellos_are_bounded,
    an_oversized_frame_is_closed_with_1009,
    a_silent_peer_is_closed,
    idle_rooms_are_freed_and_reloaded
);
