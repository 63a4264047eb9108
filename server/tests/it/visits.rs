//! Upper-level visits over HTTP and the live room, on SQLite and PostgreSQL:
//! a committee plans a quarter and is warned of cells left waiting, assigns
//! its own members to follow cells; a visitor arriving in an opened live
//! meeting makes a visit, once; the secretary records an in-person visit;
//! the visitor files the report once, with recommendations, which the cell
//! answers and which come back on its next agenda; reports not filed are
//! reminded of. Who sees and does what, and bad input.

use crate::common;

use chrono::Duration;
use common::http::{delete, get, post, put};
use common::{Backend, CELL_A, CELL_B, CELL_C, CELL_D, GRASSROOTS, TestServer};
use serde_json::{Value, json};
use server::storage::NewVisit;
use shared::meeting::{MeetingKind, standard_agenda};
use shared::org::OrgKind;
use shared::visits::{AGENDA_HEADING, MAX_REPORT_TEXT_CHARS, VisitSource};
use shared::{AccountId, OrgId};

const BLOC: &str = "Đảng bộ Khối các cơ quan tỉnh";
/// Sits on the grassroots committee (the deputy secretary of cell A).
const GRASS_COMMITTEE: &str = "dv.a02";
/// Assigned to follow cells B and D.
const VISITOR: &str = "capuy.khoi";

/// A member of the bloc's committee.
async fn bloc_member(s: &TestServer, name: &str) -> (AccountId, reqwest::Client) {
    let bloc = OrgId(s.org_id(BLOC).await);
    let (id, cookie) = s.account_with_session(name, None).await;
    s.store.add_committee_seat(id, bloc).await.unwrap();
    (id, s.http_with(&cookie))
}

fn this_quarter() -> (i32, u32) {
    let q = shared::visits::quarter_of(server::clock::today());
    (q.year, q.quarter)
}

fn plan_path(org: i64) -> String {
    let (y, q) = this_quarter();
    format!("/api/organizations/{org}/visit-plan?year={y}&quarter={q}")
}

fn cell_names(cells: &Value, flag: &str) -> Vec<String> {
    cells
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c[flag] == true)
        .map(|c| c["cell_name"].as_str().unwrap().to_string())
        .collect()
}

/// The bloc's committee plans a quarter: every cell below is listed, those
/// never visited flagged and warned of; the plan names its own members and
/// cells below it only.
async fn the_committee_plans_a_quarter_and_is_warned(b: Backend) {
    let s = TestServer::start(b).await;
    let bloc = s.org_id(BLOC).await;
    let (khoi, planner) = bloc_member(&s, "Đỗ Văn Khối").await;
    let (status, plan) = get(&planner, &s, &plan_path(bloc)).await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["may_plan"], true);
    assert_eq!(
        plan["visitors"],
        json!([{"id": khoi.0, "name": "Đỗ Văn Khối"}])
    );
    let cells = &plan["review"]["cells"];
    assert_eq!(cells.as_array().unwrap().len(), 4);
    let mut all = vec![CELL_A, CELL_B, CELL_C, CELL_D];
    all.sort();
    assert_eq!(cell_names(cells, "neglected"), all);
    let warnings = plan["review"]["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w
            .as_str()
            .unwrap()
            .starts_with(&format!("{CELL_C} chưa từng được"))),
        "{warnings:?}"
    );
    // Cell B's followers are shown.
    let b_cell = cells
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cell_name"] == CELL_B)
        .unwrap();
    assert_eq!(b_cell["followers"][0]["name"], "Trịnh Minh Tuấn");

    // The plan: B in the quarter's second month.
    let cell_b = s.org_id(CELL_B).await;
    let (_, q) = this_quarter();
    let month = (q - 1) * 3 + 2;
    let entries = json!({"entries": [{"visitor_id": khoi.0, "cell_id": cell_b, "month": month}]});
    let (status, plan) = put(&planner, &s, &plan_path(bloc), entries.clone()).await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["entries"][0]["cell_name"], CELL_B);
    assert_eq!(plan["entries"][0]["visitor_name"], "Đỗ Văn Khối");
    assert_eq!(plan["entries"][0]["done"], false);
    assert_eq!(cell_names(&plan["review"]["cells"], "planned"), [CELL_B]);
    assert_eq!(plan["review"]["visitors"][0]["planned"], 1);
    assert_eq!(plan["review"]["visitors"][0]["short"], false);
    // Read back.
    let (_, again) = get(&planner, &s, &plan_path(bloc)).await;
    assert_eq!(again["entries"], plan["entries"]);

    // Bad input: a month outside the quarter, someone not on the committee, a
    // line twice, a cell elsewhere (404), a quarter out of range (400).
    let (a05, _) = s.ids_of("dv.a05").await;
    let bad_month = (month % 12) + 3;
    let (status, body) = put(
        &planner,
        &s,
        &plan_path(bloc),
        json!({"entries": [
            {"visitor_id": khoi.0, "cell_id": cell_b, "month": bad_month},
            {"visitor_id": a05.0, "cell_id": cell_b},
            {"visitor_id": khoi.0, "cell_id": cell_b},
        ]}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["error"]["fields"].as_array().unwrap().len(),
        3,
        "{body}"
    );
    let elsewhere = s
        .store
        .create_organization(None, OrgKind::PartyCommittee, "Đảng bộ tỉnh bạn")
        .await
        .unwrap();
    let far_cell = s
        .store
        .create_organization(Some(elsewhere.id), OrgKind::Cell, "Chi bộ ở tỉnh bạn")
        .await
        .unwrap();
    let (status, _) = put(
        &planner,
        &s,
        &plan_path(bloc),
        json!({"entries": [{"visitor_id": khoi.0, "cell_id": far_cell.id.0}]}),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = put(
        &planner,
        &s,
        &format!("/api/organizations/{bloc}/visit-plan?year=2026&quarter=5"),
        entries.clone(),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = get(
        &planner,
        &s,
        &format!("/api/organizations/{bloc}/visit-plan?quarter=x"),
    )
    .await;
    assert_eq!(status, 400);
    let huge: Vec<Value> = (0..=shared::visits::MAX_PLAN_ENTRIES)
        .map(|_| json!({"visitor_id": khoi.0, "cell_id": cell_b}))
        .collect();
    let (status, _) = put(&planner, &s, &plan_path(bloc), json!({"entries": huge})).await;
    assert_eq!(status, 422);
    // Not the other committee's plan, and not a cell's.
    let (status, _) = get(&planner, &s, &plan_path(elsewhere.id.0)).await;
    assert_eq!(status, 404);
    let (status, _) = get(&planner, &s, &plan_path(cell_b)).await;
    assert_eq!(status, 404);

    // The grassroots committee reads its own plan and plans it; it does not
    // see the bloc's. A plain member and the assigned visitor see neither.
    let grass = s.org_id(GRASSROOTS).await;
    let g = s.login(GRASS_COMMITTEE).await;
    let (status, own) = get(&g, &s, &plan_path(grass)).await;
    assert_eq!((status, &own["may_plan"]), (200, &json!(true)));
    assert_eq!(get(&g, &s, &plan_path(bloc)).await.0, 404);
    assert_eq!(put(&g, &s, &plan_path(bloc), entries.clone()).await.0, 404);
    // The bloc's committee reads the grassroots plan but does not make it.
    let (status, below) = get(&planner, &s, &plan_path(grass)).await;
    assert_eq!((status, &below["may_plan"]), (200, &json!(false)));
    assert_eq!(
        put(&planner, &s, &plan_path(grass), json!({"entries": []}))
            .await
            .0,
        403
    );
    for who in ["dv.a05", VISITOR, "dv.d02"] {
        let c = s.login(who).await;
        assert_eq!(get(&c, &s, &plan_path(bloc)).await.0, 404, "{who}");
        assert_eq!(get(&c, &s, &plan_path(grass)).await.0, 404, "{who}");
    }
    // The administrator plans as well.
    let admin = s.login("quantri").await;
    assert_eq!(put(&admin, &s, &plan_path(bloc), entries).await.0, 200);
    s.stop().await;
}

/// A committee assigns its own members to follow cells below it; the
/// administrator's power stays.
async fn the_committee_assigns_its_members(b: Backend) {
    let s = TestServer::start(b).await;
    let grass = s.org_id(GRASSROOTS).await;
    let cell_c = s.org_id(CELL_C).await;
    let g = s.login(GRASS_COMMITTEE).await;
    let (bithu_a, _) = s.ids_of("bithu.a").await;
    let (a05, _) = s.ids_of("dv.a05").await;
    let path = format!("/api/organizations/{grass}/assignments");
    // bithu.a sits on the grassroots committee: may follow cell C.
    let (status, body) = post(
        &g,
        &s,
        &path,
        json!({"account_id": bithu_a.0, "cell_id": cell_c}),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(
        s.store.assignments_of(bithu_a).await.unwrap(),
        [OrgId(cell_c)]
    );
    let (_, plan) = get(&g, &s, &plan_path(grass)).await;
    let c = plan["review"]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cell_name"] == CELL_C)
        .unwrap()
        .clone();
    assert!(
        c["followers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == bithu_a.0)
    );
    // Not someone off the committee; not a cell elsewhere; not the committee itself.
    let (status, body) = post(
        &g,
        &s,
        &path,
        json!({"account_id": a05.0, "cell_id": cell_c}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("cấp ủy viên của cấp ủy này")
    );
    let elsewhere = s
        .store
        .create_organization(None, OrgKind::PartyCommittee, "Đảng bộ tỉnh bạn")
        .await
        .unwrap();
    let far_cell = s
        .store
        .create_organization(Some(elsewhere.id), OrgKind::Cell, "Chi bộ ở tỉnh bạn")
        .await
        .unwrap();
    for cell in [far_cell.id.0, grass] {
        let (status, _) = post(
            &g,
            &s,
            &path,
            json!({"account_id": bithu_a.0, "cell_id": cell}),
        )
        .await;
        assert_eq!(status, 404, "cell {cell}");
    }
    // Neither a plain member, a cell's secretary off the committee, nor the
    // visitor assigns.
    for who in ["dv.a05", "dv.d02", VISITOR] {
        let c = s.login(who).await;
        let (status, _) = post(
            &c,
            &s,
            &path,
            json!({"account_id": bithu_a.0, "cell_id": cell_c}),
        )
        .await;
        assert!(status == 404 || status == 403, "{who}: {status}");
    }
    // Ending it: once.
    let end = format!("{path}/{}/{cell_c}", bithu_a.0);
    assert_eq!(delete(&s.login("dv.a05").await, &s, &end).await, 404);
    assert_eq!(delete(&g, &s, &end).await, 204);
    assert_eq!(delete(&g, &s, &end).await, 404);
    assert!(s.store.assignments_of(bithu_a).await.unwrap().is_empty());
    // Garbage.
    let (status, _) = post(&g, &s, &path, json!({"account_id": "x", "cell_id": cell_c})).await;
    assert_eq!(status, 400);
    let (status, _) = post(
        &g,
        &s,
        &path,
        json!({"account_id": 999_999, "cell_id": cell_c}),
    )
    .await;
    assert_eq!(status, 422);
    s.stop().await;
}

async fn arrive(c: &mut common::ws::Client, key: &str) -> Value {
    c.command(key, json!({"type": "visitor_arrives", "name": "ai đó"}))
        .await
}

async fn my_visits(c: &reqwest::Client, s: &TestServer) -> Vec<Value> {
    let (status, list) = get(c, s, "/api/me/visits").await;
    assert_eq!(status, 200, "{list}");
    list["visits"].as_array().unwrap().clone()
}

/// Arriving in an opened live meeting makes a visit, once; a visitor who
/// came before the opening has theirs at the opening. The visitor reports
/// once, the cell answers, the pending recommendations come back on the
/// next agenda.
async fn a_live_visit_is_reported_and_answered(b: Backend) {
    let s = TestServer::start(b).await;
    let cell_b = s.org_id(CELL_B).await;
    let meeting = s.meeting_in(CELL_B).await;
    // A member of the bloc's committee, in the room before the opening: an
    // arrival waits for the opening.
    let (early_id, early_cookie) = s.account_with_session("Lê Thị Sớm", None).await;
    s.store
        .add_committee_seat(early_id, OrgId(s.org_id(BLOC).await))
        .await
        .unwrap();
    let mut early = common::ws::Client::open(&s.base, &early_cookie, meeting)
        .await
        .unwrap();
    early.hello(None).await;
    assert_eq!(arrive(&mut early, "e-1").await["type"], "rejected");
    let visitor = s.login(VISITOR).await;
    assert!(my_visits(&visitor, &s).await.is_empty());

    let mut chair = s.ws("bithu.b", meeting).await.unwrap();
    chair.hello(None).await;
    let r = chair
        .command("open", json!({"type": "open", "confirm_early": true}))
        .await;
    assert_eq!(r["type"], "accepted", "{r}");
    assert_eq!(arrive(&mut early, "e-2").await["type"], "accepted");
    let early_visits = my_visits(&s.http_with(&early_cookie), &s).await;
    assert_eq!(early_visits.len(), 1, "arrived once opened");

    let mut ws = s.ws(VISITOR, meeting).await.unwrap();
    ws.hello(None).await;
    assert_eq!(arrive(&mut ws, "v-1").await["type"], "accepted");
    // Again, and from another socket: still one visit.
    assert_eq!(arrive(&mut ws, "v-2").await["type"], "accepted");
    let mut again = s.ws(VISITOR, meeting).await.unwrap();
    again.hello(None).await;
    arrive(&mut again, "v-3").await;
    let visits = my_visits(&visitor, &s).await;
    assert_eq!(visits.len(), 1, "{visits:?}");
    let v = &visits[0];
    assert_eq!(v["source"], "live");
    assert_eq!(v["meeting_id"], meeting);
    assert_eq!(v["cell_name"], CELL_B);
    assert_eq!(v["date"], json!(server::clock::today()));
    assert_eq!(v["countdown"]["state"], "due");
    assert_eq!(v["countdown"]["days"], 5);
    assert_eq!(v["may_file"], true);
    assert_eq!(v["report"], Value::Null);
    let id = v["id"].as_i64().unwrap();
    let report_path = format!("/api/visits/{id}/report");
    // A member of the cell in the room makes no visit.
    let member_visits = my_visits(&s.login("dv.b05").await, &s).await;
    assert!(member_visits.is_empty());

    // Reports: not someone else's, not for a visit that did not happen, not blank.
    let report = json!({
        "content": "Chi bộ sinh hoạt đúng nội dung; đảng viên phát biểu sôi nổi.",
        "ideology": "Đảng viên an tâm công tác, tin tưởng chủ trương sắp xếp bộ máy.",
        "issues": "Việc theo dõi nghị quyết quý trước chưa chặt.",
        "proposed_tenths": 855,
        "recommendations": [
            "Cụ thể hóa nghị quyết quý IV thành việc có người, có hạn.",
            "Mời đảng viên trẻ chuẩn bị chuyên đề.",
        ],
    });
    let secretary = s.login("bithu.b").await;
    let (status, body) = post(&secretary, &s, &report_path, report.clone()).await;
    assert_eq!(
        status, 403,
        "the cell's secretary is not the visitor: {body}"
    );
    assert_eq!(
        post(&s.login("dv.a05").await, &s, &report_path, report.clone())
            .await
            .0,
        404
    );
    assert_eq!(
        post(&visitor, &s, "/api/visits/999999/report", report.clone())
            .await
            .0,
        404
    );
    let (status, body) = post(
        &visitor,
        &s,
        &report_path,
        json!({"content": " ", "ideology": "x".repeat(MAX_REPORT_TEXT_CHARS + 1)}),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        body["error"]["fields"].as_array().unwrap().len(),
        2,
        "{body}"
    );
    let (status, _) = post(
        &visitor,
        &s,
        &report_path,
        json!({"content": "a", "ideology": "b", "proposed_tenths": 1001}),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = post(
        &visitor,
        &s,
        &report_path,
        json!({"content": "a", "ideology": "b", "extra": 1}),
    )
    .await;
    assert_eq!(status, 400);
    let (status, filed) = post(&visitor, &s, &report_path, report.clone()).await;
    assert_eq!(status, 201, "{filed}");
    assert_eq!(filed["report"]["proposed_tenths"], 855);
    assert_eq!(filed["report"]["filed_on"], json!(server::clock::today()));
    assert_eq!(filed["countdown"]["state"], "filed");
    assert_eq!(filed["countdown"]["late_days"], 0);
    assert_eq!(filed["may_file"], false);
    assert_eq!(filed["recommendations"].as_array().unwrap().len(), 2);
    let (status, body) = post(&visitor, &s, &report_path, report).await;
    assert_eq!(status, 409, "once: {body}");

    // The cell's managers see the visit and its recommendations (bithu.b
    // also sits on the grassroots committee, so reads the report too).
    let (status, list) = get(
        &secretary,
        &s,
        &format!("/api/organizations/{cell_b}/visits"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list["may_record"], true);
    let seen = list["visits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == id)
        .unwrap();
    assert_eq!(seen["recommendations"].as_array().unwrap().len(), 2);
    // The bloc's committee reads the report.
    let (_, list) = get(
        &s.http_with(&early_cookie),
        &s,
        &format!("/api/organizations/{cell_b}/visits"),
    )
    .await;
    let seen = list["visits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == id)
        .unwrap();
    assert_eq!(seen["report"]["proposed_tenths"], 855);
    assert_eq!(list["may_record"], false);
    // A plain member of the cell sees neither; another cell's secretary nothing.
    let member = s.login("dv.b05").await;
    let recs_path = format!("/api/organizations/{cell_b}/recommendations");
    assert_eq!(
        get(&member, &s, &format!("/api/organizations/{cell_b}/visits"))
            .await
            .0,
        403
    );
    assert_eq!(get(&member, &s, &recs_path).await.0, 403);
    assert_eq!(get(&s.login("dv.a05").await, &s, &recs_path).await.0, 404);

    let (status, recs) = get(&secretary, &s, &recs_path).await;
    assert_eq!(status, 200);
    assert_eq!(recs["may_answer"], true);
    let recs = recs["recommendations"].as_array().unwrap().clone();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["status"], "open");
    assert_eq!(recs[0]["visitor_name"], "Trịnh Minh Tuấn");
    let first = recs[0]["id"].as_i64().unwrap();
    let second = recs[1]["id"].as_i64().unwrap();
    // The cell's managers were told.
    let (_, notices) = get(&secretary, &s, "/api/me/notifications?limit=100").await;
    assert!(
        notices["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["notice"]["kind"] == "recommendations_received"
                && n["notice"]["count"] == 2),
        "{notices}"
    );

    // Answers: the cell's managers only; "open" is not an answer.
    let answer = |id: i64| format!("/api/recommendations/{id}/answer");
    let (status, _) = put(&visitor, &s, &answer(first), json!({"status": "accepted"})).await;
    assert_eq!(status, 403);
    assert_eq!(
        put(&member, &s, &answer(first), json!({"status": "accepted"}))
            .await
            .0,
        404
    );
    assert_eq!(
        put(
            &secretary,
            &s,
            &answer(999_999),
            json!({"status": "accepted"})
        )
        .await
        .0,
        404
    );
    let (status, body) = put(&secretary, &s, &answer(first), json!({"status": "open"})).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = put(
        &secretary,
        &s,
        &answer(first),
        json!({"status": "done", "note": "n".repeat(1001)}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (status, done) = put(
        &secretary,
        &s,
        &answer(first),
        json!({"status": "done", "note": "Đã giao việc trong nghị quyết tháng."}),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["status"], "done");
    assert!(done["answered_by"].is_string());
    let (status, accepted) = put(
        &secretary,
        &s,
        &answer(second),
        json!({"status": "accepted", "note": "Giao chi đoàn chuẩn bị."}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(accepted["status"], "accepted");

    // The next meeting's review item carries the pending one only.
    let at = (server::clock::now_local() + Duration::days(3))
        .date()
        .and_hms_opt(8, 0, 0)
        .unwrap();
    let (status, next) = post(
        &secretary,
        &s,
        &format!("/api/organizations/{cell_b}/meetings"),
        json!({
            "kind": MeetingKind::Regular,
            "title": "Sinh hoạt chi bộ thường kỳ",
            "starts_at": at,
            "mode": "online",
            "video_link": "https://hop.example.vn/b",
            "chair_id": null,
            "secretary_id": null,
            "agenda": standard_agenda(MeetingKind::Regular),
        }),
    )
    .await;
    assert_eq!(status, 201, "{next}");
    let notes: Vec<String> = next["agenda"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["notes"].as_str().unwrap_or("").to_string())
        .collect();
    let review = notes
        .iter()
        .find(|n| n.contains(AGENDA_HEADING))
        .expect("review item");
    assert!(review.contains("Mời đảng viên trẻ chuẩn bị chuyên đề. (đồng chí Trịnh Minh Tuấn"));
    assert!(review.contains("Đã tiếp thu. Giao chi đoàn chuẩn bị."));
    assert!(
        !review.contains("Cụ thể hóa"),
        "done ones stay away: {review}"
    );
    s.stop().await;
}

/// The cell's secretary records an in-person visit of an upper-level
/// member; the plan shows it as the cell's last visit.
async fn the_secretary_records_an_in_person_visit(b: Backend) {
    let s = TestServer::start(b).await;
    let cell_b = s.org_id(CELL_B).await;
    let path = format!("/api/organizations/{cell_b}/visits");
    let secretary = s.login("bithu.b").await;
    let (visitor, _) = s.ids_of(VISITOR).await;
    let (b05, _) = s.ids_of("dv.b05").await;
    let (a02, _) = s.ids_of(GRASS_COMMITTEE).await;
    let today = server::clock::today();
    let body = json!({"visitor_id": visitor.0, "date": today - Duration::days(1)});
    let (status, v) = post(&secretary, &s, &path, body.clone()).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["source"], "in_person");
    assert_eq!(v["visitor_name"], "Trịnh Minh Tuấn");
    assert_eq!(v["countdown"]["days"], 4);
    assert_eq!(post(&secretary, &s, &path, body.clone()).await.0, 409);
    // A grassroots committee member follows cell B as well.
    let (status, _) = post(
        &secretary,
        &s,
        &path,
        json!({"visitor_id": a02.0, "date": today}),
    )
    .await;
    assert_eq!(status, 201);
    // Bad input: tomorrow, a member of the cell, an account nobody has, a
    // meeting of another cell, too long ago, garbage.
    let tomorrow = json!({"visitor_id": visitor.0, "date": today + Duration::days(1)});
    assert_eq!(post(&secretary, &s, &path, tomorrow).await.0, 422);
    let (status, body) = post(
        &secretary,
        &s,
        &path,
        json!({"visitor_id": b05.0, "date": today}),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"][0]["field"], "visitor_id");
    assert_eq!(
        post(
            &secretary,
            &s,
            &path,
            json!({"visitor_id": 999_999, "date": today})
        )
        .await
        .0,
        404
    );
    let other_meeting = s.meeting_in(CELL_A).await;
    assert_eq!(
        post(
            &secretary,
            &s,
            &path,
            json!({"visitor_id": visitor.0, "date": today, "meeting_id": other_meeting})
        )
        .await
        .0,
        404
    );
    let (status, _) = post(
        &secretary,
        &s,
        &path,
        json!({"visitor_id": visitor.0, "date": today - Duration::days(400)}),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = post(
        &secretary,
        &s,
        &path,
        json!({"visitor_id": visitor.0, "date": "hôm qua"}),
    )
    .await;
    assert_eq!(status, 400);
    // Only the cell's managers.
    for (who, want) in [
        ("dv.b05", 403),
        ("dv.a05", 404),
        ("bithu.a", 403),
        (VISITOR, 403),
    ] {
        let c = s.login(who).await;
        let (status, _) = post(
            &c,
            &s,
            &path,
            json!({"visitor_id": visitor.0, "date": today}),
        )
        .await;
        assert_eq!(status, want, "{who}");
    }
    // The visitor sees it and files its report.
    let mine = my_visits(&s.login(VISITOR).await, &s).await;
    assert_eq!(mine.len(), 1);
    // The grassroots plan: cell B visited, by whom.
    let grass = s.org_id(GRASSROOTS).await;
    let (_, plan) = get(&s.login(GRASS_COMMITTEE).await, &s, &plan_path(grass)).await;
    let b_cell = plan["review"]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cell_name"] == CELL_B)
        .unwrap()
        .clone();
    assert_eq!(b_cell["neglected"], false);
    assert_eq!(b_cell["last_visit"], json!(today));
    assert_eq!(b_cell["visits_in_window"], 2);
    s.stop().await;
}

/// A visit's report not filed: due soon to the visitor; overdue to the
/// visitor and the committees above the cell; once each.
async fn reports_not_filed_are_reminded_of(b: Backend) {
    let mut settings = server::config::Settings::default();
    settings.notify.scan_every = std::time::Duration::from_millis(200);
    let s = TestServer::start_with(b, settings).await;
    let cell_b = OrgId(s.org_id(CELL_B).await);
    let (visitor, _) = s.ids_of(VISITOR).await;
    let today = server::clock::today();
    let at = server::clock::now_local();
    for (date, meeting) in [
        (today - Duration::days(4), None),
        (today - Duration::days(8), None),
    ] {
        s.store
            .visits()
            .record(&NewVisit {
                visitor,
                cell: cell_b,
                meeting,
                date,
                source: VisitSource::InPerson,
                by: visitor,
                at,
            })
            .await
            .unwrap()
            .unwrap();
    }
    let kinds = |who: &'static str| {
        let s = &s;
        async move {
            let (_, page) = get(&s.login(who).await, s, "/api/me/notifications?limit=100").await;
            let mut k: Vec<String> = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["notice"]["kind"].as_str().unwrap().to_string())
                .filter(|k| k.starts_with("visit_"))
                .collect();
            k.sort();
            k
        }
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while kinds(VISITOR).await.len() < 2 {
        assert!(std::time::Instant::now() < deadline, "no reminders");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // A few more scans add nothing.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(
        kinds(VISITOR).await,
        ["visit_report_due_soon", "visit_report_overdue"]
    );
    assert_eq!(kinds(GRASS_COMMITTEE).await, ["visit_report_overdue"]);
    // bithu.b sits on the grassroots committee; a plain member hears nothing.
    assert!(kinds("dv.b05").await.is_empty(), "not the cell's members");
    // The countdowns say so.
    let mine = my_visits(&s.login(VISITOR).await, &s).await;
    let states: Vec<&str> = mine
        .iter()
        .map(|v| v["countdown"]["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["due", "overdue"]);
    assert_eq!(mine[1]["countdown"]["days"], 3);
    s.stop().await;
}

on_both_backends!(
    the_committee_plans_a_quarter_and_is_warned,
    the_committee_assigns_its_members,
    a_live_visit_is_reported_and_answered,
    the_secretary_records_an_in_person_visit,
    reports_not_filed_are_reminded_of,
);

/// Two instances on one PostgreSQL database: the visitor arrives through
/// one, again through the other; one visit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_record_one_visit() {
    let a = TestServer::start(Backend::Postgres).await;
    let b = a.second_instance().await;
    let meeting = a.meeting_in(CELL_B).await;
    let mut chair = a.ws("bithu.b", meeting).await.unwrap();
    chair.hello(None).await;
    let r = chair
        .command("open", json!({"type": "open", "confirm_early": true}))
        .await;
    assert_eq!(r["type"], "accepted", "{r}");
    let mut on_b = b.ws(VISITOR, meeting).await.unwrap();
    on_b.hello(None).await;
    assert_eq!(arrive(&mut on_b, "b-1").await["type"], "accepted");
    let mut on_a = a.ws(VISITOR, meeting).await.unwrap();
    on_a.hello(None).await;
    arrive(&mut on_a, "a-1").await;
    let visits = my_visits(&a.login(VISITOR).await, &a).await;
    assert_eq!(visits.len(), 1, "{visits:?}");
    assert_eq!(visits[0]["meeting_id"], meeting);
    b.stop().await;
    a.stop().await;
}
