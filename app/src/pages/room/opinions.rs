//! The opinions (ý kiến) recorded so far, grouped by agenda item.

use super::connection::Live;
use super::name_of;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::live::state::Speaker;

#[component]
pub(super) fn OpinionsPanel(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let groups = move || {
        live.state.with(|s| {
            let Some(s) = s else { return Vec::new() };
            s.agenda
                .iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    let ops: Vec<_> = s
                        .opinions
                        .iter()
                        .filter(|o| o.item == i)
                        .map(|o| {
                            (
                                name_of(s, o.author, i18n.t()),
                                matches!(o.author, Speaker::Visitor(_)),
                                o.text.clone(),
                            )
                        })
                        .collect();
                    (!ops.is_empty()).then(|| (i + 1, item.title.clone(), ops))
                })
                .collect::<Vec<_>>()
        })
    };
    // A participant's copy of the state carries only the latest opinions;
    // the earlier ones are in the minutes (a preview while the meeting runs).
    let omitted = move || {
        live.state
            .with(|s| s.as_ref().map_or(0, |s| s.omitted_opinions))
    };
    let minutes = format!("/meetings/{}/minutes", live.meeting());
    view! {
        <div id="opinions" class="card live-card">
            <h2>{move || i18n.t().live_opinions}</h2>
            <Show when=move || { omitted() > 0 }>
                <p id="earlier-opinions" class="muted">
                    {move || format!("{} {} ", omitted(), i18n.t().live_earlier_opinions)}
                    <A href=minutes.clone()>{move || i18n.t().live_read_in_minutes}</A>
                </p>
            </Show>
            <Show when=move || groups().is_empty() && omitted() == 0>
                <p class="muted">{move || i18n.t().live_no_opinions}</p>
            </Show>
            {move || groups()
                .into_iter()
                .map(|(n, title, ops)| view! {
                    <h3 class="op-item">{format!("{n}. {title}")}</h3>
                    <ul class="opinions">
                        {ops.into_iter()
                            .map(|(name, visitor, text)| view! {
                                <li class="opinion" class:visitor=visitor>
                                    // The name says "(Đại biểu cấp trên)" already: once, no tag besides.
                                    <strong>{name}</strong>
                                    <p>{text}</p>
                                </li>
                            })
                            .collect_view()}
                    </ul>
                })
                .collect_view()}
        </div>
    }
}
