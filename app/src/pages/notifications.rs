//! Notifications (thông báo): the bell in the top bar with the unread count,
//! the list (newest first, a notice opened is marked read and leads to its
//! meeting), and the email preferences on the account page. Every text of a
//! notice comes from `shared::notify`, in the chosen language.

use crate::api;
use crate::i18n::use_i18n;
use crate::ui::{Field, FormMessage, Notice as Saved, format_when};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};
use shared::FieldErrors;
use shared::notify::{self, NoticeKind, NoticePreferences, NoticeView};

/// The unread count the bell shows, shared with the list that changes it.
#[derive(Clone, Copy)]
pub struct Unread(pub RwSignal<u32>);

/// Called once by the app, above the bar and the pages.
pub fn provide_unread() {
    provide_context(Unread(RwSignal::new(0)));
}

fn unread() -> RwSignal<u32> {
    expect_context::<Unread>().0
}

fn lang() -> notify::Lang {
    use_i18n().lang()
}

/// How often the bell asks again while the app stays open on one page.
const BELL_REFRESH_MS: u32 = 60_000;

/// The bell: a link to the list, with the unread count. Asks again on each
/// navigation and every minute.
#[component]
pub fn NoticeBell() -> impl IntoView {
    let i18n = use_i18n();
    let count = unread();
    let location = use_location();
    let tick = RwSignal::new(0u32);
    let refresh = LocalResource::new(move || {
        location.pathname.track();
        tick.track();
        api::unread_notifications()
    });
    Effect::new(move |_| {
        if let Some(Ok(n)) = refresh.get() {
            count.set(n);
        }
    });
    if let Ok(handle) = set_interval_with_handle(
        move || tick.update(|t| *t = t.wrapping_add(1)),
        std::time::Duration::from_millis(BELL_REFRESH_MS.into()),
    ) {
        on_cleanup(move || handle.clear());
    }
    view! {
        // Named by its words (hidden) and the count it shows: the bell itself
        // is drawn by the style sheet, not read.
        <A href="/notifications" attr:class="bell">
            <span class="visually-hidden">
                {move || i18n.t().notifications_unread} ": "
                {move || (count.get() == 0).then_some("0")}
            </span>
            <Show when=move || { count.get() > 0 }>
                <span class="bell-count">{move || {
                    let n = count.get();
                    if n > 99 { "99+".to_string() } else { n.to_string() }
                }}</span>
            </Show>
        </A>
    }
}

/// `/notifications`: my notifications, newest first, more on request.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let count = unread();
    let items = RwSignal::new(Vec::<NoticeView>::new());
    let next = RwSignal::new(None::<i64>);
    let error = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    let load = Action::new_local(|before: &Option<i64>| api::notifications(*before));
    Effect::new(move |_| match load.value().get() {
        Some(Ok(page)) => {
            items.update(|list| list.extend(page.items));
            next.set(page.next_before);
            count.set(page.unread);
            loaded.set(true);
            error.set(None);
        }
        Some(Err(e)) => error.set(Some(e.message(i18n.t()))),
        None => {}
    });
    load.dispatch_local(None);
    let read_all = Action::new_local(|_: &()| api::mark_all_notifications_read());
    Effect::new(move |_| match read_all.value().get() {
        Some(Ok(u)) => {
            count.set(u.unread);
            items.update(|list| list.iter_mut().for_each(|n| n.read = true));
        }
        Some(Err(e)) => error.set(Some(e.message(i18n.t()))),
        None => {}
    });
    view! {
        <section class="page narrow notifications">
            <h1>{move || i18n.t().notifications_title}</h1>
            <Show when=move || { count.get() > 0 }>
                <button class="button secondary" type="button"
                    disabled=move || read_all.pending().get()
                    on:click=move |_| { read_all.dispatch_local(()); }>
                    {move || i18n.t().mark_all_read}
                </button>
            </Show>
            <FormMessage message=Signal::derive(move || error.get())/>
            <Show when=move || loaded.get() && items.with(Vec::is_empty)>
                <p class="empty">{move || i18n.t().no_notifications}</p>
            </Show>
            <ul class="notice-list">
                <For
                    each=move || items.get()
                    key=|n| (n.id, n.read)
                    children=move |n| view! { <NoticeRow n items/> }
                />
            </ul>
            <Show when=move || next.get().is_some()>
                <button class="button secondary wide" type="button"
                    disabled=move || load.pending().get()
                    on:click=move |_| { load.dispatch_local(next.get_untracked()); }>
                    {move || i18n.t().load_more}
                </button>
            </Show>
        </section>
    }
}

/// One notice: opening it marks it read, then goes where it leads.
#[component]
fn NoticeRow(n: NoticeView, items: RwSignal<Vec<NoticeView>>) -> impl IntoView {
    let i18n = use_i18n();
    let count = unread();
    let navigate = use_navigate();
    let id = n.id;
    let link = n.notice.link();
    let notice = n.notice.clone();
    let notice_body = n.notice.clone();
    let open = move |_| {
        let link = link.clone();
        let navigate = navigate.clone();
        let was_unread = !n.read;
        leptos::task::spawn_local(async move {
            if was_unread && let Ok(u) = api::mark_notification_read(id).await {
                count.set(u.unread);
                items.update(|list| {
                    if let Some(x) = list.iter_mut().find(|x| x.id == id) {
                        x.read = true;
                    }
                });
            }
            navigate(&link, Default::default());
        });
    };
    view! {
        <li class=if n.read { "notice-item" } else { "notice-item unread" }>
            <button type="button" class="notice-open" on:click=open>
                <span class="notice-title">{move || notice.title(lang())}</span>
                <span class="notice-body">{move || notice_body.body(lang())}</span>
                <span class="muted">{format_when(n.created_at)}</span>
                {(!n.read).then(|| view! { <span class="badge">{move || i18n.t().unread_badge}</span> })}
            </button>
        </li>
    }
}

/// A checkbox per kind, for one channel.
fn kind_checks(legend: Signal<&'static str>, kinds: RwSignal<Vec<NoticeKind>>) -> impl IntoView {
    view! {
        <fieldset class="checks">
            <legend>{move || legend.get()}</legend>
            {NoticeKind::ALL.into_iter().map(|k| view! {
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=move || kinds.with(|ks| ks.contains(&k))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            kinds.update(|ks| {
                                ks.retain(|x| *x != k);
                                if on { ks.push(k); }
                            });
                        }
                    />
                    <span>{move || k.label(lang())}</span>
                </label>
            }).collect_view()}
        </fieldset>
    }
}

/// On the account page: my email address, the kinds I want by email and
/// the kinds I want pushed, checked with `NoticePreferences::check` before
/// sending; and turning push on or off on this device.
#[component]
pub fn NoticePreferencesForm() -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let kinds = RwSignal::new(Vec::<NoticeKind>::new());
    let push_kinds = RwSignal::new(Vec::<NoticeKind>::new());
    let errors = RwSignal::new(FieldErrors::default());
    let message = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<&'static str>);
    let current = LocalResource::new(api::notice_preferences);
    Effect::new(move |_| {
        if let Some(Ok(p)) = current.get() {
            email.set(p.email);
            kinds.set(p.email_kinds);
            push_kinds.set(p.push_kinds);
        }
    });
    let save = Action::new_local(|p: &NoticePreferences| api::set_notice_preferences(p.clone()));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(p)) => {
            email.set(p.email);
            kinds.set(p.email_kinds);
            push_kinds.set(p.push_kinds);
            errors.set(FieldErrors::default());
            message.set(None);
            done.set(Some(i18n.t().saved));
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
        let prefs = NoticePreferences {
            email: email.get_untracked(),
            email_kinds: kinds.get_untracked(),
            push_kinds: push_kinds.get_untracked(),
        };
        match prefs.check() {
            Ok(p) => {
                errors.set(FieldErrors::default());
                save.dispatch_local(p);
            }
            Err(e) => errors.set(e),
        }
    };
    let t = move || i18n.t();
    view! {
        <form class="form notice-prefs" on:submit=on_submit novalidate>
            <p class="muted">{move || t().notice_prefs_help}</p>
            <Field name="email" label=Signal::derive(move || t().email_label) errors>
                <input
                    id="f-email"
                    type="email"
                    inputmode="email"
                    autocomplete="email"
                    maxlength=notify::MAX_EMAIL_CHARS
                    aria-describedby="e-email"
                    bind:value=email
                />
            </Field>
            {kind_checks(Signal::derive(move || t().email_kinds_legend), kinds)}
            {kind_checks(Signal::derive(move || t().push_kinds_legend), push_kinds)}
            <FormMessage message/>
            <Saved message=done/>
            <button class="button wide" type="submit" disabled=move || save.pending().get()>
                {move || if save.pending().get() { t().saving } else { t().save }}
            </button>
        </form>
    }
}

/// "Nhận thông báo đẩy trên thiết bị này": turns push on (or off) for this
/// browser and says plainly what happened, a refusal or no push service
/// included.
#[component]
pub fn PushDeviceButtons() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let outcome = RwSignal::new(None::<crate::push::PushOutcome>);
    let busy = RwSignal::new(false);
    let run = move |on: bool| {
        busy.set(true);
        outcome.set(None);
        leptos::task::spawn_local(async move {
            let result = if on {
                crate::push::subscribe().await
            } else {
                crate::push::unsubscribe().await
            };
            outcome.set(Some(result));
            busy.set(false);
        });
    };
    let said = move || {
        use crate::push::PushOutcome::*;
        outcome.get().map(|o| match o {
            Subscribed(_) => (false, t().push_subscribed.to_string()),
            Unsubscribed => (false, t().push_unsubscribed.to_string()),
            Unsupported => (true, t().push_unsupported.to_string()),
            Denied => (true, t().push_denied.to_string()),
            Unreachable(_) => (true, t().push_unreachable.to_string()),
            Api(e) => (true, e.message(t())),
        })
    };
    view! {
        <div class="push-device">
            <button class="button" type="button" id="push-subscribe"
                disabled=move || busy.get() on:click=move |_| run(true)>
                {move || if busy.get() { t().push_working } else { t().push_subscribe }}
            </button>
            <button class="button secondary" type="button" id="push-unsubscribe"
                disabled=move || busy.get() on:click=move |_| run(false)>
                {move || t().push_unsubscribe}
            </button>
            {move || said().map(|(error, text)| view! {
                <p id="push-status" class=if error { "form-error" } else { "notice" } role="status">{text}</p>
            })}
        </div>
    }
}
