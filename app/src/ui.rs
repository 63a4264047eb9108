//! Small building blocks every page uses: loading and error states, form fields.

use crate::api::ApiError;
use crate::i18n::{Texts, use_i18n};
use crate::session::{Phase, use_session};
use chrono::{NaiveDate, NaiveDateTime};
use leptos::prelude::*;
use leptos_router::components::{A, Redirect};
use shared::{FieldError, FieldErrors};
use wasm_bindgen::JsCast;

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
    /// A group of inputs (radio buttons, each with its own label): the
    /// field's name is `l-` + key, for the group's `aria-labelledby`.
    #[prop(optional)]
    group: bool,
    children: Children,
) -> impl IntoView {
    let message = move || field_messages(errors, name);
    let key = key.unwrap_or_else(|| name.to_string());
    let title = if group {
        view! { <span class="field-label" id=format!("l-{key}")>{label}</span> }.into_any()
    } else {
        view! { <label for=format!("f-{key}")>{label}</label> }.into_any()
    };
    view! {
        <div class="field" class:invalid=move || message().is_some()>
            {title}
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            {children()}
            <p class="field-error" id=format!("e-{key}") data-field=name>
                {message}
            </p>
        </div>
    }
}

/// Every message for `field`, one a line (an agenda can have several); reactive.
pub fn field_messages(errors: RwSignal<FieldErrors>, field: &str) -> Option<String> {
    errors.with(|e| {
        let all: Vec<&str> =
            e.0.iter()
                .filter(|f| f.field == field)
                .map(|f| f.text(crate::i18n::lang()))
                .collect();
        (!all.is_empty()).then(|| all.join("\n"))
    })
}

/// What a refused form shows: each message at its field (`errors`) and one line
/// above the button (`message`). The browser's own checks and the server's 422
/// answers land in the same place.
#[derive(Debug, Clone, Copy)]
pub struct FormErrors {
    pub fields: RwSignal<FieldErrors>,
    pub message: RwSignal<Option<String>>,
}

impl Default for FormErrors {
    fn default() -> Self {
        FormErrors {
            fields: RwSignal::new(FieldErrors::default()),
            message: RwSignal::new(None),
        }
    }
}

impl FormErrors {
    /// Shows the problems found before sending and moves the focus to the first
    /// one's field (`f-` + field); true when there are none and the form may go.
    pub fn check(self, problems: Vec<FieldError>, t: &Texts) -> bool {
        match problems.first() {
            Some(first) => {
                focus(&format!("f-{}", first.field));
                self.fields.set(FieldErrors(problems));
                self.message.set(Some(t.form_has_errors.to_string()));
                false
            }
            None => {
                self.fields.set(FieldErrors::default());
                self.message.set(None);
                true
            }
        }
    }

    /// The server's refusal: its field messages at their fields, its message above the button.
    pub fn refused(self, error: &ApiError, t: &Texts) {
        self.fields.set(error.fields());
        self.message.set(Some(error.summary(t)));
    }

    /// Follows `save`: `on_saved` with what the server kept, or its refusal on the form.
    pub fn follow<I, T>(self, save: Action<I, Result<T, ApiError>>, on_saved: Callback<T>)
    where
        I: Send + Sync + 'static,
        T: Clone + Send + Sync + 'static,
    {
        let i18n = use_i18n();
        Effect::new(move |_| match save.value().get() {
            Some(Ok(saved)) => on_saved.run(saved),
            Some(Err(e)) => self.refused(&e, i18n.t()),
            None => {}
        });
    }
}

/// The submit button of a form, showing that it is saving.
#[component]
pub fn SaveButton(#[prop(into)] pending: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button class="button wide" type="submit" disabled=move || pending.get()>
            {move || if pending.get() { i18n.t().saving } else { i18n.t().save }}
        </button>
    }
}

/// Moves the keyboard focus (and the screen) to the element `id`, if any.
pub fn focus(id: &str) {
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
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

/// Today in Vietnam, whatever zone the device is set to (`shared::clock`).
pub fn today() -> NaiveDate {
    crate::live::now_local().date()
}

/// Dates as Vietnamese write them: 02/09/1985.
pub fn format_date(d: NaiveDate) -> String {
    shared::dates::format_day(d)
}

/// A meeting's start as the schedule shows it: 14:00 · 05/12/2026.
pub fn format_when(at: NaiveDateTime) -> String {
    shared::dates::format_when(at)
}

/// What tells a typed day, time or month field from the others: the
/// browser's own check and the hint, from `shared::dates` (which reads the
/// text), and the room for spaces the reader accepts around the digits.
#[derive(Clone, Copy)]
struct TypedShape {
    class: &'static str,
    pattern: &'static str,
    placeholder: &'static str,
    max_length: &'static str,
}

const DAY: TypedShape = TypedShape {
    class: "date-input",
    pattern: shared::dates::DATE_PATTERN,
    placeholder: shared::dates::DATE_PLACEHOLDER,
    max_length: "14",
};

const TIME: TypedShape = TypedShape {
    class: "time-input",
    pattern: shared::dates::TIME_PATTERN,
    placeholder: shared::dates::TIME_PLACEHOLDER,
    max_length: "8",
};

const MONTH: TypedShape = TypedShape {
    class: "month-input",
    pattern: shared::dates::MONTH_PATTERN,
    placeholder: shared::dates::MONTH_PLACEHOLDER,
    max_length: "10",
};

/// The one input behind [`DateInput`], [`TimeInput`] and [`MonthInput`]:
/// plain text with digits on the phone's keyboard, never the browser's
/// picker, whose order follows the browser's locale.
fn typed_input(
    shape: TypedShape,
    id: String,
    value: RwSignal<String>,
    described_by: String,
    on_input: Option<Callback<()>>,
    aria_label: Option<Signal<&'static str>>,
) -> impl IntoView {
    view! {
        <input
            id=id
            class=shape.class
            type="text"
            inputmode="numeric"
            pattern=shape.pattern
            placeholder=shape.placeholder
            maxlength=shape.max_length
            autocomplete="off"
            aria-label=move || aria_label.map(|l| l.get())
            aria-describedby=described_by
            prop:value=move || value.get()
            on:input=move |ev| {
                value.set(event_target_value(&ev));
                if let Some(f) = on_input {
                    f.run(());
                }
            }
        />
    }
}

/// A day typed as dd/mm/yyyy; read with `shared::dates::parse_day`.
#[component]
pub fn DateInput(
    #[prop(into)] id: String,
    value: RwSignal<String>,
    /// The field's message element.
    #[prop(into)]
    described_by: String,
    /// What else happens on each keystroke.
    #[prop(optional)]
    on_input: Option<Callback<()>>,
    /// Instead of a visible label.
    #[prop(optional, into)]
    aria_label: Option<Signal<&'static str>>,
) -> impl IntoView {
    typed_input(DAY, id, value, described_by, on_input, aria_label)
}

/// A time typed as HH:MM on the 24-hour clock; read with
/// `shared::dates::parse_time`.
#[component]
pub fn TimeInput(
    #[prop(into)] id: String,
    value: RwSignal<String>,
    #[prop(into)] described_by: String,
    #[prop(optional, into)] aria_label: Option<Signal<&'static str>>,
) -> impl IntoView {
    typed_input(TIME, id, value, described_by, None, aria_label)
}

/// A month typed as mm/yyyy; read with `shared::dates::parse_month`.
#[component]
pub fn MonthInput(
    #[prop(into)] id: String,
    value: RwSignal<String>,
    #[prop(into)] described_by: String,
) -> impl IntoView {
    typed_input(MONTH, id, value, described_by, None, None)
}

/// A typed day's or time's refusal in the app's language.
pub fn date_error_text(e: shared::dates::DateError, t: &Texts) -> &'static str {
    use shared::dates::DateError::*;
    match e {
        DateMissing => t.date_missing,
        DateShape => t.date_shape,
        NoSuchDay => t.date_no_such_day,
        TimeMissing => t.time_missing,
        TimeShape => t.time_shape,
        NoSuchTime => t.time_no_such,
        MonthMissing => t.month_missing,
        MonthShape => t.month_shape,
        NoSuchMonth => t.month_no_such,
    }
}

pub fn format_opt_date(d: Option<NaiveDate>) -> String {
    d.map(format_date).unwrap_or_else(|| "—".into())
}

/// A field error list with one message.
pub fn one_error(field: &str, message: &str) -> FieldErrors {
    FieldErrors(vec![shared::FieldError::new(field, "invalid", message)])
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
