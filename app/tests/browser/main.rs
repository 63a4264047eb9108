//! The app in a real (headless) Chromium: components mounted and clicked like a
//! person would, and the live room's logic without a screen. One test binary, so
//! the app is linked and a browser started once.
//! Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test -p app --target wasm32-unknown-unknown

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod support;

mod live;
mod meeting_form;
mod score;
mod ui;
