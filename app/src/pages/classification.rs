//! "Xếp loại chi bộ năm": a committee's year page (`/org/:id/year-review/:year`)
//! listing the cells below it with the figures of their year, the level
//! `shared::classification` suggests and why, the committee's decision and
//! the form to decide; the year's workbook ("Tải .xlsx") and a print. The
//! server computes the figures and says who may decide; the reason rule is
//! `shared::classification::check_decision`'s, checked here before sending.

use crate::api;
use crate::i18n::use_i18n;
use crate::pages::org::{bad_address, param_id};
use crate::ui::{format_date, loaded};
use leptos::prelude::*;
use leptos_router::components::A;
use shared::classification::{
    CellReview, ClassifyRequest, MAX_REASON_CHARS, YearReview, check_decision, level_en, level_str,
    parse_level,
};
use shared::rules::rating::Level;
use shared::{FieldErrors, OrgId};

fn permille(p: Option<u32>) -> String {
    p.map(|p| format!("{},{}", p / 10, p % 10))
        .unwrap_or_else(|| "—".into())
}

/// The year page of a committee.
#[component]
pub fn YearReviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id("id");
    let year = param_id("year");
    let review = LocalResource::new(move || {
        let (id, year) = (id.get(), year.get());
        async move {
            match (id, year.and_then(|y| i32::try_from(y).ok())) {
                (Some(id), Some(y)) => api::year_review(OrgId(id), y).await,
                _ => Err(bad_address(i18n)),
            }
        }
    });
    let export_href = move || {
        format!(
            "/api/organizations/{}/year-review/{}/export.xlsx",
            id.get().unwrap_or(0),
            year.get().unwrap_or(0)
        )
    };
    view! {
        <section class="page year-review">
            <p class="no-print">
                <A href=move || format!("/org/{}", id.get().unwrap_or(0))>
                    {move || i18n.pick("← Về tổ chức", "← Back to the organization")}
                </A>
            </p>
            <h1>
                {move || i18n.pick("Xếp loại chi bộ năm ", "Rating of cells, ")}
                {move || year.get().unwrap_or(0)}
            </h1>
            <p class="actions no-print">
                <a class="button secondary" id="year-review-export" href=export_href download>
                    {move || i18n.pick("Tải .xlsx", "Download .xlsx")}
                </a>
                " "
                <button type="button" class="button secondary" id="year-review-print"
                    on:click=move |_| { let _ = window().print(); }>
                    {move || i18n.pick("In", "Print")}
                </button>
            </p>
            {loaded(review, |r: YearReview| {
                let i18n = use_i18n();
                let until = format_date(r.changes_until);
                view! {
                    <p class="org-name">{r.org_name.clone()}</p>
                    <p class="muted no-print">
                        {move || i18n.pick(
                            "Mức đề xuất tính từ số liệu cả năm; cấp ủy quyết định, khác mức đề xuất phải ghi lý do. Quyết định được sửa (có lý do) đến hết ngày ",
                            "The suggested level comes from the year's figures; the committee decides, with a reason when it differs. A decision may change (with a reason) until ",
                        )}
                        {until}
                        "."
                    </p>
                    {if r.cells.is_empty() {
                        view! { <p class="empty">{move || i18n.pick("Không có chi bộ nào.", "No cells.")}</p> }.into_any()
                    } else {
                        let year = r.year;
                        r.cells.into_iter().map(|c| view! { <CellCard line=c year/> }).collect_view().into_any()
                    }}
                }
            })}
        </section>
    }
}

fn level_label(i18n: crate::i18n::I18n, l: Level) -> &'static str {
    i18n.pick(l.label_vi(), level_en(l))
}

#[component]
fn CellCard(line: CellReview, year: i32) -> impl IntoView {
    let i18n = use_i18n();
    let cell = line.cell_id;
    let current = RwSignal::new(line);
    view! {
        <article class="cell-review" id=format!("cell-review-{cell}")>
            {move || {
                let l = current.get();
                let f = l.figures.clone();
                let band = f.year_band.map(|b| i18n.pick(b.label_vi(), b.label_en())).unwrap_or("—");
                let ratings = f.ratings;
                view! {
                    <h2>{l.cell_name.clone()}</h2>
                    <p class="muted">{l.parent_name.clone()}</p>
                    <table class="figures">
                        <tbody>
                            <tr>
                                <th>{move || i18n.pick("Tháng có sinh hoạt thường kỳ", "Months with a regular meeting")}</th>
                                <td><span data-figure="months_held">{f.months_held}</span></td>
                            </tr>
                            <tr>
                                <th>{move || i18n.pick("Tháng không sinh hoạt", "Months without one")}</th>
                                <td><span data-figure="months_without_regular">{f.months_without_regular}</span></td>
                            </tr>
                            <tr>
                                <th>{move || i18n.pick("Đăng ký đúng hạn / muộn", "Registered on time / late")}</th>
                                <td>
                                    <span data-figure="registered_on_time">{f.registered_on_time}</span>
                                    " / "
                                    <span data-figure="registered_late">{f.registered_late}</span>
                                </td>
                            </tr>
                            <tr>
                                <th>{move || i18n.pick("Chất lượng sinh hoạt cả năm", "The year's meeting quality")}</th>
                                <td>
                                    <span data-figure="year_band">{band}</span>
                                    " ("
                                    <span data-figure="scored_meetings">{f.scored_meetings}</span>
                                    {move || i18n.pick(" buổi được xác nhận điểm)", " meetings scored)")}
                                </td>
                            </tr>
                            <tr>
                                <th>{move || i18n.pick("Tỷ lệ dự họp (%)", "Attendance (%)")}</th>
                                <td><span data-figure="attendance">{permille(f.attendance_permille)}</span></td>
                            </tr>
                            <tr>
                                <th>{move || i18n.pick("Kiểm tra đảng viên (đã kiểm tra / chỉ tiêu)", "Members inspected (done / target)")}</th>
                                <td>
                                    <span data-figure="inspections_done">{f.inspections_done}</span>
                                    " / "
                                    <span data-figure="inspections_target">{f.inspections_target}</span>
                                </td>
                            </tr>
                            <tr>
                                <th>{move || i18n.pick("Số đảng viên", "Members")}</th>
                                <td><span data-figure="members">{f.members}</span></td>
                            </tr>
                            <tr>
                                <th>{move || i18n.pick("Xếp loại đảng viên (xuất sắc / tốt / hoàn thành / không hoàn thành)", "Members' ratings (excellent / good / complete / not complete)")}</th>
                                <td>
                                    <span data-figure="rated_excellent">{ratings[0]}</span> " / "
                                    <span data-figure="rated_good">{ratings[1]}</span> " / "
                                    <span data-figure="rated_complete">{ratings[2]}</span> " / "
                                    <span data-figure="rated_not_complete">{ratings[3]}</span>
                                </td>
                            </tr>
                            <tr>
                                <th>{move || i18n.pick("Tỷ lệ hoàn thành nhiệm vụ trở lên (%)", "Complete or better (%)")}</th>
                                <td><span data-figure="complete_or_better">{permille(f.complete_or_better_permille())}</span></td>
                            </tr>
                        </tbody>
                    </table>
                    <p class="computed">
                        {move || i18n.pick("Mức đề xuất: ", "Suggested: ")}
                        <strong class="computed-level" data-level=level_str(l.computed.level)>
                            {level_label(i18n, l.computed.level)}
                        </strong>
                    </p>
                    <ul class="reasons">
                        {l.computed.reasons.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}
                    </ul>
                    {match l.decision.clone() {
                        Some(d) => view! {
                            <p class="decision">
                                {move || i18n.pick("Cấp ủy quyết định: ", "Decided: ")}
                                <strong class="decided-level" data-level=level_str(d.level)>{level_label(i18n, d.level)}</strong>
                                {(!d.reason.is_empty()).then(|| view! {
                                    " — " <span class="decided-reason">{d.reason.clone()}</span>
                                })}
                                <span class="muted">" (" {d.decided_by.clone()} ", " {format_date(d.decided_at.date())} ")"</span>
                            </p>
                        }.into_any(),
                        None => view! {
                            <p class="decision undecided">{move || i18n.pick("Chưa quyết định.", "Not decided yet.")}</p>
                        }.into_any(),
                    }}
                }
            }}
            {move || current.with(|l| l.may_decide).then(|| view! { <DecideForm current year/> })}
        </article>
    }
}

#[component]
fn DecideForm(current: RwSignal<CellReview>, year: i32) -> impl IntoView {
    let i18n = use_i18n();
    let cell = current.with_untracked(|l| l.cell_id);
    let start =
        current.with_untracked(|l| l.decision.as_ref().map_or(l.computed.level, |d| d.level));
    let level = RwSignal::new(start);
    let reason = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let message = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let req = ClassifyRequest {
            level: level.get_untracked(),
            reason: reason.get_untracked(),
        };
        let (computed, previous) =
            current.with_untracked(|l| (l.computed.level, l.decision.as_ref().map(|d| d.level)));
        // The server checks again (and the quota, and the closing day).
        if let Err(e) = check_decision(&req, computed, previous, year, crate::ui::today())
            && let Some(f) = e.field_errors()
        {
            errors.set(f);
            crate::ui::focus(&format!("f-reason-{cell}"));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::classify_cell(cell, year, req).await {
                Ok(line) => {
                    current.set(line);
                    errors.set(FieldErrors::default());
                    message.set(None);
                    reason.set(String::new());
                    saved.set(true);
                }
                Err(e) => {
                    let fields = e.fields();
                    if fields.0.is_empty() {
                        message.set(Some(e.message(i18n.t())));
                    } else {
                        errors.set(fields);
                        message.set(None);
                    }
                }
            }
            busy.set(false);
        });
    };
    let level_error =
        move || errors.with(|e| e.text_for("level", crate::i18n::lang()).map(str::to_string));
    let reason_error = move || {
        errors.with(|e| {
            e.text_for("reason", crate::i18n::lang())
                .map(str::to_string)
        })
    };
    view! {
        <form class="decide-form no-print" on:submit=submit>
            <div class="field" class:invalid=move || level_error().is_some()>
                <label for=format!("f-level-{cell}")>{move || i18n.pick("Cấp ủy xếp loại", "Level set by the committee")}</label>
                <select id=format!("f-level-{cell}") aria-describedby=format!("e-level-{cell}")
                    on:change=move |ev| {
                        if let Some(l) = parse_level(&event_target_value(&ev)) {
                            level.set(l);
                        }
                    }>
                    {Level::ALL.into_iter().map(|l| view! {
                        <option value=level_str(l) selected=move || level.get() == l>{move || level_label(i18n, l)}</option>
                    }).collect_view()}
                </select>
                <p class="field-error" id=format!("e-level-{cell}") data-field="level">{level_error}</p>
            </div>
            <div class="field" class:invalid=move || reason_error().is_some()>
                <label for=format!("f-reason-{cell}")>{move || i18n.pick("Lý do (bắt buộc khi khác mức đề xuất hoặc sửa quyết định)", "Reason (required to differ from the suggestion or to change a decision)")}</label>
                <textarea id=format!("f-reason-{cell}") aria-describedby=format!("e-reason-{cell}")
                    maxlength=MAX_REASON_CHARS rows=2
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                <p class="field-error" id=format!("e-reason-{cell}") data-field="reason">{reason_error}</p>
            </div>
            {move || message.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <button type="submit" class="button decide-button" disabled=move || busy.get()>
                {move || i18n.pick("Quyết định", "Decide")}
            </button>
            {move || saved.get().then(|| view! { <p class="notice" role="status">{move || i18n.pick("Đã lưu quyết định.", "Decision saved.")}</p> })}
        </form>
    }
}
