//! The yearly classification of cells in the browser: cell B's year holds two
//! members rated "good" (opened, appraised and decided through the API) and
//! two inspections, which put it on its target; `bithu.a`, on the grassroots
//! committee, opens the year page of this year, reads the cell's figures and
//! suggested level, decides another level (refused without a reason, then
//! kept with one), and the downloaded .xlsx holds the same numbers, the
//! members' levels, the inspections and the decision.

use calamine::{Data, Reader, Xlsx};
use chrono::Datelike;
use e2e::{Browser, DEMO_PASSWORD, Server, with_browser};
use serde_json::{Value, json};

const GRASSROOTS: &str = "Đảng bộ Cục Quản lý thị trường";
const CELL_B: &str = "Chi bộ Nghiệp vụ – Thanh tra";

fn id_of(list: &Value, name: &str) -> i64 {
    list.as_array()
        .expect("a list")
        .iter()
        .find(|v| v["org"]["name"] == name)
        .and_then(|v| v["org"]["id"].as_i64())
        .expect("found")
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

/// The number a figure of the cell's card shows.
async fn figure(b: &Browser, card: &str, name: &str) -> f64 {
    let text = b
        .eval(&format!(
            "return document.querySelector('{card} [data-figure=\"{name}\"]').textContent"
        ))
        .await;
    let text = text.as_str().expect("a figure");
    text.parse()
        .unwrap_or_else(|_| panic!("{name} shows “{text}”, not a number"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_committee_classifies_a_cell_and_downloads_the_year() {
    let server = Server::start();
    let admin = server.api_login("quantri").await;
    let orgs = admin.get_ok("/api/organizations").await;
    let grassroots = id_of(&orgs, GRASSROOTS);
    let cell_b = id_of(&orgs, CELL_B);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    let now = chrono::DateTime::from_timestamp(i64::try_from(now.as_secs()).expect("seconds"), 0)
        .expect("a time");
    let today = shared::clock::vietnam_date(now);
    let year = today.year();

    // The year's records of cell B: two members rated "good" by the cell and
    // the grassroots committee, and two members inspected.
    let secretary_b = server.api_login("bithu.b").await;
    let committee = server.api_login("bithu.a").await;
    let roll = secretary_b
        .get_ok(&format!("/api/organizations/{cell_b}/members"))
        .await;
    let rated: Vec<(i64, String)> = (2..4)
        .map(|i| {
            (
                roll[i]["id"].as_i64().expect("a member id"),
                roll[i]["full_name"].as_str().expect("a name").to_string(),
            )
        })
        .collect();
    let (status, body) = secretary_b
        .post(
            &format!("/api/organizations/{cell_b}/rating/{year}/open"),
            &json!(null),
        )
        .await;
    assert!(
        status == 204 || status == 200,
        "open the rating: {status} {body}"
    );
    for (m, _) in &rated {
        let appraisal = json!({
            "answers": {
                "scores": {"politics": 12, "ethics": 12, "discipline": 8,
                    "work_style": 8, "duties": 32, "commitments": 8},
                "tasks": {"total": 10, "late": 0, "exceeded": 0},
            },
            "proposed": "good",
        });
        let (status, body) = secretary_b
            .put(
                &format!("/api/organizations/{cell_b}/rating/{year}/members/{m}/appraisal"),
                &appraisal,
            )
            .await;
        assert_eq!(status, 204, "appraise: {body}");
        let (status, body) = committee
            .put(
                &format!("/api/organizations/{cell_b}/rating/{year}/members/{m}/decision"),
                &json!({"level": "good"}),
            )
            .await;
        assert_eq!(status, 204, "decide: {body}");
    }
    let first_day = chrono::NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January");
    let inspected: Vec<i64> = (4..6)
        .map(|i| roll[i]["id"].as_i64().expect("a member id"))
        .collect();
    for m in &inspected {
        let (status, body) = committee
            .post(
                &format!("/api/organizations/{cell_b}/inspections"),
                &json!({
                    "member_id": m,
                    "content": "Việc chấp hành Điều lệ Đảng và giữ gìn phẩm chất đạo đức",
                    "period_from": first_day, "period_to": today, "concluded_on": today,
                    "conclusion": "Chấp hành tốt; giữ gìn phẩm chất, lối sống.",
                }),
            )
            .await;
        assert_eq!(status, 201, "record an inspection: {body}");
    }

    with_browser(&server, move |b| async move {
        b.login("bithu.a", DEMO_PASSWORD).await;
        b.goto(&format!("/org/{grassroots}")).await;
        b.click("#btn-year-review").await;
        let card = format!("#cell-review-{cell_b}");
        b.wait_text(&card, CELL_B).await;
        assert_eq!(
            b.path().await,
            format!("/org/{grassroots}/year-review/{year}")
        );

        // The figures of the year, from the demo's records.
        let names = [
            "months_held",
            "months_without_regular",
            "registered_on_time",
            "registered_late",
            "members",
            "inspections_done",
            "inspections_target",
            "rated_good",
        ];
        let mut shown = Vec::new();
        for n in names {
            shown.push(figure(&b, &card, n).await);
        }
        assert_eq!(shown[4], 12.0, "twelve members");
        assert_eq!(shown[6], 2.0, "a cell committee: two inspections a year");
        assert_eq!(shown[5], 2.0, "two members inspected: on target");
        assert_eq!(shown[7], 2.0, "two members rated good");
        // No score confirmed: the suggestion is "not complete", with why.
        b.wait_text(
            &format!("{card} .computed-level"),
            "Không hoàn thành nhiệm vụ",
        )
        .await;
        b.wait_text(
            &format!("{card} .reasons"),
            "chưa có buổi sinh hoạt thường kỳ nào được xác nhận điểm",
        )
        .await;
        b.wait_text(&format!("{card} .decision"), "Chưa quyết định")
            .await;

        // Deciding another level without a reason is refused at the reason.
        choose(&b, &format!("#f-level-{cell_b}"), "complete").await;
        b.click(&format!("{card} .decide-button")).await;
        b.wait_text(&format!("#e-reason-{cell_b}"), "hãy ghi lý do")
            .await;
        b.axe("the year review with a refused decision").await;
        let reason = "Chi bộ mới kiện toàn, điểm sinh hoạt chưa được xác nhận kịp.";
        b.type_into(&format!("#f-reason-{cell_b}"), reason).await;
        b.click(&format!("{card} .decide-button")).await;
        b.wait_text(&format!("{card} .decided-level"), "Hoàn thành nhiệm vụ")
            .await;
        b.wait_text(&format!("{card} .decided-reason"), reason)
            .await;
        b.axe("the year review with a decision").await;

        // The workbook: the cells' sheet holds the page's numbers and the decision.
        let bytes = b.download_link("#year-review-export").await;
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook");
        assert_eq!(
            book.sheet_names(),
            ["Đảng viên", "Chi bộ", "Kiểm tra đảng viên"]
        );
        let rows: Vec<Vec<Data>> = book
            .worksheet_range("Chi bộ")
            .expect("the cells' sheet")
            .rows()
            .map(|r| r.to_vec())
            .collect();
        let head: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
        let line = rows
            .iter()
            .find(|r| r[0] == Data::String(CELL_B.into()))
            .expect("cell B's line");
        let at = |h: &str| &line[head.iter().position(|x| x == h).expect(h)];
        let columns = [
            "Tháng có sinh hoạt thường kỳ",
            "Tháng không sinh hoạt",
            "Đăng ký đúng hạn",
            "Đăng ký muộn",
            "Số đảng viên",
            "Đảng viên được kiểm tra",
            "Chỉ tiêu kiểm tra",
            "Đảng viên tốt",
        ];
        for (h, v) in columns.iter().zip(&shown) {
            assert_eq!(at(h), &Data::Float(*v), "{h}");
        }
        assert_eq!(
            at("Xếp loại đề xuất"),
            &Data::String("Không hoàn thành nhiệm vụ".into())
        );
        assert_eq!(
            at("Xếp loại quyết định"),
            &Data::String("Hoàn thành nhiệm vụ".into())
        );
        assert_eq!(at("Lý do"), &Data::String(reason.into()));

        // The members' sheet: the two decided levels; the inspections' sheet: both.
        let members: Vec<Vec<String>> = book
            .worksheet_range("Đảng viên")
            .expect("the members' sheet")
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        for (_, name) in &rated {
            let line = members
                .iter()
                .find(|r| r.contains(name))
                .unwrap_or_else(|| panic!("{name} in the members' sheet: {members:?}"));
            assert!(
                line.iter().any(|c| c == "Hoàn thành tốt nhiệm vụ"),
                "{name}'s decided level: {line:?}"
            );
        }
        let inspections: Vec<Vec<String>> = book
            .worksheet_range("Kiểm tra đảng viên")
            .expect("the inspections' sheet")
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        let of_b = inspections
            .iter()
            .filter(|r| {
                r.first().is_some_and(|c| c == CELL_B)
                    && r.iter().any(|c| c.contains("Chấp hành tốt"))
            })
            .count();
        assert_eq!(of_b, 2, "cell B's two inspections: {inspections:?}");
    })
    .await;
}
