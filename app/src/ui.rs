//! Small building blocks every page uses: loading and error states, form fields.

use crate::api::ApiError;
use crate::i18n::use_i18n;
use crate::session::{Phase, use_session};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::components::{A, Redirect};
use shared::FieldErrors;

#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="loading" role="status">{move || i18n.t().loading}</p> }
}

/// An error in plain words, with a retry when retrying can help. A lost session
/// sends the person back to the login page.
#[component]
pub fn ErrorBox(error: ApiError, #[prop(optional)] retry: Option<Callback<()>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    if error.is_unauthenticated() {
        // After this render, not during it: the change unmounts this page.
        Effect::new(move |_| session.logged_out());
    }
    let is_final = error.is_final();
    let message = error.clone();
    view! {
        <div class="error-box" role="alert" data-code=error.code().to_string()>
            <p>{move || message.message(i18n.t())}</p>
            {match retry {
                Some(retry) if !is_final => {
                    view! {
                        <button class="button" on:click=move |_| retry.run(())>
                            {move || i18n.t().retry}
                        </button>
                    }
                        .into_any()
                }
                _ => view! { <A href="/" attr:class="button secondary">{move || i18n.t().go_home}</A> }.into_any(),
            }}
        </div>
    }
}

/// Pages behind the login: wait for `/api/me`, or go to the login page.
#[component]
pub fn Protected(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let phase = Memo::new(move |_| session.phase());
    move || match phase.get() {
        Phase::Checking => view! { <Loading/> }.into_any(),
        Phase::In => children().into_any(),
        Phase::Out => view! { <Redirect path="/login"/> }.into_any(),
        Phase::Failed => {
            let error = session.error().unwrap_or(ApiError::Network);
            let retry = Callback::new(move |()| session.check());
            view! { <ErrorBox error retry/> }.into_any()
        }
    }
}

/// A labelled form field with its message (for `name`) underneath. The input
/// inside must carry `id = "f-" + key` and `aria-describedby = "e-" + key`,
/// where `key` is `name` unless given (when a page repeats a form).
#[component]
pub fn Field(
    name: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    errors: RwSignal<FieldErrors>,
    #[prop(optional, into)] hint: Option<Signal<&'static str>>,
    #[prop(optional, into)] key: Option<String>,
    children: Children,
) -> impl IntoView {
    let message = move || errors.with(|e| e.message_for(name).map(str::to_string));
    let key = key.unwrap_or_else(|| name.to_string());
    view! {
        <div class="field" class:invalid=move || message().is_some()>
            <label for=format!("f-{key}")>{label}</label>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            {children()}
            <p class="field-error" id=format!("e-{key}") data-field=name>
                {message}
            </p>
        </div>
    }
}

/// The message of a form as a whole (above the button), when there is one.
#[component]
pub fn FormMessage(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message
            .get()
            .map(|m| view! { <p class="form-error" role="alert">{m}</p> })
    }
}

/// A short confirmation after a change was saved.
#[component]
pub fn Notice(#[prop(into)] message: Signal<Option<&'static str>>) -> impl IntoView {
    move || {
        message
            .get()
            .map(|m| view! { <p class="notice" role="status">{m}</p> })
    }
}

/// Today on the device's calendar (the people using it are in Vietnam).
pub fn today() -> NaiveDate {
    let now = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or_default()
}

/// Dates as Vietnamese write them: 02/09/1985.
pub fn format_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

pub fn format_opt_date(d: Option<NaiveDate>) -> String {
    d.map(format_date).unwrap_or_else(|| "—".into())
}

/// A field error list with one message.
pub fn one_error(field: &str, message: &str) -> FieldErrors {
    FieldErrors(vec![shared::FieldError::new(field, message)])
}

/// A loaded resource: the loading text, the error with a retry, or `render(value)`.
/// On a retry the old content stays until the new answer arrives.
pub fn loaded<T, V>(
    resource: LocalResource<Result<T, ApiError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=Loading>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => render(value).into_any(),
                        Err(error) => {
                            let retry = Callback::new(move |()| resource.refetch());
                            view! { <ErrorBox error retry/> }.into_any()
                        }
                    }
                })
            }}
        </Transition>
    }
}
