//! What the component tests share: a place to mount, a way to wait for
//! Leptos, and finding an element.

use leptos::prelude::document;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlElement;

/// Leptos updates the DOM asynchronously: let it run before looking.
pub async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 50)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// A fresh element to mount into, so tests do not see each other's DOM.
pub fn container() -> HtmlElement {
    let doc = document();
    let div: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&div).unwrap();
    div
}

pub fn find(root: &HtmlElement, css: &str) -> HtmlElement {
    root.query_selector(css)
        .unwrap()
        .unwrap_or_else(|| panic!("no `{css}`"))
        .unchecked_into()
}

/// The trimmed text of an element.
pub fn text(root: &HtmlElement, css: &str) -> String {
    find(root, css)
        .text_content()
        .unwrap_or_default()
        .trim()
        .to_string()
}
