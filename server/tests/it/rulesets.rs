//! Rule sets chosen by committees, over HTTP on SQLite and PostgreSQL: a cell
//! inherits the nearest committee's choice in force, effective dates, who may
//! choose, bad input, the schedule and documents following the committee's
//! values, and an opened meeting keeping the rules it opened with.

use crate::common;

use chrono::{Datelike, Duration};
use common::{Backend, CELL_A, CELL_B, GRASSROOTS, TestServer};
use serde_json::{Value, json};
use server::live::LiveConfig;
use shared::rules::RuleSet;

const BLOC: &str = "Đảng bộ Khối các cơ quan tỉnh";

fn today() -> chrono::NaiveDate {
    server::clock::today()
}

fn path(org: i64) -> String {
    format!("/api/organizations/{org}/rule-set")
}

async fn get(c: &reqwest::Client, s: &TestServer, p: &str) -> (u16, Value) {
    let r = c.get(s.url(p)).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn put(c: &reqwest::Client, s: &TestServer, org: i64, body: &Value) -> (u16, Value) {
    let r = c.put(s.url(&path(org))).json(body).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn builtin(name: &str, from: chrono::NaiveDate) -> Value {
    json!({"effective_from": from, "choice": {"kind": "built_in", "builtin": name}})
}

/// An own copy of the national default with `edit` applied to its JSON.
fn own(from: chrono::NaiveDate, edit: impl FnOnce(&mut Value)) -> Value {
    let mut rules = serde_json::to_value(RuleSet::national_default()).unwrap();
    edit(&mut rules);
    json!({
        "effective_from": from,
        "decision": "Quyết định 15-QĐ/ĐU",
        "choice": {"kind": "own", "based_on": "national", "rules": rules},
    })
}

fn fields(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["field"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn a_cell_inherits_the_nearest_choice_in_force(b: Backend) {
    let s = TestServer::start(b).await;
    let bloc = s.org_id(BLOC).await;
    let g = s.org_id(GRASSROOTS).await;
    let a = s.org_id(CELL_A).await;
    let admin = s.login("quantri").await;
    let member = s.login("dv.a05").await;

    // Nobody chose: the national default.
    let (status, view) = get(&member, &s, &path(a)).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["applicable"]["origin"]["kind"], "national_default");
    assert_eq!(view["chooses"], false);
    assert_eq!(view["may_choose"], false);
    assert_eq!(view["builtins"].as_array().unwrap().len(), 2);

    // The bloc chooses Bình Thuận's sheet: its cells below apply it.
    let (status, view) = put(&admin, &s, bloc, &builtin("binh_thuan", today())).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(
        view["applicable"]["origin"],
        json!({"kind": "own", "version": 1})
    );
    let (_, view) = get(&member, &s, &path(a)).await;
    assert_eq!(
        view["applicable"]["rules"]["name"],
        RuleSet::binh_thuan().name
    );
    assert_eq!(view["applicable"]["origin"]["kind"], "inherited");
    assert_eq!(view["applicable"]["origin"]["org_id"], bloc);
    assert_eq!(view["applicable"]["origin"]["org_name"], BLOC);

    // The grassroots committee, nearer, adopts its own copy: it overrides.
    let committee = s.login("bithu.c").await;
    let body = own(today(), |r| {
        r["schedule"]["reminder_day"]["value"] = json!(12);
        r["attendance"]["quality"]["value"] = json!({"num": 90, "den": 100, "cmp": "more_than"});
    });
    let (status, view) = put(&committee, &s, g, &body).await;
    assert_eq!(status, 200, "{view}");
    let rules = &view["applicable"]["rules"];
    assert_eq!(rules["name"], format!("Bộ quy tắc của {GRASSROOTS}"));
    assert_eq!(rules["version"], 1);
    assert_eq!(
        rules["schedule"]["reminder_day"]["source"]["document"],
        format!("Quyết định 15-QĐ/ĐU của {GRASSROOTS}")
    );
    assert_eq!(
        rules["schedule"]["reminder_day"]["source"]["unconfirmed"],
        false
    );
    // Values left alone keep their source and their "unconfirmed" mark.
    assert_eq!(rules["excellent_quota"]["source"]["unconfirmed"], true);
    let by = s
        .store
        .account_secret("bithu.c")
        .await
        .unwrap()
        .unwrap()
        .account
        .display_name;
    assert_eq!(view["adoptions"][0]["adopted_by"], json!(by));
    let (_, view) = get(&member, &s, &path(a)).await;
    assert_eq!(view["applicable"]["origin"]["org_id"], g);
    assert_eq!(
        view["applicable"]["rules"]["schedule"]["reminder_day"]["value"],
        12
    );

    // A choice effective next month does not apply today; the history has both.
    let next_month = today() + Duration::days(31);
    let (status, view) = put(&committee, &s, g, &builtin("national", next_month)).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(
        view["applicable"]["origin"],
        json!({"kind": "own", "version": 1})
    );
    let versions: Vec<i64> = view["adoptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, vec![2, 1]);
    assert_eq!(view["adoptions"][0]["effective_from"], json!(next_month));
    let (_, view) = get(&member, &s, &path(a)).await;
    assert_eq!(
        view["applicable"]["rules"]["schedule"]["reminder_day"]["value"],
        12
    );
    s.stop().await;
}

async fn who_may_choose(b: Backend) {
    let s = TestServer::start(b).await;
    let bloc = s.org_id(BLOC).await;
    let g = s.org_id(GRASSROOTS).await;
    let a = s.org_id(CELL_A).await;
    let b_cell = s.org_id(CELL_B).await;
    let body = builtin("binh_thuan", today());

    // A member of a cell reads the cell's, not the committee's, and chooses nothing.
    let member = s.login("dv.a05").await;
    assert_eq!(get(&member, &s, &path(g)).await.0, 404);
    assert_eq!(put(&member, &s, g, &body).await.0, 404);
    assert_eq!(put(&member, &s, a, &body).await.0, 403);
    // A visitor assigned to a cell reads it and chooses nothing.
    let visitor = s.login("capuy.khoi").await;
    assert_eq!(get(&visitor, &s, &path(b_cell)).await.0, 200);
    assert_eq!(put(&visitor, &s, b_cell, &body).await.0, 403);
    // The committee chooses for itself, and a cell does not choose.
    let committee = s.login("bithu.a").await;
    let (status, view) = get(&committee, &s, &path(g)).await;
    assert_eq!(status, 200);
    assert_eq!(
        (view["chooses"].clone(), view["may_choose"].clone()),
        (json!(true), json!(true))
    );
    let (status, err) = put(&committee, &s, a, &body).await;
    assert_eq!(status, 409, "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cấp ủy cấp trên")
    );
    // Not the bloc above it.
    assert_eq!(put(&committee, &s, bloc, &body).await.0, 404);

    // A member of another committee sees nothing of this one.
    let other = s
        .store
        .create_organization(
            Some(shared::OrgId(bloc)),
            shared::org::OrgKind::GrassrootsCommittee,
            "Đảng bộ Sở Tài chính",
        )
        .await
        .unwrap();
    let (account, _) = s.ids_of("quantri").await;
    let hash = s
        .store
        .account_secret_by_id(account)
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    let outsider = s
        .store
        .create_account(server::storage::NewAccountRow {
            username: "uyvien.stc".into(),
            display_name: "Lương Thị Mai".into(),
            password_hash: hash,
            member_id: None,
            is_admin: false,
        })
        .await
        .unwrap();
    s.store
        .add_committee_seat(outsider.id, other.id)
        .await
        .unwrap();
    let outsider = s.login("uyvien.stc").await;
    assert_eq!(get(&outsider, &s, &path(g)).await.0, 404);
    assert_eq!(put(&outsider, &s, g, &body).await.0, 404);
    assert_eq!(put(&outsider, &s, other.id.0, &body).await.0, 200);

    // The administrator chooses anywhere a committee sits.
    let admin = s.login("quantri").await;
    assert_eq!(put(&admin, &s, bloc, &body).await.0, 200);
    assert_eq!(put(&admin, &s, a, &body).await.0, 409);
    // Nothing was stored for the refused requests.
    let (_, view) = get(&admin, &s, &path(g)).await;
    assert_eq!(view["adoptions"], json!([]));
    s.stop().await;
}

async fn bad_input_is_refused_at_its_field(b: Backend) {
    let s = TestServer::start(b).await;
    let g = s.org_id(GRASSROOTS).await;
    let admin = s.login("quantri").await;

    let yesterday = today() - Duration::days(1);
    let (status, err) = put(&admin, &s, g, &builtin("national", yesterday)).await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(fields(&err), vec!["effective_from"]);

    let mut body = builtin("national", today());
    body["decision"] = json!("Q".repeat(201));
    let (status, err) = put(&admin, &s, g, &body).await;
    assert_eq!(status, 422);
    assert_eq!(fields(&err), vec!["decision"]);

    let body = own(today(), |r| {
        r["schedule"]["reminder_day"]["value"] = json!(0);
        r["votes"]["resolution"]["value"]["threshold"] =
            json!({"num": 3, "den": 2, "cmp": "at_least"});
        r["visits"]["cadence"]["value"]["months"] = json!(5);
    });
    let (status, err) = put(&admin, &s, g, &body).await;
    assert_eq!(status, 422, "{err}");
    let f = fields(&err);
    for field in [
        "schedule.reminder_day",
        "votes.resolution",
        "visits.cadence.months",
    ] {
        assert!(f.contains(&field.to_string()), "{field}: {err}");
    }
    assert_eq!(
        err["error"]["fields"][0]["message"]
            .as_str()
            .map(|m| m.is_empty()),
        Some(false)
    );

    // Malformed: an unknown set, an unknown field, a value of the wrong type.
    assert_eq!(put(&admin, &s, g, &builtin("ha_noi", today())).await.0, 400);
    let mut extra = builtin("national", today());
    extra["approved"] = json!(true);
    assert_eq!(put(&admin, &s, g, &extra).await.0, 400);
    let wrong = own(today(), |r| {
        r["schedule"]["reminder_day"]["value"] = json!("năm")
    });
    assert_eq!(put(&admin, &s, g, &wrong).await.0, 400);
    // An organization that does not exist.
    assert_eq!(get(&admin, &s, &path(999_999)).await.0, 404);
    assert_eq!(
        put(&admin, &s, 999_999, &builtin("national", today()))
            .await
            .0,
        404
    );
    // Nothing stored.
    let (_, view) = get(&admin, &s, &path(g)).await;
    assert_eq!(view["adoptions"], json!([]));
    s.stop().await;
}

async fn the_schedule_follows_the_committee_values(b: Backend) {
    let s = TestServer::start(b).await;
    let g = s.org_id(GRASSROOTS).await;
    let a = s.org_id(CELL_A).await;
    let admin = s.login("quantri").await;
    let body = own(today(), |r| {
        r["schedule"]["reminder_day"]["value"] = json!(12);
        r["schedule"]["registration_lead_days"]["value"] = json!(10);
        r["schedule"]["document_lead_days"]["value"] = json!(4);
    });
    assert_eq!(put(&admin, &s, g, &body).await.0, 200);

    let (status, year) = get(&admin, &s, &format!("/api/organizations/{a}/year")).await;
    assert_eq!(status, 200, "{year}");
    assert_eq!(year["lead_days"], 10);

    let now = today();
    let (status, report) = get(
        &admin,
        &s,
        &format!(
            "/api/organizations/{g}/unregistered?year={}&month={}",
            now.year(),
            now.month()
        ),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    let reminder = chrono::NaiveDate::from_ymd_opt(now.year(), now.month(), 12).unwrap();
    assert_eq!(report["reminder_on"], json!(reminder));

    // A meeting 20 days ahead: its documents are due 4 days before it.
    let sec = s.login("bithu.a").await;
    let at = (now + Duration::days(20)).and_hms_opt(8, 0, 0).unwrap();
    let draft = json!({
        "kind": "regular",
        "title": shared::meeting::default_title(shared::meeting::MeetingKind::Regular, at.date()),
        "starts_at": at,
        "mode": "in_person",
        "place": "Hội trường tầng 2",
        "chair_id": null,
        "secretary_id": null,
        "agenda": shared::meeting::standard_agenda(shared::meeting::MeetingKind::Regular),
    });
    let r = sec
        .post(s.url(&format!("/api/organizations/{a}/meetings")))
        .json(&draft)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let meeting: Value = r.json().await.unwrap();
    let (status, files) = get(&sec, &s, &format!("/api/meetings/{}/files", meeting["id"])).await;
    assert_eq!(status, 200, "{files}");
    assert_eq!(files["deadline"], json!(at.date() - Duration::days(4)));
    s.stop().await;
}

/// A meeting in cell B starting now (Vietnam time), chaired by its secretary.
async fn meeting_now_in_b(s: &TestServer) -> shared::meeting::Meeting {
    let cell = shared::OrgId(s.org_id(CELL_B).await);
    let roll = s.store.members_of(cell).await.unwrap();
    let now = server::clock::now_local();
    let draft = shared::meeting::MeetingDraft {
        kind: shared::meeting::MeetingKind::Regular,
        title: "Sinh hoạt thường kỳ".into(),
        starts_at: now,
        mode: shared::meeting::MeetingMode::Online,
        place: String::new(),
        video_link: "https://hop.example.vn/b".into(),
        chair_id: Some(roll[0].id),
        secretary_id: Some(roll[1].id),
        agenda: shared::meeting::standard_agenda(shared::meeting::MeetingKind::Regular),
    };
    s.store.create_meeting(cell, &draft, now).await.unwrap()
}

async fn a_change_after_the_opening_leaves_the_meeting_alone(b: Backend) {
    let s = TestServer::start_live(
        b,
        LiveConfig {
            room_idle: std::time::Duration::from_millis(300),
            ..LiveConfig::default()
        },
    )
    .await;
    let g = s.org_id(GRASSROOTS).await;
    let admin = s.login("quantri").await;
    let quality = |num: u32| {
        own(today(), move |r| {
            r["attendance"]["quality"]["value"] =
                json!({"num": num, "den": 100, "cmp": "more_than"});
        })
    };
    assert_eq!(put(&admin, &s, g, &quality(90)).await.0, 200);

    let meeting = meeting_now_in_b(&s).await;
    let mut chair = s.ws("bithu.b", meeting.id.0).await.unwrap();
    chair.hello(None).await;
    assert_eq!(
        chair.command("open", json!({"type": "open"})).await["type"],
        "accepted"
    );
    let ev = chair.until("events").await;
    let opened = &ev["events"][0]["event"];
    assert_eq!(opened["type"], "opened");
    // An own set travels whole, not by name.
    let own_name = format!("Bộ quy tắc của {GRASSROOTS}");
    assert_eq!(opened["rules"]["name"], own_name);
    assert_eq!(opened["rules"]["version"], 1);
    assert_eq!(opened["rules"]["attendance"]["quality"]["value"]["num"], 90);

    // The committee changes its set the same day: version 2 applies from now on.
    let (status, view) = put(&admin, &s, g, &quality(95)).await;
    assert_eq!(status, 200);
    assert_eq!(view["applicable"]["rules"]["version"], 2);
    s.live.meeting_changed(meeting.id).await;
    let (state, _) = s.live.record(&meeting).await.unwrap();
    assert_eq!(
        (state.rules.name.as_str(), state.rules.version),
        (own_name.as_str(), 1)
    );
    assert_eq!(state.rules.attendance.quality.value.num, 90);

    // Replayed from storage once the room is freed: still version 1.
    drop(chair);
    for _ in 0..50 {
        if !s.live.has_room(meeting.id) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(!s.live.has_room(meeting.id), "the idle room was freed");
    let (state, _) = s.live.record(&meeting).await.unwrap();
    assert_eq!(state.rules.version, 1);
    assert_eq!(state.rules.attendance.quality.value.num, 90);

    // A meeting not yet opened follows the new version.
    let next = meeting_now_in_b(&s).await;
    let (state, _) = s.live.record(&next).await.unwrap();
    assert_eq!(state.rules.version, 2);
    assert_eq!(state.rules.attendance.quality.value.num, 95);
    s.stop().await;
}

on_both_backends!(
    a_cell_inherits_the_nearest_choice_in_force,
    who_may_choose,
    bad_input_is_refused_at_its_field,
    the_schedule_follows_the_committee_values,
    a_change_after_the_opening_leaves_the_meeting_alone,
);
