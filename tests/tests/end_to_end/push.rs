//! Web Push in headless Chromium, as far as it goes without the internet:
//! the account page's button registers the service worker at the root
//! scope, asks permission, and tells the member plainly when the browser
//! refuses or its push service cannot be reached; nothing breaks and the
//! Content-Security-Policy allows the worker.

use e2e::{Browser, DEMO_PASSWORD, Server, with_browser};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn turning_push_on_registers_the_worker_and_says_what_stops_it() {
    let server = Server::start();
    with_browser(&server, |b: Browser| async move {
        b.login("dv.b05", DEMO_PASSWORD).await;
        b.goto("/account").await;
        b.wait_text("#push-subscribe", "Nhận thông báo đẩy trên thiết bị này")
            .await;

        // The member refuses notifications: the page says so.
        b.set_permission("notifications", "denied").await;
        b.click("#push-subscribe").await;
        b.wait_text(
            "#push-status",
            "Trình duyệt đã từ chối quyền hiển thị thông báo",
        )
        .await;
        b.axe("the account page").await;

        // Allowed: the worker is active at the root scope; the push service
        // (none offline) is said to be unreachable.
        b.set_permission("notifications", "granted").await;
        b.click("#push-subscribe").await;
        b.wait_text(
            "#push-status",
            "Không kết nối được dịch vụ thông báo đẩy của trình duyệt",
        )
        .await;
        let worker = b
            .eval_async(
                "const done = arguments[arguments.length - 1];
                 navigator.serviceWorker.getRegistration('/').then(
                     r => done(r ? {scope: r.scope, state: r.active && r.active.state,
                                    script: r.active && r.active.scriptURL} : null),
                     e => done(String(e)));",
            )
            .await;
        assert_eq!(worker["scope"], json!(format!("{}/", b.base)), "{worker}");
        assert_eq!(worker["state"], "activated", "{worker}");
        assert_eq!(worker["script"], json!(format!("{}/sw.js", b.base)));
        // Nothing reached the server: this account has no device.
        let prefs = b.fetch_status("/api/me/notification-preferences").await;
        assert_eq!(prefs, 200);
        // Turning off a device never subscribed is fine.
        b.click("#push-unsubscribe").await;
        b.wait_text(
            "#push-status",
            "Thiết bị này sẽ không nhận thông báo đẩy nữa",
        )
        .await;
    })
    .await;
}
