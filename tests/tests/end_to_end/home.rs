//! The "Đang họp" banner (on home and on every other page), and dates typed
//! the Vietnamese way in a browser set to American English.

use e2e::{Browser, BrowserOptions, DEMO_PASSWORD, Server, with_browser_options, with_browsers};
use serde_json::json;

async fn register(server: &Server, title: &str, starts_at: &str) -> (i64, i64) {
    server.register_meeting_in_b_with(title, starts_at, 2).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_reaches_the_live_meeting_from_home_in_one_tap() {
    let server = Server::start();
    let title = "Sinh hoạt chi bộ thường kỳ tháng 12";
    let (_, meeting) = register(&server, title, "2030-12-05T14:00:00").await;
    with_browsers(&server, 2, move |browsers| async move {
        let [chair, member]: [Browser; 2] = browsers.try_into().ok().expect("two browsers");
        member.set_width(360).await;
        member.login("dv.b05", DEMO_PASSWORD).await;
        // Registered, not open: no banner.
        member.find(".meetings .meeting").await;
        assert_eq!(
            member
                .eval("return document.querySelectorAll('.live-banner').length")
                .await,
            json!(0),
            "no banner before the opening"
        );
        member.axe("home as a member, no meeting live").await;

        chair.login("bithu.b", DEMO_PASSWORD).await;
        chair.goto(&format!("/meetings/{meeting}")).await;
        chair.wait_text("#live-status", "Đã kết nối").await;
        chair.click("#btn-open").await;
        chair.wait_text("#opens-early", "khai mạc sớm?").await;
        chair.click("#btn-open-early").await;
        chair.wait_text("#current-item", "1/2").await;

        // The member comes back to the app (the page shown again): the banner, first on the page.
        member.goto("/").await;
        let banner = member.wait_text("a.live-banner", "Đang họp").await;
        assert!(banner.contains(title), "the banner names the meeting: {banner}");
        let first = member
            .eval("return document.querySelector('main').firstElementChild.className")
            .await;
        assert!(
            first.as_str().is_some_and(|c| c.contains("live-banner")),
            "the banner is at the top of the home page: {first}"
        );
        let top = member
            .eval("return document.querySelector('a.live-banner').getBoundingClientRect().bottom <= window.innerHeight")
            .await;
        assert_eq!(top, json!(true), "the banner is on the first screen");
        member.axe("home as a member, a meeting live").await;
        member.click("a.live-banner").await;
        member.wait_text("#live-status", "Đã kết nối").await;
        assert_eq!(member.path().await, format!("/meetings/{meeting}"));

        // The chair's home shows it too (the chair is a member of the cell).
        chair.goto("/").await;
        chair.wait_text("a.live-banner", title).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_live_banner_shows_on_every_page_and_leads_to_the_room() {
    let server = Server::start();
    let title = "Sinh hoạt chi bộ thường kỳ tháng 12";
    let (cell, meeting) = register(&server, title, "2030-12-05T14:00:00").await;
    with_browsers(&server, 2, move |browsers| async move {
        let [chair, member]: [Browser; 2] = browsers.try_into().ok().expect("two browsers");
        member.set_width(360).await;
        member.login("dv.b05", DEMO_PASSWORD).await;
        member.goto(&format!("/org/{cell}")).await;
        member.find("main h1").await;
        let banners = "return document.querySelectorAll('.live-banner').length";
        assert_eq!(
            member.eval(banners).await,
            json!(0),
            "none before the opening"
        );

        chair.login("bithu.b", DEMO_PASSWORD).await;
        chair.goto(&format!("/meetings/{meeting}")).await;
        chair.wait_text("#live-status", "Đã kết nối").await;
        chair.click("#btn-open").await;
        chair.click("#btn-open-early").await;
        chair.wait_text("#current-item", "1/2").await;
        // In the room itself, no banner leading back to it.
        assert_eq!(chair.eval(banners).await, json!(0), "none in the room");

        // The app opened on a page other than home: the banner, above the page.
        for path in [format!("/org/{cell}"), "/account".to_string()] {
            member.goto(&path).await;
            let banner = member.wait_text("a.live-banner", "Đang họp").await;
            assert!(
                banner.contains(title),
                "{path}: the banner names the meeting: {banner}"
            );
            let first = member
                .eval("return document.querySelector('main').firstElementChild.className")
                .await;
            assert!(
                first.as_str().is_some_and(|c| c.contains("live-banner")),
                "{path}: the banner is at the top: {first}"
            );
        }
        member.axe("a page with the live banner").await;
        member.click("a.live-banner").await;
        member.wait_text("#live-status", "Đã kết nối").await;
        assert_eq!(member.path().await, format!("/meetings/{meeting}"));
        assert_eq!(member.eval(banners).await, json!(0), "none in the room");

        // Once the meeting is over, the banner goes as the member leaves the room.
        chair.mark_the_rest_in_person().await;
        chair
            .wait_js(
                "return !document.querySelector('#btn-close').disabled",
                "the close button to be enabled",
            )
            .await;
        chair.click("#btn-close").await;
        chair.click("#btn-close-confirm").await;
        member.wait_text(".closed", "đã bế mạc").await;
        member.click(".bottom-nav a[href='/org']").await;
        member.find(".page .org-tree, main h1").await;
        member
            .wait_js(
                "return document.querySelectorAll('.live-banner').length === 0",
                "the banner gone once the meeting closed",
            )
            .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_meeting_form_asks_for_vietnamese_dates_in_an_english_browser() {
    let server = Server::start();
    let (cell, meeting) = register(&server, "Sinh hoạt chi bộ", "2030-12-05T14:00:00").await;
    let options = BrowserOptions {
        lang: Some("en-US"),
        ..BrowserOptions::default()
    };
    with_browser_options(&server, options, move |b: Browser| async move {
        b.set_width(360).await;
        assert_eq!(
            b.eval("return navigator.language").await,
            json!("en-US"),
            "the browser speaks American English"
        );
        b.login("bithu.b", DEMO_PASSWORD).await;
        // A registered meeting's form: the day and the time as saved, the Vietnamese way.
        b.goto(&format!("/meetings/{meeting}/edit")).await;
        let date = b.find("#f-starts_at").await;
        assert_eq!(date.attr("type").await.unwrap().as_deref(), Some("text"));
        assert_eq!(
            date.attr("inputmode").await.unwrap().as_deref(),
            Some("numeric")
        );
        assert_eq!(
            date.attr("placeholder").await.unwrap().as_deref(),
            Some("dd/mm/yyyy")
        );
        assert!(date.attr("pattern").await.unwrap().is_some(), "a pattern");
        assert_eq!(
            date.prop("value").await.unwrap().as_deref(),
            Some("05/12/2030")
        );
        let time = b.find("#f-starts_at_time").await;
        assert_eq!(time.attr("type").await.unwrap().as_deref(), Some("text"));
        assert_eq!(time.prop("value").await.unwrap().as_deref(), Some("14:00"));
        b.wait_text("main", "dd/mm/yyyy").await;
        b.axe("the meeting form in an English browser").await;

        // A new meeting: a day not in the calendar, then a time past 23:59,
        // refused at the field; the day ahead as Vietnamese write it.
        b.goto(&format!("/organizations/{cell}/meetings/new")).await;
        let shown = b.find("#f-starts_at").await.prop("value").await.unwrap();
        let shown = shown.unwrap_or_default();
        assert!(
            shown.len() == 10
                && shown.chars().enumerate().all(|(i, c)| if i == 2 || i == 5 {
                    c == '/'
                } else {
                    c.is_ascii_digit()
                }),
            "the proposed day reads dd/mm/yyyy: {shown}"
        );
        b.type_into("#f-place", "Phòng họp tầng 2").await;
        b.type_into("#f-starts_at", "31/04/2030").await;
        b.click("button[type=submit]").await;
        b.wait_text("#e-starts_at", "Ngày này không có trong lịch.")
            .await;
        b.type_into("#f-starts_at", "1/4/2030").await;
        b.type_into("#f-starts_at_time", "24:00").await;
        b.click("button[type=submit]").await;
        b.wait_text("#e-starts_at", "Giờ từ 00 đến 23").await;
        b.axe("the meeting form with a refused date").await;

        // One digit for the day and the month is fine: 1/4/2030 is 01/04/2030.
        b.type_into("#f-starts_at_time", "7:30").await;
        b.click("button[type=submit]").await;
        b.find("#room-title").await;
        let api = server_api(&b).await;
        let saved = api
            .get_ok(&format!("/api/organizations/{cell}/meetings"))
            .await;
        let starts: Vec<&str> = saved
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|m| m["starts_at"].as_str())
            .collect();
        assert!(starts.contains(&"2030-04-01T07:30:00"), "{starts:?}");
        b.goto("/").await;
        b.wait_text(".meetings", "07:30 · 01/04/2030").await;
    })
    .await;
}

/// The API as the browser's logged-in person (the same server).
async fn server_api(b: &Browser) -> e2e::Api {
    e2e::Server::at(&b.base).api_login("bithu.b").await
}
