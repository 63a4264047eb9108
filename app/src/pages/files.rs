//! A meeting's documents on its page: by agenda item, each marked late or
//! not and opened or not; for those who prepare an item, how many members
//! opened each, a file input to add one and a button to remove one. Who may
//! do what, and lateness, come from the server (`shared::files`).

use crate::api;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::MeetingId;
use shared::files::{ACCEPT, MAX_FILE_BYTES, MeetingFile, MeetingFiles};
use shared::meeting::Meeting;
use wasm_bindgen::JsCast;

/// "1,2 MB", "350 KB": sizes as people read them.
pub fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// The documents section of a meeting's page.
#[component]
pub fn MeetingDocuments(meeting: Meeting) -> impl IntoView {
    let i18n = use_i18n();
    let id = meeting.id;
    let version = RwSignal::new(0u32);
    let files = LocalResource::new(move || {
        version.track();
        api::meeting_files(id)
    });
    let titles: Vec<String> = meeting
        .draft
        .agenda
        .iter()
        .map(|i| i.title.clone())
        .collect();
    view! {
        <section class="card documents" id="meeting-documents">
            <h2>{move || i18n.t().docs_title}</h2>
            <Transition fallback=|| ()>
                {move || {
                    let titles = titles.clone();
                    files.get().map(|r| match r {
                        Ok(list) => view! { <DocumentList list titles meeting=id reload=version/> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.message(i18n.t())}</p> }.into_any(),
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn DocumentList(
    list: MeetingFiles,
    titles: Vec<String>,
    meeting: MeetingId,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let deadline = list.deadline.format("%d/%m/%Y").to_string();
    let late = list.late_count;
    let roll = list.members_on_roll;
    let items = titles
        .into_iter()
        .enumerate()
        .filter_map(|(i, title)| {
            let index = u32::try_from(i).ok()?;
            let files: Vec<MeetingFile> = list
                .files
                .iter()
                .filter(|f| f.item_index == index)
                .cloned()
                .collect();
            let can_upload = list.uploadable_items.contains(&index);
            (can_upload || !files.is_empty()).then(|| {
                view! {
                    <li class="doc-item" data-item=index>
                        <p class="doc-item-title">{format!("{}. {title}", index + 1)}</p>
                        <ul class="doc-files">
                            {files
                                .into_iter()
                                .map(|file| view! { <DocumentRow file roll reload/> })
                                .collect_view()}
                        </ul>
                        {can_upload.then(|| view! { <UploadBox meeting index reload/> })}
                    </li>
                }
            })
        })
        .collect_view();
    let empty = list.files.is_empty() && list.uploadable_items.is_empty();
    view! {
        <p class="hint">{move || format!("{} {deadline}.", t().docs_deadline)}</p>
        {(late > 0).then(|| view! {
            <p class="doc-late-count badge late" id="docs-late-count">
                {move || format!("{}: {late}", t().docs_late_count)}
            </p>
        })}
        {empty.then(|| view! { <p class="empty">{move || t().docs_none}</p> })}
        <ol class="doc-items">{items}</ol>
    }
}

#[component]
fn DocumentRow(file: MeetingFile, roll: u32, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let opened = RwSignal::new(file.opened_by_me);
    let error = RwSignal::new(None::<String>);
    let id = file.id;
    let remove = move |_| {
        let confirmed = window()
            .confirm_with_message(i18n.t().docs_delete_confirm)
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        spawn_local(async move {
            match api::delete_file(id).await {
                Ok(()) => reload.update(|v| *v += 1),
                Err(e) => error.set(Some(e.message(i18n.t()))),
            }
        });
    };
    let meta = format!(
        "{} · {} · {}",
        file.kind.label(),
        human_size(file.size),
        file.uploaded_at.format("%H:%M %d/%m/%Y")
    );
    let by = file.uploaded_by.clone();
    view! {
        <li class="doc-file" data-file=id.to_string() class:late=file.late>
            <a
                class="doc-link"
                href=format!("/api/files/{id}")
                download=file.name.clone()
                on:click=move |_| opened.set(true)
            >
                {file.name.clone()}
            </a>
            <p class="muted">{meta} " · " {move || t().docs_by} ": " {by}</p>
            <p class="doc-badges">
                {file.late.then(|| view! { <span class="badge late">{move || t().docs_late}</span> })}
                {move || if opened.get() {
                    view! { <span class="badge read">{move || t().docs_read}</span> }.into_any()
                } else {
                    view! { <span class="badge unread">{move || t().docs_unread}</span> }.into_any()
                }}
                {file.opened_count.map(|n| view! {
                    <span class="doc-opened">
                        {move || format!("{}: {n}/{roll} {}", t().docs_opened_by, t().docs_members)}
                    </span>
                })}
            </p>
            {file.deletable.then(|| view! {
                <button type="button" class="button small danger doc-delete" on:click=remove>
                    {move || t().docs_delete}
                </button>
            })}
            <p class="field-error" role="alert">{move || error.get()}</p>
        </li>
    }
}

/// A file input; the chosen file goes up at once.
#[component]
fn UploadBox(meeting: MeetingId, index: u32, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    let input_id = format!("doc-upload-{index}");
    let chosen = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|l| l.get(0)) else {
            return;
        };
        input.set_value("");
        // The server checks again; this saves sending 20 MB to be told so.
        if file.size() > MAX_FILE_BYTES as f64 {
            message.set(Some(i18n.t().docs_too_large.to_string()));
            return;
        }
        busy.set(true);
        message.set(None);
        spawn_local(async move {
            let result = api::upload_file(meeting, index, &file).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    message.set(Some(i18n.t().docs_uploaded.to_string()));
                    reload.update(|v| *v += 1);
                }
                Err(e) => message.set(Some(e.message(i18n.t()))),
            }
        });
    };
    view! {
        <div class="doc-upload">
            <label class="button secondary" for=input_id.clone() class:disabled=move || busy.get()>
                {move || if busy.get() { t().docs_uploading } else { t().docs_upload }}
            </label>
            <input
                id=input_id
                class="visually-hidden"
                type="file"
                accept=ACCEPT
                disabled=move || busy.get()
                on:change=chosen
            />
            <p class="hint">{move || t().docs_hint}</p>
            <p class="doc-upload-message" role="status">{move || message.get()}</p>
        </div>
    }
}
