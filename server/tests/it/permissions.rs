//! Every role against every endpoint: allowed, forbidden, or "not found" for
//! organizations the role may not see. Run on both databases.

use crate::common;

use common::{Backend, CELL_A, CELL_C, CELL_D, GRASSROOTS, TestServer};
use reqwest::Method;
use serde_json::{Value, json};

/// The roles, in the order of each row's expected codes.
const ROLES: [&str; 7] = [
    "anonymous",
    "dv.b05",     // member of cell B
    "dv.a12",     // probationary member of cell A
    "capuy.khoi", // upper-level committee member assigned to B and D
    "dv.d02",     // deputy secretary of D, on no committee
    "bithu.a",    // secretary of A, on the grassroots committee
    "quantri",    // administrator
];

async fn every_role_against_every_endpoint(b: Backend) {
    let s = TestServer::start(b).await;
    let a = s.org_id(CELL_A).await;
    let c = s.org_id(CELL_C).await;
    let d = s.org_id(CELL_D).await;
    let grassroots = s.org_id(GRASSROOTS).await;
    let member_of = |cell: i64| {
        let store = s.store.clone();
        async move { store.members_of(shared::OrgId(cell)).await.unwrap()[3].id.0 }
    };
    let member_a = member_of(a).await;
    let member_d = member_of(d).await;
    let account_of = |username: &'static str| {
        let store = s.store.clone();
        async move {
            store
                .account_secret(username)
                .await
                .unwrap()
                .unwrap()
                .account
                .id
                .0
        }
    };
    let c05 = account_of("dv.c05").await;
    let c06 = account_of("dv.c06").await;
    let c07 = account_of("dv.c07").await;
    let a02 = account_of("dv.a02").await;
    let b05 = account_of("dv.b05").await;
    let upper = account_of("capuy.khoi").await;
    let a12_member = s
        .store
        .account_secret("dv.a12")
        .await
        .unwrap()
        .unwrap()
        .account
        .member_id
        .unwrap()
        .0;
    let bloc = s.org_id("Đảng bộ Khối các cơ quan tỉnh").await;
    let today = server::clock::today();
    let year = chrono::Datelike::year(&today);
    let this_year = today.format("%Y");
    let draft = json!({
        "full_name": "Lường Thị Xuân", "gender": "female", "birth_date": "1990-02-03",
        "admitted_on": "2015-05-19", "full_member_on": "2016-05-19",
        "status": "full", "role": "member", "card_number": null
    });
    let d_roll = s.store.members_of(shared::OrgId(d)).await.unwrap();
    let meeting = json!({
        "kind": "thematic", "title": "Chuyên đề học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "starts_at": (chrono::Utc::now() + chrono::Duration::days(20)).format("%Y-%m-%dT14:00:00").to_string(),
        "mode": "online", "place": "", "video_link": "https://hop.example.vn/d",
        "chair_id": d_roll[0].id.0, "secretary_id": d_roll[2].id.0,
        "agenda": shared::meeting::standard_agenda(shared::meeting::MeetingKind::Thematic),
    });
    let registered: shared::meeting::MeetingDraft =
        serde_json::from_value(meeting.clone()).unwrap();
    let meeting_d = s
        .store
        .create_meeting(
            shared::OrgId(d),
            &registered,
            chrono::Utc::now().naive_utc(),
        )
        .await
        .unwrap()
        .id
        .0;
    let csv = "Họ và tên,Giới tính,Ngày vào Đảng\nMa Văn Thào,Nam,01/03/2026\n";
    // A choice takes effect today or later (in Vietnam, up to a day ahead of UTC).
    let effective = (chrono::Utc::now() + chrono::Duration::days(2))
        .date_naive()
        .to_string();

    type Row = (Method, String, Option<Value>, [u16; 7]);
    let rows: Vec<Row> = vec![
        (
            Method::GET,
            "/api/me".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            Method::GET,
            "/api/home".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            Method::GET,
            "/api/organizations".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{a}"),
            None,
            [401, 404, 200, 404, 404, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{d}"),
            None,
            [401, 404, 404, 200, 200, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{a}/members"),
            None,
            [401, 404, 200, 404, 404, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{d}/members"),
            None,
            [401, 404, 404, 200, 200, 200, 200],
        ),
        (
            Method::POST,
            format!("/api/organizations/{d}/members"),
            Some(draft.clone()),
            [401, 404, 404, 403, 201, 403, 201],
        ),
        (
            Method::PUT,
            format!("/api/members/{member_d}"),
            Some(draft.clone()),
            [401, 404, 404, 403, 200, 403, 200],
        ),
        (
            Method::GET,
            format!("/api/members/{member_a}"),
            None,
            [401, 404, 200, 404, 404, 200, 200],
        ),
        (
            Method::POST,
            format!("/api/organizations/{d}/members/import"),
            Some(json!({"csv": csv})),
            [401, 404, 404, 403, 200, 403, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{a}/meetings"),
            None,
            [401, 404, 200, 404, 404, 200, 200],
        ),
        (
            Method::POST,
            format!("/api/organizations/{d}/meetings"),
            Some(meeting.clone()),
            [401, 404, 404, 403, 201, 403, 201],
        ),
        (
            Method::GET,
            format!("/api/meetings/{meeting_d}"),
            None,
            [401, 404, 404, 200, 200, 200, 200],
        ),
        (
            Method::PUT,
            format!("/api/meetings/{meeting_d}"),
            Some(meeting.clone()),
            [401, 404, 404, 403, 200, 403, 200],
        ),
        (
            Method::GET,
            format!("/api/meetings/{meeting_d}/verify"),
            None,
            [401, 404, 404, 200, 200, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/meetings/{meeting_d}/minutes"),
            None,
            [401, 404, 404, 200, 200, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/meetings/{meeting_d}/minutes.docx"),
            None,
            [401, 404, 404, 409, 409, 409, 409],
        ),
        (
            Method::GET,
            format!("/api/meetings/{meeting_d}/resolution.docx"),
            None,
            [401, 404, 404, 409, 409, 409, 409],
        ),
        // A plain GET is no WebSocket upgrade: participants get 400; an administrator is no participant.
        (
            Method::GET,
            format!("/api/meetings/{meeting_d}/live"),
            None,
            [401, 404, 404, 400, 400, 400, 403],
        ),
        (
            Method::POST,
            "/api/organizations".into(),
            Some(json!({"parent_id": grassroots, "kind": "cell", "name": "Chi bộ Mới"})),
            [401, 403, 403, 403, 403, 403, 201],
        ),
        (
            Method::GET,
            "/api/accounts".into(),
            None,
            [401, 403, 403, 403, 403, 403, 200],
        ),
        (
            Method::GET,
            "/api/live/stats".into(),
            None,
            [401, 403, 403, 403, 403, 403, 200],
        ),
        (
            Method::POST,
            "/api/accounts".into(),
            Some(
                json!({"username": "moi.tao", "display_name": "Mới Tạo", "password": "batdau-2026"}),
            ),
            [401, 403, 403, 403, 403, 403, 201],
        ),
        (
            Method::POST,
            format!("/api/accounts/{c06}/password"),
            Some(json!({"new_password": "dat-lai-2026"})),
            [401, 403, 403, 403, 403, 403, 204],
        ),
        (
            Method::PUT,
            format!("/api/accounts/{c07}/disabled"),
            Some(json!({"disabled": false})),
            [401, 403, 403, 403, 403, 403, 200],
        ),
        (
            Method::POST,
            "/api/assignments".into(),
            Some(json!({"account_id": c05, "cell_id": c})),
            [401, 403, 403, 403, 403, 403, 204],
        ),
        (
            Method::DELETE,
            format!("/api/assignments/{c05}/{c}"),
            None,
            [401, 403, 403, 403, 403, 403, 204],
        ),
        (
            Method::POST,
            "/api/committee-seats".into(),
            Some(json!({"account_id": c05, "organization_id": grassroots})),
            [401, 403, 403, 403, 403, 403, 204],
        ),
        (
            Method::GET,
            format!("/api/organizations/{d}/year?year=2026"),
            None,
            [401, 404, 404, 200, 200, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{grassroots}/unregistered?year=2026&month=12"),
            None,
            [401, 404, 404, 404, 404, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{grassroots}/oversight?from=2026-01&to=2026-12"),
            None,
            [401, 404, 404, 404, 404, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{d}/oversight?from=2026-01&to=2026-12"),
            None,
            [401, 404, 404, 200, 200, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{grassroots}/oversight.xlsx?from=2026-01&to=2026-12"),
            None,
            [401, 404, 404, 404, 404, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{d}/oversight.xlsx"),
            None,
            [401, 404, 404, 200, 200, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{grassroots}/year-review/{this_year}"),
            None,
            [401, 404, 404, 404, 404, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{d}/year-review/{this_year}"),
            None,
            [401, 404, 404, 403, 403, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{grassroots}/year-review/{this_year}/export.xlsx"),
            None,
            [401, 404, 404, 404, 404, 200, 200],
        ),
        (
            Method::PUT,
            format!("/api/organizations/{d}/classification/{this_year}"),
            Some(json!({"level": "not_complete", "reason": "Chưa đủ số liệu cả năm."})),
            [401, 404, 404, 403, 403, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/meetings/{meeting_d}/files"),
            None,
            [401, 404, 404, 200, 200, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/meetings/{meeting_d}/preparation"),
            None,
            [401, 404, 404, 200, 200, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/meetings/{meeting_d}/tasks"),
            None,
            [401, 404, 404, 409, 409, 409, 409],
        ),
        (
            Method::GET,
            format!("/api/meetings/{meeting_d}/score"),
            None,
            [401, 404, 404, 409, 409, 409, 409],
        ),
        (
            Method::GET,
            format!("/api/organizations/{d}/rule-set"),
            None,
            [401, 404, 404, 200, 200, 200, 200],
        ),
        (
            Method::PUT,
            format!("/api/organizations/{grassroots}/rule-set"),
            Some(
                json!({"effective_from": effective, "choice": {"kind": "built_in", "builtin": "binh_thuan"}}),
            ),
            [401, 404, 404, 404, 404, 200, 200],
        ),
        (
            Method::PUT,
            format!("/api/organizations/{d}/rule-set"),
            Some(
                json!({"effective_from": effective, "choice": {"kind": "built_in", "builtin": "binh_thuan"}}),
            ),
            [401, 404, 404, 403, 403, 409, 409],
        ),
        (
            Method::GET,
            format!("/api/organizations/{grassroots}/guidance?year=2026&month=12"),
            None,
            [401, 404, 404, 404, 404, 200, 200],
        ),
        (
            Method::POST,
            format!("/api/organizations/{grassroots}/guidance"),
            Some(
                json!({"title": "Định hướng sinh hoạt chi bộ tháng 12", "year": 2026, "month": 12, "text": "Quán triệt nghị quyết của Đảng ủy."}),
            ),
            [401, 404, 404, 404, 404, 201, 201],
        ),
        (
            Method::GET,
            "/api/me/notifications".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            Method::GET,
            "/api/me/notification-preferences".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            Method::GET,
            "/api/push/key".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{grassroots}/visit-plan"),
            None,
            [401, 404, 404, 404, 404, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{bloc}/visit-plan?year=2026&quarter=4"),
            None,
            [401, 404, 404, 404, 404, 404, 200],
        ),
        (
            Method::PUT,
            format!("/api/organizations/{grassroots}/visit-plan"),
            Some(json!({"entries": [{"visitor_id": a02, "cell_id": d, "month": null}]})),
            [401, 404, 404, 404, 404, 200, 200],
        ),
        (
            Method::POST,
            format!("/api/organizations/{grassroots}/assignments"),
            Some(json!({"account_id": b05, "cell_id": d})),
            [401, 404, 404, 404, 404, 422, 422],
        ),
        (
            Method::POST,
            format!("/api/organizations/{grassroots}/assignments"),
            Some(json!({"account_id": a02, "cell_id": d})),
            [401, 404, 404, 404, 404, 204, 204],
        ),
        (
            Method::DELETE,
            format!("/api/organizations/{grassroots}/assignments/{a02}/{d}"),
            None,
            [401, 404, 404, 404, 404, 204, 204],
        ),
        (
            Method::GET,
            "/api/me/visits".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{a}/visits"),
            None,
            [401, 404, 403, 404, 404, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{d}/visits"),
            None,
            [401, 404, 404, 200, 200, 200, 200],
        ),
        (
            Method::POST,
            format!("/api/organizations/{d}/visits"),
            Some(json!({"visitor_id": upper, "date": today})),
            [401, 404, 404, 403, 201, 403, 409],
        ),
        (
            Method::GET,
            format!("/api/organizations/{d}/recommendations"),
            None,
            [401, 404, 404, 200, 200, 200, 200],
        ),
        (
            Method::POST,
            "/api/visits/999999/report".into(),
            Some(json!({"content": "Nội dung", "ideology": "Ổn định"})),
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            Method::PUT,
            "/api/recommendations/999999/answer".into(),
            Some(json!({"status": "done"})),
            [401, 404, 404, 404, 404, 404, 404],
        ),
        // The yearly rating: cell D's deputy opens and proposes; the
        // grassroots committee (the secretary of A) decides and reopens.
        (
            Method::GET,
            "/api/me/rating/2025".into(),
            None,
            [401, 200, 200, 404, 200, 200, 404],
        ),
        (
            Method::GET,
            "/api/me/ratings".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            Method::PUT,
            "/api/me/rating/2025".into(),
            Some(json!({"answers": {}})),
            [401, 409, 409, 404, 409, 409, 404],
        ),
        (
            Method::GET,
            format!("/api/organizations/{d}/rating/2025"),
            None,
            [401, 404, 404, 403, 200, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{grassroots}/rating/2025"),
            None,
            [401, 404, 404, 404, 404, 200, 200],
        ),
        (
            Method::POST,
            format!("/api/organizations/{d}/rating/2025/open"),
            None,
            [401, 404, 404, 403, 204, 403, 409],
        ),
        (
            Method::PUT,
            format!("/api/organizations/{d}/rating/2025/members/{member_d}/appraisal"),
            Some(json!({"answers": {
                "scores": {"politics": 12, "ethics": 12, "discipline": 8, "work_style": 8,
                    "duties": 32, "commitments": 8},
                "tasks": {"total": 5, "late": 0, "exceeded": 0}}, "proposed": "good"})),
            [401, 404, 404, 403, 204, 403, 403],
        ),
        (
            Method::PUT,
            format!("/api/organizations/{d}/rating/2025/members/{member_d}/decision"),
            Some(json!({"level": "good"})),
            [401, 404, 404, 403, 403, 204, 204],
        ),
        (
            Method::POST,
            format!("/api/organizations/{d}/rating/2025/reopen"),
            Some(json!({"member_id": member_d, "reason": "Xem lại kết quả."})),
            [401, 404, 404, 403, 403, 204, 204],
        ),
        (
            Method::GET,
            format!("/api/members/{member_a}/commitments/{year}"),
            None,
            [401, 404, 200, 404, 404, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/members/{member_d}/commitments/{year}"),
            None,
            [401, 404, 404, 200, 200, 200, 200],
        ),
        (
            Method::PUT,
            format!("/api/members/{a12_member}/commitments/{year}"),
            Some(json!({"items": ["Đi họp chi bộ đầy đủ, đúng giờ"]})),
            [401, 404, 200, 404, 404, 403, 403],
        ),
        (
            Method::PUT,
            format!("/api/members/{member_a}/commitments/{year}/review"),
            Some(json!({"items": []})),
            [401, 404, 403, 404, 404, 422, 422],
        ),
        (
            Method::GET,
            format!("/api/organizations/{a}/commitments/{year}"),
            None,
            [401, 404, 200, 404, 404, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{grassroots}/commitments/{year}"),
            None,
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            Method::GET,
            format!("/api/organizations/{a}/inspections"),
            None,
            [401, 404, 403, 404, 404, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{d}/inspections?year={year}"),
            None,
            [401, 404, 404, 200, 200, 200, 200],
        ),
        (
            Method::POST,
            format!("/api/organizations/{d}/inspections"),
            Some(
                json!({"member_id": member_d, "content": "Chấp hành Điều lệ Đảng",
                "period_from": today, "period_to": today, "concluded_on": today,
                "conclusion": "Thực hiện tốt"}),
            ),
            [401, 404, 404, 403, 201, 201, 201],
        ),
        (
            Method::PUT,
            "/api/inspections/999999".into(),
            Some(json!({"member_id": member_d, "content": "Nội dung",
                "period_from": today, "period_to": today, "concluded_on": today,
                "conclusion": "Tốt"})),
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            Method::DELETE,
            "/api/inspections/999999".into(),
            None,
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            Method::GET,
            format!("/api/organizations/{grassroots}/inspection-progress"),
            None,
            [401, 404, 404, 404, 404, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/organizations/{a}/inspection-progress"),
            None,
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            Method::POST,
            "/api/me/password".into(),
            Some(json!({"current_password": "khong-phai-1", "new_password": "matkhau-2026"})),
            [401, 422, 422, 422, 422, 422, 422],
        ),
        (
            Method::POST,
            "/api/auth/logout".into(),
            None,
            [401, 204, 204, 204, 204, 204, 204],
        ),
    ];

    let mut failures = Vec::new();
    for (i, role) in ROLES.iter().enumerate() {
        let client = if *role == "anonymous" {
            s.client()
        } else {
            s.login(role).await
        };
        for (method, path, body, want) in &rows {
            let mut req = client.request(method.clone(), s.url(path));
            if let Some(body) = body {
                req = req.json(body);
            }
            let res = req.send().await.unwrap();
            let got = res.status().as_u16();
            if got != want[i] {
                failures.push(format!(
                    "{role} {method} {path}: want {}, got {got}",
                    want[i]
                ));
            }
            if got >= 400 {
                let b: Value = res.json().await.unwrap_or_default();
                assert!(
                    b["error"]["code"].is_string(),
                    "{role} {method} {path}: error body {b}"
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "permission table mismatches:\n{}",
        failures.join("\n")
    );
    s.stop().await;
}

on_both_backends!(every_role_against_every_endpoint);
