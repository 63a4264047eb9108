//! The yearly classification of cells over HTTP, on SQLite and PostgreSQL:
//! the grassroots committee reads each cell's figures (inspections against
//! the target, the members' decided ratings) and the suggested level,
//! decides (a deviation or a change needs a reason; the excellent quota is
//! enforced; an old year's decision no longer changes), and downloads the
//! year's workbook with the same numbers. Who sees and decides, bad input.

use crate::common;

use calamine::{Data, Reader, Xlsx};
use chrono::Datelike;
use common::{Backend, CELL_A, CELL_B, GRASSROOTS, TestServer};
use serde_json::{Value, json};

async fn get(c: &reqwest::Client, s: &TestServer, path: &str) -> (u16, Value) {
    let r = c.get(s.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn put(c: &reqwest::Client, s: &TestServer, path: &str, body: Value) -> (u16, Value) {
    let r = c
        .put(s.url(path))
        .header("origin", s.base.as_str())
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn cell<'a>(review: &'a Value, name: &str) -> &'a Value {
    review["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cell_name"] == name)
        .unwrap_or_else(|| panic!("{name} in {review}"))
}

/// Rows no endpoint of this module writes: three inspections in cell B
/// (two members), the decided ratings of six of its members.
async fn records(s: &TestServer, year: i32) {
    let (secretary, _) = s.ids_of("bithu.b").await;
    let grassroots = s.org_id(GRASSROOTS).await;
    let cell_b = s.org_id(CELL_B).await;
    let mut members = Vec::new();
    for u in ["dv.b03", "dv.b04", "dv.b05", "dv.b06", "dv.b07", "dv.b08"] {
        members.push(s.ids_of(u).await.1.unwrap().0);
    }
    for (m, day, content) in [
        (members[0], "03-10", "Chấp hành Điều lệ Đảng"),
        (members[0], "06-12", "Thực hiện nhiệm vụ được giao"),
        (members[1], "09-15", "Tu dưỡng, rèn luyện đạo đức"),
    ] {
        s.exec(&format!(
            "INSERT INTO inspections (cell_id, member_id, year, content, period_from, period_to,
             concluded_on, conclusion, follow_up, recorded_by, recorded_at)
             VALUES ({cell_b}, {m}, {year}, '{content}', '{year}-01-01', '{year}-{day}',
             '{year}-{day}', 'Chấp hành tốt', 'Không', {}, '{year}-{day} 10:00:00')",
            secretary.0
        ))
        .await;
    }
    for (m, level, points) in [
        (members[0], "excellent", 950),
        (members[1], "good", 850),
        (members[2], "good", 820),
        (members[3], "good", 800),
        (members[4], "complete", 650),
        (members[5], "not_complete", 450),
    ] {
        s.exec(&format!(
            "INSERT INTO member_ratings (member_id, year, cell_id, grassroots_id, self_points_tenths,
             self_level, proposed_level, decided_level, decided_note)
             VALUES ({m}, {year}, {cell_b}, {grassroots}, {points}, '{level}', '{level}', '{level}', '')"
        ))
        .await;
    }
}

async fn the_committee_classifies_and_exports_the_year(b: Backend) {
    let s = TestServer::start(b).await;
    let year = server::clock::today().year();
    records(&s, year).await;
    let grassroots = s.org_id(GRASSROOTS).await;
    let cell_a = s.org_id(CELL_A).await;
    let cell_b = s.org_id(CELL_B).await;
    let committee = s.login("bithu.a").await;

    let (status, review) = get(
        &committee,
        &s,
        &format!("/api/organizations/{grassroots}/year-review/{year}"),
    )
    .await;
    assert_eq!(status, 200, "{review}");
    assert_eq!(review["cells"].as_array().unwrap().len(), 4);
    let line = cell(&review, CELL_B);
    let f = &line["figures"];
    assert_eq!(f["inspections_done"], 2, "{f}");
    assert_eq!(f["inspections_target"], 2, "three seats: a cell committee");
    assert_eq!(f["has_committee"], true);
    assert_eq!(f["members"], 12);
    assert_eq!(f["ratings"], json!([1, 3, 1, 1]));
    assert_eq!(f["year_band"], Value::Null);
    assert_eq!(line["may_decide"], true);
    // No confirmed score and one member of six not complete: not complete.
    assert_eq!(line["computed"]["level"], "not_complete");
    let reasons = line["computed"]["reasons"].to_string();
    assert!(
        reasons.contains("chưa có buổi sinh hoạt thường kỳ nào được xác nhận điểm"),
        "{reasons}"
    );
    assert!(
        reasons.contains("5/6 đảng viên hoàn thành nhiệm vụ trở lên"),
        "{reasons}"
    );
    assert_eq!(line["decision"], Value::Null);

    // Deviating needs a reason, at the reason field.
    let decide = format!("/api/organizations/{cell_b}/classification/{year}");
    let (status, body) = put(
        &committee,
        &s,
        &decide,
        json!({"level": "complete", "reason": " "}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "reason");
    assert!(
        body["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("“Không hoàn thành nhiệm vụ”")
    );
    let (status, body) = put(
        &committee,
        &s,
        &decide,
        json!({"level": "complete", "reason": "Điểm sinh hoạt chưa được cấp trên xác nhận kịp."}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["decision"]["level"], "complete");
    assert_eq!(body["decision"]["computed"], "not_complete");
    assert_eq!(
        body["decision"]["decided_by"],
        server::demo::demo_member(0, 0).full_name.as_str()
    );
    // Changing it needs a reason too; then it is kept.
    let (status, body) = put(&committee, &s, &decide, json!({"level": "good"})).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Thay đổi quyết định đã có")
    );
    let (status, body) = put(
        &committee,
        &s,
        &decide,
        json!({"level": "good", "reason": "Bổ sung kết quả kiểm tra."}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, review) = get(
        &committee,
        &s,
        &format!("/api/organizations/{grassroots}/year-review/{year}"),
    )
    .await;
    let line = cell(&review, CELL_B);
    assert_eq!(line["decision"]["level"], "good");
    assert_eq!(line["decision"]["reason"], "Bổ sung kết quả kiểm tra.");

    // The excellent quota: one good cell in the grassroots organization, so
    // 20% of two, rounded down, is none.
    let (status, body) = put(
        &committee,
        &s,
        &format!("/api/organizations/{cell_a}/classification/{year}"),
        json!({"level": "excellent", "reason": "Tiêu biểu của đảng bộ."}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "level");
    let msg = body["error"]["fields"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("đề nghị 1 “Hoàn thành xuất sắc nhiệm vụ”, vượt mức tối đa 0"),
        "{msg}"
    );

    // The workbook: the same numbers as the review, stored as numbers.
    let r = committee
        .get(s.url(&format!(
            "/api/organizations/{grassroots}/year-review/{year}/export.xlsx"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        server::classification::SHEETS.map(String::from).to_vec()
    );
    let cells = book.worksheet_range("Chi bộ").unwrap();
    let head: Vec<String> = cells
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        head,
        server::classification::CELL_HEADERS
            .map(String::from)
            .to_vec()
    );
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let row = cells
        .rows()
        .find(|r| r[0] == Data::String(CELL_B.into()))
        .unwrap();
    assert_eq!(
        row[col("Xếp loại đề xuất")],
        Data::String("Không hoàn thành nhiệm vụ".into())
    );
    assert_eq!(
        row[col("Xếp loại quyết định")],
        Data::String("Hoàn thành tốt nhiệm vụ".into())
    );
    assert_eq!(
        row[col("Lý do")],
        Data::String("Bổ sung kết quả kiểm tra.".into())
    );
    assert_eq!(row[col("Đảng viên được kiểm tra")], Data::Float(2.0));
    assert_eq!(row[col("Chỉ tiêu kiểm tra")], Data::Float(2.0));
    assert_eq!(row[col("Số đảng viên")], Data::Float(12.0));
    assert_eq!(row[col("Đảng viên tốt")], Data::Float(3.0));
    assert_eq!(row[col("Tỷ lệ hoàn thành trở lên (%)")], Data::Float(83.3));
    let members = book.worksheet_range("Đảng viên").unwrap();
    assert_eq!(members.rows().count(), 7, "a header and six rated members");
    let best = members
        .rows()
        .find(|r| r[4] == Data::String("Hoàn thành xuất sắc nhiệm vụ".into()))
        .unwrap();
    assert_eq!(best[1], Data::String(CELL_B.into()));
    assert_eq!(best[5], Data::Float(95.0));
    let inspections = book.worksheet_range("Kiểm tra đảng viên").unwrap();
    let listed = inspections
        .rows()
        .skip(1)
        .take_while(|r| r[0] != Data::Empty)
        .count();
    assert_eq!(listed, 3);
    let per_cell = inspections
        .rows()
        .skip(listed + 2)
        .find(|r| r[0] == Data::String(CELL_B.into()))
        .unwrap();
    assert_eq!(per_cell[1], Data::Float(2.0));
    assert_eq!(per_cell[2], Data::Float(2.0));
    assert_eq!(per_cell[3], Data::String("Đạt".into()));
    s.stop().await;
}

async fn who_decides_and_bad_input(b: Backend) {
    let s = TestServer::start(b).await;
    let year = server::clock::today().year();
    let grassroots = s.org_id(GRASSROOTS).await;
    let cell_b = s.org_id(CELL_B).await;
    let committee = s.login("bithu.a").await;
    let member = s.login("dv.b05").await;
    let secretary = s.login("bithu.b").await;

    // The cell's own secretary, on the grassroots committee, may decide too;
    // a plain member neither sees the review nor decides.
    let review = format!("/api/organizations/{cell_b}/year-review/{year}");
    assert_eq!(get(&member, &s, &review).await.0, 403);
    assert_eq!(get(&secretary, &s, &review).await.0, 200);
    let decide = format!("/api/organizations/{cell_b}/classification/{year}");
    let body = json!({"level": "not_complete"});
    assert_eq!(put(&member, &s, &decide, body.clone()).await.0, 403);

    // Bad years, a body that is no level, an organization that is no cell.
    for y in [1999, i64::from(year) + 1, 99_999_999_999] {
        let (status, _) = get(
            &committee,
            &s,
            &format!("/api/organizations/{grassroots}/year-review/{y}"),
        )
        .await;
        assert_eq!(status, 400, "{y}");
        let (status, _) = put(
            &committee,
            &s,
            &format!("/api/organizations/{cell_b}/classification/{y}"),
            body.clone(),
        )
        .await;
        assert_eq!(status, 400, "{y}");
    }
    let (status, _) = put(&committee, &s, &decide, json!({"level": "tot"})).await;
    assert!((400..500).contains(&status), "{status}");
    let (status, _) = put(
        &committee,
        &s,
        &format!("/api/organizations/{grassroots}/classification/{year}"),
        body.clone(),
    )
    .await;
    assert_eq!(status, 404);
    let long = "x".repeat(shared::classification::MAX_REASON_CHARS + 1);
    let (status, _) = put(
        &committee,
        &s,
        &decide,
        json!({"level": "good", "reason": long}),
    )
    .await;
    assert_eq!(status, 422);

    // A first decision for an old year is taken; changing it after
    // 31 March of the next year is refused.
    let old = format!("/api/organizations/{cell_b}/classification/2020");
    let (status, body2) = put(&committee, &s, &old, json!({"level": "not_complete"})).await;
    assert_eq!(status, 200, "{body2}");
    let (status, body2) = put(
        &committee,
        &s,
        &old,
        json!({"level": "complete", "reason": "Sửa"}),
    )
    .await;
    assert_eq!(status, 409, "{body2}");
    assert_eq!(
        body2["error"]["message"],
        "Quyết định năm 2020 chỉ được thay đổi đến hết ngày 31/03/2021."
    );
    s.stop().await;
}

on_both_backends!(
    the_committee_classifies_and_exports_the_year,
    who_decides_and_bad_input,
);
