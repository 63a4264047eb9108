//! The first load and the installable app: the loading page's progress, the
//! manifest and icons, the service worker, and the app opened offline.

use e2e::{Server, with_browser};
use serde_json::json;

/// While the wasm downloads, the page shows how much has arrived (a
/// `<progress>` bar named by the loading text, and the kilobytes), then the app.
#[tokio::test(flavor = "multi_thread")]
async fn the_loading_page_shows_real_progress() {
    let server = Server::start();
    with_browser(&server, |b| async move {
        // Slow enough that the download lasts a few seconds.
        b.cdp("Network.enable", json!({})).await;
        b.cdp(
            "Network.emulateNetworkConditions",
            json!({"offline": false, "latency": 100, "downloadThroughput": 400_000, "uploadThroughput": 400_000}),
        )
        .await;
        b.goto("/login").await;
        let label = b
            .eval("const p = document.getElementById('boot-progress'); return p && p.getAttribute('aria-labelledby')")
            .await;
        assert_eq!(label, json!("boot-text"), "the bar is named by the loading text");
        b.wait_js(
            "const p = document.getElementById('boot-progress');
             const t = document.getElementById('boot-bytes');
             return !!p && p.value > 0 && p.value < 100 && / \\/ [0-9.]+ KB$/.test(t.textContent);",
            "the bar part filled, the kilobytes received shown",
        )
        .await;
        b.find("#f-username").await;
        assert_eq!(
            b.eval("return document.getElementById('boot') === null").await,
            json!(true),
            "the loading page is gone once the app runs"
        );
    })
    .await;
}
