//! Nhập đảng viên từ CSV: checked at once in the browser with `shared::import`,
//! then by the server (what it would create, update, leave), then written.

use crate::api;
use crate::i18n::use_i18n;
use crate::pages::org::{bad_address, param_id};
use crate::ui::{ErrorBox, format_opt_date, today};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use shared::OrgId;
use shared::api::{ImportReport, ImportRequest};
use shared::import::{ImportError, ImportRow, parse};
use wasm_bindgen_futures::JsFuture;

#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id("id");
    let text = RwSignal::new(String::new());
    let file_error = RwSignal::new(false);
    let local = Memo::new(move |_| text.with(|t| parse(t, today())));
    // The server's answer, for the text it was given.
    let send = Action::new_local(move |req: &ImportRequest| {
        let cell = id.get_untracked();
        let req = req.clone();
        async move {
            let report = match cell {
                Some(cell) => api::import_members(OrgId(cell), req.clone()).await,
                None => Err(bad_address(i18n)),
            };
            (req, report)
        }
    });
    let answer = move || {
        send.value()
            .get()
            .filter(|(req, _)| text.with(|t| *t == req.csv))
    };
    let checked_ok = move || {
        answer().is_some_and(|(req, r)| !req.commit && r.is_ok_and(|r| r.errors.is_empty()))
    };
    let committed =
        move || answer().is_some_and(|(req, r)| req.commit && r.is_ok_and(|r| r.committed));

    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        spawn_local(async move {
            match JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string())
            {
                Some(t) => {
                    file_error.set(false);
                    text.set(t);
                }
                None => file_error.set(true),
            }
        });
    };
    let dispatch = move |commit: bool| {
        send.dispatch_local(ImportRequest {
            csv: text.get_untracked(),
            commit,
        });
    };
    let back = move || format!("/org/{}", id.get().unwrap_or_default());
    let t = move || i18n.t();

    view! {
        <section class="page">
            <A href=back attr:class="back">{move || t().back_to_cell}</A>
            <h1>{move || t().import_title}</h1>
            <p class="lead">{move || t().import_help}</p>
            <div class="form">
                <div class="field">
                    <label for="f-file" class="button secondary file-button">{move || t().choose_file}</label>
                    <input id="f-file" class="visually-hidden" type="file" accept=".csv,text/csv,text/plain" on:change=on_file/>
                    <Show when=move || file_error.get()>
                        <p class="field-error">{move || t().file_read_error}</p>
                    </Show>
                </div>
                <div class="field">
                    <label for="f-csv">{move || t().paste_label}</label>
                    <textarea id="f-csv" rows="6" wrap="off" spellcheck="false" bind:value=text></textarea>
                </div>
            </div>
            <Show when=move || text.with(|t| !t.trim().is_empty())>
                <h2>{move || t().preview_title}</h2>
                {move || {
                    let parsed = local.get();
                    view! {
                        <RowList rows=parsed.rows/>
                        <ErrorList errors=parsed.errors/>
                    }
                }}
                <div class="actions">
                    <button
                        class="button"
                        type="button"
                        disabled=move || send.pending().get() || local.with(|p| !p.errors.is_empty())
                        on:click=move |_| dispatch(false)
                    >
                        {move || if send.pending().get() { t().checking } else { t().check_button }}
                    </button>
                    <button
                        class="button commit"
                        type="button"
                        disabled=move || send.pending().get() || !checked_ok() || committed()
                        on:click=move |_| dispatch(true)
                    >
                        {move || t().commit_button}
                    </button>
                </div>
                {move || answer().map(|(req, report)| match report {
                    Ok(report) => view! { <ServerReport report commit=req.commit/> }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                })}
            </Show>
        </section>
    }
}

#[component]
fn RowList(rows: Vec<ImportRow>) -> impl IntoView {
    let i18n = use_i18n();
    let n = rows.len();
    view! {
        <details class="rows" open=n <= 20>
            <summary>{move || i18n.t().valid_rows} ": " {n}</summary>
            <ul class="import-rows">
                {rows
                    .into_iter()
                    .map(|r| {
                        let d = r.draft;
                        let (status, gender) = (d.status, d.gender);
                        view! {
                            <li>
                                <span class="line">{move || i18n.t().line} " " {r.line}</span>
                                <strong>{d.full_name}</strong>
                                <span class="muted">
                                    {move || i18n.pick(gender.label_vi(), gender.label_en())} " · "
                                    {format_opt_date(d.admitted_on)} " · "
                                    {move || i18n.pick(status.label_vi(), status.label_en())}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </details>
    }
}

/// Each problem with its line and column, so it can be found in the spreadsheet.
#[component]
fn ErrorList(errors: Vec<ImportError>) -> impl IntoView {
    let i18n = use_i18n();
    (!errors.is_empty()).then(|| {
        let n = errors.len();
        view! {
            <div class="import-errors" role="alert">
                <h3>{move || i18n.t().errors_title} ": " {n}</h3>
                <ul>
                    {errors
                        .into_iter()
                        .map(|e| view! {
                            <li>
                                <span class="line">{move || i18n.t().line} " " {e.line}</span>
                                {(!e.column.is_empty()).then(|| view! { <span class="column">{e.column}</span> })}
                                <span class="reason">{e.message}</span>
                            </li>
                        })
                        .collect_view()}
                </ul>
            </div>
        }
    })
}

#[component]
fn ServerReport(report: ImportReport, commit: bool) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let headline = if report.committed {
        Some(view! { <p class="notice" role="status">{move || t().commit_done}</p> })
    } else {
        None
    };
    let blocked = (commit || !report.errors.is_empty()) && !report.committed;
    view! {
        <div class="card report">
            <h2>{move || t().server_check_title}</h2>
            {headline}
            <ul class="counts">
                <li><span class="n">{report.to_create}</span><span>{move || t().to_create}</span></li>
                <li><span class="n">{report.to_update}</span><span>{move || t().to_update}</span></li>
                <li><span class="n">{report.unchanged}</span><span>{move || t().unchanged}</span></li>
            </ul>
            {blocked.then(|| view! { <p class="form-error">{move || t().commit_blocked}</p> })}
            <ErrorList errors=report.errors/>
        </div>
    }
}
