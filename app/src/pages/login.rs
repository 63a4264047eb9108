//! Đăng nhập: username and password; the server's refusal shown as it words it.

use crate::api;
use crate::i18n::use_i18n;
use crate::session::{Phase, use_session};
use crate::ui::{Field, FormMessage};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use shared::api::LoginRequest;
use shared::{FieldError, FieldErrors};

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let login = Action::new_local(|req: &LoginRequest| api::login(req.clone()));

    Effect::new(move |_| {
        if let Some(Ok(me)) = login.value().get() {
            session.logged_in(me);
        }
    });
    Effect::new(move |_| {
        if session.phase() == Phase::In {
            navigate(
                "/",
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });

    let message = Signal::derive(move || match login.value().get() {
        Some(Err(e)) => Some(e.message(i18n.t())),
        _ => None,
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = LoginRequest {
            username: username.get_untracked().trim().to_lowercase(),
            password: password.get_untracked(),
        };
        let required = i18n.t().required;
        let mut missing = Vec::new();
        if req.username.is_empty() {
            missing.push(FieldError::new("username", "required", required));
        }
        if req.password.is_empty() {
            missing.push(FieldError::new("password", "required", required));
        }
        errors.set(FieldErrors(missing));
        if errors.with_untracked(|e| e.0.is_empty()) {
            login.dispatch_local(req);
        }
    };

    view! {
        <section class="page narrow">
            <h1>{move || i18n.t().login_title}</h1>
            <p class="lead">{move || i18n.t().login_intro}</p>
            <form class="form" on:submit=on_submit novalidate>
                <Field name="username" label=Signal::derive(move || i18n.t().username) errors>
                    <input
                        id="f-username"
                        name="username"
                        type="text"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        aria-describedby="e-username"
                        bind:value=username
                    />
                </Field>
                <Field name="password" label=Signal::derive(move || i18n.t().password) errors>
                    <input
                        id="f-password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        aria-describedby="e-password"
                        bind:value=password
                    />
                </Field>
                <FormMessage message/>
                <button class="button wide" type="submit" disabled=move || login.pending().get()>
                    {move || {
                        if login.pending().get() { i18n.t().logging_in } else { i18n.t().login_button }
                    }}
                </button>
            </form>
        </section>
    }
}
