//! The yearly rating in the browser: the secretary of cell A opens this
//! year's period; two members fill the self-assessment and see the level
//! change as they type (one declares a discipline, which forces "not
//! complete"); the secretary, who also sits on the grassroots committee,
//! proposes and decides, and is refused over the "excellent" quota with the
//! numbers on screen; the member sees the decision in their history. The
//! other members' ratings that fill the quota are set up through the API.

use e2e::{Browser, DEMO_PASSWORD, Server, with_browsers};
use serde_json::{Value, json};
use shared::clock::vietnam_date;

const CELL_A: &str = "Chi bộ Văn phòng";

fn this_year() -> i32 {
    use chrono::Datelike;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    let now = chrono::DateTime::from_timestamp(i64::try_from(now.as_secs()).expect("seconds"), 0)
        .expect("a time");
    vietnam_date(now).year()
}

fn answers(points: [u32; 6], exceeded: u32) -> Value {
    json!({
        "scores": {
            "politics": points[0], "ethics": points[1], "discipline": points[2],
            "work_style": points[3], "duties": points[4], "commitments": points[5],
        },
        "tasks": {"total": 10, "late": 0, "exceeded": exceeded},
    })
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

/// Types the six criteria's points and the tasks.
async fn fill(b: &Browser, points: [&str; 6], exceeded: &str) {
    let keys = [
        "politics",
        "ethics",
        "discipline",
        "work_style",
        "duties",
        "commitments",
    ];
    for (k, p) in keys.iter().zip(points) {
        b.type_into(&format!("#score-{k}"), p).await;
    }
    b.type_into("#tasks-total", "10").await;
    b.type_into("#tasks-exceeded", exceeded).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn members_assess_themselves_the_cell_proposes_the_committee_decides_within_the_quota() {
    let server = Server::start();
    let year = this_year();
    let secretary_api = server.api_login("bithu.a").await;
    let orgs = secretary_api.get_ok("/api/organizations").await;
    let cell = orgs
        .as_array()
        .expect("a list")
        .iter()
        .find(|o| o["org"]["name"] == CELL_A)
        .and_then(|o| o["org"]["id"].as_i64())
        .expect("cell A");
    let roll = secretary_api
        .get_ok(&format!("/api/organizations/{cell}/members"))
        .await;
    let member = |pos: usize| roll[pos]["id"].as_i64().expect("a member id");
    let ids: Vec<i64> = (0..12).map(member).collect();
    let member_of = |v: Value| v["member"]["id"].as_i64().expect("a member");
    let a04 = member_of(server.api_login("dv.a04").await.get_ok("/api/me").await);
    let a05 = member_of(server.api_login("dv.a05").await.get_ok("/api/me").await);
    let others: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| *id != a04 && *id != a05 && *id != ids[0])
        .take(5)
        .collect();

    let committee = server.api_login("dv.a03").await;
    let decider = server.api_login("dv.b02").await;

    with_browsers(&server, 3, move |browsers| async move {
        let [secretary, excellent, disciplined]: [Browser; 3] =
            browsers.try_into().ok().expect("three browsers");
        // The secretary opens this year's period from the cell's page.
        secretary.login("bithu.a", DEMO_PASSWORD).await;
        secretary.goto(&format!("/org/{cell}")).await;
        secretary.click("#btn-rating").await;
        secretary.click(&format!("#btn-open-{cell}")).await;
        secretary.wait_text("#periods", "Đang đánh giá").await;

        // Four good and one excellent, decided through the API: the quota of
        // the grassroots organization is 1 of 5.
        for (i, m) in others.iter().enumerate() {
            let (level, body) = if i == 4 {
                (
                    "excellent",
                    json!({"answers": answers([15, 15, 10, 10, 36, 9], 4), "proposed": "excellent",
                        "vote": {"for": 10, "against": 0, "of": 11}}),
                )
            } else {
                (
                    "good",
                    json!({"answers": answers([12, 12, 8, 8, 32, 8], 0), "proposed": "good"}),
                )
            };
            let (status, b) = committee
                .put(
                    &format!("/api/organizations/{cell}/rating/{year}/members/{m}/appraisal"),
                    &body,
                )
                .await;
            assert_eq!(status, 204, "{b}");
            let (status, b) = decider
                .put(
                    &format!("/api/organizations/{cell}/rating/{year}/members/{m}/decision"),
                    &json!({"level": level}),
                )
                .await;
            assert_eq!(status, 204, "{b}");
        }

        // A member: the level follows the points as they are typed.
        excellent.login("dv.a05", DEMO_PASSWORD).await;
        excellent.click("#btn-my-rating").await;
        excellent.wait_text("#period-state", "Đang đánh giá").await;
        excellent.set_width(360).await;
        fill(&excellent, ["15", "15", "10", "10", "30", "8"], "0").await;
        excellent.wait_text("#live-total", "88").await;
        excellent
            .wait_text("#live-level", "Hoàn thành tốt nhiệm vụ")
            .await;
        excellent.type_into("#score-duties", "36").await;
        excellent.type_into("#score-commitments", "9").await;
        excellent.type_into("#tasks-exceeded", "4").await;
        excellent
            .wait_text("#live-level", "Hoàn thành xuất sắc nhiệm vụ")
            .await;
        // An error at its field as typed.
        excellent.type_into("#score-politics", "16").await;
        excellent
            .wait_text("#e-scores-politics", "tối đa 15 điểm")
            .await;
        excellent.type_into("#score-politics", "15").await;
        excellent.assert_fits("the self-assessment at 360 px").await;
        excellent.axe("the self-assessment").await;
        excellent.click("#btn-submit-self").await;
        excellent.wait_text("#self-saved", "Đã nộp").await;
        excellent
            .wait_text("#self-level", "Hoàn thành xuất sắc nhiệm vụ")
            .await;
        excellent.find("#locked").await;

        // Another declares a discipline: "not complete" whatever the points.
        disciplined.login("dv.a04", DEMO_PASSWORD).await;
        disciplined.click("#btn-my-rating").await;
        fill(&disciplined, ["12", "12", "8", "8", "32", "8"], "0").await;
        disciplined
            .wait_text("#live-level", "Hoàn thành tốt nhiệm vụ")
            .await;
        disciplined.click("#trigger-disciplined_in_year").await;
        disciplined
            .wait_text("#live-level", "Không hoàn thành nhiệm vụ")
            .await;
        disciplined
            .wait_text("#live-reasons", "bị kỷ luật trong năm")
            .await;
        choose(&disciplined, "#claimed-level", "good").await;
        disciplined
            .wait_text("#e-level", "buộc xếp “Không hoàn thành nhiệm vụ”")
            .await;
        choose(&disciplined, "#claimed-level", "").await;
        disciplined.click("#btn-submit-self").await;
        disciplined
            .wait_text("#self-level", "Không hoàn thành nhiệm vụ")
            .await;

        // The cell proposes: the member's answers come filled in.
        secretary.goto(&format!("/org/{cell}/rating/{year}")).await;
        secretary.click(&format!("#m{a05}-btn-appraise")).await;
        secretary
            .wait_text(
                &format!("#m{a05}-live-level"),
                "Hoàn thành xuất sắc nhiệm vụ",
            )
            .await;
        secretary.axe("the cell's appraisal form").await;
        secretary
            .type_into(
                &format!("#m{a05}-comment"),
                "Gương mẫu, hoàn thành vượt mức nhiều nhiệm vụ.",
            )
            .await;
        secretary
            .type_into(&format!("#m{a05}-vote-for"), "10")
            .await;
        secretary.type_into(&format!("#m{a05}-vote-of"), "11").await;
        secretary.click(&format!("#m{a05}-btn-propose")).await;
        secretary
            .wait_text(
                &format!("#member-{a05} .proposed-level"),
                "Hoàn thành xuất sắc nhiệm vụ",
            )
            .await;
        // The quota as proposed: a warning with the numbers.
        secretary
            .wait_text(".quota-proposed", "2 xuất sắc / tối đa 1")
            .await;
        secretary.find("#proposal-issues").await;
        secretary.click(&format!("#m{a04}-btn-appraise")).await;
        secretary
            .wait_text(&format!("#m{a04}-live-level"), "Không hoàn thành nhiệm vụ")
            .await;
        secretary.click(&format!("#m{a04}-btn-propose")).await;
        secretary
            .wait_text(
                &format!("#member-{a04} .proposed-level"),
                "Không hoàn thành nhiệm vụ",
            )
            .await;

        // The grassroots committee decides: over the quota, refused with the numbers.
        secretary.click(&format!("#m{a05}-btn-decide")).await;
        secretary
            .wait_text(
                &format!("#m{a05}-error"),
                "sẽ có 2 đảng viên xuất sắc, tối đa 1 (không quá 20% của 6",
            )
            .await;
        choose(&secretary, &format!("#m{a05}-decide-level"), "good").await;
        secretary.click(&format!("#m{a05}-btn-decide")).await;
        secretary
            .wait_text(
                &format!("#member-{a05} .decided-level"),
                "Hoàn thành tốt nhiệm vụ",
            )
            .await;
        secretary.click(&format!("#m{a04}-btn-decide")).await;
        secretary
            .wait_text(
                &format!("#member-{a04} .decided-level"),
                "Không hoàn thành nhiệm vụ",
            )
            .await;
        secretary
            .wait_text("#shares", "Không hoàn thành nhiệm vụ")
            .await;
        secretary.set_width(360).await;
        secretary.assert_fits("the cell's rating at 360 px").await;
        secretary.axe("the cell's rating").await;

        // The member's history.
        excellent.goto(&format!("/rating/{year}")).await;
        let row = format!("#rating-history tr.history-year[data-year='{year}']");
        excellent
            .wait_text(&row, "Hoàn thành xuất sắc nhiệm vụ")
            .await;
        excellent.wait_text(&row, "Hoàn thành tốt nhiệm vụ").await;
        excellent
            .wait_text("#decided-level", "Hoàn thành tốt nhiệm vụ")
            .await;
        excellent.axe("my rating history").await;
    })
    .await;
}
