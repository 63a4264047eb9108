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
            // The chair mutes the speaker's audio (the floor stays), or lets it back.
            {move || floor().map(|f| {
                let to_mute = !f.muted;
                view! {
                    <Show when=move || f.muted>
                        <p class="muted">{move || i18n.t().audio_floor_muted}</p>
                    </Show>
                    <Show when=move || live.allows(&Command::MuteFloor { muted: to_mute })>
                        <button id="btn-mute-floor" class="button secondary" on:click=move |_| { live.run(Command::MuteFloor { muted: to_mute }); }>
                            {move || if to_mute { i18n.t().live_mute_floor } else { i18n.t().live_unmute_floor }}
                        </button>
                    </Show>
                }
            })}
            <Show when=move || live.allows(&Command::EndFloor)>
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
            <h2>{move || format!("{} ({})", i18n.t().live_queue, queue().len())}</h2>
            <Show when=move || queue().is_empty()>
                <p class="muted">{move || i18n.t().live_queue_empty}</p>
            </Show>
            <ol class="queue">
                {move || queue()
                    .into_iter()
                    .map(|(speaker, name)| view! {
                        <li>
                            <span>{name}</span>
                            <Show when=move || live.allows(&Command::GiveFloor { speaker })>
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

/// "3 người xin phát biểu": for the chair, on screen (fixed above the bottom
/// bar) once the queue's own card is scrolled away, so that it never covers
/// the first screen; a link back to the queue.
#[component]
pub(super) fn QueueBadge(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let count = move || live.state.with(|s| s.as_ref().map_or(0, |s| s.queue.len()));
    let away = RwSignal::new(false);
    let scrolled = window_event_listener(leptos::ev::scroll, move |_| {
        away.set(queue_scrolled_away().unwrap_or(false));
    });
    on_cleanup(move || scrolled.remove());
    let class = move || match (away.get(), count() > 0) {
        (false, _) => "queue-badge at-rest",
        (true, true) => "queue-badge waiting",
        (true, false) => "queue-badge",
    };
    view! {
        <div id="queue-badge" class=class role="status">
            <a href="#queue">{move || format!("{} {}", count(), i18n.t().live_queue_count)}</a>
        </div>
    }
}

/// Whether the queue's card is above the screen, under the app's top bar.
fn queue_scrolled_away() -> Option<bool> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window()?;
    let queue: web_sys::HtmlElement = window
        .document()?
        .get_element_by_id("queue")?
        .dyn_into()
        .ok()?;
    // Its bottom on the page: offsets summed along its offset parents.
    let mut bottom = f64::from(queue.offset_top() + queue.offset_height());
    let mut parent = queue.offset_parent();
    while let Some(p) = parent.and_then(|p| p.dyn_into::<web_sys::HtmlElement>().ok()) {
        bottom += f64::from(p.offset_top());
        parent = p.offset_parent();
    }
    Some(window.scroll_y().ok()? + TOP_BAR_PX > bottom)
}

/// About the height of the app's top bar, which covers the top of the page.
const TOP_BAR_PX: f64 = 72.0;
