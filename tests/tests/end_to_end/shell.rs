//! The login form of `index.html` (`app/shell.js`), usable before the app's
//! wasm arrives: the browser goes through a proxy that holds the wasm back
//! until the test lets it go, as a slow network would.

use e2e::{Browser, BrowserOptions, DEMO_PASSWORD, Flow, Proxy, Server, with_browser_options};
use serde_json::json;

const SHOWN: &str = "return !document.getElementById('shell').hidden";

/// Records in `window.__shellShown` whether index.html's login form showed.
const WATCH_SHOWN: &str = "document.addEventListener('DOMContentLoaded', () => {
  const s = document.getElementById('shell');
  window.__shellShown = !!s && !s.hidden;
  if (s) new MutationObserver(() => { if (!s.hidden) window.__shellShown = true; })
    .observe(s, {attributes: true});
});";

/// A browser on `server` through a proxy holding the wasm back.
async fn held<F, Fut>(server: &Server, checks: F)
where
    F: FnOnce(Browser, Proxy) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let proxy = Proxy::start(&server.url).await;
    proxy.set(Flow::HoldWasm);
    let through = Server::at(&proxy.url);
    let options = BrowserOptions {
        eager: true,
        ..BrowserOptions::default()
    };
    with_browser_options(&through, options, move |b| checks(b, proxy)).await;
}

/// The app has not started: index.html's loading text is still there.
async fn app_not_started(b: &Browser) {
    let started = b
        .eval("return !document.getElementById('boot') || !!document.getElementById('main')")
        .await;
    assert_eq!(
        started,
        json!(false),
        "the app started with its wasm held back"
    );
}

async fn count(b: &Browser, css: &str) -> i64 {
    b.eval(&format!(
        "return document.querySelectorAll(\"{css}\").length"
    ))
    .await
    .as_i64()
    .expect("a count")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_static_form_logs_in_before_the_wasm_and_the_app_opens_home() {
    let server = Server::start();
    held(&server, |b, proxy| async move {
        b.open("/login").await;
        b.wait_js(SHOWN, "the static login form").await;
        app_not_started(&b).await;
        assert_eq!(b.eval("return document.getElementById('boot').hidden").await, json!(true));
        b.axe("the static login form").await;

        b.type_into("#f-username", "bithu.a").await;
        b.type_into("#f-password", DEMO_PASSWORD).await;
        b.click("button[type=submit]").await;
        b.wait_js(
            "return document.getElementById('shell').hidden && !document.getElementById('boot').hidden",
            "the loading progress after the login",
        )
        .await;
        b.wait_text("#boot-text", "Đang tải…").await;
        assert_eq!(b.path().await, "/", "the app will open home");
        app_not_started(&b).await;

        proxy.set(Flow::Open);
        b.find(".page .facts, .page .card").await;
        assert_eq!(b.path().await, "/");
        assert_eq!(count(&b, "#shell").await, 0);

        // Logged in: another page opened shows no login form at any moment.
        b.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": WATCH_SHOWN}),
        )
        .await;
        b.goto("/org").await;
        b.wait_js(
            "return location.pathname === '/org' && !!document.querySelector('#main .page h1')",
            "the organizations page",
        )
        .await;
        assert_eq!(
            b.eval("return window.__shellShown").await,
            json!(false),
            "a login form shown to a logged-in person"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deep_link_without_a_session_shows_the_form_and_the_servers_refusal_once() {
    let server = Server::start();
    held(&server, |b, proxy| async move {
        b.open("/account").await;
        b.wait_js(SHOWN, "the static login form on a deep link")
            .await;

        // Nothing typed: the app's words at each field, nothing sent.
        b.click("button[type=submit]").await;
        b.wait_text("#e-username", "Không được để trống.").await;
        b.wait_text("#e-password", "Không được để trống.").await;

        b.type_into("#f-username", "bithu.a").await;
        b.type_into("#f-password", "not-the-password").await;
        b.click("button[type=submit]").await;
        let refusal = "Tên đăng nhập hoặc mật khẩu không đúng.";
        b.wait_text("#shell-error", refusal).await;
        assert_eq!(b.body_text().await.matches(refusal).count(), 1);
        assert_eq!(
            b.eval("return document.querySelector('#e-username').textContent")
                .await,
            json!("")
        );

        // The wasm arrives while the person is at the form: the app waits.
        proxy.set(Flow::Open);
        b.wait_js(
            "return document.getElementById('shell').dataset.app === 'waiting'",
            "the app, waiting",
        )
        .await;
        assert_eq!(count(&b, "#f-username").await, 1);
        assert_eq!(b.body_text().await.matches(refusal).count(), 1);

        b.type_into("#f-password", DEMO_PASSWORD).await;
        b.click("button[type=submit]").await;
        // The page that was asked for, not home.
        b.wait_text("#main h1", "Tài khoản của tôi").await;
        assert_eq!(b.path().await, "/account");
        assert_eq!(count(&b, "#shell").await, 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn what_was_typed_and_the_focus_survive_the_app_arriving() {
    let server = Server::start();
    held(&server, |b, proxy| async move {
        b.open("/login").await;
        b.wait_js(SHOWN, "the static login form").await;
        b.type_into("#f-username", "bithu.a").await;
        proxy.set(Flow::Open);
        b.wait_js(
            "return document.getElementById('shell').dataset.app === 'waiting'",
            "the app, waiting",
        )
        .await;
        assert_eq!(count(&b, "#f-username").await, 1, "two login forms");
        assert_eq!(count(&b, "form").await, 1, "two forms");
        assert_eq!(
            b.eval("return document.getElementById('f-username').value")
                .await,
            json!("bithu.a")
        );
        assert_eq!(
            b.eval("return document.activeElement.id").await,
            json!("f-username")
        );
        b.type_into("#f-password", DEMO_PASSWORD).await;
        b.click("button[type=submit]").await;
        b.find(".page .facts, .page .card").await;
        assert_eq!(b.path().await, "/");
        assert_eq!(count(&b, "#shell").await, 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_untouched_form_is_replaced_by_the_apps_in_the_chosen_language() {
    let server = Server::start();
    held(&server, |b, proxy| async move {
        // English, chosen earlier on this device.
        b.open("/healthz").await;
        b.eval("localStorage.setItem('chibo.lang', 'en'); return null;").await;
        b.open("/login").await;
        b.wait_js(SHOWN, "the static login form").await;
        assert_eq!(b.eval("return document.documentElement.lang").await, json!("en"));
        assert_eq!(b.find("label[for=f-username]").await.text().await.unwrap(), "Username");
        assert_eq!(b.find("label[for=f-password]").await.text().await.unwrap(), "Password");
        assert_eq!(b.find("#shell h1").await.text().await.unwrap(), "Log in");
        b.axe("the static login form in English").await;

        proxy.set(Flow::Open);
        b.wait_js(
            "return !document.getElementById('shell') && !!document.querySelector('#main #f-username')",
            "the app's login page",
        )
        .await;
        assert_eq!(count(&b, "#f-username").await, 1);
        assert_eq!(b.find("#main h1").await.text().await.unwrap(), "Log in");
        b.type_into("#f-username", "bithu.a").await;
        b.type_into("#f-password", "wrong-password").await;
        b.click("button[type=submit]").await;
        b.wait_text(".form-error", "The user name or password is wrong.").await;
    })
    .await;
}
