//! Tasks from closed meetings and their follow-up: "Việc của tôi" on the home
//! page, and a closed meeting's tasks with their statuses. Who may update, the
//! statuses and lateness come from `shared::followup` (the server says
//! `may_update` and today's status).

use crate::api;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::MeetingId;
use shared::followup::{MAX_NOTE_CHARS, ShownStatus, TaskUpdate, TaskView};

/// "Việc của tôi": the tasks assigned to me, each with its meeting, due date,
/// status and a small form; nothing to show for an account without tasks.
#[component]
pub fn MyTasks() -> impl IntoView {
    let i18n = use_i18n();
    let tasks = LocalResource::new(api::my_tasks);
    view! {
        <div class="card" id="my-tasks">
            <h2>{move || i18n.t().my_tasks_title}</h2>
            <Transition fallback=|| ()>
                {move || tasks.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">{move || i18n.t().no_tasks}</p>
                    }.into_any(),
                    Ok(list) => view! { <TaskList list show_meeting=true/> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.message(i18n.t())}</p> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

/// A closed meeting's tasks with their statuses.
#[component]
pub fn MeetingTasks(id: MeetingId) -> impl IntoView {
    let i18n = use_i18n();
    let tasks = LocalResource::new(move || api::meeting_tasks(id));
    view! {
        <Transition fallback=|| ()>
            {move || tasks.get().and_then(|r| r.ok()).filter(|l| !l.is_empty()).map(|list| view! {
                <div class="card" id="meeting-tasks">
                    <h2>{move || i18n.t().meeting_tasks_title}</h2>
                    <TaskList list show_meeting=false/>
                </div>
            })}
        </Transition>
    }
}

#[component]
fn TaskList(list: Vec<TaskView>, show_meeting: bool) -> impl IntoView {
    view! {
        <ul class="tasks">
            {list.into_iter().map(|t| view! { <TaskRow task=t show_meeting/> }).collect_view()}
        </ul>
    }
}

fn badge_class(s: ShownStatus) -> &'static str {
    match s {
        ShownStatus::Open => "badge task-open",
        ShownStatus::Done => "badge task-done",
        ShownStatus::Late => "badge task-late",
    }
}

/// One task: what, who, when due, its status, and for its owner a note and
/// the button to mark it done or reopen it.
#[component]
fn TaskRow(task: TaskView, show_meeting: bool) -> impl IntoView {
    let i18n = use_i18n();
    let row_id = format!("task-{}-{}", task.meeting_id, task.index);
    let view_now = RwSignal::new(task);
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = view_now.get_untracked();
        let status = if t.status == ShownStatus::Done {
            ShownStatus::Open
        } else {
            ShownStatus::Done
        };
        let update = TaskUpdate {
            status,
            note: note.get_untracked(),
        };
        busy.set(true);
        saved.set(false);
        leptos::task::spawn_local(async move {
            match api::update_task(t.meeting_id, t.index, update).await {
                Ok(v) => {
                    view_now.set(v);
                    note.set(String::new());
                    error.set(None);
                    saved.set(true);
                }
                Err(e) => error.set(Some(e.message(i18n.t()))),
            }
            busy.set(false);
        });
    };
    view! {
        <li class="task" id=row_id>
            {move || {
                let t = view_now.get();
                let s = t.status;
                let due = t.task.due.map(|d| d.format("%d/%m/%Y").to_string());
                view! {
                    <p class="task-what">
                        <span class=badge_class(s)>{move || i18n.pick(s.label_vi(), s.label_en())}</span>
                        " " <strong>{t.task.assignee_name.clone()}</strong> ": " {t.task.what.clone()}
                    </p>
                    <p class="muted">
                        {match due {
                            Some(d) => view! { {move || i18n.t().task_due_short} ": " {d} }.into_any(),
                            None => view! { {move || i18n.t().task_no_due} }.into_any(),
                        }}
                        {show_meeting.then(|| view! {
                            " · " <A href=format!("/meetings/{}", t.meeting_id)>{t.meeting_title.clone()}</A>
                        })}
                    </p>
                    {t.follow_up.clone().filter(|f| !f.note.is_empty()).map(|f| view! {
                        <p class="task-note">{move || i18n.t().task_note} ": " {f.note.clone()}
                            " (" {move || i18n.t().task_updated_by} " " {f.updated_by.clone()} ")"</p>
                    })}
                }
            }}
            <Show when=move || view_now.with(|t| t.may_update)>
                <form class="task-form" on:submit=submit>
                    <input type="text" class="task-note-input" maxlength=MAX_NOTE_CHARS
                        placeholder=move || i18n.t().task_note
                        prop:value=move || note.get()
                        on:input=move |ev| note.set(event_target_value(&ev))/>
                    <button type="submit" class="button small task-toggle" disabled=move || busy.get()>
                        {move || if view_now.with(|t| t.status == ShownStatus::Done) {
                            i18n.t().task_reopen
                        } else {
                            i18n.t().task_mark_done
                        }}
                    </button>
                </form>
            </Show>
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            {move || saved.get().then(|| view! { <p class="notice" role="status">{move || i18n.t().task_saved}</p> })}
        </li>
    }
}
