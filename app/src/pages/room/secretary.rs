//! The secretary's tools (thư ký): note an opinion said in the room for the
//! member who said it, and keep the minutes' text.

use super::connection::Live;
use super::text_form::TextCommandForm;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use shared::live::limits::{MAX_MINUTES_CHARS, MAX_TEXT_CHARS};
use shared::live::state::{Command, Speaker};

#[component]
pub(super) fn SecretaryPanel(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let minutes = live
        .state
        .with_untracked(|s| s.as_ref().map(|s| s.minutes.clone()).unwrap_or_default());
    let save_minutes = Callback::new(|text| Some(Command::EditMinutes { text }));
    view! {
        <div class="card live-card secretary">
            <h2>{move || i18n.t().live_secretary_tools}</h2>
            // Folded, as the chair's tools: the chair often keeps the minutes too.
            <details id="tool-note" class="tool">
                <summary>{move || i18n.t().live_note}</summary>
                <NoteForm live/>
            </details>
            <details id="tool-minutes" class="tool">
            <summary>{move || i18n.t().live_minutes_text}</summary>
            <TextCommandForm
                live
                id="minutes-text"
                button_id="btn-minutes"
                label=|t| t.live_minutes_text
                button=|t| t.save
                command=save_minutes
                maxlength=MAX_MINUTES_CHARS
                rows=6
                keep=true
                initial=minutes
            />
            </details>
        </div>
    }
}

/// An opinion said in the room, written in for the member who said it.
#[component]
fn NoteForm(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let author = RwSignal::new(String::new());
    let roll = move || {
        live.state
            .with(|s| s.as_ref().map(|s| s.roll.clone()).unwrap_or_default())
    };
    let note = Callback::new(move |text| {
        let Ok(id) = author.get_untracked().parse() else {
            live.flash.set(Some(i18n.t().live_pick_author.to_string()));
            return None;
        };
        Some(Command::Opine {
            text,
            on_behalf_of: Some(Speaker::Member(shared::MemberId(id))),
        })
    });
    view! {
        <TextCommandForm
            live
            id="note-text"
            button_id="btn-note"
            label=|t| t.live_your_opinion
            button=|t| t.live_note
            command=note
            maxlength=MAX_TEXT_CHARS
            rows=2
            label_hidden=true
        >
            <label for="note-author">{move || i18n.t().live_note_for}</label>
            <select id="note-author" on:change=move |ev| author.set(event_target_value(&ev))>
                <option value="">"—"</option>
                {move || roll()
                    .into_iter()
                    .map(|r| view! { <option value=r.member_id.to_string()>{r.full_name}</option> })
                    .collect_view()}
            </select>
        </TextCommandForm>
    }
}
