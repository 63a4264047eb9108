//! The chair's tools (điều hành): open a vote, conclude an item, assign a
//! task, adopt the minutes, close the meeting once everyone is marked.

use super::connection::Live;
use super::text_form::TextCommandForm;
use crate::i18n::use_i18n;
use crate::ui::{DateInput, date_error_text};
use leptos::prelude::*;
use shared::dates::{DateError, parse_opt_day};
use shared::live::limits::{
    MAX_CONCLUSION_CHARS, MAX_NAME_CHARS, MAX_QUESTION_CHARS, MAX_TASK_CHARS,
};
use shared::live::state::{Command, Refusal, Task};
use shared::rules::vote::{Ballot, VoteKind};

#[component]
pub(super) fn ChairPanel(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let conclude = Callback::new(|text| Some(Command::Conclude { text }));
    let vote_open = move || {
        live.state.with(|s| {
            s.as_ref()
                .and_then(|s| s.votes.last())
                .is_some_and(|v| v.closed_at.is_none())
        })
    };
    // Why the state machine would not open any vote now (too many votes,
    // the minutes adopted), whatever the form says.
    let cannot_open = move || {
        live.refusal(&Command::OpenVote {
            kind: VoteKind::Resolution,
            ballot: Ballot::Open,
            question: "·".to_string(),
        })
        // The rules' refusals of a kind or a ballot are said when the form is sent.
        .filter(|r| matches!(r, Refusal::Adopted | Refusal::TooMany | Refusal::ChairOnly))
        .map(|r| r.to_string())
    };
    // Nothing the record holds changes once the minutes are adopted.
    let may_conclude = move || {
        live.allows(&Command::Conclude {
            text: "·".to_string(),
        })
    };
    // Each tool folded: the first screen is the chair's queue, the item and the vote.
    view! {
        <div class="card live-card chair">
            <h2>{move || i18n.t().live_chair_tools}</h2>
            // One vote at a time: while one is open its card holds the close button.
            <Show
                when=move || !vote_open()
                fallback=move || view! {
                    <p id="vote-under-way" class="muted">
                        {move || i18n.pick(
                            "Đang biểu quyết: kết thúc biểu quyết này trước khi mở biểu quyết mới.",
                            "A vote is open: close it before opening another.",
                        )}
                    </p>
                }
            >
                {move || match cannot_open() {
                    Some(reason) => view! { <p id="open-vote-refused" class="notice">{reason}</p> }.into_any(),
                    None => view! {
                        <details id="tool-open-vote" class="tool">
                            <summary>{move || i18n.t().vote_open}</summary>
                            <OpenVoteForm live/>
                        </details>
                    }
                    .into_any(),
                }}
            </Show>
            <Show when=may_conclude>
            <details id="tool-conclusion" class="tool">
            <summary>{move || i18n.t().live_conclusion}</summary>
            <TextCommandForm
                live
                id="conclusion-text"
                button_id="btn-conclude"
                label=|t| t.live_conclusion
                button=|t| t.live_save_conclusion
                command=conclude
                maxlength=MAX_CONCLUSION_CHARS
                keep=true
            />
            </details>
            <details id="tool-task" class="tool">
                <summary>{move || i18n.t().task_assign}</summary>
                <TaskForm live/>
            </details>
            </Show>
            <AdoptMinutes live/>
            <CloseMeeting live/>
        </div>
    }
}

/// The kind of vote, open or secret, and the question put to the vote.
#[component]
fn OpenVoteForm(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new(VoteKind::Resolution);
    let secret = RwSignal::new(false);
    let open_vote = Callback::new(move |question| {
        Some(Command::OpenVote {
            kind: kind.get_untracked(),
            ballot: if secret.get_untracked() {
                Ballot::Secret
            } else {
                Ballot::Open
            },
            question,
        })
    });
    view! {
        <TextCommandForm
            live
            id="vote-question"
            button_id="btn-open-vote"
            label=|t| t.vote_question
            button=|t| t.vote_open
            command=open_vote
            maxlength=MAX_QUESTION_CHARS
            rows=1
        >
            <label for="vote-kind">{move || i18n.t().vote_kind}</label>
            <select
                id="vote-kind"
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some(k) = VoteKind::ALL.into_iter().find(|k| format!("{k:?}") == v) {
                        kind.set(k);
                    }
                }
            >
                {VoteKind::ALL
                    .into_iter()
                    .map(|k| view! { <option value=format!("{k:?}")>{move || k.label(i18n.lang())}</option> })
                    .collect_view()}
            </select>
            <label class="choice">
                <input type="checkbox" id="vote-secret" prop:checked=move || secret.get() on:change=move |ev| secret.set(event_target_checked(&ev))/>
                {move || i18n.t().vote_secret}
            </label>
        </TextCommandForm>
    }
}

/// Thông qua biên bản: the secretary read the minutes out and the cell
/// adopted them; after a confirmation, as it cannot be undone.
#[component]
pub(super) fn AdoptMinutes(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let confirm = RwSignal::new(false);
    let adopted_at = move || {
        live.state
            .with(|s| s.as_ref().and_then(|s| s.minutes_adopted_at))
    };
    view! {
        <div class="adopt-minutes">
            {move || match adopted_at() {
                Some(at) => view! { <MinutesAdopted at/> }.into_any(),
                None if confirm.get() => view! {
                    <p class="big">{move || i18n.t().live_adopt_confirm_q}</p>
                    <div class="actions two">
                        <button id="btn-adopt-confirm" class="button" on:click=move |_| {
                            live.run(Command::AdoptMinutes);
                            confirm.set(false);
                        }>
                            {move || i18n.t().live_adopt_confirm}
                        </button>
                        <button class="button secondary" on:click=move |_| confirm.set(false)>
                            {move || i18n.t().cancel}
                        </button>
                    </div>
                }
                    .into_any(),
                None => view! {
                    <button id="btn-adopt" class="button secondary wide" on:click=move |_| confirm.set(true)>
                        {move || i18n.t().live_adopt}
                    </button>
                }
                    .into_any(),
            }}
        </div>
    }
}

/// "Biên bản đã được chi bộ thông qua lúc 15:42 ngày 05/12/2030."
#[component]
pub(super) fn MinutesAdopted(at: chrono::NaiveDateTime) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p id="minutes-adopted" class="ok-line">
            {move || format!("{} {}.", i18n.t().live_adopted_at, at.format("%H:%M ngày %d/%m/%Y"))}
        </p>
    }
}

/// Bế mạc, after a confirmation: the record cannot be changed afterwards.
/// Not before every member of the roll is marked present or absent: the
/// button stays disabled, with the names still to mark.
#[component]
fn CloseMeeting(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let confirm_close = RwSignal::new(false);
    let unmarked = move || {
        live.state.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.unmarked()
                        .into_iter()
                        .map(|r| (r.member_id, r.full_name.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let all_marked = move || unmarked().is_empty();
    view! {
        <div class="close-meeting">
            <Show when=move || !all_marked()>
                <div id="unmarked" class="notice warn" role="status">
                    <p>{move || format!("{} ({}):", i18n.t().live_close_needs_marks, unmarked().len())}</p>
                    <ul class="unmarked-list">
                        {move || unmarked()
                            .into_iter()
                            .map(|(id, name)| view! { <li data-member=id.to_string()>{name}</li> })
                            .collect_view()}
                    </ul>
                </div>
            </Show>
            <Show
                when=move || confirm_close.get() && all_marked()
                fallback=move || view! {
                    <button
                        id="btn-close"
                        class="button danger wide"
                        disabled=move || !all_marked()
                        on:click=move |_| confirm_close.set(true)
                    >
                        {move || i18n.t().live_close}
                    </button>
                }
            >
                <p class="big">{move || i18n.t().live_close_confirm_q}</p>
                <div class="actions two">
                    <button id="btn-close-confirm" class="button" on:click=move |_| {
                        live.run(Command::Close);
                        confirm_close.set(false);
                    }>
                        {move || i18n.t().live_close_confirm}
                    </button>
                    <button class="button secondary" on:click=move |_| confirm_close.set(false)>
                        {move || i18n.t().cancel}
                    </button>
                </div>
            </Show>
        </div>
    }
}

/// Giao nhiệm vụ: to a member on the roll or to a name, with a due date.
#[component]
fn TaskForm(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let who = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let what = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let due_error = RwSignal::new(None::<DateError>);
    let roll = move || {
        live.state
            .with(|s| s.as_ref().map(|s| s.roll.clone()).unwrap_or_default())
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let due_date = match parse_opt_day(&due.get_untracked()) {
            Ok(d) => d,
            Err(e) => {
                due_error.set(Some(e));
                return;
            }
        };
        due_error.set(None);
        let assignee = who.get_untracked().parse().ok().map(shared::MemberId);
        let assignee_name = match assignee {
            Some(m) => live.state.with_untracked(|s| {
                s.as_ref()
                    .and_then(|s| s.roll_entry(m))
                    .map(|r| r.full_name.clone())
                    .unwrap_or_default()
            }),
            None => name.get_untracked(),
        };
        if live.run(Command::AssignTask {
            task: Task {
                assignee,
                assignee_name,
                what: what.get_untracked(),
                due: due_date,
            },
        }) {
            what.set(String::new());
            due.set(String::new());
        }
    };
    view! {
        <form class="form task-form" on:submit=submit>
            <h3>{move || i18n.t().task_assign}</h3>
            <label for="task-who">{move || i18n.t().task_who}</label>
            <select id="task-who" on:change=move |ev| who.set(event_target_value(&ev))>
                <option value="">{move || i18n.t().task_free_name}</option>
                {move || roll()
                    .into_iter()
                    .map(|r| view! { <option value=r.member_id.to_string()>{r.full_name}</option> })
                    .collect_view()}
            </select>
            <Show when=move || who.get().is_empty()>
                <input
                    id="task-name"
                    maxlength=MAX_NAME_CHARS
                    aria-label=move || i18n.t().task_free_name
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
            </Show>
            <label for="task-what">{move || i18n.t().task_what}</label>
            <input id="task-what" maxlength=MAX_TASK_CHARS prop:value=move || what.get() on:input=move |ev| what.set(event_target_value(&ev))/>
            <label for="task-due">{move || i18n.t().task_due}</label>
            <DateInput id="task-due" value=due described_by="e-task-due"/>
            <p class="field-error" id="e-task-due">
                {move || due_error.get().map(|e| date_error_text(e, i18n.t()))}
            </p>
            <button id="btn-assign" type="submit" class="button">{move || i18n.t().task_assign}</button>
            <TaskList live/>
        </form>
    }
}

/// The tasks assigned so far.
#[component]
fn TaskList(live: Live) -> impl IntoView {
    let tasks = move || {
        live.state
            .with(|s| s.as_ref().map(|s| s.tasks.clone()).unwrap_or_default())
    };
    view! {
        <ul class="tasks">
            {move || tasks()
                .into_iter()
                .map(|t| {
                    let due = t.due.map(|d| format!(" — {}", crate::ui::format_date(d)));
                    view! { <li><strong>{t.assignee_name}</strong>": "{t.what}{due}</li> }
                })
                .collect_view()}
        </ul>
    }
}
