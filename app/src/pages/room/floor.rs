//! Who has the floor (đang phát biểu) and for how long, and who asked to
//! speak (đăng ký phát biểu).

use super::connection::Live;
use super::name_of;
use crate::i18n::use_i18n;
use crate::live;
use leptos::prelude::*;
use shared::live::state::Command;
use std::time::Duration;

#[component]
pub(super) fn FloorPanel(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let tick = RwSignal::new(live::now_local());
    if let Ok(handle) =
        set_interval_with_handle(move || tick.set(live::now_local()), Duration::from_secs(1))
    {
        on_cleanup(move || handle.clear());
    }
    let floor = move || live.state.with(|s| s.as_ref().and_then(|s| s.floor));
    let mine =
        move || floor().is_some_and(|f| live.caller().is_some_and(|c| c.speaker == f.speaker));
    view! {
        <div id="floor" class="card live-card floor">
            <h2>{move || i18n.t().live_floor}</h2>
            {move || match floor() {
                None => view! { <p class="muted">{move || i18n.t().live_nobody_speaks}</p> }.into_any(),
                Some(f) => {
                    let name = live.state.with(|s| s.as_ref().map(|s| name_of(s, f.speaker, i18n.t())));
                    view! {
                        <p class="speaker">{name}</p>
                        <p class="timer" aria-label=move || i18n.t().live_speaking_for>
                            {move || live::clock((tick.get() - f.since).num_seconds())}
                        </p>
                    }
                        .into_any()
                }
            }}
            <Show when=move || floor().is_some() && (live.is_chair() || mine())>
                <button id="btn-end-floor" class="button secondary" on:click=move |_| { live.run(Command::EndFloor); }>
                    {move || i18n.t().live_end_floor}
                </button>
            </Show>
        </div>
    }
}

#[component]
pub(super) fn QueuePanel(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let queue = move || {
        live.state.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.queue
                        .iter()
                        .map(|q| (*q, name_of(s, *q, i18n.t())))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <div id="queue" class="card live-card">
            <h2>{move || i18n.t().live_queue}</h2>
            <Show when=move || queue().is_empty()>
                <p class="muted">{move || i18n.t().live_queue_empty}</p>
            </Show>
            <ol class="queue">
                {move || queue()
                    .into_iter()
                    .map(|(speaker, name)| view! {
                        <li>
                            <span>{name}</span>
                            <Show when=move || live.is_chair()>
                                <button class="button small btn-give" on:click=move |_| { live.run(Command::GiveFloor { speaker }); }>
                                    {move || i18n.t().live_give_floor}
                                </button>
                            </Show>
                        </li>
                    })
                    .collect_view()}
            </ol>
        </div>
    }
}
