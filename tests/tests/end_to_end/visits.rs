//! Upper-level visits in the browser: `capuy.khoi`, on the bloc's committee,
//! plans a quarter and is warned about a cell never visited, attends a cell's
//! live meeting (the visit is recorded), files the report with a
//! recommendation before its countdown runs out; the cell's secretary
//! answers it, and the plan shows the cell visited. The committee's dashboard
//! shows the cell's month with the visit and the report on time, and its
//! .xlsx export holds the same numbers.

use calamine::{Data, Reader, Xlsx};
use chrono::DateTime;
use e2e::{Browser, DEMO_PASSWORD, Server, id_of, with_browsers};
use serde_json::json;
use shared::clock::vietnam_date;

const BLOC: &str = "Đảng bộ Khối các cơ quan tỉnh";
const CELL_A: &str = "Chi bộ Văn phòng";
const CELL_B: &str = "Chi bộ Nghiệp vụ – Thanh tra";

async fn open_room(b: &Browser, meeting: i64) {
    b.goto(&format!("/meetings/{meeting}")).await;
    b.wait_text("#live-status", "Đã kết nối").await;
}

/// Chooses `value` in the select `css`, as a person would (a change event).
async fn choose(b: &Browser, css: &str, value: &str) {
    b.find(css).await;
    b.eval(&format!(
        "const el = document.querySelector({css:?});
         el.value = {value:?};
         el.dispatchEvent(new Event('change', {{bubbles: true}}));
         return el.value;"
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_committee_member_plans_attends_reports_and_the_cell_answers() {
    let server = Server::start();
    let admin = server.api_login("quantri").await;
    let accounts = admin.get_ok("/api/accounts").await;
    let upper = id_of(&accounts, |a| a["username"] == "capuy.khoi");
    let orgs = admin.get_ok("/api/organizations").await;
    let bloc = id_of(&orgs, |o| o["org"]["name"] == BLOC);
    let cell_b = id_of(&orgs, |o| o["org"]["name"] == CELL_B);
    // On the bloc's committee (the demo data seats it; asked again, nothing changes).
    let (status, body) = admin
        .post(
            "/api/committee-seats",
            &json!({"account_id": upper, "organization_id": bloc}),
        )
        .await;
    assert_eq!(status, 204, "{body}");

    let chair_api = server.api_login("bithu.b").await;
    let me = chair_api.get_ok("/api/me").await;
    let chair_id = me["member"]["id"].as_i64().expect("bithu.b is a member");
    let draft = json!({
        "kind": "regular",
        "title": "Sinh hoạt chi bộ thường kỳ tháng 12",
        "starts_at": "2030-12-05T14:00:00",
        "mode": "online",
        "place": "",
        "video_link": "https://meet.example.vn/chibo-b",
        "chair_id": chair_id,
        "secretary_id": chair_id,
        "agenda": [
            {"title": "Khai mạc, điểm danh", "presenter": "Bí thư chi bộ", "planned_minutes": 10, "notes": ""},
            {"title": "Đánh giá công tác tháng", "presenter": "Bí thư chi bộ", "planned_minutes": 50, "notes": ""},
            {"title": "Biểu quyết nghị quyết", "presenter": "Bí thư chi bộ", "planned_minutes": 30, "notes": ""}
        ]
    });
    let (status, created) = chair_api
        .post(&format!("/api/organizations/{cell_b}/meetings"), &draft)
        .await;
    assert_eq!(status, 201, "{created}");
    let meeting = created["id"].as_i64().expect("a meeting id");
    let recommendation = "Cụ thể hóa nghị quyết quý IV thành việc có người, có hạn.";

    with_browsers(&server, 2, move |browsers| async move {
        let [upper, chair]: [Browser; 2] = browsers.try_into().ok().expect("two browsers");
        // The plan: every cell below the bloc, none ever visited.
        upper.login("capuy.khoi", DEMO_PASSWORD).await;
        upper.click("#btn-my-visits").await;
        upper
            .wait_text("main", "Chưa có lượt dự sinh hoạt nào")
            .await;
        upper.goto(&format!("/org/{bloc}")).await;
        upper.click("#btn-visit-plan").await;
        upper
            .wait_text(
                "#plan-warnings",
                &format!("{CELL_A} chưa từng được cấp ủy viên dự sinh hoạt"),
            )
            .await;
        choose(&upper, "#plan-cell", &cell_b.to_string()).await;
        upper.click("#btn-plan-add").await;
        upper.wait_text("#plan-entries", CELL_B).await;
        upper.click("#btn-plan-save").await;
        upper.wait_text("#plan-saved", "Đã lưu kế hoạch").await;
        upper
            .wait_text(
                &format!("tr.plan-cell[data-cell='{cell_b}']"),
                "Có trong kế hoạch",
            )
            .await;
        // Still warned: cell A waits.
        upper.wait_text("#plan-warnings", CELL_A).await;
        upper.set_width(360).await;
        upper.assert_fits("the plan at 360 px").await;
        upper.axe("the plan").await;

        // The live meeting: the chair opens it, the visitor is in the room.
        chair.login("bithu.b", DEMO_PASSWORD).await;
        open_room(&chair, meeting).await;
        open_room(&upper, meeting).await;
        chair.click("#btn-open").await;
        chair.click("#btn-open-early").await;
        for b in [&chair, &upper] {
            b.wait_text("#current-item", "1/3").await;
        }
        chair.wait_text("#visitors", "Trịnh Minh Tuấn").await;

        // The visit is recorded: the report's countdown and its form.
        upper.click("#link-my-visits").await;
        upper.wait_text(".visit .countdown", "Còn 5 ngày").await;
        upper
            .type_into(
                "#r-content",
                "Chi bộ sinh hoạt đúng nội dung; đảng viên phát biểu sôi nổi.",
            )
            .await;
        upper
            .type_into("#r-ideology", "Đảng viên an tâm công tác.")
            .await;
        upper.type_into("#r-score", "85,5").await;
        upper.type_into("#r-recommendations", recommendation).await;
        upper.axe("the visit report form").await;
        upper.click("#btn-file-report").await;
        upper.wait_text(".visit .countdown", "Đã nộp báo cáo").await;
        upper.wait_text(".visit .report", "85,5").await;
        upper.assert_fits("my visits at 360 px").await;
        upper.axe("my visits").await;

        // The cell answers the recommendation.
        chair.goto(&format!("/org/{cell_b}")).await;
        chair.click("#btn-cell-visits").await;
        chair
            .wait_text("#cell-recommendations", recommendation)
            .await;
        chair
            .wait_text("#cell-recommendations .rec-status", "Chưa trả lời")
            .await;
        chair.axe("the cell's visits and recommendations").await;
        choose(&chair, "#cell-recommendations .answer-status", "done").await;
        chair
            .type_into(
                "#cell-recommendations .answer-note",
                "Đã đưa vào nghị quyết tháng.",
            )
            .await;
        chair.click("#cell-recommendations .answer-button").await;
        chair
            .wait_text("#cell-recommendations .rec-status", "Đã thực hiện")
            .await;
        chair
            .wait_text("#cell-recommendations", "Đã đưa vào nghị quyết tháng.")
            .await;

        // The plan now shows cell B visited, and by whom.
        upper.goto(&format!("/org/{bloc}/visits/plan")).await;
        upper
            .wait_text(
                &format!("tr.plan-cell[data-cell='{cell_b}'] .last-visit"),
                "Trịnh Minh Tuấn",
            )
            .await;
        upper.wait_text("#plan-entries", "Đã dự").await;
        upper.axe("the plan with a visit held").await;

        // The committee's dashboard: the cell's month, with the visit (the
        // meeting was opened today, early) and its report filed on time.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970");
        let now = DateTime::from_timestamp(i64::try_from(now.as_secs()).expect("seconds"), 0)
            .expect("a time");
        let today = vietnam_date(now);
        let month = today.format("%Y-%m").to_string();
        upper.set_width(1280).await;
        upper
            .goto(&format!("/org/{bloc}/oversight?from={month}&to={month}"))
            .await;
        let row = format!("#oversight-table tr[data-cell='{cell_b}'][data-month='{month}']");
        upper.wait_text(&row, CELL_B).await;
        let shown = |class: &'static str| {
            let b = upper.clone();
            let row = row.clone();
            async move {
                b.find(&format!("{row} td.{class}"))
                    .await
                    .text()
                    .await
                    .unwrap_or_default()
            }
        };
        let (visits, reports, open) = (
            shown("visits").await,
            shown("reports").await,
            shown("recommendations").await,
        );
        assert_eq!(visits, "1", "the visit");
        assert_eq!(reports, "1", "the report, on time");
        assert_eq!(open, "0", "the recommendation is done");
        let status = shown("status").await;
        assert!(!status.is_empty(), "the cell's month has a status");

        // The export, downloaded with the browser's session: the same numbers.
        let bytes = upper.download_link("#oversight-export").await;
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook");
        let rows: Vec<Vec<Data>> = book
            .worksheet_range("Chi bộ theo tháng")
            .expect("the cells' sheet")
            .rows()
            .map(|r| r.to_vec())
            .collect();
        let label = today.format("%m/%Y").to_string();
        let line = rows
            .iter()
            .find(|l| l[0] == Data::String(CELL_B.into()) && l[2] == Data::String(label.clone()))
            .expect("the cell's month in the workbook");
        let number = |d: &Data| match d {
            Data::Float(f) => *f,
            Data::Int(i) => *i as f64,
            other => panic!("not a number: {other:?}"),
        };
        let on_screen = |s: &str| s.parse::<f64>().expect("a number on screen");
        assert_eq!(number(&line[11]), on_screen(&visits), "visits");
        assert_eq!(number(&line[12]), on_screen(&reports), "reports on time");
        assert_eq!(number(&line[13]), on_screen(&open), "open recommendations");
    })
    .await;
}
