//! The year's work in the browser: two members of cell A register their
//! exemplary commitments from the home page; the cell's secretary sees who
//! has not, and the commitments folded under the meeting's item on
//! exemplary conduct. `bithu.a`, on the grassroots committee, reads the
//! inspection percentage on the dashboard, records an inspection that puts
//! cell A on its target, and the percentage changes.

use chrono::{DateTime, Duration as Days};
use e2e::{Browser, DEMO_PASSWORD, Server, with_browser};
use serde_json::{Value, json};
use shared::clock::vietnam_date;

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

/// Leaves the session, then logs in as `username`.
async fn switch_to(b: &Browser, username: &str) {
    b.client
        .delete_all_cookies()
        .await
        .expect("forget the session");
    b.login(username, DEMO_PASSWORD).await;
}

fn member_named<'a>(roll: &'a Value, role: &str, nth: usize) -> &'a Value {
    roll.as_array()
        .expect("the roll")
        .iter()
        .filter(|m| m["role"] == role)
        .nth(nth)
        .expect("such a member")
}

#[tokio::test(flavor = "multi_thread")]
async fn members_commit_the_secretary_follows_and_an_inspection_moves_the_percentage() {
    let server = Server::start();
    let secretary = server.api_login("bithu.a").await;
    let me = secretary.get_ok("/api/me").await;
    let cell = me["cell"]["id"].as_i64().expect("bithu.a has a cell");
    let grassroots = me["committees"][0]["id"]
        .as_i64()
        .expect("bithu.a sits on the grassroots committee");
    let own_name = me["member"]["full_name"]
        .as_str()
        .expect("a name")
        .to_string();
    let chair = me["member"]["id"].as_i64().expect("bithu.a is a member");
    let roll = secretary
        .get_ok(&format!("/api/organizations/{cell}/members"))
        .await;
    let a05 = server.api_login("dv.a05").await.get_ok("/api/me").await;
    let a05_name = a05["member"]["full_name"]
        .as_str()
        .expect("a name")
        .to_string();
    let first = member_named(&roll, "member", 0)["id"]
        .as_i64()
        .expect("an id");
    let second = member_named(&roll, "member", 1);
    let second_id = second["id"].as_i64().expect("an id");
    let second_name = second["full_name"].as_str().expect("a name").to_string();

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    let now = DateTime::from_timestamp(i64::try_from(now.as_secs()).expect("seconds"), 0)
        .expect("a time");
    let today = vietnam_date(now);
    // One member inspected already: cell A is at 1 of its 2.
    let (status, body) = secretary
        .post(
            &format!("/api/organizations/{cell}/inspections"),
            &json!({"member_id": first, "content": "Chấp hành Điều lệ Đảng",
                "period_from": today, "period_to": today, "concluded_on": today,
                "conclusion": "Chấp hành tốt"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    // Today's meeting (23:59, ahead of the clock all day) with an item on exemplary conduct.
    let mut agenda = shared::meeting::standard_agenda(shared::meeting::MeetingKind::Regular);
    agenda[4].title = "Biểu dương, phê bình; kiểm điểm việc thực hiện cam kết nêu gương".into();
    let starts = (today.and_hms_opt(23, 0, 0).expect("a time") + Days::minutes(59))
        .format("%Y-%m-%dT%H:%M:00")
        .to_string();
    let (status, meeting) = secretary
        .post(
            &format!("/api/organizations/{cell}/meetings"),
            &json!({
                "kind": "regular", "title": "Sinh hoạt chi bộ thường kỳ", "starts_at": starts,
                "mode": "in_person", "place": "Hội trường", "video_link": "",
                "chair_id": chair, "secretary_id": chair, "agenda": agenda,
            }),
        )
        .await;
    assert_eq!(status, 201, "{meeting}");
    let meeting = meeting["id"].as_i64().expect("an id");

    with_browser(&server, move |b| async move {
        // Two members register on their phones.
        b.login("dv.a05", DEMO_PASSWORD).await;
        b.click("#btn-my-commitments").await;
        b.type_into("#commitment-0", "Đi họp chi bộ đầy đủ, đúng giờ")
            .await;
        b.type_into("#commitment-1", "Gương mẫu giữ mối liên hệ với nơi cư trú")
            .await;
        b.click("#btn-save-commitments").await;
        b.wait_text("#commitments-summary", "2 cam kết").await;
        b.assert_fits("my commitments at 390 px").await;
        b.axe("my commitments").await;
        switch_to(&b, "dv.a06").await;
        b.click("#btn-my-commitments").await;
        b.type_into("#commitment-0", "Hoàn thành tốt nhiệm vụ chuyên môn")
            .await;
        b.click("#btn-save-commitments").await;
        b.wait_text("#commitments-summary", "1 cam kết").await;

        // The secretary sees who has not registered.
        switch_to(&b, "bithu.a").await;
        b.goto(&format!("/org/{cell}")).await;
        b.click("#btn-cell-commitments").await;
        b.wait_text("#commitments-registered", "Đã đăng ký: 2/12")
            .await;
        let missing = b.wait_text("#not-registered", &own_name).await;
        assert!(!missing.contains(&a05_name), "{missing}");
        b.wait_text("#commitment-members", "Đi họp chi bộ đầy đủ, đúng giờ")
            .await;
        b.axe("the cell's commitments, as its secretary").await;
        // And under the meeting's item on exemplary conduct.
        b.goto(&format!("/meetings/{meeting}")).await;
        b.wait_text("#agenda-commitments", "Cam kết nêu gương (2/12)")
            .await;

        // The dashboard: no cell on target yet.
        b.set_width(1280).await;
        b.goto(&format!("/org/{grassroots}/oversight")).await;
        b.wait_text("#inspection-progress", "0/4 chi bộ, 0,00%")
            .await;
        b.axe("the committee's dashboard on a desktop").await;
        // An inspection recorded in the browser puts cell A on its target.
        b.goto(&format!("/org/{cell}")).await;
        b.click("#btn-inspections").await;
        b.wait_text("#cell-inspection-standing", "Đã kiểm tra 1/2")
            .await;
        b.click("#btn-new-inspection").await;
        choose(&b, "#insp-member", &second_id.to_string()).await;
        b.axe("the inspection form").await;
        b.type_into(
            "#insp-content",
            "Thực hiện nhiệm vụ đảng viên, giữ gìn phẩm chất",
        )
        .await;
        b.type_into("#insp-conclusion", "Thực hiện tốt; tiếp tục phát huy")
            .await;
        b.click("#btn-record-inspection").await;
        b.wait_text("#cell-inspection-standing", "Đã kiểm tra 2/2")
            .await;
        b.wait_text("#inspections-list", &second_name).await;
        b.axe("the cell's inspections").await;
        b.goto(&format!("/org/{grassroots}/oversight")).await;
        b.wait_text("#inspection-progress", "1/4 chi bộ, 25,00%")
            .await;
    })
    .await;
}
