//! The yearly rating of members (đánh giá, xếp loại đảng viên hằng năm):
//! the member's self-assessment with the level computed as they type and
//! their history (`/rating/:year`); a cell's or a committee's board
//! (`/org/:id/rating/:year`): open the period, appraise and propose, decide
//! within the quota, reopen with a reason. The checks are
//! `shared::appraisal`'s; the server says who may do what.

use crate::api;
use crate::i18n::{I18n, use_i18n};
use crate::pages::org::{bad_address, param_id};
use crate::ui::{loaded, today};
use chrono::Datelike;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::appraisal::{
    self, Answers, Appraisal, CellVote, Completeness, DECLARED_TRIGGERS, Decision, HistoryYear,
    MemberRow, PeriodState, RatingBoard, RatingSheet, ReopenRequest, SelfDraft, level_en,
    level_key, parse_level,
};
use shared::rules::RuleSet;
use shared::rules::rating::{Level, TargetCounts, Trigger};
use shared::rules::scoring::Points;
use shared::{FieldError, FieldErrors, MemberId, OrgId};
use std::collections::BTreeMap;

fn level_label(i18n: I18n, l: Level) -> &'static str {
    i18n.pick(l.label_vi(), level_en(l))
}

fn trigger_en(t: Trigger) -> &'static str {
    match t {
        Trigger::CriterionPoor => "a criterion rated poor",
        Trigger::TargetsBelowHalf => "under 50% of targets met",
        Trigger::DisciplinedInYear => "disciplined in the year",
        Trigger::Degeneration => "signs of degeneration",
        Trigger::ProhibitionBreach => "broke what members must not do",
    }
}

fn trigger_key(t: Trigger) -> &'static str {
    match t {
        Trigger::CriterionPoor => "criterion_poor",
        Trigger::TargetsBelowHalf => "targets_below_half",
        Trigger::DisciplinedInYear => "disciplined_in_year",
        Trigger::Degeneration => "degeneration",
        Trigger::ProhibitionBreach => "prohibition_breach",
    }
}

fn error_id(prefix: &str, field: &str) -> String {
    format!("{prefix}e-{}", field.replace('.', "-"))
}

fn year_param() -> Memo<Option<i32>> {
    let raw = param_id("year");
    Memo::new(move |_| raw.get().and_then(appraisal::check_year))
}

/// The "Tự đánh giá, xếp loại năm YYYY" link of the home page.
#[component]
pub fn SelfRatingLink() -> impl IntoView {
    let i18n = use_i18n();
    let year = today().year();
    view! {
        <A href=format!("/rating/{year}") attr:class="button secondary" attr:id="btn-my-rating">
            {move || format!("{} {year}", i18n.pick("Tự đánh giá, xếp loại năm", "Self-assessment and rating"))}
        </A>
    }
}

// ---------------------------------------------------------------- the form

/// The typed scores as text, per criterion key.
type Texts = BTreeMap<String, String>;

fn texts_of(a: &Answers) -> Texts {
    a.scores
        .iter()
        .map(|(k, p)| (k.clone(), p.to_string()))
        .collect()
}

/// The answers from the typed texts; a text that is no number of tenths is an
/// error at its field, and left out.
fn scores_of(texts: &Texts) -> (BTreeMap<String, Points>, Vec<FieldError>) {
    let mut scores = BTreeMap::new();
    let mut errors = Vec::new();
    for (k, text) in texts {
        let text = text.trim().replace(',', ".");
        if text.is_empty() {
            continue;
        }
        match text.parse::<f64>().ok().map(Points::try_from) {
            Some(Ok(p)) => {
                scores.insert(k.clone(), p);
            }
            _ => errors.push(FieldError::of(
                appraisal::score_field(k),
                &shared::rules::scoring::PointsError,
            )),
        }
    }
    (scores, errors)
}

fn count_of(text: &str) -> u32 {
    text.trim().parse().unwrap_or(0)
}

/// The state of one answers form.
#[derive(Clone, Copy)]
struct Form {
    texts: RwSignal<Texts>,
    answers: RwSignal<Answers>,
    /// Errors of typing (not a number) and of the server.
    extra: RwSignal<Vec<FieldError>>,
}

impl Form {
    fn new(initial: &Answers) -> Form {
        Form {
            texts: RwSignal::new(texts_of(initial)),
            answers: RwSignal::new(initial.clone()),
            extra: RwSignal::new(Vec::new()),
        }
    }

    fn set_text(&self, key: String, text: String) {
        self.texts.update(|t| {
            t.insert(key, text);
        });
        let (scores, errors) = self.texts.with_untracked(scores_of);
        self.answers.update(|a| a.scores = scores);
        self.extra.set(errors);
    }

    fn answers(&self) -> Answers {
        self.answers.get_untracked()
    }
}

/// The message at `field`: a typing or server error first, else the checker's.
fn field_message(
    form: Form,
    evaluation: Memo<appraisal::Evaluation>,
    field: String,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    move || {
        form.extra
            .with(|e| {
                e.iter()
                    .find(|f| f.field == field)
                    .map(|f| f.text(crate::i18n::lang()).to_string())
            })
            .or_else(|| {
                evaluation.with(|ev| {
                    ev.errors
                        .text_for(&field, crate::i18n::lang())
                        .map(String::from)
                })
            })
    }
}

/// A count of the year (tasks, targets) with its error.
#[allow(clippy::too_many_arguments)]
fn count_field(
    i18n: I18n,
    form: Form,
    evaluation: Memo<appraisal::Evaluation>,
    disabled: Signal<bool>,
    prefix: &str,
    label: (&'static str, &'static str),
    field: &'static str,
    get: fn(&Answers) -> u32,
    set: fn(&mut Answers, u32),
) -> impl IntoView + use<> {
    let id = format!("{prefix}{}", field.replace('.', "-"));
    let eid = error_id(prefix, field);
    view! {
        <label class="field count">
            <span>{move || i18n.pick(label.0, label.1)}</span>
            <input type="number" inputmode="numeric" min="0" class="count" id=id
                aria-describedby=eid.clone()
                disabled=move || disabled.get()
                prop:value=move || form.answers.with(|a| get(a).to_string())
                on:input=move |ev| {
                    let n = count_of(&event_target_value(&ev));
                    form.answers.update(|a| set(a, n));
                }/>
        </label>
        <p class="field-error" id=eid>{field_message(form, evaluation, field.to_string())}</p>
    }
}

/// Under the `commitments` criterion: the cell's review of the member's
/// commitments for the year, and once every item is reviewed, its points
/// (`CommitmentSummary::suggested_points`) to put in with one tap.
#[component]
fn CommitmentsHint(
    of: (MemberId, i32),
    form: Form,
    key: String,
    #[prop(into)] disabled: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (member, year) = of;
    let review = LocalResource::new(move || api::member_commitments(member, year));
    let key = StoredValue::new(key);
    move || {
        let Some(Ok(c)) = review.get() else {
            return view! {
                <p class="muted hint commitments-hint">{move || i18n.pick(
                    "Điểm này theo kết quả chi bộ nhận xét việc thực hiện cam kết nêu gương.",
                    "This score follows the cell's review of the year's pledges.")}</p>
            }
            .into_any();
        };
        let summary = c.summary;
        let suggested = c.suggested_points;
        view! {
            <p class="muted hint commitments-hint commitments-summary">
                {move || if i18n.lang() == crate::i18n::Lang::Vi { summary.label_vi() } else { summary.label_en() }}
            </p>
            {suggested.map(|pts| view! {
                <button type="button" class="button secondary small btn-use-commitments"
                    disabled=move || disabled.get()
                    on:click=move |_| form.set_text(key.get_value(), pts.to_string())>
                    {move || match i18n.lang() {
                        crate::i18n::Lang::Vi => format!("Dùng {pts} điểm theo kết quả nhận xét"),
                        crate::i18n::Lang::En => format!("Use {pts} points from the review"),
                    }}
                </button>
            })}
        }
        .into_any()
    }
}

/// The 100-point form with the tasks, targets and triggers, and the level
/// computed as one types, with its reasons.
#[component]
fn AnswersEditor(
    rules: RuleSet,
    form: Form,
    /// Element ids start with it (several forms on one page).
    prefix: String,
    #[prop(into)] disabled: Signal<bool>,
    /// Shows the "self level" choice (the member's own form).
    claim: bool,
    /// Whose year's commitments feed the `commitments` criterion.
    of: (MemberId, i32),
) -> impl IntoView {
    let i18n = use_i18n();
    let rules = StoredValue::new(rules);
    let evaluation = Memo::new(move |_| {
        let a = form.answers.get();
        rules.with_value(|r| appraisal::evaluate(r, &a, Completeness::Draft))
    });
    let message = move |field: &str| field_message(form, evaluation, field.to_string());
    let criteria = rules.with_value(|r| r.member_form.value.criteria.clone());
    let count = |p: &str, label, field, get, set| {
        count_field(i18n, form, evaluation, disabled, p, label, field, get, set)
    };
    let targets_prefix = prefix.clone();
    let p = prefix.clone();
    view! {
        <fieldset class="criteria">
            <legend>{move || i18n.pick("Tiêu chí (100 điểm)", "Criteria (100 points)")}</legend>
            {criteria.into_iter().map(|c| {
                let key = c.key.clone();
                let data_key = c.key.clone();
                let id = format!("{p}score-{}", c.key);
                let label_for = id.clone();
                let eid = error_id(&p, &appraisal::score_field(&c.key));
                let described = eid.clone();
                let msg = message(&appraisal::score_field(&c.key));
                let (vi, en) = (c.label_vi.clone(), c.label_en.clone());
                let commitments = c.key == appraisal::COMMITMENTS_KEY;
                let k2 = key.clone();
                let max = c.max;
                view! {
                    <div class="criterion" data-key=data_key>
                        <label class="field" for=label_for>
                            {move || if i18n.lang() == crate::i18n::Lang::Vi { vi.clone() } else { en.clone() }}
                            " " <span class="muted">{move || format!("({} {max})", i18n.pick("tối đa", "max"))}</span>
                        </label>
                        <input type="text" inputmode="decimal" class="points" id=id
                            aria-describedby=described
                            disabled=move || disabled.get()
                            prop:value=move || form.texts.with(|t| t.get(&key).cloned().unwrap_or_default())
                            on:input=move |ev| form.set_text(k2.clone(), event_target_value(&ev))/>
                        // The cell's review of the year's commitments suggests this criterion's points.
                        {commitments.then(|| view! {
                            <CommitmentsHint of form key=c.key.clone() disabled/>
                        })}
                        <p class="field-error" id=eid>{msg}</p>
                    </div>
                }
            }).collect_view()}
            <p class="field-error" id=error_id(&p, "total")>{message("total")}</p>
        </fieldset>
        <fieldset class="tasks">
            <legend>{move || i18n.pick("Nhiệm vụ được giao trong năm", "The year's tasks")}</legend>
            {count(&p, ("Tổng số nhiệm vụ", "Tasks"), "tasks.total", |a| a.tasks.total, |a, n| a.tasks.total = n)}
            {count(&p, ("Chậm tiến độ", "Late"), "tasks.late", |a| a.tasks.late, |a, n| a.tasks.late = n)}
            {count(&p, ("Vượt mức", "Exceeded"), "tasks.exceeded", |a| a.tasks.exceeded, |a, n| a.tasks.exceeded = n)}
        </fieldset>
        <fieldset class="targets">
            <legend>{move || i18n.pick("Chỉ tiêu", "Targets")}</legend>
            <label class="check">
                <input type="checkbox" id=format!("{p}has-targets")
                    disabled=move || disabled.get()
                    prop:checked=move || form.answers.with(|a| a.targets.is_some())
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        form.answers.update(|a| a.targets = on.then(TargetCounts::default));
                    }/>
                " " {move || i18n.pick("Có chỉ tiêu được giao", "Has targets")}
            </label>
            <Show when=move || form.answers.with(|a| a.targets.is_some())>
                {count_field(i18n, form, evaluation, disabled, &targets_prefix, ("Số chỉ tiêu", "Targets"), "targets.total",
                    |a| a.targets.map_or(0, |t| t.total),
                    |a, n| if let Some(t) = a.targets.as_mut() { t.total = n })}
                {count_field(i18n, form, evaluation, disabled, &targets_prefix, ("Số chỉ tiêu đạt", "Met"), "targets.met",
                    |a| a.targets.map_or(0, |t| t.met),
                    |a, n| if let Some(t) = a.targets.as_mut() { t.met = n })}
            </Show>
        </fieldset>
        <fieldset class="triggers">
            <legend>{move || i18n.pick("Các trường hợp (khai trung thực)", "Declarations")}</legend>
            {DECLARED_TRIGGERS.iter().map(|&t| view! {
                <label class="check trigger">
                    <input type="checkbox" id=format!("{p}trigger-{}", trigger_key(t))
                        disabled=move || disabled.get()
                        prop:checked=move || form.answers.with(|a| a.triggers.contains(&t))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            form.answers.update(|a| {
                                a.triggers.retain(|x| *x != t);
                                if on { a.triggers.push(t); }
                            });
                        }/>
                    " " {move || i18n.pick(t.label_vi(), trigger_en(t))}
                </label>
            }).collect_view()}
            <p class="field-error" id=error_id(&p, "triggers")>{message("triggers")}</p>
        </fieldset>
        {claim.then(|| view! {
            <label class="field">
                <span>{move || i18n.pick("Tự xếp loại", "My proposed level")}</span>
                <select id=format!("{p}claimed-level") disabled=move || disabled.get()
                    on:change=move |ev| {
                        let l = parse_level(&event_target_value(&ev));
                        form.answers.update(|a| a.level = l);
                    }>
                    <option value="" selected=move || form.answers.with(|a| a.level.is_none())>
                        {move || i18n.pick("Theo kết quả tính", "As computed")}
                    </option>
                    {Level::ALL.iter().map(|&l| view! {
                        <option value=level_key(l) selected=move || form.answers.with(|a| a.level == Some(l))>
                            {move || level_label(i18n, l)}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            <p class="field-error" id=error_id(&p, "level")>{message("level")}</p>
        })}
        <div class="card live-rating" id=format!("{p}live") aria-live="polite">
            <p>
                {move || i18n.pick("Tổng điểm: ", "Total: ")}
                <strong class="live-total" id=format!("{p}live-total")>{move || evaluation.with(|e| e.total.to_string())}</strong>
                " · "
                {move || i18n.pick("Mức xếp loại: ", "Level: ")}
                <strong class=move || format!("live-level level-{}", evaluation.with(|e| level_key(e.rating.level)))
                    id=format!("{p}live-level")>
                    {move || level_label(i18n, evaluation.with(|e| e.rating.level))}
                </strong>
            </p>
            <ul class="reasons" id=format!("{p}live-reasons")>
                {move || evaluation.with(|e| e.rating.reasons.clone()).into_iter()
                    .map(|r| view! { <li>{r}</li> }).collect_view()}
            </ul>
        </div>
    }
}

// ---------------------------------------------------------------- the member's page

/// "Tự đánh giá, xếp loại năm YYYY" and the member's history.
#[component]
pub fn MyRatingPage() -> impl IntoView {
    let i18n = use_i18n();
    let year = year_param();
    let sheet = LocalResource::new(move || {
        let y = year.get();
        async move {
            match y {
                Some(y) => api::my_rating(y).await,
                None => Err(bad_address(i18n)),
            }
        }
    });
    let history = LocalResource::new(api::my_ratings);
    view! {
        <section class="page rating-self">
            <h1>{move || format!("{} {}", i18n.pick("Tự đánh giá, xếp loại năm", "Self-assessment and rating"),
                year.get().map(|y| y.to_string()).unwrap_or_default())}</h1>
            {loaded(sheet, |s| view! { <SelfForm initial=s/> })}
            <h2>{move || i18n.pick("Lịch sử xếp loại", "My ratings over the years")}</h2>
            {loaded(history, |h| view! { <History years=h/> })}
        </section>
    }
}

#[component]
fn SelfForm(initial: RatingSheet) -> impl IntoView {
    let i18n = use_i18n();
    let sheet = RwSignal::new(initial.clone());
    let form = Form::new(&initial.answers.clone().unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);
    let year = initial.year;
    let may_edit = Signal::derive(move || sheet.with(|s| s.may_edit));
    let send = move |submit: bool| {
        let answers = form.answers();
        if !form.extra.with_untracked(Vec::is_empty) {
            return;
        }
        if submit {
            let ev = sheet.with_untracked(|s| {
                appraisal::evaluate(&s.rules, &answers, Completeness::Complete)
            });
            if !ev.is_valid() {
                form.extra.set(ev.errors.0);
                error.set(Some(
                    i18n.pick("Phiếu còn lỗi, xem từng ô.", "Fix the fields marked.")
                        .into(),
                ));
                return;
            }
        }
        busy.set(true);
        saved.set(None);
        leptos::task::spawn_local(async move {
            match api::save_my_rating(year, SelfDraft { answers, submit }).await {
                Ok(s) => {
                    sheet.set(s);
                    error.set(None);
                    form.extra.set(Vec::new());
                    saved.set(Some(if submit {
                        i18n.pick("Đã nộp phiếu tự đánh giá.", "Submitted.")
                    } else {
                        i18n.pick("Đã lưu nháp.", "Draft saved.")
                    }));
                }
                Err(e) => {
                    form.extra.set(e.fields().0);
                    error.set(Some(e.message(i18n.t())));
                }
            }
            busy.set(false);
        });
    };
    let status = move || {
        let s = sheet.get();
        let line = move |id: &'static str, vi: &'static str, en: &'static str, l: Option<Level>| {
            l.map(|l| view! {
                <dt>{move || i18n.pick(vi, en)}</dt>
                <dd id=id class=format!("level-{}", level_key(l))>{move || level_label(i18n, l)}</dd>
            })
        };
        view! {
            <dl class="facts rating-status">
                <dt>{move || i18n.pick("Chi bộ", "Cell")}</dt><dd>{s.cell_name.clone()}</dd>
                <dt>{move || i18n.pick("Đợt đánh giá", "Period")}</dt>
                <dd id="period-state">{s.period.label_vi()}</dd>
                {line("self-level", "Tự xếp loại (đã nộp)", "Submitted level", s.stage.submitted.then_some(s.self_level).flatten())}
                {line("proposed-level", "Chi bộ đề nghị", "Proposed by the cell", s.proposed_level)}
                {line("decided-level", "Cấp ủy quyết định", "Decided", s.decided_level)}
            </dl>
            {(!s.comment.is_empty()).then(|| view! { <p class="cell-comment" id="cell-comment">{s.comment.clone()}</p> })}
            {(!s.reopenings.is_empty()).then(|| view! {
                <ul class="reopenings" id="reopenings">
                    {s.reopenings.iter().map(|r| view! {
                        <li class="reopening">{move || i18n.pick("Mở lại: ", "Reopened: ")}
                            <span class="reopen-reason">{r.reason.clone()}</span> " — " {r.by_name.clone()}</li>
                    }).collect_view()}
                </ul>
            })}
        }
    };
    let rules = initial.rules.clone();
    view! {
        {status}
        {(initial.period == PeriodState::NotOpened).then(|| view! {
            <p class="notice" id="not-opened">{move || i18n.pick(
                "Chi bộ chưa mở đợt đánh giá, xếp loại năm này.",
                "The cell has not opened this year's rating.")}</p>
        })}
        <form class="form card self-assessment" id="self-assessment" on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
            <AnswersEditor rules form prefix=String::new() disabled=Signal::derive(move || !may_edit.get() || busy.get()) claim=true of=(initial.member_id, initial.year)/>
            <Show when=move || may_edit.get()>
                <p class="actions">
                    <button type="button" class="button secondary" id="btn-save-draft"
                        disabled=move || busy.get() on:click=move |_| send(false)>
                        {move || i18n.pick("Lưu nháp", "Save draft")}
                    </button>
                    " "
                    <button type="button" class="button" id="btn-submit-self"
                        disabled=move || busy.get() on:click=move |_| send(true)>
                        {move || i18n.pick("Nộp phiếu", "Submit")}
                    </button>
                </p>
            </Show>
            <Show when=move || !may_edit.get() && sheet.with(|s| s.stage.submitted)>
                <p class="notice" id="locked">{move || i18n.pick(
                    "Đã nộp; chỉ sửa được khi cấp ủy mở lại.",
                    "Submitted; editable again only if reopened.")}</p>
            </Show>
            {move || error.get().map(|m| view! { <p class="form-error" role="alert" id="self-error">{m}</p> })}
            {move || saved.get().map(|m| view! { <p class="notice" role="status" id="self-saved">{m}</p> })}
        </form>
    }
}

#[component]
fn History(years: Vec<HistoryYear>) -> impl IntoView {
    let i18n = use_i18n();
    if years.is_empty() {
        return view! { <p class="empty">{move || i18n.pick("Chưa có.", "None yet.")}</p> }
            .into_any();
    }
    let cell = move |l: Option<Level>| {
        match l {
        Some(l) => view! { <td class=format!("level-{}", level_key(l))>{move || level_label(i18n, l)}</td> }.into_any(),
        None => view! { <td class="muted">"—"</td> }.into_any(),
    }
    };
    view! {
        <table class="table rating-history" id="rating-history">
            <thead><tr>
                <th>{move || i18n.pick("Năm", "Year")}</th>
                <th>{move || i18n.pick("Chi bộ", "Cell")}</th>
                <th>{move || i18n.pick("Tự xếp loại", "Self")}</th>
                <th>{move || i18n.pick("Chi bộ đề nghị", "Proposed")}</th>
                <th>{move || i18n.pick("Quyết định", "Decided")}</th>
            </tr></thead>
            <tbody>
                {years.into_iter().map(|y| view! {
                    <tr class="history-year" data-year=y.year.to_string()>
                        <td>{y.year}</td>
                        <td>{y.cell_name}</td>
                        {cell(y.self_level)}
                        {cell(y.proposed_level)}
                        {cell(y.decided_level)}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

// ---------------------------------------------------------------- the boards

/// A cell's or a committee's ratings of a year.
#[component]
pub fn RatingBoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id("id");
    let year = year_param();
    let board = LocalResource::new(move || {
        let (id, y) = (id.get(), year.get());
        async move {
            match (id, y) {
                (Some(id), Some(y)) => api::rating_board(OrgId(id), y).await,
                _ => Err(bad_address(i18n)),
            }
        }
    });
    let reload = Callback::new(move |()| board.refetch());
    view! {
        <section class="page rating-board">
            {loaded(board, move |b| view! { <Board board=b reload/> })}
        </section>
    }
}

#[component]
fn Board(board: RatingBoard, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let year = board.year;
    let error = RwSignal::new(None::<String>);
    let run = move |fut: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), api::ApiError>>>,
    >| {
        leptos::task::spawn_local(async move {
            match fut.await {
                Ok(()) => {
                    error.set(None);
                    reload.run(());
                }
                Err(e) => error.set(Some(e.message(i18n.t()))),
            }
        });
    };
    let periods = board.periods.clone().into_iter().map(|p| {
        let cell = p.cell_id;
        let reason = RwSignal::new(String::new());
        view! {
            <li class="period" data-cell=cell.0.to_string()>
                <A href=format!("/org/{}/rating/{year}", cell.0)>{p.cell_name.clone()}</A>
                " · " <span class="period-state">{p.state.label_vi()}</span>
                {p.may_open.then(|| view! {
                    " " <button type="button" class="button small" id=format!("btn-open-{}", cell.0)
                        on:click=move |_| run(Box::pin(api::open_rating(cell, year)))>
                        {move || i18n.pick("Mở đợt đánh giá", "Open the rating")}
                    </button>
                })}
                {p.may_reopen.then(|| view! {
                    <form class="inline reopen-period" on:submit=move |ev| {
                        ev.prevent_default();
                        let req = ReopenRequest { member_id: None, reason: reason.get_untracked() };
                        run(Box::pin(api::reopen_rating(cell, year, req)));
                    }>
                        <input type="text" class="reason" id=format!("reopen-period-reason-{}", cell.0)
                            placeholder=move || i18n.pick("Lý do mở lại cả đợt", "Reason to reopen the period")
                            on:input=move |ev| reason.set(event_target_value(&ev))/>
                        <button type="submit" class="button small secondary">{move || i18n.pick("Mở lại cả đợt", "Reopen all")}</button>
                    </form>
                })}
            </li>
        }
    }).collect_view();
    let quota = board.quota.iter().map(|q| {
        let over = !q.proposed.within();
        view! {
            <div class={if over { "card quota-gauge warning" } else { "card quota-gauge" }} data-grassroots=q.grassroots_id.0.to_string()>
                <h3>{q.grassroots_name.clone()}</h3>
                <p class="quota-decided">{move || i18n.pick("Đã quyết định: ", "Decided: ")}{q.decided.label_vi()}</p>
                <meter min="0" max=q.decided.max.max(1).to_string() value=q.decided.excellent.to_string()></meter>
                <p class={if over { "quota-proposed over" } else { "quota-proposed" }}>
                    {move || i18n.pick("Theo đề nghị: ", "As proposed: ")}{q.proposed.label_vi()}
                </p>
            </div>
        }
    }).collect_view();
    let shares = board.shares.clone();
    let meets = board.meets_aim;
    let rules = StoredValue::new(board.rules.clone());
    let reopenings = board.reopenings.clone();
    view! {
        <p class="kind">{move || i18n.pick(board.org_kind.label_vi(), board.org_kind.label_en())}</p>
        <h1>{format!("{} — {}", board.org_name, year)}</h1>
        <h2>{move || i18n.pick("Đánh giá, xếp loại đảng viên", "Members' yearly rating")}</h2>
        <ul class="periods" id="periods">{periods}</ul>
        {move || error.get().map(|m| view! { <p class="form-error" role="alert" id="board-error">{m}</p> })}
        <div class="quota">{quota}</div>
        {(!board.proposal_issues.is_empty()).then(|| view! {
            <div class="card warnings" id="proposal-issues" role="alert">
                <ul>{board.proposal_issues.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
            </div>
        })}
        <div class="table-scroll" role="region" tabindex="0" aria-label=move || i18n.pick("Tỷ lệ theo mức", "Shares by level")>
        <table class="table shares" id="shares">
            <thead><tr>
                <th>{move || i18n.pick("Mức", "Level")}</th>
                <th>{move || i18n.pick("Số đảng viên", "Members")}</th>
                <th>"%"</th>
            </tr></thead>
            <tbody>
                {shares.levels.iter().map(|s| {
                    let l = s.level;
                    view! { <tr class=format!("share level-{}", level_key(l))><td>{move || level_label(i18n, l)}</td><td>{s.count}</td><td>{s.display.clone()}</td></tr> }
                }).collect_view()}
            </tbody>
        </table>
        </div>
        <p class={if meets { "aim met" } else { "aim" }} id="aim">
            {move || i18n.pick("Hoàn thành nhiệm vụ trở lên: ", "Complete or better: ")}
            <strong>{shares.complete_or_better.clone()}</strong>
            {move || format!(" — {}: {} ", i18n.pick("mục tiêu", "aim"), i18n.pick(appraisal::AIM_VI, "above 90% complete or better"))}
            {move || if meets { i18n.pick("(đạt)", "(met)") } else { i18n.pick("(chưa đạt)", "(not met)") }}
        </p>
        {(!reopenings.is_empty()).then(|| view! {
            <h3>{move || i18n.pick("Các lần mở lại", "Reopenings")}</h3>
            <ul class="reopenings" id="reopenings">
                {reopenings.iter().map(|r| view! {
                    <li class="reopening"><span class="reopen-reason">{r.reason.clone()}</span> " — " {r.by_name.clone()}</li>
                }).collect_view()}
            </ul>
        })}
        <h3>{move || i18n.pick("Đảng viên", "Members")}</h3>
        <ul class="rating-members" id="rating-members">
            {board.members.iter().map(|m| {
                let may_reopen = m.stage.decided && board.periods.iter().any(|p| p.cell_id == m.cell_id && p.may_reopen);
                view! { <MemberCard row=m.clone() year rules=rules.get_value() may_reopen reload/> }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn MemberCard(
    row: MemberRow,
    year: i32,
    rules: RuleSet,
    may_reopen: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let member = row.member_id;
    let cell = row.cell_id;
    let prefix = format!("m{}-", member.0);
    let error = RwSignal::new(None::<String>);
    let open = RwSignal::new(false);
    let initial = row
        .appraisal
        .as_ref()
        .map(|a| a.answers.clone())
        .or_else(|| row.self_answers.clone())
        .unwrap_or_default();
    let form = Form::new(&initial);
    let computed = StoredValue::new(rules.clone());
    let allowed = move || {
        form.answers.with(|a| {
            computed.with_value(|r| appraisal::evaluate(r, a, Completeness::Draft).rating.level)
        })
    };
    let proposed = RwSignal::new(row.appraisal.as_ref().map(|a| a.proposed));
    let comment = RwSignal::new(
        row.appraisal
            .as_ref()
            .map(|a| a.comment.clone())
            .unwrap_or_default(),
    );
    let vote = row.appraisal.as_ref().and_then(|a| a.vote);
    let v_for = RwSignal::new(vote.map_or(String::new(), |v| v.in_favour.to_string()));
    let v_against = RwSignal::new(vote.map_or(String::new(), |v| v.against.to_string()));
    let v_of = RwSignal::new(vote.map_or(String::new(), |v| v.of.to_string()));
    let fields = RwSignal::new(FieldErrors::default());
    let decided = RwSignal::new(
        row.appraisal
            .as_ref()
            .map(|a| a.proposed)
            .unwrap_or(Level::Complete),
    );
    let note = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let done = move |r: Result<(), api::ApiError>| match r {
        Ok(()) => {
            error.set(None);
            reload.run(());
        }
        Err(e) => {
            fields.set(e.fields());
            error.set(Some(e.message(i18n.t())));
        }
    };
    let propose = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let of = count_of(&v_of.get_untracked());
        let ap = Appraisal {
            answers: form.answers(),
            comment: comment.get_untracked(),
            vote: (of > 0).then(|| CellVote {
                in_favour: count_of(&v_for.get_untracked()),
                against: count_of(&v_against.get_untracked()),
                of,
            }),
            proposed: proposed.get_untracked().unwrap_or_else(allowed),
        };
        leptos::task::spawn_local(async move {
            done(api::appraise_member(cell, year, member, ap).await)
        });
    };
    let decide = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let d = Decision {
            level: decided.get_untracked(),
            note: note.get_untracked(),
        };
        leptos::task::spawn_local(
            async move { done(api::decide_member(cell, year, member, d).await) },
        );
    };
    let reopen = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = ReopenRequest {
            member_id: Some(member),
            reason: reason.get_untracked(),
        };
        leptos::task::spawn_local(async move { done(api::reopen_rating(cell, year, req).await) });
    };
    let level_cell = move |l: Option<Level>, class: &'static str| {
        view! {
            <span class=format!("{class} level-{}", l.map_or("none", level_key))>
                {move || l.map_or("—", |l| level_label(i18n, l))}
            </span>
        }
    };
    let p = prefix.clone();
    let p2 = prefix.clone();
    let stage = row.stage;
    let level_options = move |current: Signal<Option<Level>>| {
        Level::ALL.iter().map(move |&l| view! {
            <option value=level_key(l) selected=move || current.get() == Some(l)>{move || level_label(i18n, l)}</option>
        }).collect_view()
    };
    view! {
        <li class="card rating-member" data-member=member.0.to_string() id=format!("member-{}", member.0)>
            <h4 class="member-name">{row.name.clone()} " " <span class="muted">{row.cell_name.clone()}</span></h4>
            <dl class="facts">
                <dt>{move || i18n.pick("Tự xếp loại", "Self")}</dt>
                <dd>{level_cell(row.self_level, "self-level")}
                    {row.self_points.map(|p| format!(" ({p} điểm)"))}
                    {(!stage.submitted).then(|| view! { " " <span class="muted">{move || i18n.pick("(chưa nộp)", "(not submitted)")}</span> })}
                </dd>
                <dt>{move || i18n.pick("Chi bộ đề nghị", "Proposed")}</dt>
                <dd>{level_cell(row.appraisal.as_ref().map(|a| a.proposed), "proposed-level")}</dd>
                <dt>{move || i18n.pick("Quyết định", "Decided")}</dt>
                <dd>{level_cell(row.decided_level, "decided-level")}
                    {stage.reopened.then(|| view! { " " <span class="badge reopened">{move || i18n.pick("đã mở lại", "reopened")}</span> })}
                </dd>
            </dl>
            {row.appraisal.as_ref().filter(|a| !a.comment.is_empty()).map(|a| view! { <p class="cell-comment">{a.comment.clone()}</p> })}
            {row.may_propose.then(|| view! {
                <button type="button" class="button secondary" id=format!("{p}btn-appraise")
                    on:click=move |_| open.update(|o| *o = !*o)>
                    {move || i18n.pick("Đánh giá, đề nghị", "Appraise and propose")}
                </button>
                <Show when=move || open.get()>
                    {
                        let rules = rules.clone();
                        let p = p.clone();
                        view! {
                            <form class="form appraisal" id=format!("{p}appraisal") on:submit=propose>
                                <AnswersEditor rules form prefix=p.clone() disabled=Signal::derive(|| false) claim=false of=(member, year)/>
                                <label class="field">
                                    <span>{move || i18n.pick("Nhận xét của chi bộ", "The cell's comment")}</span>
                                    <textarea id=format!("{p}comment") maxlength=appraisal::MAX_COMMENT_CHARS.to_string()
                                        prop:value=move || comment.get()
                                        on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                                </label>
                                <p class="field-error" id=error_id(&p, "comment")>{move || fields.with(|f| f.text_for("comment", crate::i18n::lang()).map(String::from))}</p>
                                <fieldset class="vote">
                                    <legend>{move || i18n.pick("Biểu quyết của chi bộ (bắt buộc khi đề nghị xuất sắc)", "The cell's vote (required for excellent)")}</legend>
                                    <label>{move || i18n.pick("Tán thành", "For")} " "
                                        <input type="number" min="0" id=format!("{p}vote-for") prop:value=move || v_for.get() on:input=move |ev| v_for.set(event_target_value(&ev))/></label>
                                    " "
                                    <label>{move || i18n.pick("Không tán thành", "Against")} " "
                                        <input type="number" min="0" id=format!("{p}vote-against") prop:value=move || v_against.get() on:input=move |ev| v_against.set(event_target_value(&ev))/></label>
                                    " "
                                    <label>{move || i18n.pick("Trên tổng số", "Of")} " "
                                        <input type="number" min="0" id=format!("{p}vote-of") prop:value=move || v_of.get() on:input=move |ev| v_of.set(event_target_value(&ev))/></label>
                                </fieldset>
                                <p class="field-error" id=error_id(&p, "vote")>{move || fields.with(|f| f.text_for("vote", crate::i18n::lang()).or(f.text_for("vote.for", crate::i18n::lang())).or(f.text_for("vote.of", crate::i18n::lang())).map(String::from))}</p>
                                <label class="field">
                                    <span>{move || i18n.pick("Đề nghị mức", "Proposed level")}</span>
                                    <select id=format!("{p}proposed") on:change=move |ev| proposed.set(parse_level(&event_target_value(&ev)))>
                                        {level_options(Signal::derive(move || Some(proposed.get().unwrap_or_else(allowed))))}
                                    </select>
                                </label>
                                <p class="field-error" id=error_id(&p, "proposed")>{move || fields.with(|f| f.text_for("proposed", crate::i18n::lang()).map(String::from))}</p>
                                <button type="submit" class="button" id=format!("{p}btn-propose")>{move || i18n.pick("Lưu đề nghị", "Save proposal")}</button>
                            </form>
                        }
                    }
                </Show>
            })}
            {row.may_decide.then(|| view! {
                <form class="form inline decision" id=format!("{p2}decision") on:submit=decide>
                    <select id=format!("{p2}decide-level") on:change=move |ev| {
                        if let Some(l) = parse_level(&event_target_value(&ev)) { decided.set(l); }
                    }>
                        {level_options(Signal::derive(move || Some(decided.get())))}
                    </select>
                    " "
                    <input type="text" class="note" id=format!("{p2}decide-note")
                        placeholder=move || i18n.pick("Ghi chú", "Note")
                        on:input=move |ev| note.set(event_target_value(&ev))/>
                    " "
                    <button type="submit" class="button" id=format!("{p2}btn-decide")>{move || i18n.pick("Quyết định", "Decide")}</button>
                </form>
            })}
            {may_reopen.then(|| view! {
                <form class="form inline reopen" on:submit=reopen>
                    <input type="text" class="reason" id=format!("{prefix}reopen-reason")
                        placeholder=move || i18n.pick("Lý do mở lại", "Reason to reopen")
                        on:input=move |ev| reason.set(event_target_value(&ev))/>
                    " "
                    <button type="submit" class="button secondary" id=format!("{prefix}btn-reopen")>{move || i18n.pick("Mở lại", "Reopen")}</button>
                </form>
            })}
            {move || error.get().map(|m| view! { <p class="form-error" role="alert" id=format!("m{}-error", member.0)>{m}</p> })}
        </li>
    }
}
