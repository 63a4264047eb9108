//! Every cell at a glance in the browser: the secretary of a cell holds its
//! meeting in the live room and the cell proposes its score; a member of the
//! grassroots committee opens the dashboard from the committee's page, finds
//! the cell's month (held, registered late, attendance, members who spoke,
//! the cell's score), filters and sorts, drills down to the minutes, and the
//! .xlsx fetched with the browser's session cookie holds the same numbers as
//! the screen. Each load is timed with the Performance API.

use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, Duration as Days};
use e2e::{DEMO_PASSWORD, Server, with_browser};
use serde_json::json;
use shared::clock::vietnam_date;

#[tokio::test(flavor = "multi_thread")]
async fn a_committee_member_follows_a_cell_s_month_from_the_dashboard_to_the_minutes() {
    let server = Server::start();
    let secretary = server.api_login("bithu.a").await;
    let me = secretary.get_ok("/api/me").await;
    let cell = me["cell"]["id"].as_i64().expect("bithu.a has a cell");
    let cell_name = me["cell"]["name"].as_str().expect("a name").to_string();
    let grassroots = me["committees"][0]["id"]
        .as_i64()
        .expect("bithu.a sits on the grassroots committee");
    let roll = secretary
        .get_ok(&format!("/api/organizations/{cell}/members"))
        .await;
    let chair = me["member"]["id"].as_i64().expect("bithu.a is a member");
    let minutes_by = roll
        .as_array()
        .expect("the roll")
        .iter()
        .filter_map(|m| m["id"].as_i64())
        .find(|id| *id != chair)
        .expect("another member");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    let now = DateTime::from_timestamp(i64::try_from(now.as_secs()).expect("seconds"), 0)
        .expect("a time");
    let today = vietnam_date(now);
    let month = today.format("%Y-%m").to_string();
    // Registered today for today: late, and held at once.
    // 23:59, so that it stays ahead of the clock all day long.
    let starts = (today.and_hms_opt(23, 0, 0).expect("a time") + Days::minutes(59))
        .format("%Y-%m-%dT%H:%M:00")
        .to_string();
    let (status, meeting) = secretary
        .post(
            &format!("/api/organizations/{cell}/meetings"),
            &json!({
                "kind": "regular", "title": "Sinh hoạt chi bộ thường kỳ", "starts_at": starts,
                "mode": "in_person", "place": "Hội trường", "video_link": "",
                "chair_id": chair, "secretary_id": minutes_by,
                "agenda": shared::meeting::standard_agenda(shared::meeting::MeetingKind::Regular),
            }),
        )
        .await;
    assert_eq!(status, 201, "{meeting}");
    let meeting = meeting["id"].as_i64().expect("an id");

    with_browser(&server, move |browser| async move {
        browser.set_width(1280).await;
        browser.login("bithu.a", DEMO_PASSWORD).await;

        // The meeting, held in the live room.
        browser.goto(&format!("/meetings/{meeting}")).await;
        browser.wait_text("#live-status", "Đã kết nối").await;
        browser.click("#btn-open").await;
        // Registered for 23:59 today: more than 30 minutes ahead the room asks
        // to confirm an early opening; in the last half hour it opens at once.
        browser
            .wait_js(
                "return !!document.querySelector('#btn-open-early') || !document.querySelector('#btn-open')",
                "the early opening's question or the opened meeting",
            )
            .await;
        if browser
            .eval("return !!document.querySelector('#btn-open-early')")
            .await
            == serde_json::json!(true)
        {
            browser.click("#btn-open-early").await;
        }
        browser.click("#btn-checkin").await;
        browser.mark_the_rest_in_person().await;
        browser
            .wait_js(
                "return document.querySelector('#unmarked') === null \
                 && !document.querySelector('#btn-close').disabled",
                "the close button to be enabled",
            )
            .await;
        browser.click("#btn-close").await;
        browser.click("#btn-close-confirm").await;
        browser.wait_text(".closed", "đã bế mạc").await;
        browser.axe("the closed room, as its chair").await;

        // The cell proposes its score (typed points of a full sheet).
        let status = browser
            .eval_async(&format!(
                "const done = arguments[arguments.length - 1];
                 fetch('/api/meetings/{meeting}/score', {{method: 'PUT', credentials: 'same-origin',
                   headers: {{'Content-Type': 'application/json'}},
                   body: JSON.stringify({{entries: {{'1.2': 5, '3.1': 9.5, '3.4': 10, '4.1': 5, '4.4': 5}}}})}})
                   .then(r => done(r.status), () => done(0));"
            ))
            .await;
        assert_eq!(status, json!(200), "the proposal");

        // The committee's page leads to the dashboard.
        browser.goto(&format!("/org/{grassroots}")).await;
        browser.click("#btn-oversight").await;
        browser.find("#oversight-table").await;
        browser.axe("the committee's dashboard").await;
        assert_eq!(browser.path().await, format!("/org/{grassroots}/oversight"));
        browser
            .wait_js(
                "return performance.getEntriesByName('oversight:total').length >= 1",
                "the load to be timed",
            )
            .await;
        for chart in ["chart-compliance", "chart-attendance", "chart-scores", "chart-visits"] {
            browser.find(&format!("#{chart} svg")).await;
            browser.find(&format!("#{chart} table")).await;
        }

        // Only this month, only the cells that met.
        browser
            .find("#oversight-month")
            .await
            .select_by_value(&month)
            .await
            .expect("choose the month");
        browser
            .find("#oversight-status")
            .await
            .select_by_value("held")
            .await
            .expect("choose held");
        let row = format!("#oversight-table tr[data-cell='{cell}'][data-month='{month}']");
        let text = browser.wait_text(&row, "Đã họp").await;
        assert!(text.contains(&cell_name), "{text}");
        browser
            .wait_js(
                "return document.querySelectorAll('#oversight-table tbody tr').length === 1",
                "one row: the cell that met",
            )
            .await;
        let cell_text = |class: &'static str| {
            let b = browser.clone();
            let row = row.clone();
            async move {
                b.find(&format!("{row} td.{class}"))
                    .await
                    .text()
                    .await
                    .unwrap_or_default()
            }
        };
        assert_eq!(cell_text("registered").await, "Không", "registered the same day");
        assert_eq!(cell_text("held").await, "Có");
        let attendance = cell_text("attendance").await;
        assert!(attendance.ends_with('%'), "{attendance}");
        let spoke = cell_text("spoke").await;
        let score = cell_text("cell-score").await;
        assert_ne!(score, "—", "the proposed score");
        assert_eq!(cell_text("visits").await, "0");

        // Sorting by a column says so.
        browser.click("button.sort[data-sort='attendance']").await;
        browser
            .find("th[aria-sort='ascending'] button[data-sort='attendance']")
            .await;
        browser.click("button.sort[data-sort='attendance']").await;
        browser
            .find("th[aria-sort='descending'] button[data-sort='attendance']")
            .await;

        // The export link, fetched with the browser's session cookie.
        let bytes = browser.download_link("#oversight-export").await;
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook");
        let rows: Vec<Vec<Data>> = book
            .worksheet_range("Chi bộ theo tháng")
            .expect("the cells' sheet")
            .rows()
            .map(|r| r.to_vec())
            .collect();
        let month_label = today.format("%m/%Y").to_string();
        let line = rows
            .iter()
            .find(|l| {
                l[0] == Data::String(cell_name.clone()) && l[2] == Data::String(month_label.clone())
            })
            .expect("the cell's month in the workbook");
        assert_eq!(line[3], Data::String("Đã họp".into()));
        let shown = |s: &str| -> f64 {
            s.trim_end_matches('%').replace(',', ".").parse().expect("a number on screen")
        };
        let number = |d: &Data| match d {
            Data::Float(f) => *f,
            Data::Int(i) => *i as f64,
            other => panic!("not a number: {other:?}"),
        };
        assert_eq!(number(&line[7]), shown(&attendance), "attendance");
        assert_eq!(number(&line[8]), shown(&spoke), "spoke");
        assert_eq!(number(&line[9]), shown(&score), "the cell's score");

        // Drill down: the meeting's minutes, then the cell.
        browser.click(&format!("{row} a.meeting-link")).await;
        browser.wait_text("#minutes", "BIÊN BẢN").await;
        assert_eq!(browser.path().await, format!("/meetings/{meeting}/minutes"));
        browser.axe("the minutes from the dashboard").await;
        browser.goto(&format!("/org/{grassroots}/oversight?from={month}&to={month}")).await;
        browser.click(&format!("#oversight-table tr[data-cell='{cell}'] th a")).await;
        browser.wait_text("main", "Năm sinh hoạt").await;
        assert_eq!(browser.path().await, format!("/org/{cell}"));
        browser.axe("a cell's page with its year").await;

        // Over five years: a clear refusal before anything is sent.
        browser.goto(&format!("/org/{grassroots}/oversight?from=2019-01&to={month}")).await;
        browser.wait_text("#oversight-range-error", "5 năm").await;
        browser.axe("the dashboard refusing a range").await;
    })
    .await;
}
