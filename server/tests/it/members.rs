//! Member records through the API, on SQLite and on PostgreSQL: who sees a
//! member's personal details, and a temporary attachment elsewhere.

use crate::common;

use common::{Backend, CELL_A, CELL_B, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn body(res: reqwest::Response) -> Value {
    res.json().await.expect("json body")
}

/// The member id behind a logged-in account, if any.
async fn own_member(c: &reqwest::Client, s: &TestServer) -> Option<i64> {
    let me = body(c.get(s.url("/api/me")).send().await.unwrap()).await;
    me["account"]["member_id"].as_i64()
}

/// Item 16: a member's birth date and party card number are for the cell's
/// secretary and committee (chi ủy) and the levels above; a plain member sees
/// them only on their own record, in the list and in the detail.
async fn personal_details_for_the_committee_and_above(b: Backend) {
    let s = TestServer::start(b).await;
    let table = [
        // who, in which cell, sees the details
        ("dv.a04", CELL_A, false),    // plain member of the cell
        ("dv.a03", CELL_A, true),     // chi ủy viên
        ("dv.a02", CELL_A, true),     // phó bí thư
        ("bithu.a", CELL_A, true),    // bí thư
        ("bithu.b", CELL_A, true),    // đảng ủy viên of the grassroots committee above
        ("capuy.khoi", CELL_B, true), // assigned to follow cell B
        ("quantri", CELL_A, true),    // administrator
    ];
    for (who, cell, sees) in table {
        let c = s.login(who).await;
        let me = own_member(&c, &s).await;
        let cell_id = s.org_id(cell).await;
        let res = c
            .get(s.url(&format!("/api/organizations/{cell_id}/members")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{who}");
        let list = body(res).await;
        let list = list.as_array().expect("a list");
        assert!(list.len() > 5, "{who}");
        for m in list {
            let id = m["id"].as_i64().unwrap();
            let visible = sees || Some(id) == me;
            // Every demo member has both on record.
            assert_eq!(m["birth_date"].is_string(), visible, "{who} → {m}");
            assert_eq!(m["card_number"].is_string(), visible, "{who} → {m}");
            if !visible {
                assert!(m["birth_date"].is_null() && m["card_number"].is_null());
                assert!(m["full_name"].is_string() && m["status"].is_string());
            }
        }
        let mate = list
            .iter()
            .map(|m| m["id"].as_i64().unwrap())
            .find(|id| Some(*id) != me)
            .unwrap();
        let detail = body(
            c.get(s.url(&format!("/api/members/{mate}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(detail["birth_date"].is_string(), sees, "{who} → {detail}");
        assert_eq!(detail["card_number"].is_string(), sees, "{who} → {detail}");
        if let Some(me) = me {
            let own = body(
                c.get(s.url(&format!("/api/members/{me}")))
                    .send()
                    .await
                    .unwrap(),
            )
            .await;
            assert!(own["birth_date"].is_string(), "{who} sees their own record");
        }
    }
    s.stop().await;
}

fn member_json(attached: Value) -> Value {
    json!({
        "full_name": "Đặng Thị Thu Hà", "gender": "female", "birth_date": "1990-04-30",
        "admitted_on": "2020-05-19", "full_member_on": "2021-05-19",
        "status": "full", "role": "member", "card_number": null,
        "attached_elsewhere": attached
    })
}

/// Item 17: a temporary attachment to another organization (sinh hoạt tạm
/// thời) is part of the member record: saved with its dates, read back,
/// changed, removed, and refused when it makes no sense.
async fn attachment_elsewhere_is_part_of_the_record(b: Backend) {
    let s = TestServer::start(b).await;
    let secretary = s.login("bithu.a").await;
    let cell = s.org_id(CELL_A).await;
    let attached = json!({
        "organization": "Chi bộ Phòng Tổ chức – Sở Nội vụ",
        "from": "2026-03-01",
        "until": "2026-12-31"
    });
    let res = secretary
        .post(s.url(&format!("/api/organizations/{cell}/members")))
        .json(&member_json(attached.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let created = body(res).await;
    assert_eq!(created["attached_elsewhere"], attached);
    let id = created["id"].as_i64().unwrap();
    let read = body(
        secretary
            .get(s.url(&format!("/api/members/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(read["attached_elsewhere"], attached);

    // Still attached, no end date known; then back in the cell.
    let open_ended =
        json!({"organization": "Đảng bộ xã Tân Phú", "from": "2026-06-01", "until": null});
    for value in [open_ended, Value::Null] {
        let res = secretary
            .put(s.url(&format!("/api/members/{id}")))
            .json(&member_json(value.clone()))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let read = body(
            secretary
                .get(s.url(&format!("/api/members/{id}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(read["attached_elsewhere"], value);
    }

    let bad = [
        (
            json!({"organization": "Chi bộ khác", "from": "2026-06-01", "until": "2026-05-31"}),
            "attached_until",
        ),
        (
            json!({"organization": "   ", "from": "2026-06-01", "until": null}),
            "attached_organization",
        ),
        (
            json!({"organization": "x".repeat(500), "from": "2026-06-01", "until": null}),
            "attached_organization",
        ),
    ];
    for (value, field) in bad {
        let res = secretary
            .put(s.url(&format!("/api/members/{id}")))
            .json(&member_json(value))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let b = body(res).await;
        let fields = b["error"]["fields"].to_string();
        assert!(fields.contains(field), "{field} in {b}");
    }
    s.stop().await;
}

on_both_backends!(
    personal_details_for_the_committee_and_above,
    attachment_elsewhere_is_part_of_the_record,
);
