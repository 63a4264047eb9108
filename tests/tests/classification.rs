//! The yearly classification of cells in the browser: `bithu.a`, on the
//! grassroots committee, opens the year page of this year, reads a cell's
//! figures and suggested level, decides another level (refused without a
//! reason, then kept with one), and the downloaded .xlsx holds the same
//! numbers and the decision.

use calamine::{Data, Reader, Xlsx};
use chrono::Datelike;
use e2e::{Browser, DEMO_PASSWORD, Server, with_browser};
use serde_json::Value;

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
    let year = shared::clock::vietnam_date(now).year();
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
        assert_eq!(shown[5], 0.0);
        // No member rated, no score confirmed: the suggestion is "not complete", with why.
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
        let reason = "Chi bộ mới kiện toàn, điểm sinh hoạt chưa được xác nhận kịp.";
        b.type_into(&format!("#f-reason-{cell_b}"), reason).await;
        b.click(&format!("{card} .decide-button")).await;
        b.wait_text(&format!("{card} .decided-level"), "Hoàn thành nhiệm vụ")
            .await;
        b.wait_text(&format!("{card} .decided-reason"), reason)
            .await;

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
    })
    .await;
}
