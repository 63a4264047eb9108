//! The month around a meeting in the browser, several people at once: the
//! secretary registers from the cell's year view, late and marked so, and
//! posts a document; a member is told by the bell and by email, opens the
//! document, sends an opinion in advance and asks to be excused, which the
//! secretary accepts; the meeting is held with the opinion on its item and the
//! member absent with reason on the roll; the cell proposes its score with the
//! record's criteria filled, the upper-level member following the cell changes
//! one with a reason and confirms, and the minutes show it; next month's
//! registration holds the tasks it assigned.

use chrono::{DateTime, Datelike, Days};
use e2e::{Browser, DEMO_PASSWORD, Server, Smtp, with_browsers};
use serde_json::json;
use shared::clock::vietnam_date;

/// A small real PDF: the server tells the kind from the content.
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

#[tokio::test(flavor = "multi_thread")]
async fn the_month_of_a_meeting_from_the_late_registration_to_the_next_agenda() {
    let smtp = Smtp::start().await;
    let server = Server::start_with_email(&smtp);
    let chair_api = server.api_login("bithu.b").await;
    let me = chair_api.get_ok("/api/me").await;
    let cell = me["cell"]["id"].as_i64().expect("bithu.b has a cell");
    let chair_id = me["member"]["id"].as_i64().expect("bithu.b is a member");
    let member_api = server.api_login("dv.b07").await;
    let member_me = member_api.get_ok("/api/me").await;
    let member_id = member_me["member"]["id"].as_i64().expect("a member id");
    let member_name = member_me["member"]["full_name"]
        .as_str()
        .expect("a name")
        .to_string();
    // The member wants decisions on absence requests by email too.
    let (status, body) = member_api
        .put(
            "/api/me/notification-preferences",
            &json!({"email": "dv.b07@chibo.test", "email_kinds": ["absence_decided"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let reason = "Đi khám bệnh theo lịch hẹn";
    let opinion = "Đề nghị đánh giá rõ việc chậm tiến độ.";
    let task = "Hoàn thiện hồ sơ kiểm tra quý IV";

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    let now = DateTime::from_timestamp(i64::try_from(now.as_secs()).expect("seconds"), 0)
        .expect("a time");
    let today = vietnam_date(now);
    // Tomorrow is fewer days ahead than the rules ask: a late registration.
    let tomorrow = today.checked_add_days(Days::new(1)).expect("a date");
    let dir = std::env::temp_dir().join(format!("chibo-month-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let pdf = dir.join("Huong-dan-sinh-hoat-thang.pdf");
    std::fs::write(&pdf, PDF).expect("the PDF");
    let pdf_path = pdf.display().to_string();

    let smtp = std::sync::Arc::new(smtp);
    with_browsers(&server, 3, move |browsers| async move {
        let [chair, member, upper]: [Browser; 3] =
            browsers.try_into().ok().expect("three browsers");
        chair.set_width(360).await;
        chair.login("bithu.b", DEMO_PASSWORD).await;
        chair.goto(&format!("/org/{cell}")).await;
        chair.wait_text("main", "Năm sinh hoạt").await;
        if tomorrow.year() != today.year() {
            chair.click("button[data-step=next]").await;
            chair
                .wait_text("#year-shown", &tomorrow.year().to_string())
                .await;
        }
        let slot = format!("ul.year-slots.months li:nth-child({})", tomorrow.month());
        chair.wait_text(&slot, "Chưa đăng ký").await;
        chair.assert_fits("the cell's year at 360 px").await;
        chair.axe("the cell's year").await;

        // One tap from the empty month opens the form on that month.
        chair.click(&format!("{slot} a.register-month")).await;
        chair.find("#f-starts_at").await;
        chair.wait_text("#deadline", "Hạn đăng ký đúng hạn").await;
        // The secretary moves it to tomorrow: the form says it is late.
        chair
            .eval(&format!(
                "const el = document.querySelector('#f-starts_at');
                 el.value = '{}';
                 el.dispatchEvent(new Event('input', {{bubbles: true}}));
                 return el.value;",
                tomorrow.format("%d/%m/%Y")
            ))
            .await;
        chair.wait_text("#deadline-late", "muộn").await;
        chair.type_into("#f-place", "Phòng họp tầng 2").await;
        chair.click("button[type=submit]").await;
        chair.find("#meeting-documents").await;
        let path = chair.path().await;
        let meeting: i64 = path
            .trim_start_matches("/meetings/")
            .parse()
            .unwrap_or_else(|_| panic!("after registering, the meeting's page: {path}"));

        // A document for the first item, chosen like a person would.
        chair
            .find("#doc-upload-0")
            .await
            .send_keys(&pdf_path)
            .await
            .expect("choose the file");
        chair
            .wait_text(
                "li.doc-item[data-item='0'] .doc-file",
                "Huong-dan-sinh-hoat-thang.pdf",
            )
            .await;

        // The year shows the month registered late.
        chair.goto(&format!("/org/{cell}")).await;
        chair.wait_text(&slot, "Đăng ký muộn").await;

        // The member: the bell counts the registration and the document.
        member.set_width(360).await;
        member.login("dv.b07", DEMO_PASSWORD).await;
        member.wait_text(".bell-count", "2").await;
        member.click("a.bell").await;
        member
            .wait_text(".notice-list", "đăng ký buổi sinh hoạt")
            .await;
        let list = member
            .wait_text(".notice-list", "Huong-dan-sinh-hoat-thang.pdf")
            .await;
        assert_eq!(
            list.matches("Chưa đọc").count(),
            2,
            "two unread notices: {list}"
        );
        member.assert_fits("the notifications at 360 px").await;
        member.axe("the notifications").await;
        // Opening the document's notice marks it read and leads to the meeting.
        member
            .click(".notice-item.unread:first-child button.notice-open")
            .await;
        member.find("#meeting-documents").await;
        assert_eq!(member.path().await, format!("/meetings/{meeting}"));
        member.find(".bell-count").await;
        member.wait_text(".bell-count", "1").await;
        let file = "li.doc-item[data-item='0'] .doc-file";
        member.wait_text(file, "Chưa mở").await;
        let href = member
            .find(&format!("{file} a.doc-link"))
            .await
            .attr("href")
            .await
            .expect("an attribute")
            .expect("the document's link");
        assert_eq!(member.fetch_status(&href).await, 200, "{href}");
        member.client.refresh().await.expect("reload");
        member.wait_text(file, "Đã mở").await;

        // Before the meeting: an opinion on the second item, and a request to be excused.
        member.type_into("#advance-opinion-1", opinion).await;
        member
            .click("li.prep-item[data-item='1'] button.send-opinion")
            .await;
        member
            .wait_text("li.prep-item[data-item='1'] .opinion-count", "1 góp ý")
            .await;
        member.type_into("#absence-reason", reason).await;
        member.click("#btn-absence").await;
        member.wait_text("#my-absence", "Chờ duyệt").await;

        // The secretary sees one member opened the document, and accepts the request.
        chair.goto(&format!("/meetings/{meeting}")).await;
        chair
            .wait_text(&format!("{file} .doc-opened"), "Đã mở: 1/")
            .await;
        let request = format!("li.request[data-member='{member_id}']");
        chair.wait_text(&request, reason).await;
        chair.click(&format!("{request} button.accept")).await;
        chair
            .find(&format!("{request}[data-status='accepted']"))
            .await;

        // The member is told in the app and by email.
        member.client.refresh().await.expect("reload");
        member.wait_text("#my-absence", "Được chấp thuận").await;
        // The registration's notice is still unread; the decision's is new.
        member.wait_text(".bell-count", "2").await;
        let mail = smtp.wait_for("dv.b07@chibo.test", "được chấp thuận").await;
        assert!(
            mail["subject"]
                .as_str()
                .is_some_and(|s| s.contains("Đơn xin vắng")),
            "{mail}"
        );

        // The meeting, opened early (it was registered for tomorrow), run
        // from a laptop.
        chair.set_width(1280).await;
        chair.wait_text("#live-status", "Đã kết nối").await;
        chair.click("#btn-open").await;
        chair.click("#btn-open-early").await;
        let roll_row = format!("li.roll-row[data-member='{member_id}']");
        let text = chair.wait_text(&roll_row, "Vắng có lý do").await;
        assert!(text.contains(&member_name), "{text}");
        chair.click("#btn-checkin").await;
        chair.mark_the_rest_in_person().await;
        chair
            .wait_js(
                "return document.querySelector('#unmarked') === null \
                 && !document.querySelector('#btn-close').disabled",
                "the close button to be enabled",
            )
            .await;
        // On the item the opinion was sent for, the chair reads it.
        chair.click("#btn-next").await;
        chair.wait_text("#current-item", "2/").await;
        chair.wait_text("#advance-in-room", opinion).await;

        // The conclusion assigns a task; the meeting closes.
        chair
            .type_into(
                "#conclusion-text",
                "Chi bộ thống nhất hoàn thiện hồ sơ kiểm tra.",
            )
            .await;
        chair.click("#btn-conclude").await;
        chair
            .reveal("#task-who")
            .await
            .select_by_value(&chair_id.to_string())
            .await
            .expect("pick the assignee");
        chair.type_into("#task-what", task).await;
        chair.type_into("#task-due", "31/12/2030").await;
        chair.click("#btn-assign").await;
        chair.wait_text(".tasks", task).await;
        chair.click("#btn-close").await;
        chair.click("#btn-close-confirm").await;
        chair.wait_text(".closed", "đã bế mạc").await;

        // The minutes list the opinion as sent in advance.
        chair.click("#link-minutes").await;
        chair.wait_text("#minutes", "BIÊN BẢN").await;
        chair.wait_text("#minutes", opinion).await;

        // The cell's committee scores the meeting: what the record decides is
        // filled with its evidence (registered late, held before the day
        // registered); the rest is typed by hand.
        chair.goto(&format!("/meetings/{meeting}")).await;
        chair.click("#link-score").await;
        chair
            .wait_text("[id='crit-1.1'] .crit-evidence", "quá hạn")
            .await;
        chair
            .wait_text("[id='crit-2.1'] .crit-evidence", "Có mặt")
            .await;
        let typed = chair
            .eval(
                "const inputs = [...document.querySelectorAll(\"input.points[id^='f-entries.']\")]
                    .filter(i => !i.disabled);
                 for (const i of inputs) {
                     i.value = '1';
                     i.dispatchEvent(new Event('input', {bubbles: true}));
                 }
                 return inputs.length;",
            )
            .await;
        assert!(
            typed.as_u64().is_some_and(|n| n > 0),
            "criteria typed by hand: {typed}"
        );
        chair.click("#btn-propose").await;
        chair.wait_text("#score-proposed", "Chi bộ đề xuất").await;

        // The upper-level member following the cell changes one criterion, with a reason, and confirms.
        let why = "Chưa phát huy dân chủ trong thảo luận";
        upper.set_width(360).await;
        upper.login("capuy.khoi", DEMO_PASSWORD).await;
        upper.goto(&format!("/meetings/{meeting}/score")).await;
        upper.find("#btn-confirm").await;
        upper
            .eval(
                "const i = [...document.querySelectorAll(\"input.points[id^='f-upper-']\")]
                    .find(i => !i.disabled);
                 i.value = '0,5';
                 i.dispatchEvent(new Event('input', {bubbles: true}));
                 return i.id;",
            )
            .await;
        upper.type_into("#f-reason", why).await;
        upper.wait_text("#btn-confirm", "Chấm khác").await;
        upper.click("#btn-confirm").await;
        upper
            .wait_text("#score-confirmed", "Cấp trên đã xác nhận")
            .await;
        upper.assert_fits("the score sheet at 360 px").await;
        upper.axe("the score sheet").await;

        // The minutes carry the confirmed score and the reason.
        chair.goto(&format!("/meetings/{meeting}/minutes")).await;
        let line = chair.wait_text("#min-score", "cấp trên chấm").await;
        assert!(line.contains(why), "{line}");

        // Next month's registration: the review item holds last month's task.
        chair
            .goto(&format!("/organizations/{cell}/meetings/new"))
            .await;
        chair.find("#f-kind").await;
        chair
            .wait_js(
                &format!(
                    "return [...document.querySelectorAll('.agenda-items .ag-notes')]
                        .some(t => t.value.includes('{task}'))"
                ),
                "last month's task in the review item",
            )
            .await;
    })
    .await;

    std::fs::remove_dir_all(&dir).ok();
}
