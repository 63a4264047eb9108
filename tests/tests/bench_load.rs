//! The browser half of `scripts/bench-load`, not a test: ignored unless that
//! script runs it (it builds the app and the release server first).
//!
//! A real server on a fresh demo database serves `dist/`; headless Chromium
//! loads the app throttled as a phone on a mobile network (Chrome DevTools
//! Protocol: `Network.emulateNetworkConditions`, and the CPU 4× slower with
//! `Emulation.setCPUThrottlingRate`). Each run uses fresh browser profiles,
//! so the first load of each is cold. Per run:
//! - slow 3G (400 ms, 400 kbit/s), cold: `/login` until the login form's
//!   inputs are shown and enabled (the page's own clock, from navigation start);
//! - slow 3G, warm: the same again in the same browser;
//! - slow 3G: logged in as a member of cell B, from tapping its meeting on the
//!   home page to the room connected and showing its state (`#live-status`);
//! - fast 3G (150 ms, 1.6 Mbit/s), cold, in another fresh browser;
//! - slow 3G, cold, in a third: `/` without a session until the login form is
//!   usable (index.html's form, shown once the server says there is no session).
//!
//! Writes `CHIBO_BENCH_OUT` (JSON): the medians of `CHIBO_BENCH_RUNS` (3) runs
//! and the bytes of the first load: the resources the page fetched until the
//! form was usable (Resource Timing), each file of `dist/` counted with its
//! headers as transferred and its `.br` (brotli) or `.gz` (gzip) body, since
//! which one the browser asks for depends on the scheme and its version.

use e2e::{Browser, DEMO_PASSWORD, Server, with_browser};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Loads on slow 3G take seconds; a broken app would never finish.
const LOAD_WAIT: Duration = Duration::from_secs(120);

struct Network {
    latency_ms: u32,
    down_kbit: u32,
    up_kbit: u32,
}

const SLOW_3G: Network = Network {
    latency_ms: 400,
    down_kbit: 400,
    up_kbit: 400,
};
const FAST_3G: Network = Network {
    latency_ms: 150,
    down_kbit: 1600,
    up_kbit: 750,
};

/// Records in `window.__benchLogin` when the login form became usable (shown
/// and enabled: index.html carries a hidden one), from the page's first
/// script on (before the app's own).
const LOGIN_PROBE: &str = "(() => {
  const shown = (el) => el && !el.disabled && el.getClientRects().length > 0;
  const iv = setInterval(() => {
    const u = document.getElementById('f-username');
    const p = document.getElementById('f-password');
    if (shown(u) && shown(p)) {
      window.__benchLogin = performance.now();
      clearInterval(iv);
    }
  }, 5);
})();";

/// What this page downloaded: path, bytes over the wire, body bytes, when it ended.
const RESOURCES: &str = "return performance.getEntriesByType('navigation')
  .concat(performance.getEntriesByType('resource'))
  .map(e => ({path: new URL(e.name).pathname, transfer: e.transferSize,
              body: e.encodedBodySize, raw: e.decodedBodySize, end: e.responseEnd}));";

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(f64::NAN)
}

async fn throttle(b: &Browser, net: &Network) {
    b.cdp("Network.enable", json!({})).await;
    b.cdp(
        "Network.emulateNetworkConditions",
        json!({
            "offline": false,
            "latency": net.latency_ms,
            "downloadThroughput": net.down_kbit * 1000 / 8,
            "uploadThroughput": net.up_kbit * 1000 / 8,
        }),
    )
    .await;
    b.cdp("Emulation.setCPUThrottlingRate", json!({"rate": 4}))
        .await;
    b.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": LOGIN_PROBE}),
    )
    .await;
}

async fn wait_number(b: &Browser, expr: &str, what: &str) -> f64 {
    let started = Instant::now();
    loop {
        if let Some(ms) = b.eval(&format!("return {expr}")).await.as_f64() {
            return ms;
        }
        assert!(started.elapsed() < LOAD_WAIT, "waited too long for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Opens `path`; the time until the login form is usable, and what was downloaded until then.
async fn login_usable(b: &Browser, path: &str) -> (f64, Vec<Value>) {
    b.open(path).await;
    let ms = wait_number(b, "window.__benchLogin", "the login form").await;
    let resources = b
        .eval(RESOURCES)
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r["end"].as_f64().is_some_and(|end| end <= ms))
        .collect();
    (ms, resources)
}

/// The file of `dist/` a path is served from (deep links get index.html).
fn dist_file(dist: &Path, path: &str) -> PathBuf {
    let name = path.trim_start_matches('/');
    let file = dist.join(name);
    if !name.is_empty() && file.is_file() {
        file
    } else {
        dist.join("index.html")
    }
}

/// Bytes per resource: each file of `dist/` with its `.br` or its `.gz`
/// body (the headers as transferred), the API's answers as transferred.
fn bytes(dist: &Path, resources: &[Value]) -> (u64, u64, Vec<Value>) {
    let (mut gz_total, mut br_total) = (0, 0);
    let mut rows = Vec::new();
    for r in resources {
        let path = r["path"].as_str().unwrap_or("");
        let transfer = r["transfer"].as_u64().unwrap_or(0);
        let body = r["body"].as_u64().unwrap_or(0);
        let headers = transfer.saturating_sub(body);
        let compressed = |ext: &str| {
            let mut file = dist_file(dist, path).into_os_string();
            file.push(ext);
            std::fs::metadata(&file)
                .map(|m| headers + m.len())
                .unwrap_or(transfer)
        };
        let (gz, br) = if path.starts_with("/api/") {
            (transfer, transfer)
        } else {
            (compressed(".gz"), compressed(".br"))
        };
        gz_total += gz;
        br_total += br;
        rows.push(json!({"path": path, "bytes_gzip": gz, "bytes_br": br, "bytes_raw": r["raw"]}));
    }
    (gz_total, br_total, rows)
}

#[derive(Default)]
struct Samples {
    slow_cold: Vec<f64>,
    slow_cold_home: Vec<f64>,
    slow_warm: Vec<f64>,
    fast_cold: Vec<f64>,
    room: Vec<f64>,
    first_load: Option<Vec<Value>>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: scripts/bench-load runs it"]
async fn first_load() {
    let runs: usize = env_or("CHIBO_BENCH_RUNS", "3").parse().unwrap_or(3);
    let out = PathBuf::from(env_or("CHIBO_BENCH_OUT", "target/bench/load.json"));
    let dist = PathBuf::from(env_or("CHIBO_STATIC_DIR", "dist"));
    let dist = if dist.is_absolute() {
        dist
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(dist)
    };
    let server = Server::start();
    let meeting = server
        .register_meeting_in_b("Sinh hoạt thường kỳ (đo tải trang)")
        .await;
    let samples = Arc::new(Mutex::new(Samples::default()));
    for run in 0..runs {
        let s = samples.clone();
        with_browser(&server, move |b| async move {
            throttle(&b, &SLOW_3G).await;
            let (cold, resources) = login_usable(&b, "/login").await;
            let (warm, _) = login_usable(&b, "/login").await;
            // Logs in as a plain member of cell B; its meeting is on the home page.
            b.type_into("#f-username", "dv.b05").await;
            b.type_into("#f-password", DEMO_PASSWORD).await;
            b.click("button[type=submit]").await;
            let link = format!("li.meeting[data-meeting='{meeting}'] a");
            b.find(&link).await;
            b.eval(&format!(
                "window.__benchRoom = null;
                 const t0 = performance.now();
                 const iv = setInterval(() => {{
                   const s = document.getElementById('live-status');
                   if (s && s.textContent.includes('Đã kết nối')) {{
                     window.__benchRoom = performance.now() - t0;
                     clearInterval(iv);
                   }}
                 }}, 5);
                 document.querySelector(\"{link}\").click();"
            ))
            .await;
            let room = wait_number(&b, "window.__benchRoom", "the room").await;
            eprintln!("run {run}: slow 3G cold {cold:.0} ms, warm {warm:.0} ms, room {room:.0} ms");
            let mut s = s.lock().expect("samples");
            s.slow_cold.push(cold);
            s.slow_warm.push(warm);
            s.room.push(room);
            s.first_load.get_or_insert(resources);
        })
        .await;
        let s = samples.clone();
        with_browser(&server, move |b| async move {
            throttle(&b, &FAST_3G).await;
            let (cold, _) = login_usable(&b, "/login").await;
            eprintln!("run {run}: fast 3G cold {cold:.0} ms");
            s.lock().expect("samples").fast_cold.push(cold);
        })
        .await;
        let s = samples.clone();
        with_browser(&server, move |b| async move {
            throttle(&b, &SLOW_3G).await;
            let (cold, _) = login_usable(&b, "/").await;
            eprintln!("run {run}: slow 3G cold, home without a session {cold:.0} ms");
            s.lock().expect("samples").slow_cold_home.push(cold);
        })
        .await;
    }
    let s = samples.lock().expect("samples");
    let (gz, br, rows) = bytes(&dist, s.first_load.as_deref().unwrap_or_default());
    let report = json!({
        "runs": runs,
        "first_load_bytes_br": br,
        "first_load_bytes_gzip": gz,
        "slow3g_cold_login_ms": median(s.slow_cold.clone()).round(),
        "slow3g_cold_home_login_ms": median(s.slow_cold_home.clone()).round(),
        "fast3g_cold_login_ms": median(s.fast_cold.clone()).round(),
        "slow3g_warm_login_ms": median(s.slow_warm.clone()).round(),
        "slow3g_room_ready_ms": median(s.room.clone()).round(),
        "samples": {
            "slow3g_cold_login_ms": s.slow_cold,
            "slow3g_cold_home_login_ms": s.slow_cold_home,
            "fast3g_cold_login_ms": s.fast_cold,
            "slow3g_warm_login_ms": s.slow_warm,
            "slow3g_room_ready_ms": s.room,
        },
        "first_load_resources": rows,
        "goals_ms": {
            "slow3g_cold_login_ms": 3000,
            "slow3g_cold_home_login_ms": 3000,
            "fast3g_cold_login_ms": 1000,
            "slow3g_warm_login_ms": 1000,
            "slow3g_room_ready_ms": 2000,
        },
    });
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("create the output folder");
    }
    let text = serde_json::to_string_pretty(&report).expect("JSON");
    std::fs::write(&out, &text).expect("write the figures");
    println!("{text}");
}
