//! The browser half of `scripts/bench-oversight`, not a test: ignored unless
//! that script runs it against its server holding `--demo-data bloc`.
//!
//! For each organization it opens the dashboard page
//! (`/org/{id}/oversight?from=…&to=…`) logged in as the bloc's account, and
//! presses "load" (`#oversight-load`) several times. At each load the page
//! marks `oversight:click` and measures `oversight:fetch`, `oversight:wasm`,
//! `oversight:render` and `oversight:total` (the Performance API); this
//! prints the medians as one line per organization:
//! `OVERSIGHT_BROWSER <name> fetch_ms=… wasm_ms=… render_ms=… total_ms=…`.
//!
//! Environment: `CHIBO_BENCH_URL` (the server), `CHIBO_BENCH_TARGETS`
//! (`name:id,name:id`), `CHIBO_BENCH_FROM` and `CHIBO_BENCH_TO` (`YYYY-MM`),
//! `CHIBO_BENCH_RUNS` (loads per organization, 7 by default).

use e2e::{Browser, DEMO_PASSWORD, Server, with_browser};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// A bloc-sized load may take longer than the harness's usual wait.
const LOAD_WAIT: Duration = Duration::from_secs(180);

async fn wait_long(b: &Browser, script: &str, what: &str) {
    let started = Instant::now();
    while b.eval(script).await != json!(true) {
        assert!(started.elapsed() < LOAD_WAIT, "waited too long for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

const MEASURES: [&str; 4] = [
    "oversight:fetch",
    "oversight:wasm",
    "oversight:render",
    "oversight:total",
];

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run scripts/bench-oversight"))
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(f64::NAN)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: scripts/bench-oversight runs it against its own server"]
async fn oversight_in_the_browser() {
    let server = Server::at(&env("CHIBO_BENCH_URL"));
    let targets: Vec<(String, i64)> = env("CHIBO_BENCH_TARGETS")
        .split(',')
        .filter_map(|t| {
            let (name, id) = t.split_once(':')?;
            Some((name.to_string(), id.parse().ok()?))
        })
        .collect();
    assert!(
        !targets.is_empty(),
        "CHIBO_BENCH_TARGETS names no organization"
    );
    let (from, to) = (env("CHIBO_BENCH_FROM"), env("CHIBO_BENCH_TO"));
    let runs: usize = std::env::var("CHIBO_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
    with_browser(&server, move |b| async move {
        b.client
            .set_window_size(1280, 900)
            .await
            .expect("a desktop-sized window");
        b.login(server_account(), DEMO_PASSWORD).await;
        for (name, id) in targets {
            b.goto(&format!("/org/{id}/oversight?from={from}&to={to}"))
                .await;
            b.find("#oversight-load").await;
            let mut samples: Vec<Vec<f64>> = vec![Vec::new(); MEASURES.len()];
            // One load to warm the caches, then the measured ones.
            for run in 0..=runs {
                // The page loads once as it opens: the button is disabled meanwhile.
                wait_long(
                    &b,
                    "const x = document.querySelector('#oversight-load'); return !!x && !x.disabled",
                    "the load button",
                )
                .await;
                b.eval("performance.clearMarks(); performance.clearMeasures(); return true")
                    .await;
                b.click("#oversight-load").await;
                wait_long(
                    &b,
                    "return performance.getEntriesByName('oversight:total', 'measure').length > 0",
                    "the dashboard to load",
                )
                .await;
                let got: Value = b
                    .eval(&format!(
                        "return {:?}.map(n => {{ const e = performance.getEntriesByName(n, 'measure'); \
                         return e.length ? e[e.length - 1].duration : null; }})",
                        MEASURES
                    ))
                    .await;
                if run == 0 {
                    continue;
                }
                for (i, v) in got.as_array().expect("durations").iter().enumerate() {
                    let ms = v
                        .as_f64()
                        .unwrap_or_else(|| panic!("the page measured no {}", MEASURES[i]));
                    samples[i].push(ms);
                }
            }
            let m: Vec<f64> = samples.into_iter().map(median).collect();
            println!(
                "OVERSIGHT_BROWSER {name} fetch_ms={:.1} wasm_ms={:.1} render_ms={:.1} total_ms={:.1}",
                m[0], m[1], m[2], m[3]
            );
        }
    })
    .await;
}

/// The bloc committee's demo account (server::demo::bloc::BLOC_ACCOUNT).
fn server_account() -> &'static str {
    "khoi.ubkt"
}
