//! Preparing a meeting over HTTP on SQLite and PostgreSQL: absence requests
//! and their decision, opinions sent in advance, who may do what, the bad
//! input, the end of preparation at the opening, the roll pre-filled by an
//! accepted request (seen over the live WebSocket), and the minutes listing
//! the advance opinions.

use crate::common;

use common::{Backend, TestServer, ws};
use serde_json::{Value, json};

async fn send(
    c: &reqwest::Client,
    s: &TestServer,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut r = c
        .request(method, s.url(path))
        .header("origin", s.base.as_str());
    if let Some(body) = body {
        r = r.json(&body);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get(c: &reqwest::Client, s: &TestServer, path: &str) -> (u16, Value) {
    send(c, s, reqwest::Method::GET, path, None).await
}

async fn put(c: &reqwest::Client, s: &TestServer, path: &str, body: Value) -> (u16, Value) {
    send(c, s, reqwest::Method::PUT, path, Some(body)).await
}

async fn delete(c: &reqwest::Client, s: &TestServer, path: &str) -> u16 {
    send(c, s, reqwest::Method::DELETE, path, None).await.0
}

fn field(body: &Value) -> &str {
    body["error"]["fields"][0]["field"].as_str().unwrap_or("")
}

/// A member asks to be excused, rewrites and withdraws; the checks on the
/// reason; another cell's member and an upper-level committee member.
async fn members_ask_to_be_excused(b: Backend) {
    let s = TestServer::start(b).await;
    let (id, m) = s.seed_cell("Chi bộ Chuẩn bị", 4).await;
    let (_, other_cell) = s.seed_cell("Chi bộ Bên cạnh", 2).await;
    let member = s.http_with(&m[2].cookie);
    let stranger = s.http_with(&other_cell[0].cookie);
    let upper = s.login(&server::demo::demo_username('a', 0)).await;
    let absence = format!("/api/meetings/{id}/absence");
    let prep = format!("/api/meetings/{id}/preparation");
    let reason = json!({"reason": "  Đi công tác tại Đà Nẵng  "});

    let (status, r) = put(&member, &s, &absence, reason.clone()).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["reason"], "Đi công tác tại Đà Nẵng");
    assert_eq!(r["status"], "pending");
    assert_eq!(r["member_name"], "Đảng Viên Số 2");
    assert_eq!(r["decided_at"], Value::Null);
    let (status, p) = get(&member, &s, &prep).await;
    assert_eq!(status, 200);
    assert_eq!(p["may_prepare"], true);
    assert_eq!(p["may_decide"], false);
    assert_eq!(p["my_request"]["reason"], "Đi công tác tại Đà Nẵng");
    assert_eq!(p["requests"], json!([]), "a member sees only their own");

    // Rewritten: one request, the new reason.
    let (status, r) = put(&member, &s, &absence, json!({"reason": "Con ốm"})).await;
    assert_eq!((status, &r["reason"]), (200, &json!("Con ốm")));
    let (_, p) = get(&s.http_with(&m[0].cookie), &s, &prep).await;
    assert_eq!(p["requests"].as_array().unwrap().len(), 1);

    // Bad input, each with its field.
    let (status, body) = put(&member, &s, &absence, json!({"reason": " \u{7} "})).await;
    assert_eq!((status, field(&body)), (422, "reason"), "{body}");
    let long = "ă".repeat(shared::preparation::MAX_ABSENCE_REASON_CHARS + 1);
    let (status, body) = put(&member, &s, &absence, json!({"reason": long})).await;
    assert_eq!((status, field(&body)), (422, "reason"), "{body}");
    let (status, _) = put(&member, &s, &absence, json!({"why": "x"})).await;
    assert_eq!(status, 400, "unknown fields are refused");

    // Who may not.
    assert_eq!(put(&stranger, &s, &absence, reason.clone()).await.0, 404);
    assert_eq!(get(&stranger, &s, &prep).await.0, 404);
    assert_eq!(delete(&stranger, &s, &absence).await, 404);
    let (status, body) = put(&upper, &s, &absence, reason.clone()).await;
    assert_eq!(status, 403, "an upper-level visitor does not ask: {body}");
    let (status, p) = get(&upper, &s, &prep).await;
    assert_eq!((status, &p["may_prepare"]), (200, &json!(false)));
    assert_eq!(p["requests"], json!([]));
    assert_eq!(
        put(&member, &s, "/api/meetings/999999/absence", reason)
            .await
            .0,
        404
    );

    // Withdrawn.
    assert_eq!(delete(&member, &s, &absence).await, 204);
    assert_eq!(delete(&member, &s, &absence).await, 404);
    let (_, p) = get(&member, &s, &prep).await;
    assert_eq!(p["my_request"], Value::Null);
    s.stop().await;
}

/// The cell's secretary decides; members, the minutes' secretary who does
/// not manage the cell, another cell and the upper level do not.
async fn the_secretary_decides(b: Backend) {
    let s = TestServer::start(b).await;
    let (id, m) = s.seed_cell("Chi bộ Duyệt đơn", 4).await;
    let (_, other_cell) = s.seed_cell("Chi bộ Khác", 2).await;
    let secretary = s.http_with(&m[0].cookie);
    let minutes_secretary = s.http_with(&m[1].cookie);
    let member = s.http_with(&m[2].cookie);
    let stranger = s.http_with(&other_cell[0].cookie);
    let upper = s.login(&server::demo::demo_username('a', 0)).await;
    let decision = format!("/api/meetings/{id}/absences/{}/decision", m[2].member.0);
    let accept = json!({"accept": true, "note": "Đồng ý, gửi ý kiến bằng văn bản"});

    // No request yet.
    assert_eq!(put(&secretary, &s, &decision, accept.clone()).await.0, 404);
    put(
        &member,
        &s,
        &format!("/api/meetings/{id}/absence"),
        json!({"reason": "Đi học lớp trung cấp lý luận"}),
    )
    .await;

    for (who, client, expected) in [
        ("the member", &member, 403),
        ("the minutes' secretary", &minutes_secretary, 403),
        ("an upper-level member", &upper, 403),
        ("another cell's member", &stranger, 404),
    ] {
        let (status, body) = put(client, &s, &decision, accept.clone()).await;
        assert_eq!(status, expected, "{who}: {body}");
    }
    let long = json!({"accept": true, "note": "n".repeat(shared::preparation::MAX_DECISION_NOTE_CHARS + 1)});
    let (status, body) = put(&secretary, &s, &decision, long).await;
    assert_eq!((status, field(&body)), (422, "note"), "{body}");
    let (status, body) = put(&secretary, &s, &decision, json!({"note": "x"})).await;
    assert_eq!(status, 400, "the decision is required: {body}");

    let (status, r) = put(&secretary, &s, &decision, accept).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["status"], "accepted");
    assert_eq!(r["note"], "Đồng ý, gửi ý kiến bằng văn bản");
    assert_eq!(r["decided_by"], "Đảng Viên Số 0");
    assert!(r["decided_at"].is_string());

    // The member sees the decision; the secretary sees every request.
    let prep = format!("/api/meetings/{id}/preparation");
    let (_, p) = get(&member, &s, &prep).await;
    assert_eq!(p["my_request"]["status"], "accepted");
    assert_eq!(p["my_request"]["note"], "Đồng ý, gửi ý kiến bằng văn bản");
    // And is told so.
    let (_, notices) = get(&member, &s, "/api/me/notifications").await;
    let told = notices["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["notice"]["kind"] == "absence_decided")
        .unwrap_or_else(|| panic!("no notice of the decision: {notices}"));
    assert_eq!(told["notice"]["accepted"], true);
    assert_eq!(told["notice"]["note"], "Đồng ý, gửi ý kiến bằng văn bản");
    let (_, p) = get(&secretary, &s, &prep).await;
    assert_eq!(p["may_decide"], true);
    assert_eq!(p["requests"][0]["member_name"], "Đảng Viên Số 2");

    // Refused after all; a rewritten request waits again.
    let (status, r) = put(&secretary, &s, &decision, json!({"accept": false})).await;
    assert_eq!(
        (status, &r["status"], &r["note"]),
        (200, &json!("refused"), &json!(""))
    );
    let (_, r) = put(
        &member,
        &s,
        &format!("/api/meetings/{id}/absence"),
        json!({"reason": "Đi học, có giấy triệu tập"}),
    )
    .await;
    assert_eq!(
        (&r["status"], &r["decided_by"]),
        (&json!("pending"), &Value::Null)
    );
    s.stop().await;
}

/// Opinions sent in advance: sent, rewritten, withdrawn; who sees them; the checks.
async fn opinions_sent_in_advance(b: Backend) {
    let s = TestServer::start(b).await;
    let (id, m) = s.seed_cell("Chi bộ Góp ý", 4).await;
    let (_, other_cell) = s.seed_cell("Chi bộ Ngoài", 2).await;
    let chair = s.http_with(&m[0].cookie);
    let minutes_secretary = s.http_with(&m[1].cookie);
    let author = s.http_with(&m[2].cookie);
    let other = s.http_with(&m[3].cookie);
    let stranger = s.http_with(&other_cell[0].cookie);
    let upper = s.login(&server::demo::demo_username('a', 0)).await;
    let on = |item: i64| format!("/api/meetings/{id}/advance-opinions/{item}");
    let prep = format!("/api/meetings/{id}/preparation");
    let text = json!({"text": "Đề nghị bổ sung chỉ tiêu kết nạp đảng viên mới."});

    let (status, o) = put(&author, &s, &on(1), text.clone()).await;
    assert_eq!(status, 200, "{o}");
    assert_eq!(
        (o["item"].as_u64(), &o["member_name"]),
        (Some(1), &json!("Đảng Viên Số 2"))
    );
    let (status, o) = put(
        &author,
        &s,
        &on(1),
        json!({"text": "Sửa lại: thêm thời hạn."}),
    )
    .await;
    assert_eq!(
        (status, &o["text"]),
        (200, &json!("Sửa lại: thêm thời hạn."))
    );
    assert_eq!(put(&author, &s, &on(3), text.clone()).await.0, 200);
    assert_eq!(
        put(&other, &s, &on(3), json!({"text": "Nhất trí."}))
            .await
            .0,
        200
    );

    // Counts for all; the texts for their authors, the chair and the secretary.
    let (_, p) = get(&other, &s, &prep).await;
    assert_eq!(p["opinion_counts"][1], 1);
    assert_eq!(p["opinion_counts"][3], 2);
    assert_eq!(p["sees_all_opinions"], false);
    assert_eq!(p["opinions"].as_array().unwrap().len(), 1, "only their own");
    for client in [&chair, &minutes_secretary] {
        let (_, p) = get(client, &s, &prep).await;
        assert_eq!(p["sees_all_opinions"], true);
        assert_eq!(p["opinions"].as_array().unwrap().len(), 3);
    }
    let (_, p) = get(&upper, &s, &prep).await;
    assert_eq!(
        (
            p["opinions"].as_array().unwrap().len(),
            &p["opinion_counts"][3]
        ),
        (0, &json!(2))
    );

    // Bad input and who may not.
    let (status, body) = put(&author, &s, &on(1), json!({"text": "   "})).await;
    assert_eq!((status, field(&body)), (422, "text"), "{body}");
    let long = "ý".repeat(shared::preparation::MAX_ADVANCE_OPINION_CHARS + 1);
    let (status, body) = put(&author, &s, &on(1), json!({"text": long})).await;
    assert_eq!((status, field(&body)), (422, "text"), "{body}");
    assert_eq!(put(&author, &s, &on(99), text.clone()).await.0, 404);
    assert_eq!(put(&author, &s, &on(-1), text.clone()).await.0, 404);
    assert_eq!(put(&stranger, &s, &on(1), text.clone()).await.0, 404);
    assert_eq!(put(&upper, &s, &on(1), text.clone()).await.0, 403);
    assert_eq!(delete(&upper, &s, &on(1)).await, 403);

    // Withdrawn.
    assert_eq!(delete(&author, &s, &on(1)).await, 204);
    assert_eq!(delete(&author, &s, &on(1)).await, 404);
    assert_eq!(
        delete(&other, &s, &on(1)).await,
        404,
        "not theirs to withdraw"
    );
    let (_, p) = get(&chair, &s, &prep).await;
    assert_eq!(p["opinion_counts"][1], 0);
    assert_eq!(p["opinions"].as_array().unwrap().len(), 2);
    s.stop().await;
}

/// The accepted request reaches the room before the opening and the roll
/// at the opening; from then on, preparation is closed (409); the chair
/// may still change the mark; the minutes list the opinions sent in advance.
async fn the_opening_takes_the_preparation(b: Backend) {
    let s = TestServer::start(b).await;
    let (id, m) = s.seed_cell("Chi bộ Khai mạc", 4).await;
    let secretary = s.http_with(&m[0].cookie);
    let excused = s.http_with(&m[2].cookie);
    let refused = s.http_with(&m[3].cookie);
    let reason = "Điều trị tại Bệnh viện Bạch Mai";
    let absence = format!("/api/meetings/{id}/absence");
    let decide = |member: i64| format!("/api/meetings/{id}/absences/{member}/decision");
    put(&excused, &s, &absence, json!({"reason": reason})).await;
    put(
        &refused,
        &s,
        &absence,
        json!({"reason": "Bận việc gia đình"}),
    )
    .await;
    let on = |item: i64| format!("/api/meetings/{id}/advance-opinions/{item}");
    put(
        &excused,
        &s,
        &on(0),
        json!({"text": "Đề nghị cập nhật Chỉ thị mới của Bộ Chính trị."}),
    )
    .await;

    // The chair is in the room before the opening.
    let mut chair = ws::Client::open(&s.base, &m[0].cookie, id).await.unwrap();
    let welcome = chair.hello(None).await;
    assert_eq!(welcome["snapshot"]["excused"], json!([]));
    let (status, _) = put(
        &secretary,
        &s,
        &decide(m[2].member.0),
        json!({"accept": true}),
    )
    .await;
    assert_eq!(status, 200);
    let snapshot = chair.until("snapshot").await;
    assert_eq!(snapshot["state"]["excused"][0]["member_id"], m[2].member.0);
    assert_eq!(snapshot["state"]["excused"][0]["reason"], reason);
    put(
        &secretary,
        &s,
        &decide(m[3].member.0),
        json!({"accept": false, "note": "Cần có mặt"}),
    )
    .await;

    let r = chair
        .command("open", json!({"type": "open", "confirm_early": true}))
        .await;
    assert_eq!(r["type"], "accepted", "{r}");
    let opened = chair.until_event(1).await;
    assert_eq!(opened["type"], "opened");
    assert_eq!(
        opened["excused"].as_array().map(Vec::len),
        Some(1),
        "{opened}"
    );

    // The roll: absent with the request's reason; the refused member unmarked.
    let (status, minutes) = get(&secretary, &s, &format!("/api/meetings/{id}/minutes")).await;
    assert_eq!(status, 200);
    let absent = &minutes["attendance"]["names"]["absent_with_reason"];
    assert_eq!(absent.as_array().map(Vec::len), Some(1), "{minutes}");
    assert_eq!(absent[0]["full_name"], "Đảng Viên Số 2");
    assert_eq!(absent[0]["reason"], reason);
    // The opinions sent in advance, under their item, with the author.
    assert_eq!(
        minutes["items"][0]["advance_opinions"],
        json!([{"author": "Đảng Viên Số 2", "text": "Đề nghị cập nhật Chỉ thị mới của Bộ Chính trị."}])
    );

    // Preparation is over.
    assert_eq!(
        put(&refused, &s, &absence, json!({"reason": "Lại bận"}))
            .await
            .0,
        409
    );
    assert_eq!(delete(&excused, &s, &absence).await, 409);
    assert_eq!(
        put(
            &secretary,
            &s,
            &decide(m[3].member.0),
            json!({"accept": true})
        )
        .await
        .0,
        409
    );
    assert_eq!(
        put(&excused, &s, &on(1), json!({"text": "Muộn rồi"}))
            .await
            .0,
        409
    );
    assert_eq!(delete(&excused, &s, &on(0)).await, 409);
    let (_, p) = get(&excused, &s, &format!("/api/meetings/{id}/preparation")).await;
    assert_eq!(p["may_prepare"], false);

    // The member came after all: the chair marks them present.
    let r = chair
        .command(
            "mark",
            json!({"type": "mark", "mark": {"member_id": m[2].member.0, "presence": "in_person"}}),
        )
        .await;
    assert_eq!(r["type"], "accepted", "{r}");
    let (_, minutes) = get(&secretary, &s, &format!("/api/meetings/{id}/minutes")).await;
    assert_eq!(
        minutes["attendance"]["names"]["absent_with_reason"],
        json!([])
    );
    s.stop().await;
}

/// The endpoints are in the OpenAPI document, with the limits from `shared`.
async fn the_endpoints_are_described(b: Backend) {
    let s = TestServer::start(b).await;
    let spec: Value = s
        .client()
        .get(s.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = &spec["paths"];
    assert!(paths["/api/meetings/{id}/preparation"]["get"].is_object());
    assert!(paths["/api/meetings/{id}/absence"]["put"]["responses"]["409"].is_object());
    assert!(paths["/api/meetings/{id}/absence"]["delete"]["responses"]["204"].is_object());
    assert!(paths["/api/meetings/{id}/absences/{member}/decision"]["put"].is_object());
    assert!(paths["/api/meetings/{id}/advance-opinions/{item}"]["put"].is_object());
    assert!(paths["/api/meetings/{id}/advance-opinions/{item}"]["delete"].is_object());
    let limit = |schema: &str, field: &str| {
        spec["components"]["schemas"][schema]["properties"][field]["maxLength"].as_u64()
    };
    assert_eq!(limit("AbsenceRequestDraft", "reason"), Some(500));
    assert_eq!(limit("AbsenceDecision", "note"), Some(500));
    assert_eq!(limit("AdvanceOpinionDraft", "text"), Some(2000));
    s.stop().await;
}

on_both_backends!(
    members_ask_to_be_excused,
    the_secretary_decides,
    opinions_sent_in_advance,
    the_opening_takes_the_preparation,
    the_endpoints_are_described,
);
