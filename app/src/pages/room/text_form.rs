//! One form for every text a participant sends as a command: an opinion, the
//! chair's vote question and conclusion, the secretary's notes and minutes.

use super::connection::Live;
use crate::i18n::{Texts, use_i18n};
use leptos::prelude::*;
use shared::live::state::Command;

/// A text box and a button that sends the command made from the text; the box
/// is emptied once the command is on its way, unless `keep`. Other fields of
/// the form (who said it, what kind of vote) come as children, above the box.
#[component]
pub(super) fn TextCommandForm(
    live: Live,
    /// The text box's element id.
    id: &'static str,
    button_id: &'static str,
    label: fn(&Texts) -> &'static str,
    button: fn(&Texts) -> &'static str,
    /// The command for this text, or `None` (after saying why) to send nothing.
    command: Callback<String, Option<Command>>,
    /// The most characters the state machine takes (`shared::live::limits`).
    maxlength: usize,
    /// Rows of the box; a single row is a one-line input.
    #[prop(default = 3)]
    rows: u32,
    /// The label is read out but not shown (a visible one is among the children).
    #[prop(optional)]
    label_hidden: bool,
    /// The text stays after sending: a text edited as a whole, such as the minutes.
    #[prop(optional)]
    keep: bool,
    #[prop(optional)] initial: String,
    #[prop(default = "form")] class: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let text = RwSignal::new(initial);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(command) = command.run(text.get_untracked())
            && live.run(command)
            && !keep
        {
            text.set(String::new());
        }
    };
    let aria_label = move || label_hidden.then(|| label(t()));
    let field = if rows > 1 {
        view! {
            <textarea
                id=id
                rows=rows
                maxlength=maxlength
                aria-label=aria_label
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id
                maxlength=maxlength
                aria-label=aria_label
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            />
        }
        .into_any()
    };
    view! {
        <form class=class on:submit=submit>
            {children.map(|c| c())}
            {(!label_hidden).then(|| view! { <label for=id>{move || label(t())}</label> })}
            {field}
            <button id=button_id type="submit" class="button">{move || button(t())}</button>
        </form>
    }
}
