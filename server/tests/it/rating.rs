//! The yearly rating of members over HTTP, on SQLite and PostgreSQL: the
//! cell opens the period; members save, submit and are locked; the cell's
//! committee appraises and proposes; the grassroots committee decides and is
//! refused over the "excellent" quota, with the numbers; a reopening with a
//! reason unlocks one member; the member's history. Who may, and bad input.

use crate::common;

use chrono::Datelike;
use common::http::{get, post, put};
use common::{Backend, CELL_A, CELL_B, GRASSROOTS, TestServer};
use serde_json::{Value, json};

fn year() -> i32 {
    server::clock::today().year()
}

/// Answers with these criterion points, 10 tasks, `late` late and `exceeded` exceeded.
fn answers(points: [f64; 6], late: u32, exceeded: u32) -> Value {
    json!({
        "scores": {
            "politics": points[0], "ethics": points[1], "discipline": points[2],
            "work_style": points[3], "duties": points[4], "commitments": points[5],
        },
        "tasks": {"total": 10, "late": late, "exceeded": exceeded},
    })
}

/// 95 points, 4 of 10 exceeded: excellent.
fn excellent() -> Value {
    answers([15.0, 15.0, 10.0, 10.0, 36.0, 9.0], 0, 4)
}

/// 80 points, none late: good.
fn good() -> Value {
    answers([12.0, 12.0, 8.0, 8.0, 32.0, 8.0], 0, 0)
}

fn fields(v: &Value) -> Vec<String> {
    v["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn member_id(s: &TestServer, username: &str) -> i64 {
    s.ids_of(username).await.1.expect("member").0
}

fn appraisal_path(cell: i64, member: i64) -> String {
    format!(
        "/api/organizations/{cell}/rating/{}/members/{member}/appraisal",
        year()
    )
}

fn decision_path(cell: i64, member: i64) -> String {
    format!(
        "/api/organizations/{cell}/rating/{}/members/{member}/decision",
        year()
    )
}

/// The cell's committee proposes, the grassroots committee decides.
async fn rate(
    s: &TestServer,
    committee: &reqwest::Client,
    decider: &reqwest::Client,
    cell: i64,
    member: i64,
    answers: Value,
    level: &str,
) -> (u16, Value) {
    let vote = (level == "excellent").then(|| json!({"for": 9, "against": 1, "of": 11}));
    let (status, body) = put(
        committee,
        s,
        &appraisal_path(cell, member),
        json!({"answers": answers, "comment": "Hoàn thành tốt công việc.", "vote": vote, "proposed": level}),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    put(
        decider,
        s,
        &decision_path(cell, member),
        json!({"level": level}),
    )
    .await
}

/// From opening to deciding, with the locks and the checks on the way.
async fn the_year_is_rated_from_self_assessment_to_decision(b: Backend) {
    let s = TestServer::start(b).await;
    let y = year();
    let a = s.org_id(CELL_A).await;
    let me = format!("/api/me/rating/{y}");
    let member = s.login("dv.a05").await;
    let (status, sheet) = get(&member, &s, &me).await;
    assert_eq!(status, 200, "{sheet}");
    assert_eq!(sheet["period"], "not_opened");
    assert_eq!(sheet["may_edit"], false);
    assert_eq!(
        sheet["rules"]["member_form"]["value"]["criteria"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    let (status, _) = put(&member, &s, &me, json!({"answers": good()})).await;
    assert_eq!(status, 409);

    // Only the secretary or deputy opens, once.
    let open = format!("/api/organizations/{a}/rating/{y}/open");
    assert_eq!(post(&member, &s, &open, json!(null)).await.0, 403);
    assert_eq!(
        post(&s.login("dv.a03").await, &s, &open, json!(null))
            .await
            .0,
        403
    );
    let secretary = s.login("bithu.a").await;
    assert_eq!(post(&secretary, &s, &open, json!(null)).await.0, 204);
    let (status, body) = post(&secretary, &s, &open, json!(null)).await;
    assert_eq!(status, 409, "{body}");

    // Errors at their fields.
    let mut bad = answers([16.0, 15.0, 10.0, 10.0, 36.0, 9.0], 11, 0);
    bad["scores"]["unknown"] = json!(1);
    let (status, body) = put(&member, &s, &me, json!({"answers": bad, "submit": true})).await;
    assert_eq!(status, 422, "{body}");
    let f = fields(&body);
    for want in ["scores.politics", "scores.unknown", "tasks.late"] {
        assert!(f.contains(&want.to_string()), "{want} not in {f:?}");
    }
    let mut partial = good();
    partial["scores"].as_object_mut().unwrap().remove("duties");
    let (status, body) = put(
        &member,
        &s,
        &me,
        json!({"answers": partial.clone(), "submit": true}),
    )
    .await;
    assert_eq!(
        (status, fields(&body)),
        (422, vec!["scores.duties".to_string()])
    );
    // A draft may be partial.
    let (status, sheet) = put(&member, &s, &me, json!({"answers": partial})).await;
    assert_eq!(status, 200, "{sheet}");
    assert_eq!(sheet["may_edit"], true);
    assert_eq!(sheet["stage"]["submitted"], false);
    // A trigger contradicting the level claimed.
    let mut disciplined = good();
    disciplined["triggers"] = json!(["disciplined_in_year"]);
    disciplined["level"] = json!("good");
    let (status, body) = put(
        &member,
        &s,
        &me,
        json!({"answers": disciplined, "submit": true}),
    )
    .await;
    assert_eq!((status, fields(&body)), (422, vec!["level".to_string()]));
    assert!(
        body["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("bị kỷ luật trong năm")
    );
    // Submitted: locked.
    let (status, sheet) = put(
        &member,
        &s,
        &me,
        json!({"answers": excellent(), "submit": true}),
    )
    .await;
    assert_eq!(status, 200, "{sheet}");
    assert_eq!(sheet["self_level"], "excellent");
    assert_eq!(sheet["may_edit"], false);
    let (status, body) = put(&member, &s, &me, json!({"answers": good()})).await;
    assert_eq!(status, 409);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Đã nộp")
    );

    // The cell's committee proposes: a committee member of the cell, not a plain member.
    let m05 = member_id(&s, "dv.a05").await;
    let committee = s.login("dv.a03").await;
    let path = appraisal_path(a, m05);
    let (status, _) = put(
        &member,
        &s,
        &path,
        json!({"answers": excellent(), "proposed": "excellent"}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, body) = put(
        &committee,
        &s,
        &path,
        json!({"answers": excellent(), "proposed": "excellent"}),
    )
    .await;
    assert_eq!((status, fields(&body)), (422, vec!["vote".to_string()]));
    let mut late = excellent();
    late["tasks"]["late"] = json!(1);
    let (status, body) = put(
        &committee,
        &s,
        &path,
        json!({"answers": late, "proposed": "good"}),
    )
    .await;
    assert_eq!((status, fields(&body)), (422, vec!["proposed".to_string()]));

    // The deciding committee: the grassroots committee (the deputy of B sits on it).
    let decider = s.login("dv.b02").await;
    assert_eq!(
        put(
            &committee,
            &s,
            &decision_path(a, m05),
            json!({"level": "excellent"})
        )
        .await
        .0,
        403
    );
    let (status, body) = put(
        &decider,
        &s,
        &decision_path(a, m05),
        json!({"level": "good"}),
    )
    .await;
    assert_eq!(status, 409, "not proposed yet: {body}");

    // Four good, then one excellent of five: within 20%.
    let mut ids = Vec::new();
    for u in ["dv.a06", "dv.a07", "dv.a08", "dv.a09"] {
        let m = member_id(&s, u).await;
        ids.push(m);
        let (status, body) = rate(&s, &committee, &decider, a, m, good(), "good").await;
        assert_eq!(status, 204, "{u}: {body}");
    }
    // Not better than the appraisal allows.
    let (status, body) = put(
        &committee,
        &s,
        &path,
        json!({"answers": good(), "proposed": "good"}),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (status, body) = put(
        &decider,
        &s,
        &decision_path(a, m05),
        json!({"level": "excellent"}),
    )
    .await;
    assert_eq!((status, fields(&body)), (422, vec!["level".to_string()]));
    let (status, body) = rate(&s, &committee, &decider, a, m05, excellent(), "excellent").await;
    assert_eq!(status, 204, "{body}");
    // Decided: no change without a reopening.
    let (status, _) = put(
        &decider,
        &s,
        &decision_path(a, m05),
        json!({"level": "good"}),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = put(
        &committee,
        &s,
        &path,
        json!({"answers": good(), "proposed": "good"}),
    )
    .await;
    assert_eq!(status, 409);

    // A second excellent of six is over: refused with the numbers.
    let m10 = member_id(&s, "dv.a10").await;
    let (status, body) = rate(&s, &committee, &decider, a, m10, excellent(), "excellent").await;
    assert_eq!(status, 409, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("sẽ có 2 đảng viên xuất sắc, tối đa 1 (không quá 20% của 6 đảng viên"),
        "{message}"
    );
    // The board shows the quota and the proposal over it.
    let grassroots = s.org_id(GRASSROOTS).await;
    let (status, board) = get(
        &decider,
        &s,
        &format!("/api/organizations/{grassroots}/rating/{y}"),
    )
    .await;
    assert_eq!(status, 200, "{board}");
    assert_eq!(board["members"].as_array().unwrap().len(), 48);
    assert_eq!(board["quota"][0]["decided"]["excellent"], 1);
    assert_eq!(board["quota"][0]["decided"]["max"], 1);
    assert_eq!(board["quota"][0]["proposed"]["excellent"], 2);
    assert!(!board["proposal_issues"].as_array().unwrap().is_empty());
    assert_eq!(board["shares"]["total"], 5);
    assert_eq!(board["meets_aim"], true);
    // Four more good: the second excellent of ten is within.
    for u in ["dv.a04", "dv.a11", "dv.a12", "bithu.a"] {
        let m = member_id(&s, u).await;
        let (status, body) = rate(&s, &committee, &decider, a, m, good(), "good").await;
        assert_eq!(status, 204, "{u}: {body}");
    }
    let (status, body) = put(
        &decider,
        &s,
        &decision_path(a, m10),
        json!({"level": "excellent"}),
    )
    .await;
    assert_eq!(status, 204, "{body}");

    // The member sees the decision and their history.
    let (_, sheet) = get(&member, &s, &me).await;
    assert_eq!(sheet["decided_level"], "excellent");
    assert_eq!(sheet["comment"], "Hoàn thành tốt công việc.");
    let (status, history) = get(&member, &s, "/api/me/ratings").await;
    assert_eq!(status, 200);
    assert_eq!(
        history,
        json!([{"year": y, "cell_name": CELL_A, "self_level": "excellent",
            "proposed_level": "excellent", "decided_level": "excellent"}])
    );
    s.stop().await;
}

/// The deciding committee reopens one member with a reason: the member
/// edits and submits again, the cell proposes again, the committee decides again.
async fn a_decided_rating_changes_only_after_a_reopening(b: Backend) {
    let s = TestServer::start(b).await;
    let y = year();
    let a = s.org_id(CELL_A).await;
    let me = format!("/api/me/rating/{y}");
    let secretary = s.login("bithu.a").await;
    assert_eq!(
        post(
            &secretary,
            &s,
            &format!("/api/organizations/{a}/rating/{y}/open"),
            json!(null)
        )
        .await
        .0,
        204
    );
    let member = s.login("dv.a05").await;
    let (status, _) = put(&member, &s, &me, json!({"answers": good(), "submit": true})).await;
    assert_eq!(status, 200);
    let committee = s.login("dv.a03").await;
    let decider = s.login("dv.c02").await;
    let m05 = member_id(&s, "dv.a05").await;
    let (status, body) = rate(&s, &committee, &decider, a, m05, good(), "good").await;
    assert_eq!(status, 204, "{body}");

    let reopen = format!("/api/organizations/{a}/rating/{y}/reopen");
    // Only the deciding committee, with a reason.
    let (status, _) = post(
        &secretary,
        &s,
        &reopen,
        json!({"member_id": m05, "reason": "Sai sót"}),
    )
    .await;
    assert_eq!(
        status, 204,
        "the secretary of A sits on the grassroots committee"
    );
    let (status, body) = post(
        &committee,
        &s,
        &reopen,
        json!({"member_id": m05, "reason": "Sai sót"}),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = post(
        &decider,
        &s,
        &reopen,
        json!({"member_id": m05, "reason": "   "}),
    )
    .await;
    assert_eq!((status, fields(&body)), (422, vec!["reason".to_string()]));
    let reason = "Phát hiện đảng viên bị kỷ luật khiển trách trong năm.";
    let (status, body) = post(
        &decider,
        &s,
        &reopen,
        json!({"member_id": m05, "reason": reason}),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (_, sheet) = get(&member, &s, &me).await;
    assert_eq!(sheet["may_edit"], true);
    assert_eq!(sheet["stage"]["reopened"], true);
    assert_eq!(sheet["reopenings"][1]["reason"], reason);
    let mut disciplined = good();
    disciplined["triggers"] = json!(["disciplined_in_year"]);
    let (status, sheet) = put(
        &member,
        &s,
        &me,
        json!({"answers": disciplined.clone(), "submit": true}),
    )
    .await;
    assert_eq!(status, 200, "{sheet}");
    assert_eq!(sheet["self_level"], "not_complete");
    assert_eq!(sheet["may_edit"], false);
    // The old level is no longer allowed.
    let (status, body) = put(
        &committee,
        &s,
        &appraisal_path(a, m05),
        json!({"answers": disciplined.clone(), "proposed": "good"}),
    )
    .await;
    assert_eq!((status, fields(&body)), (422, vec!["proposed".to_string()]));
    let (status, body) = rate(
        &s,
        &committee,
        &decider,
        a,
        m05,
        disciplined,
        "not_complete",
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (_, sheet) = get(&member, &s, &me).await;
    assert_eq!(sheet["decided_level"], "not_complete");
    assert_eq!(sheet["stage"]["reopened"], false);
    let (_, board) = get(&decider, &s, &format!("/api/organizations/{a}/rating/{y}")).await;
    assert_eq!(board["reopenings"].as_array().unwrap().len(), 2);
    s.stop().await;
}

/// Another cell, a revoked account, a plain member, bad input.
async fn who_may_and_bad_input(b: Backend) {
    let s = TestServer::start(b).await;
    let y = year();
    let a = s.org_id(CELL_A).await;
    let cell_b = s.org_id(CELL_B).await;
    let secretary = s.login("bithu.a").await;
    assert_eq!(
        post(
            &secretary,
            &s,
            &format!("/api/organizations/{a}/rating/{y}/open"),
            json!(null)
        )
        .await
        .0,
        204
    );
    let m05 = member_id(&s, "dv.a05").await;
    // Another cell's committee does not see cell A; another cell's member is not A's.
    let other = s.login("dv.b03").await;
    let (status, _) = put(
        &other,
        &s,
        &appraisal_path(a, m05),
        json!({"answers": good(), "proposed": "good"}),
    )
    .await;
    assert_eq!(status, 404);
    let committee_b = s.login("bithu.b").await;
    let (status, _) = put(
        &committee_b,
        &s,
        &appraisal_path(cell_b, m05),
        json!({"answers": good(), "proposed": "good"}),
    )
    .await;
    assert_eq!(status, 404, "a member of A is not on B's roll");
    // A plain member sees no board, only their own sheet.
    let member = s.login("dv.a05").await;
    let (status, _) = get(&member, &s, &format!("/api/organizations/{a}/rating/{y}")).await;
    assert_eq!(status, 403);
    // Cell B's period is not opened by A's.
    let (_, sheet) = get(&s.login("dv.b05").await, &s, &format!("/api/me/rating/{y}")).await;
    assert_eq!(sheet["period"], "not_opened");
    // A revoked account is refused.
    let (account, _) = s.ids_of("dv.a06").await;
    let revoked = s.login("dv.a06").await;
    let admin = s.login("quantri").await;
    let (status, _) = put(
        &admin,
        &s,
        &format!("/api/accounts/{}/disabled", account.0),
        json!({"disabled": true}),
    )
    .await;
    assert_eq!(status, 200);
    // Its sessions end with it.
    let (status, _) = put(
        &revoked,
        &s,
        &format!("/api/me/rating/{y}"),
        json!({"answers": good()}),
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = get(&revoked, &s, "/api/me/ratings").await;
    assert_eq!(status, 401);
    // Bad input answers 4xx: what is no year, points, count or level is 400.
    for path in [
        "/api/me/rating/1999".to_string(),
        "/api/me/rating/abc".to_string(),
        format!("/api/organizations/{a}/rating/99999999999"),
    ] {
        let (status, _) = get(&member, &s, &path).await;
        assert_eq!(status, 400, "{path}");
    }
    let (status, _) = put(
        &member,
        &s,
        &format!("/api/me/rating/{y}"),
        json!({"answers": {"scores": {"politics": -1}}}),
    )
    .await;
    assert_eq!(status, 400, "not points");
    let (status, _) = put(
        &member,
        &s,
        &format!("/api/me/rating/{y}"),
        json!({"answers": {"tasks": {"total": 4294967296u64}}}),
    )
    .await;
    assert_eq!(status, 400, "no count");
    let (status, body) = put(
        &member,
        &s,
        &format!("/api/me/rating/{y}"),
        json!({"answers": {"tasks": {"total": 5000, "late": 0, "exceeded": 0}}}),
    )
    .await;
    assert_eq!(
        (status, fields(&body)),
        (422, vec!["tasks.total".to_string()])
    );
    let decider = s.login("dv.b02").await;
    let (status, _) = put(
        &decider,
        &s,
        &decision_path(a, 999_999),
        json!({"level": "good"}),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = put(
        &decider,
        &s,
        &decision_path(a, m05),
        json!({"level": "best"}),
    )
    .await;
    assert_eq!(status, 400, "no level");
    s.stop().await;
}

on_both_backends!(
    the_year_is_rated_from_self_assessment_to_decision,
    a_decided_rating_changes_only_after_a_reopening,
    who_may_and_bad_input,
);
