//! The year's work over HTTP, on SQLite and PostgreSQL: members register
//! their exemplary commitments, the cell's committee sees who has not and
//! reviews them, after which they are locked; inspections recorded against
//! each cell's target move a committee's progress. Who does what, and bad
//! input.

use crate::common;

use chrono::{Datelike, Duration};
use common::http::{get, post, put};
use common::{Backend, CELL_A, CELL_B, GRASSROOTS, TestServer};
use serde_json::{Value, json};

/// The message of the error body for `field`, if any.
fn field(e: &Value, field: &str) -> Option<String> {
    e["error"]["fields"]
        .as_array()?
        .iter()
        .find(|f| f["field"] == field)
        .and_then(|f| f["message"].as_str())
        .map(str::to_string)
}

fn year() -> i32 {
    server::clock::today().year()
}

async fn member_of(s: &TestServer, username: &str) -> i64 {
    s.ids_of(username).await.1.unwrap().0
}

async fn commitments_are_registered_reviewed_and_locked(b: Backend) {
    let s = TestServer::start(b).await;
    let y = year();
    let cell = s.org_id(CELL_A).await;
    let a05 = member_of(&s, "dv.a05").await;
    let mine = format!("/api/members/{a05}/commitments/{y}");
    let member = s.login("dv.a05").await;
    let (status, empty) = get(&member, &s, &mine).await;
    assert_eq!(status, 200, "{empty}");
    assert_eq!(empty["items"], json!([]));
    assert_eq!(empty["may_edit"], true);
    assert_eq!(empty["may_review"], false);
    assert_eq!(empty["suggested_points"], Value::Null);

    let (status, two) = put(
        &member,
        &s,
        &mine,
        json!({"items": ["Đi họp đúng giờ", "  ", "Học tập nghị quyết"]}),
    )
    .await;
    assert_eq!(status, 200, "{two}");
    assert_eq!(two["summary"]["items"], 2);
    // The whole list is replaced.
    let items = json!({"items": ["Đi họp chi bộ đầy đủ, đúng giờ", "Học tập nghị quyết", "Không uống rượu bia khi lái xe"]});
    let (status, three) = put(&member, &s, &mine, items.clone()).await;
    assert_eq!(status, 200, "{three}");
    let texts: Vec<&str> = three["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "Đi họp chi bộ đầy đủ, đúng giờ",
            "Học tập nghị quyết",
            "Không uống rượu bia khi lái xe"
        ]
    );
    // Bad input.
    let (status, e) = put(&member, &s, &mine, json!({"items": [" "]})).await;
    assert_eq!(status, 422);
    assert_eq!(
        field(&e, "items").as_deref(),
        Some("Cần ghi ít nhất một nội dung cam kết.")
    );
    let later = format!("/api/members/{a05}/commitments/{}", y + 2);
    let (status, e) = put(&member, &s, &later, items.clone()).await;
    assert_eq!(status, 422, "{e}");
    assert!(field(&e, "year").is_some(), "{e}");
    let (status, _) = put(
        &member,
        &s,
        &format!("/api/members/{a05}/commitments/1999"),
        items.clone(),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = put(&member, &s, &mine, json!({"items": ["a"], "extra": 1})).await;
    assert!((400..500).contains(&status), "{status}");
    let long = vec!["ư".repeat(shared::commitments::MAX_ITEM_CHARS + 1)];
    let (status, _) = put(&member, &s, &mine, json!({ "items": long })).await;
    assert_eq!(status, 422);
    // Another member does not register for them.
    let other = s.login("dv.a06").await;
    assert_eq!(put(&other, &s, &mine, items.clone()).await.0, 403);

    // The cell's committee member sees who has not registered.
    let committee = s.login("dv.a03").await;
    let (status, list) = get(
        &committee,
        &s,
        &format!("/api/organizations/{cell}/commitments/{y}"),
    )
    .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["registered"], 1);
    assert_eq!(list["may_review"], true);
    let members = list["members"].as_array().unwrap();
    assert_eq!(members.len(), 12);
    let not_registered: Vec<&Value> = members.iter().filter(|m| m["items"] == json!([])).collect();
    assert_eq!(not_registered.len(), 11);
    assert!(
        members
            .iter()
            .any(|m| m["member_id"] == a05 && m["summary"]["items"] == 3)
    );

    // A member does not review; the committee reviews each item once.
    let ids: Vec<i64> = three["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    let review = json!({"items": [
        {"id": ids[0], "result": "kept"},
        {"id": ids[1], "result": "partly", "note": "Chưa đều"},
        {"id": ids[2], "result": "not_kept", "note": "Vi phạm một lần"},
    ]});
    let review_path = format!("{mine}/review");
    assert_eq!(put(&other, &s, &review_path, review.clone()).await.0, 403);
    let (status, e) = put(
        &committee,
        &s,
        &review_path,
        json!({"items": [{"id": ids[0], "result": "kept"}]}),
    )
    .await;
    assert_eq!(status, 422, "{e}");
    let (status, reviewed) = put(&committee, &s, &review_path, review).await;
    assert_eq!(status, 200, "{reviewed}");
    assert_eq!(
        reviewed["summary"],
        json!({"items": 3, "reviewed": 3, "kept": 1, "partly": 1, "not_kept": 1})
    );
    // (1 + 0,5) of 3 items of 10 points.
    assert_eq!(reviewed["suggested_points"], 5.0);
    assert_eq!(reviewed["items"][1]["review_note"], "Chưa đều");
    assert!(reviewed["items"][1]["reviewed_by"].is_string());

    // Locked for the member from now on.
    let (status, e) = put(&member, &s, &mine, items).await;
    assert_eq!(status, 409, "{e}");
    let (_, now) = get(&member, &s, &mine).await;
    assert_eq!(now["may_edit"], false);
    assert_eq!(now["summary"]["kept"], 1);

    // The grassroots committee reads; it does not review the cell's members.
    let above = s.login("bithu.b").await;
    let (status, read) = get(&above, &s, &mine).await;
    assert_eq!(status, 200);
    assert_eq!(read["may_review"], false);
    assert_eq!(
        put(&above, &s, &review_path, json!({"items": []})).await.0,
        403
    );
    // A cell that does not see cell A finds nothing.
    let stranger = s.login("dv.b05").await;
    assert_eq!(get(&stranger, &s, &mine).await.0, 404);
    assert_eq!(
        get(
            &stranger,
            &s,
            &format!("/api/organizations/{cell}/commitments/{y}")
        )
        .await
        .0,
        404
    );
    s.stop().await;
}

fn inspection(member: i64, concluded: chrono::NaiveDate) -> Value {
    json!({
        "member_id": member,
        "content": "Việc chấp hành Điều lệ Đảng, giữ mối liên hệ với nơi cư trú",
        "period_from": concluded - Duration::days(90),
        "period_to": concluded - Duration::days(1),
        "concluded_on": concluded,
        "conclusion": "Chấp hành tốt",
        "follow_up": "Tiếp tục phát huy",
    })
}

async fn inspections_move_a_cell_onto_its_target(b: Backend) {
    let s = TestServer::start(b).await;
    let today = server::clock::today();
    let grassroots = s.org_id(GRASSROOTS).await;
    let cell = s.org_id(CELL_A).await;
    let progress_path = format!("/api/organizations/{grassroots}/inspection-progress");
    // dv.a02 sits on the grassroots committee.
    let committee = s.login("dv.a02").await;
    let (status, p) = get(&committee, &s, &progress_path).await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["label_vi"], "0/4 chi bộ, 0,00%");
    assert_eq!(p["behind"].as_array().unwrap().len(), 4);
    // Every demo cell has a committee of three: a target of two.
    assert!(
        p["behind"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["target"] == 2 && c["done"] == 0)
    );

    let secretary = s.login("bithu.a").await;
    let list = format!("/api/organizations/{cell}/inspections");
    let a05 = member_of(&s, "dv.a05").await;
    let a06 = member_of(&s, "dv.a06").await;
    let (status, first) = post(&secretary, &s, &list, inspection(a05, today)).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["may_change"], true);
    assert_eq!(first["year"], today.year());
    // The same member again counts once.
    assert_eq!(
        post(&secretary, &s, &list, inspection(a05, today)).await.0,
        201
    );
    let (_, p) = get(&committee, &s, &progress_path).await;
    assert_eq!(p["on_target"], 0);
    let (status, second) = post(&committee, &s, &list, inspection(a06, today)).await;
    assert_eq!(status, 201, "{second}");
    let (_, p) = get(&committee, &s, &progress_path).await;
    assert_eq!(p["label_vi"], "1/4 chi bộ, 25,00%");
    assert_eq!(p["label_en"], "1/4 cells, 25.00%");
    assert_eq!(p["percent_hundredths"], 2500);
    assert!(
        !p["behind"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["cell_id"] == cell)
    );

    let (status, year) = get(&secretary, &s, &format!("{list}?year={}", today.year())).await;
    assert_eq!(status, 200, "{year}");
    assert_eq!(year["standing"]["done"], 2);
    assert_eq!(year["standing"]["target"], 2);
    assert_eq!(year["inspections"].as_array().unwrap().len(), 3);
    assert_eq!(year["members"].as_array().unwrap().len(), 12);
    // Last year's list is empty.
    let (_, last) = get(&secretary, &s, &format!("{list}?year={}", today.year() - 1)).await;
    assert_eq!(last["inspections"], json!([]));

    // Bad input.
    let b05 = member_of(&s, "dv.b05").await;
    let (status, e) = post(&secretary, &s, &list, inspection(b05, today)).await;
    assert_eq!(status, 422);
    assert!(field(&e, "member_id").is_some(), "{e}");
    let (status, e) = post(
        &secretary,
        &s,
        &list,
        inspection(a05, today + Duration::days(2)),
    )
    .await;
    assert_eq!(status, 422);
    assert!(field(&e, "concluded_on").is_some(), "{e}");
    let mut reversed = inspection(a05, today);
    reversed["period_to"] = json!(today - Duration::days(200));
    assert_eq!(post(&secretary, &s, &list, reversed).await.0, 422);
    let mut blank = inspection(a05, today);
    blank["conclusion"] = json!("  ");
    assert_eq!(post(&secretary, &s, &list, blank).await.0, 422);
    let mut unknown = inspection(a05, today);
    unknown["extra"] = json!(true);
    assert!((400..500).contains(&post(&secretary, &s, &list, unknown).await.0));
    for q in ["?year=abc", "?year=1999", "?year=99999999999"] {
        assert_eq!(
            get(&secretary, &s, &format!("{list}{q}")).await.0,
            400,
            "{q}"
        );
        assert_eq!(
            get(&committee, &s, &format!("{progress_path}{q}")).await.0,
            400,
            "{q}"
        );
    }
    // A plain member neither reads nor records.
    let member = s.login("dv.a07").await;
    assert_eq!(get(&member, &s, &list).await.0, 403);
    assert_eq!(
        post(&member, &s, &list, inspection(a05, today)).await.0,
        403
    );

    // Who recorded it changes it; another recorder does not.
    let id = second["id"].as_i64().unwrap();
    let other_recorder = s.login("bithu.b").await;
    let mut changed = inspection(a06, today);
    changed["conclusion"] = json!("Chấp hành tốt; cần gương mẫu hơn nơi cư trú");
    assert_eq!(
        put(
            &other_recorder,
            &s,
            &format!("/api/inspections/{id}"),
            changed.clone()
        )
        .await
        .0,
        403
    );
    let (status, after) = put(&committee, &s, &format!("/api/inspections/{id}"), changed).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(
        after["conclusion"],
        "Chấp hành tốt; cần gương mẫu hơn nơi cư trú"
    );
    let del = |c: reqwest::Client| {
        let url = s.url(&format!("/api/inspections/{id}"));
        let origin = s.base.clone();
        async move {
            c.delete(url)
                .header("origin", origin)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(del(other_recorder.clone()).await, 403);
    assert_eq!(del(committee.clone()).await, 204);
    assert_eq!(del(committee.clone()).await, 404);
    let (_, p) = get(&committee, &s, &progress_path).await;
    assert_eq!(p["label_vi"], "0/4 chi bộ, 0,00%");

    // A deputy secretary elsewhere, on no committee, does not see cell A; a cell has no progress.
    let cell_b = s.org_id(CELL_B).await;
    assert_eq!(
        post(&s.login("dv.d02").await, &s, &list, inspection(a05, today))
            .await
            .0,
        404
    );
    let (status, _) = get(
        &committee,
        &s,
        &format!("/api/organizations/{cell_b}/inspection-progress"),
    )
    .await;
    assert_eq!(status, 404, "a cell has no progress of its own");
    s.stop().await;
}

on_both_backends!(
    commitments_are_registered_reviewed_and_locked,
    inspections_move_a_cell_onto_its_target,
);
