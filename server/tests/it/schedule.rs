//! Registering on time, over HTTP on SQLite and PostgreSQL: a cell's year of
//! meetings (late registrations accepted and marked), cancelling and
//! rescheduling a meeting not yet opened (a cancelled one cannot be opened),
//! and a committee's list of cells that have not registered a month.

use crate::common;

use chrono::{Datelike, Duration, NaiveDateTime};
use common::{Backend, CELL_A, CELL_B, GRASSROOTS, TestServer};
use serde_json::{Value, json};
use shared::meeting::{MeetingKind, default_title, standard_agenda};

fn draft(kind: MeetingKind, starts_at: NaiveDateTime) -> Value {
    json!({
        "kind": kind,
        "title": if kind == MeetingKind::Thematic {
            "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh".to_string()
        } else {
            default_title(kind, starts_at.date())
        },
        "starts_at": starts_at,
        "mode": "in_person",
        "place": "Hội trường tầng 2",
        "chair_id": null,
        "secretary_id": null,
        "agenda": standard_agenda(kind),
    })
}

/// Today at 08:00 plus `days`, local time.
fn day_at_8(days: i64) -> NaiveDateTime {
    (server::clock::today() + Duration::days(days))
        .and_hms_opt(8, 0, 0)
        .unwrap()
}

async fn register(
    c: &reqwest::Client,
    s: &TestServer,
    cell: i64,
    kind: MeetingKind,
    at: NaiveDateTime,
) -> Value {
    let r = c
        .post(s.url(&format!("/api/organizations/{cell}/meetings")))
        .json(&draft(kind, at))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "a late registration is accepted");
    r.json().await.unwrap()
}

async fn get(c: &reqwest::Client, s: &TestServer, path: &str) -> (u16, Value) {
    let r = c.get(s.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn post(c: &reqwest::Client, s: &TestServer, path: &str, body: Value) -> (u16, Value) {
    let r = c.post(s.url(path)).json(&body).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn month_slot(view: &Value, at: NaiveDateTime) -> &Value {
    &view["months"][at.month0() as usize]["regular"]
}

async fn the_year_shows_late_registrations(b: Backend) {
    let s = TestServer::start(b).await;
    let a = s.org_id(CELL_A).await;
    let sec = s.login("bithu.a").await;
    // Tomorrow: fewer than 3 days ahead, late but accepted.
    let late_at = day_at_8(1);
    let late = register(&sec, &s, a, MeetingKind::Regular, late_at).await;
    // A thematic one 10 days ahead: on time.
    let on_time_at = day_at_8(10);
    register(&sec, &s, a, MeetingKind::Thematic, on_time_at).await;

    let year = late_at.year();
    let (status, view) = get(
        &sec,
        &s,
        &format!("/api/organizations/{a}/year?year={year}"),
    )
    .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["months"].as_array().unwrap().len(), 12);
    assert_eq!(view["quarters"].as_array().unwrap().len(), 4);
    let slot = month_slot(&view, late_at);
    assert_eq!(slot["status"], "late", "{slot}");
    assert_eq!(slot["late"], true);
    assert_eq!(slot["meeting_id"], late["id"]);
    assert_eq!(view["figures"]["late"], 1);
    assert_eq!(view["lead_days"], 3);
    if on_time_at.year() == year {
        let q = &view["quarters"][(on_time_at.month0() / 3) as usize]["thematic"];
        assert_eq!(q["status"], "on_time", "{q}");
        assert_eq!(view["figures"]["registered"], 2);
    }
    assert!(
        view["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f.as_str().unwrap().contains("đăng ký lịch muộn")),
        "{view}"
    );
    // Without a year: this year.
    let (status, this_year) = get(&sec, &s, &format!("/api/organizations/{a}/year")).await;
    assert_eq!(status, 200);
    assert_eq!(this_year["year"], server::clock::today().year());

    // A member of the cell reads it; another cell's member and a visitor of
    // other cells do not see it; the visitor sees the cells assigned to them.
    let member = s.login("dv.a05").await;
    assert_eq!(
        get(&member, &s, &format!("/api/organizations/{a}/year"))
            .await
            .0,
        200
    );
    let other = s.login("dv.b05").await;
    assert_eq!(
        get(&other, &s, &format!("/api/organizations/{a}/year"))
            .await
            .0,
        404
    );
    let visitor = s.login("capuy.khoi").await;
    assert_eq!(
        get(&visitor, &s, &format!("/api/organizations/{a}/year"))
            .await
            .0,
        404
    );
    let b_cell = s.org_id(CELL_B).await;
    assert_eq!(
        get(&visitor, &s, &format!("/api/organizations/{b_cell}/year"))
            .await
            .0,
        200
    );
    // Bad input.
    for q in ["year=1999", "year=2101", "year=99999999999"] {
        let (status, body) = get(&sec, &s, &format!("/api/organizations/{a}/year?{q}")).await;
        assert_eq!(status, 400, "{q}");
        assert_eq!(
            body["error"]["message"], "Năm phải từ 2000 đến 2100.",
            "{q}"
        );
    }
    let (status, body) = get(&sec, &s, &format!("/api/organizations/{a}/year?year=abc")).await;
    assert_eq!(status, 400);
    assert!(body["error"]["message"].as_str().unwrap().contains("Năm"));
    // A committee has no year of its own.
    let g = s.org_id(GRASSROOTS).await;
    assert_eq!(
        get(&sec, &s, &format!("/api/organizations/{g}/year"))
            .await
            .0,
        404
    );
    s.stop().await;
}

async fn cancelling_a_meeting(b: Backend) {
    let s = TestServer::start(b).await;
    let a = s.org_id(CELL_A).await;
    let sec = s.login("bithu.a").await;
    let at = day_at_8(5);
    let m = register(&sec, &s, a, MeetingKind::Regular, at).await;
    let id = m["id"].as_i64().unwrap();
    let path = format!("/api/meetings/{id}/cancel");
    let reason = json!({"reason": "Bão số 3 đổ bộ, không tổ chức được"});

    // A member may not; another cell's member does not see it.
    let member = s.login("dv.a05").await;
    assert_eq!(post(&member, &s, &path, reason.clone()).await.0, 403);
    let other = s.login("dv.b05").await;
    assert_eq!(post(&other, &s, &path, reason.clone()).await.0, 404);
    let visitor = s.login("capuy.khoi").await;
    assert_eq!(post(&visitor, &s, &path, reason.clone()).await.0, 404);
    // A reason is required, and limited.
    let (status, body) = post(&sec, &s, &path, json!({"reason": "  "})).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"][0]["field"], "reason");
    let long = "ả".repeat(shared::calendar::MAX_REASON_CHARS + 1);
    assert_eq!(post(&sec, &s, &path, json!({"reason": long})).await.0, 422);
    assert_eq!(post(&sec, &s, &path, json!({"why": "x"})).await.0, 400);

    let (status, body) = post(&sec, &s, &path, reason.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["cancelled"]["reason"],
        "Bão số 3 đổ bộ, không tổ chức được"
    );
    assert_eq!(body["status"], "scheduled");
    // The cell's members are told, with the reason; another cell is not.
    let (_, notices) = get(&member, &s, "/api/me/notifications").await;
    let told = notices["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["notice"]["kind"] == "meeting_cancelled")
        .unwrap_or_else(|| panic!("no cancellation notice: {notices}"));
    assert_eq!(
        told["notice"]["reason"],
        "Bão số 3 đổ bộ, không tổ chức được"
    );
    assert_eq!(told["notice"]["meeting"]["id"], id);
    let (_, theirs) = get(&other, &s, "/api/me/notifications").await;
    assert!(
        !theirs.to_string().contains("meeting_cancelled"),
        "{theirs}"
    );
    // The meeting page and the list say so.
    let (_, got) = get(&member, &s, &format!("/api/meetings/{id}")).await;
    assert_eq!(
        got["cancelled"]["reason"],
        "Bão số 3 đổ bộ, không tổ chức được"
    );
    let (_, list) = get(&member, &s, &format!("/api/organizations/{a}/meetings")).await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == id && m["cancelled"].is_object())
    );
    // Cancelled once; not edited, moved nor opened after.
    assert_eq!(post(&sec, &s, &path, reason.clone()).await.0, 409);
    let r = sec
        .put(s.url(&format!("/api/meetings/{id}")))
        .json(&draft(MeetingKind::Regular, at))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let moved = json!({"starts_at": day_at_8(6), "reason": "Đổi sang chủ nhật"});
    assert_eq!(
        post(&sec, &s, &format!("/api/meetings/{id}/reschedule"), moved)
            .await
            .0,
        409
    );
    assert_eq!(s.ws("bithu.a", id).await.err(), Some(409));
    // The year shows it cancelled with its reason (the month is not over).
    let (_, view) = get(
        &sec,
        &s,
        &format!("/api/organizations/{a}/year?year={}", at.year()),
    )
    .await;
    let slot = month_slot(&view, at);
    if slot["meeting_id"] == id {
        assert_eq!(slot["status"], "cancelled");
        assert_eq!(slot["cancel_reason"], "Bão số 3 đổ bộ, không tổ chức được");
    }
    assert_eq!(view["figures"]["cancelled"], 1);
    s.stop().await;
}

async fn an_opened_meeting_cannot_be_cancelled(b: Backend) {
    let s = TestServer::start(b).await;
    // Chaired by the cell's first member, its secretary.
    let id = s.meeting_in(CELL_B).await;
    let chair = "bithu.b";
    let mut room = s.ws(chair, id).await.unwrap();
    room.hello(None).await;
    let r = room.command("open", json!({"type": "open"})).await;
    assert_eq!(r["type"], "accepted", "{r}");
    let sec = s.login("bithu.b").await;
    let (status, body) = post(
        &sec,
        &s,
        &format!("/api/meetings/{id}/cancel"),
        json!({"reason": "Muộn rồi"}),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("đã khai mạc")
    );
    let moved = json!({"starts_at": day_at_8(6), "reason": "Đổi ngày"});
    assert_eq!(
        post(&sec, &s, &format!("/api/meetings/{id}/reschedule"), moved)
            .await
            .0,
        409
    );

    // A meeting cancelled while its room is open is refused at the opening.
    let id = s.meeting_in(CELL_B).await;
    let mut room = s.ws(chair, id).await.unwrap();
    room.hello(None).await;
    let (status, _) = post(
        &sec,
        &s,
        &format!("/api/meetings/{id}/cancel"),
        json!({"reason": "Trùng lịch họp Đảng ủy"}),
    )
    .await;
    assert_eq!(status, 200);
    let r = room.command("open-2", json!({"type": "open"})).await;
    assert_eq!(r["type"], "rejected", "{r}");
    assert_eq!(r["reason"]["code"], "cancelled");
    assert_eq!(
        r["message"],
        "Buổi sinh hoạt đã được hủy (lý do: Trùng lịch họp Đảng ủy); không khai mạc được."
    );
    s.stop().await;
}

async fn rescheduling_keeps_the_first_date_and_the_reason(b: Backend) {
    let s = TestServer::start(b).await;
    let a = s.org_id(CELL_A).await;
    let sec = s.login("bithu.a").await;
    let first = day_at_8(5);
    let m = register(&sec, &s, a, MeetingKind::Regular, first).await;
    let id = m["id"].as_i64().unwrap();
    assert!(m["rescheduled"].is_null());
    let path = format!("/api/meetings/{id}/reschedule");

    let member = s.login("dv.a05").await;
    let moved = json!({"starts_at": day_at_8(7), "reason": "Trùng lịch tiếp xúc cử tri"});
    assert_eq!(post(&member, &s, &path, moved.clone()).await.0, 403);
    let other = s.login("dv.b05").await;
    assert_eq!(post(&other, &s, &path, moved.clone()).await.0, 404);
    let (status, body) = post(
        &sec,
        &s,
        &path,
        json!({"starts_at": day_at_8(7), "reason": ""}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["fields"][0]["field"].as_str()),
        (422, Some("reason"))
    );
    let (status, body) = post(
        &sec,
        &s,
        &path,
        json!({"starts_at": day_at_8(-2), "reason": "Lùi lại"}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["fields"][0]["field"].as_str()),
        (422, Some("starts_at"))
    );

    let (status, body) = post(&sec, &s, &path, moved).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["starts_at"], json!(day_at_8(7)));
    assert_eq!(body["rescheduled"]["from"], json!(first));
    assert_eq!(body["rescheduled"]["reason"], "Trùng lịch tiếp xúc cử tri");
    // Moved again: the first date stays, the reason is the latest.
    let (_, body) = post(
        &sec,
        &s,
        &path,
        json!({"starts_at": day_at_8(8), "reason": "Bí thư đi công tác"}),
    )
    .await;
    assert_eq!(body["rescheduled"]["from"], json!(first));
    assert_eq!(body["rescheduled"]["reason"], "Bí thư đi công tác");

    // The full edit to another day records a rescheduling too.
    let m = register(&sec, &s, a, MeetingKind::Thematic, day_at_8(9)).await;
    let id = m["id"].as_i64().unwrap();
    let same_day = sec
        .put(s.url(&format!("/api/meetings/{id}")))
        .json(&draft(
            MeetingKind::Thematic,
            day_at_8(9) + Duration::hours(6),
        ))
        .send()
        .await
        .unwrap();
    let same_day: Value = same_day.json().await.unwrap();
    assert!(same_day["rescheduled"].is_null(), "same day, another hour");
    let r = sec
        .put(s.url(&format!("/api/meetings/{id}")))
        .json(&draft(MeetingKind::Thematic, day_at_8(12)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let edited: Value = r.json().await.unwrap();
    assert_eq!(edited["starts_at"], json!(day_at_8(12)));
    // From the time it had before the day changed.
    assert_eq!(
        edited["rescheduled"]["from"],
        json!(day_at_8(9) + Duration::hours(6))
    );
    assert_eq!(edited["rescheduled"]["reason"], "");
    s.stop().await;
}

async fn a_committee_sees_the_cells_that_have_not_registered(b: Backend) {
    let s = TestServer::start(b).await;
    let g = s.org_id(GRASSROOTS).await;
    let a = s.org_id(CELL_A).await;
    let at = day_at_8(5);
    let (year, month) = (at.year(), at.month());
    let path = format!("/api/organizations/{g}/unregistered?year={year}&month={month}");
    let admin = s.login("quantri").await;
    let (status, before) = get(&admin, &s, &path).await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(before["cells_total"], 4);
    assert_eq!(before["unregistered"].as_array().unwrap().len(), 4);
    let reminder = chrono::NaiveDate::from_ymd_opt(year, month, 5).unwrap();
    assert_eq!(before["reminder_on"], json!(reminder));
    let overdue = reminder <= server::clock::today();
    assert_eq!(
        before["unregistered"][0]["overdue_since"],
        if overdue {
            json!(reminder)
        } else {
            Value::Null
        }
    );

    // Cell A registers its regular meeting; a cancelled or thematic one in B
    // does not count.
    let sec = s.login("bithu.a").await;
    register(&sec, &s, a, MeetingKind::Regular, at).await;
    let sec_b = s.login("bithu.b").await;
    let b_cell = s.org_id(CELL_B).await;
    register(&sec_b, &s, b_cell, MeetingKind::Thematic, at).await;
    let m = register(&sec_b, &s, b_cell, MeetingKind::Regular, at).await;
    let (status, _) = post(
        &sec_b,
        &s,
        &format!("/api/meetings/{}/cancel", m["id"]),
        json!({"reason": "Mưa bão"}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, after) = get(&admin, &s, &path).await;
    let ids: Vec<i64> = after["unregistered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["cell_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 3, "{after}");
    assert!(!ids.contains(&a) && ids.contains(&b_cell));

    // The committee's members see it; a cell's member and a visitor assigned
    // to cells do not see the committee.
    let committee = s.login("bithu.c").await;
    assert_eq!(get(&committee, &s, &path).await.0, 200);
    let member = s.login("dv.a05").await;
    assert_eq!(get(&member, &s, &path).await.0, 404);
    let visitor = s.login("capuy.khoi").await;
    assert_eq!(get(&visitor, &s, &path).await.0, 404);
    // A cell is not a committee.
    assert_eq!(
        get(&admin, &s, &format!("/api/organizations/{a}/unregistered"))
            .await
            .0,
        404
    );
    // Bad input.
    for (q, message) in [
        ("year=2026&month=13", "Tháng phải từ 1 đến 12."),
        ("year=2026&month=0", "Tháng phải từ 1 đến 12."),
        ("year=2026&month=-1", "Tháng phải từ 1 đến 12."),
        ("year=3000&month=5", "Năm phải từ 2000 đến 2100."),
    ] {
        let (status, body) = get(
            &admin,
            &s,
            &format!("/api/organizations/{g}/unregistered?{q}"),
        )
        .await;
        assert_eq!(
            (status, body["error"]["message"].as_str()),
            (400, Some(message)),
            "{q}"
        );
    }
    s.stop().await;
}

async fn a_committee_reminds_the_cells_that_have_not_registered(b: Backend) {
    let s = TestServer::start(b).await;
    let g = s.org_id(GRASSROOTS).await;
    let a = s.org_id(CELL_A).await;
    let b_cell = s.org_id(CELL_B).await;
    let at = day_at_8(5);
    let (year, month) = (at.year(), at.month());
    let path = format!("/api/organizations/{g}/unregistered/remind");
    let body = json!({"year": year, "month": month});
    let sec = s.login("bithu.a").await;
    register(&sec, &s, a, MeetingKind::Regular, at).await;

    // Who may not: a member of a cell, a visitor following cells.
    let member = s.login("dv.a05").await;
    assert_eq!(post(&member, &s, &path, body.clone()).await.0, 404);
    let visitor = s.login("capuy.khoi").await;
    assert_eq!(post(&visitor, &s, &path, body.clone()).await.0, 404);

    // A member of the committee reminds the three cells still unregistered.
    let committee = s.login("bithu.c").await;
    let (status, report) = post(&committee, &s, &path, body.clone()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["cells"], 3);
    let told = report["notified"].as_u64().unwrap();
    assert!(told >= 3, "{report}");
    // Cell B's members are told, with the committee and the month.
    let dv_b = s.login("dv.b05").await;
    let (_, page) = get(&dv_b, &s, "/api/me/notifications").await;
    let notice = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["notice"]["kind"] == "registration_reminder")
        .unwrap_or_else(|| panic!("no reminder: {page}"));
    assert_eq!(notice["notice"]["reminder"]["cell_id"], b_cell);
    assert_eq!(notice["notice"]["reminder"]["month"], month);
    assert_eq!(notice["notice"]["reminder"]["committee"], GRASSROOTS);
    // Cell A registered: nobody there is reminded.
    let (_, page_a) = get(&member, &s, "/api/me/notifications").await;
    assert!(
        !page_a.to_string().contains("registration_reminder"),
        "{page_a}"
    );
    // A second tap the same day tells nobody again.
    let (status, again) = post(&committee, &s, &path, body.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(
        (again["cells"].as_u64(), again["notified"].as_u64()),
        (Some(3), Some(0))
    );

    // Bad input.
    let bad_month = json!({"year": year, "month": 13});
    assert_eq!(post(&committee, &s, &path, bad_month).await.0, 400);
    let extra = json!({"year": year, "month": month, "to": "all"});
    assert_eq!(post(&committee, &s, &path, extra).await.0, 400);
    assert_eq!(
        post(
            &committee,
            &s,
            &format!("/api/organizations/{a}/unregistered/remind"),
            body
        )
        .await
        .0,
        404
    );
    s.stop().await;
}

on_both_backends!(
    a_committee_reminds_the_cells_that_have_not_registered,
    the_year_shows_late_registrations,
    cancelling_a_meeting,
    an_opened_meeting_cannot_be_cancelled,
    rescheduling_keeps_the_first_date_and_the_reason,
    a_committee_sees_the_cells_that_have_not_registered,
);
