//! The first load and the installable app: the loading page's progress, the
//! manifest and icons, the service worker, and the app opened offline.

use e2e::{Proxy, Server, with_browser};
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
        // Not `goto`, which waits for the app. The bar counts behind
        // index.html's login form too (shown after the login).
        b.open("/login").await;
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
        b.find("#main #f-username").await;
        assert_eq!(
            b.eval("return document.getElementById('boot') === null").await,
            json!(true),
            "the loading page is gone once the app runs"
        );
    })
    .await;
}

/// An answer's status, `Content-Type`, `Cache-Control` and bytes.
async fn get(base: &str, path: &str) -> (u16, String, String, Vec<u8>) {
    let res = reqwest::get(format!("{base}{path}"))
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let header = |name| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let (ctype, cache) = (header("content-type"), header("cache-control"));
    let status = res.status().as_u16();
    let bytes = res.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
    (status, ctype, cache, bytes)
}

/// Width and height of a PNG, from its header.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" {
        return None;
    }
    let n =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    Some((n(16), n(20)))
}

/// The manifest has what an install needs, its icons are PNGs of the sizes it
/// says, `/favicon.ico` is an icon; the modules (named by content hash) are
/// kept a year, the pages revalidated.
#[tokio::test(flavor = "multi_thread")]
async fn the_manifest_icons_and_caching_are_right() {
    let server = Server::start();
    let base = server.url.as_str();
    let (status, ctype, _, body) = get(base, "/manifest.webmanifest").await;
    assert_eq!(status, 200);
    assert!(
        ctype.starts_with("application/manifest+json"),
        "manifest type {ctype}"
    );
    let m: serde_json::Value = serde_json::from_slice(&body).expect("the manifest is JSON");
    assert_eq!(m["name"], "Chi Bộ Số");
    assert_eq!(m["lang"], "vi");
    assert_eq!(m["start_url"], "/");
    assert_eq!(m["display"], "standalone");
    let (_, _, _, index) = get(base, "/").await;
    let index = String::from_utf8(index).expect("index.html as text");
    let theme = m["theme_color"].as_str().expect("a theme colour");
    assert!(
        index.contains(&format!("<meta name=\"theme-color\" content=\"{theme}\">")),
        "the manifest's theme colour is index.html's"
    );
    assert!(index.contains("<link rel=\"manifest\" href=\"/manifest.webmanifest\">"));
    let icons = m["icons"].as_array().expect("icons");
    let mut sizes = Vec::new();
    for icon in icons {
        let src = icon["src"].as_str().expect("an icon's src");
        let (status, ctype, _, png) = get(base, src).await;
        assert_eq!((status, ctype.as_str()), (200, "image/png"), "{src}");
        let (w, h) = png_size(&png).unwrap_or_else(|| panic!("{src} is not a PNG"));
        assert_eq!(icon["sizes"], format!("{w}x{h}"), "{src}");
        sizes.push((w, icon["purpose"].as_str().unwrap_or("any").to_string()));
    }
    for want in [(192, "any"), (512, "any"), (512, "maskable")] {
        assert!(
            sizes.iter().any(|(w, p)| *w == want.0 && p == want.1),
            "no {want:?} icon in {sizes:?}"
        );
    }
    let (status, ctype, _, ico) = get(base, "/favicon.ico").await;
    assert_eq!(status, 200);
    assert!(
        !ctype.starts_with("text/html"),
        "/favicon.ico answered {ctype}"
    );
    assert_eq!(&ico[..4], b"\0\0\x01\0", "/favicon.ico is an ICO file");

    let (_, _, _, assets) = get(base, "/assets.json").await;
    let assets: serde_json::Value = serde_json::from_slice(&assets).expect("assets.json");
    let files: Vec<&str> = assets["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f.as_str())
        .collect();
    let modules: Vec<&&str> = files
        .iter()
        .filter(|f| f.ends_with(".js") || f.ends_with(".wasm") || f.ends_with(".css"))
        .collect();
    // boot, the login form, glue, main wasm, split loader, style, and the modules of the
    // pages loaded when visited (the live room's among them).
    for prefix in [
        "/boot-",
        "/shell-",
        "/app-",
        "/app_bg-",
        "/wasm_split-",
        "/style-",
    ] {
        let n = modules.iter().filter(|f| f.starts_with(prefix)).count();
        assert_eq!(n, 1, "one {prefix}…: {files:?}");
    }
    assert!(
        modules.iter().any(|f| f.starts_with("/split_live_room_")),
        "the live room's module: {files:?}"
    );
    assert!(modules.len() > 6, "split modules: {files:?}");
    for f in modules {
        let (status, ctype, cache, _) = get(base, f).await;
        assert_eq!(status, 200, "{f}");
        assert!(cache.contains("immutable"), "{f}: Cache-Control {cache}");
        if f.ends_with(".wasm") {
            // WebAssembly.instantiateStreaming (the split loader) needs it.
            assert_eq!(ctype, "application/wasm", "{f}");
        }
        assert!(
            index.contains(*f) || !f.ends_with(".css"),
            "index.html names {f}"
        );
    }
    for page in [
        "/",
        "/login",
        "/sw.js",
        "/manifest.webmanifest",
        "/app-000000000000.js",
    ] {
        let (_, _, cache, _) = get(base, page).await;
        assert_eq!(cache, "no-cache", "{page}");
    }
}

/// With the service worker active and the app kept, the app opens when the
/// server is out of reach, and says the server cannot be reached; with
/// nothing kept, a page says there is no network, with a retry link.
#[tokio::test(flavor = "multi_thread")]
async fn the_app_opens_offline() {
    let server = Server::start();
    // The browser goes through the proxy; dropping it is losing the network.
    let proxy = Proxy::start(&server.url).await;
    let through = Server::at(&proxy.url);
    with_browser(&through, move |b| async move {
        b.goto("/login").await;
        b.find("#f-username").await;
        let active = b
            .eval_async(
                "const done = arguments[arguments.length - 1];
                 navigator.serviceWorker.ready.then(r => done(r.active ? r.active.state : null));",
            )
            .await;
        assert!(
            active == json!("activated") || active == json!("activating"),
            "service worker {active}"
        );
        b.wait_js(
            "return !!navigator.serviceWorker.controller",
            "the service worker controls the page",
        )
        .await;
        // Everything assets.json lists is kept.
        let started = std::time::Instant::now();
        loop {
            let missing = b
                .eval_async(
                    "const done = arguments[arguments.length - 1];
                     (async () => {
                       const a = await (await fetch('/assets.json')).json();
                       const c = await caches.open('chibo-app-v1');
                       const out = [];
                       for (const p of [a.shell, a.offline].concat(a.files)) {
                         if (!(await c.match(p))) out.push(p);
                       }
                       return out;
                     })().then(done, e => done(String(e)));",
                )
                .await;
            if missing == json!([]) {
                break;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "not kept: {missing}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }

        drop(proxy);
        b.goto("/").await;
        b.wait_text("body", "Không kết nối được máy chủ").await;
        b.find("button").await;
        // A page loaded when visited, never visited yet: its module comes
        // from the kept files too.
        b.goto("/org/1").await;
        b.wait_text("main", "Không kết nối được máy chủ").await;

        // Nothing kept (a cleared cache): the offline page.
        b.eval_async(
            "const done = arguments[arguments.length - 1];
             caches.open('chibo-app-v1').then(c => c.delete('/')).then(done, done);",
        )
        .await;
        b.goto("/org/1").await;
        let text = b.wait_text("#offline", "Không có kết nối mạng").await;
        assert!(text.contains("thử lại"), "{text}");
        let retry = b.find("#offline-retry").await;
        assert_eq!(
            retry.attr("href").await.ok().flatten().as_deref(),
            Some("/")
        );
    })
    .await;
}
