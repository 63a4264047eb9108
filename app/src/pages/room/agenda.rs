//! The agenda (chương trình): the item under discussion, with the chair's
//! buttons to move on, and the whole list.

use super::connection::Live;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use shared::live::state::{Command, Phase};

#[component]
pub(super) fn CurrentItem(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let current = move || {
        live.state
            .with(|s| s.as_ref().map(|s| (s.current_item, s.agenda.len())))
    };
    let item = move || {
        live.state.with(|s| {
            s.as_ref()
                .and_then(|s| s.agenda.get(s.current_item).cloned())
        })
    };
    // The item `delta` away, if the state machine would move there.
    let target = move |delta: i64| {
        let (now, _) = current()?;
        let item = usize::try_from(now as i64 + delta).ok()?;
        live.allows(&Command::MoveTo { item }).then_some(item)
    };
    let go = move |delta: i64| {
        if let Some((now, _)) = current() {
            let target = now as i64 + delta;
            if target >= 0 {
                live.run(Command::MoveTo {
                    item: target as usize,
                });
            }
        }
    };
    view! {
        <div id="current-item" class="card live-card current">
            <p class="muted">
                {move || {
                    current()
                        .map(|(i, n)| format!("{} {}/{}", i18n.t().live_item, i + 1, n))
                }}
            </p>
            <p class="item-title">{move || item().map(|i| i.title)}</p>
            <p class="muted">{move || item().filter(|i| !i.presenter.is_empty()).map(|i| i.presenter)}</p>
            // The chair's next step: the next item (the previous one beside it);
            // no button where there is no item to go to.
            <Show when=move || target(-1).is_some() || target(1).is_some()>
                <div class="actions two">
                    <Show when=move || target(-1).is_some() fallback=|| view! { <span></span> }>
                        <button id="btn-prev" class="button secondary" on:click=move |_| go(-1)>
                            {move || i18n.t().live_prev}
                        </button>
                    </Show>
                    <Show when=move || target(1).is_some()>
                        <button id="btn-next" class="button" on:click=move |_| go(1)>
                            {move || i18n.t().live_next}
                        </button>
                    </Show>
                </div>
            </Show>
        </div>
    }
}

#[component]
pub(super) fn AgendaPanel(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let items = move || {
        live.state.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.agenda
                        .iter()
                        .enumerate()
                        .map(|(i, a)| {
                            (
                                i,
                                a.title.clone(),
                                a.planned_minutes,
                                i == s.current_item && s.phase == Phase::InProgress,
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <div id="agenda" class="card live-card">
            <h2>{move || i18n.t().live_agenda}</h2>
            <ol class="agenda">
                {move || items()
                    .into_iter()
                    .map(|(i, title, minutes, current)| view! {
                        <li class:current=current aria-current=current.then_some("step")>
                            <span>{title}</span>
                            <span class="muted">{format!(" · {minutes}′")}</span>
                            <Show when=move || !current && live.allows(&Command::MoveTo { item: i })>
                                <button class="button small secondary" on:click=move |_| { live.run(Command::MoveTo { item: i }); }>
                                    {move || i18n.t().live_go_here}
                                </button>
                            </Show>
                        </li>
                    })
                    .collect_view()}
            </ol>
            <crate::pages::commitments::ExemplaryCommitments/>
        </div>
    }
}
