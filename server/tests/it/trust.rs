//! A meeting that can be trusted with a real vote: what the record says is
//! what happened, a secret ballot stays secret, nobody is written in who did
//! not come, and a long meeting stays joinable. Real server, real database
//! (SQLite and PostgreSQL), real WebSockets.

use crate::common;

use common::{Backend, TestServer, join, minutes, ok, refused};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Item 1: a room loaded before the records changed still opens on the
/// current records (roll, statuses, agenda), and a participant sees the
/// change before the opening. The case: 6 full members, member 6
/// exempted after the room loaded, 5 present, 3 for and 2 against passes.
async fn the_opening_takes_the_current_records(b: Backend) {
    let s = TestServer::start(b).await;
    let (id, m) = s.seed_cell("Chi bộ Hồ sơ mới", 6).await;
    let mut watcher = join(&s, &m[2], id).await;
    let admin = s.login("quantri").await;

    // The administrator exempts member 6 (index 5) after the room loaded.
    let url = s.url(&format!("/api/members/{}", m[5].member.0));
    let mut draft: Value = admin.get(&url).send().await.unwrap().json().await.unwrap();
    let cell = draft["cell_id"].clone();
    let obj = draft.as_object_mut().unwrap();
    obj.remove("id");
    obj.remove("cell_id");
    obj.insert("status".into(), json!("exempted"));
    let res = admin.put(&url).json(&draft).send().await.unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    // The participant already in the room sees the new roll at once.
    let snapshot = watcher.until("snapshot").await;
    let status_of = |state: &Value, member: i64| {
        state["roll"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["member_id"] == member)
            .map(|r| r["status"].clone())
    };
    assert_eq!(
        status_of(&snapshot["state"], m[5].member.0),
        Some(json!("exempted"))
    );

    // A member added after the room loaded is on the roll (probationary: no vote).
    let res = admin
        .post(s.url(&format!("/api/organizations/{cell}/members")))
        .json(
            &json!({"full_name": "Hà Văn Mới", "gender": "male", "birth_date": null,
            "admitted_on": "2026-03-01", "full_member_on": null, "status": "probationary",
            "role": "member", "card_number": null}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let newcomer: Value = res.json().await.unwrap();

    // The agenda edited in storage after the room loaded.
    let meeting = s
        .store
        .meeting(shared::MeetingId(id))
        .await
        .unwrap()
        .unwrap();
    let mut edited = meeting.draft.clone();
    edited.agenda.truncate(3);
    edited.agenda[2].title = "Công tác phát triển đảng viên".into();
    s.store.update_meeting(meeting.id, &edited).await.unwrap();

    let mut chair = join(&s, &m[0], id).await;
    ok(&mut chair, "open", json!({"type": "open"})).await;
    let opened = chair.until("events").await;
    let opened = &opened["events"][0]["event"];
    assert_eq!(opened["type"], "opened");
    assert_eq!(opened["roll"].as_array().unwrap().len(), 7);
    assert_eq!(status_of(opened, m[5].member.0), Some(json!("exempted")));
    assert_eq!(
        status_of(opened, newcomer["id"].as_i64().unwrap()),
        Some(json!("probationary"))
    );
    assert_eq!(opened["agenda"].as_array().unwrap().len(), 3);
    assert_eq!(
        opened["agenda"][2]["title"],
        "Công tác phát triển đảng viên"
    );
    assert_eq!(opened["chair"], m[0].member.0);
    assert!(opened["rules"]["builtin"].is_string(), "{opened}");

    for (i, who) in m.iter().take(5).enumerate() {
        let mut c = join(&s, who, id).await;
        ok(&mut c, &format!("in-{i}"), json!({"type": "check_in"})).await;
    }
    for (key, member) in [
        ("away-6", m[5].member.0),
        ("away-new", newcomer["id"].as_i64().unwrap()),
    ] {
        let mark = json!({"member_id": member, "presence": "absent_with_reason", "reason": "Ốm",
            "arrived_late_at": null, "left_early_at": null});
        ok(&mut chair, key, json!({"type": "mark", "mark": mark})).await;
    }
    ok(&mut chair, "vote", json!({"type": "open_vote", "kind": "resolution", "ballot": "open", "question": "Thông qua nghị quyết"})).await;
    for (i, who) in m.iter().take(5).enumerate() {
        let mut c = join(&s, who, id).await;
        let choice = if i < 3 { "in_favour" } else { "against" };
        ok(
            &mut c,
            &format!("cast-{i}"),
            json!({"type": "cast", "vote": 0, "choice": choice}),
        )
        .await;
    }
    ok(
        &mut chair,
        "close-vote",
        json!({"type": "close_vote", "vote": 0}),
    )
    .await;
    let record = minutes(&s, &m[0], id).await;
    let vote = &record["votes"][0];
    assert_eq!(
        (vote["denominator"].as_u64(), vote["passed"].as_bool()),
        (Some(5), Some(true)),
        "{vote}"
    );
    s.stop().await;
}

/// Item 4: only upper-level members following the cell, once arrived, are
/// written in; opinions only from people present.
async fn nobody_is_written_in_who_did_not_come(b: Backend) {
    let s = TestServer::start(b).await;
    let id = s.meeting_in(common::CELL_B).await;
    let mut chair = s.ws("bithu.b", id).await.unwrap();
    chair.hello(None).await;
    ok(&mut chair, "open", json!({"type": "open"})).await;
    ok(&mut chair, "in", json!({"type": "check_in"})).await;
    // An account of another cell, named as a visitor.
    let (stranger, _) = s.ids_of("bithu.c").await;
    let stranger = json!({"kind": "visitor", "id": stranger.0});
    let r = refused(
        &mut chair,
        "floor",
        json!({"type": "give_floor", "speaker": stranger}),
    )
    .await;
    assert_eq!(r["code"], "visitor_not_arrived");
    let r = refused(
        &mut chair,
        "noted",
        json!({"type": "opine", "text": "Ý kiến", "on_behalf_of": stranger}),
    )
    .await;
    assert_eq!(r["code"], "visitor_not_arrived");
    let (_, absent) = s.ids_of("dv.b05").await;
    let absent = json!({"kind": "member", "id": absent.unwrap().0});
    let r = refused(
        &mut chair,
        "noted-2",
        json!({"type": "opine", "text": "Ý kiến", "on_behalf_of": absent}),
    )
    .await;
    assert_eq!(r["code"], "not_present");
    let mut visitor = s
        .ws("capuy.khoi", id)
        .await
        .expect("a committee member above follows the cell");
    visitor.hello(None).await;
    let r = refused(&mut visitor, "hand", json!({"type": "raise_hand"})).await;
    assert_eq!(r["code"], "visitor_not_arrived");
    ok(
        &mut visitor,
        "arrive",
        json!({"type": "visitor_arrives", "name": "Tên tự đặt"}),
    )
    .await;
    ok(&mut visitor, "hand-2", json!({"type": "raise_hand"})).await;
    let http = s.login("bithu.b").await;
    let record: Value = http
        .get(s.url(&format!("/api/meetings/{id}/minutes")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(record["guests"], json!(["Trịnh Minh Tuấn"]));
    let text = record.to_string();
    assert!(!text.contains("Tên tự đặt"));
    assert!(!text.contains("bithu.c"));
    s.stop().await;
}

/// Items 7a and 7c: members in the room vote (recorded by a counter, or on
/// paper for a secret ballot), the chair sees who is unmarked before the
/// close, and the adoption of the minutes is a recorded step.
async fn the_room_votes_and_the_record_says_what_happened(b: Backend) {
    let s = TestServer::start(b).await;
    let (id, m) = s.seed_cell("Chi bộ Hội trường", 9).await;
    let mut chair = join(&s, &m[0], id).await;
    let mut secretary = join(&s, &m[1], id).await;
    ok(&mut chair, "open", json!({"type": "open"})).await;
    for (i, who) in m.iter().enumerate().take(7) {
        let mark = json!({"member_id": who.member.0, "presence": "in_person", "reason": "",
            "arrived_late_at": null, "left_early_at": null});
        ok(
            &mut secretary,
            &format!("mark-{i}"),
            json!({"type": "mark", "mark": mark}),
        )
        .await;
    }
    let mut online = Vec::new();
    for (i, who) in m.iter().enumerate().skip(7) {
        let mut c = join(&s, who, id).await;
        ok(&mut c, &format!("in-{i}"), json!({"type": "check_in"})).await;
        online.push(c);
    }
    ok(
        &mut chair,
        "counters",
        json!({"type": "appoint_counters", "members": [m[4].member.0]}),
    )
    .await;
    let mut counter = join(&s, &m[4], id).await;

    ok(&mut chair, "vote-0", json!({"type": "open_vote", "kind": "resolution", "ballot": "open", "question": "Thông qua nghị quyết"})).await;
    for (i, c) in online.iter_mut().enumerate() {
        ok(
            c,
            &format!("cast-{i}"),
            json!({"type": "cast", "vote": 0, "choice": "in_favour"}),
        )
        .await;
    }
    let r = refused(
        &mut online[0],
        "record-x",
        json!({"type": "record_ballot", "vote": 0, "member": m[0].member.0, "choice": "against"}),
    )
    .await;
    assert_eq!(r["code"], "counters_only");
    for (i, who) in m.iter().enumerate().take(7) {
        ok(&mut counter, &format!("record-{i}"), json!({"type": "record_ballot", "vote": 0, "member": who.member.0, "choice": "in_favour"})).await;
    }
    ok(
        &mut chair,
        "close-0",
        json!({"type": "close_vote", "vote": 0}),
    )
    .await;

    ok(&mut chair, "vote-1", json!({"type": "open_vote", "kind": "resolution", "ballot": "secret", "question": "Bỏ phiếu kín"})).await;
    let r = refused(
        &mut counter,
        "paper-online",
        json!({"type": "cast", "vote": 1, "choice": "in_favour"}),
    )
    .await;
    assert_eq!(r["code"], "vote_on_paper");
    for (i, c) in online.iter_mut().enumerate() {
        ok(
            c,
            &format!("secret-{i}"),
            json!({"type": "cast", "vote": 1, "choice": "against"}),
        )
        .await;
    }
    let r = refused(&mut counter, "paper-8", json!({"type": "count_paper_ballots", "vote": 1, "tally": {"in_favour": 8, "against": 0, "abstain": 0}})).await;
    assert_eq!(r["code"], "too_many_paper_ballots");
    ok(&mut counter, "paper", json!({"type": "count_paper_ballots", "vote": 1, "tally": {"in_favour": 6, "against": 0, "abstain": 1}})).await;
    ok(
        &mut chair,
        "close-1",
        json!({"type": "close_vote", "vote": 1}),
    )
    .await;

    let adopt = ok(&mut chair, "adopt", json!({"type": "adopt_minutes"})).await;
    assert!(adopt["seq"].as_u64().is_some());
    ok(&mut chair, "close", json!({"type": "close"})).await;

    let record = minutes(&s, &m[0], id).await;
    let votes = record["votes"].as_array().unwrap();
    assert_eq!(
        (
            votes[0]["online"].as_u64(),
            votes[0]["in_room"].as_u64(),
            votes[0]["passed"].as_bool()
        ),
        (Some(2), Some(7), Some(true))
    );
    assert_eq!(
        (
            votes[1]["in_favour"].as_u64(),
            votes[1]["against"].as_u64(),
            votes[1]["abstain"].as_u64()
        ),
        (Some(6), Some(2), Some(1))
    );
    assert_eq!(
        (votes[1]["online"].as_u64(), votes[1]["in_room"].as_u64()),
        (Some(2), Some(7))
    );
    assert!(record["adopted_at"].is_string(), "{record}");
    s.stop().await;
}

/// Item 7c: never "Vắng: 0" for members nobody marked; an early opening is
/// confirmed; adoption is reported only when recorded.
async fn the_close_waits_for_every_mark(b: Backend) {
    let s = TestServer::start(b).await;
    let (id, m) = s.seed_cell("Chi bộ Điểm danh", 4).await;
    // Registered for the day after tomorrow: opening now asks first.
    let meeting = s
        .store
        .meeting(shared::MeetingId(id))
        .await
        .unwrap()
        .unwrap();
    let mut later = meeting.draft.clone();
    later.starts_at = server::clock::now_local() + chrono::Duration::days(2);
    s.store.update_meeting(meeting.id, &later).await.unwrap();
    let mut chair = join(&s, &m[0], id).await;
    let r = refused(&mut chair, "open", json!({"type": "open"})).await;
    assert_eq!(r["code"], "opens_early");
    ok(
        &mut chair,
        "open-2",
        json!({"type": "open", "confirm_early": true}),
    )
    .await;
    ok(&mut chair, "in", json!({"type": "check_in"})).await;
    let r = refused(&mut chair, "close", json!({"type": "close"})).await;
    assert_eq!(
        (r["code"].as_str(), r["count"].as_u64()),
        (Some("unmarked"), Some(3))
    );
    assert!(
        r["names"].as_str().unwrap().contains("Đảng Viên Số 3"),
        "{r}"
    );
    for (i, who) in m.iter().enumerate().skip(1) {
        let mark = json!({"member_id": who.member.0, "presence": "absent_without_reason", "reason": "",
            "arrived_late_at": null, "left_early_at": null});
        ok(
            &mut chair,
            &format!("mark-{i}"),
            json!({"type": "mark", "mark": mark}),
        )
        .await;
    }
    ok(&mut chair, "close-2", json!({"type": "close"})).await;
    let record = minutes(&s, &m[0], id).await;
    assert_eq!(record["attendance"]["absent_without_reason"], 3);
    assert!(record["adopted_at"].is_null());
    let docx = s
        .http_with(&m[0].cookie)
        .get(s.url(&format!("/api/meetings/{id}/minutes.docx")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let text = document_text(&docx);
    assert!(!text.contains("Biên bản đã được đọc lại"), "{text}");
    s.stop().await;
}

/// The texts of a .docx's `word/document.xml`, which must be valid XML.
fn document_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("invalid XML: {e}"));
    doc.descendants()
        .filter(|n| n.tag_name().name() == "t")
        .filter_map(|n| n.text())
        .collect()
}

/// Item 15: control characters sent in an opinion and a conclusion are
/// removed at input; the documents stay valid XML with the texts in them.
async fn control_characters_never_reach_the_documents(b: Backend) {
    let s = TestServer::start(b).await;
    let (id, m) = s.seed_cell("Chi bộ Ký tự", 2).await;
    let mut chair = join(&s, &m[0], id).await;
    ok(&mut chair, "open", json!({"type": "open"})).await;
    for (i, who) in m.iter().enumerate() {
        let mut c = join(&s, who, id).await;
        ok(&mut c, &format!("in-{i}"), json!({"type": "check_in"})).await;
    }
    ok(&mut chair, "opine", json!({"type": "opine", "text": "Đồng ý\u{0}\u{1}\u{8} với <dự thảo> & \u{1b}[31m", "on_behalf_of": null})).await;
    ok(
        &mut chair,
        "conclude",
        json!({"type": "conclude", "text": "Chi bộ\u{b} thống nhất\u{c}."}),
    )
    .await;
    ok(&mut chair, "vote", json!({"type": "open_vote", "kind": "resolution", "ballot": "open", "question": "Thông qua\u{7} nghị quyết"})).await;
    for (i, who) in m.iter().enumerate() {
        let mut c = join(&s, who, id).await;
        ok(
            &mut c,
            &format!("cast-{i}"),
            json!({"type": "cast", "vote": 0, "choice": "in_favour"}),
        )
        .await;
    }
    ok(
        &mut chair,
        "close-vote",
        json!({"type": "close_vote", "vote": 0}),
    )
    .await;
    ok(&mut chair, "adopt", json!({"type": "adopt_minutes"})).await;
    ok(&mut chair, "close", json!({"type": "close"})).await;
    let http = s.http_with(&m[0].cookie);
    for doc in ["minutes.docx", "resolution.docx"] {
        let res = http
            .get(s.url(&format!("/api/meetings/{id}/{doc}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{doc}");
        let text = document_text(&res.bytes().await.unwrap());
        assert!(text.contains("Chi bộ thống nhất."), "{doc}: {text}");
        if doc == "minutes.docx" {
            assert!(text.contains("Đồng ý với <dự thảo> & [31m"), "{text}");
            assert!(text.contains("được chi bộ thông qua lúc"), "{text}");
        }
    }
    s.stop().await;
}

/// Item 8: a meeting holding 3,000 opinions of the longest length; a new
/// participant joins and has the current state within a second, in a small
/// message.
async fn a_long_meeting_stays_joinable(b: Backend) {
    use server::storage::Append;
    use shared::live::chain;
    use shared::live::limits::{MAX_OPINIONS, MAX_TEXT_CHARS};
    use shared::live::state::{Command, Speaker};
    let s = TestServer::start(b).await;
    let (id, m) = s.seed_cell("Chi bộ Dài", 3).await;
    let (meeting, mut state) = common::meeting_log::seeded_meeting(&s, id, &m).await;
    // The log written as the server writes it (numbered, hash-chained), in
    // batches, before anyone joins: 3,000 opinions take ~10 minutes of a
    // member's allowance over the socket.
    let chair = Speaker::Member(m[0].member);
    let now = server::clock::now_local();
    let text = "Ý kiến đóng góp về dự thảo nghị quyết của chi bộ. ".repeat(MAX_TEXT_CHARS / 50);
    let mut commands = vec![
        Command::Open {
            confirm_early: true,
        },
        Command::CheckIn,
    ];
    commands.extend((0..MAX_OPINIONS).map(|_| Command::Opine {
        text: text.clone(),
        on_behalf_of: None,
    }));
    let mut hash = chain::GENESIS.to_string();
    let mut batch = Vec::new();
    for (i, c) in commands.iter().enumerate() {
        batch.push(Append {
            meeting: meeting.id,
            command_key: format!("seed-{i}"),
            account: m[0].account,
            at: now,
            events: common::meeting_log::decided(&mut state, &mut hash, chair, c, now),
            status: (i == 0).then_some(shared::meeting::MeetingStatus::Live),
            sealed_ballot: None,
        });
        if batch.len() == 500 || i + 1 == commands.len() {
            s.store.append_batch(&batch).await.unwrap();
            batch.clear();
        }
    }
    // The first participant loads the room from storage.
    let first = Instant::now();
    let _chair = join(&s, &m[0], id).await;
    let cold = first.elapsed();
    // A new participant joins the running meeting.
    let started = Instant::now();
    let mut member = common::ws::Client::open(&s.base, &m[2].cookie, id)
        .await
        .unwrap();
    let welcome = member.hello(None).await;
    let took = started.elapsed();
    let bytes = welcome.to_string().len();
    let snapshot = &welcome["snapshot"];
    assert_eq!(snapshot["seq"].as_u64(), Some(state.seq));
    assert_eq!(
        snapshot["omitted_opinions"].as_u64().unwrap()
            + snapshot["opinions"].as_array().unwrap().len() as u64,
        MAX_OPINIONS as u64
    );
    assert!(took < Duration::from_secs(1), "joined in {took:?}");
    assert!(bytes < 64 * 1024, "the welcome is {bytes} bytes");
    println!(
        "{b:?}: room loaded in {cold:?}; a new participant joined in {took:?}, welcome {bytes} bytes"
    );
    // Earlier opinions are in the minutes preview.
    let record = minutes(&s, &m[2], id).await;
    let all: usize = record["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["opinions"].as_array().unwrap().len())
        .sum();
    assert_eq!(all, MAX_OPINIONS);
    s.stop().await;
}

on_both_backends!(
    the_opening_takes_the_current_records,
    nobody_is_written_in_who_did_not_come,
    the_room_votes_and_the_record_says_what_happened,
    the_close_waits_for_every_mark,
    control_characters_never_reach_the_documents,
    a_long_meeting_stays_joinable
);
