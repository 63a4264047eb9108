//! Tài khoản của tôi: who I am, the language, a new password, logging out.

use crate::LanguageToggle;
use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::session::use_session;
use crate::ui::{Field, FormMessage, Notice, one_error};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::FieldErrors;
use shared::api::{ChangePasswordRequest, check_password};

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let me = move || session.me();
    view! {
        <section class="page narrow">
            <h1>{move || i18n.t().account_title}</h1>
            <div class="card">
                <p class="big">{move || me().map(|m| m.account.display_name)}</p>
                <p class="muted">{move || me().map(|m| m.account.username)}</p>
                <Show when=move || session.is_admin()>
                    <p class="badge">{move || i18n.t().admin_badge}</p>
                </Show>
            </div>
            <h2>{move || i18n.t().language}</h2>
            <LanguageToggle/>
            <h2>{move || i18n.t().notice_prefs_title}</h2>
            <super::notifications::NoticePreferencesForm/>
            <super::notifications::PushDeviceButtons/>
            <h2>{move || i18n.t().change_password}</h2>
            <PasswordForm/>
            <LogoutButton/>
        </section>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let message = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<&'static str>);
    let change = Action::new_local(|req: &ChangePasswordRequest| api::change_password(req.clone()));
    Effect::new(move |_| match change.value().get() {
        Some(Ok(())) => {
            current.set(String::new());
            new.set(String::new());
            done.set(Some(i18n.t().password_changed));
        }
        Some(Err(e)) => {
            errors.set(e.fields());
            message.set(Some(e.summary(i18n.t())));
        }
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        message.set(None);
        let req = ChangePasswordRequest {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        let problem = if req.current_password.is_empty() {
            Some(one_error("current_password", i18n.t().required))
        } else {
            check_password(&req.new_password)
                .err()
                .map(|m| FieldErrors(vec![shared::FieldError::of("new_password", &m)]))
        };
        match problem {
            Some(p) => errors.set(p),
            None => {
                errors.set(FieldErrors::default());
                change.dispatch_local(req);
            }
        }
    };
    let t = move || i18n.t();
    view! {
        <form class="form" on:submit=on_submit novalidate>
            <Field name="current_password" label=Signal::derive(move || t().current_password) errors>
                <input
                    id="f-current_password"
                    type="password"
                    autocomplete="current-password"
                    aria-describedby="e-current_password"
                    bind:value=current
                />
            </Field>
            <Field
                name="new_password"
                label=Signal::derive(move || t().new_password)
                hint=Signal::derive(move || t().password_rule)
                errors
            >
                <input
                    id="f-new_password"
                    type="password"
                    autocomplete="new-password"
                    aria-describedby="e-new_password"
                    bind:value=new
                />
            </Field>
            <FormMessage message/>
            <Notice message=done/>
            <button class="button wide" type="submit" disabled=move || change.pending().get()>
                {move || if change.pending().get() { t().saving } else { t().change_password }}
            </button>
        </form>
    }
}

#[component]
fn LogoutButton() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let logout = Action::new_local(|_: &()| api::logout());
    Effect::new(move |_| {
        // A session the server no longer knows is as good as logged out.
        if let Some(Ok(()) | Err(ApiError::Server { status: 401, .. })) = logout.value().get() {
            session.log_out_here();
            navigate("/login", Default::default());
        }
    });
    let error = move || match logout.value().get() {
        Some(Err(e)) if !e.is_unauthenticated() => Some(e.message(i18n.t())),
        _ => None,
    };
    view! {
        <div class="logout">
            <FormMessage message=Signal::derive(error)/>
            <button
                class="button danger wide"
                type="button"
                disabled=move || logout.pending().get()
                on:click=move |_| {
                    logout.dispatch_local(());
                }
            >
                {move || i18n.t().logout}
            </button>
        </div>
    }
}
