//! The app in English: the messages that come from `shared` and from the
//! server (a refused login, a refused form, a refusal in the live room, the
//! live socket's own errors) are in English too. Only the message elements are checked: the names of
//! people and organizations stay Vietnamese.

use e2e::{Browser, DEMO_PASSWORD, Server, with_browser};
use fantoccini::Locator;
use serde_json::json;
use shared::i18n::has_vietnamese;

/// Chooses English as a person does (the choice is kept in the browser).
async fn in_english(b: &Browser) {
    b.goto("/login").await;
    b.eval("localStorage.setItem('chibo.lang', 'en'); return null;")
        .await;
    b.client.refresh().await.expect("reload in English");
    b.wait_js(
        "return document.documentElement.lang === 'en'",
        "the page in English",
    )
    .await;
}

/// Every non-empty text of the elements `css`, each checked to be English.
async fn english_texts(b: &Browser, css: &str) -> Vec<String> {
    let mut texts = Vec::new();
    for el in b.client.find_all(Locator::Css(css)).await.unwrap() {
        let text = el.text().await.unwrap_or_default();
        if text.trim().is_empty() {
            continue;
        }
        assert!(
            !has_vietnamese(&text),
            "{css}: Vietnamese in English: {text}"
        );
        texts.push(text);
    }
    texts
}

/// How many times `text` shows on the page.
async fn times_shown(b: &Browser, text: &str) -> usize {
    b.body_text().await.matches(text).count()
}

#[tokio::test(flavor = "multi_thread")]
async fn login_and_forms_answer_in_english() {
    let server = Server::start();
    let api = server.api_login("bithu.a").await;
    let cell = api.get_ok("/api/me").await["cell"]["id"]
        .as_i64()
        .expect("bithu.a has a cell");
    with_browser(&server, move |b: Browser| async move {
        in_english(&b).await;

        // Nothing typed: the app's own words, at each field.
        b.click("button[type=submit]").await;
        b.wait_text("#e-username", "Required.").await;
        assert_eq!(english_texts(&b, ".field-error").await.len(), 2);

        // A wrong password: the server's answer, in English.
        b.type_into("#f-username", "bithu.a").await;
        b.type_into("#f-password", "sai-mat-khau1").await;
        b.click("button[type=submit]").await;
        let refused = b
            .wait_text(".form-error", "The user name or password is wrong.")
            .await;
        assert!(!has_vietnamese(&refused), "{refused}");
        english_texts(&b, ".field-error, .form-error").await;

        b.type_into("#f-password", DEMO_PASSWORD).await;
        b.click("button[type=submit]").await;
        b.find(".page .facts, .page .card").await;

        // A member's record refused by the rules of `shared`, in the browser.
        b.goto(&format!("/org/{cell}/members/new")).await;
        b.find("#f-full_name").await;
        b.type_into("#f-birth_date", "01/01/2099").await;
        b.click("form button[type=submit]").await;
        b.wait_text("#e-full_name", "Full name must not be empty.")
            .await;
        b.wait_text("#e-birth_date", "Date of birth cannot be in the future.")
            .await;
        let shown = english_texts(&b, ".field-error, .form-error").await;
        assert!(shown.len() >= 3, "{shown:?}");

        // A new password refused in the browser, then a wrong current
        // password refused by the server: each said once, at its field.
        b.goto("/account").await;
        b.type_into("#f-current_password", "sai-mat-khau1").await;
        b.type_into("#f-new_password", "short").await;
        b.click("form:has(#f-new_password) button[type=submit]")
            .await;
        let rule = "The password must have at least 8 characters.";
        b.wait_text("#e-new_password", rule).await;
        assert_eq!(times_shown(&b, rule).await, 1, "the rule once");
        b.type_into("#f-new_password", "mat-khau-moi-2030").await;
        b.click("form:has(#f-new_password) button[type=submit]")
            .await;
        let wrong = "The current password is wrong.";
        b.wait_text("#e-current_password", wrong).await;
        assert_eq!(times_shown(&b, wrong).await, 1, "the refusal once");
        english_texts(&b, ".field-error, .form-error").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_in_the_live_room_reads_in_english() {
    let server = Server::start();
    let meeting = server
        .register_meeting_in_b("Sinh hoạt chi bộ thường kỳ")
        .await;

    let stopper = server.stopper();
    with_browser(&server, move |b: Browser| async move {
        in_english(&b).await;
        b.login("bithu.b", DEMO_PASSWORD).await;
        b.goto(&format!("/meetings/{meeting}")).await;
        b.wait_text("#live-status", "Connected").await;
        b.click("#btn-open").await;
        b.click("#btn-open-early").await;
        b.wait_text("#current-item", "1/1").await;

        // An expulsion is voted by secret ballot: an open one is refused.
        b.reveal("#vote-kind")
            .await
            .select_by_value("Expulsion")
            .await
            .expect("pick the kind of vote");
        if b.eval("return document.querySelector('#vote-secret').checked")
            .await
            == json!(true)
        {
            b.click("#vote-secret").await;
        }
        b.type_into("#vote-question", "Expel?").await;
        b.click("#btn-open-vote").await;
        let flash = b
            .wait_text("#flash", "Vote to expel must be by secret ballot.")
            .await;
        assert!(!has_vietnamese(&flash), "{flash}");
        english_texts(&b, "#flash, .vote-outcome, .plan").await;

        // The server restarts: what its live socket says last, in English too.
        stopper.stop();
        let flash = b.wait_text("#flash", "The server is restarting").await;
        assert!(!has_vietnamese(&flash), "{flash}");
    })
    .await;
}
