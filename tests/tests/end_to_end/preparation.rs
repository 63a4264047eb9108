//! Preparing a meeting in the browser: a member asks to be excused on a
//! phone and sends an opinion in advance, the secretary accepts the request,
//! and when the meeting opens the roll shows the member absent with reason
//! while the chair reads the opinion on its item.

use e2e::{Browser, DEMO_PASSWORD, Server, with_browsers};
use serde_json::json;

const CELL_B: &str = "Chi bộ Nghiệp vụ – Thanh tra";

async fn open_room(b: &Browser, user: &str, meeting: i64) {
    b.login(user, DEMO_PASSWORD).await;
    b.goto(&format!("/meetings/{meeting}")).await;
    b.wait_text("#live-status", "Đã kết nối").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_accepted_absence_request_is_on_the_roll_at_the_opening() {
    let server = Server::start();
    let chair_api = server.api_login("bithu.b").await;
    let me = chair_api.get_ok("/api/me").await;
    assert_eq!(me["cell"]["name"], json!(CELL_B));
    let cell = me["cell"]["id"].as_i64().expect("bithu.b has a cell");
    let chair_id = me["member"]["id"].as_i64().expect("bithu.b is a member");
    let member_me = server.api_login("dv.b07").await.get_ok("/api/me").await;
    let member_id = member_me["member"]["id"].as_i64().expect("a member id");
    let member_name = member_me["member"]["full_name"]
        .as_str()
        .expect("a name")
        .to_string();
    let draft = json!({
        "kind": "regular",
        "title": "Sinh hoạt chi bộ thường kỳ tháng 12",
        "starts_at": "2030-12-05T14:00:00",
        "mode": "in_person",
        "place": "Phòng họp tầng 2",
        "video_link": "",
        "chair_id": chair_id,
        "secretary_id": chair_id,
        "agenda": [
            {"title": "Khai mạc, điểm danh", "presenter": "Bí thư chi bộ", "planned_minutes": 10, "notes": ""},
            {"title": "Đánh giá công tác tháng", "presenter": "Bí thư chi bộ", "planned_minutes": 50, "notes": ""}
        ]
    });
    let (status, created) = chair_api
        .post(&format!("/api/organizations/{cell}/meetings"), &draft)
        .await;
    assert_eq!(status, 201, "register the meeting: {created}");
    let meeting = created["id"].as_i64().expect("a meeting id");
    let reason = "Đi khám bệnh theo lịch hẹn";
    let opinion = "Đề nghị đánh giá rõ việc chậm tiến độ.";

    with_browsers(&server, 2, move |browsers| async move {
        let [member, chair]: [Browser; 2] = browsers.try_into().ok().expect("two browsers");
        // The member, on a phone, before the opening.
        member.set_width(360).await;
        open_room(&member, "dv.b07", meeting).await;
        member.wait_text("#preparation", "Xin vắng").await;
        member.type_into("#absence-reason", reason).await;
        member.click("#btn-absence").await;
        member.wait_text("#my-absence", "Chờ duyệt").await;
        member.type_into("#advance-opinion-1", opinion).await;
        member
            .click("li.prep-item[data-item='1'] button.send-opinion")
            .await;
        member
            .wait_text("li.prep-item[data-item='1'] .opinion-count", "1 góp ý")
            .await;
        member.assert_fits("preparing at 360 px").await;
        member.axe("preparing").await;

        // The secretary accepts.
        open_room(&chair, "bithu.b", meeting).await;
        let row = format!("li.request[data-member='{member_id}']");
        chair.wait_text(&row, reason).await;
        chair.click(&format!("{row} button.accept")).await;
        chair.find(&format!("{row}[data-status='accepted']")).await;
        chair
            .wait_text("li.prep-item[data-item='1'] .opinion-count", "1 góp ý")
            .await;

        // The member sees the decision.
        member.client.refresh().await.expect("reload");
        member.wait_text("#my-absence", "Được chấp thuận").await;

        // The opening: the member is absent with reason on the roll.
        chair.click("#btn-open").await;
        chair.find("#btn-open-early").await;
        chair.click("#btn-open-early").await;
        let roll_row = format!("li.roll-row[data-member='{member_id}']");
        let text = chair.wait_text(&roll_row, "Vắng có lý do").await;
        assert!(text.contains(&member_name), "{text}");
        // On the item the opinion was sent for, the chair reads it.
        chair.click("#btn-next").await;
        chair.wait_text("#current-item", "2/2").await;
        chair.wait_text("#advance-in-room", opinion).await;
    })
    .await;
}
