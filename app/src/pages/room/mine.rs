//! What a participant does for themself: check in, ask to speak, give an opinion.

use super::connection::Live;
use super::status::Unsent;
use super::text_form::TextCommandForm;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use shared::live::limits::MAX_TEXT_CHARS;
use shared::live::state::{Command, Speaker};

#[component]
pub(super) fn MyActions(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let is_member = move || {
        live.caller()
            .is_some_and(|c| matches!(c.speaker, Speaker::Member(_)))
    };
    let present = move || {
        live.caller().is_some_and(|c| {
            live.state
                .with(|s| s.as_ref().is_some_and(|s| s.is_present(c.speaker)))
        })
    };
    let opine = Callback::new(|text| {
        Some(Command::Opine {
            text,
            on_behalf_of: None,
        })
    });
    view! {
        <div class="card live-card mine">
            <Show when=move || is_member() && !present()>
                <button id="btn-checkin" class="button huge" on:click=move |_| { live.run(Command::CheckIn); }>
                    {move || i18n.t().live_check_in}
                </button>
                <Unsent live like=|c| matches!(c, Command::CheckIn)/>
            </Show>
            // Only those present (a member marked, a visitor whose arrival is
            // recorded) ask to speak or give an opinion.
            <Show when=present>
                <Show when=is_member>
                    <p class="ok-line">{move || i18n.t().live_you_are_present}</p>
                </Show>
                <HandButton live/>
                <Unsent live like=|c| matches!(c, Command::RaiseHand | Command::WithdrawHand)/>
                <TextCommandForm
                    live
                    id="opinion-text"
                    button_id="btn-opine"
                    label=|t| t.live_your_opinion
                    button=|t| t.live_send_opinion
                    command=opine
                    maxlength=MAX_TEXT_CHARS
                    class="form opinion-form"
                />
            </Show>
        </div>
    }
}

/// Xin phát biểu, or withdraw the request.
#[component]
fn HandButton(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let in_queue = move || {
        live.caller().is_some_and(|c| {
            live.state
                .with(|s| s.as_ref().is_some_and(|s| s.queue.contains(&c.speaker)))
        })
    };
    move || {
        if in_queue() {
            view! {
                <button id="btn-hand" class="button secondary huge" data-raised="true" on:click=move |_| { live.run(Command::WithdrawHand); }>
                    {move || i18n.t().live_withdraw_hand}
                </button>
            }
            .into_any()
        } else {
            view! {
                <button id="btn-hand" class="button huge" data-raised="false" on:click=move |_| { live.run(Command::RaiseHand); }>
                    {move || i18n.t().live_raise_hand}
                </button>
            }
            .into_any()
        }
    }
}
