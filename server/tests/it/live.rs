//! The live meeting over real WebSockets, on SQLite and on PostgreSQL.

use crate::common;

use common::{Backend, CELL_B, TestServer};
use futures_util::SinkExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

/// A meeting in cell B: chaired by its secretary, minutes by its deputy.
async fn meeting_in_b(s: &TestServer) -> i64 {
    let b = s.org_id(CELL_B).await;
    let roll = s.store.members_of(shared::OrgId(b)).await.unwrap();
    let draft = shared::meeting::MeetingDraft {
        kind: shared::meeting::MeetingKind::Regular,
        title: "Sinh hoạt thường kỳ".into(),
        starts_at: chrono::Utc::now().naive_utc(),
        mode: shared::meeting::MeetingMode::Online,
        place: String::new(),
        video_link: "https://hop.example.vn/b".into(),
        chair_id: Some(roll[0].id),
        secretary_id: Some(roll[1].id),
        agenda: shared::meeting::standard_agenda(shared::meeting::MeetingKind::Regular),
    };
    s.store
        .create_meeting(shared::OrgId(b), &draft, chrono::Utc::now().naive_utc())
        .await
        .unwrap()
        .id
        .0
}

async fn a_meeting_held_over_websockets(b: Backend) {
    let s = TestServer::start(b).await;
    let id = meeting_in_b(&s).await;
    let mut chair = s.ws("bithu.b", id).await.unwrap();
    let mut member = s.ws("dv.b05", id).await.unwrap();
    let mut probationary = s.ws("dv.b12", id).await.unwrap();
    let mut visitor = s.ws("capuy.khoi", id).await.unwrap();

    // Commands before the hello are refused; the connection stays.
    member
        .send(json!({"type": "command", "key": "early", "command": {"type": "check_in"}}))
        .await;
    assert_eq!(member.until("error").await["code"], "hello_first");

    let welcome = chair.hello(None).await;
    assert_eq!(welcome["you"]["is_chair"], true);
    assert_eq!(welcome["snapshot"]["phase"], "not_started");
    for c in [&mut member, &mut probationary, &mut visitor] {
        c.hello(None).await;
    }
    assert_eq!(visitor.seen.len(), 0);

    let r = member.command("m-open", json!({"type": "open"})).await;
    assert_eq!(r["type"], "rejected");
    assert_eq!(r["message"], "Chỉ người chủ trì mới làm được việc này.");
    let r = member.command("m-early", json!({"type": "check_in"})).await;
    assert_eq!(r["message"], "Buổi sinh hoạt chưa bắt đầu.");
    let r = chair.command("c-open", json!({"type": "open"})).await;
    assert_eq!(
        (r["type"].as_str(), r["seq"].as_u64()),
        (Some("accepted"), Some(1))
    );
    let ev = member.until("events").await;
    assert_eq!(ev["events"][0]["event"]["type"], "opened");

    // Everyone checks in; the roll call reaches the others.
    for (c, key) in [
        (&mut chair, "c-in"),
        (&mut member, "m-in"),
        (&mut probationary, "p-in"),
    ] {
        assert_eq!(
            c.command(key, json!({"type": "check_in"})).await["type"],
            "accepted"
        );
    }
    for i in [2, 3, 4, 6, 7, 8, 9, 10, 11] {
        let mid = s
            .store
            .members_of(shared::OrgId(s.org_id(CELL_B).await))
            .await
            .unwrap()[i - 1]
            .id
            .0;
        let r = chair
            .command(
                &format!("mark-{i}"),
                json!({"type": "mark", "mark": {"member_id": mid, "presence": "in_person"}}),
            )
            .await;
        assert_eq!(r["type"], "accepted", "{r}");
    }

    // A retried command (same key) is applied once.
    let first = chair
        .command("move-1", json!({"type": "move_to", "item": 1}))
        .await;
    let again = chair
        .command("move-1", json!({"type": "move_to", "item": 1}))
        .await;
    assert_eq!(first["seq"], again["seq"]);

    // Hands, the floor, opinions (the visitor's marked as such by who wrote it).
    member
        .command("m-hand", json!({"type": "raise_hand"}))
        .await;
    chair.command("c-floor", json!({"type": "give_floor", "speaker": {"kind": "member", "id": member_id(&s, "dv.b05").await}})).await;
    assert_eq!(
        member
            .command(
                "m-op",
                json!({"type": "opine", "text": "Tán thành dự thảo.", "on_behalf_of": null})
            )
            .await["type"],
        "accepted"
    );
    let r = visitor
        .command(
            "v-arrive",
            json!({"type": "visitor_arrives", "name": "Tên tự đặt"}),
        )
        .await;
    assert_eq!(r["type"], "accepted", "{r}");
    let r = member
        .command("m-arrive", json!({"type": "visitor_arrives", "name": "x"}))
        .await;
    assert_eq!(r["reason"]["code"], "visitors_only");
    assert_eq!(visitor.command("v-op", json!({"type": "opine", "text": "Đề nghị chi bộ chú ý công tác phát triển đảng viên.", "on_behalf_of": null})).await["type"], "accepted");

    // Bad input reaches only its sender, and the connection continues.
    member
        .send(json!({"type": "command", "key": "x", "command": {"type": "fly"}}))
        .await;
    let error = member.until("error").await;
    assert_eq!(error["code"], "bad_message");
    // Typed, for the app to say in its language; the Vietnamese text for others.
    assert_eq!(error["problem"], "unsupported");
    assert_eq!(
        error["message"],
        "Loại tin nhắn hoặc lệnh không được hỗ trợ."
    );
    member
        .socket
        .send(Message::Text("{not json".into()))
        .await
        .unwrap();
    let error = member.until("error").await;
    assert_eq!(error["code"], "bad_message");
    assert_eq!(error["problem"], "malformed");
    member.send(json!({"type": "ping"})).await;
    member.until("pong").await;

    // The vote: the probationary member and the visitor are refused with the reason.
    let r = chair.command("c-vote", json!({"type": "open_vote", "kind": "resolution", "ballot": "open", "question": "Thông qua nghị quyết"})).await;
    assert_eq!(r["type"], "accepted", "{r}");
    let r = probationary
        .command(
            "p-cast",
            json!({"type": "cast", "vote": 0, "choice": "in_favour"}),
        )
        .await;
    assert_eq!(r["reason"]["code"], "vote");
    assert_eq!(r["reason"]["refusal"]["code"], "probationary");
    assert!(r["message"].as_str().unwrap().contains("dự bị"));
    let r = visitor
        .command(
            "v-cast",
            json!({"type": "cast", "vote": 0, "choice": "in_favour"}),
        )
        .await;
    assert_eq!(r["reason"]["code"], "vote");
    assert_eq!(r["reason"]["refusal"]["code"], "upper_level_visitor");
    for (c, key) in [(&mut chair, "c-cast"), (&mut member, "m-cast")] {
        assert_eq!(
            c.command(
                key,
                json!({"type": "cast", "vote": 0, "choice": "in_favour"})
            )
            .await["type"],
            "accepted"
        );
    }
    let r = member
        .command(
            "m-cast-2",
            json!({"type": "cast", "vote": 0, "choice": "against"}),
        )
        .await;
    assert_eq!(r["reason"]["code"], "already_voted");

    // The member's connection is cut; it resumes from the last event it saw and gets only what it missed.
    let last_seen = *member.seen.iter().max().unwrap();
    drop(member);
    chair
        .command("c-close-vote", json!({"type": "close_vote", "vote": 0}))
        .await;
    chair
        .command(
            "c-conclude",
            json!({"type": "conclude", "text": "Chi bộ thống nhất."}),
        )
        .await;
    let mut member = s.ws("dv.b05", id).await.unwrap();
    let welcome = member.hello(Some(last_seen)).await;
    assert!(welcome["snapshot"].is_null());
    let seqs: Vec<u64> = welcome["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(
        seqs,
        ((last_seen + 1)..=(last_seen + seqs.len() as u64)).collect::<Vec<_>>()
    );
    assert!(seqs.len() >= 2);

    let closed = chair.command("c-close", json!({"type": "close"})).await;
    assert_eq!(closed["type"], "accepted");
    let total = closed["seq"].as_u64().unwrap();
    let r = member
        .command("m-late", json!({"type": "raise_hand"}))
        .await;
    assert_eq!(r["reason"]["code"], "closed");

    // Every client saw every event exactly once, in order (the last batch may trail the acknowledgement).
    while chair.seen.last() != Some(&total) {
        chair.until("events").await;
    }
    assert_eq!(
        chair.seen,
        (1..=total).collect::<Vec<_>>(),
        "the chair saw each event once"
    );

    let http = s.login("capuy.khoi").await;
    let meeting: Value = http
        .get(s.url(&format!("/api/meetings/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(meeting["status"], "closed");
    let report: Value = http
        .get(s.url(&format!("/api/meetings/{id}/verify")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["broken_at"], Value::Null, "{report}");
    assert_eq!(report["events"].as_u64(), Some(total));

    // The minutes come out of the record: figures with names, speakers, the vote.
    let m: Value = http
        .get(s.url(&format!("/api/meetings/{id}/minutes")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            m["attendance"]["present"].as_u64(),
            m["attendance"]["expected"].as_u64()
        ),
        (Some(12), Some(12)),
        "{}",
        m["attendance"]
    );
    let speaker = s
        .store
        .member(shared::MemberId(member_id(&s, "dv.b05").await))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        m["items"][1]["speakers"][0],
        speaker.draft.full_name.as_str()
    );
    assert!(
        m["items"][1]["opinions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["upper_level"] == true)
    );
    assert_eq!(m["guests"][0], "Trịnh Minh Tuấn");
    assert!(
        !m.to_string().contains("Tên tự đặt"),
        "the account names the visitor"
    );
    assert_eq!(m["votes"][0]["in_favour"], 2);
    assert_eq!(m["votes"][0]["passed"], false);
    assert_eq!(m["digest"], report["digest"]);
    // A resolution that did not pass is not issued: no number is taken.
    let res = http
        .get(s.url(&format!("/api/meetings/{id}/resolution.docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("không ban hành"),
        "{body}"
    );
    for doc in ["minutes.docx"] {
        let res = http
            .get(s.url(&format!("/api/meetings/{id}/{doc}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{doc}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .contains("wordprocessingml")
        );
        let bytes = res.bytes().await.unwrap();
        assert_eq!(&bytes[..2], b"PK", "{doc} is a zip package");
    }
    s.stop().await;
}

async fn member_id(s: &TestServer, username: &'static str) -> i64 {
    s.store
        .account_secret(username)
        .await
        .unwrap()
        .unwrap()
        .account
        .member_id
        .unwrap()
        .0
}

async fn only_participants_join(b: Backend) {
    let s = TestServer::start(b).await;
    let id = meeting_in_b(&s).await;
    let sec = s.login("bithu.b").await;
    let res = sec
        .get(s.url(&format!("/api/meetings/{id}/minutes.docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409, "no documents before the close");
    assert_eq!(
        s.ws("dv.a05", id).await.err(),
        Some(404),
        "another cell's member"
    );
    assert_eq!(
        s.ws("quantri", id).await.err(),
        Some(403),
        "an administrator is not a participant"
    );
    assert!(
        s.ws("capuy.khoi", id).await.is_ok(),
        "the assigned upper-level member"
    );
    assert!(
        s.ws("bithu.a", id).await.is_ok(),
        "a member of the grassroots committee"
    );
    s.stop().await;
}

fn append(
    meeting: shared::MeetingId,
    account: shared::AccountId,
    key: &str,
    seq: u64,
) -> server::storage::Append {
    server::storage::Append {
        meeting,
        command_key: key.into(),
        account,
        at: chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
            .unwrap()
            .and_hms_opt(14, 0, 0)
            .unwrap(),
        events: vec![server::storage::NewEvent {
            seq,
            payload: format!(r#"{{"n":{seq}}}"#),
            hash: format!("{seq:064x}"),
        }],
        status: None,
        sealed_ballot: None,
    }
}

/// The group commit: rooms writing at once each get their commands stored once,
/// in order; a repeated key and a sequence number already taken are told
/// apart per command, without holding back the rest of the batch.
async fn group_commit_keeps_commands_apart(backend: Backend) {
    use server::storage::{Appended, EventWriter};
    let s = TestServer::start(backend).await;
    let account = s
        .store
        .account_secret("bithu.b")
        .await
        .unwrap()
        .unwrap()
        .account
        .id;
    let meetings = [meeting_in_b(&s).await, meeting_in_b(&s).await].map(shared::MeetingId);
    let writer = EventWriter::start(s.store.clone());
    let mut tasks = Vec::new();
    for (m, &id) in meetings.iter().enumerate() {
        let writer = writer.clone();
        tasks.push(tokio::spawn(async move {
            for seq in 1..=100u64 {
                let key = format!("{m}-{seq}");
                let r = writer.append(append(id, account, &key, seq)).await;
                assert_eq!(r.unwrap(), Appended::Stored);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // Every command went through a timed commit, several to a batch at most.
    let stats = writer.commit_stats();
    assert_eq!(stats.commands, 200);
    assert!((1..=200).contains(&stats.batches), "{stats:?}");
    assert!(stats.commit_p50_ms > 0.0 && stats.commit_p99_ms >= stats.commit_p50_ms);
    for id in meetings {
        let stored = s.store.events_since(id, 0, 1000).await.unwrap();
        assert_eq!(stored.len(), 100);
        assert!(
            stored
                .iter()
                .enumerate()
                .all(|(i, e)| e.seq == i as u64 + 1)
        );
    }
    let batch = [
        append(meetings[0], account, "0-7", 101),
        append(meetings[0], account, "late", 100),
        append(meetings[1], account, "fresh", 101),
    ];
    assert_eq!(
        s.store.append_batch(&batch).await.unwrap(),
        vec![
            Appended::AlreadyApplied(7),
            Appended::Conflict,
            Appended::Stored
        ]
    );
    assert_eq!(
        s.store
            .events_since(meetings[0], 0, 1000)
            .await
            .unwrap()
            .len(),
        100
    );
    let last = s.store.events_since(meetings[1], 100, 10).await.unwrap();
    assert_eq!((last.len(), last[0].command_key.as_str()), (1, "fresh"));
    s.stop().await;
}

/// An opinion of the longest length the limits allow, in letters of two and
/// three bytes (about 9,700 bytes), trimmed as the server stores it.
fn longest_opinion() -> String {
    let phrase = "ệệệệệệệệệệệệý kiến ";
    let long = phrase.repeat(shared::live::limits::MAX_TEXT_CHARS / phrase.chars().count());
    long.trim_end().to_string()
}

/// The chair's opinion, accepted: its sequence number.
async fn opine(chair: &mut common::ws::Client, key: &str, text: &str) -> u64 {
    let r = chair
        .command(
            key,
            json!({"type": "opine", "text": text, "on_behalf_of": null}),
        )
        .await;
    assert_eq!(r["type"], "accepted", "{r}");
    r["seq"].as_u64().unwrap()
}

/// Messages over 1 KiB (welcomes, batches with a long opinion) are written
/// past the WebSocket library's buffer (`live/wire.rs`): interleaved with
/// short batches, answers and the library's own pongs, every frame still
/// arrives whole and in order, and a welcome carrying the long texts decodes.
async fn long_messages_keep_their_frames_and_order(b: Backend) {
    use futures_util::StreamExt;
    use shared::live::limits::MAX_TEXT_CHARS;
    let s = TestServer::start(b).await;
    let (id, mut chair) = s.opened_in_b().await;
    let r = chair.command("in", json!({"type": "check_in"})).await;
    assert_eq!(r["type"], "accepted", "{r}");
    let mut member = s.ws("dv.b05", id).await.unwrap();
    let welcome = member.hello(None).await;
    let mut last = welcome["snapshot"]["seq"].as_u64().unwrap();
    let long = longest_opinion();
    let mut texts = Vec::new();
    for i in 0..12 {
        let text = if i % 3 == 0 {
            "Ý kiến ngắn"
        } else {
            &long
        };
        // A ping now and then: the server's pong goes out between our frames.
        if i % 2 == 0 {
            member
                .socket
                .send(Message::Ping(format!("p{i}").into_bytes().into()))
                .await
                .unwrap();
        }
        last = opine(&mut chair, &format!("long-{i}"), text).await;
        texts.push(text.to_string());
    }
    let mut pongs = Vec::new();
    let mut seen = Vec::new();
    while seen.last().map(|(seq, _)| *seq) != Some(last) {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(10), member.socket.next())
            .await
            .expect("a frame within 10 s")
            .expect("socket open")
            .expect("a well-formed frame");
        match frame {
            Message::Pong(p) => pongs.push(String::from_utf8(p.to_vec()).unwrap()),
            Message::Text(t) => {
                let v: Value = serde_json::from_str(t.as_str()).expect("whole JSON");
                for e in v["events"].as_array().into_iter().flatten() {
                    let text = e["event"]["opinion"]["text"].as_str().unwrap_or_default();
                    seen.push((e["seq"].as_u64().unwrap(), text.to_string()));
                }
            }
            _ => {}
        }
    }
    assert_eq!(pongs, ["p0", "p2", "p4", "p6", "p8", "p10"]);
    let seqs: Vec<u64> = seen.iter().map(|(seq, _)| *seq).collect();
    let first = seqs[0];
    assert_eq!(
        seqs,
        (first..=last).collect::<Vec<_>>(),
        "each event once, in order"
    );
    let got: Vec<&str> = seen.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(got, texts);
    // A newcomer's welcome holds the long texts: one large frame, decoded whole.
    let mut late = s.ws("dv.b06", id).await.unwrap();
    let welcome = late.hello(None).await;
    let opinions = welcome["snapshot"]["opinions"]
        .as_array()
        .expect("opinions");
    assert!(
        welcome.to_string().len() > 4 * MAX_TEXT_CHARS,
        "a large welcome"
    );
    assert_eq!(
        opinions.last().unwrap()["text"].as_str(),
        texts.last().map(String::as_str)
    );
    // And the socket goes on with small messages after it.
    let seq = opine(&mut chair, "after", "Sau cùng").await;
    assert_eq!(late.until_event(seq).await["opinion"]["text"], "Sau cùng");
    s.stop().await;
}

on_both_backends!(
    a_meeting_held_over_websockets,
    long_messages_keep_their_frames_and_order,
    only_participants_join,
    group_commit_keeps_commands_apart,
    keys_belong_to_their_account,
    stored_keys_belong_to_their_account
);

/// Two instances share one PostgreSQL: the chair on A, a member on B, and
/// each sees the other's events (LISTEN/NOTIFY carries "meeting:seq" only).
/// Two instances on one PostgreSQL and a meeting of cell B: its chair
/// connected to A, a member to B, both greeted.
async fn chair_on_a_member_on_b() -> (
    TestServer,
    TestServer,
    i64,
    common::ws::Client,
    common::ws::Client,
) {
    let a = TestServer::start(Backend::Postgres).await;
    let b = a.second_instance().await;
    let id = meeting_in_b(&a).await;
    let mut chair = a.ws("bithu.b", id).await.unwrap();
    let mut member = b.ws("dv.b05", id).await.unwrap();
    chair.hello(None).await;
    member.hello(None).await;
    (a, b, id, chair, member)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_serve_one_meeting() {
    let (a, b, id, mut chair, mut member) = chair_on_a_member_on_b().await;
    assert_eq!(
        chair.command("open", json!({"type": "open"})).await["seq"],
        1
    );
    let ev = member.until_event(1).await;
    assert_eq!(
        ev["type"], "opened",
        "the member on B sees the opening made on A"
    );
    let r = member.command("in", json!({"type": "check_in"})).await;
    assert_eq!(
        (r["type"].as_str(), r["seq"].as_u64()),
        (Some("accepted"), Some(2)),
        "B decides on the state A wrote"
    );
    let ev = chair.until_event(2).await;
    assert_eq!(
        ev["type"], "marked",
        "the chair on A sees the check-in made on B"
    );
    // Both write at once: the log stays one sequence, each event once.
    let (x, y) = tokio::join!(
        chair.command("move", json!({"type": "move_to", "item": 1})),
        member.command("hand", json!({"type": "raise_hand"}))
    );
    let mut seqs = [x["seq"].as_u64().unwrap(), y["seq"].as_u64().unwrap()];
    seqs.sort();
    assert_eq!(seqs, [3, 4]);
    let report: Value = a
        .login("capuy.khoi")
        .await
        .get(a.url(&format!("/api/meetings/{id}/verify")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (report["events"].as_u64(), &report["broken_at"]),
        (Some(4), &Value::Null)
    );
    b.stop().await;
    a.stop().await;
}

/// Events travel between instances whole when they fit a notification, and
/// are read back when they do not (an opinion of the longest length may
/// take 12,000 bytes, over PostgreSQL's 8,000): either way the member on the other
/// instance sees each event once, in order, its text intact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_too_large_to_carry_reach_the_other_instance_in_order() {
    let (a, b, _, mut chair, mut member) = chair_on_a_member_on_b().await;
    let r = chair.command("open", json!({"type": "open"})).await;
    assert_eq!(r["type"], "accepted", "{r}");
    let r = chair.command("in", json!({"type": "check_in"})).await;
    assert_eq!(r["type"], "accepted", "{r}");
    let long = longest_opinion();
    let texts = [
        "Ý kiến ngắn thứ nhất",
        &long,
        "Ý kiến ngắn thứ hai",
        &long,
        &long,
        "Ý kiến ngắn thứ ba",
    ];
    let mut last = 0;
    for (i, text) in texts.iter().enumerate() {
        last = opine(&mut chair, &format!("op-{i}"), text).await;
    }
    let mut seen: Vec<(u64, String)> = Vec::new();
    while seen.last().map(|(seq, _)| *seq) != Some(last) {
        let v = member.next().await;
        for e in v["events"].as_array().into_iter().flatten() {
            let text = e["event"]["opinion"]["text"].as_str().unwrap_or_default();
            seen.push((e["seq"].as_u64().unwrap(), text.to_string()));
        }
    }
    let seqs: Vec<u64> = seen.iter().map(|(seq, _)| *seq).collect();
    assert_eq!(
        seqs,
        (1..=last).collect::<Vec<_>>(),
        "each event once, in order"
    );
    let opinions: Vec<&str> = seen.iter().skip(2).map(|(_, t)| t.as_str()).collect();
    assert_eq!(opinions, texts);
    b.stop().await;
    a.stop().await;
}

/// Two instances on one PostgreSQL, 50 members voting at the same moment,
/// half through each: no command is refused or deferred for contention, every
/// ballot is counted, and the log stays one gap-free chain.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_members_vote_at_once_through_two_instances() {
    const MEMBERS: usize = 50;
    const ROUNDS: usize = 20;
    let a = TestServer::start(Backend::Postgres).await;
    let b = a.second_instance().await;
    // The chair, who does not vote, and the 50 voters.
    let (id, seeded) = a.seed_cell("Chi bộ Năm mươi", MEMBERS + 1).await;
    let mut sockets = Vec::with_capacity(MEMBERS);
    for (i, m) in seeded.iter().enumerate() {
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        let mut c = common::ws::Client::open(base, &m.cookie, id).await.unwrap();
        c.hello(None).await;
        sockets.push(c);
    }
    let r = sockets[0].command("open", json!({"type": "open"})).await;
    assert_eq!(r["type"], "accepted", "{r}");
    for (i, c) in sockets.iter_mut().enumerate() {
        let r = c
            .command(&format!("in-{i}"), json!({"type": "check_in"}))
            .await;
        assert_eq!(r["type"], "accepted", "{r}");
    }
    let mut chair = sockets.remove(0);
    let mut answers: Vec<Value> = Vec::new();
    for round in 0..ROUNDS {
        // Three commands a round: the chair's may meet its rate limit, and wait.
        let r = chair
            .command_resending(
                &format!("open-vote-{round}"),
                json!({"type": "open_vote", "kind": "resolution", "ballot": "open", "question": format!("Nghị quyết số {round}")}),
            )
            .await;
        assert_eq!(r["type"], "accepted", "round {round}: {r}");
        // Everyone sends, then everyone reads its answer: the casts meet at once.
        for (i, c) in sockets.iter_mut().enumerate() {
            c.send(json!({"type": "command", "key": format!("cast-{round}-{i}"), "command": {"type": "cast", "vote": round, "choice": "in_favour"}})).await;
        }
        let reads = sockets
            .iter_mut()
            .enumerate()
            .map(|(i, c)| async move { c.answer(&format!("cast-{round}-{i}")).await });
        answers.extend(futures_util::future::join_all(reads).await);
        let r = chair
            .command_resending(
                &format!("close-vote-{round}"),
                json!({"type": "close_vote", "vote": round}),
            )
            .await;
        assert_eq!(r["type"], "accepted", "round {round}: {r}");
    }
    let not_accepted: Vec<&Value> = answers.iter().filter(|v| v["type"] != "accepted").collect();
    assert!(
        not_accepted.is_empty(),
        "{} of {} casts not accepted, e.g. {:?}",
        not_accepted.len(),
        answers.len(),
        not_accepted.first()
    );
    let stored = a
        .store
        .events_since(shared::MeetingId(id), 0, 100_000)
        .await
        .unwrap();
    let tallies: Vec<u64> = stored
        .iter()
        .filter_map(|e| {
            let v: Value = serde_json::from_str(&e.payload).unwrap();
            (v["type"] == "vote_closed").then(|| v["tally"]["in_favour"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        tallies,
        vec![MEMBERS as u64; ROUNDS],
        "every ballot counted"
    );
    let report: Value = a
        .login("bithu.a")
        .await
        .get(a.url(&format!("/api/meetings/{id}/verify")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (report["events"].as_u64(), &report["broken_at"]),
        (Some(stored.len() as u64), &Value::Null),
        "one gap-free chain: {report}"
    );
    drop(chair);
    b.stop().await;
    a.stop().await;
}

/// An idempotency key belongs to its account: another participant sending a
/// key someone else used gets its own command applied, not a silent `accepted`.
async fn keys_belong_to_their_account(b: Backend) {
    let s = TestServer::start(b).await;
    let id = meeting_in_b(&s).await;
    let mut chair = s.ws("bithu.b", id).await.unwrap();
    let mut member = s.ws("dv.b05", id).await.unwrap();
    chair.hello(None).await;
    member.hello(None).await;
    chair.command("open", json!({"type": "open"})).await;
    let r = member.command("in", json!({"type": "check_in"})).await;
    assert_eq!(r["type"], "accepted", "{r}");
    let theirs = member
        .command("same-key", json!({"type": "raise_hand"}))
        .await;
    assert_eq!(theirs["type"], "accepted", "{theirs}");
    let mine = chair
        .command("same-key", json!({"type": "move_to", "item": 1}))
        .await;
    assert_eq!(mine["type"], "accepted", "{mine}");
    assert!(
        mine["seq"].as_u64() > theirs["seq"].as_u64(),
        "the chair's command was applied: {mine} after {theirs}"
    );
    assert_eq!(
        chair.until_event(mine["seq"].as_u64().unwrap()).await["type"],
        "moved_to"
    );
    // The same account resending its key still gets its first answer.
    let again = chair
        .command("same-key", json!({"type": "move_to", "item": 1}))
        .await;
    assert_eq!(again["seq"], mine["seq"]);
    s.stop().await;
}

/// The same, for a key the room no longer remembers: the stored log tells
/// whose command it was.
async fn stored_keys_belong_to_their_account(b: Backend) {
    let s = TestServer::start(b).await;
    let id = meeting_in_b(&s).await;
    let mut chair = s.ws("bithu.b", id).await.unwrap();
    let mut member = s.ws("dv.b05", id).await.unwrap();
    chair.hello(None).await;
    member.hello(None).await;
    chair.command("open", json!({"type": "open"})).await;
    member.command("in", json!({"type": "check_in"})).await;
    let theirs = member
        .command("old-key", json!({"type": "raise_hand"}))
        .await;
    assert_eq!(theirs["type"], "accepted", "{theirs}");
    // Enough later commands that the room's memory of recent keys has moved on.
    let mut before = 0;
    for i in 0..20 {
        let r = chair
            .command_resending(
                &format!("move-{i}"),
                json!({"type": "move_to", "item": 1 + i % 2}),
            )
            .await;
        assert_eq!(r["type"], "accepted", "{r}");
        before = r["seq"].as_u64().unwrap();
    }
    // Resent while deferred: 21 commands in a row can outrun the rate's bucket.
    let mine = chair
        .command_resending("old-key", json!({"type": "move_to", "item": 0}))
        .await;
    assert_eq!(mine["type"], "accepted", "{mine}");
    assert!(
        mine["seq"].as_u64().unwrap() > before,
        "the chair's command was applied, not taken for the member's: {mine}"
    );
    s.stop().await;
}
