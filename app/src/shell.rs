//! The login form of `index.html` (`app/shell.js`): shown before the app
//! arrives when a login is what the person needs. The app replaces it at
//! once while it is untouched; while the person uses it (a value typed, the
//! focus in it, a login on its way) the app waits for it to be free again
//! (`shell-free`), so no keystroke and no focus is lost and two login forms
//! never show together.

use leptos::prelude::*;
use std::cell::Cell;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

const ID: &str = "shell";

thread_local! {
    /// The form was shown because the server answered that there is no session.
    static KNEW_LOGGED_OUT: Cell<bool> = const { Cell::new(false) };
}

/// Runs `start` once the form of `index.html` is free, after removing it.
pub fn when_free(start: impl FnOnce() + 'static) {
    let Some(shell) = document().get_element_by_id(ID) else {
        return start();
    };
    if shell.has_attribute("data-busy") && !shell.has_attribute("hidden") {
        let target = shell.clone();
        let free = Closure::once_into_js(move || {
            replace(&target);
            start();
        });
        // Sent once: the form is gone when it comes.
        let _ = shell.add_event_listener_with_callback("shell-free", free.unchecked_ref());
        // Seen by the end-to-end tests: the app is here and waits.
        let _ = shell.set_attribute("data-app", "waiting");
        return;
    }
    replace(&shell);
    start();
}

fn replace(shell: &web_sys::Element) {
    let shown = !shell.has_attribute("hidden");
    let out = shown && shell.get_attribute("data-session").as_deref() == Some("out");
    KNEW_LOGGED_OUT.with(|k| k.set(out));
    shell.remove();
}

/// The form was showing because the server had answered that nobody is
/// logged in: the app need not ask again before its own login page.
pub fn knew_logged_out() -> bool {
    KNEW_LOGGED_OUT.with(Cell::get)
}
