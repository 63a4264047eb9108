//! Member inspections (kiểm tra đảng viên) at `/org/:id/inspections`: for a
//! cell, the year's inspections against its target with the form to record
//! one; for a committee, its progress ("229/321 chi bộ, 71,33%") and the
//! cells behind, also shown as a panel of the dashboard. Checks and figures
//! are `shared::inspections`'s; the server says who may do what.

use crate::api;
use crate::i18n::{Lang, use_i18n};
use crate::pages::org::{bad_address, param_id};
use crate::ui::{DateInput, date_error_text, format_date, loaded, today};
use chrono::Datelike;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::inspections::{
    CellInspections, Inspection, InspectionDraft, InspectionProgress, MAX_CONCLUSION_CHARS,
    MAX_CONTENT_CHARS, MAX_FOLLOW_UP_CHARS,
};
use shared::org::OrgKind;
use shared::{FieldErrors, MemberId, OrgId};

fn error_text(e: &FieldErrors) -> String {
    e.0.iter()
        .map(|f| f.text(crate::i18n::lang()).to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
pub fn InspectionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id("id");
    let year = RwSignal::new(today().year());
    let detail = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::organization(OrgId(id)).await,
                None => Err(bad_address(i18n)),
            }
        }
    });
    view! {
        <section class="page inspections">
            <h1>{move || format!("{} {}", i18n.pick("Kiểm tra đảng viên năm", "Member inspections"), year.get())}</h1>
            <p class="actions">
                <button class="button small secondary" on:click=move |_| year.update(|y| *y -= 1)>"‹"</button>
                " "
                <button class="button small secondary" on:click=move |_| year.update(|y| *y += 1)>"›"</button>
            </p>
            {loaded(detail, move |d| {
                let org = d.org.id;
                let kind = d.org.kind;
                view! {
                    <h2><A href=format!("/org/{org}")>{d.org.name}</A></h2>
                    {move || {
                        let y = year.get();
                        if kind == OrgKind::Cell {
                            view! { <CellInspectionsView cell=org year=y/> }.into_any()
                        } else {
                            view! { <ProgressPanel org year=y/> }.into_any()
                        }
                    }}
                }
            })}
        </section>
    }
}

/// A committee's progress over its cells, and the cells behind their target.
#[component]
pub fn ProgressPanel(org: OrgId, year: i32) -> impl IntoView {
    let i18n = use_i18n();
    let progress = LocalResource::new(move || api::inspection_progress(org, year));
    view! {
        <div class="card inspection-progress">
            <h3>{move || format!("{} {year}", i18n.pick("Kiểm tra đảng viên theo chỉ tiêu năm", "Member inspections against the targets of"))}</h3>
            {loaded(progress, |p: InspectionProgress| {
                let i18n = use_i18n();
                let (vi, en) = (p.label_vi.clone(), p.label_en.clone());
                view! {
                    <p class="figure" id="inspection-progress">
                        {move || if i18n.lang() == Lang::Vi { vi.clone() } else { en.clone() }}
                    </p>
                    {(!p.behind.is_empty()).then(|| view! {
                        <p class="muted">{move || i18n.pick("Chi bộ chưa đạt chỉ tiêu (đã kiểm tra/chỉ tiêu):", "Cells behind (done/target):")}</p>
                        <ul class="link-list" id="inspections-behind">
                            {p.behind.into_iter().map(|c| view! {
                                <li>
                                    <A href=format!("/org/{}/inspections", c.cell_id)>
                                        <span class="name">{c.cell_name}</span>
                                        <span class="count">{format!("{}/{}", c.done, c.target)}</span>
                                    </A>
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                }
            })}
        </div>
    }
}

#[component]
fn CellInspectionsView(cell: OrgId, year: i32) -> impl IntoView {
    let data = LocalResource::new(move || api::cell_inspections(cell, year));
    view! {
        {loaded(data, move |c: CellInspections| {
            view! { <CellYear data=c on_saved=Callback::new(move |()| data.refetch())/> }
        })}
    }
}

#[component]
fn CellYear(data: CellInspections, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let s = data.standing.clone();
    let on = s.on_target();
    let form = data.may_record.then(|| {
        view! { <RecordForm cell=data.cell_id members=data.members.clone() on_saved/> }
    });
    view! {
        <p class="figure" id="cell-inspection-standing" class:ok=on>
            {move || if i18n.lang() == Lang::Vi {
                format!("Đã kiểm tra {}/{} đảng viên theo chỉ tiêu{}", s.done, s.target,
                    if s.on_target() { " — đạt" } else { "" })
            } else {
                format!("{}/{} members inspected against the target{}", s.done, s.target,
                    if s.on_target() { " — on target" } else { "" })
            }}
        </p>
        {form}
        {if data.inspections.is_empty() {
            view! { <p class="empty">{move || i18n.pick("Chưa có cuộc kiểm tra nào trong năm.", "No inspection this year.")}</p> }.into_any()
        } else {
            view! {
                <ul class="inspections" id="inspections-list">
                    {data.inspections.into_iter().map(|i| view! { <InspectionCard item=i on_saved/> }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

#[component]
fn InspectionCard(item: Inspection, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let id = item.id;
    let error = RwSignal::new(None::<String>);
    let remove = move |_| {
        leptos::task::spawn_local(async move {
            match api::delete_inspection(id).await {
                Ok(()) => on_saved.run(()),
                Err(e) => error.set(Some(e.message(i18n.t()))),
            }
        });
    };
    view! {
        <li class="card">
            <h3>{item.member_name.clone()}</h3>
            <p>{item.content.clone()}</p>
            <p class="muted">
                {move || i18n.pick("Thời kỳ kiểm tra", "Period")} " "
                {format!("{} – {}", format_date(item.period_from), format_date(item.period_to))}
                " · " {move || i18n.pick("kết luận ngày", "concluded on")} " " {format_date(item.concluded_on)}
            </p>
            <p><strong>{move || i18n.pick("Kết luận: ", "Conclusion: ")}</strong>{item.conclusion.clone()}</p>
            {(!item.follow_up.is_empty()).then(|| view! {
                <p><strong>{move || i18n.pick("Sau kiểm tra: ", "Follow-up: ")}</strong>{item.follow_up.clone()}</p>
            })}
            <p class="muted">{move || i18n.pick("Người ghi: ", "Recorded by: ")} {item.recorded_by_name.clone()}</p>
            {item.may_change.then(|| view! {
                <button type="button" class="button small secondary" on:click=remove>
                    {move || i18n.pick("Xóa", "Delete")}
                </button>
            })}
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </li>
    }
}

#[component]
fn RecordForm(
    cell: OrgId,
    members: Vec<shared::inspections::Inspectable>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let member = RwSignal::new(members.first().map(|m| m.id.0).unwrap_or(0));
    let day = today();
    let content = RwSignal::new(String::new());
    let from = RwSignal::new(format_date(
        chrono::NaiveDate::from_ymd_opt(day.year(), 1, 1).unwrap_or(day),
    ));
    let to = RwSignal::new(format_date(day));
    let concluded = RwSignal::new(format_date(day));
    let conclusion = RwSignal::new(String::new());
    let follow_up = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        use shared::dates::parse_day;
        let dates = (
            parse_day(&from.get_untracked()),
            parse_day(&to.get_untracked()),
            parse_day(&concluded.get_untracked()),
        );
        let (period_from, period_to, concluded_on) = match dates {
            (Ok(f), Ok(t), Ok(c)) => (f, t, c),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                error.set(Some(date_error_text(e, i18n.t()).to_string()));
                return;
            }
        };
        let draft = InspectionDraft {
            member_id: MemberId(member.get_untracked()),
            content: content.get_untracked(),
            period_from,
            period_to,
            concluded_on,
            conclusion: conclusion.get_untracked(),
            follow_up: follow_up.get_untracked(),
        };
        // Membership is the server's to check; the rest is checked here first.
        if let Err(e) = draft.check(today(), true) {
            error.set(Some(error_text(&e)));
            return;
        }
        leptos::task::spawn_local(async move {
            match api::record_inspection(cell, draft).await {
                Ok(_) => {
                    error.set(None);
                    content.set(String::new());
                    conclusion.set(String::new());
                    follow_up.set(String::new());
                    on_saved.run(());
                }
                Err(e) => error.set(Some(e.message(i18n.t()))),
            }
        });
    };
    view! {
        <details class="card">
            <summary id="btn-new-inspection">{move || i18n.pick("Ghi một cuộc kiểm tra", "Record an inspection")}</summary>
            <form class="form" id="inspection-form" on:submit=submit>
                <label>{move || i18n.pick("Đảng viên được kiểm tra", "Member inspected")}
                    <select id="insp-member" on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse() { member.set(v); }
                    }>
                        {members.iter().map(|m| view! { <option value=m.id.0.to_string()>{m.name.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label>{move || i18n.pick("Nội dung kiểm tra", "Content")}
                    <textarea id="insp-content" rows="2" maxlength=MAX_CONTENT_CHARS.to_string()
                        prop:value=move || content.get() on:input=move |ev| content.set(event_target_value(&ev))></textarea>
                </label>
                <label>{move || i18n.pick("Từ ngày", "From")}
                    <DateInput id="insp-from" value=from described_by="inspection-error"/>
                </label>
                <label>{move || i18n.pick("Đến ngày", "To")}
                    <DateInput id="insp-to" value=to described_by="inspection-error"/>
                </label>
                <label>{move || i18n.pick("Ngày kết luận", "Concluded on")}
                    <DateInput id="insp-concluded" value=concluded described_by="inspection-error"/>
                </label>
                <label>{move || i18n.pick("Kết luận", "Conclusion")}
                    <textarea id="insp-conclusion" rows="2" maxlength=MAX_CONCLUSION_CHARS.to_string()
                        prop:value=move || conclusion.get() on:input=move |ev| conclusion.set(event_target_value(&ev))></textarea>
                </label>
                <label>{move || i18n.pick("Việc cần làm sau kiểm tra", "Follow-up")}
                    <textarea id="insp-follow-up" rows="2" maxlength=MAX_FOLLOW_UP_CHARS.to_string()
                        prop:value=move || follow_up.get() on:input=move |ev| follow_up.set(event_target_value(&ev))></textarea>
                </label>
                <button type="submit" class="button" id="btn-record-inspection">{move || i18n.pick("Ghi kiểm tra", "Record")}</button>
                <p class="form-error" id="inspection-error" role="alert">{move || error.get()}</p>
            </form>
        </details>
    }
}
