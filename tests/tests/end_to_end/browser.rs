//! The app as people use it: the real server, the built app, headless Chromium.

use e2e::{Browser, DEMO_PASSWORD, Server, with_browser};
use serde_json::Value;

/// Cell A (the secretary `bithu.a`'s cell) and the names on its roll, from the API.
async fn cell_a(server: &Server) -> (i64, Vec<String>) {
    let api = server.api_login("bithu.a").await;
    let me = api.get_ok("/api/me").await;
    let id = me["cell"]["id"].as_i64().expect("bithu.a has a cell");
    let members = api
        .get_ok(&format!("/api/organizations/{id}/members"))
        .await;
    let names: Vec<String> = members
        .as_array()
        .expect("a list")
        .iter()
        .map(|m| m["full_name"].as_str().expect("a name").to_string())
        .collect();
    assert!(names.len() >= 3, "the demo cell A has members: {names:?}");
    (id, names)
}

#[tokio::test(flavor = "multi_thread")]
async fn secretary_sees_the_members_of_cell_a() {
    let server = Server::start();
    let (cell, names) = cell_a(&server).await;
    with_browser(&server, move |b: Browser| async move {
        b.login("bithu.a", DEMO_PASSWORD).await;
        b.wait_text("main", "Chi bộ Văn phòng").await;
        b.goto(&format!("/org/{cell}")).await;
        b.find(".members .member").await;
        let text = b.body_text().await;
        for name in &names {
            assert!(text.contains(name.as_str()), "{name} missing from the roll");
        }
        let cards = b
            .client
            .find_all(fantoccini::Locator::Css(".members .member"))
            .await
            .unwrap();
        assert_eq!(cards.len(), names.len(), "one card per member");
        // The secretary manages the cell: the buttons and the editor links are there.
        b.wait_text(".members-head .actions", "Thêm đảng viên")
            .await;
        b.wait_text(".members-head .actions", "Nhập từ Excel, CSV")
            .await;
        b.find(".members a.member-name[href^='/members/']").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_of_cell_b_cannot_reach_cell_a() {
    let server = Server::start();
    let (cell_a, names_a) = cell_a(&server).await;
    let api_b = server.api_login("dv.b05").await;
    let me_b = api_b.get_ok("/api/me").await;
    let cell_b = me_b["cell"]["id"].as_i64().expect("dv.b05 has a cell");
    assert_ne!(cell_a, cell_b);

    // Through the API with dv.b05's cookie: neither the cell nor its roll.
    for path in [
        format!("/api/organizations/{cell_a}"),
        format!("/api/organizations/{cell_a}/members"),
    ] {
        let (status, body) = api_b.get(&path).await;
        assert!(
            matches!(status, 403 | 404),
            "GET {path} as dv.b05: {status} {body}"
        );
        assert!(
            !body.to_string().contains(&names_a[0]),
            "{path} leaked a name"
        );
    }

    let names_b: Vec<String> = api_b
        .get_ok(&format!("/api/organizations/{cell_b}/members"))
        .await
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|m| m["full_name"].as_str().map(str::to_string))
        .collect();

    with_browser(&server, move |b: Browser| async move {
        b.login("dv.b05", DEMO_PASSWORD).await;
        // Control: the same page works for the member's own cell, read-only.
        b.goto(&format!("/org/{cell_b}")).await;
        b.find(".members .member").await;
        assert!(b.body_text().await.contains(&names_b[0]));
        b.axe("the own cell's page as a plain member").await;
        assert!(
            b.client
                .find(fantoccini::Locator::Css(".section-head .actions"))
                .await
                .is_err(),
            "a plain member gets no management buttons"
        );

        // Cell A by its address: a refusal, and no member names.
        b.goto(&format!("/org/{cell_a}")).await;
        let refusal = b.find(".error-box").await.text().await.unwrap();
        assert!(!refusal.trim().is_empty(), "the refusal says something");
        b.axe("another cell's page refused").await;
        let text = b.body_text().await;
        for name in &names_a {
            assert!(
                !text.contains(name.as_str()),
                "{name} of cell A shown to dv.b05"
            );
        }
        assert!(
            b.client
                .find(fantoccini::Locator::Css(".members"))
                .await
                .is_err()
        );

        // Through the page's own fetch with the session cookie.
        for path in [
            format!("/api/organizations/{cell_a}"),
            format!("/api/organizations/{cell_a}/members"),
        ] {
            let status = b.fetch_status(&path).await;
            assert!(
                matches!(status, 403 | 404),
                "fetch {path} from the page: {status}"
            );
        }
        // The same fetch reaches the member's own cell, so the refusal is about cell A.
        assert_eq!(
            b.fetch_status(&format!("/api/organizations/{cell_b}/members"))
                .await,
            200
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_shows_the_server_message() {
    let server = Server::start();
    with_browser(&server, |b: Browser| async move {
        b.goto("/login").await;
        b.type_into("#f-username", "bithu.a").await;
        b.type_into("#f-password", "not-the-password-1").await;
        b.click("button[type=submit]").await;
        let message = b.wait_text(".form-error", "mật khẩu").await;
        assert!(message.contains("không đúng"), "{message}");
        b.axe("the login page refusing a password").await;
        assert_eq!(b.path().await, "/login");
        // Nothing logged in: the home page sends us back.
        b.goto("/").await;
        b.find("#f-username").await;
        assert_eq!(b.path().await, "/login");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_fit_a_360px_phone() {
    let server = Server::start();
    let (cell, _) = cell_a(&server).await;
    let api = server.api_login("bithu.a").await;
    let members = api
        .get_ok(&format!("/api/organizations/{cell}/members"))
        .await;
    let member = members[0]["id"].as_i64().expect("a member id");
    with_browser(&server, move |b: Browser| async move {
        b.set_width(360).await;
        b.goto("/login").await;
        b.find("#f-username").await;
        fits_in_vietnamese(&b, "/login").await;
        b.axe("the login page").await;
        b.login("bithu.a", DEMO_PASSWORD).await;
        for (path, ready) in [
            ("/".to_string(), ".facts"),
            ("/org".to_string(), ".tree"),
            (format!("/org/{cell}"), ".members .member"),
            (format!("/members/{member}"), "#f-full_name"),
            (format!("/org/{cell}/import"), "#f-csv"),
            (
                format!("/organizations/{cell}/meetings/new"),
                ".agenda-item",
            ),
            ("/account".to_string(), "#f-new_password"),
        ] {
            b.goto(&path).await;
            b.find(ready).await;
            fits_in_vietnamese(&b, &path).await;
            b.axe(&format!("{path} as a cell's secretary")).await;
        }
    })
    .await;
}

/// Fits the 360 px window, in Vietnamese.
async fn fits_in_vietnamese(b: &Browser, path: &str) {
    b.assert_fits(path).await;
    let lang: Value = b.eval("return document.documentElement.lang").await;
    assert_eq!(lang, "vi", "Vietnamese by default");
}

/// The app runs under the server's Content-Security-Policy (no inline script
/// or style), and the harness sees what the policy refuses: every test fails
/// on a violation.
#[tokio::test(flavor = "multi_thread")]
async fn the_content_security_policy_holds_and_is_watched() {
    let server = Server::start();
    with_browser(&server, |b: Browser| async move {
        b.login("bithu.a", DEMO_PASSWORD).await;
        b.goto("/account").await;
        b.find("#f-new_password").await;
        assert_eq!(b.csp_violations().await, Vec::<String>::new());
        // What an injected script would try: both are refused, and seen.
        b.eval(
            "const s = document.createElement('script');
             s.textContent = 'window.injected = true';
             document.body.append(s);
             document.body.setAttribute('style', 'background: red');
             return null;",
        )
        .await;
        assert_eq!(b.eval("return window.injected === true").await, false);
        let started = std::time::Instant::now();
        let mut seen = Vec::new();
        while seen.len() < 2 && started.elapsed() < std::time::Duration::from_secs(5) {
            seen.extend(b.csp_violations().await);
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(
            seen.iter().any(|m| m.contains("script-src")),
            "the refused script is reported: {seen:?}"
        );
        assert!(
            seen.iter().any(|m| m.contains("style-src")),
            "the refused style is reported: {seen:?}"
        );
    })
    .await;
}
