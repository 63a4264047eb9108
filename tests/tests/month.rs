//! The month around a meeting in the browser: the secretary registers from
//! the cell's year view, late and marked so, and posts a document; a member
//! is told by the bell, opens the notice and the document; the secretary
//! sees that the member opened it.

use chrono::{DateTime, Datelike, Days};
use e2e::{Browser, DEMO_PASSWORD, Server, with_browsers};
use shared::clock::vietnam_date;

/// A small real PDF: the server tells the kind from the content.
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

#[tokio::test(flavor = "multi_thread")]
async fn a_late_registration_from_the_year_a_document_and_the_bell() {
    let server = Server::start();
    let chair_api = server.api_login("bithu.b").await;
    let me = chair_api.get_ok("/api/me").await;
    let cell = me["cell"]["id"].as_i64().expect("bithu.b has a cell");
    let member_api = server.api_login("dv.b07").await;
    let members = member_api
        .get_ok(&format!("/api/organizations/{cell}/members"))
        .await;
    assert!(members.as_array().is_some_and(|m| m.len() > 2), "{members}");

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

    with_browsers(&server, 2, move |browsers| async move {
        let [chair, member]: [Browser; 2] = browsers.try_into().ok().expect("two browsers");
        chair.set_width(360).await;
        chair.login("bithu.b", DEMO_PASSWORD).await;
        chair.goto(&format!("/org/{cell}")).await;
        chair.wait_text("main", "Năm sinh hoạt").await;
        if tomorrow.year() != today.year() {
            chair.click("button[aria-label=next]").await;
            chair
                .wait_text("#year-shown", &tomorrow.year().to_string())
                .await;
        }
        let slot = format!("ul.year-slots.months li:nth-child({})", tomorrow.month());
        chair.wait_text(&slot, "Chưa đăng ký").await;
        chair.assert_fits("the cell's year at 360 px").await;

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
                tomorrow.format("%Y-%m-%d")
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

        // The secretary sees one member opened it.
        chair.goto(&format!("/meetings/{meeting}")).await;
        chair
            .wait_text(&format!("{file} .doc-opened"), "Đã mở: 1/")
            .await;
    })
    .await;

    std::fs::remove_dir_all(&dir).ok();
}
