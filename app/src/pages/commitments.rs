//! Exemplary commitments (cam kết nêu gương): my commitments of the year, to
//! register and change until the cell reviews them (`/commitments`, from the
//! home page); a cell's members with theirs, who has not registered, and the
//! committee's review of each item (`/org/:id/commitments`, from the cell's
//! page); the cell's commitments under the agenda item on exemplary conduct
//! in the meeting room. Checks and counts are `shared::commitments`'s.

use crate::api;
use crate::i18n::{Lang, use_i18n};
use crate::pages::org::{bad_address, param_id};
use crate::session::use_session;
use crate::ui::{loaded, today};
use chrono::Datelike;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::commitments::{
    self, CellCommitments, Commitment, CommitmentDraft, ItemReview, MAX_ITEM_CHARS, MAX_ITEMS,
    MAX_NOTE_CHARS, MemberCommitments, Review, ReviewDraft,
};
use shared::meeting::Meeting;
use shared::{FieldErrors, OrgId};

fn error_text(e: &FieldErrors) -> String {
    e.0.iter()
        .map(|f| f.text(crate::i18n::lang()).to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The link on the home page: "Cam kết nêu gương năm 2026".
#[component]
pub fn CommitmentsLink() -> impl IntoView {
    let i18n = use_i18n();
    let year = today().year();
    view! {
        <A href="/commitments" attr:class="button secondary" attr:id="btn-my-commitments">
            {move || format!("{} {year}", i18n.pick("Cam kết nêu gương năm", "Example-setting pledges"))}
        </A>
    }
}

/// The items, each with its review when there is one.
#[component]
fn Items(items: Vec<Commitment>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="commitment-items">
            {items
                .into_iter()
                .map(|c| {
                    let review = c.review;
                    let note = c.review_note.clone();
                    view! {
                        <li>
                            <span class="text">{c.text}</span>
                            {review.map(|r| view! {
                                " "
                                <span class=format!("tag review-{}", r.as_str())>
                                    {move || i18n.pick(r.label_vi(), r.label_en())}
                                </span>
                            })}
                            {(!note.is_empty()).then(|| view! { <span class="muted">" — " {note}</span> })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

// ---------------------------------------------------------------- mine

#[component]
pub fn MyCommitmentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let year = today().year();
    let member = session.me().and_then(|m| m.member).map(|m| m.id);
    let data = LocalResource::new(move || async move {
        match member {
            Some(m) => api::member_commitments(m, year).await,
            None => Err(bad_address(i18n)),
        }
    });
    view! {
        <section class="page commitments">
            <h1>{move || format!("{} {year}", i18n.pick("Cam kết nêu gương năm", "Example-setting pledges"))}</h1>
            {loaded(data, move |c| view! { <Mine data=c on_saved=Callback::new(move |()| data.refetch())/> })}
        </section>
    }
}

#[component]
fn Mine(data: MemberCommitments, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let summary = data.summary;
    let year = data.year;
    let member = data.member_id;
    let texts: Vec<String> = data.items.iter().map(|c| c.text.clone()).collect();
    let shown = (!data.may_edit).then(|| view! { <Items items=data.items.clone()/> });
    let edit = data.may_edit.then(|| {
        // At least two fields to start with, one more on request.
        let mut start = texts.clone();
        while start.len() < 2 {
            start.push(String::new());
        }
        let count = RwSignal::new(start.len());
        let items = RwSignal::new(start);
        let error = RwSignal::new(None::<String>);
        let saved = RwSignal::new(false);
        let submit = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let draft = CommitmentDraft {
                items: items.get_untracked(),
            };
            if let Err(e) = draft.check() {
                error.set(Some(error_text(&e)));
                return;
            }
            leptos::task::spawn_local(async move {
                match api::register_commitments(member, year, draft).await {
                    Ok(_) => {
                        error.set(None);
                        saved.set(true);
                        on_saved.run(());
                    }
                    Err(e) => error.set(Some(e.message(i18n.t()))),
                }
            });
        };
        view! {
            <form class="card form" id="commitments-form" on:submit=submit>
                <p class="hint">
                    {move || i18n.pick(
                        "Mỗi ô một nội dung cam kết. Chi bộ đánh giá cuối năm; sau đó không sửa được nữa.",
                        "One commitment per field. The cell reviews them at the year's end; then they can no longer change.",
                    )}
                </p>
                {move || (0..count.get()).map(|i| view! {
                    <label class="field">
                        <span>{format!("{}.", i + 1)}</span>
                        <textarea
                            id=format!("commitment-{i}")
                            rows="2"
                            maxlength=MAX_ITEM_CHARS.to_string()
                            prop:value=move || items.with(|v| v.get(i).cloned().unwrap_or_default())
                            on:input=move |ev| items.update(|v| {
                                if let Some(x) = v.get_mut(i) {
                                    *x = event_target_value(&ev);
                                }
                            })
                        ></textarea>
                    </label>
                }).collect_view()}
                <p class="actions">
                    <button type="button" class="button secondary" id="btn-add-commitment"
                        disabled=move || { count.get() >= MAX_ITEMS }
                        on:click=move |_| {
                            items.update(|v| v.push(String::new()));
                            count.update(|n| *n += 1);
                        }>
                        {move || i18n.pick("Thêm nội dung", "Add an item")}
                    </button>
                    " "
                    <button type="submit" class="button" id="btn-save-commitments">
                        {move || i18n.t().save}
                    </button>
                </p>
                {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                {move || saved.get().then(|| view! {
                    <p class="notice" role="status">{move || i18n.pick("Đã lưu cam kết.", "Pledges saved.")}</p>
                })}
            </form>
        }
    });
    view! {
        <p class="muted" id="commitments-summary">{move || if i18n.lang() == Lang::Vi { summary.label_vi() } else { summary.label_en() }}</p>
        {shown}
        {edit}
    }
}

// ---------------------------------------------------------------- the cell

#[component]
pub fn CellCommitmentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id("id");
    let year = RwSignal::new(today().year());
    let data = LocalResource::new(move || {
        let id = id.get();
        let y = year.get();
        async move {
            match id {
                Some(id) => api::cell_commitments(OrgId(id), y).await,
                None => Err(bad_address(i18n)),
            }
        }
    });
    view! {
        <section class="page commitments">
            <h1>{move || format!("{} {}", i18n.pick("Cam kết nêu gương năm", "Example-setting pledges"), year.get())}</h1>
            <p class="actions">
                <button class="button small secondary" on:click=move |_| year.update(|y| *y -= 1)>"‹"</button>
                " "
                <button class="button small secondary" on:click=move |_| year.update(|y| *y += 1)>"›"</button>
            </p>
            {loaded(data, move |c| view! { <CellList data=c on_saved=Callback::new(move |()| data.refetch())/> })}
        </section>
    }
}

#[component]
fn CellList(data: CellCommitments, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let all = data.members.len();
    let registered = data.registered;
    let missing: Vec<String> = data
        .not_registered()
        .map(|m| m.member_name.clone())
        .collect();
    view! {
        <h2>{data.cell_name.clone()}</h2>
        <p id="commitments-registered">
            {move || format!("{} {registered}/{all}", i18n.pick("Đã đăng ký:", "Registered:"))}
        </p>
        {(!missing.is_empty()).then(|| view! {
            <div class="card">
                <h3>{move || i18n.pick("Chưa đăng ký", "Not registered")}</h3>
                <ul id="not-registered">
                    {missing.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
                </ul>
            </div>
        })}
        <ul class="commitment-members" id="commitment-members">
            {data
                .members
                .into_iter()
                .filter(|m| !m.items.is_empty())
                .map(|m| view! { <MemberRow data=m on_saved/> })
                .collect_view()}
        </ul>
    }
}

#[component]
fn MemberRow(data: MemberCommitments, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let summary = data.summary;
    let points = data.suggested_points;
    let review = data
        .may_review
        .then(|| view! { <ReviewForm data=data.clone() on_saved/> });
    view! {
        <li class="card" data-member=data.member_id.0.to_string()>
            <h3>{data.member_name.clone()}</h3>
            <Items items=data.items.clone()/>
            <p class="muted">
                {move || if i18n.lang() == Lang::Vi { summary.label_vi() } else { summary.label_en() }}
                {points.map(|p| view! {
                    " · " {move || i18n.pick("điểm gợi ý", "suggested points")} " " {p.to_string()}
                })}
            </p>
            {review}
        </li>
    }
}

/// The committee's review: a result and a note per item, all at once.
#[component]
fn ReviewForm(data: MemberCommitments, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let member = data.member_id;
    let year = data.year;
    let rows: Vec<(Commitment, RwSignal<String>, RwSignal<String>)> = data
        .items
        .iter()
        .map(|c| {
            (
                c.clone(),
                RwSignal::new(c.review.unwrap_or(Review::Kept).as_str().to_string()),
                RwSignal::new(c.review_note.clone()),
            )
        })
        .collect();
    let error = RwSignal::new(None::<String>);
    let registered = data.items.clone();
    let sent: Vec<_> = rows.iter().map(|(c, r, n)| (c.id, *r, *n)).collect();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = ReviewDraft {
            items: sent
                .iter()
                .map(|(id, r, n)| ItemReview {
                    id: *id,
                    result: Review::parse(&r.get_untracked()).unwrap_or(Review::Kept),
                    note: n.get_untracked(),
                })
                .collect(),
        };
        if let Err(e) = draft.check(&registered) {
            error.set(Some(error_text(&e)));
            return;
        }
        leptos::task::spawn_local(async move {
            match api::review_commitments(member, year, draft).await {
                Ok(_) => on_saved.run(()),
                Err(e) => error.set(Some(e.message(i18n.t()))),
            }
        });
    };
    view! {
        <details class="review">
            <summary>{move || i18n.pick("Đánh giá việc thực hiện", "Review")}</summary>
            <form class="form" on:submit=submit>
                {rows.into_iter().map(|(c, result, note)| view! {
                    <fieldset>
                        <legend>{format!("{}. {}", c.seq + 1, c.text)}</legend>
                        <select on:change=move |ev| result.set(event_target_value(&ev))>
                            {Review::ALL.into_iter().map(|r| view! {
                                <option value=r.as_str() selected=move || result.get() == r.as_str()>
                                    {move || i18n.pick(r.label_vi(), r.label_en())}
                                </option>
                            }).collect_view()}
                        </select>
                        <input type="text" maxlength=MAX_NOTE_CHARS.to_string()
                            placeholder=move || i18n.pick("Nhận xét", "Note")
                            prop:value=move || note.get()
                            on:input=move |ev| note.set(event_target_value(&ev))/>
                    </fieldset>
                }).collect_view()}
                <button type="submit" class="button">{move || i18n.t().save}</button>
                {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            </form>
        </details>
    }
}

// ---------------------------------------------------------------- the agenda

/// The cell's commitments for the agenda item on exemplary conduct of the
/// meeting on this page (`shared::commitments::exemplary_item`).
#[derive(Debug, Clone)]
pub struct AgendaCommitments {
    item: usize,
    title: String,
    data: RwSignal<Option<CellCommitments>>,
}

/// Loads the cell's commitments of the meeting's year once, when its agenda
/// has an item on exemplary conduct, for `ExemplaryCommitments` below.
pub fn provide_agenda_commitments(meeting: &Meeting) {
    let Some(item) = commitments::exemplary_item(&meeting.draft.agenda) else {
        return;
    };
    let data = RwSignal::new(None);
    let cell = meeting.cell_id;
    let year = meeting.draft.starts_at.year();
    leptos::task::spawn_local(async move {
        // A reader who may not see them gets nothing here.
        if let Ok(c) = api::cell_commitments(cell, year).await {
            data.set(Some(c));
        }
    });
    provide_context(AgendaCommitments {
        item,
        title: meeting
            .draft
            .agenda
            .get(item)
            .map(|i| i.title.clone())
            .unwrap_or_default(),
        data,
    });
}

/// Under the agenda: the item on exemplary conduct and, folded, each member's
/// commitments and who has not registered.
#[component]
pub fn ExemplaryCommitments() -> impl IntoView {
    let i18n = use_i18n();
    use_context::<AgendaCommitments>().map(|ctx| {
    let data = ctx.data;
    let heading = format!("{}. {}", ctx.item + 1, ctx.title);
    view! {
        {move || data.get().map(|c| {
            let all = c.members.len();
            let registered = c.registered;
            let missing: Vec<String> = c.not_registered().map(|m| m.member_name.clone()).collect();
            let heading = heading.clone();
            view! {
                <details class="agenda-commitments" id="agenda-commitments">
                    <summary>
                        {move || i18n.pick("Cam kết nêu gương", "Example-setting pledges")}
                        {format!(" ({registered}/{all}) — {heading}")}
                    </summary>
                    <ul>
                        {c.members.into_iter().filter(|m| !m.items.is_empty()).map(|m| view! {
                            <li>
                                <strong>{m.member_name}</strong>
                                <Items items=m.items/>
                            </li>
                        }).collect_view()}
                    </ul>
                    {(!missing.is_empty()).then(|| view! {
                        <p class="muted">
                            {move || i18n.pick("Chưa đăng ký: ", "Not registered: ")}
                            {missing.join(", ")}
                        </p>
                    })}
                </details>
            }
        })}
    }
    })
}
