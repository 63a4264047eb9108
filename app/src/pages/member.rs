//! The member record form (hồ sơ đảng viên): create in a cell, or edit. Checked
//! in the browser with the same `MemberDraft::validate` the server runs again.

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::pages::org::{bad_address, param_id};
use crate::ui::{
    DateInput, Field, FormErrors, FormMessage, SaveButton, date_error_text, format_date, loaded,
    today,
};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::api::empty_member_draft;
use shared::dates::parse_opt_day;
use shared::member::{
    Attachment, CellRole, Gender, MAX_ORGANIZATION_CHARS, Member, MemberDraft, PartyStatus,
};
use shared::{FieldError, FieldErrors, MemberId, OrgId};

pub type SaveAction = Action<MemberDraft, Result<Member, ApiError>>;

/// After a save, back to the cell's roll.
fn go_to_cell() -> Callback<Member> {
    let navigate = use_navigate();
    Callback::new(move |m: Member| navigate(&format!("/org/{}", m.cell_id), Default::default()))
}

#[component]
pub fn NewMemberPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id("id");
    let save: SaveAction = Action::new_local(move |draft: &MemberDraft| {
        let cell = id.get_untracked();
        let draft = draft.clone();
        async move {
            match cell {
                Some(cell) => api::create_member(OrgId(cell), draft).await,
                None => Err(bad_address(i18n)),
            }
        }
    });
    let back = move || format!("/org/{}", id.get().unwrap_or_default());
    view! {
        <section class="page narrow">
            <A href=back attr:class="back">{move || i18n.t().back}</A>
            <h1>{move || i18n.t().member_new_title}</h1>
            <MemberForm initial=empty_member_draft() save on_saved=go_to_cell()/>
        </section>
    }
}

#[component]
pub fn EditMemberPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id("id");
    let member = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::member(MemberId(id)).await,
                None => Err(bad_address(i18n)),
            }
        }
    });
    let save: SaveAction = Action::new_local(move |draft: &MemberDraft| {
        let id = id.get_untracked();
        let draft = draft.clone();
        async move {
            match id {
                Some(id) => api::update_member(MemberId(id), draft).await,
                None => Err(bad_address(i18n)),
            }
        }
    });
    let on_saved = go_to_cell();
    view! {
        <section class="page narrow">
            {loaded(member, move |m: Member| view! {
                <A href=format!("/org/{}", m.cell_id) attr:class="back">{move || i18n.t().back}</A>
                <h1>{move || i18n.t().member_edit_title}</h1>
                <MemberForm initial=m.draft save on_saved/>
            })}
        </section>
    }
}

fn date_text(d: Option<NaiveDate>) -> String {
    d.map(format_date).unwrap_or_default()
}

/// Every field of `MemberDraft`, each error shown under its own field.
#[component]
pub fn MemberForm(
    initial: MemberDraft,
    save: SaveAction,
    on_saved: Callback<Member>,
) -> impl IntoView {
    let i18n = use_i18n();
    let full_name = RwSignal::new(initial.full_name);
    let gender = RwSignal::new(initial.gender);
    let birth_date = RwSignal::new(date_text(initial.birth_date));
    let admitted_on = RwSignal::new(date_text(initial.admitted_on));
    let full_member_on = RwSignal::new(date_text(initial.full_member_on));
    let status = RwSignal::new(initial.status);
    let role = RwSignal::new(initial.role);
    let card_number = RwSignal::new(initial.card_number.unwrap_or_default());
    let attached = RwSignal::new(initial.attached_elsewhere.is_some());
    let attachment = initial.attached_elsewhere.unwrap_or(Attachment {
        organization: String::new(),
        from: today(),
        until: None,
    });
    let attached_organization = RwSignal::new(attachment.organization);
    let attached_from = RwSignal::new(date_text(Some(attachment.from)));
    let attached_until = RwSignal::new(date_text(attachment.until));
    let form = FormErrors::default();
    let errors = form.fields;
    form.follow(save, on_saved);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut problems = Vec::new();
        let mut date = |field: &str, text: String| match parse_opt_day(&text) {
            Ok(d) => d,
            Err(e) => {
                problems.push(FieldError::new(
                    field,
                    "bad_date",
                    date_error_text(e, i18n.t()),
                ));
                None
            }
        };
        let mut draft = MemberDraft {
            full_name: full_name.get_untracked(),
            gender: gender.get_untracked(),
            birth_date: date("birth_date", birth_date.get_untracked()),
            admitted_on: date("admitted_on", admitted_on.get_untracked()),
            full_member_on: date("full_member_on", full_member_on.get_untracked()),
            status: status.get_untracked(),
            role: role.get_untracked(),
            card_number: Some(card_number.get_untracked()),
            attached_elsewhere: None,
        };
        let mut from_missing = false;
        if attached.get_untracked() {
            let from_text = attached_from.get_untracked();
            from_missing = from_text.trim().is_empty();
            let from = date("attached_from", from_text);
            let until = date("attached_until", attached_until.get_untracked());
            draft.attached_elsewhere = from.map(|from| Attachment {
                organization: attached_organization.get_untracked(),
                from,
                until,
            });
        }
        let draft = draft.normalized();
        if from_missing {
            problems.push(FieldError::new(
                "attached_from",
                "required",
                i18n.t().attached_from_missing,
            ));
        }
        // A date that could not be read would make the rules judge a wrong record.
        if problems.is_empty()
            && let Err(FieldErrors(mut found)) = draft.validate(today())
        {
            problems.append(&mut found);
        }
        if form.check(problems, i18n.t()) {
            save.dispatch_local(draft);
        }
    };

    let t = move || i18n.t();
    view! {
        <form class="form" on:submit=on_submit novalidate>
            <Field name="full_name" label=Signal::derive(move || t().f_full_name) errors>
                <input
                    id="f-full_name"
                    type="text"
                    autocomplete="off"
                    aria-describedby="e-full_name"
                    bind:value=full_name
                />
            </Field>
            <Field name="gender" label=Signal::derive(move || t().f_gender) errors group=true>
                <div class="choices" role="radiogroup" aria-labelledby="l-gender" aria-describedby="e-gender">
                    {[Gender::Male, Gender::Female]
                        .into_iter()
                        .map(|g| {
                            view! {
                                <label class="choice">
                                    <input
                                        type="radio"
                                        name="gender"
                                        id=(g == Gender::Male).then_some("f-gender")
                                        value=g.as_str()
                                        prop:checked=move || gender.get() == g
                                        on:change=move |_| gender.set(g)
                                    />
                                    <span>{move || i18n.pick(g.label_vi(), g.label_en())}</span>
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
            </Field>
            <DateField name="birth_date" label=Signal::derive(move || t().f_birth_date) value=birth_date errors/>
            <DateField name="admitted_on" label=Signal::derive(move || t().f_admitted_on) value=admitted_on errors/>
            <Field name="status" label=Signal::derive(move || t().f_status) errors>
                <select
                    id="f-status"
                    aria-describedby="e-status"
                    on:change=move |ev| {
                        if let Some(s) = PartyStatus::parse(&event_target_value(&ev)) {
                            status.set(s);
                        }
                    }
                >
                    {PartyStatus::ALL
                        .into_iter()
                        .map(|s| view! {
                            <option value=s.as_str() selected=move || status.get() == s>
                                {move || i18n.pick(s.label_vi(), s.label_en())}
                            </option>
                        })
                        .collect_view()}
                </select>
            </Field>
            <DateField
                name="full_member_on"
                label=Signal::derive(move || t().f_full_member_on)
                value=full_member_on
                errors
            />
            <Field name="role" label=Signal::derive(move || t().f_role) errors>
                <select
                    id="f-role"
                    aria-describedby="e-role"
                    on:change=move |ev| {
                        if let Some(r) = CellRole::parse(&event_target_value(&ev)) {
                            role.set(r);
                        }
                    }
                >
                    {CellRole::ALL
                        .into_iter()
                        .map(|r| view! {
                            <option value=r.as_str() selected=move || role.get() == r>
                                {move || i18n.pick(r.label_vi(), r.label_en())}
                            </option>
                        })
                        .collect_view()}
                </select>
            </Field>
            <Field name="card_number" label=Signal::derive(move || t().f_card_number) errors>
                <input
                    id="f-card_number"
                    type="text"
                    inputmode="decimal"
                    autocomplete="off"
                    aria-describedby="e-card_number"
                    bind:value=card_number
                />
            </Field>
            <label class="choice">
                <input type="checkbox" id="f-attached" bind:checked=attached/>
                <span>{move || t().f_attached}</span>
            </label>
            <Show when=move || attached.get()>
                <Field
                    name="attached_organization"
                    label=Signal::derive(move || t().f_attached_organization)
                    errors
                >
                    <input
                        id="f-attached_organization"
                        type="text"
                        autocomplete="off"
                        maxlength=MAX_ORGANIZATION_CHARS
                        aria-describedby="e-attached_organization"
                        bind:value=attached_organization
                    />
                </Field>
                <DateField
                    name="attached_from"
                    label=Signal::derive(move || t().f_attached_from)
                    value=attached_from
                    errors
                />
                <Field
                    name="attached_until"
                    label=Signal::derive(move || t().f_attached_until)
                    hint=Signal::derive(move || t().attached_until_hint)
                    errors
                >
                    <input
                        id="f-attached_until"
                        type="text"
                        placeholder="dd/mm/yyyy"
                        autocomplete="off"
                        aria-describedby="e-attached_until"
                        bind:value=attached_until
                    />
                </Field>
            </Show>
            <FormMessage message=form.message/>
            <SaveButton pending=save.pending()/>
        </form>
    }
}

/// A date typed as ngày/tháng/năm: quicker than a calendar for a birth year in the 1950s.
#[component]
fn DateField(
    name: &'static str,
    label: Signal<&'static str>,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Field name label errors hint=Signal::derive(move || i18n.t().date_hint)>
            <DateInput id=format!("f-{name}") value described_by=format!("e-{name}")/>
        </Field>
    }
}
