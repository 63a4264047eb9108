//! Nhập đảng viên từ tệp Excel (.xlsx) hoặc CSV: a CSV is checked at once in
//! the browser with `shared::import`; a workbook is read by the server (the
//! browser carries no spreadsheet reader), which answers with the same rows
//! and errors, what it would create, update, leave; then it is written.

use crate::api;
use crate::i18n::use_i18n;
use crate::pages::org::{bad_address, param_id};
use crate::ui::{ErrorBox, format_opt_date, today};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use shared::OrgId;
use shared::api::{ImportReport, ImportRequest};
use shared::import::{FileError, ImportError, ImportRow, MAX_FILE_BYTES, looks_like_zip, parse};
use std::sync::Arc;
use wasm_bindgen_futures::JsFuture;

/// What is being imported: the CSV text in the box, or a workbook as chosen.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    Csv(String),
    Xlsx(Arc<[u8]>),
}

/// Why a chosen file was not taken.
#[derive(Debug, Clone, Copy, PartialEq)]
enum FileProblem {
    Unreadable,
    TooLarge,
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id("id");
    let text = RwSignal::new(String::new());
    // A chosen workbook; typing into the box goes back to CSV.
    let workbook = RwSignal::new(None::<(String, Arc<[u8]>)>);
    let file_problem = RwSignal::new(None::<FileProblem>);
    let source = move || match workbook.get() {
        Some((_, bytes)) => Source::Xlsx(bytes),
        None => Source::Csv(text.get()),
    };
    // A CSV's check, in the browser; a workbook's comes from the server.
    let local = Memo::new(move |_| match source() {
        Source::Csv(t) => Some(parse(&t, today())),
        Source::Xlsx(_) => None,
    });
    let has_input = move || workbook.with(Option::is_some) || text.with(|t| !t.trim().is_empty());
    // The server's answer, for the file it was given.
    let send = Action::new_local(move |(src, commit): &(Source, bool)| {
        let cell = id.get_untracked();
        let (src, commit) = (src.clone(), *commit);
        async move {
            let report = match (cell, &src) {
                (None, _) => Err(bad_address(i18n)),
                (Some(cell), Source::Csv(csv)) => {
                    let req = ImportRequest {
                        csv: csv.clone(),
                        commit,
                    };
                    api::import_members(OrgId(cell), req).await
                }
                (Some(cell), Source::Xlsx(bytes)) => {
                    api::import_members_xlsx(OrgId(cell), bytes, commit).await
                }
            };
            (src, commit, report)
        }
    });
    let answer = move || send.value().get().filter(|(src, _, _)| *src == source());
    let checked_ok = move || {
        answer().is_some_and(|(_, commit, r)| !commit && r.is_ok_and(|r| r.errors.is_empty()))
    };
    let committed =
        move || answer().is_some_and(|(_, commit, r)| commit && r.is_ok_and(|r| r.committed));

    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        if file.size() > MAX_FILE_BYTES as f64 {
            file_problem.set(Some(FileProblem::TooLarge));
            return;
        }
        spawn_local(async move {
            let Ok(buffer) = JsFuture::from(file.array_buffer()).await else {
                file_problem.set(Some(FileProblem::Unreadable));
                return;
            };
            let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
            file_problem.set(None);
            // The content tells a workbook, whatever the file is called; the
            // server reads it and answers with its rows at once.
            if looks_like_zip(&bytes) {
                let bytes: Arc<[u8]> = bytes.into();
                workbook.set(Some((file.name(), bytes.clone())));
                send.dispatch_local((Source::Xlsx(bytes), false));
            } else {
                workbook.set(None);
                text.set(String::from_utf8_lossy(&bytes).into_owned());
            }
        });
    };
    let dispatch = move |commit: bool| {
        send.dispatch_local((source(), commit));
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
                    <input
                        id="f-file"
                        class="visually-hidden"
                        type="file"
                        accept=".xlsx,.csv,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                        on:change=on_file
                    />
                    {move || file_problem.get().map(|p| view! {
                        <p class="field-error">
                            {match p {
                                FileProblem::Unreadable => t().file_read_error.to_string(),
                                FileProblem::TooLarge => FileError::TooLarge.to_string(),
                            }}
                        </p>
                    })}
                    {move || workbook.get().map(|(name, _)| view! {
                        <p class="workbook" role="status">{move || t().workbook_chosen} ": " <strong>{name}</strong></p>
                    })}
                </div>
                <div class="field">
                    <label for="f-csv">{move || t().paste_label}</label>
                    <textarea
                        id="f-csv"
                        rows="6"
                        wrap="off"
                        spellcheck="false"
                        bind:value=text
                        on:input=move |_| workbook.set(None)
                    ></textarea>
                </div>
            </div>
            <Show when=has_input>
                <h2>{move || t().preview_title}</h2>
                {move || match local.get() {
                    Some(parsed) => view! {
                        <RowList rows=parsed.rows/>
                        <ErrorList errors=parsed.errors/>
                    }
                    .into_any(),
                    // The workbook's rows as the server read them; its errors
                    // are in the server's report below.
                    None => match answer() {
                        Some((_, _, Ok(report))) => view! { <RowList rows=report.rows/> }.into_any(),
                        _ if send.pending().get() => {
                            view! { <p class="muted" role="status">{move || t().checking}</p> }.into_any()
                        }
                        _ => ().into_any(),
                    },
                }}
                <div class="actions">
                    <button
                        class="button"
                        type="button"
                        disabled=move || {
                            send.pending().get()
                                || local.with(|p| p.as_ref().is_some_and(|p| !p.errors.is_empty()))
                        }
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
                {move || answer().map(|(_, commit, report)| match report {
                    Ok(report) => view! { <ServerReport report commit/> }.into_any(),
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
