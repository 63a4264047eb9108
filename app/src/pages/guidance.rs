//! The committee's monthly guidance (định hướng sinh hoạt): on a cell's page
//! and the home page, the month's posts from above with their documents, each
//! marked "mới" until opened; on a committee's page, the same list with a
//! form to post, and for each post the cells that opened it or not; one post
//! on its own page (opening it is what the committee sees), where the
//! committee attaches and removes documents. The rules are `shared::guidance`'s.

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::pages::files::human_size;
use crate::pages::org::{bad_address, param_id};
use crate::ui::{ErrorBox, Field, FormErrors, FormMessage, SaveButton, loaded};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::OrgId;
use shared::files::{ACCEPT, MAX_FILE_BYTES};
use shared::guidance::{
    Guidance, GuidanceDraft, GuidanceFile, GuidanceId, GuidanceList, GuidanceReach, MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
};
use wasm_bindgen::JsCast;

/// "Định hướng sinh hoạt" of the month for an organization: the posts that
/// apply to it; for its committee, the form to post and who opened each.
#[component]
pub fn MonthGuidance(org: OrgId) -> impl IntoView {
    let list = LocalResource::new(move || api::guidance_of(org));
    view! {
        <section class="card guidance" id="month-guidance">
            {loaded(list, move |list| view! { <GuidanceMonth list org/> })}
        </section>
    }
}

#[component]
fn GuidanceMonth(list: GuidanceList, org: OrgId) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let GuidanceList {
        year,
        month,
        may_post,
        posts,
    } = list;
    let empty = posts.is_empty();
    view! {
        <h2>{move || format!("{} {month}/{year}", t().gd_month_of)}</h2>
        {empty.then(|| view! { <p class="empty">{move || t().gd_none}</p> })}
        <ul class="guidance-posts">
            {posts
                .into_iter()
                .map(|post| {
                    let reach = may_post && post.manageable;
                    view! { <PostCard post reach/> }
                })
                .collect_view()}
        </ul>
        {may_post.then(|| view! { <PostForm org year month/> })}
    }
}

/// One post in a list: its committee, title, documents and the "new" mark.
#[component]
fn PostCard(post: Guidance, reach: bool) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let opened = RwSignal::new(post.opened_by_me);
    let id = post.id;
    let meta = format!("{} · {}", post.committee, post.posted_at.format("%d/%m/%Y"));
    view! {
        <li class="guidance-post" data-guidance=id.to_string()>
            <p class="guidance-head">
                <A href=format!("/guidance/{id}") attr:class="guidance-link">{post.title.clone()}</A>
                {move || if opened.get() {
                    view! { <span class="badge read">{move || t().gd_opened}</span> }.into_any()
                } else {
                    view! { <span class="badge unread guidance-new">{move || t().gd_new}</span> }.into_any()
                }}
            </p>
            <p class="muted">{meta}</p>
            <FileLinks files=post.files.clone() opened deletable=false reload=None/>
            {reach.then(|| view! { <ReachView id/> })}
        </li>
    }
}

/// The documents of a post, each a download (which counts as opening the post).
#[component]
fn FileLinks(
    files: Vec<GuidanceFile>,
    opened: RwSignal<bool>,
    deletable: bool,
    reload: Option<RwSignal<u32>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    (!files.is_empty()).then(|| {
        view! {
            <ul class="doc-files guidance-files">
                {files
                    .into_iter()
                    .map(|f| {
                        let id = f.id;
                        let error = RwSignal::new(None::<String>);
                        let remove = move |_| {
                            let confirmed = window()
                                .confirm_with_message(i18n.t().docs_delete_confirm)
                                .unwrap_or(false);
                            if !confirmed {
                                return;
                            }
                            spawn_local(async move {
                                match api::delete_guidance_file(id).await {
                                    Ok(()) => {
                                        if let Some(r) = reload {
                                            r.update(|v| *v += 1);
                                        }
                                    }
                                    Err(e) => error.set(Some(e.message(i18n.t()))),
                                }
                            });
                        };
                        let meta = format!("{} · {}", f.kind.label(), human_size(f.size));
                        view! {
                            <li class="doc-file" data-file=id.to_string()>
                                <a
                                    class="doc-link"
                                    href=format!("/api/guidance/files/{id}")
                                    download=f.name.clone()
                                    on:click=move |_| opened.set(true)
                                >
                                    {f.name.clone()}
                                </a>
                                <p class="muted">{meta}</p>
                                {deletable.then(|| view! {
                                    <button type="button" class="button small danger doc-delete" on:click=remove>
                                        {move || t().docs_delete}
                                    </button>
                                })}
                                <p class="field-error" role="alert">{move || error.get()}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

/// Which cells below opened a post, not opened first.
#[component]
fn ReachView(id: GuidanceId) -> impl IntoView {
    let reach = LocalResource::new(move || api::guidance_reach(id));
    view! { <div class="guidance-reach">{loaded(reach, |r| view! { <ReachList reach=r/> })}</div> }
}

#[component]
fn ReachList(reach: GuidanceReach) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let (opened, total) = (reach.opened_cells, reach.total_cells);
    view! {
        <p class="reach-count">{move || format!("{opened}/{total} {}", t().gd_reach_count)}</p>
        <ul class="reach-cells">
            {reach
                .cells
                .into_iter()
                .map(|c| {
                    let who = c
                        .openers
                        .iter()
                        .map(|o| format!("{} ({})", o.name, o.opened_at.format("%H:%M %d/%m")))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let is_open = c.opened;
                    view! {
                        <li class="reach-cell" class:opened=is_open data-cell=c.cell_id.to_string()>
                            <span class="name">{c.cell}</span>
                            {move || if is_open {
                                view! { <span class="badge read">{move || t().gd_opened}</span> }.into_any()
                            } else {
                                view! { <span class="badge unread">{move || t().gd_not_opened}</span> }.into_any()
                            }}
                            {(!who.is_empty()).then(|| view! { <p class="muted">{who}</p> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// The committee's form: title, month and text; checked with the shared
/// rule before sending; then the post's page, to attach its documents.
#[component]
fn PostForm(org: OrgId, year: i32, month: u32) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let title = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let year_s = RwSignal::new(year.to_string());
    let month_s = RwSignal::new(month.to_string());
    let errors = FormErrors::default();
    let save = Action::new_local(move |d: &GuidanceDraft| api::create_guidance(org, d.clone()));
    let navigate = use_navigate();
    errors.follow(
        save,
        Callback::new(move |g: Guidance| {
            navigate(&format!("/guidance/{}", g.id), Default::default())
        }),
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = GuidanceDraft {
            title: title.get_untracked(),
            year: year_s.get_untracked().trim().parse().unwrap_or(0),
            month: month_s.get_untracked().trim().parse().unwrap_or(0),
            text: text.get_untracked(),
        };
        let problems = draft.check().err().map(|e| e.0).unwrap_or_default();
        if errors.check(problems, i18n.t()) {
            save.dispatch(draft);
        }
    };
    view! {
        <form class="guidance-form" on:submit=submit>
            <h3>{move || t().gd_post_title}</h3>
            <Field name="title" label=Signal::derive(move || t().gd_field_title) errors=errors.fields>
                <input id="f-title" aria-describedby="e-title" maxlength=MAX_TITLE_CHARS
                    prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
            </Field>
            <div class="field-row">
                <Field name="month" label=Signal::derive(move || t().gd_field_month) errors=errors.fields>
                    <input id="f-month" aria-describedby="e-month" type="number" min="1" max="12"
                        prop:value=move || month_s.get() on:input=move |ev| month_s.set(event_target_value(&ev))/>
                </Field>
                <Field name="year" label=Signal::derive(move || t().gd_field_year) errors=errors.fields>
                    <input id="f-year" aria-describedby="e-year" type="number" min="2000" max="2100"
                        prop:value=move || year_s.get() on:input=move |ev| year_s.set(event_target_value(&ev))/>
                </Field>
            </div>
            <Field name="text" label=Signal::derive(move || t().gd_field_text) errors=errors.fields>
                <textarea id="f-text" aria-describedby="e-text" rows="5" maxlength=MAX_TEXT_CHARS
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            </Field>
            <FormMessage message=errors.message/>
            <SaveButton pending=save.pending()/>
        </form>
    }
}

/// `/guidance/:id`: one post, opened (the server records it).
#[component]
pub fn GuidancePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id("id");
    let version = RwSignal::new(0u32);
    let post = LocalResource::new(move || {
        version.track();
        let id = id.get();
        async move {
            match id {
                Some(id) => api::guidance(GuidanceId(id)).await,
                None => Err(bad_address(i18n)),
            }
        }
    });
    view! {
        <section class="page guidance-page">
            {loaded(post, move |p| view! { <PostView post=p reload=version/> })}
        </section>
    }
}

#[component]
fn PostView(post: Guidance, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let id = post.id;
    let manage = post.manageable;
    let opened = RwSignal::new(true);
    let error = RwSignal::new(None::<ApiError>);
    let navigate = use_navigate();
    let committee = post.committee_id;
    let remove = move |_| {
        let confirmed = window()
            .confirm_with_message(i18n.t().gd_delete_confirm)
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::delete_guidance(id).await {
                Ok(()) => navigate(&format!("/org/{committee}"), Default::default()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let (month, year) = (post.month, post.year);
    view! {
        <p class="kind">{move || format!("{} {month}/{year}", t().gd_month_of)}</p>
        <h1>{post.title.clone()}</h1>
        <p class="muted">
            <A href=format!("/org/{committee}")>{post.committee.clone()}</A>
            " · " {move || t().gd_posted_by} ": " {post.posted_by.clone()}
            " · " {post.posted_at.format("%H:%M %d/%m/%Y").to_string()}
        </p>
        {(!post.text.is_empty()).then(|| view! { <p class="guidance-text">{post.text.clone()}</p> })}
        <h2>{move || t().gd_documents}</h2>
        {post.files.is_empty().then(|| view! { <p class="empty">{move || t().docs_none}</p> })}
        <FileLinks files=post.files.clone() opened deletable=manage reload=Some(reload)/>
        {manage.then(|| view! {
            <GuidanceUpload id reload/>
            <h2>{move || t().gd_reach_title}</h2>
            <ReachView id/>
            <div class="actions">
                <button type="button" class="button danger" id="guidance-delete" on:click=remove>
                    {move || t().gd_delete}
                </button>
            </div>
        })}
        {move || error.get().map(|error| view! { <ErrorBox error/> })}
    }
}

/// A file input; the chosen document goes up at once.
#[component]
fn GuidanceUpload(id: GuidanceId, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
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
            let result = api::upload_guidance_file(id, &file).await;
            busy.set(false);
            match result {
                Ok(_) => reload.update(|v| *v += 1),
                Err(e) => message.set(Some(e.message(i18n.t()))),
            }
        });
    };
    view! {
        <div class="doc-upload">
            <label class="button secondary" for="guidance-upload" class:disabled=move || busy.get()>
                {move || if busy.get() { t().docs_uploading } else { t().docs_upload }}
            </label>
            <input
                id="guidance-upload"
                class="visually-hidden"
                type="file"
                accept=ACCEPT
                disabled=move || busy.get()
                on:change=chosen
            />
            <p class="hint">{move || t().gd_docs_hint}</p>
            <p class="doc-upload-message" role="status">{move || message.get()}</p>
        </div>
    }
}
