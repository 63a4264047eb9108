//! "Theo dõi các chi bộ": a committee's dashboard of every cell below it,
//! month by month. The server sends compact facts; every figure is computed
//! here with `shared::oversight` (the server's export uses the same). Filter
//! by organization, month and status, sort by any column, 50 rows a page,
//! SVG charts each with its table, the .xlsx export and an A4 landscape print.
//!
//! Benchmark contract (scripts/bench-oversight): the button `#oversight-load`
//! (re)loads the facts for the current period; each load records the marks
//! and measures `oversight:click`, `oversight:fetch`, `oversight:wasm`,
//! `oversight:render` and `oversight:total` with the Performance API.

use crate::api::{self, ApiError};
use crate::i18n::{I18n, use_i18n};
use crate::ui::{ErrorBox, MonthInput, date_error_text, today};
use chrono::Datelike;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::OrgId;
use shared::dates::{DateError, format_month, parse_month};
use shared::i18n::Message;
use shared::oversight::{
    self as ov, CellMonth, Column, Filter, OversightFacts, PAGE_ROWS, Rollup, StatusFilter,
    VisitorLine,
};
use shared::rules::schedule::YearMonth;
use std::sync::Arc;

fn mark(name: &str) {
    if let Some(p) = window().performance() {
        let _ = p.mark(name);
    }
}

fn measure(name: &str, start: &str, end: &str) {
    if let Some(p) = window().performance() {
        let _ = p.measure_with_start_mark_and_end_mark(name, start, end);
    }
}

/// What one computation of the view gives: the rows kept by the filter in
/// their order, and the charts' series over them.
#[derive(Clone)]
struct Figures {
    kept: Arc<Vec<u32>>,
    months: Arc<Vec<(YearMonth, Rollup)>>,
    orgs: Arc<Vec<(u32, Rollup)>>,
    scores: [u32; 10],
    visitors: Arc<Vec<(String, u32, u32)>>,
    total: Rollup,
}

#[derive(Clone)]
struct Loaded {
    facts: Arc<OversightFacts>,
    rows: Arc<Vec<CellMonth>>,
}

fn compute(l: &Loaded, filter: &Filter, by: Column, ascending: bool) -> Figures {
    let mut kept = ov::filter(&l.facts, &l.rows, filter);
    ov::sort(&l.facts, &l.rows, &mut kept, by, ascending);
    let rows: Vec<&CellMonth> = kept.iter().map(|&i| &l.rows[i as usize]).collect();
    let months = shared::rules::schedule::Period {
        from: l.facts.from,
        to: l.facts.to,
    }
    .months()
    .map(|m| (m, ov::rollup(rows.iter().copied().filter(|r| r.month == m))))
    .collect();
    let owned: Vec<CellMonth> = rows.iter().map(|r| (*r).clone()).collect();
    let orgs = ov::by_organization(&l.facts, &owned);
    let mut per_visitor: Vec<(String, u32, u32)> = Vec::new();
    for line in ov::by_visitor(&l.facts) {
        let VisitorLine {
            visitor,
            planned,
            visits,
            ..
        } = line;
        let name = l
            .facts
            .visitors
            .name
            .get(visitor as usize)
            .cloned()
            .unwrap_or_default();
        match per_visitor.iter_mut().find(|(n, _, _)| *n == name) {
            Some(v) => {
                v.1 += planned;
                v.2 += visits;
            }
            None => per_visitor.push((name, planned, visits)),
        }
    }
    Figures {
        scores: ov::score_distribution(rows.iter().copied()),
        total: ov::rollup(rows.iter().copied()),
        kept: Arc::new(kept),
        months: Arc::new(months),
        orgs: Arc::new(orgs),
        visitors: Arc::new(per_visitor),
    }
}

fn pct(p: Option<u32>) -> String {
    p.map(|p| format!("{}%", ov::permille_vi(p)))
        .unwrap_or_else(|| "—".into())
}

fn points(t: Option<u32>) -> String {
    t.map(|t| format!("{},{}", t / 10, t % 10))
        .unwrap_or_else(|| "—".into())
}

fn month_label(m: YearMonth) -> String {
    format!("{:02}/{}", m.month, m.year)
}

#[component]
pub fn OversightPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let org = move || {
        params
            .with_untracked(|p| p.get("id"))
            .and_then(|s| s.parse::<i64>().ok())
            .map(OrgId)
            .unwrap_or(OrgId(0))
    };
    let q = use_query_map();
    let now = today();
    let from = RwSignal::new(
        q.with_untracked(|q| q.get("from"))
            .unwrap_or_else(|| ov::month_param(YearMonth::new(now.year(), 1))),
    );
    let to = RwSignal::new(
        q.with_untracked(|q| q.get("to"))
            .unwrap_or_else(|| ov::month_param(YearMonth::of(now))),
    );
    let org_filter = RwSignal::new(None::<u32>);
    let month_filter = RwSignal::new(None::<YearMonth>);
    let status = RwSignal::new(StatusFilter::All);
    let sort_by = RwSignal::new(Column::Cell);
    let ascending = RwSignal::new(true);
    let page = RwSignal::new(0usize);
    let loaded = RwSignal::new(None::<Loaded>);
    let figures = RwSignal::new(None::<Figures>);
    let error = RwSignal::new(None::<ApiError>);
    let range_error = RwSignal::new(None::<ov::RangeError>);
    // Typed as mm/yyyy; the query keeps the server's yyyy-mm.
    let typed = |param: String| ov::parse_month(&param).map(format_month).unwrap_or(param);
    let from_text = RwSignal::new(typed(from.get_untracked()));
    let to_text = RwSignal::new(typed(to.get_untracked()));
    let from_error = RwSignal::new(None::<DateError>);
    let to_error = RwSignal::new(None::<DateError>);
    let busy = RwSignal::new(false);

    let filter_now = move || Filter {
        org: org_filter.get_untracked(),
        month: month_filter.get_untracked(),
        status: status.get_untracked(),
    };
    let recompute = move || {
        if let Some(l) = loaded.get_untracked() {
            figures.set(Some(compute(
                &l,
                &filter_now(),
                sort_by.get_untracked(),
                ascending.get_untracked(),
            )));
            page.set(0);
        }
    };

    let load = move || {
        mark("oversight:click");
        let typed_from = parse_month(&from_text.get_untracked());
        let typed_to = parse_month(&to_text.get_untracked());
        from_error.set(typed_from.err());
        to_error.set(typed_to.err());
        let (Ok(a), Ok(b)) = (typed_from, typed_to) else {
            range_error.set(None);
            return;
        };
        let (f, t) = (ov::month_param(a), ov::month_param(b));
        // The years allowed and the range's length, as the server checks them.
        let checked = ov::parse_month(&f)
            .and_then(|a| ov::parse_month(&t).and_then(|b| ov::check_range(a, b)));
        if let Err(e) = checked {
            range_error.set(Some(e));
            return;
        }
        range_error.set(None);
        from.set(f.clone());
        to.set(t.clone());
        busy.set(true);
        let id = org();
        leptos::task::spawn_local(async move {
            let answer = api::oversight(id, &f, &t).await;
            mark("oversight:fetched");
            measure("oversight:fetch", "oversight:click", "oversight:fetched");
            busy.set(false);
            match answer {
                Ok(facts) => {
                    error.set(None);
                    // A month outside the new period, or an organization of
                    // another tree, is no filter any more.
                    let period = shared::rules::schedule::Period {
                        from: facts.from,
                        to: facts.to,
                    };
                    if month_filter
                        .get_untracked()
                        .is_some_and(|m| !period.contains(m.first_day()))
                    {
                        month_filter.set(None);
                    }
                    if loaded
                        .get_untracked()
                        .is_none_or(|l| l.facts.orgs.id != facts.orgs.id)
                    {
                        org_filter.set(None);
                    }
                    let rows = ov::cell_months(&facts);
                    let l = Loaded {
                        facts: Arc::new(facts),
                        rows: Arc::new(rows),
                    };
                    let fig = compute(
                        &l,
                        &filter_now(),
                        sort_by.get_untracked(),
                        ascending.get_untracked(),
                    );
                    mark("oversight:computed");
                    measure("oversight:wasm", "oversight:fetched", "oversight:computed");
                    loaded.set(Some(l));
                    figures.set(Some(fig));
                    page.set(0);
                    request_animation_frame(move || {
                        mark("oversight:rendered");
                        measure(
                            "oversight:render",
                            "oversight:computed",
                            "oversight:rendered",
                        );
                        measure("oversight:total", "oversight:click", "oversight:rendered");
                    });
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    // The first load as the page opens.
    Effect::new(move |_| load());

    let export_href = move || {
        format!(
            "/api/organizations/{}/oversight.xlsx?from={}&to={}",
            org(),
            from.get(),
            to.get()
        )
    };

    view! {
        <section class="page oversight-page">
            <p class="no-print"><A href=format!("/org/{}", org())>{move || i18n.pick("← Về tổ chức", "← Back to the organization")}</A></p>
            <h1>
                {move || i18n.pick("Theo dõi các chi bộ", "Every cell at a glance")}
                {move || loaded.get().map(|l| format!(" — {}", l.facts.org_name))}
            </h1>
            <form class="oversight-period no-print" on:submit=move |ev| {
                ev.prevent_default();
                load();
            }>
                <MonthField id="oversight-from" label=Signal::derive(move || i18n.pick("Từ tháng (tháng/năm)", "From (month/year)"))
                    value=from_text error=from_error/>
                <MonthField id="oversight-to" label=Signal::derive(move || i18n.pick("Đến tháng (tháng/năm)", "To (month/year)"))
                    value=to_text error=to_error/>
                <button type="submit" class="button" id="oversight-load" disabled=move || busy.get()>
                    {move || i18n.pick("Xem số liệu", "Load")}
                </button>
                <a class="button secondary" id="oversight-export" href=export_href download>
                    {move || i18n.pick("Tải Excel (.xlsx)", "Download Excel (.xlsx)")}
                </a>
                <button type="button" class="button secondary" on:click=move |_| { let _ = window().print(); }>
                    {move || i18n.pick("In (A4 ngang)", "Print (A4 landscape)")}
                </button>
            </form>
            {move || range_error.get().map(|e| view! { <p class="error" role="alert" id="oversight-range-error">{e.text(i18n.lang())}</p> })}
            <crate::pages::inspections::ProgressPanel org=org() year=now.year()/>
            {move || error.get().map(|error| view! { <ErrorBox error/> })}
            {move || busy.get().then(|| view! { <p class="loading" aria-live="polite">{i18n.pick("Đang tải…", "Loading…")}</p> })}
            {move || {
                let (l, fig) = (loaded.get()?, figures.get()?);
                Some(view! {
                    <Filters l=l.clone() org_filter month_filter status on_change=Callback::new(move |()| recompute())/>
                    <Summary total=fig.total.clone() cells=l.facts.cells.id.len()/>
                    <OrgTable l=l.clone() orgs=fig.orgs.clone() org_filter on_change=Callback::new(move |()| recompute())/>
                    <Charts fig=fig.clone()/>
                    <CellTable l fig sort_by ascending page on_sort=Callback::new(move |()| recompute())/>
                })
            }}
        </section>
    }
}

/// A month of the period, typed as mm/yyyy, with its refusal below it.
#[component]
fn MonthField(
    id: &'static str,
    label: Signal<&'static str>,
    value: RwSignal<String>,
    error: RwSignal<Option<DateError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error_id = format!("e-{id}");
    view! {
        <div class="month-field" class:invalid=move || error.get().is_some()>
            <label for=id>{label}</label>
            <MonthInput id=id value=value described_by=error_id.clone()/>
            <p class="field-error" id=error_id>
                {move || error.get().map(|e| date_error_text(e, i18n.t()))}
            </p>
        </div>
    }
}

#[component]
fn Filters(
    l: Loaded,
    org_filter: RwSignal<Option<u32>>,
    month_filter: RwSignal<Option<YearMonth>>,
    status: RwSignal<StatusFilter>,
    on_change: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let f = l.facts.clone();
    let orgs: Vec<(u32, String)> = f
        .orgs
        .name
        .iter()
        .enumerate()
        .map(|(i, n)| (i as u32, n.clone()))
        .collect();
    let months: Vec<YearMonth> = shared::rules::schedule::Period {
        from: f.from,
        to: f.to,
    }
    .months()
    .collect();
    view! {
        <div class="oversight-filters no-print">
            <label>
                {move || i18n.pick("Tổ chức", "Organization")}
                <select id="oversight-org" on:change=move |ev| {
                    org_filter.set(event_target_value(&ev).parse::<u32>().ok());
                    on_change.run(());
                }>
                    <option value="" selected=move || org_filter.get().is_none()>{move || i18n.pick("Tất cả", "All")}</option>
                    {orgs.into_iter().map(|(i, n)| view! {
                        <option value=i.to_string() selected=move || org_filter.get() == Some(i)>{n}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                {move || i18n.pick("Tháng", "Month")}
                <select id="oversight-month" on:change=move |ev| {
                    month_filter.set(ov::parse_month(&event_target_value(&ev)).ok());
                    on_change.run(());
                }>
                    <option value="" selected=move || month_filter.get().is_none()>{move || i18n.pick("Cả khoảng", "Whole period")}</option>
                    {months.into_iter().map(|m| view! {
                        <option value=ov::month_param(m) selected=move || month_filter.get() == Some(m)>{month_label(m)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                {move || i18n.pick("Tình trạng", "Status")}
                <select id="oversight-status" on:change=move |ev| {
                    status.set(StatusFilter::parse(&event_target_value(&ev)));
                    on_change.run(());
                }>
                    {StatusFilter::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=move || status.get() == s>{s.label_vi()}</option>
                    }).collect_view()}
                </select>
            </label>
        </div>
    }
}

#[component]
fn Summary(total: Rollup, cells: usize) -> impl IntoView {
    let i18n = use_i18n();
    let items = vec![
        (i18n.pick("Chi bộ", "Cells"), cells.to_string()),
        (i18n.pick("Đã họp", "Held"), total.held.to_string()),
        (
            i18n.pick("Không sinh hoạt", "Missing"),
            total.missing.to_string(),
        ),
        (
            i18n.pick("Đăng ký muộn", "Registered late"),
            total.registered_late.to_string(),
        ),
        (
            i18n.pick("Tỷ lệ dự họp", "Attendance"),
            pct(total.attendance_permille),
        ),
        (
            i18n.pick("Lượt cấp trên dự", "Visits"),
            total.visits.to_string(),
        ),
        (
            i18n.pick("Chi bộ được dự", "Cells visited"),
            total.cells_visited.to_string(),
        ),
        (
            i18n.pick("Báo cáo đúng hạn", "Reports on time"),
            pct(total.reports_on_time_permille()),
        ),
        (
            i18n.pick("Kiến nghị chưa xong", "Open proposals"),
            total.open_recommendations.to_string(),
        ),
    ];
    view! {
        <dl class="oversight-summary" id="oversight-summary">
            {items.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> }).collect_view()}
        </dl>
    }
}

#[component]
fn OrgTable(
    l: Loaded,
    orgs: Arc<Vec<(u32, Rollup)>>,
    org_filter: RwSignal<Option<u32>>,
    on_change: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let names = l.facts.orgs.name.clone();
    view! {
        <div class="table-scroll" role="region" tabindex="0" aria-label=move || i18n.pick("Theo tổ chức", "By organization")>
        <table class="oversight-orgs" id="oversight-orgs">
            <caption>{move || i18n.pick("Theo tổ chức", "By organization")}</caption>
            <thead><tr>
                <th scope="col">{move || i18n.pick("Tổ chức", "Organization")}</th>
                <th scope="col">{move || i18n.pick("Chi bộ", "Cells")}</th>
                <th scope="col">{move || i18n.pick("Đã họp", "Held")}</th>
                <th scope="col">{move || i18n.pick("Không sinh hoạt", "Missing")}</th>
                <th scope="col">{move || i18n.pick("Dự họp", "Attendance")}</th>
                <th scope="col">{move || i18n.pick("Lượt dự", "Visits")}</th>
            </tr></thead>
            <tbody>
                {orgs.iter().map(|(o, r)| {
                    let o = *o;
                    let name = names.get(o as usize).cloned().unwrap_or_default();
                    view! { <tr>
                        <th scope="row">
                            <button type="button" class="link" on:click=move |_| {
                                org_filter.set(Some(o));
                                on_change.run(());
                            }>{name}</button>
                        </th>
                        <td>{r.cells}</td>
                        <td>{r.held}</td>
                        <td>{r.missing}</td>
                        <td>{pct(r.attendance_permille)}</td>
                        <td>{r.visits}</td>
                    </tr> }
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}

/// A text in Vietnamese and in English.
type Bilingual = (&'static str, &'static str);

/// A bar chart in SVG, an image named by its title, with its figures in the
/// table below it (for screen readers, and for reading exact values). The
/// labels come with what they are ("Tháng"), the head of the table's first column.
fn bar_chart(
    i18n: I18n,
    id: &'static str,
    title: (&'static str, &'static str),
    (label_head, labels): (Bilingual, Vec<String>),
    series: Vec<(Bilingual, Vec<Option<f64>>)>,
    max: f64,
) -> impl IntoView {
    let (w, h, pad) = (600.0, 200.0, 24.0);
    let n = labels.len().max(1) as f64;
    let groups = series.len().max(1) as f64;
    let slot = (w - pad) / n;
    let bar = (slot * 0.8 / groups).max(1.0);
    let max = if max > 0.0 { max } else { 1.0 };
    let mut rects = Vec::new();
    for (s, (_, values)) in series.iter().enumerate() {
        for (i, v) in values.iter().enumerate() {
            let v = v.unwrap_or(0.0);
            let bh = (v / max).clamp(0.0, 1.0) * (h - pad);
            rects.push(view! {
                <rect
                    class=format!("series-{s}")
                    x=format!("{:.1}", pad + i as f64 * slot + s as f64 * bar)
                    y=format!("{:.1}", h - pad - bh)
                    width=format!("{bar:.1}")
                    height=format!("{bh:.1}")
                ></rect>
            });
        }
    }
    let ticks: Vec<_> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            view! {
                <text x=format!("{:.1}", pad + i as f64 * slot + slot * 0.4) y=format!("{}", h - 6.0)
                    text-anchor="middle" font-size="10">{l.clone()}</text>
            }
        })
        .collect();
    let heads: Vec<Bilingual> = series.iter().map(|(n, _)| *n).collect();
    let table_id = format!("{id}-table");
    let name = move || {
        format!(
            "{} ({})",
            i18n.pick(title.0, title.1),
            i18n.pick("số liệu ở bảng dưới", "figures in the table below")
        )
    };
    let table_rows: Vec<(String, Vec<String>)> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (
                l.clone(),
                series
                    .iter()
                    .map(|(_, v)| {
                        v.get(i)
                            .copied()
                            .flatten()
                            .map_or("—".to_string(), |x| format!("{x:.1}").replace('.', ","))
                    })
                    .collect(),
            )
        })
        .collect();
    view! {
        <figure class="chart" id=id>
            <figcaption>{move || i18n.pick(title.0, title.1)}</figcaption>
            <svg viewBox=format!("0 0 {w} {h}") role="img" aria-label=name aria-details=table_id.clone() class="chart-svg">
                <line x1=format!("{pad}") y1=format!("{}", h - pad) x2=format!("{w}") y2=format!("{}", h - pad) class="axis"></line>
                {rects}
                {ticks}
            </svg>
            <div class="table-scroll" role="region" tabindex="0" aria-label=move || i18n.pick(title.0, title.1)>
            <table class="chart-table" id=table_id>
                <thead><tr>
                    <th scope="col">{move || i18n.pick(label_head.0, label_head.1)}</th>
                    {heads.into_iter().map(|h| view! { <th scope="col">{move || i18n.pick(h.0, h.1)}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {table_rows.into_iter().map(|(l, vs)| view! {
                        <tr><th scope="row">{l}</th>{vs.into_iter().map(|v| view! { <td>{v}</td> }).collect_view()}</tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </figure>
    }
}

#[component]
fn Charts(fig: Figures) -> impl IntoView {
    let i18n = use_i18n();
    let labels: Vec<String> = fig.months.iter().map(|(m, _)| month_label(*m)).collect();
    let held: Vec<Option<f64>> = fig
        .months
        .iter()
        .map(|(_, r)| r.held_permille().map(|p| f64::from(p) / 10.0))
        .collect();
    let attendance: Vec<Option<f64>> = fig
        .months
        .iter()
        .map(|(_, r)| r.attendance_permille.map(|p| f64::from(p) / 10.0))
        .collect();
    let score_labels: Vec<String> = (0..10)
        .map(|b| format!("{}–{}", b * 10, b * 10 + 9))
        .collect();
    let scores: Vec<Option<f64>> = fig.scores.iter().map(|n| Some(f64::from(*n))).collect();
    let score_max = f64::from(fig.scores.iter().copied().max().unwrap_or(0));
    let visitor_labels: Vec<String> = fig.visitors.iter().map(|(n, _, _)| n.clone()).collect();
    let planned: Vec<Option<f64>> = fig
        .visitors
        .iter()
        .map(|(_, p, _)| Some(f64::from(*p)))
        .collect();
    let visits: Vec<Option<f64>> = fig
        .visitors
        .iter()
        .map(|(_, _, v)| Some(f64::from(*v)))
        .collect();
    let visit_max = fig
        .visitors
        .iter()
        .map(|(_, p, v)| (*p).max(*v))
        .max()
        .unwrap_or(0);
    const MONTH: Bilingual = ("Tháng", "Month");
    view! {
        <div class="charts">
            {bar_chart(i18n, "chart-compliance", ("Tỷ lệ chi bộ sinh hoạt theo tháng (%)", "Cells that met, per month (%)"),
                (MONTH, labels.clone()), vec![(("%", "%"), held)], 100.0)}
            {bar_chart(i18n, "chart-attendance", ("Tỷ lệ dự họp bình quân theo tháng (%)", "Mean attendance per month (%)"),
                (MONTH, labels), vec![(("%", "%"), attendance)], 100.0)}
            {bar_chart(i18n, "chart-scores", ("Phân bố điểm buổi sinh hoạt", "Distribution of meeting scores"),
                (("Điểm", "Score"), score_labels), vec![(("Số buổi", "Meetings"), scores)], score_max)}
            {bar_chart(i18n, "chart-visits", ("Lượt dự của cấp ủy viên so với kế hoạch", "Visits per committee member against the plan"),
                (("Cấp ủy viên", "Committee member"), visitor_labels), vec![(("Kế hoạch", "Planned"), planned), (("Đã dự", "Visited"), visits)], f64::from(visit_max))}
        </div>
    }
}

#[component]
fn CellTable(
    l: Loaded,
    fig: Figures,
    sort_by: RwSignal<Column>,
    ascending: RwSignal<bool>,
    page: RwSignal<usize>,
    on_sort: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let total = fig.kept.len();
    let pages = total.div_ceil(PAGE_ROWS).max(1);
    let kept = fig.kept.clone();
    let f = l.facts.clone();
    let rows = l.rows.clone();
    let head = Column::ALL.into_iter().map(move |c| {
        let aria = move || {
            if sort_by.get() != c {
                "none"
            } else if ascending.get() {
                "ascending"
            } else {
                "descending"
            }
        };
        view! {
            <th scope="col" aria-sort=aria>
                <button type="button" class="sort" data-sort=format!("{c:?}").to_lowercase() on:click=move |_| {
                    if sort_by.get_untracked() == c {
                        ascending.update(|a| *a = !*a);
                    } else {
                        sort_by.set(c);
                        ascending.set(true);
                    }
                    on_sort.run(());
                }>{move || i18n.pick(c.label_vi(), c.label_en())}</button>
            </th>
        }
    }).collect_view();
    let body = move || {
        let start = page.get() * PAGE_ROWS;
        kept.iter()
            .skip(start)
            .take(PAGE_ROWS)
            .map(|&i| {
                let r = &rows[i as usize];
                let c = r.cell as usize;
                let cell_id = f.cells.id.get(c).copied().unwrap_or(OrgId(0));
                let name = f.cells.name.get(c).cloned().unwrap_or_default();
                let org = f.cells.org.get(c).and_then(|o| f.orgs.name.get(*o as usize)).cloned().unwrap_or_default();
                let status_class = format!("status status-{:?}", r.status).to_lowercase();
                let meeting = r.meeting.map(|m| {
                    let (href, text) = if r.held {
                        (format!("/meetings/{m}/minutes"), i18n.pick("Biên bản", "Minutes"))
                    } else {
                        (format!("/meetings/{m}"), i18n.pick("Buổi họp", "Meeting"))
                    };
                    view! { <A href=href attr:class="meeting-link">{text}</A> }
                });
                let yes = |b: Option<bool>| match b {
                    Some(true) => i18n.pick("Có", "Yes"),
                    Some(false) => i18n.pick("Không", "No"),
                    None => "—",
                };
                view! {
                    <tr data-cell=cell_id.0.to_string() data-month=ov::month_param(r.month)>
                        <th scope="row"><A href=format!("/org/{cell_id}")>{name}</A></th>
                        <td>{org}</td>
                        <td>{month_label(r.month)}</td>
                        <td class=status_class>{i18n.pick(r.status.label_vi(), r.status.label_en())} " " {meeting}</td>
                        <td class="registered">{yes(r.registered_on_time)}</td>
                        <td class="held">{yes(Some(r.held))}</td>
                        <td class="thematic">{yes(r.thematic)}</td>
                        <td class="attendance">{pct(r.attendance_permille)}</td>
                        <td class="spoke">{pct(r.spoke_permille)}</td>
                        <td class="cell-score">{points(r.cell_tenths)}</td>
                        <td class="upper-score">{points(r.upper_tenths)}</td>
                        <td class="visits">{r.visits}</td>
                        <td class="reports">{r.reports_on_time}{(r.reports_late > 0).then(|| format!(" (+{} {})", r.reports_late, i18n.pick("muộn", "late")))}</td>
                        <td class="recommendations">{r.open_recommendations}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="table-scroll" role="region" tabindex="0" aria-label=move || i18n.pick("Chi bộ theo tháng", "Cells by month")>
        <table class="oversight-table" id="oversight-table">
            <caption>
                {move || i18n.pick("Chi bộ theo tháng", "Cells by month")}
                {format!(" ({total})")}
            </caption>
            <thead><tr>{head}</tr></thead>
            <tbody>{body}</tbody>
        </table>
        </div>
        <nav class="pager no-print" aria-label="pages">
            <button type="button" class="button secondary" id="oversight-prev"
                disabled=move || page.get() == 0 on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>
                {move || i18n.pick("← Trang trước", "← Previous")}
            </button>
            <span id="oversight-page">{move || format!("{}/{}", page.get() + 1, pages)}</span>
            <button type="button" class="button secondary" id="oversight-next"
                disabled=move || { page.get() + 1 >= pages } on:click=move |_| page.update(|p| *p += 1)>
                {move || i18n.pick("Trang sau →", "Next →")}
            </button>
        </nav>
    }
}
