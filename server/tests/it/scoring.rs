//! Scoring a closed meeting over HTTP on SQLite and PostgreSQL: the computed
//! criteria and their evidence, the cell's proposal and its checks, who
//! proposes, comments and confirms, the upper level's change with a reason,
//! the notification, and the score on the minutes and in the cell's year.

use crate::common;

use chrono::Datelike;
use common::{Backend, Seeded, TestServer, meeting_log};
use serde_json::{Value, json};
use shared::MeetingId;
use shared::live::state::{Command, Speaker};
use std::io::Read;

/// Holds a meeting from opening to closing, its log written as the server
/// writes it: everyone present, member 2 takes the floor, the resolution
/// passes, the chair concludes and the minutes are adopted.
async fn hold(s: &TestServer, id: i64, m: &[Seeded]) {
    let chair = Speaker::Member(m[0].member);
    let mut commands = meeting_log::opened_with_everyone(m);
    commands.extend(meeting_log::floor(m, 2));
    commands.extend(meeting_log::resolution_passed_by_all(
        m,
        "Thông qua nghị quyết tháng",
    ));
    commands.push((
        chair,
        Command::Conclude {
            text: "Chi bộ thống nhất nhiệm vụ tháng tới.".into(),
        },
    ));
    commands.push((chair, Command::AdoptMinutes));
    commands.push((chair, Command::Close));
    meeting_log::hold(s, id, m, &commands).await;
}

async fn get(c: &reqwest::Client, s: &TestServer, path: &str) -> (u16, Value) {
    let r = c.get(s.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn send(
    c: &reqwest::Client,
    s: &TestServer,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let r = c
        .request(method, s.url(path))
        .header("origin", s.base.as_str())
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn put(c: &reqwest::Client, s: &TestServer, path: &str, body: Value) -> (u16, Value) {
    send(c, s, reqwest::Method::PUT, path, body).await
}

async fn post(c: &reqwest::Client, s: &TestServer, path: &str, body: Value) -> (u16, Value) {
    send(c, s, reqwest::Method::POST, path, body).await
}

fn fields(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["field"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn computed<'a>(view: &'a Value, key: &str) -> &'a Value {
    view["computed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == key)
        .unwrap_or_else(|| panic!("no computed criterion {key}: {view}"))
}

/// The text of a .docx's body.
async fn docx_text(c: &reqwest::Client, s: &TestServer, id: i64) -> String {
    let r = c
        .get(s.url(&format!("/api/meetings/{id}/minutes.docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// Typed points with full marks, 3.1 at 9,5.
fn typed() -> Value {
    json!({"1.2": 5, "3.1": 9.5, "3.4": 10, "4.1": 5, "4.4": 5})
}

async fn a_meeting_is_scored_confirmed_and_shown(b: Backend) {
    let s = TestServer::start(b).await;
    let (seeded, m) = s.seed_cell("Chi bộ Chấm điểm", 4).await;
    let (_, other) = s.seed_cell("Chi bộ Bên cạnh", 2).await;
    let cell = s.cell_of(seeded).await;
    // A member of the neighbouring cell assigned to follow this one.
    s.store
        .add_assignment(other[1].account, cell)
        .await
        .unwrap();
    let id = s.registered_on_time(seeded).await;
    let secretary = s.http_with(&m[0].cookie);
    let member = s.http_with(&m[1].cookie);
    let stranger = s.http_with(&other[0].cookie);
    let upper = s.http_with(&other[1].cookie);
    let score = format!("/api/meetings/{id}/score");
    let upper_path = format!("/api/meetings/{id}/score/upper");
    let comments = format!("/api/meetings/{id}/score/comments");

    // Not closed: nothing to score.
    assert_eq!(get(&secretary, &s, &score).await.0, 409);
    let (status, body) = put(&secretary, &s, &score, json!({"entries": typed()})).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        post(&member, &s, &comments, json!({"text": "Sớm quá"}))
            .await
            .0,
        409
    );

    hold(&s, id, &m).await;

    // Another cell's member sees nothing.
    assert_eq!(get(&stranger, &s, &score).await.0, 404);
    assert_eq!(
        put(&stranger, &s, &score, json!({"entries": typed()}))
            .await
            .0,
        404
    );
    assert_eq!(
        post(&stranger, &s, &comments, json!({"text": "Xin góp ý"}))
            .await
            .0,
        404
    );

    // A member reads the computed criteria with their evidence.
    let (status, view) = get(&member, &s, &score).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(
        computed(&view, "2.1")["evidence"],
        "Có mặt 4/4 (100%); yêu cầu trên 85%."
    );
    assert_eq!(computed(&view, "2.1")["met"], true);
    assert_eq!(computed(&view, "2.2")["met"], true);
    // One of four spoke: under half.
    assert_eq!(computed(&view, "3.3")["met"], false);
    assert_eq!(
        computed(&view, "3.3")["evidence"],
        "1/4 đảng viên dự họp phát biểu (25%); yêu cầu ít nhất một nửa."
    );
    let registered = computed(&view, "1.1");
    assert_eq!(registered["met"], true, "{registered}");
    assert!(
        registered["evidence"]
            .as_str()
            .unwrap()
            .contains("trước hạn"),
        "{registered}"
    );
    assert_eq!(
        computed(&view, "1.5")["evidence"],
        "Không có tài liệu gửi trước cho đảng viên."
    );
    // Opened and closed at once: shorter than 90 minutes.
    assert_eq!(computed(&view, "3.2")["met"], false);
    for key in ["1.3", "1.4", "3.5", "4.2", "4.3"] {
        assert_eq!(computed(&view, key)["met"], true, "{key}: {view}");
    }
    assert_eq!(view["proposal"], Value::Null);
    assert_eq!(
        view["may"],
        json!({"propose": false, "confirm": false, "comment": true})
    );
    // The body the browser decodes.
    let decoded: shared::scoring::ScoreView = serde_json::from_value(view.clone()).unwrap();
    assert_eq!(serde_json::to_value(&decoded).unwrap(), view);

    // A member may not propose; the upper level may not confirm before a proposal.
    assert_eq!(
        put(&member, &s, &score, json!({"entries": typed()}))
            .await
            .0,
        403
    );
    let (status, body) = put(&upper, &s, &upper_path, json!({})).await;
    assert_eq!(status, 409, "{body}");

    // Above a criterion's maximum: the error at that field.
    let mut above = typed();
    above["3.1"] = json!(10.5);
    let (status, body) = put(&secretary, &s, &score, json!({"entries": above})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(fields(&body), ["entries.3.1"]);
    // A computed criterion typed by hand, one left out.
    let mut wrong = typed();
    wrong["2.1"] = json!(10);
    wrong.as_object_mut().unwrap().remove("4.4");
    let (status, body) = put(&secretary, &s, &score, json!({"entries": wrong})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(fields(&body), ["entries.2.1", "entries.4.4"]);

    // The secretary proposes: 48 computed + 34,5 typed = 82,5, Khá.
    let (status, view) = put(&secretary, &s, &score, json!({"entries": typed()})).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["result"]["cell"]["total"], 82.5);
    assert_eq!(view["result"]["final_band"], "fair");
    assert_eq!(view["result"]["confirmed"], false);
    assert_eq!(view["proposal"]["by"], "Đảng Viên Số 0");
    assert_eq!(view["basis"]["rules_version"], 1);
    assert_eq!(view["may"]["propose"], true);
    // Proposing again before the confirmation replaces the proposal.
    let mut again = typed();
    again["3.1"] = json!(10);
    let (status, view) = put(&secretary, &s, &score, json!({"entries": again})).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["result"]["cell"]["total"], 83.0);

    // Members comment; the upper level does not.
    let (status, c) = post(
        &member,
        &s,
        &comments,
        json!({"text": "Đề nghị chấm tiêu chí 3.4 thấp hơn vì chưa phê bình sâu."}),
    )
    .await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(c["author"], "Đảng Viên Số 1");
    let (status, body) = post(&member, &s, &comments, json!({"text": "  "})).await;
    assert_eq!(status, 422);
    assert_eq!(fields(&body), ["text"]);
    let long = "ý".repeat(shared::scoring::MAX_COMMENT_CHARS + 1);
    assert_eq!(
        post(&member, &s, &comments, json!({"text": long})).await.0,
        422
    );
    assert_eq!(
        post(&upper, &s, &comments, json!({"text": "Đồng ý"}))
            .await
            .0,
        403
    );

    // Before the confirmation the minutes carry no score.
    let minutes = format!("/api/meetings/{id}/minutes");
    let (_, before) = get(&member, &s, &minutes).await;
    assert_eq!(before["score"], Value::Null);
    assert!(
        !docx_text(&member, &s, id)
            .await
            .contains("KẾT QUẢ CHẤM ĐIỂM CHẤT LƯỢNG")
    );
    let year = format!(
        "/api/organizations/{}/year?year={}",
        cell.0,
        server::clock::now_local().year()
    );
    let (_, y) = get(&member, &s, &year).await;
    assert_eq!(y["bands"], json!([]));
    assert_eq!(y["year_band"], Value::Null);

    // Nobody of the cell confirms its own score.
    assert_eq!(put(&secretary, &s, &upper_path, json!({})).await.0, 403);
    assert_eq!(put(&member, &s, &upper_path, json!({})).await.0, 403);
    // The upper level changes a point: a reason is needed.
    let (_, view) = get(&upper, &s, &score).await;
    assert_eq!(
        view["may"],
        json!({"propose": false, "confirm": true, "comment": false})
    );
    let mut lower = again.clone();
    lower["3.4"] = json!(8);
    let (status, body) = put(&upper, &s, &upper_path, json!({"entries": lower})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(fields(&body), ["reason"]);
    let mut too_much = lower.clone();
    too_much["4.1"] = json!(6);
    let (status, body) = put(
        &upper,
        &s,
        &upper_path,
        json!({"entries": too_much, "reason": "Điều chỉnh"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(fields(&body), ["entries.4.1"]);
    let reason = "Phê bình và tự phê bình chưa sâu.";
    let (status, view) = put(
        &upper,
        &s,
        &upper_path,
        json!({"entries": lower, "reason": reason}),
    )
    .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["result"]["confirmed"], true);
    assert_eq!(view["result"]["cell"]["total"], 83.0);
    assert_eq!(view["result"]["upper"]["total"], 81.0);
    assert_eq!(view["result"]["final_total"], 81.0);
    assert_eq!(view["upper"]["reason"], reason);
    assert_eq!(view["may"]["confirm"], false);
    assert_eq!(view["comments"][0]["author"], "Đảng Viên Số 1");

    // Final: neither column changes again.
    assert_eq!(
        put(&secretary, &s, &score, json!({"entries": typed()}))
            .await
            .0,
        409
    );
    assert_eq!(put(&upper, &s, &upper_path, json!({})).await.0, 409);

    // The cell's members are told.
    let (_, page) = get(&member, &s, "/api/me/notifications?limit=100").await;
    let told = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["notice"]["kind"] == "score_confirmed")
        .unwrap_or_else(|| panic!("no score_confirmed notice: {page}"));
    assert_eq!(told["notice"]["band"], "fair");
    assert_eq!(told["notice"]["total"], 81.0);
    assert_eq!(told["notice"]["changed"], true);

    // The minutes and the document now carry the score.
    let (_, after) = get(&member, &s, &minutes).await;
    assert_eq!(after["score"]["final_band"], "fair");
    assert_eq!(after["score"]["cell_total"], 83.0);
    assert_eq!(after["score"]["upper_total"], 81.0);
    let text = docx_text(&member, &s, id).await;
    assert!(text.contains("KẾT QUẢ CHẤM ĐIỂM CHẤT LƯỢNG"), "{text}");
    assert!(text.contains("cấp trên chấm 81/100 điểm (Khá)"), "{text}");

    // The cell's year shows the meeting's band and the year's.
    let (status, y) = get(&member, &s, &year).await;
    assert_eq!(status, 200, "{y}");
    assert_eq!(y["bands"][0]["meeting_id"], id);
    assert_eq!(y["bands"][0]["band"], "fair");
    assert!(y["year_band"]["band"].is_string(), "{y}");
    let view: shared::calendar::YearView = serde_json::from_value(y.clone()).unwrap();
    assert_eq!(view.band_of(MeetingId(id)).unwrap().total.as_tenths(), 810);
    s.stop().await;
}

/// Bad bodies are 4xx, never 500.
async fn bad_bodies_are_refused(b: Backend) {
    let s = TestServer::start(b).await;
    let (seeded, m) = s.seed_cell("Chi bộ Kiểm tra", 3).await;
    let id = s.registered_on_time(seeded).await;
    hold(&s, id, &m).await;
    let secretary = s.http_with(&m[0].cookie);
    let score = format!("/api/meetings/{id}/score");
    for body in [
        json!({"entries": {"3.1": -1}}),
        json!({"entries": {"3.1": 1.25}}),
        json!({"entries": {"3.1": "mười"}}),
        json!({"entries": typed(), "extra": 1}),
        json!({}),
    ] {
        let (status, answer) = put(&secretary, &s, &score, body.clone()).await;
        assert!((400..500).contains(&status), "{body}: {status} {answer}");
    }
    let (status, body) = put(&secretary, &s, &score, json!({"entries": {"9.9": 1}})).await;
    assert_eq!(status, 422);
    assert!(fields(&body).contains(&"entries.9.9".to_string()), "{body}");
    assert_eq!(
        get(&secretary, &s, "/api/meetings/999999/score").await.0,
        404
    );
    s.stop().await;
}

on_both_backends!(
    a_meeting_is_scored_confirmed_and_shown,
    bad_bodies_are_refused
);
