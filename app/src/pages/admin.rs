//! Quản lý tài khoản (administrators only): list, create, reset a password,
//! disable or enable an account.

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::session::use_session;
use crate::ui::{Field, FormMessage, Notice, loaded, one_error};
use leptos::prelude::*;
use shared::api::{AccountView, NewAccount, ResetPasswordRequest, check_password, check_username};
use shared::import::fold_vi;
use shared::{FieldError, FieldErrors, MemberId};

#[component]
pub fn AccountsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let accounts = LocalResource::new(api::accounts);
    let reload = Callback::new(move |()| accounts.refetch());
    let query = RwSignal::new(String::new());
    view! {
        <section class="page">
            <h1>{move || i18n.t().accounts_title}</h1>
            <Show
                when=move || session.is_admin()
                fallback=move || view! { <p class="error-box">{move || i18n.t().admins_only}</p> }
            >
                <details class="card create">
                    <summary>{move || i18n.t().new_account}</summary>
                    <NewAccountForm on_created=reload/>
                </details>
                <div class="field search">
                    <label for="f-search">{move || i18n.t().search}</label>
                    <input id="f-search" type="search" autocomplete="off" bind:value=query/>
                </div>
                {loaded(accounts, move |list: Vec<AccountView>| view! {
                    <ul class="accounts">
                        {move || {
                            // Typed with or without diacritics: "nga" finds "Vũ Hồng Nga".
                            let q = fold_vi(&query.get());
                            list.iter()
                                .filter(|a| {
                                    q.is_empty()
                                        || fold_vi(&a.display_name).contains(&q)
                                        || a.username.contains(&q)
                                })
                                .cloned()
                                .map(|account| view! { <AccountRow account on_change=reload/> })
                                .collect_view()
                        }}
                    </ul>
                })}
            </Show>
        </section>
    }
}

#[component]
fn NewAccountForm(on_created: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let member_id = RwSignal::new(String::new());
    let is_admin = RwSignal::new(false);
    let errors = RwSignal::new(FieldErrors::default());
    let message = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<&'static str>);
    let create = Action::new_local(|req: &NewAccount| api::create_account(req.clone()));
    Effect::new(move |_| match create.value().get() {
        Some(Ok(_)) => {
            for s in [username, display_name, password, member_id] {
                s.set(String::new());
            }
            is_admin.set(false);
            done.set(Some(i18n.t().account_created));
            on_created.run(());
        }
        Some(Err(e)) => {
            errors.set(e.fields());
            message.set(Some(e.message(i18n.t())));
        }
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        message.set(None);
        let t = i18n.t();
        let mut problems = Vec::new();
        let name = username.get_untracked().trim().to_string();
        if let Err(m) = check_username(&name) {
            problems.push(FieldError::of("username", &m));
        }
        let shown = display_name.get_untracked().trim().to_string();
        if shown.is_empty() {
            problems.push(FieldError::new("display_name", "required", t.required));
        }
        let pass = password.get_untracked();
        if let Err(m) = check_password(&pass) {
            problems.push(FieldError::of("password", &m));
        }
        let member = member_id.get_untracked().trim().to_string();
        let member = if member.is_empty() {
            None
        } else {
            match member.parse::<i64>() {
                Ok(n) => Some(MemberId(n)),
                Err(_) => {
                    problems.push(FieldError::new("member_id", "bad_number", t.bad_number));
                    None
                }
            }
        };
        if !problems.is_empty() {
            errors.set(FieldErrors(problems));
            return;
        }
        errors.set(FieldErrors::default());
        create.dispatch_local(NewAccount {
            username: name,
            display_name: shown,
            password: pass,
            member_id: member,
            is_admin: is_admin.get_untracked(),
        });
    };
    let t = move || i18n.t();
    view! {
        <form class="form" on:submit=on_submit novalidate>
            <Field name="username" label=Signal::derive(move || t().username) errors>
                <input id="f-username" type="text" autocapitalize="none" spellcheck="false"
                    autocomplete="off" aria-describedby="e-username" bind:value=username/>
            </Field>
            <Field name="display_name" label=Signal::derive(move || t().display_name) errors>
                <input id="f-display_name" type="text" autocomplete="off"
                    aria-describedby="e-display_name" bind:value=display_name/>
            </Field>
            <Field name="password" label=Signal::derive(move || t().password)
                hint=Signal::derive(move || t().password_rule) errors>
                <input id="f-password" type="password" autocomplete="new-password"
                    aria-describedby="e-password" bind:value=password/>
            </Field>
            <Field name="member_id" label=Signal::derive(move || t().member_id)
                hint=Signal::derive(move || t().member_id_hint) errors>
                <input id="f-member_id" type="text" inputmode="numeric" autocomplete="off"
                    aria-describedby="e-member_id" bind:value=member_id/>
            </Field>
            <label class="choice">
                <input type="checkbox" bind:checked=is_admin/>
                <span>{move || t().is_admin}</span>
            </label>
            <FormMessage message/>
            <Notice message=done/>
            <button class="button wide" type="submit" disabled=move || create.pending().get()>
                {move || if create.pending().get() { t().saving } else { t().create }}
            </button>
        </form>
    }
}

#[component]
fn AccountRow(account: AccountView, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let id = account.id;
    let disabled = account.disabled;
    let toggle = Action::new_local(move |d: &bool| api::set_disabled(id, *d));
    Effect::new(move |_| {
        if let Some(Ok(_)) = toggle.value().get() {
            on_change.run(());
        }
    });
    let toggle_error = move || match toggle.value().get() {
        Some(Err(e)) => Some(e.message(i18n.t())),
        _ => None,
    };
    let t = move || i18n.t();
    let username = account.username.clone();
    view! {
        <li class="card account" class:disabled=disabled data-username=username>
            <div class="who">
                <p class="big">{account.display_name}</p>
                <p class="muted">{account.username}</p>
                {(account.is_admin || disabled).then(|| view! {
                    <p class="tags">
                        {account.is_admin.then(|| view! { <span class="tag">{move || t().admin_badge}</span> })}
                        {disabled.then(|| view! { <span class="tag danger">{move || t().disabled_badge}</span> })}
                    </p>
                })}
            </div>
            <ResetPassword id=id.0/>
            <FormMessage message=Signal::derive(toggle_error)/>
            <button
                class=if disabled { "button secondary" } else { "button danger" }
                type="button"
                disabled=move || toggle.pending().get()
                on:click=move |_| {
                    toggle.dispatch_local(!disabled);
                }
            >
                {move || if disabled { t().enable } else { t().disable }}
            </button>
        </li>
    }
}

/// A button that opens a small form for a new password.
#[component]
fn ResetPassword(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let done = RwSignal::new(None::<&'static str>);
    view! {
        <Notice message=done/>
        <Show
            when=move || open.get()
            fallback=move || view! {
                <button class="button secondary" type="button" on:click=move |_| {
                    done.set(None);
                    open.set(true);
                }>{move || i18n.t().reset_password}</button>
            }
        >
            <ResetForm id open done/>
        </Show>
    }
}

#[component]
fn ResetForm(id: i64, open: RwSignal<bool>, done: RwSignal<Option<&'static str>>) -> impl IntoView {
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let reset = Action::new_local(move |p: &String| {
        api::reset_password(
            shared::AccountId(id),
            ResetPasswordRequest {
                new_password: p.clone(),
            },
        )
    });
    Effect::new(move |_| match reset.value().get() {
        Some(Ok(())) => {
            open.set(false);
            done.set(Some(i18n.t().password_reset_done));
        }
        Some(Err(e)) => errors.set(error_on_password(&e, i18n.t())),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let p = password.get_untracked();
        match check_password(&p) {
            Err(m) => errors.set(FieldErrors(vec![FieldError::of("new_password", &m)])),
            Ok(()) => {
                errors.set(FieldErrors::default());
                reset.dispatch_local(p);
            }
        }
    };
    let key = format!("new_password-{id}");
    let input_id = format!("f-{key}");
    let described = format!("e-{key}");
    let t = move || i18n.t();
    view! {
        <form class="form inline" on:submit=on_submit novalidate>
            <Field name="new_password" key label=Signal::derive(move || t().new_password)
                hint=Signal::derive(move || t().password_rule) errors>
                <input id=input_id type="password" autocomplete="new-password"
                    aria-describedby=described bind:value=password/>
            </Field>
            <div class="actions">
                <button class="button" type="submit" disabled=move || reset.pending().get()>
                    {move || t().reset_password}
                </button>
                <button class="button secondary" type="button" on:click=move |_| open.set(false)>
                    {move || t().cancel}
                </button>
            </div>
        </form>
    }
}

/// The server's message for a reset goes under the password field when it names no field.
fn error_on_password(e: &ApiError, t: &crate::i18n::Texts) -> FieldErrors {
    let fields = e.fields();
    if fields.0.is_empty() {
        one_error("new_password", &e.message(t))
    } else {
        fields
    }
}
