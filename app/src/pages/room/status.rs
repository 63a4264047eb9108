//! What the room says of itself above the panels: the link to the server,
//! and a refusal or a message for this person.

use super::connection::{Link, Live};
use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub(super) fn LinkStatus(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        let t = i18n.t();
        let pending = live.outbox.with(|o| o.len());
        match live.link.get() {
            Link::Open => t.live_connected.to_string(),
            Link::Down if pending > 0 => format!("{} {pending} {}", t.live_lost, t.live_pending),
            _ => t.live_reconnecting.to_string(),
        }
    };
    let class = move || match live.link.get() {
        Link::Open => "link-status ok",
        Link::Connecting => "link-status wait",
        Link::Down => "link-status down",
    };
    view! { <p id="live-status" class=class role="status" aria-live="polite">{text}</p> }
}

#[component]
pub(super) fn Flash(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        live.flash.get().map(|m| {
            view! {
                <div id="flash" class="flash" role="alert">
                    <p>{m}</p>
                    <button
                        type="button"
                        class="flash-close"
                        aria-label=move || i18n.t().close_notice
                        on:click=move |_| live.flash.set(None)
                    >
                        "×"
                    </button>
                </div>
            }
        })
    }
}
