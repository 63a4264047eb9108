//! Preparing the meeting (chuẩn bị), over HTTP, never through the live
//! record: before the opening, a member asks to be excused (xin vắng) and
//! sends opinions on agenda items in advance (góp ý trước); the cell's
//! secretary accepts or refuses the requests and sees how many opinions each
//! item received. In the room, the chair and the secretary read the opinions
//! sent in advance on the item under discussion. The rules are
//! `shared::preparation`'s; the server checks them again.

use super::connection::Live;
use crate::api::{self, ApiError};
use crate::i18n::{I18n, Lang, use_i18n};
use crate::ui::loaded;
use leptos::prelude::*;
use shared::MeetingId;
use shared::i18n::Message;
use shared::preparation::{
    AbsenceDecision, AbsenceRequest, AbsenceRequestDraft, AbsenceStatus, AdvanceOpinionDraft,
    MAX_ABSENCE_REASON_CHARS, MAX_ADVANCE_OPINION_CHARS, MAX_DECISION_NOTE_CHARS, Preparation,
    on_item,
};

fn status_label(i18n: I18n, status: AbsenceStatus) -> &'static str {
    match i18n.lang() {
        Lang::Vi => status.label_vi(),
        Lang::En => status.label_en(),
    }
}

/// What a sent change says: done, or the server's words.
fn outcome<T>(i18n: I18n, result: &Result<T, ApiError>) -> String {
    match result {
        Ok(_) => i18n.t().prep_sent.to_string(),
        Err(e) => {
            let fields = e.fields();
            fields
                .0
                .first()
                .map(|f| f.text(crate::i18n::lang()).to_string())
                .unwrap_or_else(|| e.message(i18n.t()))
        }
    }
}

/// Before the opening: the member's request and opinions, the secretary's
/// decisions and the count of opinions per item.
#[component]
pub(super) fn PreparationPanel(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let id = live.meeting();
    let prep = LocalResource::new(move || api::preparation(id));
    let reload = Callback::new(move |()| prep.refetch());
    // Whatever was last sent, and how it went.
    let message = RwSignal::new(None::<String>);
    view! {
        <div id="preparation" class="card live-card preparation">
            <h2>{move || i18n.t().prep_title}</h2>
            <p
                id="prep-message"
                role="status"
                aria-live="polite"
                class:notice=move || message.with(Option::is_some)
                class:warn=move || message.with(|m| m.as_ref().is_some_and(|m| *m != i18n.t().prep_sent))
            >
                {move || message.get()}
            </p>
            {loaded(prep, move |p: Preparation| {
                view! {
                    {p.may_prepare.then(|| view! { <MyAbsence id request=p.my_request.clone() reload message/> })}
                    {p.may_decide.then(|| view! { <Requests id requests=p.requests.clone() reload message/> })}
                    <Opinions live prep=p.clone() reload message/>
                }
            })}
        </div>
    }
}

/// "Xin vắng": the member's request, its decision, and the form to send,
/// rewrite or withdraw it.
#[component]
fn MyAbsence(
    id: MeetingId,
    request: Option<AbsenceRequest>,
    reload: Callback<()>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let has_request = request.is_some();
    let reason = RwSignal::new(
        request
            .as_ref()
            .map(|r| r.reason.clone())
            .unwrap_or_default(),
    );
    let busy = RwSignal::new(false);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = AbsenceRequestDraft {
            reason: reason.get_untracked(),
        };
        // The same check as the server's, answered at once.
        if let Err(e) = draft.check() {
            message.set(Some(e.text(i18n.lang())));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::request_absence(id, draft).await;
            message.try_set(Some(outcome(i18n, &result)));
            busy.try_set(false);
            if result.is_ok() {
                reload.run(());
            }
        });
    };
    let withdraw = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::withdraw_absence(id).await;
            message.try_set(Some(outcome(i18n, &result)));
            busy.try_set(false);
            if result.is_ok() {
                reload.run(());
            }
        });
    };
    view! {
        <section id="my-absence" class="prep-section">
            <h3>{move || t().prep_absence_title}</h3>
            {request.map(|r| {
                let status = r.status;
                let note = r.note.clone();
                view! {
                    <p class="absence-status" data-status=status.as_str()>
                        <strong>{move || t().prep_absence_status}": "</strong>
                        {move || status_label(i18n, status)}
                    </p>
                    {(!note.is_empty()).then(|| view! {
                        <p class="muted">{move || t().prep_note}": "{note.clone()}</p>
                    })}
                }
            })}
            <form class="form" on:submit=send>
                <label for="absence-reason">{move || t().prep_absence_reason}</label>
                <textarea
                    id="absence-reason"
                    rows=2
                    maxlength=MAX_ABSENCE_REASON_CHARS
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))
                ></textarea>
                <div class="actions two">
                    <button id="btn-absence" type="submit" class="button" disabled=move || busy.get()>
                        {move || t().prep_absence_send}
                    </button>
                    {has_request.then(|| view! {
                        <button
                            id="btn-absence-withdraw"
                            type="button"
                            class="button secondary"
                            disabled=move || busy.get()
                            on:click=withdraw
                        >
                            {move || t().prep_absence_withdraw}
                        </button>
                    })}
                </div>
            </form>
        </section>
    }
}

/// The requests, for whoever decides them: accept or refuse, with a note.
#[component]
fn Requests(
    id: MeetingId,
    requests: Vec<AbsenceRequest>,
    reload: Callback<()>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let empty = requests.is_empty();
    view! {
        <section id="absence-requests" class="prep-section">
            <h3>{move || t().prep_requests_title}</h3>
            {empty.then(|| view! { <p class="muted">{move || t().prep_no_requests}</p> })}
            <ul class="plain requests">
                {requests
                    .into_iter()
                    .map(|r| view! { <RequestRow id request=r reload message/> })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn RequestRow(
    id: MeetingId,
    request: AbsenceRequest,
    reload: Callback<()>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let member = request.member_id;
    let note = RwSignal::new(request.note.clone());
    let busy = RwSignal::new(false);
    let status = request.status;
    let decide = move |accept: bool| {
        let decision = AbsenceDecision {
            accept,
            note: note.get_untracked(),
        };
        if let Err(e) = decision.check() {
            message.set(Some(e.text(i18n.lang())));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::decide_absence(id, member, decision).await;
            message.try_set(Some(outcome(i18n, &result)));
            busy.try_set(false);
            if result.is_ok() {
                reload.run(());
            }
        });
    };
    let note_id = format!("absence-note-{member}");
    view! {
        <li class="request" data-member=member.0 data-status=status.as_str()>
            <p><strong>{request.member_name.clone()}</strong>" — "{request.reason.clone()}</p>
            <p class="muted">{move || status_label(i18n, status)}</p>
            <label for=note_id.clone()>{move || t().prep_note_optional}</label>
            <input
                id=note_id
                maxlength=MAX_DECISION_NOTE_CHARS
                prop:value=move || note.get()
                on:input=move |ev| note.set(event_target_value(&ev))
            />
            <div class="actions two">
                <button class="button accept" disabled=move || busy.get() on:click=move |_| decide(true)>
                    {move || t().prep_accept}
                </button>
                <button class="button secondary refuse" disabled=move || busy.get() on:click=move |_| decide(false)>
                    {move || t().prep_refuse}
                </button>
            </div>
        </li>
    }
}

/// "Góp ý trước" per agenda item: how many opinions it received, the ones
/// the user may read, and the member's own to send, rewrite or withdraw.
#[component]
fn Opinions(
    live: Live,
    prep: Preparation,
    reload: Callback<()>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let titles: Vec<String> = live.state.with_untracked(|s| {
        s.as_ref()
            .map(|s| s.agenda.iter().map(|a| a.title.clone()).collect())
            .unwrap_or_default()
    });
    let id = live.meeting();
    let agenda_len = titles.len();
    view! {
        <section id="advance-opinions" class="prep-section">
            <h3>{move || t().prep_opinions_title}</h3>
            <ol class="plain prep-items">
                {titles
                    .into_iter()
                    .enumerate()
                    .map(|(i, title)| {
                        let count = prep.opinion_counts.get(i).copied().unwrap_or(0);
                        let on_this = on_item(&prep.opinions, i);
                        let mine = on_this
                            .iter()
                            .find(|o| Some(o.member_id) == prep.my_member)
                            .map(|o| o.text.clone());
                        // Everyone's for the chair and the secretary; one's own is in its box.
                        let shown: Vec<(String, String)> = on_this
                            .iter()
                            .filter(|_| prep.sees_all_opinions)
                            .map(|o| (o.member_name.clone(), o.text.clone()))
                            .collect();
                        view! {
                            <li class="prep-item" data-item=i>
                                <p class="item-title">{format!("{}. {title}", i + 1)}</p>
                                <p class="muted opinion-count">{move || format!("{count} {}", t().prep_opinion_count)}</p>
                                <ul class="plain">
                                    {shown
                                        .into_iter()
                                        .map(|(who, text)| view! { <li class="advance-opinion"><strong>{who}": "</strong>{text}</li> })
                                        .collect_view()}
                                </ul>
                                {prep.may_prepare.then(|| view! { <MyOpinion id item=i agenda_len mine=mine.clone() reload message/> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn MyOpinion(
    id: MeetingId,
    item: usize,
    agenda_len: usize,
    mine: Option<String>,
    reload: Callback<()>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let has = mine.is_some();
    let text = RwSignal::new(mine.unwrap_or_default());
    let busy = RwSignal::new(false);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = AdvanceOpinionDraft {
            text: text.get_untracked(),
        };
        if let Err(e) = draft.check(item, agenda_len) {
            message.set(Some(e.text(i18n.lang())));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::send_advance_opinion(id, item, draft).await;
            message.try_set(Some(outcome(i18n, &result)));
            busy.try_set(false);
            if result.is_ok() {
                reload.run(());
            }
        });
    };
    let withdraw = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::withdraw_advance_opinion(id, item).await;
            message.try_set(Some(outcome(i18n, &result)));
            busy.try_set(false);
            if result.is_ok() {
                reload.run(());
            }
        });
    };
    let field = format!("advance-opinion-{item}");
    view! {
        <form class="form" on:submit=send>
            <label for=field.clone()>{move || t().prep_opinion_label}</label>
            <textarea
                id=field
                rows=2
                maxlength=MAX_ADVANCE_OPINION_CHARS
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <div class="actions two">
                <button type="submit" class="button send-opinion" disabled=move || busy.get()>
                    {move || t().prep_opinion_send}
                </button>
                {has.then(|| view! {
                    <button type="button" class="button secondary" disabled=move || busy.get() on:click=withdraw>
                        {move || t().prep_opinion_withdraw}
                    </button>
                })}
            </div>
        </form>
    }
}

/// In the room, for the chair and the secretary: the opinions sent in
/// advance on the item under discussion.
#[component]
pub(super) fn AdvanceOpinionsPanel(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let id = live.meeting();
    let prep = LocalResource::new(move || api::preparation(id));
    let current = Memo::new(move |_| live.state.with(|s| s.as_ref().map(|s| s.current_item)));
    view! {
        <div id="advance-in-room" class="card live-card">
            <h2>{move || t().prep_advance_in_room}</h2>
            {loaded(prep, move |p: Preparation| {
                move || {
                    let item = current.get().unwrap_or(0);
                    let list: Vec<(String, String)> = on_item(&p.opinions, item)
                        .into_iter()
                        .map(|o| (o.member_name.clone(), o.text.clone()))
                        .collect();
                    if list.is_empty() {
                        view! { <p class="muted">{move || t().prep_no_advance}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain">
                                {list
                                    .into_iter()
                                    .map(|(who, text)| view! { <li class="advance-opinion"><strong>{who}": "</strong>{text}</li> })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                }
            })}
        </div>
    }
}
