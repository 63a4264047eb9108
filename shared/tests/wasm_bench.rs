//! The rules' workload timed in the browser (headless Chromium): compliance,
//! scoring and rating over 5,000 cells × 12 months. Not part of the normal test
//! run (`test = false`); `scripts/bench-rules` runs it in release mode.
#![cfg(target_arch = "wasm32")]

#[path = "../benches/support/workload.rs"]
mod workload;

use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn rules_bloc_in_the_browser() {
    let w = workload::generate(workload::CELLS, workload::MONTHS);
    let digest = workload::run(&w); // warm-up
    let mut times = Vec::new();
    for _ in 0..7 {
        let t0 = js_sys::Date::now();
        let d = workload::run(&w);
        times.push(js_sys::Date::now() - t0);
        assert_eq!(d, digest);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    console_log!("RULES_WASM_MS={median:.1}");
    console_log!("RULES_WASM_DIGEST={digest}");
    console_log!(
        "RULES_CELLS={} RULES_MONTHS={}",
        workload::CELLS,
        workload::MONTHS
    );
}
