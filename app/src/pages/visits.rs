//! Upper-level visits (dự sinh hoạt chi bộ): the committee's plan of a
//! quarter with the fairness flags and warnings and the assignments of its
//! members to cells (`/org/:id/visits/plan`); "Dự sinh hoạt của tôi" with
//! each visit's countdown and the report form (`/visits`); a cell's visits,
//! the recommendations with the answer form and the secretary's in-person
//! visit (`/org/:id/visits`). Checks and countdowns are `shared::visits`'s;
//! the server says who may do what.

use crate::api;
use crate::i18n::use_i18n;
use crate::pages::org::{bad_address, param_id};
use crate::ui::{DateInput, date_error_text, format_date, loaded, today};
use leptos::prelude::*;
use leptos_router::components::A;
use shared::rules::schedule::Quarter;
use shared::rules::scoring::Points;
use shared::visits::{
    FollowAssignment, InPersonVisit, MAX_ANSWER_CHARS, MAX_RECOMMENDATION_CHARS,
    MAX_REPORT_TEXT_CHARS, PlanDraft, PlanEntry, Recommendation, RecommendationAnswer,
    RecommendationStatus, ReportDraft, VisitList, VisitPlan, VisitSource, VisitView, quarter_of,
};
use shared::{AccountId, FieldErrors, OrgId};

fn error_text(e: &FieldErrors) -> String {
    e.0.iter()
        .map(|f| f.text(crate::i18n::lang()).to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn step(q: Quarter, by: i32) -> Quarter {
    let index = q.year * 4 + q.quarter as i32 - 1 + by;
    Quarter {
        year: index.div_euclid(4),
        quarter: index.rem_euclid(4) as u32 + 1,
    }
}

// ---------------------------------------------------------------- the plan

/// "Kế hoạch dự sinh hoạt chi bộ" of a committee, quarter by quarter.
#[component]
pub fn VisitPlanPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id("id");
    let quarter = RwSignal::new(quarter_of(today()));
    let plan = LocalResource::new(move || {
        let (id, q) = (id.get(), quarter.get());
        async move {
            match id {
                Some(id) => api::visit_plan(OrgId(id), q.year, q.quarter).await,
                None => Err(bad_address(i18n)),
            }
        }
    });
    view! {
        <section class="page visit-plan">
            <h1>{move || i18n.t().plan_title}</h1>
            <p class="actions quarter-nav">
                <button type="button" class="button secondary small" id="btn-prev-quarter"
                    on:click=move |_| quarter.update(|q| *q = step(*q, -1))>
                    {move || i18n.t().plan_prev_quarter}
                </button>
                " " <strong id="plan-quarter">{move || quarter.get().to_string()}</strong> " "
                <button type="button" class="button secondary small" id="btn-next-quarter"
                    on:click=move |_| quarter.update(|q| *q = step(*q, 1))>
                    {move || i18n.t().plan_next_quarter}
                </button>
            </p>
            {loaded(plan, |p| view! { <PlanView initial=p/> })}
        </section>
    }
}

#[component]
fn PlanView(initial: VisitPlan) -> impl IntoView {
    let i18n = use_i18n();
    let plan = RwSignal::new(initial.clone());
    let entries = RwSignal::new(
        initial
            .entries
            .iter()
            .map(|e| PlanEntry {
                visitor_id: e.visitor_id,
                cell_id: e.cell_id,
                month: e.month,
            })
            .collect::<Vec<_>>(),
    );
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let committee = initial.committee_id;
    let quarter = initial.quarter;
    let may_plan = initial.may_plan;
    let months: Vec<u32> = (quarter.first_month().month..=quarter.last_month().month).collect();
    let reload = move || {
        leptos::task::spawn_local(async move {
            match api::visit_plan(committee, quarter.year, quarter.quarter).await {
                Ok(p) => plan.set(p),
                Err(e) => error.set(Some(e.message(i18n.t()))),
            }
        });
    };
    let save = move |_| {
        let draft = PlanDraft {
            entries: entries.get_untracked(),
        };
        let members: Vec<AccountId> =
            plan.with_untracked(|p| p.visitors.iter().map(|v| v.id).collect());
        if let Err(e) = draft.check(quarter, &members) {
            error.set(Some(error_text(&e)));
            return;
        }
        busy.set(true);
        saved.set(false);
        leptos::task::spawn_local(async move {
            match api::set_visit_plan(committee, quarter.year, quarter.quarter, draft).await {
                Ok(p) => {
                    plan.set(p);
                    error.set(None);
                    saved.set(true);
                }
                Err(e) => error.set(Some(e.message(i18n.t()))),
            }
            busy.set(false);
        });
    };
    // The line being added.
    let new_visitor = RwSignal::new(initial.visitors.first().map(|v| v.id.0).unwrap_or(0));
    let new_cell = RwSignal::new(
        initial
            .review
            .cells
            .first()
            .map(|c| c.cell_id.0)
            .unwrap_or(0),
    );
    let new_month = RwSignal::new(0u32);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let entry = PlanEntry {
            visitor_id: AccountId(new_visitor.get_untracked()),
            cell_id: OrgId(new_cell.get_untracked()),
            month: Some(new_month.get_untracked()).filter(|m| *m > 0),
        };
        entries.update(|e| e.push(entry));
        saved.set(false);
    };
    let name_of_visitor = move |id: AccountId| {
        plan.with(|p| {
            p.visitors
                .iter()
                .find(|v| v.id == id)
                .map(|v| v.name.clone())
                .or_else(|| {
                    p.entries
                        .iter()
                        .find(|e| e.visitor_id == id)
                        .map(|e| e.visitor_name.clone())
                })
                .unwrap_or_default()
        })
    };
    let name_of_cell = move |id: OrgId| {
        plan.with(|p| {
            p.review
                .cells
                .iter()
                .find(|c| c.cell_id == id)
                .map(|c| c.cell_name.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <h2>{initial.committee_name.clone()}</h2>
        {move || {
            let warnings = plan.with(|p| p.review.warnings.clone());
            (!warnings.is_empty()).then(|| view! {
                <div class="card warnings" id="plan-warnings" role="alert">
                    <h3>{move || i18n.t().plan_warnings_title}</h3>
                    <ul>{warnings.into_iter().map(|w| view! { <li class="plan-warning">{w}</li> }).collect_view()}</ul>
                </div>
            })
        }}
        <h3 id="plan-cells-title">{move || i18n.t().plan_cells_title}</h3>
        <div class="table-scroll" role="region" tabindex="0" aria-labelledby="plan-cells-title">
        <table class="table plan-cells" id="plan-cells">
            <thead><tr>
                <th>{move || i18n.t().plan_col_cell}</th>
                <th>{move || i18n.t().plan_col_last}</th>
                <th>{move || i18n.t().plan_col_window}</th>
                <th>{move || i18n.t().plan_col_followers}</th>
            </tr></thead>
            <tbody>
                {move || plan.get().review.cells.into_iter().map(|c| {
                    let cell = c.cell_id;
                    let last = match (c.last_visit, c.last_visitor.clone()) {
                        (Some(d), Some(who)) => format!("{} · {}", format_date(d), who),
                        _ => i18n.t().plan_never.to_string(),
                    };
                    let visitors = plan.with_untracked(|p| p.visitors.clone());
                    let chosen = RwSignal::new(visitors.first().map(|v| v.id.0).unwrap_or(0));
                    let assign = move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        let req = FollowAssignment { account_id: AccountId(chosen.get_untracked()), cell_id: cell };
                        leptos::task::spawn_local(async move {
                            match api::assign_follower(committee, req).await {
                                Ok(()) => reload(),
                                Err(e) => error.set(Some(e.message(i18n.t()))),
                            }
                        });
                    };
                    view! {
                        <tr class="plan-cell" data-cell=cell.0.to_string()>
                            <td>
                                <A href=format!("/org/{}/visits", cell.0)>{c.cell_name.clone()}</A>
                                {c.neglected.then(|| view! { " " <span class="badge task-late cell-neglected">{move || i18n.t().plan_neglected}</span> })}
                                {c.repeated.then(|| view! { " " <span class="badge task-open cell-repeated">{move || i18n.t().plan_repeated}</span> })}
                                {c.planned.then(|| view! { " " <span class="badge task-done cell-planned">{move || i18n.t().plan_planned}</span> })}
                            </td>
                            <td class="last-visit">{last}</td>
                            <td>{c.visits_in_window}</td>
                            <td>
                                <ul class="followers">
                                    {c.followers.into_iter().map(|f| {
                                        let account = f.id;
                                        let end = move |_| {
                                            leptos::task::spawn_local(async move {
                                                match api::unassign_follower(committee, account, cell).await {
                                                    Ok(()) => reload(),
                                                    Err(e) => error.set(Some(e.message(i18n.t()))),
                                                }
                                            });
                                        };
                                        view! {
                                            <li>{f.name.clone()}
                                                {may_plan.then(|| view! {
                                                    " " <button type="button" class="button small secondary unassign"
                                                        title=move || i18n.t().plan_unassign on:click=end>"×"</button>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                                {(may_plan && !visitors.is_empty()).then(|| view! {
                                    <form class="inline assign-form" on:submit=assign>
                                        <select class="assign-visitor" aria-label=move || i18n.t().plan_col_followers on:change=move |ev| {
                                            if let Ok(v) = event_target_value(&ev).parse() { chosen.set(v); }
                                        }>
                                            {visitors.iter().map(|v| view! { <option value=v.id.0.to_string()>{v.name.clone()}</option> }).collect_view()}
                                        </select>
                                        <button type="submit" class="button small">{move || i18n.t().plan_assign}</button>
                                    </form>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </div>

        <h3>{move || i18n.t().plan_entries_title}</h3>
        {move || {
            let list = entries.get();
            if list.is_empty() {
                return view! { <p class="empty">{move || i18n.t().plan_no_entries}</p> }.into_any();
            }
            let done = plan.with(|p| p.entries.clone());
            view! {
                <ul class="plan-entries" id="plan-entries">
                    {list.into_iter().enumerate().map(|(i, e)| {
                        let carried = done.iter().any(|d| d.visitor_id == e.visitor_id && d.cell_id == e.cell_id && d.done);
                        view! {
                            <li class="plan-entry">
                                <strong>{name_of_visitor(e.visitor_id)}</strong> " → " {name_of_cell(e.cell_id)}
                                {e.month.map(|m| view! { " · " {move || i18n.t().plan_month} " " {m} })}
                                {carried.then(|| view! { " " <span class="badge task-done">{move || i18n.t().plan_done}</span> })}
                                {may_plan.then(|| view! {
                                    " " <button type="button" class="button small secondary"
                                        on:click=move |_| { entries.update(|l| { if i < l.len() { l.remove(i); } }); saved.set(false); }>
                                        {move || i18n.t().plan_remove}
                                    </button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {may_plan.then(|| view! {
            <form class="form inline plan-add" id="plan-add" on:submit=add>
                <label>{move || i18n.t().plan_visitor} " "
                    <select id="plan-visitor" on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse() { new_visitor.set(v); }
                    }>
                        {initial.visitors.iter().map(|v| view! { <option value=v.id.0.to_string()>{v.name.clone()}</option> }).collect_view()}
                    </select>
                </label>
                " "
                <label>{move || i18n.t().plan_col_cell} " "
                    <select id="plan-cell" on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse() { new_cell.set(v); }
                    }>
                        {initial.review.cells.iter().map(|c| view! { <option value=c.cell_id.0.to_string()>{c.cell_name.clone()}</option> }).collect_view()}
                    </select>
                </label>
                " "
                <label>{move || i18n.t().plan_month} " "
                    <select id="plan-month" on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse() { new_month.set(v); }
                    }>
                        <option value="0">{move || i18n.t().plan_any_month}</option>
                        {months.iter().map(|m| view! { <option value=m.to_string()>{*m}</option> }).collect_view()}
                    </select>
                </label>
                " "
                <button type="submit" class="button secondary" id="btn-plan-add">{move || i18n.t().plan_add}</button>
            </form>
            <p class="actions">
                <button type="button" class="button" id="btn-plan-save" on:click=save disabled=move || busy.get()>
                    {move || i18n.t().plan_save}
                </button>
            </p>
        })}
        {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        {move || saved.get().then(|| view! { <p class="notice" role="status" id="plan-saved">{move || i18n.t().plan_saved}</p> })}

        <h3>{move || i18n.t().plan_visitors_title}</h3>
        <ul class="plan-visitors">
            {move || plan.get().review.visitors.into_iter().map(|v| view! {
                <li>
                    <strong>{v.name.clone()}</strong> ": "
                    {v.planned + v.done_before} " / " {v.required} " " {move || i18n.t().plan_required}
                    " (" {v.period.from.to_string()} " – " {v.period.to.to_string()} ")"
                    {v.short.then(|| view! { " " <span class="badge task-late">{move || i18n.t().plan_short}</span> })}
                </li>
            }).collect_view()}
        </ul>
    }
}

// ---------------------------------------------------------------- my visits

/// "Dự sinh hoạt của tôi": my visits, newest first, each with its countdown
/// and, until filed, the report form.
#[component]
pub fn MyVisitsPage() -> impl IntoView {
    let i18n = use_i18n();
    let visits = LocalResource::new(api::my_visits);
    view! {
        <section class="page my-visits">
            <h1>{move || i18n.t().my_visits_title}</h1>
            {loaded(visits, |list: VisitList| {
                if list.visits.is_empty() {
                    return view! { <p class="empty">{move || use_i18n().t().no_visits}</p> }.into_any();
                }
                view! {
                    <ul class="visits">
                        {list.visits.into_iter().map(|v| view! { <VisitCard visit=v answerable=false/> }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </section>
    }
}

fn countdown_class(v: &VisitView) -> &'static str {
    use shared::visits::ReportState;
    match v.countdown.state {
        ReportState::Overdue { .. } => "badge task-late countdown",
        ReportState::Filed { late_days: 1.., .. } => "badge task-open countdown",
        ReportState::Filed { .. } => "badge task-done countdown",
        ReportState::Due { .. } => "badge task-open countdown",
    }
}

/// One visit: where, when, how, the countdown, the report or its form, the
/// recommendations (answerable by the cell's managers).
#[component]
fn VisitCard(visit: VisitView, answerable: bool) -> impl IntoView {
    let i18n = use_i18n();
    let current = RwSignal::new(visit);
    view! {
        {move || {
            let v = current.get();
            let id = format!("visit-{}", v.id);
            let source = v.source;
            let vi_label = v.countdown.label_vi();
            let en_label = v.countdown.label_en();
            let class = countdown_class(&v);
            view! {
                <li class="card visit" id=id>
                    <h3>
                        <A href=format!("/org/{}/visits", v.cell_id)>{v.cell_name.clone()}</A>
                        " · " {format_date(v.date)} " · " {v.visitor_name.clone()}
                    </h3>
                    <p class="muted">
                        {move || match source {
                            VisitSource::Live => i18n.t().visit_source_live,
                            VisitSource::InPerson => i18n.t().visit_source_in_person,
                        }}
                        {v.meeting_id.map(|m| view! {
                            " · " <A href=format!("/meetings/{m}")>{move || i18n.t().visit_meeting_link}</A>
                        })}
                    </p>
                    <p><span class=class>{move || match i18n.lang() {
                        crate::i18n::Lang::Vi => vi_label.clone(),
                        crate::i18n::Lang::En => en_label.clone(),
                    }}</span></p>
                    {v.report.clone().map(|r| view! {
                        <dl class="facts report">
                            <dt>{move || i18n.t().report_content}</dt><dd>{r.content.clone()}</dd>
                            <dt>{move || i18n.t().report_ideology}</dt><dd>{r.ideology.clone()}</dd>
                            <dt>{move || i18n.t().report_issues}</dt><dd>{r.issues.clone()}</dd>
                            {r.proposed_tenths.map(|t| view! {
                                <dt>{move || i18n.t().report_score}</dt><dd>{Points::tenths(t).to_string()}</dd>
                            })}
                        </dl>
                    })}
                    {(!v.recommendations.is_empty()).then(|| view! {
                        <ul class="recommendations">
                            {v.recommendations.clone().into_iter().map(|r| view! { <RecommendationRow rec=r answerable/> }).collect_view()}
                        </ul>
                    })}
                    {v.may_file.then(|| view! { <ReportForm visit=v.id on_filed=Callback::new(move |nv| current.set(nv))/> })}
                </li>
            }
        }}
    }
}

/// The report form, checked with `ReportDraft::check` before sending.
#[component]
fn ReportForm(visit: shared::visits::VisitId, on_filed: Callback<VisitView>) -> impl IntoView {
    let i18n = use_i18n();
    let content = RwSignal::new(String::new());
    let ideology = RwSignal::new(String::new());
    let issues = RwSignal::new(String::new());
    let score = RwSignal::new(String::new());
    let recs = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = score.get_untracked().trim().replace(',', ".");
        let proposed_tenths = if typed.is_empty() {
            None
        } else {
            match typed.parse::<f64>().ok().map(Points::try_from) {
                Some(Ok(p)) => Some(p.as_tenths()),
                _ => {
                    error.set(Some(i18n.t().report_bad_score.to_string()));
                    return;
                }
            }
        };
        let draft = ReportDraft {
            content: content.get_untracked(),
            ideology: ideology.get_untracked(),
            issues: issues.get_untracked(),
            proposed_tenths,
            recommendations: recs.get_untracked().lines().map(str::to_string).collect(),
        };
        let draft = match draft.check() {
            Ok(d) => d,
            Err(e) => {
                error.set(Some(error_text(&e)));
                return;
            }
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::file_visit_report(visit, draft).await {
                Ok(v) => {
                    error.set(None);
                    on_filed.run(v);
                }
                Err(e) => error.set(Some(e.message(i18n.t()))),
            }
            busy.set(false);
        });
    };
    let area = move |id: &'static str,
                     label: fn(&crate::i18n::Texts) -> &'static str,
                     value: RwSignal<String>,
                     max: usize| {
        view! {
            <label class="field" for=id>{move || label(i18n.t())}</label>
            <textarea id=id rows="3" maxlength=max
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        }
    };
    view! {
        <form class="form report-form" on:submit=submit novalidate>
            <h4>{move || i18n.t().report_title}</h4>
            {area("r-content", |t| t.report_content, content, MAX_REPORT_TEXT_CHARS)}
            {area("r-ideology", |t| t.report_ideology, ideology, MAX_REPORT_TEXT_CHARS)}
            {area("r-issues", |t| t.report_issues, issues, MAX_REPORT_TEXT_CHARS)}
            <label class="field" for="r-score">{move || i18n.t().report_score}</label>
            <input id="r-score" type="text" inputmode="decimal" prop:value=move || score.get()
                on:input=move |ev| score.set(event_target_value(&ev))/>
            {area("r-recommendations", |t| t.report_recommendations, recs, MAX_RECOMMENDATION_CHARS * 4)}
            <button type="submit" class="button" id="btn-file-report" disabled=move || busy.get()>
                {move || i18n.t().report_file}
            </button>
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </form>
    }
}

/// One recommendation with its status and note; for the cell's managers the
/// answer form (accepted, done, a note).
#[component]
fn RecommendationRow(rec: Recommendation, answerable: bool) -> impl IntoView {
    let i18n = use_i18n();
    let current = RwSignal::new(rec.clone());
    let status = RwSignal::new(if rec.status == RecommendationStatus::Done {
        RecommendationStatus::Done
    } else {
        RecommendationStatus::Accepted
    });
    let note = RwSignal::new(rec.answer.clone());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let answer = RecommendationAnswer {
            status: status.get_untracked(),
            note: note.get_untracked(),
        };
        let answer = match answer.check() {
            Ok(a) => a,
            Err(e) => {
                error.set(Some(error_text(&e)));
                return;
            }
        };
        let id = current.with_untracked(|r| r.id);
        leptos::task::spawn_local(async move {
            match api::answer_recommendation(id, answer).await {
                Ok(r) => {
                    current.set(r);
                    error.set(None);
                    saved.set(true);
                }
                Err(e) => error.set(Some(e.message(i18n.t()))),
            }
        });
    };
    view! {
        <li class="recommendation" id=format!("rec-{}", rec.id)>
            {move || {
                let r = current.get();
                let s = r.status;
                let class = match s {
                    RecommendationStatus::Open => "badge task-late rec-status",
                    RecommendationStatus::Accepted => "badge task-open rec-status",
                    RecommendationStatus::Done => "badge task-done rec-status",
                };
                view! {
                    <p>
                        <span class=class>{move || i18n.pick(s.label_vi(), s.label_en())}</span>
                        " " {r.text.clone()}
                    </p>
                    <p class="muted">{r.visitor_name.clone()} " · " {format_date(r.visit_date)}
                        {r.answered_by.clone().map(|who| view! {
                            " · " {move || i18n.t().rec_answered_by} " " {who}
                        })}
                    </p>
                    {(!r.answer.is_empty()).then(|| view! { <p class="task-note">{r.answer.clone()}</p> })}
                }
            }}
            {answerable.then(|| view! {
                <form class="inline answer-form" on:submit=submit>
                    <select class="answer-status" aria-label=move || i18n.pick("Tình trạng thực hiện kiến nghị", "Status of the proposal") on:change=move |ev| {
                        if let Some(s) = RecommendationStatus::parse(&event_target_value(&ev)) { status.set(s); }
                    }>
                        {[RecommendationStatus::Accepted, RecommendationStatus::Done].into_iter().map(|s| view! {
                            <option value=s.as_str() selected=move || status.get() == s>
                                {move || i18n.pick(s.label_vi(), s.label_en())}
                            </option>
                        }).collect_view()}
                    </select>
                    " "
                    <input type="text" class="answer-note" maxlength=MAX_ANSWER_CHARS
                        placeholder=move || i18n.t().rec_note
                        prop:value=move || note.get()
                        on:input=move |ev| note.set(event_target_value(&ev))/>
                    " "
                    <button type="submit" class="button small answer-button">{move || i18n.t().rec_answer}</button>
                </form>
            })}
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            {move || saved.get().then(|| view! { <p class="notice" role="status">{move || i18n.t().rec_saved}</p> })}
        </li>
    }
}

// ---------------------------------------------------------------- a cell

/// A cell's recommendations (answered by its managers), its visits, and the
/// secretary's in-person visit.
#[component]
pub fn CellVisitsPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id("id");
    let recs = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::recommendations(OrgId(id)).await,
                None => Err(bad_address(i18n)),
            }
        }
    });
    let visits = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::cell_visits(OrgId(id)).await,
                None => Err(bad_address(i18n)),
            }
        }
    });
    view! {
        <section class="page cell-visits">
            <h1>{move || i18n.t().visits_cell_link}</h1>
            <h2>{move || i18n.t().recs_title}</h2>
            {loaded(recs, |list| {
                if list.recommendations.is_empty() {
                    return view! { <p class="empty">{move || use_i18n().t().no_recs}</p> }.into_any();
                }
                let answerable = list.may_answer;
                view! {
                    <ul class="recommendations" id="cell-recommendations">
                        {list.recommendations.into_iter().map(|r| view! { <RecommendationRow rec=r answerable/> }).collect_view()}
                    </ul>
                }.into_any()
            })}
            <h2>{move || i18n.t().cell_visits_title}</h2>
            {loaded(visits, move |list: VisitList| {
                let cell = id.get_untracked().map(OrgId);
                view! {
                    {(list.may_record && cell.is_some()).then(|| view! {
                        <RecordVisit cell=cell.unwrap_or(OrgId(0)) candidates=list.candidates.clone()
                            on_recorded=Callback::new(move |()| visits.refetch())/>
                    })}
                    {if list.visits.is_empty() {
                        view! { <p class="empty">{move || use_i18n().t().no_visits}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="visits">
                                {list.visits.into_iter().map(|v| view! { <VisitCard visit=v answerable=false/> }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                }
            })}
        </section>
    }
}

/// The secretary records an in-person visit.
#[component]
fn RecordVisit(
    cell: OrgId,
    candidates: Vec<shared::visits::Visitor>,
    on_recorded: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let visitor = RwSignal::new(candidates.first().map(|v| v.id.0).unwrap_or(0));
    let date = RwSignal::new(format_date(today()));
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let day = match shared::dates::parse_day(&date.get_untracked()) {
            Ok(day) => day,
            Err(e) => {
                error.set(Some(date_error_text(e, i18n.t()).to_string()));
                return;
            }
        };
        let req = InPersonVisit {
            visitor_id: AccountId(visitor.get_untracked()),
            date: day,
            meeting_id: None,
        };
        leptos::task::spawn_local(async move {
            match api::record_visit(cell, req).await {
                Ok(_) => {
                    error.set(None);
                    saved.set(true);
                    on_recorded.run(());
                }
                Err(e) => error.set(Some(e.message(i18n.t()))),
            }
        });
    };
    view! {
        <form class="card form record-visit" id="record-visit" on:submit=submit>
            <h3>{move || i18n.t().record_visit_title}</h3>
            <label>{move || i18n.t().record_visitor} " "
                <select id="record-visitor" on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse() { visitor.set(v); }
                }>
                    {candidates.iter().map(|v| view! { <option value=v.id.0.to_string()>{v.name.clone()}</option> }).collect_view()}
                </select>
            </label>
            " "
            <label>{move || i18n.t().record_date} " "
                <DateInput id="record-date" value=date described_by="record-visit-error"/>
            </label>
            " "
            <button type="submit" class="button" id="btn-record-visit">{move || i18n.t().record_button}</button>
            <p class="form-error" id="record-visit-error" role="alert">{move || error.get()}</p>
            {move || saved.get().then(|| view! { <p class="notice" role="status">{move || i18n.t().record_saved}</p> })}
        </form>
    }
}
