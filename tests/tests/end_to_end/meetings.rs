//! Registering a meeting through the form (đăng ký lịch sinh hoạt), changing it,
//! and a member finding it on the home page.

use e2e::{Browser, DEMO_PASSWORD, Server, with_browsers};
use fantoccini::Locator;
use serde_json::json;

/// How many items the agenda editor shows.
async fn agenda_len(b: &Browser) -> usize {
    b.client
        .find_all(Locator::Css(".agenda-items .agenda-item"))
        .await
        .expect("the agenda items")
        .len()
}

/// The value of a form control (what the person sees in it).
async fn value_of(b: &Browser, css: &str) -> String {
    b.find(css)
        .await
        .prop("value")
        .await
        .expect("a value")
        .unwrap_or_default()
}

/// Waits until the control `css` holds a value containing `want`.
async fn wait_value(b: &Browser, css: &str, want: &str) {
    let started = std::time::Instant::now();
    loop {
        let value = match b.client.find(Locator::Css(css)).await {
            Ok(el) => el.prop("value").await.ok().flatten().unwrap_or_default(),
            Err(_) => String::new(),
        };
        if value.contains(want) {
            return;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "`{css}` never held “{want}”; it holds “{value}”"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_secretary_registers_a_meeting_and_a_member_sees_it() {
    let server = Server::start();
    let api = server.api_login("bithu.a").await;
    let me = api.get_ok("/api/me").await;
    let cell = me["cell"]["id"].as_i64().expect("bithu.a has a cell");
    let secretary = me["member"]["id"].as_i64().expect("bithu.a is a member");

    with_browsers(&server, 2, move |browsers| async move {
        let [b, member]: [Browser; 2] = browsers.try_into().ok().expect("two browsers");
        b.set_width(360).await;
        b.login("bithu.a", DEMO_PASSWORD).await;
        b.goto(&format!("/org/{cell}")).await;
        b.wait_text("main", "Lịch sinh hoạt").await;
        b.click("#btn-new-meeting").await;
        b.find("#f-kind").await;
        assert_eq!(
            b.path().await,
            format!("/organizations/{cell}/meetings/new")
        );

        // Pre-filled: a regular meeting of the month, chaired by the bí thư, the standard agenda.
        let title = value_of(&b, "#f-title").await;
        assert!(title.starts_with("Sinh hoạt chi bộ tháng "), "{title}");
        assert_eq!(value_of(&b, "#f-chair_id").await, secretary.to_string());
        let regular_items = agenda_len(&b).await;
        assert!(regular_items >= 5, "a standard agenda: {regular_items}");
        b.wait_text("#agenda-total", "90 phút").await;
        b.axe("the new meeting form").await;
        assert!(
            b.client.find(Locator::Css("#f-video_link")).await.is_err(),
            "no video link for a meeting in person"
        );

        // Thematic: no title yet, and the thematic order of business.
        b.find("#f-kind")
            .await
            .select_by_value("thematic")
            .await
            .expect("choose the kind");
        wait_value(
            &b,
            ".agenda-items .agenda-item:nth-child(3) .ag-title",
            "Trình bày chuyên đề",
        )
        .await;
        assert_eq!(value_of(&b, "#f-title").await, "");
        assert_ne!(agenda_len(&b).await, regular_items);

        // Sent empty: refused in the browser, the message at the title.
        b.click("button[type=submit]").await;
        let message = b.wait_text("#e-title", "Tiêu đề").await;
        assert!(message.contains("không được để trống"), "{message}");
        b.wait_text(".form-error", "Vui lòng sửa").await;
        assert_eq!(
            b.path().await,
            format!("/organizations/{cell}/meetings/new"),
            "nothing sent"
        );
        b.assert_fits("the meeting form with its errors at 360 px")
            .await;
        b.axe("the meeting form with its errors").await;

        // Online and in the room: the link is asked for, and checked.
        b.click("input[name=mode][value=hybrid]").await;
        b.type_into("#f-video_link", "meet.example.vn/chibo-a")
            .await;
        b.type_into("#f-title", "Học tập, quán triệt Nghị quyết Đại hội")
            .await;
        b.type_into("#f-place", "Phòng họp tầng 2").await;

        // The agenda made the cell's own: a presenter named, a length changed, an item added.
        b.type_into(
            ".agenda-items .agenda-item:nth-child(3) .ag-presenter",
            "Đồng chí Phó Bí thư",
        )
        .await;
        b.type_into(".agenda-items .agenda-item:nth-child(4) .ag-minutes", "40")
            .await;
        let before = agenda_len(&b).await;
        b.click("#btn-agenda-add").await;
        assert_eq!(agenda_len(&b).await, before + 1);
        b.type_into(
            ".agenda-items .agenda-item:last-child .ag-title",
            "Kiến nghị với cấp trên",
        )
        .await;
        b.type_into(".agenda-items .agenda-item:last-child .ag-minutes", "5")
            .await;
        // Moved up one place, above the last standard item.
        b.click(".agenda-items .agenda-item:last-child .ag-up")
            .await;
        b.wait_text(
            ".agenda-items .agenda-item:nth-last-child(2) .agenda-n",
            &format!("{}.", before),
        )
        .await;
        assert_eq!(
            value_of(&b, ".agenda-items .agenda-item:nth-last-child(2) .ag-title").await,
            "Kiến nghị với cấp trên"
        );
        b.wait_text("#agenda-total", "100 phút").await;
        b.axe("the meeting form, hybrid, with an added agenda item")
            .await;

        // An edited agenda stays when the kind changes.
        b.find("#f-kind")
            .await
            .select_by_value("combined")
            .await
            .expect("choose the kind");
        assert_eq!(agenda_len(&b).await, before + 1);
        b.wait_text("#agenda-total", "ít hơn mức tối thiểu 120 phút")
            .await;
        b.find("#f-kind")
            .await
            .select_by_value("thematic")
            .await
            .expect("choose the kind");

        b.click("button[type=submit]").await;
        b.wait_text("#e-video_link", "https://").await;
        assert_eq!(
            b.find("#e-title").await.text().await.unwrap(),
            "",
            "the title is fine now"
        );
        b.type_into("#f-video_link", "https://meet.example.vn/chibo-a")
            .await;
        b.click("button[type=submit]").await;

        // Saved: into the room, with the way to join the call.
        b.wait_text("#room-title", "Học tập, quán triệt").await;
        let path = b.path().await;
        let id: i64 = path
            .strip_prefix("/meetings/")
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("in a room after saving: {path}"));
        let join = b.find("a.button.join").await;
        assert_eq!(
            join.attr("href").await.unwrap().as_deref(),
            Some("https://meet.example.vn/chibo-a")
        );
        assert_eq!(join.text().await.unwrap(), "Vào phòng họp trực tuyến");
        b.assert_fits("the room of a scheduled meeting at 360 px")
            .await;
        b.axe("the room of a scheduled meeting, as its chair").await;

        // Changed once more before it opens: the form comes back as saved.
        b.click("a.edit-meeting").await;
        b.find("#f-title").await;
        assert_eq!(b.path().await, format!("/meetings/{id}/edit"));
        assert_eq!(value_of(&b, "#f-kind").await, "thematic");
        assert_eq!(agenda_len(&b).await, before + 1);
        b.type_into("#f-title", "Học tập, quán triệt Nghị quyết Đại hội XIV")
            .await;
        b.click("button[type=submit]").await;
        b.wait_text("#room-title", "Đại hội XIV").await;
        assert_eq!(b.path().await, format!("/meetings/{id}"));

        // The schedule on the cell's page.
        b.goto(&format!("/org/{cell}")).await;
        let card = b.wait_text(".cell-meetings .meeting", "Đại hội XIV").await;
        assert!(card.contains("Sinh hoạt chuyên đề"), "{card}");
        assert!(card.contains("Đã đăng ký"), "{card}");
        b.find(".cell-meetings .meeting a.edit-meeting").await;
        b.axe("the cell's page with a registered meeting").await;

        // A member of the cell finds it on the home page, with the join button.
        member.login("dv.a02", DEMO_PASSWORD).await;
        let card = member.wait_text(".meetings .meeting", "Đại hội XIV").await;
        assert!(card.contains("Phòng họp tầng 2"), "{card}");
        let join = member.find(".meetings .meeting a.button.join").await;
        assert_eq!(
            join.attr("href").await.unwrap().as_deref(),
            Some("https://meet.example.vn/chibo-a")
        );
        member.axe("home as a member with a meeting ahead").await;
    })
    .await;

    // What was stored is what the form showed.
    let meetings = api
        .get_ok(&format!("/api/organizations/{cell}/meetings"))
        .await;
    let m = &meetings[0];
    assert_eq!(m["kind"], json!("thematic"));
    assert_eq!(m["mode"], json!("hybrid"));
    assert_eq!(m["chair_id"], json!(secretary));
    let agenda = m["agenda"].as_array().expect("an agenda");
    assert_eq!(agenda[2]["presenter"], json!("Đồng chí Phó Bí thư"));
    assert_eq!(agenda[3]["planned_minutes"], json!(40));
    assert_eq!(
        agenda[agenda.len() - 2]["title"],
        json!("Kiến nghị với cấp trên")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plain_member_cannot_register_a_meeting() {
    let server = Server::start();
    let me = server.api_login("dv.a05").await.get_ok("/api/me").await;
    let cell = me["cell"]["id"].as_i64().expect("dv.a05 has a cell");
    assert_eq!(me["member"]["role"], json!("member"), "{me}");
    with_browsers(&server, 1, move |browsers| async move {
        let b = browsers.into_iter().next().expect("a browser");
        b.login("dv.a05", DEMO_PASSWORD).await;
        b.goto(&format!("/org/{cell}")).await;
        b.wait_text("main", "Lịch sinh hoạt").await;
        b.find(".members .member").await;
        assert!(
            b.client
                .find(Locator::Css("#btn-new-meeting"))
                .await
                .is_err(),
            "no register button for a plain member"
        );
        // By its address: a refusal, not a form.
        b.goto(&format!("/organizations/{cell}/meetings/new")).await;
        b.wait_text(".error-box", "không có quyền").await;
        assert!(b.client.find(Locator::Css("#f-kind")).await.is_err());
        b.axe("the meeting form refused to a plain member").await;
    })
    .await;
}
