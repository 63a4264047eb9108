//! What the room says of itself above the panels: the link to the server,
//! and a refusal or a message for this person.

use super::connection::{Link, Live};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use shared::live::state::Command;

#[component]
pub(super) fn LinkStatus(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        let t = i18n.t();
        let link = live.link.get();
        let (waiting, deferred) = live.outbox.with(|o| (o.len(), o.deferred()));
        let mut text = match link {
            Link::Connecting => t.live_link_connecting,
            Link::Open => t.live_connected,
            Link::Lost => t.live_lost,
            Link::Reconnecting => t.live_reconnecting,
        }
        .to_string();
        if link != Link::Open && waiting > 0 {
            text.push_str(&format!(" · {waiting} {}", t.live_unsent_count));
        } else if link == Link::Open && deferred > 0 {
            text.push_str(&format!(" · {deferred} {}", t.live_deferred_count));
        }
        text
    };
    let class = move || match live.link.get() {
        Link::Open => "link-status ok",
        Link::Connecting | Link::Reconnecting => "link-status wait",
        Link::Lost => "link-status down",
    };
    view! { <p id="live-status" class=class role="status" aria-live="polite">{text}</p> }
}

/// "Chưa gửi được" beside a button whose command waits in the outbox while
/// the link is down, so that it does not look done.
#[component]
pub(super) fn Unsent(live: Live, like: fn(&Command) -> bool) -> impl IntoView {
    let i18n = use_i18n();
    let waiting = move || live.link.get() != Link::Open && live.outbox.with(|o| o.has(like));
    view! {
        <Show when=waiting>
            <p class="unsent" role="status">{move || i18n.t().live_unsent}</p>
        </Show>
    }
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
