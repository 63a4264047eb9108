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
    // Where this person stands in the queue of hands: (place, length).
    let hand = move || {
        let me = live.caller()?.speaker;
        live.state.with(|s| {
            let s = s.as_ref()?;
            let place = s.queue.iter().position(|q| *q == me)?;
            Some((place + 1, s.queue.len()))
        })
    };
    // The state machine's say on an opinion (too many, minutes adopted), probed with any text.
    let may_opine = move || {
        live.allows(&Command::Opine {
            text: "·".to_string(),
            on_behalf_of: None,
        })
    };
    let opine = Callback::new(|text| {
        Some(Command::Opine {
            text,
            on_behalf_of: None,
        })
    });
    view! {
        <div id="mine" class="card live-card mine">
            <Show when=move || is_member() && !present()>
                <p id="my-presence" class="warn-line">{move || i18n.t().live_not_checked_in}</p>
            </Show>
            <Show when=move || is_member() && !present() && live.allows(&Command::CheckIn)>
                <button id="btn-checkin" class="button huge" on:click=move |_| { live.run(Command::CheckIn); }>
                    {move || i18n.t().live_check_in}
                </button>
                <Unsent live like=|c| matches!(c, Command::CheckIn)/>
            </Show>
            // Only those present (a member marked, a visitor whose arrival is
            // recorded) ask to speak or give an opinion.
            <Show when=present>
                <Show when=is_member>
                    <p id="my-presence" class="ok-line">{move || i18n.t().live_you_are_present}</p>
                </Show>
                {move || hand().map(|(place, of)| view! {
                    <p id="my-hand" class="ok-line">{move || format!("{} {place}/{of}", i18n.t().live_your_hand)}</p>
                })}
                <HandButton live/>
                <Unsent live like=|c| matches!(c, Command::RaiseHand | Command::WithdrawHand)/>
                <Show when=may_opine>
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
            if !live.allows(&Command::WithdrawHand) {
                return ().into_any();
            }
            view! {
                <button id="btn-hand" class="button secondary huge" data-raised="true" on:click=move |_| { live.run(Command::WithdrawHand); }>
                    {move || i18n.t().live_withdraw_hand}
                </button>
            }
            .into_any()
        } else if !live.allows(&Command::RaiseHand) {
            ().into_any()
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
