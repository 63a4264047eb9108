//! The live meeting with several people at once: the chair, a member, the
//! upper-level visitor and a probationary member, each in their own browser;
//! what the room does when the network fails under it, or when the next
//! person uses the same browser (`live/network.rs`); the room on a phone
//! (`live/phone.rs`).

use e2e::{Browser, DEMO_PASSWORD, Flow, Proxy, Server, with_browsers};
use fantoccini::Locator;
use serde_json::json;
use shared::live::limits::SILENT_PEER_SECS;
use std::io::Read;
use std::time::{Duration, Instant};

const CELL_B: &str = "Chi bộ Nghiệp vụ – Thanh tra";

/// The tests of this file one at a time: each drives several Chromiums, and
/// those of the network depend on timers a starved machine would delay.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// `(member id, full name)` of a demo account, from `/api/me`.
async fn member(server: &Server, username: &str) -> (i64, String) {
    let me = server.api_login(username).await.get_ok("/api/me").await;
    (
        me["member"]["id"].as_i64().expect("a member id"),
        me["member"]["full_name"]
            .as_str()
            .expect("a name")
            .to_string(),
    )
}

async fn open_room(b: &Browser, user: &str, meeting: i64) {
    b.login(user, DEMO_PASSWORD).await;
    b.goto(&format!("/meetings/{meeting}")).await;
    b.wait_text("#live-status", "Đã kết nối").await;
}

/// The chair opens the meeting. The demo meetings are registered for 2030:
/// the room asks the chair to confirm an opening that early.
async fn open_meeting(chair: &Browser) {
    chair.click("#btn-open").await;
    chair
        .wait_text("#opens-early", "đăng ký bắt đầu lúc 14:00 ngày 05/12/2030")
        .await;
    chair.wait_text("#opens-early", "khai mạc sớm?").await;
    chair.click("#btn-open-early").await;
}

/// Reloads the page: the room must come back connected, never left waiting.
async fn reload(b: &Browser) {
    b.client.refresh().await.expect("reload the page");
    let status = b.wait_text("#live-status", "Đã kết nối").await;
    assert_eq!(status, "Đã kết nối", "back in the room after the reload");
}

/// A screenshot for a look by eye, when `CHIBO_SHOTS` names a folder.
async fn shoot(b: &Browser, name: &str, width: u32) {
    let Ok(dir) = std::env::var("CHIBO_SHOTS") else {
        return;
    };
    b.client
        .set_window_size(width, if width > 800 { 800 } else { 844 })
        .await
        .expect("resize");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let png = b.client.screenshot().await.expect("a screenshot");
    std::fs::write(format!("{dir}/{name}.png"), png).expect("write the screenshot");
}

/// `shoot`, with `css` scrolled to the top of the screen.
async fn shoot_at(b: &Browser, css: &str, name: &str, width: u32) {
    if std::env::var("CHIBO_SHOTS").is_err() {
        return;
    }
    let el = b.find(css).await;
    let arg = serde_json::to_value(&el).expect("an element as an argument");
    let _ = b
        .client
        .execute(
            "arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -80)",
            vec![arg],
        )
        .await;
    shoot(b, name, width).await;
}

/// Logs in as each member in turn from the page and casts a vote in favour over
/// the room's WebSocket (what the app does, minus the screen).
const VOTE_AS: &str = r#"
const [users, meeting, password] = arguments;
const done = arguments[arguments.length - 1];
(async () => {
  const out = [];
  for (const u of users) {
    const r = await fetch('/api/auth/login', {method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json'}, body: JSON.stringify({username: u, password})});
    if (r.status !== 200) { out.push(u + ': login ' + r.status); continue; }
    out.push(await new Promise((resolve) => {
      const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/api/meetings/' + meeting + '/live');
      const key = u + '-' + Math.random();
      ws.onopen = () => ws.send(JSON.stringify({type: 'hello', version: 1, last_seq: null}));
      ws.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.type === 'welcome') {
          ws.send(JSON.stringify({type: 'command', key, command: {type: 'cast', vote: 0, choice: 'in_favour'}}));
        } else if (m.type === 'accepted' && m.key === key) { ws.close(); resolve('ok'); }
        else if (m.type === 'rejected' && m.key === key) { ws.close(); resolve(u + ': ' + m.message); }
      };
      ws.onerror = () => resolve(u + ': socket error');
    }));
  }
  done(out);
})();
"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_meeting_from_opening_to_minutes() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let server = Server::start();
    let chair_api = server.api_login("bithu.b").await;
    let me = chair_api.get_ok("/api/me").await;
    let cell = me["cell"]["id"].as_i64().expect("bithu.b has a cell");
    assert_eq!(me["cell"]["name"], json!(CELL_B));
    let chair_id = me["member"]["id"].as_i64().expect("bithu.b is a member");
    let (member_id, member_name) = member(&server, "dv.b05").await;
    let (absent_id, absent_name) = member(&server, "dv.b11").await;

    // Registered through the API with the chair's cookie (the form has its own test, meetings.rs).
    let draft = json!({
        "kind": "regular",
        "title": "Sinh hoạt chi bộ thường kỳ tháng 12",
        "starts_at": "2030-12-05T14:00:00",
        "mode": "hybrid",
        "place": "Phòng họp tầng 2",
        "video_link": "https://meet.example.vn/chibo-b",
        "chair_id": chair_id,
        "secretary_id": chair_id,
        "agenda": [
            {"title": "Khai mạc, điểm danh", "presenter": "Bí thư chi bộ", "planned_minutes": 10, "notes": ""},
            {"title": "Đánh giá công tác tháng", "presenter": "Bí thư chi bộ", "planned_minutes": 50, "notes": ""},
            {"title": "Biểu quyết nghị quyết", "presenter": "Bí thư chi bộ", "planned_minutes": 30, "notes": ""}
        ]
    });
    let (status, created) = chair_api
        .post(&format!("/api/organizations/{cell}/meetings"), &draft)
        .await;
    assert_eq!(status, 201, "register the meeting: {created}");
    let meeting = created["id"].as_i64().expect("a meeting id");

    with_browsers(&server, 4, move |browsers| async move {
        let [chair, member, visitor, probationary]: [Browser; 4] =
            browsers.try_into().ok().expect("four browsers");
        open_room(&chair, "bithu.b", meeting).await;
        open_room(&member, "dv.b05", meeting).await;
        open_room(&visitor, "capuy.khoi", meeting).await;
        open_room(&probationary, "dv.b12", meeting).await;

        // Only the chair can open; the others wait.
        member
            .wait_text(".room", "Chờ đồng chí chủ trì khai mạc")
            .await;
        member.axe("the room before the opening, as a member").await;
        chair.axe("the room before the opening, as its chair").await;
        open_meeting(&chair).await;
        for b in [&chair, &member, &visitor, &probationary] {
            b.wait_text("#current-item", "1/3").await;
        }

        // The room on a 360 px phone: no horizontal scroll.
        member.set_width(360).await;
        member.assert_fits("the room at 360 px").await;
        member.axe("the open room, as a member").await;
        visitor
            .axe("the open room, as the upper-level visitor")
            .await;

        // Check-ins, then the chair marks the rest. A reason the chair is
        // typing survives the others' check-ins arriving meanwhile.
        let absent_row = format!("li.roll-row[data-member='{absent_id}']");
        let member_row = format!("li.roll-row[data-member='{member_id}']");
        chair
            .type_into(&format!("{absent_row} input.reason"), "Đi công tác")
            .await;
        member.click("#btn-checkin").await;
        probationary.click("#btn-checkin").await;
        member.find(".ok-line").await;
        chair
            .find(&format!("{member_row}[data-present='true']"))
            .await;
        let typed = chair
            .find(&format!("{absent_row} input.reason"))
            .await
            .prop("value")
            .await
            .expect("the reason box");
        assert_eq!(typed.as_deref(), Some("Đi công tác"), "the typing was kept");
        chair.click("#btn-checkin").await;
        chair
            .click(&format!(
                "{absent_row} button[data-presence='absent_with_reason']"
            ))
            .await;
        chair.wait_text(&absent_row, "Vắng có lý do").await;
        // Until everyone is marked, the chair sees who is not and cannot close.
        chair.wait_text("#unmarked", "Chưa điểm danh (8)").await;
        chair.find("#btn-close[disabled]").await;
        chair.axe("the open room with its roll, as its chair").await;
        chair.mark_the_rest_in_person().await;
        chair
            .wait_js(
                "return document.querySelector('#unmarked') === null \
             && !document.querySelector('#btn-close').disabled",
                "the close button to be enabled",
            )
            .await;
        for b in [&chair, &visitor] {
            b.wait_text("#figures", "11/12").await;
        }

        // dv.b05 came late: the chair records the time on the roll, for all to see.
        chair.click(&format!("{member_row} .btn-late")).await;
        // Typed on the 24-hour clock, whatever the browser's locale.
        chair
            .type_into(&format!("{member_row} .time-input"), "14:20")
            .await;
        chair.click(&format!("{member_row} .btn-timed-save")).await;
        for b in [&chair, &visitor] {
            b.wait_text(&member_row, "đến muộn lúc 14:20").await;
        }
        chair.wait_text("#figures", "11/12").await;

        // The agenda moves on for everyone.
        chair.click("#btn-next").await;
        member.wait_text("#current-item", "2/3").await;
        member
            .wait_text("#current-item", "Đánh giá công tác tháng")
            .await;

        // The member asks to speak and gets the floor.
        member.click("#btn-hand[data-raised='false']").await;
        chair.wait_text("#queue", &member_name).await;
        chair.click("#queue .btn-give").await;
        for b in [&chair, &member, &visitor] {
            b.wait_text("#floor", &member_name).await;
        }
        // The timer runs.
        member.wait_text("#floor .timer", "00:0").await;

        member
            .type_into(
                "#opinion-text",
                "Tôi đề nghị đẩy mạnh kiểm tra thị trường dịp Tết.",
            )
            .await;
        member.click("#btn-opine").await;
        visitor
            .type_into(
                "#opinion-text",
                "Chi bộ cần bám sát chỉ đạo của Đảng ủy Khối.",
            )
            .await;
        visitor.click("#btn-opine").await;
        for b in [&chair, &member] {
            b.wait_text("#opinions", "đẩy mạnh kiểm tra").await;
            b.wait_text("#opinions", "bám sát chỉ đạo").await;
        }
        chair.wait_text("#opinions", "Đại biểu cấp trên").await;
        // The visitor's arrival was recorded by the app, with the account's name.
        chair
            .wait_text("#opinions", "Trịnh Minh Tuấn (Đại biểu cấp trên)")
            .await;
        member.wait_text("#visitors", "Trịnh Minh Tuấn").await;
        chair.click("#btn-end-floor").await;
        chair.wait_text("#floor", "Chưa có ai phát biểu").await;

        // The resolution vote.
        chair.click("#btn-next").await;
        chair
            .type_into("#vote-question", "Thông qua nghị quyết tháng 12")
            .await;
        chair.click("#btn-open-vote").await;
        for b in [&chair, &member, &visitor, &probationary] {
            b.wait_text("#vote", "Thông qua nghị quyết tháng 12").await;
        }
        // Those the rules do not let vote get the reason, not the buttons.
        probationary
            .wait_text("#vote-not-yours", "là đảng viên dự bị, không biểu quyết")
            .await;
        visitor
            .wait_text("#vote-not-yours", "cấp trên dự sinh hoạt không biểu quyết")
            .await;
        for b in [&probationary, &visitor] {
            assert_eq!(
                b.eval("return document.querySelectorAll('#vote .btn-cast').length")
                    .await,
                json!(0),
                "no vote buttons for who may not vote"
            );
        }
        // One vote at a time: the chair cannot open another meanwhile.
        chair.find("#vote-under-way").await;
        member.axe("the room during a vote, as a member").await;
        probationary
            .axe("the room during a vote, as a probationary member")
            .await;
        chair.axe("the room during a vote, as its chair").await;
        shoot(&member, "member-vote-390", 390).await;
        shoot(&chair, "chair-vote-1280", 1280).await;
        chair
            .click("#vote .btn-cast[data-choice='in_favour']")
            .await;
        member
            .click("#vote .btn-cast[data-choice='in_favour']")
            .await;
        chair.wait_text("#vote .tally", "Tán thành 2").await;

        // Four more full members vote from another browser, over the socket.
        let voted = probationary
            .client
            .execute_async(
                VOTE_AS,
                vec![
                    json!(["dv.b02", "dv.b03", "dv.b04", "dv.b06"]),
                    json!(meeting),
                    json!(DEMO_PASSWORD),
                ],
            )
            .await
            .expect("vote over the socket");
        assert_eq!(voted, json!(["ok", "ok", "ok", "ok"]));
        for b in [&chair, &visitor] {
            b.wait_text("#vote .tally", "Tán thành 6").await;
        }
        chair.click("#btn-close-vote").await;
        for b in [&chair, &member, &visitor] {
            b.find("#vote .vote-outcome.passed").await;
        }

        // Conclusion, a task, closing.
        chair
            .type_into(
                "#conclusion-text",
                "Chi bộ thống nhất tăng cường kiểm tra dịp Tết.",
            )
            .await;
        chair.click("#btn-conclude").await;
        chair
            .reveal("#task-who")
            .await
            .select_by_value(&chair_id.to_string())
            .await
            .expect("pick the assignee");
        chair
            .type_into("#task-what", "Xây dựng kế hoạch kiểm tra dịp Tết")
            .await;
        chair.type_into("#task-due", "31/12/2030").await;
        chair.click("#btn-assign").await;
        chair
            .wait_text(".tasks", "Xây dựng kế hoạch kiểm tra")
            .await;
        chair.click("#btn-close").await;
        chair.click("#btn-close-confirm").await;
        for b in [&chair, &member, &visitor, &probationary] {
            b.wait_text(".closed", "đã bế mạc").await;
        }
        // The resolution passed: it is issued.
        member.find("#link-resolution").await;
        member
            .wait_text("#minutes-not-adopted", "chưa được thông qua")
            .await;
        member.assert_fits("the closed room at 360 px").await;
        member.axe("the closed room, as a member").await;

        shoot(&visitor, "visitor-closed-390", 390).await;
        // The visitor checks the record.
        visitor.click("#btn-verify").await;
        visitor.wait_text("#verify-result", "Mã kiểm chứng").await;
        visitor
            .axe("the closed room verified, as the visitor")
            .await;

        // The printable minutes.
        chair.click("#link-minutes").await;
        chair.wait_text("#minutes", "BIÊN BẢN").await;
        chair.wait_text("#minutes", "ĐẢNG CỘNG SẢN VIỆT NAM").await;
        chair.wait_text("#min-attendance", "11/12").await;
        chair.wait_text("#min-absent-reason", &absent_name).await;
        chair.wait_text("#min-absent-reason", "Đi công tác").await;
        chair
            .wait_text(
                "#min-late-early",
                &format!("Đến muộn: đồng chí {member_name} (14:20)"),
            )
            .await;
        chair.wait_text("#minutes .speakers", &member_name).await;
        chair.wait_text("#min-votes", "tán thành 6/11").await;
        chair.wait_text("#min-digest", "Mã kiểm chứng").await;
        chair.find("#btn-print").await;
        chair.axe("the minutes").await;
        shoot(&chair, "minutes-1280", 1280).await;

        // The task assigned at the conclusion is on its owner's home page;
        // the owner reports it done with a note, and the meeting's page says so.
        chair.goto("/").await;
        chair
            .wait_text("#my-tasks", "Xây dựng kế hoạch kiểm tra dịp Tết")
            .await;
        chair.wait_text("#my-tasks .task", "Đang thực hiện").await;
        chair
            .type_into(
                "#my-tasks .task-note-input",
                "Đã trình kế hoạch lên đảng ủy",
            )
            .await;
        chair.click("#my-tasks .task-toggle").await;
        chair.wait_text("#my-tasks .task", "Đã hoàn thành").await;
        chair.axe("home with a task done").await;
        chair
            .wait_text("#my-tasks .task-note", "Đã trình kế hoạch lên đảng ủy")
            .await;
        member.goto(&format!("/meetings/{meeting}")).await;
        member.wait_text("#meeting-tasks", "Đã hoàn thành").await;
        member
            .assert_fits("the closed meeting's tasks at 360 px")
            .await;
    })
    .await;

    // The .docx is a real Word file naming the cell.
    let (status, bytes) = chair_api
        .get_bytes(&format!("/api/meetings/{meeting}/minutes.docx"))
        .await;
    assert_eq!(status, 200);
    assert!(bytes.starts_with(b"PK\x03\x04"), "a zip file");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a readable zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .expect("UTF-8 XML");
    // The header writes the cell's name in capitals, as official documents do.
    assert!(
        xml.contains(CELL_B) || xml.contains(&CELL_B.to_uppercase()),
        "the minutes name the cell: {}",
        &xml[..xml.len().min(3000)]
    );
}

/// An online meeting of cell B with two agenda items, as registered through the API.
fn online_draft(title: &str, chair_id: i64, secretary_id: i64) -> serde_json::Value {
    e2e::meeting_draft_in_b(title, e2e::MEETING_IN_B_STARTS, chair_id, secretary_id, 2)
}

/// Registers a meeting of cell B (two agenda items) through the API as its
/// secretary (the chair); returns the meeting's id.
async fn register_meeting(server: &Server, title: &str) -> i64 {
    server
        .register_meeting_in_b_with(title, e2e::MEETING_IN_B_STARTS, 2)
        .await
        .1
}

#[tokio::test(flavor = "multi_thread")]
async fn ballots_cast_in_the_room_are_recorded_and_the_adopted_minutes_close_the_meeting() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let server = Server::start();
    let chair_api = server.api_login("bithu.b").await;
    let me = chair_api.get_ok("/api/me").await;
    let cell = me["cell"]["id"].as_i64().expect("bithu.b has a cell");
    let chair_id = me["member"]["id"].as_i64().expect("bithu.b is a member");
    let (counter_id, counter_name) = member(&server, "dv.b05").await;
    let (absent_id, _) = member(&server, "dv.b11").await;
    let draft = json!({
        "kind": "regular",
        "title": "Sinh hoạt chi bộ tại hội trường",
        "starts_at": "2030-12-05T14:00:00",
        "mode": "hybrid",
        "place": "Hội trường tầng 1",
        "video_link": "https://meet.example.vn/chibo-b",
        "chair_id": chair_id,
        "secretary_id": chair_id,
        "agenda": [
            {"title": "Khai mạc, điểm danh", "presenter": "Bí thư chi bộ", "planned_minutes": 10, "notes": ""},
            {"title": "Biểu quyết", "presenter": "Bí thư chi bộ", "planned_minutes": 30, "notes": ""}
        ]
    });
    let (status, created) = chair_api
        .post(&format!("/api/organizations/{cell}/meetings"), &draft)
        .await;
    assert_eq!(status, 201, "register the meeting: {created}");
    let meeting = created["id"].as_i64().expect("a meeting id");

    with_browsers(&server, 3, move |browsers| async move {
        let [chair, counter, member]: [Browser; 3] =
            browsers.try_into().ok().expect("three browsers");
        open_room(&chair, "bithu.b", meeting).await;
        open_room(&counter, "dv.b05", meeting).await;
        open_room(&member, "dv.b06", meeting).await;
        open_meeting(&chair).await;

        // Everyone is in the hall but dv.b11, away with a reason.
        let absent_row = format!("li.roll-row[data-member='{absent_id}']");
        chair
            .type_into(&format!("{absent_row} input.reason"), "Nghỉ phép")
            .await;
        chair
            .click(&format!(
                "{absent_row} button[data-presence='absent_with_reason']"
            ))
            .await;
        chair.wait_text(&absent_row, "Vắng có lý do").await;
        chair.wait_text("#unmarked", "Chưa điểm danh (11)").await;
        chair.find("#btn-close[disabled]").await;
        shoot_at(&chair, "#unmarked", "chair-unmarked-390", 390).await;
        chair.mark_the_rest_in_person().await;
        chair.wait_text("#figures", "11/12").await;
        member.wait_text(".mine .ok-line", "đã có mặt").await;

        // The chair names dv.b05 to the vote counters.
        chair
            .click(&format!(
                "#counters input.counter-pick[data-member='{counter_id}']"
            ))
            .await;
        chair.click("#btn-appoint-counters").await;
        for b in [&chair, &counter, &member] {
            b.wait_text("#counter-names", &counter_name).await;
        }

        // An open vote on the resolution: dv.b06 votes from the phone, the
        // counter records the show of hands of the others in the hall.
        chair.click("#btn-next").await;
        chair
            .type_into("#vote-question", "Thông qua nghị quyết tháng 12")
            .await;
        chair.click("#btn-open-vote").await;
        member.click("#vote .btn-cast[data-choice='in_favour']").await;
        member
            .wait_text("#you-voted", "Đã biểu quyết: Tán thành")
            .await;
        counter
            .wait_text("#room-ballots", "Ghi phiếu tại hội nghị")
            .await;
        shoot_at(&counter, "#vote", "counter-room-ballots-390", 390).await;
        // Ten full members in the hall; dv.b06 voted already: nine to record.
        counter.wait_js("return document.querySelectorAll('#room-ballots li.room-voter').length === 9",
            "nine ballots to record",
        )
        .await;
        let mut recorded = 0;
        loop {
            let rows = counter
                .client
                .find_all(Locator::Css("#room-ballots li.room-voter"))
                .await
                .unwrap();
            let Some(row) = rows.first() else { break };
            let count = rows.len();
            let choice = if recorded == 0 { "against" } else { "in_favour" };
            let button = row
                .find(Locator::Css(&format!(
                    ".btn-record[data-choice='{choice}']"
                )))
                .await
                .expect("the row's buttons");
            counter.center(&button).await;
            button.click().await.expect("record the ballot");
            counter.wait_js(&format!(
                    "return document.querySelectorAll('#room-ballots li.room-voter').length < {count}"
                ),
                "the ballot to be recorded",
            )
            .await;
            recorded += 1;
        }
        assert_eq!(recorded, 9);
        counter
            .wait_text("#room-ballots", "Đã ghi phiếu của mọi đảng viên")
            .await;
        for b in [&chair, &counter, &member] {
            b.wait_text("#turnout", "1 trực tuyến / 9 tại hội nghị").await;
            b.wait_text("#vote .tally", "Tán thành 9").await;
        }
        chair.click("#btn-close-vote").await;
        for b in [&chair, &counter, &member] {
            b.find("#vote .vote-outcome.passed").await;
        }

        // A secret vote: those in the hall vote on paper; the counter enters
        // the count, checked before it is sent.
        chair
            .reveal("#vote-kind")
            .await
            .select_by_value("AdmissionProposal")
            .await
            .expect("pick the kind of vote");
        chair
            .type_into("#vote-question", "Đề nghị kết nạp quần chúng Nguyễn Văn An")
            .await;
        if chair
            .eval("return document.querySelector('#vote-secret').checked")
            .await
            != json!(true)
        {
            chair.click("#vote-secret").await;
        }
        chair.click("#btn-open-vote").await;
        member
            .wait_text("#vote-on-paper", "bỏ phiếu giấy tại hội nghị")
            .await;
        counter.wait_text("#paper-count", "Tối đa 10 phiếu").await;
        shoot_at(&counter, "#paper-count", "counter-paper-390", 390).await;
        shoot_at(&member, "#vote", "member-on-paper-390", 390).await;
        counter.type_into("#paper-in-favour", "11").await;
        counter.click("#btn-count-paper").await;
        counter
            .wait_text("#flash", "Số phiếu giấy (11) nhiều hơn")
            .await;
        counter.type_into("#paper-in-favour", "9").await;
        counter.type_into("#paper-against", "1").await;
        counter.click("#btn-count-paper").await;
        counter.wait_text("#paper-counted", "10 phiếu").await;
        for b in [&chair, &counter, &member] {
            b.wait_text("#turnout", "0 trực tuyến / 10 tại hội nghị").await;
            b.wait_text("#vote .tally", "Bỏ phiếu kín").await;
        }
        chair.click("#btn-close-vote").await;
        for b in [&chair, &counter, &member] {
            b.wait_text("#vote .tally", "Tán thành 9").await;
        }

        // The minutes are read out and adopted; then the meeting closes.
        chair.click("#btn-adopt").await;
        chair.click("#btn-adopt-confirm").await;
        chair
            .wait_text("#minutes-adopted", "Biên bản đã được chi bộ thông qua lúc")
            .await;
        chair.click("#btn-close").await;
        chair.click("#btn-close-confirm").await;
        for b in [&chair, &counter, &member] {
            b.wait_text(".closed", "đã bế mạc").await;
            b.wait_text(".closed #minutes-adopted", "thông qua lúc").await;
            b.find(".closed #link-resolution").await;
        }
        shoot_at(&counter, ".closed", "counter-closed-390", 390).await;

        chair.click("#link-minutes").await;
        chair.wait_text("#min-adopted", "được thông qua lúc").await;
        chair
            .wait_text("#min-votes", "trực tuyến 1, tại hội nghị 9")
            .await;
        chair
            .wait_text("#min-votes", "trực tuyến 0, tại hội nghị 10")
            .await;
    })
    .await;
    let (status, bytes) = chair_api
        .get_bytes(&format!("/api/meetings/{meeting}/resolution.docx"))
        .await;
    assert_eq!(status, 200, "the resolution passed: it is issued");
    assert!(bytes.starts_with(b"PK\x03\x04"), "a Word file");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_chair_named_before_the_opening_gets_the_chairs_tools_at_once() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let server = Server::start();
    let title = "Sinh hoạt chi bộ, đổi người chủ trì";
    let meeting = register_meeting(&server, title).await;
    let registrar = server.api_login("bithu.b").await;
    let (secretary_id, _) = member(&server, "bithu.b").await;
    let (deputy_id, _) = member(&server, "dv.b02").await;
    with_browsers(&server, 2, move |browsers| async move {
        let [first, deputy]: [Browser; 2] = browsers.try_into().ok().expect("two browsers");
        open_room(&first, "bithu.b", meeting).await;
        open_room(&deputy, "dv.b02", meeting).await;
        first.find("#btn-open").await;
        deputy
            .wait_text(".room", "Chờ đồng chí chủ trì khai mạc")
            .await;

        // The registration now names dv.b02 to chair: both rooms follow at
        // once, without a reload (the powers come from the state).
        let (status, body) = registrar
            .put(
                &format!("/api/meetings/{meeting}"),
                &online_draft(title, deputy_id, secretary_id),
            )
            .await;
        assert_eq!(status, 200, "change the chair: {body}");
        deputy.find("#btn-open").await;
        first
            .wait_text(".room", "Chờ đồng chí chủ trì khai mạc")
            .await;

        // The new chair opens; the opening fixes who chairs.
        open_meeting(&deputy).await;
        for b in [&first, &deputy] {
            b.wait_text("#current-item", "1/2").await;
        }
        deputy.find("#btn-next").await;
        deputy.find("#btn-close").await;
        // bithu.b is still the secretary: marks the roll, does not chair.
        first
            .find("li.roll-row button[data-presence='in_person']")
            .await;
        assert_eq!(
            first
                .eval("return document.querySelector('#btn-next, #btn-close') === null")
                .await,
            json!(true),
            "the former chair has no chair's tools"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_projector_follows_the_meeting_and_offers_no_action() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let server = Server::start();
    let meeting = register_meeting(&server, "Sinh hoạt chi bộ, màn hình trình chiếu").await;
    let (_, member_name) = member(&server, "dv.b05").await;
    with_browsers(&server, 3, move |browsers| async move {
        let [chair, member, screen]: [Browser; 3] =
            browsers.try_into().ok().expect("three browsers");
        open_room(&chair, "bithu.b", meeting).await;
        open_room(&member, "dv.b05", meeting).await;
        // The chair has the projector's link; a member does not.
        let link = chair
            .find("#link-projector")
            .await
            .attr("href")
            .await
            .expect("the link's address")
            .expect("an address");
        assert_eq!(link, format!("/meetings/{meeting}/projector"));
        assert_eq!(
            member
                .eval("return document.querySelector('#link-projector') === null")
                .await,
            json!(true),
            "a member has no projector link"
        );
        // The room's computer, signed in as the secretary, shows it full screen.
        screen.login("bithu.b", DEMO_PASSWORD).await;
        screen
            .client
            .set_window_size(1920, 1080)
            .await
            .expect("a full-HD window");
        screen.goto(&link).await;
        screen.wait_text("#projector-phase", "chưa bắt đầu").await;
        assert_eq!(
            screen
                .eval("return getComputedStyle(document.querySelector('.top-bar')).display")
                .await,
            json!("none"),
            "the app's bars are hidden"
        );

        open_meeting(&chair).await;
        screen.wait_text("#projector-item", "1/2").await;
        screen.wait_text("#projector-item", "Khai mạc, điểm danh").await;
        member.click("#btn-checkin").await;
        member.find(".ok-line").await;
        screen.wait_text("#projector-figures", "1/12").await;

        // A hand raised reaches the queue on the screen, then the floor.
        member.click("#btn-hand[data-raised='false']").await;
        screen.wait_text("#projector-queue", &member_name).await;
        screen.wait_text("#projector-floor", "(1)").await;
        chair.wait_text("#queue", &member_name).await;
        chair.click("#queue .btn-give").await;
        screen.wait_text("#projector-speaker", &member_name).await;
        screen.axe("the projector during the meeting").await;
        screen.wait_text("#projector-floor", "(0)").await;
        chair.click("#btn-end-floor").await;
        screen
            .wait_text("#projector-floor", "Chưa có ai phát biểu")
            .await;

        // The vote: its question while open, its result once closed.
        chair.mark_the_rest_in_person().await;
        screen.wait_text("#projector-figures", "12/12").await;
        chair.click("#btn-next").await;
        screen.wait_text("#projector-item", "2/2").await;
        chair
            .type_into("#vote-question", "Thông qua nghị quyết tháng 12")
            .await;
        chair.click("#btn-open-vote").await;
        screen
            .find("#projector-vote[data-open='true']")
            .await;
        screen
            .wait_text("#projector-vote", "Thông qua nghị quyết tháng 12")
            .await;
        member
            .click("#vote .btn-cast[data-choice='in_favour']")
            .await;
        screen.wait_text("#projector-turnout", "1/").await;
        chair.click("#btn-close-vote").await;
        screen.find("#projector-outcome").await;
        screen.find("#projector-vote[data-open='false']").await;

        // Read-only: no button, no form, whatever happened.
        assert_eq!(
            screen
                .eval("return document.querySelectorAll('#projector button, #projector form, #projector input').length")
                .await,
            json!(0),
            "the projector offers no action"
        );
    })
    .await;
}

mod network;
mod phone;
